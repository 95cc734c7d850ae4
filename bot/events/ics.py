"""iCalendar (RFC 5545) files of events, for the phone's calendar.

- CRLF line endings; lines folded at 75 octets without splitting a UTF-8 character (3.1).
- TEXT values escape backslash, semicolon, comma and newlines (3.3.11).
- Timed events in UTC (`DTSTART:20210601T013000Z`): every calendar app shows them in the
  phone's own zone; all-day events as dates (`DTSTART;VALUE=DATE`, DTEND exclusive).
- UID is stable per event and SEQUENCE grows with every change, so downloading the file
  again after a change replaces the entry instead of adding a second one; a cancelled event
  is sent with STATUS:CANCELLED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from bot.events.model import Event

PRODID = "-//Hoi Bao tro tre em TP.HCM//bvte-bot//VI"
UID_DOMAIN = "bvte-bot.invalid"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Split a content line into ≤75-octet pieces joined by CRLF + space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line
    pieces, current, size = [], [], 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # continuation lines start with a space
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, timezone: ZoneInfo, now: dt.datetime, description: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@{UID_DOMAIN}",
        f"DTSTAMP:{_utc(now)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.title)}",
    ]
    if event.all_day:
        first = event.starts_at.astimezone(timezone).date()
        end = event.ends_at.astimezone(timezone)
        # DTEND of an all-day event is the day after the last one (exclusive).
        last_exclusive = end.date() if end.time() == dt.time(0) else end.date() + dt.timedelta(1)
        lines.append(f"DTSTART;VALUE=DATE:{first:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{last_exclusive:%Y%m%d}")
    else:
        lines.append(f"DTSTART:{_utc(event.starts_at)}")
        lines.append(f"DTEND:{_utc(event.ends_at)}")
    if event.place:
        lines.append(f"LOCATION:{escape_text(event.place)}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append(f"STATUS:{'CONFIRMED' if event.is_active else 'CANCELLED'}")
    lines.append("TRANSP:OPAQUE" if not event.all_day else "TRANSP:TRANSPARENT")
    lines.append("END:VEVENT")
    return lines


def calendar(
    events: Iterable[Event], timezone: ZoneInfo, now: dt.datetime, name: str | None = None,
    descriptions: dict[int, str] | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per event, as UTF-8 bytes with CRLF line endings."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    lines.append(f"X-WR-TIMEZONE:{timezone.key}")
    for event in events:
        description = (descriptions or {}).get(event.id, event.description)
        lines.extend(_event_lines(event, timezone, now, description))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def file_name(event: Event) -> str:
    return f"su-kien-{event.id}.ics"
