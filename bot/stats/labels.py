"""Names of periods, places, groups and states as the figures show them (no emoji: the same
labels go into workbook cells and chart legends)."""

from __future__ import annotations

from bot.areas import Areas
from bot.events.model import KINDS as EVENT_KINDS
from bot.i18n import N_, Html, Translator
from bot.materials.catalogue import TOPICS
from bot.reports import lifecycle
from bot.reports.rules import situation
from bot.stats.period import Period

PRINT_STATUSES = {
    "requested": N_("waiting for approval"),
    "approved": N_("approved"),
    "printed": N_("printed"),
    "delivered": N_("delivered"),
    "rejected": N_("not approved"),
}
QUESTION_STATES = {
    "open": N_("waiting for staff"),
    "answered": N_("answered"),
    "closed": N_("closed"),
}
DELIVERY_KINDS = {
    "broadcast": N_("Announcement"),
    "urgent": N_("Urgent notice"),
    "reminder": N_("Reminder"),
    "awareness": N_("Awareness message"),
}
DELIVERY_STATES = {
    "scheduled": N_("scheduled"),
    "sending": N_("sending"),
    "paused": N_("paused"),
    "done": N_("finished"),
    "cancelled": N_("cancelled"),
    "failed": N_("failed"),
}
EVENT_STATES = {"active": N_("held as planned"), "cancelled": N_("cancelled")}
CLOCK_NAMES = {
    "emergency": N_("emergency intervention (12 hours)"),
    "plan": N_("support plan (5 working days)"),
}
ROLE_NAMES = {
    "public": N_("Parents and public"),
    "collaborator": N_("Collaborators"),
    "staff": N_("Staff"),
}


class PlainTranslator:
    """A Translator that leaves values unescaped: for workbook cells, chart labels, and labels
    that are escaped once when they are put into a message."""

    def __init__(self, translate: Translator) -> None:
        self._translate = translate
        self.language = translate.language

    def __call__(self, message: str, /, **values: object) -> str:
        return self._translate(
            message,
            **{
                key: Html(value) if isinstance(value, str) else value
                for key, value in values.items()
            },
        )

    def __getattr__(self, name: str):
        return getattr(self._translate, name)


# Labels are made for messages (Translator) and for cells and charts (PlainTranslator) alike.
AnyTranslator = Translator | PlainTranslator


def plain(translate: Translator | PlainTranslator) -> PlainTranslator:
    return translate if isinstance(translate, PlainTranslator) else PlainTranslator(translate)


def period_label(period: Period, _: AnyTranslator) -> str:
    """'tháng 5/2021', 'quý 1/2021', 'năm 2021' or '01/04/2021 – 30/06/2021'."""
    if period.kind == "month":
        return _("month {month}/{year}", month=period.start.month, year=period.start.year)
    if period.kind == "quarter":
        return _("quarter {quarter}/{year}", quarter=period.quarter, year=period.start.year)
    if period.kind == "year":
        return _("year {year}", year=period.start.year)
    if period.start == period.end:
        return f"{period.start:%d/%m/%Y}"
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def scope_label(district: str | None, areas: Areas, _: AnyTranslator) -> str:
    return _("the whole programme") if district is None else areas.group_name(district, _.language)


def group_label(code: str, _: AnyTranslator) -> str:
    found = situation(code)
    return found.label(_.language) if found else code


def risk_label(risk: str, _: AnyTranslator) -> str:
    return (
        _(lifecycle.RISK_LABELS[risk]) if risk in lifecycle.RISK_LABELS else _("not assessed yet")
    )


def outcome_label(outcome: str, _: AnyTranslator) -> str:
    return _(lifecycle.OUTCOME_LABELS[outcome]) if outcome in lifecycle.OUTCOME_LABELS else "—"


def status_label(status: str, _: AnyTranslator) -> str:
    return _(lifecycle.STATE_LABELS[status]) if status in lifecycle.STATE_LABELS else status


def event_kind_label(kind: str, _: AnyTranslator) -> str:
    return _(EVENT_KINDS[kind]) if kind in EVENT_KINDS else kind


def topic_label(topic: str, _: AnyTranslator) -> str:
    return _(TOPICS[topic]) if topic in TOPICS else topic


def labelled(table: dict[str, str], key: str, _: AnyTranslator) -> str:
    return _(table[key]) if key in table else key


def source_label(
    source: str | None, material: str | None, ward: str | None, areas: Areas, _: AnyTranslator
) -> str:
    """Where people came from: directly, a poster (its material and ward), or another link."""
    if source is None:
        return _("Directly (no link)")
    if material is not None:
        if ward:
            return _(
                "Poster: {material} — {place}",
                material=material,
                place=areas.place(ward, _.language),
            )
        return _("Poster: {material}", material=material)
    return _("Link {code}", code=source)
