"""Staff reject a print request with a reason the requester will read: ❌ → type the reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler

from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.i18n import N_
from bot.materials import printing
from bot.materials.buttons import RejectRequest
from bot.messaging import answer_stale_button
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from handlers.printing.views import desk, pressed_copy, sync_copies, tell_requester

if TYPE_CHECKING:
    from bot.application import BotApplication

REASON = 6  # persisted conversations keep this number (it followed the asking steps' 0–5)
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


_hint = step_hints({REASON: N_("Please type the reason as text.")})


def build_conversation(application: BotApplication) -> ConversationHandler:
    i18n = application.services.i18n
    return ExclusiveConversation(
        name="print_reject",
        left_notice=N_("⏸ The request was not rejected: no reason was sent. It is still waiting."),
        persistent=True,
        entry_points=[CallbackQueryHandler(start_reject, pattern=RejectRequest.pattern())],
        states={
            REASON: [
                MessageHandler(free_text(i18n), enter_reason),
                MessageHandler(anything_else(i18n), _hint(REASON)),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: BotApplication) -> None:
    """Section 2: the conversation of giving a rejection's reason."""
    application.add_handler(build_conversation(application))
