"""The dashboard's rules: who may see what, the case list, a case page, actions and figures.

Plain typed methods over the same case rules and permission checks as the chat
(bot/reports/casework.py and bot/scope.py: staff whose scope covers the case's unit, or
administrators; bot/stats/access.py for figures), returning JSON-ready dictionaries in the person's language. Every refusal raises
PermissionDenied (403) or NotApplicable (409); the web layer only maps them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from bot import scope
from bot.cases.service import CaseService
from bot.crypto import cipher_for
from bot.guards import NotApplicable, PermissionDenied
from bot.i18n import N_, Translator
from bot.reports import casework, lifecycle
from bot.reports.rules import case_rules
from bot.services import Services
from bot.stats import access, figures, labels, period, texts
from bot.webapp import actions
from bot.webapp.actions import ChatSide, InvalidInput, Run
from bot.webapp.strings import ui_strings
from storage import audit, users
from storage import cases as case_store
from storage.cases import CaseSummary
from storage.users import User

log = logging.getLogger(__name__)

PAGE_SIZE = 20
SEARCH_MAX = 32
STATUS_FILTERS = ("open", *lifecycle.STATES, "all")
PERIODS = {
    "this_week": period.this_week,
    "last_week": period.last_week,
    "this_month": period.this_month,
    "last_month": period.last_month,
    "this_quarter": period.this_quarter,
    "last_quarter": period.last_quarter,
    "this_year": lambda today: period.year(today.year),
}
PERIOD_LABELS = {
    "this_week": N_("This week"),
    "last_week": N_("Last week"),
    "this_month": N_("This month"),
    "last_month": N_("Last month"),
    "this_quarter": N_("This quarter"),
    "last_quarter": N_("Last quarter"),
    "this_year": N_("This year"),
}
# The unit filter's value for cases of no known unit (administrators only).
NO_UNIT_FILTER = "none"
PLAN_STATES = {
    "draft": N_("being drafted"),
    "submitted": N_("waiting for approval"),
    "approved": N_("approved"),
    "returned": N_("sent back for changes"),
}


@dataclass(frozen=True)
class CaseQuery:
    """The list's filters, as the page sends them (already checked by `from_params`)."""

    status: str = "open"
    unit: str | None = None  # a unit code, or casework.NO_UNIT
    risk: str | None = None
    mine: bool = False
    overdue: bool = False
    search: str | None = None
    page: int = 0

    @classmethod
    def from_params(cls, params) -> CaseQuery:
        status = params.get("status") or "open"
        risk = params.get("risk") or None
        page = params.get("page") or "0"
        search = "".join(
            ch
            for ch in (params.get("q") or "").strip().upper()
            if ch.isascii() and (ch.isalnum() or ch == "-")
        )[:SEARCH_MAX]
        if (
            status not in STATUS_FILTERS
            or (risk is not None and risk not in lifecycle.RISKS)
            or not (page.isascii() and page.isdigit())
            or int(page) > 10_000
        ):
            raise InvalidInput("filters")
        unit = params.get("unit") or None
        if unit == NO_UNIT_FILTER:
            unit = casework.NO_UNIT
        return cls(
            status=status,
            unit=unit,
            risk=risk,
            mine=params.get("mine") == "1",
            overdue=params.get("overdue") == "1",
            search=search or None,
            page=int(page),
        )


def _plain(translate: Translator) -> Translator:
    # The page shows every text with textContent: nothing is HTML, so nothing is escaped.
    return labels.plain(translate)  # type: ignore[return-value]


class Dashboard:
    def __init__(self, services: Services, bot) -> None:
        self.services = services
        self.bot = bot

    @property
    def db(self):
        return self.services.database

    @property
    def now(self) -> dt.datetime:
        return self.services.clock.now()

    def translate(self, person: User) -> Translator:
        return _plain(self.services.i18n(person.language))

    # -- who ----------------------------------------------------------------------------------
    async def person(self, telegram_id: int) -> User:
        """The signed-in person, if they are active staff or an administrator."""
        person = await users.get(self.db, telegram_id)
        if person is None or not person.is_staff:
            raise PermissionDenied("staff only")
        if not person.is_admin and not scope.units_of(person, self.services.areas):
            raise PermissionDenied("no units")  # as /cases: a scope that covers nothing
        return person

    async def refused(self, telegram_id: int | None, what: str, target: object = None) -> None:
        """Every refused attempt by a known person is in the audit trail, as in the chat."""
        await audit.record(
            self.db, telegram_id, "webapp_denied", "case", target, self.now, what=what
        )

    # -- the session ----------------------------------------------------------------------------
    async def session(self, person: User) -> dict:
        _ = self.translate(person)
        lang = _.language
        areas = self.services.areas
        figures_scope = self._figures_scope(person)
        return {
            "person": {
                "id": person.telegram_id,
                "name": person.display_name,
                "admin": person.is_admin,
                "scope": self._scope_label(person, _),
            },
            "language": lang,
            "strings": ui_strings(_),
            "filters": {
                "status": [
                    {"value": "open", "label": _("open")},
                    *(
                        {"value": s, "label": _(lifecycle.STATE_LABELS[s])}
                        for s in lifecycle.STATES
                    ),
                    {"value": "all", "label": _("all")},
                ],
                "risk": [
                    {"value": r, "label": _(lifecycle.RISK_LABELS[r])} for r in lifecycle.RISKS
                ],
                "unit": self._unit_choices(person, _),
            },
            "periods": [{"value": key, "label": _(label)} for key, label in PERIOD_LABELS.items()],
            "figures": figures_scope is not False,
            # Administrators and programme-wide staff choose a programme group (as in /stats).
            "groups": (
                [{"value": access.ALL, "label": _("Whole programme")}]
                + [{"value": g.code, "label": g.name(lang)} for g in areas.groups()]
                if figures_scope is None
                else []
            ),
        }

    def _scope_label(self, person: User, _: Translator) -> str:
        """As the chat's case list says it: the person's units, groups or whole area."""
        if person.is_admin:
            return _("all wards and communes")
        return self.services.areas.scope_label(person.scope, _.language)

    def _unit_choices(self, person: User, _: Translator) -> list[dict]:
        """The units the person covers (bot/scope.py), today's names, group by group; for
        administrators every programme unit and the cases of no known unit."""
        areas = self.services.areas
        covered = scope.units_of(person, areas)
        choices: list[dict] = []
        for group in areas.groups():
            units = [
                {"value": unit.code, "label": unit.name(_.language)}
                for unit in areas.units_in(group.code)
                if covered is None or unit.code in covered
            ]
            if units:
                choices.append({"label": group.name(_.language), "options": units})
        if covered is not None:  # a scope may name a unit outside the programme's groups
            listed = {unit.code for group in areas.groups() for unit in areas.units_in(group.code)}
            outside = sorted(covered - listed, key=lambda code: areas.unit_name(code, "vi"))
            choices += [
                {"value": code, "label": areas.unit_name(code, _.language)} for code in outside
            ]
        else:
            choices.append({"value": NO_UNIT_FILTER, "label": _("ward/commune not known")})
        return choices

    @staticmethod
    def _figures_scope(person: User) -> str | None | bool:
        """The group /stats shows the person (None: all, with a choice), False: none."""
        try:
            return access.scope_for(person)
        except PermissionDenied:
            return False

    # -- the list -------------------------------------------------------------------------------
    async def cases(self, person: User, query: CaseQuery) -> dict:
        _ = self.translate(person)
        try:
            found = await casework.list_cases(
                self.db,
                person,
                self.now,
                status=query.status,
                risk=query.risk,
                urgent_only=False,
                limit=PAGE_SIZE + 1,
                offset=query.page * PAGE_SIZE,
                unit=query.unit,
                mine=query.mine,
                overdue_only=query.overdue,
                code_contains=query.search,
            )
        except ValueError:
            raise InvalidInput("unit") from None
        shown = found[:PAGE_SIZE]
        clocks = await case_store.next_deadlines(
            self.db, [c.id for c in shown if lifecycle.is_open(c.status)]
        )
        return {
            "cases": [self._row(case, clocks.get(case.id), person, _) for case in shown],
            "page": query.page,
            "has_next": len(found) > PAGE_SIZE,
        }

    def _row(self, case: CaseSummary, clock, person: User, _: Translator) -> dict:
        areas = self.services.areas
        return {
            "id": case.id,
            "code": case.code,
            "place": areas.place(case.ward, _.language)
            if case.ward
            else _("ward/commune not known"),
            "status": case.status,
            "status_label": _(lifecycle.STATE_LABELS[case.status]),
            "risk": case.risk,
            "risk_label": _(lifecycle.RISK_LABELS[case.risk]) if case.risk else None,
            "urgent": case.urgent,
            "overdue": case.overdue,
            "mine": case.assignee_id == person.telegram_id,
            "received": _.short_datetime(case.received_at),
            "clock": self._clock(clock[0], clock[1], None, _) if clock else None,
        }

    def _clock(
        self, kind: str, due_at: dt.datetime, met_at: dt.datetime | None, _: Translator
    ) -> dict:
        """A legal clock as a colour and words: done, overdue (red), due soon (amber), ok."""
        from bot.cases.notices import DEADLINE_NAMES

        name = _(DEADLINE_NAMES[kind]) if kind in DEADLINE_NAMES else kind
        if met_at is not None:
            return {
                "kind": kind,
                "name": name,
                "colour": "done",
                "text": (
                    _("done {when}, late", when=_.short_datetime(met_at))
                    if met_at > due_at
                    else _("done {when}", when=_.short_datetime(met_at))
                ),
            }
        left = due_at - self.now
        span = texts.hours_text(abs(left.total_seconds()) / 3600, _)
        if left.total_seconds() <= 0:
            colour, text = "overdue", _("overdue by {span}", span=span)
        else:
            lead = case_rules().reminder_lead.get(kind, dt.timedelta(hours=24))
            colour = "soon" if left <= lead else "ok"
            text = _("{span} left", span=span)
        return {
            "kind": kind,
            "name": name,
            "colour": colour,
            "text": text,
            "due": _.short_datetime(due_at),
        }

    # -- a case ---------------------------------------------------------------------------------
    async def case_page(self, person: User, case_id: int, what: str = "webapp") -> dict:
        """The whole case for staff of its area; the view is audited as in the chat."""
        from bot.cases.texts import (
            age_text,
            case_place,
            groups_text,
            history_entry,
            opening_entry,
            status_text,
        )

        _ = self.translate(person)
        areas = self.services.areas
        cipher = cipher_for(self.services)
        service = CaseService.of(self.services)
        # As the chat opens a case: refused attempts and the view itself are audited.
        case = await service.view(person, case_id, self.now, what=what)
        place = case_place(case, _, areas)
        if case.place_detail:
            place += " — " + case.place_detail
        child = ", ".join([case.child_name or _("no name given"), age_text(case, _)])
        if case.children > 1:
            child += ", " + _("{count} children", count=case.children)
        reporter = (
            _(
                "{name}, {phone} (agreed to be called)",
                name=case.reporter_name or "—",
                phone=case.reporter_phone or "—",
            )
            if case.contact_consent
            else _("anonymous")
        )
        names: dict[int | None, str] = {}

        async def name_of(user_id: int | None) -> str:
            if user_id not in names:
                found = await users.get(self.db, user_id) if user_id else None
                names[user_id] = (found.display_name or str(user_id)) if found else "—"
            return names[user_id]

        history: list[dict] = [
            {
                "when": _.short_datetime(case.received_at),
                "who": "",  # the line says it whole: "📥 Report received from the reporter"
                "kind": "opened",
                "text": opening_entry(_),
            }
        ]
        notes: list[dict] = []
        referrals: list[dict] = []
        for note in await case_store.notes(self.db, cipher, case.id, limit=200):
            entry = {
                "when": _.short_datetime(note.created_at),
                "who": await name_of(note.author_id),
                "kind": note.kind,
                "text": await history_entry(self.db, note, _),
            }
            history.append(entry)
            if note.kind == "note":
                notes.append({**entry, "text": note.body or ""})
            elif note.kind == "referral":
                referrals.append({**entry, "text": note.body or ""})
        clocks = [
            self._clock(d["kind"], d["due_at"], d["met_at"], _)
            for d in await case_store.deadlines(self.db, case.id)
        ]
        plan_clock = next((c for c in clocks if c["kind"] == "plan"), None)
        facts = await actions.facts_for(service, person, case, self.now)
        offered = await actions.offered(self.db, facts, _)
        plan = facts.plan
        return {
            "id": case.id,
            "code": case.code,
            "status": case.status,
            "status_label": status_text(case, _),
            "urgent": case.urgent,
            "risk": case.risk,
            "risk_label": _(lifecycle.RISK_LABELS[case.risk])
            if case.risk
            else _("not assessed yet"),
            "place": place,
            "child": child,
            "groups": groups_text(case, _),
            "description": case.description,
            "photos": case.photo_count,
            "caregiver": case.caregiver or _("not known"),
            "actions_done": case.actions or _("nothing yet"),
            "reporter": reporter,
            "received": _.short_datetime(case.received_at),
            "assignee": await name_of(case.assignee_id),
            "clocks": clocks,
            "plan": {
                "step": _(lifecycle.STATE_LABELS["planning"]),
                "current": case.status == "planning",
                "clock": plan_clock,
                "done": case.status in ("in_progress", "review", "closed"),
                "state": _(PLAN_STATES[plan.status])
                if plan is not None and plan.status in PLAN_STATES
                else None,
                "goals": plan.goals if plan is not None else None,
                "actions": [
                    " — ".join(filter(None, [a.what, a.who, _.date(a.by) if a.by else None]))
                    for a in plan.actions
                ]
                if plan is not None
                else [],
            },
            "history": history,
            "notes": notes,
            "referrals": referrals,
            "actions": [asdict(item) for item in offered],
        }

    async def act(self, person: User, case_id: int, key: str, raw: dict) -> dict:
        """Carry out one action of the table; then the case page as it is now."""
        action = actions.ACTIONS.get(key)
        if action is None:
            raise InvalidInput("action")
        from bot.cases.alerts import after_change

        _ = self.translate(person)
        service = CaseService.of(self.services)
        case = await service.summary(person, case_id, self.now)  # refusals audited there
        if not action.offered(await actions.facts_for(service, person, case, self.now)):
            raise NotApplicable(case.status)
        chat = ChatSide(self.bot, self.services, self.now)
        values = await actions.clean_values(self.db, action, case, raw, _, chat)
        change = await action.run(Run(service, person, case, values, chat))
        if change is not None:
            # ChatSide stands in for a BotContext: the same bot, services and clock.
            await after_change(chat, change)  # the alert copies
        changed = await case_store.summary(self.db, case_id, self.now)
        if changed is None:  # erased meanwhile
            raise NotApplicable("gone")
        return {
            "message": _(
                action.done, code=changed.code, status=_(lifecycle.STATE_LABELS[changed.status])
            ),
            "case": await self.case_page(person, case_id, what="after_change"),
        }

    # -- figures --------------------------------------------------------------------------------
    async def figures(self, person: User, period_key: str | None, group: str | None) -> dict:
        """The same figures as /stats (bot/stats), for the same scope rules: staff their
        programme group, administrators and programme-wide staff any group or all."""
        _ = self.translate(person)
        areas = self.services.areas
        if group and group != access.ALL and areas.group(group) is None:
            raise InvalidInput("group")
        shown_scope = access.scope_for(person, group or None)
        today = self.now.astimezone(self.services.settings.timezone).date()
        make = PERIODS.get(period_key or "this_month")
        if make is None:
            raise InvalidInput("period")
        shown = make(today)
        found = await figures.collect(
            self.db, shown, shown_scope, self.now, self.services.settings.timezone
        )
        await audit.record(
            self.db,
            person.telegram_id,
            "stats_view",
            "stats",
            None,
            self.now,
            period=shown.token,
            group=shown_scope,
            via="webapp",
        )
        reports, cases = found.reports, found.cases
        lang = _.language
        # The chart's series: the programme groups (or the one shown), then any other code
        # the period's reports carry ('' outside the programme's area, named '—' as in /stats).
        series = (
            [shown_scope]
            if shown_scope
            else list(
                dict.fromkeys(
                    [g.code for g in areas.groups()]
                    + [code for month in reports.by_month.values() for code in month]
                )
            )
        )
        return {
            "period": labels.period_label(shown, _),
            "scope": labels.scope_label(shown_scope, areas, _),
            "as_of": _.short_datetime(found.generated_at),
            "totals": [
                {"label": _("Reports received"), "value": reports.received},
                {"label": _("Urgent"), "value": reports.urgent},
                {"label": _("Open at the end"), "value": cases.open_at_end},
                {"label": _("Closed"), "value": cases.closed},
                {"label": _("Referred"), "value": cases.referred},
                {"label": _("Overdue now"), "value": cases.overdue_now},
                {"label": _("Clocks missed"), "value": cases.clocks_missed},
            ],
            # The /stats sentences, word for word.
            "sentences": [
                texts.durations_text(reports.to_acceptance, _, "acceptance"),
                texts.durations_text(reports.to_closure, _, "closure"),
                texts.clocks_text(
                    cases.clocks_missed,
                    sum(clock.deadlines for clock in cases.clocks),
                    cases.overdue_cases,
                    cases.overdue_now,
                    _,
                ),
            ],
            "by_month": {
                "series": [
                    {"code": code, "label": areas.group_name(code, lang)} for code in series
                ],
                "months": [
                    {
                        "label": f"{month:02d}/{year}",
                        "counts": [reports.by_month[(year, month)].get(code, 0) for code in series],
                    }
                    for year, month in reports.by_month
                ],
            },
            "by_area": (
                [
                    {"label": areas.group_name(code, lang), "value": n}
                    for code, n in reports.by_district.items()
                ]
                if shown_scope is None
                else []
            ),
            "by_group": [
                {"label": labels.group_label(code, _), "value": n}
                for code, n in reports.by_group.items()
            ],
            "by_risk": [
                {"label": labels.risk_label(risk, _), "value": n}
                for risk, n in reports.by_risk.items()
            ],
            # As /stats names them: any place for the whole programme, else today's units.
            "by_ward": [
                {
                    "label": areas.place(code, lang)
                    if shown_scope is None
                    else areas.unit_name(code, lang),
                    "value": n,
                }
                for code, n in reports.by_ward.items()
            ],
            "by_outcome": [
                {"label": labels.outcome_label(o, _), "value": n}
                for o, n in cases.closed_by_outcome.items()
            ],
        }
