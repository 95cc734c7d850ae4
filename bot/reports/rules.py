"""The configurable limits and legal clocks of reports and cases (content/case_rules.json)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from bot.content import load_json


@dataclass(frozen=True)
class CaseRules:
    emergency_hours: float
    support_plan_working_days: int
    working_day_ends: dt.time
    reminder_lead: dict[str, dt.timedelta]
    reports_per_hour: int
    description_max_chars: int
    text_max_chars: int
    place_detail_max_chars: int
    max_photos: int
    max_children: int
    delete_window: dt.timedelta
    cases_page_size: int
    reopen_days: int
    emergency_note_max_chars: int

    @classmethod
    def from_dict(cls, data: dict) -> CaseRules:
        return cls(
            emergency_hours=float(data["emergency_hours"]),
            support_plan_working_days=int(data["support_plan_working_days"]),
            working_day_ends=dt.time.fromisoformat(data["working_day_ends"]),
            reminder_lead={
                kind: dt.timedelta(hours=float(hours))
                for kind, hours in data["reminder_lead_hours"].items()
            },
            reports_per_hour=int(data["reports_per_hour"]),
            description_max_chars=int(data["description_max_chars"]),
            text_max_chars=int(data["text_max_chars"]),
            place_detail_max_chars=int(data["place_detail_max_chars"]),
            max_photos=int(data["max_photos"]),
            max_children=int(data["max_children"]),
            delete_window=dt.timedelta(hours=float(data["delete_window_hours"])),
            cases_page_size=int(data["cases_page_size"]),
            reopen_days=int(data["reopen_days"]),
            emergency_note_max_chars=int(data["emergency_note_max_chars"]),
        )


@lru_cache(maxsize=1)
def case_rules() -> CaseRules:
    return CaseRules.from_dict(load_json("case_rules.json"))


@dataclass(frozen=True)
class Situation:
    code: str
    letter: str | None
    names: dict[str, str]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["vi"]

    def label(self, language: str) -> str:
        """'l) Bị xâm hại tình dục' for the groups of Article 10, the bare name otherwise."""
        return f"{self.letter}) {self.name(language)}" if self.letter else self.name(language)


@lru_cache(maxsize=1)
def situations() -> tuple[Situation, ...]:
    return tuple(
        Situation(entry["code"], entry.get("letter"), entry["name"])
        for entry in load_json("situations.json")["situations"]
    )


def situation(code: str) -> Situation | None:
    return next((s for s in situations() if s.code == code), None)
