"""Dates and times typed the Vietnamese way, always read in the bot's time zone.

    "1/6"                → 1 June (this year, or next year once it has passed)
    "01/06/2021 8:00"    → 1 June 2021, 08:00
    "8h30 1/6"           → 1 June, 08:30 (time and date in either order)
    "8 giờ 30", "8g30"   → 08:30 (a time alone: today, or the start's day for an end)
    "2 giờ chiều"        → 14:00 ("sáng", "trưa", "chiều", "tối" as people say them,
    "sáng mai 8h"        →          before or after the time)
    "thứ 7 này", "chủ nhật tuần sau", "ngày mai", "hôm nay"

Parsing is strict: anything left over that is not a filler word ("lúc", "ngày", "vào") makes
the input unreadable rather than guessed. Errors carry a code; the handler turns it into a
polite Vietnamese sentence (bot.events.texts.date_error).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.text import fold

# How far ahead a typed date may be: further is almost always a typo (2201 for 2021).
MAX_YEARS_AHEAD = 3
# A day and month this recently past are a mistake, not next year's (see _next_day_month).
RECENTLY_PAST = dt.timedelta(days=60)


class DateError(ValueError):
    """Unusable input. `code` is one of: empty, unreadable, bad_date, bad_time, no_date,
    no_time, past, too_far, end_before_start."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Moment:
    """What the text said: a day and/or a time of day, both optional (never both missing)."""

    date: dt.date | None
    time: dt.time | None


_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DMY = re.compile(
    r"(?<![\d:])(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}|\d{2}))?(?![\d:])"
)
_WORDY_DATE = re.compile(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?\b")
_TIME = re.compile(
    r"(?<![\d/.\-])(\d{1,2})\s*(?::|h|g\b|g(?=\d)|gio\b)\s*(ruoi\b|\d{1,2})?\s*(?:phut\b|p\b)?"
    r"(?:\s*(sang|trua|chieu|toi|dem)\b)?"
)
_WEEKDAY = re.compile(
    r"\b(?:thu\s*(2|3|4|5|6|7|hai|ba|tu|nam|sau|bay)|chu\s*nhat|cn)\b"
    r"(?:\s*(nay|tuan\s*(?:sau|toi|nay)))?"
)
_PERIOD = re.compile(r"\b(sang|trua|chieu|toi|dem)\b")
_RELATIVE_DAY = re.compile(
    r"\b(hom\s*nay|hom\s*qua|hom\s*kia|ngay\s*mai|mai|ngay\s*kia|ngay\s*mot)\b"
)
_FILLER = re.compile(r"\b(?:luc|vao|ngay|tu|den|nay|bat\s*dau|tai)\b|[\s,;.\-–:()]+")

_WEEKDAY_NUMBER = {
    "2": 0,
    "hai": 0,
    "3": 1,
    "ba": 1,
    "4": 2,
    "tu": 2,
    "5": 3,
    "nam": 3,
    "6": 4,
    "sau": 4,
    "7": 5,
    "bay": 5,
}
_RELATIVE_OFFSET = {
    "hom nay": 0,
    "homnay": 0,
    "hom qua": -1,  # a time that passed (when measures were taken); a start refuses it
    "homqua": -1,
    "hom kia": -2,
    "homkia": -2,
    "ngay mai": 1,
    "ngaymai": 1,
    "mai": 1,
    "ngay kia": 2,
    "ngaykia": 2,
    "ngay mot": 2,
    "ngaymot": 2,
}


def parse(text: str, today: dt.date, same_year: bool = False, yearly: bool = False) -> Moment:
    """Read a day and/or a time. A day without a year is the next one on or after `today`
    (or, with `same_year`, the one in `today`'s year: an end is in its start's year). Typed
    by a person, one a few weeks past is refused as past; `yearly` (the programme's calendar
    file: '1/6' every year) takes the next one whatever."""
    folded = fold(text or "")
    if not folded:
        raise DateError("empty")
    day, folded = _take_date(folded, today, same_year, yearly)
    clock, folded = _take_time(folded)
    if _FILLER.sub("", folded):
        raise DateError("unreadable")
    if day is None and clock is None:
        raise DateError("unreadable")
    if day is not None and day.year > today.year + MAX_YEARS_AHEAD:
        raise DateError("too_far")
    return Moment(day, clock)


def _take_date(
    text: str, today: dt.date, same_year: bool, yearly: bool = False
) -> tuple[dt.date | None, str]:
    for pattern, order in ((_ISO_DATE, "ymd"), (_WORDY_DATE, "dmy"), (_DMY, "dmy")):
        match = pattern.search(text)
        if match is None:
            continue
        parts = match.groups()
        year: int | None
        if order == "ymd":
            year, month, day = (int(parts[0]), int(parts[1]), int(parts[2]))
        else:
            day, month = int(parts[0]), int(parts[1])
            year = _year(parts[2])
        rest = _cut(text, match)
        if year is None and same_year:
            year = today.year
        if year is None:
            return _next_day_month(day, month, today, yearly), rest
        try:
            return dt.date(year, month, day), rest
        except ValueError:
            raise DateError("bad_date") from None
    match = _WEEKDAY.search(text)
    if match is not None:
        weekday = 6 if match.group(1) is None else _WEEKDAY_NUMBER[match.group(1)]
        next_week = (
            bool(match.group(2))
            and match.group(2).startswith("tuan")
            and not match.group(2).endswith("nay")
        )
        return _weekday(today, weekday, next_week), _cut(text, match)
    match = _RELATIVE_DAY.search(text)
    if match is not None:
        key = " ".join(match.group(1).split())
        return today + dt.timedelta(days=_RELATIVE_OFFSET[key]), _cut(text, match)
    return None, text


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    year = int(raw)
    return 2000 + year if len(raw) == 2 else year


def _next_day_month(day: int, month: int, today: dt.date, yearly: bool = False) -> dt.date:
    """'1/6' is this year's 1 June, or next year's once this year's is long past; a day a
    few weeks ago ('5/12' typed on 9 December) is a mistake, refused as past, never the same
    day next year."""
    if not yearly:  # '20/12' typed on 10 January: last December's, a mistake
        try:
            last_year = dt.date(today.year - 1, month, day)
        except ValueError:
            last_year = None
        if last_year is not None and today - last_year <= RECENTLY_PAST:
            raise DateError("past")
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            if month == 2 and day == 29:
                continue  # 29/2 exists only in leap years: look for the next one
            raise DateError("bad_date") from None
        if candidate >= today:
            return candidate
        if not yearly and today - candidate <= RECENTLY_PAST:
            raise DateError("past")
    raise DateError("bad_date")


def _weekday(today: dt.date, weekday: int, next_week: bool) -> dt.date:
    """'thứ 7 này' is the coming Saturday (today counts); 'tuần sau' is next week's."""
    if next_week:
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
        return monday + dt.timedelta(days=weekday)
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def _take_time(text: str) -> tuple[dt.time | None, str]:
    match = _TIME.search(text)
    if match is None:
        return None, text
    hour = int(match.group(1))
    minute_text = match.group(2)
    minute = 30 if minute_text == "ruoi" else int(minute_text or 0)
    period = match.group(3)
    rest = _cut(text, match)
    if period is None:
        # "sáng mai 8h", "chiều thứ 7 2 giờ": the part of the day may come first.
        said = _PERIOD.search(rest)
        if said is not None:
            period, rest = said.group(1), _cut(rest, said)
    if period in ("chieu", "toi") and 1 <= hour <= 11 or period == "trua" and 1 <= hour <= 4:
        hour += 12
    elif period == "dem" and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise DateError("bad_time")
    return dt.time(hour, minute), rest


def _cut(text: str, match: re.Match) -> str:
    return f"{text[: match.start()]} {text[match.end() :]}"


# -- from what was typed to an instant --------------------------------------------------------
def names_a_weekday(text: str) -> bool:
    """ "thứ 2", "chủ nhật": a day of the week (the next one, unless told otherwise)."""
    return _WEEKDAY.search(fold(text or "")) is not None


def local_today(now: dt.datetime, timezone: ZoneInfo) -> dt.date:
    return now.astimezone(timezone).date()


def combine(day: dt.date, clock: dt.time, timezone: ZoneInfo) -> dt.datetime:
    """A local day and time in the bot's zone, as an aware UTC instant."""
    return dt.datetime.combine(day, clock, tzinfo=timezone).astimezone(dt.UTC)


def parse_start(text: str, now: dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    """The start of an event: needs a time; a time alone means today; never in the past."""
    moment = parse(text, local_today(now, timezone))
    if moment.time is None:
        raise DateError("no_time")
    start = combine(moment.date or local_today(now, timezone), moment.time, timezone)
    if start <= now:
        raise DateError("past")
    return start


def parse_end(text: str, start: dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    """The end of an event: a time alone is on the start's day; must be after the start."""
    start_day = start.astimezone(timezone).date()
    moment = parse(text, start_day, same_year=True)
    if moment.time is None:
        raise DateError("no_time")
    end = combine(moment.date or start_day, moment.time, timezone)
    if end <= start:
        raise DateError("end_before_start")
    return end
