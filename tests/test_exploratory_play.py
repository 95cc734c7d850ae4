"""What playing the sandbox as staff found (2 December 2026), replayed as users through the
testkit on a fake clock set to that day."""

import datetime as dt

import pytest

from bot.clock import FakeClock
from tests.reports_support import person, quick_case
from tests.test_casework import _to_planning

# A December day: June of this year has passed.
TODAY = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TODAY)


async def test_the_plan_deadline_example_is_a_date_the_bot_accepts_today(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    await _to_planning(tg, minh, case)
    await minh.send("/case te 2026 1")
    await minh.press("📋 Kế hoạch hỗ trợ")
    await minh.press("➕ Hoạt động")
    await minh.send("Thăm gia đình mỗi tuần")
    await minh.send("Cô Minh, cán bộ phường")
    prompt = minh.last_text
    assert "Hạn khi nào?" in prompt
    assert "15/06/2026" not in prompt  # a date already past, which the bot then refuses
    example = prompt.split("ví dụ ")[1].split(")")[0]
    await minh.send(example)  # typing exactly the example works
    assert "1. Thăm gia đình mỗi tuần — Cô Minh, cán bộ phường, hạn" in minh.last_text
    assert "từ hôm nay trở đi" not in minh.last_text
