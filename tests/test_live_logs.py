"""At LOG_LEVEL=DEBUG a real bot process logs neither its token nor what people typed
(issue 14): a whole report with a child's name, a phone and a description, then the log."""

from bot.emulator.http import HTTPFront
from bot.emulator.server import BotAPIServer
from tests.live_flow import LiveUser, become_parent, report_steps, take
from tests.process_support import TOKEN, bot_env, start_bot, stop_bot, wait_for

NAME = "Hồng Nhung"
PHONE = "0912345678"
DESCRIPTION = "Cháu bị bỏ đói ở nhà kho sau chợ Xóm Củi, người gầy và có vết bầm."
PLACE = "Hẻm 77 Bến Phú Định"


async def test_debug_log_holds_no_token_name_phone_or_description(tmp_path):
    server = BotAPIServer()
    async with HTTPFront(server) as front:
        admin = server.create_user("Quản trị", user_id=900_000_001)
        lan = server.create_user("Lan", phone=PHONE)
        log_file = tmp_path / "bot.log"
        process = await start_bot(tmp_path, bot_env(front.port, tmp_path / "live.sqlite3",
                                                    LOG_LEVEL="DEBUG", ADMIN_IDS=str(admin.id)),
                                  log_file=log_file)
        try:
            staff = LiveUser(server, admin)
            assert await staff.send("/start"), "the bot did not answer"
            person = LiveUser(server, lan)
            await become_parent(person)
            for step in report_steps(NAME, DESCRIPTION, PLACE):
                assert await take(person, step, PHONE), f"no answer to {step}"
            assert await wait_for(lambda: any("Q8-" in t for t in staff.texts()), 10)
            assert any("Q8-" in t for t in person.texts())  # told the case code
        finally:
            await stop_bot(process)
            log = log_file.read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 0, log[-2000:]
    assert "DEBUG" in log and len(log) > 2000  # it really logged at DEBUG
    for secret in (TOKEN, NAME, PHONE, DESCRIPTION, PLACE, "Xóm Củi", "Nhung"):
        assert secret not in log, f"{secret!r} is in the log"
