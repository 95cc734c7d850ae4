"""What to do with anything else, registered last in group 0: a menu button or keywords
whose journey registered nothing earlier ("coming soon"), unknown commands, free text nothing
understood (the closest topics and one tap to staff: no dead end), and stale buttons.
"""

from __future__ import annotations

from telegram import Update

from bot import menu
from bot.context import BotContext
from bot.guards import require_message
from bot.i18n import N_
from bot.messaging import answer_stale_button
from bot.questions import rules as question_rules
from handlers.menu.commands import help_command, hotline
from handlers.questions.no_dead_end import offer_ways_forward
from handlers.safety.answer import taking_back, typed_place


async def route_intent(update: Update, context: BotContext) -> None:
    """A menu button or keywords whose journey registered nothing earlier."""
    message = require_message(update)
    text = message.text or ""
    key = menu.keyword_intent(text) or menu.MenuButton(context.services.i18n).key_of(text)
    if key == "hotline":
        await hotline(update, context)
    elif key == "help":
        await help_command(update, context)
    else:
        _ = context.translate
        await message.reply_text(
            _("This part of the bot is coming soon. Thank you for your patience!"),
            reply_markup=menu.keyboard(context.person.menu_role, _),
        )


async def not_understood(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    # A place typed at the quick tip's place question (the safety slice's; anyone can tip).
    if await typed_place(update, context):
        return
    if context.user and not context.user.onboarded:
        await message.reply_text(_("Welcome! Please send /start to begin."))
        return
    if await taking_back(update, context) or await small_talk(update, context):
        return
    # Text: the closest topics and one tap to staff (the questions slice owns the tickets).
    if (
        update.message is not None
        and update.message.text
        and await offer_ways_forward(update, context)
    ):
        return
    await message.reply_text(
        _(
            "Sorry, I did not understand. Please choose from the menu below, or type a few words "
            "such as “report”, “materials”, “events” or “111”."
        ),
        reply_markup=menu.keyboard(context.person.menu_role, _),
    )


SMALL_TALK_REPLIES = {
    "thanks": N_("You're welcome! Write to me whenever you need anything."),
    "greeting": N_("Hello! Choose from the menu below, or type what you would like to ask."),
    "ok": N_("👍 Write to me whenever you need anything."),
}


async def small_talk(update: Update, context: BotContext) -> bool:
    """Thanks, a greeting, "ok": a friendly word and the menu, not "I did not understand"."""
    message = update.message
    kind = question_rules.small_talk_kind(message.text) if message is not None else None
    if message is None or kind is None:
        return False
    _ = context.translate
    await message.reply_text(
        _(SMALL_TALK_REPLIES[kind]), reply_markup=menu.keyboard(context.person.menu_role, _)
    )
    return True


async def unknown_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    await require_message(update).reply_text(
        _("I do not know that command. Send /help to see what I can do.")
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message, another flow, or made-up data: answer, change nothing."""
    await answer_stale_button(update, context)
