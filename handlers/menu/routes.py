"""What to do with anything else (registered last in group 0), declared without importing its
handlers: each callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot import menu
from bot.lazy import lazy

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE


def register_fallbacks(application: BotApplication) -> None:
    """Last in group 0: intents nobody took, unknown commands, free text, stale buttons."""
    application.add_handler(
        MessageHandler(
            PRIVATE & filters.TEXT & ~filters.COMMAND & menu.AnyIntent(application.services),
            lazy("handlers.menu.fallbacks:route_intent"),
        )
    )
    application.add_handler(
        MessageHandler(PRIVATE & filters.COMMAND, lazy("handlers.menu.fallbacks:unknown_command"))
    )
    application.add_handler(
        MessageHandler(
            PRIVATE & ~filters.StatusUpdate.ALL, lazy("handlers.menu.fallbacks:not_understood")
        )
    )
    application.add_handler(CallbackQueryHandler(lazy("handlers.menu.fallbacks:stale_button")))
