"""Shared fixtures: the real application on the emulator, a real SQLite file, a fake clock.

    async def test_something(tg):
        lan = tg.user("Lan")
        await lan.send("/start")
        assert "Xin chào" in lan.last_text

`tg` is the emulator's Testkit with a few extras: `tg.clock` (FakeClock), `tg.app`,
`tg.db`, `tg.admin` (a user whose id is in ADMIN_IDS) and `await tg.restart()` (stop the
application and build a new one on the same database file, as after a crash or deploy).
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import pytest_asyncio

from bot.application import build_application, start_services
from bot.clock import FakeClock
from bot.config import Settings
from bot.scheduling import run_ticks
from devkit.emulator.request import EmulatorRequest
from devkit.emulator.server import BotAPIServer
from devkit.emulator.testkit import Testkit

ADMIN_ID = 900_000_001
# Tuesday 25 May 2021, 09:00 in Ho Chi Minh City: a week before June 1.
START = dt.datetime(2021, 5, 25, 2, 0, tzinfo=dt.UTC)


def make_settings(tmp_path, **overrides) -> Settings:
    values = {
        "database_path": tmp_path / "bot.sqlite3",
        "admin_ids": frozenset({ADMIN_ID}),
        "data_key_file": tmp_path / "data.key",
        "persistence_interval": 3600.0,
        # Tests run the dispatcher themselves: `await tg.tick()` after moving the clock.
        "dispatcher_interval": 0,
        # Tests write the events they need; test_events_seed.py checks the seeded calendar.
        "seed_calendar": False,
    }
    values.update(overrides)
    return Settings(**values)


class BotHarness(Testkit):
    """The Testkit plus the application's lifecycle, clock and database."""

    def __init__(self, server: BotAPIServer, settings: Settings, clock: FakeClock) -> None:
        self.settings = settings
        self.clock = clock
        self.server = server
        super().__init__(server, self._build())
        self.admin = self.user("Admin", user_id=ADMIN_ID, language="vi")

    def _build(self):
        return build_application(
            self.settings, request=EmulatorRequest(self.server), clock=self.clock, rate_limit=False
        )

    @property
    def app(self):
        return self.application

    @property
    def db(self):
        return self.application.services.database

    async def start(self) -> None:
        await self.application.initialize()
        await start_services(self.application)
        await self.application.start()

    async def stop(self) -> None:
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def tick(self, **advance: float) -> None:
        """Move the fake clock (e.g. hours=2) and run every due reminder, deadline and send."""
        if advance:
            self.clock.advance(**advance)
        await run_ticks(self.application)
        await self.settle()

    async def restart(self, **setting_overrides) -> None:
        await self.stop()
        if setting_overrides:
            self.settings = self.settings.with_overrides(**setting_overrides)
        self.application = self._build()
        self.application.add_error_handler(self._record_error)
        await self.start()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def tg(settings, clock):
    async for harness in running_harness(settings, clock):
        yield harness


async def running_harness(settings, clock):
    """The body of the `tg` fixture, for modules that need it on another event-loop scope."""
    server = BotAPIServer(clock=clock)
    harness = BotHarness(server, settings, clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
    assert not server.unknown_methods_called, (
        f"the bot called methods the emulator does not know: {server.unknown_methods_called}"
    )
    # A handler that raised is a bug even if the user saw a polite message.
    harness.raise_errors()
    unanswered = [q.data for q in server.callback_queries.values() if not q.answered]
    assert not unanswered, f"button presses never answered: {unanswered}"


@pytest.fixture(autouse=True)
def _quiet_logs(caplog):
    caplog.set_level(logging.WARNING)


# The emulator served over loopback HTTP (tests/test_emulator_http.py, test_api_request.py).
@pytest.fixture
def server() -> BotAPIServer:
    return BotAPIServer(FakeClock())


@pytest_asyncio.fixture
async def front(server: BotAPIServer):
    from devkit.emulator.http import serve

    front, _port = await serve(server)
    yield front
    await front.stop()
