"""After sending: "Delete my messages" (within Telegram's 48 hours), and Send pressed on an
old summary outside the conversation (it ended, or the bot restarted after the case was
created), which names the case it became."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.guards import NotApplicable, PermissionDenied, require_query
from bot.messaging import answer_once, answer_stale_button, edit_quietly
from bot.reports.buttons import DeleteMessages
from handlers.report import review
from handlers.report.engine import Flow
from handlers.report.ui import close_buttons

log = logging.getLogger(__name__)


async def on_delete_messages(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = DeleteMessages.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    flow = Flow(update, context)
    try:
        message_ids = await flow.intake.forget_reporter_messages(
            flow.person, pressed.case_id, context.now
        )
    except PermissionDenied:  # someone else's case: refused and audited by the service
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    except NotApplicable:
        await query.answer(
            _("Telegram allows deleting messages only within 48 hours."), show_alert=True
        )
        return
    await query.answer()
    chat_id = flow.chat.id
    for start in range(0, len(message_ids), 100):  # deleteMessages takes at most 100 ids
        try:
            await context.bot.delete_messages(chat_id, list(message_ids[start : start + 100]))
        except TelegramError as error:
            log.info("could not delete report messages: %s", type(error).__name__)
    await edit_quietly(
        query,
        _(
            "🧹 Done: the messages with details were removed from this "
            "chat. Your report is safe with the staff."
        ),
    )


async def on_stale_send(update: Update, context: BotContext) -> None:
    """Send on an old summary outside the conversation: say which case it became."""
    flow = Flow(update, context)
    query = require_query(update)
    _ = flow.translate
    earlier = None
    if query.message is not None:
        earlier = await flow.intake.already_submitted(flow.person, query.message.message_id)
    if earlier is None:
        await answer_once(
            query, _("This report is no longer open. Send /report to start a new one."), True
        )
        await close_buttons(query)
        return
    await review.already_sent(flow, earlier)
