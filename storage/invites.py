"""One-time invite links: only a hash of the token is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db


@dataclass(frozen=True)
class Invite:
    id: int
    role: str
    ward: str | None  # today's unit code; None for a staff invite to a whole area
    scope: str | None  # staff: what they will cover (bot/scope.py)
    created_by: int
    expires_at: dt.datetime
    used_by: int | None


async def create(
    db: Database,
    token_hash: str,
    role: str,
    ward: str | None,
    scope: str | None,
    actor_id: int,
    now: dt.datetime,
    expires_at: dt.datetime,
) -> int:
    return await db.execute(
        "INSERT INTO invites (token_hash, role, ward, scope, created_by, created_at,"
        " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (token_hash, role, ward, scope, actor_id, to_db(now), to_db(expires_at)),
    )


async def by_hash(db: Database, token_hash: str) -> Invite | None:
    row = await db.fetchone(
        "SELECT id, role, ward, scope, created_by, expires_at, used_by FROM invites"
        " WHERE token_hash = ?",
        (token_hash,),
    )
    if row is None:
        return None
    return Invite(
        row["id"],
        row["role"],
        row["ward"],
        row["scope"],
        row["created_by"],
        from_db(row["expires_at"]),
        row["used_by"],
    )


async def use(db: Database, invite_id: int, user_id: int, now: dt.datetime) -> bool:
    """Claim the invite once: a second person (or a second tap) gets nothing."""
    return (
        await db.execute(
            "UPDATE invites SET used_by = ?, used_at = ? WHERE id = ? AND used_by IS NULL"
            " AND expires_at > ?",
            (user_id, to_db(now), invite_id, to_db(now)),
        )
        == 1
    )
