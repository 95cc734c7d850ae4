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


def _key(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text or "")).split())


def is_small_talk(text: str | None) -> bool:
    key = _key(text)
    return key in SMALL_TALK or not key or small_talk_kind(text) is not None


_PARTICLES = r"(?:\s+(?:a|nha|nhe|nhen|ne|nhiu|nhieu|lam|ban|bot|ad|admin|shop|nhe))*"
_SMALL_TALK_KINDS = (
    (
        "thanks",
        re.compile(
            rf"^(?:cam on|cam on ban|camon|thanks?|thank you|tks|thx|many thanks){_PARTICLES}$"
        ),
    ),
    ("greeting", re.compile(rf"^(?:xin chao|chao|chao ban|hello|hi|hey|alo|helo){_PARTICLES}$")),
    (
        "ok",
        re.compile(
            rf"^(?:ok|oke|okie|okay|vang|da|da vang|u|uh|um|dc|duoc|duoc roi|khong co gi){_PARTICLES}$"
        ),
    ),
)
# "Nothing, never mind" after an alarm (a young person taking it back): answered warmly.
_TAKING_BACK = re.compile(
    r"^(?:thoi\s+)?(?:(?:e|em|minh|toi|tui|con|chau)\s+)?"
    r"(?:(?:ko|k|khong|hong|hok|hem|kh)\s+(?:co\s+gi|sao|can|sao dau)|dua|dua thoi|gui nham|nham|bo di|"
    r"on|on roi|het roi|never mind|nothing|i m fine|im fine|i am fine)"
    r"(?:\s+(?:dau|het|ca|a|nha|nhe|roi|ma|thoi|u|nua))*$"
)


def small_talk_kind(text: str | None) -> str | None:
    """ "thanks", "greeting" or "ok" for a message that is only that; None otherwise."""
    key = _key(text)
    return next((kind for kind, pattern in _SMALL_TALK_KINDS if pattern.match(key)), None)


def is_taking_back(text: str | None) -> bool:
    """ "thôi ko có gì đâu", "e đùa thôi", "không sao": the writer takes back what they said."""
    return bool(_TAKING_BACK.match(_key(text)))
