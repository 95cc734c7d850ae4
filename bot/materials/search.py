"""Search over the catalogue: accent- and case-insensitive, title matches first.

The catalogue is small (tens to a few hundred materials), so ranking runs in Python over
the visible rows rather than in SQL; that keeps Vietnamese folding in one place (bot.text.fold).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.text import fold
from storage.models import Material

_HTML_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")
QUERY_MIN = 2
QUERY_MAX = 100


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_TYPED_SEARCH = re.compile(
    r"^(?:cho\s+(?:toi|minh|em|chau)\s+)?(?:xin\s+|please\s+)?"
    r"(?:tim(?:\s+kiem)?|kiem|xem|search(?:\s+for)?|find|look\s+for|show(?:\s+me)?)?\s*"
    r"(?:cac\s+|nhung\s+|mot\s+so\s+|some\s+|the\s+)?"
    r"(?:tai\s+lieu|to\s+roi|to\s+gap|ap\s+phich|posters?|materials?|leaflets?)\s+"
    r"(?:ve\s+|noi\s+ve\s+|about\s+|on\s+)?(?P<words>.+?)"
    r"(?:\s+(?:khong|nao|nhe|voi|a|please))*$"
)


_FILLERS = frozenset({"nao", "khong", "gi", "a", "nhe", "voi", "di", "any", "please"})


def typed_query(text: str | None) -> str | None:
    """The search in a sentence typed anywhere: "tìm tài liệu bạo lực" → "bao luc",
    "có tài liệu về xâm hại không?" → "xam hai"; None when only the materials are named."""
    typed = _WORD.findall(text or "")  # as typed, to show the words back with their accents
    folded = " ".join(fold(token) for token in typed)
    skipped = 1 if folded.startswith("co ") else 0  # "có tài liệu … không?"
    match = _TYPED_SEARCH.match(folded[len("co ") :] if skipped else folded)
    if not match:
        return None
    if set(match["words"].split()) <= _FILLERS:  # "có tờ rơi nào không?"
        return None
    first = skipped + len(match.string[: match.start("words")].split())
    count = len(match["words"].split())
    return clean_query(" ".join(typed[first : first + count]))


# A search is a few words; a longer message in the materials menu is a message to answer.
SEARCH_WORDS_MAX = 8


def looks_like_search(text: str) -> bool:
    """A few words, or a sentence asking for materials ("tìm tài liệu về …")."""
    return len(words(text)) <= SEARCH_WORDS_MAX or typed_query(text) is not None


def clean_query(text: str | None) -> str | None:
    """The query as typed, or None if it has no word of at least two letters."""
    query = (text or "").strip()[:QUERY_MAX]
    return query if any(len(word) >= QUERY_MIN for word in words(query)) else None


def _haystack(text: str) -> str:
    return " " + " ".join(words(_HTML_TAG.sub(" ", text))) + " "


def _score(field: str, phrase: str, tokens: list[str]) -> int:
    """3 = the whole phrase as words, 2 = the phrase starts a word ("bao" → "bạo lực"),
    1 = every word starts a word somewhere ("luc bao" → "bạo lực"); 0 = no match.

    Matching word starts, not any substring, keeps "em" from matching "thêm" or "kem"."""
    if f" {phrase} " in field:
        return 3
    if f" {phrase}" in field:
        return 2
    if all(f" {token}" in field for token in tokens):
        return 1
    return 0


def rank(materials: Iterable[Material], query: str) -> list[Material]:
    """Materials matching every word of `query`; title matches first, then summary, then body.

    Within a level, closer matches (whole phrase, word starts) come first, then catalogue order.
    """
    tokens = [token for token in words(query) if token]
    if not tokens:
        return []
    phrase = " ".join(tokens)
    scored = []
    for index, material in enumerate(materials):
        titles = _haystack(f"{material.title} {material.title_en}")
        summaries = _haystack(f"{material.summary} {material.summary_en}")
        body = _haystack(material.body)
        title_score = _score(titles, phrase, tokens)
        if title_score:
            key = (0, -title_score)
        else:
            summary_score = _score(summaries, phrase, tokens)
            if summary_score:
                key = (1, -summary_score)
            else:
                everything = titles + summaries + body
                body_score = _score(everything, phrase, tokens)
                if not body_score:
                    continue
                key = (2, -body_score)
        scored.append((key, index, material))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [material for _key, _index, material in scored]


def closest(
    materials: Iterable[Material], text: str, limit: int = 2, minimum: int = 3
) -> list[Material]:
    """Materials closest to a whole message (not every word must match), best first."""
    from bot.info import closeness, content_words

    query = content_words(text)
    if not query:
        return []
    scored = [
        (
            closeness(query, f"{m.title} {m.title_en}", f"{m.summary} {m.summary_en}", m.body),
            index,
            m,
        )
        for index, m in enumerate(materials)
    ]
    return [m for score, _i, m in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= minimum][
        :limit
    ]
