"""A small statistical second opinion on danger: logistic regression over folded text.

The rules in `content/safety_patterns.json` fit the messages they were written from; on text
written by someone who never saw them they miss about one disclosure in four. This model looks
at the same text another way: every message is *folded* (lowercase, no diacritics, "đ" → "d",
teen and SMS spellings undone: "ko"/"hok"/"khum" → "khong", "e" → "em", "bme" → "bo me",
"dc" → "duoc", "j" → "gi", "wá" → "qua", repeated letters collapsed), so "e hok muốn sống"
and "em không muon song" are one text. Its features are the folded words, pairs of
neighbouring words, pairs of words two or three apart, and words after a negation, weighted
by a logistic regression trained offline (`scripts/train_safety_model.py`) on the labelled corpus in
`tests/data/`. Inference is pure Python: a dictionary look-up per feature.

The weights are data (`content/safety_model.json`); no run-time dependency.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, overload

from bot.content import CONTENT_DIR

MODEL_FILE = "safety_model.json"
_V = TypeVar("_V")
_D = TypeVar("_D")

# Folded teen and SMS spellings → folded standard words (one or more).
SMS = {
    "ko": "khong",
    "k": "khong",
    "kh": "khong",
    "khg": "khong",
    "kg": "khong",
    "hok": "khong",
    "hong": "khong",
    "hk": "khong",
    "khum": "khong",
    "hem": "khong",
    "k0": "khong",
    "kô": "khong",
    "e": "em",
    "a": "anh",
    "c": "chi",
    "cj": "chi",
    "t": "toi",
    "tui": "toi",
    "mik": "minh",
    "mk": "minh",
    "mh": "minh",
    "bme": "bo me",
    "bm": "bo me",
    "pme": "bo me",
    "j": "gi",
    "z": "vay",
    "dc": "duoc",
    "dk": "duoc",
    "ng": "nguoi",
    "ngta": "nguoi ta",
    "nta": "nguoi ta",
    "mn": "moi nguoi",
    "ck": "chong",
    "vk": "vo",
    "ny": "nguoi yeu",
    "r": "roi",
    "cx": "cung",
    "vs": "voi",
    "bit": "biet",
    "bik": "biet",
    "mun": "muon",
    "wa": "qua",
    "qa": "qua",
    "lm": "lam",
    "ms": "moi",
    "ns": "noi",
    "trc": "truoc",
    "thik": "thich",
    "bn": "ban",
    "nt": "nhan tin",
    "ib": "nhan tin",
    "vo": "vao",
    "zo": "vao",
    "zi": "vay",
    "h": "gio",
    "ji": "gi",
    "hg": "khong",
}
_SWAPS = (
    (re.compile(r"^j(?=[aeiouy])"), "gi"),
    (re.compile(r"^w"), "qu"),
    (re.compile(r"^f"), "ph"),
    (re.compile(r"^dz"), "d"),
    (re.compile(r"^z"), "d"),
    (re.compile(r"nk$"), "nh"),
)
_REPEATS = re.compile(r"(\w)\1{2,}")
_WORDS = re.compile(r"\d+|[^\W\d_]+")


def _fold_word(word: str) -> str:
    # A number folds to itself with its repeats collapsed (no SMS spelling or swap is all
    # digits): the cache would keep every number people type.
    if word.isascii() and word.isdigit():
        return _REPEATS.sub(r"\1", word)
    return _fold_letters(word)


@lru_cache(maxsize=4096)  # the words people type: few distinct ones (see matcher.py)
def _fold_letters(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d").replace("Đ", "d"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    bare = _REPEATS.sub(r"\1", bare)
    if bare in SMS:
        return SMS[bare]
    for pattern, replacement in _SWAPS:
        bare = pattern.sub(replacement, bare, count=1)
    return bare


def fold_words(text: str) -> list[str]:
    """The folded words of a text ("E hok muốn sống nữaaa" → em khong muon song nua)."""
    words: list[str] = []
    for word in _WORDS.findall(unicodedata.normalize("NFC", text or "")):
        words.extend(_fold_word(word).split())
    return words


# After a negation, the next few words are also seen as negated ("khong bao gio danh con":
# "danh" and "n:danh"): the model learns from the data what a negated word means.
NEGATIONS = {"khong", "chua", "chang", "cha", "never", "not", "no", "didn", "doesn", "don"}
NEGATION_REACH = 3
# Word pairs two and three apart. (Letters inside words, 4 and 5 at a time, and triples of
# neighbouring words were features once: measured on blind files left out, the letters added
# false alarms on lookalike words and no recall, the triples nothing but size.)
SKIPS = (2, 3)


def features(text: str) -> set[str]:
    return _features_of_folded(fold_words(text))


def _features_of_folded(words: list[str]) -> set[str]:
    found: set[str] = set()
    negated_until = -1
    for index, word in enumerate(words):
        if index <= negated_until:
            found.add("n:" + word)
        if word in NEGATIONS:
            negated_until = index + NEGATION_REACH
        found.add("w:" + word)
        if index + 1 < len(words):
            found.add("b:" + word + " " + words[index + 1])
        # Pairs with one or two words between ("muon ... song", "con ... ve"): a word put in
        # the middle does not hide a phrase.
        for skip in SKIPS:
            if index + skip < len(words):
                found.add("s:" + word + " " + words[index + skip])
    return found


def _category_features(text: str) -> list[str]:
    words = fold_words(text)
    return [
        *("w:" + w for w in words),
        *("b:" + a + " " + b for a, b in zip(words, words[1:], strict=False)),
    ]


def _key(name: str | bytes) -> int:
    """A name's stable 64-bit hash (blake2b of its UTF-8 bytes): the same in every process,
    unlike `hash()`."""
    data = name.encode() if isinstance(name, str) else name
    return int.from_bytes(_blake2b(data, digest_size=8).digest(), "little")


_blake2b = hashlib.blake2b


class _PackedKeys:
    """Feature names known by their 64-bit hashes only (`_key`), for a small process: an array
    of the hashes and an open-addressing index of their positions, at most half full (a
    look-up probes ~1.5 slots). The names themselves are not kept (~0.9 MiB for the model's
    47,000 names with their offsets): a name not in the file is taken for one of them only if
    their 64-bit hashes are equal (one look-up in ~4·10^14). Two names of the file with the
    same hash (or the same name twice) are told apart by name: the later ones are kept in a
    small dict, read again from the items (`again`: a function that reads them anew)."""

    __slots__ = ("_hashes", "_index", "_size", "_empty", "_clashes", "_later")

    def _pack(self, items: Iterable[tuple[str | bytes, _V]]) -> Iterator[tuple[str | bytes, _V]]:
        """`items` in order, the names hashed on the way; then the index."""
        hashes = array("Q")
        append, blake2b, from_bytes = hashes.append, _blake2b, int.from_bytes  # `_key`, inline
        for name, value in items:
            data = name.encode() if isinstance(name, str) else name
            append(from_bytes(blake2b(data, digest_size=8).digest(), "little"))
            yield name, value
        self._hashes = hashes
        # Any size works with `%`; twice the names plus one keeps the index half full. Its
        # slots hold positions in 16 bits while there are fewer than 65,535 names.
        self._size = size = 2 * len(hashes) + 1
        typecode, self._empty = ("H", 0xFFFF) if len(hashes) < 0xFFFF else ("i", -1)
        self._index = index = array(typecode, [self._empty]) * size
        empty = self._empty
        clashes: set[int] = set()
        for position, key in enumerate(hashes):
            slot = key % size
            while (other := index[slot]) != empty:
                if hashes[other] == key:
                    clashes.add(key)  # the first one stays in the index
                    break
                slot = slot + 1 if slot + 1 < size else 0
            else:
                index[slot] = position
        self._clashes = frozenset(clashes)
        self._later: dict[str, int] = {}

    def _tell_apart(self, items: Iterable[tuple[str | bytes, object]]) -> None:
        """The names of the file whose hash an earlier one has: their positions by name (the
        last one counts for a name given twice, as in a dict). `items` read again: only when
        there are such names (a collection, or an iterator made anew)."""
        if not self._clashes:
            return
        read = 0
        for position, (name, _) in enumerate(items):
            key = self._hashes[position]
            if key in self._clashes and self._slot_position(key) != position:
                self._later[name if isinstance(name, str) else name.decode()] = position
            read = position + 1
        if read != len(self._hashes):
            raise ValueError("feature names with the same hash: the items are needed again")

    def _slot_position(self, key: int) -> int:
        index, hashes, size, empty = self._index, self._hashes, self._size, self._empty
        slot = key % size
        while (position := index[slot]) != empty:
            if hashes[position] == key:
                return position
            slot = slot + 1 if slot + 1 < size else 0
        return -1

    def _position(self, name: str) -> int:
        key = _key(name)
        if key in self._clashes:
            later = self._later.get(name)
            if later is not None:
                return later
        return self._slot_position(key)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._position(name) >= 0

    def __len__(self) -> int:
        """The names read (the training script writes each name once)."""
        return len(self._hashes)


class _Scaled:
    """Values kept as 16-bit integers over `scale` while every one of them is exactly that
    (the file has them with at most 3 or 2 decimals: `k / scale` is then the very float that
    parsing the decimal gives, both being the closest double to the same number); from the
    first one that is not, as they are, over 1. Made as they come: no array of doubles on the
    way for the usual file."""

    __slots__ = ("values", "scale")

    def __init__(self, scale: int) -> None:
        self.values: array[Any] = array("h")
        self.scale = float(scale)

    def extend(self, new: Iterable[float]) -> None:
        rest = iter(new)
        if self.values.typecode == "h":
            small_values, scale = self.values, self.scale
            append = small_values.append
            for value in rest:
                try:
                    small = round(value * scale)
                except (OverflowError, ValueError):  # not a number
                    small = 0x8000
                if -0x8000 <= small < 0x8000 and small / scale == value:
                    append(small)
                    continue
                # Off the grid, or beyond 16 bits once scaled: every value as it is.
                self.values = array("d", (k / scale for k in small_values))
                self.values.append(value)
                self.scale = 1.0
                break
        self.values.extend(rest)


_Items = Iterable[tuple[str | bytes, float]]


class PackedWeights(_PackedKeys):
    """The logistic weights (~47,000): as a dict of str → float they cost ~5 MiB, packed
    ~0.7 MiB, with the same floats (the same probabilities to the last bit). `items`: (name,
    weight) pairs, the names as str or UTF-8 bytes."""

    __slots__ = ("_values", "_scale")

    def __init__(self, items: _Items, again: Callable[[], _Items] | None = None) -> None:
        values = _Scaled(1000)
        values.extend(value for _, value in self._pack(items))
        self._values, self._scale = values.values, values.scale
        self._tell_apart(items if again is None else again())

    @overload
    def get(self, name: str) -> float | None: ...
    @overload
    def get(self, name: str, default: _D) -> float | _D: ...

    def get(self, name: str, default: object = None) -> object:
        # `_position`, inline: the model looks up every feature of every message.
        key = int.from_bytes(_blake2b(name.encode(), digest_size=8).digest(), "little")
        if key in self._clashes:
            position = self._position(name)
            return default if position < 0 else self._values[position] / self._scale
        index, hashes, size, empty = self._index, self._hashes, self._size, self._empty
        slot = key % size
        while (position := index[slot]) != empty:
            if hashes[position] == key:
                return self._values[position] / self._scale
            slot = slot + 1 if slot + 1 < size else 0
        return default

    def __getitem__(self, name: str) -> float:
        position = self._position(name)
        if position < 0:
            raise KeyError(name)
        return self._values[position] / self._scale


_Rows = Iterable[tuple[str | bytes, Sequence[float]]]


class PackedRows(_PackedKeys):
    """The naive Bayes log-probabilities: one row of `width` floats per feature."""

    __slots__ = ("_values", "_width", "_scale")

    def __init__(self, items: _Rows, width: int, again: Callable[[], _Rows] | None = None) -> None:
        self._width = width

        def flat() -> Iterator[float]:
            for name, row in self._pack(items):
                if len(row) != width:
                    raise ValueError(f"feature {name!r}: {len(row)} values, not {width}")
                yield from row

        values = _Scaled(100)
        values.extend(flat())
        self._values, self._scale = values.values, values.scale
        self._tell_apart(items if again is None else again())

    @overload
    def get(self, name: str) -> tuple[float, ...] | None: ...
    @overload
    def get(self, name: str, default: _D) -> tuple[float, ...] | _D: ...

    def get(self, name: str, default: object = None) -> object:
        position = self._position(name)
        if position < 0:
            return default
        scale, width = self._scale, self._width
        return tuple(v / scale for v in self._values[position * width : (position + 1) * width])

    def __getitem__(self, name: str) -> tuple[float, ...]:
        row = self.get(name)
        if row is None:
            raise KeyError(name)
        return row


@dataclass(frozen=True, eq=False)
class Model:
    weights: Mapping[str, float] | PackedWeights
    bias: float
    threshold: float  # the probability at which the model alone raises the alarm
    # Below this probability a rule's match is taken back (the model is all but sure the
    # message is everyday); 0: never.
    veto: float = 0.0
    # Which kind of danger (naive Bayes over folded words and pairs): category → prior, and
    # feature → log-probability per category (in the order of `categories`).
    categories: tuple[str, ...] = ()
    priors: tuple[float, ...] = ()
    likelihoods: Mapping[str, tuple[float, ...]] | PackedRows = field(default_factory=dict)
    unseen: tuple[float, ...] = ()
    trained_on: tuple[str, ...] = ()  # the corpus files it learnt from (the others are unseen)
    # The same for a rule that holds even in a question (`topic: false`); -1: as `veto`.
    firm_veto: float = -1.0
    # From this probability on, the model's alarm stands even when the message looks like a
    # question about a topic; 0: never.
    sure: float = 0.0
    # A rule's match in a message of fewer words is never taken back (too little text for the
    # model to overrule a rule: "hiếp", "con tôi có dấu hiệu bị xâm hại").
    veto_words: int = 0
    # A lower `threshold` for some kinds of danger (category → probability): self-harm is
    # often said without a word of dying ("bye thế giới 🖤"), and a miss costs the most.
    category_thresholds: tuple[tuple[str, float], ...] = ()
    # The model alone raises no alarm on a message of fewer words ("ko biết nữa": too little
    # text for a verdict without a rule).
    alone_words: int = 3

    def __post_init__(self) -> None:
        if self.firm_veto < 0:
            object.__setattr__(self, "firm_veto", self.veto)

    def threshold_for(self, category: str | None) -> float:
        return dict(self.category_thresholds).get(category or "", self.threshold)

    def category(self, text: str) -> str | None:
        if not self.categories:
            return None
        scores = list(self.priors)
        for feature in _category_features(text):
            row = self.likelihoods.get(feature, self.unseen)
            for index, value in enumerate(row):
                scores[index] += value
        return self.categories[max(range(len(scores)), key=scores.__getitem__)]

    def probability(self, text: str) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in features(text))
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        odds = math.exp(score)
        return odds / (1.0 + odds)

    def to_json(self) -> dict:
        # A trained model's (dicts): a packed one knows its names only by their hashes.
        if not isinstance(self.weights, Mapping) or not isinstance(self.likelihoods, Mapping):
            raise TypeError("a model read from its file has no names to write")
        return {
            "_comment": "Written by scripts/train_safety_model.py from tests/data/; do not edit.",
            "threshold": self.threshold,
            "veto": self.veto,
            "firm_veto": self.firm_veto,
            "sure": self.sure,
            "veto_words": self.veto_words,
            "alone_words": self.alone_words,
            "category_thresholds": dict(self.category_thresholds),
            "trained_on": list(self.trained_on),
            "bias": round(self.bias, 4),
            "weights": {k: round(v, 3) for k, v in sorted(self.weights.items())},
            "categories": list(self.categories),
            "priors": [round(v, 4) for v in self.priors],
            "unseen": [round(v, 4) for v in self.unseen],
            "likelihoods": {
                k: [round(v, 2) for v in row] for k, row in sorted(self.likelihoods.items())
            },
        }


def _train_categories(examples: Sequence[tuple[str, str]], smoothing: float = 0.3) -> dict:
    """Multinomial naive Bayes over the danger messages: which kind of danger it is."""
    categories = tuple(sorted({category for _, category in examples}))
    counts: dict[str, Counter[str]] = {c: Counter() for c in categories}
    for text, category in examples:
        counts[category].update(_category_features(text))
    vocabulary = {f for counter in counts.values() for f in counter}
    kept = {f for f in vocabulary if sum(counts[c][f] for c in categories) >= 3}
    totals = {c: sum(counts[c][f] for f in kept) for c in categories}
    size = len(kept) + 1

    def log_p(category: str, count: int) -> float:
        return math.log((count + smoothing) / (totals[category] + smoothing * size))

    priors = Counter(category for _, category in examples)
    return {
        "categories": categories,
        "priors": tuple(math.log(priors[c] / len(examples)) for c in categories),
        "likelihoods": {f: tuple(log_p(c, counts[c][f]) for c in categories) for f in kept},
        "unseen": tuple(log_p(c, 0) for c in categories),
    }


def train(
    examples: Sequence[tuple[str, bool]],
    *,
    epochs: int = 12,
    rate: float = 0.2,
    l2: float = 1e-4,
    threshold: float = 0.95,
    veto: float = 0.002,
    firm_veto: float = -1.0,
    sure: float = 0.0,
    veto_words: int = 0,
    category_thresholds: Sequence[tuple[str, float]] = (),
    alone_words: int = 3,
    seed: int = 13,
    keep: float = 0.02,
    danger_weight: float = 1.3,
    min_count: int = 2,
    runs: int = 1,
    categories: Sequence[tuple[str, str]] = (),
) -> Model:
    """Logistic regression by AdaGrad on (text, is_danger); each message is also seen with a
    few of its words dropped, so that no single word carries a message alone. With `runs` > 1
    the regression is trained that many times (other seeds: other words dropped, another
    order) and the weights averaged: one run's verdict near the threshold moves with the
    smallest change to the corpus, the average much less (same size, same speed)."""
    totals: dict[str, float] = {}
    bias = 0.0
    # Each message's words folded one by one, and its own features, are the same in every run
    # (only the copies with words dropped differ): found once. No word folds across a space, so
    # the words folded one by one are the text's folded words.
    found = []
    for text, danger in examples:
        words = [fold_words(word) for word in text.split()]
        feats = _features_of_folded([f for folded in words for f in folded])
        found.append((words, feats, 1.0 if danger else 0.0))
    for run in range(runs):
        weights, run_bias = _train_logistic(
            found,
            epochs=epochs,
            rate=rate,
            l2=l2,
            seed=seed + 1000 * run,
            danger_weight=danger_weight,
            min_count=min_count,
        )
        for f, w in weights.items():
            totals[f] = totals.get(f, 0.0) + w / runs
        bias += run_bias / runs
    pruned = {f: w for f, w in totals.items() if abs(w) >= keep}
    return Model(
        pruned,
        bias,
        threshold,
        veto,
        **(_train_categories(categories) if categories else {}),
        firm_veto=firm_veto,
        sure=sure,
        veto_words=veto_words,
        category_thresholds=tuple(category_thresholds),
        alone_words=alone_words,
    )


def _train_logistic(
    found: Sequence[tuple[list[list[str]], set[str], float]],
    *,
    epochs: int,
    rate: float,
    l2: float,
    seed: int,
    danger_weight: float,
    min_count: int,
) -> tuple[dict[str, float], float]:
    """One run of the regression on (a message's words folded one by one, its features, 1.0
    if danger)."""
    rng = random.Random(seed)
    rows: list[tuple[set[str], float]] = []
    for words, feats, label in found:
        rows.append((feats, label))
        if len(words) > 4:
            for _ in range(2):
                # The message with a few words dropped.
                kept = [f for folded in words if rng.random() > 0.2 for f in folded]
                rows.append((_features_of_folded(kept), label))
    if min_count > 1:
        # A feature seen in fewer than `min_count` rows is not learnt (a phrase of one
        # message only is memorised, not generalised; and it would swell the weights file).
        seen: Counter[str] = Counter(f for feats, _ in rows for f in feats)
        rows = [({f for f in feats if seen[f] >= min_count}, y) for feats, y in rows]
    positives = sum(y for _, y in rows)
    # Balance the classes: a missed disclosure costs more than a false alarm.
    weight = {
        1.0: len(rows) / (2 * positives) * danger_weight,
        0.0: len(rows) / (2 * (len(rows) - positives)),
    }
    # The features as positions in lists (the same sums in the same order as by name, each
    # row's features in its set's order: the same floats, in less time).
    names: dict[str, int] = {}
    numbered = [([names.setdefault(f, len(names)) for f in feats], y) for feats, y in rows]
    kernel = _adagrad_kernel()
    if kernel is not None:
        weights, bias = kernel(numbered, len(names), rng, epochs, rate, l2, weight)
        return dict(zip(names, weights, strict=True)), bias
    weights = [0.0] * len(names)
    squares = [1e-8] * len(names)
    sqrt, exp = math.sqrt, math.exp
    bias, bias_square = 0.0, 1e-8
    for _ in range(epochs):
        rng.shuffle(numbered)
        for positions, label in numbered:
            score = bias + sum([weights[i] for i in positions])
            score = max(-30.0, min(30.0, score))
            gradient = (1.0 / (1.0 + exp(-score)) - label) * weight[label]
            for i in positions:
                w = weights[i]
                g = gradient + l2 * w
                squares[i] += g * g
                weights[i] = w - rate * g / sqrt(squares[i])
            bias_square += gradient * gradient
            bias -= rate * gradient / sqrt(bias_square)
    return dict(zip(names, weights, strict=True)), bias


# The compiled inner loop (bot/safety/adagrad.c), built by `make setup` into the virtual
# environment: the Python loop above, the same floats; a whole training ~3× faster (the rest
# is finding the features).
ADAGRAD_LIBRARY = Path(sys.prefix) / "safety_adagrad.so"
_Kernel = Callable[
    [list[tuple[list[int], float]], int, random.Random, int, float, float, dict[float, float]],
    tuple[list[float], float],
]


@lru_cache(maxsize=1)
def _adagrad_kernel() -> _Kernel | None:
    import ctypes  # training only: the bot never loads it

    try:
        epoch = ctypes.CDLL(str(ADAGRAD_LIBRARY)).adagrad_epoch
    except (OSError, AttributeError):  # not built, built for another machine, half written
        return None
    ints, doubles = ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_double)
    epoch.restype = None
    epoch.argtypes = [ints, ctypes.c_int, ints, ints, doubles, ctypes.c_double, ctypes.c_double]
    epoch.argtypes += [doubles, doubles, doubles, doubles, ctypes.c_double, ctypes.c_double]

    def pointer(values: array, kind: type) -> Any:
        return ctypes.cast(values.buffer_info()[0], ctypes.POINTER(kind))

    def train(
        numbered: list[tuple[list[int], float]],
        size: int,
        rng: random.Random,
        epochs: int,
        rate: float,
        l2: float,
        weight: dict[float, float],
    ) -> tuple[list[float], float]:
        starts, positions = array("i", [0]), array("i")
        for row, _ in numbered:
            positions.extend(row)
            starts.append(len(positions))
        labels = array("d", [label for _, label in numbered])
        weights, squares = array("d", [0.0]) * size, array("d", [1e-8]) * size
        bias, bias_square = ctypes.c_double(0.0), ctypes.c_double(1e-8)
        # The rows in the order the Python loop visits them: shuffling a list of their
        # numbers draws the same random numbers and moves them the same way.
        order = list(range(len(numbered)))
        visits = array("i", order)
        for _ in range(epochs):
            rng.shuffle(order)
            visits[:] = array("i", order)
            epoch(
                pointer(visits, ctypes.c_int),
                len(order),
                pointer(starts, ctypes.c_int),
                pointer(positions, ctypes.c_int),
                pointer(labels, ctypes.c_double),
                weight[1.0],
                weight[0.0],
                pointer(weights, ctypes.c_double),
                pointer(squares, ctypes.c_double),
                ctypes.byref(bias),
                ctypes.byref(bias_square),
                rate,
                l2,
            )
        return weights.tolist(), bias.value

    return train


def from_json(
    data: dict,
    weights: Mapping[str, float] | PackedWeights | None = None,
    likelihoods: Mapping[str, tuple[float, ...]] | PackedRows | None = None,
) -> Model:
    width = len(data.get("categories", ()))
    return Model(
        PackedWeights(data["weights"].items()) if weights is None else weights,
        float(data["bias"]),
        float(data["threshold"]),
        float(data.get("veto", 0.0)),
        tuple(data.get("categories", ())),
        tuple(data.get("priors", ())),
        PackedRows(data.get("likelihoods", {}).items(), width)
        if likelihoods is None
        else likelihoods,
        tuple(data.get("unseen", ())),
        tuple(data.get("trained_on", ())),
        float(data.get("firm_veto", -1.0)),
        float(data.get("sure", 0.0)),
        int(data.get("veto_words", 0)),
        tuple(data.get("category_thresholds", {}).items()),
        int(data.get("alone_words", 3)),
    )


# The two big objects of the file as the training script writes them: `"w:em":0.123` in
# "weights", `"b:1 anh":[-7.79,-9.58,…]` in "likelihoods". Read as bytes, a chunk at a time:
# the whole file (1.1 MB) at once, or parsed as JSON (~4 MiB at its peak for the weights, much
# of it left fragmented in the heap), would raise the process's peak for nothing.
_NUMBER = rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_ENTRY = rb'"((?:[^"\\]|\\.)*)"\s*:\s*'
_WEIGHT = re.compile(_ENTRY + b"(" + _NUMBER + rb")\s*(,?)\s*")
_ROW = re.compile(_ENTRY + rb"\[\s*((?:" + _NUMBER + rb"\s*,\s*)*" + _NUMBER + rb")\s*\]\s*(,?)\s*")
_OBJECTS = {b"weights": _WEIGHT, b"likelihoods": _ROW}
_OPENING = re.compile(rb'"(weights|likelihoods)"\s*:\s*\{\s*')
_CHUNK = 1 << 16
# An entry is matched only with this much of the file after it in hand (or the end of the
# file): a longer one is not of the training script's layout, and the file is read as JSON.
_LOOKAHEAD = 4096


class _Unexpected(Exception):
    """The file is not laid out as the training script writes it."""


class _Reader:
    """A file's bytes, a chunk at a time, and a position in them."""

    def __init__(self, path: Path) -> None:
        self._handle = path.open("rb")
        self.buffer = b""
        self.position = 0
        self.eof = False

    def more(self) -> bool:
        chunk = b"" if self.eof else self._handle.read(_CHUNK)
        if not chunk:
            self.eof = True
            self._handle.close()
            return False
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        return True

    def ahead(self, size: int = _LOOKAHEAD) -> None:
        while len(self.buffer) - self.position < size and self.more():
            pass

    def close(self) -> None:
        self._handle.close()

    def entries(self, entry: re.Pattern[bytes]) -> Iterator[tuple[bytes, bytes]]:
        """The entries of the object that starts here, up to its closing brace."""
        match = entry.match
        while True:
            if len(self.buffer) - self.position < _LOOKAHEAD:
                self.ahead()
            found = match(self.buffer, self.position)
            if found is None:
                break
            if found.end() == len(self.buffer) and not self.eof:
                raise _Unexpected  # an entry longer than the look-ahead: maybe cut short
            name, value, comma = found.groups()
            # The names as the model looks them up: UTF-8 bytes (JSON escapes undone).
            yield (json.loads(b'"' + name + b'"').encode() if b"\\" in name else name), value
            self.position = found.end()
            if not comma:
                break
        if not self.buffer.startswith(b"}", self.position):
            raise _Unexpected
        self.position += 1


def _objects(
    path: Path, only: bytes | None = None
) -> Iterator[tuple[bytes, Iterator[tuple[bytes, bytes]], bytearray]]:
    """The big objects of the file as they come: each (its key, its entries, the file read so
    far with the big objects left empty, complete once the objects are all read). `only`:
    that object alone."""
    reader = _Reader(path)
    rest = bytearray()
    try:
        while True:
            reader.ahead(256)
            found = _OPENING.search(reader.buffer, reader.position)
            if found is None or (found.end() == len(reader.buffer) and not reader.eof):
                if reader.eof:
                    rest += reader.buffer[reader.position :]
                    return
                # Keep what may be the beginning of an opening.
                keep = max(reader.position, len(reader.buffer) - 64)
                rest += reader.buffer[reader.position : keep]
                reader.position = keep
                reader.more()
                continue
            key = found.group(1)
            rest += reader.buffer[reader.position : found.start()] + b'"' + key + b'":{}'
            reader.position = found.end()
            entries = reader.entries(_OBJECTS[key])
            if only is None or key == only:
                yield key, entries, rest
            for _ in entries:  # what the reader of the object left
                pass
            if key == only:
                return
    finally:
        reader.close()


def _only(path: Path, key: bytes) -> Iterator[tuple[bytes, bytes]]:
    for _, entries, _ in _objects(path, only=key):
        yield from entries


def _rows(entries: Iterable[tuple[bytes, bytes]]) -> Iterator[tuple[bytes, list[float]]]:
    return ((name, [float(v) for v in values.split(b",")]) for name, values in entries)


def _weights(entries: Iterable[tuple[bytes, bytes]]) -> Iterator[tuple[bytes, float]]:
    return ((name, float(value)) for name, value in entries)


def _read_packed(path: Path) -> Model | None:
    """The model read straight into its packed form; None if the file is not laid out as
    the training script writes it."""
    weights: PackedWeights | None = None
    rows: PackedRows | None = None
    rest = bytearray()
    try:
        for key, entries, rest in _objects(path):
            if key == b"weights":
                weights = PackedWeights(
                    _weights(entries), again=lambda: _weights(_only(path, b"weights"))
                )
            else:
                # The rows have a value per category: the categories come before them.
                categories = re.search(rb'"categories"\s*:\s*(\[[^\]]*\])', rest)
                if categories is None:
                    return None
                rows = PackedRows(
                    _rows(entries),
                    len(json.loads(categories.group(1))),
                    again=lambda: _rows(_only(path, b"likelihoods")),
                )
        if weights is None:
            return None
        return from_json(json.loads(bytes(rest)), weights, rows)
    except (_Unexpected, ValueError):  # ValueError: what is left is not JSON
        return None


@lru_cache(maxsize=4)
def load_model(name: str = MODEL_FILE, directory: Path = CONTENT_DIR) -> Model | None:
    path = directory / name
    if not path.exists():
        return None
    return _read_packed(path) or from_json(json.loads(path.read_bytes()))
