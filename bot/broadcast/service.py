"""The rules of a broadcast, in one place: who may send (staff with units, administrators),
to which audience (bot.audience: staff within their units, events they may address), when
(the one date parser, bot/events/dates.py; within a minute from now to 90 days ahead), who
may pause, resume or cancel a send, and who sees the history.

Handlers read the update, call these methods and render the reply. Every method checks the
actor again (a handler that forgets its check is still refused) and a refused attempt is
audited; queueing and the controls are audited in their transaction (bot.delivery).
Broadcasts have no quiet hours: staff choose the time (reminders keep theirs,
bot/events/reminders.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from bot import audience as audiences
from bot import delivery, scope
from bot.areas import Unit
from bot.audience import Audience
from bot.delivery import Content
from bot.events import addressing, dates
from bot.guards import PermissionDenied, ensure_staff
from storage import audit, events
from storage import delivery as deliveries
from storage.delivery import Counts, Delivery
from storage.models import Event
from storage.users import User

if TYPE_CHECKING:
    from bot.application import BotApplication

MAX_AHEAD = dt.timedelta(days=90)
SOONEST = dt.timedelta(minutes=1)
Kind = Literal["broadcast", "urgent"]
ControlAction = Literal["pause", "resume", "cancel"]
# What pressing a control did: done, refused (not the sender's), stale (no such send) or
# ended (nothing left to pause, resume or cancel).
ControlOutcome = Literal["paused", "resumed", "cancelled", "refused", "stale", "ended"]


class TimeRefused(ValueError):
    """A readable time a broadcast cannot use: `code` "passed" (now or within a minute) or
    "beyond" (more than 90 days ahead)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class HistoryEntry:
    delivery: Delivery
    counts: Counts
    audience: Audience | None
    event: Event | None  # the audience's event, if it still exists
    may_cancel: bool


def may_send(actor: User | None) -> bool:
    """Staff with units of their own, and administrators."""
    return actor is not None and actor.is_staff and (actor.is_admin or bool(scope.units_of(actor)))


class NotStaff(PermissionDenied):
    """Not staff at all (as opposed to staff outside their reach)."""


def ensure_sender(actor: User | None) -> User:
    try:
        person = ensure_staff(actor)
    except PermissionDenied:
        raise NotStaff("staff only") from None
    if not may_send(person):
        raise PermissionDenied("only staff with units and administrators send announcements")
    return person


def check_time(text: str, now: dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    """When a scheduled broadcast goes out, read by the one date parser of the bot (what
    /newevent reads). Raises dates.DateError (unreadable, no time, past…) or TimeRefused."""
    when = dates.parse_start(text, now, timezone)
    if when <= now + SOONEST:
        raise TimeRefused("passed")
    if when > now + MAX_AHEAD:
        raise TimeRefused("beyond")
    return when


class BroadcastService:
    def __init__(self, application: BotApplication) -> None:
        self.application = application
        self.db = application.services.database
        self.areas = application.services.areas

    @classmethod
    def of(cls, application: BotApplication) -> BroadcastService:
        return cls(application)

    @staticmethod
    def may_send(actor: User | None) -> bool:
        return may_send(actor)

    async def _refused(
        self, actor: User | None, attempted: str, now: dt.datetime, entity_id: object = None
    ) -> None:
        await audit.refused(
            self.db,
            actor.telegram_id if actor is not None else None,
            attempted,
            "delivery",
            entity_id,
            now,
        )

    async def sender(self, actor: User | None, attempted: str, now: dt.datetime) -> User:
        """The actor if they may send announcements; refused (and audited) otherwise."""
        try:
            return ensure_sender(actor)
        except PermissionDenied:
            await self._refused(actor, attempted, now)
            raise

    # -- the audience ----------------------------------------------------------------------------
    async def reach(
        self, actor: User | None, audience: Audience, now: dt.datetime
    ) -> tuple[Audience, Event | None]:
        """The audience as it will be stored, within the sender's limits, and its event.
        PermissionDenied when the sender may not reach it (any more)."""
        return await audiences.reach(self.db, ensure_sender(actor), audience, now)

    async def count(self, audience: Audience, kind: Kind) -> int:
        """How many a reached audience (see `reach`) counts now."""
        return await audiences.count(self.db, audience, kind)

    async def count_within(
        self, actor: User | None, audience: Audience, kind: Kind, now: dt.datetime
    ) -> int:
        """How many `audience` would reach for this sender; 0 when out of their reach."""
        try:
            reached, _event = await self.reach(actor, audience, now)
        except PermissionDenied:
            return 0
        return await self.count(reached, kind)

    async def addressable_event(
        self, actor: User | None, event_id: int | None, now: dt.datetime
    ) -> Event | None:
        """The event if the sender may address it now; None when unknown, out of reach,
        cancelled or long past (forged or stale buttons)."""
        if not may_send(actor) or actor is None:
            return None
        return await addressing.find(self.db, actor, event_id, now)

    async def event_page(
        self, actor: User | None, now: dt.datetime, page: int, size: int
    ) -> tuple[list[tuple[Event, int]], bool, int]:
        """One page of the events the sender may address with how many are going, whether
        more follow, and the page shown (the first again when the list shrank)."""
        person = ensure_sender(actor)
        found, has_next = await addressing.choices(self.db, person, now, page, size)
        if not found and page > 0:
            page = 0
            found, has_next = await addressing.choices(self.db, person, now, page, size)
        going = [(event, (await events.counts(self.db, event.id)).going) for event in found]
        return going, has_next, page

    def groups_offered(self, actor: User | None) -> bool:
        """Only administrators choose programme groups; staff reach their own units."""
        return actor is not None and actor.is_admin

    def units_offered(self, actor: User | None, groups: list[str]) -> list[Unit]:
        """Administrators: the units of the one chosen group; staff: the units of their scope."""
        if actor is None:
            return []
        if actor.is_admin:
            return self.areas.units_in(groups[0]) if len(groups) == 1 else []
        return [
            unit
            for unit in self.areas.programme_units()
            if scope.can_act_in_unit(actor, unit.code, self.areas)
        ]

    # -- sending ---------------------------------------------------------------------------------
    async def queue(
        self,
        actor: User | None,
        *,
        kind: Kind,
        content: Content,
        audience: Audience,
        when: dt.datetime,
        now: dt.datetime,
        report_chat_id: int,
    ) -> int:
        """Queue the broadcast (audited with the delivery, bot.delivery.enqueue). The audience
        is checked again: PermissionDenied (audited) when the sender may no longer reach it."""
        person = await self.sender(actor, "broadcast_send", now)
        try:
            reached, _event = await audiences.reach(self.db, person, audience, now)
        except PermissionDenied:
            await self._refused(person, "broadcast_send", now)
            raise
        return await delivery.enqueue(
            self.db,
            kind=kind,
            content=content,
            now=now,
            audience=reached,
            scheduled_at=when,
            created_by=person.telegram_id,
            district=audiences.scope_district(person),
            report_chat_id=report_chat_id,
        )

    # -- the progress controls -------------------------------------------------------------------
    async def control(
        self, actor: User | None, action: ControlAction, delivery_id: int, now: dt.datetime
    ) -> ControlOutcome:
        """Pause, resume or cancel a send (the sender, their area's staff, administrators);
        the progress message shows the new state."""
        found = await deliveries.get(self.db, delivery_id)
        if found is None:
            return "stale"
        if actor is None or not delivery.may_control(actor, found):
            await self._refused(actor, f"delivery_{action}", now, delivery_id)
            return "refused"
        app, actor_id = self.application, actor.telegram_id
        engine = delivery.engine_of(app)
        if action == "pause" and await delivery.pause(app, delivery_id, actor_id, now):
            await self._show_state(engine, delivery_id)
            return "paused"
        if action == "resume" and await delivery.resume(app, delivery_id, actor_id, now):
            await self._show_state(engine, delivery_id)
            return "resumed"
        if action == "cancel" and (
            counts := await delivery.cancel(app, delivery_id, actor_id, now)
        ):
            ended = await deliveries.get(self.db, delivery_id)
            if ended is not None:
                await engine.report(ended, counts, "cancelled", now)
            return "cancelled"
        return "ended"

    async def _show_state(self, engine: delivery.DeliveryEngine, delivery_id: int) -> None:
        changed = await deliveries.get(self.db, delivery_id)
        if changed is not None:
            await engine.show_state(changed)

    # -- history ---------------------------------------------------------------------------------
    async def history(self, actor: User | None, now: dt.datetime) -> list[HistoryEntry]:
        """The latest sends of the staff member's area (administrators: all), with figures.
        Staff only (refused and audited otherwise)."""
        try:
            person = ensure_staff(actor)
        except PermissionDenied:
            await self._refused(actor, "broadcast_history", now)
            raise
        rows = await deliveries.history(
            self.db, scope.home_group(person), all_districts=person.is_admin
        )
        entries = []
        for row in rows:
            counts = await deliveries.counts(self.db, row.id) if row.is_open else _final(row)
            audience = Audience.from_json(row.audience) if row.audience else None
            event = (
                await events.get(self.db, audience.event_id)
                if audience is not None and audience.event_id is not None
                else None
            )
            may_cancel = row.is_open and delivery.may_control(person, row)
            entries.append(HistoryEntry(row, counts, audience, event, may_cancel))
        return entries


def _final(row: Delivery) -> Counts:
    """The figures recorded when a send ended."""
    done = row.sent_count + row.failed_count + row.blocked_count + row.skipped_count
    return Counts(
        row.total,
        row.total - done,
        row.sent_count,
        row.failed_count,
        row.blocked_count,
        row.skipped_count,
    )
