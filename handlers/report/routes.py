"""The report's buttons outside a report in progress, declared without importing their
handlers: each callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import menu, scheduling
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.lazy import lazy
from bot.reports.buttons import DELETE, REPORT, Discard, Resume, Send
from handlers.common import anything_else, free_text, leave_handlers
from handlers.report.ui import ACTIVE, CONFIRM_CANCEL, RESUME

if TYPE_CHECKING:
    from bot.application import BotApplication


PRIVATE = filters.ChatType.PRIVATE


def _paused_notice(context: BotContext) -> str | None:
    if context.person_data.get("report_draft_saved"):
        return N_("⏸ The report is paused. Its draft is saved: /report continues it.")
    return None


def register_entry(application: BotApplication) -> None:
    """The /report conversation (before the report's other buttons: register_sent), and the
    follow-up of urgent reports left unsent."""
    i18n = application.services.i18n
    other = anything_else(i18n)
    engine, media, entry = (
        "handlers.report.engine",
        "handlers.report.media",
        "handlers.report.entry",
    )
    step_handlers: list[BaseHandler] = [
        CallbackQueryHandler(lazy(f"{engine}:on_button"), pattern=REPORT.pattern()),
        MessageHandler(filters.PHOTO, lazy(f"{media}:on_photo")),
        MessageHandler(filters.LOCATION, lazy(f"{media}:on_location")),
        MessageHandler(filters.CONTACT, lazy(f"{media}:on_contact")),
        MessageHandler(free_text(i18n), lazy(f"{engine}:on_text")),
        MessageHandler(other, lazy(f"{engine}:on_other")),
    ]
    start = lazy(f"{entry}:entry")
    application.add_handler(
        ExclusiveConversation(
            name="report",
            left_notice=_paused_notice,
            persistent=True,
            entry_points=[
                CommandHandler("report", start, filters=PRIVATE),
                MessageHandler(PRIVATE & menu.Intent(application.services, "report"), start),
            ],
            states={
                ACTIVE: step_handlers,
                RESUME: [
                    CallbackQueryHandler(lazy(f"{entry}:on_resume"), pattern=Resume.pattern()),
                    MessageHandler(other, lazy(f"{entry}:on_resume_other")),
                ],
                CONFIRM_CANCEL: [
                    CallbackQueryHandler(
                        lazy(f"{entry}:on_confirm_cancel"), pattern=Discard.pattern()
                    ),
                    *step_handlers,
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )
    scheduling.add_tick(
        application, "unsent_urgent_reports", lazy("bot.reports.ticks:follow_up_unsent_alerts")
    )


def register_sent(application: BotApplication) -> None:
    """After the conversation (register_entry): "Delete my messages"; Send on an old summary."""
    application.add_handler(
        CallbackQueryHandler(
            lazy("handlers.report.sent:on_delete_messages"), pattern=DELETE.pattern()
        )
    )
    application.add_handler(
        CallbackQueryHandler(lazy("handlers.report.sent:on_stale_send"), pattern=Send.pattern())
    )
