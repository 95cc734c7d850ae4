"""Report drafts: one per person, the whole draft encrypted (it holds the child's details)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True)
class StoredDraft:
    user_id: int
    data: str  # decrypted JSON of bot.reports.draft.Draft
    created_at: dt.datetime
    updated_at: dt.datetime


async def save(db: Database, cipher, user_id: int, data: str, now: dt.datetime) -> None:
    stamp = to_db(now)
    await db.execute(
        "INSERT INTO report_drafts (user_id, data_enc, created_at, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET data_enc = excluded.data_enc,"
        " updated_at = excluded.updated_at",
        (user_id, cipher.encrypt(data), stamp, stamp),
    )


async def load(db: Database, cipher, user_id: int) -> StoredDraft | None:
    row = await db.fetchone(
        "SELECT data_enc, created_at, updated_at FROM report_drafts WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return None
    return StoredDraft(
        user_id,
        cipher.decrypt(row["data_enc"]),
        from_db(row["created_at"]),
        from_db(row["updated_at"]),
    )


async def delete(db: Database, user_id: int) -> bool:
    return await db.execute("DELETE FROM report_drafts WHERE user_id = ?", (user_id,)) > 0


async def mark_alerted(db: Database, user_id: int, now: dt.datetime) -> None:
    """Staff were alerted before the draft was sent (in the alert's transaction)."""
    await db.execute(
        "UPDATE report_drafts SET alerted_at = coalesce(alerted_at, ?) WHERE user_id = ?",
        (to_db(now), user_id),
    )


async def alerted_unsent(
    db: Database, alerted_before: dt.datetime, idle_since: dt.datetime
) -> list[tuple[int, dt.datetime]]:
    """(reporter, alert time) of drafts that alerted staff before `alerted_before`, are
    still not sent nor followed up, and were not touched since `idle_since` (someone still
    writing is not reminded)."""
    rows = await db.fetchall(
        "SELECT user_id, alerted_at FROM report_drafts WHERE alerted_at IS NOT NULL"
        " AND followed_up_at IS NULL AND alerted_at <= ? AND updated_at <= ?"
        " ORDER BY alerted_at",
        (to_db(alerted_before), to_db(idle_since)),
    )
    return [(row["user_id"], from_db(row["alerted_at"])) for row in rows]


async def mark_followed_up(db: Database, user_id: int, now: dt.datetime) -> bool:
    """Once: False when it was already followed up (or the draft is gone)."""
    changed = await db.execute(
        "UPDATE report_drafts SET followed_up_at = ? WHERE user_id = ? AND followed_up_at IS NULL",
        (to_db(now), user_id),
    )
    return changed > 0
