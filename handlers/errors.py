"""The global error handler: a short log record without personal data, a polite answer."""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    # Type, where and the update id only: never the text, names, phone numbers or the token.
    where = "job" if context.job else "update"
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error in %s %s: %s at %s", where, update_id, type(error).__name__, _frames(error))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    _ = context.translate
    if update.callback_query:
        # The press may have been answered already (before the failure): answering twice is
        # refused, and that must not cost the person the apology below.
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            _(
                "Sorry, something went wrong on our side. Your data is safe. Please try again, "
                "or send /menu to start over. If a child is in danger, call 111 now."
            ),
        )
    except Exception as follow_up:  # the chat may be unreachable; nothing more to do
        log.warning("could not tell the user about an error: %s", type(follow_up).__name__)


def _frames(error: BaseException | None, depth: int = 6) -> str:
    """Where it failed (file:line function), without the exception message: messages can
    carry user input."""
    if error is None or error.__traceback__ is None:
        return "?"
    frames = traceback.extract_tb(error.__traceback__)[-depth:]
    return " < ".join(
        f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.name}"
        for frame in reversed(frames)
    )


def register(application: Application) -> None:
    application.add_error_handler(on_error)
