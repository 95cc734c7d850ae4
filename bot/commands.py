"""The "/" command menu Telegram shows, per language and per scope.

Everyone sees the public commands; approved staff and administrators get the staff ones in
their own chat (scope = that chat), so collaborators and parents never see them.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import TelegramError

from bot.i18n import N_, I18n
from storage import users

log = logging.getLogger(__name__)

PUBLIC_COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Start or sign up again")),
    ("menu", N_("Show the menu")),
    ("report", N_("Report a child who needs help")),
    ("myreports", N_("My reports and their status")),
    ("events", N_("Upcoming events and trainings")),
    ("materials", N_("Communication materials")),
    ("info", N_("Information for parents")),
    ("ask", N_("Ask the staff a question")),
    ("myquestions", N_("My questions and answers")),
    ("help", N_("How to use the bot")),
    ("language", N_("Change language")),
    ("cancel", N_("Cancel what you are doing")),
    ("stop", N_("Stop announcements and reminders")),
]

STAFF_COMMANDS: list[tuple[str, str]] = [
    ("cases", N_("Cases of your wards and communes")),
    ("case", N_("Open a case by its code")),
    ("holidays", N_("Days off and working days for the legal clocks")),
    ("broadcast", N_("Send an announcement")),
    ("broadcasts", N_("Past announcements and their figures")),
    ("awareness", N_("Weekly awareness messages for parents")),
    ("printqueue", N_("Requests for printed materials")),
    ("materialstats", N_("Materials and posters: figures")),
    ("stats", N_("Statistics")),
    ("export", N_("Statistics workbook and chart")),
    ("attendance", N_("Take attendance at an event")),
    ("users", N_("People and approvals")),
    ("wardcontact", N_("Ward child-protection contacts")),
]


def command_list(i18n: I18n, language: str, staff: bool) -> list[BotCommand]:
    translate = i18n(language)
    entries = PUBLIC_COMMANDS + (STAFF_COMMANDS if staff else [])
    return [BotCommand(name, translate(description)) for name, description in entries]


async def publish_commands(application) -> None:
    """Default commands for every private chat in each language, then staff scopes."""
    bot: Bot = application.bot
    i18n: I18n = application.services.i18n
    scope = BotCommandScopeAllPrivateChats()
    # Without a language code Telegram uses these for everyone else: Vietnamese first.
    await bot.set_my_commands(command_list(i18n, "vi", staff=False), scope=scope)
    for language in ("vi", "en"):
        await bot.set_my_commands(
            command_list(i18n, language, staff=False), scope=scope, language_code=language
        )
    db = application.services.database
    webapp_url = application.services.settings.webapp_url
    for person in await users.listing(db, role="staff", limit=10_000) + await users.admins(db):
        await publish_for_user(bot, i18n, person, webapp_url)


# The label of the chat's menu button that opens the dashboard (short: it sits by the input).
DASHBOARD_MENU_LABEL = N_("📋 Cases")


async def publish_for_user(
    bot: Bot, i18n: I18n, person: users.User, webapp_url: str | None = None
) -> None:
    """Give one person the command list of their role (called when a role changes), and to
    staff the menu button that opens the dashboard; anyone else keeps Telegram's default."""
    scope = BotCommandScopeChat(person.telegram_id)
    try:
        if person.is_staff:
            await bot.set_my_commands(command_list(i18n, person.language, staff=True), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
        if webapp_url and person.is_staff:
            label = i18n(person.language)(DASHBOARD_MENU_LABEL)
            await bot.set_chat_menu_button(
                person.telegram_id, MenuButtonWebApp(label, WebAppInfo(webapp_url))
            )
        elif webapp_url:
            await bot.set_chat_menu_button(person.telegram_id, MenuButtonDefault())
    except TelegramError as error:
        log.info("commands for one chat not set: %s", type(error).__name__)
