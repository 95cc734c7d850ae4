"""The emulator on loopback HTTP, speaking the Bot API wire format (stdlib only).

    POST|GET /bot<token>/<method>       form-encoded, multipart or JSON bodies
    GET      /file/bot<token>/<path>    file downloads
    POST     /_emulator/user_message    {"user_id", "first_name", "language_code", "chat_id",
                                         "text"}
    POST     /_emulator/callback        {"user_id", "chat_id", "message_id", "data", "forge"}
    POST     /_emulator/block           {"user_id"}
    GET      /_emulator/transcript?chat_id=N

Run standalone with ``python -m devkit.emulator.http --port 8081 --journal sends.jsonl``
(``--flood-limits``: refuse with 429 what Telegram would, 30/s overall, 1/s per private chat,
20/min per group).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import signal

from devkit.emulator.faults import SimulatedTimeout
from devkit.emulator.server import BotAPIServer
from devkit.emulator.wire import HttpRequest, read_request, response_bytes

_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


FLOOD_HELP = "answer 429 as Telegram would: 30/s overall, 1/s per private chat, 20/min per group"


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


class HTTPFront:
    """Serves a BotAPIServer on host:port (0 = any free port) until stopped."""

    def __init__(self, server: BotAPIServer, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = server
        self.host = host
        self.port = port
        self._listener: asyncio.Server | None = None
        self._connections: set[asyncio.Task] = set()

    async def start(self) -> int:
        self._listener = await asyncio.start_server(self._serve_connection, self.host, self.port)
        self.port = self._listener.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()
        # Idle keep-alive connections and pending long polls would otherwise linger.
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        if self._listener is not None:
            await self._listener.wait_closed()
            self._listener = None

    async def __aenter__(self) -> HTTPFront:
        await self.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None  # asyncio runs every connection in its own task
        self._connections.add(task)
        try:
            while (request := await read_request(reader)) is not None:
                try:
                    status, content_type, body = await self._dispatch(request)
                except SimulatedTimeout as timeout:
                    # Stay silent past the client's read timeout, then drop the connection.
                    await asyncio.sleep(timeout.hang)
                    break
                writer.write(response_bytes(status, body, content_type, request.keep_alive))
                await writer.drain()
                if not request.keep_alive:
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _dispatch(self, request: HttpRequest) -> tuple[int, str, bytes]:
        path = request.path
        if path.startswith("/file/bot"):
            _token, _, file_path = path[len("/file/bot") :].partition("/")
            stored = self.server.file_by_path(file_path)
            if stored is None:
                return 404, "application/json", _json(_NOT_FOUND)
            return 200, stored.mime_type or "application/octet-stream", stored.data
        if path.startswith("/bot"):
            _token, _, method = path[len("/bot") :].partition("/")
            if not method:
                return 404, "application/json", _json(_NOT_FOUND)
            status, body = await self.server.handle(method, request.params, request.files)
            return status, "application/json", _json(body)
        if path.startswith("/_emulator/"):
            try:
                result = self._admin(path[len("/_emulator/") :], request)
            except (KeyError, LookupError, ValueError, TypeError) as error:
                return 400, "application/json", _json({"ok": False, "description": str(error)})
            return 200, "application/json", _json({"ok": True, "result": result})
        return 404, "application/json", _json(_NOT_FOUND)

    def _admin(self, action: str, request: HttpRequest) -> object:
        """Test hooks for another process: act as a user, read a transcript."""
        data = request.params
        server = self.server
        if action == "transcript":
            return [dataclasses.asdict(m) for m in server.transcript(int(data["chat_id"]))]
        user_id = int(data["user_id"])
        if user_id not in server.users:
            server.create_user(
                data.get("first_name", "User"),
                user_id=user_id,
                username=data.get("username"),
                language_code=data.get("language_code", "vi"),
            )
        chat_id = int(data["chat_id"]) if data.get("chat_id") else None
        if action == "user_message":
            return server.user_message(user_id, chat_id, data["text"])
        if action == "callback":
            return server.callback_query(
                user_id,
                chat_id,
                int(data["message_id"]),
                data["data"],
                forge=bool(data.get("forge")),
            )
        if action == "block":
            return server.block(user_id)
        raise LookupError(f"unknown admin action {action!r}")


async def serve(
    server: BotAPIServer, host: str = "127.0.0.1", port: int = 0
) -> tuple[HTTPFront, int]:
    """Start an HTTP front; returns it (call ``await front.stop()``) and the bound port."""
    front = HTTPFront(server, host, port)
    return front, await front.start()


def journal_hook(journal):
    """An on_send hook appending one flushed JSON line per accepted bot send."""

    def record(method: str, chat_id: int, message_id: int, text: str | None) -> None:
        line = {"method": method, "chat_id": chat_id, "message_id": message_id, "text": text}
        journal.write(json.dumps(line, ensure_ascii=False) + "\n")
        journal.flush()

    return record


async def _serve_until_signal(
    port: int, journal_path: str | None, host: str, flood_limits: bool = False
) -> None:
    server = BotAPIServer(enforce_limits=flood_limits)
    journal = open(journal_path, "a", encoding="utf-8") if journal_path else None  # noqa: SIM115
    if journal is not None:
        server.on_send.append(journal_hook(journal))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    front = HTTPFront(server, host, port)
    actual = await front.start()
    limits = " (Telegram's flood limits on)" if flood_limits else ""
    print(f"bot api emulator listening on http://{host}:{actual}{limits}", flush=True)
    try:
        await stop.wait()
    finally:
        await front.stop()
        if journal is not None:
            journal.close()
        if flood_limits:
            print(f"429 answers: {server.flood_429_count}", flush=True)


def run_emulator_cli(
    port: int, journal_path: str | None = None, host: str = "127.0.0.1", flood_limits: bool = False
) -> None:
    """Serve until SIGINT/SIGTERM; with a journal, log every accepted bot send as JSON lines."""
    asyncio.run(_serve_until_signal(port, journal_path, host, flood_limits))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API on loopback")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--journal", default=None, help="append a JSON line per bot send")
    parser.add_argument("--flood-limits", action="store_true", help=FLOOD_HELP)
    args = parser.parse_args(argv)
    run_emulator_cli(args.port, args.journal, args.host, args.flood_limits)


if __name__ == "__main__":
    main()
