"""The printing desk's handlers, declared without importing them: each callback is imported
when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.lazy import lazy
from bot.materials.buttons import MoveRequest

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE


def register_desk(application: BotApplication) -> None:
    """Section 3: /printqueue, /myrequests and the staff's step buttons."""
    application.add_handler(
        CommandHandler("printqueue", lazy("handlers.printing.desk:queue_command"), PRIVATE)
    )
    application.add_handler(
        CommandHandler("myrequests", lazy("handlers.printing.desk:my_requests_command"), PRIVATE)
    )
    application.add_handler(
        CallbackQueryHandler(lazy("handlers.printing.desk:move"), pattern=MoveRequest.pattern())
    )
