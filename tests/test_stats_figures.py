"""Issue 9: every figure of Q1 2021 on a database with known data, the workbook's cells read
back with openpyxl, and the chart PNG — all against values computed by hand (stats_support)."""

from __future__ import annotations

import datetime as dt
import io
import struct

import pytest
from openpyxl import load_workbook

from bot.stats import chart, figures, period, workbook
from bot.stats.figures import percentile
from tests.stats_support import (
    CHILD_NAME,
    DESCRIPTION,
    POSTER,
    PRINT_PLACE,
    QUESTION_TEXT,
    REPORTER_PHONE,
    seed,
)

TZ_Q1 = period.quarter(2021, 1)


async def q1(tg, district=None):
    await seed(tg)
    return await figures.collect(
        tg.db, TZ_Q1, district, tg.clock.now(), tg.app.services.settings.timezone
    )


def test_percentiles_by_linear_interpolation():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([10, 2, 4], 0.5) == 4
    assert percentile([10, 2, 4], 0.9) == pytest.approx(8.8)  # 4 + 0.8 × (10 − 4)
    assert percentile([1, 2, 3, 4], 0.5) == 2.5


async def test_report_and_case_figures_for_all_districts(tg):
    found = await q1(tg)
    reports, cases = found.reports, found.cases
    # Cases 1–3 (Q8) and 4 (BC, 23:00 on 31 March local); not case 6 (01:00 on 1 April).
    assert reports.received == 4
    assert reports.urgent == 2
    assert reports.by_district == {"Q8": 3, "BC": 1}
    assert reports.by_ward == {"27427": 2, "27595": 1, "27424": 1}
    assert reports.by_group == {"l": 2, "b": 1, "i": 1, "risk": 1}
    assert reports.by_risk == {"": 1, "high": 1, "low": 1, "medium": 1}
    assert reports.by_month == {
        (2021, 1): {"Q8": 1},
        (2021, 2): {"Q8": 1},
        (2021, 3): {"Q8": 1, "BC": 1},
    }
    # Accepted in Q1: after 2 h, 10 h and 4 h (case 4 was accepted in April).
    assert reports.to_acceptance.count == 3
    assert reports.to_acceptance.median_hours == 4
    assert reports.to_acceptance.p90_hours == pytest.approx(8.8)
    # Closed in Q1: after 720 h (30 days), 120 h (5 days) and 744 h (31 days, from 2020).
    assert reports.to_closure.count == 3
    assert reports.to_closure.median_hours == 720
    assert reports.to_closure.p90_hours == pytest.approx(739.2)
    assert cases.open_at_end == 2  # cases 2 and 4
    assert cases.open_by_district == {"BC": 1, "Q8": 1}
    assert cases.referred == 2  # referrals in February and March; the April one is Q2
    assert cases.closed == 3
    assert cases.closed_by_outcome == {"duplicate": 1, "referred": 1, "resolved": 1}
    clocks = {clock.kind: (clock.deadlines, clock.missed) for clock in cases.clocks}
    assert clocks == {"emergency": (1, 0), "plan": (3, 2)}
    assert cases.clocks_missed == 2
    assert cases.overdue_cases == 2  # cases 1 (plan met late) and 2 (plan never met)
    assert cases.overdue_now == 1  # case 2, on 25 May
    assert [row.code for row in cases.rows] == [
        "TE-2020-0009",
        "TE-2021-0001",
        "TE-2021-0002",
        "TE-2021-0003",
        "BC-2021-0001",
    ]


async def test_network_figures_for_all_districts(tg):
    found = await q1(tg)
    people = found.collaborators
    assert (
        people.approved,
        people.active,
        people.reported,
        people.registered_for_events,
        people.joined,
    ) == (5, 4, 3, 2, 1)
    events = found.events
    assert [(row.id, row.going, row.waiting, row.declined) for row in events.rows] == [
        (3, 0, 0, 0),
        (2, 2, 0, 0),
        (1, 2, 1, 1),
    ]
    assert (events.held, events.cancelled, events.going, events.waiting) == (2, 1, 4, 1)
    # Attendance: training 204 + 302 (from the waiting list), club 203 + 202.
    assert [(row.id, row.attended) for row in events.rows] == [(3, 0), (2, 2), (1, 2)]
    assert events.attended == 4
    materials = found.materials
    assert [(row.title, row.deliveries, row.files, row.people) for row in materials.rows] == [
        ("Quyền trẻ em", 3, 2, 2),
        ("Đường dây nóng 111", 1, 0, 1),
    ]
    assert materials.delivered == 4
    assert materials.print_by_status == {
        "delivered": (1, 100),
        "requested": (1, 50),
        "rejected": (1, 20),
    }
    broadcasts = found.broadcasts
    assert (
        broadcasts.broadcasts,
        broadcasts.recipients,
        broadcasts.reached,
        broadcasts.unreachable,
    ) == (2, 14, 10, 2)
    assert broadcasts.unreachable_share == pytest.approx(2 / 14)
    assert broadcasts.by_kind() == {
        "broadcast": (1, 10, 7, 2),
        "urgent": (1, 4, 3, 0),
        "reminder": (1, 2, 2, 0),
    }
    questions = found.questions
    assert (questions.asked, questions.answered, questions.danger) == (3, 2, 1)
    assert questions.by_state == {"answered": 1, "closed": 1, "open": 1}
    assert questions.to_answer.median_hours == pytest.approx(13.5)  # 3 h and 24 h
    assert questions.to_answer.p90_hours == pytest.approx(21.9)
    assert [(row.source, row.public, row.collaborators, row.staff) for row in found.sources] == [
        (None, 1, 2, 0),
        ("fb", 1, 0, 0),
        (POSTER, 1, 0, 0),
    ]
    assert found.sources[2].poster_material == "Quyền trẻ em"
    assert found.sources[2].poster_ward == "27427"
    assert found.new_users == 5


async def test_one_district_sees_only_its_own(tg):
    found = await q1(tg, "Q8")
    assert found.reports.received == 3
    assert found.reports.by_district == {"Q8": 3}
    assert found.reports.by_ward == {"27427": 2, "27424": 1}
    assert found.cases.open_at_end == 1
    assert found.cases.referred == 2
    assert {row.district for row in found.cases.rows} == {"Q8"}
    people = found.collaborators
    assert (
        people.approved,
        people.active,
        people.reported,
        people.registered_for_events,
        people.joined,
    ) == (3, 3, 2, 2, 1)
    # The district's own training, and the programme-wide club counting Q8 people only.
    assert [(row.id, row.going, row.waiting) for row in found.events.rows] == [(2, 1, 0), (1, 2, 1)]
    # At the programme-wide club only 202 is of Q8 (203 is of BC); the training is Q8's own.
    assert [(row.id, row.attended) for row in found.events.rows] == [(2, 1), (1, 2)]
    assert found.events.attended == 3
    assert [(row.title, row.deliveries) for row in found.materials.rows] == [("Quyền trẻ em", 2)]
    assert found.materials.print_by_status == {"delivered": (1, 100), "requested": (1, 50)}
    assert (found.broadcasts.broadcasts, found.broadcasts.recipients, found.broadcasts.reached) == (
        1,
        10,
        7,
    )
    assert found.broadcasts.unreachable_share == pytest.approx(0.2)
    assert found.questions.asked == 2
    assert found.new_users == 3


async def test_empty_period_has_zeros_not_errors(tg):
    empty = await figures.collect(
        tg.db, period.quarter(2020, 1), None, tg.clock.now(), tg.app.services.settings.timezone
    )
    assert empty.reports.received == 0
    assert empty.reports.to_acceptance.median_hours is None
    assert empty.broadcasts.unreachable_share is None
    assert list(empty.reports.by_month) == [(2020, 1), (2020, 2), (2020, 3)]
    book = load_workbook(
        io.BytesIO(workbook.build(empty, tg.app.services.areas, tg.app.services.i18n("vi")))
    )
    assert book["Danh sách hồ sơ"].max_row == 1  # headers only
    assert chart.render(empty, tg.app.services.areas, tg.app.services.i18n("vi")).startswith(
        b"\x89PNG"
    )


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def test_workbook_cells_read_back(tg):
    found = await q1(tg)
    data = workbook.build(found, tg.app.services.areas, tg.app.services.i18n("vi"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Tóm tắt",
        "Báo cáo",
        "Danh sách hồ sơ",
        "Cộng tác viên",
        "Sự kiện",
        "Tài liệu",
        "Yêu cầu in",
        "Thông báo",
        "Câu hỏi",
        "Người dùng mới",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet["A1"].font.bold, sheet.title
        assert sheet.column_dimensions["A"].width >= workbook.MIN_WIDTH

    summary = {row[0]: row[1] for row in _rows(book["Tóm tắt"])[1:]}
    assert summary["Kỳ báo cáo"] == "quý 1/2021"
    assert summary["Phạm vi"] == "toàn chương trình"
    assert summary["Số báo cáo nhận được"] == 4
    assert summary["Thời gian từ báo cáo đến khi tiếp nhận: trung vị (giờ)"] == 4
    assert summary["Thời gian từ báo cáo đến khi tiếp nhận: phân vị 90 (giờ)"] == pytest.approx(8.8)
    assert summary["Thời gian từ báo cáo đến khi đóng hồ sơ: trung vị (giờ)"] == 720
    assert summary["Hồ sơ còn mở cuối kỳ"] == 2
    assert summary["Hồ sơ đã chuyển gửi dịch vụ"] == 2
    assert summary["Hồ sơ đã đóng"] == 3
    assert summary["Hồ sơ đang quá hạn"] == 1
    assert summary["Cộng tác viên tích cực"] == 4
    assert summary["Tỉ lệ không liên lạc được"] == pytest.approx(2 / 14)
    assert summary["Người dùng mới"] == 5

    reports = _rows(book["Báo cáo"])
    assert reports[0] == ["Phân loại", "Mục", "Số báo cáo"]
    assert ["Khu vực", "Khu vực Quận 8 cũ", 3] in reports
    assert ["Phường/xã", "Phường Phú Định", 2] in reports
    assert ["Phường/xã", "Xã Tân Nhựt", 1] in reports
    assert ["Nhóm trẻ em", "l) Bị xâm hại tình dục", 2] in reports
    assert ["Mức khẩn cấp", "Khẩn cấp", 2] in reports
    assert ["Tháng", "03/2021 — Khu vực Bình Chánh cũ", 1] in reports

    case_rows = _rows(book["Danh sách hồ sơ"])
    header = case_rows[0]
    first = dict(zip(header, case_rows[2], strict=True))
    assert first["Mã hồ sơ"] == "TE-2021-0001"
    assert first["Phường/xã"] == "Phường Phú Định"
    assert first["Ngày nhận"] == dt.datetime(2021, 1, 5, 8, 0)  # local time
    assert first["Nhóm trẻ em"] == "l) Bị xâm hại tình dục; i) Tổn hại nghiêm trọng do bạo lực"
    assert first["Khẩn cấp"] == "có"
    assert first["Mức nguy cơ"] == "cao"
    assert first["Kết quả"] == "Chuyển gửi dịch vụ"
    assert first["Số giờ đến khi tiếp nhận"] == 2
    assert first["Số giờ đến khi đóng hồ sơ"] == 720
    assert first["Trễ hạn trong kỳ"] == "có"
    assert (
        book["Danh sách hồ sơ"].cell(row=3, column=header.index("Ngày nhận") + 1).number_format
        == workbook.DATETIME_FORMAT
    )

    events = _rows(book["Sự kiện"])
    training = dict(zip(events[0], events[3], strict=True))
    assert training["Sự kiện"] == "Tập huấn quyền trẻ em cho giáo viên"
    assert (training["Tham gia"], training["Danh sách chờ"], training["Không tham gia"]) == (
        2,
        1,
        1,
    )
    assert training["Có mặt"] == 2
    club = dict(zip(events[0], events[2], strict=True))
    assert (club["Sự kiện"], club["Có mặt"]) == ("Sinh hoạt CLB trẻ em", 2)
    assert summary["Lượt có mặt tại sự kiện"] == 4
    broadcasts = _rows(book["Thông báo"])
    first_send = dict(zip(broadcasts[0], broadcasts[1], strict=True))
    assert (
        first_send["Số người nhận"],
        first_send["Đã nhận"],
        first_send["Không liên lạc được"],
    ) == (10, 7, 2)
    assert first_send["Tỉ lệ không liên lạc được"] == pytest.approx(0.2)
    sources = _rows(book["Người dùng mới"])
    assert sources[3][0] == "Áp phích: Quyền trẻ em — Phường Phú Định"
    assert sources[1][0] == "Trực tiếp (không qua liên kết)"
    assert sources[1][-1] == 3

    # No personal data anywhere in the file.
    text = "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )
    for secret in (
        CHILD_NAME,
        DESCRIPTION,
        REPORTER_PHONE,
        QUESTION_TEXT,
        PRINT_PLACE,
        "Cô Lan",
        "gAAAA",
    ):
        assert secret not in text


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


async def test_chart_is_a_png_of_the_expected_size(tg, tmp_path):
    found = await q1(tg)
    data = chart.render(found, tg.app.services.areas, tg.app.services.i18n("vi"))
    width, height = png_size(data)
    assert (width, height) == (
        int(chart.SIZE_INCHES[0] * chart.DPI),
        int(chart.SIZE_INCHES[1] * chart.DPI),
    )
    assert data.endswith(b"IEND\xaeB`\x82")
    (tmp_path / "chart.png").write_bytes(data)
