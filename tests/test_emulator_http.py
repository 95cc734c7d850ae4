"""The emulator over loopback HTTP, driven by PTB's own HTTPXRequest (the real wire format)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.api_request import BotAPIRequest
from devkit.emulator import BotAPIServer
from tests.process_support import PATIENCE

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)
TOKEN = "123:ABC"
ROOT = Path(__file__).resolve().parents[1]


def _bot(front, request_class: type[HTTPXRequest] | None = None, **request_kwargs) -> Bot:
    kwargs = {}
    if request_class is not None or request_kwargs:
        request = (request_class or HTTPXRequest)(**request_kwargs)
        kwargs["request"] = kwargs["get_updates_request"] = request
    return Bot(
        TOKEN,
        base_url=f"{front.base_url}/bot",
        base_file_url=f"{front.base_url}/file/bot",
        **kwargs,
    )


# PTB's own request, and the bot's (bot/api_request.py: one JSON body, uploads multipart).
@pytest.mark.asyncio
@pytest.mark.parametrize("request_class", [None, BotAPIRequest], ids=["httpx", "bot"])
async def test_real_client_round_trips(front, server: BotAPIServer, request_class):
    user = server.create_user("Lan")
    async with _bot(front, request_class) as bot:
        me = await bot.get_me()
        assert (me.id, me.username) == (7000000001, "bvte_test_bot")

        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Báo cáo", callback_data="r:1")]])
        sent = await bot.send_message(
            user.id, "<b>Chào</b> Lan — “phường 4”", parse_mode="HTML", reply_markup=keyboard
        )
        assert sent.text == "Chào Lan — “phường 4”" and sent.entities[0].type == "bold"
        record = server.message(user.id, sent.message_id)
        assert record.inline_keyboard == [[{"text": "Báo cáo", "callback_data": "r:1"}]]

        payload = b"%PDF-1.4\r\n\x00\xff binary \r\n--boundary-ish\n"
        document = await bot.send_document(user.id, payload, filename="báo cáo.pdf", caption="Tệp")
        assert document.document.file_name == "báo cáo.pdf"
        assert server.file_bytes(document.document.file_id) == payload
        downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
        assert bytes(downloaded) == payload

        server.user_message(user, None, "xin chào")
        updates = await bot.get_updates(timeout=0)
        assert [u.message.text for u in updates] == ["xin chào"]

        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(999, "x")
        with pytest.raises(BadRequest, match="(?i)method not found"):
            await bot.do_api_request("sendTelepathy")
        server.faults.add("sendMessage", kind="retry_after", retry_after=2)
        with pytest.raises(RetryAfter):
            await bot.send_message(user.id, "x")
    assert server.uploads == 1
    assert server.unknown_methods_called == {"sendTelepathy"}


@pytest.mark.asyncio
async def test_admin_injected_message_reaches_long_poll(front, server: BotAPIServer):
    async with _bot(front) as bot, httpx.AsyncClient(base_url=front.base_url) as admin:
        # An hour's long poll: it can only come back with the update if the update woke it.
        poll = asyncio.create_task(bot.get_updates(timeout=3600, read_timeout=3700))
        await asyncio.sleep(0.02)
        answer = await admin.post(
            "/_emulator/user_message",
            json={"user_id": 555, "first_name": "Minh", "language_code": "en", "text": "/start"},
        )
        assert answer.json()["ok"]
        # Only a guard against hanging for the hour if the wake-up were broken.
        [update] = await asyncio.wait_for(poll, PATIENCE)
        assert update.message.text == "/start"
        assert update.message.from_user.language_code == "en"
        assert update.message.entities[0].type == "bot_command"

        sent = await bot.send_message(
            555,
            "hi",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]]),
        )
        answer = await admin.post(
            "/_emulator/callback",
            json={"user_id": 555, "message_id": sent.message_id, "data": "go"},
        )
        assert answer.json()["result"]["callback_query"]["data"] == "go"
        updates = await bot.get_updates(offset=update.update_id + 1, timeout=0)
        assert [u.callback_query.data for u in updates] == ["go"]

        transcript = (await admin.get("/_emulator/transcript", params={"chat_id": 555})).json()
        assert [m["text"] for m in transcript["result"]] == ["/start", "hi"]
        bad = await admin.post(
            "/_emulator/callback", json={"user_id": 555, "message_id": 1, "data": "nope"}
        )
        assert bad.status_code == 400


@pytest.mark.asyncio
async def test_timeout_fault_over_http(front, server: BotAPIServer):
    user = server.create_user()
    server.faults.add("sendMessage", kind="timeout", hang=1.0)
    async with _bot(front, read_timeout=0.1) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "x")
        assert (await bot.send_message(user.id, "next")).text == "next"


def test_cli_journals_sends_and_stops_on_sigterm(tmp_path: Path):
    journal = tmp_path / "sends.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "devkit.emulator.http", "--port", "0", "--journal", str(journal)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        url = process.stdout.readline().strip().rsplit(" ", 1)[-1]
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url) as client:
            client.post("/_emulator/user_message", json={"user_id": 7, "text": "hi"})
            answer = client.post(
                f"/bot{TOKEN}/sendMessage", data={"chat_id": "7", "text": "Xin chào"}
            ).json()
        assert answer["ok"]
        lines = [json.loads(line) for line in journal.read_text().splitlines()]
        assert lines == [
            {"method": "sendMessage", "chat_id": 7, "message_id": 2, "text": "Xin chào"}
        ]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=PATIENCE) == 0
