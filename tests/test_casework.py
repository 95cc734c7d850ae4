"""Case work as Decree 56 and the staff need it (issue 17), spoken as users through the
testkit: the emergency clock and its decision, the plan with approval, review, closing with a
reason, a note and a confirmation, reopening, finding a case, the reporter kept in the loop."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.cases import notices
from bot.cases.service import CaseService, can_approve_plan
from bot.crypto import cipher_for
from bot.reports import casework
from storage import audit, users
from tests.reports_support import DESCRIPTION, case_id, file_report, person, quick_case

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def _count(user, text: str) -> int:
    return sum(text in (m.content or "") for m in user.bot_messages)


def _case_button(user, code: str) -> str:
    return next(b for b in user.buttons if code in b)


async def _to_planning(tg, staff, case: int) -> None:
    actor = await users.get(tg.db, staff.id)
    service = CaseService.of(tg.app.services)
    await service.accept(actor, case, tg.clock.now())
    await service.assess(actor, case, "low", tg.clock.now())
    await service.verified(actor, case, tg.clock.now())
    await tg.settle()  # the reporter's updates go out through the outbox


async def test_high_risk_starts_the_emergency_clock_and_only_a_decision_meets_it(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan)  # the reporter did not say "in danger now"
    await minh.press("📄 Chi tiết")
    assert "Không khẩn cấp" in minh.last_text and "can thiệp khẩn cấp" not in minh.last_text
    await minh.press("✅ Tiếp nhận")
    tg.clock.advance(hours=2)
    answer = await minh.press("🔴 Nguy cơ: cao")
    assert answer["show_alert"] and "can thiệp khẩn cấp" in answer["text"]
    detail = minh.last_text
    # The case is urgent now, and the 12-hour clock runs from the assessment (11:00 → 23:00).
    assert "🚨 Khẩn cấp" in detail
    assert "can thiệp khẩn cấp (12 giờ): hạn 25/05/2021 23:00" in detail
    assert "🚑 Đã áp dụng biện pháp khẩn cấp" in minh.buttons and "✋ Không cần" in minh.buttons
    # Warned before it is due (3 hours ahead), to the person in charge and the area's staff.
    await tg.tick(hours=8, minutes=59)
    assert _count(minh, "Nhắc việc") == 0
    await tg.tick(minutes=2)
    assert _count(minh, "Nhắc việc") == 1 and _count(tg.admin, "Nhắc việc") == 1
    assert "can thiệp khẩn cấp" in minh.last_text
    # Explicit: what was done, and when.
    await minh.press("📄 Chi tiết")
    await minh.press("🚑 Đã áp dụng biện pháp khẩn cấp")
    await minh.send("Đưa trẻ về nhà bà ngoại, công an phường đã làm việc với cha dượng")
    assert "lúc nào" in minh.last_text
    await minh.send("7:00")  # before the report arrived: a typo, asked again
    assert "trước lúc tin báo đến" in minh.last_text and "⏱ Vừa xong" in minh.buttons
    await minh.send("19:30")
    assert "Đã đáp ứng thời hạn 12 giờ" in minh.last_text and "19:30" in minh.last_text
    assert "cán bộ đã hành động để giữ an toàn cho trẻ" in lan.last_text  # no details
    assert "công an" not in lan.last_text
    await minh.press("📄 Mở hồ sơ")
    # Met when the measures were taken (19:30), not when they were written down (20:00).
    assert "can thiệp khẩn cấp (12 giờ): đã xong 25/05/2021 19:30" in minh.last_text
    assert "trễ hạn" not in minh.last_text
    assert "Đã áp dụng biện pháp khẩn cấp lúc 25/05/2021 19:30" in minh.last_text
    assert "🚑 Đã áp dụng biện pháp khẩn cấp" not in minh.buttons  # decided once
    await tg.tick(hours=5)
    assert _count(tg.admin, "quá hạn") == 0  # met: no escalation
    actions = [e.action for e in await audit.entries(tg.db, "case")]
    assert "case_emergency_clock" in actions and "case_emergency_applied" in actions
    assert code


async def test_an_unmet_emergency_clock_escalates_to_administrators_once(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan, urgent=True)
    await minh.press("✅ Tiếp nhận")
    await minh.press("📄 Chi tiết")
    await minh.press("🟠 Nguy cơ: trung bình")  # a risk level alone does not meet the clock
    await tg.tick(hours=12, minutes=1)
    assert _count(tg.admin, "quá hạn can thiệp khẩn cấp") == 1 and code in tg.admin.last_text
    assert _count(minh, "quản trị viên đã được báo") == 1  # the person in charge hears too
    await tg.restart()
    await tg.tick(hours=3)
    assert _count(tg.admin, "quá hạn can thiệp khẩn cấp") == 1
    # "Not needed" with a reason still records the decision, late.
    await minh.press("📄 Chi tiết")
    await minh.press("✋ Không cần")
    await minh.send("Đã xác minh: trẻ ở với mẹ, an toàn")
    assert "không cần biện pháp khẩn cấp" in minh.last_text
    await minh.press("📄 Mở hồ sơ")
    assert "can thiệp khẩn cấp (12 giờ): đã xong" in minh.last_text
    assert "trễ hạn" in minh.last_text  # decided after its deadline: it says so
    overdue = [e for e in await audit.entries(tg.db, "case") if e.action == "case_overdue"]
    assert len(overdue) == 1 and overdue[0].detail["kind"] == "emergency"


async def test_a_plan_nobody_else_can_approve_says_so_at_once(tg):
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    admin = tg.admin  # the only approver, and the one who submits: nobody is asked
    await _to_planning(tg, admin, case)
    await admin.send("/case te 2021 1")
    await admin.press("📋 Kế hoạch hỗ trợ")
    await admin.press("🎯 Mục tiêu")
    await admin.send("Trẻ được an toàn tại nhà")
    await admin.press("➕ Hoạt động")
    await admin.send("Thăm gia đình mỗi tuần")
    await admin.send("Cán bộ phường")
    await admin.press("Không có hạn")
    answer = await admin.press("📤 Trình phê duyệt")
    assert answer["show_alert"] and "chưa ai phê duyệt được" in answer["text"]
    assert "/planapprover" in answer["text"]


async def test_plan_with_goals_actions_services_needs_the_approving_role(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    chair = await person(tg, "Chủ tịch Hà", role="staff", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    await _to_planning(tg, minh, case)
    await minh.send("/case te 2021 1")
    assert "Kế hoạch hỗ trợ, can thiệp" in minh.last_text
    assert "Kế hoạch (lần 1): đang soạn" in minh.last_text
    await minh.press("📋 Kế hoạch hỗ trợ")
    answer = await minh.press("📤 Trình phê duyệt")
    assert answer["show_alert"] and "mục tiêu" in answer["text"]  # nothing to approve yet
    await minh.press("🎯 Mục tiêu")
    await minh.send("Trẻ được an toàn tại nhà, đi học đều")
    assert "🎯 Mục tiêu: Trẻ được an toàn" in minh.last_text
    await minh.press("➕ Hoạt động")
    await minh.send("Thăm gia đình mỗi tuần")
    await minh.send("Cô Minh, cán bộ phường")
    await minh.send("15/6")
    assert (
        "1. Thăm gia đình mỗi tuần — Cô Minh, cán bộ phường, hạn Thứ Ba, 15/06/2021"
        in minh.last_text
    )
    await minh.press("➕ Hoạt động")
    await minh.send("Tư vấn tâm lý")
    await minh.send("Trung tâm CTXH")
    await minh.press("Không có hạn")
    assert "2. Tư vấn tâm lý — Trung tâm CTXH, không có hạn" in minh.last_text
    await minh.press("🏥 Dịch vụ")
    await minh.press("Y tế")
    await minh.press("▫️ Bệnh viện Nhi Đồng 1 ⚠️")
    assert "☑️ Bệnh viện Nhi Đồng 1 ⚠️" in minh.buttons
    await minh.press("‹ Nhóm dịch vụ")
    await minh.press("Đường dây nóng")
    await minh.press("▫️ Tổng đài quốc gia bảo vệ trẻ em 111")
    await minh.press("✔️ Xong")
    plan = minh.last_text
    assert "Bệnh viện Nhi Đồng 1 (⚠️ chưa xác nhận" in plan
    assert "☎️ 111 (✔️ đã xác nhận)" in plan
    await minh.press("📤 Trình phê duyệt")
    assert "(lần 1, chờ duyệt)" in minh.last_text
    assert "✅ Phê duyệt kế hoạch" not in minh.buttons  # never by the one who submitted
    # The commune chairperson's delegate is a staff member an administrator marks.
    assert _count(chair, "đang chờ anh/chị phê duyệt") == 0
    await chair.send("/case 0001")
    answer = await chair.press_data(f"cpl:ok:{case}")
    assert answer["show_alert"] and "thẩm quyền phê duyệt" in answer["text"]
    await tg.admin.send(f"/planapprover {chair.id} on")
    assert "Phê duyệt kế hoạch hỗ trợ" in tg.admin.last_text
    forged = await minh.press_data(f"cpl:ok:{case}")  # the submitter forging the button
    assert forged["show_alert"]
    # Sent back with a reason, then submitted again; the approver was told each time.
    assert _count(tg.admin, "đang chờ anh/chị phê duyệt") == 1
    await tg.admin.press("📋 Mở kế hoạch")
    await tg.admin.press("↩️ Trả lại")
    await tg.admin.send("Cần ghi rõ người liên hệ của bệnh viện")
    assert _count(minh, "bị trả lại") == 1
    await minh.press("📋 Mở kế hoạch")
    assert "↩️ Bị trả lại: Cần ghi rõ người liên hệ" in minh.last_text
    await minh.press("📤 Trình phê duyệt")
    assert _count(chair, "đang chờ anh/chị phê duyệt") == 1
    await chair.press("📋 Mở kế hoạch")
    await chair.press("✅ Phê duyệt kế hoạch")
    assert "(lần 1, đã duyệt)" in chair.last_text and "Đã phê duyệt lúc" in chair.last_text
    assert _count(minh, "đã được phê duyệt") == 1
    assert "kế hoạch hỗ trợ cho trẻ đã được phê duyệt" in lan.last_text
    await minh.send("/case TE-2021-0001")
    assert "Thực hiện kế hoạch" in minh.last_text
    assert "phê duyệt kế hoạch hỗ trợ (5 ngày làm việc): đã xong" in minh.last_text
    await tg.tick(hours=24 * 10)
    assert _count(tg.admin, "quá hạn") == 0  # approved in time: no escalation
    actions = [e.action for e in await audit.entries(tg.db, "case")]
    for expected in (
        "case_plan_edit",
        "case_plan_submit",
        "case_plan_return",
        "case_plan_decide_refused",
        "case_plan_approve",
    ):
        assert expected in actions, expected
    # Goals and actions are encrypted at rest.
    stored = await tg.db.fetchone("SELECT goals_enc, actions_enc FROM case_plans")
    assert "an toàn" not in stored["goals_enc"] and "Thăm" not in stored["actions_enc"]


async def test_plan_clock_escalates_when_no_plan_is_approved_in_five_working_days(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)  # Tuesday 25/5/2021 09:00 → due Tuesday 1/6 17:00
    await _to_planning(tg, minh, case)
    tg.clock.set(dt.datetime(2021, 5, 31, 16, 59, tzinfo=HCMC))
    await tg.tick()
    assert _count(minh, "Nhắc việc") == 0
    await tg.tick(minutes=2)
    assert _count(minh, "Nhắc việc") == 1 and "phê duyệt kế hoạch hỗ trợ" in minh.last_text
    await tg.tick(hours=24)
    assert _count(tg.admin, "quá hạn phê duyệt kế hoạch hỗ trợ") == 1


async def test_review_new_plan_close_with_confirmation_and_reopen(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    await _to_planning(tg, minh, case)
    actor = await users.get(tg.db, minh.id)
    admin = await users.get(tg.db, tg.admin.id)
    service = CaseService.of(tg.app.services)
    now = tg.clock.now()
    await service.set_goals(actor, case, "Trẻ an toàn", now)
    await service.add_action(actor, case, "Thăm nhà", "Minh", None, now)
    await service.submit_plan(actor, case, now)
    await service.decide_plan(admin, case, True, None, now)
    await minh.send("/case 0001")
    await minh.press("🔍 Rà soát kết quả…")
    await minh.send("Trẻ đã đi học lại, gia đình hợp tác")
    assert "Đã ghi kết quả rà soát" in minh.last_text
    assert "đang rà soát kết quả hỗ trợ" in lan.last_text
    await minh.press("📄 Mở hồ sơ")
    await minh.press("📝 Lập kế hoạch mới")
    assert "Kế hoạch (lần 2): đang soạn" in minh.last_text
    plan = await service.plan(actor, case, tg.clock.now())
    assert plan.version == 2 and plan.goals == "Trẻ an toàn"  # drafted from the last one
    await service.submit_plan(actor, case, tg.clock.now())
    await service.decide_plan(admin, case, True, None, tg.clock.now())
    await service.to_review(actor, case, "Ổn định", tg.clock.now())
    # Closing: a reason, a note, then a confirmation.
    await minh.send("/case 0001")
    await minh.press("🏁 Đóng hồ sơ…")
    await minh.press("Đã giải quyết")
    assert "gõ ghi chú khi đóng" in minh.last_text
    await minh.send("Trẻ ổn định, gia đình được hỗ trợ sinh kế")
    assert "Đóng hồ sơ TE-2021-0001 — Đã giải quyết?" in minh.last_text
    assert await tg.db.fetchvalue("SELECT status FROM cases") == "review"  # not yet
    await minh.press("✅ Đồng ý đóng")
    assert "Đã đóng — Đã giải quyết" in minh.last_text
    assert "đã được cán bộ đóng hồ sơ" in lan.last_text
    # A double tap says it is closed, not that "someone else" changed it.
    answer = await minh.press_data(f"cas:clsok:{case}:resolved")
    assert answer["show_alert"] and "đã được đóng" in answer["text"]
    # Reopening needs a reason, within the period.
    await minh.press("↩️ Mở lại…")
    await minh.send("Gia đình lại có mâu thuẫn, hàng xóm báo trẻ bị đánh")
    assert "đã được mở lại: Rà soát, đánh giá" in minh.last_text
    assert "đã mở lại hồ sơ" in lan.last_text
    await minh.send("/cases")
    await minh.press("Đã đóng")
    assert "không có hồ sơ nào" in minh.last_text
    entries = [
        e for e in await audit.entries(tg.db, "case") if e.action in ("case_close", "case_reopen")
    ]
    assert [e.action for e in entries] == ["case_close", "case_reopen"]
    # Beyond the period a closed case stays closed.
    await service.close(actor, case, "resolved", "Ổn định trở lại", tg.clock.now())
    tg.clock.advance(days=91)
    await minh.send("/case 0001")
    assert "↩️ Mở lại…" not in minh.buttons
    answer = await minh.press_data(f"cin:reo:{case}")
    assert answer["show_alert"]


async def test_closing_can_be_cancelled_and_early_outcomes_need_a_note(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    await quick_case(tg, lan)
    await minh.send("/cases")
    await minh.press(_case_button(minh, "TE-2021-0001"))
    await minh.press("🏁 Đóng hồ sơ…")
    assert "Đã giải quyết" not in minh.buttons and "Trùng lặp" in minh.buttons
    await minh.press("Trùng lặp")
    await minh.send("Trùng với hồ sơ TE-2021-0000 của trường")
    await minh.press("✖️ Không, giữ hồ sơ mở")
    assert await tg.db.fetchvalue("SELECT status FROM cases") == "received"
    note = await tg.db.fetchvalue("SELECT count(*) FROM case_notes")
    assert note == 0


async def test_find_a_case_by_code_as_people_type_it_and_filters(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    thu = await person(tg, "Thu", role="staff", ward=None)
    outsider = await person(tg, "Bình", role="staff", district="BC", ward=None)
    lan = await person(tg, "Lan")
    first = await quick_case(tg, lan, urgent=True)
    for index in range(7):
        await quick_case(tg, lan, ward="27424" if index % 2 else "27418")
    tg.clock.advance(hours=13)  # the first case's 12-hour clock has passed
    other = await person(tg, "Hoa", district="BC", ward="27595")
    await quick_case(tg, other, ward="27595")
    actor = await users.get(tg.db, thu.id)
    await casework.move(
        tg.db, cipher_for(tg.app.services), actor, first + 2, "accept", tg.clock.now()
    )
    for typed in (
        "TE-2021-0003",
        "te 2021 3",
        "te 21 3",
        "TE20210003",
        "te/21/3",
        "TE – 2021 – 003",
        "te-21-0003",
    ):
        await minh.send(f"/case {typed}")
        assert minh.last_text.startswith("📁 TE-2021-0003"), typed
    await minh.send("/case 3")  # just the number: opens it if only one matches
    assert minh.last_text.startswith("📁 TE-2021-0003")
    await minh.send("/case xin chao")
    assert "Không có hồ sơ nào" in minh.last_text
    await outsider.send("/case TE-2021-0003")  # another area's case is never shown
    assert "Không có hồ sơ nào" in outsider.last_text
    # Typed after the button, too.
    await minh.send("/cases")
    await minh.press("🔎 Tìm hồ sơ")
    await minh.send("bc 21 1")  # an old code of another area
    assert "Không có hồ sơ nào" in minh.last_text
    # A ward or commune by today's name or an old one lists its cases.
    await minh.send("/case chanh hung")
    shown = [b for b in minh.buttons if "TE-2021-" in b]
    assert len(shown) == 5 and all("Phường Chánh Hưng" in b for b in shown)
    assert "Phường Chánh Hưng" in minh.last_text
    await minh.send("/case p4 q8")  # Phường 4, Quận 8 is in Chánh Hưng today
    assert len([b for b in minh.buttons if "TE-2021-" in b]) == 5
    await minh.send("/case phuong 5 quan 8")  # split between Chánh Hưng and Bình Đông
    assert len([b for b in minh.buttons if "TE-2021-" in b]) == 6  # a page; more below
    assert "Còn nữa" in minh.last_text or "nhiều hơn" in minh.last_text.lower()
    await outsider.send("/case chanh hung")  # not in the outsider's scope
    assert "Không có hồ sơ nào" in outsider.last_text
    # Filters: open (default), mine, overdue, closed, all, and by unit; pages of 6.
    await minh.send("/cases")
    assert len([b for b in minh.buttons if "TE-2021-" in b]) == 6
    assert _case_button(minh, "TE-2021-").startswith("⏰🚨TE-2021-0001")
    await minh.press("Sau ›")
    assert len([b for b in minh.buttons if "TE-2021-" in b]) == 2 and "trang 2" in minh.last_text
    await minh.press("Quá hạn")
    assert [b for b in minh.buttons if "TE-2021-" in b] == [_case_button(minh, "TE-2021-0001")]
    await thu.send("/cases")
    await thu.press("Của tôi")
    assert [b for b in thu.buttons if "TE-2021-" in b] == [_case_button(thu, "TE-2021-0003")]
    await minh.press("Đang mở")
    await minh.press("📍 Địa bàn: tất cả")
    assert "Xã Tân Nhựt" not in minh.buttons  # only the units Minh covers
    await minh.press("Phường Bình Đông")
    shown = [b for b in minh.buttons if "TE-2021-" in b]
    assert len(shown) == 3 and all("Phường Bình Đông" in b for b in shown)
    await minh.press("Tất cả")
    assert "Phường Bình Đông" in minh.last_text
    await tg.admin.send("/cases")
    await tg.admin.press("Tất cả")
    await tg.admin.press("Sau ›")
    assert any("Xã Tân Nhựt" in b for b in tg.admin.buttons)
    lists = [e for e in await audit.entries(tg.db, "case") if e.action == "case_list"]
    assert any(e.detail.get("filter") == "mine" for e in lists)


async def test_the_reporter_sees_each_step_and_adds_information_and_a_photo(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    stranger = await person(tg, "Người lạ", role="public", district=None, ward=None)
    code = await file_report(tg, lan)
    await minh.press("✅ Tiếp nhận")
    assert "đã được cán bộ tiếp nhận" in lan.last_text
    await minh.press("📄 Chi tiết")
    await minh.press("🟢 Nguy cơ: thấp")
    await minh.press("✅ Đã xác minh → lập kế hoạch")
    assert "đã xác minh thông tin" in lan.last_text
    assert DESCRIPTION not in lan.last_text and "Bé Na" not in lan.last_text
    await lan.send("/myreports")
    assert code in lan.last_text and "cán bộ đang lập kế hoạch hỗ trợ trẻ" in lan.last_text
    await lan.press(f"➕ Bổ sung thông tin cho {code}")
    await lan.send("Tối qua cha dượng lại say rượu, bé sang nhà hàng xóm ngủ")
    assert "đã được bổ sung vào " + code in lan.last_text
    assert _count(minh, "vừa bổ sung thông tin mới") == 1  # the staff member in charge
    await lan.send("/myreports")
    await lan.press(f"➕ Bổ sung thông tin cho {code}")
    await lan.send_photo(caption="Vết bầm trên tay bé")
    assert _count(minh, "vừa bổ sung một ảnh") == 1
    await minh.send(f"/case {code}")
    assert "📷 Ảnh: 1" in minh.last_text
    # Danger in what is added: the numbers first for the reporter, a warning for the staff.
    await lan.send("/myreports")
    await lan.press(f"➕ Bổ sung thông tin cho {code}")
    await lan.send("Cha dượng đang đánh bé ngay lúc này")
    assert any("113" in (m.content or "") for m in lan.bot_messages[-2:])
    warned = [m for m in minh.bot_messages if "vừa bổ sung thông tin mới" in (m.content or "")]
    assert len(warned) == 2 and "🚨" in warned[-1].content
    await minh.press("🕓 Quá trình")
    assert "người báo tin bổ sung: Tối qua cha dượng" in minh.last_text
    # Nobody else can add to it, even with a forged button.
    await stranger.send("/myreports")
    answer = await stranger.press_data(f"mrp:add:{await case_id(tg, code)}")
    assert answer["show_alert"]
    refused = [e for e in await audit.entries(tg.db, "case") if e.action == "case_reporter_refused"]
    assert refused and refused[0].actor_id == stranger.id


async def test_holidays_list_and_import_of_next_year(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    await minh.send("/holidays 2026")
    text = minh.last_text
    assert "Thứ Sáu, 02/01/2026 — Nghỉ hoán đổi Tết Dương lịch" in text
    assert "💼 Thứ Bảy, 10/01/2026" in text and "💼 Thứ Bảy, 22/08/2026" in text
    assert "🏖 Thứ Hai, 31/08/2026" in text
    assert "24/11/2026" in text and "chưa tính" in text
    await minh.send("/holidays add\n2028-01-01, off, Tết Dương lịch")
    assert "quản trị viên" in minh.last_text
    await tg.admin.send(
        "/holidays add\n2028-01-03, off, Nghỉ bù Tết Dương lịch\n"
        "2028-01-08, work, Làm bù, provisional\n2028-01-05, work, Sai"
    )
    assert "Chưa lưu gì cả" in tg.admin.last_text and "Dòng 3" in tg.admin.last_text
    await tg.admin.send(
        "/holidays add\n2028-01-03, off, Nghỉ bù Tết Dương lịch\n"
        "08/01/2028, làm, Làm bù, provisional"
    )
    assert "Đã lưu 2 ngày" in tg.admin.last_text
    await tg.admin.send_document(
        "ngay-nghi-2028.csv",
        "date,kind,name\n2028-01-25,off,Tết Nguyên đán\n".encode(),
        caption="/holidays",
    )
    assert "Đã lưu 1 ngày" in tg.admin.last_text
    await minh.send("/holidays 2028")
    assert "03/01/2028" in minh.last_text and "(tạm tính)" in minh.last_text
    assert "25/01/2028 — Tết Nguyên đán" in minh.last_text and "🏖" in minh.last_text
    calendar = await casework.work_calendar(tg.db)
    assert not calendar.is_working_day(dt.date(2028, 1, 3))
    assert calendar.is_working_day(dt.date(2028, 1, 8))  # a Saturday worked
    imports = [e for e in await audit.entries(tg.db, "calendar") if e.action == "calendar_import"]
    assert len(imports) == 2 and imports[0].actor_id == tg.admin.id


def test_working_days_follow_the_2026_calendar_with_its_swapped_days():
    from bot.reports import clocks

    calendar = clocks.shipped_calendar()
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    assert sum(calendar.is_working_day(d) for d in days) == 250  # 365 − 104 − 13 + 2
    assert not calendar.is_working_day(dt.date(2026, 1, 2))  # swapped day off (Friday)
    assert calendar.is_working_day(dt.date(2026, 1, 10))  # … paid back on Saturday 10/1
    assert not calendar.is_working_day(dt.date(2026, 8, 31))  # Monday before Quốc khánh
    assert calendar.is_working_day(dt.date(2026, 8, 22))  # … paid back on Saturday 22/8
    assert not calendar.is_working_day(dt.date(2026, 1, 17))  # an ordinary Saturday
    # New Year: 1 and 2 January off, Saturday 10 January worked.
    assert calendar.add_working_days(dt.date(2025, 12, 31), 5) == dt.date(2026, 1, 9)
    assert calendar.add_working_days(dt.date(2026, 1, 8), 5) == dt.date(2026, 1, 14)
    # Quốc khánh: 31/8 (swapped), 1/9 and 2/9 off; Saturday 22/8 worked.
    assert calendar.add_working_days(dt.date(2026, 8, 20), 5) == dt.date(2026, 8, 26)
    assert calendar.add_working_days(dt.date(2026, 8, 26), 5) == dt.date(2026, 9, 7)
    # Tết Bính Ngọ: Monday 16 to Friday 20 February.
    assert calendar.add_working_days(dt.date(2026, 2, 13), 5) == dt.date(2026, 2, 27)
    # 2027 is filled; Tết is provisional until the government decides.
    tet = [e for e in calendar.year(2027) if e.name == "Tết Nguyên đán"]
    assert len(tet) == 5 and all(e.provisional for e in tet)
    assert dt.date(2026, 11, 24) not in calendar.days  # proposed only: never counted
    assert [e.day for e in calendar.proposed] == [dt.date(2026, 11, 24)]


async def test_a_plan_clock_in_january_2026_counts_the_working_saturday(tg):
    tg.clock.set(dt.datetime(2026, 1, 8, 10, 0, tzinfo=HCMC))  # Thursday
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    await quick_case(tg, lan)
    await minh.send("/case TE-2026-0001")
    # Fri 9, Sat 10 (worked), Mon 12, Tue 13, Wed 14: due Wednesday 14/1, not Thursday 15/1.
    assert "phê duyệt kế hoạch hỗ trợ (5 ngày làm việc): hạn 14/01/2026 17:00" in minh.last_text
    tg.clock.set(dt.datetime(2026, 1, 13, 16, 59, tzinfo=HCMC))
    await tg.tick()
    assert _count(minh, "Nhắc việc") == 0
    await tg.tick(minutes=2)
    assert _count(minh, "Nhắc việc") == 1 and "14/01/2026 17:00" in minh.last_text
    await tg.tick(hours=24)
    assert _count(tg.admin, "quá hạn phê duyệt kế hoạch hỗ trợ") == 1


async def test_invite_link_signs_up_once_preapproved_and_signups_show_phone_and_username(tg):
    await tg.admin.send("/invite staff Chánh Hưng")
    invite = tg.admin.last
    assert invite.protect_content and "Đường dẫn mời dùng một lần" in (invite.content or "")
    payload = (invite.content or "").split("start=")[1].split()[0]
    newcomer = tg.user("Tí", username="ti_ctxh")
    await newcomer.send(f"/start {payload}")
    assert "không cần chờ duyệt" in newcomer.last_text
    await newcomer.send("Nguyễn Thị Hạnh")
    await newcomer.press("Bỏ qua")
    assert "Chào mừng Nguyễn Thị Hạnh" in newcomer.last_text
    person_row = await users.get(tg.db, newcomer.id)
    assert (person_row.role, person_row.status, person_row.ward) == ("staff", "active", "27418")
    assert person_row.scope == "27418"
    assert person_row.username == "ti_ctxh"
    assert "Nguyễn Thị Hạnh đã đăng ký" in tg.admin.last_text and "@ti_ctxh" in tg.admin.last_text
    # Once only: a second person gets a polite answer and stays public.
    second = tg.user("Tèo")
    await second.send(f"/start {payload}")
    assert "đã được dùng hoặc đã hết hạn" in second.last_text
    assert (await users.get(tg.db, second.id)).role == "public"
    # A collaborator who signs up the usual way reaches the approver with the name they
    # registered, their phone and their username.
    lan = tg.user("Lanlan", username="lan_ctv", phone="+84901234567")
    await lan.send("/start")
    await lan.press("🤝 Cộng tác viên")
    await lan.send("Trần Thị Lan")
    await lan.press("Phường Chánh Hưng")
    await lan.press("📱 Chia sẻ số điện thoại")
    request = tg.admin.last_text
    assert "Trần Thị Lan" in request and "Lanlan" not in request
    assert "+84901234567" in request and "@lan_ctv" in request
    actions = [e.action for e in await audit.entries(tg.db)]
    assert "invite_create" in actions and actions.count("invite_redeem") == 1
    stored = await tg.db.fetchvalue("SELECT token_hash FROM invites")
    assert payload.removeprefix("inv_") not in stored  # only a hash is kept


async def test_staff_see_the_reporters_registered_name_not_their_telegram_name(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lanlan")  # the Telegram name
    await users.update(tg.db, lan.id, tg.clock.now(), display_name="Trần Thị Lan")
    await file_report(tg, lan, share_phone=True)
    await minh.press("📄 Chi tiết")
    assert "Trần Thị Lan" in minh.last_text and "Lanlan" not in minh.last_text


async def test_the_migration_renames_the_12_hour_clock_and_keeps_its_state(tmp_path, monkeypatch):
    from storage import db as db_module

    database = await db_module.Database.connect(tmp_path / "old.sqlite3")
    every = db_module.available_migrations()
    monkeypatch.setattr(db_module, "available_migrations", lambda: [m for m in every if m[0] < 15])
    await db_module.migrate(database)
    await database.execute(
        "INSERT INTO cases (id, code, district, ward, reporter_id, reporter_role, urgent,"
        " child_sex, situations, description_enc, received_at, updated_at) VALUES"
        " (1, 'TE-2025-0001', 'Q8', '27418', 7, 'collaborator', 1, 'unknown', 'k', 'x',"
        " '2025-03-01T02:00:00Z', '2025-03-01T02:00:00Z')"
    )
    for kind, met in (("assessment", "2025-03-01T05:00:00Z"), ("plan", None)):
        await database.execute(
            "INSERT INTO case_deadlines (case_id, kind, due_at, remind_at, met_at)"
            " VALUES (1, ?, '2025-03-01T14:00:00Z', '2025-03-01T11:00:00Z', ?)",
            (kind, met),
        )
    monkeypatch.setattr(db_module, "available_migrations", lambda: every)
    assert 15 in await db_module.migrate(database)
    rows = await database.fetchall(
        "SELECT kind, started_by, met_at FROM case_deadlines ORDER BY kind"
    )
    assert [tuple(r) for r in rows] == [
        ("emergency", "reporter", "2025-03-01T05:00:00Z"),
        ("plan", "receipt", None),
    ]
    await database.close()


async def test_plan_and_reporter_buttons_refuse_outsiders_and_say_so_in_the_audit(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    outsider = await person(tg, "Bình", role="staff", district="BC", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    await _to_planning(tg, minh, case)
    await outsider.send("/cases")
    for data in (
        f"cpl:v:{case}",
        f"cpl:svc:{case}",
        f"cpl:tog:{case}:hotline-111",
        f"cpl:sub:{case}",
        f"cpl:ok:{case}",
        f"cpl:rmi:{case}:0",
        f"cpi:goals:{case}",
        f"cin:emg:{case}",
        f"cin:reo:{case}",
        f"cas:clsok:{case}:duplicate",
        f"mrp:add:{case}",
    ):
        answer = await outsider.press_data(data)
        assert answer["show_alert"], data
    await outsider.send("Mục tiêu giả mạo")  # not taken as the plan's goals
    plan = await CaseService.of(tg.app.services).plan(
        await users.get(tg.db, minh.id), case, tg.clock.now()
    )
    assert plan.goals is None and plan.services == () and plan.status == "draft"
    refused = [
        e
        for e in await audit.entries(tg.db, "case")
        if e.action in ("case_refused", "case_reporter_refused")
    ]
    assert len(refused) >= 8 and all(e.actor_id == outsider.id for e in refused)


def test_the_services_directory_is_complete_and_fits_buttons():
    from bot import callbacks
    from bot.areas import Areas
    from bot.cases.service import service_categories, services_directory

    entries = services_directory()
    categories = service_categories()
    assert {e.category for e in entries} <= set(categories)
    committees = {
        e.code.removeprefix("ubnd-"): e for e in entries if e.category == "people_committee"
    }
    areas = Areas.load()  # one People's Committee for each of the programme's units
    assert set(committees) == {unit.code for unit in areas.programme_units()}
    assert committees["27418"].name("vi") == "UBND Phường Chánh Hưng"  # from today's map
    assert len({e.code for e in entries}) == len(entries)
    for entry in entries:
        callbacks.encode("cpl", "tog", callbacks.MAX_ID, entry.code)  # ≤ 64 bytes
    hotlines = {e.phone: e for e in entries if e.category == "hotline"}
    assert hotlines["111"].confirmed and "1800 90 69" not in hotlines  # unconfirmed: not shown
    assert "trả cước" in hotlines["1900 54 55 59"].notes["vi"]  # a 1900 number is not free


async def test_plan_approvers_are_the_marked_staff_covering_the_case_unit(tg):
    """Today's map: the approving role is checked against the case's unit through the
    staff scope, and a case reported in a split old unit may be approved from either of its
    candidates."""
    minh = await person(tg, "Minh", role="staff", ward=None)  # covers the old Quận 8 area
    here = await person(tg, "Hà", role="staff", ward="27418", scope="27418")
    there = await person(tg, "Tâm", role="staff", district="BC", ward="27595", scope="27595")
    for approver in (here, there):
        await tg.admin.send(f"/planapprover {approver.id} on")
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)  # Phường Chánh Hưng
    await _to_planning(tg, minh, case)
    actor = await users.get(tg.db, minh.id)
    service = CaseService.of(tg.app.services)
    await service.set_goals(actor, case, "Trẻ an toàn", tg.clock.now())
    await service.add_action(actor, case, "Thăm nhà", "Minh", None, tg.clock.now())
    change = await service.submit_plan(actor, case, tg.clock.now())
    told = {n.chat_id for n in await notices.notices_for(tg.db, tg.app.services.i18n, change)}
    assert here.id in told and tg.admin.id in told
    assert there.id not in told  # another commune's approver
    with pytest.raises(casework.PermissionDenied):
        await service.decide_plan(
            await users.get(tg.db, there.id), case, True, None, tg.clock.now()
        )
    # Reported as "Phường 5, Quận 8 cũ", split between Chánh Hưng and Bình Đông.
    summary = await service.summary(actor, case, tg.clock.now())
    areas = tg.app.services.areas
    old = areas.find("phuong 5 quan 8").old
    assert old is not None and set(old.successors) == {"27418", "27424"}
    moved = dataclasses.replace(summary, ward="27424", reported_place=old.id)
    assert casework.case_units(moved, areas) == ("27424", "27418")
    assert can_approve_plan(await users.get(tg.db, here.id), moved, areas)
    assert not can_approve_plan(await users.get(tg.db, there.id), moved, areas)


async def test_an_invite_for_staff_of_a_whole_programme_area(tg):
    await tg.admin.send("/invite staff Q8")
    payload = (tg.admin.last.content or "").split("start=")[1].split()[0]
    assert "Khu vực Quận 8 cũ" in (tg.admin.last.content or "")
    newcomer = tg.user("Tú")
    await newcomer.send(f"/start {payload}")
    await newcomer.send("Lê Văn Tú")
    await newcomer.press("Bỏ qua")
    person_row = await users.get(tg.db, newcomer.id)
    assert (person_row.role, person_row.scope, person_row.ward) == ("staff", "Q8", None)
    await tg.admin.send("/invite collaborator Xóm Đầm")
    assert "Chưa nhận ra địa bàn này" in tg.admin.last_text  # no such unit: no link


async def test_a_case_change_and_its_notices_commit_together(tg, monkeypatch):
    """The reporter's update is queued in the outbox in the change's transaction: if
    queueing fails, the change is rolled back too; when it works, both are there."""
    from bot import outbox

    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    actor = await users.get(tg.db, minh.id)
    service = CaseService.of(tg.app.services)
    real = outbox.enqueue

    async def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox, "enqueue", broken)
    with pytest.raises(RuntimeError):
        await service.accept(actor, case, tg.clock.now())
    status = await tg.db.fetchvalue("SELECT status FROM cases WHERE id = ?", (case,))
    assert status == "received"  # nothing half done
    monkeypatch.setattr(outbox, "enqueue", real)
    await service.accept(actor, case, tg.clock.now())
    await tg.settle()
    assert "đã được cán bộ tiếp nhận" in lan.last_text


async def test_the_case_card_and_the_services_read_plainly(tg):
    """Copy: nothing done yet reads "chưa có" (not a bare dash), an unknown carer "không rõ";
    the ⚠️ of a service not confirmed is explained in a whole sentence."""
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan)  # caregiver "Not known", actions "Nothing yet"
    assert "✅ Đã làm: chưa có" in lan.bot_messages[-2].content  # the reporter's summary too
    await minh.send(f"/case {code}")
    card = minh.last_text
    assert "✅ Đã làm: chưa có" in card and "👪 Người đang chăm sóc: không rõ" in card
    assert ": —" not in card.replace("Người phụ trách: —", "")
    await _to_planning(tg, minh, await case_id(tg, code))
    await minh.send(f"/case {code}")
    await minh.press("📋 Kế hoạch hỗ trợ")
    await minh.press("🏥 Dịch vụ")
    answer = await minh.press("Y tế")
    assert answer["text"] == (
        "Dấu ⚠️ nghĩa là dịch vụ chưa được xác nhận: hãy kiểm tra trước khi giới thiệu gia đình đến."
    )
