"""The events tick: yearly events roll over, due reminders go to the delivery engine.

Registered with `bot.scheduling.add_tick` (every 20 s in production, `tg.tick()` in tests).

Exactly once per person: a due reminder row is handed to the engine with the dedupe key
`event-reminder:<id>[:<district>]` and only then marked `queued`. If the process dies between
the two, the next round enqueues again, gets the same delivery back, and marks it; the engine
itself sends each recipient row once across restarts.

After downtime: a reminder found late is still sent while its event has not started, and is
skipped (and logged) once it has. When several reminders of one event are found late at once,
only the most recent is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import delivery
from bot.delivery import Content
from bot.events import reminders as planning
from bot.events import texts
from bot.events.model import reminder_roles
from bot.events.service import saved
from storage import events as store
from storage import reminders as reminder_store
from storage.db import Database
from storage.models import Event
from storage.reminders import Reminder

if TYPE_CHECKING:
    from bot.application import BotApplication

log = logging.getLogger(__name__)

ROLL_LIMIT = 50  # occurrences created per round at most (years of downtime roll over slowly)


async def tick(application: BotApplication, now: dt.datetime) -> None:
    services = application.services
    db = services.database
    await roll_yearly(db, now, services.settings.timezone)
    queued = 0
    due = await reminder_store.due(db, now)
    latest = {(item.event_id, item.kind): item.id for item in due}  # due is oldest first
    for reminder in due:
        if latest[(reminder.event_id, reminder.kind)] != reminder.id:
            # Found late together with a newer one of the same event (after downtime):
            # one message, the closer one, is enough.
            log.info(
                "reminder %s of event %s superseded by a later one", reminder.id, reminder.event_id
            )
            await reminder_store.mark(db, reminder.id, "skipped", now)
            continue
        queued += await process(application, reminder, now)
    if queued:
        delivery.kick(application)


async def roll_yearly(db: Database, now: dt.datetime, timezone: ZoneInfo) -> int:
    """Create next year's occurrence of every yearly event that has started."""
    created = 0
    for event in await store.yearly_to_roll(db, now):
        if created >= ROLL_LIMIT:
            break
        start, end = next_year(event.starts_at, timezone), next_year(event.ends_at, timezone)
        async with db.transaction():
            new_id = await store.create(
                db,
                now,
                event.created_by,
                import_key=event.import_key,
                title=event.title,
                description=event.description,
                kind=event.kind,
                starts_at=start,
                ends_at=end,
                all_day=event.all_day,
                place=event.place,
                district=event.district,
                ward=event.ward,
                audience=event.audience,
                capacity=event.capacity,
                registration_deadline=(
                    next_year(event.registration_deadline, timezone)
                    if event.registration_deadline
                    else None
                ),
                recurrence="yearly",
                follows_id=event.id,
                reminder_offsets=event.reminder_offsets,
                countdown_days=event.countdown_days,
            )
            successor = await saved(db, new_id)
            await reminder_store.replace_pending(
                db, new_id, successor.starts_at, planning.plan(successor, now, timezone), now
            )
        log.info("yearly event %s rolled over to %s", event.id, new_id)
        created += 1
    return created


def next_year(moment: dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    """The same local day and time a year later (29 February becomes 28 February)."""
    local = moment.astimezone(timezone)
    try:
        shifted = local.replace(year=local.year + 1)
    except ValueError:
        shifted = local.replace(year=local.year + 1, day=28)
    return shifted.replace(tzinfo=timezone).astimezone(dt.UTC)


async def process(application: BotApplication, reminder: Reminder, now: dt.datetime) -> int:
    """Hand one due reminder to the engine, skip it, or drop it. Returns deliveries queued."""
    db = application.services.database
    event = await store.get(db, reminder.event_id)
    if event is None or not event.is_active or event.starts_at != reminder.event_start:
        await reminder_store.mark(db, reminder.id, "cancelled", now)
        return 0
    if event.has_started(now):
        log.warning(
            "reminder %s of event %s skipped: due %s, the event started before we could send it",
            reminder.id,
            event.id,
            reminder.due_at.isoformat(),
        )
        await reminder_store.mark(db, reminder.id, "skipped", now)
        return 0
    if reminder.kind == "countdown":
        sent_to = await _queue_countdown(application, reminder, event, now)
    else:
        sent_to = await _queue_reminder(application, reminder, event, now)
    await reminder_store.mark(db, reminder.id, "queued", now, recipients=sent_to)
    log.info("reminder %s of event %s queued for %d people", reminder.id, event.id, sent_to)
    return 1 if sent_to else 0


async def reminder_recipients(db: Database, event: Event) -> list[int]:
    """The audience of the event in its scope, plus everyone registered; minus 'Not going'."""
    audience = await store.reminder_audience(db, reminder_roles(event), event.district, event.ward)
    going = await store.registered_ids(db, event.id, ("going",))
    declined = set(await store.registered_ids(db, event.id, ("declined",)))
    return sorted((set(audience) | set(going)) - declined)


async def _queue_reminder(
    application: BotApplication, reminder: Reminder, event: Event, now: dt.datetime
) -> int:
    services = application.services
    recipients = await reminder_recipients(services.database, event)
    if not recipients:
        return 0
    content = Content.text(
        texts.reminder(services.i18n("vi"), event, services.areas, now),
        en=texts.reminder(services.i18n("en"), event, services.areas, now),
    )
    await delivery.enqueue(
        services.database,
        kind="reminder",
        content=content,
        now=now,
        recipients=recipients,
        dedupe_key=f"event-reminder:{reminder.id}",
    )
    return len(recipients)


async def _queue_countdown(
    application: BotApplication, reminder: Reminder, event: Event, now: dt.datetime
) -> int:
    """One message per district: collaborators and staff see their district's activities."""
    services = application.services
    db = services.database
    total = 0
    for district, people in (await store.network_by_district(db)).items():
        activities = [
            item
            for item in await store.between(db, event.starts_at, event.ends_at, district)
            if item.id != event.id and item.kind != "campaign"
        ]

        def render(_, activities=activities, district=district):
            name = services.areas.group_name(district, _.language) if district else None
            return texts.countdown(_, event, activities, name, now)

        content = Content.text(render(services.i18n("vi")), en=render(services.i18n("en")))
        await delivery.enqueue(
            db,
            kind="reminder",
            content=content,
            now=now,
            recipients=people,
            dedupe_key=f"event-reminder:{reminder.id}:{district or 'all'}",
        )
        total += len(people)
    return total
