"""The rules of a question ticket that need no database: limits, who may handle it, what
counts as a question.

A ticket is open (waiting for staff), answered (staff replied; the asker may write back,
which makes it open again) or closed. The asker is anonymous to staff unless they chose to
share a contact.
"""

from __future__ import annotations

import datetime as dt
import re

from bot import scope
from bot.guards import NotApplicable, PermissionDenied
from bot.text import fold, normalize
from storage.questions import Question
from storage.users import User

MAX_OPEN_PER_USER = 5
ESCALATE_AFTER = dt.timedelta(hours=24)
TEXT_MIN, TEXT_MAX = 3, 2000

__all__ = ["Blocked", "NotApplicable", "PermissionDenied", "TooManyOpen"]


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
