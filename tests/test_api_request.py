"""bot.api_request: the same Bot API calls as PTB's HTTPXRequest, sent as one JSON body straight
to the client's transport (its pool, or a proxy's), uploads still multipart. The round trip
over HTTP (messages, uploads, updates, errors, RetryAfter) is tests/test_emulator_http.py's,
run with both requests."""

from __future__ import annotations

import asyncio
import json

import httpcore
import httpx
import pytest
from httpcore._backends.anyio import AnyIOStream
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.api_request import BotAPIRequest, bot_api_transport, environment_proxy
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


class _OneAnswerServer:
    """A Bot API stand-in on loopback that answers each connection's first request and then
    closes it without saying so (as a server or a proxy does at its keep-alive limit), holding
    every answer until `release` is set."""

    def __init__(self) -> None:
        self.connections = 0
        self.open_now = 0
        self.most_open = 0
        self.release = asyncio.Event()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            await self.release.wait()
            body = b'{"ok":true,"result":true}'
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()  # the socket closed: its end reaches the client at once
            self.open_now -= 1

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()


@pytest.mark.asyncio
async def test_the_transport_sees_a_closed_connection_and_keeps_to_its_size(monkeypatch):
    """bot_api_transport: a connection the server closed is noticed (the socket test
    httpcore makes before reusing one, answered from the socket remembered at connect) and a
    new one is opened, never a request lost on a dead one; and the pool keeps to its size
    (a client given a transport does not apply its own limits)."""
    server = _OneAnswerServer()
    port = await server.start()
    api = f"http://127.0.0.1:{port}"
    request = BotAPIRequest(
        httpx_kwargs={"transport": bot_api_transport(2, httpx.create_ssl_context(), api)}
    )
    await request.initialize()
    # anyio's own answer (an attribute table per question) is never asked for.
    asked_anyio: list[str] = []
    anyio_answer = AnyIOStream.get_extra_info

    def counted(stream, info):
        asked_anyio.append(info)
        return anyio_answer(stream, info)

    monkeypatch.setattr(AnyIOStream, "get_extra_info", counted)

    async def send(text: str) -> bytes:
        return await request.post(
            f"{api}/bot{TOKEN}/sendMessage",
            RequestData(
                [
                    RequestParameter.from_input("chat_id", 5),
                    RequestParameter.from_input("text", text),
                ]
            ),
        )

    try:
        server.release.set()
        for text in ("một", "hai", "ba"):
            assert await send(text) is True
            while server.open_now:  # until the server has closed that connection
                await asyncio.sleep(0.005)
        assert server.connections == 3
        server.release.clear()
        waiting = [asyncio.ensure_future(send(str(n))) for n in range(5)]
        while server.open_now < 2:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        assert server.most_open == 2  # the other three wait for a connection
        server.release.set()
        assert await asyncio.gather(*waiting) == [True] * 5
        assert "is_readable" not in asked_anyio
    finally:
        await request.shutdown()
        await server.stop()


def test_the_environment_proxy_is_used_unless_the_host_is_exempt(monkeypatch):
    """A client given its own transport ignores HTTPS_PROXY; bot_api_transport reads it."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                 "all_proxy", "NO_PROXY", "no_proxy"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    assert environment_proxy("https://api.telegram.org") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert environment_proxy("https://api.telegram.org") == "http://proxy.example:3128"
    assert environment_proxy("http://127.0.0.1:8081") is None  # no HTTP_PROXY
    monkeypatch.setenv("NO_PROXY", "api.telegram.org")
    assert environment_proxy("https://api.telegram.org") is None
    monkeypatch.delenv("NO_PROXY")
    transport = bot_api_transport(4, httpx.create_ssl_context(), "https://api.telegram.org")
    assert isinstance(transport._pool, httpcore.AsyncHTTPProxy)
