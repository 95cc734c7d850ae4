"""The information topics' and the ward contact's buttons, declared without importing their
handlers: each callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import menu
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
from bot.lazy import lazy

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE


def register_topics(application: BotApplication) -> None:
    """/info, the menu button and the topic buttons (section 3)."""
    info = lazy("handlers.info.topics:info_command")
    application.add_handler(CommandHandler("info", info, filters=PRIVATE))
    application.add_handler(
        MessageHandler(PRIVATE & menu.Intent(application.services, "parents_info"), info)
    )
    for button, callback in (
        (InfoMenu, "back_to_menu"),
        (ShowEntry, "show_entry"),
        (Vote, "vote"),
        (TopicMaterials, "materials_for_topic"),
    ):
        application.add_handler(
            CallbackQueryHandler(lazy(f"handlers.info.topics:{callback}"), pattern=button.pattern())
        )


def register_ward(application: BotApplication) -> None:
    """The ward-contact buttons (after the topic buttons)."""
    for button, callback in (
        (WardContact, "ward_start"),
        (AnotherWard, "ward_change"),
        (OldDistrict, "ward_district"),
        (PickWard, "ward_chosen"),
    ):
        application.add_handler(
            CallbackQueryHandler(lazy(f"handlers.info.ward:{callback}"), pattern=button.pattern())
        )
