"""Data retention: personal data of closed cases is kept for a limited time, then erased.

Once a day (local time, across restarts) the dispatcher erases, after `Settings.retention_years`:
- the encrypted personal fields of closed cases — the child's name, what happened, the place,
  photos, carer, actions and the reporter's name and phone — and the bodies of their notes,
  keeping the code, dates, ward, groups, urgency and status for statistics;
- the texts and photos of parents' questions no longer waiting for staff, and the contact an
  asker shared;
- the phones of people deactivated longer than that;
- finished outbox rows (their texts were erased when sent).
Report drafts untouched for `Settings.draft_retention_days` are deleted. Every erasure is
audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.crypto import FieldCipher, cipher_for
from storage import audit, outbox, retention, users

if TYPE_CHECKING:
    from bot.application import BotApplication

log = logging.getLogger(__name__)
JOB = "retention"


@dataclass(frozen=True)
class RetentionResult:
    cases_erased: int
    drafts_deleted: int
    questions_erased: int = 0
    phones_erased: int = 0


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


async def erase_expired(
    db, cipher: FieldCipher, now: dt.datetime, years: int, draft_days: int
) -> RetentionResult:
    erased = 0
    cutoff = years_before(now, years)
    while case_ids := await retention.expired_case_ids(db, cutoff):
        for case_id in case_ids:
            async with db.transaction():
                await retention.erase_case(db, case_id, cipher.encrypt(""), now)
                await audit.record(
                    db,
                    None,
                    "erase_personal_data",
                    "case",
                    case_id,
                    now,
                    reason="retention",
                    years=years,
                )
            erased += 1
    questions = 0
    while question_ids := await retention.expired_question_ids(db, cutoff):
        for question_id in question_ids:
            async with db.transaction():
                await retention.erase_question(db, question_id, cipher.encrypt(""), now)
                await audit.record(
                    db,
                    None,
                    "erase_personal_data",
                    "question",
                    question_id,
                    now,
                    reason="retention",
                    years=years,
                )
            questions += 1
    async with db.transaction():
        phones = await users.erase_phones_deactivated_before(db, cutoff)
        if phones:
            await audit.record(
                db,
                None,
                "erase_phones",
                "user",
                None,
                now,
                count=phones,
                reason="deactivated",
                years=years,
            )
        await outbox.delete_finished_before(db, now - dt.timedelta(days=draft_days))
    async with db.transaction():
        drafts = await retention.delete_stale_drafts(db, now - dt.timedelta(days=draft_days))
        if drafts:
            await audit.record(
                db,
                None,
                "delete_stale_drafts",
                "report_draft",
                None,
                now,
                count=drafts,
                days=draft_days,
            )
    return RetentionResult(erased, drafts, questions, phones)


async def daily_tick(application: BotApplication, now: dt.datetime) -> None:
    services = application.services
    db = services.database
    local_today = now.astimezone(services.settings.timezone).date()
    previous = await retention.last_run(db, JOB)
    if previous and previous.astimezone(services.settings.timezone).date() >= local_today:
        return
    result = await erase_expired(
        db,
        cipher_for(services),
        now,
        services.settings.retention_years,
        services.settings.draft_retention_days,
    )
    await retention.mark_run(db, JOB, now)
    if (
        result.cases_erased
        or result.drafts_deleted
        or result.questions_erased
        or result.phones_erased
    ):
        log.info(
            "retention: %d cases, %d questions, %d phones erased, %d drafts deleted",
            result.cases_erased,
            result.questions_erased,
            result.phones_erased,
            result.drafts_deleted,
        )


def register(application: BotApplication) -> None:
    from bot.scheduling import add_tick

    add_tick(application, JOB, daily_tick)
