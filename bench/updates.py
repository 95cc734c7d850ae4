"""Updates per second and CPU per update through the whole stack, on the emulator.

Two workloads from 500 simulated people: `/start` (greeting + keyboard) and one conversation
step that writes to SQLite (typing one's name during sign-up: conversation state and user_data
flushed per update). Updates go through PTB's update queue as in production. The emulator's
own CPU (building updates, answering sendMessage) is measured separately and subtracted.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from telegram import Update

from bench.support import TimedServer
from bot.application import build_application, start_services
from bot.clock import FakeClock
from bot.config import Settings
from devkit.emulator.request import EmulatorRequest

USERS = 500


async def _feed(app, server: TimedServer, updates: list[dict]) -> tuple[float, float, float]:
    objects = [Update.de_json(data, app.bot) for data in updates]
    server.cpu = 0.0
    wall, cpu = time.perf_counter(), time.process_time()
    for update in objects:
        await app.update_queue.put(update)
    await app.update_queue.join()
    return time.perf_counter() - wall, time.process_time() - cpu, server.cpu


async def run(users: int = USERS) -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_path=Path(folder) / "bench.sqlite3",
            data_key_file=Path(folder) / "data.key",
            dispatcher_interval=0,
        )
        server = TimedServer(clock=FakeClock(), keep_transcripts=False)
        app = build_application(
            settings, request=EmulatorRequest(server), clock=server.clock, rate_limit=False
        )
        await app.initialize()
        await start_services(app)
        await app.start()
        people = [server.create_user(f"User {i}", language_code="vi") for i in range(users)]
        results = []
        try:
            starts = [server.user_message(p, None, "/start") for p in people]
            server.drain_updates()
            results.append(("/start", *await _feed(app, server, starts)))
            # Everyone taps "collaborator" (not measured), then types their name (measured).
            taps = []
            for person in people:
                chat = server.chats[person.id]
                greeting = (
                    next(m for m in reversed(chat.messages.values()) if m.inline_keyboard)
                    if server.keep_transcripts
                    else None
                )
                data = (
                    greeting.inline_keyboard[0][0]["callback_data"]
                    if greeting and greeting.inline_keyboard
                    else "onb:role:collaborator"
                )
                taps.append(server.callback_query(person, chat, 1, data, forge=True))
            server.drain_updates()
            await _feed(app, server, taps)
            names = [server.user_message(p, None, f"Nguyễn Văn {i}") for i, p in enumerate(people)]
            server.drain_updates()
            results.append(("conversation step + SQLite write", *await _feed(app, server, names)))
        finally:
            await app.stop()
            await app.shutdown()
    report = []
    for name, wall, cpu, emulator_cpu in results:
        report.append(
            {
                "workload": name,
                "updates": users,
                "updates_per_s": users / wall,
                "cpu_ms_per_update": 1000 * cpu / users,
                "bot_cpu_ms_per_update": 1000 * (cpu - emulator_cpu) / users,
            }
        )
    return report


ROUNDS = 3


def main() -> None:
    print(
        f"Update handling — {USERS} simulated users, {os.cpu_count()} CPUs, Python, in-process "
        f"emulator, sequential updates; best of {ROUNDS} rounds (a shared VM is noisy)"
    )
    rounds = [asyncio.run(run()) for _ in range(ROUNDS)]
    best = [
        min((r[i] for r in rounds), key=lambda row: row["cpu_ms_per_update"])
        for i in range(len(rounds[0]))
    ]
    for row in best:
        print(
            f"  {row['workload']:<34} {row['updates_per_s']:7.0f} updates/s   "
            f"CPU {row['cpu_ms_per_update']:.2f} ms/update "
            f"(bot stack without the emulator: {row['bot_cpu_ms_per_update']:.2f} ms)"
        )
