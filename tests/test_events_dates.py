"""Vietnamese dates and times as staff type them, read in BOT_TIMEZONE; errors by code."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.events import dates
from bot.events.dates import DateError

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2021, 5, 25)  # a Tuesday
NOW = dt.datetime(2021, 5, 25, 2, 0, tzinfo=dt.UTC)  # 09:00 in Ho Chi Minh City


@pytest.mark.parametrize(
    ("typed", "day", "clock"),
    [
        ("1/6", dt.date(2021, 6, 1), None),
        ("01/06/2021 8:00", dt.date(2021, 6, 1), dt.time(8, 0)),
        ("8h30 1/6", dt.date(2021, 6, 1), dt.time(8, 30)),
        ("1/6 8h30", dt.date(2021, 6, 1), dt.time(8, 30)),
        ("8 giờ 30", None, dt.time(8, 30)),
        ("8g30 ngày 1/6", dt.date(2021, 6, 1), dt.time(8, 30)),
        ("thứ 7 này", dt.date(2021, 5, 29), None),
        ("Thứ Bảy tuần sau 8h", dt.date(2021, 6, 5), dt.time(8, 0)),
        ("chủ nhật 9h", dt.date(2021, 5, 30), dt.time(9, 0)),
        ("CN 9h", dt.date(2021, 5, 30), dt.time(9, 0)),
        ("thu 2 tuan toi 14h", dt.date(2021, 5, 31), dt.time(14, 0)),
        ("ngày mai 7h", dt.date(2021, 5, 26), dt.time(7, 0)),
        ("hôm nay 14:00", dt.date(2021, 5, 25), dt.time(14, 0)),
        ("2 giờ chiều 1/6", dt.date(2021, 6, 1), dt.time(14, 0)),
        ("7 giờ tối 1/6", dt.date(2021, 6, 1), dt.time(19, 0)),
        ("8 giờ rưỡi sáng 5/6", dt.date(2021, 6, 5), dt.time(8, 30)),
        ("ngày 1 tháng 6 năm 2021 lúc 8 giờ", dt.date(2021, 6, 1), dt.time(8, 0)),
        ("1.6.2021 7h", dt.date(2021, 6, 1), dt.time(7, 0)),
        ("1-6-21 7h15", dt.date(2021, 6, 1), dt.time(7, 15)),
        ("2021-06-01 08:00", dt.date(2021, 6, 1), dt.time(8, 0)),
        ("bao cao 1/6".replace("bao cao ", "  "), dt.date(2021, 6, 1), None),  # stray spaces
        ("20/3", dt.date(2022, 3, 20), None),  # long passed this year: next year's
        ("29/2", dt.date(2024, 2, 29), None),  # the next leap day
    ],
)
def test_valid_inputs(typed, day, clock):
    moment = dates.parse(typed, TODAY)
    assert (moment.date, moment.time) == (day, clock)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "unreadable"),
        ("8", "unreadable"),
        ("1/6 8h30 hello", "unreadable"),
        ("sáng mai", "unreadable"),
        ("31/2", "bad_date"),
        ("15/13/2021", "bad_date"),
        ("0/6", "bad_date"),
        ("25:00", "bad_time"),
        ("8h70", "bad_time"),
        ("1/6/2201 8h", "too_far"),
        ("20/5", "past"),  # five days ago: a mistake, never 20 May next year
    ],
)
def test_invalid_inputs_say_why(typed, code):
    with pytest.raises(DateError) as raised:
        dates.parse(typed, TODAY)
    assert raised.value.code == code


def test_start_is_read_in_the_bot_time_zone_and_stored_in_utc():
    start = dates.parse_start("8h30 1/6", NOW, HCMC)
    assert start == dt.datetime(2021, 6, 1, 1, 30, tzinfo=dt.UTC)  # 08:30 at UTC+7
    # The same words in another zone are another instant.
    assert dates.parse_start("8h30 1/6", NOW, ZoneInfo("Europe/Paris")) == dt.datetime(
        2021, 6, 1, 6, 30, tzinfo=dt.UTC
    )


def test_a_time_alone_is_today_for_a_start_and_the_start_day_for_an_end():
    assert dates.parse_start("17h", NOW, HCMC) == dt.datetime(2021, 5, 25, 10, 0, tzinfo=dt.UTC)
    start = dates.parse_start("8h30 1/6", NOW, HCMC)
    assert dates.parse_end("11h", start, HCMC) == dt.datetime(2021, 6, 1, 4, 0, tzinfo=dt.UTC)
    assert dates.parse_end("17h 3/6", start, HCMC) == dt.datetime(2021, 6, 3, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("8h 25/5", "past"),
        ("7h", "past"),
        ("1/6", "no_time"),
        ("01/06/2020 8:00", "past"),
        ("hôm qua 8h", "past"),  # read as yesterday, so refused as a start
    ],
)
def test_past_starts_and_starts_without_time_are_refused(typed, code):
    with pytest.raises(DateError) as raised:
        dates.parse_start(typed, NOW, HCMC)
    assert raised.value.code == code


def test_an_end_before_the_start_is_refused():
    start = dates.parse_start("8h30 1/6", NOW, HCMC)
    for typed in ("7h", "8h30", "31/5 9h"):
        with pytest.raises(DateError) as raised:
            dates.parse_end(typed, start, HCMC)
        assert raised.value.code == "end_before_start"


def test_a_time_that_passed_reads_a_recent_day_as_this_year_s():
    """When measures were taken: '5/12 14h' typed on 9 December is four days ago (the
    "a recent day is refused" rule is for times to come, not for times that passed)."""
    from bot.cases.texts import past_moment

    now = dt.datetime(2026, 12, 9, 3, 0, tzinfo=dt.UTC)  # 10:00 in Ho Chi Minh City
    assert past_moment("5/12 14h", now, HCMC) == dt.datetime(2026, 12, 5, 7, 0, tzinfo=dt.UTC)
    assert past_moment("10/12 8h", now, HCMC) is None  # tomorrow: still to come
    assert past_moment("29/2 8h", now, HCMC) is None  # no such day a year back
    # 9 December 2026 is a Wednesday: "thứ 2" is last Monday, "hôm qua" yesterday.
    assert past_moment("thứ 2 8h", now, HCMC) == dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
    assert past_moment("hôm qua 20h", now, HCMC) == dt.datetime(2026, 12, 8, 13, 0, tzinfo=dt.UTC)
    assert past_moment("hom kia 7h", now, HCMC) == dt.datetime(2026, 12, 7, 0, 0, tzinfo=dt.UTC)
    january = dt.datetime(2027, 1, 10, 3, 0, tzinfo=dt.UTC)
    assert past_moment("20/12 8h", january, HCMC) == dt.datetime(2026, 12, 20, 1, 0, tzinfo=dt.UTC)


def test_a_recent_day_typed_for_a_time_to_come_is_refused_across_the_new_year():
    with pytest.raises(DateError) as raised:
        dates.parse("20/12", dt.date(2027, 1, 10))
    assert raised.value.code == "past"
