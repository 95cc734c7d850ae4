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
from zoneinfo import ZoneInfo

from bot import delivery, scope
from bot.areas import Areas
from bot.delivery import Content
from bot.events import reminders as planning
from bot.events import texts
from bot.events.model import AUDIENCES, DEFAULT_REMINDERS, KINDS
from bot.guards import NotApplicable, PermissionDenied
from bot.i18n import I18n, Translator
from storage import audit
from storage import events as store
from storage import reminders as reminder_store
from storage.db import Database
from storage.models import Event
from storage.users import User

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
        event = await store.get(db, event_id)
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

    async def write() -> Change:
        before = await _manageable(db, actor, event_id)
        if not before.is_active:
            raise NotApplicable("the event is cancelled")
        if before.example and actor is not None:
            changes["example"] = False  # staff adapted the example: it is theirs now
        draft = Draft(**{**_draft_fields(before), **changes})
        check_may_manage(actor, draft.district, draft.ward)
        found = [
            code
            for code in problems(draft, now, areas)
            if code != "past" or "starts_at" in changes or "ends_at" in changes
        ]
        if found:
            raise ValueError(f"invalid event: {found}")
        await store.update(db, event_id, now, **changes)
        after = await store.get(db, event_id)
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
    return await store.get(db, event_id)


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
