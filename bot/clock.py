"""Injectable clocks: production reads the system time, tests move time by hand."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class ShiftedClock:
    """Real time, moving at real speed, but starting from a chosen instant.

    For tests that need the real job queue (time really passes) yet must not depend on the
    hour the suite happens to run at: quiet hours, working days and year ends stay fixed."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware datetime")
        self._offset = start.astimezone(dt.UTC) - dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset

    @property
    def offset(self) -> dt.timedelta:
        """How far this clock is ahead of (or behind) the system time."""
        return self._offset

    def advance(self, **delta: float) -> dt.datetime:
        """Move forward (the sandbox's `/clock +1d`); time keeps running from there."""
        self._offset += dt.timedelta(**delta)
        return self.now()


class FakeClock:
    """A clock for tests: starts at a fixed instant and moves only when told."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        start = start or dt.datetime(2021, 5, 25, 2, 0, tzinfo=dt.UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now

    def set(self, when: dt.datetime) -> None:
        self._now = when.astimezone(dt.UTC)
