"""PTB transport that calls a ``BotAPIServer`` directly: no sockets, no HTTP, same semantics."""

from __future__ import annotations

import json

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from devkit.emulator.faults import SimulatedTimeout
from devkit.emulator.server import BotAPIServer

_FILE_MARK = "/file/bot"
_NOT_FOUND = json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode()


class EmulatorRequest(BaseRequest):
    """One per PTB request slot (PTB makes two: one for getUpdates); both may share a server."""

    def __init__(self, server: BotAPIServer, read_timeout: float | None = 5.0) -> None:
        self.server = server
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        mark = url.find(_FILE_MARK)
        if mark != -1:
            # File download: .../file/bot<token>/<file_path>
            file_path = url[mark + len(_FILE_MARK) :].split("/", 1)[-1]
            stored = self.server.file_by_path(file_path)
            return (200, stored.data) if stored else (404, _NOT_FOUND)
        api_method = url.rsplit("/", 1)[-1]
        params, files = {}, None
        if request_data is not None:
            params = request_data.parameters
            if request_data.contains_files:
                files = request_data.multipart_data
        try:
            status, body = await self.server.handle(api_method, params, files)
        except SimulatedTimeout as timeout:
            raise TimedOut("Timed out (emulated)") from timeout
        return status, json.dumps(body).encode()
