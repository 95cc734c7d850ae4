"""The Bot API over HTTP with less work per call than PTB's HTTPXRequest.

PTB's HTTPXRequest form-encodes every parameter (a Vietnamese text becomes three `%XX` per
letter, each escaped in Python) and goes through httpx.AsyncClient's layers — URL merging,
cookies, auth, redirects — that a bot talking to one API never uses. That was a fifth of the
CPU of a reply. `BotAPIRequest` sends the same parameters as one JSON body (the Bot API takes
`application/json` for every method without files) straight to the client's transport for
the URL: the same connection pool, TLS context, retries, proxy, timeouts, headers and errors
as before. Uploads (multipart) and calls without
parameters keep PTB's own path.

`bot_api_transport` is the transport under it: before every request, and again when its
response is closed, httpcore's pool asks each of its connections whether the server has closed
it, and anyio answers by building a table of the socket's attributes (a getpeername system call
among them) only to hand back the socket. With the eight chats answered at once
(bot/update_order.py) the pool holds about eight connections, and that question cost ~0.2 ms
of CPU per update — a tenth of a reply. The socket is looked up once per connection instead.
"""

from __future__ import annotations

import json
import select
import socket
import ssl
import urllib.request
from typing import Any

import httpcore
import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

_JSON = "application/json"
_URL_CACHE_LIMIT = 256


class BotAPIRequest(HTTPXRequest):
    __slots__ = ("_headers", "_headers_of", "_urls")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Parsed URLs per endpoint (one per API method used: immutable, safe to share).
        self._urls: dict[str, httpx.URL] = {}
        self._headers: httpx.Headers | None = None
        self._headers_of: httpx.AsyncClient | None = None

    def _request_headers(self) -> httpx.Headers:
        """The client's own headers (Accept, Accept-Encoding…), PTB's User-Agent and the
        content type; built once per client (initialize() may build a new one)."""
        if self._headers is None or self._headers_of is not self._client:
            headers = self._client.headers.copy()
            headers["User-Agent"] = self.USER_AGENT
            headers["Content-Type"] = _JSON
            self._headers, self._headers_of = headers, self._client
        return self._headers

    def _url(self, url: str) -> httpx.URL:
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) >= _URL_CACHE_LIMIT:
                self._urls.clear()
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

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
        if request_data is None or request_data.contains_files:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        client = self._client
        if client.is_closed:
            raise RuntimeError("This HTTPXRequest is not initialized!")
        defaults = client.timeout
        timeout = {
            "connect": defaults.connect
            if isinstance(connect_timeout, DefaultValue)
            else connect_timeout,
            "read": defaults.read if isinstance(read_timeout, DefaultValue) else read_timeout,
            "write": defaults.write if isinstance(write_timeout, DefaultValue) else write_timeout,
            "pool": defaults.pool if isinstance(pool_timeout, DefaultValue) else pool_timeout,
        }
        body = json.dumps(
            request_data.parameters, ensure_ascii=False, separators=(",", ":")
        ).encode()
        target = self._url(url)
        request = httpx.Request(
            method,
            target,
            headers=self._request_headers(),
            content=body,
            extensions={"timeout": timeout},
        )
        try:
            # The transport the client would pick for this URL: its pool, or a proxy's.
            response = await client._transport_for_url(target).handle_async_request(request)
            try:
                content = await response.aread()
            finally:
                await response.aclose()
        except httpx.TimeoutException as err:
            if isinstance(err, httpx.PoolTimeout):
                raise TimedOut(
                    message=(
                        "Pool timeout: All connections in the connection pool are occupied. "
                        "Request was *not* sent to Telegram. Consider adjusting the connection "
                        "pool size or the pool timeout."
                    )
                ) from err
            raise TimedOut from err
        except httpx.HTTPError as err:
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return response.status_code, content


def bot_api_transport(
    connections: int, tls: ssl.SSLContext, api_url: str
) -> httpx.AsyncHTTPTransport:
    """The transport of a bot's connection pool for the Bot API at `api_url`: at most
    `connections` and the environment's proxy for that address (a client given its own
    transport applies neither its `limits` nor HTTPS_PROXY…), connection errors retried with
    backoff."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    transport = httpx.AsyncHTTPTransport(
        retries=3, verify=tls, limits=limits, proxy=environment_proxy(api_url)
    )
    pool = transport._pool  # httpcore's pool: its backend makes every later connection
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore.AsyncNetworkBackend):  # an httpcore upgrade moved it
        raise RuntimeError("httpcore's connection pool has no _network_backend any more")
    pool._network_backend = _SocketOnceBackend(backend)
    return transport


def environment_proxy(url: str) -> str | None:
    """The proxy HTTPS_PROXY / HTTP_PROXY / ALL_PROXY name for `url`, unless NO_PROXY exempts
    its host (as httpx does for a client without its own transport)."""
    target = httpx.URL(url)
    if urllib.request.proxy_bypass(target.host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(target.scheme) or proxies.get("all")


def _readable(sock: socket.socket | None) -> bool:
    """httpcore's own test: data (or the end of the stream) waiting on an idle connection."""
    if sock is None or sock.fileno() < 0:
        return True
    poll = select.poll()
    poll.register(sock.fileno(), select.POLLIN)
    return bool(poll.poll(0))


class _SocketOnceStream(httpcore.AsyncNetworkStream):
    """A connection's stream that remembers its socket (see the module's comment)."""

    __slots__ = ("_inner", "_socket")

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _SocketOnceStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


class _SocketOnceBackend(httpcore.AsyncNetworkBackend):
    __slots__ = ("_inner",)

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _SocketOnceStream(stream)

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _SocketOnceStream(
            await self._inner.connect_unix_socket(path, timeout, socket_options)
        )

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
