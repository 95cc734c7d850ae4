"""iCalendar (RFC 5545) files of events, for the phone's calendar, built with `icalendar`
(which folds lines, escapes TEXT values and writes CRLF as the RFC asks).

- Timed events in UTC (`DTSTART:20210601T013000Z`): every calendar app shows them in the
  phone's own zone; all-day events as dates (`DTSTART;VALUE=DATE`, DTEND exclusive).
- UID is stable per event and SEQUENCE grows with every change, so downloading the file
  again after a change replaces the entry instead of adding a second one; a cancelled event
  is sent with STATUS:CANCELLED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from storage.models import Event

if TYPE_CHECKING:  # icalendar is ~80 modules: loaded with the first calendar file, not at start
    import icalendar

PRODID = "-//Hoi Bao tro tre em TP.HCM//bvte-bot//VI"
UID_DOMAIN = "bvte-bot.invalid"


def _vevent(
    event: Event, timezone: ZoneInfo, now: dt.datetime, description: str
) -> icalendar.Event:
    import icalendar

    item = icalendar.Event()
    item.add("uid", f"event-{event.id}@{UID_DOMAIN}")
    item.add("dtstamp", now.astimezone(dt.UTC))
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    if event.all_day:
        first = event.starts_at.astimezone(timezone).date()
        end = event.ends_at.astimezone(timezone)
        # DTEND of an all-day event is the day after the last one (exclusive).
        last_exclusive = end.date() if end.time() == dt.time(0) else end.date() + dt.timedelta(1)
        item.add("dtstart", first)
        item.add("dtend", last_exclusive)
    else:
        item.add("dtstart", event.starts_at.astimezone(dt.UTC))
        item.add("dtend", event.ends_at.astimezone(dt.UTC))
    if event.place:
        item.add("location", event.place)
    if description:
        item.add("description", description)
    item.add("status", "CONFIRMED" if event.is_active else "CANCELLED")
    item.add("transp", "TRANSPARENT" if event.all_day else "OPAQUE")
    return item


def calendar(
    events: Iterable[Event],
    timezone: ZoneInfo,
    now: dt.datetime,
    name: str | None = None,
    descriptions: dict[int, str] | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per event, as UTF-8 bytes with CRLF line endings."""
    import icalendar

    document = icalendar.Calendar()
    document.add("version", "2.0")
    document.add("prodid", PRODID)
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    if name:
        document.add("x-wr-calname", name)
    document.add("x-wr-timezone", timezone.key)
    for event in events:
        description = (descriptions or {}).get(event.id, event.description)
        document.add_component(_vevent(event, timezone, now, description))
    return document.to_ical()


def file_name(event: Event) -> str:
    return f"su-kien-{event.id}.ics"
