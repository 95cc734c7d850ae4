"""Who hears about a case change, and the legal clocks' warnings and escalations.

The one place that decides who hears of case work and what: `notices_for` (a change) and the
clocks' notices are read-only, and CaseService (a change, and the clocks' tick) queues them in the durable outbox
(bot/outbox.py) in the very transaction of the change, so a change is never committed without
its notices, nor a notice sent for a change that rolled back. The reporter hears each step in
plain words and never the details; staff hear what they must act on, with a button to the case.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot import keyboards, outbox, scope
from bot.cases.buttons import OpenCase, OpenPlan
from bot.cases.service import Change, plan_approvers
from bot.crypto import FieldCipher
from bot.i18n import N_
from bot.reports import casework, routing
from storage import users
from storage.cases import CaseSummary
from storage.db import Database
from storage.users import User

log = logging.getLogger(__name__)

DETAILS = N_("📄 Details")
DEADLINE_NAMES = {
    "emergency": N_("emergency intervention (12 hours)"),
    "plan": N_("support plan approval (5 working days)"),
}
ASSIGNED_TO_YOU = N_("👤 You were assigned case {code}.")

# What the reporter is told at each step: plain words, nothing of the case's content.
REPORTER_STEPS = {
    "accepted": N_(
        "Your report {code} was accepted by the staff, who are now handling it. Thank you!"
    ),
    "emergency_applied": N_(
        "Update on your report {code}: staff have acted to keep the child safe."
    ),
    "verified": N_(
        "Update on your report {code}: staff have checked the information and are "
        "preparing a plan to support the child."
    ),
    "plan_approved": N_(
        "Update on your report {code}: a support plan for the child was "
        "approved and is being carried out."
    ),
    "to_review": N_(
        "Update on your report {code}: staff are reviewing how the support for the child is going."
    ),
    "replan": N_(
        "Update on your report {code}: staff are preparing a new support plan for the child."
    ),
    "closed": N_(
        "Your report {code} was closed by the staff. Thank you for caring for this child."
    ),
    "reopened": N_("Update on your report {code}: staff reopened it and are handling it again."),
}
ADD_MORE_HINT = N_("If you learn something new, add it from /myreports.")


def _details_button(_, case_id: int):
    return keyboards.inline([[(_(DETAILS), OpenCase(case_id))]])


def _plan_button(_, case_id: int):
    return keyboards.inline([[(_("📋 Open the plan"), OpenPlan(case_id))]])


async def in_charge(db, case: CaseSummary) -> list[User]:
    """The staff member in charge if they still cover the case's unit, else the staff
    covering it and the administrators."""
    if case.assignee_id is not None:
        assignee = await users.get(db, case.assignee_id)
        if assignee is not None and scope.covers_any(assignee, casework.case_units(case)):
            return [assignee]
    return await routing.unit_people(db, case.ward or None)


@dataclass(frozen=True)
class Notice:
    """One message that follows a change, already in its recipient's language."""

    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None = None
    protect: bool = False


async def notices_for(db, i18n, change: Change) -> list[Notice]:
    """Who must hear of `change`, and what: read-only, so it can run inside the change's
    transaction (a durable outbox queues them there) or after it."""
    case = change.case
    found: list[Notice] = []
    step = REPORTER_STEPS.get(change.event)
    if step is not None:
        reporter = await users.get(db, case.reporter_id)
        if reporter is not None and reporter.telegram_id != change.actor_id:
            theirs = i18n(reporter.language)
            text = theirs(step, code=case.code)
            if change.event not in ("closed",):
                text += "\n" + theirs(ADD_MORE_HINT)
            found.append(Notice(reporter.telegram_id, text))
    if change.event == "plan_submitted":
        for person in await plan_approvers(db, case, change.actor_id):
            _ = i18n(person.language)
            found.append(
                Notice(
                    person.telegram_id,
                    _(
                        "📋 The support plan for case {code} waits for your approval.",
                        code=case.code,
                    ),
                    _plan_button(_, case.id),
                    True,
                )
            )
    elif change.event in ("plan_approved", "plan_returned"):
        told = {change.actor_id}
        for person_id in (change.detail.get("submitted_by"), case.assignee_id):
            if person_id is None or person_id in told:
                continue
            told.add(person_id)
            told_person = await users.get(db, person_id)
            if told_person is None:
                continue
            _ = i18n(told_person.language)
            text = (
                _(
                    "✅ The support plan for case {code} was approved; it is now in effect.",
                    code=case.code,
                )
                if change.event == "plan_approved"
                else _(
                    "↩️ The support plan for case {code} was sent back; please see the "
                    "reason and submit it again.",
                    code=case.code,
                )
            )
            found.append(Notice(told_person.telegram_id, text, _plan_button(_, case.id), True))
    elif change.event == "reporter_info":
        for person in await in_charge(db, case):
            _ = i18n(person.language)
            what = _("a photo") if change.detail.get("photo") else _("new information")
            text = _(
                "📨 The reporter of case {code} added {what}. Open the case to read it.",
                code=case.code,
                what=what,
            )
            if change.detail.get("danger"):
                text = _("🚨 It may say the child is in danger now.") + "\n" + text
            found.append(Notice(person.telegram_id, text, _details_button(_, case.id), True))
    elif change.event == "assigned" and case.assignee_id not in (None, change.actor_id):
        assignee = await users.get(db, case.assignee_id)
        if assignee is not None:
            _ = i18n(assignee.language)
            found.append(
                Notice(
                    assignee.telegram_id,
                    _(ASSIGNED_TO_YOU, code=case.code),
                    _details_button(_, case.id),
                )
            )
    return found


# -- the legal clocks -------------------------------------------------------------------------
async def _area_targets(db, due) -> list[tuple[int, str | None]]:
    """The person in charge, and the staff covering the case's unit (their group if one is
    bound, else each of them and the administrators), each once."""
    targets: dict[int, str | None] = {}
    assignee = await _assignee_covering(db, due)
    if assignee is not None:
        targets[assignee.telegram_id] = assignee.language
    recipients = await routing.alert_recipients(db, due.ward or None)
    if recipients.group_chat_id is not None:
        targets.setdefault(recipients.group_chat_id, None)
    for person in recipients.people:
        targets.setdefault(person.telegram_id, person.language)
    return list(targets.items())


async def _assignee_covering(db, due) -> User | None:
    """The person in charge, if they still cover the case's unit."""
    if due.assignee_id is None:
        return None
    assignee = await users.get(db, due.assignee_id)
    return assignee if scope.can_act_in_unit(assignee, due.ward or None) else None


async def reminder_notices(db, i18n, due) -> list[Notice]:
    """Before a clock is due: the person in charge and the staff covering the case's unit."""
    found = []
    for chat_id, language in await _area_targets(db, due):
        _ = i18n(language)
        found.append(
            Notice(
                chat_id,
                _(
                    "⏰ Reminder: case {code} — the {deadline} is due {when}.",
                    code=due.code,
                    deadline=_(DEADLINE_NAMES[due.kind]),
                    when=_.short_datetime(due.due_at),
                ),
                _details_button(_, due.case_id),
                True,
            )
        )
    return found


async def overdue_notices(db, i18n, areas, due) -> list[Notice]:
    """A clock passed unmet: the administrators, and the person in charge."""
    found = []
    told: set[int] = set()
    for admin in await users.admins(db):
        told.add(admin.telegram_id)
        _ = i18n(admin.language)
        found.append(
            Notice(
                admin.telegram_id,
                _(
                    "⚠️ Case {code} ({place}): the {deadline} deadline passed on {when}.",
                    code=due.code,
                    place=areas.place(due.ward, _.language) if due.ward else "—",
                    deadline=_(DEADLINE_NAMES[due.kind]),
                    when=_.short_datetime(due.due_at),
                ),
                _details_button(_, due.case_id),
                True,
            )
        )
    assignee = await _assignee_covering(db, due)
    if assignee is not None and assignee.telegram_id not in told:
        _ = i18n(assignee.language)
        found.append(
            Notice(
                assignee.telegram_id,
                _(
                    "⚠️ Case {code}: the {deadline} deadline passed on {when}; the "
                    "administrators were told.",
                    code=due.code,
                    deadline=_(DEADLINE_NAMES[due.kind]),
                    when=_.short_datetime(due.due_at),
                ),
                _details_button(_, due.case_id),
                True,
            )
        )
    return found


async def queue(db: Database, cipher: FieldCipher, found: list[Notice], now: dt.datetime) -> None:
    """The notices in the durable outbox, in the caller's transaction."""
    for notice in found:
        await outbox.enqueue(
            db,
            cipher,
            notice.chat_id,
            notice.text,
            now=now,
            markup=notice.markup,
            protect=notice.protect,
        )
