"""Staff reject a print request with a reason the requester will read: ❌ → type the reason."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.i18n import N_
from bot.materials import printing
from bot.materials.buttons import RejectRequest
from bot.messaging import answer_stale_button
from handlers.printing.routes import REASON
from handlers.printing.views import desk, pressed_copy, sync_copies, tell_requester

REJECTING = "print_rejecting"
ONLY_THE_UNITS_STAFF = N_("Only the staff of this ward or commune can handle this request.")
MOVED_ON = N_("This request has already moved on.")


async def start_reject(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = RejectRequest.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return ConversationHandler.END
    try:
        request = await desk(context).to_reject(context.person, pressed.request_id)
    except PermissionDenied:
        await query.answer(_(ONLY_THE_UNITS_STAFF), show_alert=True)
        return ConversationHandler.END
    except NotApplicable:
        await query.answer(_(MOVED_ON), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    message = require_message(update)
    context.person_data[REJECTING] = {
        "id": request.id,
        "chat": message.chat.id,
        "message": message.message_id,
    }
    await message.reply_text(
        _(
            "Why is request #{id} not approved? Type a short reason; the requester will read it. "
            "(/cancel to stop)",
            id=request.id,
        )
    )
    return REASON


async def enter_reason(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    reason = printing.clean_reason(message.text)
    if reason is None:
        await message.reply_text(
            _(
                "Please type a reason of {min} to {max} characters.",
                min=printing.REASON_MIN,
                max=printing.REASON_MAX,
            )
        )
        return REASON
    pending = context.person_data.pop(REJECTING, None) or {}
    try:
        request = await desk(context).advance(
            context.person,
            int(pending["id"]),
            "rejected",
            context.now,
            reason=reason,
            then=lambda moved: tell_requester(context, moved),
        )
    except (KeyError, PermissionDenied, NotApplicable):
        await message.reply_text(_(MOVED_ON))
        return ConversationHandler.END
    await message.reply_text(
        _("Request #{id} was not approved; the requester was told why.", id=request.id)
    )
    pressed = (
        [pressed_copy(context, request.id, int(pending["chat"]), int(pending["message"]))]
        if pending.get("message")
        else []
    )
    await sync_copies(context, request.id, extra=pressed)
    return ConversationHandler.END
