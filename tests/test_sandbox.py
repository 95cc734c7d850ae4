"""The sandbox in scripted mode, as a newcomer or CI runs it: a real process, stdin piped."""

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

from devkit.emulator.records import MessageRecord
from devkit.sandbox import Sandbox, persona_id, render

ROOT = Path(__file__).resolve().parent.parent


def run_sandbox(script: str, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LOG_LEVEL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--db", str(tmp_path / "sb.sqlite3"), *extra],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )


def test_scripted_sign_up_and_approval(tmp_path):
    script = (
        "\n".join(
            [
                "/start",
                "#1",
                "Nguyễn Văn Minh",
                "#1",
                "#5",
                "!sticker",
                "#2",
                "/as admin",
                "#1",
                "/as Lan",
                "#5",
                "/quit",
                "this line is never read",
            ]
        )
        + "\n"
    )
    result = run_sandbox(script, tmp_path, "--fresh")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ngoại tuyến" in out and "offline" in out  # the bilingual banner
    assert "[#1 🤝 Cộng tác viên]" in out  # inline buttons are numbered
    assert "⌨ [#1 📱 Chia sẻ số điện thoại] [#2 Bỏ qua]" in out  # reply keyboard too
    assert "Bạn vui lòng bấm “Chia sẻ số điện thoại” hoặc “Bỏ qua”." in out  # the sticker
    assert "[→ Admin] 🆕 Có đăng ký mới cần duyệt" in out  # other personas' messages
    assert "✎ " in out  # edits are shown as updates
    assert "Đăng ký của bạn đã được duyệt" in out
    assert "Gọi 111" in out
    assert "never read" not in out
    assert "Traceback" not in result.stderr


def test_bot_commands_that_start_like_sandbox_ones_reach_the_bot(tmp_path):
    result = run_sandbox("/start\n#3\n/ask\n", tmp_path, "--fresh")
    assert "👤" not in result.stdout.split("› /ask", 1)[1]  # no persona switch to "k"
    assert "câu hỏi" in result.stdout.split("› /ask", 1)[1]


def test_database_survives_between_runs_and_fresh_starts_over(tmp_path):
    run_sandbox("/start\n#3\n", tmp_path, "--fresh")
    again = run_sandbox("/start\n", tmp_path)
    assert "Chào mừng Lan quay lại" in again.stdout
    assert "lịch sử trò chuyện" in again.stdout.lower()  # the chat history came back too
    fresh = run_sandbox("/start\n", tmp_path, "--fresh")
    assert "Bạn là ai?" in fresh.stdout
    assert "lịch sử trò chuyện" not in fresh.stdout.lower()  # --fresh forgets it


def test_rendering_of_formatting_and_files():
    message = MessageRecord(
        message_id=1,
        chat_id=1,
        from_bot=True,
        date=None,
        sender_id=1,
        text="Gọi 111 & 113",
        raw_text="<b>Gọi 111</b> &amp; 113",
        parse_mode="HTML",
        document={"file_name": "to-roi.pdf"},
    )
    assert render(message, colour=False) == "[file: to-roi.pdf]\nGọi 111 & 113"
    assert render(message, colour=True).startswith("[file: to-roi.pdf]\n\x1b[1mGọi 111\x1b[0m")
    assert persona_id("Lan") == persona_id("lan") != persona_id("Hoa")


def test_web_serves_the_dashboard_signed_for_the_current_persona(tmp_path):
    """--web HOST:PORT: /web and the dashboard button print a link signed with the sandbox's
    token, and that link signs a trainer in while the chat goes on in the terminal."""
    import json
    import socket
    import threading
    import urllib.error
    import urllib.request
    from urllib.parse import parse_qs, urlsplit

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LOG_LEVEL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "sandbox",
            "--db",
            str(tmp_path / "sb.sqlite3"),
            "--fresh",
            "--web",
            f"127.0.0.1:{port}",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    try:
        process.stdin.write("/as admin\n/cases\n#1\n")
        process.stdin.flush()
        watchdog = threading.Timer(60, process.kill)  # never hang the suite
        watchdog.start()
        seen = []
        while not seen or not seen[-1].startswith("🌐 Admin: "):
            line = process.stdout.readline()
            assert line, "".join(seen) + process.stderr.read()
            seen.append(line)
        watchdog.cancel()
        assert any("[#1 📋 Mở bảng hồ sơ]" in line for line in seen)  # the /cases button
        url = urlsplit(seen[-1].split(": ", 1)[1].strip())
        assert url.netloc == f"127.0.0.1:{port}" and url.path == "/app/"
        init_data = parse_qs(url.fragment)["tgWebAppData"][0]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/app/api/session",
            headers={"Authorization": f"tma {init_data}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            session = json.loads(response.read())
        assert session["person"]["admin"] and session["strings"]["title"] == "Bảng hồ sơ"
        forged = urllib.request.Request(
            f"http://127.0.0.1:{port}/app/api/session",
            headers={"Authorization": "tma " + init_data[:-2]},
        )
        try:
            urllib.request.urlopen(forged, timeout=10)
            raise AssertionError("a forged sign-in was accepted")
        except urllib.error.HTTPError as error:
            assert error.code == 401
        process.stdin.write("/quit\n")
        process.stdin.flush()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_history_survives_a_restart_and_old_buttons_are_pressed_by_message(tmp_path):
    first = run_sandbox("/start\n/start\n", tmp_path, "--fresh")
    assert "[#1 🤝 Cộng tác viên]" in first.stdout and "✉2" in first.stdout
    assert "✉4" in first.stdout
    assert (tmp_path / "sb.history.json").exists()
    # A new run: the last run's messages and buttons are still there, as on a phone, and
    # #M.K presses button K of message ✉M, however old.
    again = run_sandbox("#2.3\n", tmp_path)
    assert "lịch sử trò chuyện" in again.stdout.lower()
    after = again.stdout.split("› #2.3", 1)[1]
    assert "⚠️" not in after and "phụ huynh" in after.lower()


def test_clock_step_reading():
    from devkit.sandbox import clock_step

    assert clock_step("+1d") == dt.timedelta(days=1)
    assert clock_step("+1d2h") == dt.timedelta(days=1, hours=2)
    assert clock_step("+30m") == dt.timedelta(minutes=30)
    assert clock_step("+1w") == dt.timedelta(weeks=1)
    assert clock_step("-1d") is None and clock_step("+1x") is None and clock_step("1d") is None


def sandbox_on(tg, **kwargs) -> tuple[Sandbox, io.StringIO]:
    out = io.StringIO()
    return Sandbox(tg, colour=False, out=out, clock=tg.clock, **kwargs), out


async def test_toasts_and_alerts_are_shown(tg):
    sandbox, out = sandbox_on(tg)
    lan = sandbox.persona("Lan")
    await sandbox.handle("/start")
    # A button that is no longer valid (a finished announcement's Cancel): Telegram shows an
    # alert with OK, which the sandbox prints instead of hiding it.
    lan.bot_messages[-1].inline_keyboard = [[{"text": "✖ Hủy", "callback_data": "bc:cancel:9"}]]
    sandbox.show_new()
    await sandbox.handle("#1")
    assert "🔔 ┃ Nút này đã hết hiệu lực. Bạn vui lòng dùng /menu. ┃ [OK]" in out.getvalue()
    sandbox._show_answer({"text": "Đã lưu", "show_alert": False})
    assert "💬 Đã lưu" in out.getvalue()


async def test_a_reply_keyboard_number_never_presses_an_inline_button_of_the_same_label(tg):
    sandbox, out = sandbox_on(tg)
    lan = sandbox.persona("Lan")
    await sandbox.handle("/start")
    await sandbox.handle("#1")  # collaborator
    await sandbox.handle("Nguyễn Văn Minh")
    await sandbox.handle("#1")
    await sandbox.handle("#5")
    assert sandbox._numbered[-1] == ("reply", 0, 0, "Bỏ qua")
    # An inline "Bỏ qua" on an older message must not catch the reply-keyboard press.
    message = lan.bot_messages[-2]
    message.inline_keyboard = [[{"text": "Bỏ qua", "callback_data": "x:y"}]]
    sandbox.show_new()
    assert sandbox._numbered[0] == ("inline", message.message_id, 1, "Bỏ qua")
    await sandbox.handle(f"#{len(sandbox._numbered)}")
    assert lan.transcript[-2].text == "Bỏ qua" and not lan.transcript[-2].from_bot


async def test_clock_moves_the_sandbox_time_and_runs_reminders(tg):
    from tests.events_helpers import local, make_event, person

    sandbox, out = sandbox_on(tg)
    ctv = await person(tg, "CTV", role="collaborator", district="Q8")
    sandbox.personas["ctv"] = ctv
    sandbox.current = "ctv"
    await make_event(tg, title="Sinh hoạt CLB", start=local(2021, 5, 27, 8, 0))
    await sandbox.handle("/clock")
    assert "25/05/2021 09:00" in out.getvalue()
    await sandbox.handle("/clock +1d")  # the reminder one day before is due
    text = out.getvalue()
    assert "26/05/2021 09:00" in text
    assert "Sinh hoạt CLB" in text.split("/clock +1d", 1)[-1] or "Sinh hoạt CLB" in text
    assert any("Sinh hoạt CLB" in (m.content or "") for m in ctv.bot_messages)
