"""Deep-link codes for posters: `m<material id>w<ward code>` inside a t.me/<bot>?start= link.

Telegram allows 1–64 characters of A–Z a–z 0–9 _ - in a /start payload; ward codes such as
"Q8-P05" or "BC-LEMINHXUAN" fit as they are. The foundation's /start stores a valid payload
as the person's `source` the first time, so counting sources counts what posters bring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 64
_ALLOWED = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CODE = re.compile(r"^m(\d{1,9})(?:w([A-Za-z0-9-]{1,40}))?$")


class DeepLinkError(ValueError):
    pass


@dataclass(frozen=True)
class PosterCode:
    material_id: int
    ward: str | None


def encode(material_id: int, ward: str | None = None) -> str:
    code = f"m{int(material_id)}" + (f"w{ward}" if ward else "")
    if not _ALLOWED.match(code) or not _CODE.match(code):
        raise DeepLinkError(f"not a valid /start payload: {code!r}")
    return code


def decode(code: str | None) -> PosterCode | None:
    """The material and ward a code names, or None for anything else (other features' codes)."""
    if not code or len(code) > MAX_LENGTH:
        return None
    match = _CODE.match(code)
    if match is None:
        return None
    return PosterCode(int(match.group(1)), match.group(2))


def link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
