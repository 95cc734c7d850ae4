"""Production operations: webhook mode with its secret, online backup, check."""

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.operations import backup, check
from devkit.emulator.http import HTTPFront
from devkit.emulator.server import BotAPIServer
from tests.process_support import PATIENCE, ROOT, bot_env, start_bot, stop_bot, wait_for


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(url: str, body: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def test_webhook_checks_the_secret_on_every_request(tmp_path):
    server = BotAPIServer()
    port = _free_port()
    async with HTTPFront(server) as front:
        lan = server.create_user("Lan", language_code="vi")
        env = bot_env(
            front.port,
            tmp_path / "hook.sqlite3",
            WEBHOOK_URL="https://bot.example.org/telegram",
            WEBHOOK_SECRET="s3cret-token_1",
            WEBHOOK_PORT=str(port),
        )
        process = await start_bot(tmp_path, env, "--webhook")
        try:
            assert await wait_for(lambda: bool(server.webhook_url), PATIENCE), "no setWebhook"
            assert server.webhook_url == "https://bot.example.org/telegram"
            url = f"http://127.0.0.1:{port}/telegram"
            update = server.user_message(lan, None, "/start")
            server.drain_updates()  # delivered by webhook here, not by getUpdates
            wrong = await asyncio.to_thread(_post, url, update, "wrong")
            missing = await asyncio.to_thread(_post, url, update, None)
            assert (wrong, missing) == (403, 403)
            chat = server.chats[lan.id]
            assert not any(m.from_bot for m in chat.messages.values())
            accepted = await asyncio.to_thread(_post, url, update, "s3cret-token_1")
            assert accepted == 200
            assert await wait_for(
                lambda: any(
                    m.from_bot and "Xin chào" in (m.text or "") for m in chat.messages.values()
                ),
                20,
            )
        finally:
            log = await stop_bot(process)
        assert process.returncode == 0, log[-2000:]
        assert "s3cret-token_1" not in log and "TEST-TOKEN" not in log


def test_webhook_mode_without_secret_is_refused(tmp_path):
    env = {
        **os.environ,
        "BOT_TOKEN": "1:x",
        "WEBHOOK_URL": "https://x.org/t",
        "DATA_KEY": Fernet.generate_key().decode(),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("WEBHOOK_SECRET", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--webhook"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert result.returncode == 2
    assert "WEBHOOK_SECRET" in result.stderr


def _writer(path: Path, stop: threading.Event, written: list[int]) -> None:
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    while not stop.is_set():
        with connection:
            connection.executemany("INSERT INTO notes (body) VALUES (?)", [("x" * 200,)] * 50)
        written.append(50)
    connection.close()


def test_backup_while_another_connection_writes(tmp_path):
    database = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(database)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    setup.executemany("INSERT INTO notes (body) VALUES (?)", [("y" * 500,)] * 20_000)
    setup.commit()
    setup.close()
    stop, written = threading.Event(), []
    thread = threading.Thread(target=_writer, args=(database, stop, written))
    thread.start()
    try:
        while not written:  # the writer is really writing while we copy
            threading.Event().wait(0.01)
        target = backup(database, tmp_path / "backups" / "copy.sqlite3")
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = copy.execute("SELECT count(*) FROM notes").fetchone()[0]
    copy.close()
    assert count >= 20_000 and count % 50 == 0  # a transaction is copied whole or not at all
    assert not (tmp_path / "backups" / "copy.sqlite3.partial").exists()


def test_check_reports_integrity_version_and_counts(tmp_path):
    database = tmp_path / "c.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE schema_version (version INTEGER, name TEXT, applied_at TEXT)")
    connection.execute("INSERT INTO schema_version VALUES (3, 'x', 'y')")
    connection.execute("CREATE TABLE users (id INTEGER)")
    connection.executemany("INSERT INTO users VALUES (?)", [(i,) for i in range(7)])
    connection.commit()
    connection.close()
    report = check(database)
    assert report.ok and report.schema_version == 3
    assert report.row_counts == {"schema_version": 1, "users": 7}
    with pytest.raises(FileNotFoundError):
        check(tmp_path / "missing.sqlite3")


def test_backup_and_check_commands(tmp_path):
    database = tmp_path / "bot.sqlite3"
    sqlite3.connect(database).execute("CREATE TABLE t (x)").connection.close()
    env = {**os.environ, "DATABASE_PATH": str(database), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(tmp_path / "b.sqlite3")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert result.returncode == 0 and "backup written" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert result.returncode == 0
    assert "integrity: ok" in result.stdout and "schema version: 0" in result.stdout
