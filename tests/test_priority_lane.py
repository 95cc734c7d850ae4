"""The priority lane: replies and mass sending share one budget of Telegram's rate, replies
first. Time is a FakeClock: waits move it, nobody sleeps."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot import delivery, outbox
from bot.application import build_application
from bot.clock import FakeClock
from bot.crypto import cipher_for
from bot.delivery.lanes import BudgetRateLimiter, budget_of
from bot.delivery.limiter import ClockTimer, Limiter, SendBudget
from devkit.emulator.request import EmulatorRequest
from tests.conftest import BotHarness
from tests.test_broadcast import compose
from tests.test_delivery_engine import person, received

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


class LaneHarness(BotHarness):
    """The production request path: every call goes through the budget's rate limiter."""

    def _build(self):
        return build_application(
            self.settings, request=EmulatorRequest(self.server), clock=self.clock, rate_limit=True
        )


@pytest.fixture
async def lane(tg):
    """`tg` rebuilt with the reply lane on and the emulator refusing what Telegram would."""
    await tg.stop()
    harness = LaneHarness(tg.server, tg.settings, tg.clock)
    await harness.start()
    tg.server.configure_limits()
    try:
        yield harness
    finally:
        await harness.stop()
    harness.raise_errors()


def test_a_reply_goes_at_once_while_mass_sending_fills_the_window():
    timer = ClockTimer(FakeClock())
    budget = SendBudget(timer, overall_rate=30)
    bulk = Limiter(timer, budget=budget)
    sent = 0
    # Mass sending as fast as it is allowed, for two windows.
    while sent < 2 * 29:
        wait = bulk.wait_for(1000 + sent)
        if wait:
            timer.clock.advance(microseconds=int(wait * 1_000_000) + 1)
            continue
        bulk.take(1000 + sent)
        sent += 1
    assert bulk.wait_for(5000) > 0  # the broadcast is at its pace…
    assert budget.reply_wait(42) == 0  # …and a reply still goes now: a slot was kept for it
    budget.take(42, bulk=False)
    # The reply's slot comes out of the broadcast's share, not on top of the limit.
    assert budget.bulk_wait(5000) > 0 and budget.reply_wait(43) > 0
    assert timer.monotonic() >= 1.03 * 57 / 29  # evenly spaced, 29 a window
    # One a second in the person's own chat, whichever lane sent the last message.
    timer.clock.advance(seconds=1)
    assert budget.bulk_wait(42) == pytest.approx(0.03, abs=0.005)
    assert budget.reply_wait(42) == pytest.approx(0.03, abs=0.005)


def test_a_429_stops_mass_sending_but_not_replies():
    timer = ClockTimer(FakeClock())
    budget = SendBudget(timer, overall_rate=30)
    budget.pause_bulk(3)
    assert budget.bulk_wait(1) == pytest.approx(3)
    assert budget.reply_wait(2) == 0
    groups = SendBudget(timer, overall_rate=30)
    for _ in range(20):  # 20 a minute in a group
        assert groups.reply_wait(-100) == 0
        groups.take(-100, bulk=False)
    assert groups.reply_wait(-100) == pytest.approx(60 * 1.03)


async def test_replies_during_a_broadcast_go_at_once_and_nothing_gets_a_429(lane):
    parents = [await person(lane, f"P{i}") for i in range(150)]  # about five seconds of sending
    engine = delivery.install(lane.app)
    limiter = lane.app.bot.rate_limiter
    assert isinstance(limiter, BudgetRateLimiter)
    people = [lane.user(f"Người {i}") for i in range(12)]
    admin = lane.admin
    await admin.send("/start")
    await compose(admin, "Tập huấn thứ Bảy")
    await admin.press("Bỏ qua ›")
    await admin.press("Tiếp tục ›")
    held_before = limiter.held_replies
    await admin.press("✅ Gửi ngay")  # the reply and the progress message: the sender's chat
    asked = 0
    while engine.running and asked < len(people):
        before = budget_of(lane.app).bulk
        while engine.running and budget_of(lane.app).bulk < before + 30:  # ~one a second
            await asyncio.sleep(0.001)
        person_ = people[asked]
        asked += 1
        await person_.send("/start")
        assert len(person_.bot_messages) == 1, "the bot answered, once"
    while engine.running:
        await engine.task
    await lane.settle()
    assert asked >= 4, "people wrote while the broadcast was sending"
    assert lane.server.flood_429_count == 0  # replies, broadcast and the sender's chat
    # Recipients see who wrote (the sender line) above the text.
    assert all(
        received(lane, chat_id) == ["📣 Từ: Ban quản lý dự án\n\nTập huấn thứ Bảy"]
        for chat_id in parents
    )
    # Nobody's reply waited for the budget: none was held behind the broadcast. (How far the
    # fake clock moves while a reply is handled depends on how often the engine polls
    # meanwhile, i.e. on the machine: not asserted.)
    assert limiter.held_replies == held_before
    # The sender's own chat: the progress message came a second after the reply to "Send".
    admin_sends = [m.date for m in lane.server.chats[admin.id].messages.values() if m.from_bot]
    gaps = [b - a for a, b in zip(admin_sends, admin_sends[1:], strict=False)]
    assert all(gap >= dt.timedelta(seconds=1) for gap in gaps)
    report = admin.last_text
    assert "Đã gửi: 150" in report


class CountingRequest(EmulatorRequest):
    """The emulator's request, counting the chats it carried messages to."""

    def __init__(self, server) -> None:
        super().__init__(server)
        self.chats: list[int] = []

    async def do_request(self, url, method, request_data=None, *args, **kwargs):
        if request_data is not None and url.rsplit("/", 1)[-1].lower().startswith("send"):
            chat_id = request_data.parameters.get("chat_id")
            if chat_id is not None:
                self.chats.append(int(chat_id))
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def test_mass_sending_goes_through_its_own_connection_pool_on_the_same_budget(lane):
    """As in the live build: the broadcast has its own bot and request (pool), so a reply never
    waits for a connection behind it; both still draw from the one budget (no 429)."""
    from telegram.ext import ExtBot

    app = lane.app
    bulk_request = CountingRequest(lane.server)
    app.bulk_bot = ExtBot(
        app.bot.token,
        base_url=app.bot.base_url,
        base_file_url=app.bot.base_file_url,
        request=bulk_request,
        get_updates_request=bulk_request,
        defaults=app.bot.defaults,
        rate_limiter=app.bot.rate_limiter,
    )
    parents = [await person(lane, f"P{i}") for i in range(40)]
    engine = delivery.install(app)
    admin = lane.admin
    await admin.send("/start")
    await compose(admin, "Họp phụ huynh thứ Bảy")
    await admin.press("Bỏ qua ›")
    await admin.press("Tiếp tục ›")
    await admin.press("✅ Gửi ngay")
    reader = lane.user("Người đọc")
    await reader.send("/start")  # a reply while the broadcast sends
    assert len(reader.bot_messages) == 1
    # A reply held for its handler (a report's code, a tip's confirmation) goes on the
    # replies' bot too: mass sending's pool is sized for the engine's own sends.
    services = app.services
    async with services.database.transaction():
        held = await outbox.enqueue(
            services.database,
            cipher_for(services),
            reader.id,
            "Đã nhận, cảm ơn bạn.",
            now=lane.clock.now(),
            held_for_reply=True,
        )
    assert await outbox.send_now(app, held) is True
    assert reader.bot_messages[-1].text == "Đã nhận, cảm ơn bạn."
    while engine.running:
        await engine.task
    await lane.settle()
    assert sorted(set(bulk_request.chats) - {admin.id}) == sorted(parents)  # the broadcast…
    assert reader.id not in bulk_request.chats  # …and only the broadcast
    assert lane.server.flood_429_count == 0
    assert all(received(lane, chat_id) for chat_id in parents)
    await app.bulk_bot.shutdown()
    app.bulk_bot = None
