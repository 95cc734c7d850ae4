"""The live HTTP build (`python -m bot`'s): start-up work that can wait runs after the first
getUpdates, and mass sending has its own connection pool, against the emulator over loopback
HTTP. Nothing here depends on speed: each step waits for an event, never for time."""

from __future__ import annotations

import asyncio

from bot import delivery
from bot.application import build_application, start_live
from devkit.emulator.http import HTTPFront
from devkit.emulator.server import BotAPIServer
from tests.conftest import make_settings


async def test_menus_and_the_danger_matcher_wait_for_the_first_poll(tmp_path):
    server = BotAPIServer()
    async with HTTPFront(server) as front:
        settings = make_settings(
            tmp_path, bot_token="123:LEAN", telegram_api_url=f"http://127.0.0.1:{front.port}"
        )
        app = build_application(settings)
        await app.initialize()
        try:
            await start_live(app)  # run_polling's post_init
            for _ in range(20):
                await asyncio.sleep(0)
            # Nothing of it before the first poll: not the menus, not the matcher.
            assert app.services.matcher is None
            assert server.my_commands({"type": "all_private_chats"}, "vi") == []
            assert app.first_poll is not None and app.deferred_start is not None
            await app.bot.get_updates(timeout=0)  # the first poll leaves…
            await app.deferred_start  # …then the menus and the matcher, in the background
            assert server.my_commands({"type": "all_private_chats"}, "vi")
            assert app.services.matcher is not None
            assert app.services.danger_matcher() is app.services.matcher  # compiled once
        finally:
            await app.shutdown()


async def test_a_typed_message_before_the_warm_up_compiles_the_matcher_itself(tmp_path):
    settings = make_settings(tmp_path)
    app = build_application(settings)  # live build, never started: nothing warmed it
    assert app.services.matcher is None
    verdict = app.services.danger_matcher().check("bố em đánh em chảy máu")
    assert verdict is not None  # the answer is never late or wrong: it is compiled on demand


async def test_mass_sending_has_its_own_connection_pool(tmp_path):
    settings = make_settings(tmp_path, bot_token="123:LEAN")
    app = build_application(settings)
    bulk = app.bulk_bot
    assert bulk is not None and bulk.token == app.bot.token
    pools = {id(app.bot.request), id(app.bot._request[0]), id(bulk.request)}
    assert len(pools) == 3  # replies, getUpdates and mass sending: three pools
    assert bulk.rate_limiter is app.bot.rate_limiter  # one budget for both lanes
    assert bulk.defaults is app.bot.defaults
    assert delivery.install(app).bot is bulk  # the engine sends through it


def test_a_reused_keyboard_sends_what_a_fresh_one_would_and_stays_unchanged():
    from bot import keyboards

    rows = [[("Phường 1", "onb:unit:Q8-P01"), ("Xã An Phú Tây", "onb:unit:BC-APT")]]
    reused = keyboards.reused(rows)
    assert reused.to_dict() == keyboards.inline(rows).to_dict()
    given = reused.to_dict()
    given["inline_keyboard"][0][0]["text"] = "changed by a caller"
    assert reused.to_dict()["inline_keyboard"][0][0]["text"] == "Phường 1"
