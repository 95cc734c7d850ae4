"""Reminders: when they are due (quiet hours, time zone), once per person across restarts,
after downtime, on cancellation and rescheduling, the June 1 countdown, the real job queue."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from zoneinfo import ZoneInfo

from bot import delivery
from bot.clock import ShiftedClock
from bot.delivery import Content
from bot.events import reminders as planning
from bot.events import service
from devkit.emulator.server import BotAPIServer
from storage import events as store
from storage import reminders as reminder_store
from storage.models import Event
from tests.conftest import BotHarness
from tests.events_helpers import HCMC, local, make_event, person, received
from tests.process_support import PATIENCE

NOW = local(2021, 5, 25, 9, 0)


def event_at(start: dt.datetime, offsets=(10080, 1440, 120), countdown=()) -> Event:
    return Event(
        id=1,
        title="x",
        description="",
        kind="club",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        all_day=False,
        place="",
        district=None,
        ward=None,
        audience=frozenset({"everyone"}),
        capacity=None,
        registration_deadline=None,
        recurrence="none",
        reminder_offsets=offsets,
        countdown_days=countdown,
        status="active",
        sequence=0,
    )


def due_local(planned, zone=HCMC) -> list[str]:
    return [item.due_at.astimezone(zone).strftime("%d/%m %H:%M") for item in planned]


def test_default_reminders_are_7_days_1_day_and_2_hours_before():
    planned = planning.plan(event_at(local(2021, 6, 10, 14, 0)), NOW, HCMC)
    assert due_local(planned) == ["03/06 14:00", "09/06 14:00", "10/06 12:00"]


def test_quiet_hours_move_reminders_to_seven_in_the_morning():
    # 08:30 event: 7 days before had passed; the 2-hour reminder (06:30) waits until 07:00.
    assert due_local(planning.plan(event_at(local(2021, 6, 1, 8, 30)), NOW, HCMC)) == [
        "31/05 08:30",
        "01/06 07:00",
    ]
    # 22:30 event: 22:30 reminders move to 07:00 the next morning; 20:30 is allowed.
    assert due_local(planning.plan(event_at(local(2021, 6, 2, 22, 30)), NOW, HCMC)) == [
        "27/05 07:00",
        "02/06 07:00",
        "02/06 20:30",
    ]
    # 06:00 event: 07:00 would be after the start, so the evening before at 20:00.
    assert due_local(planning.plan(event_at(local(2021, 6, 3, 6, 0)), NOW, HCMC)) == [
        "27/05 07:00",
        "02/06 07:00",
        "02/06 20:00",
    ]


def test_quiet_hours_are_local_time_of_the_bot_time_zone():
    start = dt.datetime(2021, 6, 1, 14, 0, tzinfo=dt.UTC)  # 21:00 in HCMC, 16:00 in Paris
    hcmc = planning.plan(event_at(start, offsets=(60,)), NOW, HCMC)
    paris = planning.plan(event_at(start, offsets=(60,)), NOW, ZoneInfo("Europe/Paris"))
    # 20:00 HCMC is allowed; the same instant is 15:00 in Paris: also allowed, same UTC.
    assert hcmc[0].due_at == paris[0].due_at == dt.datetime(2021, 6, 1, 13, 0, tzinfo=dt.UTC)
    late = dt.datetime(2021, 6, 1, 16, 0, tzinfo=dt.UTC)  # 23:00 HCMC, 18:00 Paris
    hcmc = planning.plan(event_at(late, offsets=(60,)), NOW, HCMC)
    paris = planning.plan(event_at(late, offsets=(60,)), NOW, ZoneInfo("Europe/Paris"))
    assert due_local(hcmc) == ["01/06 20:00"]  # 22:00 is quiet, 07:00 is after: evening
    assert paris[0].due_at == late - dt.timedelta(hours=1)  # 17:00 in Paris, not quiet


def test_reminders_already_past_are_not_planned_and_countdown_is_at_eight():
    planned = planning.plan(event_at(local(2021, 5, 27, 10, 0), countdown=(7, 1)), NOW, HCMC)
    assert [(p.kind, p.due_at.astimezone(HCMC).strftime("%d/%m %H:%M")) for p in planned] == [
        ("countdown", "26/05 08:00"),
        ("before", "26/05 10:00"),
        ("before", "27/05 08:00"),
    ]


async def test_reminder_reaches_the_audience_once_across_restarts(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    hoa = await person(tg, "Hoa", role="collaborator", district="BC")
    mai = await person(tg, "Mai")  # a parent: not in the audience
    quiet = await person(tg, "Tùng", role="collaborator", district="Q8", subscribed=False)
    event_id = await make_event(tg, title="Sinh hoạt CLB Phường 5")
    pending = await reminder_store.for_event(tg.db, event_id, "pending")
    # 25/5 08:30 had passed when it was created: only the day before and 2 hours before.
    assert [r.due_at for r in pending] == [local(2021, 5, 31, 8, 30), local(2021, 6, 1, 7, 0)]

    tg.clock.set(local(2021, 5, 31, 8, 29))
    await tg.tick()
    assert received(lan, "Sinh hoạt CLB") == []
    tg.clock.set(local(2021, 5, 31, 8, 31))
    await tg.restart()  # a deploy right when the reminder falls due
    await tg.tick()
    await tg.restart()
    await tg.tick(minutes=1)
    await tg.tick(minutes=1)
    assert len(received(lan, "Sinh hoạt CLB Phường 5")) == 1
    assert received(hoa, "CLB") == received(mai, "CLB") == received(quiet, "CLB") == []
    rows = await reminder_store.for_event(tg.db, event_id)
    assert [r.state for r in rows] == ["queued", "pending"]
    assert rows[0].recipients == 1


async def test_a_crash_between_queueing_and_marking_sends_once(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    event_id = await make_event(tg, title="Tập huấn CTV")
    first = (await reminder_store.for_event(tg.db, event_id, "pending"))[0]
    # The engine got the reminder but the process died before the row was marked.
    await delivery.enqueue(
        tg.db,
        kind="reminder",
        content=Content.text("Tập huấn CTV (1)"),
        now=tg.clock.now(),
        recipients=[lan.id],
        dedupe_key=f"event-reminder:{first.id}",
    )
    tg.clock.set(first.due_at)
    await tg.restart()
    await tg.tick()
    await tg.tick(minutes=5)
    assert received(lan, "Tập huấn CTV") == ["Tập huấn CTV (1)"]
    assert (await reminder_store.for_event(tg.db, event_id))[0].state == "queued"


async def test_missed_reminders_after_downtime(tg, caplog):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    early = await make_event(tg, title="Buổi sáng", start=local(2021, 6, 1, 8, 30))
    late = await make_event(tg, title="Buổi chiều", start=local(2021, 6, 1, 15, 0))
    # Down from 30/5 until 1/6 09:00: the morning event has started, the afternoon one not.
    tg.clock.set(local(2021, 6, 1, 9, 0))
    caplog.set_level(logging.INFO, logger="bot.events.dispatch")
    await tg.restart()
    await tg.tick()
    assert received(lan, "Buổi sáng") == []
    # Its 1-day and 2-hour reminders were both missed: one message, not two.
    assert len(received(lan, "Buổi chiều")) == 1
    states = [r.state for r in await reminder_store.for_event(tg.db, early)]
    assert states == ["skipped", "skipped"]
    assert sorted(r.state for r in await reminder_store.for_event(tg.db, late)) == [
        "pending",
        "queued",
        "skipped",
    ]
    assert any(
        "skipped" in record.getMessage() and record.levelno == logging.WARNING
        for record in caplog.records
    )
    # The 2-hour reminder of the afternoon event still comes at 13:00, once.
    tg.clock.set(local(2021, 6, 1, 13, 0))
    await tg.tick()
    await tg.tick(minutes=1)
    assert len(received(lan, "Buổi chiều")) == 2


async def test_cancelling_stops_reminders_and_tells_registered_people(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    mai = await person(tg, "Mai")  # registered, though not in the reminded audience
    event_id = await make_event(tg, title="Ngày hội CLB")
    await service.join(tg.db, mai_user := await _user(tg, mai), event_id, tg.clock.now())
    assert mai_user.telegram_id == mai.id
    await service.cancel(tg.db, None, event_id, tg.clock.now())
    event = await store.get(tg.db, event_id)
    await service.notify_cancelled(tg.db, tg.app.services.i18n, event, tg.clock.now())
    await tg.tick()
    assert len(received(mai, "Ngày hội CLB")) == 1
    assert "❌" in received(mai, "Ngày hội CLB")[0]
    assert received(lan, "Ngày hội CLB") == []  # not registered: no notice
    tg.clock.set(local(2021, 6, 1, 7, 30))
    await tg.tick()
    assert received(lan, "Ngày hội CLB") == []
    assert {r.state for r in await reminder_store.for_event(tg.db, event_id)} == {"cancelled"}


async def test_rescheduling_replans_reminders_and_tells_registered_people(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    event_id = await make_event(tg, title="Tập huấn kỹ năng")
    await service.join(tg.db, await _user(tg, lan), event_id, tg.clock.now())
    change = await service.update(
        tg.db,
        None,
        event_id,
        tg.clock.now(),
        HCMC,
        tg.app.services.areas,
        starts_at=local(2021, 6, 3, 14, 0),
        ends_at=local(2021, 6, 3, 16, 0),
    )
    assert change.moved
    await service.notify_change(tg.db, tg.app.services.i18n, change, tg.clock.now())
    await tg.tick()
    notice = received(lan, "Tập huấn kỹ năng")
    assert len(notice) == 1 and "03/06/2021" in notice[0] and "01/06/2021" in notice[0]
    pending = await reminder_store.for_event(tg.db, event_id, "pending")
    assert [r.due_at for r in pending] == [
        local(2021, 5, 27, 14, 0),
        local(2021, 6, 2, 14, 0),
        local(2021, 6, 3, 12, 0),
    ]
    tg.clock.set(local(2021, 5, 27, 14, 0))
    await tg.tick()
    assert len(received(lan, "Tập huấn kỹ năng")) == 2
    # The old day-before time (31/5 08:30) passes silently; the new one reminds.
    tg.clock.set(local(2021, 5, 31, 9, 0))
    await tg.tick()
    assert len(received(lan, "Tập huấn kỹ năng")) == 2
    tg.clock.set(local(2021, 6, 2, 14, 0))
    await tg.tick()
    assert len(received(lan, "Tập huấn kỹ năng")) == 3
    assert (await store.get(tg.db, event_id)).sequence == 1


async def test_june_first_countdown_lists_each_district_activities(tg):
    q8_staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    q8 = await person(tg, "Lan", role="collaborator", district="Q8")
    bc = await person(tg, "Hoa", role="collaborator", district="BC")
    parent = await person(tg, "Mai")
    await make_event(
        tg,
        title="Tháng hành động vì trẻ em",
        kind="campaign",
        start=local(2021, 6, 1),
        end=local(2021, 7, 1),
        all_day=True,
        audience=("everyone",),
        district=None,
        reminder_offsets=(),
        countdown_days=(3,),
    )
    await make_event(tg, title="Ngày hội CLB Quận 8", start=local(2021, 6, 1, 15, 0))
    await make_event(
        tg, title="Ngày hội CLB Bình Chánh", district="BC", start=local(2021, 6, 5, 8, 0)
    )
    await make_event(
        tg,
        title="Tập huấn giáo viên",
        kind="training",
        district=None,
        audience=("teachers",),
        start=local(2021, 6, 10, 8, 0),
    )
    tg.clock.set(local(2021, 5, 29, 8, 0))
    await tg.tick()
    for user in (q8_staff, q8):
        [text] = received(user, "Tháng hành động")
        assert "Ngày hội CLB Quận 8" in text and "Tập huấn giáo viên" in text
        assert "Bình Chánh" not in text
    [text] = received(bc, "Tháng hành động")
    assert "Ngày hội CLB Bình Chánh" in text and "Quận 8" not in text
    assert received(parent, "Tháng hành động") == []


async def test_the_real_job_queue_sends_a_reminder_a_second_away(tmp_path):
    from tests.conftest import make_settings

    # Real time passes (the real job queue runs), but from 10:00 on a working day, so the
    # reminder is never moved by quiet hours whatever the hour the suite runs at.
    clock = ShiftedClock(local(2026, 3, 10, 10, 0))
    settings = make_settings(tmp_path, dispatcher_interval=0.2)
    harness = BotHarness(BotAPIServer(clock=clock), settings, clock)
    await harness.start()
    try:
        lan = await person(harness, "Lan", role="collaborator", district="Q8")
        now = clock.now()
        # No default reminders: the test plans exactly one, a second or two away.
        event_id = await make_event(
            harness,
            title="Họp khẩn cộng tác viên",
            start=now + dt.timedelta(hours=3),
            reminder_offsets=(),
        )
        # Stored times have whole seconds: the next whole second at least 1 s away.
        due = (now + dt.timedelta(seconds=2)).replace(microsecond=0)
        event = await store.get(harness.db, event_id)
        await reminder_store.replace_pending(
            harness.db, event_id, event.starts_at, [planning.Planned("before", 180, due)], now
        )
        deadline = asyncio.get_running_loop().time() + PATIENCE
        while not received(lan, "Họp khẩn") and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        assert len(received(lan, "Họp khẩn")) == 1
        assert clock.now() >= due  # not early
        assert [r.state for r in await reminder_store.for_event(harness.db, event_id)] == ["queued"]
    finally:
        await harness.stop()
    harness.raise_errors()


async def _user(tg, test_user):
    from storage import users

    return await users.get(tg.db, test_user.id)
