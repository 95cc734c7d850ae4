"""The child-protection contact of each ward or commune, kept by staff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True)
class WardContact:
    ward: str
    name: str
    phone: str
    hours: str
    updated_at: dt.datetime


async def get(db: Database, ward: str) -> WardContact | None:
    row = await db.fetchone(
        "SELECT ward, name, phone, hours, updated_at FROM ward_contacts WHERE ward = ?", (ward,)
    )
    if row is None:
        return None
    return WardContact(
        row["ward"], row["name"], row["phone"], row["hours"], from_db(row["updated_at"])
    )


async def put(
    db: Database, ward: str, name: str, phone: str, hours: str, actor_id: int, now: dt.datetime
) -> None:
    await db.execute(
        "INSERT INTO ward_contacts (ward, name, phone, hours, updated_by, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ward) DO UPDATE SET name = excluded.name,"
        " phone = excluded.phone, hours = excluded.hours, updated_by = excluded.updated_by,"
        " updated_at = excluded.updated_at",
        (ward, name, phone, hours, actor_id, to_db(now)),
    )


async def delete(db: Database, ward: str) -> bool:
    return await db.execute("DELETE FROM ward_contacts WHERE ward = ?", (ward,)) > 0


async def wards_with_contact(db: Database) -> set[str]:
    return {row[0] for row in await db.fetchall("SELECT ward FROM ward_contacts")}
