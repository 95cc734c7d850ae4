"""`python -m bot` itself, as a process, against the emulator served over loopback HTTP."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from bot.emulator.http import HTTPFront
from bot.emulator.server import BotAPIServer

ROOT = Path(__file__).resolve().parent.parent


async def _wait_for(predicate, seconds: float) -> bool:
    # A real process answers in real time: poll briefly instead of sleeping a fixed time.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def test_live_bot_answers_start_and_stops_cleanly_on_sigterm(tmp_path):
    server = BotAPIServer()
    async with HTTPFront(server) as front:
        lan = server.create_user("Lan", language_code="vi")
        # Written before the bot starts: pending updates must not be dropped.
        server.user_message(lan, None, "/start")
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("ADMIN_IDS", "LOG_LEVEL")},
            "BOT_TOKEN": "123456:TEST-TOKEN",
            "TELEGRAM_API_URL": f"http://127.0.0.1:{front.port}",
            "DATABASE_PATH": str(tmp_path / "live.sqlite3"),
            "DATA_KEY": Fernet.generate_key().decode(),
            "PYTHONPATH": str(ROOT),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            chat = server.chats[lan.id]
            replied = await _wait_for(
                lambda: any(m.from_bot and "Xin chào" in (m.text or "")
                            for m in chat.messages.values()), 20)
            assert replied, "the bot did not answer /start"
            assert server.my_commands({"type": "all_private_chats"}, "vi")
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, err.decode()[-2000:]
        log = err.decode()
        assert "123456:TEST-TOKEN" not in log  # the token is never logged
        assert "Xin chào" not in log  # nor what people read
