"""The emergency buttons, declared without importing their handlers: each callback is imported
when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler

from bot.lazy import lazy
from bot.reports.buttons import Sos
from bot.safety.buttons import Numbers, PassToStaff, TipPlace

if TYPE_CHECKING:
    from bot.application import BotApplication


def register_answer(application: BotApplication) -> None:
    """After every journey (an active report answers its own 🆘 first), before the fallbacks."""
    numbers = lazy("handlers.safety.answer:on_numbers")
    application.add_handler(
        CallbackQueryHandler(lazy("handlers.safety.answer:on_tip"), pattern=PassToStaff.pattern())
    )
    application.add_handler(
        CallbackQueryHandler(lazy("handlers.safety.answer:on_place"), pattern=TipPlace.pattern())
    )
    application.add_handler(CallbackQueryHandler(numbers, pattern=Numbers.pattern()))
    # The report's 🆘 buttons of any step ("rep:sos:<step>", namespace of the report journey):
    # an active report answers its own first; any other, however old, gets the numbers here.
    application.add_handler(CallbackQueryHandler(numbers, pattern=Sos.pattern()))
