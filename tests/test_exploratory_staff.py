"""Exploratory QA of the staff and administrator journeys: each test pins a problem found by
using the bot as district staff would (typed answers, no diacritics, wrong files)."""

from __future__ import annotations

from storage import materials
from tests.reports_support import person
from tests.test_broadcast import compose, seed, staff_member


async def test_broadcast_schedule_reads_times_typed_the_vietnamese_way(tg):
    await seed(tg)
    lan = await staff_member(tg)
    await compose(lan, "Họp phụ huynh")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    await lan.press("🕒 Hẹn giờ gửi")
    await lan.send("mai")  # a day without its hour is still not enough
    assert "thêm giờ" in lan.last_text
    await lan.send("8h30 ngay 28/5")
    assert "đã hẹn gửi lúc Thứ Sáu, 28/05/2021 08:30" in lan.last_text


async def test_broadcast_schedule_accepts_tomorrow_and_an_hour(tg):
    await seed(tg)
    lan = await staff_member(tg)
    await compose(lan, "Họp phụ huynh")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    await lan.press("🕒 Hẹn giờ gửi")
    await lan.send("mai 8h")
    assert "đã hẹn gửi lúc Thứ Tư, 26/05/2021 08:00" in lan.last_text


async def test_stats_district_may_come_first_and_periods_need_no_year(tg):
    await tg.admin.send("/start")
    await tg.admin.send("/stats BC quy 1")
    assert "Thống kê quý 1/2021" in tg.admin.last_text
    assert "Khu vực Bình Chánh cũ" in tg.admin.last_text
    staff = await person(tg, "Thu", role="staff", ward=None)
    await staff.send("/stats thang 4")
    assert "Thống kê tháng 4/2021" in staff.last_text
    await staff.send("/stats thang 12")  # December has not come yet: last year's
    assert "Thống kê tháng 12/2020" in staff.last_text
    await staff.send("/stats quy 3")
    assert "Thống kê quý 3/2020" in staff.last_text
    await staff.send("/stats BC quy 1")  # still their own district only
    assert "chỉ xem được số liệu của khu vực anh/chị phụ trách" in staff.last_text


async def test_a_too_long_event_name_is_called_an_event_name(tg):
    staff = await person(tg, "Thu", role="staff", ward=None)
    await staff.send("/newevent")
    await staff.send("T" * 300)
    assert "tên sự kiện dài từ 3 đến 120 ký tự" in staff.last_text
    assert "tài liệu" not in staff.last_text
    await staff.send("Tập huấn kỹ năng an toàn")
    assert "loại sự kiện" in staff.last_text


async def test_a_program_file_never_becomes_a_material(tg):
    staff = await person(tg, "Hoa", role="staff", ward=None)
    before = len(await materials.listing(tg.db))
    await staff.send_document("cai-dat.apk", b"PK\x03\x04 android package")
    assert "không dùng làm tài liệu" in staff.last_text
    await staff.send("Tờ rơi mới")  # no title step was opened for it
    assert len(await materials.listing(tg.db)) == before
    await staff.send_document("to-roi.pdf", b"%PDF-1.4 leaflet")
    assert "Tên tài liệu là gì?" in staff.last_text
