"""The emulator's own cost: what the tests used to assert with a stopwatch, measured here.

    python -m bench emulator

- sendMessage without transcripts (as the delivery benchmarks run it), 5,000 and 50,000 sends:
  the cost per send must stay flat (a regression to O(n) per send shows as growth);
- the same with transcripts kept (as the tests run it);
- a long poll woken by an injected update, over loopback HTTP: the time from the update to the
  poll's answer (the poll's own timeout is an hour, so only the wake-up can end it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time

import httpx

from bot.clock import FakeClock
from devkit.emulator.http import HTTPFront
from devkit.emulator.server import BotAPIServer


async def _sends(count: int, keep_transcripts: bool) -> float:
    server = BotAPIServer(FakeClock(), keep_transcripts=keep_transcripts)
    chat_id = server.create_user().id
    started = time.perf_counter()
    for i in range(count):
        await server.handle("sendMessage", {"chat_id": chat_id, "text": f"m{i}"})
    return (time.perf_counter() - started) / count


async def _wake_ups(rounds: int) -> list[float]:
    server = BotAPIServer(FakeClock(dt.datetime.now(dt.UTC)))
    front = HTTPFront(server, host="127.0.0.1", port=0)
    await front.start()
    latencies = []
    try:
        async with httpx.AsyncClient(base_url=front.base_url, timeout=3700) as client:
            offset = 0
            for number in range(rounds):
                poll = asyncio.create_task(
                    client.post("/bot123:TEST/getUpdates", data={"timeout": 3600, "offset": offset})
                )
                await asyncio.sleep(0.005)  # the poll is waiting
                started = time.perf_counter()
                await client.post(
                    "/_emulator/user_message",
                    json={"user_id": 555, "first_name": "Minh", "text": f"tin {number}"},
                )
                body = (await poll).json()
                latencies.append(time.perf_counter() - started)
                offset = body["result"][-1]["update_id"] + 1
    finally:
        await front.stop()
    return latencies


async def _main() -> None:
    print("emulator: sendMessage cost per send (best of 3)")
    for keep in (False, True):
        for count in (5_000, 50_000):
            best = min([await _sends(count, keep) for _ in range(3)])
            label = "with transcripts" if keep else "no transcripts"
            print(f"  {count:>6,} sends, {label:<16}: {best * 1e6:7.1f} µs/send")
    latencies = await _wake_ups(200)
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"emulator: long poll woken by an update over HTTP, 200 rounds: "
        f"median {statistics.median(latencies) * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms"
    )


def main() -> None:
    asyncio.run(_main())
