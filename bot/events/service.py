"""Rules of the events feature over the repositories: create, edit, move, cancel, register.

Every change and its reminders are written in one transaction with its audit entry. Nothing
here talks to Telegram: what people must be told goes through the delivery engine
(`notify_registered`) or is returned to the handler (people promoted from the waiting list).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import delivery, outbox, scope
from bot.areas import Areas
from bot.crypto import cipher_for
from bot.delivery import Content
from bot.events import dates, texts
from bot.events import reminders as planning
from bot.events.model import (
    AUDIENCES,
    DEFAULT_REMINDERS,
    KINDS,
    for_named_groups_only,
    visible_to,
)
from bot.guards import NotApplicable, PermissionDenied, ensure_admin, ensure_staff
from bot.i18n import I18n, Translator
from storage import attendance as attendance_store
from storage import audit, users
from storage import events as store
from storage import reminders as reminder_store
from storage.db import Database
from storage.models import Event
from storage.reminders import Reminder
from storage.users import User

if TYPE_CHECKING:
    from bot.events.calendar_file import ImportResult, RowError
    from bot.services import Services

log = logging.getLogger(__name__)

TITLE_MAX = 120
PLACE_MAX = 200
DESCRIPTION_MAX = 1500
CAPACITY_MAX = 10_000


@dataclass
class Draft:
    """An event before it is saved (from the guided conversation or an imported row)."""

    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    audience: frozenset[str]
    description: str = ""
    all_day: bool = False
    place: str = ""
    district: str | None = None
    ward: str | None = None
    capacity: int | None = None
    registration_deadline: dt.datetime | None = None
    recurrence: str = "none"
    reminder_offsets: tuple[int, ...] = DEFAULT_REMINDERS
    countdown_days: tuple[int, ...] = ()
    import_key: str | None = None
    example: bool = False  # an example of the seeded calendar (not compared on re-import)

    def fields(self) -> dict[str, object]:
        return {
            "title": self.title,
            "kind": self.kind,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "audience": self.audience,
            "description": self.description,
            "all_day": self.all_day,
            "place": self.place,
            "district": self.district,
            "ward": self.ward,
            "capacity": self.capacity,
            "registration_deadline": self.registration_deadline,
            "recurrence": self.recurrence,
            "reminder_offsets": self.reminder_offsets,
            "countdown_days": self.countdown_days,
        }


def problems(draft: Draft, now: dt.datetime, areas: Areas) -> list[str]:
    """Codes of what is wrong with a draft (bot.events.calendar_file.PROBLEMS words them)."""
    found = []
    if not draft.title.strip() or len(draft.title) > TITLE_MAX:
        found.append("title")
    if draft.kind not in KINDS:
        found.append("kind")
    if not draft.audience or not draft.audience <= set(AUDIENCES):
        found.append("audience")
    if draft.ends_at <= draft.starts_at:
        found.append("end_before_start")
    if draft.ends_at <= now or draft.starts_at <= now and draft.recurrence != "yearly":
        found.append("past")
    if draft.district is not None and areas.group(draft.district) is None:
        found.append("district")
    if draft.ward is not None:
        ward = areas.unit(draft.ward)
        if ward is None or ward.group != draft.district:
            found.append("ward")
    if draft.capacity is not None and not 1 <= draft.capacity <= CAPACITY_MAX:
        found.append("capacity")
    if draft.registration_deadline is not None and draft.registration_deadline > draft.starts_at:
        found.append("deadline")
    if len(draft.place) > PLACE_MAX or len(draft.description) > DESCRIPTION_MAX:
        found.append("too_long")
    if any(offset <= 0 for offset in draft.reminder_offsets) or any(
        days <= 0 for days in draft.countdown_days
    ):
        found.append("reminders")
    return found


def check_may_manage(actor: User | None, district: str | None, ward: str | None = None) -> None:
    """Administrators manage every event; staff those of a unit in their scope, or of a whole
    programme group they cover.

    `actor` None is the operator's command line (python -m bot import-events).
    """
    if actor is None or actor.is_admin:
        return
    if not actor.is_staff:
        raise PermissionDenied("only staff manage events")
    allowed = (
        scope.can_act_in_unit(actor, ward)
        if ward
        else (district is not None and scope.can_act_in_group(actor, district))
    )
    if not allowed:
        raise PermissionDenied("staff manage only the events of their own units")


async def create(
    db: Database,
    actor: User | None,
    draft: Draft,
    now: dt.datetime,
    timezone: ZoneInfo,
    areas: Areas,
    in_transaction: bool = False,
) -> int:
    check_may_manage(actor, draft.district, draft.ward)
    found = problems(draft, now, areas)
    if found:
        raise ValueError(f"invalid event: {found}")
    actor_id = actor.telegram_id if actor else None

    async def write() -> int:
        event_id = await store.create(
            db, now, actor_id, import_key=draft.import_key, example=draft.example, **draft.fields()
        )
        event = await saved(db, event_id)
        await reminder_store.replace_pending(
            db, event_id, event.starts_at, planning.plan(event, now, timezone), now
        )
        await audit.record(
            db,
            actor_id,
            "event_created",
            "event",
            event_id,
            now,
            kind=draft.kind,
            district=draft.district,
        )
        return event_id

    if in_transaction:
        return await write()
    async with db.transaction():
        return await write()


@dataclass(frozen=True)
class Change:
    before: Event
    after: Event
    promoted: list[int] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return (self.before.starts_at, self.before.ends_at) != (
            self.after.starts_at,
            self.after.ends_at,
        )


async def update(
    db: Database,
    actor: User | None,
    event_id: int,
    now: dt.datetime,
    timezone: ZoneInfo,
    areas: Areas,
    in_transaction: bool = False,
    **changes: object,
) -> Change:
    """Edit fields; a new time replans the reminders, a larger capacity promotes people."""
    return await update_fields(db, actor, event_id, now, timezone, areas, changes, in_transaction)


async def update_fields(
    db: Database,
    actor: User | None,
    event_id: int,
    now: dt.datetime,
    timezone: ZoneInfo,
    areas: Areas,
    changes: dict[str, object],
    in_transaction: bool = False,
) -> Change:
    """`update` with the changed fields as one dict."""

    async def write() -> Change:
        before = await _manageable(db, actor, event_id)
        if not before.is_active:
            raise NotApplicable("the event is cancelled")
        if before.example and actor is not None:
            changes["example"] = False  # staff adapted the example: it is theirs now
        draft = Draft(**{**_draft_fields(before), **changes})  # type: ignore[arg-type]
        check_may_manage(actor, draft.district, draft.ward)
        found = [
            code
            for code in problems(draft, now, areas)
            if code != "past" or "starts_at" in changes or "ends_at" in changes
        ]
        if found:
            raise ValueError(f"invalid event: {found}")
        await store.update(db, event_id, now, **changes)
        after = await saved(db, event_id)
        if {"starts_at", "reminder_offsets", "countdown_days"} & set(changes):
            await reminder_store.replace_pending(
                db, event_id, after.starts_at, planning.plan(after, now, timezone), now
            )
        promoted = await _fill_places(db, after, now)
        await audit.record(
            db,
            actor.telegram_id if actor else None,
            "event_updated",
            "event",
            event_id,
            now,
            fields=sorted(changes),
        )
        return Change(before, after, promoted)

    if in_transaction:
        return await write()
    async with db.transaction():
        return await write()


async def cancel(db: Database, actor: User | None, event_id: int, now: dt.datetime) -> Event:
    async with db.transaction():
        event = await _manageable(db, actor, event_id)
        if not event.is_active:
            raise NotApplicable("already cancelled")
        await store.update(db, event_id, now, status="cancelled")
        await reminder_store.cancel_pending(db, event_id, now)
        await audit.record(
            db, actor.telegram_id if actor else None, "event_cancelled", "event", event_id, now
        )
    return await saved(db, event_id)


async def saved(db: Database, event_id: int) -> Event:
    """An event just written (or known to exist): never None."""
    event = await store.get(db, event_id)
    if event is None:
        raise NotApplicable("no such event")
    return event


async def _manageable(db: Database, actor: User | None, event_id: int) -> Event:
    event = await store.get(db, event_id)
    if event is None:
        raise NotApplicable("no such event")
    check_may_manage(actor, event.district, event.ward)
    return event


def _draft_fields(event: Event) -> dict[str, object]:
    return {
        "title": event.title,
        "kind": event.kind,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "audience": event.audience,
        "description": event.description,
        "all_day": event.all_day,
        "place": event.place,
        "district": event.district,
        "ward": event.ward,
        "capacity": event.capacity,
        "registration_deadline": event.registration_deadline,
        "recurrence": event.recurrence,
        "reminder_offsets": event.reminder_offsets,
        "countdown_days": event.countdown_days,
        "import_key": event.import_key,
    }


# -- registration ------------------------------------------------------------------------------
async def join(db: Database, user: User, event_id: int, now: dt.datetime) -> str:
    """Register: a place if one is free, else the waiting list. Returns the new state."""
    async with db.transaction():
        event = await store.get(db, event_id)
        if event is None or not event.registration_open(now):
            raise NotApplicable("registration is closed")
        current = await store.registration(db, event_id, user.telegram_id)
        if current is not None and current.state in ("going", "waiting"):
            return current.state
        counts = await store.counts(db, event_id)
        full = event.capacity is not None and counts.going >= event.capacity
        state = "waiting" if full else "going"
        await store.set_registration(db, event_id, user.telegram_id, state, now, rejoined=True)
        await audit.record(
            db, user.telegram_id, "event_joined", "event", event_id, now, state=state
        )
    return state


async def decline(db: Database, user: User, event_id: int, now: dt.datetime) -> list[int]:
    """'Not going': frees a place, which goes to the first on the waiting list.

    Returns the ids of the people promoted (the handler tells them)."""
    async with db.transaction():
        event = await store.get(db, event_id)
        if event is None or event.has_started(now):
            raise NotApplicable("the event has started")
        await store.set_registration(db, event_id, user.telegram_id, "declined", now)
        promoted = await _fill_places(db, event, now)
        await audit.record(
            db, user.telegram_id, "event_declined", "event", event_id, now, promoted=len(promoted)
        )
    return promoted


async def _fill_places(db: Database, event: Event, now: dt.datetime) -> list[int]:
    """Promote the first people of the waiting list into free places (inside a transaction)."""
    if not event.is_active or event.has_started(now):
        return []
    counts = await store.counts(db, event.id)
    free = counts.waiting if event.capacity is None else event.capacity - counts.going
    if free <= 0 or not counts.waiting:
        return []
    promoted = await store.first_waiting(db, event.id, free)
    for telegram_id in promoted:
        await store.set_registration(db, event.id, telegram_id, "going", now)
    return promoted


async def waiting_position(db: Database, event_id: int, telegram_id: int) -> int | None:
    queue = await store.first_waiting(db, event_id, CAPACITY_MAX)
    return queue.index(telegram_id) + 1 if telegram_id in queue else None


# -- telling the registered people, through the delivery engine ---------------------------------
async def notify_registered(
    db: Database,
    i18n: I18n,
    event: Event,
    render: Callable[[Translator], str],
    now: dt.datetime,
    reason: str,
) -> int | None:
    """Queue a notice to everyone registered (going or waiting); once per event version."""
    recipients = await store.registered_ids(db, event.id, ("going", "waiting"))
    if not recipients:
        return None
    content = Content.text(render(i18n("vi")), en=render(i18n("en")))
    return await delivery.enqueue(
        db,
        kind="reminder",
        content=content,
        now=now,
        recipients=recipients,
        dedupe_key=f"event:{event.id}:{reason}:{event.sequence}",
    )


async def notify_change(db: Database, i18n: I18n, change: Change, now: dt.datetime) -> int | None:
    """After an edit: tell registered people when the time moved."""
    if not change.moved:
        return None
    return await notify_registered(
        db,
        i18n,
        change.after,
        lambda _: texts.moved(_, change.after, texts.when(_, change.before)),
        now,
        "moved",
    )


async def notify_cancelled(db: Database, i18n: I18n, event: Event, now: dt.datetime) -> int | None:
    return await notify_registered(
        db, i18n, event, lambda _: texts.cancelled(_, event), now, "cancelled"
    )


# -- the service the handlers call ---------------------------------------------------------------
def may_manage(actor: User | None, event: Event) -> bool:
    """Whether `actor` may change, cancel, export or take attendance at the event."""
    if actor is None:  # the command line has its own entry points; a person is never None here
        return False
    try:
        check_may_manage(actor, event.district, event.ward)
    except PermissionDenied:
        return False
    return True


def home_area(actor: User) -> tuple[str | None, str | None]:
    """The (district, ward) of an event a staff member creates: their programme area, or
    their one unit if that is all they cover."""
    units = scope.units_of(actor) or frozenset()
    group = scope.home_group(actor)
    if group is not None and not scope.can_act_in_group(actor, group) and len(units) == 1:
        return group, next(iter(units))
    return group, None


# Registration deadlines of the guided creation, in minutes before the start (None: until it).
DEADLINE_CHOICES: dict[str, int | None] = {"start": None, "1d": 24 * 60, "2d": 2 * 24 * 60}


def chosen_deadline(choice: str, start: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """A deadline button: too close to the start for it, registration stays open until then."""
    minutes = DEADLINE_CHOICES[choice]
    deadline = None if minutes is None else start - dt.timedelta(minutes=minutes)
    if deadline is not None and deadline <= now:
        return None
    return deadline


def typed_deadline(
    text: str, start: dt.datetime, now: dt.datetime, timezone: ZoneInfo
) -> dt.datetime:
    """A typed deadline (a day and/or a time; the start's day, 23:59 by default). DateError
    "past" when it has passed, "after_start" when it is after the start."""
    moment = dates.parse(text, dates.local_today(now, timezone))
    day = moment.date or start.astimezone(timezone).date()
    deadline = dates.combine(day, moment.time or dt.time(23, 59), timezone)
    if deadline <= now:
        raise dates.DateError("past")
    if deadline > start:
        raise dates.DateError("after_start")
    return deadline


@dataclass(frozen=True)
class CardFacts:
    """What an event's card shows the person looking at it."""

    state: str | None  # their registration: going, waiting, declined or None
    manager: bool  # they may manage it (figures and management buttons)
    counts: store.Counts | None
    position: int | None  # on the waiting list


@dataclass(frozen=True)
class RegistrationsExport:
    data: bytes
    file_name: str
    counts: store.Counts
    attended: int | None  # once the event has started


class EventsService:
    """The events slice's rules for the chat: every check is made here (a handler that
    forgets its guard is still refused, and the refusal is audited)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.db = services.database
        self.areas = services.areas
        self.i18n = services.i18n
        self.timezone = services.settings.timezone

    @classmethod
    def of(cls, services: Services) -> EventsService:
        return cls(services)

    async def _refused(
        self, actor: User | None, attempted: str, event_id: object, now: dt.datetime
    ) -> None:
        await audit.refused(
            self.db, actor.telegram_id if actor else None, attempted, "event", event_id, now
        )

    # -- reading ---------------------------------------------------------------------------------
    async def relevant(
        self, viewer: User, now: dt.datetime, named_groups: bool = False
    ) -> list[Event]:
        """The person's everyday list; with `named_groups`, the trainings for teachers,
        business owners and police that the public may look for."""
        upcoming = await store.upcoming(self.db, now)
        if named_groups:
            return [event for event in upcoming if for_named_groups_only(event, viewer)]
        return [event for event in upcoming if visible_to(event, viewer)]

    async def states(self, viewer: User, event_ids: list[int]) -> dict[int, str]:
        return await store.user_states(self.db, viewer.telegram_id, event_ids)

    async def visible(self, viewer: User, event_id: int) -> Event | None:
        """The event if it still exists and the person may see (or manage) it."""
        event = await store.get(self.db, event_id)
        if event is None or not (
            visible_to(event, viewer, named_groups=True) or may_manage(viewer, event)
        ):
            return None
        return event

    async def card(self, viewer: User, event: Event) -> CardFacts:
        registration = await store.registration(self.db, event.id, viewer.telegram_id)
        state = registration.state if registration else None
        manager = may_manage(viewer, event)
        counts = await store.counts(self.db, event.id) if (manager or event.capacity) else None
        position = (
            await waiting_position(self.db, event.id, viewer.telegram_id)
            if state == "waiting"
            else None
        )
        return CardFacts(state, manager, counts, position)

    async def pending_reminders(self, event_id: int) -> list[Reminder]:
        return await reminder_store.for_event(self.db, event_id, "pending")

    # -- registering (anyone who sees the event) ----------------------------------------------
    async def join(self, viewer: User, event_id: int, now: dt.datetime) -> str:
        if await self.visible(viewer, event_id) is None:
            raise NotApplicable("no such event for this person")
        return await join(self.db, viewer, event_id, now)

    async def decline(self, viewer: User, event_id: int, now: dt.datetime) -> list[int]:
        if await self.visible(viewer, event_id) is None:
            raise NotApplicable("no such event for this person")
        return await decline(self.db, viewer, event_id, now)

    async def tell_promoted(self, event_id: int, promoted: list[int], now: dt.datetime) -> None:
        """A place freed up: each promoted person hears it at once, in their language (the
        outbox sends it)."""
        if not promoted:
            return
        event = await saved(self.db, event_id)
        cipher = cipher_for(self.services)
        async with self.db.atomic():
            for telegram_id in promoted:
                person = await users.get(self.db, telegram_id)
                their = self.i18n(person.language if person else None)
                await outbox.enqueue(
                    self.db, cipher, telegram_id, texts.promoted(their, event), now=now
                )

    # -- managing (staff of the event's area, administrators) ---------------------------------
    async def managed(
        self, actor: User, event_id: int, now: dt.datetime, attempted: str = "event_manage"
    ) -> Event:
        """The event `actor` may manage: NotApplicable when it is gone, PermissionDenied
        (audited) when it is not theirs."""
        event = await store.get(self.db, event_id)
        if event is None:
            raise NotApplicable("no such event")
        try:
            ensure_staff(actor)
            check_may_manage(actor, event.district, event.ward)
        except PermissionDenied:
            await self._refused(actor, attempted, event_id, now)
            raise
        return event

    async def registration_counts(
        self, actor: User, event_id: int, now: dt.datetime
    ) -> store.Counts:
        event = await self.managed(actor, event_id, now, "event_counts")
        return await store.counts(self.db, event.id)

    async def create(self, actor: User, draft: Draft, now: dt.datetime) -> int:
        try:
            ensure_staff(actor)
            check_may_manage(actor, draft.district, draft.ward)
        except PermissionDenied:
            await self._refused(actor, "event_create", None, now)
            raise
        return await create(self.db, actor, draft, now, self.timezone, self.areas)

    async def update(
        self, actor: User, event_id: int, now: dt.datetime, **changes: object
    ) -> tuple[Change, bool]:
        """Edit (PermissionDenied, NotApplicable, ValueError); registered people are told of a
        new time (the bool: a notice is queued) and promoted people of their place."""
        await self.managed(actor, event_id, now, "event_update")
        change = await update_fields(
            self.db, actor, event_id, now, self.timezone, self.areas, changes
        )
        told = bool(change.moved and await notify_change(self.db, self.i18n, change, now))
        await self.tell_promoted(event_id, change.promoted, now)
        return change, told

    async def cancel(self, actor: User, event_id: int, now: dt.datetime) -> tuple[Event, bool]:
        """Cancel; whether registered people are being told."""
        await self.managed(actor, event_id, now, "event_cancel")
        cancelled = await cancel(self.db, actor, event_id, now)
        queued = await notify_cancelled(self.db, self.i18n, cancelled, now)
        return cancelled, bool(queued)

    async def export_registrations(
        self, actor: User, event_id: int, translate: Translator, now: dt.datetime
    ) -> tuple[Event, RegistrationsExport]:
        event = await self.managed(actor, event_id, now, "event_registrations_export")
        from bot.events import export  # on first use: few processes ever export

        rows = await store.registration_rows(self.db, event.id)
        counts = await store.counts(self.db, event.id)
        data = export.registrations_csv(rows, self.areas, translate, cipher_for(self.services))
        await audit.record(
            self.db,
            actor.telegram_id,
            "event_registrations_exported",
            "event",
            event.id,
            now,
            rows=len(rows),
        )
        attended = (
            await attendance_store.count(self.db, event.id) if event.has_started(now) else None
        )
        return event, RegistrationsExport(data, export.file_name(event.id), counts, attended)

    async def import_calendar(
        self, actor: User, data: bytes, file_name: str, now: dt.datetime
    ) -> tuple[ImportResult | None, list[RowError]]:
        """An administrator's calendar file: all rows or none."""
        try:
            ensure_admin(actor)
        except PermissionDenied:
            await self._refused(actor, "events_import", None, now)
            raise
        from bot.events import calendar_file  # on first use: imports are rare

        return await calendar_file.import_file(
            self.db, self.i18n, actor, data, file_name, now, self.timezone, self.areas
        )
