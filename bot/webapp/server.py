"""The dashboard's web server (aiohttp), on the bot's own event loop.

    /app/                 the page and its assets (shipped in bot/webapp/static, no CDN)
    /app/api/session      who is signed in, the page's texts and the filters' choices
    /app/api/cases        the case list (filters: status, unit, risk, mine, overdue, q, page)
    /app/api/cases/ID     one case (audited)
    /app/api/cases/ID/actions/KEY   carry out an action (POST, JSON fields)
    /app/api/figures      the area's figures (period, group: a programme group or all)
    /WEBHOOK_PATH         Telegram's updates, in webhook mode (same server)

Every API request must carry `Authorization: tma <initData>`, checked against the bot's token
(bot/webapp/initdata.py); the person is then looked up and every rule checked again by
bot/webapp/service.py. 401 when the sign-in is missing, forged or expired; 403 when the
person or the case is not theirs to see.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from telegram import Update

from bot.guards import NotApplicable, PermissionDenied
from bot.webapp import initdata
from bot.webapp.actions import InvalidInput
from bot.webapp.service import CaseQuery, Dashboard
from storage.users import User

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
# The only files served: a fixed list, so no path can reach outside the folder.
ASSETS = {
    "app.js": "text/javascript",
    "app.css": "text/css",
    "sw.js": "text/javascript",
    "icon.svg": "image/svg+xml",
}
MAX_BODY = 64 * 1024
# Telegram Web embeds Mini Apps in an iframe; the phone and desktop apps use a web view.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self' https://web.telegram.org"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
USER_KEY = web.RequestKey("dashboard_person", User)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(data: object, status: int = 200) -> web.Response:
    return web.json_response(
        data,
        status=status,
        headers={"Cache-Control": "no-store"},
        dumps=lambda value: json.dumps(value, ensure_ascii=False),
    )


def _error(status: int, code: str) -> web.Response:
    return _json({"error": code}, status)


class WebServer:
    """The dashboard (and, in webhook mode, Telegram's webhook) on one aiohttp server."""

    def __init__(
        self,
        application,
        host: str,
        port: int,
        *,
        webhook_path: str | None = None,
        webhook_secret: str | None = None,
        dashboard: bool = True,
    ) -> None:
        self.application = application
        self.host = host
        self.port = port
        self.webhook_path = webhook_path
        self.webhook_secret = webhook_secret
        self.serves_dashboard = dashboard
        self.dashboard = Dashboard(application.services, application.bot)
        self._runner: web.AppRunner | None = None

    # -- life cycle -----------------------------------------------------------------------------
    def build(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._headers])
        if self.webhook_path:
            app.router.add_post(f"/{self.webhook_path}", self._webhook)
        if not self.serves_dashboard:
            return app  # webhook mode without WEBAPP_URL: Telegram's updates only
        app.router.add_get("/app", self._redirect)
        app.router.add_get("/app/", self._page)
        app.router.add_get("/app/{asset}", self._asset)
        api = [
            ("GET", "/app/api/session", self._session),
            ("GET", "/app/api/cases", self._cases),
            ("GET", "/app/api/cases/{case_id:\\d{1,18}}", self._case),
            ("POST", "/app/api/cases/{case_id:\\d{1,18}}/actions/{action:[a-z_]{1,32}}", self._act),
            ("GET", "/app/api/figures", self._figures),
        ]
        for method, path, handler in api:
            app.router.add_route(method, path, self._signed_in(handler))
        return app

    async def start(self) -> int:
        """Listen; returns the port (useful with port 0)."""
        self._runner = web.AppRunner(self.build(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []  # port 0: the one chosen
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("dashboard listening on %s:%s", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- plumbing -------------------------------------------------------------------------------
    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    def _signed_in(self, handler: Handler) -> Handler:
        """Check initData, look the person up, and map the rules' refusals to HTTP."""

        async def wrapped(request: web.Request) -> web.StreamResponse:
            scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
            services = self.application.services
            try:
                signed = initdata.validate(
                    raw if scheme == "tma" else None,
                    self.application.bot.token,
                    services.clock.now(),
                    dt.timedelta(seconds=services.settings.webapp_auth_max_age),
                )
            except initdata.InvalidInitData as problem:
                log.info("dashboard sign-in refused: %s", problem)
                return _error(401, "unauthorized")
            try:
                request[USER_KEY] = await self.dashboard.person(signed.telegram_id)
                return await handler(request)
            except PermissionDenied:
                await self.dashboard.refused(
                    signed.telegram_id, request.path, request.match_info.get("case_id")
                )
                return _error(403, "forbidden")
            except NotApplicable:
                return _error(409, "moved_on")
            except (InvalidInput, ValueError):
                return _error(400, "invalid")

        return wrapped

    # -- pages ----------------------------------------------------------------------------------
    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/app/")

    async def _page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(
            STATIC / "index.html",
            headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"},
        )

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["asset"]
        if name not in ASSETS:
            raise web.HTTPNotFound()
        headers = {
            "Content-Type": f"{ASSETS[name]}; charset=utf-8",
            # Revalidated each time (ETag): a deploy reaches every phone at once.
            "Cache-Control": "no-cache",
        }
        if name == "sw.js":
            headers["Service-Worker-Allowed"] = "/app/"
        return web.FileResponse(STATIC / name, headers=headers)

    # -- the API --------------------------------------------------------------------------------
    async def _session(self, request: web.Request) -> web.StreamResponse:
        return _json(await self.dashboard.session(request[USER_KEY]))

    async def _cases(self, request: web.Request) -> web.StreamResponse:
        query = CaseQuery.from_params(request.query)
        return _json(await self.dashboard.cases(request[USER_KEY], query))

    async def _case(self, request: web.Request) -> web.StreamResponse:
        try:
            page = await self.dashboard.case_page(
                request[USER_KEY], int(request.match_info["case_id"])
            )
        except NotApplicable:
            return _error(404, "not_found")
        return _json(page)

    async def _act(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise InvalidInput("body") from None
        if not isinstance(body, dict):
            raise InvalidInput("body")
        return _json(
            await self.dashboard.act(
                request[USER_KEY],
                int(request.match_info["case_id"]),
                request.match_info["action"],
                body,
            )
        )

    async def _figures(self, request: web.Request) -> web.StreamResponse:
        return _json(
            await self.dashboard.figures(
                request[USER_KEY], request.query.get("period"), request.query.get("group")
            )
        )

    # -- Telegram's webhook (webhook mode) --------------------------------------------------------
    async def _webhook(self, request: web.Request) -> web.StreamResponse:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not self.webhook_secret or not hmac.compare_digest(
            given.encode(), self.webhook_secret.encode()
        ):
            return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError, TypeError, KeyError):
            return web.Response(status=400)
        await self.application.update_queue.put(update)
        return web.Response(status=200)


async def start_dashboard(application, host: str, port: int, **webhook) -> WebServer:
    """Start the server and remember it, so the application's shutdown stops it."""
    server = WebServer(application, host, port, **webhook)
    await server.start()
    application.services.webapp = server
    return server


async def run_webhook(application, settings, allowed_updates: list[str]) -> None:
    """Webhook mode: Telegram's updates (and /app/ when WEBAPP_URL is set) on one server.

    What Application.run_webhook does, on our aiohttp server instead of PTB's own (whose
    tornado the bot then never imports): start up, register the webhook (pending updates
    kept), run until SIGTERM/SIGINT, then stop cleanly.
    """
    import signal

    from bot.application import start_services

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with application:  # initialize() … shutdown(), which stops the server too
        await start_dashboard(
            application,
            settings.webhook_listen,
            settings.webhook_port,
            webhook_path=settings.webhook_path,
            webhook_secret=settings.webhook_secret,
            dashboard=bool(settings.webapp_url),
        )
        await start_services(application)
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=allowed_updates,
            drop_pending_updates=False,
        )
        await application.start()
        await stop.wait()
        await application.stop()
