"""Support/intervention plans (Mẫu 04, approved as Mẫu 05) and the emergency-intervention
decision of a case. Goals, actions and free text are encrypted with the cipher passed in."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True)
class PlanAction:
    what: str
    who: str
    by: dt.date | None


@dataclass(frozen=True)
class Plan:
    id: int
    case_id: int
    version: int
    status: str  # draft | submitted | approved | returned | superseded
    goals: str | None
    actions: tuple[PlanAction, ...]
    services: tuple[str, ...]
    drafted_by: int
    submitted_by: int | None
    submitted_at: dt.datetime | None
    decided_by: int | None
    decided_at: dt.datetime | None
    decision_note: str | None

    @property
    def editable(self) -> bool:
        return self.status in ("draft", "returned")


_COLUMNS = (
    "id, case_id, version, status, goals_enc, actions_enc, services, drafted_by, submitted_by,"
    " submitted_at, decided_by, decided_at, decision_note_enc"
)


def _actions_dec(cipher, token) -> tuple[PlanAction, ...]:
    text = cipher.decrypt(token)
    if not text:
        return ()
    return tuple(
        PlanAction(a["what"], a["who"], dt.date.fromisoformat(a["by"]) if a["by"] else None)
        for a in json.loads(text)
    )


def _actions_enc(cipher, actions: tuple[PlanAction, ...]) -> str | None:
    if not actions:
        return None
    return cipher.encrypt(
        json.dumps(
            [
                {"what": a.what, "who": a.who, "by": a.by.isoformat() if a.by else None}
                for a in actions
            ],
            ensure_ascii=False,
        )
    )


def _plan(cipher, row) -> Plan:
    return Plan(
        id=row["id"],
        case_id=row["case_id"],
        version=row["version"],
        status=row["status"],
        goals=cipher.decrypt(row["goals_enc"]),
        actions=_actions_dec(cipher, row["actions_enc"]),
        services=tuple(s for s in row["services"].split(",") if s),
        drafted_by=row["drafted_by"],
        submitted_by=row["submitted_by"],
        submitted_at=from_db(row["submitted_at"]),
        decided_by=row["decided_by"],
        decided_at=from_db(row["decided_at"]),
        decision_note=cipher.decrypt(row["decision_note_enc"]),
    )


async def current(db: Database, cipher, case_id: int) -> Plan | None:
    """The latest version that is not superseded."""
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM case_plans WHERE case_id = ? AND status != 'superseded'"
        " ORDER BY version DESC LIMIT 1",
        (case_id,),
    )
    return None if row is None else _plan(cipher, row)


async def latest(db: Database, cipher, case_id: int) -> Plan | None:
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM case_plans WHERE case_id = ? ORDER BY version DESC LIMIT 1",
        (case_id,),
    )
    return None if row is None else _plan(cipher, row)


async def create(
    db: Database,
    cipher,
    case_id: int,
    author_id: int,
    now: dt.datetime,
    copy_of: Plan | None = None,
) -> int:
    """A new draft version; a new plan after review starts from the previous one."""
    version = int(
        await db.fetchvalue(
            "SELECT coalesce(max(version), 0) + 1 FROM case_plans WHERE case_id = ?", (case_id,)
        )
    )
    await db.execute(
        "UPDATE case_plans SET status = 'superseded', updated_at = ?"
        " WHERE case_id = ? AND status != 'superseded'",
        (to_db(now), case_id),
    )
    stamp = to_db(now)
    return await db.execute(
        "INSERT INTO case_plans (case_id, version, status, goals_enc, actions_enc, services,"
        " drafted_by, created_at, updated_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            version,
            cipher.encrypt(copy_of.goals) if copy_of else None,
            _actions_enc(cipher, copy_of.actions) if copy_of else None,
            ",".join(copy_of.services) if copy_of else "",
            author_id,
            stamp,
            stamp,
        ),
    )


async def save_content(
    db: Database,
    cipher,
    plan_id: int,
    now: dt.datetime,
    *,
    goals: str | None,
    actions: tuple[PlanAction, ...],
    services: tuple[str, ...],
    expected_status: tuple[str, ...],
) -> bool:
    marks = ", ".join("?" for _ in expected_status)
    return (
        await db.execute(
            "UPDATE case_plans SET goals_enc = ?, actions_enc = ?, services = ?, updated_at = ?"
            f" WHERE id = ? AND status IN ({marks})",
            (
                cipher.encrypt(goals),
                _actions_enc(cipher, actions),
                ",".join(services),
                to_db(now),
                plan_id,
                *expected_status,
            ),
        )
        == 1
    )


async def submit(db: Database, plan_id: int, actor_id: int, now: dt.datetime) -> bool:
    return (
        await db.execute(
            "UPDATE case_plans SET status = 'submitted', submitted_by = ?, submitted_at = ?,"
            " decided_by = NULL, decided_at = NULL, updated_at = ?"
            " WHERE id = ? AND status IN ('draft', 'returned')",
            (actor_id, to_db(now), to_db(now), plan_id),
        )
        == 1
    )


async def decide(
    db: Database,
    cipher,
    plan_id: int,
    actor_id: int,
    approve: bool,
    note: str | None,
    now: dt.datetime,
) -> bool:
    return (
        await db.execute(
            "UPDATE case_plans SET status = ?, decided_by = ?, decided_at = ?,"
            " decision_note_enc = ?, updated_at = ? WHERE id = ? AND status = 'submitted'",
            (
                "approved" if approve else "returned",
                actor_id,
                to_db(now),
                cipher.encrypt(note),
                to_db(now),
                plan_id,
            ),
        )
        == 1
    )


# -- emergency intervention -----------------------------------------------------------------
@dataclass(frozen=True)
class EmergencyDecision:
    case_id: int
    decision: str  # applied | not_needed
    detail: str  # the measures, or why none were needed
    applied_at: dt.datetime | None
    decided_by: int
    decided_at: dt.datetime


async def record_emergency(
    db: Database,
    cipher,
    case_id: int,
    decision: str,
    detail: str,
    applied_at: dt.datetime | None,
    actor_id: int,
    now: dt.datetime,
) -> bool:
    """Once per case: a second decision (a double tap, a colleague) changes nothing. Call
    inside the caller's transaction."""
    if await db.fetchvalue("SELECT 1 FROM case_emergency WHERE case_id = ?", (case_id,)):
        return False
    await db.execute(
        "INSERT INTO case_emergency (case_id, decision, detail_enc, applied_at, decided_by,"
        " decided_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            case_id,
            decision,
            cipher.encrypt(detail),
            to_db(applied_at) if applied_at else None,
            actor_id,
            to_db(now),
        ),
    )
    return True


async def emergency(db: Database, cipher, case_id: int) -> EmergencyDecision | None:
    row = await db.fetchone(
        "SELECT case_id, decision, detail_enc, applied_at, decided_by, decided_at"
        " FROM case_emergency WHERE case_id = ?",
        (case_id,),
    )
    if row is None:
        return None
    return EmergencyDecision(
        row["case_id"],
        row["decision"],
        cipher.decrypt(row["detail_enc"]) or "",
        from_db(row["applied_at"]),
        row["decided_by"],
        from_db(row["decided_at"]),
    )
