"""What the information for parents records: how often each entry is read (from the menu or a
typed question), "Was this helpful?" votes, and a parent's ward once they pick it."""

from __future__ import annotations

from bot import ward_contacts
from bot.areas import Unit
from bot.services import Services
from storage import questions as counters
from storage import users
from storage.users import User
from storage.ward_contacts import WardContact


class InfoService:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def count_view(self, entry_id: str, source: str) -> None:
        """`source`: "menu" (a topic button) or "faq" (a typed question)."""
        await counters.count_view(self.services.database, entry_id, source)

    async def vote(self, person: User, entry_id: str, helpful: bool) -> int:
        """Record the person's vote (a second one replaces theirs); the entry's helpful votes."""
        db = self.services.database
        await counters.vote(db, person.telegram_id, entry_id, helpful, self.services.clock.now())
        yes, _no = await counters.votes(db, entry_id)
        return yes

    async def remember_ward(self, person: User, unit: Unit) -> None:
        """A parent's ward: their questions then go to the right unit's staff. Staff and
        applicants keep the area they signed up with."""
        if person.role == "public" and person.is_active and person.ward != unit.code:
            await users.update(
                self.services.database,
                person.telegram_id,
                self.services.clock.now(),
                ward=unit.code,
                district=unit.group,
                ward_confirm=None,
            )

    async def ward_contact(self, ward_code: str) -> WardContact | None:
        return await ward_contacts.for_unit(self.services.database, ward_code)
