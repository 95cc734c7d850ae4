"""Importing a calendar file (JSON as in content/calendar.json, or CSV from a spreadsheet).

Every row is checked before anything is written; any error → nothing is imported, and the
errors are listed row by row in the reader's language (Vietnamese first). A row with a `key`
updates that key's event of the same year instead of adding a second one, so importing the
same file twice changes nothing.

Dates are typed the Vietnamese way (bot.events.dates): "1/6", "01/06/2021 8:00", "8h30 1/6".
A row may instead date itself relative to the next 1 June (JSON only), which keeps the
shipped example calendar right in any year:

    "start": {"june1": 3, "time": "8:00"}     → three days after the next 1 June, 08:00

"The next 1 June" is the first one after today, so offsets ≥ 0 are never in the past.
A yearly row without a year ("1/6") is its current occurrence if that has not ended yet
(the Action Month on 10 June is this year's), otherwise the next one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.areas import Areas
from bot.events import dates, service
from bot.events.model import AUDIENCES, DEFAULT_REMINDERS
from bot.i18n import N_, I18n, Translator
from bot.text import fold, whole_number
from storage import audit
from storage import events as store
from storage import retention as retention_store
from storage.db import Database
from storage.models import Event
from storage.users import User

log = logging.getLogger(__name__)

MAX_ROWS = 500
MAX_BYTES = 1_000_000
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

PROBLEMS = {
    "file": N_(
        "The file could not be read: it must be a .json calendar like the example, or "
        "a .csv saved as UTF-8."
    ),
    "too_big": N_("The file is too big (at most {max_rows} rows)."),
    "empty": N_("The file has no events."),
    "not_object": N_("this row is not an event."),
    "title": N_("the title is missing or longer than 120 characters."),
    "kind": N_("the kind must be one of: holiday, club, training, campaign."),
    "audience": N_(
        "the audience must be one or more of: everyone, collaborators, staff, "
        "parents, teachers, business, police."
    ),
    "start": N_("the start is missing or unreadable ({detail})."),
    "end": N_("the end is unreadable ({detail})."),
    "end_before_start": N_("the end is before the start."),
    "past": N_("the event is already over or starts in the past."),
    "district": N_("unknown programme area code (use Q8 or BC)."),
    "ward": N_("unknown ward/commune code, or one outside that area."),
    "capacity": N_("the number of places must be a whole number from 1 to 10,000."),
    "deadline": N_("the registration deadline is unreadable or after the start."),
    "too_long": N_("the place or description is too long."),
    "reminders": N_("reminders must look like 7d, 1d, 2h or 30m (before the start)."),
    "key": N_("the key must be lower-case letters, digits, - or _."),
    "duplicate_key": N_("this key is used by another row of the file."),
    "repeat": N_('repeat must be empty or "yearly".'),
}

_KIND_WORDS = {
    "holiday": "holiday",
    "ngay le": "holiday",
    "le": "holiday",
    "club": "club",
    "cau lac bo": "club",
    "clb": "club",
    "sinh hoat": "club",
    "training": "training",
    "tap huan": "training",
    "campaign": "campaign",
    "truyen thong": "campaign",
    "chien dich": "campaign",
}
_AUDIENCE_WORDS = {
    "everyone": "everyone",
    "tat ca": "everyone",
    "moi nguoi": "everyone",
    "collaborators": "collaborators",
    "cong tac vien": "collaborators",
    "ctv": "collaborators",
    "staff": "staff",
    "can bo": "staff",
    "parents": "parents",
    "phu huynh": "parents",
    "cha me": "parents",
    "teachers": "teachers",
    "giao vien": "teachers",
    "business": "business",
    "business owners": "business",
    "chu doanh nghiep": "business",
    "doanh nghiep": "business",
    "police": "police",
    "cong an": "police",
}
# CSV headers (folded) → JSON field names.
_CSV_HEADERS = {
    "key": "key",
    "ma": "key",
    "khoa": "key",
    "title": "title",
    "tieu de": "title",
    "ten su kien": "title",
    "kind": "kind",
    "loai": "kind",
    "start": "start",
    "bat dau": "start",
    "end": "end",
    "ket thuc": "end",
    "all day": "all_day",
    "ca ngay": "all_day",
    "repeat": "repeat",
    "lap lai": "repeat",
    "place": "place",
    "dia diem": "place",
    "district": "district",
    "quan huyen": "district",
    "quan/huyen": "district",
    "ward": "ward",
    "phuong xa": "ward",
    "phuong/xa": "ward",
    "audience": "audience",
    "doi tuong": "audience",
    "capacity": "capacity",
    "so cho": "capacity",
    "registration closes": "registration_closes",
    "han dang ky": "registration_closes",
    "reminders": "reminders",
    "nhac truoc": "reminders",
    "countdown days": "countdown_days",
    "dem nguoc": "countdown_days",
    "description": "description",
    "mo ta": "description",
}
_DURATION = re.compile(r"^\s*(\d{1,4})\s*(d|ngay|h|gio|tieng|m|p|phut)\s*$")
_UNIT_MINUTES = {
    "d": 1440,
    "ngay": 1440,
    "h": 60,
    "gio": 60,
    "tieng": 60,
    "m": 1,
    "p": 1,
    "phut": 1,
}
_TRUE = {"1", "true", "yes", "co", "x", "ca ngay"}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based event number (JSON) or line number (CSV); 0 = the whole file
    code: str
    detail: str = ""


@dataclass
class Parsed:
    drafts: list[tuple[int, service.Draft]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class _RowProblem(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


def read_rows(data: bytes, file_name: str) -> list[tuple[int, dict]]:
    """(row number, fields) from a .json or .csv file; raises _RowProblem('file'/'too_big')."""
    if len(data) > MAX_BYTES:
        raise _RowProblem("too_big")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _RowProblem("file") from None
    if file_name.lower().endswith(".csv"):
        return _csv_rows(text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise _RowProblem("file") from None
    rows = document.get("events") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise _RowProblem("file")
    return list(enumerate(rows, start=1))


def _csv_rows(text: str) -> list[tuple[int, dict]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        return []
    names = [_CSV_HEADERS.get(fold(cell).strip()) for cell in header]
    if "title" not in names or "start" not in names:
        raise _RowProblem("file")
    rows = []
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            (
                line_number,
                {
                    name: cell.strip()
                    for name, cell in zip(names, cells, strict=False)
                    if name and cell.strip()
                },
            )
        )
    return rows


def parse_file(
    data: bytes, file_name: str, now: dt.datetime, timezone: ZoneInfo, areas: Areas
) -> Parsed:
    """Every row checked; drafts only when the whole file is right."""
    result = Parsed()
    try:
        rows = read_rows(data, file_name)
    except _RowProblem as problem:
        result.errors.append(RowError(0, problem.code))
        return result
    if not rows:
        result.errors.append(RowError(0, "empty"))
        return result
    if len(rows) > MAX_ROWS:
        result.errors.append(RowError(0, "too_big"))
        return result
    keys: set[str] = set()
    for number, row in rows:
        try:
            draft = parse_row(row, now, timezone, areas)
        except _RowProblem as problem:
            result.errors.append(RowError(number, problem.code, problem.detail))
            continue
        if draft.import_key:
            if draft.import_key in keys:
                result.errors.append(RowError(number, "duplicate_key"))
                continue
            keys.add(draft.import_key)
        result.drafts.append((number, draft))
    if result.errors:
        result.drafts = []
    return result


def parse_row(row: object, now: dt.datetime, timezone: ZoneInfo, areas: Areas) -> service.Draft:
    if not isinstance(row, dict):
        raise _RowProblem("not_object")
    key = _text(row.get("key")) or None
    if key is not None and not KEY.match(key):
        raise _RowProblem("key")
    repeat_word = fold(_text(row.get("repeat"))) or "none"
    repeat = {"none": "none", "yearly": "yearly", "hang nam": "yearly"}.get(repeat_word)
    if repeat is None:
        raise _RowProblem("repeat")
    kind = _KIND_WORDS.get(fold(_text(row.get("kind"))))
    if kind is None:
        raise _RowProblem("kind")
    audience = _audience(row.get("audience"))
    all_day = _bool(row.get("all_day"))
    start, end = _span(row, now, timezone, all_day)
    if repeat == "yearly":
        start, end = _current_occurrence(start, end, now, timezone)
    draft = service.Draft(
        title=_text(row.get("title")),
        kind=kind,
        starts_at=start,
        ends_at=end,
        audience=audience,
        description=_multiline(row.get("description")),
        all_day=all_day,
        place=_text(row.get("place")),
        district=_text(row.get("district")).upper() or None,
        ward=_text(row.get("ward")).upper() or None,
        capacity=_capacity(row.get("capacity")),
        registration_deadline=_deadline(row.get("registration_closes"), start, timezone),
        recurrence=repeat,
        reminder_offsets=_offsets(row.get("reminders"), DEFAULT_REMINDERS),
        countdown_days=tuple(
            offset // 1440 for offset in _offsets(_days(row.get("countdown_days")), ())
        ),
        import_key=key,
        example=_bool(row.get("example")),
    )
    found = service.problems(draft, now, areas)
    if found:
        raise _RowProblem(found[0])
    return draft


def _text(value: object) -> str:
    """A one-line value with its white space collapsed."""
    return "" if value is None else " ".join(str(value).split())


def _multiline(value: object) -> str:
    if value is None:
        return ""
    return "\n".join(" ".join(line.split()) for line in str(value).strip().splitlines())


def _bool(value: object) -> bool:
    return value is True or fold(_text(value)) in _TRUE


def _audience(value: object) -> frozenset[str]:
    parts = value if isinstance(value, list) else re.split(r"[,;]", _text(value))
    groups = set()
    for part in parts:
        word = fold(_text(part))
        if not word:
            continue
        if word not in _AUDIENCE_WORDS:
            raise _RowProblem("audience")
        groups.add(_AUDIENCE_WORDS[word])
    if not groups:
        raise _RowProblem("audience")
    assert groups <= set(AUDIENCES)
    return frozenset(groups)


def _capacity(value: object) -> int | None:
    text = _text(value)
    if not text:
        return None
    number = whole_number(text)
    if number is None:
        raise _RowProblem("capacity")
    return number


def next_june1(now: dt.datetime, timezone: ZoneInfo) -> dt.date:
    today = dates.local_today(now, timezone)
    june1 = dt.date(today.year, 6, 1)
    return june1 if june1 > today else dt.date(today.year + 1, 6, 1)


def _moment(
    value: object, now: dt.datetime, timezone: ZoneInfo, reference: dt.date, code: str
) -> dates.Moment:
    if isinstance(value, dict):
        if not isinstance(value.get("june1"), int):
            raise _RowProblem(code, "june1")
        day = next_june1(now, timezone) + dt.timedelta(days=value["june1"])
        clock = None
        if value.get("time"):
            try:
                clock = dates.parse(str(value["time"]), day, yearly=True).time
            except dates.DateError as error:
                raise _RowProblem(code, error.code) from None
        return dates.Moment(day, clock)
    text = _text(value)
    try:
        return dates.parse(text, reference, same_year=code == "end", yearly=True)
    except dates.DateError as error:
        raise _RowProblem(code, error.code) from None


def _span(row: dict, now: dt.datetime, timezone: ZoneInfo, all_day: bool):
    today = dates.local_today(now, timezone)
    if row.get("start") in (None, ""):
        raise _RowProblem("start", "empty")
    first = _moment(row["start"], now, timezone, today, "start")
    start_day = first.date or today
    if all_day:
        start = dates.combine(start_day, dt.time(0), timezone)
        last = (
            _moment(row["end"], now, timezone, start_day, "end").date
            if row.get("end")
            else start_day
        )
        end = dates.combine((last or start_day) + dt.timedelta(days=1), dt.time(0), timezone)
        return start, end
    if first.time is None:
        raise _RowProblem("start", "no_time")
    start = dates.combine(start_day, first.time, timezone)
    if not row.get("end"):
        return start, start + dt.timedelta(hours=2)
    second = _moment(row["end"], now, timezone, start_day, "end")
    if second.time is None:
        raise _RowProblem("end", "no_time")
    return start, dates.combine(second.date or start_day, second.time, timezone)


def _current_occurrence(start, end, now, timezone):
    """A yearly row's occurrence still running this year beats next year's."""
    local_start, local_end = start.astimezone(timezone), end.astimezone(timezone)
    try:
        earlier_start = local_start.replace(year=local_start.year - 1)
        earlier_end = local_end.replace(year=local_end.year - 1)
    except ValueError:  # 29 February: no such day a year earlier
        return start, end
    if earlier_end.astimezone(dt.UTC) > now:
        return earlier_start.astimezone(dt.UTC), earlier_end.astimezone(dt.UTC)
    return start, end


def _deadline(value: object, start: dt.datetime, timezone: ZoneInfo) -> dt.datetime | None:
    text = _text(value)
    if not text:
        return None
    match = _DURATION.match(fold(text))
    if match:
        return start - dt.timedelta(minutes=int(match.group(1)) * _UNIT_MINUTES[match.group(2)])
    try:
        moment = dates.parse(text, start.astimezone(timezone).date(), yearly=True)
    except dates.DateError:
        raise _RowProblem("deadline") from None
    if moment.date is None:
        raise _RowProblem("deadline")
    return dates.combine(moment.date, moment.time or dt.time(23, 59), timezone)


def _days(value: object) -> object:
    """Countdown days (7, "7, 3") as reminder specs in days."""
    if value is None or value == "":
        return []
    parts = value if isinstance(value, list) else re.split(r"[,;\s]+", _text(value))
    return [f"{part}d" for part in parts if str(part).strip()]


def _offsets(value: object, default: tuple[int, ...]) -> tuple[int, ...]:
    if value is None or value == "":
        return default
    parts = value if isinstance(value, list) else re.split(r"[,;]", _text(value))
    offsets = set()
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            minutes = part
        else:
            match = _DURATION.match(fold(_text(part)))
            if match is None:
                raise _RowProblem("reminders")
            minutes = int(match.group(1)) * _UNIT_MINUTES[match.group(2)]
        if minutes <= 0:
            raise _RowProblem("reminders")
        offsets.add(minutes)
    return tuple(sorted(offsets, reverse=True))


# -- writing ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    changes: list[service.Change]


async def import_drafts(
    db: Database,
    actor: User | None,
    drafts: list[service.Draft],
    now: dt.datetime,
    timezone: ZoneInfo,
    areas: Areas,
) -> ImportResult:
    """Write every draft in ONE transaction: all or nothing."""
    created, changes = 0, []
    async with db.transaction():
        for draft in drafts:
            existing = await _same_occurrence(db, draft, timezone) if draft.import_key else None
            if existing is None:
                await service.create(db, actor, draft, now, timezone, areas, in_transaction=True)
                created += 1
                continue
            wanted = draft.fields()
            current = service._draft_fields(existing)
            different = {
                name: value for name, value in wanted.items() if current.get(name) != value
            }
            if existing.status != "active" or not different:
                continue
            changes.append(
                await service.update(
                    db, actor, existing.id, now, timezone, areas, in_transaction=True, **different
                )
            )
        await audit.record(
            db,
            actor.telegram_id if actor else None,
            "events_imported",
            "event",
            None,
            now,
            created=created,
            updated=len(changes),
        )
    return ImportResult(created, len(changes), changes)


SEED_FILE = Path(__file__).resolve().parents[2] / "content" / "calendar.json"
SEEDED = "calendar_seeded"


async def seed_once(
    db: Database, now: dt.datetime, timezone: ZoneInfo, areas: Areas, path: Path = SEED_FILE
) -> ImportResult | None:
    """At the first start, the yearly calendar (June 1, the Action Month, the example
    activities) is there without anyone importing it. Once only: an example that staff
    cancelled does not come back at the next start; importing the file again updates it,
    never duplicates it (import keys)."""
    if await retention_store.last_run(db, SEEDED) is not None:
        return None
    parsed = parse_file(path.read_bytes(), path.name, now, timezone, areas)
    if parsed.errors:  # a broken shipped file must not keep the bot from starting
        log.error("the shipped calendar has %d problems; not seeded", len(parsed.errors))
        return None
    result = await import_drafts(
        db, None, [draft for _, draft in parsed.drafts], now, timezone, areas
    )
    await retention_store.mark_run(db, SEEDED, now)
    log.info("yearly calendar seeded: %d events", result.created)
    return result


async def _same_occurrence(db: Database, draft: service.Draft, timezone: ZoneInfo) -> Event | None:
    """The event of this row and this year: importing in June 2021 never moves the 2021
    trainings to 2022 (their row now dates itself after the next 1 June), it adds 2022's."""
    if draft.import_key is None:
        return None
    year = draft.starts_at.astimezone(timezone).year
    for event in await store.by_import_key(db, draft.import_key):
        if event.starts_at.astimezone(timezone).year == year:
            return event
    return None


async def import_file(
    db: Database,
    i18n: I18n,
    actor: User | None,
    data: bytes,
    file_name: str,
    now: dt.datetime,
    timezone: ZoneInfo,
    areas: Areas,
) -> tuple[ImportResult | None, list[RowError]]:
    """Parse, check and write; registered people are told of moved events."""
    parsed = parse_file(data, file_name, now, timezone, areas)
    if parsed.errors:
        return None, parsed.errors
    result = await import_drafts(
        db, actor, [draft for _, draft in parsed.drafts], now, timezone, areas
    )
    for change in result.changes:
        await service.notify_change(db, i18n, change, now)
    return result, []


def error_lines(_: Translator, errors: list[RowError], limit: int = 30) -> list[str]:
    lines = []
    for error in errors[:limit]:
        detail = _(DETAILS[error.detail]) if error.detail in DETAILS else error.detail
        message = _(PROBLEMS[error.code], detail=detail, max_rows=MAX_ROWS)
        lines.append(
            _("Row {row}: {problem}", row=error.row, problem=message) if error.row else message
        )
    if len(errors) > limit:
        lines.append(_("… and {count} more errors.", count=_.number(len(errors) - limit)))
    return lines


DETAILS = {
    "empty": N_("empty"),
    "unreadable": N_("not a date like 1/6 8:30"),
    "bad_date": N_("no such day"),
    "bad_time": N_("no such time"),
    "no_time": N_("a time is needed"),
    "too_far": N_("too far ahead"),
    "june1": N_("june1 must be a whole number of days"),
}
