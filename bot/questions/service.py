"""The questions service: every change to a ticket, with its rules, permission checks, audit
and transaction, and the notices it causes queued in that same transaction (bot/outbox.py).

Handlers read the update, call one method and render the reply; they never touch storage.
A refusal (PermissionDenied) is audited here, so a handler that forgets a check or a
decorator is still refused, and on the record.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot import guards, scope
from bot.crypto import FieldCipher, cipher_for
from bot.materials import search as material_search
from bot.materials.service import MaterialsService
from bot.questions import notices, rules
from bot.questions.rules import Blocked, NotApplicable, PermissionDenied, TooManyOpen
from bot.services import Services
from storage import alert_copies, audit, users
from storage import questions as store
from storage.db import Database
from storage.models import Material
from storage.questions import Question
from storage.users import User

log = logging.getLogger(__name__)

__all__ = [
    "Blocked",
    "Gone",
    "NotApplicable",
    "PermissionDenied",
    "QuestionService",
    "Side",
    "TooManyOpen",
]


class Gone(NotApplicable):
    """No such ticket (a forged button, or a number that never existed)."""


@dataclass(frozen=True)
class Side:
    """Which side of a ticket a person writes on: its staff, or its asker."""

    question: Question
    as_staff: bool


@dataclass(frozen=True)
class WaysForward:
    """For text nothing understood: the closest materials, and the asker's open ticket."""

    materials: list[Material]
    open_question: Question | None


class QuestionService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def db(self) -> Database:
        return self.services.database

    @property
    def cipher(self) -> FieldCipher:
        return cipher_for(self.services)

    def now(self) -> dt.datetime:
        return self.services.clock.now()

    async def _deny(self, actor: User, attempted: str, question_id: int | None) -> PermissionDenied:
        """Record a refused attempt (who, what, which ticket) and give the error to raise."""
        await audit.refused(
            self.db, actor.telegram_id, attempted, "question", question_id, self.now()
        )
        return PermissionDenied(question_id)

    async def _get(self, question_id: int) -> Question:
        question = await store.get(self.db, question_id)
        if question is None:
            raise Gone(question_id)
        return question

    async def _for_staff(self, staff: User, question_id: int, attempted: str) -> Question:
        """The ticket, if `staff` may handle it (a forgotten decorator is still refused)."""
        try:
            guards.ensure_staff(staff)
        except PermissionDenied:
            raise await self._deny(staff, attempted, question_id) from None
        question = await self._get(question_id)
        if not rules.can_handle(staff, question):
            raise await self._deny(staff, attempted, question_id)
        return question

    # -- asking -----------------------------------------------------------------------------

    async def check_can_ask(self, asker: User) -> None:
        """Raise Blocked or TooManyOpen if this person may not open a question now."""
        if await store.is_blocked(self.db, asker.telegram_id):
            raise Blocked(asker.telegram_id)
        if await store.count_unclosed(self.db, asker.telegram_id) >= rules.MAX_OPEN_PER_USER:
            raise TooManyOpen(asker.telegram_id)

    async def open(
        self,
        asker: User,
        text: str,
        *,
        district: str | None,
        ward: str | None,
        photo_file_id: str | None = None,
        danger: bool = False,
        contact_name: str | None = None,
        contact_phone: str | None = None,
    ) -> Question:
        """A new ticket, its copies to the staff who can handle it queued with it."""
        await self.check_can_ask(asker)
        now = self.now()
        async with self.db.transaction():
            question_id = await store.create(
                self.db,
                self.cipher,
                asker.telegram_id,
                district,
                ward,
                text,
                photo_file_id,
                danger,
                contact_name,
                contact_phone,
                now,
            )
            await audit.record(
                self.db,
                asker.telegram_id,
                "question_open",
                "question",
                question_id,
                now,
                district=district,
                danger=danger,
                contact_shared=contact_phone is not None,
            )
            question = await self._get(question_id)
            await notices.queue_copies(
                self.services, question, await self.recipients(question), "new"
            )
        return question

    async def recipients(self, question: Question) -> list[User]:
        """Who is told about a new question: the staff who can handle it; programme-wide staff
        and administrators when its place is unknown or nobody covers it yet."""
        staff = await users.active_staff(self.db)
        if question.ward or question.district:
            local = [person for person in staff if rules.can_handle(person, question)]
            if local:
                return local
        found = {person.telegram_id: person for person in await users.admins(self.db)}
        for person in staff:
            if scope.is_programme_wide(person):
                found.setdefault(person.telegram_id, person)
        found.pop(question.asker_id, None)
        return list(found.values())

    # -- writing on a ticket ------------------------------------------------------------------

    async def side(self, person: User, question_id: int) -> Side:
        """The side `person` writes on; NotApplicable when the ticket is gone or closed,
        PermissionDenied (audited) when it is neither theirs nor their area's."""
        question = await self._get(question_id)
        if question.is_closed:
            raise NotApplicable(question_id)
        if question.asker_id == person.telegram_id:
            return Side(question, as_staff=False)
        if rules.can_handle(person, question):
            return Side(question, as_staff=True)
        raise await self._deny(person, "question_reply", question_id)

    async def answer(self, staff: User, question_id: int, text: str) -> Question:
        """Staff answer: the asker receives it (queued with the change)."""
        question = await self._for_staff(staff, question_id, "question_reply")
        if question.is_closed:
            raise NotApplicable(question_id)
        now = self.now()
        async with self.db.transaction():
            await store.add_message(
                self.db, self.cipher, question_id, "staff", staff.telegram_id, text, None, now
            )
            await store.set_answered(self.db, question_id)
            await audit.record(
                self.db,
                staff.telegram_id,
                "question_answer",
                "question",
                question_id,
                now,
                old_state=question.state,
            )
            answered = await self._get(question_id)
            await notices.queue_answer(self.services, answered, text)
        return answered

    async def follow_up(
        self, asker: User, question_id: int, text: str, attempted: str = "question_reply"
    ) -> Question:
        """The asker writes again on the same ticket: it waits for staff again, and the staff
        member who answered last (else every recipient) gets it."""
        question = await self._get(question_id)
        if question.asker_id != asker.telegram_id:
            raise await self._deny(asker, attempted, question_id)
        if question.is_closed:
            raise NotApplicable(question_id)
        now = self.now()
        async with self.db.transaction():
            await store.add_message(
                self.db, self.cipher, question_id, "asker", None, text, None, now
            )
            await store.set_waiting(self.db, question_id, now)
            await audit.record(
                self.db, asker.telegram_id, "question_follow_up", "question", question_id, now
            )
            waiting = await self._get(question_id)
            person = await self._last_staff_member(waiting)
            people = [person] if person else await self.recipients(waiting)
            latest = (await store.messages(self.db, question_id))[-1]
            await notices.queue_copies(
                self.services, waiting, people, "follow_up", quoted_id=latest.id
            )
        return waiting

    async def _last_staff_member(self, question: Question) -> User | None:
        """Who answered last, if they may still handle the ticket (follow-ups go to them)."""
        for message in reversed(await store.messages(self.db, question.id)):
            if message.author == "staff" and message.staff_id is not None:
                person = await users.get(self.db, message.staff_id)
                if person is not None and rules.can_handle(person, question):
                    return person
                return None
        return None

    # -- closing and spam ---------------------------------------------------------------------

    async def close(self, actor: User, question_id: int) -> Question:
        """By its asker, or by staff who can handle it (the asker is told)."""
        question = await self._get(question_id)
        by_asker = question.asker_id == actor.telegram_id
        if not by_asker and not rules.can_handle(actor, question):
            raise await self._deny(actor, "question_close", question_id)
        now = self.now()
        async with self.db.transaction():
            if not await store.close(self.db, question_id, actor.telegram_id, now):
                raise NotApplicable(question_id)
            await audit.record(
                self.db,
                actor.telegram_id,
                "question_close",
                "question",
                question_id,
                now,
                by="asker" if by_asker else "staff",
                old_state=question.state,
            )
            closed = await self._get(question_id)
            if not by_asker:
                await notices.queue_closed_by_staff(self.services, closed)
        return closed

    async def mark_spam(self, staff: User, question_id: int) -> Question:
        """Close the ticket and stop its asker from opening new ones."""
        question = await self._for_staff(staff, question_id, "question_spam")
        now = self.now()
        async with self.db.transaction():
            await store.close(self.db, question_id, staff.telegram_id, now)
            await store.block(self.db, question.asker_id, question_id, staff.telegram_id, now)
            await audit.record(
                self.db,
                staff.telegram_id,
                "question_spam",
                "question",
                question_id,
                now,
                old_state=question.state,
            )
        return await self._get(question_id)

    async def unmark_spam(self, staff: User, question_id: int) -> Question:
        question = await self._for_staff(staff, question_id, "question_unspam")
        now = self.now()
        async with self.db.transaction():
            if not await store.unblock(self.db, question.asker_id):
                raise NotApplicable(question_id)
            await audit.record(
                self.db, staff.telegram_id, "question_unspam", "question", question_id, now
            )
        return question

    # -- reading ------------------------------------------------------------------------------

    async def of_asker(self, asker: User, limit: int = 10) -> list[Question]:
        return await store.of_asker(self.db, asker.telegram_id, limit=limit)

    async def ways_forward(self, asker: User, text: str) -> WaysForward:
        visible = await MaterialsService.of(self.services).listing(None)
        latest = next(iter(await self.of_asker(asker, limit=1)), None)
        return WaysForward(
            materials=material_search.closest(visible, text),
            open_question=latest if latest is not None and not latest.is_closed else None,
        )

    async def is_staff_copy(self, chat_id: int, message_id: int) -> bool:
        """Whether a message is a recorded staff copy (kept in step by `sync_copies`)."""
        return await alert_copies.find(self.db, chat_id, message_id) is not None

    # -- background work ----------------------------------------------------------------------

    async def escalate_due(self) -> list[Question]:
        """Tickets waiting for staff longer than ESCALATE_AFTER go to the administrators, each
        only once (its notices queued with the mark)."""
        now = self.now()
        escalated = []
        for question in await store.due_for_escalation(self.db, now - rules.ESCALATE_AFTER):
            async with self.db.transaction():
                if not await store.mark_escalated(self.db, question.id, now):
                    continue
                await audit.record(
                    self.db,
                    None,
                    "question_escalate",
                    "question",
                    question.id,
                    now,
                    district=question.district,
                )
                sent = await notices.queue_copies(
                    self.services, question, await users.admins(self.db), "escalated"
                )
            log.info("question %s escalated to %d administrators", question.id, sent)
            escalated.append(question)
        return escalated
