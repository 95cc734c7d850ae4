"""Helpers for the dashboard tests (issue 20): settings with the web app on a free port,
signed initData, and a small HTTP client for the API."""

from __future__ import annotations

import datetime as dt

import aiohttp

from bot.webapp import initdata
from tests.conftest import make_settings

DASHBOARD_URL = "https://dash.example.org/app/"


def webapp_settings(tmp_path, **overrides):
    return make_settings(tmp_path, webapp_url=DASHBOARD_URL, webapp_listen=("127.0.0.1", 0),
                         **overrides)


def base_url(tg) -> str:
    return f"http://127.0.0.1:{tg.app.services.extras['webapp'].port}/app/"


def sign_for(tg, person, *, age: dt.timedelta = dt.timedelta(0), token: str | None = None,
             language: str = "vi") -> str:
    """initData for a test person, as Telegram signs it (with the bot's token by default)."""
    return initdata.sign(token or tg.app.bot.token,
                         {"id": person.id, "first_name": person.user.first_name,
                          "language_code": language},
                         tg.clock.now() - age, query_id="AAH-test")


class Api:
    """The dashboard's API as the page calls it."""

    def __init__(self, tg, init_data: str | None) -> None:
        self.base = base_url(tg)
        self.init_data = init_data

    def _headers(self) -> dict:
        return {"Authorization": f"tma {self.init_data}"} if self.init_data is not None else {}

    async def get(self, path: str, **params) -> tuple[int, dict | None]:
        async with aiohttp.ClientSession() as session, session.get(
                self.base + "api/" + path, params=params, headers=self._headers()) as response:
            return response.status, await _body(response)

    async def post(self, path: str, body: object) -> tuple[int, dict | None]:
        async with aiohttp.ClientSession() as session, session.post(
                self.base + "api/" + path, json=body, headers=self._headers()) as response:
            return response.status, await _body(response)


async def _body(response) -> dict | None:
    try:
        return await response.json()
    except (aiohttp.ContentTypeError, ValueError):
        return None
