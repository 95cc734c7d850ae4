"""Information for parents: entries from `content/info/<language>.json`, keyword matching
and rendering within Telegram's limits.

The text is data, not code, so staff can revise it without a release. Every entry has the
same id in every language; the bot adds the hotline line at the end of each answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.content import CONTENT_DIR, load_json
from bot.hotline import hotline_footer
from bot.i18n import Translator
from bot.text import fold

LANGUAGES = ("vi", "en")
INFO_DIR = CONTENT_DIR / "info"
MESSAGE_LIMIT = 4096
# What fits on one phone screen without scrolling much (about 25 short lines).
SCREEN_LIMIT = 1200
ALLOWED_TAGS = re.compile(r"</?(b|i)>")
_ANY_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    keywords: tuple[str, ...]
    body: str
    related: tuple[str, ...]
    materials_topic: str | None
    priority: int = 0


@dataclass(frozen=True)
class Catalogue:
    language: str
    entries: tuple[Entry, ...]

    def get(self, entry_id: str | None) -> Entry | None:
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(entry.id for entry in self.entries)


def _entry(raw: dict) -> Entry:
    return Entry(
        id=raw["id"],
        title=raw["title"],
        keywords=tuple(raw.get("keywords", ())),
        body=raw["body"],
        related=tuple(raw.get("related", ())),
        materials_topic=raw.get("materials_topic"),
        priority=int(raw.get("priority", 0)),
    )


def load(language: str, directory: Path = INFO_DIR) -> Catalogue:
    """The entries in one language; unknown languages get Vietnamese."""
    if language not in LANGUAGES:
        language = "vi"
    data = load_json(f"{language}.json", directory)
    return Catalogue(language, tuple(_entry(raw) for raw in data["entries"]))


# -- matching typed questions ---------------------------------------------------------------------

@lru_cache(maxsize=4)
def _phrases(directory: Path = INFO_DIR) -> tuple[tuple[str, str, int], ...]:
    """(folded phrase, entry id, priority) from every language: a Vietnamese parent who
    types in English, or the reverse, still finds the entry."""
    found = {
        (fold(keyword), entry.id, entry.priority)
        for language in LANGUAGES
        for entry in load(language, directory).entries
        for keyword in entry.keywords
        if fold(keyword)
    }
    return tuple(sorted(found))


def match(text: str, directory: Path = INFO_DIR) -> str | None:
    """The id of the entry a typed question asks about ("dau hieu bao hanh" → signs).

    Entries that answer what the person wants to do ("làm gì", "gọi ai", "dấu hiệu") have a
    higher priority than topic words ("bạo hành"); then the phrase that comes first in the
    text wins, then the longer one.
    """
    if not text:
        return None
    folded = fold(text)
    best: tuple[int, int, int] | None = None
    best_id = None
    for phrase, entry_id, priority in _phrases(directory):
        found = _whole(phrase).search(folded)
        if found is None:
            continue
        score = (priority, -found.start(), len(phrase))
        if best is None or score > best:
            best, best_id = score, entry_id
    return best_id


def _whole(phrase: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")


# -- rendering ------------------------------------------------------------------------------------

def render(entry: Entry, _: Translator) -> str:
    """The body and the hotline line, cut at a paragraph if it ever exceeds 4096 characters."""
    footer = "\n\n" + hotline_footer(_)
    body = entry.body.strip()
    room = MESSAGE_LIMIT - len(footer)
    if len(body) > room:
        body = _cut_at_paragraph(body, room)
    return body + footer


def _cut_at_paragraph(body: str, room: int) -> str:
    """Cut between paragraphs so no HTML tag is left open; plain text as a last resort."""
    ellipsis = "\n…"
    cut = body.rfind("\n\n", 0, room - len(ellipsis))
    if cut > 0:
        return body[:cut] + ellipsis
    plain = _ANY_TAG.sub("", body)
    return plain[: room - len(ellipsis)] + ellipsis


def markup_problems(body: str) -> list[str]:
    """Tags a staff edit may have broken: anything but <b>/<i>, or unbalanced tags."""
    problems = [tag for tag in _ANY_TAG.findall(body) if not ALLOWED_TAGS.fullmatch(tag)]
    for name in ("b", "i"):
        if body.count(f"<{name}>") != body.count(f"</{name}>"):
            problems.append(f"<{name}> not closed")
    return problems
