"""Working days and the legal deadlines of a case.

Weekends and the public holidays of content/holidays.json are not working days. Deadlines:
- 'assessment': an urgent case needs its initial assessment within 12 hours of receipt
  (Decree 56, Article 26);
- 'plan': a support plan by the end of the 5th working day after the day of receipt
  (Article 28); the end of a working day is `working_day_ends` (17:00) in HCMC time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.content import load_json
from bot.reports.rules import CaseRules

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=1)
def public_holidays() -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(entry["date"])
                     for entry in load_json("holidays.json")["holidays"])


def is_working_day(day: dt.date, holidays: frozenset[dt.date] | None = None) -> bool:
    holidays = public_holidays() if holidays is None else holidays
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: dt.date, count: int, holidays: frozenset[dt.date] | None = None) -> dt.date:
    """The `count`-th working day after `day` (the day itself never counts)."""
    current = day
    remaining = count
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


@dataclass(frozen=True)
class Deadline:
    kind: str  # 'assessment' | 'plan'
    due_at: dt.datetime  # aware UTC
    remind_at: dt.datetime


def deadlines_for(received_at: dt.datetime, urgent: bool, rules: CaseRules,
                  timezone: ZoneInfo = LOCAL,
                  holidays: frozenset[dt.date] | None = None) -> list[Deadline]:
    """The clocks a new case starts, in UTC."""
    found = []
    if urgent:
        due = received_at + dt.timedelta(hours=rules.urgent_assessment_hours)
        found.append(Deadline("assessment", due, due - rules.reminder_lead["assessment"]))
    local_day = received_at.astimezone(timezone).date()
    last_day = add_working_days(local_day, rules.support_plan_working_days, holidays)
    due = dt.datetime.combine(last_day, rules.working_day_ends, tzinfo=timezone).astimezone(dt.UTC)
    found.append(Deadline("plan", due, due - rules.reminder_lead["plan"]))
    return found
