"""Kill -9 in the middle of a broadcast, restart: everyone gets it, nobody twice (except the
few messages in flight at the kill). The real bot process (`python -m bot`) talks to the
emulator over loopback HTTP; the emulator journals every accepted message to a file."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from bot import delivery
from bot.audience import Audience
from bot.clock import SystemClock
from bot.delivery import Content
from bot.delivery.engine import in_flight_for
from devkit.emulator.http import HTTPFront, journal_hook
from devkit.emulator.server import BotAPIServer
from storage import users
from storage.db import Database, migrate
from tests.process_support import PATIENCE

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 900_000_777
RECIPIENTS = 300
RATE = 100  # messages a second: the whole send takes ~3 s
TEXT = "Kiểm tra gửi lại sau sự cố"


async def _wait_for(predicate, seconds: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.01)
    return predicate()


async def _seed(db_path: Path, server: BotAPIServer) -> tuple[list[int], int]:
    db = await Database.connect(db_path)
    await migrate(db)
    now = SystemClock().now()
    parents = []
    for number in range(RECIPIENTS):
        user = server.create_user(f"Phụ huynh {number}", language_code="vi")
        await users.touch(db, user.id, user.first_name, "vi", now)
        await users.update(db, user.id, now, onboarded=1)
        parents.append(user.id)
    server.create_user("Admin", user_id=ADMIN, language_code="vi")
    await users.ensure_admins(db, frozenset({ADMIN}), now)
    # A broadcast due now, as the /broadcast conversation leaves it.
    delivery_id = await delivery.enqueue(
        db,
        kind="broadcast",
        content=Content.text(TEXT),
        now=now,
        audience=Audience(roles=frozenset({"public"})),
        created_by=ADMIN,
        report_chat_id=ADMIN,
    )
    await db.close()
    return parents, delivery_id


def _journal(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _copies(path: Path, chats: set[int]) -> collections.Counter:
    return collections.Counter(
        line["chat_id"]
        for line in _journal(path)
        if line["chat_id"] in chats and line["text"] == TEXT
    )


def _query(db_path: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql, params).fetchall()


async def _start_bot(env: dict, cwd: Path):
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_sigkill_mid_broadcast_then_restart_delivers_each_exactly_once(tmp_path):
    server = BotAPIServer()
    journal_path = tmp_path / "sends.jsonl"
    db_path = tmp_path / "bot.sqlite3"
    parents, delivery_id = await _seed(db_path, server)
    chats = set(parents)
    with journal_path.open("a", encoding="utf-8") as journal:
        server.on_send.append(journal_hook(journal))
        async with HTTPFront(server) as front:
            env = {
                **{k: v for k, v in os.environ.items() if k not in ("LOG_LEVEL",)},
                "BOT_TOKEN": "123:TEST",
                "TELEGRAM_API_URL": front.base_url,
                "DATABASE_PATH": str(db_path),
                "DATA_KEY": Fernet.generate_key().decode(),
                "ADMIN_IDS": str(ADMIN),
                "BROADCAST_RATE": str(RATE),
                "PYTHONPATH": str(ROOT),
            }
            first = await _start_bot(env, tmp_path)
            try:
                started = await _wait_for(
                    lambda: len(_copies(journal_path, chats)) >= 100, PATIENCE
                )
                assert started, "the broadcast did not start"
            finally:
                first.send_signal(signal.SIGKILL)
                await first.communicate()
            assert first.returncode == -signal.SIGKILL

            # What the database knew at the kill.
            state_at_kill = dict(
                _query(
                    db_path,
                    "SELECT chat_id, state FROM delivery_recipients WHERE delivery_id = ?",
                    (delivery_id,),
                )
            )
            copies_at_kill = _copies(journal_path, chats)
            recorded = {c for c, s in state_at_kill.items() if s == "sent"}
            assert 100 <= len(copies_at_kill) < RECIPIENTS, "killed too late to prove anything"
            assert recorded <= set(copies_at_kill)  # nothing is marked sent without being sent
            unrecorded = set(copies_at_kill) - recorded  # sent, answer lost in the kill
            assert len(unrecorded) <= in_flight_for(RATE)

            second = await _start_bot(env, tmp_path)
            try:
                finished = await _wait_for(
                    lambda: (
                        _query(db_path, "SELECT state FROM deliveries WHERE id = ?", (delivery_id,))
                        == [("done",)]
                    ),
                    PATIENCE,
                )
                assert finished, "the restarted bot did not finish the broadcast"
                reported = await _wait_for(
                    lambda: any(
                        "Đã gửi: 300" in (m.text or "")
                        for m in server.chats[ADMIN].messages.values()
                    ),
                    10,
                )
                assert reported, "no final report for the sender"
            finally:
                second.send_signal(signal.SIGTERM)
                _out, err = await asyncio.wait_for(second.communicate(), PATIENCE)
            assert second.returncode == 0, err.decode()[-2000:]

    copies = _copies(journal_path, chats)
    assert set(copies) == chats, "someone never got the message"
    twice = {chat for chat, n in copies.items() if n == 2}
    assert max(copies.values()) <= 2
    assert twice == unrecorded  # only the messages in flight at the kill were sent again
    assert all(copies[chat] == 1 for chat in recorded)
    final = _query(db_path, "SELECT sent_count, total FROM deliveries WHERE id = ?", (delivery_id,))
    assert final == [(RECIPIENTS, RECIPIENTS)]
