"""Weekly awareness messages for subscribed parents, through the delivery engine.

The sequence is the shipped list (content/awareness.json, append only) followed by messages
staff add in the bot (/awareness). Each parent has a place in it: every week, at the day and
time set in the data file, each subscribed parent gets their next message (so a parent who
joins later starts from the first one). Parents who opted out (/stop) or blocked the bot are
not queued, and the engine checks again at send time. A week is planned once (a row per slot),
within a day after its time: a bot that was down over the weekend still sends on Monday, a
bot down for a week does not send two weeks at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import delivery
from bot.audience import Audience, count, where
from bot.content import load_json
from bot.delivery import Content
from bot.delivery.content import TEXT_LIMIT
from bot.guards import PermissionDenied, ensure_staff
from bot.hotline import hotline_footer
from bot.i18n import N_, I18n
from storage import audit
from storage import awareness as store
from storage.db import Database
from storage.users import User

if TYPE_CHECKING:
    from bot.application import BotApplication

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LATE_WINDOW = dt.timedelta(days=1)
PARENTS = Audience(roles=frozenset({"public"}))
STOP_HINT = N_("<i>Send /stop if you no longer want these messages.</i>")
# Room for the hotline footer and the /stop hint added to every message.
MAX_LENGTH = TEXT_LIMIT - 400


@dataclass(frozen=True)
class Schedule:
    weekday: int  # 0 = Monday
    time: dt.time

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Schedule:
        weekday = WEEKDAYS.index(str(data["weekday"]).lower())
        hours, minutes = (int(part) for part in str(data["time"]).split(":"))
        return cls(weekday, dt.time(hours, minutes))

    def last_slot(self, now: dt.datetime, timezone: ZoneInfo) -> dt.datetime:
        """The latest weekly moment at or before `now` (aware UTC)."""
        local = now.astimezone(timezone)
        day = local.date() - dt.timedelta(days=(local.weekday() - self.weekday) % 7)
        slot = dt.datetime.combine(day, self.time, tzinfo=timezone)
        if slot > local:
            slot -= dt.timedelta(days=7)
        return slot.astimezone(dt.UTC)

    def next_slot(self, now: dt.datetime, timezone: ZoneInfo) -> dt.datetime:
        return self.last_slot(now, timezone) + dt.timedelta(days=7)


def shipped() -> list[dict[str, str]]:
    messages: list[dict[str, str]] = load_json("awareness.json")["messages"]
    return messages


def schedule() -> Schedule:
    return Schedule.from_data(load_json("awareness.json")["schedule"])


async def sequence(db: Database) -> list[dict[str, str]]:
    """Every message in order: {'vi': …, 'en': …} (English may be missing)."""
    messages = [{"vi": m["vi"], **({"en": m["en"]} if m.get("en") else {})} for m in shipped()]
    for added in await store.added_messages(db):
        messages.append({"vi": added.text_vi, **({"en": added.text_en} if added.text_en else {})})
    return messages


def content_of(message: dict[str, str], i18n: I18n) -> Content:
    """The message with the hotline and how to stop, in each language it has."""
    texts: dict[str, str] = {}
    for language, text in message.items():
        _ = i18n(language)
        texts[language] = f"{text}\n\n{hotline_footer(_)}\n{_(STOP_HINT)}"
    return Content(texts=texts)


async def plan(application: BotApplication, now: dt.datetime) -> list[int]:
    """Queue this week's messages if the slot has come (and was not planned yet)."""
    services = application.services
    slot = schedule().last_slot(now, services.settings.timezone)
    if now - slot > LATE_WINDOW:
        return []
    db = services.database
    messages = await sequence(db)
    clause, params = where(PARENTS, "awareness")
    return await store.plan_week(
        db,
        slot.strftime("%Y-%m-%dT%H:%MZ"),
        clause,
        params,
        len(messages),
        lambda index: content_of(messages[index], services.i18n).to_json(),
        now,
    )


async def tick(application: BotApplication, now: dt.datetime) -> None:
    """The dispatcher's tick (registered by handlers/routes.py): this week's message, when due."""
    if await plan(application, now):
        delivery.kick(application)


# -- what staff see and add (/awareness) -----------------------------------------------------------
@dataclass(frozen=True)
class Overview:
    messages: int  # in the sequence, shipped and added
    next_time: dt.datetime  # the next weekly sending
    parents: int  # subscribed parents who receive it


class AwarenessService:
    """Staff only, checked here (a handler that forgets is still refused, and audited)."""

    def __init__(self, db: Database, timezone: ZoneInfo) -> None:
        self.db = db
        self.timezone = timezone

    @classmethod
    def of(cls, application: BotApplication) -> AwarenessService:
        services = application.services
        return cls(services.database, services.settings.timezone)

    async def _staff(self, actor: User | None, attempted: str, now: dt.datetime) -> User:
        try:
            return ensure_staff(actor)
        except PermissionDenied:
            await audit.refused(
                self.db,
                actor.telegram_id if actor is not None else None,
                attempted,
                "awareness_message",
                None,
                now,
            )
            raise

    @staticmethod
    def fits(text: str) -> bool:
        """Short enough for the hotline and the /stop hint below it."""
        return len(text) <= MAX_LENGTH

    async def overview(self, actor: User | None, now: dt.datetime) -> Overview:
        await self._staff(actor, "awareness_overview", now)
        return Overview(
            messages=len(await sequence(self.db)),
            next_time=schedule().next_slot(now, self.timezone),
            parents=await count(self.db, PARENTS, "awareness"),
        )

    async def may_add(self, actor: User | None, now: dt.datetime) -> None:
        """PermissionDenied (audited) for anyone but staff."""
        await self._staff(actor, "awareness_add", now)

    async def add(
        self, actor: User | None, text_vi: str, text_en: str | None, now: dt.datetime
    ) -> int:
        """Append a message to the sequence (audited in the same transaction); its position."""
        person = await self._staff(actor, "awareness_add", now)
        if not text_vi:
            raise ValueError("an awareness message needs its Vietnamese text")
        async with self.db.transaction():
            message_id = await store.add_message(self.db, text_vi, text_en, person.telegram_id, now)
            await audit.record(
                self.db,
                person.telegram_id,
                "awareness_added",
                "awareness_message",
                message_id,
                now,
            )
        return len(await sequence(self.db))
