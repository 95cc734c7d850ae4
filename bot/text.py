"""Text helpers: Unicode normalisation and accent-insensitive matching for Vietnamese."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Polite particles and small words that end a typed answer, folded ("Bình Chánh ạ", "không có
# đâu", "xa binh chanh nha"): what the readers of typed answers strip before reading.
END_PARTICLES = frozenset(
    {"a", "nha", "nhe", "ne", "ha", "do", "day", "dau", "roi", "luon", "ak", "ah", "u"}
)


def normalize(text: str) -> str:
    """NFC and collapsed white space: what we store and compare."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower case without diacritics: 'Báo cáo' and 'bao cao' fold to the same key.

    'đ' is a letter of its own in Unicode (it does not decompose), so it is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return normalize(stripped.replace("đ", "d").replace("Đ", "d"))


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Matches the folded `phrase` as whole words inside folded text."""
    return re.compile(r"(?<!\w)" + re.escape(fold(phrase)) + r"(?!\w)")


def contains_phrase(haystack: str, phrase: str) -> bool:
    """Whole-word, accent-insensitive phrase match ('bao cao' in 'toi muon bao cao ngay')."""
    if not fold(phrase):
        return False
    return phrase_pattern(phrase).search(fold(haystack)) is not None


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    return text if len(text) <= limit else text[: max(0, limit - len(ellipsis))] + ellipsis


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """At most `limit` characters, cut between words ("Tập huấn quyền trẻ em…"), never
    leaving a fragment of a word; a single word longer than the limit is cut as a last
    resort."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = max(1, limit - len(ellipsis))
    cut = text[: room + 1]
    if cut[-1:].isspace() or len(cut) <= room:
        kept = cut.rstrip()
    else:
        space = cut.rfind(" ")
        kept = cut[:space] if space > 0 else text[:room]
    return kept.rstrip(" ,;:-–·") + ellipsis


def join_within(
    parts: list[str], limit: int, separator: str = "\n", newest_last: bool = False, more: str = "…"
) -> str:
    """Join whole parts up to `limit` characters, never cutting one (an HTML tag or entity
    cut in half makes Telegram refuse the message). With `newest_last`, the first part (a
    heading) and the latest parts are kept and the oldest are left out."""
    if len(separator.join(parts)) <= limit:
        return separator.join(parts)
    budget = limit - len(more) - len(separator)
    if newest_last and parts:
        head, kept = parts[0], list[str]()
        budget -= len(head) + len(separator)
        for part in reversed(parts[1:]):
            if len(part) + len(separator) > budget:
                break
            kept.insert(0, part)
            budget -= len(part) + len(separator)
        return separator.join([head, more, *kept])
    kept = []
    for part in parts:
        if len(part) + len(separator) > budget:
            break
        kept.append(part)
        budget -= len(part) + len(separator)
    return separator.join([*kept, more])


def whole_number(text: str | None, maximum: int = 2**63 - 1) -> int | None:
    """A typed whole number of ASCII digits within range, else None.

    str.isdigit() alone accepts "²" or "٣", which int() then refuses or reads unexpectedly.
    """
    if not text:
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if value <= maximum else None
