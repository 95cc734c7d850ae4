"""Materials: the catalogue rows, their cached Telegram file ids, stored bytes and deliveries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.models import Material
from storage.timeutil import to_db

_COLUMNS = (
    "id, slug, title, title_en, summary, summary_en, topic, audiences, language, body,"
    " file_kind, file_name, file_mime, file_source, file_id, file_key, hidden, position"
)
EDITABLE = frozenset(
    {
        "title",
        "title_en",
        "summary",
        "summary_en",
        "topic",
        "audiences",
        "language",
        "body",
        "file_kind",
        "file_name",
        "file_mime",
        "file_source",
        "file_id",
        "file_key",
        "hidden",
        "position",
    }
)


def _material(row) -> Material:
    return Material(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        title_en=row["title_en"],
        summary=row["summary"],
        summary_en=row["summary_en"],
        topic=row["topic"],
        audiences=tuple(code for code in row["audiences"].split(",") if code),
        language=row["language"],
        body=row["body"],
        file_kind=row["file_kind"],
        file_name=row["file_name"],
        file_mime=row["file_mime"],
        file_source=row["file_source"],
        file_id=row["file_id"],
        file_key=row["file_key"],
        hidden=bool(row["hidden"]),
        position=row["position"],
    )


def _prepare(fields: dict) -> dict:
    if "audiences" in fields and not isinstance(fields["audiences"], str):
        fields["audiences"] = ",".join(fields["audiences"])
    if "hidden" in fields:
        fields["hidden"] = int(bool(fields["hidden"]))
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"unknown material fields: {sorted(unknown)}")
    return fields


async def get(db: Database, material_id: int) -> Material | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM materials WHERE id = ?", (material_id,))
    return None if row is None else _material(row)


async def listing(
    db: Database,
    audience: str | None = None,
    topic: str | None = None,
    include_hidden: bool = False,
) -> list[Material]:
    """Materials in display order (position, then id)."""
    clauses, params = [], []
    if not include_hidden:
        clauses.append("hidden = 0")
    if audience:
        clauses.append("(',' || audiences || ',') LIKE ?")
        params.append(f"%,{audience},%")
    if topic:
        clauses.append("topic = ?")
        params.append(topic)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM materials {where} ORDER BY position, id", params
    )
    return [_material(row) for row in rows]


async def create(
    db: Database, now: dt.datetime, created_by: int | None, slug: str | None = None, **fields
) -> int:
    fields = _prepare(dict(fields))
    if "position" not in fields:
        fields["position"] = int(
            await db.fetchvalue("SELECT coalesce(max(position), 0) + 1 FROM materials")
        )
    names = ", ".join(["slug", "created_by", "created_at", "updated_at", *fields])
    marks = ", ".join("?" * (4 + len(fields)))
    stamp = to_db(now)
    return await db.execute(
        f"INSERT INTO materials ({names}) VALUES ({marks})",
        (slug, created_by, stamp, stamp, *fields.values()),
    )


async def update(db: Database, material_id: int, now: dt.datetime, **fields) -> bool:
    fields = _prepare(dict(fields))
    if not fields:
        return False
    assignments = ", ".join(f"{name} = ?" for name in fields)
    changed = await db.execute(
        f"UPDATE materials SET {assignments}, updated_at = ? WHERE id = ?",
        (*fields.values(), to_db(now), material_id),
    )
    return changed > 0


async def slugs(db: Database) -> set[str]:
    rows = await db.fetchall("SELECT slug FROM materials WHERE slug IS NOT NULL")
    return {row["slug"] for row in rows}


async def remember_file_id(
    db: Database, material_id: int, file_id: str | None, file_key: str | None
) -> None:
    """Cache (or forget, with None) the file_id Telegram gave for this material's file."""
    await db.execute(
        "UPDATE materials SET file_id = ?, file_key = ? WHERE id = ?",
        (file_id, file_key, material_id),
    )


async def store_file(db: Database, material_id: int, data: bytes) -> None:
    await db.execute(
        "INSERT INTO material_files (material_id, data) VALUES (?, ?)"
        " ON CONFLICT (material_id) DO UPDATE SET data = excluded.data",
        (material_id, data),
    )


async def file_data(db: Database, material_id: int) -> bytes | None:
    value = await db.fetchvalue(
        "SELECT data FROM material_files WHERE material_id = ?", (material_id,)
    )
    return None if value is None else bytes(value)


async def swap_positions(db: Database, first: Material, second: Material, now: dt.datetime) -> None:
    """Exchange two materials' places (ties broken by id are made explicit first).

    Two statements: call it inside the caller's transaction (with its audit entry)."""
    a, b = first.position, second.position
    if a == b:
        a, b = (a, b + 1) if first.id < second.id else (a + 1, b)
    await db.execute(
        "UPDATE materials SET position = ?, updated_at = ? WHERE id = ?", (b, to_db(now), first.id)
    )
    await db.execute(
        "UPDATE materials SET position = ?, updated_at = ? WHERE id = ?", (a, to_db(now), second.id)
    )


# -- deliveries ---------------------------------------------------------------------------------


async def record_delivery(
    db: Database, material_id: int, user_id: int | None, kind: str, now: dt.datetime
) -> None:
    await db.execute(
        "INSERT INTO material_deliveries (material_id, user_id, kind, delivered_at)"
        " VALUES (?, ?, ?, ?)",
        (material_id, user_id, kind, to_db(now)),
    )


@dataclass(frozen=True)
class DeliveryCount:
    material_id: int
    title: str
    deliveries: int
    files: int
    people: int


async def delivery_counts(db: Database, since: dt.datetime | None = None) -> list[DeliveryCount]:
    """Deliveries per material, most delivered first (materials never delivered included)."""
    condition, params = "", []
    if since is not None:
        condition = "AND d.delivered_at >= ?"
        params.append(to_db(since))
    rows = await db.fetchall(
        "SELECT m.id, m.title, count(d.id) AS deliveries,"
        " sum(CASE WHEN d.kind = 'file' THEN 1 ELSE 0 END) AS files,"
        " count(DISTINCT d.user_id) AS people"
        f" FROM materials m LEFT JOIN material_deliveries d ON d.material_id = m.id {condition}"
        " GROUP BY m.id ORDER BY deliveries DESC, m.position, m.id",
        params,
    )
    return [
        DeliveryCount(row["id"], row["title"], row["deliveries"], row["files"] or 0, row["people"])
        for row in rows
    ]


# -- posters and attribution ------------------------------------------------------------------


async def save_poster(
    db: Database,
    code: str,
    material_id: int,
    ward: str | None,
    created_by: int | None,
    now: dt.datetime,
) -> None:
    await db.execute(
        "INSERT INTO posters (code, material_id, ward, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
        (code, material_id, ward, created_by, to_db(now)),
    )


@dataclass(frozen=True)
class SourceCount:
    source: str
    people: int


async def source_counts(db: Database, prefix: str = "m") -> list[SourceCount]:
    """How many people first arrived through each deep-link code starting with `prefix`."""
    rows = await db.fetchall(
        "SELECT source, count(*) AS people FROM users WHERE source LIKE ? || '%'"
        " GROUP BY source ORDER BY people DESC, source",
        (prefix,),
    )
    return [SourceCount(row["source"], row["people"]) for row in rows]
