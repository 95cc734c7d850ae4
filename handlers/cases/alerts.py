"""The alert copies from the chat's side: after a change made with a button, every copy of
the case's alert (the pressed one included) is brought up to date. (The legal clocks' tick is
bot/cases/ticks.py.)"""

from __future__ import annotations

from telegram import CallbackQuery

from bot.cases import alerts
from bot.cases.service import Change
from bot.context import BotContext
from handlers.cases.detail import in_private, is_detail_view
from storage.alert_copies import AlertCopy


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
