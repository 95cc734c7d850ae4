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
