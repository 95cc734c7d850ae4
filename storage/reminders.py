"""Reminder rows of events: what is due, when, and whether it went out.

pending → queued (handed to the delivery engine, which sends it once per person)
        → skipped (the event had started: a late reminder is noise)
        → cancelled (the event was cancelled or moved; a new row replaces it)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from storage.db import Database
from storage.models import Planned
from storage.timeutil import from_db, to_db


@dataclass(frozen=True)
class Reminder:
    id: int
    event_id: int
    kind: str
    offset_minutes: int
    event_start: dt.datetime
    due_at: dt.datetime
    state: str
    recipients: int | None
    processed_at: dt.datetime | None


_COLUMNS = (
    "id, event_id, kind, offset_minutes, event_start, due_at, state, recipients, processed_at"
)


def _reminder(row) -> Reminder:
    return Reminder(
        id=row["id"],
        event_id=row["event_id"],
        kind=row["kind"],
        offset_minutes=row["offset_minutes"],
        event_start=from_db(row["event_start"]),
        due_at=from_db(row["due_at"]),
        state=row["state"],
        recipients=row["recipients"],
        processed_at=from_db(row["processed_at"]),
    )


async def cancel_pending(db: Database, event_id: int, now: dt.datetime) -> int:
    return await db.execute(
        "UPDATE event_reminders SET state = 'cancelled', processed_at = ?"
        " WHERE event_id = ? AND state = 'pending'",
        (to_db(now), event_id),
    )


async def replace_pending(
    db: Database,
    event_id: int,
    event_start: dt.datetime,
    planned: Iterable[Planned],
    now: dt.datetime,
) -> int:
    """Cancel what was pending and plan again (run inside the caller's transaction)."""
    await cancel_pending(db, event_id, now)
    count = 0
    for item in planned:
        await db.execute(
            "INSERT INTO event_reminders (event_id, kind, offset_minutes, event_start, due_at,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                event_id,
                item.kind,
                item.offset_minutes,
                to_db(event_start),
                to_db(item.due_at),
                to_db(now),
            ),
        )
        count += 1
    return count


async def due(db: Database, now: dt.datetime, limit: int = 100) -> list[Reminder]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM event_reminders WHERE state = 'pending' AND due_at <= ?"
        " ORDER BY due_at, id LIMIT ?",
        (to_db(now), limit),
    )
    return [_reminder(row) for row in rows]


async def mark(
    db: Database, reminder_id: int, state: str, now: dt.datetime, recipients: int | None = None
) -> bool:
    """Move a pending reminder on; False if another round already did."""
    changed = await db.execute(
        "UPDATE event_reminders SET state = ?, recipients = ?, processed_at = ?"
        " WHERE id = ? AND state = 'pending'",
        (state, recipients, to_db(now), reminder_id),
    )
    return changed > 0


async def for_event(db: Database, event_id: int, state: str | None = None) -> list[Reminder]:
    clause, params = ("AND state = ?", (event_id, state)) if state else ("", (event_id,))
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM event_reminders WHERE event_id = ? {clause} ORDER BY due_at, id",
        params,
    )
    return [_reminder(row) for row in rows]
