"""The report slice's tick: urgent reports that alerted staff and were left unsent.

A tick runs every 20 s and on most rounds finds nothing due, so it asks the repository first
and loads the report service (and the case work behind it, ~1 MiB) only when a report is due.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from storage import report_drafts

if TYPE_CHECKING:
    from bot.application import BotApplication
    from storage.db import Database

# A report that alerted staff as "in danger now" and is still not sent this long after: the
# reporter is reminded and the staff alerted are told, once.
FOLLOW_UP_UNSENT_AFTER = dt.timedelta(minutes=30)
# ... and not while the reporter is still at it: untouched this long.
FOLLOW_UP_IDLE_FOR = dt.timedelta(minutes=10)


async def alerted_unsent(db: Database, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """The reports due for a follow-up: (reporter, alerted at)."""
    return await report_drafts.alerted_unsent(
        db, now - FOLLOW_UP_UNSENT_AFTER, now - FOLLOW_UP_IDLE_FOR
    )


async def follow_up_unsent_alerts(application: BotApplication, now: dt.datetime) -> None:
    if not await alerted_unsent(application.services.database, now):
        return
    from bot import delivery
    from bot.reports.service import ReportIntake

    if await ReportIntake(application.services).follow_up_unsent_alerts(now):
        delivery.kick(application)
