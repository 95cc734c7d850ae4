"""A quick tip: what someone typed about a child in danger becomes a case at once.

The person taps "pass it to staff now" under the emergency answer; the typed text is the
case's description, the place is the person's own ward/commune if the bot knows it, or the one
they tap (or none: then the programme's administrators get it). The tip is anonymous: no name
or number is kept. Like a report, it gets the Decree's clocks and an audit entry, in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.areas import Areas
from bot.reports import casework
from bot.reports.casework import Submitted
from bot.reports.rules import CaseRules
from bot.safety.matcher import Verdict
from storage import audit, cases
from storage.db import Database
from storage.users import User

# The Article 10 group (or "at risk" / "other") a tip of each category is filed under.
SITUATION_OF = {
    "violence": "i",
    "sexual": "l",
    "exploitation": "k",
    "trafficking": "m",
    "neglect": "risk",
    "immediate": "risk",
    "self_harm": "other",
    "missing": "other",
}
# Categories where the child may be in danger right now: the 12-hour clock applies (a
# disclosed beating too: "bị đánh bầm tím mỗi ngày" cannot wait five working days).
URGENT = {"immediate", "self_harm", "missing", "sexual", "trafficking", "violence"}


def is_urgent(verdict: Verdict | None) -> bool:
    return verdict is None or verdict.now or verdict.category in URGENT


async def submit_tip(
    db: Database,
    cipher,
    areas: Areas,
    reporter: User,
    text: str,
    category: str | None,
    ward_code: str | None,
    now: dt.datetime,
    rules: CaseRules,
    timezone: ZoneInfo,
    urgent: bool,
    *,
    source_message_id: int | None = None,
    on_created: casework.OnCreated | None = None,
) -> Submitted:
    """Open a case from a typed disclosure, its notifications queued in the same transaction
    (`on_created`). Raises casework.RateLimited like a report.

    `source_message_id` is the emergency answer whose button was pressed: one answer makes
    at most one case, also for two presses at once or a press after a restart (the second
    gets the first one's case back, `first=False`)."""
    earlier = await casework.already_submitted(db, reporter.telegram_id, source_message_id)
    if earlier is not None:
        return earlier
    if await casework.reports_left(db, reporter.telegram_id, now, rules) <= 0:
        raise casework.RateLimited(reporter.telegram_id)
    unit = areas.unit(ward_code)
    new = cases.NewCase(
        prefix=areas.case_prefix,
        district=areas.group_of(unit.code) or "" if unit else "",
        ward=unit.code if unit else "",
        reported_place=unit.code if unit else None,
        reporter_id=reporter.telegram_id,
        reporter_role=reporter.role if reporter.is_active else "public",
        urgent=urgent,
        child_age=None,
        age_estimated=True,
        child_sex="unknown",
        children=1,
        situations=(SITUATION_OF.get(category or "", "risk"),),
        description=text[: rules.description_max_chars],
    )
    async with db.transaction():
        # Checked again under the transaction: a press processed meanwhile made the case.
        earlier = await casework.already_submitted(db, reporter.telegram_id, source_message_id)
        if earlier is not None:
            return earlier
        return await casework.open_case(
            db,
            cipher,
            reporter,
            new,
            now,
            rules,
            timezone,
            source_message_id=source_message_id,
            on_created=on_created,
            source="quick_tip",
            category=category,
        )


async def place_tip(
    db: Database,
    areas: Areas,
    reporter: User,
    case_id: int,
    unit_code: str,
    now: dt.datetime,
    then: Callable[[int], Awaitable[None]] | None = None,
) -> bool:
    """The ward/commune of a tip sent without a place, chosen by its sender (once); `then`
    queues the alerts to that unit's staff in the same transaction."""
    unit = areas.unit(unit_code)
    if unit is None:
        return False
    owner = await cases.get_reporter_messages(db, case_id)
    if owner is None or owner[0] != reporter.telegram_id:
        return False
    async with db.transaction():
        changed = await cases.set_place(
            db, case_id, areas.group_of(unit.code) or "", unit.code, now
        )
        if changed:
            await audit.record(
                db,
                reporter.telegram_id,
                "case_place",
                "case",
                case_id,
                now,
                ward=unit.code,
                source="quick_tip",
            )
            if then is not None:
                await then(case_id)
    return bool(changed)
