"""Importing calendars: the shipped example (any year), row-level Vietnamese errors with
nothing imported, CSV from a spreadsheet, the admin's upload, re-imports, yearly roll-over."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from bot.__main__ import main
from bot.events import calendar_file, service
from storage import events as store
from storage import reminders as reminder_store
from storage import users
from tests.events_helpers import HCMC, local, person, received

CALENDAR = Path(__file__).resolve().parent.parent / "content" / "calendar.json"


def parse(tg, data: bytes, name="lich.json"):
    return calendar_file.parse_file(data, name, tg.clock.now(), HCMC, tg.app.services.areas)


def rows(*events) -> bytes:
    return json.dumps({"events": list(events)}, ensure_ascii=False).encode()


GOOD = {
    "title": "Sinh hoạt CLB",
    "kind": "club",
    "start": "8h 5/6",
    "end": "10h",
    "district": "Q8",
    "audience": "phụ huynh, cộng tác viên",
}


async def test_shipped_calendar_imports_in_any_year(tg):
    for moment in (
        local(2021, 5, 25, 9),
        local(2021, 6, 10, 9),
        local(2024, 2, 29, 12),
        local(2027, 6, 1, 23),
        local(2030, 12, 31, 23, 59),
    ):
        tg.clock.set(moment)
        parsed = parse(tg, CALENDAR.read_bytes())
        assert parsed.errors == [], moment
        drafts = {draft.import_key: draft for _, draft in parsed.drafts}
        assert len(drafts) == 8
        june1 = drafts["quoc-te-thieu-nhi"].starts_at.astimezone(HCMC)
        assert (june1.month, june1.day, june1.hour) == (6, 1, 0)
        trainings = [d for d in drafts.values() if d.kind == "training"]
        assert {next(iter(d.audience)) for d in trainings if len(d.audience) == 1} == {
            "business",
            "teachers",
            "police",
        }
        assert all(d.starts_at > moment and d.capacity for d in trainings)
        month = drafts["thang-hanh-dong"]
        assert month.ends_at > moment and month.countdown_days == (7, 1)


async def test_row_errors_are_listed_in_vietnamese_and_nothing_is_imported(tg):
    data = rows(
        GOOD,
        {**GOOD, "start": "31/2 8h"},
        {**GOOD, "district": "Q9"},
        {**GOOD, "start": "8h 1/6/2020"},
        {**GOOD, "kind": "picnic"},
        {**GOOD, "capacity": "nhiều"},
        {**GOOD, "audience": "học sinh"},
        {**GOOD, "end": "7h"},
        "không phải sự kiện",
    )
    await tg.admin.send("/start")
    await tg.admin.send_document("lich.json", data)
    text = tg.admin.last_text
    assert text.startswith("❌ Chưa nhập gì cả")
    for expected in (
        "Dòng 2: thiếu giờ bắt đầu hoặc không đọc được (không có ngày này).",
        "Dòng 3: mã khu vực chương trình không đúng (dùng Q8 hoặc BC).",
        "Dòng 4: sự kiện đã qua hoặc giờ bắt đầu đã qua.",
        "Dòng 5: loại phải là một trong",
        "Dòng 6: số chỗ phải là số nguyên",
        "Dòng 7: đối tượng phải là",
        "Dòng 8: giờ kết thúc trước giờ bắt đầu.",
        "Dòng 9: dòng này không phải là một sự kiện.",
    ):
        assert expected in text, expected
    assert "Dòng 1" not in text
    assert await store.upcoming(tg.db, tg.clock.now()) == []


async def test_unreadable_and_empty_files(tg):
    assert [e.code for e in parse(tg, b"{not json").errors] == ["file"]
    assert [e.code for e in parse(tg, rows()).errors] == ["empty"]
    assert [e.code for e in parse(tg, b"\xff\xfe", "x.csv").errors] == ["file"]
    duplicate = parse(tg, rows({**GOOD, "key": "a"}, {**GOOD, "key": "a"}))
    assert [(e.row, e.code) for e in duplicate.errors] == [(2, "duplicate_key")]


async def test_admin_imports_a_spreadsheet_csv(tg):
    csv_text = (
        "\ufeffTiêu đề;Loại;Bắt đầu;Kết thúc;Quận/Huyện;Đối tượng;Số chỗ;Nhắc trước\n"
        "Tập huấn giáo viên Q8;tập huấn;8h 8/6;11h30;Q8;giáo viên;40;1d, 2h\n"
        ";;;;;;;\n"
        "Ngày hội CLB;câu lạc bộ;01/06/2021 15:00;17h;Q8;phụ huynh;;\n"
    )
    await tg.admin.send("/start")
    await tg.admin.send_document("lich-q8.csv", csv_text.encode("utf-8"))
    assert "Đã nhập lịch: 2 sự kiện mới, 0 sự kiện cập nhật" in tg.admin.last_text
    club, training = await store.upcoming(tg.db, tg.clock.now())
    assert (training.title, training.capacity, training.reminder_offsets) == (
        "Tập huấn giáo viên Q8",
        40,
        (1440, 120),
    )
    assert training.starts_at == local(2021, 6, 8, 8, 0)
    assert training.ends_at == local(2021, 6, 8, 11, 30)
    assert club.audience == {"parents"} and club.reminder_offsets == (10080, 1440, 120)


async def test_a_staff_members_csv_is_not_taken_as_a_calendar(tg):
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    await staff.send_document("lich.json", rows(GOOD))
    assert await store.upcoming(tg.db, tg.clock.now()) == []
    assert not any("Đã nhập lịch" in text for text in received(staff))
    assert any("quản trị viên" in text for text in received(staff))  # told why, politely


async def test_an_administrator_promoted_in_the_bot_can_import_by_upload(tg):
    chief = await person(tg, "Anh Tâm", role="admin", district="Q8")  # not in ADMIN_IDS
    await chief.send_document("lich.json", rows(GOOD))
    assert [e.title for e in await store.upcoming(tg.db, tg.clock.now())] == ["Sinh hoạt CLB"]


async def test_importing_again_updates_and_tells_registered_people(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    first = rows({**GOOD, "key": "clb-p5"})
    i18n, areas = tg.app.services.i18n, tg.app.services.areas
    result, errors = await calendar_file.import_file(
        tg.db, i18n, None, first, "a.json", tg.clock.now(), HCMC, areas
    )
    assert (result.created, result.updated, errors) == (1, 0, [])
    [event] = await store.upcoming(tg.db, tg.clock.now())
    await service.join(tg.db, await users.get(tg.db, lan.id), event.id, tg.clock.now())
    again, _ = await calendar_file.import_file(
        tg.db, i18n, None, first, "a.json", tg.clock.now(), HCMC, areas
    )
    assert (again.created, again.updated) == (0, 0)
    moved = rows({**GOOD, "key": "clb-p5", "start": "14h 5/6", "end": "16h"})
    result, _ = await calendar_file.import_file(
        tg.db, i18n, None, moved, "a.json", tg.clock.now(), HCMC, areas
    )
    assert (result.created, result.updated) == (0, 1)
    [event] = await store.upcoming(tg.db, tg.clock.now())
    assert event.starts_at == local(2021, 6, 5, 14, 0)
    await tg.tick()
    [notice] = received(lan, "Đổi giờ")
    assert "Thứ Bảy, 05/06/2021, 08:00 – 10:00" in notice
    assert "Thứ Bảy, 05/06/2021, 14:00 – 16:00" in notice


def test_command_line_import_is_all_or_nothing(tmp_path, monkeypatch, capsys):
    database = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.chdir(tmp_path)  # no .env from the working copy
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "events": [
                    {
                        "title": "Tốt",
                        "kind": "club",
                        "start": "8h 1/6",
                        "audience": "everyone",
                        "repeat": "yearly",
                    },
                    {"title": "Hỏng", "kind": "club", "start": "32/1 8h", "audience": "everyone"},
                ]
            }
        ),
        encoding="utf-8",
    )
    assert main(["import-events", str(bad)]) == 1
    assert "Dòng 2: thiếu giờ bắt đầu hoặc không đọc được" in capsys.readouterr().err
    assert main(["import-events", str(CALENDAR)]) == 0
    assert "Đã nhập lịch: 8 sự kiện mới, 0 sự kiện cập nhật." in capsys.readouterr().out
    assert main(["import-events", str(CALENDAR)]) == 0
    assert "Đã nhập lịch: 0 sự kiện mới, 0 sự kiện cập nhật." in capsys.readouterr().out
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 8
        assert db.execute("SELECT count(*) FROM event_reminders").fetchone()[0] > 0


async def test_yearly_events_roll_over_to_next_year(tg):
    i18n, areas = tg.app.services.i18n, tg.app.services.areas
    await calendar_file.import_file(
        tg.db, i18n, None, CALENDAR.read_bytes(), "c.json", tg.clock.now(), HCMC, areas
    )
    [month] = await store.by_import_key(tg.db, "thang-hanh-dong")
    assert month.starts_at == local(2021, 6, 1)
    tg.clock.set(local(2021, 6, 2, 9))
    await tg.tick()
    await tg.tick()
    successors = await tg.db.fetchall(
        "SELECT id, starts_at, ends_at FROM events WHERE follows_id = ?", (month.id,)
    )
    assert len(successors) == 1
    following = await store.get(tg.db, successors[0]["id"])
    assert (following.starts_at, following.ends_at) == (local(2022, 6, 1), local(2022, 7, 1))
    countdown = await reminder_store.for_event(tg.db, following.id, "pending")
    assert [r.due_at for r in countdown] == [local(2022, 5, 25, 8), local(2022, 5, 31, 8)]
    # Importing the file during the Action Month keeps this year's occurrence, untouched.
    result, errors = await calendar_file.import_file(
        tg.db, i18n, None, CALENDAR.read_bytes(), "c.json", tg.clock.now(), HCMC, areas
    )
    assert errors == [] and result.updated == 0
    assert result.created == 6  # next year's club days and trainings; this year's stay
    assert (
        dt.date(2021, 6, 1) == (await store.get(tg.db, month.id)).starts_at.astimezone(HCMC).date()
    )
