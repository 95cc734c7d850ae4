"""The audit trail: who viewed or changed what, and when. Rows are never updated."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True)
class AuditEntry:
    actor_id: int | None
    action: str
    entity: str
    entity_id: str | None
    detail: dict
    created_at: dt.datetime


async def record(
    db: Database,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    now: dt.datetime,
    **detail: object,
) -> None:
    """Write one entry. `detail` must hold no personal data: ids, codes and states only."""
    await db.execute(
        "INSERT INTO audit_log (actor_id, action, entity, entity_id, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            actor_id,
            action,
            entity,
            None if entity_id is None else str(entity_id),
            json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
            to_db(now),
        ),
    )


async def entries(
    db: Database, entity: str | None = None, entity_id: object = None
) -> list[AuditEntry]:
    clauses, params = [], []
    if entity is not None:
        clauses.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        clauses.append("entity_id = ?")
        params.append(str(entity_id))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = await db.fetchall(
        f"SELECT actor_id, action, entity, entity_id, detail, created_at FROM audit_log {where}"
        " ORDER BY id",
        params,
    )
    return [
        AuditEntry(
            actor_id=row["actor_id"],
            action=row["action"],
            entity=row["entity"],
            entity_id=row["entity_id"],
            detail=json.loads(row["detail"]) if row["detail"] else {},
            created_at=from_db(row["created_at"]),
        )
        for row in rows
    ]


async def refused(
    db: Database,
    actor_id: int | None,
    attempted: str,
    entity: str,
    entity_id: object,
    now: dt.datetime,
    **detail: object,
) -> None:
    """A refused attempt (a forged or stale button for someone else's case, a command the
    person may not use): who, what they tried, on which object."""
    await record(db, actor_id, "refused", entity, entity_id, now, attempted=attempted, **detail)
