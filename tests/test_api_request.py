"""bot.api_request: the same Bot API calls as PTB's HTTPXRequest, sent as one JSON body straight
to the client's transport (its pool, or a proxy's), uploads still multipart. The round trip
over HTTP (messages, uploads, updates, errors, RetryAfter) is tests/test_emulator_http.py's,
run with both requests."""

from __future__ import annotations

import json

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.api_request import BotAPIRequest
from devkit.emulator import BotAPIServer

TOKEN = "123:ABC"


def _bot(base_url: str, **request_kwargs) -> Bot:
    request = BotAPIRequest(**request_kwargs)
    return Bot(
        TOKEN,
        base_url=f"{base_url}/bot",
        base_file_url=f"{base_url}/file/bot",
        request=request,
        get_updates_request=request,
    )


@pytest.mark.asyncio
async def test_timeouts_and_network_errors_as_ptb_names_them(front, server: BotAPIServer):
    user = server.create_user("Lan")
    server.faults.add("sendMessage", kind="timeout", hang=1.0)
    async with _bot(front.base_url, read_timeout=0.1) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "x")
    port = front.port
    await front.stop()
    request = BotAPIRequest(connect_timeout=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):  # nobody listens there any more
            await request.post(
                f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage",
                RequestData(
                    [
                        RequestParameter.from_input("chat_id", user.id),
                        RequestParameter.from_input("text", "x"),
                    ]
                ),
            )
    finally:
        await request.shutdown()


@pytest.mark.asyncio
async def test_json_body_goes_through_the_transport_the_client_picks():
    """A proxy (here a mounted transport) still gets the request; the client's own headers
    and PTB's User-Agent are sent, the parameters as JSON with nested objects."""
    seen: list[httpx.Request] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/getMe"):
            me = {"id": 1, "is_bot": True, "first_name": "Bot", "username": "b_bot"}
            return httpx.Response(200, json={"ok": True, "result": me})
        seen.append(request)
        return httpx.Response(200, json={"ok": True, "result": True})

    mounted = httpx.MockTransport(answer)
    async with _bot(
        "https://api.example.org", httpx_kwargs={"mounts": {"https://api.example.org": mounted}}
    ) as bot:
        request = bot.request
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Hủy", callback_data="c")]])
        assert await bot.set_chat_menu_button(chat_id=5) is True
        await request.post(
            f"https://api.example.org/bot{TOKEN}/sendMessage",
            request_data=None,
        )
        await bot.delete_message(chat_id=5, message_id=7)
        await bot.edit_message_reply_markup(chat_id=5, message_id=7, reply_markup=keyboard)
    sent = seen[-1]
    assert sent.url.path.endswith("/editMessageReplyMarkup")
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["user-agent"] == BotAPIRequest.USER_AGENT
    assert "accept-encoding" in sent.headers  # the client's defaults are kept
    assert json.loads(sent.content) == {
        "chat_id": 5,
        "message_id": 7,
        "reply_markup": {"inline_keyboard": [[{"text": "Hủy", "callback_data": "c"}]]},
    }
    assert json.loads(seen[2].content) == {"chat_id": 5, "message_id": 7}
