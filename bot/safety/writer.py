"""Whether the person who wrote a disclosure speaks of their own harm ("em bị bố đánh hoài",
"ba đánh e", "tui sợ về nhà"): the answer is then written to them, not about "a child".

Only clear first-person shapes count: "em/e/tui/mình/tao/cháu" + "bị", an adult + a harm
verb + the writer, or the writer afraid of home. "con bị" is left out on purpose (a parent's
"con bị…" speaks of their child). An adult who writes this way of themselves ("em bị chồng
đánh") is answered kindly too; the numbers are the same.
"""

from __future__ import annotations

import re

from bot.text import fold

_WRITER = r"(?:em|e|tui|toi|minh|tao|chau)"
_BEFORE = r"(?:^|[,.;!?]\s*|\b(?:ma|va|nhung|gio|nay|hom nay|hom qua|toi qua|suot ngay)\s+)"
_HARM = (
    r"(?:danh|dap|quanh|tat|dam|da|chui|nhot|troi|so|sam so|dot|bop co|hiep|cuong hiep|"
    r"bat|ep|doa)"
)
_ADULT = r"(?:ba|bo|me|cha|duong|bo duong|me ke|chu|ong|anh|thay|co|chong|ong ay|ong ta|no)"
_SHAPES = (
    re.compile(rf"{_BEFORE}{_WRITER}\s+(?:lai\s+|cu\s+|dang\s+|hay\s+|thuong\s+|bi\s+)*bi\b"),
    re.compile(rf"\b{_ADULT}\s+(?:\w+\s+){{0,2}}{_HARM}\s+{_WRITER}\b"),
    re.compile(rf"{_BEFORE}{_WRITER}\s+(?:rat\s+)?(?:so|khong dam)\s+(?:ve nha|o nha|ve)\b"),
)


def writes_about_self(text: str) -> bool:
    folded = " ".join(fold(text or "").split())
    return any(shape.search(folded) for shape in _SHAPES)
