"""The alert copies from the chat's side: after a change made with a button, every copy of
the case's alert (the pressed one included) is brought up to date; and the legal clocks'
tick (reminders before a clock is due, escalations when it passed: bot/cases/notices.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from telegram import CallbackQuery

from bot.cases import alerts
from bot.cases.service import CaseService, Change
from bot.context import BotContext
from handlers.cases.detail import in_private, is_detail_view
from storage.alert_copies import AlertCopy

if TYPE_CHECKING:
    from bot.application import BotApplication


def pressed_alert(
    context: BotContext, query: CallbackQuery | None, case_id: int
) -> list[AlertCopy]:
    """The pressed message when it is an alert (it may predate the recording of copies)."""
    if query is None or query.message is None or is_detail_view(query):
        return []
    language = context.translate.language if in_private(query) else None
    message = query.message
    return [AlertCopy("case", case_id, message.chat.id, message.message_id, language, "new", None)]


async def after_change(
    context: BotContext, change: Change, query: CallbackQuery | None = None
) -> None:
    """Bring the alert copies up to date when who has the case or whether it is open changed
    (the pressed alert too)."""
    await alerts.after_change(context, change, pressed_alert(context, query, change.case.id))


async def check_deadlines(application: BotApplication, now: dt.datetime) -> None:
    """The legal clocks' tick: reminders before a clock is due, escalations once it passed
    (CaseService owns the rules, the audit and the transaction)."""
    await CaseService.of(application.services).check_deadlines(now)
