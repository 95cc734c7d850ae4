"""/events for people and staff: relevance, pages, Join / Not going, the waiting list,
.ics parsed back, CSV read back, the guided creation, cancelling from the card."""

from __future__ import annotations

import csv
import datetime as dt
import io

import icalendar

from bot.crypto import cipher_for
from bot.events import service
from storage import audit, users
from storage import events as store
from storage import reminders as reminder_store
from tests.events_helpers import local, make_event, person, received


def documents(user):
    return [m for m in user.bot_messages if m.document]


async def test_events_are_relevant_nearest_first_and_paginated(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    mai = await person(tg, "Mai")  # a parent without a district
    for day in (9, 3, 5, 7, 4, 8):  # six Q8 club days, created out of order
        await make_event(
            tg,
            title=f"CLB ngày {day}/6",
            start=local(2021, 6, day, 8, 0),
            audience=("collaborators",),
        )
    await make_event(tg, title="CLB Bình Chánh", district="BC", start=local(2021, 6, 2, 8, 0))
    await make_event(
        tg,
        title="Tập huấn giáo viên",
        kind="training",
        district=None,
        audience=("teachers",),
        start=local(2021, 6, 10, 8, 0),
    )
    await lan.send("/events")
    first = lan.last_text
    assert "trang 1/2" in first
    assert [
        line.split(". ", 1)[1].split("\n")[0]
        for line in first.split("\n")
        if line[:2] in ("1.", "2.", "3.", "4.", "5.")
    ] == [
        "🧒 CLB ngày 3/6",
        "🧒 CLB ngày 4/6",
        "🧒 CLB ngày 5/6",
        "🧒 CLB ngày 7/6",
        "🧒 CLB ngày 8/6",
    ]
    assert "Bình Chánh" not in first and "giáo viên" not in first
    await lan.press("Sau ›")
    assert "CLB ngày 9/6" in lan.last_text and "trang 2/2" in lan.last_text
    # The event's audience decides: a parent's list has neither collaborators' days nor the
    # teachers' training; a teacher among the public finds it on request.
    await mai.send("sự kiện")  # typed, as the menu button or by hand
    assert "Tập huấn giáo viên" not in mai.last_text and "CLB ngày" not in mai.last_text
    await mai.press("🎓 Tập huấn cho giáo viên, chủ doanh nghiệp, công an (1)")
    assert "Tập huấn giáo viên" in mai.last_text
    await mai.press("1. 10/06 · Tập huấn giáo viên")
    assert "Dành cho: giáo viên" in mai.last_text
    await mai.press("‹ Về danh sách")
    assert "Tập huấn cho giáo viên" in mai.last_text


async def test_card_shows_the_weekday_and_downloads_a_valid_ics(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    await make_event(
        tg,
        title="Ngày hội, CLB; Phường 5",
        start=local(2021, 6, 1, 8, 30),
        end=local(2021, 6, 1, 11, 0),
        place="Nhà văn hoá P5, 12 Đường số 3",
        description="Mang theo nước uống.\nPhụ huynh đón lúc 11h.",
    )
    await lan.send("/events")
    await lan.press("1. 01/06 · Ngày hội, CLB; Phường 5")
    assert "Thứ Ba, 01/06/2021, 08:30 – 11:00" in lan.last_text
    await lan.press("📅 Thêm vào lịch điện thoại (.ics)")
    document = documents(lan)[-1]
    raw = tg.server.files[document.document["file_id"]].data
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ngày hội, CLB; Phường 5"
    assert str(event["LOCATION"]) == "Nhà văn hoá P5, 12 Đường số 3"
    assert str(event["DESCRIPTION"]) == "Mang theo nước uống.\nPhụ huynh đón lúc 11h."
    assert event.decoded("DTSTART") == dt.datetime(2021, 6, 1, 1, 30, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2021, 6, 1, 4, 0, tzinfo=dt.UTC)
    assert str(event["STATUS"]) == "CONFIRMED"


async def test_all_day_events_are_dates_in_ics():
    from zoneinfo import ZoneInfo

    from bot.events import ics
    from storage.models import Event

    hcmc = ZoneInfo("Asia/Ho_Chi_Minh")
    month = Event(
        id=7,
        title="Tháng hành động vì trẻ em",
        description="",
        kind="campaign",
        starts_at=local(2021, 6, 1),
        ends_at=local(2021, 7, 1),
        all_day=True,
        place="",
        district=None,
        ward=None,
        audience=frozenset({"everyone"}),
        capacity=None,
        registration_deadline=None,
        recurrence="yearly",
        reminder_offsets=(),
        countdown_days=(7,),
        status="cancelled",
        sequence=3,
    )
    raw = ics.calendar([month], hcmc, local(2021, 5, 25, 9))
    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert event.decoded("DTSTART") == dt.date(2021, 6, 1)
    assert event.decoded("DTEND") == dt.date(2021, 7, 1)  # exclusive: 30/6 is the last day
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 3


async def test_waiting_list_and_promotion_with_a_message(tg):
    an = await person(tg, "An")
    binh = await person(tg, "Bình")
    chi = await person(tg, "Chi")
    event_id = await make_event(
        tg,
        title="Tập huấn giáo viên",
        kind="training",
        district=None,
        audience=("parents", "teachers"),
        capacity=1,
        start=local(2021, 6, 10, 8, 0),
    )
    for user in (an, binh, chi):
        await user.send("/events")
        await user.press("1. 10/06 · Tập huấn giáo viên")
    answer = await an.press("📝 Đăng ký")
    assert answer["text"] == "Đã đăng ký. Hẹn gặp bạn!"
    assert "✅ Bạn đã đăng ký." in an.last_text and "1/1" in an.last_text
    answer = await binh.press("📝 Đăng ký")
    assert "danh sách chờ" in answer["text"] and answer["show_alert"]
    await chi.press("📝 Đăng ký")
    assert "xếp thứ 2" in chi.last_text
    assert await store.counts(tg.db, event_id) == store.Counts(going=1, waiting=2)
    await an.press("🙅 Không tham gia")
    assert "Bạn đã báo không tham gia." in an.last_text
    [message] = received(binh, "Đã có chỗ trống")
    assert "Tập huấn giáo viên" in message
    assert received(chi, "Đã có chỗ trống") == []
    assert await store.counts(tg.db, event_id) == store.Counts(going=1, waiting=1, declined=1)
    await chi.send("/events")
    await chi.press("1. 10/06 · Tập huấn giáo viên")
    assert "xếp thứ 1" in chi.last_text
    # An changes her mind: the place is taken, so she queues behind Chi.
    await an.send("/events")
    await an.press("1. 10/06 · Tập huấn giáo viên")
    await an.press("📝 Đăng ký")
    assert "xếp thứ 2" in an.last_text


async def test_forged_and_foreign_buttons_change_nothing(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    hoa_event = await make_event(tg, title="CLB Bình Chánh", district="BC")
    await lan.send("/events")
    answer = await lan.press_data(f"ev:j:{hoa_event}")
    assert answer["show_alert"] and "không còn nữa" in answer["text"]
    answer = await lan.press_data("ev:j:999999")
    assert answer["show_alert"]
    answer = await lan.press_data(f"eva:cancel:{hoa_event}")
    assert answer["show_alert"]
    assert await store.counts(tg.db, hoa_event) == store.Counts()
    assert (await store.get(tg.db, hoa_event)).is_active


async def test_staff_figures_and_csv_read_back(tg):
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    lan = await person(tg, "Lan", role="collaborator", district="Q8", ward="27418")
    await users.update(tg.db, lan.id, tg.clock.now(), display_name='=HYPERLINK("x")')
    await users.set_phone(tg.db, cipher_for(tg.app.services), lan.id, "84901234567", tg.clock.now())
    mai = await person(tg, "Nguyễn Thị Mai", role="collaborator", district="Q8")
    event_id = await make_event(
        tg, title="Tập huấn CTV", kind="training", capacity=1, start=local(2021, 6, 15, 8, 0)
    )
    for user in (lan, mai):
        await service.join(tg.db, await users.get(tg.db, user.id), event_id, tg.clock.now())
    await staff.send("/events")
    await staff.press("1. 15/06 · Tập huấn CTV")
    assert "Số chỗ: 1/1" in staff.last_text and "Danh sách chờ: 1" in staff.last_text
    await staff.press("📋 Danh sách đăng ký (.csv)")
    document = documents(staff)[-1]
    raw = tg.server.files[document.document["file_id"]].data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:7] == [
        "STT",
        "Họ và tên",
        "Vai trò",
        "Khu vực",
        "Phường/Xã",
        "Số điện thoại",
        "Trạng thái",
    ]
    assert rows[1][1:7] == [
        '\'=HYPERLINK("x")',
        "Cộng tác viên",
        "Khu vực Quận 8 cũ",
        "Phường Chánh Hưng",
        "84901234567",
        "Đã đăng ký",
    ]
    assert rows[2][1] == "Nguyễn Thị Mai" and rows[2][6] == "Danh sách chờ"
    assert "Đã đăng ký: 1 · chờ: 1" in document.content
    exported = [
        e
        for e in await audit.entries(tg.db, "event", event_id)
        if e.action == "event_registrations_exported"
    ]
    assert exported and exported[0].actor_id == staff.id


async def test_staff_create_an_event_step_by_step(tg):
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    await staff.send("/newevent")
    await staff.send("Hè vui an toàn")
    await staff.press("🧒 Sinh hoạt câu lạc bộ trẻ em")
    await staff.send_sticker()
    assert "giờ bắt đầu" in staff.last_text
    await staff.send("8h 20/5/2021")
    assert "đã qua" in staff.last_text
    await staff.send("31/2 8h")
    assert "Không có ngày này" in staff.last_text
    await staff.send("8h30 1/6")
    assert (
        "Bắt đầu: <b>Thứ Ba, 01/06/2021, 08:30</b>" in staff.last_text
        or "Thứ Ba, 01/06/2021, 08:30" in staff.last_text
    )
    await staff.send("7h")
    assert "phải sau giờ bắt đầu (Thứ Ba, 01/06/2021, 08:30)" in staff.last_text
    await staff.send("11h")
    assert "Thứ Ba, 01/06/2021, 11:00" in staff.last_text
    await staff.send("Nhà văn hoá Phường 5")
    await staff.press("▫️ phụ huynh")
    await staff.press("▫️ cộng tác viên")
    await staff.press("Xong ›")
    await staff.send("không giới hạn")
    assert "số nguyên" in staff.last_text
    await staff.send("30")
    # The registration deadline: a choice, or a typed day and time.
    assert "Hạn đăng ký đến khi nào?" in staff.last_text and "17h 31/05" in staff.last_text
    await staff.send("8h 2/6")
    assert "trước giờ bắt đầu" in staff.last_text
    await staff.send("17h 30/5")
    assert "Hạn đăng ký: <b>Chủ Nhật, 30/05/2021, 17:00</b>" in staff.last.raw_text
    # The reminders: the usual three ticked; one added, one removed.
    assert staff.buttons[:5] == [
        "✅ Trước 7 ngày",
        "▫️ Trước 3 ngày",
        "✅ Trước 1 ngày",
        "✅ Trước 2 giờ",
        "▫️ Trước 1 giờ",
    ]
    await staff.press("✅ Trước 7 ngày")
    await staff.press("▫️ Trước 3 ngày")
    await staff.press("Xong ›")
    assert any(
        m.content == "Nhắc lịch: trước 3 ngày, trước 1 ngày, trước 2 giờ."
        for m in staff.bot_messages
    )
    await staff.send("bỏ qua")
    assert "Hè vui an toàn" in staff.last_text and "Quận 8" in staff.last_text
    assert "Hạn đăng ký: Chủ Nhật, 30/05/2021, 17:00" in staff.last_text
    await staff.press("✅ Lưu")
    assert "Đã lưu" in staff.last_text and "Thứ Bảy, 29/05/2021, 08:30" in staff.last_text
    assert "Thứ Hai, 31/05/2021, 08:30" in staff.last_text
    [event] = await store.upcoming(tg.db, tg.clock.now())
    assert (event.title, event.district, event.capacity, event.place) == (
        "Hè vui an toàn",
        "Q8",
        30,
        "Nhà văn hoá Phường 5",
    )
    assert event.registration_deadline == local(2021, 5, 30, 17, 0)
    assert event.reminder_offsets == (3 * 1440, 1440, 120)
    assert event.audience == {"parents", "collaborators"}
    assert event.starts_at == local(2021, 6, 1, 8, 30)


async def test_collaborators_cannot_create_events(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    await lan.send("/newevent")
    assert "Chỉ cán bộ" in lan.last_text
    assert await store.upcoming(tg.db, tg.clock.now()) == []


async def test_staff_move_and_cancel_from_the_card(tg):
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    event_id = await make_event(tg, title="Sinh hoạt CLB")
    await service.join(tg.db, await users.get(tg.db, lan.id), event_id, tg.clock.now())
    await staff.send("/events")
    await staff.press("1. 01/06 · Sinh hoạt CLB")
    await staff.press("✏️ Sửa")
    await staff.press("🕗 Thời gian")
    await staff.send("14h 2/6")
    await staff.send("16h")
    assert "Đã cập nhật" in staff.last_text
    await tg.tick()
    [notice] = received(lan, "Đổi giờ")
    assert "Thứ Tư, 02/06/2021, 14:00 – 16:00" in notice
    await staff.send("/events")
    await staff.press("1. 02/06 · Sinh hoạt CLB")
    await staff.press("❌ Hủy sự kiện")
    assert "1 người đã đăng ký" in staff.last_text
    await staff.press("❌ Đồng ý hủy")
    assert "Đã hủy" in staff.last_text
    await tg.tick()
    assert len(received(lan, "Đã hủy")) == 1
    assert not (await store.get(tg.db, event_id)).is_active
    assert await reminder_store.for_event(tg.db, event_id, "pending") == []
    await lan.send("/events")
    assert "Sinh hoạt CLB" not in lan.last_text
