"""The legal clocks' tick: reminders before a clock is due, escalations once it passed.

It asks the repository first and loads the case service only when a clock is due: on most
20-second rounds none is.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from storage import cases

if TYPE_CHECKING:
    from bot.application import BotApplication


async def check_deadlines(application: BotApplication, now: dt.datetime) -> None:
    db = application.services.database
    if not (
        await cases.reminders_due(db, now, limit=1)
        or await cases.overdue_unannounced(db, now, limit=1)
    ):
        return
    from bot.cases.service import CaseService

    await CaseService.of(application.services).check_deadlines(now)
