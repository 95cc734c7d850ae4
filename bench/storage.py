"""How many writes a second one SQLite file takes through the bot's own Database wrapper.

    python -m bench storage

Two shapes the bot uses: one row per statement in autocommit mode (a person's update: the
user row, a conversation state) and many rows in one transaction (the delivery engine's
outcomes, a persistence run). WAL journal, synchronous=NORMAL, on the project's disk.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from storage.db import Database

SINGLE = 3_000
BATCHES, BATCH = 200, 50


async def _run() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.connect(Path(folder) / "bench.sqlite3")
        try:
            await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, user_id INTEGER, data TEXT)")
            started = time.perf_counter()
            for number in range(SINGLE):
                await db.execute(
                    "INSERT INTO t (user_id, data) VALUES (?, ?)", (number, '{"state": 3}')
                )
            single = SINGLE / (time.perf_counter() - started)
            started = time.perf_counter()
            for batch in range(BATCHES):
                await db.execute_batch(
                    [
                        ("INSERT INTO t (user_id, data) VALUES (?, ?)", (batch * BATCH + n, "x"))
                        for n in range(BATCH)
                    ]
                )
            batched = BATCHES * BATCH / (time.perf_counter() - started)
        finally:
            await db.close()
    return single, batched


def main() -> None:
    single, batched = asyncio.run(_run())
    print("SQLite through storage.db (WAL, synchronous=NORMAL, one aiosqlite connection)")
    print(f"  one row per statement (autocommit): {single:7,.0f} writes/s")
    print(f"  {BATCH} rows per transaction:          {batched:7,.0f} rows/s")
