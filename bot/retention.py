"""Data retention: personal data of closed cases is kept for a limited time, then erased.

Once a day (local time, across restarts) the dispatcher erases the encrypted personal fields
of cases closed more than `Settings.retention_years` ago — the child's name, what happened,
the place, photos, carer, actions and the reporter's name and phone — and the bodies of their
notes, keeping the code, dates, ward, groups, urgency and status for statistics. Report drafts
untouched for `Settings.draft_retention_days` are deleted. Every erasure is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from telegram.ext import Application

from bot.crypto import FieldCipher, cipher_for
from storage import audit, retention

log = logging.getLogger(__name__)
JOB = "retention"


@dataclass(frozen=True)
class RetentionResult:
    cases_erased: int
    drafts_deleted: int


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


async def erase_expired(db, cipher: FieldCipher, now: dt.datetime, years: int,
                        draft_days: int) -> RetentionResult:
    erased = 0
    cutoff = years_before(now, years)
    while case_ids := await retention.expired_case_ids(db, cutoff):
        for case_id in case_ids:
            async with db.transaction():
                await retention.erase_case(db, case_id, cipher.encrypt(""), now)
                await audit.record(db, None, "erase_personal_data", "case", case_id, now,
                                   reason="retention", years=years)
            erased += 1
    async with db.transaction():
        drafts = await retention.delete_stale_drafts(db, now - dt.timedelta(days=draft_days))
        if drafts:
            await audit.record(db, None, "delete_stale_drafts", "report_draft", None, now,
                               count=drafts, days=draft_days)
    return RetentionResult(erased, drafts)


async def daily_tick(application: Application, now: dt.datetime) -> None:
    services = application.services
    db = services.database
    local_today = now.astimezone(services.settings.timezone).date()
    previous = await retention.last_run(db, JOB)
    if previous and previous.astimezone(services.settings.timezone).date() >= local_today:
        return
    result = await erase_expired(db, cipher_for(services), now,
                                 services.settings.retention_years,
                                 services.settings.draft_retention_days)
    await retention.mark_run(db, JOB, now)
    if result.cases_erased or result.drafts_deleted:
        log.info("retention: %d cases erased, %d drafts deleted", result.cases_erased,
                 result.drafts_deleted)


def register(application: Application) -> None:
    from bot.scheduling import add_tick

    add_tick(application, JOB, daily_tick)
