"""Menu, help, language, /cancel, /stop, the hotline, and what to do with anything else.

Registered after every journey: a journey that handles a menu button or keyword registers
its own handler earlier, so the "coming soon" answer here only covers what is not built.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks, keyboards, menu, people
from bot.context import BotContext
from bot.hotline import hotline_text
from bot.i18n import Translator
from bot.messaging import answer_stale_button, edit_quietly
from handlers.common import pop_left_conversation
from storage import users

NS = "lang"
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
    await update.effective_message.reply_text(
        _("Choose what you need:"), reply_markup=menu.keyboard(context.user.menu_role, _)
    )


async def help_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    await update.effective_message.reply_text(
        help_text(context.user.menu_role, _), reply_markup=menu.keyboard(context.user.menu_role, _)
    )


async def hotline(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(hotline_text(context.translate))


async def cancel_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    left = pop_left_conversation(context)
    text = _("Cancelled. Nothing was sent.") if left else _("There is nothing to cancel.")
    # Only a report has a draft to talk about; /cancel in a question or a sign-up does not.
    if left == "report" and context.user_data.get("report_draft_saved"):
        text = _("Stopped. Your draft is saved: /report lets you continue it.")
    await update.effective_message.reply_text(
        text + "\n" + _("Choose what you need:"),
        reply_markup=menu.keyboard(context.user.menu_role, _),
    )


async def stop_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    await people.set_subscription(context.db, context.user.telegram_id, False, context.now)
    await update.effective_message.reply_text(
        _(
            "You will no longer receive announcements or reminders. Send /start to turn them on "
            "again. You can still use the menu and the hotline 111 at any time."
        )
    )


async def language_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(
        "Chọn ngôn ngữ / Choose a language:",
        reply_markup=keyboards.inline(
            [
                [
                    ("🇻🇳 Tiếng Việt", callbacks.encode(NS, "set", "vi")),
                    ("🇬🇧 English", callbacks.encode(NS, "set", "en")),
                ]
            ]
        ),
    )


async def set_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    language = data.arg(0) if data else None
    if language not in ("vi", "en"):
        return
    await users.update(context.db, context.user.telegram_id, context.now, language=language)
    context.set_user(await users.get(context.db, context.user.telegram_id))
    _ = context.translate
    await edit_quietly(
        query, _("Language: English.") if language == "en" else _("Language: Vietnamese.")
    )
    await query.message.reply_text(
        _("Choose what you need:"), reply_markup=menu.keyboard(context.user.menu_role, _)
    )


async def route_intent(update: Update, context: BotContext) -> None:
    """A menu button or keywords whose journey registered nothing earlier."""
    key = menu.keyword_intent(update.message.text) or menu.MenuButton(context.services.i18n).key_of(
        update.message.text
    )
    if key == "hotline":
        await hotline(update, context)
    elif key == "help":
        await help_command(update, context)
    else:
        _ = context.translate
        await update.message.reply_text(
            _("This part of the bot is coming soon. Thank you for your patience!"),
            reply_markup=menu.keyboard(context.user.menu_role, _),
        )


async def not_understood(update: Update, context: BotContext) -> None:
    _ = context.translate
    if context.user and not context.user.onboarded:
        await update.effective_message.reply_text(_("Welcome! Please send /start to begin."))
        return
    from handlers.questions import offer_ways_forward  # the questions slice owns the tickets

    if (
        update.message is not None
        and update.message.text
        and await offer_ways_forward(update, context)
    ):
        return
    await update.effective_message.reply_text(
        _(
            "Sorry, I did not understand. Please choose from the menu below, or type a few words "
            "such as “report”, “materials”, “events” or “111”."
        ),
        reply_markup=menu.keyboard(context.user.menu_role, _),
    )


async def unknown_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    await update.effective_message.reply_text(
        _("I do not know that command. Send /help to see what I can do.")
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message, another flow, or made-up data: answer, change nothing."""
    await answer_stale_button(update, context)


def register_commands(application: Application) -> None:
    """Global commands: registered before the journeys' intent handlers."""
    application.add_handler(CommandHandler("menu", menu_command, filters=PRIVATE))
    application.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
    application.add_handler(CommandHandler("cancel", cancel_command, filters=PRIVATE))
    application.add_handler(CommandHandler("stop", stop_command, filters=PRIVATE))
    application.add_handler(CommandHandler("language", language_command, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(set_language, pattern=callbacks.pattern(NS)))


def register_fallbacks(application: Application) -> None:
    """Last in group 0: intents nobody took, unknown commands, free text, stale buttons."""
    i18n = application.services.i18n
    application.add_handler(
        MessageHandler(
            PRIVATE & filters.TEXT & ~filters.COMMAND & menu.AnyIntent(i18n), route_intent
        )
    )
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, not_understood))
    application.add_handler(CallbackQueryHandler(stale_button))
