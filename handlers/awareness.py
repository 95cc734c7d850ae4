"""/awareness (staff): the weekly awareness sequence — how many messages, when the next week
goes out, how many parents receive it — and adding a message to the end of the sequence.

➕ Add → Vietnamese text → English text or Skip → preview → saved (audited by the service,
bot/awareness.py, which also checks that the person is staff).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ConversationHandler,
    filters,
)

from bot import awareness, keyboards, menu
from bot.awareness import MAX_LENGTH, AwarenessService
from bot.context import BotContext
from bot.delivery import send_content
from bot.guards import PermissionDenied, require_message, require_query
from bot.i18n import N_
from handlers.routes import ADD_EN, ADD_VI, AddMessage, SkipEnglish

DRAFT = "awareness_draft"
PRIVATE = filters.ChatType.PRIVATE
STAFF_ONLY = N_("This is for programme staff.")


def _service(context: BotContext) -> AwarenessService:
    return AwarenessService.of(context.application)


async def overview(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    try:
        figures = await _service(context).overview(context.user, context.now)
    except PermissionDenied:
        await message.reply_text(_(STAFF_ONLY))
        return
    await message.reply_text(
        _(
            "<b>Weekly awareness messages</b>\n"
            "Messages in the sequence: {messages}\n"
            "Next sending: {when}\n"
            "Subscribed parents: {parents}\n"
            "Each parent gets the next message they have not received yet.",
            messages=_.number(figures.messages),
            when=_.datetime(figures.next_time),
            parents=_.number(figures.parents),
        ),
        reply_markup=keyboards.inline([[(_("➕ Add a message"), AddMessage())]]),
    )


async def start_adding(update: Update, context: BotContext) -> int:
    _ = context.translate
    await require_query(update).answer()
    message = require_message(update)
    try:
        await _service(context).may_add(context.user, context.now)
    except PermissionDenied:
        await message.reply_text(_(STAFF_ONLY))
        return ConversationHandler.END
    context.person_data[DRAFT] = {}
    await message.reply_text(
        _(
            "Send the new awareness message in Vietnamese: short, warm and practical, at most "
            "{limit} characters. The hotline and how to stop are added below it.",
            limit=MAX_LENGTH,
        )
    )
    return ADD_VI


async def _too_long(update: Update, context: BotContext) -> bool:
    message = require_message(update)
    if AwarenessService.fits(message.text or ""):
        return False
    _ = context.translate
    await message.reply_text(
        _("That is too long: at most {limit} characters here. Please shorten it.", limit=MAX_LENGTH)
    )
    return True


async def enter_vietnamese(update: Update, context: BotContext) -> int:
    _ = context.translate
    if await _too_long(update, context):
        return ADD_VI
    message = require_message(update)
    context.person_data.setdefault(DRAFT, {})["vi"] = message.text_html
    await message.reply_text(
        _("Now the English version, or tap Skip."),
        reply_markup=keyboards.inline([[(_("Skip ›"), SkipEnglish())]]),
    )
    return ADD_EN


async def enter_english(update: Update, context: BotContext) -> int:
    if await _too_long(update, context):
        return ADD_EN
    context.person_data.setdefault(DRAFT, {})["en"] = require_message(update).text_html
    return await _save(update, context)


async def skip_english(update: Update, context: BotContext) -> int:
    await require_query(update).answer()
    return await _save(update, context)


async def _save(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    draft: dict[str, str] = context.person_data.pop(DRAFT, {})
    if not draft.get("vi"):
        await message.reply_text(_("Something was missing. Please start again."))
        return ConversationHandler.END
    try:
        position = await _service(context).add(
            context.user, draft["vi"], draft.get("en"), context.now
        )
    except PermissionDenied:
        await message.reply_text(_(STAFF_ONLY))
        return ConversationHandler.END
    content = awareness.content_of(draft, context.services.i18n)
    await message.reply_text(
        _(
            "Added as message {position} of the sequence. Parents will see it like this:",
            position=position,
        )
    )
    await send_content(context.bot, message.chat_id, content, "vi")
    await message.reply_text(
        _("Choose what you need:"), reply_markup=menu.keyboard(context.person.menu_role, _)
    )
    return ConversationHandler.END
