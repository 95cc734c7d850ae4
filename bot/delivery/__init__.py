"""The ONE delivery engine: every mass send (broadcasts, urgent staff notices, reminders,
awareness messages) goes through here. Individual replies and a handful of notifications use
`bot.messaging.notify` instead.

Using it (reminders, awareness, broadcasts):

    from bot import delivery
    from bot.delivery import Content

    delivery_id = await delivery.enqueue(
        db,
        kind="reminder",                      # urgent | reminder | broadcast | awareness
        content=Content.text("Nhắc lịch …", en="Reminder …"),   # or Content(media="photo", …)
        now=now,
        recipients=[123, 456],                # explicit chat ids (any iterable or async iterable)
        # audience=Audience(roles=…, districts=…),  # …or an audience resolved when sending starts
        scheduled_at=now,                     # default: now
        dedupe_key="reminder:event:42:24h",   # enqueueing the same key again is a no-op
    )
    delivery.kick(application)                # optional: start now rather than at the next tick

`enqueue` returns the delivery id (the existing one for a known dedupe_key). `pause`,
`resume` and `cancel` control a delivery; `may_control` says who may.

Durable queue. A `deliveries` row per send and a `delivery_recipients` row per recipient
(pending → sent | failed | blocked | skipped) in SQLite. An audience is resolved into rows by
one INSERT … SELECT when sending starts, and pending rows are read a page at a time, so memory
does not grow with the number of recipients. Each recipient's outcome is committed right after
its send: after a crash or a kill the restarted engine resumes from the pending rows. A message
whose answer was lost in the crash (sent, not yet recorded) is sent again: never missing, and
duplicated only for the few messages in flight at the kill (`max_in_flight`, ⌈rate/10⌉ = 3 at
30/s). Opt-out (/stop) and blocking are checked at send time, so they apply during a long send.

Pacing — one budget, replies first. The engine paces itself (bot/delivery/limiter.py): an
overall rate (Settings.overall_rate, BROADCAST_RATE, 30/s by default, up to 1,000/s for paid
broadcasts), one message a second per chat, 20 a minute per group, and a 429 `retry_after`
pauses all mass sending. It draws from the application's one `SendBudget`, which every other
request also passes through (bot/delivery/lanes.py, PTB's rate-limiter hook): interactive
replies go first and may use the whole window; mass sending keeps one slot of every window
free for them, starts nothing new while a person's update is being handled, and backs off on
any 429, whoever caused it. The engine's own progress message and report wait their turn in
the sender's chat like everything else, so a broadcast's start no longer trips 1/s there.
We do not use PTB's AIORateLimiter: it has no per-private-chat limit, it retries a 429 by
holding every request (replies included) inside the call, so the engine could neither see the
pause nor record progress, and it runs on real time (our tests inject a clock).
Several sends are in flight at once (`max_in_flight`) so round trips of ~100 ms to Telegram do
not cap the rate.

Failures. 403 / "chat not found" → recipient `blocked`, the person marked unreachable and
skipped by later deliveries until they write again (handlers/common.identify). Timeouts and
5xx → retried with backoff (5, 10, 20 s) up to 4 attempts, and several in a row make the whole
queue back off. Any other refusal (400) fails that recipient; ten refusals before any success
stop the delivery (the content itself is wrong).

Running. The worker is one background task (`BotApplication.create_task`) started by the
dispatcher's tick (`bot.scheduling.add_tick`, every 20 s) or by `kick`; it never blocks update
handling, works on the most urgent delivery first (urgent > reminder > broadcast > awareness,
re-checked every page) and exits when nothing is due. On shutdown (`BotApplication.stop`) it
stops after the messages in flight have been sent and recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING

from bot import scheduling
from bot.audience import Audience
from bot.delivery.content import Content, send_content
from bot.delivery.engine import DeliveryEngine
from bot.delivery.lanes import budget_of
from bot.delivery.limiter import timer_for
from storage import audit
from storage import delivery as store
from storage.db import Database
from storage.delivery import Counts, Delivery
from storage.users import User

if TYPE_CHECKING:
    from bot.application import BotApplication

__all__ = [
    "Audience",
    "Content",
    "Counts",
    "Delivery",
    "DeliveryEngine",
    "cancel",
    "engine_of",
    "enqueue",
    "install",
    "kick",
    "may_control",
    "pause",
    "resume",
    "send_content",
]


async def enqueue(
    db: Database,
    *,
    kind: str,
    content: Content,
    now: dt.datetime,
    audience: Audience | None = None,
    recipients: Iterable[int] | AsyncIterable[int] | None = None,
    scheduled_at: dt.datetime | None = None,
    dedupe_key: str | None = None,
    created_by: int | None = None,
    district: str | None = None,
    report_chat_id: int | None = None,
) -> int:
    """Queue a mass send; returns its id. Give exactly one of `audience` or `recipients`.

    With a `dedupe_key` already used, nothing new is queued and the existing id is returned.
    `report_chat_id` gets a progress message (edited every few seconds, with Pause/Cancel)
    and a final report.
    """
    if (audience is None) == (recipients is None):
        raise ValueError("give exactly one of audience or recipients")
    if dedupe_key is not None:
        existing = await store.by_dedupe_key(db, dedupe_key)
        if existing is not None:
            return existing.id
    async with db.transaction():
        delivery_id = await store.create(
            db,
            kind=kind,
            content=content.to_json(),
            now=now,
            scheduled_at=scheduled_at or now,
            audience=audience.to_json() if audience is not None else None,
            district=district,
            created_by=created_by,
            report_chat_id=report_chat_id,
            dedupe_key=dedupe_key,
        )
        if recipients is not None:
            await store.add_recipients(db, delivery_id, recipients)
        if created_by is not None:
            await audit.record(
                db,
                created_by,
                "delivery_queued",
                "delivery",
                delivery_id,
                now,
                kind=kind,
                district=district,
            )
    return delivery_id


def install(application: BotApplication) -> DeliveryEngine:
    """Create the application's engine and its tick (idempotent)."""
    services = application.services
    engine = services.delivery
    if engine is None:
        budget = budget_of(application)  # shared with replies: wait on the same timer
        timer = budget.timer if budget is not None else timer_for(services.clock)
        engine = DeliveryEngine(application, timer, services.settings.overall_rate)
        services.delivery = engine
        scheduling.add_tick(application, "delivery", _tick)
    return engine


def engine_of(application: BotApplication) -> DeliveryEngine:
    return install(application)


def installed_engine(application: BotApplication) -> DeliveryEngine | None:
    """The engine if this application has one (without creating it)."""
    return application.services.delivery


def kick(application: BotApplication) -> None:
    """Start sending what is due now (instead of at the next dispatcher tick)."""
    engine_of(application).kick()


async def _tick(application: BotApplication, now: dt.datetime) -> None:
    engine_of(application).kick()


def may_control(actor: User, delivery: Delivery) -> bool:
    """Administrators control every delivery; staff their own and their programme area's."""
    if actor.is_admin:
        return True
    if not actor.is_staff:
        return False
    from bot import scope  # bot.scope needs the map; the delivery engine loads without it

    return delivery.created_by == actor.telegram_id or (
        delivery.district is not None and delivery.district == scope.home_group(actor)
    )


async def pause(
    application: BotApplication, delivery_id: int, actor_id: int | None, now: dt.datetime
) -> bool:
    db = application.services.database
    async with db.transaction():
        changed = await store.pause(db, delivery_id)
        if changed:
            await audit.record(db, actor_id, "delivery_paused", "delivery", delivery_id, now)
    engine_of(application).interrupt(delivery_id)
    return changed


async def resume(
    application: BotApplication, delivery_id: int, actor_id: int | None, now: dt.datetime
) -> bool:
    db = application.services.database
    async with db.transaction():
        changed = await store.resume(db, delivery_id)
        if changed:
            await audit.record(db, actor_id, "delivery_resumed", "delivery", delivery_id, now)
    if changed:
        kick(application)
    return changed


async def cancel(
    application: BotApplication, delivery_id: int, actor_id: int | None, now: dt.datetime
) -> Counts | None:
    """Stop for good; what was sent stays sent. Returns the figures, or None if it had
    already ended."""
    db = application.services.database
    engine_of(application).interrupt(delivery_id)
    counts = await store.counts(db, delivery_id)
    async with db.transaction():
        if not await store.finish(db, delivery_id, "cancelled", counts, now):
            return None
        await audit.record(
            db, actor_id, "delivery_cancelled", "delivery", delivery_id, now, sent=counts.sent
        )
    return counts
