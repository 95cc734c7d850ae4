"""The danger matcher is small once loaded, and on the way (issue 18: the bot in 60 MiB): the
rules compiled into shared syllables and phrases, the model's weights known by 64-bit hashes
of their names (bot/safety/matcher.py, bot/safety/model.py). Measured in a fresh interpreter
with tracemalloc, which counts the same bytes on every run (no time, no RSS)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys, tracemalloc
import bot.safety.matcher as matcher  # the code imported first: the loading alone is traced
tracemalloc.start()
if sys.argv[1] == "model":
    matcher.load_model()
else:
    matcher.load(model=None if sys.argv[1] == "rules" else matcher.MODEL_FILE)
print(json.dumps(tracemalloc.get_traced_memory()))
"""

# Measured (current, peak) on 2 December 2026, 241 rules and 47,715 weights: all 1.97 / 3.02 MB,
# the rules alone 1.17 / 2.23 MB, the model alone 0.79 / 1.03 MB; the code before packing them:
# 3.41 / 4.68 MB (rules 2.13 / 3.40, model 1.27 / 2.85). After fresh10, fresh11 and fresh12 were
# learnt from (255 rules, 54,910 weights): all 2.48 / 3.73 MB, rules 1.55 / 2.80 MB, model
# 0.92 / 1.15 MB. With the everyday phrases of `ignore` kept as products of their parts (~4,900
# phrases fewer): all 2.10 / 3.18 MB, rules 1.18 / 2.25 MB. After fresh15 to fresh18 were
# learnt from (3 December; 65,215 weights, under the 65,535 a 16-bit index holds): all 2.35 /
# 3.46 MB, rules 1.22 / 2.33 MB, model 1.13 / 1.35 MB (65,887 weights, past it: model 1.39 /
# 1.61 MB). After fresh19 to fresh22 were learnt from (3 December, 06:00 UTC; 54,362 weights,
# MIN_COUNT 4): all 2.33 / 3.49 MB, rules 1.33 / 2.49 MB, model 1.00 / 1.22 MB (the rules of that
# round +0.11 MB, the model −0.13 MB). On 3 December 2026 (fresh23–26 learnt from) the rules
# were 1.44 / 2.73 MB, all 2.46 / 3.75 MB; with each section of the parsed file let go of once
# compiled, the patterns folded without filling the per-word cache, a term alone under its
# first syllable kept bare and not in a tuple of one, and shared tuples for products' parts
# and the rules' anchors: rules 1.26 / 1.94 MB (1,256,612 / 1,935,916 B), all 2.28 / 2.96 MB
# (2,284,646 / 2,964,006 B), the model unchanged (1.03 / 1.25 MB). The bounds of what stays
# are those of before (the saving is room for the rules of the next rounds); the peaks' were
# lowered to ~15 % above those figures. After fresh27 to fresh34 were learnt from (3 December,
# 13:55 UTC; 55,595 weights): rules 1.35 / 2.05 MB, model 1.08 / 1.29 MB, all 2.43 / 3.13 MB.
# The next round's patterns (learn38, ~11 rules more) took the rules' peak to 2.29 MB: at the
# end of the rules, beside them, were the tables that share their syllables and phrases (that
# of the phrases doubling to ~295 kB past 5,461 of them), the groups' text (~170 kB), every
# part's terms kept as its key (~130 kB) and every string (~104 kB). With the groups read as
# terms before the rules and their text let go of, the parts known by their hash, and only the
# folded letters kept to share strings (3 December, 15:35 UTC): rules 1.27 / 1.67 MB
# (1,266,715 / 1,667,396 B), all 2.35 / 2.75 MB (2,349,533 / 2,750,434 B), the model
# unchanged; with learn38's patterns, rules 1.31 / 1.86 MB (1,311,436 / 1,859,152 B, were
# 1,394,943 / 2,292,885 B), all 2.39 / 2.94 MB. The peaks' bounds lowered to ~15 % above.
# After fresh35 to fresh42 were learnt from (3 December, 16:45 UTC; 309 rules, 51,138 weights,
# MIN_COUNT 8): rules 1.42 / 1.97 MB (1,421,472 / 1,969,793 B), model 1.09 / 1.27 MB, all 2.51
# / 3.06 MB; the rules' peak bound is again this morning's 2.25 MB (~15 % above that figure).
BOUNDS = {
    "all": (2_550_000, 3_150_000),
    "rules": (1_450_000, 2_250_000),
    "model": (1_250_000, 1_550_000),
}


def traced(what: str) -> tuple[int, int]:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", PROBE, what],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    current, peak = json.loads(result.stdout.splitlines()[-1])
    return current, peak


def test_loading_the_danger_matcher_stays_small():
    for what, (most, highest) in BOUNDS.items():
        current, peak = traced(what)
        assert current < most, (what, current)
        assert peak < highest, (what, peak)


def test_no_two_features_of_the_model_share_a_hash():
    """The model knows its features by 64-bit hashes; two of its names with the same hash
    would be told apart by name (a small dict), but there are none."""
    from bot.safety.model import load_model

    model = load_model()
    assert model is not None
    for table in (model.weights, model.likelihoods):
        assert not table._clashes and not table._later  # type: ignore[union-attr]


class _WeakDigest:
    """A hash of a name's length only: most names of a test share one."""

    def __init__(self, data: bytes, digest_size: int) -> None:
        self._digest = bytes([len(data) % 3]) * digest_size

    def digest(self) -> bytes:
        return self._digest


def test_names_with_the_same_hash_are_told_apart(monkeypatch):
    from bot.safety import model

    monkeypatch.setattr(model, "_blake2b", _WeakDigest)
    items = [("w:a", 0.5), ("w:bb", -1.25), ("w:ccc", 2.0), ("w:dd", 0.125), ("w:a", 0.75)]
    packed = model.PackedWeights(items)
    # The last one counts for a name given twice, as in a dict.
    assert [packed[name] for name in ("w:a", "w:bb", "w:ccc", "w:dd")] == [0.75, -1.25, 2.0, 0.125]
    # A name not in the file with the hash of one is taken for the first of them (with this
    # weak hash; with blake2b's 64 bits, one look-up in ~4·10^14).
    assert packed.get("w:b") == 0.5 and "w:c" in packed
    rows = model.PackedRows([("w:x", [1.0, 2.0]), ("w:y", [3.0, 4.0])], 2)
    assert (rows["w:x"], rows["w:y"]) == ((1.0, 2.0), (3.0, 4.0))
    # An iterator read once cannot tell them apart: said so, not guessed.
    with pytest.raises(ValueError):
        model.PackedWeights(iter(items))
    again = model.PackedWeights(iter(items), again=lambda: iter(items))
    assert again["w:a"] == 0.75 and again["w:dd"] == 0.125


def test_the_model_file_read_a_chunk_at_a_time_is_the_file(tmp_path, monkeypatch):
    """However the file is cut into chunks, and whatever its layout (indented, entries with
    JSON escapes), the packed model is the model the whole JSON gives; a file of another
    shape is read as JSON."""
    from bot.content import CONTENT_DIR
    from bot.safety import model

    data = json.loads((CONTENT_DIR / model.MODEL_FILE).read_text(encoding="utf-8"))
    data["weights"] = dict(list(data["weights"].items())[:300])
    data["weights"]['w:"quoted" \\\\ đ'] = 0.25
    data["likelihoods"] = dict(list(data["likelihoods"].items())[:50])
    expected = model.from_json(json.loads(json.dumps(data)), dict(data["weights"]))
    monkeypatch.setattr(model, "_CHUNK", 97)
    monkeypatch.setattr(model, "_LOOKAHEAD", 200)
    layouts: list[dict] = [
        {"separators": (",", ":"), "ensure_ascii": False},  # as the training script writes it
        {"indent": 1, "ensure_ascii": True},  # "\\u0111" for "đ"
    ]
    for layout in layouts:
        path = tmp_path / "model.json"
        path.write_text(json.dumps(data, **layout), encoding="utf-8")
        packed = model._read_packed(path)
        assert packed is not None, layout
        assert isinstance(packed.weights, model.PackedWeights)
        assert len(packed.weights) == len(data["weights"])
        assert all(packed.weights[name] == value for name, value in data["weights"].items())
        assert all(packed.likelihoods[k] == tuple(v) for k, v in data["likelihoods"].items())
        assert packed.categories == expected.categories and packed.unseen == expected.unseen
        assert (packed.bias, packed.threshold, packed.sure) == (
            expected.bias,
            expected.threshold,
            expected.sure,
        )
    # The likelihoods before the categories: not the training script's layout.
    shuffled = {"likelihoods": data["likelihoods"], **data}
    path.write_text(json.dumps(shuffled), encoding="utf-8")
    assert model._read_packed(path) is None
    model.load_model.cache_clear()
    read = model.load_model(path.name, tmp_path)
    model.load_model.cache_clear()
    name, value = next(iter(data["weights"].items()))
    assert read is not None and read.weights[name] == value


def test_everyday_phrases_kept_as_products_mask_as_their_phrases_would():
    """`ignore` keeps a list of parts as a product (bot/safety/matcher.py, `_Product`) instead
    of every phrase made of them: the same words are masked, with accents, without them, in
    a sentence and in capitals, as by the phrases themselves."""
    import random
    import unicodedata

    from bot.content import read_json
    from bot.safety.matcher import PATTERNS_FILE, Matcher

    expanded: list[str] = []

    class Expanded(Matcher):
        """The reference: every list of parts read as all its phrases."""

        def _phrases(self, entries, products=False):
            for phrase in super()._phrases(entries, products=False):
                if products:  # the everyday phrases
                    expanded.append(phrase)
                yield phrase

    def unaccented(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
        return unicodedata.normalize("NFC", bare)

    data = read_json(PATTERNS_FILE)
    ours, reference = Matcher(data), Expanded(read_json(PATTERNS_FILE))
    phrases = [p for p in expanded if " " in p]
    assert len(phrases) > 3000
    # Those that need their accents ("=": a part did), all of them; a sample of the others.
    strict = [p.lstrip("=") for p in phrases if p.startswith("=")]
    loose = [p for p in phrases if not p.startswith("=")]
    assert strict
    random.Random(18).shuffle(loose)
    for phrase in strict + loose[:300]:
        for text in (phrase, unaccented(phrase), f"hôm qua bé {phrase} rồi", phrase.upper()):
            masked = [
                [
                    (token.forms, token.start, token.end)
                    for token in m._without_everyday_phrases(m.tokens(text))
                ]
                for m in (ours, reference)
            ]
            assert masked[0] == masked[1], text


def test_a_matcher_built_from_data_it_does_not_own_leaves_the_data_as_it_was():
    """`load` gives the parsed file away (`own`), and the matcher lets go of each section once
    compiled; the evaluation builds several matchers from one parsed file, which must stay
    whole."""
    import copy

    from bot.content import CONTENT_DIR, load_json
    from bot.safety.matcher import PATTERNS_FILE, Matcher

    data = load_json(PATTERNS_FILE, CONTENT_DIR)
    before = copy.deepcopy(data)
    first = Matcher(data)
    assert data == before
    second = Matcher(data)
    text = "thằng bé bị ba đánh bầm tím"
    assert first.check(text) == second.check(text) is not None
    Matcher(copy.deepcopy(data), own=True)  # the matcher's own copy may be emptied
    assert data == before


def test_parts_with_the_same_hash_are_told_apart(monkeypatch):
    """The same part of many rules is made once, known by its hash (`_Terms.element`); parts
    that only share a hash stay apart: with every hash the same, the rules match as before."""
    from bot.content import read_json
    from bot.safety import matcher

    usual = matcher.Matcher(read_json(matcher.PATTERNS_FILE))
    # The module's `hash` before the builtin one: every part has the same.
    monkeypatch.setattr(matcher, "hash", lambda key: 0, raising=False)
    clashing = matcher.Matcher(read_json(matcher.PATTERNS_FILE))
    kinds = [[(e.kind, e.gap, e.longest) for e in rule.elements] for rule in usual.rules]
    assert kinds == [[(e.kind, e.gap, e.longest) for e in r.elements] for r in clashing.rules]
    assert len({id(e) for r in clashing.rules for e in r.elements}) == len(
        {id(e) for r in usual.rules for e in r.elements}
    )
    root = Path(__file__).resolve().parent
    texts = [
        line.rstrip("\n").split("\t", 2)[-1]
        for line in (root / "data" / "safety_corpus_dev.tsv").open(encoding="utf-8")
        if line.strip() and not line.startswith("#")
    ]
    assert len(texts) > 100
    assert [clashing.check(text) for text in texts] == [usual.check(text) for text in texts]


def test_the_groups_are_read_before_the_rules_and_an_unknown_one_is_still_said():
    """The groups the rules name are read as terms before the rules, and their text let go
    of (`Matcher._read_groups`); a group named nowhere is still an error, and one named only
    inside another is read."""
    from bot.content import read_json
    from bot.safety.matcher import PATTERNS_FILE, Matcher

    data = read_json(PATTERNS_FILE)
    category = next(iter(data["categories"]))
    data["groups"]["outer_test"] = ["{inner_test}", "zaqa ziqi"]
    data["groups"]["inner_test"] = ["=xyzô"]
    data["rules"].insert(0, {"id": "t", "category": category, "match": ["{~outer_test}", "bị"]})
    matcher = Matcher(data)
    assert matcher.check("xyzo bị") is not None and matcher.check("zaqa ziqi bị") is not None
    data = read_json(PATTERNS_FILE)
    data["rules"].append({"category": category, "match": ["{no_such_group}"]})
    with pytest.raises(ValueError, match="unknown safety pattern group 'no_such_group'"):
        Matcher(data)
