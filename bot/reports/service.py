"""The report intake service: the draft being written (saved after every step), the hourly
allowance, sending it as a case, the emergency alert before sending and "Delete my messages".

Handlers read the update, call these methods and render the reply: the rules, the audit and
the transactions live here, SQL in the repositories (storage/report_drafts.py, storage/cases).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.crypto import FieldCipher, cipher_for
from bot.guards import PermissionDenied
from bot.reports import casework
from bot.reports.draft import Draft
from bot.reports.rules import CaseRules, case_rules
from storage import audit, report_drafts
from storage.db import Database
from storage.users import User

if TYPE_CHECKING:
    from bot.services import Services

# Queue the emergency alerts of a report in the caller's transaction (handlers/safety.py):
# (db, cipher, services, ward, contact, now, route_to=…).
EmergencyAlert = Callable[..., Awaitable[None]]


class ReportIntake:
    """One per update (cheap): `ReportIntake(context.services)`."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def db(self) -> Database:
        return self.services.database

    @property
    def cipher(self) -> FieldCipher:
        return cipher_for(self.services)

    @property
    def rules(self) -> CaseRules:
        return case_rules()

    @property
    def _cache(self) -> dict[int, str]:
        """Drafts written by this process, by person: SQLite stays the source of truth (it is
        written on every step), the cache only saves reading it back on the next update."""
        return self.services.report_drafts

    # -- the draft ------------------------------------------------------------------------------
    async def load(self, person: User) -> Draft | None:
        cached = self._cache.get(person.telegram_id)
        if cached is None:
            stored = await report_drafts.load(self.db, self.cipher, person.telegram_id)
            if stored is None:
                return None
            cached = self._cache[person.telegram_id] = stored.data
        draft = Draft.from_json(cached)  # a fresh copy: unsaved changes never leak into the cache
        self._upgrade_place(draft)
        return draft

    def _upgrade_place(self, draft: Draft) -> None:
        """A draft begun on the old map holds an old ward's code: take its unit today, or ask
        again when the old ward was split."""
        old = self.services.areas.old_unit(draft.ward)
        if old is None:
            return
        draft.reported_place = old.id
        draft.ward = None if old.split else old.successors[0]
        if draft.ward is None and draft.step == "review":
            draft.step = "ward"

    async def changed_at(self, person: User) -> dt.datetime | None:
        """When the person's unfinished draft was last saved; None without one."""
        stored = await report_drafts.load(self.db, self.cipher, person.telegram_id)
        return None if stored is None else stored.updated_at

    async def save(self, person: User, draft: Draft, now: dt.datetime) -> None:
        data = draft.to_json()
        await report_drafts.save(self.db, self.cipher, person.telegram_id, data, now)
        self._cache[person.telegram_id] = data

    def forget(self, person: User) -> None:
        self._cache.pop(person.telegram_id, None)

    async def discard(self, person: User) -> None:
        await report_drafts.delete(self.db, person.telegram_id)
        self.forget(person)

    # -- sending --------------------------------------------------------------------------------
    async def reports_left(self, person: User, now: dt.datetime) -> int:
        return await casework.reports_left(self.db, person.telegram_id, now, self.rules)

    async def already_submitted(
        self, person: User, message_id: int | None
    ) -> casework.Submitted | None:
        return await casework.already_submitted(self.db, person.telegram_id, message_id)

    async def submit(
        self,
        person: User,
        draft: Draft,
        now: dt.datetime,
        *,
        source_message_id: int | None,
        on_created: casework.OnCreated,
    ) -> casework.Submitted:
        """The case, its clocks, audit and notifications, all or nothing (casework.submit).
        Raises casework.RateLimited, or NotApplicable when the draft is gone."""
        submitted = await casework.submit(
            self.db,
            self.cipher,
            self.services.areas,
            person,
            draft,
            now,
            self.rules,
            self.services.settings.timezone,
            source_message_id=source_message_id,
            on_created=on_created,
        )
        self.forget(person)  # submit() removed the stored draft in the case's transaction
        return submitted

    # -- a child in danger now ------------------------------------------------------------------
    async def alert_staff_now(
        self, person: User, draft: Draft, now: dt.datetime, queue: EmergencyAlert
    ) -> bool:
        """The area's staff hear at once, with what is known so far (the place if given; the
        reporter's number only if they agreed). Once per report: False when already done.

        The alerts and the mark "alerted" are committed together (bot/outbox.py): a crash
        never loses the alert, and never sends it twice for one report."""
        if draft.emergency_alerted:
            return False
        contact = draft.reporter_phone if draft.contact_consent else None
        draft.emergency_alerted = True
        async with self.db.transaction():
            await queue(
                self.db,
                self.cipher,
                self.services,
                draft.ward,
                contact,
                now,
                route_to=person.ward,
            )
            await self.save(person, draft, now)
        return True

    # -- after sending --------------------------------------------------------------------------
    async def forget_reporter_messages(
        self, person: User, case_id: int, now: dt.datetime
    ) -> tuple[int, ...]:
        """The ids of the reporter's messages to delete, once, within Telegram's 48 hours.
        Someone else's case: PermissionDenied, audited; too late: NotApplicable."""
        try:
            return await casework.forget_reporter_messages(
                self.db, person, case_id, now, self.rules
            )
        except PermissionDenied:
            await audit.refused(
                self.db, person.telegram_id, "delete_reporter_messages", "case", case_id, now
            )
            raise
