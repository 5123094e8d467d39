"""Every date, time, due filter and repeat rule a user types is read here.

The grammar is small and predictable on purpose: each accepted form is listed in the docstring
of the function that reads it, and anything else is a :class:`~rolodex.errors.UsageError`
whose message quotes the text and suggests forms that work. There is no "guess anything"
fallback, so a typo never silently becomes a wrong date.

This module sits on the hot path of the read commands, so only the standard library is imported
at module level. ``dateutil`` is imported lazily, and only by the repeat-rule functions
(:func:`parse_repeat` and :func:`next_occurrence`).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from rolodex.errors import UsageError

__all__ = [
    "DueFilter",
    "describe_repeat",
    "due_filter",
    "humanize_due",
    "next_occurrence",
    "parse_date",
    "parse_datetime",
    "parse_repeat",
    "parse_when",
]

_DATE_HINT = "try today, tomorrow, +3d, next fri, 2026-12-01"
_WHEN_HINT = "try tomorrow 14:30, fri 9am, 2026-12-01T14:30, 3pm"
_DUE_HINT = (
    "try today, tomorrow, overdue, overdue+today, week, month, all, a date "
    "or a range like 2026-12-01..2026-12-07"
)
_REPEAT_HINT = (
    "try daily, weekly, weekdays, every 2 weeks, every mon, monthly, yearly "
    "or an RRULE like FREQ=MONTHLY;BYMONTHDAY=1"
)

# Longer input is refused before any pattern is tried, so huge text fails fast.
_MAX_TEXT = 100
_MAX_RULE = 500

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: i for i, full in enumerate(_MONTH_NAMES, 1) for name in (full, full[:3])}
_MONTHS["sept"] = 9

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {name: i for i, full in enumerate(_DAY_NAMES) for name in (full, full[:3])}
_WEEKDAYS.update(tues=1, thur=3, thurs=3)
_DAY_ABBR = tuple(full[:3].title() for full in _DAY_NAMES)
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Units of a relative offset: d(ays), w(eeks), m(onths), y(ears).
_UNITS = {
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("m", "mo", "mos", "month", "months"), "m"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "y"),
}

# Patterns are kept as source text and compiled on first use (``re`` caches them), so importing
# this module on the CLI's hot path costs no regex compilation.
_OFFSET_RE = r"(?P<sign>[+-]?)(?P<n>\d{1,6}) ?(?P<unit>[a-z]+)"
_IN_RE = r"in (?P<n>\d{1,6}|an?|one) (?P<unit>[a-z]+)"
_AGO_RE = r"(?P<n>\d{1,6}|an?|one) (?P<unit>[a-z]+) ago"
_ISO_RE = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_COMPACT_RE = r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
_YMD_SLASH_RE = r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"
_EUROPEAN_RE = r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2}|\d{4})?"
_AMBIGUOUS_RE = r"\d{1,2}([/-])\d{1,2}(?:\1\d{2}(?:\d{2})?)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_DAY_RE = rf"(?P<mon>[a-z]+)\.? (?P<d>\d{{1,2}}){_ORDINAL}(?:,? (?P<y>\d{{4}}))?"
_DAY_MONTH_RE = rf"(?P<d>\d{{1,2}}){_ORDINAL}\.? (?P<mon>[a-z]+)\.?(?:,? (?P<y>\d{{4}}))?"
_TIME = (
    r"noon|midnight|(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"(?: ?(?P<ampm>[ap])\.?m\.?)?"
)
# The date part is optional and lazy, so "at 3pm" has no date and "tomorrow at 3pm" has one.
_WHEN_RE = rf"(?:(?P<date>.+?) )??(?:at )?(?P<time>{_TIME})"
_ISO_T_RE = r"(\d{4}-\d{1,2}-\d{1,2})t(\d.*)"
_OVERDUE_TODAY_RE = r"overdue ?\+ ?today|today ?\+ ?overdue"
_EVERY_RE = r"every (?:(?P<n>\d{1,4}|other) )?(?P<unit>[a-z]+)"


def _fullmatch(pattern: str, text: str) -> re.Match[str] | None:
    """``re.fullmatch`` with ASCII-only ``\\d`` (other digits are translated before matching)."""
    return re.fullmatch(pattern, text, re.ASCII)


class _Invalid(Exception):
    """Raised inside this module with a reason; public functions turn it into a UsageError."""


# --- helpers ----------------------------------------------------------------------------------


def _show(text: str) -> str:
    """Quote user text for an error message, shortened so huge input stays readable."""
    text = text.strip()
    if len(text) > 40:
        text = text[:40] + "…"
    return repr(text)


def _normalize(text: str, what: str, hint: str, limit: int = _MAX_TEXT) -> str:
    """Lower-case ``text``, collapse whitespace and turn any Unicode digits into ASCII ones.

    Raises UsageError for empty or over-long text.
    """
    stripped = text.strip()
    if len(stripped) > limit:
        raise UsageError(f"cannot read {what} {_show(text)}: it is too long")
    if not stripped.isascii():
        stripped = "".join(str(int(c)) if c.isdecimal() else c for c in stripped)
    norm = " ".join(stripped.lower().split())
    if not norm:
        raise UsageError(f"no {what} given: {hint}")
    return norm


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _Invalid(str(exc)) from None


def _add_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise _Invalid("that is outside the calendar (years 1-9999)") from None


def _add_months(day: date, months: int) -> date:
    """Shift by calendar months, clamping the day to the end of a shorter month."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        raise _Invalid("that is outside the calendar (years 1-9999)")
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


def _next_yearly(month: int, day: int, today: date) -> date:
    """The first ``month``/``day`` on or after ``today`` (nine years cover every 29 February)."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise _Invalid("there is no such day in that month")


# --- dates ------------------------------------------------------------------------------------


def _keyword_date(norm: str, today: date) -> date | None:
    match norm:
        case "today":
            return today
        case "tomorrow":
            return _add_days(today, 1)
        case "yesterday":
            return _add_days(today, -1)
        case "next week":
            return _add_days(today, 7 - today.weekday())
        case "next month":
            return _add_months(today.replace(day=1), 1)
        case "eom" | "end of month":
            return today.replace(day=monthrange(today.year, today.month)[1])
    return None


def _relative_date(norm: str, today: date) -> date | None:
    if m := _fullmatch(_OFFSET_RE, norm):
        sign = -1 if m["sign"] == "-" else 1
    elif m := _fullmatch(_IN_RE, norm):
        sign = 1
    elif m := _fullmatch(_AGO_RE, norm):
        sign = -1
    else:
        return None
    unit = _UNITS.get(m["unit"])
    if unit is None:
        return None
    count = sign * (int(m["n"]) if m["n"].isdigit() else 1)
    if unit == "d":
        return _add_days(today, count)
    if unit == "w":
        return _add_days(today, 7 * count)
    return _add_months(today, count if unit == "m" else 12 * count)


def _weekday_date(norm: str, today: date) -> date | None:
    weekday = _WEEKDAYS.get(norm.removeprefix("next "))
    if weekday is None:
        return None
    return _add_days(today, (weekday - today.weekday() - 1) % 7 + 1)


def _numeric_date(norm: str, today: date) -> date | None:
    for pattern in (_ISO_RE, _COMPACT_RE, _YMD_SLASH_RE):
        if m := _fullmatch(pattern, norm):
            return _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if m := _fullmatch(_EUROPEAN_RE, norm):
        year = today.year if m["y"] is None else int(m["y"])
        if m["y"] is not None and len(m["y"]) == 2:
            year += 2000
        return _make_date(year, int(m["m"]), int(m["d"]))
    if _fullmatch(_AMBIGUOUS_RE, norm):
        raise _Invalid("day and month are ambiguous; use ISO 2026-12-01 (year-month-day)")
    return None


def _named_month_date(norm: str, today: date) -> date | None:
    m = _fullmatch(_MONTH_DAY_RE, norm) or _fullmatch(_DAY_MONTH_RE, norm)
    if m is None or m["mon"] not in _MONTHS:
        return None
    month, day = _MONTHS[m["mon"]], int(m["d"])
    if m["y"] is None:
        return _next_yearly(month, day, today)
    return _make_date(int(m["y"]), month, day)


_DATE_FORMS = (_keyword_date, _relative_date, _weekday_date, _numeric_date, _named_month_date)


def _match_date(norm: str, today: date) -> date | None:
    """The date ``norm`` names, None if no form matches; _Invalid if a form matches badly."""
    for form in _DATE_FORMS:
        day = form(norm, today)
        if day is not None:
            return day
    return None


def parse_date(text: str, *, today: date) -> date:
    """Read a date typed by a user, relative to ``today``.

    Case and surrounding whitespace are ignored. Accepted forms:

    - ``today``, ``tomorrow``, ``yesterday``; ``next week`` (Monday of next week),
      ``next month`` (its first day), ``eom`` / ``end of month``.
    - Offsets: ``+3d``, ``3d``, ``-1w``, ``+2m``, ``+1y`` (also ``3 days``), ``in 3 days``,
      ``in a week``, ``2 days ago``. Months and years are calendar months, with the day
      clamped to the end of a shorter month (``+1m`` from 31 January is 28/29 February).
    - Weekdays ``mon``..``sun``, full names, ``next fri``: the next such day strictly after today.
    - ``2026-12-01``, ``20261201``, ``2026/12/01``; European ``1.12.2026``, ``1.12.26`` (20xx),
      ``1.12.`` (always this year).
    - Month names: ``Dec 1``, ``December 1st``, ``1 Dec``, ``Dec 1, 2026``, ``1 December 2026``.
      Without a year, the next such day on or after today.

    ``12/01/2026`` and ``12-01-2026`` are refused as ambiguous. Unicode digits count as digits.

    Raises:
        UsageError: naming the text, for anything else, for dates that do not exist
            (``2026-02-30``) and for dates outside years 1-9999.
    """
    norm = _normalize(text, "date", _DATE_HINT)
    try:
        day = _match_date(norm, today)
    except _Invalid as exc:
        raise UsageError(f"cannot read date {_show(text)}: {exc}") from None
    if day is None:
        raise UsageError(f"cannot read date {_show(text)}: {_DATE_HINT}")
    return day


# --- times ------------------------------------------------------------------------------------


def _match_time(m: re.Match[str]) -> time | None:
    """The time of day in a ``_WHEN_RE`` match; None when it is a bare number such as ``9``."""
    if m["time"] in ("noon", "midnight"):
        return time(12) if m["time"] == "noon" else time(0)
    if m["minute"] is None and m["ampm"] is None:
        return None
    hour, minute, second = int(m["hour"]), int(m["minute"] or 0), int(m["second"] or 0)
    if m["ampm"] is not None:
        if not 1 <= hour <= 12:
            raise _Invalid("with am/pm the hour runs from 1 to 12")
        hour = hour % 12 + (12 if m["ampm"] == "p" else 0)
    elif hour > 23:
        raise _Invalid("the hour runs from 0 to 23")
    if minute > 59 or second > 59:
        raise _Invalid("minutes and seconds run from 0 to 59")
    return time(hour, minute, second)


def parse_when(text: str, *, now: datetime) -> tuple[date, time | None]:
    """Read a date with an optional time of day, relative to ``now``.

    The date is anything :func:`parse_date` accepts; a time may follow, with or without
    ``at``: ``14:30``, ``14:30:15``, ``9am``, ``2:30 pm``, ``noon``, ``midnight``. ISO
    ``2026-12-01T14:30`` works too (no time zone suffix). A time alone (``3pm``, ``at 14:30``)
    means today; ``now`` means the current time, to the second. Seconds are kept when given;
    the returned time never has microseconds or a time zone.

    Returns:
        ``(date, time)``, or ``(date, None)`` when no time was given.

    Raises:
        UsageError: naming the text, for anything else or an impossible time such as ``25:00``.
    """
    norm = _normalize(text, "date/time", _WHEN_HINT)
    today = now.date()
    if norm == "now":
        return today, now.time().replace(microsecond=0)
    try:
        day = _match_date(norm, today)
        if day is not None:
            return day, None
        m = _fullmatch(_WHEN_RE, re.sub(_ISO_T_RE, r"\1 \2", norm, flags=re.ASCII))
        clock = None if m is None else _match_time(m)
        if m is not None and clock is not None:
            day = today if m["date"] is None else _match_date(m["date"], today)
            if day is not None:
                return day, clock
    except _Invalid as exc:
        raise UsageError(f"cannot read date/time {_show(text)}: {exc}") from None
    raise UsageError(f"cannot read date/time {_show(text)}: {_WHEN_HINT}")


def parse_datetime(text: str, *, now: datetime) -> datetime:
    """Read a moment, e.g. when a call happened: :func:`parse_when` with a default time.

    Without a time, the moment is ``now`` (to the second) if the date is today and noon on
    any other day. ``now`` is accepted. The result carries ``now``'s tzinfo (None if naive).
    """
    day, clock = parse_when(text, now=now)
    if clock is None:
        clock = now.time().replace(microsecond=0) if day == now.date() else time(12)
    return datetime.combine(day, clock, tzinfo=now.tzinfo)


# --- due filters ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueFilter:
    """Which tasks a ``--due`` option selects, by due date.

    - ``start`` and ``end`` both None: no date window. With ``overdue`` False this is "all"
      (no filter at all, undated tasks included); with ``overdue`` True only tasks due before
      today are selected.
    - Otherwise the window ``[start, end]`` is inclusive (a None bound is open), and when
      ``overdue`` is True tasks due before today are selected as well.

    Whether a task is still open, and how timed tasks compare with the current time, is for
    the caller. :meth:`matches` applies the rule to a due date.
    """

    start: date | None
    end: date | None
    overdue: bool
    label: str

    def matches(self, due: date | None, *, today: date) -> bool:
        """True if a task due on ``due`` (None: no due date) is selected."""
        windowless = self.start is None and self.end is None
        if due is None:
            return windowless and not self.overdue
        if self.overdue and due < today:
            return True
        if windowless:
            return not self.overdue
        return (self.start is None or self.start <= due) and (self.end is None or due <= self.end)


def _date_range(norm: str, today: date) -> tuple[date, date] | None:
    """Read ``A..B``; every ``..`` is tried as the separator, so ``1.12...5.12.`` works."""
    at = norm.find("..")
    while at != -1:
        left, right = norm[:at].strip(), norm[at + 2 :].strip()
        if left and right:
            start, end = _match_date(left, today), _match_date(right, today)
            if start is not None and end is not None:
                if end < start:
                    raise _Invalid("the range ends before it starts")
                return start, end
        at = norm.find("..", at + 1)
    return None


def due_filter(text: str, *, today: date) -> DueFilter:
    """Read a due-date filter (see :class:`DueFilter` for what the fields mean).

    - ``today``, ``tomorrow``: that day only.
    - ``overdue``: only tasks due before today. ``overdue+today`` (or ``today+overdue``):
      those plus today's.
    - ``week``: today and the next 6 days; ``month``: today and the next 30 days.
    - ``all`` / ``any``: no date filter, ``DueFilter(None, None, False, "all")``.
    - Any :func:`parse_date` text: that day (labelled with its ISO date).
    - ``A..B`` with a :func:`parse_date` text on each side: that inclusive range.

    Raises:
        UsageError: naming the text, for anything else or a range that ends before it starts.
    """
    norm = _normalize(text, "due filter", _DUE_HINT)
    try:
        match norm:
            case "today" | "tomorrow":
                day = today if norm == "today" else _add_days(today, 1)
                return DueFilter(day, day, False, norm)
            case "overdue":
                return DueFilter(None, None, True, "overdue")
            case "week" | "month":
                end = _add_days(today, 6 if norm == "week" else 30)
                return DueFilter(today, end, False, norm)
            case "all" | "any":
                return DueFilter(None, None, False, "all")
        if _fullmatch(_OVERDUE_TODAY_RE, norm):
            return DueFilter(today, today, True, "overdue+today")
        if (span := _date_range(norm, today)) is not None:
            start, end = span
            return DueFilter(start, end, False, f"{start.isoformat()}..{end.isoformat()}")
        day = _match_date(norm, today)
    except _Invalid as exc:
        raise UsageError(f"cannot read due filter {_show(text)}: {exc}") from None
    if day is None:
        raise UsageError(f"cannot read due filter {_show(text)}: {_DUE_HINT}")
    return DueFilter(day, day, False, day.isoformat())


# --- repeat rules -----------------------------------------------------------------------------

# Canonical order of RRULE parts. Time-of-day parts (BYHOUR, ...) are not supported: tasks
# repeat by date, so FREQ runs from DAILY to YEARLY.
_PART_ORDER = (
    "FREQ",
    "INTERVAL",
    "BYMONTH",
    "BYWEEKNO",
    "BYYEARDAY",
    "BYMONTHDAY",
    "BYDAY",
    "BYSETPOS",
    "WKST",
    "COUNT",
    "UNTIL",
)
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_FREQ_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_EVERY_UNITS = {f"{unit}{s}": freq for freq, unit in _FREQ_UNITS.items() for s in ("", "s")}
_WEEKDAYS_RULE = {"FREQ": "WEEKLY", "BYDAY": "MO,TU,WE,TH,FR"}
_PHRASES: dict[str, dict[str, str]] = {
    "daily": {"FREQ": "DAILY"},
    "weekly": {"FREQ": "WEEKLY"},
    "monthly": {"FREQ": "MONTHLY"},
    "yearly": {"FREQ": "YEARLY"},
    "annually": {"FREQ": "YEARLY"},
    "weekdays": _WEEKDAYS_RULE,
    "every weekday": _WEEKDAYS_RULE,
    "biweekly": {"FREQ": "WEEKLY", "INTERVAL": "2"},
    "fortnightly": {"FREQ": "WEEKLY", "INTERVAL": "2"},
}
_INT_RE = r"[+-]?\d{1,3}"
_BYDAY_RE = r"(?P<n>[+-]?\d{1,2})?(?P<day>MO|TU|WE|TH|FR|SA|SU)"
_UNTIL_RE = r"(?P<date>\d{8})(?:T\d{6}Z?)?"


def _int_list(value: str, high: int, *, signed: bool = True) -> str:
    """Validate a comma list of integers in ``1..high`` (or ``-high..-1`` if ``signed``)."""
    numbers = set()
    for item in value.split(","):
        number = int(item) if _fullmatch(_INT_RE, item) else 0
        if not (1 <= number <= high or (signed and -high <= number <= -1)):
            raise _Invalid(f"{item!r} is not a valid value here")
        numbers.add(number)
    return ",".join(map(str, sorted(numbers)))


def _positive(value: str) -> str:
    if not (value.isascii() and value.isdigit() and len(value) <= 6 and int(value) >= 1):
        raise _Invalid(f"{value!r} is not a positive whole number")
    return str(int(value))


def _byday(value: str) -> str:
    """Validate BYDAY items such as ``MO`` or ``-1FR``; sort them by weekday."""
    items = set()
    for item in value.split(","):
        m = _fullmatch(_BYDAY_RE, item)
        if m is None or (m["n"] is not None and not 1 <= abs(int(m["n"])) <= 53):
            raise _Invalid(f"{item!r} is not a valid day")
        items.add((_RRULE_DAYS.index(m["day"]), 0 if m["n"] is None else int(m["n"])))
    return ",".join(f"{n or ''}{_RRULE_DAYS[day]}" for day, n in sorted(items))


def _until(value: str) -> str:
    """UNTIL becomes a date (tasks have date-valued starts, and RFC 5545 wants them to match)."""
    m = _fullmatch(_UNTIL_RE, value)
    if m is None:
        raise _Invalid(f"UNTIL {value!r} is not a date like 20261231")
    digits = m["date"]
    _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    return digits


def _freq(value: str) -> str:
    if value in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise _Invalid("tasks repeat by the day at the finest")
    if value not in _FREQS:
        raise _Invalid(f"FREQ {value!r} is not DAILY, WEEKLY, MONTHLY or YEARLY")
    return value


def _weekday_code(value: str) -> str:
    if value not in _RRULE_DAYS:
        raise _Invalid(f"WKST {value!r} is not a day such as MO")
    return value


_VALIDATORS = {
    "FREQ": _freq,
    "INTERVAL": _positive,
    "COUNT": _positive,
    "UNTIL": _until,
    "BYMONTH": lambda v: _int_list(v, 12, signed=False),
    "BYWEEKNO": lambda v: _int_list(v, 53),
    "BYYEARDAY": lambda v: _int_list(v, 366),
    "BYMONTHDAY": lambda v: _int_list(v, 31),
    "BYSETPOS": lambda v: _int_list(v, 366),
    "BYDAY": _byday,
    "WKST": _weekday_code,
}


def _rrule_parts(body: str) -> dict[str, str]:
    """Validate the ``NAME=VALUE;...`` of a raw RRULE and canonicalize each value."""
    parts: dict[str, str] = {}
    for item in "".join(body.split()).upper().split(";"):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep:
            raise _Invalid(f"{item!r} is not NAME=VALUE")
        if key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            raise _Invalid("tasks repeat by date; times of day are not supported")
        if key not in _VALIDATORS:
            raise _Invalid(f"{key!r} is not a supported RRULE part")
        if key in parts:
            raise _Invalid(f"{key} is given twice")
        parts[key] = _VALIDATORS[key](value)
    if "FREQ" not in parts:
        raise _Invalid("FREQ is missing")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _Invalid("use COUNT or UNTIL, not both")
    if parts.get("INTERVAL") == "1":
        del parts["INTERVAL"]
    return parts


def _phrase_parts(norm: str) -> dict[str, str] | None:
    """RRULE parts for an English phrase (``weekly``, ``every 2 weeks``, ``every mon``)."""
    if norm in _PHRASES:
        return dict(_PHRASES[norm])
    m = _fullmatch(_EVERY_RE, norm)
    if m is not None and m["unit"] in _EVERY_UNITS:
        interval = 2 if m["n"] == "other" else int(m["n"] or 1)
        if interval < 1:
            raise _Invalid("the interval must be at least 1")
        parts = {"FREQ": _EVERY_UNITS[m["unit"]]}
        if interval > 1:
            parts["INTERVAL"] = str(interval)
        return parts
    if norm.startswith("every "):
        names = [w for w in re.split(r"[,\s]+", norm[6:]) if w and w != "and"]
        if names and all(name in _WEEKDAYS for name in names):
            return {
                "FREQ": "WEEKLY",
                "BYDAY": _byday(",".join(_RRULE_DAYS[_WEEKDAYS[n]] for n in names)),
            }
    return None


def _rule_parts(text: str) -> dict[str, str]:
    """Canonical RRULE parts of a phrase or raw RRULE (no check that it ever occurs)."""
    norm = _normalize(text, "repeat rule", _REPEAT_HINT, limit=_MAX_RULE)
    try:
        parts = _phrase_parts(norm)
        if parts is None:
            body = norm.removeprefix("rrule:")
            if "=" not in body:
                raise _Invalid(_REPEAT_HINT)
            parts = _rrule_parts(body)
    except _Invalid as exc:
        raise UsageError(f"cannot read repeat rule {_show(text)}: {exc}") from None
    return parts


def _join(parts: dict[str, str]) -> str:
    return ";".join(f"{key}={parts[key]}" for key in _PART_ORDER if key in parts)


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def parse_repeat(text: str) -> str:
    """Read a repeat rule; return it as a canonical RFC 5545 RRULE value (no ``RRULE:``).

    Accepted, case-insensitively: ``daily``, ``weekly``, ``monthly``, ``yearly``/``annually``,
    ``weekdays``/``every weekday``, ``biweekly``/``fortnightly``/``every other week``,
    ``every 3 days``, ``every month``, ``every mon``, ``every monday, wed and fri``, and raw
    RRULEs with or without the ``RRULE:`` prefix.

    Canonical form: parts in the order FREQ, INTERVAL, BYMONTH, BYWEEKNO, BYYEARDAY,
    BYMONTHDAY, BYDAY, BYSETPOS, WKST, COUNT, UNTIL; upper case; ``INTERVAL=1`` dropped;
    list values sorted without duplicates; UNTIL reduced to its date (``20261231``). So
    ``parse_repeat(parse_repeat(x)) == parse_repeat(x)``.

    Raises:
        UsageError: naming the text, for unknown phrases, malformed or out-of-range parts,
            FREQ finer than DAILY, time-of-day parts, COUNT with UNTIL, and rules that never
            produce a date (``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30``).
    """
    parts = _rule_parts(text)
    from dateutil.rrule import rrulestr  # lazy: dateutil is slow to import

    # A rule that yields no date in 400 years (one Gregorian cycle) times its interval never
    # does. The probe ends at year 9999, where dateutil stops even when nothing matches.
    probe = {key: value for key, value in parts.items() if key not in ("COUNT", "UNTIL")}
    start = datetime(max(1, 9999 - 400 * int(parts.get("INTERVAL", "1"))), 1, 1)
    try:
        first = next(iter(rrulestr(_join(probe), dtstart=start)), None)
    except ValueError as exc:
        raise UsageError(f"cannot read repeat rule {_show(text)}: {exc}") from None
    if first is None:
        raise UsageError(f"cannot read repeat rule {_show(text)}: it never produces a date")
    return _join(parts)


def next_occurrence(rrule: str, due: date, *, today: date | None = None) -> date | None:
    """The date a repeating task is due next, after the occurrence due on ``due``.

    The series starts at ``due`` (DTSTART = due) and the result is its first date after
    ``due``. If ``today`` is given and that date is before ``today`` (the task was done late),
    the missed dates are skipped and the first date on or after ``today`` is returned. ``due``
    itself is never returned.

    ``rrule`` is anything :func:`parse_repeat` accepts. Follows RFC 5545 as implemented by
    dateutil: COUNT includes the occurrence at ``due`` (so ``COUNT=1`` has no next date), and
    ``FREQ=MONTHLY`` from the 31st skips months without a 31st.

    Returns:
        The next due date, or None when the series is exhausted (COUNT, UNTIL, year 9999).

    Raises:
        UsageError: if ``rrule`` cannot be read.
    """
    canonical = _join(_rule_parts(rrule))
    from dateutil.rrule import rrulestr  # lazy: dateutil is slow to import

    try:
        rule = rrulestr(canonical, dtstart=_start_of(due))
        following = rule.after(_start_of(due))
        if following is not None and today is not None and following.date() < today:
            following = rule.after(_start_of(today), inc=True)
    except ValueError as exc:
        raise UsageError(f"cannot use repeat rule {_show(rrule)}: {exc}") from None
    return None if following is None else following.date()


def describe_repeat(rrule: str | None) -> str:
    """A short human description: ``daily``, ``every 2 weeks``, ``weekdays``, ``every Monday``.

    Rules without a short description are shown as their canonical RRULE; text that is not a
    rule at all is returned stripped. None gives ``""``.
    """
    if rrule is None or not rrule.strip():
        return ""
    try:
        parts = _rule_parts(rrule)
    except UsageError:
        return rrule.strip()
    freq, keys = parts["FREQ"], set(parts)
    if parts == _WEEKDAYS_RULE or parts == {**_WEEKDAYS_RULE, "FREQ": "DAILY"}:
        return "weekdays"
    if keys == {"FREQ"}:
        return freq.lower()
    if keys == {"FREQ", "INTERVAL"}:
        return f"every {parts['INTERVAL']} {_FREQ_UNITS[freq]}s"
    if keys == {"FREQ", "BYDAY"} and freq in ("WEEKLY", "DAILY"):
        codes = parts["BYDAY"].split(",")
        if all(code in _RRULE_DAYS for code in codes):
            names = [_DAY_NAMES[_RRULE_DAYS.index(code)].title() for code in codes]
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            return f"every {listed}"
    return _join(parts)


def humanize_due(day: date, *, today: date) -> str:
    """``today``, ``tomorrow``, ``yesterday``; ``Fri`` for 2-6 days ahead; else the ISO date."""
    delta = (day - today).days
    if delta in (-1, 0, 1):
        return ("yesterday", "today", "tomorrow")[delta + 1]
    if 2 <= delta <= 6:
        return _DAY_ABBR[day.weekday()]
    return day.isoformat()
