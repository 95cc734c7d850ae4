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
from bot.text import fold, normalize

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


# -- danger words ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DangerWords:
    phrases: tuple[str, ...]
    ignore: tuple[str, ...]
    informational: tuple[str, ...] = ()

    @classmethod
    def load(cls, name: str = "danger_keywords.json") -> DangerWords:
        data = load_json(name)
        return cls(tuple(data["phrases"]), tuple(data.get("ignore", ())),
                   tuple(data.get("informational", ())))

    def alarms(self, text: str, answered_by_entry: bool) -> bool:
        """Whether typed text should get the hotlines first. A question about the topic
        ("dấu hiệu bạo hành") that an entry answers does not; "bị đánh", "tự tử" always do."""
        phrase = self.found_in(text)
        if phrase is None:
            return False
        return not (answered_by_entry and fold(phrase) in {fold(p) for p in self.informational})

    def found_in(self, text: str) -> str | None:
        """The danger phrase in `text`, if any, after removing harmless phrases such as
        "đánh giá" (to assess) that contain a danger word.

        Text typed with diacritics is matched with diacritics ("từ từ", slowly, is not
        "tự tử", suicide); text typed without them is matched without.
        """
        lowered = normalize((text or "").lower())
        accented = fold(lowered) != lowered
        haystack = lowered if accented else fold(lowered)
        ignore, phrases, anything = _danger_patterns(self, accented)
        for harmless in ignore:
            haystack = harmless.sub(" ", haystack)
        if anything is None or not anything.search(haystack):
            return None  # the usual case (a name, an answer): one search instead of dozens
        for phrase, pattern in phrases:
            if pattern.search(haystack):
                return phrase
        return None


_DANGER_PATTERNS: dict[tuple[int, bool], tuple] = {}


def _danger_patterns(words: DangerWords, accented: bool) -> tuple:
    """The compiled patterns of a word list, built once (this runs on every typed message)."""
    cache_key = (id(words), accented)
    cached = _DANGER_PATTERNS.get(cache_key)
    if cached is not None and cached[0] is words:
        return cached[1]
    key = (lambda phrase: normalize(phrase.lower())) if accented else fold
    ignore = tuple(_whole(key(p)) for p in sorted(words.ignore, key=lambda p: -len(p)))
    ordered = sorted(words.phrases, key=lambda p: -len(p))
    phrases = tuple((p, _whole(key(p))) for p in ordered)
    anything = (re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in phrases))
                if phrases else None)
    _DANGER_PATTERNS[cache_key] = (words, (ignore, phrases, anything))
    return ignore, phrases, anything


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
