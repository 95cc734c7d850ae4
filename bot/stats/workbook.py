"""The quarterly review workbook (.xlsx, openpyxl): one sheet per area, headers in Vietnamese.

Every sheet is a single table: one bold header row, frozen, with an autofilter, then data
rows; columns sized to their content. Numbers stay numbers (Excel sums them), dates are real
local dates in the bot's time zone. Case rows carry code, dates, ward, groups, urgency, risk
and status only: never a name, a description or a phone number (the figures never read them).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from bot.areas import Areas
from bot.i18n import N_, Translator
from bot.stats import labels
from bot.stats.figures import Durations, Statistics

MIN_WIDTH, MAX_WIDTH = 8, 60
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
HOURS_FORMAT = "0.0"
PERCENT_FORMAT = "0.0%"
HEADER_COLOUR, HEADER_BACKGROUND = "FFFFFF", "1F4E79"
# Sheet titles (Excel allows 31 characters and no []:*?/\).
SHEETS = {
    "summary": N_("Summary"),
    "reports": N_("Reports"),
    "cases": N_("Cases"),
    "collaborators": N_("Collaborators"),
    "events": N_("Events"),
    "materials": N_("Materials"),
    "print": N_("Print requests"),
    "broadcasts": N_("Announcements"),
    "questions": N_("Questions"),
    "sources": N_("New users"),
}


@dataclass
class Table:
    """One sheet: a header row and data rows. Number formats by column index (0-based), or
    by (data row, column) for single cells."""

    title: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)


class _Cells:
    """Turns figures into cell values in the bot's time zone."""

    def __init__(self, _: labels.PlainTranslator, areas: Areas) -> None:
        self._ = _
        self.areas = areas

    def local(self, moment: dt.datetime | None) -> dt.datetime | None:
        # Excel has no time zones: write the local wall-clock time, naive.
        return None if moment is None else self._.local(moment).replace(tzinfo=None)

    def district(self, code: str | None) -> str:
        return self.areas.group_name(code, self._.language) if code else self._("whole programme")

    def ward(self, code: str | None) -> str:
        return self.areas.unit_name(code, self._.language) if code else ""

    def yes(self, flag: bool) -> str:
        return self._("yes") if flag else self._("no")


def _hours(span: dt.timedelta | None) -> float | None:
    return None if span is None else round(span.total_seconds() / 3600, 2)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def summary_table(figures: Statistics, areas: Areas, _: labels.PlainTranslator) -> Table:
    reports, cases = figures.reports, figures.cases
    table = Table(_(SHEETS["summary"]), [_("Figure"), _("Value"), _("How it is counted")])

    def add(name: str, value: object, note: str = "", number_format: str | None = None):
        table.rows.append([name, value, note])
        if number_format:
            table.cell_formats[(len(table.rows) - 1, 1)] = number_format

    def durations(name: str, found: Durations, note: str) -> None:
        add(_("{name}: median (hours)", name=name), _round(found.median_hours), note, HOURS_FORMAT)
        add(
            _("{name}: 90th percentile (hours)", name=name),
            _round(found.p90_hours),
            note,
            HOURS_FORMAT,
        )
        add(_("{name}: cases counted", name=name), found.count, note)

    add(
        _("Period"),
        labels.period_label(figures.period, _),
        f"{figures.period.start:%d/%m/%Y} – {figures.period.end:%d/%m/%Y}",
    )
    add(_("Scope"), labels.scope_label(figures.district, areas, _))
    add(_("Made on"), _.short_datetime(figures.generated_at))
    add(_("Reports received"), reports.received, _("reports that arrived in the period"))
    add(_("of which urgent"), reports.urgent)
    durations(
        _("Time from report to acceptance"),
        reports.to_acceptance,
        _("reports accepted in the period"),
    )
    durations(_("Time from report to closure"), reports.to_closure, _("cases closed in the period"))
    add(
        _("Cases open at the end of the period"),
        cases.open_at_end,
        _("received before the end and not closed by then"),
    )
    add(
        _("Cases referred to a service"),
        cases.referred,
        _("cases with a referral written in the period"),
    )
    add(_("Cases closed"), cases.closed, _("closed in the period"))
    for outcome, count in cases.closed_by_outcome.items():
        add(_("Closed: {outcome}", outcome=labels.outcome_label(outcome, _)), count)
    for clock in cases.clocks:
        name = labels.labelled(labels.CLOCK_NAMES, clock.kind, _)
        add(
            _("Deadlines due: {clock}", clock=name),
            clock.deadlines,
            _("legal clocks that fell due in the period"),
        )
        add(_("Deadlines missed: {clock}", clock=name), clock.missed, _("not met by the deadline"))
    add(_("Cases that missed a deadline"), cases.overdue_cases)
    add(_("Cases overdue now"), cases.overdue_now, _("open cases with a passed deadline today"))
    people = figures.collaborators
    add(
        _("Active collaborators"),
        people.active,
        _("reported, registered for an event or signed up in the period"),
    )
    add(_("Approved collaborators"), people.approved)
    add(_("Events"), figures.events.held, _("events that started in the period"))
    add(_("Event registrations (going)"), figures.events.going)
    add(
        _("Event attendance"),
        figures.events.attended,
        _("registered people marked present by staff"),
    )
    add(_("Materials handed out"), figures.materials.delivered)
    add(_("Print requests"), len(figures.materials.print_rows))
    add(
        _("Announcements sent"),
        figures.broadcasts.broadcasts,
        _("announcements and urgent notices sent by staff"),
    )
    add(_("Announcement recipients"), figures.broadcasts.recipients)
    add(_("Reached"), figures.broadcasts.reached)
    add(
        _("Unreachable share"),
        figures.broadcasts.unreachable_share,
        _("blocked the bot or left Telegram, over all recipients"),
        PERCENT_FORMAT,
    )
    add(_("Parents' questions"), figures.questions.asked)
    add(_("Questions answered"), figures.questions.answered)
    durations(
        _("Time to first answer"), figures.questions.to_answer, _("questions asked in the period")
    )
    add(_("New users"), figures.new_users)
    return table


def reports_table(figures: Statistics, areas: Areas, _: labels.PlainTranslator) -> Table:
    reports = figures.reports
    lang = _.language
    table = Table(_(SHEETS["reports"]), [_("Breakdown"), _("Item"), _("Number of reports")])
    rows = table.rows
    rows += [
        [_("Programme area"), areas.group_name(code, lang), n]
        for code, n in reports.by_district.items()
    ]
    rows += [
        [_("Ward or commune"), areas.place(code, lang), n] for code, n in reports.by_ward.items()
    ]
    rows += [
        [_("Group of children"), labels.group_label(code, _), n]
        for code, n in reports.by_group.items()
    ]
    rows += [
        [_("Urgency"), _("Urgent"), reports.urgent],
        [_("Urgency"), _("Not urgent"), reports.received - reports.urgent],
    ]
    rows += [
        [_("Risk level"), labels.risk_label(risk, _), n] for risk, n in reports.by_risk.items()
    ]
    for (year, month), districts in reports.by_month.items():
        for code, n in sorted(districts.items()):
            rows.append([_("Month"), f"{month:02d}/{year} — {areas.group_name(code, lang)}", n])
    return table


def cases_table(figures: Statistics, areas: Areas, _: labels.PlainTranslator) -> Table:
    cells = _Cells(_, areas)
    table = Table(
        _(SHEETS["cases"]),
        [
            _("Case code"),
            _("Programme area"),
            _("Ward or commune"),
            _("Received on"),
            _("Groups"),
            _("Urgent"),
            _("Risk level"),
            _("Status"),
            _("Outcome"),
            _("Accepted on"),
            _("Closed on"),
            _("Hours to acceptance"),
            _("Hours to closure"),
            _("Missed a deadline in the period"),
        ],
        formats={
            3: DATETIME_FORMAT,
            9: DATETIME_FORMAT,
            10: DATETIME_FORMAT,
            11: HOURS_FORMAT,
            12: HOURS_FORMAT,
        },
    )
    for row in figures.cases.rows:
        table.rows.append(
            [
                row.code,
                cells.district(row.district),
                cells.ward(row.ward),
                cells.local(row.received_at),
                "; ".join(labels.group_label(code, _) for code in row.situations),
                cells.yes(row.urgent),
                labels.risk_label(row.risk or "", _),
                labels.status_label(row.status, _),
                labels.outcome_label(row.outcome or "", _) if row.outcome else "",
                cells.local(row.accepted_at),
                cells.local(row.closed_at),
                _hours(row.accepted_at - row.received_at) if row.accepted_at else None,
                _hours(row.closed_at - row.received_at) if row.closed_at else None,
                cells.yes(row.missed_clock),
            ]
        )
    return table


def collaborators_table(figures: Statistics, _: labels.PlainTranslator) -> Table:
    people = figures.collaborators
    return Table(
        _(SHEETS["collaborators"]),
        [_("Figure"), _("People")],
        rows=[
            [_("Approved collaborators"), people.approved],
            [_("Active in the period"), people.active],
            [_("Sent a report"), people.reported],
            [_("Registered for an event"), people.registered_for_events],
            [_("Signed up in the period"), people.joined],
        ],
    )


def events_table(figures: Statistics, areas: Areas, _: labels.PlainTranslator) -> Table:
    cells = _Cells(_, areas)
    table = Table(
        _(SHEETS["events"]),
        [
            _("Event"),
            _("Kind"),
            _("Starts"),
            _("Programme area"),
            _("Ward or commune"),
            _("Capacity"),
            _("State"),
            _("Going"),
            _("Waiting list"),
            _("Not going"),
            _("Attended"),
        ],
        formats={2: DATETIME_FORMAT},
    )
    for row in figures.events.rows:
        table.rows.append(
            [
                row.title,
                labels.event_kind_label(row.kind, _),
                cells.local(row.starts_at),
                cells.district(row.district),
                cells.ward(row.ward),
                row.capacity,
                labels.labelled(labels.EVENT_STATES, row.status, _),
                row.going,
                row.waiting,
                row.declined,
                row.attended,
            ]
        )
    return table


def materials_table(figures: Statistics, _: labels.PlainTranslator) -> Table:
    table = Table(
        _(SHEETS["materials"]),
        [
            _("Material"),
            _("Topic"),
            _("Times handed out"),
            _("Of which the file"),
            _("People"),
        ],
    )
    for row in figures.materials.rows:
        table.rows.append(
            [row.title, labels.topic_label(row.topic, _), row.deliveries, row.files, row.people]
        )
    return table


def print_table(figures: Statistics, areas: Areas, _: labels.PlainTranslator) -> Table:
    cells = _Cells(_, areas)
    table = Table(
        _(SHEETS["print"]),
        [
            _("Number"),
            _("Material"),
            _("Copies"),
            _("Programme area"),
            _("Ward or commune"),
            _("Wanted by"),
            _("Status"),
            _("Requested"),
        ],
        formats={5: DATE_FORMAT, 7: DATETIME_FORMAT},
    )
    for row in figures.materials.print_rows:
        table.rows.append(
            [
                row.id,
                row.material_title,
                row.quantity,
                cells.district(row.district),
                cells.ward(row.ward),
                row.wanted_by,
                labels.labelled(labels.PRINT_STATUSES, row.status, _),
                cells.local(row.created_at),
            ]
        )
    return table


def broadcasts_table(figures: Statistics, areas: Areas, _: labels.PlainTranslator) -> Table:
    cells = _Cells(_, areas)
    table = Table(
        _(SHEETS["broadcasts"]),
        [
            _("Number"),
            _("Kind"),
            _("Programme area"),
            _("State"),
            _("Started"),
            _("Recipients"),
            _("Reached"),
            _("Unreachable"),
            _("Failed"),
            _("Opted out"),
            _("Still to send"),
            _("Unreachable share"),
        ],
        formats={4: DATETIME_FORMAT, 11: PERCENT_FORMAT},
    )
    for row in figures.broadcasts.rows:
        table.rows.append(
            [
                row.id,
                labels.labelled(labels.DELIVERY_KINDS, row.kind, _),
                cells.district(row.district),
                labels.labelled(labels.DELIVERY_STATES, row.state, _),
                cells.local(row.started_at),
                row.recipients,
                row.sent,
                row.blocked,
                row.failed,
                row.skipped,
                row.pending,
                round(row.blocked / row.recipients, 4) if row.recipients else None,
            ]
        )
    return table


def questions_table(figures: Statistics, areas: Areas, _: labels.PlainTranslator) -> Table:
    cells = _Cells(_, areas)
    table = Table(
        _(SHEETS["questions"]),
        [
            _("Number"),
            _("Programme area"),
            _("Ward or commune"),
            _("State"),
            _("Danger signs"),
            _("Asked"),
            _("First answer"),
            _("Hours to first answer"),
        ],
        formats={5: DATETIME_FORMAT, 6: DATETIME_FORMAT, 7: HOURS_FORMAT},
    )
    for row in figures.questions.rows:
        table.rows.append(
            [
                row.id,
                cells.district(row.district) if row.district else "",
                cells.ward(row.ward),
                labels.labelled(labels.QUESTION_STATES, row.state, _),
                cells.yes(row.danger),
                cells.local(row.created_at),
                cells.local(row.first_answer_at),
                _hours(row.first_answer_at - row.created_at) if row.first_answer_at else None,
            ]
        )
    return table


def sources_table(figures: Statistics, areas: Areas, _: labels.PlainTranslator) -> Table:
    table = Table(
        _(SHEETS["sources"]),
        [
            _("Source"),
            _("Link code"),
            _(labels.ROLE_NAMES["public"]),
            _(labels.ROLE_NAMES["collaborator"]),
            _(labels.ROLE_NAMES["staff"]),
            _("Total"),
        ],
    )
    for row in figures.sources:
        table.rows.append(
            [
                labels.source_label(row.source, row.poster_material, row.poster_ward, areas, _),
                row.source or "",
                row.public,
                row.collaborators,
                row.staff,
                row.total,
            ]
        )
    return table


def tables(figures: Statistics, areas: Areas, translate: Translator) -> list[Table]:
    _ = labels.plain(translate)
    return [
        summary_table(figures, areas, _),
        reports_table(figures, areas, _),
        cases_table(figures, areas, _),
        collaborators_table(figures, _),
        events_table(figures, areas, _),
        materials_table(figures, _),
        print_table(figures, areas, _),
        broadcasts_table(figures, areas, _),
        questions_table(figures, areas, _),
        sources_table(figures, areas, _),
    ]


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return 8
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write(sheet, table: Table) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True, color=HEADER_COLOUR)
    header_fill = PatternFill("solid", fgColor=HEADER_BACKGROUND)
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in table.rows:
        sheet.append(row)
    for index, number_format in table.formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = number_format
    for (row_index, index), number_format in table.cell_formats.items():
        sheet.cell(row=row_index + 2, column=index + 1).number_format = number_format
    for index, header in enumerate(table.headers):
        widest = max([_width(header)] + [_width(row[index]) for row in table.rows])
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(
            MIN_WIDTH, min(MAX_WIDTH, widest + 2)
        )
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions


def build(figures: Statistics, areas: Areas, translate: Translator) -> bytes:
    """The workbook's bytes."""
    # openpyxl (and numpy, which it pulls in) is imported on first export, not at start.
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in tables(figures, areas, translate):
        _write(book.create_sheet(_sheet_title(table.title)), table)
    book.properties.title = tables_title(figures, areas, translate)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tables_title(figures: Statistics, areas: Areas, translate: Translator) -> str:
    _ = labels.plain(translate)
    return _(
        "Statistics, {period}, {scope}",
        period=labels.period_label(figures.period, _),
        scope=labels.scope_label(figures.district, areas, _),
    )


def _sheet_title(title: str, limit: int = 31) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:limit] or "Sheet"
