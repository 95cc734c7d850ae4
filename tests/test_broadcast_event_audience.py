"""/broadcast to "only people registered for an event": the events offered per sender, exact
counts, who receives it, the waiting-list option, forged and stale choices, /broadcasts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import delivery
from bot.audience import Audience, count, limit_for
from bot.delivery import Content
from bot.events import service
from bot.people import PermissionDenied
from storage import events as event_store
from storage import users
from tests.events_helpers import local, make_event
from tests.test_broadcast import compose, staff_member
from tests.test_delivery_engine import person, received

CHOOSE = "📅 Chỉ người đăng ký một sự kiện"
TEXT = "Nhắc lịch sinh hoạt CLB sáng thứ Ba"
SENT = "📣 Từ: Cán bộ Khu vực Quận 8 cũ\n\n" + TEXT  # recipients see who wrote


async def join(tg, telegram_id, event_id):
    user = await users.get(tg.db, telegram_id)
    return await service.join(tg.db, user, event_id, tg.clock.now())


async def past_event(tg, title, *, started_days_ago, district="Q8"):
    """An event that already happened (the service refuses to create those)."""
    start = tg.clock.now() - dt.timedelta(days=started_days_ago)
    return await event_store.create(
        tg.db,
        tg.clock.now(),
        None,
        title=title,
        description="",
        kind="club",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        all_day=False,
        place="Nhà văn hoá",
        district=district,
        ward=None,
        audience=frozenset({"everyone"}),
        capacity=None,
        registration_deadline=None,
        recurrence="none",
        countdown_days=(),
    )


async def world(tg):
    """A Q8 club activity (3 places), a BC training, a programme-wide one, a recent and an
    old past Q8 activity, with registrations of people who mostly gave no district."""
    ids = {
        "q8": await make_event(tg, title="CLB Q8 & bạn bè", capacity=3, audience=("everyone",)),
        "bc": await make_event(
            tg, title="Tập huấn BC", kind="training", district="BC", audience=("everyone",)
        ),
        "wide": await make_event(
            tg,
            title="Diễn đàn trẻ em 1/6",
            district=None,
            start=local(2021, 6, 1, 14),
            audience=("everyone",),
        ),
        "recent": await past_event(tg, "Sinh hoạt tuần trước", started_days_ago=3),
        "old": await past_event(tg, "Sinh hoạt tháng trước", started_days_ago=20),
    }
    people = {
        "parent1": await person(tg, "Mẹ Hoa"),  # parents give no district when signing up
        "parent2": await person(tg, "Ba Minh"),
        "ctv": await person(tg, "CTV Q8", role="collaborator", district="Q8", ward="27427"),
        "stopped": await person(tg, "Đã tắt", subscribed=False),
        "waiting": await person(tg, "Chờ chỗ"),
        "q8_other": await person(tg, "Q8 không đăng ký", district="Q8", ward="27427"),
        "bc1": await person(tg, "BC một", district="BC", ward="27595"),
        "bc2": await person(tg, "BC hai", district="BC", ward="27595"),
        "q8_wide": await person(tg, "Q8 diễn đàn", district="Q8", ward="27424"),
    }
    for name in ("parent1", "stopped", "ctv"):
        assert await join(tg, people[name], ids["q8"]) == "going"
    assert await join(tg, people["waiting"], ids["q8"]) == "waiting"  # full
    # Ba Minh took a place, then said "Not going": no longer registered.
    assert await join(tg, people["parent2"], ids["q8"]) == "waiting"
    await service.decline(
        tg.db, await users.get(tg.db, people["parent2"]), ids["q8"], tg.clock.now()
    )
    await join(tg, people["bc1"], ids["bc"])
    await join(tg, people["bc2"], ids["bc"])
    for name in ("bc1", "q8_wide", "parent1"):
        await join(tg, people[name], ids["wide"])
    await event_store.set_registration(
        tg.db, ids["recent"], people["q8_other"], "going", tg.clock.now()
    )
    return ids, people


async def open_audience(member, text=TEXT):
    await compose(member, text)
    await member.press("Bỏ qua ›")
    assert "Gửi cho ai?" in member.last_text


def event_buttons(member) -> list[str]:
    return [label for label in member.buttons if " · " in label and "(" in label]


async def test_q8_staff_reach_exactly_the_people_registered_for_their_event(tg):
    ids, people = await world(tg)
    lan = await staff_member(tg)
    await open_audience(lan)
    await lan.press(CHOOSE)
    offered = event_buttons(lan)
    # Upcoming and recent events of Q8 and programme-wide ones; not BC's, not last month's.
    assert offered == [
        "🧒 22/05 · Sinh hoạt tuần trước (1)",
        "🧒 01/06 · CLB Q8 & bạn bè (3)",
        "🧒 01/06 · Diễn đàn trẻ em 1/6 (3)",
    ]
    assert "phường, xã anh/chị phụ trách" in lan.last_text
    await lan.press("🧒 01/06 · CLB Q8 & bạn bè (3)")
    # Mẹ Hoa and the collaborator; the parent who turned announcements off is left out.
    assert "Số người nhận hiện tại: 2" in lan.last_text
    assert "📅 Đã đăng ký “CLB Q8 &amp; bạn bè” (01/06/2021 08:30)" in lan.last.raw_text
    assert "Khu vực Quận 8 cũ" not in lan.last_text.split("\n")[1]  # the event stands for the place
    assert "✅ 📅 01/06 · CLB Q8 & bạn bè" in lan.buttons
    await lan.press("▫️ ⏳ Gồm cả danh sách chờ")
    assert "Số người nhận hiện tại: 3" in lan.last_text  # + the waiting list (Chờ chỗ)
    assert "gồm cả danh sách chờ" in lan.last_text
    await lan.press("✅ ⏳ Gồm cả danh sách chờ")
    assert "Số người nhận hiện tại: 2" in lan.last_text
    await lan.press("Tiếp tục ›")
    confirmation = lan.last.raw_text
    assert "Thông báo sẽ gửi tới <b>2</b> người" in confirmation
    assert "“CLB Q8 &amp; bạn bè”" in confirmation
    await lan.press("✅ Gửi ngay")
    await tg.settle()
    for name, person_id in people.items():
        expected = [SENT] if name in ("parent1", "ctv") else []
        assert received(tg, person_id, TEXT) == expected, name
    assert "Đã gửi: 2" in lan.last_text
    await lan.send("/broadcasts")
    assert "Gửi tới:" in lan.last_text and "“CLB Q8 & bạn bè”" in lan.last_text


async def test_staff_reach_only_their_district_of_a_programme_wide_event(tg):
    ids, people = await world(tg)
    lan = await staff_member(tg)
    await open_audience(lan)
    await lan.press(CHOOSE)
    await lan.press("🧒 01/06 · Diễn đàn trẻ em 1/6 (3)")
    # BC một and Mẹ Hoa (no district) registered too, but Q8 staff reach Q8 people only.
    assert "Số người nhận hiện tại: 1" in lan.last_text
    assert "Khu vực Quận 8 cũ" in lan.last_text
    await lan.press("Tiếp tục ›")
    await lan.press("✅ Gửi ngay")
    await tg.settle()
    assert received(tg, people["q8_wide"], TEXT) == [SENT]
    assert received(tg, people["bc1"], TEXT) == [] and received(tg, people["parent1"]) == []


async def test_other_districts_events_and_forged_ids_are_refused_politely(tg):
    ids, people = await world(tg)
    lan = await staff_member(tg)
    await open_audience(lan)
    await lan.press(CHOOSE)
    assert not any("Tập huấn BC" in label for label in lan.buttons)
    screen = lan.last_text
    for forged in (
        f"bcc:ev:{ids['bc']}",
        f"bcc:ev:{ids['old']}",
        "bcc:ev:999999",
        "bcc:ev:abc",
        "bcc:ev:-1",
    ):
        answer = await lan.press_data(forged)
        assert answer["show_alert"] and "không chọn được sự kiện này" in answer["text"]
        assert lan.last_text == screen  # nothing changed, still on the list
    await lan.press("‹ Quay lại")
    assert "Số người nhận hiện tại: 3" in lan.last_text  # Q8 parents and the CTV, no event
    assert CHOOSE in lan.buttons
    # The rule itself: an audience naming a BC event is out of a Q8 staff member's reach.
    staff = await users.get(tg.db, lan.id)
    bc_event = await event_store.get(tg.db, ids["bc"])
    with pytest.raises(PermissionDenied):
        limit_for(staff, Audience(event_id=ids["bc"]), bc_event)
    with pytest.raises(ValueError):
        limit_for(staff, Audience(event_id=ids["bc"]))  # the event must be checked


async def test_administrators_pick_any_event_and_pressing_again_clears_it(tg):
    ids, people = await world(tg)
    admin = tg.admin
    await admin.send("/start")
    await users.update(tg.db, admin.id, tg.clock.now(), onboarded=1)
    await open_audience(admin)
    before = admin.last_text
    # Every subscribed parent and the collaborator, no event.
    assert "Số người nhận hiện tại: 8" in before
    await admin.press(CHOOSE)
    assert "🎓 01/06 · Tập huấn BC (2)" in event_buttons(admin)
    assert "phường, xã anh/chị phụ trách" not in admin.last_text
    await admin.press("🎓 01/06 · Tập huấn BC (2)")
    assert "Số người nhận hiện tại: 2" in admin.last_text
    await admin.press("✅ 📅 01/06 · Tập huấn BC")  # pressing again clears the choice
    assert CHOOSE in admin.buttons
    # The roles stay as the event set them: 7 parents, the collaborator, the administrator.
    assert "Số người nhận hiện tại: 9" in admin.last_text
    await admin.press(CHOOSE)
    await admin.press("🧒 01/06 · Diễn đàn trẻ em 1/6 (3)")
    assert "Số người nhận hiện tại: 3" in admin.last_text  # every district for admins


async def test_event_list_is_paginated_with_short_callback_data(tg):
    admin = tg.admin
    await admin.send("/start")
    for day in range(1, 8):
        await make_event(tg, title=f"Buổi {day} " + "x" * 100, start=local(2021, 6, day, 8))
    await open_audience(admin)
    await admin.press(CHOOSE)
    first = event_buttons(admin)
    assert len(first) == 5 and "Sau ›" in admin.buttons and "‹ Trước" not in admin.buttons
    await admin.press("Sau ›")
    second = event_buttons(admin)
    assert len(second) == 2 and not set(first) & set(second) and "‹ Trước" in admin.buttons
    for row in admin.last.inline_keyboard:
        for button in row:
            assert len(button["callback_data"].encode()) <= 64
    await admin.press(second[0])
    assert "Buổi 6" in admin.last_text


async def test_an_event_cancelled_after_it_was_chosen_is_not_used(tg):
    ids, people = await world(tg)
    lan = await staff_member(tg)
    await open_audience(lan)
    await lan.press(CHOOSE)
    await lan.press("🧒 01/06 · CLB Q8 & bạn bè (3)")
    await service.cancel(tg.db, None, ids["q8"], tg.clock.now())
    answer = await lan.press("Tiếp tục ›")
    assert answer["show_alert"] and "không còn dùng được" in answer["text"]
    assert "không còn dùng được nữa nên bot đã bỏ ra" in lan.last_text
    # Back to the district's people of every role (the event had chosen them all).
    assert CHOOSE in lan.buttons and "Số người nhận hiện tại: 4" in lan.last_text


async def test_audience_with_event_round_trips_and_counts_in_sql(tg):
    ids, people = await world(tg)
    audience = Audience(
        roles=frozenset({"public", "collaborator"}), event_id=ids["q8"], event_waiting=True
    )
    assert Audience.from_json(audience.to_json()) == audience
    assert await count(tg.db, audience) == 3  # Mẹ Hoa, CTV, Chờ chỗ
    assert Audience(event_waiting=True).event_waiting is False  # meaningless without event


async def test_history_names_the_event_and_stays_within_one_message(tg):
    admin = tg.admin
    await admin.send("/start")
    event_id = await make_event(tg, title="Tập huấn " + "kỹ năng bảo vệ trẻ em " * 5)
    wards = frozenset(ward.code for ward in tg.app.services.areas.units_in("Q8"))
    audience = Audience(
        roles=frozenset({"public", "collaborator", "staff"}),
        districts=frozenset({"Q8"}),
        wards=wards,
        event_id=event_id,
        event_waiting=True,
    )
    for _ in range(15):
        await delivery.enqueue(
            tg.db,
            kind="broadcast",
            content=Content(texts={"vi": "Hẹn gặp"}),
            now=tg.clock.now(),
            audience=audience,
            scheduled_at=tg.clock.now() + dt.timedelta(days=2),
            created_by=admin.id,
            district=None,
            report_chat_id=admin.id,
        )
    await admin.send("/broadcasts")
    shown = admin.last.raw_text
    # Fifteen such entries would pass 4096 characters: whole entries are left out, none cut.
    assert len(shown) <= 4096 and 3 <= shown.count("gồm cả danh sách chờ") < 15
    assert "Phường Phú Định" in shown and "“Tập huấn kỹ năng bảo vệ trẻ em" in shown
