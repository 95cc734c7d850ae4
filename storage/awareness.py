"""SQL of the awareness sequence: staff-added messages, each parent's place, weekly runs."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from storage import delivery as deliveries
from storage.db import Database
from storage.timeutil import to_db


@dataclass(frozen=True)
class AddedMessage:
    id: int
    text_vi: str
    text_en: str | None


async def add_message(
    db: Database, text_vi: str, text_en: str | None, created_by: int, now: dt.datetime
) -> int:
    return await db.execute(
        "INSERT INTO awareness_messages (text_vi, text_en, created_by, created_at)"
        " VALUES (?, ?, ?, ?)",
        (text_vi, text_en, created_by, to_db(now)),
    )


async def added_messages(db: Database) -> list[AddedMessage]:
    rows = await db.fetchall("SELECT id, text_vi, text_en FROM awareness_messages ORDER BY id")
    return [AddedMessage(row["id"], row["text_vi"], row["text_en"]) for row in rows]


async def position(db: Database, telegram_id: int) -> int:
    value = await db.fetchvalue(
        "SELECT next_index FROM awareness_progress WHERE telegram_id = ?", (telegram_id,)
    )
    return int(value or 0)


def _audience_sql(where: str) -> str:
    return (
        f"(SELECT telegram_id FROM users WHERE {where}) AS u"
        " LEFT JOIN awareness_progress AS p USING (telegram_id)"
    )


async def plan_week(
    db: Database,
    slot: str,
    where: str,
    params: list[object],
    length: int,
    content_for: Callable[[int], str],
    now: dt.datetime,
) -> list[int]:
    """Queue this week's messages: one delivery per place in the sequence, its recipients
    the subscribed parents at that place, and move everyone on by one — all in SQL, in one
    transaction, once per `slot` (a restart or a second tick does nothing)."""
    source = _audience_sql(where)
    created: list[int] = []
    async with db.transaction():
        try:
            await db.execute(
                "INSERT INTO awareness_runs (slot, deliveries, created_at) VALUES (?, 0, ?)",
                (slot, to_db(now)),
            )
        except sqlite3.IntegrityError:
            return []
        indexes = [
            row[0]
            for row in await db.fetchall(
                f"SELECT DISTINCT coalesce(p.next_index, 0) AS i FROM {source}"
                " WHERE coalesce(p.next_index, 0) < ? ORDER BY i",
                (*params, length),
            )
        ]
        for index in indexes:
            delivery_id = await deliveries.create(
                db,
                kind="awareness",
                content=content_for(index),
                now=now,
                scheduled_at=now,
                audience=None,
                district=None,
                created_by=None,
                report_chat_id=None,
                dedupe_key=f"awareness:{slot}:{index}",
            )
            await db.execute(
                "INSERT INTO delivery_recipients (delivery_id, chat_id)"
                f" SELECT ?, u.telegram_id FROM {source} WHERE coalesce(p.next_index, 0) = ?",
                (delivery_id, *params, index),
            )
            created.append(delivery_id)
        await db.execute(
            "INSERT INTO awareness_progress (telegram_id, next_index)"
            f" SELECT u.telegram_id, coalesce(p.next_index, 0) + 1 FROM {source}"
            " WHERE coalesce(p.next_index, 0) < ?"
            " ON CONFLICT (telegram_id) DO UPDATE SET next_index = excluded.next_index",
            (*params, length),
        )
        await db.execute(
            "UPDATE awareness_runs SET deliveries = ? WHERE slot = ?", (len(created), slot)
        )
    return created
