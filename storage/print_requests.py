"""Requests for printed copies of a material, and their state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db

_COLUMNS = (
    "r.id, r.material_id, m.title AS material_title, r.requester_id, r.quantity, r.district,"
    " r.ward, r.place, r.wanted_by, r.status, r.reason, r.handled_by, r.created_at, r.updated_at"
)
_FROM = "FROM print_requests r JOIN materials m ON m.id = r.material_id"
OPEN_STATUSES = ("requested", "approved", "printed")


@dataclass(frozen=True)
class PrintRequest:
    id: int
    material_id: int
    material_title: str
    requester_id: int
    quantity: int
    district: str
    ward: str
    place: str
    wanted_by: dt.date
    status: str
    reason: str | None
    handled_by: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


def _request(row) -> PrintRequest:
    return PrintRequest(
        id=row["id"],
        material_id=row["material_id"],
        material_title=row["material_title"],
        requester_id=row["requester_id"],
        quantity=row["quantity"],
        district=row["district"],
        ward=row["ward"],
        place=row["place"],
        wanted_by=dt.date.fromisoformat(row["wanted_by"]),
        status=row["status"],
        reason=row["reason"],
        handled_by=row["handled_by"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


async def create(
    db: Database,
    material_id: int,
    requester_id: int,
    quantity: int,
    district: str,
    ward: str,
    place: str,
    wanted_by: dt.date,
    now: dt.datetime,
) -> int:
    stamp = to_db(now)
    return await db.execute(
        "INSERT INTO print_requests (material_id, requester_id, quantity, district, ward, place,"
        " wanted_by, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)",
        (
            material_id,
            requester_id,
            quantity,
            district,
            ward,
            place,
            wanted_by.isoformat(),
            stamp,
            stamp,
        ),
    )


async def get(db: Database, request_id: int) -> PrintRequest | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} {_FROM} WHERE r.id = ?", (request_id,))
    return None if row is None else _request(row)


async def of_requester(db: Database, requester_id: int, limit: int = 20) -> list[PrintRequest]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} {_FROM} WHERE r.requester_id = ? ORDER BY r.id DESC LIMIT ?",
        (requester_id, limit),
    )
    return [_request(row) for row in rows]


async def queue(
    db: Database,
    wards: Collection[str] | None,
    statuses: tuple[str, ...] = OPEN_STATUSES,
    limit: int = 50,
) -> list[PrintRequest]:
    """Open requests of some units (every unit when None), the soonest wanted first."""
    marks = ", ".join("?" * len(statuses))
    params: list = list(statuses)
    condition = ""
    if wards is not None:
        condition = f"AND r.ward IN ({', '.join('?' for _ in wards) or 'NULL'})"
        params.extend(sorted(wards))
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} {_FROM} WHERE r.status IN ({marks}) {condition}"
        " ORDER BY r.wanted_by, r.id LIMIT ?",
        (*params, limit),
    )
    return [_request(row) for row in rows]


async def set_status(
    db: Database,
    request_id: int,
    expected: str,
    status: str,
    handled_by: int,
    now: dt.datetime,
    reason: str | None = None,
) -> bool:
    """Move a request on only if it is still in `expected` (two staff pressing at once)."""
    changed = await db.execute(
        "UPDATE print_requests SET status = ?, reason = coalesce(?, reason), handled_by = ?,"
        " updated_at = ? WHERE id = ? AND status = ?",
        (status, reason, handled_by, to_db(now), request_id, expected),
    )
    return changed > 0


async def counts_by_status(db: Database, wards: Collection[str] | None = None) -> dict[str, int]:
    condition, params = "", []
    if wards is not None:
        condition = f"WHERE ward IN ({', '.join('?' for _ in wards) or 'NULL'})"
        params = sorted(wards)
    rows = await db.fetchall(
        f"SELECT status, count(*) AS n, sum(quantity) AS copies FROM print_requests {condition}"
        " GROUP BY status",
        params,
    )
    return {row["status"]: row["n"] for row in rows}
