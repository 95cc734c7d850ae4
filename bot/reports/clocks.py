"""Working days and the legal clocks of a case (Decree 56, "What the Decree's clocks mean").

Working days: Monday to Friday, minus the days off the government decides each year, plus the
Saturdays worked to pay back a swapped day off (content/holidays.json, and days staff add with
/holidays, which take precedence). The clocks:
- 'emergency': emergency intervention within 12 hours (Điều 26.3). It starts on receipt when
  the reporter says the child is in danger now, or when staff find a high risk at the initial
  assessment; it is met by "emergency measures applied" (what, when) or "not needed" (why);
- 'plan': the support plan approved by the end of the 5th working day after the day of
  receipt (Điều 28); the end of a working day is `working_day_ends` (17:00) in HCMC time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.content import load_json
from bot.reports.rules import CaseRules

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    kind: str  # 'off' | 'work'
    name: str
    provisional: bool = False


@dataclass(frozen=True)
class WorkCalendar:
    """Days off on weekdays and working weekend days; everything else follows the week."""

    days: dict[dt.date, CalendarDay] = field(default_factory=dict)
    proposed: tuple[CalendarDay, ...] = ()

    def with_days(self, extra: list[CalendarDay]) -> WorkCalendar:
        merged = dict(self.days)
        merged.update({entry.day: entry for entry in extra})
        return WorkCalendar(merged, self.proposed)

    def is_working_day(self, day: dt.date) -> bool:
        entry = self.days.get(day)
        if entry is not None:
            return entry.kind == "work"
        return day.weekday() < 5

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (the day itself never counts)."""
        current, remaining = day, count
        while remaining > 0:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def year(self, year: int) -> list[CalendarDay]:
        return sorted((e for e in self.days.values() if e.day.year == year), key=lambda e: e.day)

    def years(self) -> list[int]:
        return sorted({day.year for day in self.days})

    @property
    def days_off(self) -> frozenset[dt.date]:
        return frozenset(day for day, entry in self.days.items() if entry.kind == "off")


def _entry(raw: dict) -> CalendarDay:
    return CalendarDay(
        dt.date.fromisoformat(raw["date"]),
        raw.get("kind", "off"),
        raw["name"],
        bool(raw.get("provisional")),
    )


@lru_cache(maxsize=1)
def shipped_calendar() -> WorkCalendar:
    data = load_json("holidays.json")
    days = {entry.day: entry for entry in map(_entry, data["holidays"])}
    return WorkCalendar(days, tuple(_entry(raw) for raw in data.get("proposed", ())))


def public_holidays() -> frozenset[dt.date]:
    return shipped_calendar().days_off


def is_working_day(day: dt.date, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or shipped_calendar()).is_working_day(day)


def add_working_days(day: dt.date, count: int, calendar: WorkCalendar | None = None) -> dt.date:
    return (calendar or shipped_calendar()).add_working_days(day, count)


@dataclass(frozen=True)
class Deadline:
    kind: str  # 'emergency' | 'plan'
    due_at: dt.datetime  # aware UTC
    remind_at: dt.datetime
    started_by: str = "receipt"  # 'reporter' | 'assessment' | 'receipt'


def emergency_deadline(start: dt.datetime, rules: CaseRules, started_by: str) -> Deadline:
    due = start + dt.timedelta(hours=rules.emergency_hours)
    return Deadline("emergency", due, due - rules.reminder_lead["emergency"], started_by)


def plan_deadline(
    received_at: dt.datetime,
    rules: CaseRules,
    timezone: ZoneInfo = LOCAL,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    local_day = received_at.astimezone(timezone).date()
    last_day = add_working_days(local_day, rules.support_plan_working_days, calendar)
    due = dt.datetime.combine(last_day, rules.working_day_ends, tzinfo=timezone).astimezone(dt.UTC)
    return Deadline("plan", due, due - rules.reminder_lead["plan"])


def deadlines_for(
    received_at: dt.datetime,
    urgent: bool,
    rules: CaseRules,
    timezone: ZoneInfo = LOCAL,
    calendar: WorkCalendar | None = None,
) -> list[Deadline]:
    """The clocks a new case starts, in UTC."""
    found = []
    if urgent:
        found.append(emergency_deadline(received_at, rules, "reporter"))
    found.append(plan_deadline(received_at, rules, timezone, calendar))
    return found
