"""The single SQLite connection of the process, and numbered migrations.

One aiosqlite connection serves the whole bot: updates are handled one at a time, so a
second connection would only add lock contention. Every multi-statement change runs inside
`transaction()`.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Which Database the current task holds a transaction on: its statements join that
# transaction, every other task's statements wait for it to finish.
_transaction_owner: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "transaction_owner", default=None
)


def _nothing() -> None:
    return None


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of the bot."""


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: Path | str) -> None:
        self._conn = connection
        self.path = Path(path) if str(path) != ":memory:" else path
        # Serialises transactions: aiosqlite runs statements in order, but two coroutines
        # interleaving BEGIN…COMMIT on one connection would mix their changes.
        self._tx_lock = asyncio.Lock()
        # Called after every COMMIT of a transaction that asked for it (`after_commit`), and
        # right away for a single autocommitted statement: the outbox wakes its sender this
        # way, never before the rows it would send are committed.
        self._after_commit: list = []
        # Set by the delivery engine: wakes its outbox sender (bot/outbox.py).
        self.wake_outbox = _nothing

    @property
    def in_transaction(self) -> bool:
        """True inside `transaction()` in the current task."""
        return _transaction_owner.get() == id(self)

    def after_commit(self, callback) -> None:
        """Run `callback()` once the current transaction commits (at once outside one);
        nothing runs if it rolls back."""
        if self.in_transaction:
            if callback not in self._after_commit:
                self._after_commit.append(callback)
        else:
            callback()

    @classmethod
    async def connect(cls, path: Path | str) -> Database:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA synchronous=NORMAL")
        # Deleted or overwritten rows (erased case details, sealed questions) are zeroed on
        # disk instead of lingering in free pages.
        await conn.execute("PRAGMA secure_delete=ON")
        return cls(conn, path)

    async def close(self) -> None:
        await self._conn.close()

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception. Not re-entrant."""
        async with self._tx_lock:
            await self._call("BEGIN IMMEDIATE", (), "count")
            token = _transaction_owner.set(id(self))
            try:
                yield self
            except BaseException:
                self._after_commit.clear()
                await self._call("ROLLBACK", (), "count")
                raise
            else:
                await self._call("COMMIT", (), "count")
            finally:
                _transaction_owner.reset(token)
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[Database]:
        """Join the current task's transaction, or open one: for helpers (such as queueing a
        notification) that callers use both inside and outside a transaction."""
        if self.in_transaction:
            yield self
        else:
            async with self.transaction():
                yield self

    # Each call below is ONE hand-off to aiosqlite's worker thread (statement, fetch and
    # cursor close together): every hand-off costs a thread switch, which was a good part
    # of the CPU per update when a fetch took three of them.
    def _run(self, sql: str, params, mode: str):
        """In the worker thread: run one statement and return what the caller needs."""
        cursor = self._conn._conn.execute(sql, params)
        try:
            if mode == "one":
                return cursor.fetchone()
            if mode == "all":
                return cursor.fetchall()
            return cursor.lastrowid if mode == "insert" else cursor.rowcount
        finally:
            cursor.close()

    async def _call(self, sql: str, params, mode: str):
        return await self._conn._execute(self._run, sql, params, mode)

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one statement; returns lastrowid (for INSERT) or rowcount."""
        mode = "insert" if sql.lstrip()[:6].upper() == "INSERT" else "count"
        if _transaction_owner.get() == id(self):
            return await self._call(sql, params, mode)
        # Outside a transaction, autocommit mode makes a single statement atomic.
        async with self._tx_lock:
            return await self._call(sql, params, mode)

    def _run_batch(self, statements: list[tuple[str, Sequence[Any]]]) -> None:
        """In the worker thread: several statements as one transaction."""
        conn = self._conn._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                conn.execute(sql, params).close()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    async def execute_batch(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Run statements atomically in ONE hand-off to the worker thread (or join the
        transaction this task already holds)."""
        if not statements:
            return
        if _transaction_owner.get() == id(self):
            for sql, params in statements:
                await self._call(sql, params, "count")
            return
        async with self._tx_lock:
            if len(statements) == 1:
                await self._call(*statements[0], "count")
            else:
                await self._conn._execute(self._run_batch, statements)

    async def execute_returning(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> aiosqlite.Row | None:
        """A write with RETURNING: the changed row, in the same single statement."""
        if _transaction_owner.get() == id(self):
            return await self._call(sql, params, "one")
        async with self._tx_lock:
            return await self._call(sql, params, "one")

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if _transaction_owner.get() == id(self):
            await self._conn.executemany(sql, rows)
        else:
            async with self.transaction():
                await self._conn.executemany(sql, rows)

    async def fetchone(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> aiosqlite.Row | None:
        return await self._call(sql, params, "one")

    async def fetchall(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[aiosqlite.Row]:
        return await self._call(sql, params, "all")

    async def fetchvalue(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def iterate(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = (), batch: int = 500
    ) -> AsyncIterator[aiosqlite.Row]:
        """Stream rows in batches so large audiences never sit in memory at once."""
        async with self._conn.execute(sql, params) as cursor:
            while rows := await cursor.fetchmany(batch):
                for row in rows:
                    yield row


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every file in storage/migrations, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


async def schema_version(db: Database) -> int:
    exists = await db.fetchvalue(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'"
    )
    if not exists:
        return 0
    return int(await db.fetchvalue("SELECT coalesce(max(version), 0) FROM schema_version"))


async def applied_versions(db: Database) -> set[int]:
    if not await schema_version(db):
        return set()
    return {row[0] for row in await db.fetchall("SELECT version FROM schema_version")}


async def migrate(db: Database) -> list[int]:
    """Apply every migration not applied yet, each in its own transaction; returns them."""
    migrations = available_migrations()
    latest = migrations[-1][0] if migrations else 0
    current = await schema_version(db)
    if current > latest:
        raise SchemaTooNewError(
            f"the database {db.path} has schema version {current}, newer than this bot "
            f"knows ({latest}); upgrade the bot instead of downgrading the data"
        )
    done = await applied_versions(db)
    applied = []
    for version, name, sql in migrations:
        if version in done:
            continue
        async with db.transaction():
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for statement in split_sql(sql):
                await db.execute(statement)
            await db.execute(
                "INSERT INTO schema_version (version, name, applied_at)"
                " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                (version, name),
            )
        applied.append(version)
    return applied


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    statements, buffer = [], []
    for line in script.splitlines():
        stripped = line.strip()
        if stripped.startswith("--") or not stripped:
            continue
        buffer.append(line)
        candidate = "\n".join(buffer)
        if stripped.endswith(";") and _complete(candidate):
            statements.append(candidate.strip().rstrip(";"))
            buffer = []
    if "".join(buffer).strip():
        statements.append("\n".join(buffer).strip())
    return statements


def _complete(candidate: str) -> bool:
    # Triggers contain inner semicolons; they end with END;
    upper = candidate.upper()
    if "CREATE TRIGGER" in upper:
        return upper.rstrip().rstrip(";").rstrip().endswith("END")
    return True
