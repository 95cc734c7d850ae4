"""`python -m bot` itself, as a process, against the emulator served over loopback HTTP."""

from bot.emulator.http import HTTPFront
from bot.emulator.server import BotAPIServer
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
                lambda: any(m.from_bot and "Xin chào" in (m.text or "")
                            for m in chat.messages.values()), 20)
            assert replied, "the bot did not answer /start"
            assert server.my_commands({"type": "all_private_chats"}, "vi")
        finally:
            log = await stop_bot(process)
        assert process.returncode == 0, log[-2000:]
        assert TOKEN not in log  # the token is never logged
        assert "Xin chào" not in log  # nor what people read
