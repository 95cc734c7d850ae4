"""Global commands: /menu, /help, /cancel, /stop, /language (and its buttons), and the
hotline. Registered before the journeys' intent handlers (section 3 of the order)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import keyboards, menu, people
from bot.context import BotContext
from bot.guards import require_message, require_query
from bot.hotline import hotline_text
from bot.i18n import Translator
from bot.menu import SetLanguage
from bot.messaging import edit_quietly
from handlers.common import pop_left_conversation

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE


def help_text(role: str, _: Translator) -> str:
    common = _(
        "/menu — the menu\n/language — Tiếng Việt / English\n/cancel — cancel what you are "
        "doing\n/stop — stop announcements and reminders (/start turns them on again)"
    )
    by_role = {
        "collaborator": _(
            "<b>For collaborators</b>\n"
            "• /report — report a child who needs help. The bot asks step by step; you can "
            "stop and continue later.\n"
            "• /myreports — your reports, the step each one is at, and more information "
            "added later.\n"
            "• /events — activities, trainings and June 1.\n"
            "• /materials — posters and leaflets, and printed copies."
        ),
        "staff": _(
            "<b>For staff</b>\n"
            "• /cases — cases of your wards and communes, overdue first; /case CODE opens "
            "one.\n"
            "• /holidays — the days off and working Saturdays the legal clocks count.\n"
            "• /broadcast — send an announcement.\n"
            "• /pending — sign-ups waiting for approval; /users — people.\n"
            "• /stats — figures for the quarterly review.\n"
            "• /report, /events, /materials as for collaborators."
        ),
        "public": _(
            "<b>For parents and everyone</b>\n"
            "• /info — what abuse is, warning signs, what to do and whom to call.\n"
            "• /report — tell the child-protection staff of the ward or commune about a child who needs "
            "help; you do not have to give your name.\n"
            "• Ask a question — staff answer you here, anonymously.\n"
            "• /materials and /events."
        ),
    }
    return "\n\n".join([by_role.get(role, by_role["public"]), common, hotline_text(_)])


async def menu_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    await require_message(update).reply_text(
        _("Choose what you need:"), reply_markup=menu.keyboard(context.person.menu_role, _)
    )


async def help_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    await require_message(update).reply_text(
        help_text(context.person.menu_role, _),
        reply_markup=menu.keyboard(context.person.menu_role, _),
    )


async def hotline(update: Update, context: BotContext) -> None:
    await require_message(update).reply_text(hotline_text(context.translate))


async def cancel_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    left = pop_left_conversation(context)
    text = _("Cancelled. Nothing was sent.") if left else _("There is nothing to cancel.")
    # Only a report has a draft to talk about; /cancel in a question or a sign-up does not.
    if left == "report" and context.person_data.get("report_draft_saved"):
        text = _("Stopped. Your draft is saved: /report lets you continue it.")
    await require_message(update).reply_text(
        text + "\n" + _("Choose what you need:"),
        reply_markup=menu.keyboard(context.person.menu_role, _),
    )


async def stop_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    await people.set_subscription(context.db, context.person.telegram_id, False, context.now)
    await require_message(update).reply_text(
        _(
            "You will no longer receive announcements or reminders. Send /start to turn them on "
            "again. You can still use the menu and the hotline 111 at any time."
        )
    )


async def language_command(update: Update, context: BotContext) -> None:
    await require_message(update).reply_text(
        "Chọn ngôn ngữ / Choose a language:",
        reply_markup=keyboards.inline(
            [
                [
                    ("🇻🇳 Tiếng Việt", SetLanguage(language="vi").data()),
                    ("🇬🇧 English", SetLanguage(language="en").data()),
                ]
            ]
        ),
    )


async def set_language(update: Update, context: BotContext) -> None:
    query = require_query(update)
    await query.answer()
    pressed = SetLanguage.parse(query.data)
    language = pressed.language if pressed else None
    if language is None or language not in menu.LANGUAGES:
        return
    context.set_user(
        await people.set_language(context.db, context.person.telegram_id, language, context.now)
    )
    _ = context.translate
    await edit_quietly(
        query, _("Language: English.") if language == "en" else _("Language: Vietnamese.")
    )
    await require_message(update).reply_text(
        _("Choose what you need:"), reply_markup=menu.keyboard(context.person.menu_role, _)
    )


def register(application: BotApplication) -> None:
    """Global commands: registered before the journeys' intent handlers."""
    application.add_handler(CommandHandler("menu", menu_command, filters=PRIVATE))
    application.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
    application.add_handler(CommandHandler("cancel", cancel_command, filters=PRIVATE))
    application.add_handler(CommandHandler("stop", stop_command, filters=PRIVATE))
    application.add_handler(CommandHandler("language", language_command, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(set_language, pattern=SetLanguage.pattern()))
