"""Weekly awareness messages: data, sequencing per parent, opt-out, once per week, staff
additions."""

from __future__ import annotations

import datetime as dt
import unicodedata

from bot import awareness
from bot.content import load_json
from handlers.awareness import MAX_LENGTH
from storage import awareness as store
from storage import users
from tests.test_broadcast import staff_member
from tests.test_delivery_engine import person, received

# The fixture starts on Tuesday 25 May 2021 09:00; the default slot is Sunday 19:30.
SUNDAY_EVENING = dt.datetime(2021, 5, 30, 12, 31, tzinfo=dt.UTC)  # 19:31 in HCMC


def test_shipped_sequence_is_complete_and_well_formed():
    data = load_json("awareness.json")
    messages = data["messages"]
    assert len(messages) >= 12
    assert len({m["id"] for m in messages}) == len(messages)
    for message in messages:
        for language in ("vi", "en"):
            text = message[language]
            assert text and len(text) <= MAX_LENGTH
            assert unicodedata.normalize("NFC", text) == text
    assert sum("111" in m["vi"] for m in messages) >= 3
    assert any("dưới 16 tuổi" in m["vi"] for m in messages)  # Law on Children 2016, Điều 1
    schedule = awareness.Schedule.from_data(data["schedule"])
    assert (schedule.weekday, schedule.time) == (6, dt.time(19, 30))


def test_weekly_slot_in_local_time():
    from zoneinfo import ZoneInfo

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    schedule = awareness.Schedule(6, dt.time(19, 30))
    tuesday = dt.datetime(2021, 5, 25, 2, 0, tzinfo=dt.UTC)
    assert schedule.last_slot(tuesday, hcm) == dt.datetime(2021, 5, 23, 12, 30, tzinfo=dt.UTC)
    assert schedule.next_slot(tuesday, hcm) == dt.datetime(2021, 5, 30, 12, 30, tzinfo=dt.UTC)


async def test_each_parent_gets_the_next_message_once_a_week(tg):
    first_texts = [m["vi"].split("\n")[0] for m in awareness.shipped()]
    lan, hoa = await person(tg, "Lan"), await person(tg, "Hoa", language="en")
    stopped = await person(tg, "Tắt", subscribed=False)
    collaborator = await person(tg, "CTV", role="collaborator", district="Q8")
    tg.clock.set(SUNDAY_EVENING - dt.timedelta(days=7))  # last week's slot: > 1 day ago
    await tg.tick(days=1, hours=1)
    assert received(tg, lan) == []  # a slot missed by more than a day is not caught up
    tg.clock.set(SUNDAY_EVENING)
    await tg.tick()
    assert len(received(tg, lan)) == 1 and received(tg, lan)[0].startswith(
        first_texts[0].replace("<b>", "").replace("</b>", "")
    )
    assert "111" in received(tg, lan)[0] and "/stop" in received(tg, lan)[0]
    assert received(tg, hoa)[0].startswith("Children have the right")  # English version
    assert received(tg, stopped) == [] and received(tg, collaborator) == []
    await tg.tick(hours=2)  # same week: nothing more
    await tg.restart()
    await tg.tick(hours=1)
    assert len(received(tg, lan)) == 1
    newcomer = await person(tg, "Mới")
    await tg.tick(days=7)
    assert len(received(tg, lan)) == 2
    assert received(tg, lan)[1].startswith("Nhớ số 111")  # the second message
    assert len(received(tg, newcomer)) == 1
    assert received(tg, newcomer)[0].startswith("Trẻ em có quyền")  # starts at the beginning
    assert await store.position(tg.db, stopped) == 0  # opted-out parents keep their place


async def test_staff_add_a_message_and_it_follows_the_shipped_ones(tg):
    lan = await staff_member(tg)
    await lan.send("/awareness")
    assert "Số tin trong chuỗi: 14" in lan.last_text
    await lan.press("➕ Thêm tin")
    await lan.send_sticker()
    assert "dạng chữ" in lan.last_text
    await lan.send("Hè này, hãy dạy con biết bơi và luôn có người lớn đi cùng.")
    await lan.press("Bỏ qua ›")
    assert "tin thứ 15" in lan.transcript[-3].content or any(
        "tin thứ 15" in (m.content or "") for m in lan.bot_messages
    )
    parent = await person(tg, "Cuối chuỗi")
    await tg.db.execute(
        "INSERT INTO awareness_progress (telegram_id, next_index) VALUES (?, ?)", (parent, 14)
    )
    done = await person(tg, "Đã nhận hết")
    await tg.db.execute(
        "INSERT INTO awareness_progress (telegram_id, next_index) VALUES (?, ?)", (done, 15)
    )
    tg.clock.set(SUNDAY_EVENING)
    await tg.tick()
    assert received(tg, parent)[0].startswith("Hè này, hãy dạy con biết bơi")
    assert received(tg, done) == []  # the sequence is over for them: nothing repeats


async def test_only_staff_see_and_extend_the_sequence(tg):
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.send("/awareness")
    assert "cán bộ chương trình" in mai.last_text
    await users.update(tg.db, mai.id, tg.clock.now(), role="collaborator")
    answer = await mai.press_data("aw:add")
    assert answer is not None
    assert await store.added_messages(tg.db) == []


async def test_the_service_refuses_and_audits_people_who_are_not_staff(tg):
    import pytest

    from bot.awareness import AwarenessService
    from bot.guards import PermissionDenied
    from storage import audit

    parent = await users.get(tg.db, await person(tg, "Phụ huynh"))
    service = AwarenessService.of(tg.app)
    with pytest.raises(PermissionDenied):
        await service.add(parent, "Tin lạ", None, tg.clock.now())
    with pytest.raises(PermissionDenied):
        await service.overview(parent, tg.clock.now())
    assert await store.added_messages(tg.db) == []
    refused = [
        (e.actor_id, e.detail.get("attempted"))
        for e in await audit.entries(tg.db, "awareness_message")
        if e.action == "refused"
    ]
    assert refused == [
        (parent.telegram_id, "awareness_add"),
        (parent.telegram_id, "awareness_overview"),
    ]
    staff = await users.get(tg.db, (await staff_member(tg)).id)
    assert await service.add(staff, "Tin mới", None, tg.clock.now()) == 15
