"""Exploratory findings on the parents'/public and collaborators' journeys, kept as regressions:
people on cheap phones type answers instead of tapping, and write danger words anywhere."""

from __future__ import annotations

from bot.people import typed_role
from bot.reports.intake import parse_yes_no
from storage import users
from tests.reports_support import person


def _has_hotlines(texts: list[str]) -> bool:
    return any("111" in t and "113" in t for t in texts)


async def test_danger_words_at_the_first_onboarding_question_get_the_hotlines(tg):
    lan = tg.user("Lan", language="vi")
    await lan.send("/start")
    await lan.send("bé đang bị đánh")
    texts = [m.content for m in lan.bot_messages[-2:]]
    assert _has_hotlines(texts), texts
    assert "Bạn là ai?" in lan.last_text  # the question is asked again, with its buttons
    assert "👪 Phụ huynh hoặc người dân" in lan.buttons


async def test_role_typed_without_accents_is_taken(tg):
    lan = tg.user("Lan", language="vi")
    await lan.send("/start")
    await lan.send("phu huynh")
    assert "Mọi thứ đã sẵn sàng" in lan.bot_messages[-2].content
    user = await users.get(tg.db, lan.id)
    assert user.onboarded and user.role == "public"
    hoa = tg.user("Hoa", language="vi")
    await hoa.send("/start")
    await hoa.send("Tôi là cộng tác viên")
    assert "Họ tên" in hoa.last_text
    assert typed_role("hello") is None and typed_role("CTV") == "collaborator"


async def test_danger_words_typed_as_a_name_are_not_taken_as_the_name(tg):
    hoa = tg.user("Hoa", language="vi")
    await hoa.send("/start")
    await hoa.press("🤝 Cộng tác viên")
    await hoa.send("muốn tự tử")
    assert _has_hotlines([m.content for m in hoa.bot_messages[-2:]])
    assert "Họ tên" in hoa.last_text
    await hoa.send("Nguyễn Thị Hoa")
    assert "phường, xã nào" in hoa.last_text


async def test_typed_yes_no_at_the_safety_question(tg):
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("/report")
    await lan.send("khong")
    assert "Trẻ đang ở đâu" in lan.last_text
    hoa = await person(tg, "Hoa", role="public", district=None, ward=None)
    await hoa.send("/report")
    await hoa.send("có")  # understood as the tap: the hotlines at once, marked urgent
    assert any(_has_hotlines([m.content]) for m in hoa.bot_messages[-3:])
    assert "Trẻ đang ở đâu" in hoa.last_text
    for typed in ("co", "dạ có", "ừ", "Có ạ"):
        assert parse_yes_no(typed) is True, typed
    assert parse_yes_no("Ko.") is False and parse_yes_no("dạ có") is True
    assert parse_yes_no("quận 8") is None


async def test_danger_words_at_the_safety_question_get_the_hotlines(tg):
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("/report")
    await lan.send("muốn tự tử")  # the danger itself typed: the emergency path at once
    assert any(_has_hotlines([m.content]) for m in lan.bot_messages[-3:])
    assert "khẩn cấp" in lan.bot_messages[-2].content
    assert "Trẻ đang ở đâu" in lan.last_text


async def test_danger_words_at_a_button_step_of_the_report_get_the_hotlines(tg):
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.send("bé đang bị đánh")  # where a district is due
    texts = [m.content for m in lan.bot_messages[-3:]]
    assert _has_hotlines(texts), texts
    assert "Trẻ đang ở đâu" in lan.last_text  # then the same question again
    await lan.press("Phường Chánh Hưng")
    await lan.press("Bỏ qua")  # place
    await lan.press("Bỏ qua")  # location
    await lan.press("Bỏ qua")  # name
    await lan.send("bị đánh")  # where an age is due
    assert _has_hotlines([m.content for m in lan.bot_messages[-3:]])
    assert "Trẻ bao nhiêu tuổi" in lan.last_text  # the age question again, not an age error


async def test_district_and_ward_typed_without_accents(tg):
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.send("quan 8")  # an old district: the units it went to
    assert lan.last_text == "Bạn muốn nói nơi nào?"
    assert "Phường Chánh Hưng" in lan.buttons and "Xã Tân Nhựt" in lan.buttons
    await lan.send("phuong 50")  # no such ward: the hint, still on the step
    assert "phường, xã" in lan.last_text and "nút" in lan.last_text
    await lan.send("p.4")
    assert "Phường 4, Quận 8 nay thuộc Phường Chánh Hưng" in lan.bot_messages[-2].content
    assert "Khu phố/ấp" in lan.last_text
