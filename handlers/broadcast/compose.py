"""/broadcast (staff): compose → English (optional) → audience with an exact count → preview
exactly as recipients see it → send now or later.

/broadcast → COMPOSE (text, or photo/document with caption) → ENGLISH (text or Skip)
           → AUDIENCE (toggles, live count) → CONFIRM (preview) ─ Send now → queued
               ├ WARDS                                        └ Send later → WHEN → scheduled
               └ EVENTS: "only people registered for an event" (audience.py)

This module holds the first two steps and the conversation; the audience step is in
audience.py, the preview and sending in send.py, the rules in bot/broadcast/service.py.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ConversationHandler,
)

from bot import keyboards
from bot.broadcast.buttons import (
    SkipEnglish,
)
from bot.context import BotContext
from bot.delivery.content import text_problem
from bot.guards import PermissionDenied, require_message, require_query
from bot.i18n import N_
from handlers.broadcast import audience
from handlers.broadcast.routes import AUDIENCE, COMPOSE, ENGLISH
from handlers.broadcast.views import DRAFT, Draft, draft_of, room, service

NOT_A_SENDER = N_(
    "Announcements are sent by programme staff. If you are staff, your sign-up must be "
    "approved first."
)


async def start(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    try:
        await service(context).sender(context.user, "broadcast", context.now)
    except PermissionDenied:
        await message.reply_text(_(NOT_A_SENDER))
        return ConversationHandler.END
    draft = context.person_data[DRAFT] = {
        "districts": [],  # staff are confined to their units by audience.limit_for
    }
    draft["roles"] = await audience.default_roles(context, draft)
    await message.reply_text(
        _(
            "📣 <b>New announcement</b>\nSend me the message in Vietnamese: a text (bold, italic "
            "and links are kept), or a photo or document with a caption.\n/cancel to stop."
        )
    )
    return COMPOSE


async def _refused(
    update: Update, context: BotContext, draft: Draft, text: str | None, required: bool = True
) -> bool:
    """A text (in either language) that cannot go out: empty, only invisible characters, or
    longer than the room left once the sender line is added. The sender is told why and
    stays at the step; False when the text is fine."""
    limit = room(context, draft)
    problem = text_problem(text, limit, required=required)
    if problem is None:
        return False
    _ = context.translate
    message = require_message(update)
    if problem == "empty":
        await message.reply_text(
            _(
                "This message looks empty: it has only spaces or invisible characters. Please "
                "send the text people should read."
            )
        )
    else:
        await message.reply_text(
            _(
                "That is too long: {length} characters, at most {limit} here. Please shorten it.",
                length=_.number(len(text or "")),
                limit=_.number(limit),
            )
        )
    return True


async def compose_text(update: Update, context: BotContext) -> int:
    message = require_message(update)
    draft = draft_of(context)
    draft.update(media=None, file_id=None)
    if await _refused(update, context, draft, message.text):
        return COMPOSE
    draft["vi"] = message.text_html
    return await _ask_english(update, context)


async def compose_media(update: Update, context: BotContext) -> int:
    message = require_message(update)
    draft = draft_of(context)
    if message.photo:
        draft.update(media="photo", file_id=message.photo[-1].file_id)
    elif message.document is not None:
        draft.update(media="document", file_id=message.document.file_id)
    if await _refused(update, context, draft, message.caption, required=False):
        return COMPOSE
    draft["vi"] = message.caption_html or ""
    return await _ask_english(update, context)


async def _ask_english(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = draft_of(context)
    await require_message(update).reply_text(
        _(
            "Got it. Would you add an English version for people who use the bot in English? "
            "Send the English text (at most {limit} characters), or tap Skip.",
            limit=_.number(room(context, draft)),
        ),
        reply_markup=keyboards.inline([[(_("Skip ›"), SkipEnglish())]]),
    )
    return ENGLISH


async def english_text(update: Update, context: BotContext) -> int:
    message = require_message(update)
    draft = draft_of(context)
    if await _refused(update, context, draft, message.text):
        return ENGLISH
    draft["en"] = message.text_html
    await audience.show_audience(update, context)
    return AUDIENCE


async def skip_english(update: Update, context: BotContext) -> int:
    await require_query(update).answer()
    draft_of(context).pop("en", None)
    await audience.show_audience(update, context, edit=True)
    return AUDIENCE
