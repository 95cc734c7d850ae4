"""The one callback-data scheme: short ASCII `namespace:action:arg…` strings.

Telegram allows 1–64 bytes. Everything a button carries is re-checked on the server when
pressed: callback data is user input and can be forged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import whole_number

MAX_BYTES = 64
# Larger numbers overflow SQLite's 64-bit INTEGER when bound as a parameter.
MAX_ID = 2**63 - 1
_PART = re.compile(r"^[A-Za-z0-9_.\-]*$")


class CallbackDataError(ValueError):
    pass


@dataclass(frozen=True)
class CallbackData:
    namespace: str
    action: str
    args: tuple[str, ...]

    def arg(self, index: int, default: str | None = None) -> str | None:
        return self.args[index] if index < len(self.args) else default

    def int_arg(self, index: int) -> int | None:
        """A non-negative id that fits SQLite's INTEGER; None for anything else (forged)."""
        return whole_number(self.arg(index), MAX_ID)


def encode(namespace: str, action: str, *args: object) -> str:
    parts = [namespace, action, *(str(arg) for arg in args)]
    for part in parts:
        if not _PART.match(part):
            raise CallbackDataError(f"callback part {part!r} is not plain ASCII")
    data = ":".join(parts)
    if len(data.encode("ascii")) > MAX_BYTES:
        raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> CallbackData | None:
    """None for anything we did not make (wrong shape, too long, non-ASCII)."""
    if not data or len(data) > MAX_BYTES or not data.isascii():
        return None
    parts = data.split(":")
    if len(parts) < 2 or not all(_PART.match(part) for part in parts):
        return None
    return CallbackData(parts[0], parts[1], tuple(parts[2:]))


def pattern(namespace: str) -> str:
    """Regex for CallbackQueryHandler(pattern=…) selecting one namespace."""
    return rf"^{re.escape(namespace)}:"
