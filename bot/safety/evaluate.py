"""Measure the danger matcher on the labelled messages in `tests/data/`.

    python -m bot.safety.evaluate            # figures per split and category
    python -m bot.safety.evaluate --misses   # and every message it gets wrong

Each line of a corpus file is `label<TAB>category<TAB>text`; the label is `danger` or
`calm`. Recall is the share of *danger* messages that get the emergency answer; the false-alarm
rate is the share of *calm* messages that get it. The held-out file was written before the
patterns; the fresh file after they were tuned, to measure them once on unseen text.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.safety.matcher import Matcher, load

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "tests" / "data"
SPLITS = {
    "dev": "safety_corpus_dev.tsv",
    "holdout": "safety_corpus_holdout.tsv",
    "fresh": "safety_corpus_fresh.tsv",
    "fresh2": "safety_corpus_fresh2.tsv",
    "fresh3": "safety_corpus_fresh3.tsv",
    "fresh4": "safety_corpus_fresh4.tsv",
    "fresh5": "safety_corpus_fresh5.tsv",
}
LABELS = ("danger", "calm")
RECALL_TARGET = 0.99
FALSE_ALARM_LIMIT = 0.02


@dataclass(frozen=True)
class Example:
    split: str
    label: str
    category: str
    text: str


def read_corpus(directory: Path = DATA_DIR) -> list[Example]:
    examples = []
    for split, name in SPLITS.items():
        path = directory / name
        if not path.exists():  # a blind split not written yet
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            label, category, text = line.split("\t", 2)
            if label not in LABELS:
                raise ValueError(f"{name}:{number}: unknown label {label!r}")
            examples.append(Example(split, label, category, text.strip()))
    return examples


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    args = parser.parse_args(argv)
    report = evaluate(read_corpus())
    print(format_report(report, args.misses))
    ok = report.recall() >= RECALL_TARGET and report.false_alarms() <= FALSE_ALARM_LIMIT
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
