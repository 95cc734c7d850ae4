"""The dashboard in a real browser (issue 20): headless Chromium (Debian's package) driven by
Playwright, as a staff member: open, filter, search, open a case, act on it, and see the chat
side reflect it; Telegram's bridge (ready, back button, theme); offline from the last load;
and refusal of missing, forged and expired sign-ins and of a case outside the person's scope
(bot/scope.py: today's wards and communes).

Skipped only where Chromium or Playwright is genuinely not installed; CI installs both and
fails rather than skips. DASHBOARD_SCREENSHOTS=DIR saves the README's screenshots.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
import pytest_asyncio

from storage import audit
from tests.conftest import running_harness
from tests.reports_support import case_id, file_report, person
from tests.webapp_support import (
    AREAS,
    BINH_DONG,
    BINH_HUNG,
    CHANH_HUNG,
    CITY,
    PHU_DINH,
    base_url,
    reported_case,
    sign_for,
    staff,
    webapp_settings,
)

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = os.environ.get("DASHBOARD_SCREENSHOTS")
# Telegram passes this bridge to the page in its apps; here it records what the page says.
BRIDGE = """
window.__events = [];
window.TelegramWebviewProxy = {postEvent: (type, data) => window.__events.push([type, JSON.parse(data)])};
"""

try:
    from playwright.async_api import async_playwright, expect
except ImportError:  # pragma: no cover - CI installs it
    async_playwright = None

if async_playwright is None or shutil.which(CHROMIUM) is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install chromium and playwright for the browser tests")
    pytest.skip("needs Debian's chromium and the playwright package", allow_module_level=True)


# One Chromium for the module (starting it is the slow part), so the tests and the bot run on
# the module's event loop; each test still has its own bot, database and browser context.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def settings(tmp_path):
    return webapp_settings(tmp_path)


@pytest_asyncio.fixture(loop_scope="module")
async def tg(settings, clock):
    async for harness in running_harness(settings, clock):
        yield harness


# The clock-shifted CI pass moves the real clock with libfaketime (LD_PRELOAD), which is for our
# code; Playwright's driver and Chromium do not run under it (they stall), so they start
# without it. The bot's own clock is the injected fake one either way.
FAKE_CLOCK_VARIABLES = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser():
    saved = {name: os.environ.pop(name) for name in FAKE_CLOCK_VARIABLES if name in os.environ}
    try:
        driver_context = async_playwright()
        driver = await driver_context.__aenter__()
    finally:
        os.environ.update(saved)
    try:
        launched = await driver.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu"],
            env={k: v for k, v in os.environ.items() if k not in FAKE_CLOCK_VARIABLES},
        )
        try:
            yield launched
        finally:
            await launched.close()
    finally:
        await driver_context.__aexit__(None, None, None)


def address(tg, init_data: str, theme: dict | None = None) -> str:
    url = base_url(tg) + "#tgWebAppData=" + quote(init_data, safe="") + "&tgWebAppVersion=8.0"
    if theme:
        url += "&tgWebAppThemeParams=" + quote(json.dumps(theme), safe="")
    return url


async def _phone(browser):
    context = await browser.new_context(
        viewport={"width": 390, "height": 800}, device_scale_factor=2 if SCREENSHOTS else 1
    )
    await context.add_init_script(BRIDGE)
    page = await context.new_page()
    # Anything the page's Content-Security-Policy blocked, or a script error, fails the test.
    page.problems = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Failed to load resource" not in message.text
            and page.problems.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return context, page


async def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=False)


async def test_staff_member_filters_opens_and_acts_and_the_chat_follows(tg, browser):
    minh = await staff(tg, "Minh", CITY)  # the three wards of the city's programme area
    lan = await person(tg, "Lan")  # a collaborator of Phường Chánh Hưng
    urgent_code = await file_report(tg, lan, urgent=True)  # alerts Minh, as in real life
    urgent_id = await case_id(tg, urgent_code)
    calm_id = await reported_case(tg, lan, PHU_DINH)
    await reported_case(tg, lan, BINH_DONG)
    await reported_case(tg, lan, BINH_HUNG)  # a commune outside Minh's scope
    codes = dict(await tg.db.fetchall("SELECT id, code FROM cases"))
    await tg.tick(hours=11)  # the urgent case's 12-hour clock is about to run out
    context, page = await _phone(browser)
    await page.goto(address(tg, sign_for(tg, minh), theme={"bg_color": "#fffaf0"}))

    # Open: the area's open cases, overdue and urgent first, with their clocks.
    rows = page.locator("button.case")
    await rows.first.wait_for()
    assert await rows.count() == 3  # Xã Bình Hưng's case is not Minh's to see
    assert await rows.first.get_attribute("data-code") == codes[urgent_id]
    assert "soon" in await rows.first.get_attribute("class")
    assert await page.locator("#title").inner_text() == "Bảng hồ sơ — " + AREAS.group_name(
        CITY, "vi"
    )
    # The unit filter: Minh's wards by today's names, under their programme area.
    assert await page.locator("select[name=unit] optgroup option").all_inner_texts() == [
        "Phường Chánh Hưng",
        "Phường Phú Định",
        "Phường Bình Đông",
    ]
    assert (
        await page.evaluate("getComputedStyle(document.body).backgroundColor")
        == "rgb(255, 250, 240)"
    )  # Telegram's theme colour
    assert ["web_app_ready", {}] in await page.evaluate("window.__events")
    await _shot(page, "dashboard-cases.png")

    # Filter by ward, then search by code.
    await page.select_option("select[name=unit]", PHU_DINH)
    await expect(rows).to_have_count(1)
    assert await rows.first.get_attribute("data-code") == codes[calm_id]
    await page.select_option("select[name=unit]", "")
    await page.fill("input[name=q]", codes[urgent_id][-4:])
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-code", codes[urgent_id])

    # Open the case: its details, clocks and the chat's actions; Telegram's back button shows.
    await rows.first.click()
    article = page.locator("article.casepage")
    await article.wait_for()
    assert await article.get_attribute("data-code") == codes[urgent_id]
    assert "Tiếp nhận" in await page.locator("h2.code").inner_text()
    assert "Bé Na" in await article.inner_text()
    assert ["web_app_setup_back_button", {"is_visible": True}] in await page.evaluate(
        "window.__events"
    )

    # Act: accept, then a note through its form.
    await page.click("button[data-action=accept]")
    await expect(page.locator("h2.code")).to_contain_text("Đánh giá ban đầu")
    assert (
        await page.locator("#notice").inner_text() == "Đã tiếp nhận: hồ sơ được giao cho anh/chị."
    )
    await page.click("button[data-action=note]")
    await page.fill("form[data-action=note] textarea", "Đã gọi cho tổ trưởng khu phố <i>")
    await page.click("form[data-action=note] button[type=submit]")
    await expect(article).to_contain_text("tổ trưởng khu phố <i>")
    await page.click("button[data-action=assess]")
    await page.select_option("form[data-action=assess] select", "high")
    await _shot(page, "dashboard-case.png")
    await page.click("form[data-action=assess] button[type=submit]")
    await expect(page.locator("h2.code")).to_contain_text("Xác minh")

    # The chat side: the reporter is told, the staff alert shows who took the case, and the
    # chat's own case view shows the note written in the browser.
    assert "đã được cán bộ tiếp nhận" in lan.last_text
    alert = next(
        m
        for m in minh.bot_messages
        if codes[urgent_id] in (m.content or "") and "Báo cáo mới" in (m.content or "")
    )
    assert "✅ Đã nhận · phụ trách: Minh" in alert.content
    await minh.send("/cases")
    await minh.press(next(label for label in minh.buttons if codes[urgent_id] in label))
    assert "Xác minh, đánh giá nhu cầu" in minh.last_text and "🔴 cao" in minh.last_text
    await minh.press("🕓 Quá trình")
    assert "Đã gọi cho tổ trưởng khu phố &lt;i&gt;" in minh.last.raw_text

    # Telegram's back button returns to the list, which keeps its filters.
    await page.evaluate("Telegram.WebView.receiveEvent('back_button_pressed')")
    await rows.first.wait_for()
    assert await page.input_value("input[name=q]") == codes[urgent_id][-4:]

    # The area's figures: the numbers of /stats, with the monthly chart.
    await page.click("button[data-tab=figures]")
    totals = page.locator(".total")
    await expect(totals.first).to_contain_text("Số báo cáo nhận được")
    assert await totals.first.locator("b").inner_text() == "3"  # the three wards' reports
    assert await page.locator("svg.chart rect").count() == 1  # one month, one programme area
    await expect(page.locator("ul.sentences")).to_contain_text("Thường tiếp nhận trong")
    await _shot(page, "dashboard-figures.png")
    widths = await page.evaluate(
        "[...document.querySelectorAll('.bars .fill')].map(bar => bar.style.width)"
    )
    assert widths and all(width.endswith("%") for width in widths)
    assert page.problems == []
    await context.close()


async def test_offline_the_last_list_is_shown_and_case_details_are_not_kept(tg, browser):
    minh = await staff(tg, "Minh", CITY)
    lan = await person(tg, "Lan")
    await reported_case(tg, lan, CHANH_HUNG)
    context, page = await _phone(browser)
    await page.goto(address(tg, sign_for(tg, minh)))
    await page.locator("button.case").first.wait_for()
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await context.set_offline(True)
    await page.reload()  # the shell from the service worker, the list from the last load
    await page.locator("button.case").first.wait_for()
    assert (await page.locator("#notice").inner_text()).startswith("Đang ngoại tuyến")
    await page.locator("button.case").first.click()
    await expect(page.locator("#notice")).to_contain_text("không bao giờ được lưu")
    stored = await page.evaluate("JSON.stringify(localStorage)")
    assert "Tí" not in stored and "Bé" not in stored  # no child's name on the phone
    await context.close()


async def test_refusals_missing_forged_expired_and_out_of_scope(tg, browser):
    minh = await staff(tg, "Minh", CITY)
    hoa = await staff(tg, "Hoa", BINH_HUNG)
    lan = await person(tg, "Lan")
    case = await reported_case(tg, lan, CHANH_HUNG)
    context, page = await _phone(browser)
    signed_in = []  # what the server answered the page's sign-in, load by load
    page.on(
        "response",
        lambda response: (
            response.url.endswith("/api/session") and signed_in.append(response.status)
        ),
    )
    refusals = {
        "missing": base_url(tg),
        "forged": address(tg, sign_for(tg, minh, token="1:FORGED")),
        "expired": address(tg, sign_for(tg, minh, age=dt.timedelta(days=2))),
    }
    for name, url in refusals.items():
        # A fresh load each time (only the address's #fragment differs between them), and no
        # sign-in kept from the load before.
        await page.goto("about:blank")
        await page.goto(url)
        await page.evaluate("sessionStorage.clear()")
        await expect(page.locator("main")).to_contain_text("mở bảng hồ sơ từ bot")
        assert await page.locator("button.case").count() == 0, name
        assert await page.locator("#tabs").is_hidden(), name
    assert signed_in == [401, 401, 401]
    # Hoa (Xã Bình Hưng) signs in properly but cannot reach a case of Phường Chánh Hưng, by
    # any way: not in her list, not by its address, not by an action, not by the unit filter.
    await page.goto("about:blank")
    await page.goto(address(tg, sign_for(tg, hoa)))
    await page.locator("#tabs").wait_for()
    await expect(page.locator("#view")).to_contain_text("Không có hồ sơ nào")
    assert await page.locator("button.case").count() == 0
    assert await page.locator("select[name=unit] option").all_inner_texts() == [
        "Tất cả phường, xã",
        "Xã Bình Hưng",
    ]
    statuses = await page.evaluate(
        """async ([id, auth, unit]) => {
        const headers = {Authorization: 'tma ' + auth, 'Content-Type': 'application/json'};
        const view = await fetch('api/cases/' + id, {headers});
        const act = await fetch('api/cases/' + id + '/actions/accept', {method: 'POST', headers, body: '{}'});
        const list = await fetch('api/cases?unit=' + unit, {headers});
        return [view.status, act.status, list.status];
    }""",
        [case, sign_for(tg, hoa), CHANH_HUNG],
    )
    assert statuses == [403, 403, 403]
    assert await tg.db.fetchvalue("SELECT status FROM cases WHERE id = ?", (case,)) == "received"
    refused = [e for e in await audit.entries(tg.db) if e.action == "webapp_denied"]
    assert [(e.actor_id, e.entity_id) for e in refused] == [(hoa.id, str(case))] * 2 + [
        (hoa.id, None)
    ]
    await context.close()
