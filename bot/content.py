"""Shipped data files (areas, hotlines, …) in `content/`: replaceable without code changes."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@lru_cache(maxsize=32)
def load_json(name: str, directory: Path = CONTENT_DIR) -> Any:
    return read_json(name, directory)


def read_json(name: str, directory: Path = CONTENT_DIR) -> Any:
    """A file read afresh, for data turned into objects once (the map, the danger patterns):
    load_json's cache would keep the parsed copy alive beside them for the whole process."""
    with (directory / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def localized(names: dict[str, str], language: str) -> str:
    """A name in the wanted language, falling back to Vietnamese."""
    return names.get(language) or names["vi"]
