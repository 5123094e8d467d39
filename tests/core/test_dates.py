"""Tests for rolodex.core.dates: every accepted form, every refusal, and a few properties."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.core.dates import (
    DueFilter,
    describe_repeat,
    due_filter,
    humanize_due,
    next_occurrence,
    parse_date,
    parse_datetime,
    parse_repeat,
    parse_when,
)
from rolodex.errors import UsageError

TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 10, 15, 42, 123456)
D = date  # short alias for the tables

PROPERTY = settings(max_examples=200, database=None)
# Text close to the grammar finds deeper paths than arbitrary Unicode does.
NEAR_GRAMMAR = st.text(
    alphabet="0123456789-+./:, TtdwmyapnexoDFRBYQUILCS=;", min_size=1, max_size=24
)


# --- parse_date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("  Today  ", TODAY),
        ("TOMORROW", D(2026, 11, 26)),
        ("yesterday", D(2026, 11, 24)),
        ("+3d", D(2026, 11, 28)),
        ("3d", D(2026, 11, 28)),
        ("+3 days", D(2026, 11, 28)),
        ("-1w", D(2026, 11, 18)),
        ("+2m", D(2027, 1, 25)),
        ("-3m", D(2026, 8, 25)),
        ("+1y", D(2027, 11, 25)),
        ("+0d", TODAY),
        ("in 3 days", D(2026, 11, 28)),
        ("in 2 weeks", D(2026, 12, 9)),
        ("in 1 month", D(2026, 12, 25)),
        ("in a week", D(2026, 12, 2)),
        ("in one year", D(2027, 11, 25)),
        ("2 days ago", D(2026, 11, 23)),
        ("1 week ago", D(2026, 11, 18)),
        ("a month ago", D(2026, 10, 25)),
        ("mon", D(2026, 11, 30)),
        ("tue", D(2026, 12, 1)),
        ("wed", D(2026, 12, 2)),  # strictly after today, which is a Wednesday
        ("thu", D(2026, 11, 26)),
        ("fri", D(2026, 11, 27)),
        ("sat", D(2026, 11, 28)),
        ("sun", D(2026, 11, 29)),
        ("friday", D(2026, 11, 27)),
        ("Thurs", D(2026, 11, 26)),
        ("next fri", D(2026, 11, 27)),
        ("next friday", D(2026, 11, 27)),
        ("Next  Wednesday", D(2026, 12, 2)),
        ("next week", D(2026, 11, 30)),
        ("next month", D(2026, 12, 1)),
        ("eom", D(2026, 11, 30)),
        ("end of month", D(2026, 11, 30)),
        ("2026-12-01", D(2026, 12, 1)),
        ("2026-1-5", D(2026, 1, 5)),
        ("20261201", D(2026, 12, 1)),
        ("2026/12/01", D(2026, 12, 1)),
        ("1.12.2026", D(2026, 12, 1)),
        ("01.12.2026", D(2026, 12, 1)),
        ("1.12.", D(2026, 12, 1)),
        ("1.1.", D(2026, 1, 1)),  # always this year, even when past
        ("1.12.26", D(2026, 12, 1)),
        ("5.3.30", D(2030, 3, 5)),
        ("Dec 1", D(2026, 12, 1)),
        ("December 1", D(2026, 12, 1)),
        ("dec. 1st", D(2026, 12, 1)),
        ("1 Dec", D(2026, 12, 1)),
        ("1 December 2026", D(2026, 12, 1)),
        ("Dec 1 2026", D(2026, 12, 1)),
        ("Dec 1, 2026", D(2026, 12, 1)),
        ("Nov 25", TODAY),  # on or after today
        ("Nov 24", D(2027, 11, 24)),
        ("jan 5", D(2027, 1, 5)),
        ("sept 3", D(2027, 9, 3)),
        ("Feb 29", D(2028, 2, 29)),
        ("２０２６-１２-０１", D(2026, 12, 1)),  # Unicode digits count as digits
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("+1m", D(2026, 1, 31), D(2026, 2, 28)),
        ("+1m", D(2028, 1, 31), D(2028, 2, 29)),
        ("-1m", D(2026, 3, 31), D(2026, 2, 28)),
        ("+1y", D(2028, 2, 29), D(2029, 2, 28)),
        ("eom", D(2028, 2, 3), D(2028, 2, 29)),
        ("next month", D(2026, 12, 31), D(2027, 1, 1)),
        ("next week", D(2026, 11, 29), D(2026, 11, 30)),  # from a Sunday
        ("1.12.", D(2027, 12, 5), D(2027, 12, 1)),
    ],
)
def test_parse_date_calendar_arithmetic(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today=today) == expected


def test_parse_date_error_message_names_text_and_suggests_forms() -> None:
    with pytest.raises(UsageError) as caught:
        parse_date("fryday", today=TODAY)
    assert str(caught.value) == (
        "cannot read date 'fryday': try today, tomorrow, +3d, next fri, 2026-12-01"
    )
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "text",
    [
        "fryday",
        "next",
        "in days",
        "3",
        "+3x",
        "1.12",
        "1.12.2026.",
        "2026-13-01",
        "2026-02-30",
        "0000-01-01",
        "31.4.2026",
        "29.2.",  # 2026 is not a leap year
        "32.1.2026",
        "Apr 31",
        "Feb 30 2028",
        "1 Foo 2026",
        "+99999y",
        "-9999999d",
        "today\x00",
        "tomorrow\x07",
        "\x1b[31mtoday",
        "2026-12-01T14:30",
        "٢٠٢٦-١٢-٣٢",
    ],
)
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_date(text, today=TODAY)
    assert repr(text.strip()) in str(caught.value)


@pytest.mark.parametrize("text", ["12/01/2026", "12/01", "1/12/26", "12-01-2026"])
def test_parse_date_refuses_ambiguous_slash_dates(text: str) -> None:
    with pytest.raises(UsageError, match=r"ambiguous.*ISO 2026-12-01") as caught:
        parse_date(text, today=TODAY)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_parse_date_refuses_empty(text: str) -> None:
    with pytest.raises(UsageError, match="no date given"):
        parse_date(text, today=TODAY)


def test_huge_input_fails_fast() -> None:
    huge = "x" * 100_000
    started = clock.perf_counter()
    for parse in (
        lambda: parse_date(huge, today=TODAY),
        lambda: parse_when(huge, now=NOW),
        lambda: due_filter(huge, today=TODAY),
        lambda: parse_repeat(huge),
        lambda: parse_date("1" * 100_000, today=TODAY),
        lambda: parse_repeat("FREQ=DAILY;" * 10_000),
    ):
        with pytest.raises(UsageError, match="too long"):
            parse()
    assert clock.perf_counter() - started < 0.5


def test_reading_dates_does_not_import_dateutil() -> None:
    code = (
        "import sys; import datetime as d\n"
        "from rolodex.core.dates import parse_date, parse_when, parse_datetime, due_filter\n"
        "from rolodex.core.dates import describe_repeat, humanize_due\n"
        "today, now = d.date.today(), d.datetime.now()\n"
        "parse_date('today', today=today); due_filter('today', today=today)\n"
        "parse_when('fri 9am', now=now); parse_datetime('2026-12-01', now=now)\n"
        "due_filter('2026-12-01..2026-12-07', today=today); humanize_due(today, today=today)\n"
        "assert 'dateutil' not in sys.modules, 'dateutil was imported'\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- parse_when / parse_datetime --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", (D(2026, 11, 26), None)),
        ("dec 1", (D(2026, 12, 1), None)),
        ("tomorrow 14:30", (D(2026, 11, 26), time(14, 30))),
        ("tomorrow at 14:30", (D(2026, 11, 26), time(14, 30))),
        ("fri 9am", (D(2026, 11, 27), time(9))),
        ("next fri 2:30pm", (D(2026, 11, 27), time(14, 30))),
        ("Sat at 3 P.M.", (D(2026, 11, 28), time(15))),
        ("2026-12-01 14:30", (D(2026, 12, 1), time(14, 30))),
        ("2026-12-01T14:30", (D(2026, 12, 1), time(14, 30))),
        ("2026-12-01T14:30:00", (D(2026, 12, 1), time(14, 30))),
        ("2026-12-01t14:30:15", (D(2026, 12, 1), time(14, 30, 15))),
        ("dec 1 9:15", (D(2026, 12, 1), time(9, 15))),
        ("Dec 1, 2026 at 9:15", (D(2026, 12, 1), time(9, 15))),
        ("1.12. 8:00", (D(2026, 12, 1), time(8))),
        ("+2d 07:05", (D(2026, 11, 27), time(7, 5))),
        ("14:30", (TODAY, time(14, 30))),
        ("3pm", (TODAY, time(15))),
        ("at 3pm", (TODAY, time(15))),
        ("0:00", (TODAY, time(0))),
        ("23:59:59", (TODAY, time(23, 59, 59))),
        ("12am", (TODAY, time(0))),
        ("12pm", (TODAY, time(12))),
        ("12:30 am", (TODAY, time(0, 30))),
        ("noon", (TODAY, time(12))),
        ("tomorrow at midnight", (D(2026, 11, 26), time(0))),
        ("now", (TODAY, time(10, 15, 42))),
    ],
)
def test_parse_when_accepts(text: str, expected: tuple[date, time | None]) -> None:
    assert parse_when(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("tomorrow 25:00", "0 to 23"),
        ("24:00", "0 to 23"),
        ("14:60", "0 to 59"),
        ("9:30:61", "0 to 59"),
        ("13pm", "1 to 12"),
        ("0am", "1 to 12"),
        ("fryday 3pm", "try tomorrow 14:30"),
        ("fri 10", "try tomorrow 14:30"),
        ("2026-12-01T14:30Z", "try tomorrow 14:30"),
        ("12/01 3pm", "ambiguous"),
        ("2026-02-30 10:00", "out of range"),
        ("at", "try tomorrow 14:30"),
        ("", "no date/time given"),
    ],
)
def test_parse_when_refuses(text: str, reason: str) -> None:
    with pytest.raises(UsageError, match=reason) as caught:
        parse_when(text, now=NOW)
    if text:
        assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", datetime(2026, 11, 25, 10, 15, 42)),
        ("today", datetime(2026, 11, 25, 10, 15, 42)),
        ("tomorrow", datetime(2026, 11, 26, 12, 0)),
        ("yesterday", datetime(2026, 11, 24, 12, 0)),
        ("tomorrow 9am", datetime(2026, 11, 26, 9, 0)),
        ("14:30", datetime(2026, 11, 25, 14, 30)),
        ("2026-12-01T14:30:05", datetime(2026, 12, 1, 14, 30, 5)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    assert parse_datetime(text, now=NOW) == expected


def test_parse_datetime_keeps_the_time_zone_of_now() -> None:
    zone = timezone(timedelta(hours=1))
    now = NOW.replace(tzinfo=zone)
    assert parse_datetime("tomorrow 9am", now=now) == datetime(2026, 11, 26, 9, tzinfo=zone)
    assert parse_datetime("now", now=now) == now.replace(microsecond=0)


# --- due_filter -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", DueFilter(TODAY, TODAY, False, "today")),
        ("Today", DueFilter(TODAY, TODAY, False, "today")),
        ("overdue", DueFilter(None, None, True, "overdue")),
        ("tomorrow", DueFilter(D(2026, 11, 26), D(2026, 11, 26), False, "tomorrow")),
        ("week", DueFilter(TODAY, D(2026, 12, 1), False, "week")),
        ("month", DueFilter(TODAY, D(2026, 12, 25), False, "month")),
        ("all", DueFilter(None, None, False, "all")),
        ("any", DueFilter(None, None, False, "all")),
        ("overdue+today", DueFilter(TODAY, TODAY, True, "overdue+today")),
        ("today+overdue", DueFilter(TODAY, TODAY, True, "overdue+today")),
        ("overdue + today", DueFilter(TODAY, TODAY, True, "overdue+today")),
        ("2026-12-01", DueFilter(D(2026, 12, 1), D(2026, 12, 1), False, "2026-12-01")),
        ("fri", DueFilter(D(2026, 11, 27), D(2026, 11, 27), False, "2026-11-27")),
        (
            "2026-12-01..2026-12-07",
            DueFilter(D(2026, 12, 1), D(2026, 12, 7), False, "2026-12-01..2026-12-07"),
        ),
        ("today..fri", DueFilter(TODAY, D(2026, 11, 27), False, "2026-11-25..2026-11-27")),
        ("today .. +6d", DueFilter(TODAY, D(2026, 12, 1), False, "2026-11-25..2026-12-01")),
        (
            "1.12...5.12.",
            DueFilter(D(2026, 12, 1), D(2026, 12, 5), False, "2026-12-01..2026-12-05"),
        ),
        ("fri..fri", DueFilter(D(2026, 11, 27), D(2026, 11, 27), False, "2026-11-27..2026-11-27")),
    ],
)
def test_due_filter_accepts(text: str, expected: DueFilter) -> None:
    assert due_filter(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("soon", "try today, tomorrow, overdue"),
        ("overdue+week", "try today"),
        ("2026-12-07..2026-12-01", "ends before it starts"),
        ("..fri", "try today"),
        ("today..", "try today"),
        ("a..b", "try today"),
        ("2026-02-30", "out of range"),
        ("12/01/2026", "ambiguous"),
        ("", "no due filter given"),
    ],
)
def test_due_filter_refuses(text: str, reason: str) -> None:
    with pytest.raises(UsageError, match=reason) as caught:
        due_filter(text, today=TODAY)
    if text:
        assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "due", "selected"),
    [
        ("all", None, True),
        ("all", D(2000, 1, 1), True),
        ("today", None, False),
        ("today", TODAY, True),
        ("today", D(2026, 11, 24), False),
        ("overdue", D(2026, 11, 24), True),
        ("overdue", TODAY, False),
        ("overdue", None, False),
        ("overdue+today", D(2020, 1, 1), True),
        ("overdue+today", TODAY, True),
        ("overdue+today", D(2026, 11, 26), False),
        ("week", D(2026, 12, 1), True),
        ("week", D(2026, 12, 2), False),
        ("week", D(2026, 11, 24), False),
    ],
)
def test_due_filter_matches(text: str, due: date | None, selected: bool) -> None:
    assert due_filter(text, today=TODAY).matches(due, today=TODAY) is selected


def test_due_filter_open_bounds() -> None:
    assert DueFilter(TODAY, None, False, "from today").matches(D(3000, 1, 1), today=TODAY)
    assert not DueFilter(TODAY, None, False, "from today").matches(D(2026, 1, 1), today=TODAY)


# --- repeat rules -----------------------------------------------------------------------------

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily", "FREQ=DAILY"),
        ("Weekly", "FREQ=WEEKLY"),
        ("monthly", "FREQ=MONTHLY"),
        ("yearly", "FREQ=YEARLY"),
        ("annually", "FREQ=YEARLY"),
        ("weekdays", WEEKDAYS),
        ("every weekday", WEEKDAYS),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("every 1 week", "FREQ=WEEKLY"),
        ("every day", "FREQ=DAILY"),
        ("every month", "FREQ=MONTHLY"),
        ("every year", "FREQ=YEARLY"),
        ("every other week", "FREQ=WEEKLY;INTERVAL=2"),
        ("biweekly", "FREQ=WEEKLY;INTERVAL=2"),
        ("fortnightly", "FREQ=WEEKLY;INTERVAL=2"),
        ("every monday", "FREQ=WEEKLY;BYDAY=MO"),
        ("Every Mon", "FREQ=WEEKLY;BYDAY=MO"),
        ("every fri, mon and wed", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5", "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5"),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5", "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5"),
        ("rrule:freq=weekly;interval=1", "FREQ=WEEKLY"),
        ("FREQ=WEEKLY;BYDAY=MO;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("FREQ=WEEKLY;BYDAY=FR,MO,FR", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("FREQ=MONTHLY;BYDAY=+1MO", "FREQ=MONTHLY;BYDAY=1MO"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("FREQ=MONTHLY;BYMONTHDAY=15,-1,01", "FREQ=MONTHLY;BYMONTHDAY=-1,1,15"),
        ("FREQ=DAILY;UNTIL=20261231T235959Z", "FREQ=DAILY;UNTIL=20261231"),
        (" FREQ = daily ; interval = 3 ; ", "FREQ=DAILY;INTERVAL=3"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        ),
        ("FREQ=WEEKLY;WKST=SU;BYDAY=SU", "FREQ=WEEKLY;BYDAY=SU;WKST=SU"),
    ],
)
def test_parse_repeat_accepts(text: str, expected: str) -> None:
    assert parse_repeat(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no repeat rule given"),
        ("sometimes", "try daily, weekly"),
        ("every", "try daily"),
        ("every 0 days", "at least 1"),
        ("every blursday", "try daily"),
        ("FREQ", "try daily"),
        ("FREQ=HOURLY", "by the day"),
        ("FREQ=DAILY;BYHOUR=9", "times of day"),
        ("FREQ=FORTNIGHTLY", "is not DAILY"),
        ("INTERVAL=2", "FREQ is missing"),
        ("FREQ=DAILY;FREQ=WEEKLY", "given twice"),
        ("FREQ=DAILY;COUNT=0", "positive whole number"),
        ("FREQ=DAILY;INTERVAL=-1", "positive whole number"),
        ("FREQ=DAILY;COUNT=2;UNTIL=20261231", "not both"),
        ("FREQ=DAILY;UNTIL=20260230", "out of range"),
        ("FREQ=DAILY;UNTIL=tomorrow", "not a date"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a valid day"),
        ("FREQ=MONTHLY;BYDAY=0MO", "not a valid day"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "not a valid value"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "not a valid value"),
        ("FREQ=MONTHLY;BYMONTHDAY=", "not a valid value"),
        ("FREQ=YEARLY;BYMONTH=13", "not a valid value"),
        ("FREQ=YEARLY;BYMONTH=-1", "not a valid value"),
        ("FREQ=WEEKLY;WKST=ZZ", "not a day"),
        ("FREQ=DAILY;FOO=1", "not a supported"),
        ("FREQ=DAILY;BYEASTER=1", "not a supported"),
        ("FREQ=DAILY;COUNT", "NAME=VALUE"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never produces a date"),
        ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "never produces a date"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "never produces a date"),
    ],
)
def test_parse_repeat_refuses(text: str, reason: str) -> None:
    with pytest.raises(UsageError, match=reason) as caught:
        parse_repeat(text)
    if text:
        assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("rule", "due", "today", "expected"),
    [
        ("FREQ=DAILY", TODAY, None, D(2026, 11, 26)),
        ("FREQ=WEEKLY", TODAY, None, D(2026, 12, 2)),
        ("weekly", TODAY, None, D(2026, 12, 2)),
        ("FREQ=WEEKLY;INTERVAL=2", TODAY, None, D(2026, 12, 9)),
        (WEEKDAYS, D(2026, 11, 27), None, D(2026, 11, 30)),  # Friday -> Monday
        ("every mon", TODAY, None, D(2026, 11, 30)),
        ("FREQ=MONTHLY", D(2026, 1, 31), None, D(2026, 3, 31)),  # RFC 5545: skip short months
        ("FREQ=MONTHLY;BYMONTHDAY=-1", D(2026, 1, 31), None, D(2026, 2, 28)),
        ("FREQ=YEARLY", D(2028, 2, 29), None, D(2032, 2, 29)),
        ("FREQ=DAILY;COUNT=1", TODAY, None, None),
        ("FREQ=DAILY;COUNT=2", TODAY, None, D(2026, 11, 26)),
        ("FREQ=DAILY;UNTIL=20261126", TODAY, None, D(2026, 11, 26)),
        ("FREQ=DAILY;UNTIL=20261126", D(2026, 11, 26), None, None),
        ("RRULE:FREQ=DAILY;UNTIL=20261126T000000Z", TODAY, None, D(2026, 11, 26)),
        # Done late: missed dates are skipped, to the first on or after today.
        ("FREQ=WEEKLY", D(2026, 11, 1), TODAY, D(2026, 11, 29)),
        ("FREQ=WEEKLY", D(2026, 11, 18), TODAY, TODAY),
        ("FREQ=DAILY", D(2026, 11, 1), TODAY, TODAY),
        ("FREQ=DAILY;UNTIL=20261110", D(2026, 11, 1), TODAY, None),
        # Done early: today does not matter, and due itself is never returned.
        ("FREQ=WEEKLY", TODAY, D(2026, 10, 1), D(2026, 12, 2)),
        ("FREQ=DAILY", TODAY, TODAY, D(2026, 11, 26)),
        ("FREQ=DAILY", date.max, None, None),
    ],
)
def test_next_occurrence(rule: str, due: date, today: date | None, expected: date | None) -> None:
    assert next_occurrence(rule, due, today=today) == expected


def test_next_occurrence_refuses_bad_rules() -> None:
    with pytest.raises(UsageError, match="'FREQ=SOMETIMES'"):
        next_occurrence("FREQ=SOMETIMES", TODAY)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (None, ""),
        ("", ""),
        ("FREQ=DAILY", "daily"),
        ("FREQ=WEEKLY", "weekly"),
        ("FREQ=MONTHLY", "monthly"),
        ("FREQ=YEARLY;INTERVAL=1", "yearly"),
        ("FREQ=WEEKLY;INTERVAL=2", "every 2 weeks"),
        ("FREQ=DAILY;INTERVAL=3", "every 3 days"),
        ("FREQ=MONTHLY;INTERVAL=6", "every 6 months"),
        (WEEKDAYS, "weekdays"),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "weekdays"),
        ("FREQ=DAILY;BYDAY=SA,SU", "every Saturday and Sunday"),
        ("FREQ=WEEKLY;BYDAY=MO", "every Monday"),
        ("FREQ=WEEKLY;BYDAY=TH,MO", "every Monday and Thursday"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "every Monday, Wednesday and Friday"),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5", "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("not a rule", "not a rule"),
    ],
)
def test_describe_repeat(rule: str | None, expected: str) -> None:
    assert describe_repeat(rule) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (TODAY, "today"),
        (D(2026, 11, 26), "tomorrow"),
        (D(2026, 11, 24), "yesterday"),
        (D(2026, 11, 27), "Fri"),
        (D(2026, 12, 1), "Tue"),
        (D(2026, 12, 2), "2026-12-02"),
        (D(2026, 11, 23), "2026-11-23"),
        (D(2027, 1, 1), "2027-01-01"),
    ],
)
def test_humanize_due(day: date, expected: str) -> None:
    assert humanize_due(day, today=TODAY) == expected


# --- properties -------------------------------------------------------------------------------


def _returns_or_usage_error(call: Callable[[], object]) -> None:
    with contextlib.suppress(UsageError):
        call()


@PROPERTY
@given(st.dates())
def test_iso_dates_round_trip(day: date) -> None:
    assert parse_date(day.isoformat(), today=TODAY) == day
    assert due_filter(day.isoformat(), today=TODAY) == DueFilter(day, day, False, day.isoformat())


@PROPERTY
@given(st.integers(min_value=-1000, max_value=999))
def test_day_offsets(n: int) -> None:
    assert parse_date(f"{n:+d}d", today=TODAY) == TODAY + timedelta(days=n)


@PROPERTY
@given(st.one_of(st.text(), NEAR_GRAMMAR), st.dates())
def test_any_text_is_a_value_or_a_usage_error(text: str, today: date) -> None:
    now = datetime.combine(today, time(10, 15))
    _returns_or_usage_error(lambda: parse_date(text, today=today))
    _returns_or_usage_error(lambda: parse_when(text, now=now))
    _returns_or_usage_error(lambda: parse_datetime(text, now=now))
    _returns_or_usage_error(lambda: due_filter(text, today=today))
    _returns_or_usage_error(lambda: parse_repeat(text))
    describe_repeat(text)


@PROPERTY
@given(st.dates(max_value=date(9000, 1, 1)))
def test_daily_and_weekly_follow_due(due: date) -> None:
    assert next_occurrence("FREQ=DAILY", due) == due + timedelta(days=1)
    assert next_occurrence("FREQ=WEEKLY", due) == due + timedelta(days=7)


@PROPERTY
@given(
    st.dates(min_value=date(2, 1, 1), max_value=date(9000, 1, 1)),
    st.integers(min_value=-400, max_value=4000),
)
def test_next_occurrence_is_after_due_and_not_before_today(due: date, late: int) -> None:
    today = due + timedelta(days=late)
    following = next_occurrence("FREQ=WEEKLY;BYDAY=MO,TH", due, today=today)
    assert following is not None
    assert following > due
    assert following >= today


_UNITS = st.sampled_from(["day", "days", "week", "weeks", "month", "months", "year", "years"])
_DAYS = st.sampled_from(["mon", "tue", "wed", "thursday", "fri", "sat", "sunday"])
REPEAT_TEXT = st.one_of(
    st.sampled_from(
        [
            "daily",
            "weekly",
            "monthly",
            "yearly",
            "annually",
            "weekdays",
            "biweekly",
            "every other week",
        ]
    ),
    st.builds("every {} {}".format, st.integers(1, 500), _UNITS),
    st.builds("every {}".format, st.lists(_DAYS, min_size=1, max_size=4).map(", ".join)),
    st.builds(
        "FREQ={};INTERVAL={};BYMONTHDAY={}".format,
        st.sampled_from(["monthly", "YEARLY"]),
        st.integers(1, 12),
        st.lists(st.integers(1, 28), min_size=1, max_size=3).map(lambda xs: ",".join(map(str, xs))),
    ),
    st.builds("RRULE:FREQ=DAILY;COUNT={}".format, st.integers(1, 999)),
)


@PROPERTY
@given(REPEAT_TEXT)
def test_parse_repeat_is_idempotent(text: str) -> None:
    canonical = parse_repeat(text)
    assert canonical.startswith("FREQ=")
    assert parse_repeat(canonical) == canonical
    assert parse_repeat("RRULE:" + canonical) == canonical
