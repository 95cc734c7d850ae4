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


# -- the closest topics, for text nothing else understood ----------------------------------------

# Folded Vietnamese and English words too common to say what a message is about.
_COMMON = frozenset(
    [
        "a",
        "ah",
        "ak",
        "anh",
        "ba",
        "bai",
        "ban",
        "be",
        "bi",
        "biet",
        "bo",
        "cac",
        "cai",
        "cam",
        "can",
        "cho",
        "chi",
        "chua",
        "co",
        "con",
        "cua",
        "cung",
        "da",
        "dang",
        "de",
        "den",
        "di",
        "do",
        "duoc",
        "e",
        "em",
        "gi",
        "gio",
        "giup",
        "hay",
        "hoi",
        "hon",
        "khi",
        "khong",
        "la",
        "lam",
        "len",
        "luc",
        "ma",
        "may",
        "minh",
        "moi",
        "mot",
        "muon",
        "nao",
        "nay",
        "nen",
        "neu",
        "nghe",
        "nhe",
        "nhieu",
        "nhu",
        "nhung",
        "no",
        "nua",
        "o",
        "oi",
        "ong",
        "phai",
        "qua",
        "ra",
        "rat",
        "roi",
        "sao",
        "se",
        "tai",
        "the",
        "thi",
        "thoi",
        "toi",
        "tren",
        "tu",
        "va",
        "vao",
        "ve",
        "voi",
        "vui",
        "xin",
        "an",
        "ko",
        "k",
        "j",
        "z",
        "hok",
        "hong",
        "the",
        "a",
        "an",
        "and",
        "are",
        "be",
        "can",
        "do",
        "for",
        "from",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "you",
        "your",
    ]
)
_WORDS = re.compile(r"\w+")


def content_words(text: str) -> list[str]:
    return [w for w in _WORDS.findall(fold(text or "")) if len(w) > 1 and w not in _COMMON]


def closeness(query: list[str], title: str, keywords: str, body: str) -> int:
    """How close a text is to a topic: its words (and pairs of words) in the title and keywords
    count three times, in the body once. Accent-insensitive."""

    def field(text: str) -> str:
        return " " + " ".join(_WORDS.findall(fold(_ANY_TAG.sub(" ", text)))) + " "

    heads, rest = field(title + " " + keywords), field(body)
    score = 0
    for word in set(query):
        score += 3 * (f" {word} " in heads) + (f" {word} " in rest)
    for pair in {f"{a} {b}" for a, b in zip(query, query[1:], strict=False)}:
        score += 3 * (f" {pair} " in heads) + 2 * (f" {pair} " in rest)
    return score


def closest(
    text: str, language: str, limit: int = 3, minimum: int = 3, directory: Path = INFO_DIR
) -> list[Entry]:
    """The entries closest to a message nothing else understood, best first."""
    query = content_words(text)
    if not query:
        return []
    entries = load(language, directory).entries
    scored = [
        (closeness(query, e.title, " ".join(e.keywords), e.body), index, e)
        for index, e in enumerate(entries)
    ]
    return [e for score, _i, e in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= minimum][
        :limit
    ]
