"""What staff can do to a case from the dashboard: one table, one entry per action.

Each entry is a thin call into the case rules the chat uses (bot/reports/casework.py): they
re-check role, scope (bot/scope.py: the case's unit) and the case's step, and write the change with its audit entry in
one transaction. An entry only names the action, says when it applies, lists the fields it
asks for, and tells the chat side afterwards (reporter, alert copies, assignee), exactly as
the chat's buttons do. A new case action (emergency measures, a plan and its approval,
reopening) is one more entry in ACTIONS.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot import callbacks, keyboards, outbox
from bot.i18n import N_, Translator
from bot.reports import casework, lifecycle, routing
from storage import users
from storage.cases import CaseSummary
from storage.db import Database
from storage.users import User

log = logging.getLogger(__name__)

TEXT_MAX_CHARS = 2000  # as in the chat (handlers/cases.NOTE_MAX_CHARS)


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
class Run:
    """One action being carried out: who, on which case, with what."""

    db: Database
    cipher: object
    actor: User
    case: CaseSummary
    values: dict[str, str]
    chat: ChatSide

    @property
    def now(self) -> dt.datetime:
        return self.chat.now


Choices = Callable[[Database, CaseSummary, Translator], Awaitable[list[tuple[str, str]]]]


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # msgid
    kind: str = "text"  # "text" | "choice"
    choices: Choices | None = None
    max_length: int = TEXT_MAX_CHARS
    # Asked (and required) only when another field has this value, e.g. the service's name
    # only when a case is closed as referred.
    when: tuple[str, str] | None = None


@dataclass(frozen=True)
class Action:
    key: str
    label: str  # msgid, the button
    done: str  # msgid, said once it is done
    applies: Callable[[CaseSummary], bool]
    run: Callable[[Run], Awaitable[CaseSummary]]
    fields: tuple[Field, ...] = ()
    danger: bool = False  # shown apart and confirmed first (closing)


# -- choices --------------------------------------------------------------------------------
async def _risks(db: Database, case: CaseSummary, _: Translator) -> list[tuple[str, str]]:
    return [(risk, _(lifecycle.RISK_LABELS[risk])) for risk in lifecycle.RISKS]


async def _outcomes(db: Database, case: CaseSummary, _: Translator) -> list[tuple[str, str]]:
    return [(outcome, _(lifecycle.OUTCOME_LABELS[outcome]))
            for outcome in lifecycle.OUTCOMES_BY_STATE.get(case.status, ())]


async def _colleagues(db: Database, case: CaseSummary, _: Translator) -> list[tuple[str, str]]:
    return [(str(person.telegram_id), person.display_name or str(person.telegram_id))
            for person in await routing.unit_people(db, case.ward or None)
            if casework.can_be_assigned(person, case)]


# -- chat side effects (as the chat's buttons do) ---------------------------------------------
# Who must hear of a change is queued in the outbox in the change's own transaction (the case
# rules' `then`), with the chat's own texts; the alert copies are edited afterwards.
def _tell_reporter(run: Run):
    from handlers.cases import _tell_reporter as queue_for_reporter

    return queue_for_reporter(run.chat)


def _tell_assignee(run: Run, assignee: User | None):
    from handlers.cases import ASSIGNED_TO_YOU, DETAILS, NS

    async def then(case: CaseSummary) -> None:
        if assignee is None or assignee.telegram_id == run.actor.telegram_id:
            return
        theirs = run.chat.services.i18n(assignee.language)  # type: ignore[attr-defined]
        await outbox.enqueue(
            run.db, run.cipher, assignee.telegram_id, theirs(ASSIGNED_TO_YOU, code=case.code),
            now=run.now,
            markup=keyboards.inline([[(theirs(DETAILS), callbacks.encode(NS, "v", case.id))]]))
    return then


async def _sync_alerts(run: Run, case: CaseSummary) -> None:
    from handlers.cases import sync_alerts

    await sync_alerts(run.chat, case)


# -- the actions ----------------------------------------------------------------------------
def _status_is(*states: str) -> Callable[[CaseSummary], bool]:
    return lambda case: case.status in states


def _is_open(case: CaseSummary) -> bool:
    return lifecycle.is_open(case.status)


async def _accept(run: Run) -> CaseSummary:
    case = await casework.move(run.db, run.cipher, run.actor, run.case.id, "accept", run.now,
                               then=_tell_reporter(run))
    await _sync_alerts(run, case)
    return case


async def _assess(run: Run) -> CaseSummary:
    return await casework.move(run.db, run.cipher, run.actor, run.case.id, "assess", run.now,
                               risk=run.values["risk"])


def _step(action: str) -> Callable[[Run], Awaitable[CaseSummary]]:
    async def step(run: Run) -> CaseSummary:
        return await casework.move(run.db, run.cipher, run.actor, run.case.id, action, run.now)
    return step


def _note(kind: str) -> Callable[[Run], Awaitable[CaseSummary]]:
    async def write(run: Run) -> CaseSummary:
        return await casework.add_note(run.db, run.cipher, run.actor, run.case.id, kind,
                                       run.values["text"], run.now)
    return write


async def _assign(run: Run) -> CaseSummary:
    assignee = await users.get(run.db, int(run.values["assignee"]))
    case = await casework.assign(run.db, run.cipher, run.actor, run.case.id, assignee, run.now,
                                 then=_tell_assignee(run, assignee))
    await _sync_alerts(run, case)
    return case


async def _close(run: Run) -> CaseSummary:
    outcome = run.values["outcome"]
    case = await casework.close(run.db, run.cipher, run.actor, run.case.id, outcome, run.now,
                                service=run.values.get("service") if outcome == "referred"
                                else None, then=_tell_reporter(run))
    await _sync_alerts(run, case)
    return case


_STEPS = [
    Action(action, label, N_("Done: {status}."), _status_is(lifecycle.MOVES[action][0]),
           _step(action))
    for action, label in lifecycle.MOVE_LABELS.items()
]

ACTIONS: dict[str, Action] = {action.key: action for action in [
    Action("accept", N_("✅ Accept"), N_("Accepted: the case is assigned to you."),
           _status_is("received"), _accept),
    Action("assess", N_("🩺 Initial assessment"), N_("Initial assessment recorded."),
           _status_is("assessment"), _assess,
           fields=(Field("risk", N_("Risk level"), "choice", _risks),)),
    *_STEPS,
    Action("note", N_("📝 Add a note"), N_("Saved to {code}."), _is_open, _note("note"),
           fields=(Field("text", N_("Note"), max_length=TEXT_MAX_CHARS),)),
    Action("referral", N_("🔗 Referral"), N_("Saved to {code}."), _is_open, _note("referral"),
           fields=(Field("text", N_("Service and what was asked of it")),)),
    Action("assign", N_("👤 Assign"), N_("Assigned."), _is_open, _assign,
           fields=(Field("assignee", N_("Assign to"), "choice", _colleagues),)),
    Action("close", N_("🏁 Close…"), N_("The case is closed."), _is_open, _close,
           fields=(Field("outcome", N_("Outcome"), "choice", _outcomes),
                   Field("service", N_("Service it was referred to"),
                         when=("outcome", "referred"))),
           danger=True),
]}


@dataclass
class Offered:
    """An action as the case page offers it: its form, with choices filled in."""

    key: str
    label: str
    danger: bool
    fields: list[dict] = field(default_factory=list)


async def offered(db: Database, case: CaseSummary, _: Translator) -> list[Offered]:
    found = []
    for action in ACTIONS.values():
        if not action.applies(case):
            continue
        fields = []
        for item in action.fields:
            entry: dict = {"name": item.name, "label": _(item.label), "kind": item.kind,
                           "max_length": item.max_length}
            if item.choices is not None:
                entry["choices"] = [{"value": value, "label": label}
                                    for value, label in await item.choices(db, case, _)]
            if item.when is not None:
                entry["when"] = {"field": item.when[0], "value": item.when[1]}
            fields.append(entry)
        found.append(Offered(action.key, _(action.label), action.danger, fields))
    return found


async def clean_values(db: Database, action: Action, case: CaseSummary, raw: dict,
                       _: Translator) -> dict[str, str]:
    """The submitted fields checked against what the action offers right now."""
    values: dict[str, str] = {}
    for item in action.fields:
        value = raw.get(item.name)
        if item.when is not None and values.get(item.when[0]) != item.when[1]:
            continue
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput(item.name)
        value = value.strip()
        if item.kind == "choice":
            allowed = {choice for choice, _label in await item.choices(db, case, _)}  # type: ignore[misc]
            if value not in allowed:
                raise InvalidInput(item.name)
        elif len(value) > item.max_length:
            raise InvalidInput(item.name)
        values[item.name] = value
    return values
