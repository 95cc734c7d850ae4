"""Issue 9 on top of issue 6: staff take attendance at an event, as they would in the bot.

Marking and unmarking from the event's card, the pages of the roster, who may do it (the
event's district staff and administrators; not another district, not a collaborator, not a
forged button), nothing before the start, the audit trail, the CSV column and the figures of
/stats and /export.
"""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from bot.stats import figures, period, workbook
from storage import attendance, audit, users
from storage import events as store
from tests.events_helpers import local, make_event, person

TITLE = "Sinh hoạt CLB Phường 5"


def keyboard_data(user) -> list[str]:
    """Callback data of every button of the newest message with inline buttons."""
    for message in reversed(user.bot_messages):
        if message.inline_keyboard:
            return [
                button["callback_data"]
                for row in message.inline_keyboard
                for button in row
                if "callback_data" in button
            ]
    return []


async def setup_event(tg, *, capacity=2, district="Q8", title=TITLE):
    """A Q8 club this morning (10:00–12:00; the clock is at 09:00) with two people who have a
    place, one on the waiting list and one who said "Not going"."""
    event_id = await make_event(
        tg,
        title=title,
        start=local(2021, 5, 25, 10, 0),
        end=local(2021, 5, 25, 12, 0),
        capacity=capacity,
        district=district,
    )
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    mai = await person(tg, "Mai", role="collaborator", district="Q8")
    hung = await person(tg, "Hùng", role="collaborator", district="Q8")
    tam = await person(tg, "Tâm", role="collaborator", district="Q8")
    now = tg.clock.now()
    for user, state in ((lan, "going"), (mai, "going"), (hung, "waiting"), (tam, "declined")):
        await store.set_registration(tg.db, event_id, user.id, state, now, rejoined=True)
    return event_id, lan, mai, hung, tam


async def open_roster(staff) -> None:
    await staff.send("/events")
    await staff.press(f"1. 25/05 · {TITLE}")
    await staff.press("✅ Điểm danh")


async def actions(tg, event_id) -> list[tuple[int, str, dict]]:
    return [
        (entry.actor_id, entry.action, entry.detail)
        for entry in await audit.entries(tg.db, "event", event_id)
        if entry.action.startswith("event_attendance")
    ]


async def test_staff_mark_and_unmark_from_the_card(tg):
    event_id, lan, mai, hung, tam = await setup_event(tg)
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    tg.clock.advance(minutes=65)  # 10:05, the club has started
    await open_roster(staff)
    text = staff.last_text
    assert f"Điểm danh: {TITLE}" in text
    assert "Thứ Ba, 25/05/2021, 10:00 – 12:00" in text
    assert "Có mặt: 0/3 người đăng ký" in text  # Tâm said "Not going": not listed
    people = [label for label in staff.buttons if label.startswith(("▫️", "✓"))]
    assert people == ["▫️ Lan", "▫️ Mai", "▫️ Hùng (đang chờ)"]
    assert all(len(data.encode()) <= 64 for data in keyboard_data(staff))

    answer = await staff.press("▫️ Lan")
    assert answer["text"] == "✓ Đã ghi có mặt."
    assert "✓ Lan" in staff.buttons and "Có mặt: 1/3 người đăng ký" in staff.last_text
    await staff.press("▫️ Hùng (đang chờ)")  # came from the waiting list: counts too
    assert "Có mặt: 2/3 người đăng ký" in staff.last_text
    row = await tg.db.fetchone(
        "SELECT marked_by, marked_at FROM event_attendance WHERE event_id = ? AND telegram_id = ?",
        (event_id, lan.id),
    )
    assert row[0] == staff.id and row[1] == "2021-05-25T03:05:00Z"

    answer = await staff.press("✓ Lan")  # tapped by mistake: undo
    assert answer["text"] == "Đã bỏ đánh dấu."
    assert "▫️ Lan" in staff.buttons and "Có mặt: 1/3 người đăng ký" in staff.last_text
    assert not await attendance.attended(tg.db, event_id, lan.id)
    assert await attendance.attended(tg.db, event_id, hung.id)

    # A double tap (the old button pressed again) changes and audits nothing more.
    await staff.press_data(f"evt:u:{event_id}:{lan.id}:0")
    assert await actions(tg, event_id) == [
        (staff.id, "event_attendance_marked", {"person": lan.id}),
        (staff.id, "event_attendance_marked", {"person": hung.id}),
        (staff.id, "event_attendance_unmarked", {"person": lan.id}),
    ]
    # Ids only in the audit trail: no name.
    details = await tg.db.fetchall("SELECT detail FROM audit_log")
    assert not any("Lan" in row[0] or "Hùng" in row[0] for row in details)

    await staff.press("‹ Quay lại sự kiện")
    assert TITLE in staff.last_text and "✅ Điểm danh" in staff.buttons


async def test_attendance_opens_only_when_the_event_starts(tg):
    event_id, lan, *_ = await setup_event(tg)
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    await staff.send("/events")
    await staff.press(f"1. 25/05 · {TITLE}")
    before = staff.last_text
    answer = await staff.press("✅ Điểm danh")
    assert answer == {
        "text": "Điểm danh mở khi sự kiện bắt đầu: Thứ Ba, 25/05/2021, 10:00.",
        "show_alert": True,
    }
    assert staff.last_text == before
    answer = await staff.press_data(f"evt:m:{event_id}:{lan.id}:0")  # forged ahead of time
    assert answer["show_alert"] is True
    assert await attendance.count(tg.db, event_id) == 0
    await staff.send("/attendance")
    assert staff.last_text.startswith("Chưa có sự kiện nào để điểm danh")

    tg.clock.advance(hours=1)  # 10:00 sharp
    await staff.send("/attendance")
    await staff.press(f"25/05 10:00 · {TITLE}")
    assert "Có mặt: 0/3 người đăng ký" in staff.last_text


async def test_who_may_take_attendance(tg):
    event_id, lan, mai, hung, tam = await setup_event(tg)
    bc_staff = await person(tg, "Anh Nam", role="staff", district="BC")
    q8_staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    everyone = await make_event(
        tg,
        title="Ngày hội toàn chương trình",
        district=None,
        start=local(2021, 5, 25, 10, 0),
        end=local(2021, 5, 25, 12, 0),
    )
    await store.set_registration(tg.db, everyone, mai.id, "going", tg.clock.now())
    tg.clock.advance(hours=1, minutes=30)

    # Staff of another district do not see the event, and forged presses fail.
    await bc_staff.send("/events")
    assert TITLE not in bc_staff.last_text
    for data in (f"evt:o:{event_id}:0", f"evt:m:{event_id}:{lan.id}:0"):
        answer = await bc_staff.press_data(data)
        assert answer == {
            "text": "Anh/chị không điểm danh được sự kiện này: chỉ cán bộ phụ "
            "trách phường, xã hoặc khu vực tổ chức mới điểm danh được.",
            "show_alert": True,
        }
    # A collaborator registered for the event sees no button and cannot mark themselves.
    await lan.send("/events")
    await lan.press(f"1. 25/05 · {TITLE}")
    assert "✅ Điểm danh" not in lan.buttons
    answer = await lan.press_data(f"evt:m:{event_id}:{lan.id}:0")
    assert answer["show_alert"] is True
    await lan.send("/attendance")
    assert lan.last_text == "Chỉ cán bộ mới điểm danh được sự kiện."

    # Forged or stale data: a person not on the roster, a missing event, garbage.
    await q8_staff.send("/events")
    answer = await q8_staff.press_data(f"evt:m:{event_id}:{tam.id}:0")  # said "Not going"
    assert answer == {
        "text": "Người này không có trong danh sách đăng ký. Anh/chị vui lòng mở lại danh sách.",
        "show_alert": True,
    }
    answer = await q8_staff.press_data(f"evt:m:{event_id}:{bc_staff.id}:0")  # not registered
    assert answer["show_alert"] is True
    for forged in (
        "evt:m:999:1:0",
        f"evt:m:{event_id}:x:0",
        f"evt:m:{event_id}",
        f"evt:m:{event_id}:99999999999999999999999:0",
        "evt:o:abc:0",
        f"evt:m:{2**63}:{lan.id}:0",
    ):
        answer = await q8_staff.press_data(forged)
        assert answer["show_alert"] is True, forged
    assert await attendance.count(tg.db, event_id) == 0

    # The role is checked on every press: staff demoted after opening the roster.
    await q8_staff.send("/events")
    await q8_staff.press(f"1. 25/05 · {TITLE}")
    await q8_staff.press("✅ Điểm danh")
    await users.update(tg.db, q8_staff.id, tg.clock.now(), role="collaborator")
    answer = await q8_staff.press("▫️ Lan")
    assert answer["show_alert"] is True
    assert await attendance.count(tg.db, event_id) == 0
    assert await actions(tg, event_id) == []

    # District staff cannot take attendance at a programme-wide event; an administrator can,
    # and at any district's event.
    answer = await q8_staff.press_data(f"evt:m:{everyone}:{mai.id}:0")
    assert answer["show_alert"] is True
    admin = tg.admin
    await admin.send("/start")
    await admin.send("/attendance")
    assert "Ngày hội toàn chương trình" in " ".join(admin.buttons)
    await admin.press_data(f"evt:o:{everyone}:0")
    await admin.press("▫️ Mai")
    await admin.press_data(f"evt:o:{event_id}:0")
    await admin.press("▫️ Mai")
    assert await attendance.attended(tg.db, everyone, mai.id)
    assert await attendance.attended(tg.db, event_id, mai.id)
    assert [actor for actor, *_ in await actions(tg, event_id)] == [admin.id]


async def test_a_long_roster_has_pages_and_attendance_after_the_end(tg):
    event_id = await make_event(
        tg,
        title="Tập huấn CTV",
        kind="training",
        start=local(2021, 5, 25, 14, 0),
        end=local(2021, 5, 25, 16, 0),
    )
    people = [
        await person(tg, f"CTV {number:02d}", role="collaborator", district="Q8")
        for number in range(1, 13)
    ]
    for user in people:
        await store.set_registration(
            tg.db, event_id, user.id, "going", tg.clock.now(), rejoined=True
        )
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    tg.clock.advance(days=2)  # the training has ended: no longer in /events
    await staff.send("/attendance")
    assert "Anh/chị chọn sự kiện (30 ngày qua)" in staff.last_text
    await staff.press("25/05 14:00 · Tập huấn CTV")
    assert "Trang 1/2" in staff.last_text and "Có mặt: 0/12 người đăng ký" in staff.last_text
    page_one = [label for label in staff.buttons if label.startswith("▫️")]
    assert page_one == [f"▫️ CTV {number:02d}" for number in range(1, 11)]
    assert len(staff.buttons) <= 100
    await staff.press("Sau ›")
    assert [label for label in staff.buttons if label.startswith("▫️")] == ["▫️ CTV 11", "▫️ CTV 12"]
    await staff.press("▫️ CTV 12")
    assert "Trang 2/2" in staff.last_text and "✓ CTV 12" in staff.buttons  # stays on page 2
    assert "Có mặt: 1/12 người đăng ký" in staff.last_text


async def test_csv_column_and_the_statistics(tg):
    event_id, lan, mai, hung, tam = await setup_event(tg)
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    tg.clock.advance(hours=1, minutes=5)
    await open_roster(staff)
    await staff.press("▫️ Lan")
    await staff.press("▫️ Hùng (đang chờ)")

    await staff.press("‹ Quay lại sự kiện")
    await staff.press("📋 Danh sách đăng ký (.csv)")
    document = [m for m in staff.bot_messages if m.document][-1]
    raw = tg.server.files[document.document["file_id"]].data
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][6:8] == ["Trạng thái", "Có mặt"]
    attended = {row[1]: (row[6], row[7]) for row in rows[1:]}
    assert attended == {
        "Lan": ("Đã đăng ký", "Có"),
        "Mai": ("Đã đăng ký", ""),
        "Hùng": ("Danh sách chờ", "Có"),
        "Tâm": ("Không tham gia", ""),
    }
    assert document.caption.endswith("· có mặt: 2")

    # /stats for May: the event with its registrations and attendance.
    await staff.send("/stats 5/2021")
    text = staff.last_text
    assert "Sự kiện: 1 (hủy 0); tham gia 2, danh sách chờ 1, có mặt 2" in text
    assert f"• {TITLE} (25/05): tham gia 2, chờ 1, có mặt 2" in text

    # The workbook's events sheet, read back.
    found = await figures.collect(
        tg.db, period.month(2021, 5), "Q8", tg.clock.now(), tg.app.services.settings.timezone
    )
    book = load_workbook(
        io.BytesIO(workbook.build(found, tg.app.services.areas, tg.app.services.i18n("vi")))
    )
    sheet = [list(row) for row in book["Sự kiện"].iter_rows(values_only=True)]
    header = sheet[0]
    assert header[-1] == "Có mặt"
    club = dict(zip(header, sheet[1], strict=True))
    assert (
        club["Sự kiện"],
        club["Tham gia"],
        club["Danh sách chờ"],
        club["Không tham gia"],
        club["Có mặt"],
    ) == (TITLE, 2, 1, 1, 2)
    assert book["Sự kiện"].cell(row=2, column=len(header)).value == 2
    summary = {row[0]: row[1] for row in book["Tóm tắt"].iter_rows(values_only=True)}
    assert summary["Lượt có mặt tại sự kiện"] == 2
    # Another district's figures do not count this Q8 event.
    other = await figures.collect(
        tg.db, period.month(2021, 5), "BC", tg.clock.now(), tg.app.services.settings.timezone
    )
    assert other.events.attended == 0


async def test_cancelled_event_takes_no_attendance(tg):
    event_id, lan, *_ = await setup_event(tg)
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    await tg.db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (event_id,))
    tg.clock.advance(hours=2)
    await staff.send("/attendance")
    assert staff.last_text.startswith("Chưa có sự kiện nào để điểm danh")
    for data in (f"evt:o:{event_id}:0", f"evt:m:{event_id}:{lan.id}:0"):
        answer = await staff.press_data(data)
        assert answer == {
            "text": "Sự kiện này không còn nữa. Bạn mở lại /events nhé.",
            "show_alert": True,
        }
    assert await attendance.count(tg.db, event_id) == 0
