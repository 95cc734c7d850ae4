"""Days off and working days staff added (a new year's list), over content/holidays.json."""

from __future__ import annotations

import datetime as dt

from storage.db import Database
from storage.timeutil import to_db


async def all_days(db: Database) -> list[tuple[dt.date, str, str, bool]]:
    rows = await db.fetchall("SELECT day, kind, name, provisional FROM calendar_days ORDER BY day")
    return [
        (dt.date.fromisoformat(r["day"]), r["kind"], r["name"], bool(r["provisional"]))
        for r in rows
    ]


async def put(
    db: Database,
    day: dt.date,
    kind: str,
    name: str,
    provisional: bool,
    actor_id: int,
    now: dt.datetime,
) -> None:
    await db.execute(
        "INSERT INTO calendar_days (day, kind, name, provisional, added_by, added_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind,"
        " name = excluded.name, provisional = excluded.provisional,"
        " added_by = excluded.added_by, added_at = excluded.added_at",
        (day.isoformat(), kind, name, int(provisional), actor_id, to_db(now)),
    )
