"""Train the danger model (bot/safety/model.py) on the labelled corpus and write its weights.

    .venv/bin/python scripts/train_safety_model.py

Reads every file of tests/data/safety_corpus_*.tsv but the held-out blind files (HELD_OUT in
bot/safety/evaluate.py) and scripts/data/safety_train_extra.tsv,
reads each message the way the matcher hands it to the model (everyday phrases and names
masked, SMS spellings undone, folded), and writes content/safety_model.json. Run it again after
adding labelled messages; `python -m bot.safety.evaluate --by-file` measures it honestly (the
model trained without the file it is measured on).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content import CONTENT_DIR, load_json  # noqa: E402
from bot.safety.evaluate import HELD_OUT, read_corpus, train_model  # noqa: E402
from bot.safety.matcher import PATTERNS_FILE, Matcher  # noqa: E402
from bot.safety.model import MODEL_FILE  # noqa: E402


def main() -> int:
    rules = Matcher(load_json(PATTERNS_FILE, CONTENT_DIR))
    examples = [e for e in read_corpus() if e.split not in HELD_OUT]
    model = dataclasses.replace(
        train_model(rules, examples), trained_on=tuple(dict.fromkeys(e.split for e in examples))
    )
    path = CONTENT_DIR / MODEL_FILE
    path.write_text(
        json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    print(
        f"{path}: {len(model.weights)} weights, {len(model.likelihoods)} category features, "
        f"from {len(examples)} messages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
