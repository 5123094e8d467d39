"""iCalendar (RFC 5545) <-> tasks and interactions.

Import: a VTODO becomes a task; a VEVENT that has not happened yet becomes a task of kind
"meeting"; a VEVENT that is over becomes an interaction on the "meeting" channel. Every
component yields a ``Parsed`` or a ``Rejected`` (with the line of its ``BEGIN``); only an
input that is not iCalendar at all raises ``BadInput``.

Export: open and finished tasks become VTODOs, meetings to come VEVENTs (as long as the event
they were imported from, else an hour or the one day), with VTIMEZONE components for the
zones used, so that khal, todoman and other CalDAV/vdir clients read them, and reading our
own export back changes nothing.

The input is unfolded before it is decoded (folds are made on octets, within characters);
input that is not UTF-8 is read as Windows-1252, with a warning. Values are limited: a title
to TITLE_LIMIT characters and notes to NOTES_LIMIT (cut, with a warning); a value longer than
VALUE_LIMIT rejects its record.

The input is split into components here, line by line, so that one broken component cannot
take the others with it; each property value is then read with ``icalendar``'s value types.
``icalendar`` is imported inside the functions that need it: importing this module is cheap.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from rolodex.core.models import TASK_KINDS, Interaction, Task
from rolodex.errors import BadInput
from rolodex.importers.base import Parsed, Rejected, decode_text, looks_binary

if TYPE_CHECKING:
    from icalendar import Component

__all__ = [
    "WINDOWS_ZONES",
    "EventRecord",
    "TaskRecord",
    "dump_ical",
    "dump_ical_item",
    "export_uid",
    "parse_ical",
    "resolve_tzid",
    "sniff_ical",
]

PRODID = "-//Rolodex//Rolodex//EN"
MEETING_LENGTH = dt.timedelta(hours=1)
# What a task may hold, as a task made by hand may (and the title column), in characters:
# longer values are cut, with a warning.
TITLE_LIMIT = 1000
NOTES_LIMIT = 100_000
# A property value this long is no calendar entry (a broken or hostile file): the record is
# rejected rather than read, if it is a property the import reads.
VALUE_LIMIT = 1 << 20
_LONGEST_EVENT = 3650 * 86400  # also keeps the length in a 32-bit INTEGER column


@dataclass(slots=True)
class TaskRecord:
    """A VTODO, or a VEVENT that has not happened yet (a scheduled meeting)."""

    task: Task
    # ATTENDEE / ORGANIZER mailto: addresses and X-ROLODEX-CONTACT emails, lower-cased, in
    # that order and without duplicates: the import links the task to the contact they match.
    contact_emails: list[str] = field(default_factory=list)
    # The CN of those addresses that have one (email -> name): enough to make the contact of a
    # follow-up when no contact has its address yet.
    contact_names: dict[str, str] = field(default_factory=dict)
    # When it was last changed (LAST-MODIFIED): a task changed since (completed, say) is not
    # changed back by an older copy of it (an old export, a file not edited since read).
    revised: dt.datetime | None = None


@dataclass(slots=True)
class EventRecord:
    """A VEVENT in the past: an interaction that happened."""

    interaction: Interaction
    contact_emails: list[str] = field(default_factory=list)


# --- time zones --------------------------------------------------------------------------------

# Windows time zone names, as Outlook and Exchange write them in TZID, to IANA names (after
# CLDR's windowsZones.xml, territory "001"). Names missing here are looked up in the complete
# table that ships with icalendar.
WINDOWS_ZONES: Mapping[str, str] = MappingProxyType(
    {
        "Dateline Standard Time": "Etc/GMT+12",
        "UTC-11": "Etc/GMT+11",
        "Hawaiian Standard Time": "Pacific/Honolulu",
        "Alaskan Standard Time": "America/Anchorage",
        "Pacific Standard Time (Mexico)": "America/Tijuana",
        "Pacific Standard Time": "America/Los_Angeles",
        "US Mountain Standard Time": "America/Phoenix",
        "Mountain Standard Time": "America/Denver",
        "Central America Standard Time": "America/Guatemala",
        "Central Standard Time": "America/Chicago",
        "Central Standard Time (Mexico)": "America/Mexico_City",
        "Canada Central Standard Time": "America/Regina",
        "SA Pacific Standard Time": "America/Bogota",
        "Eastern Standard Time": "America/New_York",
        "US Eastern Standard Time": "America/Indiana/Indianapolis",
        "Venezuela Standard Time": "America/Caracas",
        "Atlantic Standard Time": "America/Halifax",
        "Pacific SA Standard Time": "America/Santiago",
        "Newfoundland Standard Time": "America/St_Johns",
        "E. South America Standard Time": "America/Sao_Paulo",
        "Argentina Standard Time": "America/Argentina/Buenos_Aires",
        "Greenland Standard Time": "America/Nuuk",
        "UTC": "UTC",
        "GMT Standard Time": "Europe/London",
        "Greenwich Standard Time": "Atlantic/Reykjavik",
        "W. Europe Standard Time": "Europe/Berlin",
        "Central Europe Standard Time": "Europe/Budapest",
        "Romance Standard Time": "Europe/Paris",
        "Central European Standard Time": "Europe/Warsaw",
        "W. Central Africa Standard Time": "Africa/Lagos",
        "GTB Standard Time": "Europe/Bucharest",
        "FLE Standard Time": "Europe/Kiev",
        "E. Europe Standard Time": "Europe/Chisinau",
        "Egypt Standard Time": "Africa/Cairo",
        "South Africa Standard Time": "Africa/Johannesburg",
        "Israel Standard Time": "Asia/Jerusalem",
        "Turkey Standard Time": "Europe/Istanbul",
        "Russian Standard Time": "Europe/Moscow",
        "Arab Standard Time": "Asia/Riyadh",
        "Arabian Standard Time": "Asia/Dubai",
        "Iran Standard Time": "Asia/Tehran",
        "Pakistan Standard Time": "Asia/Karachi",
        "India Standard Time": "Asia/Kolkata",
        "Nepal Standard Time": "Asia/Kathmandu",
        "Bangladesh Standard Time": "Asia/Dhaka",
        "SE Asia Standard Time": "Asia/Bangkok",
        "China Standard Time": "Asia/Shanghai",
        "Singapore Standard Time": "Asia/Singapore",
        "Taipei Standard Time": "Asia/Taipei",
        "W. Australia Standard Time": "Australia/Perth",
        "Tokyo Standard Time": "Asia/Tokyo",
        "Korea Standard Time": "Asia/Seoul",
        "Cen. Australia Standard Time": "Australia/Adelaide",
        "AUS Central Standard Time": "Australia/Darwin",
        "E. Australia Standard Time": "Australia/Brisbane",
        "AUS Eastern Standard Time": "Australia/Sydney",
        "Tasmania Standard Time": "Australia/Hobart",
        "New Zealand Standard Time": "Pacific/Auckland",
        "Fiji Standard Time": "Pacific/Fiji",
    }
)

# The zone descriptions older Outlook versions write instead of an id, without their
# "(UTC-05:00)" prefix; those that name cities are found through the cities.
_DISPLAY_ZONES = {
    "eastern time (us & canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "pacific time (us & canada)": "America/Los_Angeles",
    "atlantic time (canada)": "America/Halifax",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
    "arizona": "America/Phoenix",
    "coordinated universal time": "UTC",
}
_DISPLAY_RE = re.compile(
    r"\(\s*(?:UTC|GMT)\s*(?:([+-])(\d{1,2})(?:[:.]?(\d{2}))?)?\s*\)\s*(.*)", re.I
)
_REGIONS = ("Europe", "America", "Asia", "Australia", "Africa", "Pacific", "Atlantic", "Indian")
_UTC_NAMES = frozenset({"utc", "gmt", "z", "zulu", "uct", "etc/utc", "etc/gmt", "etc/uct"})


def _zone(name: str) -> dt.tzinfo | None:
    """The zoneinfo zone called ``name``, or None when there is no such zone."""
    if not name or len(name) > 100 or not name.isprintable():
        return None
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError for odd keys, OSError
        return None


def _standard_offset(zone: dt.tzinfo) -> dt.timedelta:
    """The smaller of the January and July offsets: the zone's standard time."""
    offsets = [
        dt.datetime(2025, month, 1, 12, tzinfo=zone).utcoffset() or dt.timedelta()
        for month in (1, 7)
    ]
    return min(offsets)


def _from_display_name(text: str) -> str | None:
    """``(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna`` -> Europe/Amsterdam."""
    m = _DISPLAY_RE.fullmatch(text)
    if m is None:
        return None
    sign, hours, minutes, rest = m.groups()
    offset = dt.timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    if sign == "-":
        offset = -offset
    rest = rest.strip()
    if rest.lower() in _DISPLAY_ZONES:
        return _DISPLAY_ZONES[rest.lower()]
    for city in re.split(r"\s*(?:,|&|\band\b)\s*", rest):
        words = city.strip().split()
        if not words or len(words) > 3:
            continue
        key = "_".join(w[:1].upper() + w[1:] for w in words)
        for region in _REGIONS:
            zone = _zone(f"{region}/{key}")
            if zone is not None and _standard_offset(zone) == offset:
                return f"{region}/{key}"
    return None


def resolve_tzid(tzid: str) -> str | None:
    """The IANA name for a TZID as calendar programs write it, or None if it is unknown.

    Accepted: IANA names (``Europe/Berlin``), "globally unique" ids that end in one
    (``/mozilla.org/20050126_1/Europe/Berlin``), Windows names (``W. Europe Standard Time``),
    Outlook's descriptions (``(UTC+01:00) Amsterdam, Berlin, …``) and spellings of UTC
    (``UTC``, ``GMT``, ``Etc/UTC``), which all give ``"UTC"``.
    """
    name = tzid.strip().strip('"').strip()
    if not name or len(name) > 200:
        return None
    return _resolve(name)


@lru_cache(maxsize=256)
def _resolve(name: str) -> str | None:
    if name.lower() in _UTC_NAMES:
        return "UTC"
    if name.lower().startswith("tzone://microsoft/"):
        # Outlook's own references: tzone://Microsoft/Utc, tzone://Microsoft/Custom (the
        # latter defined by a VTIMEZONE of the file)
        rest = name[len("tzone://microsoft/") :]
        return "UTC" if rest.lower() in _UTC_NAMES else _windows_zone(rest)
    if _zone(name) is not None:
        return name
    windows = _windows_zone(name)
    if windows is not None:
        return windows
    if "/" in name:
        parts = [p for p in name.split("/") if p]
        for start in range(1, len(parts)):
            candidate = "/".join(parts[start:])
            if "/" in candidate and _zone(candidate) is not None:
                return candidate
        if len(parts) > 1 and _zone(parts[-1]) is not None:
            return parts[-1]
    return _from_display_name(name)


# --- VTIMEZONE components of the input --------------------------------------------------------

_DATE_PROPS = frozenset({"DTSTART", "DTEND", "DUE", "EXDATE", "RDATE", "RECURRENCE-ID"})


@lru_cache(maxsize=1)
def _candidate_zones() -> tuple[str, ...]:
    """IANA zones a VTIMEZONE may stand for, the likelier first: the zone CLDR gives for each
    Windows zone (Outlook's custom zones are edited copies of those), then every other zone of
    a region, in name order (no Etc/ or backward-compatible aliases)."""
    from zoneinfo import available_timezones

    first = list(dict.fromkeys(WINDOWS_ZONES.values()))
    rest = sorted(z for z in available_timezones() if z.partition("/")[0] in _REGIONS)
    return tuple(dict.fromkeys(first + rest))


def _offsets(zone: dt.tzinfo, moments: list[dt.datetime]) -> list[dt.timedelta | None]:
    return [moment.astimezone(zone).utcoffset() for moment in moments]


@lru_cache(maxsize=64)
def _defined_zone(definition: str) -> dt.tzinfo:
    """The zone a VTIMEZONE defines. Not looked up by its TZID: icalendar keeps the zones of
    every calendar it has read by TZID, and two files may define one TZID differently."""
    from icalendar import Timezone

    return Timezone.from_ical(definition).to_tz(lookup_tzid=False)


@lru_cache(maxsize=64)
def _zone_like(definition: str, year: int) -> str | None:
    """The IANA zone whose offsets are those of a VTIMEZONE in ``year`` and the year after, at
    every noon UTC and at every hour of the days they change; None when no zone has them."""
    try:
        defined = _defined_zone(definition)
        start = dt.datetime(year, 1, 1, 12, tzinfo=dt.UTC)
        days = [start + dt.timedelta(days=n) for n in range(731)]
        theirs = _offsets(defined, days)
    except Exception:  # a VTIMEZONE icalendar cannot read, a year it cannot reach
        return None
    hours = [
        day + dt.timedelta(hours=h)
        for day, before, after in zip(days, theirs, theirs[1:], strict=False)
        if before != after
        for h in range(1, 24)
    ]
    their_hours = _offsets(defined, hours)
    probe = [days[14], days[195]]  # mid-January and mid-July rule most zones out at once
    their_probe = _offsets(defined, probe)
    for name in _candidate_zones():
        zone = _zone(name)
        if zone is None or _offsets(zone, probe) != their_probe:
            continue
        if _offsets(zone, days) == theirs and _offsets(zone, hours) == their_hours:
            return name
    return None


def _vtimezones(scan: _Scan) -> dict[int, dict[str, str]]:
    """The VTIMEZONE components of each calendar, as text, by TZID."""
    found: dict[int, dict[str, str]] = {}
    for block in scan.blocks:
        if block.name != "VTIMEZONE" or block.problem:
            continue
        for _, line in block.lines:
            key, _, value = line.partition(":")
            if key.strip().upper() == "TZID":
                raw = "".join(scan.physical[block.first : block.last + 1])
                found.setdefault(block.calendar, {})[value.strip().strip('"')] = raw
                break
    return found


def _use_vtimezones(props: _Props, defined: Mapping[str, str], warnings: list[str]) -> None:
    """Give the date-times of a component IANA zones where only the file says what their TZID
    is. A TZID that names a zone keeps it; one the file defines by a VTIMEZONE becomes the
    IANA zone with the same offsets and changes (Outlook's "Customized Time Zone" is one, and
    an IANA name keeps working for a series across the years); when no zone has them, the
    times become the same moments in UTC: exact for this date, where an offset without a
    name would be wrong for half of a series either way."""
    from icalendar.prop import vDatetime

    for name in _DATE_PROPS & props.keys():
        for index, prop in enumerate(props[name]):
            tzid, value = prop.param("TZID"), prop.value
            if not tzid:
                continue
            if value.startswith("//"):
                # TZID=tzone://Microsoft/Utc:2026… unquoted: the parameter ends at the last colon
                url, _, value = value.rpartition(":")
                tzid = f"{tzid}:{url}"
            params = dict(prop.params)
            definition = defined.get(tzid)
            if resolve_tzid(tzid) is not None or definition is None:
                params["TZID"] = tzid
                props[name][index] = _Prop(prop.name, params, value, prop.line)
                continue
            items: list[str] = []
            for item in value.split(","):
                year = int(item[:4]) if item[:4].isdigit() else 0
                zone = _zone_like(definition, year) if 1900 <= year <= 2100 else None
                if zone is not None:
                    params["TZID"] = zone
                    items.append(item)
                    continue
                try:
                    wall = vDatetime.from_ical(item.strip())
                    local = wall.replace(tzinfo=_defined_zone(definition))
                    items.append(local.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
                except Exception:  # left as it was: read below, and warned about there
                    items.append(item)
                    continue
                params.pop("TZID", None)
                note = (
                    f"no time zone has the rules the file gives {_clip(tzid)!r}: "
                    "its times are kept as the same moments in UTC"
                )
                if note not in warnings:
                    warnings.append(note)
            props[name][index] = _Prop(prop.name, params, ",".join(items), prop.line)


def _windows_zone(name: str) -> str | None:
    folded = name.casefold()
    for key, value in WINDOWS_ZONES.items():
        if key.casefold() == folded:
            return value if _zone(value) is not None else None
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    for key, value in WINDOWS_TO_OLSON.items():
        if key.casefold() == folded and _zone(value) is not None:
            return value
    return None


# --- splitting the input into components -------------------------------------------------------

_CHARSETS = {"cp1252": "Windows-1252"}
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# Components that sit directly in a VCALENDAR and never inside one another: meeting one of
# these inside another means the other one was cut off.
_TOP_LEVEL = frozenset(
    {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY", "VCALENDAR"}
)


@dataclass(slots=True)
class _Block:
    """One component of the input, as lines."""

    name: str
    line: int  # 1-based line of its BEGIN
    first: int  # index of the BEGIN line among the physical lines
    last: int  # index of the last physical line that belongs to it
    calendar: int  # index of the VCALENDAR around it, -1 for none
    lines: list[tuple[int, str]] = field(default_factory=list)  # own content lines, unfolded
    problem: str = ""  # why it is incomplete, when it is


@dataclass(slots=True)
class _Scan:
    physical: list[str]
    blocks: list[_Block]
    calendars: list[dict[str, str]]  # calendar properties, e.g. X-WR-TIMEZONE
    encoding: str = "utf-8"  # what the input was read as


def _logical_lines(physical: list[str]) -> Iterator[tuple[int, int, str]]:
    """Unfold: (index of the first physical line, index of the last, the unfolded text)."""
    start = -1
    parts: list[str] = []
    for i, raw in enumerate(physical):
        text = raw.rstrip("\r\n")
        if text[:1] in (" ", "\t") and start >= 0:
            parts.append(text[1:])
            continue
        if start >= 0:
            yield start, i - 1, "".join(parts)
        start, parts = i, [text]
    if start >= 0:
        yield start, len(physical) - 1, "".join(parts)


def _scan(text: str) -> _Scan:
    physical = _LINE_RE.findall(text)
    blocks: list[_Block] = []
    calendars: list[dict[str, str]] = []
    cal = -1
    block: _Block | None = None
    stack: list[str] = []  # subcomponents (VALARM …) open inside the block

    for first, last, line in _logical_lines(physical):
        key, sep, value = line.partition(":")
        word = key.strip().upper()
        if sep and word in ("BEGIN", "END"):
            name = value.strip().upper()
            if word == "BEGIN":
                if block is not None and name in _TOP_LEVEL:
                    block.problem = (
                        f"cut off: BEGIN:{name} on line {first + 1} comes before END:{block.name}"
                    )
                    blocks.append(block)
                    block = None
                if name == "VCALENDAR":
                    calendars.append({})
                    cal = len(calendars) - 1
                elif block is None:
                    block = _Block(name, first + 1, first, last, cal)
                    stack = []
                else:
                    stack.append(name)
                    block.last = last
                continue
            if block is None:
                if name == "VCALENDAR":
                    cal = -1
                continue  # a stray END
            block.last = last
            if name in stack:
                while stack.pop() != name:
                    pass
                continue
            if name == block.name:
                blocks.append(block)
            elif name == "VCALENDAR":
                block.problem = (
                    f"cut off: END:VCALENDAR on line {first + 1} comes before END:{block.name}"
                )
                blocks.append(block)
                cal = -1
            else:
                block.problem = f"END:{name} on line {first + 1} does not close BEGIN:{block.name}"
                blocks.append(block)
            block = None
            continue
        if block is not None:
            block.last = last
            if not stack:
                block.lines.append((first + 1, line))
        elif cal >= 0 and sep:
            calendars[cal].setdefault(word.partition(";")[0], value)
    if block is not None:
        block.problem = f"cut off: the input ends before END:{block.name}"
        blocks.append(block)
    return _Scan(physical, blocks, calendars)


# --- reading properties ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Prop:
    name: str
    params: Mapping[str, Any]
    value: str  # as written, still escaped
    line: int

    def param(self, name: str) -> str:
        value = self.params.get(name)
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return str(value or "").strip()


_Props = dict[str, list["_Prop"]]


# The properties the import reads; others are passed over.
_READ = frozenset(
    {
        "SUMMARY", "DESCRIPTION", "UID", "DTSTART", "DTEND", "DUE", "DURATION", "RRULE",
        "RDATE", "EXDATE", "RECURRENCE-ID", "STATUS", "PRIORITY", "CATEGORIES", "COMPLETED",
        "CREATED", "ATTENDEE", "ORGANIZER", "X-ROLODEX-CONTACT", "X-ROLODEX-KIND",
    }
)  # fmt: skip


class _TooBig(ValueError):
    pass


def _read_props(block: _Block, warnings: list[str]) -> _Props:
    from icalendar.parser import Contentline

    props: _Props = {}
    for number, line in block.lines:
        if not line.strip():
            continue
        if len(line) > VALUE_LIMIT:
            name = re.split(r"[;:]", line, maxsplit=1)[0].strip().upper()
            if name not in _READ:
                continue  # an attachment, say: not imported, and not worth reading
            raise _TooBig(
                f"line {number}: {_clip(name, 40)} is {len(line) / 1e6:.0f} MB long, "
                f"more than the {VALUE_LIMIT / 1e6:.0f} MB a value may have"
            )
        try:
            name, params, value = Contentline(line).raw_parts()
        except Exception:
            warnings.append(f"line {number}: cannot be read, skipped: {_clip(line)}")
            continue
        name = name.upper()
        props.setdefault(name, []).append(_Prop(name, params, value, number))
    return props


def _clip(text: str, limit: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(props: _Props, name: str) -> str:
    from icalendar.parser import unescape_backslash

    found = props.get(name)
    if not found:
        return ""
    return unescape_backslash(found[0].value).replace("\r\n", "\n").replace("\r", "\n")


@dataclass(slots=True)
class _When:
    """A DUE, DTSTART, EXDATE … value: a date, or a wall-clock time in a zone."""

    day: dt.date
    time: dt.time | None = None  # None: all day
    zone: str = ""  # IANA name, "UTC", or "" for floating time

    def instant(self, default: dt.tzinfo) -> dt.datetime:
        """An aware moment; floating times and dates are read in the ``default`` zone."""
        zone = (_zone(self.zone) if self.zone else None) or default
        return dt.datetime.combine(self.day, self.time or dt.time()).replace(tzinfo=zone)

    def wall(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.time or dt.time())


def _read_when(prop: _Prop, cal_zone: str, warnings: list[str]) -> _When:
    """Read one date or date-time value; ValueError when it is not a possible one."""
    from icalendar.prop import vDate, vDatetime

    value = prop.value.strip()
    kind = prop.param("VALUE").upper()
    if kind == "DATE" or (len(value) == 8 and value.isdigit()):
        return _When(vDate.from_ical(value))
    if kind not in ("", "DATE-TIME"):
        raise ValueError(f"{kind} is not a date or a date-time")
    moment = vDatetime.from_ical(value)
    wall = moment.replace(tzinfo=None)
    if moment.tzinfo is not None:
        return _When(wall.date(), wall.time(), "UTC")
    tzid = prop.param("TZID")
    if tzid:
        zone = resolve_tzid(tzid)
        if zone is None:
            warnings.append(
                f"{prop.name}: unknown time zone {_clip(tzid)!r}, kept as floating time"
            )
            return _When(wall.date(), wall.time(), "")
        return _When(wall.date(), wall.time(), zone)
    return _When(wall.date(), wall.time(), cal_zone)


def _when_or_warn(props: _Props, name: str, cal_zone: str, warnings: list[str]) -> _When | None:
    found = props.get(name)
    if not found:
        return None
    try:
        return _read_when(found[0], cal_zone, warnings)
    except ValueError:
        warnings.append(f"{name} {_clip(found[0].value)!r} is not a possible date, dropped")
        return None


def _date_in(when: _When, target: _When, default: dt.tzinfo) -> dt.date:
    """The day of ``when`` as seen in the zone of ``target`` (an EXDATE of a series)."""
    if when.time is None or target.time is None or not when.zone or not target.zone:
        return when.day
    if when.zone == target.zone:
        return when.day
    zone = _zone(target.zone) or default
    return when.instant(default).astimezone(zone).date()


def _exdates(
    props: _Props, start: _When | None, cal_zone: str, default: dt.tzinfo, warnings: list[str]
) -> set[dt.date]:
    days: set[dt.date] = set()
    for prop in props.get("EXDATE", []):
        for item in prop.value.split(","):
            if not item.strip():
                continue
            one = _Prop(prop.name, prop.params, item, prop.line)
            try:
                when = _read_when(one, cal_zone, warnings)
                days.add(when.day if start is None else _date_in(when, start, default))
            except (ValueError, OverflowError):
                warnings.append(f"EXDATE {_clip(item)!r} is not a possible date, dropped")
    return days


_UNTIL_UTC = re.compile(r"(UNTIL=)(\d{8}T\d{6}Z)", re.I)


def _repeat(props: _Props, start: _When | None, warnings: list[str]) -> str | None:
    """The RRULE in Rolodex's canonical form, or None (with a warning when one is dropped)."""
    from rolodex.core.dates import parse_repeat
    from rolodex.errors import UsageError

    rules = props.get("RRULE", [])
    if props.get("RDATE"):
        warnings.append("RDATE (extra dates of a series) is not supported, dropped")
    if not rules:
        return None
    if len(rules) > 1:
        warnings.append("only the first of several RRULEs is kept")
    body = rules[0].value.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if start is not None and start.zone and start.time is not None:
        # RFC 5545 writes UNTIL in UTC when the start has a zone; the day it ends is the day
        # in that zone (23:59:59 in Los Angeles is the next day in UTC).
        zone = _zone(start.zone)
        if zone is not None:

            def local_day(m: re.Match[str]) -> str:
                from icalendar.prop import vDatetime

                try:
                    return m[1] + vDatetime.from_ical(m[2]).astimezone(zone).strftime("%Y%m%d")
                except (ValueError, OverflowError):
                    return m[0]

            body = _UNTIL_UTC.sub(local_day, body)
    try:
        return parse_repeat(body)
    except UsageError as exc:
        warnings.append(f"RRULE dropped: {exc}")
        return None


def _priority(props: _Props, warnings: list[str]) -> str:
    found = props.get("PRIORITY")
    if not found:
        return "normal"
    text = found[0].value.strip()
    number = int(text) if text.isdigit() and len(text) < 4 else -1
    if 1 <= number <= 4:
        return "high"
    if 6 <= number <= 9:
        return "low"
    if number not in (0, 5):
        warnings.append(f"PRIORITY {_clip(text)!r} is not 0-9, read as normal")
    return "normal"


def _address(text: str) -> str | None:
    text = text.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:].strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>," for c in text):
        return None
    return text.lower()


def _emails(props: _Props) -> list[str]:
    """X-ROLODEX-CONTACT, ATTENDEE and ORGANIZER addresses; rooms and resources left out."""
    found: list[str] = []
    for name in ("X-ROLODEX-CONTACT", "ATTENDEE", "ORGANIZER"):
        for prop in props.get(name, []):
            if prop.param("CUTYPE").upper() in ("ROOM", "RESOURCE"):
                continue
            for text in (prop.param("EMAIL"), prop.value):
                address = _address(text)
                if address is not None and address not in found:
                    found.append(address)
    return found


def _names(props: _Props) -> dict[str, str]:
    """The CN of each ATTENDEE and ORGANIZER address, by address (the first one wins)."""
    names: dict[str, str] = {}
    for name in ("ATTENDEE", "ORGANIZER"):
        for prop in props.get(name, []):
            cn = prop.param("CN")
            address = _address(prop.param("EMAIL")) or _address(prop.value)
            if cn and address is not None:
                names.setdefault(address, _clip(cn, 200))
    return names


def _kind(props: _Props) -> str | None:
    aliases = {"follow-up": "followup", "follow up": "followup", "to-do": "todo"}
    from icalendar.parser import split_on_unescaped_comma

    for prop in props.get("CATEGORIES", []):
        for category in split_on_unescaped_comma(prop.value):
            word = category.strip().lower()
            word = aliases.get(word, word)
            if word in TASK_KINDS:
                return word
    marker = _text(props, "X-ROLODEX-KIND").strip().lower()
    return marker if marker in TASK_KINDS else None


def _cut(text: str, limit: int, name: str, warnings: list[str]) -> str:
    if len(text) <= limit:
        return text
    warnings.append(f"{name} of {len(text)} characters is cut to {limit}")
    return text[: limit - 1] + "…"


def _notes(props: _Props, warnings: list[str]) -> str:
    return _cut(_text(props, "DESCRIPTION").strip(), NOTES_LIMIT, "DESCRIPTION", warnings)


def _title(props: _Props, warnings: list[str]) -> str:
    title = _cut(_text(props, "SUMMARY").strip(), TITLE_LIMIT, "SUMMARY", warnings)
    if title:
        return title
    first = _first_line(_text(props, "DESCRIPTION"))
    if first:
        warnings.append("no SUMMARY: the first line of DESCRIPTION is the title")
        return first
    warnings.append("no SUMMARY: titled (untitled)")
    return "(untitled)"


def _first_line(text: str, limit: int = 200) -> str:
    for line in text.splitlines():
        if line.strip():
            return _clip(line, limit)
    return ""


def _moment(
    props: _Props, name: str, cal_zone: str, default: dt.tzinfo, warnings: list[str]
) -> dt.datetime | None:
    """An aware timestamp (COMPLETED, …)."""
    when = _when_or_warn(props, name, cal_zone, warnings)
    return None if when is None else when.instant(default)


def _duration(props: _Props, warnings: list[str]) -> dt.timedelta | None:
    from icalendar.prop import vDuration

    found = props.get("DURATION")
    if not found:
        return None
    try:
        value = vDuration.from_ical(found[0].value.strip())
    except (ValueError, TypeError):
        warnings.append(f"DURATION {_clip(found[0].value)!r} cannot be read, dropped")
        return None
    return value if isinstance(value, dt.timedelta) else None


def _shift(when: _When, by: dt.timedelta) -> _When:
    if when.time is None:
        return _When(when.day + dt.timedelta(days=by.days))
    moved = when.wall() + by
    return _When(moved.date(), moved.time(), when.zone)


# --- import ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    now: dt.datetime  # aware
    local: dt.tzinfo  # where floating times and dates are read
    # RECURRENCE-ID values of the occurrences that were moved or changed, by series UID
    moved: dict[str, list[_Prop]] = field(default_factory=dict)
    masters: set[str] = field(default_factory=set)  # UIDs of series with their main component


_SERIES_LIMIT = 100_000


def _next_in_series(
    rule: str, start: dt.date, skip: set[dt.date], today: dt.date
) -> tuple[dt.date | None, int]:
    """The first date of the series on or after ``today`` that is not skipped, and how many
    occurrences come before it; ``(None, n)`` when the series is over."""
    from dateutil.rrule import rrulestr

    if start >= today and start not in skip:
        return start, 0
    count = 0
    try:
        for occurrence in rrulestr(rule, dtstart=dt.datetime.combine(start, dt.time())):
            day = occurrence.date()
            if day >= today and day not in skip:
                return day, count
            count += 1
            if count > _SERIES_LIMIT:
                return start, 0
    except (ValueError, OverflowError):
        return start, 0
    return None, count


def _convert(
    block: _Block, props: _Props, warnings: list[str], cal: dict[str, str], ctx: _Context
) -> TaskRecord | EventRecord | str:
    """The record for one VTODO or VEVENT, or why there is none."""
    cal_zone = ""
    wr = cal.get("X-WR-TIMEZONE", "").strip()
    if wr:
        cal_zone = resolve_tzid(wr) or ""
    uid = series = _text(props, "UID").strip()
    recurrence = props.get("RECURRENCE-ID")
    if recurrence and uid:
        occurrence = recurrence[0].value.strip()
        cancelled = _text(props, "STATUS").strip().upper() == "CANCELLED"
        if cancelled and uid in ctx.masters:
            return f"a cancelled occurrence ({occurrence}) of the series {uid}: left out"
        which = "of the series imported above" if uid in ctx.masters else f"of series {uid}"
        warnings.append(f"a changed occurrence ({occurrence}) {which}, imported on its own")
        uid = f"{uid}/{occurrence}"
    if block.name == "VTODO":
        return _todo(props, uid, series, cal_zone, warnings, ctx)
    return _event(props, uid, series, cal_zone, warnings, ctx)


def _series_exdates(
    props: _Props, uid: str, start: _When | None, cal_zone: str, ctx: _Context, w: list[str]
) -> list[dt.date]:
    days = _exdates(props, start, cal_zone, ctx.local, w)
    for prop in ctx.moved.get(uid, []) if "RRULE" in props else []:
        try:
            when = _read_when(prop, cal_zone, [])
            days.add(when.day if start is None else _date_in(when, start, ctx.local))
        except (ValueError, OverflowError):
            continue
    return sorted(days)


def _todo(
    props: _Props, uid: str, series: str, cal_zone: str, warnings: list[str], ctx: _Context
) -> TaskRecord:
    title = _title(props, warnings)
    emails = _emails(props)
    kind = _kind(props) or "todo"
    if kind == "followup" and not emails:
        warnings.append("a follow-up needs a contact and none is named: imported as a to-do")
        kind = "todo"
    due = _when_or_warn(props, "DUE", cal_zone, warnings)
    if due is None and "DUE" not in props:
        start = _when_or_warn(props, "DTSTART", cal_zone, warnings)
        length = _duration(props, warnings)
        if start is not None and length is not None:
            try:
                due = _shift(start, length)
            except OverflowError:
                warnings.append("DTSTART plus DURATION is not a possible date, dropped")
    status_text = _text(props, "STATUS").strip().upper()
    completed = _moment(props, "COMPLETED", cal_zone, ctx.local, warnings)
    if status_text == "CANCELLED":
        status = "cancelled"
    elif status_text == "COMPLETED" or completed is not None:
        status = "done"
    else:
        if status_text not in ("", "NEEDS-ACTION", "IN-PROCESS"):
            warnings.append(f"STATUS {_clip(status_text)!r} is not known, read as open")
        status = "open"
    task = Task(
        title=title,
        kind=kind,
        due_date=due.day if due else None,
        due_time=due.time if due else None,
        timezone=due.zone if due is not None and due.time is not None else "",
        priority=_priority(props, warnings),
        status=status,
        repeat=_repeat(props, due, warnings),
        exdates=_series_exdates(props, series, due, cal_zone, ctx, warnings),
        notes=_notes(props, warnings),
        completed_at=completed if status == "done" else None,
        uid=uid,
        created_at=_moment(props, "CREATED", cal_zone, ctx.local, warnings),
    )
    return TaskRecord(task, emails, _names(props))


def _event(
    props: _Props, uid: str, series: str, cal_zone: str, warnings: list[str], ctx: _Context
) -> TaskRecord | EventRecord | str:
    if "DTSTART" not in props:
        return "a VEVENT without DTSTART has no date"
    try:
        start = _read_when(props["DTSTART"][0], cal_zone, warnings)
    except ValueError:
        return f"DTSTART {_clip(props['DTSTART'][0].value)!r} is not a possible date"
    title = _title(props, warnings)
    emails = _emails(props)
    notes = _notes(props, warnings)
    cancelled = _text(props, "STATUS").strip().upper() == "CANCELLED"
    length = _event_length(props, start, cal_zone, ctx.local, warnings)
    repeat = _repeat(props, start, warnings)
    exdates = _series_exdates(props, series, start, cal_zone, ctx, warnings)
    ours = "X-ROLODEX-KIND" in props  # written by dump_ical: a task, whatever its date
    upcoming = ours or start.instant(ctx.local) >= ctx.now
    if repeat and not ours:
        zone = (_zone(start.zone) if start.time is not None and start.zone else None) or ctx.local
        today = ctx.now.astimezone(zone).date()
        nxt, before = _next_in_series(repeat, start.day, set(exdates), today)
        if nxt is None:
            warnings.append(f"a series that ended: recorded once, on its first date {start.day}")
            upcoming = False
        else:
            upcoming = True
            if nxt != start.day:
                warnings.append(f"a series that began {start.day}: due on its next date {nxt}")
                count = re.search(r"COUNT=(\d+)", repeat)
                if count is not None:
                    left = int(count[1]) - before
                    repeat = repeat.replace(count[0], f"COUNT={left}")
                exdates = [day for day in exdates if day > nxt]
                start = _When(nxt, start.time, start.zone)
    if upcoming:
        task = Task(
            title=title,
            kind="meeting",
            due_date=start.day,
            due_time=start.time,
            timezone=start.zone if start.time is not None else "",
            priority=_priority(props, warnings),
            status="cancelled" if cancelled else "open",
            repeat=repeat,
            exdates=exdates,
            notes=notes,
            uid=uid,
            created_at=_moment(props, "CREATED", cal_zone, ctx.local, warnings),
            duration_seconds=length,
        )
        return TaskRecord(task, emails, _names(props))
    if cancelled:
        return "a cancelled meeting that is over: nothing happened to record"
    first = _first_line(notes)
    summary = f"{title} — {first}" if first and first != title else title
    interaction = Interaction(
        channel="meeting", summary=summary, occurred_at=start.instant(ctx.local), uid=uid
    )
    return EventRecord(interaction, emails)


_BYTE_LINE_RE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _split_tail(body: bytes) -> int:
    """How many bytes at the end of ``body`` begin a UTF-8 character that they do not finish."""
    for back in range(1, min(3, len(body)) + 1):
        byte = body[-back]
        if byte < 0x80:
            return 0
        if byte >= 0xC0:  # the lead byte: how long is its character?
            size = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return back if back < size else 0
    return 0


def _decode(data: bytes) -> tuple[str, str]:
    """The text of the input and the encoding it was read in.

    Folding is done on octets (RFC 5545 folds at 75 of them), so Google Calendar and others
    fold in the middle of a multi-byte character. Whether the input is UTF-8 is decided on
    the unfolded octets: a character split by a fold is joined again by moving the fold in
    front of it (the same logical line, and every physical line stays where it was, for line
    numbers and the rejects file). Only input that is still not UTF-8 is read as
    Windows-1252, and the records it may have garbled say so (see ``_records``).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data)
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines: list[bytes] = []
    carry = b""
    for raw in _BYTE_LINE_RE.findall(data):
        if carry:
            if raw[:1] not in (b" ", b"\t"):
                break  # the character is cut by a line break, not by a fold: not UTF-8
            raw = raw[:1] + carry + raw[1:]
        body = raw.rstrip(b"\r\n")
        cut = _split_tail(body)
        carry = body[len(body) - cut :] if cut else b""
        lines.append(body[: len(body) - cut] + raw[len(body) :])
    else:
        if not carry:
            try:
                return b"".join(lines).decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
    return decode_text(data)


def _event_length(
    props: _Props, start: _When, cal_zone: str, default: dt.tzinfo, warnings: list[str]
) -> int | None:
    """How long the event lasts in seconds, from DTEND or DURATION; None for the usual length
    (an hour, or the day of an all-day event), which is also what an export writes for None,
    so that a task made here and one read back from its export are equal."""
    usual = 86400 if start.time is None else 3600
    if "DTEND" in props:
        end = _when_or_warn(props, "DTEND", cal_zone, warnings)
        if end is None:
            return None
        if (end.time is None) != (start.time is None):
            warnings.append("DTEND is a date and DTSTART a date-time (or the reverse): dropped")
            return None
        if start.time is None:
            seconds = (end.day - start.day).days * 86400
        else:
            # between the two moments: DTEND may be in another zone than DTSTART
            seconds = int((end.instant(default) - start.instant(default)).total_seconds())
    else:
        length = _duration(props, warnings)
        if length is None:
            return None
        if start.time is None and (length.seconds or length.microseconds):
            warnings.append("an all-day event lasts whole days: its DURATION is dropped")
            return None
        seconds = int(length.total_seconds())
    if seconds < 0:
        warnings.append("DTEND comes before DTSTART: the event is given the usual length")
        return None
    if seconds > _LONGEST_EVENT:
        warnings.append("an event of more than ten years: given the usual length")
        return None
    return None if seconds == usual else seconds


def _not_ical(text: str) -> str:
    head = text.lstrip()[:512].lower()
    if not head:
        return "The input is empty: there is no iCalendar data in it."
    if head.startswith("<"):
        return "The input is HTML or XML, not an iCalendar (.ics) file."
    if "begin:vcard" in head:
        return "The input is a vCard file (contacts), not an iCalendar (.ics) file."
    return "The input is not iCalendar: it has no BEGIN:VCALENDAR line."


def parse_ical(
    data: bytes, *, now: dt.datetime
) -> Iterator[Parsed[TaskRecord | EventRecord] | Rejected]:
    """Read an iCalendar file: one ``Parsed`` or ``Rejected`` per VTODO, VEVENT, VJOURNAL …

    ``now`` decides whether an event is over (an interaction) or to come (a task); floating
    times and all-day dates are read in ``now``'s zone (the system's, if ``now`` is naive).
    VTIMEZONE components are not records: TZIDs are resolved with :func:`resolve_tzid`, and
    those it does not know with the file's VTIMEZONE of that TZID.

    Raises:
        BadInput: at once, when the input is not iCalendar at all (empty, binary, HTML, no
            ``BEGIN:VCALENDAR``).
    """
    if looks_binary(data):
        raise BadInput("The input is a binary file, not an iCalendar (.ics) text file.")
    try:
        text, encoding = _decode(data)
    except UnicodeError:
        raise BadInput("The input cannot be read as text: it is not an iCalendar file.") from None
    scan = _scan(text)
    scan.encoding = encoding
    if not scan.calendars:
        raise BadInput(_not_ical(text))
    aware = now if now.tzinfo is not None else now.astimezone()
    local = aware.tzinfo
    assert local is not None
    return _records(scan, _Context(aware, local))


def _records(scan: _Scan, ctx: _Context) -> Iterator[Parsed[TaskRecord | EventRecord] | Rejected]:
    prepared: list[tuple[_Block, _Props | None, list[str]]] = []
    zones = _vtimezones(scan)
    for block in scan.blocks:
        warnings: list[str] = []
        props: _Props | None = None
        if not block.problem and block.name in ("VTODO", "VEVENT"):
            try:
                props = _read_props(block, warnings)
                _use_vtimezones(props, zones.get(block.calendar, {}), warnings)
            except _TooBig as exc:
                block.problem = str(exc)
            except Exception as exc:  # a component is never worth more than a reject
                block.problem = f"cannot be read: {exc}"
        if props is not None:
            uid = _text(props, "UID").strip()
            if uid and "RECURRENCE-ID" in props:
                ctx.moved.setdefault(uid, []).extend(props["RECURRENCE-ID"][:1])
            elif uid and "RRULE" in props:
                ctx.masters.add(uid)
        prepared.append((block, props, warnings))

    guessed = scan.encoding not in ("utf-8", "utf-16")
    for block, props, warnings in prepared:
        if block.name == "VTIMEZONE" and not block.problem:
            continue
        if guessed and props is not None and not all(line.isascii() for _, line in block.lines):
            warnings.insert(
                0, f"the file is not UTF-8: its text was read as {_CHARSETS.get(scan.encoding)}"
            )
        if block.problem:
            reason = f"{block.name}: {block.problem}"
        elif props is None:
            reason = f"{block.name} is not imported: only VTODO and VEVENT are"
        else:
            calendar = scan.calendars[block.calendar] if block.calendar >= 0 else {}
            try:
                result = _convert(block, props, warnings, calendar, ctx)
            except Exception as exc:  # a component is never worth more than a reject
                result = f"cannot be read: {exc}"
            if not isinstance(result, str):
                if isinstance(result, TaskRecord):
                    result.revised = _moment(props, "LAST-MODIFIED", "", dt.UTC, warnings)
                yield Parsed(result, block.line, warnings)
                continue
            reason = f"{block.name}: {result}"
        raw = "".join(scan.physical[block.first : block.last + 1])
        yield Rejected(block.line, reason, raw)


def sniff_ical(data: bytes) -> bool:
    """Whether ``data`` starts like an iCalendar file (its first line is BEGIN:VCALENDAR)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16", errors="ignore")
        except UnicodeError:
            return False
    else:
        text = head.decode("utf-8", errors="ignore")
    text = text.lstrip("\ufeff \t\r\n")
    return text[:15].upper() == "BEGIN:VCALENDAR" and text[15:16] in ("", "\r", "\n", " ")


# --- export ------------------------------------------------------------------------------------

_NO_EMAILS: Mapping[int, str] = MappingProxyType({})
_PRIORITIES = {"high": 1, "normal": 5, "low": 9}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def export_uid(task: Task) -> str:
    """The UID a task is written with: its own, else one derived from its id (or, for a task
    not stored yet, from its title, kind and due date), the same on every export."""
    if task.uid:
        return task.uid
    if task.id is not None:
        return f"rolodex-task-{task.id}@rolodex"
    key = f"{task.title}\x1f{task.kind}\x1f{task.due_date}\x1f{task.due_time}"
    return f"rolodex-{uuid.uuid5(uuid.NAMESPACE_URL, 'rolodex:' + key)}@rolodex"


def _clean(text: str) -> str:
    """Text as iCalendar can carry it: newlines as \\n, no other control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@lru_cache(maxsize=1)
def _text_type() -> type:
    """vText escaped by RFC 5545 alone: icalendar's own escaping turns a backslash followed by
    "N" (``C:\\New``) into a line break."""
    from icalendar.prop import vText

    class Text(vText):
        def to_ical(self) -> bytes:
            escaped = (
                str(self)
                .replace("\\", "\\\\")
                .replace(";", "\\;")
                .replace(",", "\\,")
                .replace("\n", "\\n")
            )
            return escaped.encode("utf-8")

    return Text


def _text_value(text: str) -> Any:
    return _text_type()(_clean(text))


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _due_value(task: Task, day: dt.date | None = None) -> dt.date | dt.datetime | None:
    day = day or task.due_date
    if day is None:
        return None
    if task.due_time is None:
        return day
    wall = dt.datetime.combine(day, task.due_time.replace(tzinfo=None, microsecond=0))
    zone = _zone(task.timezone) if task.timezone else None
    return wall.replace(tzinfo=zone) if zone is not None else wall


def _rrule(task: Task, due: dt.date | dt.datetime | None) -> Any:
    """The task's repeat rule as a vRecur whose UNTIL has the type RFC 5545 wants for ``due``."""
    from icalendar.prop import vRecur

    if not task.repeat:
        return None
    try:
        rule = vRecur.from_ical(task.repeat.strip().removeprefix("RRULE:"))
    except (ValueError, TypeError):
        return None
    until = rule.get("UNTIL")
    if until and due is not None:
        end = until[0]
        if isinstance(due, dt.datetime):
            if not isinstance(end, dt.datetime):
                end = dt.datetime.combine(end, dt.time(23, 59, 59))
            if due.tzinfo is not None:
                end = _utc(end if end.tzinfo else end.replace(tzinfo=due.tzinfo))
            else:
                end = end.replace(tzinfo=None)
        elif isinstance(end, dt.datetime):
            end = end.date()
        rule["UNTIL"] = [end]
    return rule


def _end(start: dt.date | dt.datetime, seconds: int | None) -> dt.date | dt.datetime:
    """DTEND of a meeting that starts at ``start`` and lasts ``seconds`` (None: an hour, or
    the one day of an all-day meeting)."""
    if not isinstance(start, dt.datetime):
        return start + dt.timedelta(days=1 if seconds is None else seconds // 86400)
    length = MEETING_LENGTH if seconds is None else dt.timedelta(seconds=seconds)
    if start.tzinfo is None:
        return start + length
    # A length is elapsed time (RFC 5545 3.3.6): across a change to summer time, a two-hour
    # meeting from 01:00 ends at 04:00 on the wall clock. Aware arithmetic in Python is wall
    # time, so add in UTC.
    return (start.astimezone(dt.UTC) + length).astimezone(start.tzinfo)


def _contact_id(task: Task) -> int | None:
    if task.contact_id is not None:
        return task.contact_id
    return task.contact.id if task.contact is not None else None


def _component(task: Task, email: str | None, stamp: dt.datetime) -> Component:
    from icalendar import Event, Todo, vCalAddress

    due = _due_value(task)
    # A meeting to come is an event, all-day ones too (khal's and Google's are): a VTODO
    # would turn them into to-dos in the calendar they came from.
    is_event = task.kind == "meeting" and due is not None and task.status != "done"
    comp = Event() if is_event else Todo()
    comp.add("UID", _text_value(export_uid(task)))
    comp.add("DTSTAMP", stamp)
    if task.created_at is not None:
        comp.add("CREATED", _utc(task.created_at))
    if task.updated_at is not None:
        comp.add("LAST-MODIFIED", _utc(task.updated_at))
    comp.add("SUMMARY", _text_value(task.title))
    if is_event:
        assert due is not None
        comp.add("DTSTART", due)
        comp.add("DTEND", _end(due, task.duration_seconds))
        comp.add("STATUS", "CANCELLED" if task.status == "cancelled" else "CONFIRMED")
    else:
        if due is not None:
            if task.repeat:
                comp.add("DTSTART", due)  # a series starts at DTSTART (RFC 5545 3.8.5.3)
            comp.add("DUE", due)
        status = {"done": "COMPLETED", "cancelled": "CANCELLED"}.get(task.status, "NEEDS-ACTION")
        comp.add("STATUS", status)
        if task.status == "done":
            if task.completed_at is not None:
                comp.add("COMPLETED", _utc(task.completed_at))
            comp.add("PERCENT-COMPLETE", 100)
    comp.add("PRIORITY", _PRIORITIES.get(task.priority, 5))
    comp.add("CATEGORIES", [task.kind])
    rule = _rrule(task, due)
    if rule is not None:
        comp.add("RRULE", rule)
    if task.exdates:
        skipped = [_due_value(task, day) for day in sorted(set(task.exdates))]
        comp.add("EXDATE", skipped)
    if task.notes:
        comp.add("DESCRIPTION", _text_value(task.notes))
    email = _clean(email or "").strip()
    if email:
        attendee = vCalAddress(f"mailto:{email}")
        if task.contact is not None and task.contact.display_name:
            attendee.params["CN"] = _clean(task.contact.display_name).replace("\n", " ")
        comp.add("ATTENDEE", attendee)
    contact_id = _contact_id(task)
    if contact_id is not None:
        comp.add("X-ROLODEX-CONTACT", str(contact_id))
    if is_event:
        comp.add("X-ROLODEX-KIND", task.kind)
    return comp


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first: int, last: int) -> bytes:
    from icalendar import Timezone

    return Timezone.from_tzid(
        tzid, first_date=dt.date(first, 1, 1), last_date=dt.date(last, 1, 1)
    ).to_ical()


def _calendar(tasks: list[Task], emails: list[str | None], now: dt.datetime) -> bytes:
    from icalendar import Calendar, Timezone

    stamp = _utc(now if now.tzinfo is not None else now.astimezone())
    cal = Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", PRODID)
    years: dict[str, list[int]] = {}
    for task in tasks:
        if task.due_date is None or task.due_time is None or not task.timezone:
            continue
        if task.timezone == "UTC" or _zone(task.timezone) is None:
            continue
        days = [task.due_date, *task.exdates]
        years.setdefault(task.timezone, []).extend(day.year for day in days)
    for tzid in sorted(years):
        first = max(1900, min(min(years[tzid]), 2090))
        last = min(2100, max(max(years[tzid]) + 2, 2038))
        cal.add_component(Timezone.from_ical(_vtimezone(tzid, first, last)))
    for task, email in zip(tasks, emails, strict=True):
        cal.add_component(_component(task, email, stamp))
    return cal.to_ical(sorted=False)


def dump_ical(
    tasks: Iterable[Task], *, contact_emails: Mapping[int, str] = _NO_EMAILS, now: dt.datetime
) -> bytes:
    """One VCALENDAR with every task: VTODOs, and VEVENTs for meetings at a time of day.

    ``contact_emails`` maps a contact id to the address written as the task's ATTENDEE.
    ``now`` is the DTSTAMP. The output is CRLF-terminated and folded at 75 octets.
    """
    listed = list(tasks)
    emails = []
    for task in listed:
        contact = _contact_id(task)
        emails.append(contact_emails.get(contact) if contact is not None else None)
    return _calendar(listed, emails, now)


def dump_ical_item(task: Task, *, contact_email: str | None = None, now: dt.datetime) -> bytes:
    """One VCALENDAR with one task (and its VTIMEZONE): a file of a vdir, as khal and todoman
    keep them (name it after :func:`export_uid`)."""
    return _calendar([task], [contact_email], now)
