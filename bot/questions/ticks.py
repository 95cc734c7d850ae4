"""The questions slice's tick: tickets unanswered for 24 hours go to the administrators, once.

It asks the repository first and loads the questions service (and the materials it links to)
only when a ticket is due: on most 20-second rounds none is.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.questions.rules import ESCALATE_AFTER
from storage import questions

if TYPE_CHECKING:
    from bot.application import BotApplication


async def escalate(application: BotApplication, now: dt.datetime) -> None:
    if not await questions.due_for_escalation(application.services.database, now - ESCALATE_AFTER):
        return
    from bot.questions.service import QuestionService

    await QuestionService(application.services).escalate_due()
