"""Issue 9: /stats and /export through the bot — figures in Vietnamese, the documents, and who
may see what (district staff their district only, collaborators nothing)."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from storage import users
from tests.stats_support import CHILD_NAME, REPORTER_PHONE, seed
from tests.test_stats_figures import png_size


async def person(tg, name: str, role: str, district: str | None, user_id: int):
    user = tg.user(name, user_id=user_id)
    now = tg.clock.now()
    await users.touch(tg.db, user.id, name, "vi", now)
    await users.update(
        tg.db,
        user.id,
        now,
        role=role,
        district=district,
        onboarded=1,
        scope=(district if role == "staff" else None),
        status="active",
    )
    return user


async def test_district_staff_see_their_district_in_vietnamese(tg):
    await seed(tg)
    hoa = await person(tg, "Hoa", "staff", "Q8", 7001)
    await hoa.send("/stats Q1 2021")
    text = hoa.last_text
    assert "Thống kê quý 1/2021" in text
    assert "Khu vực Quận 8 cũ · số liệu lúc 25/05/2021 09:00" in text
    assert "Đã nhận: 3 (khẩn cấp: 1)" in text
    assert "Theo phường/xã: Phường Phú Định: 2 · Phường Bình Đông: 1" in text
    assert "Theo khu vực" not in text  # one area only
    assert "Tân Nhựt" not in text and "Bình Chánh" not in text
    # Plain sentences (the spread only from five cases on), numbers the Vietnamese way.
    assert "Thường tiếp nhận trong 4 giờ (3 hồ sơ)." in text
    assert "Thường đóng hồ sơ trong 30 ngày (3 hồ sơ)." in text
    assert "trung vị" not in text and "mốc" not in text
    assert "Còn mở cuối kỳ: 1" in text
    assert "Trễ 2 trên 4 thời hạn luật định (2 hồ sơ). Hiện đang quá hạn: 1." in text
    assert "Cộng tác viên tích cực: 3/3" in text
    # Events of Q8 and the programme-wide club (its Q8 people only), with attendance.
    assert "Sự kiện: 2 (hủy 0); tham gia 3, danh sách chờ 1, có mặt 3" in text
    assert "• Sinh hoạt CLB trẻ em (20/02): tham gia 1, chờ 0, có mặt 1" in text
    assert "• Tập huấn quyền trẻ em cho giáo viên (15/03): tham gia 2, chờ 1, có mặt 2" in text
    assert "Thông báo: 1, đến được 7/10 người, không liên lạc được 20%" in text
    assert "Thường trả lời trong 13,5 giờ (2 câu hỏi)." in text
    assert "/export Q1 2021 Q8" in text
    assert CHILD_NAME not in text and REPORTER_PHONE not in text
    # Staff get period buttons but no district switch.
    assert "✓ Quý trước" in hoa.buttons
    assert "Tất cả quận/huyện" not in hoa.buttons

    await hoa.press("Tháng này")
    assert "Thống kê tháng 5/2021" in hoa.last_text
    assert "Đã nhận: 0" in hoa.last_text
    assert "✓ Tháng này" in hoa.buttons


async def test_district_staff_cannot_see_another_district(tg):
    await seed(tg)
    hoa = await person(tg, "Hoa", "staff", "Q8", 7001)
    await hoa.send("/stats Q1 2021 BC")
    assert hoa.last_text == "Xin lỗi, anh/chị chỉ xem được số liệu của khu vực anh/chị phụ trách."
    await hoa.send("/export Q1 2021 all")
    assert hoa.last_text == "Xin lỗi, anh/chị chỉ xem được số liệu của khu vực anh/chị phụ trách."
    await hoa.send("/stats Q1 2021")
    before = hoa.last_text
    for forged in ("sta:p:q20211:BC", "sta:x:q20211:all", "sta:p:q20211:all"):
        answer = await hoa.press_data(forged)
        assert answer == {
            "text": "Xin lỗi, anh/chị chỉ xem được số liệu của khu vực anh/chị phụ trách.",
            "show_alert": True,
        }
    answer = await hoa.press_data("sta:p:q20219:Q8")
    assert answer == {
        "text": "Nút này đã hết hiệu lực. Bạn vui lòng dùng /menu.",
        "show_alert": True,
    }
    assert hoa.last_text == before
    assert not [m for m in hoa.bot_messages if m.document]
    exports = await tg.db.fetchvalue("SELECT count(*) FROM audit_log WHERE action = 'stats_export'")
    assert exports == 0


async def test_collaborators_and_parents_cannot_use_stats(tg):
    await seed(tg)
    mai = await person(tg, "Mai", "collaborator", "Q8", 7002)
    await mai.send("/stats Q1 2021")
    assert mai.last_text == "Phần thống kê dành cho cán bộ chương trình."
    await mai.send("/export Q1 2021")
    assert mai.last_text == "Phần thống kê dành cho cán bộ chương trình."
    await mai.send("📊 Thống kê")  # the staff menu label, typed
    assert mai.last_text == "Phần thống kê dành cho cán bộ chương trình."
    answer = await mai.press_data("sta:p:q20211:Q8")
    assert answer["show_alert"] is True
    assert "Đã nhận" not in " ".join(m.text or "" for m in mai.bot_messages)
    # A pending staff sign-up is not staff yet.
    binh = await person(tg, "Bình", "staff", "Q8", 7003)
    await users.update(tg.db, binh.id, tg.clock.now(), status="pending")
    await binh.send("/stats")
    assert binh.last_text == "Phần thống kê dành cho cán bộ chương trình."


async def test_administrators_see_all_and_can_narrow_to_a_district(tg):
    await seed(tg)
    admin = tg.admin
    await admin.send("/start")
    await admin.send("/stats quý 1 2021")
    text = admin.last_text
    assert "toàn chương trình" in text
    assert "Đã nhận: 4 (khẩn cấp: 2)" in text
    assert "Theo khu vực: Khu vực Quận 8 cũ: 3 · Khu vực Bình Chánh cũ: 1" in text
    assert "Thông báo: 2, đến được 10/14 người, không liên lạc được 14,3%" in text
    assert "Sự kiện: 2 (hủy 1); tham gia 4, danh sách chờ 1, có mặt 4" in text
    assert "• Sinh hoạt CLB trẻ em (20/02): tham gia 2, chờ 0, có mặt 2" in text
    assert "Truyền thông phòng chống xâm hại" not in text  # cancelled: not listed
    assert "✓ Toàn chương trình" in admin.buttons
    await admin.press("Khu vực Bình Chánh cũ")
    assert "Khu vực Bình Chánh cũ · số liệu lúc" in admin.last_text
    assert "Đã nhận: 1 (khẩn cấp: 1)" in admin.last_text


async def test_menu_button_and_a_period_that_cannot_be_read(tg):
    await seed(tg)
    hoa = await person(tg, "Hoa", "staff", "Q8", 7001)
    await hoa.send("/menu")
    await hoa.press("📊 Thống kê")
    assert "Thống kê tháng 5/2021" in hoa.last_text
    await hoa.send("/stats mùa mưa")
    assert hoa.last_text.startswith("Bot chưa hiểu kỳ thống kê này.")
    assert "Quý trước" in hoa.buttons  # and the common periods to choose from
    await hoa.send("/stats 30/06/2021-01/04/2021")
    assert hoa.last_text.startswith("Ngày bắt đầu phải trước ngày kết thúc.")
    await hoa.press("Quý trước")
    assert "Thống kê quý 1/2021" in hoa.last_text


async def test_export_sends_the_workbook_and_the_chart(tg):
    await seed(tg)
    hoa = await person(tg, "Hoa", "staff", "Q8", 7001)
    await hoa.send("/export Q1 2021")
    await tg.settle()
    documents = [m for m in hoa.bot_messages if m.document]
    assert [m.document["file_name"] for m in documents] == [
        "thong-ke_Q8_q20211.xlsx",
        "thong-ke_Q8_q20211.png",
    ]
    assert documents[0].caption == "📊 Thống kê quý 1/2021, Khu vực Quận 8 cũ: 3 báo cáo, 4 hồ sơ."
    assert any(
        "Đang chuẩn bị bảng tính và biểu đồ quý 1/2021, Khu vực Quận 8 cũ" in (m.text or "")
        for m in hoa.bot_messages
    )

    book = load_workbook(io.BytesIO(tg.server.file_bytes(documents[0].document["file_id"])))
    codes = [row[0] for row in book["Danh sách hồ sơ"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["TE-2020-0009", "TE-2021-0001", "TE-2021-0002", "TE-2021-0003"]
    summary = {row[0]: row[1] for row in book["Tóm tắt"].iter_rows(values_only=True)}
    assert summary["Phạm vi"] == "Khu vực Quận 8 cũ"
    assert summary["Số báo cáo nhận được"] == 3
    width, height = png_size(tg.server.file_bytes(documents[1].document["file_id"]))
    assert width > 600 and height > 300

    row = await tg.db.fetchone(
        "SELECT actor_id, detail FROM audit_log WHERE action = 'stats_export'"
    )
    assert row["actor_id"] == hoa.id
    assert json.loads(row["detail"]) == {"cases": 4, "district": "Q8", "period": "q20211"}


async def test_export_button_under_the_figures(tg):
    await seed(tg)
    admin = tg.admin
    await admin.send("/start")
    await admin.send("/stats Q1 2021 Q8")
    assert "Khu vực Quận 8 cũ · số liệu lúc" in admin.last_text
    answer = await admin.press("📥 Bảng tính và biểu đồ")
    assert answer == {"text": "Đang chuẩn bị bảng tính…", "show_alert": False}
    await tg.settle()
    names = [m.document["file_name"] for m in admin.bot_messages if m.document]
    assert names == ["thong-ke_Q8_q20211.xlsx", "thong-ke_Q8_q20211.png"]


def test_durations_read_as_plain_sentences():
    from zoneinfo import ZoneInfo

    from bot.i18n import I18n
    from bot.stats.figures import Durations
    from bot.stats.texts import clocks_text, durations_text

    vi = I18n(ZoneInfo("Asia/Ho_Chi_Minh"))("vi")
    en = I18n(ZoneInfo("Asia/Ho_Chi_Minh"))("en")
    quick = Durations(count=1, median_hours=0.001, p90_hours=0.001)
    assert durations_text(quick, vi) == "Thường tiếp nhận trong 1 phút (1 hồ sơ)."
    many = Durations(count=12, median_hours=3, p90_hours=30)
    assert durations_text(many, vi, "closure") == (
        "Thường đóng hồ sơ trong 3 giờ; 9/10 hồ sơ được đóng trong 30 giờ (12 hồ sơ)."
    )
    assert (
        durations_text(Durations(count=0, median_hours=None, p90_hours=None), en, "answer")
        == "No question was answered yet."
    )
    assert clocks_text(0, 3, 0, 0, vi) == "Đúng hạn cả 3 thời hạn luật định."
    assert clocks_text(0, 0, 0, 0, en) == "No legal time limit fell due in this period."


async def test_period_examples_follow_today_and_english_has_no_vietnamese(tg):
    import datetime as dt

    tg.clock.set(dt.datetime(2027, 8, 10, 3, 0, tzinfo=dt.UTC))
    hoa = await person(tg, "Hoa", "staff", "Q8", 7001)
    await hoa.send("/stats mùa mưa")
    assert "/stats tháng 8/2027" in hoa.last_text and "/stats quý 3 2027" in hoa.last_text
    assert "/stats 01/07/2027-30/09/2027" in hoa.last_text and "2021" not in hoa.last_text
    await users.update(tg.db, hoa.id, tg.clock.now(), language="en")
    await hoa.send("/stats rainy season")
    assert "/stats this month" in hoa.last_text and "/stats Q3 2027" in hoa.last_text
    assert "tháng" not in hoa.last_text
    await hoa.send("/materials")
    assert "“abuse”" in hoa.last_text and "bạo lực" not in hoa.last_text
    await hoa.send("/materials 111")
    assert "Results for “111”:" in hoa.last_text and "result(s)" not in hoa.last_text
