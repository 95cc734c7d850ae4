"""The shipped starter set (content/materials/starter.json), installed once by slug.

Installing never overwrites: once a starter material is in the database, staff own it (they
may edit or hide it), and a later release only adds the slugs that are new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from bot.content import load_json
from bot.materials.catalogue import AUDIENCES, TOPICS, parse_audiences
from storage import materials
from storage.db import Database

STARTER_FILE = "materials/starter.json"
POSTER_LABELS_FILE = "materials/poster.json"


def starter_entries() -> list[dict]:
    return list(load_json(STARTER_FILE)["materials"])


def poster_spec(slug: str | None) -> dict | None:
    if not slug:
        return None
    for entry in starter_entries():
        if entry["slug"] == slug:
            return entry.get("poster")
    return None


def poster_labels() -> dict:
    return dict(load_json(POSTER_LABELS_FILE))


def poster_version(spec: dict) -> str:
    """Changes whenever what is printed changes, so a cached upload is not reused after it."""
    blob = json.dumps([spec, poster_labels()], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def validate(entry: dict) -> None:
    if entry["topic"] not in TOPICS:
        raise ValueError(f"unknown topic {entry['topic']!r} in {entry['slug']}")
    if set(entry["audiences"]) - set(AUDIENCES):
        raise ValueError(f"unknown audience in {entry['slug']}")


async def install(db: Database, now: dt.datetime) -> list[str]:
    """Add starter materials whose slug is not in the database yet; returns the added slugs."""
    present = await materials.slugs(db)
    added = []
    for entry in starter_entries():
        validate(entry)
        if entry["slug"] in present:
            continue
        fields = {
            "title": entry["title"],
            "title_en": entry.get("title_en", ""),
            "summary": entry["summary"],
            "summary_en": entry.get("summary_en", ""),
            "topic": entry["topic"],
            "audiences": parse_audiences(entry["audiences"]),
            "language": entry.get("language", "vi"),
            "body": entry.get("body", ""),
        }
        poster = entry.get("poster")
        if poster:
            fields.update(
                file_kind="document",
                file_name=poster["file_name"],
                file_mime="application/pdf",
                file_source="poster",
            )
        await materials.create(db, now, None, slug=entry["slug"], **fields)
        added.append(entry["slug"])
    return added
