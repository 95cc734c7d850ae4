"""One budget of Telegram's rate for everything the bot sends, with a priority lane.

Telegram allows about 30 messages a second overall, one a second per private chat and 20 a
minute per group. Interactive replies (answers to a person's own message) and mass sending
(the delivery engine) draw from ONE `SendBudget`: it keeps the recent sends of both in a
sliding window a little longer than Telegram's second, so the sum never goes over.

- Replies go first: a reply may use the whole window; it waits only when the window is
  full, or for its own chat's one-a-second.
- Mass sending takes what is left: it keeps one slot of every window free for replies, is
  spaced evenly (a burst at the edge of a window plus network jitter is a 429), and stops for
  `retry_after` whenever Telegram answers 429, whoever caused it.

`Limiter` is the delivery engine's view of the budget (the bulk lane); `bot.delivery.lanes`
puts every other request of the application through the reply lane.

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

SAFETY_MARGIN = 0.03  # windows 3% longer than Telegram's, for network jitter
PER_CHAT_INTERVAL = 1.0  # Telegram: about one message a second in one private chat
GROUP_PER_MINUTE = 20  # Telegram: about 20 messages a minute in one group
REPLY_RESERVE = 1  # slots of every window that mass sending leaves free for replies
# While a person's update is being handled, mass sending starts nothing new (the process's
# event loop, database thread and connections go to the reply first) — for at most this long,
# so a slow handler (an export) never stalls a broadcast.
MAX_BULK_HOLD = 0.25
BULK_HOLD_POLL = 0.005


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


class _ChatWindows:
    """The recent sends per chat, forgotten once they no longer count (O(1) per send)."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._stamps: dict[int | str, deque[float]] = {}
        self._expiry: deque[tuple[float, int | str]] = deque()

    def wait(self, chat_id: int | str, now: float) -> float:
        self._forget(now)
        stamps = self._stamps.get(chat_id)
        if stamps is None or len(stamps) < self.limit:
            return 0.0
        return max(0.0, stamps[0] + self.seconds - now)

    def add(self, chat_id: int | str, now: float) -> None:
        stamps = self._stamps.get(chat_id)
        if stamps is None:
            stamps = self._stamps[chat_id] = deque(maxlen=self.limit)
        stamps.append(now)
        self._expiry.append((now, chat_id))

    def _forget(self, now: float) -> None:
        expiry, horizon = self._expiry, now - self.seconds
        while expiry and expiry[0][0] <= horizon:
            stamp, chat_id = expiry.popleft()
            stamps = self._stamps.get(chat_id)
            if stamps and stamps[-1] == stamp:
                del self._stamps[chat_id]  # its newest send is out of the window: all are


def _is_group(chat_id: int | str) -> bool:
    # Private chats have positive ids; groups, supergroups and channels negative (or @name).
    return not isinstance(chat_id, int) or chat_id < 0


class SendBudget:
    """Everything the bot sends, in one sliding window of the overall rate (see above).

    `reply_wait`/`bulk_wait` say how long a send must wait (0 = now); `take` books it.
    Synchronous, so any number of senders share it without a lock: check, sleep, check again,
    take. With `overall_rate=None` and `per_chat_interval=None` nothing is ever held.
    """

    def __init__(
        self,
        timer: Timer,
        overall_rate: float | None = 30.0,
        per_chat_interval: float | None = PER_CHAT_INTERVAL,
        margin: float = SAFETY_MARGIN,
        reply_reserve: int = REPLY_RESERVE,
        group_per_minute: int = GROUP_PER_MINUTE,
    ) -> None:
        self.timer = timer
        self.overall_rate = overall_rate
        self.window = 1.0 + margin
        self.limit = max(1, math.floor(overall_rate)) if overall_rate else 0  # per window
        self.bulk_limit = max(1, self.limit - reply_reserve) if overall_rate else 0
        self._bulk_spacing = self.window / self.bulk_limit if overall_rate else 0.0
        self._sends: deque[float] = deque()
        self._private = (
            _ChatWindows(1, per_chat_interval * (1.0 + margin)) if per_chat_interval else None
        )
        self._groups = (
            _ChatWindows(group_per_minute, 60.0 * (1.0 + margin)) if per_chat_interval else None
        )
        # -inf, not 0: a test clock set back before the budget's origin must not wait.
        self._next_bulk = float("-inf")
        self._paused_until = float("-inf")
        self._handling = 0  # updates from people being handled right now
        self._handling_since = 0.0
        # Chats the engine booked and has not sent to yet: that request passes the lane unheld.
        self._booked: dict[int | str, float] = {}
        self.lane_attached = False
        self.pauses = 0
        self.replies = 0
        self.bulk = 0

    @property
    def limited(self) -> bool:
        return bool(self.limit or self._private)

    # -- the two lanes -------------------------------------------------------------------

    def reply_wait(self, chat_id: int | str | None, per_chat: bool = True) -> float:
        now = self.timer.monotonic()
        wait = self._window_wait(self.limit, now)
        if per_chat and chat_id is not None:
            wait = max(wait, self._chat_wait(chat_id, now))
        return max(0.0, wait)

    def bulk_wait(self, chat_id: int | str | None, per_chat: bool = True) -> float:
        now = self.timer.monotonic()
        wait = max(
            self._paused_until - now, self._next_bulk - now, self._window_wait(self.bulk_limit, now)
        )
        if self._handling and now - self._handling_since < MAX_BULK_HOLD:
            wait = max(wait, BULK_HOLD_POLL)
        if per_chat and chat_id is not None:
            wait = max(wait, self._chat_wait(chat_id, now))
        return max(0.0, wait)

    def take(self, chat_id: int | str | None, bulk: bool, per_chat: bool = True) -> None:
        now = self.timer.monotonic()
        if self.limit:
            self._sends.append(now)
        if bulk:
            self.bulk += 1
            if self._bulk_spacing:
                self._next_bulk = max(now, self._next_bulk) + self._bulk_spacing
        else:
            self.replies += 1
        if per_chat and chat_id is not None and self._private and self._groups:
            (self._groups if _is_group(chat_id) else self._private).add(chat_id, now)

    def update_started(self) -> None:
        """A person's update is being handled: their reply goes before new mass sends, for at
        most MAX_BULK_HOLD after the newest one began (several chats are answered at once:
        bot/update_order.py)."""
        self._handling_since = self.timer.monotonic()
        self._handling += 1

    def update_finished(self) -> None:
        self._handling = max(0, self._handling - 1)

    def book(self, chat_id: int | str) -> None:
        self.take(chat_id, bulk=True)
        if self.lane_attached:  # someone will claim it (bot.delivery.lanes)
            self._booked[chat_id] = self.timer.monotonic()

    def claim_booking(self, chat_id: int | str | None) -> bool:
        """True once for a send booked by `book` (so the lane does not count it twice)."""
        stamp = self._booked.pop(chat_id, None) if chat_id is not None else None
        if len(self._booked) > 1000:  # bookings whose send never left (an error before it)
            horizon = self.timer.monotonic() - 60.0
            self._booked = {c: t for c, t in self._booked.items() if t > horizon}
        return stamp is not None

    def pause_bulk(self, seconds: float) -> None:
        """Telegram said 429 retry_after: mass sending stops until then, whoever caused it."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self.timer.monotonic() + seconds)

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self.timer.monotonic())

    # -- windows ---------------------------------------------------------------------------

    def _window_wait(self, limit: int, now: float) -> float:
        if not limit:
            return 0.0
        sends, horizon = self._sends, now - self.window
        while sends and sends[0] <= horizon:
            sends.popleft()
        if len(sends) < limit:
            return 0.0
        # The send that must leave the window before one more fits.
        return sends[len(sends) - limit] + self.window - now

    def _chat_wait(self, chat_id: int | str, now: float) -> float:
        if self._private is None or self._groups is None:
            return 0.0
        windows = self._groups if _is_group(chat_id) else self._private
        return windows.wait(chat_id, now)


class Limiter:
    """The delivery engine's lane of a `SendBudget`: `wait_for(chat_id)` returns how long to
    wait (0 = go now) and `take(chat_id)` books the slot. Without a shared budget (the engine
    alone, in tests) it has one of its own."""

    def __init__(
        self,
        timer: Timer,
        overall_rate: float | None = 30.0,
        per_chat_interval: float | None = PER_CHAT_INTERVAL,
        margin: float = SAFETY_MARGIN,
        budget: SendBudget | None = None,
    ) -> None:
        self.budget = budget or SendBudget(timer, overall_rate, per_chat_interval, margin)
        self.overall_rate = self.budget.overall_rate

    @property
    def timer(self) -> Timer:
        return self.budget.timer

    @timer.setter
    def timer(self, timer: Timer) -> None:
        self.budget.timer = timer

    @property
    def limited(self) -> bool:
        return self.budget.limited

    @property
    def pauses(self) -> int:
        return self.budget.pauses

    def wait_for(self, chat_id: int) -> float:
        return self.budget.bulk_wait(chat_id)

    def take(self, chat_id: int) -> None:
        self.budget.book(chat_id)

    def pause_all(self, seconds: float) -> None:
        """Telegram said 429 retry_after: no mass sending until then."""
        self.budget.pause_bulk(seconds)

    def paused_for(self) -> float:
        return self.budget.paused_for()
