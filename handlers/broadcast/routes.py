"""The broadcast's handlers outside its conversation, declared without importing them: each
callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import delivery
from bot.delivery.progress import CONTROLS
from bot.lazy import lazy

if TYPE_CHECKING:
    from bot.application import BotApplication


def register_history(application: BotApplication) -> None:
    """Section 3 (global): /broadcasts."""
    delivery.install(application)
    application.add_handler(
        CommandHandler(
            "broadcasts",
            lazy("handlers.broadcast.history:history"),
            filters=filters.ChatType.PRIVATE,
        )
    )


def register_control(application: BotApplication) -> None:
    """Section 3 (global): the progress buttons, pressed anywhere."""
    delivery.install(application)
    application.add_handler(
        CallbackQueryHandler(lazy("handlers.broadcast.control:control"), pattern=CONTROLS.pattern())
    )
