"""Rules for questions from parents to staff (tickets), kept out of the handlers.

A ticket is open (waiting for staff), answered (staff replied; the asker may write back,
which makes it open again) or closed. The asker is anonymous to staff unless they chose to
share a contact. Every staff action is audited in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable

from bot import scope
from bot.guards import NotApplicable, PermissionDenied
from bot.text import fold, normalize
from storage import audit, users
from storage import questions as store
from storage.db import Database
from storage.questions import Question
from storage.users import User

MAX_OPEN_PER_USER = 5
ESCALATE_AFTER = dt.timedelta(hours=24)
TEXT_MIN, TEXT_MAX = 3, 2000

__all__ = ["Blocked", "NotApplicable", "PermissionDenied", "TooManyOpen"]


# Queues who must hear of a change (bot/outbox.py), inside its transaction:
# (the ticket as it is now) → None.
Then = Callable[[Question], Awaitable[None]]


async def _then(db: Database, then: Then | None, question_id: int) -> Question:
    question = await store.get(db, question_id)
    if then is not None:
        await then(question)  # type: ignore[arg-type]
    return question  # type: ignore[return-value]


class Blocked(Exception):
    """Staff marked this person as sending spam: no new questions."""


class TooManyOpen(Exception):
    """The person already has MAX_OPEN_PER_USER questions that are not closed."""


def code(question_id: int) -> str:
    """The ticket number people see, e.g. H0012 (a hashtag staff can search for)."""
    return f"H{question_id:04d}"


def clean_text(text: str | None) -> str | None:
    """A question or answer as typed: normalised, 3–2,000 characters, else None."""
    if not text:
        return None
    cleaned = normalize(text)
    if not TEXT_MIN <= len(cleaned) <= TEXT_MAX or not any(ch.isalnum() for ch in cleaned):
        return None
    return cleaned


async def check_can_ask(db: Database, user_id: int) -> None:
    """Raise Blocked or TooManyOpen if this person may not open a question now."""
    if await store.is_blocked(db, user_id):
        raise Blocked(user_id)
    if await store.count_unclosed(db, user_id) >= MAX_OPEN_PER_USER:
        raise TooManyOpen(user_id)


async def open_question(
    db: Database,
    cipher,
    asker: User,
    district: str | None,
    ward: str | None,
    text: str,
    photo_file_id: str | None,
    danger: bool,
    contact_name: str | None,
    contact_phone: str | None,
    now: dt.datetime,
    then: Then | None = None,
) -> Question:
    await check_can_ask(db, asker.telegram_id)
    async with db.transaction():
        question_id = await store.create(
            db,
            cipher,
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
            db,
            asker.telegram_id,
            "question_open",
            "question",
            question_id,
            now,
            district=district,
            danger=danger,
            contact_shared=contact_phone is not None,
        )
        return await _then(db, then, question_id)


def can_handle(staff: User, question: Question) -> bool:
    """Administrators everywhere; staff covering the question's unit (or its whole group);
    programme-wide staff for questions whose place is unknown."""
    if staff.is_admin:
        return True
    if not staff.is_staff:
        return False
    if question.ward:
        return scope.can_act_in_unit(staff, question.ward)
    if question.district:
        return scope.can_act_in_group(staff, question.district)
    return scope.is_programme_wide(staff)


async def recipients(db: Database, question: Question) -> list[User]:
    """Who is told about a new question: the staff who can handle it; programme-wide staff
    and administrators when its place is unknown or nobody covers it yet."""
    staff = await users.active_staff(db)
    if question.ward or question.district:
        local = [person for person in staff if can_handle(person, question)]
        if local:
            return local
    found = {person.telegram_id: person for person in await users.admins(db)}
    for person in staff:
        if scope.is_programme_wide(person):
            found.setdefault(person.telegram_id, person)
    found.pop(question.asker_id, None)
    return list(found.values())


async def _for_staff(db: Database, staff: User, question_id: int) -> Question:
    question = await store.get(db, question_id)
    if question is None:
        raise NotApplicable(question_id)
    if not can_handle(staff, question):
        raise PermissionDenied(question_id)
    return question


async def _for_asker(db: Database, asker: User, question_id: int) -> Question:
    question = await store.get(db, question_id)
    if question is None or question.asker_id != asker.telegram_id:
        raise PermissionDenied(question_id)
    return question


async def check_staff_reply(db: Database, staff: User, question_id: int) -> Question:
    question = await _for_staff(db, staff, question_id)
    if question.is_closed:
        raise NotApplicable(question_id)
    return question


async def check_asker_reply(db: Database, asker: User, question_id: int) -> Question:
    question = await _for_asker(db, asker, question_id)
    if question.is_closed:
        raise NotApplicable(question_id)
    return question


async def answer(
    db: Database,
    cipher,
    staff: User,
    question_id: int,
    text: str,
    now: dt.datetime,
    then: Then | None = None,
) -> Question:
    question = await check_staff_reply(db, staff, question_id)
    async with db.transaction():
        await store.add_message(
            db, cipher, question_id, "staff", staff.telegram_id, text, None, now
        )
        await store.set_answered(db, question_id)
        await audit.record(
            db,
            staff.telegram_id,
            "question_answer",
            "question",
            question_id,
            now,
            old_state=question.state,
        )
        return await _then(db, then, question_id)


async def follow_up(
    db: Database,
    cipher,
    asker: User,
    question_id: int,
    text: str,
    now: dt.datetime,
    then: Then | None = None,
) -> Question:
    """The asker writes again on the same ticket: it waits for staff again."""
    await check_asker_reply(db, asker, question_id)
    async with db.transaction():
        await store.add_message(db, cipher, question_id, "asker", None, text, None, now)
        await store.set_waiting(db, question_id, now)
        await audit.record(
            db, asker.telegram_id, "question_follow_up", "question", question_id, now
        )
        return await _then(db, then, question_id)


async def close(
    db: Database, actor: User, question_id: int, now: dt.datetime, then: Then | None = None
) -> Question:
    question = await store.get(db, question_id)
    if question is None:
        raise NotApplicable(question_id)
    by_asker = question.asker_id == actor.telegram_id
    if not by_asker and not can_handle(actor, question):
        raise PermissionDenied(question_id)
    async with db.transaction():
        if not await store.close(db, question_id, actor.telegram_id, now):
            raise NotApplicable(question_id)
        await audit.record(
            db,
            actor.telegram_id,
            "question_close",
            "question",
            question_id,
            now,
            by="asker" if by_asker else "staff",
            old_state=question.state,
        )
        return await _then(db, then, question_id)


async def mark_spam(db: Database, staff: User, question_id: int, now: dt.datetime) -> Question:
    """Close the ticket and stop its asker from opening new ones."""
    question = await _for_staff(db, staff, question_id)
    async with db.transaction():
        await store.close(db, question_id, staff.telegram_id, now)
        await store.block(db, question.asker_id, question_id, staff.telegram_id, now)
        await audit.record(
            db,
            staff.telegram_id,
            "question_spam",
            "question",
            question_id,
            now,
            old_state=question.state,
        )
    return await store.get(db, question_id)  # type: ignore[return-value]


async def unmark_spam(db: Database, staff: User, question_id: int, now: dt.datetime) -> Question:
    question = await _for_staff(db, staff, question_id)
    async with db.transaction():
        if not await store.unblock(db, question.asker_id):
            raise NotApplicable(question_id)
        await audit.record(db, staff.telegram_id, "question_unspam", "question", question_id, now)
    return question


async def last_staff_member(db: Database, question: Question) -> User | None:
    """Who answered last, if they may still handle the ticket (follow-ups go to them)."""
    for message in reversed(await store.messages(db, question.id)):
        if message.author == "staff" and message.staff_id is not None:
            person = await users.get(db, message.staff_id)
            if person is not None and can_handle(person, question):
                return person
            return None
    return None


async def escalate_due(db: Database, now: dt.datetime, then: Then | None = None) -> list[Question]:
    """Tickets waiting for staff longer than ESCALATE_AFTER, each escalated only once (and
    its notices queued with the mark)."""
    escalated = []
    for question in await store.due_for_escalation(db, now - ESCALATE_AFTER):
        async with db.transaction():
            if not await store.mark_escalated(db, question.id, now):
                continue
            await audit.record(
                db,
                None,
                "question_escalate",
                "question",
                question.id,
                now,
                district=question.district,
            )
            if then is not None:
                await then(question)
        escalated.append(question)
    return escalated


# Thanks, greetings, "ok" (folded): never a question, and never a replacement for one.
SMALL_TALK = frozenset(
    {
        "cam on",
        "cam on nhieu",
        "cam on a",
        "cam on chi",
        "cam on anh",
        "thanks",
        "thank you",
        "ok",
        "oke",
        "okie",
        "okay",
        "vang",
        "da",
        "da vang",
        "u",
        "hello",
        "hi",
        "chao",
        "xin chao",
        "chao ban",
        "alo",
        "uh",
        "um",
        "dc",
        "duoc",
        "duoc roi",
        "ok a",
        "vang a",
        "da a",
    }
)


def is_small_talk(text: str | None) -> bool:
    key = " ".join(re.sub(r"[^\w\s]", " ", fold(text or "")).split())
    return key in SMALL_TALK or not key
