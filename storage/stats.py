"""Read-only queries behind /stats and /export: the figures of a period, for one district or all.

Every function takes the period as UTC bounds [start, end) and `district` (None = every
district, for administrators). Nothing here decrypts or even selects an encrypted column
(`*_enc`), a question's text, or a print request's free-text place: statistics and exports
carry codes, dates, places by code, groups, urgency and states only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db


def _scope(column: str, district: str | None) -> tuple[str, tuple]:
    """An extra `AND column = ?` when the figures are limited to one district."""
    return ("", ()) if district is None else (f" AND {column} = ?", (district,))


# -- reports and cases -----------------------------------------------------------------------
@dataclass(frozen=True)
class CaseRow:
    """A case as statistics see it: no name, description, place detail or phone."""

    id: int
    code: str
    district: str
    ward: str
    urgent: bool
    risk: str | None
    situations: tuple[str, ...]
    status: str
    outcome: str | None
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    closed_at: dt.datetime | None
    missed_clock: bool  # a legal clock due in the period (up to `now`) was not met in time


_ACCEPTED_AT = (
    "(SELECT min(n.created_at) FROM case_notes n WHERE n.case_id = c.id AND n.kind = 'status'"
    " AND json_extract(n.detail, '$.action') = 'accept')"
)
_MISSED_CLOCK = (
    "EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id AND d.due_at >= ?"
    " AND d.due_at < ? AND (d.met_at IS NULL OR d.met_at > d.due_at))"
)


def _case_row(row) -> CaseRow:
    return CaseRow(
        id=row["id"],
        code=row["code"],
        district=row["district"],
        ward=row["ward"],
        urgent=bool(row["urgent"]),
        risk=row["risk"],
        situations=tuple(s for s in row["situations"].split(",") if s),
        status=row["status"],
        outcome=row["outcome"],
        received_at=from_db(row["received_at"]),
        accepted_at=from_db(row["accepted_at"]),
        closed_at=from_db(row["closed_at"]),
        missed_clock=bool(row["missed_clock"]),
    )


async def cases_worked(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None, now: dt.datetime
) -> list[CaseRow]:
    """Every case open at some time in the period: received before its end and not closed
    before its start. Reports received, acceptances and closures are all among them."""
    extra, params = _scope("c.district", district)
    rows = await db.fetchall(
        "SELECT c.id, c.code, c.district, c.ward, c.urgent, c.risk, c.situations, c.status,"
        f" c.outcome, c.received_at, c.closed_at, {_ACCEPTED_AT} AS accepted_at,"
        f" {_MISSED_CLOCK} AS missed_clock"
        " FROM cases c WHERE c.received_at < ? AND (c.closed_at IS NULL OR c.closed_at >= ?)"
        f"{extra} ORDER BY c.received_at, c.id",
        (to_db(start), to_db(min(end, now)), to_db(end), to_db(start), *params),
    )
    return [_case_row(row) for row in rows]


async def referred_cases(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> int:
    """Cases referred to a service in the period (a referral note, which closing a case as
    'referred' also writes)."""
    extra, params = _scope("c.district", district)
    return int(
        await db.fetchvalue(
            "SELECT count(DISTINCT n.case_id) FROM case_notes n JOIN cases c ON c.id = n.case_id"
            f" WHERE n.kind = 'referral' AND n.created_at >= ? AND n.created_at < ?{extra}",
            (to_db(start), to_db(end), *params),
        )
    )


@dataclass(frozen=True)
class MissedClocks:
    kind: str  # assessment | plan
    deadlines: int  # clocks that fell due in the period
    missed: int  # of which were not met in time


async def missed_clocks(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None, now: dt.datetime
) -> list[MissedClocks]:
    """Legal clocks due in the period (up to now) and how many passed unmet."""
    extra, params = _scope("c.district", district)
    until = min(end, now)
    rows = await db.fetchall(
        "SELECT d.kind, count(*) AS due,"
        " sum(d.met_at IS NULL OR d.met_at > d.due_at) AS missed"
        " FROM case_deadlines d JOIN cases c ON c.id = d.case_id"
        f" WHERE d.due_at >= ? AND d.due_at < ?{extra} GROUP BY d.kind ORDER BY d.kind",
        (to_db(start), to_db(until), *params),
    )
    return [MissedClocks(row["kind"], row["due"], row["missed"] or 0) for row in rows]


async def overdue_now(db: Database, district: str | None, now: dt.datetime) -> int:
    """Open cases that have a passed, unmet clock right now."""
    extra, params = _scope("c.district", district)
    return int(
        await db.fetchvalue(
            "SELECT count(*) FROM cases c WHERE c.status != 'closed' AND EXISTS (SELECT 1 FROM"
            " case_deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL AND d.due_at <= ?)"
            f"{extra}",
            (to_db(now), *params),
        )
    )


# -- collaborators ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CollaboratorActivity:
    approved: int  # active collaborators at the time of the query
    reported: int
    registered_for_events: int
    joined: int  # signed up in the period
    active: int  # any of the three


async def collaborator_activity(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> CollaboratorActivity:
    extra, params = _scope("u.district", district)
    bounds = (to_db(start), to_db(end))
    row = await db.fetchone(
        "SELECT count(*) AS approved, coalesce(sum(reported), 0) AS reported,"
        " coalesce(sum(registered), 0) AS registered, coalesce(sum(joined), 0) AS joined,"
        " coalesce(sum(reported OR registered OR joined), 0) AS active FROM ("
        " SELECT EXISTS (SELECT 1 FROM cases c WHERE c.reporter_id = u.telegram_id"
        "   AND c.received_at >= ? AND c.received_at < ?) AS reported,"
        " EXISTS (SELECT 1 FROM event_registrations r WHERE r.telegram_id = u.telegram_id"
        "   AND r.state != 'declined' AND r.joined_at >= ? AND r.joined_at < ?) AS registered,"
        " (u.created_at >= ? AND u.created_at < ?) AS joined"
        f" FROM users u WHERE u.role = 'collaborator' AND u.status = 'active'{extra})",
        (*bounds, *bounds, *bounds, *params),
    )
    assert row is not None  # an aggregate always has its one row
    return CollaboratorActivity(
        row["approved"], row["reported"], row["registered"], row["joined"], row["active"]
    )


# -- events ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EventRow:
    id: int
    title: str
    kind: str
    starts_at: dt.datetime
    district: str | None
    ward: str | None
    capacity: int | None
    status: str
    going: int
    waiting: int
    declined: int
    attended: int = 0  # registered people marked present (migration 0010)


async def events(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> list[EventRow]:
    """Events starting in the period with their registrations and attendance. For one district:
    its own events and the programme-wide ones, counting only that district's people at the
    latter."""
    # People marked present, scoped like the registrations (a subquery: no double counting).
    params: list[object] = [district, district]
    attended = (
        "(SELECT count(*) FROM event_attendance a LEFT JOIN users au"
        " ON au.telegram_id = a.telegram_id WHERE a.event_id = e.id"
        " AND (? IS NULL OR e.district IS NOT NULL OR au.district = ?)) AS attended"
    )
    person_scope = ""
    if district is not None:
        person_scope = " AND (e.district IS NOT NULL OR r.person_district = ?)"
        params.append(district)
    params += [to_db(start), to_db(end)]
    event_scope = ""
    if district is not None:
        event_scope = " AND (e.district = ? OR e.district IS NULL)"
        params.append(district)
    rows = await db.fetchall(
        "SELECT e.id, e.title, e.kind, e.starts_at, e.district, e.ward, e.capacity, e.status,"
        " coalesce(sum(r.state = 'going'), 0) AS going,"
        " coalesce(sum(r.state = 'waiting'), 0) AS waiting,"
        f" coalesce(sum(r.state = 'declined'), 0) AS declined, {attended}"
        " FROM events e LEFT JOIN (SELECT x.event_id, x.state, u.district AS person_district"
        "   FROM event_registrations x LEFT JOIN users u ON u.telegram_id = x.telegram_id) r"
        f" ON r.event_id = e.id{person_scope}"
        f" WHERE e.starts_at >= ? AND e.starts_at < ?{event_scope}"
        " GROUP BY e.id ORDER BY e.starts_at, e.id",
        params,
    )
    return [
        EventRow(
            row["id"],
            row["title"],
            row["kind"],
            from_db(row["starts_at"]),
            row["district"],
            row["ward"],
            row["capacity"],
            row["status"],
            row["going"],
            row["waiting"],
            row["declined"],
            row["attended"],
        )
        for row in rows
    ]


# -- materials and print requests ------------------------------------------------------------
@dataclass(frozen=True)
class MaterialRow:
    material_id: int
    title: str
    topic: str
    deliveries: int
    files: int  # of which the file itself (not only the text)
    people: int  # distinct recipients


async def material_deliveries(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> list[MaterialRow]:
    """Materials handed out in the period; for one district, to people of that district."""
    extra, params = _scope("u.district", district)
    rows = await db.fetchall(
        "SELECT m.id, m.title, m.topic, count(*) AS deliveries,"
        " sum(d.kind = 'file') AS files, count(DISTINCT d.user_id) AS people"
        " FROM material_deliveries d JOIN materials m ON m.id = d.material_id"
        " LEFT JOIN users u ON u.telegram_id = d.user_id"
        f" WHERE d.delivered_at >= ? AND d.delivered_at < ?{extra}"
        " GROUP BY m.id ORDER BY deliveries DESC, m.title, m.id",
        (to_db(start), to_db(end), *params),
    )
    return [
        MaterialRow(
            row["id"],
            row["title"],
            row["topic"],
            row["deliveries"],
            row["files"] or 0,
            row["people"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PrintRow:
    id: int
    material_title: str
    quantity: int
    district: str
    ward: str
    wanted_by: dt.date
    status: str
    created_at: dt.datetime


async def print_requests(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> list[PrintRow]:
    """Requests made in the period, with their status now (the free-text place is left out)."""
    extra, params = _scope("r.district", district)
    rows = await db.fetchall(
        "SELECT r.id, m.title, r.quantity, r.district, r.ward, r.wanted_by, r.status,"
        " r.created_at FROM print_requests r JOIN materials m ON m.id = r.material_id"
        f" WHERE r.created_at >= ? AND r.created_at < ?{extra} ORDER BY r.created_at, r.id",
        (to_db(start), to_db(end), *params),
    )
    return [
        PrintRow(
            row["id"],
            row["title"],
            row["quantity"],
            row["district"],
            row["ward"],
            dt.date.fromisoformat(row["wanted_by"]),
            row["status"],
            from_db(row["created_at"]),
        )
        for row in rows
    ]


# -- broadcasts ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeliveryRow:
    id: int
    kind: str
    district: str | None
    state: str
    started_at: dt.datetime
    recipients: int
    sent: int
    blocked: int
    failed: int
    skipped: int
    pending: int


async def deliveries(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> list[DeliveryRow]:
    """Mass sends that started in the period, counted from their recipient rows (right even
    while a send is still going). One district sees only the sends limited to it."""
    extra, params = _scope("dl.district", district)
    rows = await db.fetchall(
        "SELECT dl.id, dl.kind, dl.district, dl.state, dl.started_at,"
        " count(r.chat_id) AS recipients, coalesce(sum(r.state = 'sent'), 0) AS sent,"
        " coalesce(sum(r.state = 'blocked'), 0) AS blocked,"
        " coalesce(sum(r.state = 'failed'), 0) AS failed,"
        " coalesce(sum(r.state = 'skipped'), 0) AS skipped,"
        " coalesce(sum(r.state = 'pending'), 0) AS pending"
        " FROM deliveries dl LEFT JOIN delivery_recipients r ON r.delivery_id = dl.id"
        f" WHERE dl.started_at >= ? AND dl.started_at < ?{extra}"
        " GROUP BY dl.id ORDER BY dl.started_at, dl.id",
        (to_db(start), to_db(end), *params),
    )
    return [
        DeliveryRow(
            row["id"],
            row["kind"],
            row["district"],
            row["state"],
            from_db(row["started_at"]),
            row["recipients"],
            row["sent"],
            row["blocked"],
            row["failed"],
            row["skipped"],
            row["pending"],
        )
        for row in rows
    ]


# -- parents' questions ----------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionRow:
    id: int
    district: str | None
    ward: str | None
    state: str
    danger: bool
    created_at: dt.datetime
    first_answer_at: dt.datetime | None


async def questions(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> list[QuestionRow]:
    """Questions asked in the period and when staff first answered (never their text)."""
    extra, params = _scope("q.district", district)
    rows = await db.fetchall(
        "SELECT q.id, q.district, q.ward, q.state, q.danger, q.created_at,"
        " (SELECT min(m.created_at) FROM question_messages m WHERE m.question_id = q.id"
        "  AND m.author = 'staff') AS first_answer_at"
        f" FROM questions q WHERE q.created_at >= ? AND q.created_at < ?{extra}"
        " ORDER BY q.created_at, q.id",
        (to_db(start), to_db(end), *params),
    )
    return [
        QuestionRow(
            row["id"],
            row["district"],
            row["ward"],
            row["state"],
            bool(row["danger"]),
            from_db(row["created_at"]),
            from_db(row["first_answer_at"]),
        )
        for row in rows
    ]


# -- new users -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceRow:
    source: str | None  # the deep-link code of the first /start, None = came directly
    poster_material: str | None  # when the code is a poster's: its material and ward
    poster_ward: str | None
    public: int
    collaborators: int
    staff: int

    @property
    def total(self) -> int:
        return self.public + self.collaborators + self.staff


async def new_users_by_source(
    db: Database, start: dt.datetime, end: dt.datetime, district: str | None
) -> list[SourceRow]:
    """People who first came in the period, by deep-link source and by their role now."""
    extra, params = _scope("u.district", district)
    rows = await db.fetchall(
        "SELECT u.source, m.title AS material, p.ward AS poster_ward,"
        " sum(u.role = 'public') AS public, sum(u.role = 'collaborator') AS collaborators,"
        " sum(u.role IN ('staff', 'admin')) AS staff"
        " FROM users u LEFT JOIN posters p ON p.code = u.source"
        " LEFT JOIN materials m ON m.id = p.material_id"
        f" WHERE u.created_at >= ? AND u.created_at < ?{extra}"
        " GROUP BY u.source ORDER BY count(*) DESC, u.source IS NULL, u.source",
        (to_db(start), to_db(end), *params),
    )
    return [
        SourceRow(
            row["source"],
            row["material"],
            row["poster_ward"],
            row["public"],
            row["collaborators"],
            row["staff"],
        )
        for row in rows
    ]
