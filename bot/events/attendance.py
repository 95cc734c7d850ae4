"""Rules of taking attendance at an event (issue 9: "events with registrations and attendance").

Staff of the event's district (administrators for any event) mark who of the registered
people came, once the event has started. Marking is idempotent (a button carries the state
it sets, so two staff pressing at once cannot undo each other), and every change is audited
in the same transaction with ids only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.events import service
from bot.guards import NotApplicable, PermissionDenied, ensure_staff
from storage import attendance as store
from storage import audit
from storage import events as events_store
from storage.db import Database
from storage.models import Event
from storage.users import User

if TYPE_CHECKING:
    from bot.services import Services

# How far back /attendance lists events (attendance is often typed in from a paper list later).
RECENT_DAYS = 30


class NotStarted(NotApplicable):
    """Attendance opens when the event starts (`starts_at`)."""

    def __init__(self, starts_at: dt.datetime) -> None:
        super().__init__("the event has not started")
        self.starts_at = starts_at


class NotRegistered(NotApplicable):
    """The person is not on the event's roster (forged or stale button)."""


def check_may_take(actor: User, event: Event, now: dt.datetime) -> None:
    """PermissionDenied for people who may not manage the event; NotApplicable (or NotStarted)
    when the event is cancelled, takes no registrations or has not started yet."""
    service.check_may_manage(actor, event.district, event.ward)
    if not event.is_active or not event.takes_registrations:
        raise NotApplicable("no attendance for this event")
    if not event.has_started(now):
        raise NotStarted(event.starts_at)


async def set_attended(
    db: Database, actor: User, event_id: int, telegram_id: int, attended: bool, now: dt.datetime
) -> bool:
    """Mark or unmark one person; True when something changed (and was audited)."""
    async with db.transaction():
        event = await events_store.get(db, event_id)
        if event is None:
            raise NotApplicable("no such event")
        check_may_take(actor, event, now)
        if not await store.may_be_marked(db, event_id, telegram_id):
            raise NotRegistered("not registered for this event")
        if await store.attended(db, event_id, telegram_id) == attended:
            return False
        if attended:
            await store.mark(db, event_id, telegram_id, actor.telegram_id, now)
        else:
            await store.unmark(db, event_id, telegram_id)
        await audit.record(
            db,
            actor.telegram_id,
            "event_attendance_marked" if attended else "event_attendance_unmarked",
            "event",
            event_id,
            now,
            person=telegram_id,
        )
    return True


async def recent_for(db: Database, actor: User, now: dt.datetime) -> list[Event]:
    """Events the person may take attendance at: started in the last RECENT_DAYS, newest
    first (the ones still going on included)."""
    district = None if actor.is_admin else actor.district
    ids = await store.recent_events(db, now - dt.timedelta(days=RECENT_DAYS), now, district)
    found = []
    for event_id in ids:
        event = await events_store.get(db, event_id)
        if event is None:
            continue
        try:
            check_may_take(actor, event, now)
        except (NotApplicable, PermissionDenied):
            continue
        found.append(event)
    return found


class AttendanceDesk:
    """Taking attendance for the chat: every press re-checks the role, the area and the
    clock here; refused attempts are audited."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def of(cls, services: Services) -> AttendanceDesk:
        return cls(services.database)

    async def _refused(
        self, actor: User, attempted: str, event_id: object, now: dt.datetime
    ) -> None:
        await audit.refused(self.db, actor.telegram_id, attempted, "event", event_id, now)

    async def event(self, actor: User, event_id: int, now: dt.datetime) -> Event:
        """The event whose roster `actor` may open now: NotApplicable (or NotStarted) when it
        is gone or takes no attendance, PermissionDenied (audited) when it is not theirs."""
        event = await events_store.get(self.db, event_id)
        if event is None:
            raise NotApplicable("no such event")
        try:
            check_may_take(actor, event, now)
        except PermissionDenied:
            await self._refused(actor, "event_attendance", event_id, now)
            raise
        return event

    async def roster(
        self, event_id: int, page: int, size: int
    ) -> tuple[int, store.RosterSize, list[store.RosterEntry]]:
        """(the page shown, the roster's size, its entries)."""
        figures = await store.roster_size(self.db, event_id)
        pages = max(1, -(-figures.listed // size))
        page = min(max(page, 0), pages - 1)
        return page, figures, await store.roster(self.db, event_id, page * size, size)

    async def set_attended(
        self, actor: User, event_id: int, telegram_id: int, came: bool, now: dt.datetime
    ) -> bool:
        try:
            return await set_attended(self.db, actor, event_id, telegram_id, came, now)
        except PermissionDenied:
            await self._refused(actor, "event_attendance_mark", event_id, now)
            raise

    async def recent(self, actor: User, now: dt.datetime) -> list[Event]:
        """Events `actor` may take attendance at (staff only: PermissionDenied, audited)."""
        try:
            ensure_staff(actor)
        except PermissionDenied:
            await self._refused(actor, "attendance_command", None, now)
            raise
        return await recent_for(self.db, actor, now)
