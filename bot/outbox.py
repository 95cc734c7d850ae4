"""The transactional outbox: every notification that must reach someone.

A new-case alert to staff, a status update to a reporter or an asker, a question copy to
staff, an approval request: each is written by `enqueue` in the SAME SQLite transaction as the
change that causes it, and sent afterwards by the delivery engine (pacing, retries, resume
after a crash). Either both the change and its notification are committed, or neither.

    async with db.transaction():
        await cases.move_status(db, ...)                       # the change
        await outbox.enqueue(db, cipher, reporter_id, text,    # …and who must hear of it
                             now=now, markup=keyboard, protect=True)

After the commit the engine is woken at once (`Database.after_commit`); nothing is sent if
the transaction rolls back. Outside a transaction `enqueue` is a single committed insert.
Delivery is exactly once, except the message in flight when the process is killed (sent,
not yet recorded as sent), which is sent again after the restart.

`copy=CopyOf(...)` records the sent message as a staff copy of an alert (bot/staff_copies.py)
in the transaction that marks it sent. `instead=` names a fallback (registered with
`on_unreachable`) run when the chat cannot be reached, e.g. a staff group that removed the
bot: the alert then goes to the district's staff privately.

The text is stored encrypted (DATA_KEY) and erased once the message is sent or given up.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from storage import outbox as store
from storage.db import Database

__all__ = ["CopyOf", "Message", "enqueue", "on_unreachable", "send_now"]

REPLY_HOLD = dt.timedelta(seconds=15)


@dataclass(frozen=True)
class CopyOf:
    """The message is a staff copy of an alert about a case or a question ticket."""

    kind: str  # "case" | "question"
    entity_id: int
    language: str | None
    variant: str = "new"
    quoted_id: int | None = None


@dataclass(frozen=True)
class Message:
    """One queued message as the sender reads it back."""

    id: int
    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None
    protect: bool
    photo: str | None  # a Telegram file_id: sent as a photo with `text` as its caption
    copy: CopyOf | None
    instead: str | None
    instead_args: dict
    attempts: int


# name → coroutine(db, cipher, application, message, now): what to do when a chat cannot be
# reached (queued in the transaction that marks the message final).
Fallback = Callable[[Database, Any, Any, Message, dt.datetime], Awaitable[None]]
_FALLBACKS: dict[str, Fallback] = {}


def on_unreachable(name: str, fallback: Fallback) -> None:
    """Register what `enqueue(..., instead=name)` does when its chat cannot be reached."""
    _FALLBACKS[name] = fallback


def fallback(name: str | None) -> Fallback | None:
    return _FALLBACKS.get(name) if name else None


async def enqueue(
    db: Database,
    cipher,
    chat_id: int,
    text: str,
    *,
    now: dt.datetime,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
    protect: bool = False,
    copy: CopyOf | None = None,
    instead: str | None = None,
    instead_args: dict | None = None,
    dedupe_key: str | None = None,
    held_for_reply: bool = False,
    photo: str | None = None,
) -> int | None:
    """Queue `text` (HTML, already in the recipient's language) for `chat_id`, in the
    caller's transaction. Returns the outbox id, or None if `dedupe_key` was queued before.

    `held_for_reply`: the handler sends it itself right after the commit (`send_now`, the
    person's answer should not queue behind alerts); the engine sends it only if that did not
    happen within REPLY_HOLD (the process died in between)."""
    payload = {
        "text": text,
        "protect": bool(protect),
        "photo": photo,
        "markup": _markup_json(markup),
    }
    after: dict[str, object] = {}
    if copy is not None:
        after["copy"] = asdict(copy)
    if instead is not None:
        after["instead"] = instead
        after["args"] = instead_args or {}
    row_id = await store.insert(
        db,
        chat_id,
        cipher.encrypt(json.dumps(payload, ensure_ascii=False)),
        json.dumps(after, sort_keys=True) if after else None,
        dedupe_key,
        now,
        not_before=now + REPLY_HOLD if held_for_reply else None,
    )
    if row_id is not None and not held_for_reply:
        db.after_commit(db.wake_outbox)
    return row_id


def _markup_json(markup) -> dict | None:
    if markup is None:
        return None
    kind = "reply" if isinstance(markup, ReplyKeyboardMarkup) else "inline"
    return {"kind": kind, "data": markup.to_dict()}


def _markup_from(data: dict | None, bot):
    if not data:
        return None
    cls = ReplyKeyboardMarkup if data.get("kind") == "reply" else InlineKeyboardMarkup
    return cls.de_json(data["data"], bot)


def read(row: store.OutboxRow, cipher, bot) -> Message:
    payload = json.loads(cipher.decrypt(row.payload_enc))
    after = json.loads(row.after_send) if row.after_send else {}
    markup = payload.get("markup")
    return Message(
        id=row.id,
        chat_id=row.chat_id,
        text=payload["text"],
        markup=_markup_from(markup, bot),
        protect=bool(payload.get("protect")),
        photo=payload.get("photo"),
        copy=CopyOf(**after["copy"]) if after.get("copy") else None,
        instead=after.get("instead"),
        instead_args=dict(after.get("args") or {}),
        attempts=row.attempts,
    )


async def send_now(application, row_id: int | None) -> bool:
    """Send a message queued with `held_for_reply` at once (after the commit); True if it
    was sent. A failure leaves it to the engine, which retries it."""
    if row_id is None:
        return False
    from bot import delivery

    return await delivery.engine_of(application).outbox.send_now(row_id)
