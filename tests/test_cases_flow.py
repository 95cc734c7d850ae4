"""Staff side of reports: alerts, the Decree 56 lifecycle with buttons, notes, referrals,
assignment, permissions on every button, the staff group, /cases and the audit trail."""

from storage import audit
from tests.reports_support import DESCRIPTION, case_id, file_report, person, quick_case


async def test_every_lifecycle_step_with_notes_referral_and_assignment(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    thu = await person(tg, "Thu", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan, urgent=True)
    assert "Báo cáo mới " + code in minh.last_text and minh.last.protect_content
    await minh.press("📄 Chi tiết")
    detail = minh.last_text
    assert DESCRIPTION in detail and "Bé Na" in detail and "Tiếp nhận" in detail
    assert "can thiệp khẩn cấp (12 giờ): hạn 25/05/2021 21:00" in detail
    await minh.press("✅ Tiếp nhận")
    assert "Đánh giá ban đầu" in minh.last_text and "Người phụ trách: Minh" in minh.last_text
    assert "đã được cán bộ tiếp nhận" in lan.last_text
    assert DESCRIPTION not in lan.last_text  # status only for the reporter
    await minh.press("🔴 Nguy cơ: cao")
    assert "Xác minh, đánh giá nhu cầu" in minh.last_text and "🔴 cao" in minh.last_text
    # A risk level is not an emergency intervention: the 12-hour clock still runs.
    assert "can thiệp khẩn cấp (12 giờ): hạn" in minh.last_text
    await minh.press("✋ Không cần")
    await minh.send("Trẻ đã được bà ngoại đón về, an toàn")
    await minh.press("📄 Mở hồ sơ")
    assert "can thiệp khẩn cấp (12 giờ): đã xong" in minh.last_text
    await minh.press("📝 Thêm ghi chú")
    await minh.send_sticker()
    assert "gõ nội dung" in minh.last_text
    await minh.send("Đã đến nhà, gặp bà ngoại; trẻ đang ở nhà bà.")
    assert "Đã lưu vào hồ sơ " + code in minh.last_text
    # The prompt's Cancel went away with the saved note.
    assert not [m for m in minh.bot_messages if "✖️ Hủy" in m.buttons]
    await minh.press("📄 Mở hồ sơ")
    await minh.press("✅ Đã xác minh → lập kế hoạch")
    assert "Kế hoạch hỗ trợ, can thiệp" in minh.last_text
    await minh.press("🔗 Chuyển gửi")
    await minh.send("Trung tâm Công tác xã hội TP.HCM: tư vấn tâm lý cho trẻ")
    await minh.press("📄 Mở hồ sơ")
    await minh.press("👤 Phân công")
    await minh.press("Thu")
    assert "Người phụ trách: Thu" in minh.last_text
    assert "phân công phụ trách hồ sơ " + code in thu.last_text
    await minh.press("🕓 Quá trình")
    history = minh.last_text
    for expected in (
        "Đã đến nhà",
        "chuyển gửi: Trung tâm Công tác xã hội",
        "giao cho Thu",
        "nguy cơ cao",
        "không cần biện pháp khẩn cấp: Trẻ đã được bà ngoại",
    ):
        assert expected in history, expected

    actions = [(e.action, e.actor_id) for e in await audit.entries(tg.db, "case")]
    names = [a for a, _ in actions]
    for expected in (
        "case_create",
        "case_view",
        "case_accept",
        "case_assess",
        "case_note",
        "case_emergency_not_needed",
        "case_verified",
        "case_referral",
        "case_assign",
    ):
        assert expected in names, expected
    assert all(
        actor == minh.id for action, actor in actions if action not in ("case_create", "case_list")
    )
    entries = await audit.entries(tg.db, "case")
    assert all(e.created_at is not None for e in entries)
    assert not any(DESCRIPTION in str(e.detail) or "Bé Na" in str(e.detail) for e in entries)


async def test_close_as_referred_names_the_service_in_its_note(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    second = await quick_case(tg, lan)
    from bot.cases.service import CaseService
    from storage import users

    actor = await users.get(tg.db, minh.id)
    admin = await users.get(tg.db, tg.admin.id)
    service = CaseService.of(tg.app.services)
    await service.accept(actor, second, tg.clock.now())
    await service.assess(actor, second, "low", tg.clock.now())
    await service.verified(actor, second, tg.clock.now())
    await service.set_goals(actor, second, "An toàn", tg.clock.now())
    await service.add_action(actor, second, "Khám sức khỏe", "Bệnh viện", None, tg.clock.now())
    await service.submit_plan(actor, second, tg.clock.now())
    await service.decide_plan(admin, second, True, None, tg.clock.now())
    await tg.settle()  # the notices of these changes are sent by the outbox first
    await minh.send("/cases")
    await minh.press(next(b for b in minh.buttons if "Thực hiện kế hoạch" in b))
    await minh.press("🏁 Đóng hồ sơ…")
    await minh.press("Chuyển gửi dịch vụ")
    await minh.send("Bệnh viện Nhi Đồng 1")
    await minh.press("✅ Đồng ý đóng")
    assert "Đã đóng — Chuyển gửi dịch vụ" in minh.last_text
    row = await tg.db.fetchone("SELECT status, outcome FROM cases WHERE id = ?", (second,))
    assert tuple(row) == ("closed", "referred")
    referral = await tg.db.fetchvalue("SELECT count(*) FROM case_notes WHERE kind = 'referral'")
    assert referral == 1


async def test_forged_and_stale_buttons_of_another_district_change_nothing(tg):
    await person(tg, "Minh", role="staff", ward=None)
    outsider = await person(tg, "Bình", role="staff", district="BC", ward=None)
    collaborator = await person(tg, "Lan")
    case = await quick_case(tg, collaborator)
    await outsider.send("/cases")
    assert "không có hồ sơ nào" in outsider.last_text  # another district's case is not listed
    for data in (
        f"cas:v:{case}",
        f"cas:acc:{case}",
        f"cas:rsk:{case}:low",
        f"cas:clsok:{case}:duplicate",
        f"cas:asg:{case}",
        f"cas:to:{case}:{outsider.id}",
        f"cas:hist:{case}",
        f"cas:ph:{case}",
    ):
        answer = await outsider.press_data(data)
        assert answer["show_alert"] and "chỉ cán bộ phụ trách hồ sơ" in answer["text"], data
    answer = await outsider.press_data(f"cin:note:{case}")
    assert answer["show_alert"]
    await outsider.send("Ghi chú giả mạo")  # not taken as a note
    await collaborator.send("/myreports")
    answer = await collaborator.press_data(f"cas:v:{case}")
    assert answer["show_alert"]
    for forged in ("cas:v:abc", "cas:zz:1", "cas:v:99999", "x" * 70):
        answer = await outsider.press_data(forged)
        assert answer["show_alert"], forged
    row = await tg.db.fetchone("SELECT status, risk, assignee_id, outcome FROM cases")
    assert tuple(row) == ("received", None, None, None)
    assert await tg.db.fetchvalue("SELECT count(*) FROM case_notes") == 0
    views = [e for e in await audit.entries(tg.db, "case") if e.action == "case_view"]
    assert views == []


async def test_a_stale_accept_after_a_colleague_answers_politely(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    thu = await person(tg, "Thu", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan)
    await minh.press("✅ Tiếp nhận")
    assert "Đã nhận · phụ trách: Minh" in minh.last_text
    # Thu's copy caught up; an Accept pressed on it before it did is answered politely.
    assert "Đã nhận · phụ trách: Minh" in thu.last_text and thu.buttons == ["📄 Chi tiết"]
    answer = await thu.press_data(f"cas:acc:{await case_id(tg, code)}")
    assert answer["show_alert"] and "Minh đang phụ trách" in answer["text"]
    assert await tg.db.fetchvalue("SELECT assignee_id FROM cases") == minh.id
    accepted = [e for e in await audit.entries(tg.db, "case") if e.action == "case_accept"]
    assert len(accepted) == 1


async def test_staff_group_binding_and_alerts(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    stranger = await person(tg, "Người lạ", role="public", district=None, ward=None)
    group = tg.group("Cán bộ Q8", members=[tg.admin, minh, stranger])
    await group.send(minh, "/bind Q8")
    assert "quản trị viên" in group.last_text
    await group.send(tg.admin, "/bind XX")
    assert "Q8, BC" in group.last_text
    await group.send(tg.admin, "/bind q8")
    assert "Khu vực Quận 8 cũ" in group.last_text
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan, urgent=True)
    alert = group.last
    assert code in alert.content and alert.protect_content
    assert "Bé Na" not in alert.content and DESCRIPTION not in alert.content
    assert not any(code in (m.content or "") for m in minh.bot_messages)  # group, not private
    answer = await group.press(stranger, "📄 Chi tiết")
    assert answer["show_alert"] and "chỉ cán bộ" in answer["text"]
    await group.press(minh, "📄 Chi tiết")
    assert DESCRIPTION in minh.last_text and minh.last.protect_content
    assert DESCRIPTION not in group.last_text
    await group.press(minh, "✅ Tiếp nhận")
    assert "Đã nhận · phụ trách: Minh" in group.last_text and group.buttons == ["📄 Chi tiết"]
    binds = [e for e in await audit.entries(tg.db, "chat") if e.action == "group_bind"]
    assert binds and binds[0].actor_id == tg.admin.id and binds[0].detail == {"target": "Q8"}
    await tg.admin.send("/unbind")  # in a private chat: where to send it, not "not understood"
    assert "trong nhóm cán bộ" in tg.admin.last_text
    await group.send(tg.admin, "/unbind")
    await file_report(tg, lan)
    assert "Báo cáo mới" in minh.last_text  # privately again


async def test_cases_list_overdue_first_with_filters_and_pages(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    old_urgent = await quick_case(tg, lan, urgent=True)
    tg.clock.advance(hours=13)  # its 12-hour clock has passed
    for index in range(7):
        await quick_case(tg, lan, ward="27424" if index % 2 else "27418")
    other = await person(tg, "Bình", role="collaborator", district="BC", ward="27595")
    await quick_case(tg, other, ward="27595")
    await minh.send("/cases")
    assert minh.last.protect_content
    case_buttons = [b for b in minh.buttons if "TE-2021-" in b]
    assert len(case_buttons) == 6 and case_buttons[0].startswith("⏰🚨TE-2021-0001")
    assert not any("Xã Tân Nhựt" in b for b in minh.buttons)  # not in Minh's scope
    await minh.press("Sau ›")
    page_two = [b for b in minh.buttons if "TE-2021-" in b]
    assert len(page_two) == 2 and "trang 2" in minh.last_text
    await minh.press("‹ Trước")
    await minh.press("Quá hạn")
    assert [b for b in minh.buttons if "TE-2021-" in b] == [case_buttons[0]]
    await minh.press("Tất cả")
    await minh.press("📍 Địa bàn: tất cả")
    assert "Xã Tân Nhựt" not in minh.buttons  # only the units Minh covers
    await minh.press("Phường Bình Đông")
    shown = [b for b in minh.buttons if "TE-2021-" in b]
    assert len(shown) == 3 and all("Phường Bình Đông" in b for b in shown)
    assert "Phường Bình Đông" in minh.last_text
    admin_view = tg.admin
    await admin_view.send("/cases")
    assert "tất cả phường, xã" in admin_view.last_text  # administrators see every district
    await admin_view.press("Sau ›")
    assert any("Xã Tân Nhựt" in b for b in admin_view.buttons)
    lists = [e for e in await audit.entries(tg.db, "case") if e.action == "case_list"]
    assert lists and lists[0].actor_id == minh.id and old_urgent


async def test_pressing_the_filter_already_shown_is_answered_with_a_toast(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    await quick_case(tg, lan)
    await minh.send("/cases")
    listed = minh.last_text
    answer = await minh.press("✓ Đang mở")  # the filter already active
    assert answer is not None and answer["text"] == "Đang xem bộ lọc này"
    assert not answer["show_alert"] and minh.last_text == listed
    answer = await minh.press("Quá hạn")  # another filter: the list changes, no toast
    assert answer is not None and not answer["text"] and "quá hạn" in minh.last_text


async def test_a_case_history_starts_with_its_opening(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan)
    await minh.send(f"/case {code}")
    await minh.press("🕓 Quá trình")
    lines = minh.last_text.splitlines()
    # Only the opening so far: it is the history's one entry, never "nothing yet".
    assert lines[0] == f"🕓 Quá trình xử lý hồ sơ {code}"
    assert lines[1:] == ["• 25/05/2021 09:00 — 📥 Nhận báo cáo từ người báo cáo"]
    assert "Chưa có gì" not in minh.last_text and "Lan" not in minh.last_text
    await minh.press("‹ Quay lại")
    await minh.press("✅ Tiếp nhận")
    await minh.press("🕓 Quá trình")
    lines = minh.last_text.splitlines()
    assert "Nhận báo cáo từ người báo cáo" in lines[1] and "Minh" in lines[2]  # opening first


async def test_a_page_button_tapped_twice_says_it_is_on_that_page(tg):
    """A double tap on “Sau ›” (the second press arrives once the list shows page 2): a toast
    about the page, not about the filter; the active filter pressed again keeps its own."""
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    for _index in range(8):
        await quick_case(tg, lan)
    await minh.send("/cases")
    following = minh.last.button("Sau ›")["callback_data"]
    await minh.press("Sau ›")
    assert "trang 2" in minh.last_text
    answer = await minh.press_data(following)  # the same press again: already there
    assert answer is not None and answer["text"] == "Đang ở trang này"
    assert "trang 2" in minh.last_text
    previous = minh.last.button("‹ Trước")["callback_data"]
    await minh.press("‹ Trước")
    answer = await minh.press_data(previous)
    assert answer is not None and answer["text"] == "Đang ở trang này"
    answer = await minh.press("✓ Đang mở")
    assert answer is not None and answer["text"] == "Đang xem bộ lọc này"
