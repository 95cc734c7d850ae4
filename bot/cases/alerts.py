"""New-case alerts: what a staff group (or each staff member privately) sees of a new case,
queued in the durable outbox in the transaction that opens the case, and every copy of an
alert kept up to date once someone takes the case or it closes.

Never the child's name or the story: the details open only in a private chat, for the staff
who cover the case (handlers/cases/).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Protocol

from telegram import InlineKeyboardMarkup

from bot import keyboards, outbox, staff_copies
from bot.areas import Areas
from bot.cases.buttons import AcceptCase, OpenCase
from bot.cases.service import Change
from bot.cases.texts import SEX_SHORT, age_text, case_place, groups_text, person_name
from bot.crypto import FieldCipher
from bot.i18n import N_, Html, Translator
from bot.reports import lifecycle, routing
from bot.services import Services
from storage import cases as case_store
from storage.alert_copies import AlertCopy
from storage.cases import CaseSummary
from storage.db import Database
from storage.users import User

log = logging.getLogger(__name__)

# What every copy of a case's alert says once someone took the case.
ALERT_ACCEPTED = N_("✅ Accepted · in charge: {name}")
ALERT_ASSIGNED = N_("👤 Assigned to {name}, not accepted yet")
ALERT_CLOSED = N_("🏁 Closed — {outcome}")
ALERT_PRIVATELY = "case_alert_privately"


class Side(Protocol):
    """What keeping the alerts up to date needs: the chat's context, or the dashboard's."""

    @property
    def bot(self) -> object: ...
    @property
    def services(self) -> object: ...
    @property
    def now(self) -> dt.datetime: ...


def alert_text(case: CaseSummary, _: Translator, areas: Areas) -> str:
    """What a staff group sees of a new case: never the child's name or the story."""
    urgency = (
        _("🚨 <b>URGENT</b>: emergency intervention is due within 12 hours.")
        if case.urgent
        else _("Not urgent: a support plan within 5 working days.")
    )
    return _(
        "🆕 <b>New report {code}</b>\n{urgency}\n📍 {place}\n📋 {groups}\n👧 {age}, {sex}"
        "{children}\n🕒 Received {received}",
        code=case.code,
        urgency=Html(urgency),
        place=case_place(case, _, areas),
        groups=groups_text(case, _),
        age=age_text(case, _),
        sex=_(SEX_SHORT[case.child_sex]),
        children=(", " + _("{count} children", count=case.children)) if case.children > 1 else "",
        received=_.short_datetime(case.received_at),
    )


def alert_keyboard(
    case: CaseSummary, _: Translator, accepted: bool = False
) -> InlineKeyboardMarkup:
    row: list[keyboards.Button] = [] if accepted else [(_("✅ Accept"), AcceptCase(case.id))]
    row.append((_("📄 Details"), OpenCase(case.id)))
    return keyboards.inline([row])


async def alert_state_line(db: Database, case: CaseSummary, _: Translator) -> str | None:
    """Who took the case, or that it is closed; None while it still waits for someone."""
    if case.status == "closed":
        outcome = lifecycle.OUTCOME_LABELS.get(case.outcome or "", lifecycle.STATE_LABELS["closed"])
        return _(ALERT_CLOSED, outcome=_(outcome))
    if case.assignee_id is None:
        return None
    name = await person_name(db, case.assignee_id)
    line = ALERT_ASSIGNED if case.status == "received" else ALERT_ACCEPTED
    return _(line, name=name)


async def alert_copy(
    db: Database, case: CaseSummary, _: Translator, areas: Areas
) -> tuple[str, InlineKeyboardMarkup]:
    """One staff copy of the alert as it should look now: the same non-identifying summary,
    then who took the case (or that it is closed) and only the Details button."""
    text = alert_text(case, _, areas)
    line = await alert_state_line(db, case, _)
    if line is None:
        return text, alert_keyboard(case, _)
    return text + "\n\n" + line, alert_keyboard(case, _, accepted=True)


async def sync_alerts(side: Side, case: CaseSummary, extra: Iterable[AlertCopy] = ()) -> None:
    """Bring every copy of the case's alert up to date after an accept, assignment or
    closing (`extra`: the pressed alert, which may predate the recording of copies); copies
    that cannot be edited any more are skipped."""
    services: Services = side.services  # type: ignore[assignment]
    i18n, areas, db = services.i18n, services.areas, services.database

    async def render(copy: AlertCopy) -> tuple[str, InlineKeyboardMarkup]:
        return await alert_copy(db, case, i18n(copy.language), areas)

    await staff_copies.sync(
        side.bot,
        db,
        "case",
        case.id,
        render,
        side.now,
        extra=extra,
        final=case.status == "closed",
    )


async def after_change(side: Side, change: Change, extra: Iterable[AlertCopy] = ()) -> None:
    """Bring the alert copies up to date when who has the case or whether it is open
    changed. Who must hear of the change was queued in the outbox in its transaction
    (CaseService, bot/cases/notices.py)."""
    # Who has it, whether it is open, and whether it became urgent show on every alert copy.
    if change.event in ("accepted", "assigned", "closed", "reopened") or change.detail.get(
        "emergency_started"
    ):
        await sync_alerts(side, change.case, extra)


# -- new cases ------------------------------------------------------------------------------------
def _alert_key(case_id: int, chat_id: int) -> str:
    """One new-case alert per chat and case, however often the case is announced."""
    return f"case:{case_id}:alert:{chat_id}"


async def queue_new_case_alert(
    db: Database, cipher: FieldCipher, services: Services, case_id: int, now: dt.datetime
) -> None:
    """Alert the staff group of the case's unit (or programme group), or the staff covering
    the unit and the administrators privately, in the current transaction: the delivery
    engine sends them (and records every copy) right after the commit. Each chat is alerted
    about a case once: announcing it again (a quick tip that got its place) reaches only
    those who have not heard of it yet."""
    case = await case_store.summary(db, case_id, now)
    if case is None:
        return
    i18n, areas = services.i18n, services.areas
    recipients = await routing.alert_recipients(db, case.ward or None, areas)
    if recipients.group_chat_id is not None:
        _ = i18n(None)
        await outbox.enqueue(
            db,
            cipher,
            recipients.group_chat_id,
            alert_text(case, _, areas),
            now=now,
            markup=alert_keyboard(case, _),
            protect=True,
            copy=outbox.CopyOf("case", case.id, None),
            instead=ALERT_PRIVATELY,
            instead_args={"case_id": case.id},
            dedupe_key=_alert_key(case.id, recipients.group_chat_id),
        )
        return
    await _queue_private_alerts(db, cipher, services, case, recipients.people, now)


async def _queue_private_alerts(
    db: Database,
    cipher: FieldCipher,
    services: Services,
    case: CaseSummary,
    people: list[User],
    now: dt.datetime,
) -> None:
    i18n, areas = services.i18n, services.areas
    for person in people:
        _ = i18n(person.language)
        # Recorded in the language it was written in, so later edits read the same.
        await outbox.enqueue(
            db,
            cipher,
            person.telegram_id,
            alert_text(case, _, areas),
            now=now,
            markup=alert_keyboard(case, _),
            protect=True,
            copy=outbox.CopyOf("case", case.id, _.language),
            dedupe_key=_alert_key(case.id, person.telegram_id),
        )


async def _alert_privately(
    db: Database, cipher: object, application: object, message: outbox.Message, now: dt.datetime
) -> None:
    """The unit's staff group cannot be reached: the staff covering the unit and the
    administrators hear privately instead."""
    case = await case_store.summary(db, message.instead_args.get("case_id", 0), now)
    if case is None:
        return
    log.warning("staff group of %s unreachable; alerting staff privately", case.ward)
    people = await routing.unit_people(db, case.ward or None)
    services: Services = application.services  # type: ignore[attr-defined]
    await _queue_private_alerts(db, cipher, services, case, people, now)  # type: ignore[arg-type]


outbox.on_unreachable(ALERT_PRIVATELY, _alert_privately)
