"""The /stats message: every figure of a period in one Telegram message (HTML, ≤ 4096 chars)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from bot.areas import Areas
from bot.i18n import N_, Html, Translator
from bot.stats import labels
from bot.stats.figures import Durations, Statistics
from bot.text import shorten, truncate

MESSAGE_LIMIT = 4096
TOP_WARDS = 6
TOP_GROUPS = 6
TOP_SOURCES = 5
TOP_EVENTS = 5  # events listed one by one; the workbook has them all
LABEL_LIMIT = 48


def number(value: float, _: Translator, digits: int = 1) -> str:
    """'1.234' or '3,5' the Vietnamese way (babel), rounded to `digits` decimals."""
    return _.number(round(value, digits))


def hours_text(hours: float | None, _: Translator) -> str:
    """A duration for people: minutes under an hour, hours under two days, else days."""
    if hours is None:
        return "—"
    if hours < 1:
        # "within 1 min" is true of anything quicker: never "within 0 min".
        return _("{count} min", count=_.number(max(1, round(hours * 60))))
    if hours < 48:
        return _("{count} h", count=number(hours, _))
    return _("{count} days", count=number(hours / 24, _))


def share_text(part: int, whole: int, _: Translator) -> str:
    return "—" if not whole else f"{number(100 * part / whole, _)}%"


# "9 in 10 within …" only says something once there are a few of them.
SPREAD_FROM = 5
# What a duration measures, said as a sentence: none yet / usually / usually and 9 in 10.
DURATION_SENTENCES = {
    "acceptance": (
        N_("No report was accepted yet."),
        N_("Usually accepted within {median} ({count} cases)."),
        N_("Usually accepted within {median}; 9 in 10 within {p90} ({count} cases)."),
    ),
    "closure": (
        N_("No case was closed yet."),
        N_("Usually closed within {median} ({count} cases)."),
        N_("Usually closed within {median}; 9 in 10 within {p90} ({count} cases)."),
    ),
    "answer": (
        N_("No question was answered yet."),
        N_("Usually answered within {median} ({count} questions)."),
        N_("Usually answered within {median}; 9 in 10 within {p90} ({count} questions)."),
    ),
}


def durations_text(durations: Durations, _: Translator, what: str = "acceptance") -> str:
    """'Thường tiếp nhận trong 4 giờ (3 hồ sơ).' — a sentence, not a report generator's
    'trung vị 4 giờ, 90% trong vòng 8,8 giờ'."""
    none, usual, spread = DURATION_SENTENCES[what]
    if not durations.count:
        return _(none)
    values = dict(
        median=hours_text(durations.median_hours, _),
        p90=hours_text(durations.p90_hours, _),
        count=_.number(durations.count),
    )
    if durations.count < SPREAD_FROM or values["p90"] == values["median"]:
        return _(usual, **values)
    return _(spread, **values)


def clocks_text(missed: int, due: int, cases: int, overdue_now: int, _: Translator) -> str:
    """The legal time limits of Decree 56 in plain words."""
    if not due:
        text = _("No legal time limit fell due in this period.")
    elif not missed:
        text = _("Every legal time limit was met ({due}).", due=_.number(due))
    else:
        text = _(
            "{missed} of {due} legal time limits were missed ({cases} cases).",
            missed=_.number(missed),
            due=_.number(due),
            cases=_.number(cases),
        )
    if overdue_now:
        text += " " + _("Overdue now: {count}.", count=_.number(overdue_now))
    return text


def _pairs(items: Iterable[tuple[str, int]], _: Translator, limit: int | None = None) -> Html:
    """'Phường 1 2 · Phường 4 1' from plain labels (escaped here, once)."""
    items = list(items)
    shown = items if limit is None else items[:limit]
    # A colon, because many labels end in a number themselves ("Quận 8: 3").
    text = " · ".join(
        f"{html.escape(shorten(label, LABEL_LIMIT), quote=False)}: {_.number(count)}"
        for label, count in shown
    )
    if limit is not None and len(items) > limit:
        text += " · " + _("{count} more", count=_.number(len(items) - limit))
    return Html(text or "—")


def event_lines(figures: Statistics, _: Translator) -> list[str]:
    """One line per event held in the period (the first TOP_EVENTS): its registrations and
    how many of the registered came."""
    held = [row for row in figures.events.rows if row.status == "active"]
    lines = [
        _(
            "• {title} ({day}): going {going}, waiting {waiting}, attended {attended}",
            title=shorten(row.title, LABEL_LIMIT),
            day=_.local(row.starts_at).strftime("%d/%m"),
            going=_.number(row.going),
            waiting=_.number(row.waiting),
            attended=_.number(row.attended),
        )
        for row in held[:TOP_EVENTS]
    ]
    if len(held) > TOP_EVENTS:
        lines.append("• " + _("{count} more", count=_.number(len(held) - TOP_EVENTS)))
    return lines


def stats_text(figures: Statistics, areas: Areas, _: Translator) -> str:
    """The figures of one period as the /stats answer."""
    lang = _.language
    p = labels.plain(_)  # labels go through _pairs, which escapes them once
    reports, cases = figures.reports, figures.cases
    parts = [
        _(
            "📊 <b>Statistics, {period}</b>\n{scope} · as of {when}",
            period=labels.period_label(figures.period, _),
            scope=labels.scope_label(figures.district, areas, _),
            when=_.short_datetime(figures.generated_at),
        )
    ]

    lines = [
        _(
            "Received: <b>{count}</b> (urgent: {urgent})",
            count=_.number(reports.received),
            urgent=_.number(reports.urgent),
        )
    ]
    if figures.district is None:
        lines.append(
            _(
                "By area: {list}",
                list=_pairs(
                    ((areas.group_name(code, lang), n) for code, n in reports.by_district.items()),
                    _,
                ),
            )
        )
    lines.append(
        _(
            "By ward: {list}",
            list=_pairs(
                (
                    (
                        areas.place(code, lang)
                        if figures.district is None
                        else areas.unit_name(code, lang),
                        n,
                    )
                    for code, n in reports.by_ward.items()
                ),
                _,
                TOP_WARDS,
            ),
        )
    )
    lines.append(
        _(
            "By group: {list}",
            list=_pairs(
                ((labels.group_label(code, p), n) for code, n in reports.by_group.items()),
                _,
                TOP_GROUPS,
            ),
        )
    )
    lines.append(
        _(
            "By risk: {list}",
            list=_pairs(
                ((labels.risk_label(risk, p), n) for risk, n in reports.by_risk.items()), _
            ),
        )
    )
    lines.append(durations_text(reports.to_acceptance, _, "acceptance"))
    lines.append(durations_text(reports.to_closure, _, "closure"))
    parts.append(_("📝 <b>Reports</b>") + "\n" + "\n".join(lines))

    lines = [
        _("Open at the end of the period: <b>{count}</b>", count=_.number(cases.open_at_end)),
        _("Referred to a service: {count}", count=_.number(cases.referred)),
        _(
            "Closed: {count} ({list})",
            count=_.number(cases.closed),
            list=_pairs(
                ((labels.outcome_label(o, p), n) for o, n in cases.closed_by_outcome.items()), _
            ),
        ),
        clocks_text(
            cases.clocks_missed,
            sum(clock.deadlines for clock in cases.clocks),
            cases.overdue_cases,
            cases.overdue_now,
            _,
        ),
    ]
    parts.append(_("📁 <b>Cases</b>") + "\n" + "\n".join(lines))

    people = figures.collaborators
    events = figures.events
    materials = figures.materials
    broadcasts = figures.broadcasts
    questions = figures.questions
    lines = [
        _(
            "Active collaborators: <b>{active}</b> of {approved} (reported {reported}, "
            "registered for events {registered}, new {joined})",
            active=_.number(people.active),
            approved=_.number(people.approved),
            reported=_.number(people.reported),
            registered=_.number(people.registered_for_events),
            joined=_.number(people.joined),
        ),
        _(
            "Events: {held} (cancelled {cancelled}); going {going}, waiting list {waiting}, "
            "attended {attended}",
            held=_.number(events.held),
            cancelled=_.number(events.cancelled),
            going=_.number(events.going),
            waiting=_.number(events.waiting),
            attended=_.number(events.attended),
        ),
        *event_lines(figures, _),
        _("Materials handed out: {count}", count=_.number(materials.delivered)),
        _(
            "Print requests: {list}",
            list=_pairs(
                (
                    (labels.labelled(labels.PRINT_STATUSES, status, p), n)
                    for status, (n, _copies) in materials.print_by_status.items()
                ),
                _,
            ),
        ),
        _(
            "Announcements: {count}, reached {reached} of {recipients}, unreachable {share}",
            count=_.number(broadcasts.broadcasts),
            reached=_.number(broadcasts.reached),
            recipients=_.number(broadcasts.recipients),
            share=share_text(broadcasts.unreachable, broadcasts.recipients, _),
        ),
        _(
            "Parents' questions: {count}, answered {answered}. {durations}",
            count=_.number(questions.asked),
            answered=_.number(questions.answered),
            durations=durations_text(questions.to_answer, _, "answer"),
        ),
        _(
            "New users: {count} ({list})",
            count=_.number(figures.new_users),
            list=_pairs(
                (
                    (
                        labels.source_label(
                            row.source, row.poster_material, row.poster_ward, areas, p
                        ),
                        row.total,
                    )
                    for row in figures.sources
                ),
                _,
                TOP_SOURCES,
            ),
        ),
    ]
    parts.append(_("🤝 <b>Network and communication</b>") + "\n" + "\n".join(lines))
    parts.append(
        _("The full tables and a chart: /export {period}", period=Html(export_argument(figures)))
    )
    return truncate("\n\n".join(parts), MESSAGE_LIMIT)


def export_argument(figures: Statistics) -> str:
    """What to type after /export for the same figures (forms `period.parse` reads back)."""
    period = figures.period
    if period.kind == "month":
        text = f"{period.start.month}/{period.start.year}"
    elif period.kind == "quarter":
        text = f"Q{period.quarter} {period.start.year}"
    elif period.kind == "year":
        text = str(period.start.year)
    else:
        text = f"{period.start:%d/%m/%Y}-{period.end:%d/%m/%Y}"
    return text if figures.district is None else f"{text} {figures.district}"
