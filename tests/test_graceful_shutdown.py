"""SIGTERM in the middle of a broadcast (systemctl stop, a deploy): the bot finishes the
messages in flight, records them, exits 0; after the restart nobody is missing and nobody
gets the message twice — not even the ones in flight when the signal came."""

from __future__ import annotations

import asyncio
import os
import signal

from cryptography.fernet import Fernet

from devkit.emulator.http import HTTPFront, journal_hook
from devkit.emulator.server import BotAPIServer
from tests.process_support import PATIENCE
from tests.test_delivery_kill_resume import (
    ADMIN,
    RATE,
    RECIPIENTS,
    ROOT,
    _copies,
    _query,
    _seed,
    _start_bot,
    _wait_for,
)


async def test_sigterm_mid_broadcast_then_restart_sends_each_exactly_once(tmp_path):
    server = BotAPIServer()
    journal_path = tmp_path / "sends.jsonl"
    db_path = tmp_path / "bot.sqlite3"
    parents, delivery_id = await _seed(db_path, server)
    chats = set(parents)
    with journal_path.open("a", encoding="utf-8") as journal:
        server.on_send.append(journal_hook(journal))
        async with HTTPFront(server) as front:
            env = {
                **{k: v for k, v in os.environ.items() if k != "LOG_LEVEL"},
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
                assert await _wait_for(lambda: len(_copies(journal_path, chats)) >= 100, PATIENCE)
            finally:
                first.send_signal(signal.SIGTERM)
                _out, err = await asyncio.wait_for(first.communicate(), PATIENCE)
            assert first.returncode == 0, err.decode()[-2000:]

            sent_before = _copies(journal_path, chats)
            recorded = {
                chat
                for chat, state in _query(
                    db_path,
                    "SELECT chat_id, state FROM delivery_recipients WHERE delivery_id = ?",
                    (delivery_id,),
                )
                if state == "sent"
            }
            assert 100 <= len(sent_before) < RECIPIENTS, "stopped too late to prove anything"
            assert recorded == set(sent_before)  # every message sent was recorded before exit

            second = await _start_bot(env, tmp_path)
            try:
                assert await _wait_for(
                    lambda: (
                        _query(db_path, "SELECT state FROM deliveries WHERE id = ?", (delivery_id,))
                        == [("done",)]
                    ),
                    PATIENCE,
                ), "the restarted bot did not finish the broadcast"
            finally:
                second.send_signal(signal.SIGTERM)
                _out, err = await asyncio.wait_for(second.communicate(), PATIENCE)
            assert second.returncode == 0, err.decode()[-2000:]

    copies = _copies(journal_path, chats)
    assert set(copies) == chats and set(copies.values()) == {1}
