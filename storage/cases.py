"""Cases, their notes and legal clocks, and the staff groups of units and programme groups.

`ward` is the case's unit today (official code; empty when unknown), `district` its programme
group (empty outside the area) and `reported_place` the place as it was reported (an old unit's
id for cases from before the map of 1 July 2025).

Sensitive fields are encrypted with the cipher passed in (bot/crypto.FieldCipher); listings
read only the plain columns (code, ward, status, urgency, age, groups), never the _enc ones.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True)
class NewCase:
    """Everything a submitted report gives a case (plain values; encrypted on insert)."""

    prefix: str
    district: str
    ward: str
    reporter_id: int
    reporter_role: str
    urgent: bool
    child_age: int | None
    age_estimated: bool
    child_sex: str
    children: int
    situations: tuple[str, ...]
    description: str
    child_name: str | None = None
    place_detail: str | None = None
    location: tuple[float, float] | None = None
    photos: tuple[str, ...] = ()
    caregiver: str | None = None
    actions: str | None = None
    contact_consent: bool = False
    reporter_name: str | None = None
    reporter_phone: str | None = None
    reporter_messages: tuple[int, ...] = ()
    reported_place: str | None = None


@dataclass(frozen=True)
class CaseSummary:
    """What lists and alerts show: no personal data."""

    id: int
    code: str
    district: str
    ward: str
    reported_place: str | None
    urgent: bool
    child_age: int | None
    age_estimated: bool
    child_sex: str
    children: int
    situations: tuple[str, ...]
    status: str
    risk: str | None
    assignee_id: int | None
    reporter_id: int
    received_at: dt.datetime
    closed_at: dt.datetime | None
    outcome: str | None
    overdue: bool = False


@dataclass(frozen=True)
class Case(CaseSummary):
    """The full case for its detail view, decrypted."""

    reporter_role: str = "public"
    photo_count: int = 0
    contact_consent: bool = False
    child_name: str | None = None
    description: str = ""
    place_detail: str | None = None
    location: tuple[float, float] | None = None
    photos: tuple[str, ...] = ()
    caregiver: str | None = None
    actions: str | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    reporter_messages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Note:
    id: int
    author_id: int | None
    kind: str
    body: str | None
    detail: dict
    created_at: dt.datetime


@dataclass(frozen=True)
class DueDeadline:
    id: int
    case_id: int
    code: str
    district: str
    ward: str
    assignee_id: int | None
    kind: str
    due_at: dt.datetime


_SUMMARY = (
    "c.id, c.code, c.district, c.ward, c.reported_place, c.urgent, c.child_age, c.age_estimated, c.child_sex,"
    " c.children, c.situations, c.status, c.risk, c.assignee_id, c.reporter_id, c.received_at,"
    " c.closed_at, c.outcome"
)
# A case is overdue while one of its clocks has passed unmet.
_OVERDUE = (
    "EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL"
    " AND d.due_at <= ?)"
)


def _summary_fields(row) -> dict:
    return dict(
        id=row["id"],
        code=row["code"],
        district=row["district"],
        ward=row["ward"],
        reported_place=row["reported_place"],
        urgent=bool(row["urgent"]),
        child_age=row["child_age"],
        age_estimated=bool(row["age_estimated"]),
        child_sex=row["child_sex"],
        children=row["children"],
        situations=tuple(s for s in row["situations"].split(",") if s),
        status=row["status"],
        risk=row["risk"],
        assignee_id=row["assignee_id"],
        reporter_id=row["reporter_id"],
        received_at=from_db(row["received_at"]),
        closed_at=from_db(row["closed_at"]),
        outcome=row["outcome"],
    )


def _summary(row) -> CaseSummary:
    return CaseSummary(**_summary_fields(row), overdue=bool(row["overdue"]))


def _json_enc(cipher, value) -> str | None:
    return cipher.encrypt(json.dumps(value)) if value else None


def _json_dec(cipher, token):
    text = cipher.decrypt(token)
    return json.loads(text) if text else None


async def next_code(db: Database, prefix: str, year: int) -> str:
    """Bump and return the next code of prefix/year. Call inside the inserting transaction."""
    await db.execute(
        "INSERT INTO case_sequences (prefix, year, last) VALUES (?, ?, 1)"
        " ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1",
        (prefix, year),
    )
    number = await db.fetchvalue(
        "SELECT last FROM case_sequences WHERE prefix = ? AND year = ?", (prefix, year)
    )
    return f"{prefix}-{year}-{int(number):04d}"


async def insert(db: Database, cipher, new: NewCase, code: str, now: dt.datetime) -> int:
    """Insert the case row (inside the caller's transaction); returns its id."""
    stamp = to_db(now)
    return await db.execute(
        "INSERT INTO cases (code, district, ward, reported_place, reporter_id, reporter_role, urgent, child_age,"
        " age_estimated, child_sex, children, situations, photo_count, contact_consent,"
        " child_name_enc, description_enc, place_detail_enc, location_enc, photos_enc,"
        " caregiver_enc, actions_enc, reporter_name_enc, reporter_phone_enc, reporter_messages,"
        " received_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            new.district,
            new.ward,
            new.reported_place,
            new.reporter_id,
            new.reporter_role,
            int(new.urgent),
            new.child_age,
            int(new.age_estimated),
            new.child_sex,
            new.children,
            ",".join(new.situations),
            len(new.photos),
            int(new.contact_consent),
            cipher.encrypt(new.child_name),
            cipher.encrypt(new.description),
            cipher.encrypt(new.place_detail),
            _json_enc(cipher, new.location),
            _json_enc(cipher, list(new.photos)),
            cipher.encrypt(new.caregiver),
            cipher.encrypt(new.actions),
            cipher.encrypt(new.reporter_name if new.contact_consent else None),
            cipher.encrypt(new.reporter_phone if new.contact_consent else None),
            json.dumps(list(new.reporter_messages)) if new.reporter_messages else None,
            stamp,
            stamp,
        ),
    )


async def set_source_message(db: Database, case_id: int, message_id: int | None) -> None:
    await db.execute("UPDATE cases SET source_message_id = ? WHERE id = ?", (message_id, case_id))


async def by_source_message(
    db: Database, reporter_id: int, message_id: int
) -> tuple[int, str] | None:
    """(id, code) of the case this person sent from that review message, if any."""
    row = await db.fetchone(
        "SELECT id, code FROM cases WHERE reporter_id = ? AND source_message_id = ?",
        (reporter_id, message_id),
    )
    return None if row is None else (row["id"], row["code"])


async def get(db: Database, cipher, case_id: int, now: dt.datetime) -> Case | None:
    row = await db.fetchone(
        f"SELECT {_SUMMARY}, {_OVERDUE} AS overdue, c.reporter_role, c.photo_count,"
        " c.contact_consent, c.child_name_enc, c.description_enc, c.place_detail_enc,"
        " c.location_enc, c.photos_enc, c.caregiver_enc, c.actions_enc, c.reporter_name_enc,"
        " c.reporter_phone_enc, c.reporter_messages FROM cases c WHERE c.id = ?",
        (to_db(now), case_id),
    )
    if row is None:
        return None
    location = _json_dec(cipher, row["location_enc"])
    return Case(
        **_summary_fields(row),
        overdue=bool(row["overdue"]),
        reporter_role=row["reporter_role"],
        photo_count=row["photo_count"],
        contact_consent=bool(row["contact_consent"]),
        child_name=cipher.decrypt(row["child_name_enc"]),
        description=cipher.decrypt(row["description_enc"]) or "",
        place_detail=cipher.decrypt(row["place_detail_enc"]),
        location=tuple(location) if location else None,
        photos=tuple(_json_dec(cipher, row["photos_enc"]) or ()),
        caregiver=cipher.decrypt(row["caregiver_enc"]),
        actions=cipher.decrypt(row["actions_enc"]),
        reporter_name=cipher.decrypt(row["reporter_name_enc"]),
        reporter_phone=cipher.decrypt(row["reporter_phone_enc"]),
        reporter_messages=tuple(json.loads(row["reporter_messages"] or "[]")),
    )


async def summary(db: Database, case_id: int, now: dt.datetime) -> CaseSummary | None:
    row = await db.fetchone(
        f"SELECT {_SUMMARY}, {_OVERDUE} AS overdue FROM cases c WHERE c.id = ?",
        (to_db(now), case_id),
    )
    return None if row is None else _summary(row)


async def listing(
    db: Database,
    now: dt.datetime,
    wards: Collection[str] | None,
    status: str | None = None,
    risk: str | None = None,
    urgent_only: bool = False,
    limit: int = 6,
    offset: int = 0,
    reported_places: Collection[str] = (),
    *,
    assignee_id: int | None = None,
    overdue_only: bool = False,
    code_like: str | None = None,
) -> list[CaseSummary]:
    """Cases for /cases and the dashboard: open ones by default, overdue first, then urgent,
    then oldest.

    `wards` None means every unit (administrators); otherwise the cases of those units and
    of the `reported_places` (old split units that may lie in them). `status` 'open', 'all' or
    a state; `code_like` a LIKE pattern of plain letters, digits, '-' and '%' (a typed code).
    """
    clauses: list[str] = ["1 = 1"]
    params: list[object] = [to_db(now)]
    if wards is not None:
        marks = ", ".join("?" for _ in wards) or "NULL"
        places = ", ".join("?" for _ in reported_places) or "NULL"
        clauses.append(f"(c.ward IN ({marks}) OR c.reported_place IN ({places}))")
        params.extend(sorted(wards))
        params.extend(sorted(reported_places))
    if status in (None, "open"):
        clauses.append("c.status != 'closed'")
    elif status != "all":
        clauses.append("c.status = ?")
        params.append(status)
    if risk:
        clauses.append("c.risk = ?")
        params.append(risk)
    if urgent_only:
        clauses.append("c.urgent = 1")
    if assignee_id is not None:
        clauses.append("c.assignee_id = ?")
        params.append(assignee_id)
    if overdue_only:
        clauses.append(_OVERDUE)
        params.append(to_db(now))
    if code_like is not None:
        clauses.append("c.code LIKE ?")
        params.append(code_like)
    where = " AND ".join(clauses)
    rows = await db.fetchall(
        f"SELECT {_SUMMARY}, {_OVERDUE} AS overdue FROM cases c WHERE {where}"
        " ORDER BY overdue DESC, c.urgent DESC, c.received_at, c.id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return [_summary(row) for row in rows]


async def by_reporter(
    db: Database, reporter_id: int, now: dt.datetime, limit: int = 20
) -> list[CaseSummary]:
    rows = await db.fetchall(
        f"SELECT {_SUMMARY}, 0 AS overdue FROM cases c WHERE c.reporter_id = ?"
        " ORDER BY c.received_at DESC, c.id DESC LIMIT ?",
        (reporter_id, limit),
    )
    return [_summary(row) for row in rows]


async def count_by_reporter_since(db: Database, reporter_id: int, since: dt.datetime) -> int:
    return int(
        await db.fetchvalue(
            "SELECT count(*) FROM cases WHERE reporter_id = ? AND received_at > ?",
            (reporter_id, to_db(since)),
        )
    )


async def update(db: Database, case_id: int, now: dt.datetime, **fields: object) -> int:
    allowed = {
        "status",
        "risk",
        "assignee_id",
        "outcome",
        "closed_at",
        "reporter_messages",
        "urgent",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown case fields: {sorted(unknown)}")
    values = [to_db(v) if isinstance(v, dt.datetime) else v for v in fields.values()]
    assignments = ", ".join(f"{name} = ?" for name in fields)
    return await db.execute(
        f"UPDATE cases SET {assignments}, updated_at = ? WHERE id = ?",
        (*values, to_db(now), case_id),
    )


async def move_status(
    db: Database, case_id: int, expected: str, now: dt.datetime, **fields: object
) -> bool:
    """Change the status only if it is still `expected` (two staff pressing at once)."""
    values = [to_db(v) if isinstance(v, dt.datetime) else v for v in fields.values()]
    assignments = "".join(f", {name} = ?" for name in fields)
    changed = await db.execute(
        f"UPDATE cases SET updated_at = ?{assignments} WHERE id = ? AND status = ?",
        (to_db(now), *values, case_id, expected),
    )
    return changed == 1


# -- notes ----------------------------------------------------------------------------------
async def add_note(
    db: Database,
    cipher,
    case_id: int,
    author_id: int | None,
    kind: str,
    body: str | None,
    now: dt.datetime,
    **detail: object,
) -> int:
    return await db.execute(
        "INSERT INTO case_notes (case_id, author_id, kind, body_enc, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            case_id,
            author_id,
            kind,
            cipher.encrypt(body),
            json.dumps(detail, sort_keys=True) if detail else None,
            to_db(now),
        ),
    )


async def notes(db: Database, cipher, case_id: int, limit: int = 50) -> list[Note]:
    rows = await db.fetchall(
        "SELECT id, author_id, kind, body_enc, detail, created_at FROM case_notes"
        " WHERE case_id = ? ORDER BY id DESC LIMIT ?",
        (case_id, limit),
    )
    return [
        Note(
            row["id"],
            row["author_id"],
            row["kind"],
            cipher.decrypt(row["body_enc"]),
            json.loads(row["detail"]) if row["detail"] else {},
            from_db(row["created_at"]),
        )
        for row in reversed(rows)
    ]


# -- legal clocks ---------------------------------------------------------------------------
async def add_deadline(
    db: Database,
    case_id: int,
    kind: str,
    due_at: dt.datetime,
    remind_at: dt.datetime,
    started_by: str = "receipt",
) -> bool:
    """Start a clock once: a clock already running (or met) is left as it is. Call inside
    the caller's transaction."""
    if await db.fetchvalue(
        "SELECT 1 FROM case_deadlines WHERE case_id = ? AND kind = ?", (case_id, kind)
    ):
        return False
    await db.execute(
        "INSERT INTO case_deadlines (case_id, kind, started_by, due_at, remind_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (case_id, kind, started_by, to_db(due_at), to_db(remind_at)),
    )
    return True


async def reopen_deadline(
    db: Database,
    case_id: int,
    kind: str,
    due_at: dt.datetime,
    remind_at: dt.datetime,
    started_by: str,
) -> None:
    """Run a clock again (a reopened case needs a new plan): unmet, not yet reminded."""
    await db.execute(
        "INSERT INTO case_deadlines (case_id, kind, started_by, due_at, remind_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id, kind) DO UPDATE SET"
        " started_by = excluded.started_by, due_at = excluded.due_at,"
        " remind_at = excluded.remind_at, reminded_at = NULL, overdue_sent_at = NULL,"
        " met_at = NULL",
        (case_id, kind, started_by, to_db(due_at), to_db(remind_at)),
    )


async def meet_deadlines(
    db: Database, case_id: int, kinds: tuple[str, ...], now: dt.datetime
) -> None:
    marks = ", ".join("?" for _ in kinds)
    await db.execute(
        f"UPDATE case_deadlines SET met_at = ? WHERE case_id = ? AND met_at IS NULL"
        f" AND kind IN ({marks})",
        (to_db(now), case_id, *kinds),
    )


async def deadlines(db: Database, case_id: int) -> list[dict]:
    rows = await db.fetchall(
        "SELECT kind, started_by, due_at, remind_at, reminded_at, overdue_sent_at, met_at"
        " FROM case_deadlines WHERE case_id = ? ORDER BY due_at",
        (case_id,),
    )
    stamps = ("due_at", "remind_at", "reminded_at", "overdue_sent_at", "met_at")
    return [
        {
            "kind": row["kind"],
            "started_by": row["started_by"],
            **{key: from_db(row[key]) for key in stamps},
        }
        for row in rows
    ]


async def next_deadlines(db: Database, case_ids: list[int]) -> dict[int, tuple[str, dt.datetime]]:
    """For each case, its earliest legal clock not met yet: case id → (kind, due at)."""
    if not case_ids:
        return {}
    marks = ", ".join("?" for _ in case_ids)
    rows = await db.fetchall(
        f"SELECT case_id, kind, due_at FROM case_deadlines WHERE met_at IS NULL"
        f" AND case_id IN ({marks}) ORDER BY due_at DESC",
        tuple(case_ids),
    )
    # Latest first, so the earliest of each case is written last and kept.
    return {row["case_id"]: (row["kind"], from_db(row["due_at"])) for row in rows}


_DUE = (
    "SELECT d.id, d.case_id, c.code, c.district, c.ward, c.assignee_id, d.kind, d.due_at"
    " FROM case_deadlines d JOIN cases c ON c.id = d.case_id"
    " WHERE d.met_at IS NULL AND c.status != 'closed' AND "
)


def _due(row) -> DueDeadline:
    return DueDeadline(
        row["id"],
        row["case_id"],
        row["code"],
        row["district"],
        row["ward"],
        row["assignee_id"],
        row["kind"],
        from_db(row["due_at"]),
    )


async def reminders_due(db: Database, now: dt.datetime, limit: int = 200) -> list[DueDeadline]:
    rows = await db.fetchall(
        _DUE + "d.reminded_at IS NULL AND d.remind_at <= ? AND d.due_at > ?"
        " ORDER BY d.due_at LIMIT ?",
        (to_db(now), to_db(now), limit),
    )
    return [_due(row) for row in rows]


async def overdue_unannounced(
    db: Database, now: dt.datetime, limit: int = 200
) -> list[DueDeadline]:
    rows = await db.fetchall(
        _DUE + "d.overdue_sent_at IS NULL AND d.due_at <= ? ORDER BY d.due_at LIMIT ?",
        (to_db(now), limit),
    )
    return [_due(row) for row in rows]


async def mark_reminded(db: Database, deadline_id: int, now: dt.datetime) -> bool:
    """Claim the reminder (once, even if two ticks overlap)."""
    return (
        await db.execute(
            "UPDATE case_deadlines SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL",
            (to_db(now), deadline_id),
        )
        == 1
    )


async def mark_overdue_sent(db: Database, deadline_id: int, now: dt.datetime) -> bool:
    return (
        await db.execute(
            "UPDATE case_deadlines SET overdue_sent_at = ?,"
            " reminded_at = coalesce(reminded_at, ?) WHERE id = ? AND overdue_sent_at IS NULL",
            (to_db(now), to_db(now), deadline_id),
        )
        == 1
    )


# -- staff groups ---------------------------------------------------------------------------
async def bind_group(
    db: Database, target: str, chat_id: int, actor_id: int, now: dt.datetime
) -> None:
    """A staff group for a unit or a programme group; one group per target and one target
    per group: rebinding replaces both."""
    await db.execute("DELETE FROM staff_groups WHERE target = ? OR chat_id = ?", (target, chat_id))
    await db.execute(
        "INSERT INTO staff_groups (target, chat_id, bound_by, bound_at) VALUES (?, ?, ?, ?)",
        (target, chat_id, actor_id, to_db(now)),
    )


async def unbind_group(db: Database, chat_id: int) -> str | None:
    target = await db.fetchvalue("SELECT target FROM staff_groups WHERE chat_id = ?", (chat_id,))
    if target is not None:
        await db.execute("DELETE FROM staff_groups WHERE chat_id = ?", (chat_id,))
    return target


async def group_for(db: Database, target: str) -> int | None:
    """The staff group chat bound to a unit or programme group code."""
    return await db.fetchvalue("SELECT chat_id FROM staff_groups WHERE target = ?", (target,))


async def add_photo(db: Database, cipher, case_id: int, file_id: str, now: dt.datetime) -> None:
    """A photo the reporter sent later joins the case's photos (inside the caller's
    transaction)."""
    token = await db.fetchvalue("SELECT photos_enc FROM cases WHERE id = ?", (case_id,))
    photos = list(_json_dec(cipher, token) or ())
    photos.append(file_id)
    await db.execute(
        "UPDATE cases SET photos_enc = ?, photo_count = ?, updated_at = ? WHERE id = ?",
        (_json_enc(cipher, photos), len(photos), to_db(now), case_id),
    )


async def closed_from(db: Database, case_id: int) -> str | None:
    """The step a closed case was at before it was closed (from its history)."""
    detail = await db.fetchvalue(
        "SELECT detail FROM case_notes WHERE case_id = ? AND kind = 'status'"
        ' AND detail LIKE \'%"action": "close"%\' ORDER BY id DESC LIMIT 1',
        (case_id,),
    )
    return json.loads(detail).get("old") if detail else None


async def get_reporter_messages(
    db: Database,
    case_id: int,
) -> tuple[int, dt.datetime, tuple[int, ...]] | None:
    """(reporter id, received at, message ids) for "Delete my messages"."""
    row = await db.fetchone(
        "SELECT reporter_id, received_at, reporter_messages FROM cases WHERE id = ?", (case_id,)
    )
    if row is None:
        return None
    return (
        row["reporter_id"],
        from_db(row["received_at"]),
        tuple(json.loads(row["reporter_messages"] or "[]")),
    )


async def set_place(db: Database, case_id: int, district: str, ward: str, now: dt.datetime) -> int:
    """Give a quick tip filed without a place its ward/commune (and programme group)."""
    return await db.execute(
        "UPDATE cases SET district = ?, ward = ?, reported_place = ?, updated_at = ?"
        " WHERE id = ? AND ward = ''",
        (district, ward, ward, to_db(now), case_id),
    )
