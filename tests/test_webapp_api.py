"""The dashboard's API (issue 20): Telegram's initData sign-in, the same role and scope rules as
the chat for every request (bot/scope.py, today's units), the list's filters and clocks, actions through the case rules,
the chat side told, the audit trail, and figures equal to /stats."""

import datetime as dt
import sys
from zoneinfo import ZoneInfo

import pytest

from bot.stats import figures, period
from bot.webapp import initdata
from storage import audit, users
from tests.reports_support import person
from tests.webapp_support import (
    AREAS,
    BINH_CHANH,
    BINH_DONG,
    BINH_HUNG,
    CHANH_HUNG,
    CITY,
    DASHBOARD_URL,
    PHU_DINH,
    RURAL,
    SPLIT_OLD,
    Api,
    reported_case,
    sign_for,
    staff,
    webapp_settings,
)

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def settings(tmp_path):
    return webapp_settings(tmp_path)


async def _entries(tg, action: str) -> list:
    return [entry for entry in await audit.entries(tg.db) if entry.action == action]


# -- initData, exactly as Telegram specifies ---------------------------------------------------
def test_initdata_round_trip_and_every_refusal():
    now = dt.datetime(2021, 5, 25, 2, 0, tzinfo=dt.UTC)
    token = "123456:ABC-secret"
    good = initdata.sign(token, {"id": 42, "first_name": "Minh", "language_code": "vi"}, now)
    day = dt.timedelta(days=1)
    signed = initdata.validate(good, token, now, day)
    assert (signed.telegram_id, signed.first_name, signed.auth_date) == (42, "Minh", now)
    refusals = {
        "missing": (None, token, now),
        "another bot's token": (good, "999:OTHER", now),
        "expired": (good, token, now + day + dt.timedelta(seconds=1)),
        "from the future": (good, token, now - dt.timedelta(hours=1)),
        "a changed field": (good.replace("Minh", "Mai"), token, now),
        "no hash": ("&".join(p for p in good.split("&") if not p.startswith("hash=")), token, now),
        "a field twice": (good + "&auth_date=1", token, now),
    }
    for reason, (data, key, when) in refusals.items():
        with pytest.raises(initdata.InvalidInitData):
            initdata.validate(data, key, when, day)
            pytest.fail(reason)


# -- who may use it ----------------------------------------------------------------------------
async def test_refuses_missing_forged_expired_and_anyone_the_chat_refuses(tg):
    minh = await staff(tg, "Minh", CITY)
    lan = await person(tg, "Lan")  # a collaborator
    assert (await Api(tg, None).get("session"))[0] == 401
    assert (await Api(tg, "query_id=x&user=%7B%22id%22%3A1%7D&hash=00").get("session"))[0] == 401
    forged = sign_for(tg, minh, token="42:NOT-THE-BOT")
    assert (await Api(tg, forged).get("cases"))[0] == 401
    expired = sign_for(tg, minh, age=dt.timedelta(seconds=86_401))
    assert (await Api(tg, expired).get("cases"))[0] == 401
    status, body = await Api(tg, sign_for(tg, lan)).get("cases")
    assert status == 403 and body == {"error": "forbidden"}
    gone = await staff(tg, "Gone", CITY)
    await users.update(tg.db, gone.id, tg.clock.now(), status="deactivated")
    assert (await Api(tg, sign_for(tg, gone)).get("cases"))[0] == 403  # as in the chat
    nowhere = await staff(tg, "Chưa giao", None)  # staff whose scope covers no unit yet
    assert (await Api(tg, sign_for(tg, nowhere)).get("session"))[0] == 403
    assert [e.actor_id for e in await _entries(tg, "webapp_denied")] == [
        lan.id,
        gone.id,
        nowhere.id,
    ]


async def test_the_unit_filter_lists_the_persons_units_by_today_s_names(tg):
    minh = await staff(tg, "Minh", CITY)
    status, body = await Api(tg, sign_for(tg, minh)).get("session")
    assert status == 200 and body["strings"]["title"] == "Bảng hồ sơ"  # the vi catalogue
    assert body["person"]["scope"] == AREAS.group_name(CITY, "vi")  # as /cases says it
    assert body["filters"]["unit"] == [
        {
            "label": AREAS.group_name(CITY, "vi"),
            "options": [
                {"value": CHANH_HUNG, "label": "Phường Chánh Hưng"},
                {"value": PHU_DINH, "label": "Phường Phú Định"},
                {"value": BINH_DONG, "label": "Phường Bình Đông"},
            ],
        }
    ]
    assert body["figures"] is True and body["groups"] == []  # their own group's figures
    # Two units of different groups: exactly those two, each under its group.
    hoa = await staff(tg, "Hoa", f"{BINH_DONG} {BINH_HUNG}")
    body = (await Api(tg, sign_for(tg, hoa)).get("session"))[1]
    assert [[o["value"] for o in g["options"]] for g in body["filters"]["unit"]] == [
        [BINH_DONG],
        [BINH_HUNG],
    ]
    assert body["person"]["scope"] == "Phường Bình Đông, Xã Bình Hưng"
    assert body["figures"] is False  # /stats refuses a scope across groups too
    assert (await Api(tg, sign_for(tg, hoa)).get("figures"))[0] == 403


async def test_a_case_outside_the_persons_scope_is_refused_everywhere_and_audited(tg):
    minh = await staff(tg, "Minh", CITY)
    hoa = await staff(tg, "Hoa", BINH_HUNG)
    lan = await person(tg, "Lan")
    case = await reported_case(tg, lan, CHANH_HUNG)
    api = Api(tg, sign_for(tg, hoa))
    assert (await api.get(f"cases/{case}"))[0] == 403
    for key, fields in (
        ("accept", {}),
        ("note", {"text": "x"}),
        ("close", {"outcome": "duplicate"}),
    ):
        assert (await api.post(f"cases/{case}/actions/{key}", fields))[0] == 403
    assert (await api.get("cases", unit=CHANH_HUNG))[0] == 403  # a unit outside the scope
    assert (await api.get("cases", unit="none"))[0] == 403  # no known unit: administrators
    status, body = await api.get("cases")
    assert status == 200 and body["cases"] == []
    assert (await api.get("figures", group=CITY))[0] == 403
    refused = await _entries(tg, "webapp_denied")
    assert len(refused) == 7 and {e.actor_id for e in refused} == {hoa.id}
    assert [e.entity_id for e in refused[:4]] == [str(case)] * 4  # the case they tried to reach
    # Nothing changed, nothing seen.
    assert (await Api(tg, sign_for(tg, minh)).get(f"cases/{case}"))[1]["status"] == "received"
    assert [e.actor_id for e in await _entries(tg, "case_view")] == [minh.id]


async def test_a_case_reported_in_a_split_old_unit_is_for_staff_of_either_successor(tg):
    """As in the chat (casework.check_access, scope.covers_any): an old commune split in two
    leaves its case to the staff of both of today's units, and the unit filter finds it."""
    tam = await staff(tg, "Tâm", BINH_CHANH)
    hoa = await staff(tg, "Hoa", BINH_HUNG)
    lan = await person(tg, "Lan")
    case = await reported_case(tg, lan, BINH_DONG, reported_place=SPLIT_OLD)
    api = Api(tg, sign_for(tg, tam))
    assert [r["id"] for r in (await api.get("cases"))[1]["cases"]] == [case]
    assert [r["id"] for r in (await api.get("cases", unit=BINH_CHANH))[1]["cases"]] == [case]
    page = (await api.get(f"cases/{case}"))[1]
    assert "Phường Bình Đông" in page["place"] and "Xã Bình Chánh" in page["place"]
    assert "An Phú Tây" in page["place"]  # the place as reported
    opening = page["history"][0]  # a whole line, nobody's name (nor "who:") before it
    assert opening["who"] == "" and opening["text"] == "📥 Nhận báo cáo từ người báo cáo"
    assert (await api.post(f"cases/{case}/actions/accept", {}))[0] == 200
    assert (await Api(tg, sign_for(tg, hoa)).get(f"cases/{case}"))[0] == 403


async def test_administrators_see_every_case_and_those_of_no_known_unit(tg):
    lan = await person(tg, "Lan")
    city = await reported_case(tg, lan, CHANH_HUNG)
    rural = await reported_case(tg, lan, BINH_HUNG)
    unknown = await reported_case(tg, lan, "")
    await tg.admin.send("/start")
    api = Api(tg, sign_for(tg, tg.admin))
    session = (await api.get("session"))[1]
    assert session["person"]["scope"] == "tất cả phường, xã"
    groups = [g for g in session["filters"]["unit"] if "options" in g]
    assert [len(g["options"]) for g in groups] == [3, 7]  # the ten units of today's map
    assert session["filters"]["unit"][-1] == {"value": "none", "label": "chưa rõ phường, xã"}
    assert {r["id"] for r in (await api.get("cases"))[1]["cases"]} == {city, rural, unknown}
    assert [r["id"] for r in (await api.get("cases", unit="none"))[1]["cases"]] == [unknown]
    assert [r["id"] for r in (await api.get("cases", unit=BINH_HUNG))[1]["cases"]] == [rural]
    assert (await api.get("cases", unit="99999"))[0] == 400  # not a unit at all
    assert [g["value"] for g in session["groups"]] == ["all", CITY, RURAL]
    assert (await api.get("figures", group=RURAL))[1]["totals"][0]["value"] == 1
    assert (await api.get("figures"))[1]["totals"][0]["value"] == 3
    assert (await api.get("figures", group="XX"))[0] == 400


# -- the list ----------------------------------------------------------------------------------
async def test_list_filters_search_and_clock_colours(tg):
    minh = await staff(tg, "Minh", CITY)
    lan = await person(tg, "Lan")
    urgent = await reported_case(tg, lan, CHANH_HUNG, urgent=True)
    calm = await reported_case(tg, lan, PHU_DINH)
    api = Api(tg, sign_for(tg, minh))
    status, body = await api.get("cases")
    assert status == 200
    rows = {row["id"]: row for row in body["cases"]}
    assert rows[urgent]["clock"]["colour"] == "ok" and rows[urgent]["urgent"]
    assert rows[urgent]["clock"]["text"] == "còn 12 giờ"
    assert rows[calm]["clock"]["kind"] == "plan" and rows[calm]["clock"]["colour"] == "ok"
    assert rows[calm]["place"] == "Phường Phú Định"
    assert [row["id"] for row in body["cases"]][0] == urgent  # urgent first
    code = rows[calm]["code"]
    assert [r["id"] for r in (await api.get("cases", q=code[-4:].lower()))[1]["cases"]] == [calm]
    assert [r["id"] for r in (await api.get("cases", unit=PHU_DINH))[1]["cases"]] == [calm]
    assert (await api.get("cases", mine="1"))[1]["cases"] == []
    await tg.tick(hours=11)  # one hour before the 12-hour assessment
    soon = (await api.get("cases"))[1]["cases"][0]
    assert soon["id"] == urgent and soon["clock"]["colour"] == "soon"
    await tg.tick(hours=2)
    overdue = (await api.get("cases", overdue="1"))[1]["cases"]
    assert [r["id"] for r in overdue] == [urgent] and overdue[0]["clock"]["colour"] == "overdue"
    assert (await api.get("cases", status="nonsense"))[0] == 400
    listing = (await _entries(tg, "case_list"))[-1]
    assert listing.detail["overdue"] is True and listing.detail["shown"] == [rows[urgent]["code"]]
    assert listing.detail["scope"] == CITY


# -- a case and its actions --------------------------------------------------------------------
async def _keys(api, case) -> list[str]:
    return [a["key"] for a in (await api.get(f"cases/{case}"))[1]["actions"]]


async def _act(api, case, key, fields=None):
    status, body = await api.post(f"cases/{case}/actions/{key}", fields or {})
    assert status == 200, (key, status, body)
    return body


async def test_actions_go_through_the_case_service_and_reach_the_chat(tg):
    """Every step of issue 17's case work from the dashboard, through bot/cases/service.py as
    the chat: accept, emergency measures, assessment, verification, plan (goals, action,
    submit), approval by another person with the approving role, note, assign, close, reopen."""
    minh = await staff(tg, "Minh", CITY)
    thu = await staff(tg, "Thu", CHANH_HUNG)
    await staff(tg, "Hoa", BINH_HUNG)  # not offered: the case is not in her scope
    await users.update(tg.db, thu.id, tg.clock.now(), approves_plans=1)
    lan = await person(tg, "Lan")
    case = await reported_case(tg, lan, CHANH_HUNG, urgent=True)
    api = Api(tg, sign_for(tg, minh))
    page = (await api.get(f"cases/{case}"))[1]
    assert page["child"].startswith("Tí") and [a["key"] for a in page["actions"]] == [
        "accept",
        "emergency_applied",
        "emergency_not_needed",
        "note",
        "referral",
        "assign",
        "close",
    ]
    assert (await _entries(tg, "case_view"))[-1].detail["what"] == "webapp"
    body = await _act(api, case, "accept")
    assert body["case"]["status"] == "assessment"
    await tg.settle()
    assert "đã được cán bộ tiếp nhận" in lan.last_text  # the reporter is told (outbox)
    # The same move twice: the case rules say it has moved on.
    assert (await api.post(f"cases/{case}/actions/accept", {}))[0] == 409
    assert (
        await api.post(
            f"cases/{case}/actions/emergency_applied",
            {"measures": "Đưa bé về nhà bà ngoại", "applied_at": "hôm qua nữa"},
        )
    )[0] == 400
    received = tg.clock.now()
    tg.clock.advance(hours=1)
    before = (received - dt.timedelta(minutes=30)).astimezone(HCMC).strftime("%H:%M")
    after = (received + dt.timedelta(minutes=30)).astimezone(HCMC).strftime("%H:%M")
    fields = {"measures": "Đưa bé về nhà bà ngoại", "applied_at": before}
    # Measures answer this report: a time before it arrived is refused as a typo.
    assert (await api.post(f"cases/{case}/actions/emergency_applied", fields))[0] == 400
    await _act(api, case, "emergency_applied", {**fields, "applied_at": after})
    assert "emergency_applied" not in await _keys(api, case)
    assert (await api.post(f"cases/{case}/actions/assess", {"risk": "extreme"}))[0] == 400
    body = await _act(api, case, "assess", {"risk": "high"})
    assert body["case"]["risk"] == "high"
    await _act(api, case, "verified")
    assert await _keys(api, case) == [
        "plan_goals",
        "plan_action",
        "plan_submit",
        "note",
        "referral",
        "assign",
        "close",
    ]
    await _act(api, case, "plan_goals", {"goals": "Bé được an toàn và đi học lại"})
    await _act(api, case, "plan_action", {"what": "Thăm nhà hằng tuần", "who": "Minh", "by": ""})
    body = await _act(api, case, "plan_submit")
    assert body["case"]["plan"]["goals"] == "Bé được an toàn và đi học lại"
    assert "plan_approve" not in await _keys(api, case)  # never by who submitted it
    thu_api = Api(tg, sign_for(tg, thu))
    body = await _act(thu_api, case, "plan_approve")
    assert body["case"]["status"] == "in_progress"
    await _act(api, case, "note", {"text": "Đã gặp bà ngoại <b>"})
    body = await _act(api, case, "assign", {"assignee": str(thu.id)})
    assert body["case"]["assignee"] == "Thu"
    assert body["case"]["notes"][0]["text"] == "Đã gặp bà ngoại <b>"  # plain text, as typed
    assert (await api.post(f"cases/{case}/actions/close", {"outcome": "duplicate"}))[0] == 400
    body = await _act(api, case, "close", {"outcome": "duplicate", "note": "Trùng hồ sơ khác"})
    assert body["case"]["status"] == "closed" and [a["key"] for a in body["case"]["actions"]] == [
        "reopen"
    ]
    body = await _act(api, case, "reopen", {"reason": "Có thông tin mới"})
    assert body["case"]["status"] != "closed"
    await tg.settle()
    assert "phân công phụ trách hồ sơ" in thu.last_text or any(
        "phân công" in (m.content or "") for m in thu.bot_messages
    )
    actions = {e.action for e in await audit.entries(tg.db) if e.entity == "case"}
    assert {
        "case_accept",
        "case_emergency_applied",
        "case_assess",
        "case_plan_submit",
        "case_plan_approve",
        "case_note",
        "case_assign",
        "case_close",
        "case_reopen",
    } <= actions


async def test_figures_are_the_numbers_and_sentences_of_stats(tg):
    minh = await staff(tg, "Minh", CITY)
    lan = await person(tg, "Lan")
    first = await reported_case(tg, lan, CHANH_HUNG, urgent=True)
    await reported_case(tg, lan, PHU_DINH)
    await reported_case(tg, lan, BINH_HUNG)  # another group's: not in Minh's figures
    api = Api(tg, sign_for(tg, minh))
    await tg.tick(hours=2)
    assert (await api.post(f"cases/{first}/actions/accept", {}))[0] == 200
    status, body = await api.get("figures", period="this_month")
    assert status == 200
    today = tg.clock.now().astimezone(tg.settings.timezone).date()
    expected = await figures.collect(
        tg.db, period.this_month(today), CITY, tg.clock.now(), tg.settings.timezone
    )
    totals = {item["label"]: item["value"] for item in body["totals"]}
    assert totals["Số báo cáo nhận được"] == expected.reports.received == 2
    assert totals["Khẩn cấp"] == expected.reports.urgent == 1
    assert body["by_month"]["months"][0]["counts"] == [2]
    assert body["scope"] == AREAS.group_name(CITY, "vi") and body["by_area"] == []
    assert {item["label"] for item in body["by_ward"]} == {"Phường Chánh Hưng", "Phường Phú Định"}
    # The chat's /stats says the same, in the same sentences.
    await minh.send("/stats")
    chat = minh.last_text
    assert "Đã nhận: 2 (khẩn cấp: 1)" in chat and body["scope"] in chat
    assert "Thường tiếp nhận trong 2 giờ (1 hồ sơ)." in body["sentences"]
    for sentence in body["sentences"]:
        assert sentence in chat
    assert (await api.get("figures", period="forever"))[0] == 400


async def test_chat_offers_the_dashboard_to_staff_only(tg):
    minh = await staff(tg, "Minh", CITY)
    await minh.send("/cases")
    assert minh.web_app_url("📋 Mở bảng hồ sơ") == DASHBOARD_URL
    await tg.admin.send("/start")
    await tg.admin.send(f"/promote {minh.id} staff")  # publishes commands and the menu button
    menu = tg.server.chats[minh.id].menu_button
    assert menu["type"] == "web_app" and menu["web_app"]["url"] == DASHBOARD_URL


def test_importing_the_application_does_not_load_the_web_stack():
    import subprocess

    code = (
        "import sys, bot.application, handlers.cases; "
        "print('aiohttp' in sys.modules, 'bot.webapp.server' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


async def test_webhook_mode_serves_telegram_and_the_dashboard_on_one_server(tg):
    """In webhook mode (python -m bot --webhook with WEBAPP_URL), Telegram's updates arrive on
    the dashboard's server: checked against the secret, then handled like any update."""
    import aiohttp

    from bot.webapp.server import WebServer

    minh = await staff(tg, "Minh", CITY)
    server = WebServer(tg.app, "127.0.0.1", 0, webhook_path="telegram", webhook_secret="s3cret")
    port = await server.start()
    try:
        update = tg.server.user_message(minh.user, None, "/cases")
        tg.server.drain_updates()  # delivered by the webhook below, not by the test kit
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/telegram"
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            async with session.post(url, json=update, headers=wrong) as response:
                assert response.status == 403
            right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            async with session.post(url, json=update, headers=right) as response:
                assert response.status == 200
            async with session.get(f"http://127.0.0.1:{port}/app/") as response:
                assert response.status == 200 and "app.js" in await response.text()
                assert "frame-ancestors" in response.headers["Content-Security-Policy"]
        await tg.settle()
        assert f"Hồ sơ — {AREAS.group_name(CITY, 'vi')}" in minh.last_text
    finally:
        await server.stop()


def test_the_page_ships_with_the_project_small_and_without_a_cdn():
    """Everything the page loads is in bot/webapp/static and served by the bot: under 150 KB
    compressed in all, and no address outside it (the SVG namespace is a name, not a fetch)."""
    import gzip
    import re

    from bot.webapp.server import ASSETS, STATIC

    files = sorted(STATIC.iterdir())
    assert {f.name for f in files} == {*ASSETS, "index.html"}
    compressed = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    assert compressed < 150 * 1024
    for path in files:
        text = path.read_text(encoding="utf-8")
        outside = set(re.findall(r"https?://[^\s\"'`)]+", text)) - {"http://www.w3.org/2000/svg"}
        assert not outside, (path.name, outside)


async def test_english_speakers_read_english_from_the_same_catalogues(tg):
    lan = await person(tg, "Lan")
    await reported_case(tg, lan, CHANH_HUNG)
    await tg.admin.send("/start")
    await users.update(tg.db, tg.admin.id, tg.clock.now(), language="en")
    api = Api(tg, sign_for(tg, tg.admin, language="en"))
    session = (await api.get("session"))[1]
    assert session["strings"]["title"] == "Case dashboard" and session["language"] == "en"
    assert session["person"]["scope"] == "all wards and communes"
    assert session["filters"]["unit"][0]["options"][0] == {
        "value": CHANH_HUNG,
        "label": "Chanh Hung Ward",
    }
    assert (await api.get("cases"))[1]["cases"][0]["place"] == "Chanh Hung Ward"
    assert (await api.get("figures"))[1]["scope"] == "the whole programme"
