"""Helpers of the events tests: people with a role and area, events written directly."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.events import service

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """A wall-clock time in Ho Chi Minh City as an aware UTC datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=HCMC).astimezone(dt.UTC)


async def person(
    tg, name, *, role="public", district=None, ward=None, language="vi", subscribed=True
):
    """A person the bot knows as after onboarding (and approval, for collaborators/staff):
    the testkit's one person factory, with the events tests' defaults (public, no area)."""
    return await tg.person(
        name,
        role,
        district,
        ward,
        language=language,
        subscribed_reminders=int(subscribed),
        subscribed_announcements=int(subscribed),
    )


async def make_event(
    tg,
    *,
    title="Sinh hoạt câu lạc bộ",
    kind="club",
    start=None,
    end=None,
    audience=("collaborators",),
    district="Q8",
    **extra,
) -> int:
    start = start or local(2021, 6, 1, 8, 30)
    end = end or start + dt.timedelta(hours=2)
    draft = service.Draft(
        title=title,
        kind=kind,
        starts_at=start,
        ends_at=end,
        audience=frozenset(audience),
        district=district,
        **extra,
    )
    return await service.create(tg.db, None, draft, tg.clock.now(), HCMC, tg.app.services.areas)


def received(user, text=None) -> list[str]:
    """Texts the bot sent to this person (optionally only those containing `text`)."""
    return [m.content for m in user.bot_messages if text is None or text in (m.content or "")]
