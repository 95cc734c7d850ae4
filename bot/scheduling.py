"""One repeating dispatcher for everything time-based: reminders, deadlines, scheduled sends.

python-telegram-bot never persists jobs, so nothing is kept in the job queue itself. Features
keep what is due as rows in SQLite and register a *tick*: an async function that looks at the
clock and does what is due. The job queue calls every tick every `TICK_SECONDS`; tests move a
FakeClock and call `run_ticks` themselves, so no test ever sleeps.

    scheduling.add_tick(application, "case_deadlines", check_deadlines)

    async def check_deadlines(application, now):  # now: aware UTC datetime
        ...
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.application import BotApplication
    from bot.context import BotContext

log = logging.getLogger(__name__)

TICK_SECONDS = 20.0
Tick = Callable[["BotApplication", dt.datetime], Awaitable[None]]


@dataclass(frozen=True)
class RegisteredTick:
    name: str
    tick: Tick


def add_tick(application: BotApplication, name: str, tick: Tick) -> None:
    ticks = application.services.ticks
    if any(existing.name == name for existing in ticks):
        raise ValueError(f"tick {name!r} registered twice")
    ticks.append(RegisteredTick(name, tick))


async def run_ticks(application: BotApplication) -> None:
    """Run every tick once, in registration order; one failing tick never stops the others."""
    lock = application.services.tick_lock
    if lock.locked():
        return  # the previous round is still running (a long broadcast, say)
    async with lock:
        for registered in application.services.ticks:
            now = application.services.clock.now()
            try:
                await registered.tick(application, now)
            except Exception as error:  # logged without personal data; retried next round
                log.error(
                    "tick %s failed: %s",
                    registered.name,
                    type(error).__name__,
                    exc_info=log.isEnabledFor(logging.DEBUG),
                )


async def _job(context: BotContext) -> None:
    await run_ticks(context.application)


async def start_dispatcher(application: BotApplication, interval: float = TICK_SECONDS) -> None:
    """Schedule the repeating dispatcher; the first round runs at once (catch-up after downtime)."""
    assert application.job_queue is not None
    if not application.job_queue.get_jobs_by_name("dispatcher"):
        application.job_queue.run_repeating(_job, interval=interval, first=0.1, name="dispatcher")
