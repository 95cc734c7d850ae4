"""Events and registrations: all the SQL of the events feature except reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.models import Event, format_offsets, parse_offsets
from storage.timeutil import from_db, to_db

_COLUMNS = (
    "id, import_key, title, description, kind, starts_at, ends_at, all_day, place, district,"
    " ward, audience, capacity, registration_deadline, recurrence, follows_id,"
    " reminder_offsets, countdown_days, status, sequence, created_by, updated_at, example"
)
# Fields an edit may change (anything else is identity or bookkeeping).
EDITABLE = frozenset(
    {
        "title",
        "description",
        "kind",
        "starts_at",
        "ends_at",
        "all_day",
        "place",
        "district",
        "ward",
        "audience",
        "capacity",
        "registration_deadline",
        "recurrence",
        "reminder_offsets",
        "countdown_days",
        "example",
    }
)


def _event(row) -> Event:
    return Event(
        id=row["id"],
        import_key=row["import_key"],
        title=row["title"],
        description=row["description"],
        kind=row["kind"],
        starts_at=from_db(row["starts_at"]),
        ends_at=from_db(row["ends_at"]),
        all_day=bool(row["all_day"]),
        place=row["place"],
        district=row["district"],
        ward=row["ward"],
        audience=frozenset(part for part in row["audience"].split(",") if part),
        capacity=row["capacity"],
        registration_deadline=from_db(row["registration_deadline"]),
        recurrence=row["recurrence"],
        follows_id=row["follows_id"],
        reminder_offsets=parse_offsets(row["reminder_offsets"]),
        countdown_days=parse_offsets(row["countdown_days"]),
        status=row["status"],
        sequence=row["sequence"],
        created_by=row["created_by"],
        updated_at=from_db(row["updated_at"]),
        example=bool(row["example"]),
    )


def _to_columns(fields: dict[str, object]) -> dict[str, object]:
    """Python values → column values (UTC text, comma lists, 0/1)."""
    out: dict[str, object] = {}
    for name, value in fields.items():
        if isinstance(value, dt.datetime):
            value = to_db(value)
        elif name == "audience":
            value = ",".join(sorted(value))  # type: ignore[call-overload]
        elif name in ("reminder_offsets", "countdown_days"):
            value = format_offsets(value)  # type: ignore[arg-type]
        elif name in ("all_day", "example"):
            value = int(bool(value))
        out[name] = value
    return out


async def create(db: Database, now: dt.datetime, created_by: int | None, **fields: object) -> int:
    columns = _to_columns(fields)
    columns.setdefault("reminder_offsets", "10080,1440,120")
    stamp = to_db(now)
    names = [*columns, "created_by", "created_at", "updated_at"]
    return await db.execute(
        f"INSERT INTO events ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        (*columns.values(), created_by, stamp, stamp),
    )


async def update(db: Database, event_id: int, now: dt.datetime, **fields: object) -> None:
    """Change fields and bump the iCalendar SEQUENCE, so phones replace their copy."""
    unknown = set(fields) - EDITABLE - {"status"}
    if unknown:
        raise ValueError(f"unknown event fields: {sorted(unknown)}")
    columns = _to_columns(fields)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    await db.execute(
        f"UPDATE events SET {assignments}, sequence = sequence + 1, updated_at = ? WHERE id = ?",
        (*columns.values(), to_db(now), event_id),
    )


async def get(db: Database, event_id: int) -> Event | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM events WHERE id = ?", (event_id,))
    return None if row is None else _event(row)


async def by_import_key(db: Database, import_key: str) -> list[Event]:
    """Every occurrence of an imported row, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM events WHERE import_key = ? ORDER BY starts_at, id",
        (import_key,),
    )
    return [_event(row) for row in rows]


async def upcoming(db: Database, now: dt.datetime, limit: int = 500) -> list[Event]:
    """Active events that have not ended, nearest first (filtered per person by the caller)."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM events WHERE status = 'active' AND ends_at > ?"
        " ORDER BY starts_at, id LIMIT ?",
        (to_db(now), limit),
    )
    return [_event(row) for row in rows]


async def between(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> list[Event]:
    """Active events starting in [start, end) of a district and programme-wide ones
    (every district's when `district` is None)."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM events WHERE status = 'active' AND starts_at >= ?"
        " AND starts_at < ? AND (? IS NULL OR district IS NULL OR district = ?)"
        " ORDER BY starts_at, id",
        (to_db(start), to_db(end), district, district),
    )
    return [_event(row) for row in rows]


async def yearly_to_roll(db: Database, now: dt.datetime) -> list[Event]:
    """Yearly occurrences that have started and have no next occurrence yet."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM events e WHERE recurrence = 'yearly' AND starts_at <= ?"
        " AND NOT EXISTS (SELECT 1 FROM events n WHERE n.follows_id = e.id)",
        (to_db(now),),
    )
    return [_event(row) for row in rows]


async def network_by_district(db: Database) -> dict[str | None, list[int]]:
    """Active collaborators, staff and administrators who take reminders, by district."""
    rows = await db.fetchall(
        "SELECT district, telegram_id FROM users WHERE role IN ('collaborator', 'staff', 'admin')"
        " AND status = 'active' AND reachable = 1 AND subscribed_reminders = 1"
        " ORDER BY district, telegram_id"
    )
    grouped: dict[str | None, list[int]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row[1])
    return grouped


# Registration states a broadcast "to the people registered for an event" may address.
REGISTRANT_STATES = ("going",)
REGISTRANT_STATES_WITH_WAITING = ("going", "waiting")


def registrants_query(event_id: int, include_waiting: bool = False) -> tuple[str, list[object]]:
    """SQL selecting the telegram_ids registered for an event (with a place, and optionally
    the waiting list), and its parameters. The one definition bot.audience builds on."""
    states = REGISTRANT_STATES_WITH_WAITING if include_waiting else REGISTRANT_STATES
    sql = (
        "SELECT telegram_id FROM event_registrations WHERE event_id = ?"
        f" AND state IN ({', '.join('?' for _ in states)})"
    )
    return sql, [event_id, *states]


async def addressable(
    db: Database,
    since: dt.datetime,
    now: dt.datetime,
    district: str | None,
    kinds: tuple[str, ...],
    limit: int,
    offset: int = 0,
) -> list[Event]:
    """Active events of `kinds` not ended yet or started since `since`, of a district and
    programme-wide ones (every district's when `district` is None), soonest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM events WHERE status = 'active'"
        f" AND kind IN ({', '.join('?' for _ in kinds)}) AND (ends_at > ? OR starts_at >= ?)"
        " AND (? IS NULL OR district IS NULL OR district = ?)"
        " ORDER BY starts_at, id LIMIT ? OFFSET ?",
        (*kinds, to_db(now), to_db(since), district, district, limit, offset),
    )
    return [_event(row) for row in rows]


# -- registrations ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Registration:
    event_id: int
    telegram_id: int
    state: str
    joined_at: dt.datetime


@dataclass(frozen=True)
class Counts:
    going: int = 0
    waiting: int = 0
    declined: int = 0


async def registration(db: Database, event_id: int, telegram_id: int) -> Registration | None:
    row = await db.fetchone(
        "SELECT event_id, telegram_id, state, joined_at FROM event_registrations"
        " WHERE event_id = ? AND telegram_id = ?",
        (event_id, telegram_id),
    )
    if row is None:
        return None
    return Registration(row[0], row[1], row[2], from_db(row[3]))


async def set_registration(
    db: Database,
    event_id: int,
    telegram_id: int,
    state: str,
    now: dt.datetime,
    rejoined: bool = False,
) -> None:
    """Insert or change a registration; `rejoined` restarts the person's waiting-list turn."""
    stamp = to_db(now)
    await db.execute(
        "INSERT INTO event_registrations (event_id, telegram_id, state, joined_at, turn,"
        " updated_at) VALUES (?, ?, ?, ?, (SELECT coalesce(max(turn), 0) + 1 FROM"
        " event_registrations WHERE event_id = ?), ?) ON CONFLICT (event_id, telegram_id)"
        " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,"
        " joined_at = CASE WHEN ? THEN excluded.joined_at ELSE joined_at END,"
        " turn = CASE WHEN ? THEN excluded.turn ELSE turn END",
        (event_id, telegram_id, state, stamp, event_id, stamp, int(rejoined), int(rejoined)),
    )


async def counts(db: Database, event_id: int) -> Counts:
    rows = await db.fetchall(
        "SELECT state, count(*) FROM event_registrations WHERE event_id = ? GROUP BY state",
        (event_id,),
    )
    return Counts(**{row[0]: row[1] for row in rows})


async def first_waiting(db: Database, event_id: int, limit: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT telegram_id FROM event_registrations WHERE event_id = ? AND state = 'waiting'"
        " ORDER BY turn LIMIT ?",
        (event_id, limit),
    )
    return [row[0] for row in rows]


async def registered_ids(db: Database, event_id: int, states: tuple[str, ...]) -> list[int]:
    rows = await db.fetchall(
        f"SELECT telegram_id FROM event_registrations WHERE event_id = ?"
        f" AND state IN ({', '.join('?' for _ in states)}) ORDER BY telegram_id",
        (event_id, *states),
    )
    return [row[0] for row in rows]


async def registration_rows(db: Database, event_id: int) -> list:
    """Registrations with the person's details, for the staff's CSV (going, then waiting)."""
    return await db.fetchall(
        "SELECT r.state, r.joined_at, u.telegram_id, u.display_name, u.role, u.district,"
        " u.ward, u.phone, EXISTS (SELECT 1 FROM event_attendance a WHERE a.event_id ="
        " r.event_id AND a.telegram_id = r.telegram_id) AS attended"
        " FROM event_registrations r JOIN users u USING (telegram_id)"
        " WHERE r.event_id = ? ORDER BY CASE r.state WHEN 'going' THEN 0"
        " WHEN 'waiting' THEN 1 ELSE 2 END, r.turn",
        (event_id,),
    )


async def user_states(db: Database, telegram_id: int, event_ids: list[int]) -> dict[int, str]:
    if not event_ids:
        return {}
    rows = await db.fetchall(
        f"SELECT event_id, state FROM event_registrations WHERE telegram_id = ?"
        f" AND event_id IN ({', '.join('?' for _ in event_ids)})",
        (telegram_id, *event_ids),
    )
    return {row[0]: row[1] for row in rows}


async def reminder_audience(
    db: Database, roles: frozenset[str], district: str | None, ward: str | None
) -> list[int]:
    """Active, reachable people subscribed to reminders, of these roles and this scope."""
    if not roles:
        return []
    wanted = set(roles) | ({"admin"} if "staff" in roles else set())
    clauses = [
        "status = 'active'",
        "reachable = 1",
        "subscribed_reminders = 1",
        f"role IN ({', '.join('?' for _ in wanted)})",
        "(role != 'public' OR onboarded = 1)",
    ]
    params: list[object] = [*sorted(wanted)]
    if district is not None:
        # People without a district (most parents) hear about every district's events.
        clauses.append("(district = ? OR district IS NULL OR role = 'admin')")
        params.append(district)
    if ward is not None:
        clauses.append("(ward = ? OR ward IS NULL OR role IN ('staff', 'admin'))")
        params.append(ward)
    rows = await db.fetchall(
        f"SELECT telegram_id FROM users WHERE {' AND '.join(clauses)} ORDER BY telegram_id",
        params,
    )
    return [row[0] for row in rows]
