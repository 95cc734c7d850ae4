"""Print requests: asking, every transition with its notification, permissions, validation."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.crypto import cipher_for
from bot.materials import printing
from storage import audit, materials, print_requests, users

TODAY = dt.date(2021, 5, 25)


async def person(tg, name, role="public", district=None, ward=None):
    someone = tg.user(name)
    await someone.send("/start")
    await users.update(
        tg.db,
        someone.id,
        tg.clock.now(),
        role=role,
        status="active",
        district=district,
        ward=ward,
        onboarded=1,
        scope=(district if role == "staff" else None),
    )
    await someone.send("/menu")
    return someone


async def open_hotline(user):
    await user.send("/materials tổng đài 111")
    await user.press("📄 Tổng đài 111: gọi miễn phí, 24/7")


async def ask_for_copies(tg, requester, quantity="200", ward="Phường Chánh Hưng"):
    await open_hotline(requester)
    await requester.press("🖨 Yêu cầu in tài liệu")
    assert "Bạn cần bao nhiêu bản?" in requester.last_text
    await requester.send(quantity)
    await requester.press(ward)
    await requester.send("UBND Phường 5, 3 Âu Dương Lân")
    await requester.send("15/06")
    assert "Bạn kiểm tra lại yêu cầu" in requester.last_text
    await requester.press("✅ Gửi yêu cầu")
    return (await print_requests.of_requester(tg.db, requester.id))[0]


async def test_request_goes_through_every_step_and_the_requester_hears_each(tg):
    hoa = await person(tg, "Hoa", "staff", "Q8", "27418")
    lan = await person(tg, "Lan", "collaborator", "Q8", "27418")
    request = await ask_for_copies(tg, lan)
    assert (request.quantity, request.ward, request.status) == (200, "27418", "requested")
    assert request.wanted_by == dt.date(2021, 6, 15)
    assert f"Đã gửi yêu cầu #{request.id}" in lan.last_text
    # District staff are told, with the buttons of the next step.
    assert "Có yêu cầu in tài liệu mới" in hoa.last_text
    assert "200 bản · Phường Chánh Hưng" in hoa.last_text
    assert hoa.buttons == ["✅ Duyệt", "❌ Từ chối"]

    await hoa.press_data(f"prq:mv:{request.id}:approved")
    assert f"Yêu cầu #{request.id} in 200 bản" in lan.last_text and "đã được duyệt" in lan.last_text
    assert "đã duyệt" in hoa.last_text and "🖨 Đã in xong" in hoa.buttons

    await hoa.press("🖨 Đã in xong")
    assert "đã in xong và sẽ được giao đến: UBND Phường 5, 3 Âu Dương Lân" in lan.last_text
    await hoa.press("📦 Đã giao")
    assert "đã được giao" in lan.last_text
    final = await print_requests.get(tg.db, request.id)
    assert final.status == "delivered" and final.handled_by == hoa.id
    queue_message = next(m for m in hoa.bot_messages if f"#{request.id}" in (m.text or ""))
    assert "📦 đã giao" in queue_message.text and not queue_message.inline_keyboard
    actions = [e.action for e in await audit.entries(tg.db, "print_request", request.id)]
    assert actions == ["print_request", "print_approved", "print_printed", "print_delivered"]

    await lan.send("/myrequests")
    assert f"#{request.id}" in lan.last_text and "📦 đã giao" in lan.last_text


async def test_rejection_needs_a_reason_that_the_requester_reads(tg):
    hoa = await person(tg, "Hoa", "staff", "Q8", "27418")
    lan = await person(tg, "Lan", "collaborator", "Q8", "27418")
    request = await ask_for_copies(tg, lan, quantity="1.000")
    assert request.quantity == 1000
    await hoa.send("/printqueue")
    assert f"#{request.id}" in hoa.last_text
    await hoa.press("❌ Từ chối")
    assert "Vì sao yêu cầu" in hoa.last_text
    await hoa.send("ok")
    assert "từ 3 đến 300 ký tự" in hoa.last_text
    await hoa.send("Hết kinh phí in quý 2, xin đăng ký lại vào quý 3.")
    assert "không được duyệt" in hoa.last_text
    assert "không được duyệt" in lan.last_text
    assert "Lý do: Hết kinh phí in quý 2, xin đăng ký lại vào quý 3." in lan.last_text
    rejected = await print_requests.get(tg.db, request.id)
    assert rejected.status == "rejected" and rejected.reason.startswith("Hết kinh phí")
    # A rejected request cannot be approved afterwards.
    answer = await hoa.press_data(f"prq:mv:{request.id}:approved")
    assert answer["show_alert"]
    assert (await print_requests.get(tg.db, request.id)).status == "rejected"


async def test_staff_of_another_district_and_the_requester_cannot_move_it(tg):
    await person(tg, "Hoa", "staff", "Q8", "27418")
    other = await person(tg, "Tuấn", "staff", "BC", "27595")
    lan = await person(tg, "Lan", "collaborator", "Q8", "27418")
    request = await ask_for_copies(tg, lan)
    for actor in (other, lan):
        answer = await actor.press_data(f"prq:mv:{request.id}:approved")
        assert answer["show_alert"] and "Chỉ cán bộ" in answer["text"]
        answer = await actor.press_data(f"prq:rej:{request.id}")
        assert answer["show_alert"]
    await other.send("/printqueue")
    assert "Không có yêu cầu in nào" in other.last_text
    assert (await print_requests.get(tg.db, request.id)).status == "requested"
    # Skipping a step is refused too.
    with pytest.raises(printing.NotApplicable):
        admin = await users.get(tg.db, tg.admin.id)
        await printing.advance(tg.db, admin, request.id, "delivered", tg.clock.now())


async def test_parents_cannot_ask_for_copies(tg):
    lan = await person(tg, "Lan")
    await open_hotline(lan)
    assert "🖨 Yêu cầu in tài liệu" not in lan.buttons
    hotline = next(m for m in await materials.listing(tg.db) if m.slug == "hotline-111")
    answer = await lan.press_data(f"prq:new:{hotline.id}")
    assert answer["show_alert"] and "Chỉ cộng tác viên và cán bộ" in answer["text"]
    assert await print_requests.of_requester(tg.db, lan.id) == []


async def test_bad_answers_keep_the_step(tg):
    await person(tg, "Hoa", "staff", "Q8", "27418")
    lan = await person(tg, "Lan", "collaborator", "Q8", "27418")
    await open_hotline(lan)
    await lan.press("🖨 Yêu cầu in tài liệu")
    for bad in ("0", "1001", "nhiều lắm", "-5"):
        await lan.send(bad)
        assert "từ 1 đến 1.000" in lan.last_text
    await lan.send_sticker()
    assert "từ 1 đến 1.000" in lan.last_text
    await lan.send("50 bản")
    assert "Cho phường/xã nào?" in lan.last_text
    assert lan.buttons[0] == "Phường Chánh Hưng"  # their own ward first
    assert "Xã Tân Nhựt" not in lan.buttons  # only their programme area
    answer = await lan.press_data("prq:ward:27595")  # forged: a commune of the other area
    assert answer == {
        "text": "Nút này đã hết hiệu lực. Bạn vui lòng dùng /menu.",
        "show_alert": True,
    }
    assert "Cho phường/xã nào?" in lan.last_text  # still at the step
    await lan.press("Phường Phú Định")
    await lan.send("ab")
    assert "từ 5 đến 200 ký tự" in lan.last_text
    await lan.send("Trường tiểu học Phường 8")
    await lan.send("20/05/2021")
    assert "Ngày này đã qua" in lan.last_text
    await lan.send("giữa tháng")
    assert "ngày/tháng" in lan.last_text
    await lan.press("Trong 14 ngày")
    assert "Bạn kiểm tra lại yêu cầu" in lan.last_text
    await lan.press("✖️ Hủy")
    assert await print_requests.of_requester(tg.db, lan.id) == []


def test_quantity_and_date_rules():
    assert printing.parse_quantity("200") == 200
    assert printing.parse_quantity(" 1.000 ") == 1000
    assert printing.parse_quantity("1,000 copies") == 1000
    assert printing.parse_quantity("50 tờ") == 50
    for bad in ("0", "1001", "2.000", "", "abc", "1.5", "12,34"):
        assert printing.parse_quantity(bad) is None, bad
    assert printing.parse_wanted_by("15/6", TODAY) == dt.date(2021, 6, 15)
    assert printing.parse_wanted_by("15-06-21", TODAY) == dt.date(2021, 6, 15)
    # Day and month without a year that already passed this year mean next year.
    assert printing.parse_wanted_by("1/3", TODAY) == dt.date(2022, 3, 1)
    # The bot's one date parser: words people type work here too.
    assert printing.parse_wanted_by("ngày mai", TODAY) == dt.date(2021, 5, 26)
    for text, reason in (
        ("25/05/2021", "past"),
        ("20/5", "past"),  # a few days ago: refused as past, never May next year
        ("1/1/2023", "far"),
        ("31/2", "format"),
        ("tomorrow", "format"),
    ):
        with pytest.raises(printing.DateError) as error:
            printing.parse_wanted_by(text, TODAY)
        assert str(error.value) == reason


async def test_staff_see_who_asked_and_every_copy_follows_the_request(tg):
    hoa = await person(tg, "Hoa", "staff", "Q8", "Q8-P05")
    minh = await person(tg, "Minh", "staff", "Q8", "Q8-P01")
    lan = await person(tg, "Lan", "collaborator", "Q8", "Q8-P05")
    await users.set_phone(tg.db, cipher_for(tg.app.services), lan.id, "0909123456", tg.clock.now())
    request = await ask_for_copies(tg, lan)
    alert = hoa.last  # the first alert Hoa got, with its buttons
    assert "Người yêu cầu: Lan · ☎️ 0909123456" in alert.text
    assert f'href="tg://user?id={lan.id}"' in alert.raw_text
    await hoa.send("/printqueue")
    listed = hoa.last
    assert "Người yêu cầu: Lan" in listed.text and listed.buttons == ["✅ Duyệt", "❌ Từ chối"]
    # Minh approves from his own alert: Hoa's alert and her queue copy are brought up to date.
    await minh.press("✅ Duyệt")
    for copy in (hoa.chat.messages[alert.message_id], hoa.chat.messages[listed.message_id]):
        assert "đã duyệt" in copy.text and "✅ Duyệt" not in copy.buttons
        assert "🖨 Đã in xong" in copy.buttons
    await minh.press("❌ Từ chối")
    await minh.send("Đã có đủ tờ rơi từ đợt trước.")
    for copy in (hoa.chat.messages[alert.message_id], hoa.chat.messages[listed.message_id]):
        assert "không được duyệt" in copy.text and not copy.inline_keyboard
    assert (await print_requests.get(tg.db, request.id)).status == "rejected"
