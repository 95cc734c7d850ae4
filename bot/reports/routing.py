"""Who hears about a case: the staff group bound to its unit or to its programme group, else
the staff covering the unit and the administrators privately (the legal clocks' warnings:
bot/cases/notices.py). A case outside the programme's area (or of an unknown unit) goes to administrators."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import scope
from bot.areas import Areas
from storage import cases, users
from storage.db import Database
from storage.users import User


@dataclass(frozen=True)
class Recipients:
    group_chat_id: int | None = None
    people: list[User] = field(default_factory=list)


async def unit_people(db: Database, unit: str | None) -> list[User]:
    """Approved staff covering the unit, then administrators, each once."""
    found: dict[int, User] = {}
    covering = scope.staff_covering(await users.active_staff(db), unit) if unit else []
    for person in covering + await users.admins(db):
        found.setdefault(person.telegram_id, person)
    return list(found.values())


async def alert_recipients(
    db: Database, unit: str | None, areas: Areas | None = None
) -> Recipients:
    areas = areas or Areas.load()
    for target in (unit, areas.group_of(unit)):
        group = await cases.group_for(db, target) if target else None
        if group is not None:
            return Recipients(group_chat_id=group)
    return Recipients(people=await unit_people(db, unit))
