"""The domain's records shared by storage and the features: the one layer that defines them.

Repositories return these; services and handlers use them. Nothing here imports the bot
package (storage stays below it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

REGISTRATION_KINDS = ("club", "training")


@dataclass(frozen=True)
class Event:
    id: int
    title: str
    description: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    place: str
    district: str | None
    ward: str | None
    audience: frozenset[str]
    capacity: int | None
    registration_deadline: dt.datetime | None
    recurrence: str
    reminder_offsets: tuple[int, ...]
    countdown_days: tuple[int, ...]
    status: str
    sequence: int
    import_key: str | None = None
    follows_id: int | None = None
    created_by: int | None = None
    updated_at: dt.datetime | None = field(default=None, compare=False)
    # An example of the seeded yearly calendar, for staff to adapt or cancel.
    example: bool = False

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def is_training(self) -> bool:
        return self.kind == "training"

    @property
    def takes_registrations(self) -> bool:
        """Holidays and campaigns are for knowing; activities and trainings for coming."""
        return self.kind in REGISTRATION_KINDS

    def registration_open(self, now: dt.datetime) -> bool:
        if not self.is_active or not self.takes_registrations or now >= self.starts_at:
            return False
        return self.registration_deadline is None or now < self.registration_deadline

    def has_started(self, now: dt.datetime) -> bool:
        return now >= self.starts_at

    def has_ended(self, now: dt.datetime) -> bool:
        return now >= self.ends_at


@dataclass(frozen=True)
class Planned:
    kind: str  # "before" | "countdown"
    offset_minutes: int
    due_at: dt.datetime  # aware UTC


@dataclass(frozen=True)
class Material:
    id: int
    slug: str | None
    title: str
    title_en: str
    summary: str
    summary_en: str
    topic: str
    audiences: tuple[str, ...]
    language: str
    body: str
    file_kind: str | None
    file_name: str | None
    file_mime: str | None
    file_source: str | None
    file_id: str | None
    file_key: str | None
    hidden: bool
    position: int

    @property
    def has_file(self) -> bool:
        return self.file_kind is not None

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def summary_in(self, language: str) -> str:
        return self.summary_en if language == "en" and self.summary_en else self.summary

    def is_for(self, audience: str | None) -> bool:
        return audience is None or audience in self.audiences


def parse_offsets(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True))


def format_offsets(offsets: tuple[int, ...] | list[int]) -> str:
    return ",".join(str(value) for value in sorted(set(offsets), reverse=True))
