"""Measure the danger matcher on the labelled messages in `tests/data/`.

    python -m bot.safety.evaluate            # figures per split and category
    python -m bot.safety.evaluate --misses   # and every message it gets wrong
    python -m bot.safety.evaluate --by-file  # leave one file out: the model trained on the
                                             # others, measured on it (rules alone, model
                                             # alone, both), and how the misses were typed

Each line of a corpus file is `label<TAB>category<TAB>text`; the label is `danger` or
`calm`. Recall is the share of *danger* messages that get the emergency answer; the false-alarm
rate is the share of *calm* messages that get it. The blind files (BLIND_SPLITS) were written by
people who never saw the rules; each is measured once before it is learnt from.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import CONTENT_DIR, load_json
from bot.safety.matcher import PATTERNS_FILE, Matcher, fold, load
from bot.safety.model import Model, load_model, train

ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR = ROOT / "tests" / "data"
# Messages for training the model only (never measured): everyday text about children.
EXTRA_TRAINING = ROOT / "scripts" / "data" / "safety_train_extra.tsv"
# The splits written by someone who never saw the rules.
BLIND_SPLITS = (
    "fresh4", "fresh5", "fresh6", "fresh7", "blind_a", "blind_b", "fresh8", "blind_c", "fresh9",
    "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16", "fresh17",
    "fresh18", "fresh19", "fresh20", "fresh21", "fresh22", "fresh23", "fresh24", "fresh25",
    "fresh26", "fresh27", "fresh28", "fresh29", "fresh30", "fresh31", "fresh32", "fresh33",
    "fresh34", "fresh35", "fresh36", "fresh37", "fresh38", "fresh39", "fresh40", "fresh41",
    "fresh42", "fresh43", "fresh44", "fresh45", "fresh46",
)  # fmt: skip
SPLITS = {
    "dev": "safety_corpus_dev.tsv",
    "holdout": "safety_corpus_holdout.tsv",
    "fresh": "safety_corpus_fresh.tsv",
    "fresh2": "safety_corpus_fresh2.tsv",
    "fresh3": "safety_corpus_fresh3.tsv",
    "fresh4": "safety_corpus_fresh4.tsv",
    "fresh5": "safety_corpus_fresh5.tsv",
    "fresh6": "safety_corpus_fresh6.tsv",
    "fresh7": "safety_corpus_fresh7.tsv",
    # Written blind as training data (never seen by whoever wrote the rules before they were
    # measured once on it; then learnt from).
    "blind_a": "safety_corpus_blind_a.tsv",
    "blind_b": "safety_corpus_blind_b.tsv",
    # Written blind after all of the above, measured once (97.6 % / 5.2 %), then learnt from.
    "fresh8": "safety_corpus_fresh8.tsv",
    # Written blind as training data weighted to hard cases (indirect neglect, goodbyes, lost
    # toddlers, calm text that looks alarming); measured once (96.1 % / 8.9 %), then learnt.
    "blind_c": "safety_corpus_blind_c.tsv",
    # Written blind after all of the above by someone who never saw the rules (252 danger, 248
    # calm); measured once (99.2 % / 2.8 %), then learnt from.
    "fresh9": "safety_corpus_fresh9.tsv",
    # Written blind after all of the above by another writer (252 danger, 248 calm); measured
    # once with the final matcher of 2 December 2026 (97.6 % / 3.2 %), then learnt from.
    "fresh10": "safety_corpus_fresh10.tsv",
    # Two more blind writers (the ordinary mix; 252 danger, 248 calm each), measured once with
    # the matcher of 2 December 2026 evening (fresh10 learnt from): fresh11 97.6 % (246/252) /
    # 0.8 % (2/246), fresh12 98.4 % (248/252) / 4.1 % (10/246); then learnt from (two messages
    # of each were dropped, written before in another file).
    "fresh11": "safety_corpus_fresh11.tsv",
    "fresh12": "safety_corpus_fresh12.tsv",
    # Two more blind writers (older people, teachers and collaborators; teenagers and young
    # mothers, calm text chosen to be tricky), measured once with the matcher that learnt
    # fresh11 and fresh12: fresh13 97.6 % (245/251) / 3.7 % (9/242), fresh14 98.8 % (249/252)
    # / 6.1 % (15/245); then learnt from. Messages already in another file were dropped.
    "fresh13": "safety_corpus_fresh13.tsv",
    "fresh14": "safety_corpus_fresh14.tsv",
    # Two more blind writers (the ordinary mix), measured once with the matcher that learnt
    # fresh13 and fresh14 (2 December 2026, 21:55 UTC): fresh15 97.2 % (245/252) / 4.0 %
    # (10/248; lookalikes 9/62), fresh16 97.6 % (246/252) / 1.6 % (4/246); held out, then
    # learnt from (3 December). Two messages of fresh16 already in another file dropped.
    "fresh15": "safety_corpus_fresh15.tsv",
    "fresh16": "safety_corpus_fresh16.tsv",
    # Two more, asked for the writers least heard from (grandparents typing without accents,
    # young children, long reports; teenagers online, hints and euphemisms), measured once with
    # the same matcher (22:24 UTC): fresh17 97.2 % (245/252) / 4.5 % (11/247), fresh18 98.8 %
    # (249/252) / 4.5 % (11/243); held out too, then learnt from with fresh15 and fresh16. Six
    # messages already in another file dropped.
    "fresh17": "safety_corpus_fresh17.tsv",
    "fresh18": "safety_corpus_fresh18.tsv",
    # Four more blind writers (grandparents and market sellers in the old districts, harm said
    # without its word; teenagers and children writing themselves, teen hyperbole as calm
    # text; teachers, collaborators and social workers writing long and formal; young migrant
    # parents in rented rooms typing fast, without accents, some English), written while
    # fresh15 to fresh18 were being learnt from. Measured once with the matcher before that
    # (cd45272, 3 December 00:05 UTC): pooled 97.7 % (984/1,007) / 3.9 % (38/979); and once
    # with the matcher that learnt them (00:45 UTC): fresh19 98.0 % (247/252) / 2.5 % (6/244),
    # fresh20 99.6 % (251/252) / 5.7 % (14/246), fresh21 95.6 % (240/251) / 2.0 % (5/247),
    # fresh22 99.6 % (251/252) / 2.1 % (5/242); pooled 98.2 % (989/1,007) / 3.1 % (30/979).
    # Held out, then learnt from (3 December, 06:00 UTC). Fourteen messages already in another
    # file dropped.
    "fresh19": "safety_corpus_fresh19.tsv",
    "fresh20": "safety_corpus_fresh20.tsv",
    "fresh21": "safety_corpus_fresh21.tsv",
    "fresh22": "safety_corpus_fresh22.tsv",
    # Four more blind writers (disclosures inside a question or a polite frame, Southern
    # speech; collaborators' and officials' case notes in administrative words; children of 8
    # to 14 typing themselves; migrant workers' families in the south-west's rented rooms,
    # some English), written while fresh19 to fresh22 were being learnt from. Measured once
    # with the matcher before that (70d0c10, 3 December 05:45 UTC): pooled 97.2 % (980/1,008)
    # / 4.9 % (48/974); and once with the matcher that learnt them (4e7cc79, 06:50 UTC):
    # fresh23 97.2 % (245/252) / 2.0 % (5/245), fresh24 96.8 % (244/252) / 1.7 % (4/242),
    # fresh25 97.6 % (246/252) / 9.5 % (23/241), fresh26 100 % (252/252) / 4.5 % (11/246);
    # pooled 97.9 % (987/1,008) / 4.4 % (43/974). Held out, then learnt from (3 December,
    # 07:30 UTC). Eighteen messages already in another file dropped.
    "fresh23": "safety_corpus_fresh23.tsv",
    "fresh24": "safety_corpus_fresh24.tsv",
    "fresh25": "safety_corpus_fresh25.tsv",
    "fresh26": "safety_corpus_fresh26.tsv",
    # Four more blind writers (grandparents from the Centre and the North typing without
    # accents, run-on; teenagers online, games slang; children of 7 to 11, their ordinary
    # troubles as calm text; long messages, the harm at the end or alarming words early in
    # calm ones), measured once with the matcher that learnt fresh19 to fresh22 (396881c and
    # again after its review, 41d4873; 3 December 2026, 06:31 and 07:58 UTC): fresh27 100 %
    # (252/252) / 4.1 % (10/244), fresh28 99.2 % (250/252) / 3.7 % (9/245), fresh29 94.8 %
    # (239/252) / 8.8 % (21/239), fresh30 99.6 % (250/251) / 7.8 % (19/244); pooled 98.4 %
    # (991/1,007) / 6.1 % (59/972); with the matcher that learnt fresh23 to fresh26 (learn30):
    # pooled 99.0 % (997/1,007) / 5.7 % (55/972). Held out, then learnt from (3 December,
    # 10:20 UTC). Twenty-one messages already in another file dropped.
    "fresh27": "safety_corpus_fresh27.tsv",
    "fresh28": "safety_corpus_fresh28.tsv",
    "fresh29": "safety_corpus_fresh29.tsv",
    "fresh30": "safety_corpus_fresh30.tsv",
    # Four more blind writers (grassroots collaborators' notes as typed in Zalo; voice-to-text
    # without punctuation; mothers' Facebook groups, dramatic posts; Telex and VNI residue from
    # typing with the Vietnamese keyboard mode off), measured once with the matcher that learnt
    # fresh19 to fresh22 (bcc2e5a, 3 December 2026, 08:42 UTC): fresh31 98.4 % (247/251) /
    # 0.4 % (1/239), fresh32 98.4 % (247/251) / 2.6 % (6/234), fresh33 97.6 % (245/251) / 5.0 %
    # (12/241), fresh34 85.6 % (214/250) / 2.9 % (7/239); and once more with the matcher that
    # learnt fresh23 to fresh26 and reads Telex (0e1ccf3, 11:00 UTC): fresh31 99.2 % (249/251) /
    # 1.3 % (3/239), fresh32 98.8 % (248/251) / 1.7 % (4/234), fresh33 97.2 % (244/251) / 6.6 %
    # (16/241), fresh34 97.2 % (243/250) / 4.2 % (10/239). fresh34's misses of the first
    # measure were read to write the Telex reading, so its second figure is not unseen. Held
    # out. Forty-four messages already in another file dropped.
    "fresh31": "safety_corpus_fresh31.tsv",
    "fresh32": "safety_corpus_fresh32.tsv",
    "fresh33": "safety_corpus_fresh33.tsv",
    "fresh34": "safety_corpus_fresh34.tsv",
    # Four more blind writers (teachers and school staff, class Zalo groups; neighbours and
    # street people in strong Southern speech, long and rambling; teenagers on TikTok, Messenger
    # and Discord, Gen Z slang; hard cases both ways: disclosures told indirectly, calm text
    # that looks dangerous), measured once with the matcher that learnt fresh23 to fresh26
    # (31d4dcc, 3 December 2026, 12:10 UTC): fresh35 97.2 % (245/252) / 6.0 % (15/248), fresh36
    # 99.2 % (250/252) / 6.2 % (15/242), fresh37 98.8 % (249/252) / 4.1 % (10/243), fresh38
    # 97.2 % (245/252) / 3.3 % (8/240); pooled 98.1 % (989/1,008) / 4.9 % (48/973); with the
    # matcher that learnt fresh27 to fresh34 (532c4ee): 98.4 % (992/1,008) / 4.7 % (46/973);
    # after its review (8e45221): 98.5 % (993/1,008) / 5.0 % (49/973). Learnt from since
    # (learn38b, 3 December, 15:10 UTC).
    # Nineteen messages already in another file dropped.
    "fresh35": "safety_corpus_fresh35.tsv",
    "fresh36": "safety_corpus_fresh36.tsv",
    "fresh37": "safety_corpus_fresh37.tsv",
    "fresh38": "safety_corpus_fresh38.tsv",
    # Four more blind writers (grandparents raising grandchildren, regional speech;
    # professionals' case notes in administrative Vietnamese with abbreviations; children of 9
    # to 14 typing with typos and emoji; English and mixed text of expatriates, returnees and
    # code-switching parents), measured once with the matcher that learnt fresh27 to fresh34
    # (532c4ee, 3 December 2026, 13:28 UTC): fresh39 98.4 % (248/252) / 4.5 % (11/245), fresh40
    # 93.3 % (235/252) / 1.2 % (3/245), fresh41 98.0 % (246/251) / 4.1 % (10/245), fresh42
    # 97.2 % (244/251) / 5.7 % (14/244); pooled 96.7 % (973/1,006) / 3.9 % (38/979); and with
    # the same after its review (8e45221): 99.2 % / 3.7 %, 93.7 % / 1.2 %, 98.0 % / 3.7 %,
    # 97.2 % / 5.7 %; pooled 97.0 % (976/1,006) / 3.6 % (35/979). Held out. Fifteen messages
    # already in another file dropped.
    "fresh39": "safety_corpus_fresh39.tsv",
    "fresh40": "safety_corpus_fresh40.tsv",
    "fresh41": "safety_corpus_fresh41.tsv",
    "fresh42": "safety_corpus_fresh42.tsv",
    "fresh43": "safety_corpus_fresh43.tsv",
    "fresh44": "safety_corpus_fresh44.tsv",
    "fresh45": "safety_corpus_fresh45.tsv",
    "fresh46": "safety_corpus_fresh46.tsv",
}
# Blind files kept unseen: measured, never trained on (scripts/train_safety_model.py skips
# them) nor written from, so they go on measuring text nobody tuned on: fresh43 to fresh46
# (fresh35 to fresh42 were, until they were learnt from on 3 December, 16:30 UTC; fresh27 to
# fresh34 before them, until 13:20 UTC; fresh23 to fresh26 before those, fresh19 to fresh22
# before those, fresh15 to fresh18 before those, fresh13 and fresh14 before those). A new
# blind file is measured once by whoever adds it (it is not in the model's `trained_on` until
# the model is retrained), held out here, then learnt from.
HELD_OUT: tuple[str, ...] = ("fresh43", "fresh44", "fresh45", "fresh46")
LABELS = ("danger", "calm")
# The blind writers named some categories their own way.
CATEGORY_ALIASES = {"selfharm": "self_harm", "info": "informational"}
RECALL_TARGET = 0.99
FALSE_ALARM_LIMIT = 0.02


@dataclass(frozen=True)
class Example:
    split: str
    label: str
    category: str
    text: str


def read_file(path: Path, split: str) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, category, text = line.split("\t", 2)
        if number == 1 and (label, category) == ("label", "category"):  # a header row
            continue
        if label not in LABELS:
            raise ValueError(f"{path.name}:{number}: unknown label {label!r}")
        category = CATEGORY_ALIASES.get(category, category)
        examples.append(Example(split, label, category, text.strip()))
    return examples


def read_corpus(directory: Path = DATA_DIR) -> list[Example]:
    examples = []
    for split, name in SPLITS.items():
        path = directory / name
        if path.exists():  # a blind split may not be written yet
            examples.extend(read_file(path, split))
    return examples


# How the model and the rules are combined, chosen by leaving one blind file out at a time
# (the model trained on the others, measured on it; the eight blind files, 2,620 messages),
# the same choice under three trainings of the model: see the README, "How the bot recognises
# danger".
THRESHOLD = 0.9  # no rule matched: the model alone raises the alarm from here
# A rule matched: below this the model takes it back (everyday text). 0.15 since fresh13 and
# fresh14 were learnt from: left out one at a time, fresh11–14 lost 3 false alarms of 979 and
# no disclosure (0.1 before; 0.2 lost a disclosure).
VETO = 0.15
FIRM_VETO = 0.0  # ... but never a rule that holds even in a question (self-harm, now, missing)
SURE = 0.995  # from here the model's alarm stands even when the text looks like a question
VETO_WORDS = 10  # a rule's match in a shorter message is never taken back
# The model alone needs this many words: left out as above, it never alarmed (rightly or not)
# on fewer than nine, so the floor costs nothing measured and keeps "ko biết nữa" calm.
ALONE_WORDS = 5
CATEGORY_THRESHOLDS = {"self_harm": 0.8}  # the model alone, for what it reads as self-harm
# The regression is trained this many times (other seeds) and averaged: a steadier verdict.
RUNS = 5
# A feature seen in fewer training rows is not learnt, a weight smaller than KEEP is dropped:
# the weights file stays small (1.35 MB then, 1.65 MB since fresh15–18; leave one file out,
# no figure moved by more than a message; 0.12 since fresh11 and fresh12 were learnt from: 0.1
# made 1.44 MB; 0.14 since fresh13 and fresh14 were: 0.122 made 1.48 MB, and left out one at a
# time fresh11–14 scored a disclosure more and a false alarm less with 0.14, a disclosure less
# with 0.16; 0.142 since fresh15 to fresh18 were: with 0.14 the model had 65,887 weights, past
# the 65,535 a packed index holds in 16 bits (bot/safety/model.py), +0.46 MB loaded; 0.142
# keeps 65,215, and left out over fresh11–18 scored a disclosure less than 0.14, 0.145 three
# less). MIN_COUNT 4 since fresh19 to fresh22 were learnt from: with 3 the model had 74,873
# weights at 0.142 (65,325 at 0.172); 4 keeps 54,362 (−0.13 MB loaded), and left out one at a
# time over fresh15–22 it scored as KEEP 0.172 with 3 did, within a message (2,009 and 2,008
# of 2,015 disclosures, 22 and 21 of 1,963 false alarms, with the rules of then). MIN_COUNT 5
# since fresh23 to fresh26 were learnt from (with 4 the whole matcher loaded 2.59 MB, past the
# memory test's bound, tests/test_safety_memory.py), 6 since fresh27 to fresh30 were (with 5:
# 60,724 weights, 2.63 MB loaded; 6 kept 51,056; 55,595 since fresh31 to fresh34 were too).
# Left out one file at a time over fresh27 to fresh30 (the rules stay, written from them too):
# 1,000/1,007 disclosures, 35/972 false alarms. 7 since fresh35 to fresh38 were (with 6:
# 60,357 weights, 2.61 MB loaded, past the bound; 7 keeps 52,854); 8 since fresh39 to
# fresh42 were too (with 7: 56,930 weights, the whole matcher 2.60 MB loaded, past the bound;
# 8 keeps 51,138, 2.51 MB).
MIN_COUNT = 8
KEEP = 0.142


def train_model(
    matcher: Matcher,
    examples: list[Example],
    threshold: float = THRESHOLD,
    veto: float = VETO,
    firm_veto: float = FIRM_VETO,
    sure: float = SURE,
    veto_words: int = VETO_WORDS,
    alone_words: int = ALONE_WORDS,
    category_thresholds: dict[str, float] | None = None,
    read: dict[str, str] | None = None,
    **options: float,
) -> Model:
    """The model (bot/safety/model.py) trained on `examples` and the extra training messages,
    each read as the matcher hands it over (everyday phrases and names masked). `read`: the
    texts so read, kept from one training to the next with the same matcher. `options`: the
    training's own (bot/safety/model.py `train`: epochs, l2, …), to compare them."""
    rows = [*examples, *read_file(EXTRA_TRAINING, "extra")]
    read = {} if read is None else read
    for e in rows:
        if e.text not in read:
            read[e.text] = matcher.model_text(e.text)
    texts = [read[e.text] for e in rows]
    return train(
        [(t, e.label == "danger") for t, e in zip(texts, rows, strict=True)],
        threshold=threshold,
        veto=veto,
        firm_veto=firm_veto,
        sure=sure,
        veto_words=veto_words,
        alone_words=alone_words,
        category_thresholds=tuple(
            (CATEGORY_THRESHOLDS if category_thresholds is None else category_thresholds).items()
        ),
        # Which kind of danger, learnt from the messages labelled with one of the matcher's
        # categories ("abuse", violence or sexual, is left to the rules).
        categories=[
            (t, e.category)
            for t, e in zip(texts, rows, strict=True)
            if e.label == "danger" and e.category in matcher.categories
        ],
        **{"runs": RUNS, "keep": KEEP, "min_count": MIN_COUNT, **options},  # type: ignore[arg-type]
    )


@dataclass
class Tally:
    total: int = 0
    alarmed: int = 0
    misses: list[Example] = field(default_factory=list)

    def rate(self) -> float:
        return self.alarmed / self.total if self.total else 0.0


@dataclass
class Report:
    # (split or "all", label, category or "all") → tally
    tallies: dict[tuple[str, str, str], Tally]

    def tally(self, split: str, label: str, category: str = "all") -> Tally:
        return self.tallies.get((split, label, category), Tally())

    def recall(self, split: str = "all") -> float:
        return self.tally(split, "danger").rate()

    def false_alarms(self, split: str = "all") -> float:
        return self.tally(split, "calm").rate()

    def categories(self, label: str) -> list[str]:
        return sorted({c for (s, lab, c) in self.tallies if lab == label and c != "all"})


def evaluate(examples: list[Example], matcher: Matcher | None = None) -> Report:
    matcher = matcher or load()
    tallies: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    for example in examples:
        alarmed = matcher.check(example.text) is not None
        wrong = alarmed != (example.label == "danger")
        for key in (
            (example.split, example.label, example.category),
            (example.split, example.label, "all"),
            ("all", example.label, example.category),
            ("all", example.label, "all"),
        ):
            tally = tallies[key]
            tally.total += 1
            tally.alarmed += alarmed
            if wrong and key[0] == "all" and key[2] == "all":
                tally.misses.append(example)
    return Report(dict(tallies))


def format_report(report: Report, show_misses: bool = False) -> str:
    lines = []
    splits = [s for s in SPLITS if report.tally(s, "danger").total + report.tally(s, "calm").total]
    columns = " · ".join((*splits, "all"))
    for split in (*splits, "all"):
        danger, calm = report.tally(split, "danger"), report.tally(split, "calm")
        lines.append(
            f"{split:8} recall {danger.alarmed}/{danger.total} = "
            f"{danger.rate():.1%}   false alarms {calm.alarmed}/{calm.total} = "
            f"{calm.rate():.1%}"
        )
    lines.append("")
    lines.append(f"danger: recall by category ({columns})")
    for category in report.categories("danger"):
        parts = [report.tally(s, "danger", category) for s in (*splits, "all")]
        lines.append(
            f"  {category:14} "
            + " · ".join(f"{t.alarmed}/{t.total}" for t in parts)
            + f"  = {parts[-1].rate():.1%}"
        )
    lines.append(f"calm: false alarms by category ({columns})")
    for category in report.categories("calm"):
        parts = [report.tally(s, "calm", category) for s in (*splits, "all")]
        lines.append(
            f"  {category:16} "
            + " · ".join(f"{t.alarmed}/{t.total}" for t in parts)
            + f"  = {parts[-1].rate():.1%}"
        )
    if show_misses:
        matcher = load()
        lines.append("")
        for example in report.tally("all", "danger").misses:
            lines.append(f"MISSED  [{example.split}/{example.category}] {example.text}")
        for example in report.tally("all", "calm").misses:
            verdict = matcher.check(example.text)
            lines.append(
                f"ALARM   [{example.split}/{example.category}] {example.text}"
                f"   ← {verdict.rule if verdict else '?'}: {verdict.words if verdict else ''}"
            )
    return "\n".join(lines)


_ENGLISH = {"the", "is", "my", "and", "he", "she", "i", "a", "to", "of", "his", "her", "in"}


def typing_styles(text: str) -> list[str]:
    """How a message was typed: English, no/half/full diacritics, SMS spellings, long."""
    words = [w for w in text.replace("\t", " ").split() if any(ch.isalpha() for ch in w)]
    lower = [w.lower().strip(".,!?;:()\"'") for w in words]
    styles = []
    if sum(w in _ENGLISH for w in lower) >= 2 and fold(text) == text.lower():
        styles.append("english")
    else:
        accented = sum(fold(w) != w for w in lower)
        share = accented / len(lower) if lower else 0.0
        styles.append(
            "no diacritics" if accented == 0 else "half diacritics" if share < 0.45 else "accented"
        )
        if any(w in _SMS_WORDS for w in lower):
            styles.append("SMS spellings")
    if len(words) > 25:
        styles.append("long")
    return styles


_SMS_WORDS = {
    "ko", "k", "hok", "hong", "hông", "khum", "e", "bme", "j", "z", "dc", "đc", "wa", "wá",
    "r", "ng", "mn", "bit", "bít", "tui", "mik", "vs", "cx", "ms", "lm", "ns", "trc", "hk",
}  # fmt: skip


def left_out_model(
    split: str,
    examples: list[Example],
    rules: Matcher | None = None,
    read: dict[str, str] | None = None,
) -> Model:
    """The model trained as the shipped one was (on the files it learnt from), but without
    `split`: a blind file added since is never learnt, even to measure the others."""
    rules = rules or Matcher(load_json(PATTERNS_FILE, CONTENT_DIR))
    shipped = load_model()
    trained_on = set(shipped.trained_on) if shipped else {e.split for e in examples}
    return train_model(rules, [e for e in examples if e.split in trained_on - {split}], read=read)


def left_out_reports(splits: Sequence[str]) -> dict[str, Report]:
    """Each file measured with the rules and a model trained without it, one after the other
    (a worker's task: it reads everything itself, so it can run in a fresh process; the
    corpus is read by the rules once for all the trainings)."""
    data = load_json(PATTERNS_FILE, CONTENT_DIR)
    rules = Matcher(data)
    examples = read_corpus()
    read: dict[str, str] = {}
    reports = {}
    for split in splits:
        matcher = Matcher(data, left_out_model(split, examples, rules, read))
        reports[split] = evaluate([e for e in examples if e.split == split], matcher)
    return reports


def leave_one_out(examples: list[Example], splits: list[str] | None = None) -> str:
    """For each file: the model trained on all the others, measured on it with the rules
    (rules alone, model alone, rules or model). The rules are written by hand from every file
    once it has been measured, so only the model column is honest for a file learnt from; a
    blind file measures the rules honestly only the first time, before anyone reads it."""
    data = load_json(PATTERNS_FILE, CONTENT_DIR)
    rules = Matcher(data)
    read: dict[str, str] = {}
    present = [s for s in SPLITS if any(e.split == s for e in examples)]
    lines = [
        "leave one file out: the model trained on the other files "
        "(recall on danger · false alarms on calm)",
        f"{'file':8} {'rules alone':>22} {'model alone':>22} {'rules or model':>22}",
    ]
    combined: list[tuple[Example, bool]] = []
    for split in splits or present:
        held = [e for e in examples if e.split == split]
        model = left_out_model(split, examples, rules, read)
        both = Matcher(data, model)
        columns = []
        for decide in (
            lambda text: rules.check(text) is not None,
            lambda text, both=both: (
                both._second_opinion(  # the model's part alone
                    text, *_tokens_and_keys(both, text), None
                )
                is not None
            ),
            lambda text, both=both: both.check(text) is not None,
        ):
            verdicts = [(e, decide(e.text)) for e in held]
            danger = [alarmed for e, alarmed in verdicts if e.label == "danger"]
            calm = [alarmed for e, alarmed in verdicts if e.label == "calm"]
            columns.append(
                f"{sum(danger):3}/{len(danger):<3} {_pct(danger)} · {sum(calm):2}/{len(calm):<3} "
                f"{_pct(calm)}"
            )
        lines.append(f"{split:8} " + "  ".join(f"{c:>22}" for c in columns))
        combined.extend(verdicts)  # rules or model, the last column
    blind_danger = [a for e, a in combined if e.split in BLIND_SPLITS and e.label == "danger"]
    blind_calm = [a for e, a in combined if e.split in BLIND_SPLITS and e.label == "calm"]
    if blind_danger or blind_calm:
        lines.append(
            f"{'blind':8} {'':>22}  {'':>22}  "
            f"{sum(blind_danger):>4}/{len(blind_danger):<4} {_pct(blind_danger)} · "
            f"{sum(blind_calm):2}/{len(blind_calm):<3} {_pct(blind_calm)}   (pooled)"
        )
    lines.append("")
    lines.append("rules or model, leave one file out, by category")
    for label in LABELS:
        for category in sorted({e.category for e, _ in combined if e.label == label}):
            hits = [a for e, a in combined if e.label == label and e.category == category]
            lines.append(f"  {label:6} {category:16} {sum(hits):3}/{len(hits):<3} {_pct(hits)}")
    lines.append("")
    lines.append("blind files, rules or model: errors by typing style (errors/messages)")
    blind = [(e, a) for e, a in combined if e.split in BLIND_SPLITS]
    styles = sorted({s for e, _ in blind for s in typing_styles(e.text)})
    for label in LABELS:
        for style in styles:
            rows = [(e, a) for e, a in blind if e.label == label and style in typing_styles(e.text)]
            wrong = [e for e, a in rows if a != (label == "danger")]
            if rows:
                lines.append(f"  {label:6} {style:16} {len(wrong):3}/{len(rows):<3}")
    lines.append("")
    for e, alarmed in blind:
        if alarmed != (e.label == "danger"):
            kind = "MISSED" if e.label == "danger" else "ALARM "
            lines.append(
                f"{kind}  [{e.split}/{e.category}; {', '.join(typing_styles(e.text))}] {e.text}"
            )
    return "\n".join(lines)


def _tokens_and_keys(matcher: Matcher, text: str) -> tuple[list, set[str]]:
    tokens = matcher.read(text)
    keys = {key for token in tokens for key in token.folded}
    if any(token.digit for token in tokens):
        keys.add("#")
    return tokens, keys


def _pct(values: list[bool]) -> str:
    return f"{sum(values) / len(values):6.1%}" if values else "     –"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    parser.add_argument(
        "--by-file", action="store_true", help="leave one file out (trains the model per file)"
    )
    parser.add_argument("--only", nargs="*", help="with --by-file: only these files")
    args = parser.parse_args(argv)
    if args.by_file:
        print(leave_one_out(read_corpus(), args.only))
        return 0
    report = evaluate(read_corpus())
    print(format_report(report, args.misses))
    ok = report.recall() >= RECALL_TARGET and report.false_alarms() <= FALSE_ALARM_LIMIT
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
