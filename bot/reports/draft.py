"""The report being written: its answers, where the reporter is, and how to move between steps.

A draft is saved (encrypted) after every step, so leaving the chat or a restart loses nothing.
The step lives in the draft, not in python-telegram-bot's state: a resumed draft continues
exactly where it stopped.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

# The order of the steps of Mẫu số 01 as the bot asks them.
STEPS: tuple[str, ...] = (
    "safety",  # is the child in danger right now?
    "ward",  # today's ward/commune: a button, a typed (old) name or a shared location
    "place",  # khu phố / ấp, landmark (optional)
    "location",  # Telegram location (optional)
    "name",  # first name or initials (optional)
    "age",
    "sex",
    "count",  # how many children (siblings)
    "situation",  # groups of Article 10, at risk, other
    "description",  # what happened and the condition now
    "photos",  # optional, Telegram file ids only
    "caregiver",  # who cares for the child now
    "actions",  # actions already taken
    "contact",  # name and phone only with consent
    "review",
)

# "Edit a section" from the review: the steps of each section, then back to the review.
SECTIONS: dict[str, tuple[str, ...]] = {
    "urgency": ("safety",),
    "place": ("ward", "place", "location"),
    "child": ("name", "age", "sex", "count"),
    "situation": ("situation",),
    "story": ("description", "photos", "caregiver", "actions"),
    "contact": ("contact",),
}

SEXES = ("male", "female", "unknown")


@dataclass
class Draft:
    step: str = "safety"
    edit_section: str | None = None
    urgent: bool | None = None
    ward: str | None = None  # official unit code; "" = elsewhere or not known
    reported_place: str | None = None  # the old unit typed, when it led here
    place_detail: str | None = None
    location: tuple[float, float] | None = None
    # Words typed at the location step instead of a map location (added to place_detail).
    landmark: str | None = None
    child_name: str | None = None
    age_asked: bool = False
    age: int | None = None
    age_estimated: bool = False
    sex: str | None = None
    children: int = 1
    situations: list[str] = field(default_factory=list)
    description: str | None = None
    photos: list[str] = field(default_factory=list)
    caregiver: str | None = None
    actions: str | None = None
    contact_consent: bool | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    # Messages in the reporter's chat that carry details, for "Delete my messages".
    message_ids: list[int] = field(default_factory=list)
    # The latest question with inline buttons, closed once it is answered by typing.
    prompt_id: int | None = None
    # False from the moment the draft moved to `step` until its question was sent: a typed
    # answer arriving then (after a crash in between) is not for this step, so the question
    # is asked again instead of filing the answer under it.
    shown: bool = True
    # Staff were alerted at once that the child is in danger now (🚨 / 🆘), before sending.
    emergency_alerted: bool = False
    # The furthest step asked so far: the steps before it have been answered (or skipped).
    furthest: str = "safety"

    def to_json(self) -> str:
        # Shallow on purpose: every field is a plain value, a list or a tuple of plain values.
        return json.dumps({f.name: getattr(self, f.name) for f in _FIELDS}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Draft:
        data = json.loads(text)
        known = {f.name for f in _FIELDS}
        draft = cls(**{key: value for key, value in data.items() if key in known})
        if draft.location is not None:
            draft.location = (float(draft.location[0]), float(draft.location[1]))
        if data.get("step") == "district":  # drafts saved before today's map
            draft.step = "ward"
        if draft.step not in STEPS:
            draft.step = "review" if draft.is_complete() else "safety"
        return draft

    def remember_message(self, message_id: int | None) -> None:
        if message_id is not None and message_id not in self.message_ids:
            self.message_ids.append(message_id)

    # -- navigation ---------------------------------------------------------------------------
    def advance(self, done: str) -> str:
        """The step after `done`: the next one, or the review when a section edit is over."""
        if self.edit_section and done == SECTIONS[self.edit_section][-1]:
            self.edit_section = None
            return "review"
        index = STEPS.index(done)
        following = STEPS[min(index + 1, len(STEPS) - 1)]
        if following == "location" and self.location is not None and not self.edit_section:
            return self.advance("location")  # already shared at the ward step
        return following

    def visit(self, step: str) -> bool:
        """Note that `step` is being asked; True when it was answered before (the person went
        back to it, or on again after going back, or edits a section from the summary)."""
        furthest = STEPS.index(self.furthest) if self.furthest in STEPS else 0
        if STEPS.index(step) > furthest:
            self.furthest = step
        return STEPS.index(step) < furthest

    def back(self, current: str) -> str:
        """The step before `current`; from the first step of an edited section, the review."""
        if self.edit_section and current == SECTIONS[self.edit_section][0]:
            self.edit_section = None
            return "review"
        index = STEPS.index(current)
        return STEPS[max(index - 1, 0)]

    def start_edit(self, section: str) -> str:
        if section not in SECTIONS:
            raise ValueError(section)
        self.edit_section = section
        return SECTIONS[section][0]

    # -- completeness -------------------------------------------------------------------------
    def missing(self) -> list[str]:
        """Required answers not given yet (the steps to revisit), in step order."""
        required = {
            "safety": self.urgent is not None,
            "ward": self.ward is not None,
            "age": self.age_asked,
            "sex": self.sex is not None,
            "situation": bool(self.situations),
            "description": bool(self.description),
            "contact": self.contact_consent is not None,
        }
        return [step for step in STEPS if required.get(step) is False]

    def is_complete(self) -> bool:
        return not self.missing()


_FIELDS = dataclasses.fields(Draft)
