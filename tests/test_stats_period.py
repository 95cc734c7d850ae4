"""Issue 9: reading the period typed after /stats and /export, in Vietnamese or English."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.stats import period
from bot.stats.period import Period, PeriodError

TODAY = dt.date(2021, 5, 25)
HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def days(text: str) -> tuple[dt.date, dt.date, str]:
    found = period.parse(text, TODAY)
    return found.start, found.end, found.kind


@pytest.mark.parametrize("text", ["", "this month", "tháng này", "Tháng Này", "thang nay"])
def test_this_month(text):
    assert days(text) == (dt.date(2021, 5, 1), dt.date(2021, 5, 31), "month")


@pytest.mark.parametrize(
    "text",
    ["tháng 5/2021", "thang 5 2021", "5/2021", "05-2021", "tháng 5 năm 2021", "Tháng 05 / 2021"],
)
def test_a_named_month(text):
    assert days(text) == (dt.date(2021, 5, 1), dt.date(2021, 5, 31), "month")


def test_february_and_last_month():
    assert days("tháng 2/2020")[:2] == (dt.date(2020, 2, 1), dt.date(2020, 2, 29))
    assert days("tháng trước")[:2] == (dt.date(2021, 4, 1), dt.date(2021, 4, 30))
    assert period.last_month(dt.date(2021, 1, 10)) == period.month(2020, 12)


@pytest.mark.parametrize(
    "text",
    [
        "Q1 2021",
        "q1/2021",
        "quý 1 2021",
        "Quý I/2021",
        "quy 1 nam 2021",
        "2021 Q1",
        "quarter 1 2021",
    ],
)
def test_a_quarter(text):
    assert days(text) == (dt.date(2021, 1, 1), dt.date(2021, 3, 31), "quarter")


def test_relative_quarters_and_years():
    assert days("quý này")[:2] == (dt.date(2021, 4, 1), dt.date(2021, 6, 30))
    assert days("quý trước")[:2] == (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
    assert period.last_quarter(dt.date(2021, 2, 1)) == period.quarter(2020, 4)
    assert days("năm nay") == (dt.date(2021, 1, 1), dt.date(2021, 12, 31), "year")
    assert days("2020") == (dt.date(2020, 1, 1), dt.date(2020, 12, 31), "year")


@pytest.mark.parametrize(
    "text",
    [
        "01/04/2021-30/06/2021",
        "1/4/2021 - 30/6/2021",
        "01/04/2021 – 30/06/2021",
        "từ 01/04/2021 đến 30/06/2021",
        "01.04.2021 to 30.06.2021",
    ],
)
def test_a_date_range(text):
    assert days(text) == (dt.date(2021, 4, 1), dt.date(2021, 6, 30), "range")


def test_one_day():
    assert days("01/06/2021") == (dt.date(2021, 6, 1), dt.date(2021, 6, 1), "range")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("mùa mưa", "unknown"),
        ("Q5 2021", "unknown"),
        ("tháng 13/2021", "month"),
        ("31/02/2021", "date"),
        ("30/06/2021-01/04/2021", "order"),
        ("01/01/2010-01/01/2021", "too_long"),
        ("1899", "year"),
        ("01/01/1990-01/02/1990", "year"),
    ],
)
def test_what_is_not_a_period(text, reason):
    with pytest.raises(PeriodError) as error:
        period.parse(text, TODAY)
    assert str(error.value) == reason


def test_bounds_are_local_days_in_utc():
    start, end = period.quarter(2021, 1).bounds(HCMC)
    assert start == dt.datetime(2020, 12, 31, 17, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2021, 3, 31, 17, 0, tzinfo=dt.UTC)
    assert period.year(2021).months()[0] == (2021, 1)
    assert len(period.year(2021).months()) == 12
    assert period.date_range(dt.date(2021, 4, 20), dt.date(2021, 6, 2)).months() == [
        (2021, 4),
        (2021, 5),
        (2021, 6),
    ]


@pytest.mark.parametrize(
    "shown",
    [
        period.month(2021, 5),
        period.quarter(2021, 1),
        period.year(2021),
        period.date_range(dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
    ],
)
def test_tokens_round_trip_and_stay_short(shown: Period):
    assert period.from_token(shown.token) == shown
    assert len(shown.token) <= 20 and shown.token.isascii()


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "q20215",
        "m202113",
        "x2021",
        "r20210631-20210701",
        "r20210630-20210401",
        "y1800",
        "m2021051",
    ],
)
def test_forged_tokens_are_refused(token):
    assert period.from_token(token) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tuần này", (dt.date(2021, 5, 24), dt.date(2021, 5, 30))),  # TODAY is a Tuesday
        ("tuan truoc", (dt.date(2021, 5, 17), dt.date(2021, 5, 23))),
        ("Hôm nay", (dt.date(2021, 5, 25), dt.date(2021, 5, 25))),
        ("hom qua", (dt.date(2021, 5, 24), dt.date(2021, 5, 24))),
        ("last week", (dt.date(2021, 5, 17), dt.date(2021, 5, 23))),
    ],
)
def test_weeks_and_days(text, expected):
    assert days(text) == (*expected, "range")
