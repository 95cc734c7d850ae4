"""The period a statistic covers, read from what staff type after /stats or /export.

Understood, in Vietnamese or English, with or without diacritics ("thang nay" = "tháng này"):
- nothing, "this month" / "tháng này", "last month" / "tháng trước"
- "this quarter" / "quý này", "last quarter" / "quý trước", "this year" / "năm nay"
- "this week" / "tuần này", "last week" / "tuần trước" (Monday to Sunday), "today" / "hôm nay",
  "yesterday" / "hôm qua"
- a month: "tháng 5/2021", "5/2021", "05-2021", "tháng 5 2021"
- a quarter: "Q1 2021", "quý 1 2021", "quý I/2021", "2021 Q1"
- a year: "2021", "năm 2021"
- a date range: "01/04/2021-30/06/2021" (also "đến", "to", "–"), or one day "01/04/2021"

Periods are whole local days in the bot's time zone (BOT_TIMEZONE); `bounds` turns them into
the UTC instants the database stores. A compact `token` carries a period inside callback data
and file names.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.text import fold

# A review never needs more than a few years at once; this keeps a typo ("01/01/2201")
# from asking the database for two centuries.
MAX_DAYS = 366 * 5 + 1
EARLIEST_YEAR = 2000


class PeriodError(ValueError):
    """Input that is not a period we understand (or an impossible one)."""


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive
    kind: str  # month | quarter | year | range

    def bounds(self, timezone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware UTC datetimes: local midnight of the first day to local
        midnight after the last day."""
        start = dt.datetime.combine(self.start, dt.time(), timezone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), timezone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def months(self) -> list[tuple[int, int]]:
        """Every (year, month) the period touches, in order (the chart's x axis)."""
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def token(self) -> str:
        """'m202105', 'q20211', 'y2021' or 'r20210401-20210630' (ASCII, short)."""
        if self.kind == "month":
            return f"m{self.start:%Y%m}"
        if self.kind == "quarter":
            return f"q{self.start.year}{self.quarter}"
        if self.kind == "year":
            return f"y{self.start.year}"
        return f"r{self.start:%Y%m%d}-{self.end:%Y%m%d}"


# -- building periods ------------------------------------------------------------------------
def month(year: int, number: int) -> Period:
    _check_year(year)
    if not 1 <= number <= 12:
        raise PeriodError("month")
    start = dt.date(year, number, 1)
    return Period(start, _next_month(start) - dt.timedelta(days=1), "month")


def quarter(year: int, number: int) -> Period:
    _check_year(year)
    if not 1 <= number <= 4:
        raise PeriodError("quarter")
    start = dt.date(year, 3 * number - 2, 1)
    end = _next_month(_next_month(_next_month(start))) - dt.timedelta(days=1)
    return Period(start, end, "quarter")


def year(number: int) -> Period:
    _check_year(number)
    return Period(dt.date(number, 1, 1), dt.date(number, 12, 31), "year")


def date_range(start: dt.date, end: dt.date) -> Period:
    _check_year(start.year)
    _check_year(end.year)
    if end < start:
        raise PeriodError("order")
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError("too_long")
    return Period(start, end, "range")


def this_month(today: dt.date) -> Period:
    return month(today.year, today.month)


def last_month(today: dt.date) -> Period:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return month(first.year, first.month)


def this_quarter(today: dt.date) -> Period:
    return quarter(today.year, (today.month - 1) // 3 + 1)


def last_quarter(today: dt.date) -> Period:
    current = (today.month - 1) // 3 + 1
    return quarter(today.year - 1, 4) if current == 1 else quarter(today.year, current - 1)


def this_week(today: dt.date) -> Period:
    """Monday to Sunday, the Vietnamese working week."""
    monday = today - dt.timedelta(days=today.weekday())
    return date_range(monday, monday + dt.timedelta(days=6))


def last_week(today: dt.date) -> Period:
    return this_week(today - dt.timedelta(days=7))


def _day(offset: int):
    def period(today: dt.date) -> Period:
        day = today + dt.timedelta(days=offset)
        return date_range(day, day)

    return period


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)


def _check_year(number: int) -> None:
    if not EARLIEST_YEAR <= number <= 2100:
        raise PeriodError("year")


# -- parsing ---------------------------------------------------------------------------------
_RELATIVE = {
    "this month": this_month,
    "thang nay": this_month,
    "month": this_month,
    "last month": last_month,
    "thang truoc": last_month,
    "previous month": last_month,
    "this quarter": this_quarter,
    "quy nay": this_quarter,
    "quarter": this_quarter,
    "last quarter": last_quarter,
    "quy truoc": last_quarter,
    "previous quarter": last_quarter,
    "this year": lambda today: year(today.year),
    "nam nay": lambda today: year(today.year),
    "last year": lambda today: year(today.year - 1),
    "nam truoc": lambda today: year(today.year - 1),
    "nam ngoai": lambda today: year(today.year - 1),
    "this week": this_week,
    "tuan nay": this_week,
    "week": this_week,
    "last week": last_week,
    "tuan truoc": last_week,
    "previous week": last_week,
    "today": _day(0),
    "hom nay": _day(0),
    "yesterday": _day(-1),
    "hom qua": _day(-1),
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_WORD = r"(?:q|quy|quarter)"
_QUARTER_NUM = r"([1-4]|iv|iii|ii|i)"
_QUARTER_FIRST = re.compile(rf"^{_QUARTER_WORD}\s*{_QUARTER_NUM}\s*(?:[/.-]|\s|nam)\s*(\d{{4}})$")
_QUARTER_LAST = re.compile(rf"^(\d{{4}})\s*[/.-]?\s*{_QUARTER_WORD}\s*{_QUARTER_NUM}$")
_MONTH = re.compile(r"^(?:thang|month)?\s*(\d{1,2})\s*(?:[/.-]|\s|nam)\s*(\d{4})$")
# Without a year ("quý 1", "tháng 5"): the latest one that has begun.
_QUARTER_ALONE = re.compile(rf"^{_QUARTER_WORD}\s*{_QUARTER_NUM}$")
_MONTH_ALONE = re.compile(r"^(?:thang|month)\s*(\d{1,2})$")
_YEAR = re.compile(r"^(?:nam|year)?\s*(\d{4})$")
_DATE = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
_RANGE = re.compile(rf"^(?:tu\s+|from\s+)?{_DATE}\s*(?:-|–|—|den|toi|to|until)\s*{_DATE}$")
_DAY = re.compile(rf"^(?:ngay\s+)?{_DATE}$")


def parse(text: str | None, today: dt.date) -> Period:
    """The period `text` names; this month when empty. Raises PeriodError otherwise."""
    # fold() lowers, strips diacritics and collapses spaces; the en dash survives it.
    key = fold(text or "").strip(" .")
    key = re.sub(r"\s*([/–—])\s*", r"\1", key)
    if not key:
        return this_month(today)
    relative = _RELATIVE.get(key)
    if relative is not None:
        return relative(today)
    if match := _QUARTER_FIRST.match(key):
        return quarter(int(match.group(2)), _quarter_number(match.group(1)))
    if match := _QUARTER_LAST.match(key):
        return quarter(int(match.group(1)), _quarter_number(match.group(2)))
    if match := _RANGE.match(key):
        return date_range(_date(*match.groups()[:3]), _date(*match.groups()[3:]))
    if match := _DAY.match(key):
        day = _date(*match.groups())
        return date_range(day, day)
    if match := _MONTH.match(key):
        return month(int(match.group(2)), int(match.group(1)))
    if match := _QUARTER_ALONE.match(key):
        number = _quarter_number(match.group(1))
        started = number <= (today.month - 1) // 3 + 1
        return quarter(today.year if started else today.year - 1, number)
    if match := _MONTH_ALONE.match(key):
        number = int(match.group(1))
        return month(today.year if number <= today.month else today.year - 1, number)
    if match := _YEAR.match(key):
        return year(int(match.group(1)))
    raise PeriodError("unknown")


def _quarter_number(text: str) -> int:
    return _ROMAN.get(text) or int(text)


def _date(day: str, month_number: str, year_number: str) -> dt.date:
    try:
        return dt.date(int(year_number), int(month_number), int(day))
    except ValueError:
        raise PeriodError("date") from None


_TOKEN = re.compile(r"^(?:m(\d{4})(\d{2})|q(\d{4})([1-4])|y(\d{4})|r(\d{8})-(\d{8}))$")


def from_token(token: str | None) -> Period | None:
    """The period of a token made by `Period.token`, or None for anything else (forged)."""
    match = _TOKEN.match(token or "")
    if match is None:
        return None
    try:
        if match.group(1):
            return month(int(match.group(1)), int(match.group(2)))
        if match.group(3):
            return quarter(int(match.group(3)), int(match.group(4)))
        if match.group(5):
            return year(int(match.group(5)))
        start = dt.datetime.strptime(match.group(6), "%Y%m%d").date()
        end = dt.datetime.strptime(match.group(7), "%Y%m%d").date()
        return date_range(start, end)
    except (PeriodError, ValueError):
        return None
