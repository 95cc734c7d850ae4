"""People who talk to the bot: role, unit, staff scope, language and subscription state.

`ward` is the official code of the person's ward/commune today and `district` the code of its
programme group (bot/areas.py); `scope` is what a staff member covers (bot/scope.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import to_db

ROLES = ("public", "collaborator", "staff", "admin")
STAFF_ROLES = ("staff", "admin")


@dataclass(frozen=True)
class User:
    telegram_id: int
    display_name: str
    role: str
    requested_role: str | None
    status: str
    language: str
    district: str | None
    ward: str | None
    phone: str | None
    scope: str | None  # staff: unit codes, programme group codes or "all", space-separated
    ward_confirm: str | None  # an old split unit the person has not yet confirmed
    subscribed_announcements: bool
    subscribed_reminders: bool
    reachable: bool
    source: str | None
    onboarded: bool
    username: str | None = None
    approves_plans: bool = False

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and self.is_active

    @property
    def is_staff(self) -> bool:
        """Approved staff or administrators: may see cases within their scope."""
        return self.role in STAFF_ROLES and self.is_active

    @property
    def is_collaborator(self) -> bool:
        return self.role == "collaborator" and self.is_active

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"

    @property
    def menu_role(self) -> str:
        """Which menu the person sees: pending and deactivated people get the public one."""
        if not self.is_active:
            return "public"
        return "staff" if self.role in STAFF_ROLES else self.role


_COLUMNS = (
    "telegram_id, display_name, role, requested_role, status, language, district, ward, phone,"
    " scope, ward_confirm, subscribed_announcements, subscribed_reminders, reachable, source,"
    " onboarded, username, approves_plans"
)


def _user(row) -> User:
    return User(
        telegram_id=row["telegram_id"],
        display_name=row["display_name"],
        role=row["role"],
        requested_role=row["requested_role"],
        status=row["status"],
        language=row["language"],
        district=row["district"],
        ward=row["ward"],
        phone=row["phone"],
        scope=row["scope"],
        ward_confirm=row["ward_confirm"],
        subscribed_announcements=bool(row["subscribed_announcements"]),
        subscribed_reminders=bool(row["subscribed_reminders"]),
        reachable=bool(row["reachable"]),
        source=row["source"],
        onboarded=bool(row["onboarded"]),
        username=row["username"],
        approves_plans=bool(row["approves_plans"]),
    )


async def get(db: Database, telegram_id: int) -> User | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM users WHERE telegram_id = ?", (telegram_id,))
    return None if row is None else _user(row)


async def touch(
    db: Database,
    telegram_id: int,
    display_name: str,
    language: str,
    now: dt.datetime,
    make_admin: bool = False,
) -> User:
    """Create the person on first contact, else note they were seen and are reachable again.

    One statement (RETURNING the row), so it is cheap enough to run on every update.
    """
    stamp = to_db(now)
    role = "admin" if make_admin else "public"
    row = await db.execute_returning(
        "INSERT INTO users (telegram_id, display_name, role, language, created_at, updated_at,"
        " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (telegram_id) DO UPDATE SET last_seen_at = excluded.last_seen_at,"
        " reachable = 1,"
        # Administrators from ADMIN_IDS are created before we know their name.
        " display_name = CASE WHEN users.display_name = '' THEN excluded.display_name"
        " ELSE users.display_name END,"
        " role = CASE WHEN ? THEN 'admin' ELSE users.role END,"
        " status = CASE WHEN ? THEN 'active' ELSE users.status END"
        f" RETURNING {_COLUMNS}",
        (
            telegram_id,
            display_name[:128],
            role,
            language,
            stamp,
            stamp,
            stamp,
            make_admin,
            make_admin,
        ),
    )
    assert row is not None
    return _user(row)


async def ensure_admins(db: Database, admin_ids: frozenset[int], now: dt.datetime) -> None:
    """Administrators from ADMIN_IDS exist and are active from the first start."""
    stamp = to_db(now)
    for telegram_id in sorted(admin_ids):
        await db.execute(
            "INSERT INTO users (telegram_id, role, status, onboarded, created_at, updated_at)"
            " VALUES (?, 'admin', 'active', 1, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET"
            " role = 'admin', status = 'active', onboarded = 1"
            " WHERE users.role != 'admin' OR users.status != 'active'",
            (telegram_id, stamp, stamp),
        )


async def update(db: Database, telegram_id: int, now: dt.datetime, **fields: object) -> None:
    allowed = {
        "display_name",
        "role",
        "requested_role",
        "status",
        "language",
        "district",
        "ward",
        "phone",
        "scope",
        "ward_confirm",
        "subscribed_announcements",
        "subscribed_reminders",
        "reachable",
        "source",
        "onboarded",
        "username",
        "approves_plans",
    }
    if "phone" in fields:
        raise ValueError("phones are encrypted: use set_phone")
    if fields.get("status") == "deactivated":
        fields = {**fields, "deactivated_at": to_db(now)}
        allowed = allowed | {"deactivated_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown user fields: {sorted(unknown)}")
    if not fields:
        return
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await db.execute(
        f"UPDATE users SET {assignments}, updated_at = ? WHERE telegram_id = ?",
        (*fields.values(), to_db(now), telegram_id),
    )


async def set_phone(
    db: Database, cipher, telegram_id: int, phone: str | None, now: dt.datetime
) -> None:
    """The person's phone, encrypted at rest (None erases it)."""
    await db.execute(
        "UPDATE users SET phone = ?, phone_sealed = 1, updated_at = ? WHERE telegram_id = ?",
        (cipher.encrypt(phone), to_db(now), telegram_id),
    )


async def seal_phones(db: Database, cipher) -> int:
    """Encrypt the phones stored in plain text before encryption at rest; returns how many."""
    sealed = 0
    async with db.transaction():
        for row in await db.fetchall(
            "SELECT telegram_id, phone FROM users WHERE phone_sealed = 0 AND phone IS NOT NULL"
        ):
            sealed += await db.execute(
                "UPDATE users SET phone = ?, phone_sealed = 1 WHERE telegram_id = ?"
                " AND phone_sealed = 0",
                (cipher.encrypt(row["phone"]), row["telegram_id"]),
            )
    return sealed


async def erase_phones_deactivated_before(db: Database, before: dt.datetime) -> int:
    """Retention: phones of people deactivated longer than the retention period."""
    return await db.execute(
        "UPDATE users SET phone = NULL WHERE status = 'deactivated' AND phone IS NOT NULL"
        " AND coalesce(deactivated_at, updated_at) < ?",
        (to_db(before),),
    )


async def set_reachable(db: Database, telegram_id: int, reachable: bool, now: dt.datetime) -> None:
    await update(db, telegram_id, now, reachable=int(reachable))


async def set_source_if_empty(db: Database, telegram_id: int, source: str) -> bool:
    """Attribute a first contact to a deep link; later links never overwrite the first."""
    changed = await db.execute(
        "UPDATE users SET source = ? WHERE telegram_id = ? AND source IS NULL",
        (source, telegram_id),
    )
    return changed > 0


async def active_staff(db: Database) -> list[User]:
    """Every approved staff member (not administrators); scopes are matched by bot/scope.py."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM users WHERE role = 'staff' AND status = 'active'"
        " ORDER BY telegram_id"
    )
    return [_user(row) for row in rows]


async def admins(db: Database) -> list[User]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM users WHERE role = 'admin' AND status = 'active'"
        " ORDER BY telegram_id"
    )
    return [_user(row) for row in rows]


def _in(column: str, values: Collection[str]) -> tuple[str, list[str]]:
    return f"{column} IN ({', '.join('?' for _ in values)})", sorted(values)


async def pending(db: Database, wards: Collection[str] | None = None) -> list[User]:
    """People waiting for approval; `wards` limits them to those units (None: everyone)."""
    clause, params = ("1", []) if wards is None else _in("ward", wards)
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM users WHERE status = 'pending' AND {clause} ORDER BY created_at",
        params,
    )
    return [_user(row) for row in rows]


async def listing(
    db: Database,
    role: str | None = None,
    wards: Collection[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[User]:
    clauses, params = [], []
    if role:
        clauses.append("role = ?")
        params.append(role)
    if wards is not None:
        clause, values = _in("ward", wards)
        clauses.append(clause)
        params.extend(values)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM users {where} ORDER BY role, district, ward, telegram_id"
        " LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return [_user(row) for row in rows]
