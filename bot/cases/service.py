"""Every action on a case, with its rules, in one place: accept, assess, emergency measures,
verify, plan (goals, actions, services), submit, approve or send back, review, note, assign,
close, reopen, find, and the reporter's later information.

Plain typed methods that the Telegram handlers and the Mini App call alike. Each one re-checks
who acts (role and area, through `casework.check_access`, the one area-permission helper), that
the action applies to the case's current step, and writes the change, its history note and its
audit entry in one transaction. It returns a `Change` that `bot/cases/notices.py` turns into
messages; nothing here sends anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot import scope as access
from bot.areas import Areas
from bot.content import load_json, localized
from bot.guards import NotApplicable, PermissionDenied, ensure_admin
from bot.reports import casework, clocks, lifecycle, routing
from bot.reports.rules import CaseRules, case_rules
from bot.text import fold
from storage import alert_copies, audit, case_plans, cases, users
from storage.case_plans import EmergencyDecision, Plan, PlanAction
from storage.cases import Case, CaseSummary
from storage.db import Database
from storage.users import User

__all__ = ["CaseService", "Change", "NotApplicable", "PermissionDenied", "ServiceEntry"]

GOALS_MAX = 1000
ACTION_MAX = 300
MAX_ACTIONS = 15
MAX_SERVICES = 12
LIST_SCOPES = ("open", "mine", "overdue", "all", "closed")


class BeforeReceived(ValueError):
    """A time of emergency measures earlier than the report's arrival (`received_at`)."""

    def __init__(self, received_at: dt.datetime) -> None:
        super().__init__("before_received")
        self.received_at = received_at


@dataclass(frozen=True)
class ServiceEntry:
    """An entry of the directory of services (content/services.json)."""

    code: str
    category: str
    names: dict[str, str]
    confirmed: bool
    phone: str | None = None
    notes: dict[str, str] | None = None

    def name(self, language: str) -> str:
        return localized(self.names, language)


def services_directory(areas: Areas | None = None) -> tuple[ServiceEntry, ...]:
    """The directory; a ward or commune People's Committee names only its unit's code and
    takes the unit's name from today's map (bot/areas.py)."""
    areas = areas if areas is not None else Areas.load()
    found = []
    for entry in load_json("services.json")["services"]:
        names = entry.get("name")
        unit = areas.unit(entry.get("unit"))
        if unit is not None:
            names = {
                "vi": f"UBND {unit.name('vi')}",
                "en": f"People's Committee, {unit.name('en')}",
            }
        if names is None:
            raise ValueError(f"service {entry['code']}: no name and no known unit")
        found.append(
            ServiceEntry(
                entry["code"],
                entry["category"],
                names,
                bool(entry["confirmed"]),
                entry.get("phone"),
                entry.get("note"),
            )
        )
    return tuple(found)


def service_categories() -> dict[str, dict[str, str]]:
    return load_json("services.json")["categories"]


def find_service(code: str) -> ServiceEntry | None:
    return next((s for s in services_directory() if s.code == code), None)


@dataclass(frozen=True)
class Change:
    """What happened, for the notices: the case as it is now and the event's name."""

    case: CaseSummary
    event: str
    actor_id: int
    detail: dict = field(default_factory=dict)


def can_approve_plan(person: User, case: CaseSummary, areas: Areas | None = None) -> bool:
    """The approving role (the commune chairperson or their delegate): administrators, and
    staff covering the case's unit whom an administrator marked as plan approvers."""
    if not person.is_staff or not (person.is_admin or person.approves_plans):
        return False
    units = casework.case_units(case, areas)
    return (
        access.covers_any(person, units, areas)
        if units
        else access.can_act_in_unit(person, None, areas)
    )


async def plan_approvers(
    db: Database, case: CaseSummary, submitter_id: int | None, areas: Areas | None = None
) -> list[User]:
    """Who is asked to approve a submitted plan: the unit's people holding the approving
    role, never the one who submitted it."""
    return [
        person
        for person in await routing.unit_people(db, case.ward or None)
        if person.telegram_id != submitter_id and can_approve_plan(person, case, areas)
    ]


_CODE_PART = re.compile(r"[a-z]+\d*|\d+")


def code_pattern(typed: str, prefixes: list[str]) -> str | None:
    """A case code as people type it ("te 2026 1", "TE-2026-0001", "te/26/12", "0012") →
    a LIKE pattern over codes; None when nothing in it looks like a code."""
    folded = fold(typed or "").replace("đ", "d")
    compact = re.sub(r"[^a-z0-9]", "", folded)
    if not compact:
        return None
    prefix = next(
        (p for p in sorted(prefixes, key=len, reverse=True) if compact.startswith(p.lower())), None
    )
    if prefix is not None:
        rest_text = folded[folded.find(prefix.lower()[0]) :]
        rest_text = re.sub(
            r"^" + re.escape(prefix.lower()), "", re.sub(r"\s+", " ", rest_text).strip()
        )
    else:
        rest_text = folded
    numbers = re.findall(r"\d+", rest_text)
    if re.search(r"[a-z]", re.sub(r"\d", "", re.sub(r"[^a-z0-9]", "", rest_text))):
        return None  # words that are not a code
    year: int | None = None
    number: int | None = None
    if len(numbers) >= 2:
        year_text, number_text = numbers[-2], numbers[-1]
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        number = int(number_text)
    elif len(numbers) == 1:
        digits = numbers[0]
        if len(digits) >= 7 and digits.startswith("20"):  # 20210001
            year, number = int(digits[:4]), int(digits[4:])
        elif len(digits) <= 4:
            number = int(digits)
        else:
            return None
    elif prefix is None:
        return None
    if year is not None and not 2000 <= year <= 2099:
        return None
    parts = [
        prefix.upper() if prefix else "%",
        str(year) if year else "%",
        f"{number:04d}" if number is not None else "%",
    ]
    return "-".join(parts)


class CaseService:
    """One per call site; cheap to build from the application's services."""

    def __init__(
        self,
        db: Database,
        cipher,
        timezone: ZoneInfo,
        rules: CaseRules | None = None,
        areas=None,
        i18n=None,
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.timezone = timezone
        self.rules = rules or case_rules()
        self.areas = areas
        self.i18n = i18n

    @classmethod
    def of(cls, services) -> CaseService:
        from bot.crypto import cipher_for

        return cls(
            services.database,
            cipher_for(services),
            services.settings.timezone,
            areas=services.areas,
            i18n=services.i18n,
        )

    async def _queue_notices(self, change: Change, now: dt.datetime) -> None:
        """Who must hear of the change (bot/cases/notices.py), queued in the durable outbox
        in the change's own transaction: both are committed, or neither."""
        from bot.cases import notices  # notices reads this module's rules

        if self.i18n is None:
            raise RuntimeError("CaseService needs the translations to queue notices: use .of()")
        await notices.queue(
            self.db, self.cipher, await notices.notices_for(self.db, self.i18n, change), now
        )

    # -- the legal clocks ---------------------------------------------------------------------
    async def check_deadlines(self, now: dt.datetime) -> None:
        """From the durable tick: warn the person in charge and the area's staff before a
        clock is due; when it passed unmet, escalate to the administrators (and tell the
        person in charge). Each is claimed, queued in the outbox and audited in one
        transaction: never lost, never twice."""
        from bot.cases import notices

        if self.i18n is None:
            raise RuntimeError("CaseService needs the translations to queue notices: use .of()")
        db, areas = self.db, self._areas()
        for due in await cases.reminders_due(db, now):
            async with db.transaction():
                if not await cases.mark_reminded(db, due.id, now):
                    continue
                found = await notices.reminder_notices(db, self.i18n, due)
                await notices.queue(db, self.cipher, found, now)
                await audit.record(
                    db,
                    None,
                    "case_reminder",
                    "case",
                    due.case_id,
                    now,
                    code=due.code,
                    kind=due.kind,
                    recipients=len(found),
                )
        for due in await cases.overdue_unannounced(db, now):
            async with db.transaction():
                if not await cases.mark_overdue_sent(db, due.id, now):
                    continue
                found = await notices.overdue_notices(db, self.i18n, areas, due)
                await notices.queue(db, self.cipher, found, now)
                await audit.record(
                    db, None, "case_overdue", "case", due.case_id, now, code=due.code, kind=due.kind
                )

    # -- reading ------------------------------------------------------------------------------
    async def calendar(self) -> clocks.WorkCalendar:
        """The shipped calendar with the days staff added on top."""
        return await casework.work_calendar(self.db)

    async def summary(
        self, actor: User, case_id: int, now: dt.datetime, attempted: str = "open"
    ) -> CaseSummary:
        """The case if the actor may act on it; a refused attempt is audited, once (the one
        audit row of a refusal: handlers only answer politely)."""
        case = await cases.summary(self.db, case_id, now)
        if case is None:
            raise NotApplicable(case_id)
        try:
            casework.check_access(actor, case)
        except PermissionDenied:
            await audit.record(
                self.db,
                actor.telegram_id if actor else None,
                "case_refused",
                "case",
                case_id,
                now,
                code=case.code,
                attempted=attempted,
            )
            raise
        return case

    async def _present(self, case_id: int, now: dt.datetime) -> CaseSummary:
        """The case as it is after a change in this transaction (it cannot be gone)."""
        case = await cases.summary(self.db, case_id, now)
        if case is None:
            raise NotApplicable(case_id)
        return case

    async def deadlines(self, case_id: int) -> list[dict]:
        """The case's legal clocks (kind, due, met), for a view already allowed."""
        return list(await cases.deadlines(self.db, case_id))

    async def plan_due(self, case_id: int) -> dt.datetime | None:
        """When the plan must be approved by, while that clock runs."""
        return next(
            (
                d["due_at"]
                for d in await cases.deadlines(self.db, case_id)
                if d["kind"] == "plan" and d["met_at"] is None
            ),
            None,
        )

    async def emergency_decision(self, case_id: int) -> EmergencyDecision | None:
        """The emergency decision recorded, for a view already allowed."""
        return await case_plans.emergency(self.db, self.cipher, case_id)

    async def current_plan(self, case_id: int) -> Plan | None:
        """The current plan as it is, for a view already allowed (never drafts one)."""
        return await case_plans.current(self.db, self.cipher, case_id)

    async def person_name(self, user_id: int | None) -> str:
        from bot.cases.texts import person_name

        return await person_name(self.db, user_id)

    async def history(self, actor: User, case_id: int, now: dt.datetime) -> tuple[Case, list]:
        """The case and its notes, oldest first; the view is audited."""
        case = await self.view(actor, case_id, now, what="history")
        return case, list(await cases.notes(self.db, self.cipher, case.id))

    async def forget_alert_copy(self, chat_id: int, message_id: int) -> None:
        """An alert copy opened in place became a person's case view: later updates of the
        alert must not turn it back into the summary."""
        await alert_copies.forget(self.db, chat_id, message_id)

    async def colleagues(
        self, actor: User, case_id: int, now: dt.datetime
    ) -> tuple[CaseSummary, list[User]]:
        """Whom the case can be assigned to: staff covering its unit (and administrators)."""
        case = await self.summary(actor, case_id, now, attempted="assign")
        people = await routing.unit_people(self.db, case.ward or None)
        return case, [p for p in people if casework.can_be_assigned(p, case)]

    async def view(self, actor: User, case_id: int, now: dt.datetime, what: str = "detail") -> Case:
        await self.summary(actor, case_id, now)  # refusals audited there
        return await casework.view(self.db, self.cipher, actor, case_id, now, what=what)

    async def plan(self, actor: User, case_id: int, now: dt.datetime) -> Plan | None:
        """The current plan; a case at the planning step always has one (cases that reached
        it before plans had content get an empty draft the first time it is opened)."""
        case = await self.summary(actor, case_id, now)
        plan = await case_plans.current(self.db, self.cipher, case_id)
        if plan is None and case.status == "planning":
            async with self.db.transaction():
                await case_plans.create(self.db, self.cipher, case_id, actor.telegram_id, now)
                await audit.record(
                    self.db,
                    actor.telegram_id,
                    "case_plan_draft",
                    "case",
                    case_id,
                    now,
                    code=case.code,
                )
            plan = await case_plans.current(self.db, self.cipher, case_id)
        return plan

    async def emergency(
        self, actor: User, case_id: int, now: dt.datetime
    ) -> EmergencyDecision | None:
        await self.summary(actor, case_id, now)
        return await case_plans.emergency(self.db, self.cipher, case_id)

    async def needs_emergency_decision(self, case_id: int) -> bool:
        """The 12-hour clock runs and nobody said yet whether emergency measures are needed."""
        running = any(d["kind"] == "emergency" for d in await cases.deadlines(self.db, case_id))
        return running and await case_plans.emergency(self.db, self.cipher, case_id) is None

    # -- steps --------------------------------------------------------------------------------
    async def accept(self, actor: User, case_id: int, now: dt.datetime) -> Change:
        await self.summary(actor, case_id, now, attempted="accept")
        async with self.db.transaction():
            case = await casework.move(
                self.db, self.cipher, actor, case_id, "accept", now, within_transaction=True
            )
            change = Change(case, "accepted", actor.telegram_id)
            await self._queue_notices(change, now)
        return change

    async def assess(self, actor: User, case_id: int, risk: str, now: dt.datetime) -> Change:
        """The initial assessment (Mẫu 02). A high risk means the child may be at risk of
        serious harm: the 12-hour emergency clock starts now if it was not running."""
        if risk not in lifecycle.RISKS:
            raise NotApplicable(risk)
        case = await self.summary(actor, case_id, now)
        started = False
        async with self.db.transaction():
            case = await casework.move(
                self.db,
                self.cipher,
                actor,
                case_id,
                "assess",
                now,
                risk=risk,
                within_transaction=True,
            )
            if risk == "high":
                deadline = clocks.emergency_deadline(now, self.rules, "assessment")
                started = await cases.add_deadline(
                    self.db,
                    case_id,
                    deadline.kind,
                    deadline.due_at,
                    deadline.remind_at,
                    deadline.started_by,
                )
                await cases.update(self.db, case_id, now, urgent=1)
                if started:
                    await audit.record(
                        self.db,
                        actor.telegram_id,
                        "case_emergency_clock",
                        "case",
                        case_id,
                        now,
                        code=case.code,
                        due=deadline.due_at.isoformat(),
                    )
            case = await self._present(case_id, now)
            change = Change(
                case,
                "assessed",
                actor.telegram_id,
                {"risk": risk, "emergency_started": started},
            )
            await self._queue_notices(change, now)
        return change

    async def emergency_applied(
        self, actor: User, case_id: int, measures: str, applied_at: dt.datetime, now: dt.datetime
    ) -> Change:
        """Emergency measures or temporary separation (Điều 31–32): what, and when."""
        measures = measures.strip()
        if not measures or len(measures) > self.rules.emergency_note_max_chars:
            raise ValueError("measures")
        if applied_at > now:
            raise ValueError("future")
        return await self._decide_emergency(actor, case_id, "applied", measures, applied_at, now)

    async def emergency_not_needed(
        self, actor: User, case_id: int, reason: str, now: dt.datetime
    ) -> Change:
        reason = reason.strip()
        if not reason or len(reason) > self.rules.emergency_note_max_chars:
            raise ValueError("reason")
        return await self._decide_emergency(actor, case_id, "not_needed", reason, None, now)

    async def _decide_emergency(
        self,
        actor: User,
        case_id: int,
        decision: str,
        detail: str,
        applied_at: dt.datetime | None,
        now: dt.datetime,
    ) -> Change:
        case = await self.summary(actor, case_id, now)
        if not lifecycle.is_open(case.status) or not await self.needs_emergency_decision(case_id):
            raise NotApplicable("no emergency decision pending")
        if applied_at is not None and applied_at < case.received_at:
            # Measures answer this report: a time before it arrived is a typo (wrong day).
            raise BeforeReceived(case.received_at)
        async with self.db.transaction():
            if not await case_plans.record_emergency(
                self.db, self.cipher, case_id, decision, detail, applied_at, actor.telegram_id, now
            ):
                raise NotApplicable("decided meanwhile")
            # Met when the measures were taken, not when they were written down.
            await cases.meet_deadlines(self.db, case_id, ("emergency",), applied_at or now)
            await cases.add_note(
                self.db,
                self.cipher,
                case_id,
                actor.telegram_id,
                "status",
                detail,
                now,
                action=f"emergency_{decision}",
                applied_at=applied_at.isoformat() if applied_at else None,
            )
            await audit.record(
                self.db,
                actor.telegram_id,
                f"case_emergency_{decision}",
                "case",
                case_id,
                now,
                code=case.code,
            )
            case = await self._present(case_id, now)
            change = Change(case, f"emergency_{decision}", actor.telegram_id)
            await self._queue_notices(change, now)
        return change

    async def verified(self, actor: User, case_id: int, now: dt.datetime) -> Change:
        """Verification and needs assessment done (Mẫu 03): a plan draft is opened."""
        await self.summary(actor, case_id, now, attempted="verified")
        async with self.db.transaction():
            case = await casework.move(
                self.db, self.cipher, actor, case_id, "verified", now, within_transaction=True
            )
            if await case_plans.current(self.db, self.cipher, case_id) is None:
                await case_plans.create(self.db, self.cipher, case_id, actor.telegram_id, now)
            change = Change(case, "verified", actor.telegram_id)
            await self._queue_notices(change, now)
        return change

    async def to_review(self, actor: User, case_id: int, findings: str, now: dt.datetime) -> Change:
        """The review of how the plan went (Điều 30, Mẫu 06): findings typed by staff."""
        findings = findings.strip()
        if not findings:
            raise ValueError("findings")
        await self.summary(actor, case_id, now, attempted="to_review")
        async with self.db.transaction():
            case = await casework.move(
                self.db,
                self.cipher,
                actor,
                case_id,
                "to_review",
                now,
                within_transaction=True,
                body=findings,
            )
            change = Change(case, "to_review", actor.telegram_id)
            await self._queue_notices(change, now)
        return change

    async def new_plan(self, actor: User, case_id: int, now: dt.datetime) -> Change:
        """After review: a new plan, drafted from the last one, to approve again."""
        await self.summary(actor, case_id, now, attempted="replan")
        async with self.db.transaction():
            case = await casework.move(
                self.db, self.cipher, actor, case_id, "replan", now, within_transaction=True
            )
            previous = await case_plans.current(self.db, self.cipher, case_id)
            await case_plans.create(
                self.db, self.cipher, case_id, actor.telegram_id, now, copy_of=previous
            )
            change = Change(case, "replan", actor.telegram_id)
            await self._queue_notices(change, now)
        return change

    # -- the plan -----------------------------------------------------------------------------
    async def _editable_plan(
        self, actor: User, case_id: int, now: dt.datetime
    ) -> tuple[CaseSummary, Plan]:
        case = await self.summary(actor, case_id, now)
        plan = await self.plan(actor, case_id, now)
        if case.status != "planning" or plan is None or not plan.editable:
            raise NotApplicable("plan not editable")
        return case, plan

    async def _save(
        self, actor: User, case: CaseSummary, plan: Plan, now: dt.datetime, what: str, **changes
    ) -> Plan:
        async with self.db.transaction():
            if not await case_plans.save_content(
                self.db,
                self.cipher,
                plan.id,
                now,
                goals=changes.get("goals", plan.goals),
                actions=changes.get("actions", plan.actions),
                services=changes.get("services", plan.services),
                expected_status=("draft", "returned"),
            ):
                raise NotApplicable("plan changed meanwhile")
            await audit.record(
                self.db,
                actor.telegram_id,
                "case_plan_edit",
                "case",
                case.id,
                now,
                code=case.code,
                version=plan.version,
                what=what,
            )
        saved = await case_plans.current(self.db, self.cipher, case.id)
        if saved is None:
            raise NotApplicable("plan gone")
        return saved

    async def set_goals(self, actor: User, case_id: int, goals: str, now: dt.datetime) -> Plan:
        goals = goals.strip()
        if not goals or len(goals) > GOALS_MAX:
            raise ValueError("goals")
        case, plan = await self._editable_plan(actor, case_id, now)
        return await self._save(actor, case, plan, now, "goals", goals=goals)

    async def add_action(
        self, actor: User, case_id: int, what: str, who: str, by: dt.date | None, now: dt.datetime
    ) -> Plan:
        what, who = what.strip(), who.strip()
        if not what or not who or len(what) > ACTION_MAX or len(who) > ACTION_MAX:
            raise ValueError("action")
        case, plan = await self._editable_plan(actor, case_id, now)
        if len(plan.actions) >= MAX_ACTIONS:
            raise ValueError("too many actions")
        return await self._save(
            actor,
            case,
            plan,
            now,
            "action_added",
            actions=(*plan.actions, PlanAction(what, who, by)),
        )

    async def remove_action(self, actor: User, case_id: int, index: int, now: dt.datetime) -> Plan:
        case, plan = await self._editable_plan(actor, case_id, now)
        if not 0 <= index < len(plan.actions):
            raise NotApplicable("no such action")
        actions = plan.actions[:index] + plan.actions[index + 1 :]
        return await self._save(actor, case, plan, now, "action_removed", actions=actions)

    async def toggle_service(self, actor: User, case_id: int, code: str, now: dt.datetime) -> Plan:
        if find_service(code) is None:
            raise NotApplicable(code)
        case, plan = await self._editable_plan(actor, case_id, now)
        if code in plan.services:
            chosen = tuple(s for s in plan.services if s != code)
        elif len(plan.services) >= MAX_SERVICES:
            raise ValueError("too_many_services")
        else:
            chosen = (*plan.services, code)
        return await self._save(actor, case, plan, now, "services", services=chosen)

    async def submit_plan(self, actor: User, case_id: int, now: dt.datetime) -> Change:
        case, plan = await self._editable_plan(actor, case_id, now)
        if not plan.goals or not plan.actions:
            raise ValueError("incomplete")
        async with self.db.transaction():
            if not await case_plans.submit(self.db, plan.id, actor.telegram_id, now):
                raise NotApplicable("submitted meanwhile")
            await cases.add_note(
                self.db,
                self.cipher,
                case_id,
                actor.telegram_id,
                "status",
                None,
                now,
                action="plan_submitted",
                version=plan.version,
            )
            await audit.record(
                self.db,
                actor.telegram_id,
                "case_plan_submit",
                "case",
                case_id,
                now,
                code=case.code,
                version=plan.version,
            )
            # Who can approve it (never its submitter): none means nobody is asked, which the
            # submitter must hear at once rather than wait.
            approvers = await plan_approvers(self.db, case, actor.telegram_id, self.areas)
            change = Change(
                case,
                "plan_submitted",
                actor.telegram_id,
                {"version": plan.version, "approvers": len(approvers)},
            )
            await self._queue_notices(change, now)
        return change

    async def decide_plan(
        self, actor: User, case_id: int, approve: bool, note: str | None, now: dt.datetime
    ) -> Change:
        """Approve (Mẫu 05: the plan goes into effect and meets the 5-working-day clock) or
        send back with a reason. Never by the person who submitted it."""
        case = await self.summary(actor, case_id, now)
        plan = await case_plans.current(self.db, self.cipher, case_id)
        if plan is None or plan.status != "submitted" or case.status != "planning":
            raise NotApplicable("no plan waiting")
        if not can_approve_plan(actor, case, self.areas) or actor.telegram_id == plan.submitted_by:
            await audit.record(
                self.db,
                actor.telegram_id,
                "case_plan_decide_refused",
                "case",
                case_id,
                now,
                code=case.code,
            )
            raise PermissionDenied("approving role")
        if not approve and not (note or "").strip():
            raise ValueError("a reason is needed to send a plan back")
        async with self.db.transaction():
            if not await case_plans.decide(
                self.db,
                self.cipher,
                plan.id,
                actor.telegram_id,
                approve,
                (note or "").strip() or None,
                now,
            ):
                raise NotApplicable("decided meanwhile")
            if approve:
                case = await casework.move(
                    self.db,
                    self.cipher,
                    actor,
                    case_id,
                    "plan_approved",
                    now,
                    within_transaction=True,
                )
            else:
                await cases.add_note(
                    self.db,
                    self.cipher,
                    case_id,
                    actor.telegram_id,
                    "status",
                    note,
                    now,
                    action="plan_returned",
                    version=plan.version,
                )
            await audit.record(
                self.db,
                actor.telegram_id,
                "case_plan_approve" if approve else "case_plan_return",
                "case",
                case_id,
                now,
                code=case.code,
                version=plan.version,
            )
            case = await self._present(case_id, now)
            change = Change(
                case,
                "plan_approved" if approve else "plan_returned",
                actor.telegram_id,
                {"submitted_by": plan.submitted_by, "version": plan.version},
            )
            await self._queue_notices(change, now)
        return change

    # -- notes, assignment --------------------------------------------------------------------
    async def add_note(
        self, actor: User, case_id: int, kind: str, text: str, now: dt.datetime
    ) -> Change:
        await self.summary(actor, case_id, now, attempted=kind)
        case = await casework.add_note(self.db, self.cipher, actor, case_id, kind, text, now)
        return Change(case, kind, actor.telegram_id)

    async def assign(
        self, actor: User, case_id: int, assignee: User | None, now: dt.datetime
    ) -> Change:
        await self.summary(actor, case_id, now, attempted="assign")
        async with self.db.transaction():
            case = await casework.assign(
                self.db, self.cipher, actor, case_id, assignee, now, within_transaction=True
            )
            change = Change(case, "assigned", actor.telegram_id)
            await self._queue_notices(change, now)
        return change

    async def assign_to(
        self, actor: User, case_id: int, assignee_id: int | None, now: dt.datetime
    ) -> Change:
        """`assign` by the assignee's id, as a button carries it (forged: NotApplicable)."""
        assignee = await users.get(self.db, assignee_id) if assignee_id else None
        return await self.assign(actor, case_id, assignee, now)

    # -- closing and reopening ----------------------------------------------------------------
    async def close(
        self, actor: User, case_id: int, outcome: str, note: str, now: dt.datetime
    ) -> Change:
        """Close with a reason and a closing note (the caller asked for a confirmation).
        A second close of a case already closed says so instead of "changed meanwhile"."""
        note = note.strip()
        if not note:
            raise ValueError("a closing note is needed")
        case = await self.summary(actor, case_id, now)
        if case.status == "closed":
            raise AlreadyClosed(case.code)
        if not lifecycle.can_close(case.status, outcome):
            raise NotApplicable(case.status)
        async with self.db.transaction():
            case = await casework.close(
                self.db,
                self.cipher,
                actor,
                case_id,
                outcome,
                now,
                service=note if outcome == "referred" else None,
                note=note,
                within_transaction=True,
            )
            change = Change(case, "closed", actor.telegram_id, {"outcome": outcome})
            await self._queue_notices(change, now)
        return change

    def can_reopen(self, case: CaseSummary, now: dt.datetime) -> bool:
        return (
            case.status == "closed"
            and case.closed_at is not None
            and now - case.closed_at <= dt.timedelta(days=self.rules.reopen_days)
        )

    async def reopen(self, actor: User, case_id: int, reason: str, now: dt.datetime) -> Change:
        """Within `reopen_days` of closing, with a reason: back to the step it was closed at."""
        reason = reason.strip()
        if not reason:
            raise ValueError("a reason is needed to reopen")
        case = await self.summary(actor, case_id, now)
        if not self.can_reopen(case, now):
            raise NotApplicable("not reopenable")
        step = await cases.closed_from(self.db, case_id) or "assessment"
        if step not in lifecycle.OPEN_STATES:
            step = "assessment"
        async with self.db.transaction():
            if not await cases.move_status(
                self.db, case_id, "closed", now, status=step, outcome=None, closed_at=None
            ):
                raise NotApplicable("changed meanwhile")
            if step == "planning":  # the plan is due again, five working days from now
                deadline = clocks.plan_deadline(
                    now, self.rules, self.timezone, await self.calendar()
                )
                await cases.reopen_deadline(
                    self.db, case_id, "plan", deadline.due_at, deadline.remind_at, "reopen"
                )
            await cases.add_note(
                self.db,
                self.cipher,
                case_id,
                actor.telegram_id,
                "status",
                reason,
                now,
                action="reopen",
                to=step,
            )
            await audit.record(
                self.db,
                actor.telegram_id,
                "case_reopen",
                "case",
                case_id,
                now,
                code=case.code,
                new=step,
            )
            case = await self._present(case_id, now)
            change = Change(case, "reopened", actor.telegram_id)
            await self._queue_notices(change, now)
        return change

    # -- finding ------------------------------------------------------------------------------
    def units_typed(self, typed: str) -> tuple[str, ...]:
        """Today's unit(s) a typed place name means, old names too ("phường 4 quận 8",
        "Tân Túc"): one unit, or the candidates of a split old unit; () when none."""
        match = self._areas().find(typed)
        return match.units if match is not None else ()

    def _areas(self) -> Areas:
        return self.areas if self.areas is not None else Areas.load()

    async def find(
        self,
        actor: User,
        now: dt.datetime,
        *,
        scope: str = "open",
        units: tuple[str, ...] = (),
        typed_code: str | None = None,
        page: int = 0,
        page_size: int | None = None,
    ) -> tuple[list[CaseSummary], bool]:
        """One page of cases the actor may see, and whether there is a next page. Scopes:
        open, mine, overdue, all, closed; `units` narrows to those units (a unit filter, or
        the candidates of a split old unit); a case code typed loosely."""
        if not actor.is_staff:
            await audit.refused(self.db, actor.telegram_id, "case_list", "case", None, now)
            raise PermissionDenied("staff only")
        if scope not in LIST_SCOPES:
            scope = "open"
        areas = self._areas()
        covered = access.units_of(actor, areas)  # None: every unit (administrators)
        if covered is not None and not covered:
            # Staff who cover no unit yet: refused, and audited here (the case buttons'
            # wrapper only answers politely).
            await audit.refused(self.db, actor.telegram_id, "case_list", "case", None, now)
            raise PermissionDenied("no units")
        wanted: frozenset[str] | None = covered
        if units:
            wanted = frozenset(units) if covered is None else covered & frozenset(units)
        size = page_size or self.rules.cases_page_size
        pattern = None
        if typed_code is not None:
            # Cases opened before today's map keep their old codes, prefixed with what is
            # now the programme group's code.
            pattern = code_pattern(
                typed_code, [areas.case_prefix, *(g.code for g in areas.groups())]
            )
            if pattern is None:
                return [], False
        found = await cases.listing(
            self.db,
            now,
            wanted,
            status={"all": "all", "closed": "closed"}.get(scope, "all" if pattern else "open"),
            limit=size + 1,
            offset=page * size,
            reported_places=areas.split_places_into(wanted) if wanted is not None else (),
            assignee_id=actor.telegram_id if scope == "mine" else None,
            overdue_only=scope == "overdue",
            code_like=pattern,
        )
        await audit.record(
            self.db,
            actor.telegram_id,
            "case_list",
            "case",
            None,
            now,
            scope=actor.scope if covered is not None else None,
            filter=scope,
            units=sorted(units) or None,
            code=pattern,
            offset=page * size,
            shown=[c.code for c in found[:size]],
        )
        return found[:size], len(found) > size

    # -- staff groups ---------------------------------------------------------------------------
    async def bind_group(self, actor: User, target: str, chat_id: int, now: dt.datetime) -> None:
        """Administrators: the group receives the new cases of a unit or programme area."""
        try:
            ensure_admin(actor)
        except PermissionDenied:
            await audit.refused(self.db, actor.telegram_id, "group_bind", "chat", chat_id, now)
            raise
        async with self.db.transaction():
            await cases.bind_group(self.db, target, chat_id, actor.telegram_id, now)
            await audit.record(
                self.db, actor.telegram_id, "group_bind", "chat", chat_id, now, target=target
            )

    async def unbind_group(self, actor: User, chat_id: int, now: dt.datetime) -> str | None:
        """Administrators: the group no longer receives new cases; what it was bound to."""
        try:
            ensure_admin(actor)
        except PermissionDenied:
            await audit.refused(self.db, actor.telegram_id, "group_unbind", "chat", chat_id, now)
            raise
        async with self.db.transaction():
            target = await cases.unbind_group(self.db, chat_id)
            if target is not None:
                await audit.record(
                    self.db, actor.telegram_id, "group_unbind", "chat", chat_id, now, target=target
                )
        return target

    # -- the reporter -------------------------------------------------------------------------
    async def reporter_cases(
        self, reporter: User, now: dt.datetime, limit: int
    ) -> list[CaseSummary]:
        """The latest reports the person sent (what /myreports lists)."""
        return list(await cases.by_reporter(self.db, reporter.telegram_id, now, limit))

    async def reporter_case(self, reporter: User, case_id: int, now: dt.datetime) -> CaseSummary:
        case = await cases.summary(self.db, case_id, now)
        if case is None or case.reporter_id != reporter.telegram_id:
            await audit.record(
                self.db, reporter.telegram_id, "case_reporter_refused", "case", case_id, now
            )
            raise PermissionDenied(case_id)
        return case

    async def reporter_adds(
        self,
        reporter: User,
        case_id: int,
        now: dt.datetime,
        *,
        text: str | None = None,
        photo: str | None = None,
        danger: bool = False,
    ) -> Change:
        """More information (text and/or a photo) from the person who sent the report, to
        their own report while it is open; it reaches the staff in charge."""
        case = await self.reporter_case(reporter, case_id, now)
        if not lifecycle.is_open(case.status):
            raise NotApplicable("closed")
        text = (text or "").strip() or None
        if text is None and photo is None:
            raise ValueError("empty")
        if text is not None and len(text) > self.rules.description_max_chars:
            raise ValueError("too long")
        async with self.db.transaction():
            if photo is not None:
                await cases.add_photo(self.db, self.cipher, case_id, photo, now)
            await cases.add_note(
                self.db,
                self.cipher,
                case_id,
                reporter.telegram_id,
                "note",
                text,
                now,
                source="reporter",
                photo=photo is not None,
            )
            await audit.record(
                self.db,
                reporter.telegram_id,
                "case_reporter_info",
                "case",
                case_id,
                now,
                code=case.code,
                photo=photo is not None,
            )
            change = Change(
                case,
                "reporter_info",
                reporter.telegram_id,
                {"photo": photo is not None, "has_text": text is not None, "danger": danger},
            )
            await self._queue_notices(change, now)
        return change


class AlreadyClosed(NotApplicable):
    """Closing a case that is closed (a double tap): said plainly, nothing changes."""
