"""Who may see which figures: staff the programme group their units lie in, administrators
any group or all."""

from __future__ import annotations

from bot import scope
from bot.guards import PermissionDenied
from storage.users import User

ALL = "all"


def scope_for(user: User | None, requested: str | None = None) -> str | None:
    """The programme group whose figures `user` gets (None = the whole programme).

    `requested` is a group code, ALL, or None for the person's default (their group for
    staff, everything for administrators and programme-wide staff). Raises PermissionDenied
    for anyone else, and for staff asking about a group outside their scope.
    """
    if user is None or not user.is_staff:
        raise PermissionDenied("staff only")
    if user.is_admin:
        return None if requested in (None, ALL) else requested
    if scope.is_programme_wide(user):
        return None if requested in (None, ALL) else requested
    group = scope.home_group(user)
    if group is None:
        raise PermissionDenied("no programme group")
    if requested not in (None, group):
        raise PermissionDenied(requested)
    return group
