"""Delivery engine: overhead with the limits off, and the pace with the limits on.

    python -m bench delivery              10,000 and 100,000 recipients, no rate limit
    python -m bench delivery --limited    3,000 recipients at 30/s with the emulator's
                                          flood control on (takes ~100 s)

The whole production stack runs: SQLite queue on disk, PTB's Bot, the in-process emulator
(keep_transcripts off). Messages/s is wall time from "send now" to the final state; the
emulator's own CPU is counted separately. Peak memory is what tracemalloc sees allocated
during the delivery (a second run of the same size), so it shows whether memory grows with
the number of recipients.
"""

from __future__ import annotations

import asyncio
import collections
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.support import TimedServer
from bot import delivery
from bot.application import build_application
from bot.audience import Audience
from bot.clock import SystemClock
from bot.config import Settings
from bot.delivery import Content
from devkit.emulator.request import EmulatorRequest
from devkit.emulator.server import BotAPIServer
from storage import delivery as store

SIZES = (10_000, 100_000)
LIMITED_SIZE = 3_000
TEXT = "Thông báo: tập huấn bảo vệ trẻ em lúc 8 giờ sáng thứ Bảy tại UBND phường."


async def _seed(db, server: BotAPIServer, count: int) -> None:
    """Parents straight into SQLite (the bench measures sending, not onboarding)."""
    first = 200_000_000
    stamp = "2021-05-25T02:00:00Z"
    rows = []
    for number in range(count):
        user_id = first + number
        server.create_user("P", user_id=user_id, language_code="vi")
        server.chats[user_id].to_dict()  # the emulator caches this per chat: not ours to count
        rows.append((user_id, "P", "vi", stamp, stamp))
    await db.executemany(
        "INSERT INTO users (telegram_id, display_name, language, onboarded, created_at,"
        " updated_at) VALUES (?, ?, ?, 1, ?, ?)",
        rows,
    )


async def _run(count: int, limited: bool, trace: bool) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_path=Path(folder) / "bench.sqlite3",
            data_key_file=Path(folder) / "data.key",
            dispatcher_interval=0,
            overall_rate=30.0,
        )
        server = TimedServer(keep_transcripts=False, enforce_limits=limited)
        server.sent_log = collections.deque(maxlen=1000)  # the emulator's log must not grow
        app = build_application(
            settings, request=EmulatorRequest(server), clock=SystemClock(), rate_limit=limited
        )
        await app.initialize()
        await app.start()
        try:
            await _seed(app.services.database, server, count)
            engine = delivery.install(app)
            if not limited:
                engine.configure(None)
            delivery_id = await delivery.enqueue(
                app.services.database,
                kind="broadcast",
                content=Content.text(TEXT),
                now=app.services.clock.now(),
                audience=Audience(roles=frozenset({"public"})),
            )
            if trace:
                tracemalloc.start()
                tracemalloc.reset_peak()
            server.cpu = 0.0
            wall, cpu = time.perf_counter(), time.process_time()
            engine.kick()
            while engine.running and engine.task is not None:
                await engine.task
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            peak = tracemalloc.get_traced_memory()[1] if trace else 0
            if trace:
                tracemalloc.stop()
            final = await store.get(app.services.database, delivery_id)
            assert final is not None
        finally:
            await app.stop()
            await app.shutdown()
    return {
        "recipients": count,
        "sent": final.sent_count,
        "state": final.state,
        "seconds": wall,
        "per_second": final.sent_count / wall,
        "cpu_ms": 1000 * cpu / count,
        "emulator_cpu_ms": 1000 * server.cpu / count,
        "peak_mib": peak / 2**20,
        "http_429": server.flood_429_count,
    }


def main(argv: list[str] | None = None) -> None:
    argv = argv or []
    if "--limited" in argv:
        print(
            f"Delivery with the limits on — {LIMITED_SIZE:,} recipients, 30/s, emulator flood "
            "control on, the shared send budget on (production settings)"
        )
        row = asyncio.run(_run(LIMITED_SIZE, limited=True, trace=False))
        print(
            f"  {row['sent']:,} sent in {row['seconds']:.1f} s = {row['per_second']:.2f}/s, "
            f"429 answers from the emulator: {row['http_429']}, state {row['state']}"
        )
        return
    print(
        f"Delivery overhead, limits off — {os.cpu_count()} CPUs, in-process emulator, "
        "SQLite queue on disk"
    )
    for count in SIZES:
        speed = asyncio.run(_run(count, limited=False, trace=False))
        memory = asyncio.run(_run(count, limited=False, trace=True))
        print(
            f"  {count:>7,} recipients: {speed['per_second']:6.0f} messages/s "
            f"({speed['seconds']:.1f} s; CPU {speed['cpu_ms']:.2f} ms/message, of which "
            f"emulator {speed['emulator_cpu_ms']:.2f} ms) · peak memory during the send "
            f"{memory['peak_mib']:.1f} MiB · {speed['sent']:,} sent, {speed['state']}"
        )
