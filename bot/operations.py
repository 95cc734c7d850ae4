"""Operations on the database file: online backup and an integrity check.

Both use Python's sqlite3 module directly (not the bot's aiosqlite connection): they run as
separate commands, possibly while the bot itself is running and writing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CheckReport:
    integrity: str
    schema_version: int
    row_counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity == "ok"


def backup(database: Path, target: Path) -> Path:
    """A consistent copy through SQLite's online backup API, safe while the bot writes.

    The whole copy is one step, inside one read transaction: in WAL mode that reads a single
    snapshot without blocking the bot's writes. (Copying in small steps would restart from
    scratch after every write by the bot, and never finish on a busy day.)

    The copy is written next to the target and renamed into place, so a failed backup never
    leaves a half-written file where the previous good one was.
    """
    if not database.exists():
        raise FileNotFoundError(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    report = check(partial)
    if not report.ok:
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"the backup copy failed its integrity check: {report.integrity}")
    partial.replace(target)
    return target


def check(database: Path) -> CheckReport:
    if not database.exists():
        raise FileNotFoundError(database)
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        integrity = "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        counts = {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in tables
        }
        version = 0
        if "schema_version" in tables:
            version = connection.execute(
                "SELECT coalesce(max(version), 0) FROM schema_version"
            ).fetchone()[0]
    finally:
        connection.close()
    return CheckReport(integrity=integrity, schema_version=version, row_counts=counts)
