"""The staff copies of a ticket, as handlers see them: after a change, every copy is brought up
to date (bot/questions/notices.py); the pressed message's own buttons are tidied when it is
not a recorded copy; and the escalation tick sends tickets waiting over 24 hours to the
administrators."""

from __future__ import annotations

import contextlib

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.context import BotContext
from bot.messaging import edit_buttons_quietly
from bot.questions import notices
from bot.questions.service import QuestionService


async def sync_ticket(context: BotContext, question_id: int) -> None:
    """Every staff copy of the ticket shows what happened (an answer, closing, spam)."""
    await notices.sync_copies(context.bot, context.services, question_id)


async def is_recorded_copy(context: BotContext, query: CallbackQuery) -> bool:
    message = query.message
    return message is not None and await QuestionService(context.services).is_staff_copy(
        message.chat.id, message.message_id
    )


async def clear_buttons(query: CallbackQuery, markup: InlineKeyboardMarkup | None = None) -> None:
    """The pressed message when it is not a recorded staff copy (the asker's, or one sent
    before copies were recorded)."""
    with contextlib.suppress(TelegramError):  # 'not modified' or gone: nothing to fix
        await edit_buttons_quietly(query, markup)
