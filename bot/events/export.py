"""The registration list of an event as CSV that Excel opens correctly.

UTF-8 with a BOM (Excel otherwise reads Vietnamese as Windows-1252), Vietnamese headers, CRLF
rows (the csv module's default). Cells that a spreadsheet would run as a formula (=, +, -, @)
are prefixed with an apostrophe: names and phone numbers are typed by users.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from bot.areas import Areas
from bot.i18n import Translator
from storage.timeutil import from_db

HEADERS = (
    "STT",
    "Họ và tên",
    "Vai trò",
    "Khu vực",
    "Phường/Xã",
    "Số điện thoại",
    "Trạng thái",
    "Có mặt",
    "Thời điểm đăng ký",
    "Telegram ID",
)
STATES = {"going": "Đã đăng ký", "waiting": "Danh sách chờ", "declined": "Không tham gia"}
ROLES = {
    "public": "Phụ huynh/người dân",
    "collaborator": "Cộng tác viên",
    "staff": "Cán bộ",
    "admin": "Quản trị",
}
_PHONE = re.compile(r"^\+?\d{6,15}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _phone(value: str | None) -> str:
    """Phone numbers come from Telegram's contact button: digits with an optional '+'."""
    if value and _PHONE.match(value):
        return value
    return safe_cell(value)


def registrations_csv(rows: Iterable, areas: Areas, translate: Translator, cipher) -> bytes:
    """`rows` from storage.events.registration_rows; times in the bot's time zone; phones
    are decrypted (`cipher`) for the staff's file only."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for number, row in enumerate(rows, start=1):
        joined = from_db(row["joined_at"])
        writer.writerow(
            [
                number,
                safe_cell(row["display_name"]),
                ROLES.get(row["role"], row["role"]),
                areas.group_name(row["district"], "vi") if row["district"] else "",
                areas.unit_name(row["ward"], "vi") if row["ward"] else "",
                _phone(cipher.decrypt(row["phone"])),
                STATES.get(row["state"], row["state"]),
                "Có" if row["attended"] else "",
                translate.short_datetime(joined) if joined else "",
                row["telegram_id"],
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def file_name(event_id: int) -> str:
    return f"dang-ky-su-kien-{event_id}.csv"
