"""The information topics' and the ward contact's buttons, declared without importing their
handlers: each callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Message
from telegram.ext import CommandHandler, MessageHandler, filters
from telegram.ext.filters import MessageFilter

from bot import info, menu
from bot.info.buttons import (
    AnotherWard,
    InfoMenu,
    OldDistrict,
    PickWard,
    ShowEntry,
    TopicMaterials,
    Vote,
    WardContact,
)
from bot.lazy import add_button_handlers, lazy

if TYPE_CHECKING:
    from bot.application import BotApplication
    from bot.services import Services

PRIVATE = filters.ChatType.PRIVATE


class FaqOrDanger(MessageFilter):
    """Free text that matches an information entry or contains a danger word."""

    def __init__(self, services: Services) -> None:
        self._services = services  # the matcher is compiled on first use, not at start-up
        super().__init__(name="FaqOrDanger")

    def filter(self, message: Message) -> bool:
        text = message.text or ""
        return bool(text) and (
            info.match(text) is not None
            or self._services.danger_matcher().found_in(text) is not None
        )


def register_topics(application: BotApplication) -> None:
    """/info, the menu button and the topic buttons (section 3)."""
    info = lazy("handlers.info.topics:info_command")
    application.add_handler(CommandHandler("info", info, filters=PRIVATE))
    application.add_handler(
        MessageHandler(PRIVATE & menu.Intent(application.services, "parents_info"), info)
    )
    add_button_handlers(
        application,
        "handlers.info.topics",
        (InfoMenu, "back_to_menu"),
        (ShowEntry, "show_entry"),
        (Vote, "vote"),
        (TopicMaterials, "materials_for_topic"),
    )


def register_ward(application: BotApplication) -> None:
    """The ward-contact buttons (after the topic buttons)."""
    add_button_handlers(
        application,
        "handlers.info.ward",
        (WardContact, "ward_start"),
        (AnotherWard, "ward_change"),
        (OldDistrict, "ward_district"),
        (PickWard, "ward_chosen"),
    )


def register_typed(application: BotApplication) -> None:
    """Typed FAQ and danger words, just before section 4 (the last resort)."""
    application.add_handler(
        MessageHandler(
            PRIVATE
            & filters.TEXT
            & ~filters.COMMAND
            & ~menu.AnyIntent(application.services)
            & FaqOrDanger(application.services),
            lazy("handlers.info.typed:answer_typed_question"),
        )
    )
