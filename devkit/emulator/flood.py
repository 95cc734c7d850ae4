"""Telegram's flood limits as sliding windows: O(1) per send, one small deque per chat."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable


class _Window:
    """At most ``limit`` events within any ``seconds``-long window."""

    __slots__ = ("limit", "seconds", "stamps")

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.stamps: deque[float] = deque(maxlen=limit)

    def wait(self, now: float) -> float:
        """Seconds until one more event fits; 0 if it fits now."""
        if len(self.stamps) < self.limit:
            return 0.0
        return max(0.0, self.stamps[0] + self.seconds - now)


class FloodControl:
    """30 messages/s overall, 1/s per private chat, 20/min per group (configurable)."""

    def __init__(
        self,
        time_fn: Callable[[], float],
        overall_per_second: int = 30,
        private_per_second: int = 1,
        group_per_minute: int = 20,
    ) -> None:
        self._time = time_fn
        self._overall = _Window(overall_per_second, 1.0)
        self._private_limit = private_per_second
        self._group_limit = group_per_minute
        self._chats: dict[int, _Window] = {}

    def check(self, chat_id: int, is_group: bool) -> int:
        """Record a send and return 0, or refuse it and return retry_after (whole seconds)."""
        now = self._time()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = (
                _Window(self._group_limit, 60.0) if is_group else _Window(self._private_limit, 1.0)
            )
            self._chats[chat_id] = chat
        wait = max(self._overall.wait(now), chat.wait(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._overall.stamps.append(now)
        chat.stamps.append(now)
        return 0
