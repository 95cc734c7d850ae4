"""Who hears about a case: the district's staff group if one is bound, else its staff and the
administrators privately; reminders go to the assignee first."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage import cases, users
from storage.cases import DueDeadline
from storage.db import Database
from storage.users import User


@dataclass(frozen=True)
class Recipients:
    group_chat_id: int | None = None
    people: list[User] = field(default_factory=list)


async def district_people(db: Database, district: str) -> list[User]:
    """Approved staff of the district, then administrators, each once."""
    found: dict[int, User] = {}
    for person in await users.staff_of_district(db, district) + await users.admins(db):
        found.setdefault(person.telegram_id, person)
    return list(found.values())


async def alert_recipients(db: Database, district: str) -> Recipients:
    group = await cases.group_of_district(db, district)
    if group is not None:
        return Recipients(group_chat_id=group)
    return Recipients(people=await district_people(db, district))


async def reminder_recipients(db: Database, due: DueDeadline) -> Recipients:
    """The assignee if they still work on the district's cases, else as for a new case."""
    if due.assignee_id is not None:
        assignee = await users.get(db, due.assignee_id)
        if assignee is not None and assignee.can_act_in_district(due.district):
            return Recipients(people=[assignee])
    return await alert_recipients(db, due.district)
