"""This bot beside a bare PTB + aiosqlite bot (bench/bare_bot.py), as live processes over
loopback HTTP, in interleaved rounds.

    python -m bench compare [--rounds N] [--users N]

Each round starts each bot in a fresh folder against a fresh emulator served over HTTP, then
500 simulated people send /start (a backlog: both bots run flat out, BROADCAST_RATE at its
maximum so no limiter holds them), press the first button, and type their name (a
conversation step that writes to SQLite). Per bot: seconds from spawn to the first
getUpdates, memory (RSS) at that moment and at its peak, and CPU per update read from /proc
(the emulator's CPU is in this process, not counted). The ratios are this bot / the bare bot;
the order alternates between rounds so a load change on a shared machine hits both.
"""

from __future__ import annotations

import asyncio
import os
import statistics

from bench.live import BenchServer, LiveBot, mib, quiet

USERS = 500
ROUNDS = 3
FIRST_USER = 300_000_000
GOALS = {"start_s": 1.5, "rss_first_poll": None, "cpu_start": 1.15, "cpu_step": 1.15}
MEMORY_GOAL_MIB = 60


async def _phase(bot: LiveBot, server: BenchServer, inject, done, users: int) -> float:
    """CPU milliseconds per update of one workload."""
    before, calls = bot.cpu(), server.counts.copy()
    inject()
    await quiet(server, done)
    if os.environ.get("BENCH_VERBOSE"):
        print("   ", bot.module, dict(server.counts - calls))
    return 1000 * (bot.cpu() - before) / users


async def _run(kind: str, users: int) -> dict:
    # Transcripts kept: the button press edits the greeting, as in a real chat.
    server = BenchServer(keep_transcripts=True)
    people = [
        server.create_user(f"Người {i}", user_id=FIRST_USER + i, language_code="vi")
        for i in range(users)
    ]
    if kind == "bot":
        bot = LiveBot("bot", server, BROADCAST_RATE="1000")
        press = "onb:role:collaborator"
    else:
        bot = LiveBot("bench.bare_bot", server)
        press = "r:c"
    replied: set[int] = set()
    server.on_send.append(lambda method, chat_id, message_id, text: replied.add(chat_id))
    try:
        start_s = await bot.start()
        rss_first_poll = server.first_poll_rss or bot.memory()["VmRSS"]
        # Start-up work (command menus, the danger matcher, the first tick) is not per update.
        await bot.idle()
        errors_before = bot.stderr().count("Traceback")

        def send_all(texts):
            def inject():
                replied.clear()
                for person, text in zip(people, texts, strict=True):
                    server.user_message(person, None, text)

            return inject

        cpu_start = await _phase(
            bot, server, send_all(["/start"] * users), lambda: len(replied) >= users, users
        )
        # Presses (not measured) in small batches: Telegram refuses to answer a button press
        # older than 15 s, which a backlog of 500 on a loaded machine can reach.
        for first in range(0, users, 50):
            batch = people[first : first + 50]
            answered = server.counts["answercallbackquery"]
            for person in batch:
                server.callback_query(person, None, 2, press, forge=True)
            await quiet(
                server,
                lambda batch=batch, answered=answered: (
                    server.counts["answercallbackquery"] >= answered + len(batch)
                ),
                0.05,
            )
        cpu_step = await _phase(
            bot,
            server,
            send_all([f"Nguyễn Văn {i}" for i in range(users)]),
            lambda: len(replied) >= users,
            users,
        )
        peak = bot.memory()["VmHWM"]
        if bot.stderr().count("Traceback") > errors_before or "error in update" in bot.stderr():
            raise RuntimeError(f"{kind} failed during the workload: {bot.stderr()[-3000:]}")
    finally:
        await bot.stop()
    return {
        "start_s": start_s,
        "rss_first_poll": rss_first_poll,
        "peak": peak,
        "cpu_start": cpu_start,
        "cpu_step": cpu_step,
    }


def _range(values, fmt: str) -> str:
    low, high = min(values), max(values)
    return f"{low:{fmt}}" if f"{low:{fmt}}" == f"{high:{fmt}}" else f"{low:{fmt}}–{high:{fmt}}"


def run(rounds: int = ROUNDS, users: int = USERS) -> dict:
    results: dict[str, list[dict]] = {"bare": [], "bot": []}
    for number in range(rounds):
        order = ("bare", "bot") if number % 2 == 0 else ("bot", "bare")
        for kind in order:
            results[kind].append(asyncio.run(_run(kind, users)))
    return results


def report(results: dict) -> None:
    bare, bot = results["bare"], results["bot"]
    rows = [
        ("CPU per update, /start", "cpu_start", "ms", ".2f", 1.0),
        ("CPU per update, conversation step", "cpu_step", "ms", ".2f", 1.0),
        ("start to first getUpdates", "start_s", "s", ".2f", 1.0),
        ("memory at the first getUpdates", "rss_first_poll", "MiB", ".0f", 2**-20),
        ("peak memory", "peak", "MiB", ".0f", 2**-20),
    ]
    print(f"  {'':36} {'bare PTB+aiosqlite':>20} {'this bot':>14} {'ratio (per round)':>20}")
    for label, key, unit, fmt, scale in rows:
        ratios = [b[key] / a[key] for a, b in zip(bare, bot, strict=True)]
        goal = GOALS.get(key)
        verdict = ""
        if goal:
            verdict = "  ok" if statistics.median(ratios) <= goal else f"  over {goal}×"
        elif key in ("rss_first_poll", "peak"):
            worst = max(mib(b[key]) for b in bot)
            verdict = "  ok" if worst <= MEMORY_GOAL_MIB else f"  over {MEMORY_GOAL_MIB} MiB"
        print(
            f"  {label:36} {_range([a[key] * scale for a in bare], fmt) + ' ' + unit:>20} "
            f"{_range([b[key] * scale for b in bot], fmt) + ' ' + unit:>14} "
            f"{_range(ratios, '.2f') + '×':>20}{verdict}"
        )


def main(argv: list[str] | None = None) -> None:
    argv = argv or []
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else ROUNDS
    users = int(argv[argv.index("--users") + 1]) if "--users" in argv else USERS
    print(
        f"This bot beside a bare PTB + aiosqlite bot — live processes over loopback HTTP, "
        f"{users} users, {rounds} interleaved rounds, {os.cpu_count()} CPUs"
    )
    report(run(rounds, users))
