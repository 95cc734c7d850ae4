"""Direct sends and edits inside an update: `notify` (a reply to the person who acted, e.g.
a case view sent privately from a group), and THE edit helpers (`edit_quietly`,
`edit_buttons_quietly`: "message is not modified" is success; `edit_or_say_unchanged` answers
it with a toast).

A notification that must reach someone else (an alert, a status update) is NOT sent here: it
goes through the transactional outbox (`bot.outbox.enqueue`, in the change's transaction).
Mass sending goes through the delivery engine. Failures are classified the same way
everywhere (see `classify`).
"""

from __future__ import annotations

import contextlib
import logging
from enum import Enum

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.context import BotContext
from bot.i18n import N_
from storage import users

log = logging.getLogger(__name__)


class SendOutcome(Enum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # blocked the bot, deactivated, or chat not found
    FAILED = "failed"  # worth retrying later


def classify(error: Exception) -> SendOutcome:
    """Forbidden (blocked/deactivated) and 'chat not found' are final; the rest may pass."""
    if isinstance(error, Forbidden):
        return SendOutcome.UNREACHABLE
    if isinstance(error, BadRequest) and "chat not found" in str(error).lower():
        return SendOutcome.UNREACHABLE
    return SendOutcome.FAILED


def retry_after_seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after is an int or, with PTB_TIMEDELTA=true, a timedelta."""
    value = error.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


async def notify(context: BotContext, chat_id: int, text: str, **kwargs) -> Message | None:
    """Send, mark the person unreachable if they blocked the bot; never raise on delivery."""
    try:
        return await context.bot.send_message(chat_id, text, **kwargs)
    except (Forbidden, BadRequest, TimedOut, RetryAfter, NetworkError) as error:
        outcome = classify(error)
        log.info("notify %s: %s (%s)", outcome.value, type(error).__name__, chat_id)
        if outcome is SendOutcome.UNREACHABLE:
            await users.set_reachable(context.db, chat_id, False, context.now)
        return None


def _not_modified(error: BadRequest) -> bool:
    return "not modified" in str(error).lower()


async def edit_quietly(
    query: CallbackQuery,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
    *,
    fail_quietly: bool = False,
) -> bool:
    """THE way to edit the pressed message in place. Asking for the screen already shown (a
    double tap: Telegram answers 'message is not modified') is success. Returns True when the
    message shows `text`; with `fail_quietly`, any other refusal (too old, deleted) returns
    False instead of raising, for callers that then send a new message."""
    try:
        await query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as error:
        if _not_modified(error):
            return True
        if fail_quietly:
            return False
        raise
    return True


async def edit_or_say_unchanged(
    query: CallbackQuery, text: str, reply_markup: InlineKeyboardMarkup | None, unchanged: str
) -> None:
    """Edit the pressed message in place and answer the press; when the screen asked for is
    the one already shown (the active filter pressed again, a double tap), say so in a short
    toast, `unchanged`, worded by the caller for what was pressed (a filter, a page): every
    press gets a visible answer. Call it instead of answering first."""
    try:
        await query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as error:
        if not _not_modified(error):
            raise
        await answer_once(query, unchanged)
        return
    await answer_once(query)


async def edit_buttons_quietly(
    query: CallbackQuery, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Change (or, with None, remove) the buttons of the pressed message; unchanged is
    success, and a message that can no longer be edited is left as it is."""
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as error:
        return _not_modified(error)
    except Forbidden:
        return False
    return True


async def edit_markup_quietly(
    bot, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Change (by default: remove) the buttons of an earlier message; a message that is gone,
    too old or unchanged is left as it is — tidying up never fails the action it follows."""
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
    except (BadRequest, Forbidden) as error:
        log.debug("buttons of an old message left as they were: %s", type(error).__name__)


STALE_BUTTON = N_("This button is no longer active. Please use /menu.")


async def answer_stale_button(update: Update, context: BotContext) -> None:
    """The one answer to a button from an old message, another flow or forged data: a short
    notice on the button; nothing changes."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.translate(STALE_BUTTON), show_alert=True)


async def answer_once(
    query: CallbackQuery, text: str | None = None, show_alert: bool = False
) -> None:
    """Answer a button press, unless it was already answered in this round (then nothing)."""
    with contextlib.suppress(TelegramError):
        await query.answer(text, show_alert=show_alert)
