"""The questions' handlers outside the ask / reply conversation, declared without importing
them: each callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import scheduling
from bot.lazy import lazy
from bot.questions.buttons import (
    AddPending,
    Close,
    CloseListed,
    MarkSpam,
    SendPending,
    UndoSpam,
)

if TYPE_CHECKING:
    from bot.application import BotApplication


def register_answer(application: BotApplication) -> None:
    """/myquestions and the ticket buttons that act at once (right after the conversation)."""
    application.add_handler(
        CommandHandler(
            "myquestions",
            lazy("handlers.questions.answer:my_questions"),
            filters=filters.ChatType.PRIVATE,
        )
    )
    for button, callback in (
        (Close, "close_button"),
        (CloseListed, "close_listed_button"),
        (MarkSpam, "spam_button"),
        (UndoSpam, "undo_spam_button"),
    ):
        application.add_handler(
            CallbackQueryHandler(
                lazy(f"handlers.questions.answer:{callback}"), pattern=button.pattern()
            )
        )


def register_no_dead_end(application: BotApplication) -> None:
    """The two buttons under the "I did not quite understand" answer."""
    for button, callback in ((SendPending, "send_pending"), (AddPending, "add_pending")):
        application.add_handler(
            CallbackQueryHandler(
                lazy(f"handlers.questions.no_dead_end:{callback}"), pattern=button.pattern()
            )
        )


def register_staff(application: BotApplication) -> None:
    """The escalation tick (after the ticket buttons, as before)."""
    scheduling.add_tick(application, "question_escalation", lazy("bot.questions.ticks:escalate"))
