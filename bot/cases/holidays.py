"""Adding a year's days off and swapped working days when the government announces them.

Lines as staff type or export them: `YYYY-MM-DD, off|work, name[, provisional]` (also
`DD/MM/YYYY`, and "nghỉ"/"làm" for off/work), or a JSON file shaped like
content/holidays.json. All or nothing: one bad line and nothing is saved.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from bot.guards import PermissionDenied
from bot.reports.clocks import CalendarDay
from bot.text import fold
from storage import audit, calendar_days
from storage.db import Database
from storage.users import User

MAX_DAYS = 100
MAX_BYTES = 64_000
_KINDS = {
    "off": "off",
    "nghi": "off",
    "nghỉ": "off",
    "holiday": "off",
    "work": "work",
    "lam": "work",
    "làm": "work",
    "lam bu": "work",
    "working": "work",
}


@dataclass(frozen=True)
class Problem:
    line: int
    text: str


def _date(text: str) -> dt.date | None:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_lines(text: str) -> tuple[list[CalendarDay], list[Problem]]:
    days, problems = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or cells[0].startswith("#") or fold(cells[0]) == "date":
            continue
        day = _date(cells[0])
        kind = _KINDS.get(fold(cells[1]) if len(cells) > 1 else "")
        name = cells[2] if len(cells) > 2 else ""
        if day is None or kind is None or not name or len(name) > 120:
            problems.append(Problem(number, ",".join(cells)[:80]))
            continue
        if kind == "work" and day.weekday() < 5:
            problems.append(Problem(number, ",".join(cells)[:80]))  # a working weekday: no-op
            continue
        provisional = len(cells) > 3 and fold(cells[3]) in (
            "provisional",
            "tam",
            "tạm",
            "du kien",
            "1",
            "yes",
        )
        days.append(CalendarDay(day, kind, name, provisional))
    return days, problems


def parse_file(data: bytes, file_name: str) -> tuple[list[CalendarDay], list[Problem]]:
    text = data.decode("utf-8-sig", errors="replace")
    if file_name.lower().endswith(".json"):
        try:
            entries = json.loads(text)["holidays"]
            lines = "\n".join(
                f'{e["date"]},{e.get("kind", "off")},"{e["name"]}",'
                f"{'provisional' if e.get('provisional') else ''}"
                for e in entries
            )
        except (ValueError, KeyError, TypeError):
            return [], [Problem(0, file_name[:80])]
        return parse_lines(lines)
    return parse_lines(text)


async def save(db: Database, actor: User, days: list[CalendarDay], now: dt.datetime) -> int:
    """Administrators only: the days change every case's legal clocks."""
    if not actor.is_admin:
        raise PermissionDenied("administrators only")
    if not days or len(days) > MAX_DAYS:
        raise ValueError("count")
    async with db.transaction():
        for entry in days:
            await calendar_days.put(
                db, entry.day, entry.kind, entry.name, entry.provisional, actor.telegram_id, now
            )
        await audit.record(
            db,
            actor.telegram_id,
            "calendar_import",
            "calendar",
            None,
            now,
            days=len(days),
            years=sorted({d.day.year for d in days}),
        )
    return len(days)
