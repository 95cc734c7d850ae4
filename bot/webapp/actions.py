"""What staff can do to a case from the dashboard: one table, one entry per action.

Each entry is a thin call into the case service the chat uses (bot/cases/service.py): it
re-checks role, scope (bot/scope.py: the case's unit) and the case's step, and writes the
change with its history note, audit entry and notices (outbox) in one transaction. An entry
names the action, says when it is offered (the same conditions as the chat's buttons) and
lists the fields it asks for; afterwards the alert copies follow as in the chat
(bot.cases.alerts.after_change).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import cast

from bot.cases.service import CaseService, Change, can_approve_plan
from bot.events.dates import DateError, local_today, parse
from bot.i18n import N_, Translator
from bot.reports import casework, lifecycle, routing
from storage import users
from storage.case_plans import Plan
from storage.cases import CaseSummary
from storage.db import Database
from storage.users import User

log = logging.getLogger(__name__)

TEXT_MAX_CHARS = 2000  # as in the chat (handlers/cases/notes.NOTE_MAX_CHARS)


class InvalidInput(ValueError):
    """A field missing, too long, or a choice that is not offered: 400, nothing changed."""


@dataclass(frozen=True)
class ChatSide:
    """What the chat's notification helpers need outside an update (bot, database, clock,
    services): the dashboard tells people through the same helpers as the chat."""

    bot: object
    services: object
    now: dt.datetime

    @property
    def db(self) -> Database:
        return self.services.database  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Facts:
    """What decides which actions a case page offers, read once per page."""

    actor: User
    case: CaseSummary
    plan: Plan | None
    emergency_pending: bool
    reopenable: bool

    @property
    def plan_editable(self) -> bool:
        return self.case.status == "planning" and self.plan is not None and self.plan.editable

    @property
    def plan_to_decide(self) -> bool:
        return (
            self.case.status == "planning"
            and self.plan is not None
            and self.plan.status == "submitted"
            and can_approve_plan(self.actor, self.case)
            and self.actor.telegram_id != self.plan.submitted_by
        )


async def facts_for(
    service: CaseService, actor: User, case: CaseSummary, now: dt.datetime
) -> Facts:
    plan = (
        await service.plan(actor, case.id, now)
        if case.status in ("planning", "in_progress", "review")
        else None
    )
    return Facts(
        actor,
        case,
        plan,
        await service.needs_emergency_decision(case.id),
        service.can_reopen(case, now),
    )


@dataclass(frozen=True)
class Run:
    """One action being carried out: who, on which case, with what."""

    service: CaseService
    actor: User
    case: CaseSummary
    values: dict[str, object]
    chat: ChatSide

    @property
    def now(self) -> dt.datetime:
        return self.chat.now


Choices = Callable[[Database, CaseSummary, Translator], Awaitable[list[tuple[str, str]]]]


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # msgid
    kind: str = "text"  # "text" | "choice" | "moment" (a past time) | "date" (optional)
    choices: Choices | None = None
    max_length: int = TEXT_MAX_CHARS
    # Asked (and required) only when another field has this value.
    when: tuple[str, str] | None = None
    required: bool = True


@dataclass(frozen=True)
class Action:
    key: str
    label: str  # msgid, the button
    done: str  # msgid, said once it is done
    offered: Callable[[Facts], bool]
    run: Callable[[Run], Awaitable[Change | None]]
    fields: tuple[Field, ...] = ()
    danger: bool = False  # shown apart and confirmed first (closing)


# -- choices --------------------------------------------------------------------------------
async def _risks(db: Database, case: CaseSummary, _: Translator) -> list[tuple[str, str]]:
    return [(risk, _(lifecycle.RISK_LABELS[risk])) for risk in lifecycle.RISKS]


async def _outcomes(db: Database, case: CaseSummary, _: Translator) -> list[tuple[str, str]]:
    return [
        (outcome, _(lifecycle.OUTCOME_LABELS[outcome]))
        for outcome in lifecycle.OUTCOMES_BY_STATE.get(case.status, ())
    ]


async def _colleagues(db: Database, case: CaseSummary, _: Translator) -> list[tuple[str, str]]:
    return [
        (str(person.telegram_id), person.display_name or str(person.telegram_id))
        for person in await routing.unit_people(db, case.ward or None)
        if casework.can_be_assigned(person, case)
    ]


# -- the actions: each the chat's own service call ------------------------------------------
def _open(facts: Facts) -> bool:
    return lifecycle.is_open(facts.case.status)


def _status(*states: str) -> Callable[[Facts], bool]:
    return lambda facts: facts.case.status in states


def _text(run: Run, name: str) -> str:
    return str(run.values[name])


async def _accept(run: Run) -> Change:
    return await run.service.accept(run.actor, run.case.id, run.now)


async def _assess(run: Run) -> Change:
    return await run.service.assess(run.actor, run.case.id, _text(run, "risk"), run.now)


async def _emergency_applied(run: Run) -> Change:
    return await run.service.emergency_applied(
        run.actor,
        run.case.id,
        _text(run, "measures"),
        cast(dt.datetime, run.values["applied_at"]),  # clean_values made it a datetime
        run.now,
    )


async def _emergency_not_needed(run: Run) -> Change:
    return await run.service.emergency_not_needed(
        run.actor, run.case.id, _text(run, "reason"), run.now
    )


async def _verified(run: Run) -> Change:
    return await run.service.verified(run.actor, run.case.id, run.now)


async def _goals(run: Run) -> None:
    await run.service.set_goals(run.actor, run.case.id, _text(run, "goals"), run.now)


async def _plan_action(run: Run) -> None:
    await run.service.add_action(
        run.actor,
        run.case.id,
        _text(run, "what"),
        _text(run, "who"),
        cast(dt.date | None, run.values.get("by")),  # clean_values made it a date
        run.now,
    )


async def _submit(run: Run) -> Change:
    return await run.service.submit_plan(run.actor, run.case.id, run.now)


async def _approve(run: Run) -> Change:
    return await run.service.decide_plan(run.actor, run.case.id, True, None, run.now)


async def _send_back(run: Run) -> Change:
    return await run.service.decide_plan(
        run.actor, run.case.id, False, _text(run, "reason"), run.now
    )


async def _review(run: Run) -> Change:
    return await run.service.to_review(run.actor, run.case.id, _text(run, "findings"), run.now)


async def _new_plan(run: Run) -> Change:
    return await run.service.new_plan(run.actor, run.case.id, run.now)


def _note(kind: str) -> Callable[[Run], Awaitable[Change]]:
    async def write(run: Run) -> Change:
        return await run.service.add_note(run.actor, run.case.id, kind, _text(run, "text"), run.now)

    return write


async def _assign(run: Run) -> Change:
    assignee = await users.get(run.service.db, int(_text(run, "assignee")))
    return await run.service.assign(run.actor, run.case.id, assignee, run.now)


async def _close(run: Run) -> Change:
    return await run.service.close(
        run.actor, run.case.id, _text(run, "outcome"), _text(run, "note"), run.now
    )


async def _reopen(run: Run) -> Change:
    return await run.service.reopen(run.actor, run.case.id, _text(run, "reason"), run.now)


ACTIONS: dict[str, Action] = {
    action.key: action
    for action in [
        Action(
            "accept",
            N_("✅ Accept"),
            N_("Accepted: the case is assigned to you."),
            _status("received"),
            _accept,
        ),
        Action(
            "emergency_applied",
            N_("🚑 Emergency measures applied"),
            N_("Saved to {code}."),
            lambda facts: facts.emergency_pending and _open(facts),
            _emergency_applied,
            fields=(
                Field("measures", N_("What was done to keep the child safe")),
                Field("applied_at", N_("When (e.g. 8:30, or 8:30 yesterday)"), "moment"),
            ),
        ),
        Action(
            "emergency_not_needed",
            N_("✋ Not needed"),
            N_("Saved to {code}."),
            lambda facts: facts.emergency_pending and _open(facts),
            _emergency_not_needed,
            fields=(Field("reason", N_("Why no emergency measures are needed")),),
        ),
        Action(
            "assess",
            N_("🩺 Initial assessment"),
            N_("Initial assessment recorded."),
            _status("assessment"),
            _assess,
            fields=(Field("risk", N_("Risk level"), "choice", _risks),),
        ),
        Action(
            "verified",
            N_("✔️ Verified → plan"),
            N_("Done: {status}."),
            _status("verification"),
            _verified,
        ),
        Action(
            "plan_goals",
            N_("🎯 Goals"),
            N_("Saved to {code}."),
            lambda facts: facts.plan_editable,
            _goals,
            fields=(Field("goals", N_("Goals of the plan"), max_length=1000),),
        ),
        Action(
            "plan_action",
            N_("➕ Action"),
            N_("Saved to {code}."),
            lambda facts: facts.plan_editable,
            _plan_action,
            fields=(
                Field("what", N_("What will be done"), max_length=300),
                Field("who", N_("Who does it"), max_length=300),
                Field("by", N_("By when (optional)"), "date", required=False),
            ),
        ),
        Action(
            "plan_submit",
            N_("📤 Submit for approval"),
            N_("Done: {status}."),
            lambda facts: facts.plan_editable,
            _submit,
        ),
        Action(
            "plan_approve",
            N_("✅ Approve the plan"),
            N_("Done: {status}."),
            lambda facts: facts.plan_to_decide,
            _approve,
        ),
        Action(
            "plan_return",
            N_("↩️ Send back"),
            N_("Saved to {code}."),
            lambda facts: facts.plan_to_decide,
            _send_back,
            fields=(Field("reason", N_("What must change")),),
        ),
        Action(
            "to_review",
            N_("🔍 Review how it went…"),
            N_("Done: {status}."),
            _status("in_progress"),
            _review,
            fields=(Field("findings", N_("How the plan went")),),
        ),
        Action("replan", N_("📝 New plan"), N_("Done: {status}."), _status("review"), _new_plan),
        Action(
            "note",
            N_("📝 Add a note"),
            N_("Saved to {code}."),
            _open,
            _note("note"),
            fields=(Field("text", N_("Note")),),
        ),
        Action(
            "referral",
            N_("🔗 Referral"),
            N_("Saved to {code}."),
            _open,
            _note("referral"),
            fields=(Field("text", N_("Service and what was asked of it")),),
        ),
        Action(
            "assign",
            N_("👤 Assign"),
            N_("Assigned."),
            _open,
            _assign,
            fields=(Field("assignee", N_("Assign to"), "choice", _colleagues),),
        ),
        Action(
            "close",
            N_("🏁 Close…"),
            N_("The case is closed."),
            _open,
            _close,
            fields=(
                Field("outcome", N_("Outcome"), "choice", _outcomes),
                Field("note", N_("Closing note")),
            ),
            danger=True,
        ),
        Action(
            "reopen",
            N_("↩️ Reopen…"),
            N_("Done: {status}."),
            lambda facts: facts.reopenable,
            _reopen,
            fields=(Field("reason", N_("Why the case is reopened")),),
        ),
    ]
}


@dataclass
class Offered:
    """An action as the case page offers it: its form, with choices filled in."""

    key: str
    label: str
    danger: bool
    fields: list[dict] = field(default_factory=list)


async def offered(db: Database, facts: Facts, _: Translator) -> list[Offered]:
    found = []
    for action in ACTIONS.values():
        if not action.offered(facts):
            continue
        fields = []
        for item in action.fields:
            entry: dict = {
                "name": item.name,
                "label": _(item.label),
                "kind": item.kind,
                "max_length": item.max_length,
                "required": item.required,
            }
            if item.choices is not None:
                entry["choices"] = [
                    {"value": value, "label": label}
                    for value, label in await item.choices(db, facts.case, _)
                ]
            if item.when is not None:
                entry["when"] = {"field": item.when[0], "value": item.when[1]}
            fields.append(entry)
        found.append(Offered(action.key, _(action.label), action.danger, fields))
    return found


def read_moment(text: str, chat: ChatSide) -> dt.datetime | None:
    """A time that has passed, as the chat reads it (the one date parser)."""
    from bot.cases.texts import past_moment

    return past_moment(text, chat.now, chat.services.settings.timezone)  # type: ignore[attr-defined]


def read_date(text: str, chat: ChatSide) -> dt.date | None:
    """A date from today on, as the chat's plan step reads it."""
    today = local_today(chat.now, chat.services.settings.timezone)  # type: ignore[attr-defined]
    try:
        moment = parse(text, today)
    except DateError:
        return None
    return moment.date if moment.date is not None and moment.date >= today else None


async def clean_values(
    db: Database, action: Action, case: CaseSummary, raw: dict, _: Translator, chat: ChatSide
) -> dict[str, object]:
    """The submitted fields checked against what the action offers right now; times and dates
    read by the chat's one date parser."""
    values: dict[str, object] = {}
    for item in action.fields:
        value = raw.get(item.name)
        if item.when is not None and values.get(item.when[0]) != item.when[1]:
            continue
        if not isinstance(value, str) or not value.strip():
            if item.required:
                raise InvalidInput(item.name)
            continue
        value = value.strip()
        if item.kind == "choice":
            allowed = {choice for choice, _label in await item.choices(db, case, _)}  # type: ignore[misc]
            if value not in allowed:
                raise InvalidInput(item.name)
            values[item.name] = value
        elif len(value) > item.max_length:
            raise InvalidInput(item.name)
        elif item.kind == "moment":
            moment = read_moment(value, chat)
            if moment is None:
                raise InvalidInput(item.name)
            values[item.name] = moment
        elif item.kind == "date":
            day = read_date(value, chat)
            if day is None:
                raise InvalidInput(item.name)
            values[item.name] = day
        else:
            values[item.name] = value
    return values
