"""One step of the report as data (its prompt, keyboard, readers, hint, errors) and the small
builders the table of steps (steps.py) is written with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot import keyboards
from bot.areas import Areas
from bot.i18n import Translator
from bot.reports.buttons import Pick
from bot.reports.draft import Draft
from bot.reports.intake import (
    InvalidAnswer,
    clean_text,
)
from bot.reports.rules import CaseRules
from handlers.report.ui import (
    SKIP,
    nav_row,
)
from storage.users import User

if TYPE_CHECKING:
    from handlers.report.engine import Flow

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@dataclass(frozen=True)
class Asking:
    """What a prompt or keyboard may look at."""

    translate: Translator
    draft: Draft
    rules: CaseRules
    areas: Areas
    person: User


@dataclass(frozen=True)
class LabelAnswer:
    """A reply-keyboard label (or the same word typed) that answers the step: its effect on
    the draft and the short acknowledgement that brings the menu back."""

    label: str
    apply: Callable[[Draft], None]
    ack: Callable[[Translator], str]
    # Whether the label is offered for the draft as it is (Keep: once answered).
    when: Callable[[Draft], bool] = lambda draft: True


@dataclass(frozen=True)
class Step:
    name: str
    prompt: Callable[[Translator, Asking], str]
    keyboard: Callable[[Asking], Markup]
    hint: Callable[[Translator, CaseRules], str]
    # Typed text: store it in the draft or raise InvalidAnswer. None: the step waits for a tap.
    read_text: Callable[[Draft, str, CaseRules], None] | None = None
    error: Callable[[InvalidAnswer, Translator, CaseRules], str] | None = None
    # A note after a typed answer was taken (a 16-year-old is a minor, not a child).
    note: Callable[[Draft, Translator], str | None] | None = None
    # A tapped Pick(step, value): store it and say True; False for a value not offered.
    read_pick: Callable[[Asking, Draft, str], bool] | None = None
    # Typed text is read as danger first (short free text where a story does not belong:
    # "nó đang đánh con bé" typed as a landmark is the emergency path, not a place).
    danger_first: bool = False
    # Typed words that mean one of the step's buttons ("bé trai" → male): its value or None.
    typed_pick: Callable[[str], str | None] | None = None
    # Typed text at a step that waits for a tap ("có" at the first question, a ward's name):
    # the state to stay in, or None when it is not an answer. Its last argument: danger words.
    read_typed: Callable[[Flow, Draft, str, bool], Awaitable[int | None]] | None = None
    # What follows an accepted answer; by default the next step.
    answered: Callable[[Flow, Draft], Awaitable[int]] | None = None
    # Labels that answer the step when typed or tapped on a reply keyboard (Skip only where
    # the button says Skip: at the caregiver and actions steps "bỏ qua" can be a real answer).
    labels: tuple[LabelAnswer, ...] = ()
    # Toggle(step, value) and Done(step): a multiple choice (situations).
    toggle: Callable[[Draft, str], bool] | None = None
    unfinished: Callable[[Draft, Translator], str | None] | None = None
    # Messages other than text the step takes: "location", "photo", "contact".
    media: frozenset[str] = field(default_factory=frozenset)
    # A photo at a text step, answered with this instead of the hint.
    photo_refusal: Callable[[Translator], str] | None = None
    # A step with its own way of being asked (the review).
    ask: Callable[[Flow, Draft], Awaitable[None]] | None = None
    # The answer already given, readable (None: skipped; an Html: a whole sentence), shown when the step is visited
    # again (back, a section edit) so it can be kept or changed. None: the step shows its
    # answer itself (the ticked situations, the story written) or has none.
    given: Callable[[Translator, Asking], str | None] | None = None
    # A step that marks its answer itself (the urgency's ✓): whether Pick(step, KEEP), the
    # answer left as it is, is offered for the draft as it is. None: when `given` gives one.
    keeps: Callable[[Asking], bool] | None = None
    # False: the step's own button already goes on with the answer given (the photos' Done),
    # so a revisit adds no "Keep this answer" beside it.
    keep_button: bool = True


def skip_row(a: Asking, step: str) -> list[keyboards.Button]:
    return [(a.translate(SKIP), Pick(step=step, value="skip"))]


def skipped(_: Translator) -> str:
    return _("Skipped.")


def generic_error(error: InvalidAnswer, _: Translator, rules: CaseRules) -> str:
    if error.reason == "too_long":
        return _(
            "That is {length} characters; the limit is {limit}. Please shorten it and "
            "send it again.",
            length=error.details["length"],
            limit=error.details["limit"],
        )
    if error.reason == "too_short":
        return _(
            "Please write a little more: at least {minimum} characters.",
            minimum=error.details["minimum"],
        )
    return _("Please answer the question above.")


def clear(name: str, value: object = None) -> Callable[[Draft], None]:
    return lambda draft: setattr(draft, name, value)


def pick_skip(name: str) -> Callable[[Asking, Draft, str], bool]:
    def read(a: Asking, draft: Draft, value: str) -> bool:
        if value != "skip":
            return False
        setattr(draft, name, None)
        return True

    return read


def read_text_into(name: str, limit: Callable[[CaseRules], int], minimum: int = 1):  # noqa: ANN202
    def read(draft: Draft, text: str, rules: CaseRules) -> None:
        setattr(draft, name, clean_text(text, limit(rules), min_chars=minimum))

    return read


def pick_done(a: Asking, draft: Draft, value: str) -> bool:
    return value == "done"


def inline(*rows: Callable[[Asking], list[keyboards.Button]]) -> Callable[[Asking], Markup]:
    return lambda a: keyboards.inline([row(a) for row in rows])


def nav(step: str) -> Callable[[Asking], list[keyboards.Button]]:
    return lambda a: nav_row(a.translate, step)


def button(label: str, step: str, value: str) -> Callable[[Asking], list[keyboards.Button]]:
    return lambda a: [(a.translate(label), Pick(step=step, value=value))]
