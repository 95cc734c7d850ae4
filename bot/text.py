"""Text helpers: Unicode normalisation and accent-insensitive matching for Vietnamese."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


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


def contains_phrase(haystack: str, phrase: str) -> bool:
    """Whole-word, accent-insensitive phrase match ('bao cao' in 'toi muon bao cao ngay')."""
    folded_phrase = fold(phrase)
    if not folded_phrase:
        return False
    pattern = r"(?<!\w)" + re.escape(folded_phrase) + r"(?!\w)"
    return re.search(pattern, fold(haystack)) is not None


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    return text if len(text) <= limit else text[: max(0, limit - len(ellipsis))] + ellipsis
