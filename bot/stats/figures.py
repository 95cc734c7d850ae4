"""The figures of a period as plain dataclasses, computed from storage/stats.py's rows.

`collect` is the only place that decides what each figure means:
- reports received: cases whose report arrived in the period;
- time to acceptance: for reports accepted in the period, received → first "accept";
- time to closure: for cases closed in the period, received → closed;
- open at the end: received before the period's end and not closed by then;
- referred: cases with a referral to a service written in the period;
- overdue: legal clocks (12-hour assessment, 5-working-day plan) that fell due in the period
  and were not met in time, and open cases overdue right now;
- active collaborators: approved collaborators who reported, registered for an event, or
  signed up in the period.
Medians and 90th percentiles use linear interpolation between ranks (numpy's default).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.stats.period import Period
from storage import stats as store
from storage.db import Database


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` quantile (0.5 = median) by linear interpolation; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Durations:
    """How long something took, in hours, over `count` cases."""

    count: int
    median_hours: float | None
    p90_hours: float | None

    @classmethod
    def of(cls, spans: Iterable[dt.timedelta]) -> Durations:
        hours = [span.total_seconds() / 3600 for span in spans]
        return cls(len(hours), percentile(hours, 0.5), percentile(hours, 0.9))


@dataclass(frozen=True)
class ReportFigures:
    received: int
    urgent: int
    by_district: dict[str, int]
    by_ward: dict[str, int]  # ward code → reports
    by_group: dict[str, int]  # situation code → reports naming it (a report may name several)
    by_risk: dict[str, int]  # high / medium / low / '' (not assessed yet)
    by_month: dict[tuple[int, int], dict[str, int]]  # (year, month) → district → reports
    to_acceptance: Durations
    to_closure: Durations


@dataclass(frozen=True)
class CaseFigures:
    open_at_end: int
    open_by_district: dict[str, int]
    referred: int
    closed: int
    closed_by_outcome: dict[str, int]
    clocks: list[store.MissedClocks]
    overdue_cases: int  # distinct cases of the period that missed a clock
    overdue_now: int
    rows: list[store.CaseRow]  # every case worked on in the period (for the export)

    @property
    def clocks_missed(self) -> int:
        return sum(clock.missed for clock in self.clocks)


@dataclass(frozen=True)
class EventFigures:
    rows: list[store.EventRow]

    @property
    def held(self) -> int:
        return sum(1 for row in self.rows if row.status == "active")

    @property
    def cancelled(self) -> int:
        return sum(1 for row in self.rows if row.status == "cancelled")

    @property
    def going(self) -> int:
        return sum(row.going for row in self.rows if row.status == "active")

    @property
    def waiting(self) -> int:
        return sum(row.waiting for row in self.rows if row.status == "active")

    @property
    def attended(self) -> int:
        return sum(row.attended for row in self.rows if row.status == "active")


@dataclass(frozen=True)
class MaterialFigures:
    rows: list[store.MaterialRow]
    print_rows: list[store.PrintRow]

    @property
    def delivered(self) -> int:
        return sum(row.deliveries for row in self.rows)

    @property
    def print_by_status(self) -> dict[str, tuple[int, int]]:
        """status → (requests, copies)."""
        found: dict[str, tuple[int, int]] = {}
        for row in self.print_rows:
            requests, copies = found.get(row.status, (0, 0))
            found[row.status] = (requests + 1, copies + row.quantity)
        return found


@dataclass(frozen=True)
class BroadcastFigures:
    rows: list[store.DeliveryRow]  # every mass send of the period
    kinds: tuple[str, ...] = ("broadcast", "urgent")  # what staff send by hand

    @property
    def sent_by_staff(self) -> list[store.DeliveryRow]:
        return [row for row in self.rows if row.kind in self.kinds]

    @property
    def broadcasts(self) -> int:
        return len(self.sent_by_staff)

    @property
    def recipients(self) -> int:
        return sum(row.recipients for row in self.sent_by_staff)

    @property
    def reached(self) -> int:
        return sum(row.sent for row in self.sent_by_staff)

    @property
    def unreachable(self) -> int:
        return sum(row.blocked for row in self.sent_by_staff)

    @property
    def unreachable_share(self) -> float | None:
        """Blocked the bot or deleted their account, over everyone the sends were for."""
        return self.unreachable / self.recipients if self.recipients else None

    def by_kind(self) -> dict[str, tuple[int, int, int, int]]:
        """kind → (sends, recipients, reached, unreachable), every kind of mass send."""
        found: dict[str, tuple[int, int, int, int]] = {}
        for row in self.rows:
            sends, recipients, reached, blocked = found.get(row.kind, (0, 0, 0, 0))
            found[row.kind] = (
                sends + 1,
                recipients + row.recipients,
                reached + row.sent,
                blocked + row.blocked,
            )
        return found


@dataclass(frozen=True)
class QuestionFigures:
    rows: list[store.QuestionRow]
    to_answer: Durations

    @property
    def asked(self) -> int:
        return len(self.rows)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.first_answer_at is not None)

    @property
    def danger(self) -> int:
        return sum(1 for row in self.rows if row.danger)

    @property
    def by_state(self) -> dict[str, int]:
        return dict(Counter(row.state for row in self.rows))


@dataclass(frozen=True)
class Statistics:
    period: Period
    district: str | None  # None = every district
    generated_at: dt.datetime
    reports: ReportFigures
    cases: CaseFigures
    collaborators: store.CollaboratorActivity
    events: EventFigures
    materials: MaterialFigures
    broadcasts: BroadcastFigures
    questions: QuestionFigures
    sources: list[store.SourceRow] = field(default_factory=list)

    @property
    def new_users(self) -> int:
        return sum(row.total for row in self.sources)


def _sorted_counts(counter: Counter) -> dict:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def report_figures(
    rows: list[store.CaseRow],
    period: Period,
    start: dt.datetime,
    end: dt.datetime,
    timezone: ZoneInfo,
) -> ReportFigures:
    received = [row for row in rows if start <= row.received_at < end]
    by_month: dict[tuple[int, int], dict[str, int]] = {key: {} for key in period.months()}
    for row in received:
        local = row.received_at.astimezone(timezone)
        month = by_month.setdefault((local.year, local.month), {})
        month[row.district] = month.get(row.district, 0) + 1
    accepted = [row for row in rows if row.accepted_at and start <= row.accepted_at < end]
    closed = [row for row in rows if row.closed_at and start <= row.closed_at < end]
    return ReportFigures(
        received=len(received),
        urgent=sum(1 for row in received if row.urgent),
        by_district=_sorted_counts(Counter(row.district for row in received)),
        by_ward=_sorted_counts(Counter(row.ward for row in received)),
        by_group=_sorted_counts(Counter(code for row in received for code in row.situations)),
        by_risk=_sorted_counts(Counter(row.risk or "" for row in received)),
        by_month=by_month,
        to_acceptance=Durations.of(
            row.accepted_at - row.received_at for row in accepted if row.accepted_at is not None
        ),
        to_closure=Durations.of(
            row.closed_at - row.received_at for row in closed if row.closed_at is not None
        ),
    )


def case_figures(
    rows: list[store.CaseRow],
    referred: int,
    clocks: list[store.MissedClocks],
    overdue_now: int,
    start: dt.datetime,
    end: dt.datetime,
) -> CaseFigures:
    still_open = [row for row in rows if row.closed_at is None or row.closed_at >= end]
    closed = [row for row in rows if row.closed_at and start <= row.closed_at < end]
    return CaseFigures(
        open_at_end=len(still_open),
        open_by_district=_sorted_counts(Counter(row.district for row in still_open)),
        referred=referred,
        closed=len(closed),
        closed_by_outcome=_sorted_counts(Counter(row.outcome or "" for row in closed)),
        clocks=clocks,
        overdue_cases=sum(1 for row in rows if row.missed_clock),
        overdue_now=overdue_now,
        rows=rows,
    )


async def collect(
    db: Database, period: Period, district: str | None, now: dt.datetime, timezone: ZoneInfo
) -> Statistics:
    """Every figure of `period` for `district` (None = all). Read-only."""
    start, end = period.bounds(timezone)
    rows = await store.cases_worked(db, start, end, district, now)
    questions = await store.questions(db, start, end, district)
    return Statistics(
        period=period,
        district=district,
        generated_at=now,
        reports=report_figures(rows, period, start, end, timezone),
        cases=case_figures(
            rows,
            await store.referred_cases(db, start, end, district),
            await store.missed_clocks(db, start, end, district, now),
            await store.overdue_now(db, district, now),
            start,
            end,
        ),
        collaborators=await store.collaborator_activity(db, start, end, district),
        events=EventFigures(await store.events(db, start, end, district)),
        materials=MaterialFigures(
            await store.material_deliveries(db, start, end, district),
            await store.print_requests(db, start, end, district),
        ),
        broadcasts=BroadcastFigures(await store.deliveries(db, start, end, district)),
        questions=QuestionFigures(
            questions,
            Durations.of(
                row.first_answer_at - row.created_at
                for row in questions
                if row.first_answer_at is not None
            ),
        ),
        sources=await store.new_users_by_source(db, start, end, district),
    )
