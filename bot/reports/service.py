"""The report intake service: the draft being written (saved after every step), the hourly
allowance, sending it as a case, the emergency alert before sending and "Delete my messages".

Handlers read the update, call these methods and render the reply: the rules, the audit and
the transactions live here, SQL in the repositories (storage/report_drafts.py, storage/cases).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from bot import outbox
from bot.cases.alerts import queue_new_case_alert
from bot.crypto import FieldCipher, cipher_for
from bot.guards import PermissionDenied
from bot.reports import casework, ticks
from bot.reports.draft import Draft
from bot.reports.rules import CaseRules, case_rules
from bot.safety.emergency import queue_emergency_alert
from storage import audit, report_drafts, users
from storage.db import Database
from storage.users import User

if TYPE_CHECKING:
    from bot.services import Services

# Queue the emergency alerts of a report in the caller's transaction (bot/safety/emergency.py):
# (db, cipher, services, ward, contact, now, route_to=…, unsent_since=…).
EmergencyAlert = Callable[..., Awaitable[None]]
# The reporter's confirmation of a new case: (case id, case code) → its text and buttons.
Thanks = Callable[[int, str], tuple[str, InlineKeyboardMarkup]]


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
        thanks: Thanks,
    ) -> tuple[casework.Submitted, int | None]:
        """The case, its clocks, audit, staff's alerts and the reporter's confirmation, all or
        nothing (casework.submit): the case and the outbox id of the confirmation (None when
        the case already existed). Raises casework.RateLimited, or NotApplicable when the draft
        is gone."""
        queued: list[int | None] = []

        async def on_created(case_id: int, code: str) -> None:
            # In the case's transaction: the alerts and the confirmation are committed with
            # the case, and sent by the delivery engine even after a crash.
            await queue_new_case_alert(self.db, self.cipher, self.services, case_id, now)
            text, markup = thanks(case_id, code)
            queued.append(
                await outbox.enqueue(
                    self.db,
                    self.cipher,
                    person.telegram_id,
                    text,
                    now=now,
                    markup=markup,
                    dedupe_key=f"case:{case_id}:thanks",
                    held_for_reply=True,
                )
            )

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
        return submitted, (queued[0] if queued else None)

    # -- a child in danger now ------------------------------------------------------------------
    async def alert_staff_now(
        self,
        person: User,
        draft: Draft,
        now: dt.datetime,
        queue: EmergencyAlert = queue_emergency_alert,
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
            await report_drafts.mark_alerted(self.db, person.telegram_id, now)
        return True

    async def follow_up_unsent_alerts(
        self, now: dt.datetime, queue: EmergencyAlert = queue_emergency_alert
    ) -> int:
        """Reports that alerted staff ("in danger now") and are still not sent a while after,
        the reporter idle (bot/reports/ticks.py): the reporter is reminded and the staff told
        (or, when "in danger now" was taken back since, the staff told that); once each, in
        one transaction with the mark (a crash never sends it twice). Returns how many."""
        done = 0
        for user_id, alerted_at in await ticks.alerted_unsent(self.db, now):
            stored = await report_drafts.load(self.db, self.cipher, user_id)
            reporter = await users.get(self.db, user_id)
            async with self.db.transaction():
                if not await report_drafts.mark_followed_up(self.db, user_id, now):
                    continue
                if stored is None or reporter is None:
                    continue
                draft = Draft.from_json(stored.data)
                if draft.urgent:  # still "in danger now": the reporter is reminded too
                    _ = self.services.i18n(reporter.language)
                    await outbox.enqueue(
                        self.db,
                        self.cipher,
                        user_id,
                        _(
                            "🚨 Your urgent report is not sent yet. Staff were alerted at {time}; "
                            "to help the child they need the rest. Send /report to continue: "
                            "only a few steps. If the child is in danger now, call 113.",
                            time=_.time(alerted_at),
                        ),
                        now=now,
                        dedupe_key=f"draft:{user_id}:{alerted_at.isoformat()}:follow-up",
                    )
                # The staff alerted hear it is still unsent, or that it was taken back since.
                await queue(
                    self.db,
                    self.cipher,
                    self.services,
                    draft.ward,
                    draft.reporter_phone if draft.contact_consent else None,
                    now,
                    route_to=reporter.ward,
                    unsent_since=alerted_at,
                    withdrawn=not draft.urgent,
                )
            done += 1
        return done

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
