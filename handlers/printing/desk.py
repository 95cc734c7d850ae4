"""The staff's print desk and the requester's list: /printqueue with the next step's buttons,
✅ 🖨 📦 on a request (from any copy of it), /myrequests."""

from __future__ import annotations

from telegram import Update

from bot import staff_copies
from bot.context import BotContext
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query, staff_only
from bot.materials import printing
from bot.materials.buttons import MoveRequest
from bot.messaging import answer_stale_button
from handlers.printing.reject import MOVED_ON, ONLY_THE_UNITS_STAFF
from handlers.printing.views import (
    STATUS_LABELS,
    describe,
    desk,
    pressed_copy,
    staff_view,
    sync_copies,
    tell_requester,
)

QUEUE_LIMIT = 20
MESSAGE_BUDGET = 3800  # under Telegram's 4,096 characters, with room for markup
MOVES = ("approved", "printed", "delivered")


async def move(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = MoveRequest.parse(query.data)
    if pressed is None or pressed.status not in MOVES:
        await answer_stale_button(update, context)
        return
    message = require_message(update)
    pressed_message = pressed_copy(context, pressed.request_id, message.chat.id, message.message_id)
    try:
        await desk(context).advance(  # a refusal is audited there
            context.person,
            pressed.request_id,
            pressed.status,
            context.now,
            then=lambda moved: tell_requester(context, moved),
        )
    except PermissionDenied:
        await query.answer(_(ONLY_THE_UNITS_STAFF), show_alert=True)
        return
    except NotApplicable:
        await query.answer(_(MOVED_ON), show_alert=True)
        await sync_copies(context, pressed.request_id, extra=[pressed_message])
        return
    await query.answer(_(STATUS_LABELS[pressed.status]))
    await sync_copies(context, pressed.request_id, extra=[pressed_message])


@staff_only
async def queue_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    found = await desk(context).queue(context.person, limit=QUEUE_LIMIT + 1)
    if not found:
        await message.reply_text(_("No print requests are waiting."))
        return
    await message.reply_text(_("🖨 Open print requests, the soonest wanted first:"))
    for request in found[:QUEUE_LIMIT]:
        text, markup = await staff_view(context, request, _)
        sent = await message.reply_text(text, reply_markup=markup)
        await staff_copies.remember(
            context.db, "print", request.id, sent, _.language, context.now, variant="queue"
        )
    if len(found) > QUEUE_LIMIT:
        await message.reply_text(
            _(
                "Only the first {count} are shown; handle these to see the next ones.",
                count=QUEUE_LIMIT,
            )
        )


async def my_requests_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    mine = await desk(context).mine(context.person)
    if not mine:
        text = _(
            "You have not asked for printed copies yet. Open a material in /materials "
            "and tap 🖨 to ask."
        )
        if not printing.may_request(context.person):
            text = _("Printed copies can be requested by collaborators and staff.")
        await message.reply_text(text)
        return
    areas = context.services.areas
    text = _("🖨 Your print requests:")
    for request in mine:  # newest first; whole entries only, within one message
        entry = describe(request, _, areas)
        if len(text) + len(entry) + 2 > MESSAGE_BUDGET:
            break
        text += "\n\n" + entry
    await message.reply_text(text)
