"""Attendance at events (migration 0010): who of the registered people came.

A row in event_attendance means "attended"; unmarking deletes it. The roster staff mark from
is everyone with a place or on the waiting list (people on the list sometimes come anyway),
plus anyone already marked whatever their registration says now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import to_db

_ROSTER_WHERE = "r.event_id = ? AND (r.state IN ('going', 'waiting') OR a.telegram_id IS NOT NULL)"
_ROSTER_FROM = (
    " FROM event_registrations r LEFT JOIN event_attendance a"
    " ON a.event_id = r.event_id AND a.telegram_id = r.telegram_id"
    " LEFT JOIN users u ON u.telegram_id = r.telegram_id"
)


@dataclass(frozen=True)
class RosterEntry:
    telegram_id: int
    name: str | None
    state: str
    attended: bool


async def roster(db: Database, event_id: int, offset: int, limit: int) -> list[RosterEntry]:
    """One page of the people to mark: those with a place first, in their queue order."""
    rows = await db.fetchall(
        "SELECT r.telegram_id, u.display_name, r.state, a.telegram_id IS NOT NULL AS attended"
        f"{_ROSTER_FROM} WHERE {_ROSTER_WHERE}"
        " ORDER BY CASE r.state WHEN 'going' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, r.turn,"
        " r.telegram_id LIMIT ? OFFSET ?",
        (event_id, limit, offset),
    )
    return [RosterEntry(row[0], row[1], row[2], bool(row[3])) for row in rows]


@dataclass(frozen=True)
class RosterSize:
    listed: int
    attended: int


async def roster_size(db: Database, event_id: int) -> RosterSize:
    row = await db.fetchone(
        f"SELECT count(*), coalesce(sum(a.telegram_id IS NOT NULL), 0){_ROSTER_FROM}"
        f" WHERE {_ROSTER_WHERE}",
        (event_id,),
    )
    assert row is not None  # an aggregate always has its one row
    return RosterSize(row[0], row[1])


async def may_be_marked(db: Database, event_id: int, telegram_id: int) -> bool:
    """Whether this person is on the event's roster (registered, or already marked)."""
    value = await db.fetchvalue(
        f"SELECT 1{_ROSTER_FROM} WHERE {_ROSTER_WHERE} AND r.telegram_id = ?",
        (event_id, telegram_id),
    )
    return value is not None


async def attended(db: Database, event_id: int, telegram_id: int) -> bool:
    value = await db.fetchvalue(
        "SELECT 1 FROM event_attendance WHERE event_id = ? AND telegram_id = ?",
        (event_id, telegram_id),
    )
    return value is not None


async def mark(
    db: Database, event_id: int, telegram_id: int, marked_by: int | None, now: dt.datetime
) -> None:
    await db.execute(
        "INSERT INTO event_attendance (event_id, telegram_id, marked_by, marked_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (event_id, telegram_id) DO NOTHING",
        (event_id, telegram_id, marked_by, to_db(now)),
    )


async def unmark(db: Database, event_id: int, telegram_id: int) -> None:
    await db.execute(
        "DELETE FROM event_attendance WHERE event_id = ? AND telegram_id = ?",
        (event_id, telegram_id),
    )


async def count(db: Database, event_id: int) -> int:
    return await db.fetchvalue(
        "SELECT count(*) FROM event_attendance WHERE event_id = ?", (event_id,)
    )


async def recent_events(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> list[int]:
    """Ids of active events that take registrations and started in [start, end] (an event
    starting right now included), newest first: those of a district and programme-wide ones
    (all when `district` is None)."""
    rows = await db.fetchall(
        "SELECT id FROM events WHERE status = 'active' AND kind IN ('club', 'training')"
        " AND starts_at >= ? AND starts_at <= ? AND (? IS NULL OR district IS NULL"
        " OR district = ?) ORDER BY starts_at DESC, id DESC",
        (to_db(start), to_db(end), district, district),
    )
    return [row[0] for row in rows]
