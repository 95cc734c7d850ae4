"""Who may see which figures: district staff their own district, administrators any or all."""

from __future__ import annotations

from bot.people import PermissionDenied
from storage.users import User

ALL = "all"


def scope_for(user: User | None, requested: str | None = None) -> str | None:
    """The district whose figures `user` gets (None = every district).

    `requested` is a district code, ALL, or None for the person's default (their district for
    staff, everything for administrators). Raises PermissionDenied for anyone else, and for
    staff asking about another district or about all of them.
    """
    if user is None or not user.is_staff:
        raise PermissionDenied("staff only")
    if user.is_admin:
        return None if requested in (None, ALL) else requested
    if user.district is None:
        raise PermissionDenied("no district")
    if requested not in (None, user.district):
        raise PermissionDenied(requested)
    return user.district
