"""Whether the person who wrote a disclosure speaks of their own harm ("em bị bố đánh hoài",
"ba đánh e", "tui sợ về nhà"): the answer is then written to them, not about "a child".

Only clear first-person shapes count: "em/e/tui/mình/tao" + "bị" + a harm or an adult close
after, an adult + a harm verb + the writer, or the writer afraid of home; and never when the
text names another child ("con bé nhà em", "cháu tôi", "bé nhà bên", "hàng xóm"). "tôi",
"cháu" and "con" are left out on purpose: folded, "toi" is also "tới"/"tối", and a parent's
"con bị…" or a grandmother's "cháu bị…" speaks of a child. An adult who writes this way of
themselves ("em bị chồng đánh") is answered kindly too; the numbers are the same.
"""

from __future__ import annotations

import re

from bot.text import fold

_WRITER = r"(?:em|e|tui|minh|tao)"
_BEFORE = r"(?:^|[,.;!?]\s*|\b(?:ma|va|nhung|gio|nay|hom nay|hom qua|toi qua|suot ngay)\s+)"
_HARM = r"(?:danh|dap|quanh|tat|chui|nhot|troi|sam so|dot|bop co|hiep|cuong hiep|ep|doa|xam hai)"
_ADULT = r"(?:ba|bo|me|cha|duong|bo duong|me ke|chu|ong|anh|thay giao|co giao|chong|ong ay|ong ta)"
_SHAPES = (
    re.compile(
        rf"{_BEFORE}{_WRITER}\s+(?:lai\s+|cu\s+|dang\s+|hay\s+|thuong\s+)*bi\s+"
        rf"(?:\w+\s+){{0,2}}(?:{_HARM}|{_ADULT})\b"
    ),
    re.compile(rf"\b{_ADULT}\s+(?:\w+\s+){{0,3}}{_HARM}\s+{_WRITER}\b"),
    re.compile(
        rf"\b(?:so|ro|sam so)\s+(?:vao\s+)?(?:nguoi|vung kin|nguc|mong)\s+(?:cua\s+)?{_WRITER}\b"
    ),
    re.compile(rf"{_BEFORE}{_WRITER}\s+(?:rat\s+)?(?:so|khong dam)\s+(?:ve nha|o nha)\b"),
)
# Another child named: the writer speaks of them, not of themselves.
_OTHER_CHILD = re.compile(
    r"\b(?:con (?:be|trai|gai|toi|nha|cua|hang xom)|thang be|be nha|be hang xom|"
    r"chau (?:toi|noi|ngoai|be|nha)|nha em|em be|dua be|dua nho)\b"
)


def writes_about_self(text: str) -> bool:
    folded = " ".join(fold(text or "").split())
    if _OTHER_CHILD.search(folded):
        return False
    return any(shape.search(folded) for shape in _SHAPES)
