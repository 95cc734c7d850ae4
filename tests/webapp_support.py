"""Helpers for the dashboard tests (issue 20): settings with the web app on a free port,
staff with a scope of today's units, cases reported in a place, signed initData, and a small
HTTP client for the API."""

from __future__ import annotations

import datetime as dt

import aiohttp

from bot.areas import Areas
from bot.webapp import initdata
from storage import report_drafts, users
from tests.conftest import make_settings
from tests.reports_support import person

DASHBOARD_URL = "https://dash.example.org/app/"

# Today's units (content/units.json) and the two programme groups they lie in.
CHANH_HUNG, PHU_DINH, BINH_DONG = "27418", "27427", "27424"
BINH_HUNG, BINH_CHANH = "27619", "27637"
AREAS = Areas.load()
CITY = AREAS.group_of(CHANH_HUNG)  # the three wards
RURAL = AREAS.group_of(BINH_HUNG)  # the seven communes
# An old commune split between both groups: its old cases may lie in Bình Đông or Bình Chánh.
SPLIT_OLD = AREAS.find("an phu tay").old.id


def webapp_settings(tmp_path, **overrides):
    return make_settings(
        tmp_path, webapp_url=DASHBOARD_URL, webapp_listen=("127.0.0.1", 0), **overrides
    )


def base_url(tg) -> str:
    return f"http://127.0.0.1:{tg.app.services.webapp.port}/app/"


async def staff(tg, name: str, scope: str | None, *, user_id: int | None = None):
    """Approved staff whose scope is `scope` (unit codes, a group's code, or `all`); their
    home group is that of the scope's units when they share one."""
    covered = AREAS.scope_units(scope)
    groups = {AREAS.group_of(unit) for unit in covered}
    home = next(iter(groups)) if len(groups) == 1 else None
    # (name, role, programme group, ward, id, scope)
    return await person(tg, name, "staff", home, None, user_id, scope)


async def reported_case(
    tg, reporter, ward: str, *, reported_place: str | None = None, urgent: bool = False
) -> int:
    """A case from a finished draft of the unit `ward` ('' when not known), reported as
    `reported_place` (an old unit's id) when given: through casework.submit, as the chat."""
    from bot.crypto import cipher_for
    from bot.reports import casework
    from bot.reports.draft import Draft
    from bot.reports.rules import case_rules

    draft = Draft(
        step="review",
        urgent=urgent,
        ward=ward,
        reported_place=reported_place,
        age_asked=True,
        age=9,
        sex="male",
        situations=["k"],
        description="Bé hay bị đánh, ở nhà một mình.",
        contact_consent=False,
        child_name="Tí",
    )
    user = await users.get(tg.db, reporter.id)
    cipher = cipher_for(tg.app.services)
    # As in the conversation: the draft is stored, and submitting takes it.
    await report_drafts.save(tg.db, cipher, reporter.id, draft.to_json(), tg.clock.now())
    submitted = await casework.submit(
        tg.db,
        cipher,
        tg.app.services.areas,
        user,
        draft,
        tg.clock.now(),
        case_rules(),
        tg.settings.timezone,
    )
    return submitted.case_id


def sign_for(
    tg,
    person,
    *,
    age: dt.timedelta = dt.timedelta(0),
    token: str | None = None,
    language: str = "vi",
) -> str:
    """initData for a test person, as Telegram signs it (with the bot's token by default)."""
    return initdata.sign(
        token or tg.app.bot.token,
        {"id": person.id, "first_name": person.user.first_name, "language_code": language},
        tg.clock.now() - age,
        query_id="AAH-test",
    )


class Api:
    """The dashboard's API as the page calls it."""

    def __init__(self, tg, init_data: str | None) -> None:
        self.base = base_url(tg)
        self.init_data = init_data

    def _headers(self) -> dict:
        return {"Authorization": f"tma {self.init_data}"} if self.init_data is not None else {}

    async def get(self, path: str, **params) -> tuple[int, dict | None]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                self.base + "api/" + path, params=params, headers=self._headers()
            ) as response,
        ):
            return response.status, await _body(response)

    async def post(self, path: str, body: object) -> tuple[int, dict | None]:
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.base + "api/" + path, json=body, headers=self._headers()) as response,
        ):
            return response.status, await _body(response)


async def _body(response) -> dict | None:
    try:
        return await response.json()
    except (aiohttp.ContentTypeError, ValueError):
        return None
