"""A fresh bot already has the programme's yearly calendar: June 1, the Action Month and the
example activities, seeded once, marked as examples, never duplicated."""

from __future__ import annotations

from pathlib import Path

from bot.events import calendar_file, service
from storage import events as store
from storage import users
from tests.events_helpers import HCMC, person

CALENDAR = Path(__file__).resolve().parent.parent / "content" / "calendar.json"


async def test_a_fresh_bot_shows_june_1_and_the_action_month_to_everyone(tg):
    await tg.restart(seed_calendar=True)  # a first start with the default setting
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.press("👪 Phụ huynh hoặc người dân")
    await mai.send("/events")
    listing = mai.last_text
    assert "Ngày Quốc tế Thiếu nhi 1/6" in listing
    assert "Tháng hành động vì trẻ em" in listing
    assert "Hiện chưa có sự kiện" not in listing
    # Trainings meant for police or teachers are not in a parent's list.
    assert "công an" not in listing.lower()
    events = await store.upcoming(tg.db, tg.clock.now())
    examples = [e for e in events if e.example]
    assert len(events) == 8 and len(examples) == 6
    assert {e.kind for e in examples} == {"club", "training"}
    assert not any(e.example for e in events if e.kind in ("holiday", "campaign"))


async def test_seeding_happens_once_and_importing_again_does_not_duplicate(tg):
    await tg.restart(seed_calendar=True)
    first = await store.upcoming(tg.db, tg.clock.now())
    await tg.restart(seed_calendar=True)  # a second start seeds nothing more
    assert len(await store.upcoming(tg.db, tg.clock.now())) == len(first)
    result, errors = await calendar_file.import_file(
        tg.db,
        tg.app.services.i18n,
        None,
        CALENDAR.read_bytes(),
        "calendar.json",
        tg.clock.now(),
        HCMC,
        tg.app.services.areas,
    )
    assert errors == [] and result.created == 0
    assert len(await store.upcoming(tg.db, tg.clock.now())) == len(first)


async def test_staff_see_the_example_mark_and_an_edit_makes_the_event_theirs(tg):
    await tg.restart(seed_calendar=True)
    staff = await person(tg, "Cán bộ Q8", role="staff", district="Q8")
    club = next(
        e for e in await store.upcoming(tg.db, tg.clock.now()) if e.import_key == "clb-q8-ngay-hoi"
    )
    await staff.send("/events")
    await staff.press(next(b for b in staff.buttons if "Ngày hội câu lạc bộ" in b))
    assert "Hoạt động mẫu theo kế hoạch hằng năm" in staff.last_text
    parent = await person(tg, "Mẹ Hoa", district="Q8")
    await parent.send("/events")
    await parent.press(next(b for b in parent.buttons if "Ngày hội" in b))
    assert "Lịch dự kiến" in parent.last_text
    actor = await users.get(tg.db, staff.id)
    await service.update(
        tg.db,
        actor,
        club.id,
        tg.clock.now(),
        HCMC,
        tg.app.services.areas,
        place="Nhà văn hóa Phường 5",
    )
    assert not (await store.get(tg.db, club.id)).example
