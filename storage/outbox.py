"""SQL of the transactional outbox (storage/migrations/0013_outbox.sql).

Rows are written by `bot.outbox.enqueue` inside the caller's transaction and read by the
delivery engine's outbox sender. Texts are stored encrypted and erased once sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db

STATES = ("pending", "sent", "failed", "blocked")


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    payload_enc: str
    after_send: str | None
    attempts: int
    created_at: dt.datetime


async def insert(
    db: Database,
    chat_id: int,
    payload_enc: str,
    after_send: str | None,
    dedupe_key: str | None,
    now: dt.datetime,
    not_before: dt.datetime | None = None,
) -> int | None:
    """Queue one message; None when `dedupe_key` was queued before (nothing new)."""
    if dedupe_key is not None and await db.fetchvalue(
        "SELECT 1 FROM outbox WHERE dedupe_key = ?", (dedupe_key,)
    ):
        return None
    return await db.execute(
        "INSERT INTO outbox (chat_id, payload_enc, after_send, dedupe_key, created_at,"
        " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            chat_id,
            payload_enc,
            after_send,
            dedupe_key,
            to_db(now),
            to_db(not_before) if not_before else None,
        ),
    )


async def sent_message_id(db: Database, dedupe_key: str) -> int | None:
    """The Telegram message a queued message became, once sent (None before, or unknown)."""
    return await db.fetchvalue(
        "SELECT message_id FROM outbox WHERE dedupe_key = ? AND state = 'sent'", (dedupe_key,)
    )


async def pending(db: Database, row_id: int) -> OutboxRow | None:
    row = await db.fetchone(
        "SELECT id, chat_id, payload_enc, after_send, attempts, created_at FROM outbox"
        " WHERE id = ? AND state = 'pending'",
        (row_id,),
    )
    return (
        None
        if row is None
        else OutboxRow(
            row["id"],
            row["chat_id"],
            row["payload_enc"],
            row["after_send"],
            row["attempts"],
            from_db(row["created_at"]),
        )
    )


async def due(db: Database, now: dt.datetime, limit: int) -> list[OutboxRow]:
    """Pending messages whose turn it is, oldest first (so each chat gets them in order)."""
    rows = await db.fetchall(
        "SELECT id, chat_id, payload_enc, after_send, attempts, created_at FROM outbox"
        " WHERE state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
        " ORDER BY id LIMIT ?",
        (to_db(now), limit),
    )
    return [
        OutboxRow(
            row["id"],
            row["chat_id"],
            row["payload_enc"],
            row["after_send"],
            row["attempts"],
            from_db(row["created_at"]),
        )
        for row in rows
    ]


async def waiting_chats(db: Database, now: dt.datetime) -> set[int]:
    """Chats with an earlier message still waiting for a retry: later ones wait behind it."""
    rows = await db.fetchall(
        "SELECT DISTINCT chat_id FROM outbox WHERE state = 'pending'"
        " AND next_attempt_at IS NOT NULL AND next_attempt_at > ?",
        (to_db(now),),
    )
    return {row[0] for row in rows}


async def release_held(db: Database, created_before: dt.datetime) -> int:
    """Replies held for a handler of a process that is gone (queued before this one started,
    never tried: attempts 0) are due now."""
    return await db.execute(
        "UPDATE outbox SET next_attempt_at = NULL WHERE state = 'pending' AND attempts = 0"
        " AND next_attempt_at IS NOT NULL AND created_at < ?",
        (to_db(created_before),),
    )


async def next_retry_at(db: Database) -> dt.datetime | None:
    return from_db(
        await db.fetchvalue("SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'")
    )


async def mark_sent(
    db: Database, row_id: int, attempts: int, message_id: int, now: dt.datetime
) -> None:
    """Sent: the text is erased, the ids stay (call inside the after-send transaction)."""
    await db.execute(
        "UPDATE outbox SET state = 'sent', payload_enc = '', attempts = ?, message_id = ?,"
        " error = NULL, next_attempt_at = NULL, sent_at = ? WHERE id = ?",
        (attempts, message_id, to_db(now), row_id),
    )


async def mark_final(db: Database, row_id: int, state: str, attempts: int, error: str) -> None:
    """Failed or blocked for good: the text is erased too."""
    if state not in ("failed", "blocked"):
        raise ValueError(state)
    await db.execute(
        "UPDATE outbox SET state = ?, payload_enc = '', attempts = ?, error = ?,"
        " next_attempt_at = NULL WHERE id = ?",
        (state, attempts, error, row_id),
    )


async def retry_later(
    db: Database, row_id: int, attempts: int, error: str, at: dt.datetime
) -> None:
    await db.execute(
        "UPDATE outbox SET attempts = ?, error = ?, next_attempt_at = ? WHERE id = ?",
        (attempts, error, to_db(at), row_id),
    )


async def counts(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT state, count(*) FROM outbox GROUP BY state")
    found = {row[0]: row[1] for row in rows}
    return {state: found.get(state, 0) for state in STATES}


async def delete_finished_before(db: Database, before: dt.datetime) -> int:
    """Retention: finished rows (ids and states only) are kept a while for audits."""
    return await db.execute(
        "DELETE FROM outbox WHERE state != 'pending' AND created_at < ?", (to_db(before),)
    )
