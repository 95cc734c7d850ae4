"""Questions from parents to staff (tickets): the rules (`rules`), the service that changes
tickets (`service`), what the other side receives (`notices`) and the buttons (`buttons`).

The names below are the rules most callers need."""

from bot.questions.rules import (
    ESCALATE_AFTER,
    MAX_OPEN_PER_USER,
    TEXT_MAX,
    TEXT_MIN,
    Blocked,
    NotApplicable,
    PermissionDenied,
    TooManyOpen,
    can_handle,
    clean_text,
    code,
    is_small_talk,
)

__all__ = [
    "ESCALATE_AFTER",
    "MAX_OPEN_PER_USER",
    "TEXT_MAX",
    "TEXT_MIN",
    "Blocked",
    "NotApplicable",
    "PermissionDenied",
    "TooManyOpen",
    "can_handle",
    "clean_text",
    "code",
    "is_small_talk",
]
