"""Who may see which figures: staff the programme group their units lie in, administrators
any group or all."""

from __future__ import annotations

import datetime as dt

from bot import scope
from bot.guards import PermissionDenied
from storage import audit
from storage.db import Database
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


async def record_export(
    db: Database,
    actor: User,
    period_token: str,
    group: str | None,
    cases: int,
    now: dt.datetime,
) -> None:
    """The audit row of a workbook sent (who took which figures out of the bot)."""
    await audit.record(
        db,
        actor.telegram_id,
        "stats_export",
        "stats",
        None,
        now,
        period=period_token,
        district=group,
        cases=cases,
    )
