"""Recognising danger in free Vietnamese (and English) text, the way people type on phones.

The rules live in `content/safety_patterns.json`, so staff can edit them without a release.
This module only knows how to read and apply them:

- Text is split into syllables. Each syllable keeps what the person typed and, for SMS and
  teen spellings ("ko", "hok", "hông", "e", "bme", "j", "wa"), the words it may stand for;
  teen letter swaps are undone too ("jết" → "giết", "wá" → "quá", "fải" → "phải",
  "zìa" → "vìa", "mìnk" → "mình", "cứuuu" → "cứu").
- A typed syllable matches a pattern syllable when they agree on everything the person did
  type: "dap" matches "đập" (no accents typed), "đập" matches "đập", but "đáp" (another tone)
  does not. So half-accented typing ("thằng bé bi đập") is understood, and "đáp án" is not
  "đập".
- A pattern of one bare syllable ("hiếp") only matches a syllable typed with its accents:
  unaccented, single syllables are too ambiguous ("Hiep Phuoc" is a place). Patterns of two
  or more syllables ("bi danh", "muon chet") match without accents.
- A capitalised syllable in the middle of a sentence, typed without accents, is taken as a
  name ("anh Danh", "Le Van Dap") and matches only itself.
- Telex typed with the phone's Vietnamese mode off ("bij ddanhs", "nguwowif") is read as the
  syllables it stands for ("bị đánh", "người"), unless the text is English.
- Everyday phrases that share syllables with danger words ("đánh răng", "danh sách",
  "đạp xe") are removed before matching. One may carry a guard (`unless_after`,
  `unless_before`, `within`): "té cầu thang u đầu" is a fall, but not after "đẩy em"; an
  all-clear word ("ổn rồi") counts only after the danger and when nothing after it says the
  danger goes on.
- Rules are sequences: a passive "bị" + a harm verb, a person + a harm verb + a child word,
  a first-person wish to die… with small gaps allowed between the parts. The general ones
  are templates written once and applied to every class of harm (violence, sexual,
  confinement, deprivation, taking away, exploitation), so a verb added to a class is known
  to every way of speaking of it. A negation in the three words before a harm verb ("chưa
  từng bị ai đánh") and a game or film just before ("game… bị giết hoài") cancel it.
- A question *about* a topic ("dấu hiệu trẻ bị xâm hại là gì") is informational and does not
  raise the alarm; a disclosure never is: as soon as the text points at a real child or at
  the writer ("bé nhà bên", "con tôi", "em bị", "hôm qua"), it raises it. A hypothetical
  question or news ("nếu nghi ngờ hàng xóm…", "đọc báo thấy…") is informational unless the
  writer speaks of their own harm. Abuse found together with a sign that it is happening
  now ("đang", "cứu") is marked `now`. Rules marked
  `topic: false` (first-person self-harm, danger happening now, a missing child) always do,
  unless the question speaks of children in general and of no one in particular ("dấu hiệu
  nào cho thấy trẻ đang bị bạo hành": `informational.topic_frames` + `topic_subjects`).
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, KeysView, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.content import CONTENT_DIR, read_json
from bot.safety.model import MODEL_FILE, Model, load_model

PATTERNS_FILE = "safety_patterns.json"

# The per-word caches hold the syllables people type, which are few in Vietnamese (a few
# thousand cover nearly all text): 4,096 entries keep most hits and bound what a long-running
# process keeps (~200 B an entry; at 65,536 the caches grew by ~40 MiB on varied text).
_WORDS_CACHED = 4096
_TONES = {"\u0301", "\u0300", "\u0309", "\u0303", "\u0323"}  # sắc huyền hỏi ngã nặng
_WORD = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
# A word or two of killing or taking in quotation marks is a word used, not a thing done:
# 'thằng bạn "bắt cóc" cây bút của tui', 'bị "giết" trong trò trốn tìm' (the words of games
# and films, `fiction.words`), and so is a quoted "bị" or "bỏ nhà" said in jest
# (`fiction.quoted`). A quoted sentence is still read, and a quoted "cứu" always.
_SCARE_QUOTE = re.compile(r'["“”„]\s*([^"“”„\n]{1,30}?)\s*["“”„]')
_SCARE_QUOTE_WORDS = 2
# What the model also reads beyond the words: laughter, tears, a black or broken heart.
_MARKS = (
    ("xxlaugh", re.compile(r"[😂🤣😆😅😁😄😃😀😹😝😜🤭😛]|[:=]\)\)+|\bk{3,}\b")),
    ("xxcry", re.compile(r"[😭😢🥺😞😔😿]|:\(\(+")),
    ("xxheart", re.compile(r"[🖤💔🥀]")),
)
_SENTENCE_END = re.compile(r"[.!?\n]")
# Where the model's veto reads a sentence apart: an ellipsis ("tui bỏ nhà đi... siêu thị") goes
# on with the same thought; a report's heading ends at its colon ("Báo cáo nhanh: trẻ…").
_VETO_SENTENCE_END = re.compile(r"(?<!\.)[.!?](?!\.)|:(?!\d)|\n")


def fold(text: str) -> str:
    # Plain ASCII has nothing to strip: lowercasing is the whole fold, cheaper than the cache,
    # and the cache keeps only accented words (numbers and unaccented typing left out).
    if text.isascii():
        return text.lower()
    return _fold_accented(text)


def _fold_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped.replace("đ", "d"))


_fold_accented = lru_cache(maxsize=_WORDS_CACHED)(_fold_letters)


def _fold_pattern(text: str) -> str:
    """`fold` without its cache, for the patterns' syllables folded once while loading: the
    cache would hold ~1,400 of them (~160 kB at the loading peak) only to be cleared."""
    return text.lower() if text.isascii() else _fold_letters(text)


@lru_cache(maxsize=_WORDS_CACHED)
def _split_tone(syllable: str) -> tuple[str, str | None]:
    """('đập' → 'đâp', dot below): the syllable without its tone mark, and the mark."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((ch for ch in decomposed if ch in _TONES), None)
    bare = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", bare), tone


def _is_accented(syllable: str) -> bool:
    return fold(syllable) != syllable


# Telex typed with the phone's Vietnamese mode off ("bij ddanhs" for "bị đánh", "nguwowif"
# for "người"): the keys that would have made the marks are left in the word. No Vietnamese
# syllable ends in s, f, r, x or j, nor has "dd", "aa", "ee", "oo" (but "oong"), "aw", "ow",
# "uw" in it, so a word that is no syllable but becomes one is read as the syllable too.
_ONSETS = frozenset((
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
))  # fmt: skip
_CODAS = ("ng", "nh", "ch", "c", "m", "n", "p", "t", "")
_NUCLEI = frozenset((
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu",
    "ây", "eo", "êu", "ia", "iê", "iêu", "iu", "oa", "oă", "oai", "oao", "oay", "oe", "oeo",
    "oi", "ôi", "ơi", "ua", "uâ", "uây", "uê", "ui", "uô", "uôi", "uơ", "uy", "uya", "uyê",
    "uyu", "ưa", "ưi", "ươ", "ươi", "ươu", "ưu", "yê", "yêu",
))  # fmt: skip
_TELEX_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_TELEX_MARKS = (("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"), ("ow", "ơ"), ("uw", "ư"))
_MARKED = "ăâêôơư"
# (Not those that are also unaccented Vietnamese: "me", "to", "no", "be", "can", "in"…)
_ENGLISH = frozenset((
    "the", "and", "or", "my", "your", "his", "her", "our", "their", "is", "are", "was", "were",
    "been", "you", "she", "they", "him", "them", "of", "for", "with", "from", "this", "that",
    "what", "how", "does", "did", "not", "will", "would", "should", "have", "has", "had",
))  # fmt: skip


def _syllable_parts(word: str) -> tuple[str, str, str] | None:
    """(onset, vowels, coda) of an unaccented-or-marked syllable, or None if it is none."""
    for coda in _CODAS:
        if coda and not word.endswith(coda):
            continue
        rest = word[: len(word) - len(coda)]
        for size in (3, 2, 1, 0):
            onset, vowels = rest[:size], rest[size:]
            if onset in _ONSETS and (vowels in _NUCLEI or (vowels == "oo" and coda in ("ng", "c"))):
                return onset, vowels, coda
    return None


@lru_cache(maxsize=_WORDS_CACHED)
def telex(word: str) -> str | None:
    """The syllable a word typed in Telex with the marks left as letters stands for ("ddanhs"
    → "đánh", "tooi" → "tôi", "bij" → "bị"), or None (a syllable already, or no Telex)."""
    if not word.isascii() or not word.isalpha() or len(word) < 2 or _syllable_parts(word):
        return None
    tone = _TELEX_TONES.get(word[-1])
    letters = word[:-1] if tone or word[-1] == "z" else word
    if letters.startswith("dd"):
        letters = "đ" + letters[2:]
    for keys, mark in _TELEX_MARKS:
        letters = letters.replace(keys, mark)
    letters = letters.replace("ưo", "ươ")
    if letters == word or "w" in letters:
        return None
    parts = _syllable_parts(letters)
    if parts is None:
        return None
    onset, vowels, coda = parts
    if not vowels or (coda in ("c", "ch", "p", "t") and tone not in (None, "\u0301", "\u0323")):
        return None
    if tone is None:
        return letters
    # The tone goes on the marked vowel ("ươ": the second), else on the last vowel before a
    # final consonant, else the first of two ("mùa") but the second of "oa", "oe", "uy".
    marked = [i for i, ch in enumerate(vowels) if ch in _MARKED]
    if marked:
        at = marked[-1]
    elif coda or len(vowels) == 1:
        at = len(vowels) - 1
    elif vowels in ("oa", "oe", "uy") or len(vowels) == 3:
        at = 1
    else:
        at = 0
    toned = vowels[: at + 1] + tone + vowels[at + 1 :]
    return unicodedata.normalize("NFC", onset + toned + coda)


# Teen and SMS letter swaps, undone before matching: "jết" → "giết", "wa" → "qua", "fải" →
# "phải", "zìa" → "vìa"/"dìa", "kon" → "con", "mìnk" → "mình", "cứuuu" → "cứu".
_LETTER_SWAPS = (
    (re.compile(r"^j"), ("gi",)),
    (re.compile(r"^w"), ("qu",)),
    (re.compile(r"^f"), ("ph",)),
    (re.compile(r"^dz"), ("d", "gi")),
    (re.compile(r"^z"), ("v", "d", "gi")),
    (re.compile(r"^k(?=[aăâoôơuư])"), ("c",)),
    (re.compile(r"nk$"), ("nh",)),
    (re.compile(r"(?<=[iê])k$"), ("ch", "t")),
)
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


@lru_cache(maxsize=_WORDS_CACHED)
def typed_variants(word: str) -> tuple[str, ...]:
    """What a syllable typed the teen or SMS way may stand for (without the word itself)."""
    variants: list[str] = []
    collapsed = _REPEATS.sub(r"\1", word)
    if collapsed != word:
        variants.append(collapsed)
    for pattern, replacements in _LETTER_SWAPS:
        if pattern.search(collapsed):
            variants.extend(
                pattern.sub(replacement, collapsed, count=1) for replacement in replacements
            )
    return tuple(dict.fromkeys(v for v in variants if v != word))


@dataclass(frozen=True, slots=True)
class _Token:
    forms: tuple[str, ...]  # what was typed, then what an SMS spelling stands for
    name_like: bool
    digit: bool
    start: int  # character offset in the original text, for reporting what matched
    end: int
    # The forms without marks, folded once per message rather than once per rule tried.
    folded: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", tuple(fold(form) for form in self.forms))


@lru_cache(maxsize=_WORDS_CACHED)
def _agrees_marks(form: str, pattern: str, need_accent: bool) -> bool:
    """Whether a typed syllable agrees with a pattern syllable (same letters) on every mark
    typed."""
    if not _is_accented(form):
        return not (need_accent and _is_accented(pattern))
    bare, tone = _split_tone(form)
    pattern_bare, pattern_tone = _split_tone(pattern)
    if tone is not None and tone != pattern_tone:
        return False
    # Vowel marks typed must be the pattern's ("cáu" is not "cấu"); only a "d" typed for "đ"
    # is forgiven, and a missing tone ("đâp" for "đập").
    return bare == pattern_bare or bare == pattern_bare.replace("đ", "d")


class _Syllable:
    """A syllable of a pattern, and the phrase of that one syllable: `strict` when it matches
    only a syllable typed with its accents ("=hiếp"). The syllables are few (~2,000) and
    shared by every phrase and rule that has them; a phrase of several is a `_Phrase`."""

    __slots__ = ("text", "folded", "strict")

    def __init__(self, text: str, folded: str, strict: bool) -> None:
        self.text = text
        self.folded = folded
        self.strict = strict

    def match_at(self, tokens: list[_Token], index: int) -> int | None:
        """The index after the syllable if it is typed at `index`, else None."""
        if index >= len(tokens):
            return None
        token = tokens[index]
        if self.text == "#":  # any number ("#": "3")
            return index + 1 if token.digit else None
        # A name ("anh Danh") is not a lone danger syllable.
        if token.name_like:
            return index + 1 if token.forms[0] == self.text else None
        for form, folded in zip(token.forms, token.folded, strict=True):
            if folded == self.folded and _agrees_marks(form, self.text, self.strict):
                return index + 1
        return None


class _Phrase(tuple[_Syllable, ...]):
    """A phrase of two or more syllables to match one after another (a tuple: no more
    memory than its syllables)."""

    __slots__ = ()

    def match_at(self, tokens: list[_Token], index: int) -> int | None:
        """The index after the phrase if it starts at `index`, else None."""
        position = index
        for syllable in self:
            if position >= len(tokens):
                return None
            token = tokens[position]
            if syllable.text == "#":  # any number ("# ngày": "3 ngày")
                if not token.digit:
                    return None
            # A name may be part of a longer phrase ("Trung Quoc").
            elif not any(
                folded == syllable.folded and _agrees_marks(form, syllable.text, syllable.strict)
                for form, folded in zip(token.forms, token.folded, strict=True)
            ):
                return None
            position += 1
        return position


# A part of a product: its choices, the same needing their accents (the very same tuple when
# the product has no choice that needs them), and whether each needs them. Three tuples a
# part, not one a choice (~600 of them, ~38 kB).
_Part = tuple[tuple[_Phrase, ...], tuple[_Phrase, ...], tuple[bool, ...]]


class _Product(tuple[_Part, ...]):
    """Every phrase made of one choice from each of two or more parts (["nhốt|cột",
    "{animals}"]: "nhốt con mèo", "cột chó"…), kept as its parts instead of as thousands of
    phrases (the everyday phrases of `ignore` were ~5,000 of the rules' ~8,000). A choice is
    its syllables, the same needing their accents, and whether it needs them (`_Part`): a
    phrase with a choice that needs its accents needs them whole, as `Matcher._phrases` reads
    it."""

    __slots__ = ()

    @property
    def first_keys(self) -> set[str]:
        return {loose[0].folded for loose in self[0][0]}

    @property
    def longest(self) -> int:
        return sum(max((len(loose) for loose in part[0]), default=0) for part in self)

    def match_at(self, tokens: list[_Token], index: int) -> int | None:
        """The index after the longest of its phrases that starts at `index`, else None (the
        everyday phrases mask the longest one: `Matcher._without_everyday_phrases`)."""
        ends = [
            *self._ends(tokens, 0, index, strict=False, needed=False),
            *self._ends(tokens, 0, index, strict=True, needed=False),
        ]
        return max(ends, default=None)

    def _ends(
        self, tokens: list[_Token], part: int, position: int, strict: bool, needed: bool
    ) -> Iterator[int]:
        # Loosely: no choice that needs its accents; strictly: every syllable with its
        # accents, and one choice at least that needs them.
        if part == len(self):
            if needed or not strict:
                yield position
            return
        loose, with_accents, needs = self[part]
        for choice, needs_accents in zip(with_accents if strict else loose, needs, strict=True):
            if needs_accents and not strict:
                continue
            end = choice.match_at(tokens, position)
            if end is not None:
                yield from self._ends(tokens, part + 1, end, strict, needed or needs_accents)


_Term = _Syllable | _Phrase
_NUMBER = _Syllable("#", "#", False)


def _syllables(term: _Term) -> tuple[_Syllable, ...]:
    return (term,) if isinstance(term, _Syllable) else term


# What an element holds: a syllable, a phrase, or the phrases of a product.
_AnyTerm = _Term | _Product


def _first_keys(term: _AnyTerm) -> Iterable[str]:
    if isinstance(term, _Product):
        return term.first_keys
    return (_syllables(term)[0].folded,)


def _length(term: _AnyTerm) -> int:
    return term.longest if isinstance(term, _Product) else len(_syllables(term))


class _Terms:
    """What the rules are compiled from, kept while they load: every syllable and phrase made
    once and shared (the same ones come back thousands of times in the rules the templates
    make), and the tuples of phrases the parts index by their first syllable."""

    def __init__(self) -> None:
        # The syllables by their text: those that need their accents, and the others.
        self.syllables: tuple[dict[str, _Syllable], dict[str, _Syllable]] = ({}, {})
        self.folds: dict[str, str] = {}
        self.phrases: dict[_Phrase, _Phrase] = {}
        self.tuples: dict[tuple[_AnyTerm, ...], tuple[_AnyTerm, ...]] = {}
        self.elements: dict[int, _Element] = {}
        self.clashes: dict[tuple, _Element] = {}
        self.parts: dict[_Part, _Part] = {}

    def syllable(self, text: str, strict: bool) -> _Syllable:
        if text == "#":
            return _NUMBER
        known = self.syllables[strict]
        found = known.get(text)
        if found is None:
            found = known[text] = self._made(text, strict)
        return found

    def _made(self, text: str, strict: bool) -> _Syllable:
        # The same letters are one string: a syllable's with and without its accents needed,
        # and the folded letters ("dap") of those that fold ("đập", "đáp") and of the syllable
        # that is them. Only the folded are kept for that (`folds`, ~800): a table of every
        # string (~2,900) was still whole at the loading peak.
        other = self.syllables[not strict].get(text)
        if other is not None:
            return _Syllable(other.text, other.folded, strict)
        text = self.folds.get(text, text)
        folded = _fold_pattern(text)
        if folded == text:
            return _Syllable(text, text, strict)
        same = self.syllables[False].get(folded) or self.syllables[True].get(folded)
        folded = same.text if same is not None else self.folds.setdefault(folded, folded)
        return _Syllable(text, folded, strict)

    def term(self, text: str, need_accent: bool = False) -> _Term:
        text = text.strip()
        if text.startswith("="):
            need_accent, text = True, text[1:].strip()
        if text == "#":
            return _NUMBER
        parts = re.findall(r"#|\d+|[^\W\d_]+", text.lower())
        if not parts:
            raise ValueError(f"empty safety pattern term: {text!r}")
        return self.of([self.syllable(part, need_accent) for part in parts])

    def of(self, syllables: list[_Syllable] | tuple[_Syllable, ...]) -> _Term:
        if len(syllables) == 1:
            return syllables[0]
        phrase = _Phrase(syllables)
        return self.phrases.setdefault(phrase, phrase)

    def strict(self, term: _Term) -> _Term:
        """The phrase with every syllable needing its accents ("hiếp", not "hiep")."""
        return self.of([self.syllable(s.text, True) for s in _syllables(term)])

    def loose(self, term: _Term) -> _Term:
        return self.of([self.syllable(s.text, False) for s in _syllables(term)])

    def element(self, kind: str, terms: Iterable[_Term | _Product] = (), gap: int = 0) -> _Element:
        """A part of a rule; the same part of many rules is made once (~800 parts are ~300).
        The parts are known by their hash, then told apart by what they hold: their terms
        kept as keys (~130 kB) were still whole at the loading peak."""
        terms = tuple(terms)
        made = _Element(kind, terms, gap, self.tuples)
        key = hash((kind, terms, gap))
        found = self.elements.setdefault(key, made)
        if found is made or found.same(made):
            return found
        # Another part with the same hash (hardly ever): known by all it is made of.
        return self.clashes.setdefault((kind, terms, gap), made)


def _as_tuple(found: _AnyTerm | tuple[_AnyTerm, ...]) -> tuple[_AnyTerm, ...]:
    """What `_Element` keeps under a key, as a tuple of terms."""
    return found if type(found) is tuple else (found,)  # type: ignore[return-value]


class _Element:
    __slots__ = ("kind", "gap", "longest", "_by_first", "_numbers")

    def __init__(
        self,
        kind: str,  # "terms" | "gap" | "not_next" | "not_before"
        terms: tuple[_AnyTerm, ...] = (),
        gap: int = 0,
        shared: dict[tuple[_AnyTerm, ...], tuple[_AnyTerm, ...]] | None = None,
    ) -> None:
        self.kind = kind
        self.gap = gap
        # The longest phrase, in syllables (a number counts one).
        self.longest = max((_length(term) for term in terms), default=1)
        # The terms by the folded letters of their first syllable ("#": any number). A term
        # alone under its key is kept bare, not in a tuple of one (~2,400 such tuples were
        # ~115 kB); the same tuple of several in many parts is kept once.
        index: dict[str, list[_AnyTerm]] = {}
        for term in terms:
            for key in _first_keys(term):
                index.setdefault(key, []).append(term)
        shared = {} if shared is None else shared
        self._by_first: dict[str, _AnyTerm | tuple[_AnyTerm, ...]] = {}
        for key, found in index.items():
            if len(found) == 1:
                self._by_first[key] = found[0]
            else:
                group = tuple(found)
                self._by_first[key] = shared.setdefault(group, group)
        self._numbers = _as_tuple(self._by_first.get("#", ()))

    @property
    def first_keys(self) -> KeysView[str]:
        return self._by_first.keys()

    def same(self, other: _Element) -> bool:
        """Whether the two match the same (their terms are shared: the same terms under the
        same keys, in the same order)."""
        return (self.kind, self.gap, self.longest) == (other.kind, other.gap, other.longest) and (
            list(self._by_first.items()) == list(other._by_first.items())
        )

    def ends_at(self, tokens: list[_Token], index: int) -> bool:
        """Whether one of the phrases ends right before `index` ("không bao giờ" + "đánh")."""
        if index <= 0:
            return False
        for start in range(max(0, index - self.longest), index):
            for term in self.candidates(tokens, start):
                if term.match_at(tokens, start) == index:
                    return True
        return False

    def candidates(self, tokens: list[_Token], index: int) -> Sequence[_AnyTerm]:
        """The terms that can start at `index`: those whose first syllable has its letters."""
        if index >= len(tokens):
            return ()
        by_first = self._by_first
        keys = tokens[index].folded
        # A term alone is kept bare (phrases and products are tuples, of a subclass: the
        # exact type tells them from a tuple of terms, which mypy does not narrow by).
        found: Any
        if len(keys) == 1:
            found = by_first.get(keys[0])
            if found is None:  # most syllables start no term: the quickest way out first
                return self._numbers
            if type(found) is not tuple:
                found = (found,)
            return self._numbers + found if self._numbers else found
        terms: list[_AnyTerm] = list(self._numbers)
        for key in keys:
            found = by_first.get(key)
            if found is None:
                continue
            if type(found) is tuple:
                terms.extend(found)
            else:
                terms.append(found)
        return terms


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: str
    topic: bool  # a question about the topic may use it without raising the alarm
    now: bool  # danger happening right now: police 113 and ambulance 115 first
    elements: tuple[_Element, ...]
    # `firm: true`: a rape told of, a harm done habitually, a friend's harm, a child's harm
    # told in English (which the model has read little of): the model never takes its match
    # back, and it is still heard after the model took back another rule's. Being firm says
    # nothing of questions: `topic` does.
    firm: bool = False

    def could_match(self, keys: set[str]) -> bool:
        """A quick necessary condition: every part has a phrase whose first syllable is in
        the text (`keys`: the folded syllables of the text, and "#" if it has a number)."""
        return all(
            element.kind != "terms" or not keys.isdisjoint(element.first_keys)
            for element in self.elements
        )

    def search(
        self, tokens: list[_Token], found_anywhere: dict[int, bool] | None = None
    ) -> tuple[int, int] | None:
        # Every part must occur somewhere before the costly search (long messages);
        # `found_anywhere` remembers it per part across the rules of one check.
        found_anywhere = {} if found_anywhere is None else found_anywhere
        for element in self.elements:
            if element.kind != "terms":
                continue
            key = id(element)
            if key not in found_anywhere:
                found_anywhere[key] = any(
                    term.match_at(tokens, index) is not None
                    for index in range(len(tokens))
                    for term in element.candidates(tokens, index)
                )
            if not found_anywhere[key]:
                return None
        for start in range(len(tokens)):
            end = self._match(tokens, 0, start, first=True)
            if end is not None:
                return start, end
        return None

    def _match(
        self, tokens: list[_Token], element_index: int, position: int, first: bool = False
    ) -> int | None:
        if element_index == len(self.elements):
            return position
        element = self.elements[element_index]
        if element.kind == "gap":
            for skip in range(element.gap + 1):
                if position + skip > len(tokens):
                    break
                end = self._match(tokens, element_index + 1, position + skip)
                if end is not None:
                    return end
            return None
        if element.kind == "not_next":
            if any(
                term.match_at(tokens, position) is not None
                for term in element.candidates(tokens, position)
            ):
                return None
            return self._match(tokens, element_index + 1, position, first)
        if element.kind == "not_before":
            if any(element.ends_at(tokens, position - back) for back in range(element.gap + 1)):
                return None
            return self._match(tokens, element_index + 1, position, first)
        for term in element.candidates(tokens, position):
            after = term.match_at(tokens, position)
            if after is not None:
                end = self._match(tokens, element_index + 1, after)
                if end is not None:
                    return end
        return None


@dataclass(frozen=True)
class Verdict:
    """Why a text looks like danger: the rule, its category and the words that matched."""

    category: str
    rule: str
    words: str
    now: bool


@dataclass(frozen=True, slots=True)
class _Guard:
    """When an everyday phrase or an all-clear word does not count: `unless_after` one of
    these ends at most `within` words before it ("xô em té cầu thang u đầu" is a push, not a
    fall), `unless_before` one of these starts at most `within` words after it ("thoát ra
    được rồi nhưng nó đang đuổi theo em"). `after_harm`: an all-clear word counts only after
    the words of the harm it clears ("bé đi lạc … tìm thấy rồi", not "hồi nhỏ" before)."""

    unless_after: _Element | None
    unless_before: _Element | None
    within: int
    after_harm: bool = False

    def allows(self, tokens: list[_Token], start: int, end: int) -> bool:
        before = self.unless_after
        if before is not None and any(
            before.ends_at(tokens, start - back) for back in range(min(self.within, start) + 1)
        ):
            return False
        after = self.unless_before
        return after is None or not any(
            term.match_at(tokens, index) is not None
            for index in range(end, min(len(tokens), end + self.within + 1))
            for term in after.candidates(tokens, index)
        )


# Everyday phrases (or all-clear words) and the guards of those that have one, by the term's
# identity: a phrase also listed without a guard has none.
_Guarded = tuple[_Element, dict[int, _Guard]]


def _mask_first(tokens: list[_Token], index: int, words: _Element) -> None:
    """Blank out the first of `words` that starts at `index` (a word no rule can match)."""
    for term in words.candidates(tokens, index):
        end = term.match_at(tokens, index)
        if end is not None:
            for masked in range(index, end):
                tokens[masked] = _Token(
                    ("\u2205",), True, False, tokens[masked].start, tokens[masked].end
                )
            return


def _drained(pending: list[dict]) -> Iterator[dict]:
    """The items of a list from its end, each taken out of it as it is read (and let go of
    once its reader is done with it)."""
    while pending:
        yield pending.pop()


class Matcher:
    def __init__(self, data: dict, model: Model | None = None, *, own: bool = False) -> None:
        # `own`: the parsed file is given away (`load`), and each of its sections is let go of
        # as soon as it is compiled: the file and the compiled rules are never both whole in
        # memory (~430 kB less at the loading peak; tests/test_safety_memory.py). Otherwise
        # `data` is left as it was (a cached copy may serve again).
        sections = dict(data)
        if own:
            data.clear()
        # The statistical second opinion (bot/safety/model.py), asked only when no rule
        # matched: a message it finds very likely to be a disclosure raises the alarm too,
        # unless it is a question about a topic.
        self.model = model
        # "ko": "không" (one word), "bme": "bố mẹ" (two), "wa": "quá|qua" (either).
        self._spellings = {
            unicodedata.normalize("NFC", key.lower()): tuple(_WORD.findall(value.lower()))
            if "|" not in value
            else (tuple(_WORD.findall(value.lower().replace("|", " "))),)
            for key, value in sections.pop("spellings", {}).items()
        }
        self._groups: dict[str, list[str]] = sections.pop("groups", {})
        self.categories: dict[str, dict] = sections.pop("categories")
        # Every syllable, phrase and part made once, while the rules are read.
        self._terms = _Terms()
        # The phrases of a group ("{child}", "{=verbs}"), read once for all the rules.
        self._by_group: dict[str, tuple[_Term, ...]] = {}
        self._ignore, self._ignore_guards = self._guarded_part(sections.pop("ignore", ()))
        # ... unless a longer phrase says otherwise: "cat co tay" is "cắt cổ tay" (a wrist),
        # never "cắt cỏ" (mowing).
        self._not_ignored = self._part(self._phrases(sections.pop("not_ignored", ())))
        informational = sections.pop("informational", {})
        self._frames = self._part(informational.get("frames", ()))
        self._referents = self._part(informational.get("referents", ()))
        self._generic = self._part(informational.get("generic", ()))
        # "nếu nghi ngờ…", "khi thấy…": a question about what to do, even when it names a
        # neighbour; only the writer's own harm ("em bị") still counts as a disclosure.
        self._hypothetical = self._part(informational.get("hypothetical", ()))
        self._first_person = self._part(informational.get("first_person", ()))
        # The writer named in the very words of the harm ("bố đánh em"): never a topic.
        self._own = self._part(self._phrases(informational.get("own", ()), products=True))
        # A question about a topic that speaks of children in general ("dấu hiệu nào cho thấy
        # trẻ đang bị bạo hành", "tại sao trẻ bị xâm hại thường không dám kể") and of no one
        # in particular, not even the writer: a question for every rule, those that hold even
        # in a question too (danger now, self-harm, a missing child).
        self._topic_frames = self._part(self._phrases(informational.get("topic_frames", ())))
        self._topic_subjects = self._part(self._phrases(informational.get("topic_subjects", ())))
        self._topic_pointers = self._part(self._phrases(informational.get("topic_pointers", ())))
        del informational
        self._writer = self._part(self._expand("{writer}"))
        # Killing and dying in a game or a film ("e bị giết hoài" in a game) is not harm.
        fiction = sections.pop("fiction", {})
        self._fiction_cues = self._part(fiction.get("cues", ()))
        self._fiction_words = self._part(fiction.get("words", ()))
        # A word or two in quotation marks is a word used: the words of games and films, and
        # those a writer puts in quotes to joke ('"bị" mẹ bắt quả tang', 'năm sau là "bỏ nhà"
        # đi Úc rồi': `fiction.quoted`).
        self._quoted_words = self._part((*fiction.get("words", ()), *fiction.get("quoted", ())))
        # ... and games with words of their own: being locked in is the play of an escape
        # room ("bị nhốt trong phòng 60 phút mới giải được mật mã"), not of every game.
        self._plays = [
            (
                self._part(play.get("cues", ())),
                self._part(play.get("words", ())),
            )
            for play in fiction.get("play", ())
        ]
        self._fiction_window = int(fiction.get("window", 8))
        # ... or just after ("tui bị giết trong game hoài", "bị giết 10 mạng liền").
        self._fiction_after = int(fiction.get("after", 4))
        del fiction
        self._resolved = {
            category: self._guarded_part(phrases, products=False)
            for category, phrases in sections.pop("resolved", {}).items()
        }
        # The rules of the file, each let go of once compiled (from a copy of the list when
        # it is the caller's), then those the templates make, one at a time.
        pending: list[dict] = sections.pop("rules")
        if own:
            pending.reverse()  # taken from the end: the first rule first
        else:
            pending = pending[::-1]
        templates, classes = sections.pop("templates", ()), sections.pop("classes", {})
        self._read_groups(pending, templates, classes)
        made = self._from_templates(templates, classes)
        del templates, classes
        del sections  # what is left: the file's comments
        raw_rules = itertools.chain(_drained(pending), made)
        self.rules = tuple(self._rule(index, raw) for index, raw in enumerate(raw_rules))
        del raw_rules, self._terms, self._groups, self._by_group  # needed only to read the rules
        self._now_rules = tuple(rule for rule in self.rules if rule.now)
        self._by_anchor = self._anchor_index(self.rules)
        self._now_by_anchor = self._anchor_index(self._now_rules)

    @staticmethod
    def _from_templates(templates: list[dict], classes: dict[str, dict]) -> Iterator[dict]:
        """Each template ("bị" + {$verbs}) applied to each class of harm that has the groups
        it names (violence, sexual, confinement…): one way of speaking, every kind of harm.
        Made one at a time, as the rules are compiled."""
        for template in templates:
            for name, harm in classes.items():
                wanted = set(re.findall(r"\{[=~]?\$(\w+)\}", " ".join(template["match"])))
                if template.get("for") and name not in template["for"]:
                    continue
                if not wanted <= set(harm):
                    continue

                def fill(found: re.Match[str], harm: dict = harm) -> str:
                    return "{" + found.group(1) + harm[found.group(2)] + "}"

                match = [re.sub(r"\{([=~]?)\$(\w+)\}", fill, part) for part in template["match"]]
                rule = {
                    "id": f"{template['id']}:{name}",
                    "category": harm["category"],
                    "match": match,
                }
                for key in ("topic", "now", "firm"):
                    if key in template:
                        rule[key] = template[key]
                yield rule

    # -- reading the data ---------------------------------------------------------------------
    def _phrases(self, entries: list, products: bool = False) -> Iterator[str | _Product]:
        """Everyday phrases: a phrase, or a list of parts, each "a|b|{group}", read as every
        phrase made of one of each (["nhốt|cột", "{animals}"]: "nhốt con mèo", "cột chó"…). A
        phrase with a part that needs its accents ("=chó") needs them whole. `products`: a
        list of two parts or more is kept as its parts (`_Product`), for a part where the
        longest match is wanted."""
        for entry in entries:
            if isinstance(entry, str):
                yield entry
                continue
            if products and len(entry) >= 2:
                yield self._product(entry)
                continue
            for parts in itertools.product(*(self._expand(part) for part in entry)):
                strict = any(part.startswith("=") for part in parts)
                yield ("=" if strict else "") + " ".join(part.lstrip("=") for part in parts)

    def _guarded_part(self, entries: Iterable, products: bool = True) -> _Guarded:
        """Phrases as `_phrases` reads them; an entry may be a dict, the phrase (`phrase`) and
        its guard (`unless_after`, `unless_before`: "a|b|{group}"; `within`: words, 3 if not
        said; `after_harm`)."""
        plain: list[_AnyTerm] = []
        guarded: list[tuple[_AnyTerm, _Guard]] = []
        for entry in entries:
            if not isinstance(entry, dict):
                plain.extend(self._term_of(p) for p in self._phrases([entry], products))
                continue
            guard = _Guard(
                self._part(self._expand(entry["unless_after"]))
                if "unless_after" in entry
                else None,
                self._part(self._expand(entry["unless_before"]))
                if "unless_before" in entry
                else None,
                int(entry.get("within", 3)),
                bool(entry.get("after_harm", False)),
            )
            guarded.extend(
                (self._term_of(p), guard) for p in self._phrases([entry["phrase"]], products)
            )
        unguarded = {id(term) for term in plain}
        guards: dict[int, _Guard] = {}
        for term, guard in guarded:
            if id(term) not in unguarded:
                guards.setdefault(id(term), guard)
        return self._terms.element("terms", (*plain, *(term for term, _ in guarded))), guards

    def _term_of(self, phrase: str | _Product) -> _AnyTerm:
        return self._terms.term(phrase) if isinstance(phrase, str) else phrase

    def _product(self, entry: list[str]) -> _Product:
        def phrase(term: _Term) -> _Phrase:
            # One syllable inside a longer phrase matches as a phrase does (a name too); made
            # once for every product that has it.
            if isinstance(term, _Phrase):
                return term
            single = _Phrase((term,))
            return self._terms.phrases.setdefault(single, single)

        expanded = [self._expand(spec) for spec in entry]
        # The phrases with their accents serve only a product with a choice that needs them
        # (`_Product._ends` yields a strict match only then): the others keep the loose ones.
        accents = any(text.startswith("=") for texts in expanded for text in texts)
        parts: list[_Part] = []
        for texts in expanded:
            loose = tuple(phrase(self._terms.term(text.lstrip("="))) for text in texts)
            strict = tuple(phrase(self._terms.strict(p)) for p in loose) if accents else loose
            part = (loose, strict, tuple(text.startswith("=") for text in texts))
            parts.append(self._terms.parts.setdefault(part, part))  # "{animals}": in several
        return _Product(parts)

    def _expand(self, spec: str) -> list[str]:
        phrases: list[str] = []
        for part in spec.split("|"):
            part = part.strip()
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1]
                # "{=group}": the group, its one-syllable words only with their accents;
                # "{~group}": the group, every word also without accents (for rules whose other
                # parts already make the meaning plain: "bi co giao tat vao mat").
                strict, loose = name.startswith("="), name.startswith("~")
                name = name.lstrip("=~")
                if name not in self._groups:
                    # A group the rules name is let go of as text once read as terms
                    # (`_read_groups`): phrases are expanded from text before that.
                    if name in self._by_group:
                        raise ValueError(f"safety pattern group {name!r} read as terms already")
                    raise ValueError(f"unknown safety pattern group {name!r}")
                for item in self._groups[name]:
                    for phrase in self._expand(item):
                        if (
                            strict
                            and not phrase.startswith("=")
                            and len(_WORD.findall(phrase)) == 1
                            and phrase != "#"
                        ):
                            phrase = "=" + phrase
                        if loose:
                            phrase = phrase.lstrip("=")
                        phrases.append(phrase)
            elif part:
                phrases.append(part)
        return phrases

    def _part(self, phrases: Iterable[str | _Product]) -> _Element:
        return self._terms.element(
            "terms", (self._terms.term(p) if isinstance(p, str) else p for p in phrases)
        )

    def _expand_terms(self, spec: str) -> list[_Term]:
        """The phrases of `_expand(spec)` read as terms, each group read once."""
        terms: list[_Term] = []
        for part in spec.split("|"):
            part = part.strip()
            if part.startswith("{") and part.endswith("}"):
                terms.extend(self._group_terms(part[1:-1]))
            elif part:
                terms.append(self._terms.term(part))
        return terms

    def _group_terms(self, name: str) -> tuple[_Term, ...]:
        found = self._by_group.get(name)
        if found is not None:
            return found
        # As `_expand`: "{=group}" its one-syllable words with their accents only, "{~group}"
        # every word also without them: both made from the group's own terms.
        strict, loose = name.startswith("="), name.startswith("~")
        terms = self._plain_group(name.lstrip("=~"))
        if strict:
            terms = tuple(
                self._terms.strict(term)
                if sum(1 for s in _syllables(term) if s is not _NUMBER) == 1
                else term
                for term in terms
            )
        if loose:
            terms = tuple(self._terms.loose(term) for term in terms)
        self._by_group[name] = terms
        return terms

    def _plain_group(self, group: str) -> tuple[_Term, ...]:
        """A group's terms, as `_expand_terms` reads each of its items."""
        found = self._by_group.get(group)
        if found is not None:
            return found
        if group not in self._groups:
            raise ValueError(f"unknown safety pattern group {group!r}")
        terms = [term for item in self._groups[group] for term in self._expand_terms(item)]
        found = self._by_group[group] = tuple(terms)
        return found

    def _read_groups(self, rules: list[dict], templates: Sequence[dict], classes: dict) -> None:
        """Reads as terms every group the rules name, and lets go of the groups' text: the
        rules need only their terms (the text, ~170 kB, was still whole at the loading peak,
        at the end of the rules)."""
        named = {
            name
            for raw in (*rules, *templates)
            for part in raw["match"]
            for name in re.findall(r"\{[=~]*(\w+)\}", part)
        }
        named.update(value for harm in classes.values() for value in harm.values())
        for name in sorted(named & self._groups.keys()):
            self._plain_group(name)
        self._groups = {
            name: items for name, items in self._groups.items() if name not in self._by_group
        }

    def _rule(self, index: int, raw: dict) -> Rule:
        category = raw["category"]
        if category not in self.categories:
            raise ValueError(f"rule {index}: unknown category {category!r}")
        defaults = self.categories[category]
        element = self._terms.element
        elements: list[_Element] = []
        parts = raw["match"]
        single = len([p for p in parts if not p.startswith(("~", "!"))]) == 1
        for part in parts:
            if part.startswith("~"):
                elements.append(element("gap", gap=int(part[1:])))
            elif part.startswith("!<"):
                # "!<3{negation}": none of these ends in the 3 words before ("chưa từng bị ai
                # đánh"); "!<{animals}": not the word right before.
                reach = re.match(r"!<(\d*)", part)
                assert reach is not None  # the part starts with "!<"
                elements.append(
                    element(
                        "not_before",
                        self._expand_terms(part[reach.end() :]),
                        gap=int(reach.group(1) or 0),
                    )
                )
            elif part.startswith("!"):
                elements.append(element("not_next", self._expand_terms(part[1:])))
            else:
                terms = self._expand_terms(part)
                if single:
                    # A bare single syllable standing alone needs its accents ("hiếp", not
                    # "hiep").
                    terms = [
                        self._terms.strict(term)
                        if isinstance(term, _Syllable) and term is not _NUMBER
                        else term
                        for term in terms
                    ]
                elements.append(element("terms", terms))
        return Rule(
            id=raw.get("id", f"{category}-{index}"),
            category=sys.intern(category),  # one string for the ~300 rules of ~8 categories
            topic=bool(raw.get("topic", defaults.get("topic", True))),
            now=bool(raw.get("now", defaults.get("now", False))),
            elements=tuple(elements),
            firm=bool(raw.get("firm", False)),
        )

    # -- text ---------------------------------------------------------------------------------
    def tokens(self, text: str) -> list[_Token]:
        text = unicodedata.normalize("NFC", text or "")
        found: list[_Token] = []
        sentence_start = True
        last_end = 0
        matches = list(_WORD.finditer(text))
        # English has words that read as Telex ("his", "room", "now"): not in an English text.
        english = sum(1 for match in matches if match.group().lower() in _ENGLISH) >= 2
        decoded = [None if english else telex(match.group().lower()) for match in matches]
        # A message typed in Telex reads as its syllables ("bij ddanhs"); in another a word
        # that happens to decode ("her" → "hẻ") keeps what was typed first, for the model.
        telex_typed = sum(1 for d in decoded if d) >= max(2, len(matches) / 5)
        for match, syllable in zip(matches, decoded, strict=True):
            between = text[last_end : match.start()]
            if _SENTENCE_END.search(between):
                sentence_start = True
            last_end = match.end()
            word = match.group()
            lower = word.lower()
            # A name keeps its letters unless they cannot be a name's ("Quoocs" is "Quốc"; "Us"
            # stays "Us").
            if syllable is not None and (
                sentence_start or not word[:1].isupper() or fold(syllable) != lower[:-1]
            ):
                sentence_start = False
                typed = (syllable, lower) if telex_typed else (lower, syllable)
                found.append(_Token(typed, False, False, match.start(), match.end()))
                continue
            name_like = (
                not sentence_start
                and word[:1].isupper()
                and word[1:].islower()
                and not _is_accented(lower)
                and len(word) > 1
            )
            sentence_start = False
            if lower.isdigit():
                found.append(_Token((lower,), False, True, match.start(), match.end()))
                continue
            spelled = self._spellings.get(lower) if not name_like else None
            if spelled and len(spelled) > 1:
                for part in spelled:
                    found.append(_Token((part,), False, False, match.start(), match.end()))
                continue
            if spelled and isinstance(spelled[0], tuple):  # alternatives
                forms = (lower, *spelled[0])
            else:
                forms = (lower, spelled[0]) if spelled else (lower,)
            if not name_like and not spelled and len(lower) > 1:
                forms = tuple(dict.fromkeys((*forms, *typed_variants(lower))))
            found.append(_Token(forms, name_like, False, match.start(), match.end()))
        return found

    def _without_everyday_phrases(
        self, tokens: list[_Token], phrases: _Element | None = None
    ) -> list[_Token]:
        exceptions = self._not_ignored if phrases is None else None
        guards = self._ignore_guards if phrases is None else {}
        phrases = self._ignore if phrases is None else phrases
        kept = list(tokens)
        index = 0
        while index < len(kept):
            if exceptions is not None and any(
                term.match_at(kept, index) is not None
                for term in exceptions.candidates(kept, index)
            ):
                index += 1
                continue
            # The longest everyday phrase starting here ('sơ cứu khi trẻ bị đuối nước', not
            # just 'sơ cứu').
            end = max(
                (
                    after
                    for term in phrases.candidates(kept, index)
                    if (after := term.match_at(kept, index)) is not None
                    and (
                        (guard := guards.get(id(term))) is None or guard.allows(kept, index, after)
                    )
                ),
                default=None,
            )
            if end is None:
                index += 1
                continue
            barrier = _Token(("\u2205",), True, False, kept[index].start, kept[end - 1].end)
            kept[index:end] = [barrier]
            index += 1
        return kept

    def _without_scare_quotes(self, text: str, tokens: list[_Token]) -> list[_Token]:
        spans = [
            found.span()
            for found in _SCARE_QUOTE.finditer(text)
            if len(_WORD.findall(found.group(1))) <= _SCARE_QUOTE_WORDS
        ]
        if not spans:
            return tokens
        kept = list(tokens)
        for index, token in enumerate(tokens):
            if not any(start < token.start < end for start, end in spans):
                continue
            _mask_first(kept, index, self._quoted_words)
        return kept

    def _without_fiction(self, tokens: list[_Token]) -> list[_Token]:
        """Masks the killing words of games and films when one is named just before."""
        for cue_words, words in ((self._fiction_cues, self._fiction_words), *self._plays):
            tokens = self._without_play(tokens, cue_words, words)
        return tokens

    def _without_play(
        self, tokens: list[_Token], cue_words: _Element, words: _Element
    ) -> list[_Token]:
        if not cue_words.first_keys:
            return tokens
        cues = [
            index
            for index in range(len(tokens))
            if any(
                term.match_at(tokens, index) is not None
                for term in cue_words.candidates(tokens, index)
            )
        ]
        if not cues:
            return tokens
        kept = list(tokens)
        for index in range(len(kept)):
            if not any(
                0 < index - cue <= self._fiction_window or 0 < cue - index <= self._fiction_after
                for cue in cues
            ):
                continue
            _mask_first(kept, index, words)
        return kept

    @staticmethod
    def _anchor_index(
        rules: tuple[Rule, ...],
    ) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
        """Rules by the first syllables of their most selective part, so that a check looks
        only at the rules whose anchor is in the text (most messages: a handful of the
        hundreds). Returns (first syllable → rule positions, rules without such a part)."""
        index: dict[str, list[int]] = {}
        unanchored: list[int] = []
        for position, rule in enumerate(rules):
            parts = [element.first_keys for element in rule.elements if element.kind == "terms"]
            if not parts:
                unanchored.append(position)
                continue
            for key in min(parts, key=len):
                index.setdefault(key, []).append(position)
        # Many syllables anchor the same rules (the words of one group): their tuple is kept
        # once.
        shared: dict[tuple[int, ...], tuple[int, ...]] = {}
        by_key: dict[str, tuple[int, ...]] = {}
        for key, found in index.items():
            positions = tuple(found)
            by_key[key] = shared.setdefault(positions, positions)
        return by_key, tuple(unanchored)

    @staticmethod
    def _candidates(
        rules: tuple[Rule, ...],
        anchors: tuple[dict[str, tuple[int, ...]], tuple[int, ...]],
        keys: set[str],
    ) -> list[Rule]:
        """The rules that could match, in their order in the file (the first match wins)."""
        index, unanchored = anchors
        positions = set(unanchored)
        for key in keys:
            positions.update(index.get(key, ()))
        return [
            rules[position] for position in sorted(positions) if rules[position].could_match(keys)
        ]

    @staticmethod
    def _contains(phrases: _Element, tokens: list[_Token]) -> bool:
        return any(
            term.match_at(tokens, i) is not None
            for i in range(len(tokens))
            for term in phrases.candidates(tokens, i)
        )

    @staticmethod
    def _all_clear(resolved: _Guarded, tokens: list[_Token], found: tuple[int, int]) -> bool:
        """Whether the message says the danger a rule found is over ("đã tìm thấy bé")."""
        phrases, guards = resolved
        for index in range(len(tokens)):
            for term in phrases.candidates(tokens, index):
                end = term.match_at(tokens, index)
                if end is None:
                    continue
                guard = guards.get(id(term))
                if guard is None:
                    return True
                if (not guard.after_harm or index >= found[1]) and guard.allows(tokens, index, end):
                    return True
        return False

    def check(self, text: str) -> Verdict | None:
        """The first rule that recognises danger in `text`, or None for everyday text."""
        if not text or not text.strip():
            return None
        tokens = self.read(text)
        keys = {key for token in tokens for key in token.folded}
        if any(token.digit for token in tokens):
            keys.add("#")
        informational: bool | None = None
        topic_question: bool | None = None
        found_anywhere: dict[int, bool] = {}
        # A rule's match the model took back silences the rules after it, but not the firm
        # ones (`firm: true`, which the model never takes back either): "hôm qua … bị anh ấy
        # hiếp" after a film is named. The model reads the whole message once.
        vetoed = False
        whole: dict[str, float] = {}
        for rule in self._candidates(self.rules, self._by_anchor, keys):
            if vetoed and not rule.firm:
                continue
            found = rule.search(tokens, found_anywhere)
            if found is None:
                continue
            resolved = self._resolved.get(rule.category)
            if resolved is not None and self._all_clear(resolved, tokens, found):
                continue
            start, end = found
            if not rule.firm and self._model_is_sure_it_is_calm(
                text, tokens, rule.topic, found, whole
            ):
                vetoed = True
                continue
            verdict = Verdict(
                rule.category, rule.id, text[tokens[start].start : tokens[end - 1].end], rule.now
            )
            if not rule.topic:
                if topic_question is None:
                    topic_question = self._topic_question(tokens)
                if not topic_question:
                    return self._with_now(verdict, tokens, keys)
                informational = True
                continue
            if informational is None:
                informational = self._informational(tokens)
            if not informational or self._writer_harmed(tokens, found):
                return self._with_now(verdict, tokens, keys)
        if vetoed:
            return None
        return self._second_opinion(text, tokens, keys, informational)

    def _informational(self, tokens: list[_Token]) -> bool:
        """A question about a topic, not about a real child or the writer."""
        # "trẻ em bị…" speaks of children in general: not a referent ("em bị").
        specific = self._without_everyday_phrases(tokens, self._generic)
        return (
            (
                self._contains(self._frames, tokens)
                and not self._contains(self._referents, specific)
                and not self._contains(self._topic_pointers, specific)
            )
            or (
                self._contains(self._hypothetical, tokens)
                and not self._contains(self._first_person, specific)
            )
            or self._topic_question(tokens)
        )

    def _writer_harmed(self, tokens: list[_Token], found: tuple[int, int]) -> bool:
        """The harm a rule found names the writer as the one harmed ("bố đánh em gãy tay, em
        trình báo ở đâu"): a disclosure asked as a question is still a disclosure. Only the
        rule's own words count (`informational.own`: "em", "tôi", "mình"…), children in
        general ("trẻ em", "các em") masked."""
        if not self._own.first_keys:
            return False
        first, last = tokens[found[0]].start, tokens[found[1] - 1].end
        specific = self._without_everyday_phrases(tokens, self._generic)
        inside = [t for t in specific if t.start >= first and t.end <= last]
        return self._contains(self._own, inside)

    def _points_at_a_child(self, tokens: list[_Token]) -> bool:
        """A question of a topic's shape (`topic_frames`, `topic_subjects`) that points at a
        child (`topic_pointers`: "đứa trẻ đó", "ngoài hẻm")."""
        return (
            self._contains(self._topic_frames, tokens)
            and self._contains(self._topic_subjects, tokens)
            and self._contains(
                self._topic_pointers, self._without_everyday_phrases(tokens, self._generic)
            )
        )

    def _topic_question(self, tokens: list[_Token]) -> bool:
        """A question about a topic (`topic_frames`: "dấu hiệu", "tại sao", "hướng dẫn") that
        speaks of children in general (`topic_subjects`: "trẻ bị", "đứa trẻ") and of no real
        child, nor of the writer ("em", "tôi", "con tôi", "hôm qua"), nor points at one
        (`topic_pointers`: "đứa trẻ đó", "ngoài hẻm", "bây giờ")."""
        if not self._topic_frames.first_keys or not self._contains(self._topic_frames, tokens):
            return False
        if not self._contains(self._topic_subjects, tokens):
            return False
        specific = self._without_everyday_phrases(tokens, self._generic)
        return not any(
            self._contains(phrases, specific)
            for phrases in (
                self._referents,
                self._first_person,
                self._writer,
                self._topic_pointers,
            )
        )

    def model_text(self, text: str) -> str:
        """The text as the model reads it: everyday phrases ("đánh răng") and names ("anh
        Danh") replaced by placeholders, the words of games and films masked."""
        return self._model_text(text, self.read(text))

    def read(self, text: str) -> list[_Token]:
        """The syllables the rules see: everyday phrases, the words of games and films, and a
        word or two in quotation marks masked."""
        tokens = self._without_fiction(self._without_everyday_phrases(self.tokens(text)))
        return self._without_scare_quotes(text, tokens)

    @staticmethod
    def _model_text(text: str, tokens: list[_Token]) -> str:
        words = []
        for token in tokens:
            if token.forms[0] == "\u2205":
                words.append("xxphrase")
            elif token.name_like:
                words.append("xxname")
            else:
                words.append(token.forms[0])
        words.extend(mark for mark, pattern in _MARKS if pattern.search(text))
        return " ".join(words)

    def _model_is_sure_it_is_calm(
        self,
        text: str,
        tokens: list[_Token],
        topic: bool,
        found: tuple[int, int] | None = None,
        whole: dict[str, float] | None = None,
    ) -> bool:
        """A rule matched, but the model finds the message almost certainly everyday ("sáng
        nay con đạp xe đi học, về nhớ khóa xe cẩn thận"): below `veto`, no alarm. A rule that
        holds even in a question (`topic: false`: self-harm in the first person, danger now, a
        missing child) is taken back only below the stricter `firm_veto`. In a message of
        several sentences the sentence the rule matched in must be everyday too: a long report
        of a collaborator's month ("tập huấn 2 buổi, tặng 40 phần quà… Có phụ huynh báo bé trai
        12 tuổi bị … sàm sỡ") reads as everyday as a whole."""
        if self.model is None or len(tokens) < self.model.veto_words:
            return False
        veto = self.model.veto if topic else self.model.firm_veto
        if not veto:
            return False
        # `whole`: the message's probability, kept by the caller across the rules of a check.
        whole = {} if whole is None else whole
        if "p" not in whole:
            whole["p"] = self.model.probability(self._model_text(text, tokens))
        if whole["p"] >= veto:
            return False
        # A question shaped like a topic's that points at a child ("tại sao đứa trẻ đó bị bỏ
        # rơi ngoài chợ"): the model reads the question's words as everyday, the rules have
        # found the child (`topic_pointers`).
        if self._points_at_a_child(tokens):
            return False
        if found is None:
            return True
        first, last = tokens[found[0]].start, tokens[found[1] - 1].end
        begin = max((m.end() for m in _VETO_SENTENCE_END.finditer(text, 0, first)), default=0)
        after = _VETO_SENTENCE_END.search(text, last)
        end = after.start() if after else len(text)
        if begin == 0 and end == len(text):
            return True  # one sentence: the message's verdict is the sentence's
        inside = [t for t in tokens if t.start >= begin and t.end <= end]
        sentence = text[begin:end]
        return self.model.probability(self._model_text(sentence, inside)) < veto

    def _second_opinion(
        self, text: str, tokens: list[_Token], keys: set[str], informational: bool | None
    ) -> Verdict | None:
        if self.model is None or len(tokens) < self.model.alone_words:
            return None
        model_text = self._model_text(text, tokens)
        probability = self.model.probability(model_text)
        lowest = min((self.model.threshold, *(t for _, t in self.model.category_thresholds)))
        if probability < lowest:
            return None
        if informational is None:
            informational = self._informational(tokens)
        # A question about a topic is not a disclosure, unless the model is all but certain
        # that it is one ("… giờ e ở trong 1 căn nhà ko biết ở đâu"): from `sure` on.
        if informational and not (self.model.sure and probability >= self.model.sure):
            return None
        category = self.model.category(model_text)
        if probability < self.model.threshold_for(category):
            return None
        if category not in self.categories:
            # A kind the rules do not know: the alarm stands, under the first kind.
            category = next(iter(self.categories))
        verdict = Verdict(
            category, "model", text, bool(self.categories[category].get("now", False))
        )
        return self._with_now(verdict, tokens, keys)

    def _with_now(self, verdict: Verdict, tokens: list[_Token], keys: set[str]) -> Verdict:
        """Abuse that is happening right now ("ba đang đánh em") puts 113 first too."""
        if verdict.now:
            return verdict
        for rule in self._candidates(self._now_rules, self._now_by_anchor, keys):
            if rule.search(tokens) is not None:
                return Verdict(verdict.category, verdict.rule, verdict.words, True)
        return verdict

    def found_in(self, text: str) -> str | None:
        """The words that look like danger, or None (the older interface of the callers)."""
        verdict = self.check(text)
        return verdict.words if verdict else None


@lru_cache(maxsize=4)
def load(
    name: str = PATTERNS_FILE, directory: Path = CONTENT_DIR, model: str | None = MODEL_FILE
) -> Matcher:
    """The rules, and the model beside them (`model=None`: the rules alone)."""
    # The model first, so that its loading peak is not on top of the parsed rules; the parsed
    # file is the matcher's to let go of as it compiles it (`own`).
    second = load_model(model, directory) if model is not None else None
    return Matcher(read_json(name, directory), second, own=True)
