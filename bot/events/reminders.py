"""When reminders are due: offsets before the start, quiet hours, the June 1 countdown.

Plain functions over an Event and the clock; storage.reminders keeps the result as rows.

- Default reminders are 7 days, 1 day and 2 hours before the start (per event, minutes).
- Nobody is woken up: a reminder due between 21:00 and 07:00 local time moves to 07:00.
  If 07:00 would be at or after the start (an event at night or at dawn), it moves back to
  the last evening before the start instead (EVENING_FALLBACK, 20:00).
- Reminders already in the past when an event is planned are not created (they were never
  due); reminders missed while the bot was down are handled by the dispatcher.
- The countdown (for the Action Month) is sent at COUNTDOWN_TIME, N days before the start.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from storage.models import Event, Planned

QUIET_FROM = dt.time(21, 0)
QUIET_UNTIL = dt.time(7, 0)
EVENING_FALLBACK = dt.time(20, 0)
COUNTDOWN_TIME = dt.time(8, 0)


def out_of_quiet_hours(moment: dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    """The same instant, or 07:00 local when it falls between 21:00 and 07:00."""
    local = moment.astimezone(timezone)
    if local.time() >= QUIET_FROM:
        day = local.date() + dt.timedelta(days=1)
    elif local.time() < QUIET_UNTIL:
        day = local.date()
    else:
        return moment.astimezone(dt.UTC)
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=timezone).astimezone(dt.UTC)


def reminder_time(start: dt.datetime, offset_minutes: int, timezone: ZoneInfo) -> dt.datetime:
    due = out_of_quiet_hours(start - dt.timedelta(minutes=offset_minutes), timezone)
    if due >= start:
        # 07:00 is too late for an event at night or at dawn: the last evening before it is.
        day = start.astimezone(timezone).date()
        due = dt.datetime.combine(day, EVENING_FALLBACK, tzinfo=timezone).astimezone(dt.UTC)
        if due >= start:
            due -= dt.timedelta(days=1)
    return due


def countdown_time(start: dt.datetime, days: int, timezone: ZoneInfo) -> dt.datetime:
    day = start.astimezone(timezone).date() - dt.timedelta(days=days)
    return dt.datetime.combine(day, COUNTDOWN_TIME, tzinfo=timezone).astimezone(dt.UTC)


def plan(event: Event, now: dt.datetime, timezone: ZoneInfo) -> list[Planned]:
    """Every reminder of the event still to come, earliest first, one per due time."""
    if not event.is_active or event.has_started(now):
        return []
    planned: list[Planned] = []
    seen: set[tuple[str, dt.datetime]] = set()
    # Smallest offsets first, so when two collapse onto one time the closer one is kept.
    for offset in sorted(event.reminder_offsets):
        due = reminder_time(event.starts_at, offset, timezone)
        if due > now and ("before", due) not in seen:
            seen.add(("before", due))
            planned.append(Planned("before", offset, due))
    for days in sorted(event.countdown_days):
        due = countdown_time(event.starts_at, days, timezone)
        if now < due < event.starts_at and ("countdown", due) not in seen:
            seen.add(("countdown", due))
            planned.append(Planned("countdown", days * 24 * 60, due))
    return sorted(planned, key=lambda item: (item.due_at, item.kind))
