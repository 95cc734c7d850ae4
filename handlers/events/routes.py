"""The events' handlers, declared without importing them: each callback is imported when it is
first called (bot/lazy.py). bot/application.py calls these in its order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import delivery, menu, scheduling
from bot.events.buttons import (
    Calendar,
    Cancel,
    ConfirmCancel,
    Decline,
    GroupsPage,
    Join,
    Keep,
    ListPage,
    MarkCame,
    OpenEvent,
    OpenRoster,
    Registrations,
    Unmark,
)
from bot.lazy import add_button_handlers, lazy

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE
CALENDAR_FILE = filters.Document.FileExtension("json") | filters.Document.FileExtension("csv")
# A days-off file says so in its caption; any other calendar file is an events import.
HOLIDAYS_FILE = CALENDAR_FILE & filters.CaptionRegex(r"^/holidays")


def register_holidays(application: BotApplication) -> None:
    """Before the events import, which takes every other .csv/.json file."""
    application.add_handler(
        CommandHandler("holidays", lazy("handlers.events.holidays:holidays_command"), PRIVATE)
    )
    application.add_handler(
        MessageHandler(PRIVATE & HOLIDAYS_FILE, lazy("handlers.events.holidays:holidays_file"))
    )


def register_manage(application: BotApplication) -> None:
    """The card's cancel buttons (section 2, right after the conversation)."""
    add_button_handlers(
        application,
        "handlers.events.manage",
        (Cancel, "ask_cancel"),
        (ConfirmCancel, "confirm_cancel"),
        (Keep, "keep"),
    )


def register_import_export(application: BotApplication) -> None:
    """Section 2, after the cancel buttons: the registrations button, then the import."""
    application.add_handler(
        CallbackQueryHandler(
            lazy("handlers.events.import_export:export_csv"), pattern=Registrations.pattern()
        )
    )
    # A calendar is a .json or .csv file (never a material, which the materials upload
    # registered after this takes); import_document checks the sender is an administrator.
    application.add_handler(
        MessageHandler(
            PRIVATE & CALENDAR_FILE, lazy("handlers.events.import_export:import_document")
        )
    )


def register_browse(application: BotApplication) -> None:
    """/events, Join / Not going, .ics; the reminders' tick."""
    # Reminders go out through the one delivery engine.
    delivery.install(application)
    scheduling.add_tick(application, "events", lazy("bot.events.dispatch:tick"))
    events = lazy("handlers.events.browse:events_command")
    application.add_handler(CommandHandler("events", events))
    application.add_handler(MessageHandler(menu.Intent(application.services, "events"), events))
    add_button_handlers(
        application,
        "handlers.events.browse",
        (ListPage, "on_page"),
        (GroupsPage, "on_page"),
        (OpenEvent, "on_open"),
        (Join, "on_join"),
        (Decline, "on_decline"),
        (Calendar, "on_ics"),
    )


def register_attendance(application: BotApplication) -> None:
    """Section 3: the /attendance command and the roster's buttons."""
    application.add_handler(
        CommandHandler("attendance", lazy("handlers.events.attendance:attendance_command"), PRIVATE)
    )
    add_button_handlers(
        application,
        "handlers.events.attendance",
        (OpenRoster, "on_open"),
        (MarkCame, "on_mark"),
        (Unmark, "on_mark"),
    )
