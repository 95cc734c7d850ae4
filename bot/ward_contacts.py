"""Each ward's child-protection contact (name, phone, hours): staff of the unit keep it, and
parents see it from /info → Ward contact. Changes are checked and audited here."""

from __future__ import annotations

import datetime as dt
import re

from bot.areas import Areas
from bot.guards import ensure_in_unit
from storage import audit, ward_contacts
from storage.db import Database
from storage.users import User
from storage.ward_contacts import WardContact

NAME_MAX, HOURS_MAX = 80, 120
PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{6,18}[0-9]$")

__all__ = ["WardContact", "parse_contact"]


def parse_contact(text: str) -> tuple[str, str, str] | None:
    """Three non-empty lines: name, phone (8–15 digits), opening hours."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(lines) != 3:
        return None
    name, phone, hours = lines
    digits = re.sub(r"\D", "", phone)
    if not (
        2 <= len(name) <= NAME_MAX
        and PHONE.match(phone)
        and 8 <= len(digits) <= 15
        and 2 <= len(hours) <= HOURS_MAX
    ):
        return None
    return name, phone, hours


async def for_unit(db: Database, unit: str) -> WardContact | None:
    """What parents see (public information of the ward's office)."""
    return await ward_contacts.get(db, unit)


async def units_with_contact(db: Database) -> set[str]:
    return await ward_contacts.wards_with_contact(db)


async def save(
    db: Database,
    areas: Areas,
    actor: User | None,
    unit: str,
    contact: tuple[str, str, str],
    now: dt.datetime,
) -> None:
    person = ensure_in_unit(actor, unit, areas)
    name, phone, hours = contact
    async with db.transaction():
        await ward_contacts.put(db, unit, name, phone, hours, person.telegram_id, now)
        await audit.record(db, person.telegram_id, "ward_contact_set", "ward", unit, now)


async def remove(
    db: Database, areas: Areas, actor: User | None, unit: str, now: dt.datetime
) -> bool:
    person = ensure_in_unit(actor, unit, areas)
    async with db.transaction():
        removed = await ward_contacts.delete(db, unit)
        if removed:
            await audit.record(db, person.telegram_id, "ward_contact_delete", "ward", unit, now)
    return removed
