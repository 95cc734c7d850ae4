"""Which events a sender may address a broadcast to ("only people registered for …").

Rules (plain functions, re-checked on every button press and again before queueing):
- Only events people register for (club activities, trainings), still active, upcoming or
  started within the last `LOOKBACK` (a thank-you or a follow-up after the day).
- Administrators may address every such event; staff those of their units (or of a programme
  group they work in) and the programme-wide ones (district None). Nobody else may broadcast.
- `within_district(actor, event)` is the place rule alone; bot.audience uses it to decide
  whether a staff member's scope limit is replaced by the event (see `limit_for`).
"""

from __future__ import annotations

import datetime as dt

from bot import scope
from storage import events as store
from storage.db import Database
from storage.models import REGISTRATION_KINDS, Event
from storage.users import User

LOOKBACK = dt.timedelta(days=7)


def within_district(actor: User, event: Event) -> bool:
    """The place rule: administrators everything; staff their units' and programme-wide."""
    if actor.is_admin:
        return True
    if not actor.is_staff or not scope.units_of(actor):
        return False
    if event.ward:
        return scope.can_act_in_unit(actor, event.ward)
    return event.district is None or scope.touches_group(actor, event.district)


def recent_enough(event: Event, now: dt.datetime) -> bool:
    return not event.has_ended(now) or event.starts_at >= now - LOOKBACK


def may_address(actor: User, event: Event, now: dt.datetime) -> bool:
    return (
        event.is_active
        and event.takes_registrations
        and recent_enough(event, now)
        and within_district(actor, event)
    )


def _district_filter(actor: User) -> str | None:
    return None if actor.is_admin else scope.home_group(actor)


async def choices(
    db: Database, actor: User, now: dt.datetime, page: int, size: int
) -> tuple[list[Event], bool]:
    """One page of the events `actor` may address, soonest first, and whether more follow."""
    if not actor.is_admin and not (actor.is_staff and scope.units_of(actor)):
        return [], False
    found = await store.addressable(
        db,
        now - LOOKBACK,
        now,
        _district_filter(actor),
        REGISTRATION_KINDS,
        limit=size + 1,
        offset=page * size,
    )
    found = [event for event in found if within_district(actor, event)]
    return found[:size], len(found) > size


async def find(db: Database, actor: User, event_id: int | None, now: dt.datetime) -> Event | None:
    """The event if `actor` may address it now; None when unknown, out of reach or too old
    (forged or stale buttons)."""
    if event_id is None:
        return None
    event = await store.get(db, event_id)
    if event is None or not may_address(actor, event, now):
        return None
    return event
