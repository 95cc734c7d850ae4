"""Submitting a report and every staff action on a case.

Plain async functions over the repositories: each one re-checks who acts (role and scope),
that the move applies to the case's current step, and writes the change and its audit entry in
one transaction. Handlers only translate the exceptions into polite answers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot import scope
from bot.areas import Areas
from bot.guards import NotApplicable, PermissionDenied
from bot.reports import clocks, lifecycle
from bot.reports.draft import Draft
from bot.reports.rules import CaseRules
from storage import audit, calendar_days, cases, report_drafts
from storage.cases import Case, CaseSummary
from storage.db import Database
from storage.users import User

__all__ = ["NotApplicable", "PermissionDenied", "RateLimited", "Submitted"]


class RateLimited(Exception):
    """Too many reports from one person in the last hour."""


@dataclass(frozen=True)
class Submitted:
    case_id: int
    code: str
    first: bool = True  # False: this draft had already become the case (a second press)


# Queues the notifications of a new case (alerts to staff, the reporter's confirmation) in
# the transaction that creates it: (case id, code) → None.
OnCreated = Callable[[int, str], Awaitable[None]]
# Queues who must hear of a staff action, in its transaction: (the case as it is now) → None.
Then = Callable[[CaseSummary], Awaitable[None]]


async def work_calendar(db: Database) -> clocks.WorkCalendar:
    """The shipped calendar with the days staff added (/holidays) on top."""
    added = [
        clocks.CalendarDay(day, kind, name, provisional)
        for day, kind, name, provisional in await calendar_days.all_days(db)
    ]
    return clocks.shipped_calendar().with_days(added)


async def reports_left(db: Database, reporter_id: int, now: dt.datetime, rules: CaseRules) -> int:
    sent = await cases.count_by_reporter_since(db, reporter_id, now - dt.timedelta(hours=1))
    return max(0, rules.reports_per_hour - sent)


def new_case_from(draft: Draft, reporter: User, areas: Areas) -> cases.NewCase:
    """A case of today's unit (empty when the reporter did not know it: administrators sort it
    out); codes carry the programme's prefix, never a district's."""
    if not draft.is_complete() or (draft.ward and areas.unit(draft.ward) is None):
        raise NotApplicable("draft incomplete")
    return cases.NewCase(
        prefix=areas.case_prefix,
        district=areas.group_of(draft.ward) or "",
        ward=draft.ward or "",
        reported_place=draft.reported_place or draft.ward or None,
        reporter_id=reporter.telegram_id,
        reporter_role=reporter.role if reporter.is_active else "public",
        urgent=bool(draft.urgent),
        child_age=draft.age,
        age_estimated=draft.age_estimated,
        child_sex=draft.sex or "unknown",
        children=draft.children,
        situations=tuple(draft.situations),
        description=draft.description or "",
        child_name=draft.child_name,
        place_detail=draft.place_detail,
        location=draft.location,
        photos=tuple(draft.photos),
        caregiver=draft.caregiver,
        actions=draft.actions,
        contact_consent=bool(draft.contact_consent),
        reporter_name=draft.reporter_name,
        reporter_phone=draft.reporter_phone,
        reporter_messages=tuple(draft.message_ids),
    )


class _AlreadySent(Exception):
    pass


async def already_submitted(
    db: Database, reporter_id: int, source_message_id: int | None
) -> Submitted | None:
    """The case a review message was already sent as (a second press, or a press after a
    restart on the old summary)."""
    if source_message_id is None:
        return None
    found = await cases.by_source_message(db, reporter_id, source_message_id)
    return None if found is None else Submitted(found[0], found[1], first=False)


async def submit(
    db: Database,
    cipher,
    areas: Areas,
    reporter: User,
    draft: Draft,
    now: dt.datetime,
    rules: CaseRules,
    timezone: ZoneInfo,
    *,
    source_message_id: int | None = None,
    on_created: OnCreated | None = None,
    calendar: clocks.WorkCalendar | None = None,
) -> Submitted:
    """Open a case from a finished draft: code, clocks, audit, draft removed and the
    notifications queued (`on_created`) — all or nothing.

    One draft becomes at most one case: the draft's removal decides, inside the transaction,
    so of two presses processed at the same time only the first creates a case; the other
    gets that case back (`first=False`)."""
    earlier = await already_submitted(db, reporter.telegram_id, source_message_id)
    if earlier is not None:
        return earlier
    if await reports_left(db, reporter.telegram_id, now, rules) <= 0:
        raise RateLimited(reporter.telegram_id)
    new = new_case_from(draft, reporter, areas)
    calendar = calendar or await work_calendar(db)
    try:
        async with db.transaction():
            if not await report_drafts.delete(db, reporter.telegram_id):
                raise _AlreadySent  # another press took the draft first: roll back
            return await open_case(
                db,
                cipher,
                reporter,
                new,
                now,
                rules,
                timezone,
                source_message_id=source_message_id,
                on_created=on_created,
                calendar=calendar,
            )
    except _AlreadySent:
        earlier = await already_submitted(db, reporter.telegram_id, source_message_id)
        if earlier is None:
            raise NotApplicable("draft gone") from None
        return earlier


async def open_case(
    db: Database,
    cipher,
    reporter: User,
    new: cases.NewCase,
    now: dt.datetime,
    rules: CaseRules,
    timezone: ZoneInfo,
    *,
    source_message_id: int | None = None,
    on_created: OnCreated | None = None,
    calendar: clocks.WorkCalendar | None = None,
    **audit_details: object,
) -> Submitted:
    """Number a new case, start its legal clocks, audit it and queue its notifications
    (`on_created`: alerts to staff, the reporter's confirmation, bot/outbox.py); inside the
    caller's transaction, so a report or a quick tip becomes a case whole — and heard of —
    or not at all."""
    if not db.in_transaction:
        raise RuntimeError("open_case runs inside the caller's transaction")
    calendar = calendar or await work_calendar(db)
    code = await cases.next_code(db, new.prefix, now.astimezone(timezone).year)
    case_id = await cases.insert(db, cipher, new, code, now)
    if source_message_id is not None:
        await cases.set_source_message(db, case_id, source_message_id)
    for deadline in clocks.deadlines_for(now, new.urgent, rules, timezone, calendar):
        await cases.add_deadline(
            db, case_id, deadline.kind, deadline.due_at, deadline.remind_at, deadline.started_by
        )
    await audit.record(
        db,
        reporter.telegram_id,
        "case_create",
        "case",
        case_id,
        now,
        code=code,
        ward=new.ward,
        urgent=new.urgent,
        **audit_details,
    )
    if on_created is not None:
        await on_created(case_id, code)
    return Submitted(case_id, code)


# -- access ---------------------------------------------------------------------------------
# The unit filter's value for cases of no known unit (a report or quick tip without a place).
NO_UNIT = ""


def case_units(case: CaseSummary, areas: Areas | None = None) -> tuple[str, ...]:
    """The case's unit, and the other candidates if it was reported in a split old unit."""
    return (areas or Areas.load()).record_units(case.ward, case.reported_place)


def check_access(actor: User | None, case: CaseSummary) -> None:
    """Only staff covering the case's unit and administrators; re-checked on every button."""
    units = case_units(case)
    # A case of no known unit (a report or quick tip without a place) is for administrators.
    if not (scope.covers_any(actor, units) if units else scope.can_act_in_unit(actor, None)):
        raise PermissionDenied(case.code)


async def view(
    db: Database, cipher, actor: User, case_id: int, now: dt.datetime, what: str = "detail"
) -> Case:
    """The full case, for staff covering its unit; the view itself is audited."""
    case = await cases.get(db, cipher, case_id, now)
    if case is None:
        raise NotApplicable(case_id)
    check_access(actor, case)
    await audit.record(
        db, actor.telegram_id, "case_view", "case", case_id, now, code=case.code, what=what
    )
    return case


async def _present(db: Database, case_id: int, now: dt.datetime) -> CaseSummary:
    """The case as it is after a change in the same transaction (it cannot be gone)."""
    case = await cases.summary(db, case_id, now)
    if case is None:
        raise NotApplicable(case_id)
    return case


async def _summary_for(db: Database, actor: User, case_id: int, now: dt.datetime) -> CaseSummary:
    case = await cases.summary(db, case_id, now)
    if case is None:
        raise NotApplicable(case_id)
    check_access(actor, case)
    return case


# -- moves ----------------------------------------------------------------------------------
async def move(
    db: Database,
    cipher,
    actor: User,
    case_id: int,
    action: str,
    now: dt.datetime,
    risk: str | None = None,
    then: Then | None = None,
    *,
    within_transaction: bool = False,
    body: str | None = None,
) -> CaseSummary:
    """accept / assess (with risk) / verified / plan_approved / to_review / replan; `then`
    queues who must hear of it in the same transaction.

    `within_transaction`: the caller (bot/cases/service.py) holds the transaction."""
    case = await _summary_for(db, actor, case_id, now)
    try:
        new_state = lifecycle.target(case.status, action)
    except lifecycle.InvalidMove:
        raise NotApplicable(case.status) from None
    fields: dict[str, object] = {"status": new_state}
    if action == "assess":
        if risk not in lifecycle.RISKS:
            raise ValueError(risk)
        fields["risk"] = risk
    if action == "accept" and case.assignee_id is None:
        fields["assignee_id"] = actor.telegram_id
    async with contextlib.nullcontext() if within_transaction else db.transaction():
        if not await cases.move_status(db, case_id, case.status, now, **fields):
            raise NotApplicable("changed meanwhile")
        met = lifecycle.CLOCK_MET_BY.get(action)
        if met:
            await cases.meet_deadlines(db, case_id, (met,), now)
        await cases.add_note(
            db,
            cipher,
            case_id,
            actor.telegram_id,
            "status",
            body,
            now,
            action=action,
            to=new_state,
            risk=risk,
        )
        await audit.record(
            db,
            actor.telegram_id,
            f"case_{action}",
            "case",
            case_id,
            now,
            code=case.code,
            old=case.status,
            new=new_state,
            risk=risk,
        )
        updated = await _present(db, case_id, now)
        if then is not None:
            await then(updated)
    return updated


async def close(
    db: Database,
    cipher,
    actor: User,
    case_id: int,
    outcome: str,
    now: dt.datetime,
    service: str | None = None,
    note: str | None = None,
    then: Then | None = None,
    *,
    within_transaction: bool = False,
) -> CaseSummary:
    """Close with an outcome and a closing note; 'referred' names the service it was
    referred to. `within_transaction`: the caller holds the transaction."""
    case = await _summary_for(db, actor, case_id, now)
    if not lifecycle.can_close(case.status, outcome):
        raise NotApplicable(case.status)
    if outcome == "referred" and not service:
        raise ValueError("a referral needs the service's name")
    async with contextlib.nullcontext() if within_transaction else db.transaction():
        if not await cases.move_status(
            db, case_id, case.status, now, status="closed", outcome=outcome, closed_at=now
        ):
            raise NotApplicable("changed meanwhile")
        await cases.meet_deadlines(db, case_id, ("emergency", "plan"), now)
        if service:
            await cases.add_note(db, cipher, case_id, actor.telegram_id, "referral", service, now)
        await cases.add_note(
            db,
            cipher,
            case_id,
            actor.telegram_id,
            "status",
            None if note == service else note,
            now,
            action="close",
            to="closed",
            outcome=outcome,
            old=case.status,
        )
        await audit.record(
            db,
            actor.telegram_id,
            "case_close",
            "case",
            case_id,
            now,
            code=case.code,
            old=case.status,
            outcome=outcome,
        )
        updated = await _present(db, case_id, now)
        if then is not None:
            await then(updated)
    return updated


async def add_note(
    db: Database, cipher, actor: User, case_id: int, kind: str, text: str, now: dt.datetime
) -> CaseSummary:
    """A note or a referral (the service and what was asked of it)."""
    if kind not in ("note", "referral"):
        raise ValueError(kind)
    case = await _summary_for(db, actor, case_id, now)
    if not lifecycle.is_open(case.status):
        raise NotApplicable(case.status)
    async with db.transaction():
        await cases.add_note(db, cipher, case_id, actor.telegram_id, kind, text, now)
        await audit.record(
            db, actor.telegram_id, f"case_{kind}", "case", case_id, now, code=case.code
        )
    return case


def can_be_assigned(person: User, case: CaseSummary) -> bool:
    return person.is_staff and scope.covers_any(person, case_units(case))


async def assign(
    db: Database,
    cipher,
    actor: User,
    case_id: int,
    assignee: User | None,
    now: dt.datetime,
    then: Then | None = None,
    *,
    within_transaction: bool = False,
) -> CaseSummary:
    case = await _summary_for(db, actor, case_id, now)
    if not lifecycle.is_open(case.status):
        raise NotApplicable(case.status)
    if assignee is None or not can_be_assigned(assignee, case):
        raise NotApplicable("assignee")
    async with contextlib.nullcontext() if within_transaction else db.transaction():
        await cases.update(db, case_id, now, assignee_id=assignee.telegram_id)
        await cases.add_note(
            db,
            cipher,
            case_id,
            actor.telegram_id,
            "assign",
            None,
            now,
            assignee=assignee.telegram_id,
        )
        await audit.record(
            db,
            actor.telegram_id,
            "case_assign",
            "case",
            case_id,
            now,
            code=case.code,
            assignee=assignee.telegram_id,
            old=case.assignee_id,
        )
        updated = await _present(db, case_id, now)
        if then is not None:
            await then(updated)
    return updated


async def list_cases(
    db: Database,
    actor: User,
    now: dt.datetime,
    *,
    status: str | None,
    risk: str | None,
    urgent_only: bool,
    limit: int,
    offset: int,
    unit: str | None = None,
    mine: bool = False,
    overdue_only: bool = False,
    code_contains: str | None = None,
) -> list[CaseSummary]:
    """Staff see the cases of their units, administrators every case; the listing is audited.

    `unit` narrows the list to one unit (with the old split units' cases that may lie in it),
    or to cases of no known unit (`NO_UNIT`, administrators only). A unit outside the
    person's scope is refused, not silently emptied."""
    if not actor.is_staff:
        raise PermissionDenied("staff only")
    areas = Areas.load()
    units = scope.units_of(actor, areas)
    if units is not None and not units:
        raise PermissionDenied("no units")
    if code_contains is not None and not re.fullmatch(r"[A-Za-z0-9-]+", code_contains):
        raise ValueError(code_contains)  # part of a code: letters, digits and '-' only
    if unit is not None:
        if unit != NO_UNIT and areas.unit(unit) is None:
            raise ValueError(unit)
        if not scope.can_act_in_unit(actor, unit or None, areas):
            raise PermissionDenied(unit)
        units = frozenset({unit})
    places = areas.split_places_into(units) if units is not None else frozenset()
    found = await cases.listing(
        db,
        now,
        units,
        status=status,
        risk=risk,
        urgent_only=urgent_only,
        limit=limit,
        offset=offset,
        reported_places=places,
        assignee_id=actor.telegram_id if mine else None,
        overdue_only=overdue_only,
        code_like=f"%{code_contains}%" if code_contains else None,
    )
    await audit.record(
        db,
        actor.telegram_id,
        "case_list",
        "case",
        None,
        now,
        scope=actor.scope if not actor.is_admin else None,
        status=status,
        risk=risk,
        urgent=urgent_only,
        offset=offset,
        shown=[c.code for c in found],
        **{
            key: value
            for key, value in (
                ("unit", unit),
                ("mine", mine or None),
                ("overdue", overdue_only or None),
                ("search", code_contains),
            )
            if value is not None
        },
    )
    return found


async def forget_reporter_messages(
    db: Database, reporter: User, case_id: int, now: dt.datetime, rules: CaseRules
) -> tuple[int, ...]:
    """The reporter's message ids to delete (once, within Telegram's 48 hours)."""
    case = await cases.get_reporter_messages(db, case_id)
    if case is None or case[0] != reporter.telegram_id:
        raise PermissionDenied(case_id)
    reporter_id, received_at, message_ids = case
    if now - received_at > rules.delete_window:
        raise NotApplicable("too late")
    async with db.transaction():
        await cases.update(db, case_id, now, reporter_messages=None)
        await audit.record(
            db,
            reporter.telegram_id,
            "case_reporter_messages_deleted",
            "case",
            case_id,
            now,
            count=len(message_ids),
        )
    return message_ids
