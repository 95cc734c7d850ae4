"""`python -m bot` itself, as a process, against the emulator served over loopback HTTP."""

import datetime as dt

import pytest

from devkit.emulator.http import HTTPFront
from devkit.emulator.server import BotAPIServer
from tests.process_support import TOKEN, bot_env, start_bot, stop_bot, wait_for


async def test_live_bot_answers_start_and_stops_cleanly_on_sigterm(tmp_path):
    server = BotAPIServer()
    async with HTTPFront(server) as front:
        lan = server.create_user("Lan", language_code="vi")
        # Written before the bot starts: pending updates must not be dropped.
        server.user_message(lan, None, "/start")
        process = await start_bot(tmp_path, bot_env(front.port, tmp_path / "live.sqlite3"))
        try:
            chat = server.chats[lan.id]
            replied = await wait_for(
                lambda: any(
                    m.from_bot and "Xin chào" in (m.text or "") for m in chat.messages.values()
                ),
                20,
            )
            assert replied, "the bot did not answer /start"
            # The command menus are published once the first getUpdates has left.
            assert await wait_for(
                lambda: bool(server.my_commands({"type": "all_private_chats"}, "vi")), 20
            )
        finally:
            log = await stop_bot(process)
        assert process.returncode == 0, log[-2000:]
        assert TOKEN not in log  # the token is never logged
        assert "Xin chào" not in log  # nor what people read


@pytest.mark.parametrize("dashboard", [True, False], ids=["with-dashboard", "webhook-only"])
async def test_webhook_mode_on_the_bots_own_server(tmp_path, dashboard):
    """`python -m bot --webhook`: Telegram's updates (and /app/ with WEBAPP_URL) on one server,
    ours (PTB's tornado server is not used), the webhook registered with its secret, a clean
    stop on SIGTERM."""
    import socket

    import aiohttp

    from bot.webapp import initdata

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = BotAPIServer()
    async with HTTPFront(server) as front:
        lan = server.create_user("Lan", language_code="vi")
        env = bot_env(
            front.port,
            tmp_path / "live.sqlite3",
            WEBHOOK_URL="https://bot.example.org/hook",
            WEBHOOK_SECRET="s3cret",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
            WEBHOOK_PATH="hook",
            **({"WEBAPP_URL": "https://bot.example.org/app/"} if dashboard else {}),
        )
        process = await start_bot(tmp_path, env, "--webhook")
        try:
            assert await wait_for(lambda: server.webhook_url == "https://bot.example.org/hook", 20)
            update = server.user_message(lan, None, "/start")
            server.drain_updates()  # delivered through the webhook, not getUpdates
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as session:
                async with session.post(
                    f"{base}/hook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
                ) as response:
                    assert response.status == 200
                async with session.get(f"{base}/app/") as response:
                    assert response.status == (200 if dashboard else 404)
                async with session.post(
                    f"{base}/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
                ) as response:
                    assert response.status == 403  # a wrong secret is refused
                signed = initdata.sign(
                    TOKEN, {"id": lan.id, "first_name": "Lan"}, dt.datetime.now(dt.UTC)
                )
                async with session.get(
                    f"{base}/app/api/session", headers={"Authorization": f"tma {signed}"}
                ) as response:
                    assert response.status == (403 if dashboard else 404)  # Lan is not staff
            chat = server.chats[lan.id]
            assert await wait_for(
                lambda: any(
                    m.from_bot and "Xin chào" in (m.text or "") for m in chat.messages.values()
                ),
                20,
            )
        finally:
            log = await stop_bot(process)
        assert process.returncode == 0, log[-2000:]
        assert TOKEN not in log


async def test_live_bot_runs_as_deployed_without_docstrings_or_asserts(tmp_path):
    """deploy/bvte-bot.service runs the bot with PYTHONOPTIMIZE=2: nothing may need a docstring
    or an assert: a greeting and a disclosure (the danger matcher) under it."""
    server = BotAPIServer()
    async with HTTPFront(server) as front:
        lan = server.create_user("Lan", language_code="vi")
        server.user_message(lan, None, "/start")
        server.user_message(lan, None, "e hok muon song nua")
        env = bot_env(front.port, tmp_path / "live.sqlite3", PYTHONOPTIMIZE="2")
        process = await start_bot(tmp_path, env)
        try:
            chat = server.chats[lan.id]

            def said(text: str) -> bool:
                return any(m.from_bot and text in (m.text or "") for m in chat.messages.values())

            assert await wait_for(lambda: said("Xin chào"), 20), "no answer to /start"
            assert await wait_for(lambda: said("111"), 20), "no hotline for a disclosure"
        finally:
            log = await stop_bot(process)
        assert process.returncode == 0, log[-2000:]
        assert "Traceback" not in log and "failed" not in log, log[-2000:]
