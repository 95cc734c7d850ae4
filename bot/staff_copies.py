"""Keeping every staff copy of an alert in step with the case or ticket it is about.

A new case or question is sent to several people (or a staff group). When one of them acts,
the other copies are edited to say so, with only the buttons that still make sense. Each copy
is edited on its own and may fail on its own: a copy that was deleted, or whose chat blocked
the bot, is skipped and forgotten without failing the action that triggered the update.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from storage import alert_copies, users
from storage.alert_copies import AlertCopy
from storage.db import Database

log = logging.getLogger(__name__)

# Telegram's answers (lower case) for a message that can never be edited again.
_GONE_MARKERS = (
    "message to edit not found",
    "can't be edited",
    "message_id_invalid",
    "chat not found",
    "there is no text in the message",
)

Render = Callable[[AlertCopy], Awaitable[tuple[str, InlineKeyboardMarkup | None]]]


class EditOutcome(Enum):
    EDITED = "edited"
    UNCHANGED = "unchanged"  # already showed this (a double tap, a second sync)
    GONE = "gone"  # deleted, or can no longer be edited: never again
    BLOCKED = "blocked"  # the person blocked the bot (or left, or the bot was removed)
    FAILED = "failed"  # a timeout or flood wait: the copy stays recorded


@dataclass
class SyncResult:
    edited: int = 0
    unchanged: int = 0
    gone: int = 0
    blocked: int = 0
    failed: int = 0

    def count(self, outcome: EditOutcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


async def edit_copy(
    bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> EditOutcome:
    """Edit one copy; never raises for a delivery problem."""
    try:
        await bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
        return EditOutcome.EDITED
    except Forbidden:
        return EditOutcome.BLOCKED
    except BadRequest as error:
        reason = str(error).lower()
        if "not modified" in reason:
            return EditOutcome.UNCHANGED
        if any(marker in reason for marker in _GONE_MARKERS):
            return EditOutcome.GONE
        log.warning("alert copy %s/%s not edited: %s", chat_id, message_id, type(error).__name__)
        return EditOutcome.FAILED
    except TelegramError as error:  # TimedOut, NetworkError, RetryAfter
        log.info("alert copy %s/%s not edited now: %s", chat_id, message_id, type(error).__name__)
        return EditOutcome.FAILED


async def sync(
    bot,
    db: Database,
    kind: str,
    entity_id: int,
    render: Render,
    now: dt.datetime,
    *,
    extra: Iterable[AlertCopy] = (),
    final: bool = False,
) -> SyncResult:
    """Edit every recorded copy of one case's or ticket's alerts (and `extra` ones, such as
    the pressed message of an alert sent before copies were recorded).

    Copies that are gone are forgotten; a person who blocked the bot is marked unreachable.
    `final`: the case or ticket will not change again, so its copies are forgotten too.
    """
    copies = {(c.chat_id, c.message_id): c for c in await alert_copies.of(db, kind, entity_id)}
    for copy in extra:
        copies.setdefault((copy.chat_id, copy.message_id), copy)
    result = SyncResult()
    rendered: dict[tuple, tuple[str, InlineKeyboardMarkup | None]] = {}
    for copy in copies.values():
        key = (copy.language, copy.variant, copy.quoted_id)
        if key not in rendered:
            rendered[key] = await render(copy)
        text, markup = rendered[key]
        outcome = await edit_copy(bot, copy.chat_id, copy.message_id, text, markup)
        result.count(outcome)
        if outcome in (EditOutcome.GONE, EditOutcome.BLOCKED):
            await alert_copies.forget(db, copy.chat_id, copy.message_id)
        if outcome is EditOutcome.BLOCKED and copy.chat_id > 0:  # a person, not a group
            await users.set_reachable(db, copy.chat_id, False, now)
    if final:
        await alert_copies.forget_all(db, kind, entity_id)
    log.info(
        "%s %s: alert copies edited %d, unchanged %d, gone %d, blocked %d, failed %d",
        kind,
        entity_id,
        result.edited,
        result.unchanged,
        result.gone,
        result.blocked,
        result.failed,
    )
    return result


async def remember(
    db: Database,
    kind: str,
    entity_id: int,
    message,
    language: str | None,
    now: dt.datetime,
    variant: str = "new",
    quoted_id: int | None = None,
) -> None:
    """Record one alert message just sent (a telegram.Message), if it was sent at all."""
    if message is None:
        return
    await alert_copies.record(
        db,
        kind,
        entity_id,
        message.chat_id,
        message.message_id,
        language,
        now,
        variant=variant,
        quoted_id=quoted_id,
    )
