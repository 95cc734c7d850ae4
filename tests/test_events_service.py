"""The events service checks every change itself: a handler that forgets its guard is still
refused, and each refusal is audited (who, what, which event) without changing anything."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.events import service
from bot.events.attendance import AttendanceDesk
from bot.events.service import EventsService
from bot.guards import PermissionDenied
from storage import audit, users
from storage import events as store
from tests.events_helpers import local, make_event, person


async def refusals(tg) -> list[tuple[int | None, str, str | None]]:
    return [
        (entry.actor_id, entry.detail.get("attempted"), entry.entity_id)
        for entry in await audit.entries(tg.db)
        if entry.action == "refused"
    ]


def draft(district: str | None = "Q8") -> service.Draft:
    start = local(2021, 6, 1, 8, 30)
    return service.Draft(
        title="Sinh hoạt câu lạc bộ",
        kind="club",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        audience=frozenset({"collaborators"}),
        district=district,
    )


async def test_a_collaborator_cannot_create_through_the_service(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    events = EventsService.of(tg.app.services)
    with pytest.raises(PermissionDenied):
        await events.create(await users.get(tg.db, lan.id), draft(), tg.clock.now())
    assert await store.upcoming(tg.db, tg.clock.now()) == []
    assert await refusals(tg) == [(lan.id, "event_create", None)]


async def test_staff_cannot_change_another_areas_event_through_the_service(tg):
    bc_staff = await person(tg, "Anh Hùng", role="staff", district="BC")
    event_id = await make_event(tg, title="CLB Quận 8", district="Q8")
    actor = await users.get(tg.db, bc_staff.id)
    events = EventsService.of(tg.app.services)
    now = tg.clock.now()
    with pytest.raises(PermissionDenied):
        await events.update(actor, event_id, now, title="Đổi tên")
    with pytest.raises(PermissionDenied):
        await events.cancel(actor, event_id, now)
    with pytest.raises(PermissionDenied):
        await events.export_registrations(actor, event_id, tg.app.services.i18n("vi"), now)
    event = await store.get(tg.db, event_id)
    assert event.is_active and event.title == "CLB Quận 8"
    assert await refusals(tg) == [
        (bc_staff.id, "event_update", str(event_id)),
        (bc_staff.id, "event_cancel", str(event_id)),
        (bc_staff.id, "event_registrations_export", str(event_id)),
    ]


async def test_only_administrators_import_and_only_staff_take_attendance(tg):
    staff = await person(tg, "Chị Thu", role="staff", district="Q8")
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    now = tg.clock.now()
    with pytest.raises(PermissionDenied):
        await EventsService.of(tg.app.services).import_calendar(
            await users.get(tg.db, staff.id), b"[]", "calendar.json", now
        )
    with pytest.raises(PermissionDenied):
        await AttendanceDesk.of(tg.app.services).recent(await users.get(tg.db, lan.id), now)
    assert await refusals(tg) == [
        (staff.id, "events_import", None),
        (lan.id, "attendance_command", None),
    ]


async def test_a_forged_cancel_button_is_refused_and_audited(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8")
    event_id = await make_event(tg, district="Q8")
    await lan.send("/events")
    answer = await lan.press_data(f"eva:cancelok:{event_id}")
    assert answer["show_alert"]
    assert (await store.get(tg.db, event_id)).is_active
    assert await refusals(tg) == [(lan.id, "event_cancel", str(event_id))]
