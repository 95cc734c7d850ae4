"""Pacing for mass sending: N messages a second overall, one a second per chat, 429 pauses.

Sends are spaced evenly (1/rate apart) rather than allowed in bursts: Telegram counts in
sliding windows and network jitter turns a burst at the edge of a window into a 429. A small
safety margin keeps the pace just under the limit.

Time is injected (`Timer`), so tests and benches never really wait: `ClockTimer` moves a
FakeClock instead of sleeping, and the emulator's flood control follows the same clock.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from typing import Protocol

from bot.clock import FakeClock

SAFETY_MARGIN = 0.03  # pace 3% under the limit
PER_CHAT_INTERVAL = 1.0  # Telegram: about one message a second in one private chat


class Timer(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealTimer:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ClockTimer:
    """Waiting moves a FakeClock forward at once: deterministic and instant."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._origin = clock.now()  # small numbers keep microsecond precision in a float
        self.slept = 0.0

    def monotonic(self) -> float:
        return (self.clock.now() - self._origin).total_seconds()

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            # Round up to the clock's resolution, or a tiny wait would never elapse.
            microseconds = math.ceil(seconds * 1_000_000)
            self.clock.advance(microseconds=microseconds)
            self.slept += microseconds / 1_000_000
        await asyncio.sleep(0)  # still let other tasks run, as a real sleep would


def timer_for(clock: object) -> Timer:
    """The timer matching the application's clock: a FakeClock never really waits."""
    return ClockTimer(clock) if isinstance(clock, FakeClock) else RealTimer()


class Limiter:
    """Reserve a send slot: `wait_for(chat_id)` returns how long to wait (0 = go now) and
    `take(chat_id)` books the slot. Both are synchronous so several senders can share one
    limiter without a lock: check, sleep, check again, take."""

    def __init__(self, timer: Timer, overall_rate: float | None = 30.0,
                 per_chat_interval: float | None = PER_CHAT_INTERVAL,
                 margin: float = SAFETY_MARGIN) -> None:
        self.timer = timer
        self.overall_rate = overall_rate
        self._spacing = 0.0 if not overall_rate else (1.0 + margin) / overall_rate
        self._per_chat = 0.0 if not per_chat_interval else per_chat_interval * (1.0 + margin)
        # -inf, not 0: a test clock set back before the limiter's origin must not wait.
        self._next_slot = float("-inf")
        self._paused_until = float("-inf")
        # Chats sent to within the last second, oldest first: bounded by rate × 1 s.
        self._recent: deque[tuple[float, int]] = deque()
        self._last_by_chat: dict[int, float] = {}
        self.pauses = 0

    @property
    def limited(self) -> bool:
        return bool(self._spacing or self._per_chat)

    def wait_for(self, chat_id: int) -> float:
        now = self.timer.monotonic()
        self._forget_before(now - self._per_chat)
        wait = max(self._paused_until - now, self._next_slot - now)
        last = self._last_by_chat.get(chat_id)
        if last is not None:
            wait = max(wait, last + self._per_chat - now)
        return max(0.0, wait)

    def take(self, chat_id: int) -> None:
        now = self.timer.monotonic()
        if self._spacing:
            self._next_slot = max(now, self._next_slot) + self._spacing
        if self._per_chat:
            self._last_by_chat[chat_id] = now
            self._recent.append((now, chat_id))

    def pause_all(self, seconds: float) -> None:
        """Telegram said 429 retry_after: nobody sends until then."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self.timer.monotonic() + seconds)

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self.timer.monotonic())

    def _forget_before(self, horizon: float) -> None:
        recent = self._recent
        while recent and recent[0][0] <= horizon:
            stamp, chat_id = recent.popleft()
            if self._last_by_chat.get(chat_id) == stamp:
                del self._last_by_chat[chat_id]
