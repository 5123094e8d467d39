"""Contacts from CSV: Google (both layouts), Outlook (English and German), LinkedIn, Rolodex's
own ``contact list --csv``, and any other layout through a column map.

Pure and streaming: ``parse_csv`` takes the bytes of one file and yields a ``Parsed`` or a
``Rejected`` per record. It raises ``BadInput`` only when the file as a whole is not a CSV export
it can read (binary, NUL bytes, HTML, empty, an unknown header) and ``UsageError`` when the
caller's preset or column map cannot be used. Nothing is looked up or stored here.

How a file is read:

- Text: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 (``decode_text``); a
  UTF-8 file with some lines that are not UTF-8 reads those lines as Windows-1252, with a warning.
- Delimiter: ``,``, ``;``, TAB or ``|``, whichever makes a known header (or, failing that, the
  most cells in the first row).
- Header: the first of the first ten non-blank rows that matches the layout, so a preamble
  (LinkedIn's "Notes:" lines) is skipped.
- Line numbers are the physical line where a record starts; quoted cells may span lines. A bare
  CR inside a file whose lines end in LF or CRLF is data, not a line break (Rolodex's own export
  writes CR-led cells unquoted).
- A row with more cells than the header is rejected; a row with fewer is padded with empty
  cells and carries a warning — unless it runs over several lines, which is a quote never
  closed: rejected. Rows whose cells are all blank are skipped without a word; a row with no
  name, no email and no phone is rejected.
- ``csv.field_size_limit`` is raised to the size of the input while it is read (so a long cell
  never derails the reader) and put back afterwards; a cell longer than ``MAX_FIELD``
  characters rejects its row.
- OWASP CSV injection: Rolodex writes a cell that starts with ``= + - @ TAB CR``, or with one
  or more ``'`` and then one of those, with one more leading ``'``; a cell that is one or more
  ``'`` followed by one of those has one ``'`` removed, so exported text comes back exactly.
  Every other cell is kept as it is: a cell starting with ``=`` is text.
- Text fields (names, title, account …) are kept exactly as written; emails, phones, dates,
  tags, stage and UID are trimmed and checked. A value that fails its check is dropped with a
  warning; the contact is kept. Notes get LF line ends.
- Labels are lower-cased ("work", "home", "mobile", "other", "fax" …); Google's ``* `` marks
  the preferred value, Outlook's "Primary Phone" is preferred; otherwise the first email, phone,
  address and URL is. Within a row, repeated emails and phones are dropped.
- Names: when there are only full names, they are split (``Lovelace, Ada`` → Ada / Lovelace);
  the display name is given + family name (family + given, no space, when both are CJK), except
  in Rolodex's own export, whose ``display_name`` is kept as it is.
- Phones keep the number as written (whitespace collapsed); ``e164`` is left unset, for the
  import to fill in where it knows the region.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Iterator
from typing import Any

from rolodex.core.contacts import normalize_email, split_name
from rolodex.core.models import STAGES, Address, Contact, Email, PartialDate, Phone, Url
from rolodex.core.text import is_cjk
from rolodex.errors import BadInput, UsageError
from rolodex.importers.base import (
    ContactRecord,
    Parsed,
    Rejected,
    decode_text,
    looks_binary,
)

__all__ = [
    "FIELDS",
    "MAX_FIELD",
    "PRESETS",
    "detect_preset",
    "parse_csv",
    "parse_map",
    "sniff_csv",
]

PRESETS: tuple[str, ...] = (
    "google",
    "google-legacy",
    "outlook",
    "outlook-de",
    "linkedin",
    "generic",
    "rolodex",
)

FIELDS: tuple[str, ...] = (
    "given_name",
    "additional_name",
    "family_name",
    "prefix",
    "suffix",
    "display_name",
    "nickname",
    "email",
    "email2",
    "email3",
    "work_email",
    "home_email",
    "phone",
    "phone2",
    "mobile",
    "work_phone",
    "home_phone",
    "fax",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "account",
    "title",
    "role",
    "birthday",
    "anniversary",
    "tags",
    "note",
    "url",
    "uid",
    "stage",
    "custom:NAME",
    "ignore",
)

MAX_FIELD = 10 * 1024 * 1024  # characters in one cell
HEADER_SCAN = 10  # non-blank rows searched for the header
SOURCE = "import:csv"

# ---------------------------------------------------------------------------- column roles
# A role says what a column holds. Tuples, compiled once per file into a _Plan:
#   ("attr", name)                       a text attribute of Contact, kept as written
#   ("full", exact)                      a full name, split when there are no name parts;
#                                        the display name when ``exact``, else given + family
#   ("email"|"phone"|"url", label, preferred, priority, separator)
#   ("email"|"phone"|"url"|"custom"|"event", n, "label"|"value")   Google's numbered pairs
#   ("addr", group, part)                part of one address (part "label" names it)
#   ("date", "birthday"|"anniversary"), ("note",), ("tags", style), ("stage",), ("uid",)
#   ("custom", name), ("ignore",)
Role = tuple[Any, ...]

_ANY_SEP = re.compile(r"\s*(?: ::: |;|,)\s*")
_GOOGLE_SEP = " ::: "


def _attr(name: str) -> Role:
    return ("attr", name)


def _email(label: str = "", priority: int = 50, sep: Any = None, preferred: bool = False) -> Role:
    return ("email", label, preferred, priority, sep)


def _phone(label: str = "", priority: int = 50, sep: Any = None, preferred: bool = False) -> Role:
    return ("phone", label, preferred, priority, sep)


def _url(label: str = "", priority: int = 50) -> Role:
    return ("url", label, False, priority, None)


_FIELD_ROLES: dict[str, Role] = {
    "given_name": _attr("given_name"),
    "additional_name": _attr("additional_name"),
    "family_name": _attr("family_name"),
    "prefix": _attr("prefix"),
    "suffix": _attr("suffix"),
    "display_name": ("full", False),
    "nickname": _attr("nickname"),
    "email": _email(priority=1, sep=_ANY_SEP),
    "email2": _email(priority=2, sep=_ANY_SEP),
    "email3": _email(priority=3, sep=_ANY_SEP),
    "work_email": _email("work", 4, _ANY_SEP),
    "home_email": _email("home", 5, _ANY_SEP),
    "phone": _phone(priority=1, sep=re.compile(r"\s*(?: ::: |;)\s*")),
    "phone2": _phone(priority=2),
    "mobile": _phone("mobile", 3),
    "work_phone": _phone("work", 4),
    "home_phone": _phone("home", 5),
    "fax": _phone("fax", 6),
    "street": ("addr", "map", "street"),
    "city": ("addr", "map", "locality"),
    "region": ("addr", "map", "region"),
    "postal_code": ("addr", "map", "postal_code"),
    "country": ("addr", "map", "country"),
    "account": _attr("account"),
    "title": _attr("title"),
    "role": _attr("role"),
    "birthday": ("date", "birthday"),
    "anniversary": ("date", "anniversary"),
    "tags": ("tags", "any"),
    "note": ("note",),
    "url": _url(),
    "uid": ("uid",),
    "stage": ("stage",),
    "ignore": ("ignore",),
}

_FIELD_ALIASES = {
    "first_name": "given_name",
    "middle_name": "additional_name",
    "last_name": "family_name",
    "surname": "family_name",
    "name": "display_name",
    "full_name": "display_name",
    "company": "account",
    "organization": "account",
    "organisation": "account",
    "job_title": "title",
    "notes": "note",
    "mobile_phone": "mobile",
    "website": "url",
    "zip": "postal_code",
    "postcode": "postal_code",
    "state": "region",
    "bday": "birthday",
    "tag": "tags",
}

_GOOGLE: dict[str, Role] = {
    "name": ("full", False),
    "given name": _attr("given_name"),
    "first name": _attr("given_name"),
    "additional name": _attr("additional_name"),
    "middle name": _attr("additional_name"),
    "family name": _attr("family_name"),
    "last name": _attr("family_name"),
    "name prefix": _attr("prefix"),
    "name suffix": _attr("suffix"),
    "nickname": _attr("nickname"),
    "organization name": _attr("account"),
    "organization title": _attr("title"),
    "organization department": ("custom", "department"),
    "organization 1 - name": _attr("account"),
    "organization 1 - title": _attr("title"),
    "organization 1 - department": ("custom", "department"),
    "organization 1 - job description": _attr("role"),
    "birthday": ("date", "birthday"),
    "notes": ("note",),
    "photo": _attr("photo"),
    "labels": ("tags", "google"),
    "group membership": ("tags", "google"),
}
_GOOGLE_NUMBERED = re.compile(
    r"(e-mail|phone|website|address|custom field|event) (\d{1,3}) - "
    r"(label|type|value|formatted|street|city|po box|region|postal code|country|extended address)"
)
_GOOGLE_KIND = {
    "e-mail": "email",
    "phone": "phone",
    "website": "url",
    "custom field": "custom",
    "event": "event",
}
_GOOGLE_ADDR = {
    "label": "label",
    "type": "label",
    "formatted": "formatted",
    "street": "street",
    "city": "locality",
    "po box": "po_box",
    "region": "region",
    "postal code": "postal_code",
    "country": "country",
    "extended address": "extended",
}


def _google_numbered(key: str) -> Role | None:
    m = _GOOGLE_NUMBERED.fullmatch(key)
    if m is None:
        return None
    kind, n, part = m.group(1), int(m.group(2)), m.group(3)
    if kind == "address":
        return ("addr", f"g{n}", _GOOGLE_ADDR[part])
    if part in ("label", "type"):
        return (_GOOGLE_KIND[kind], n, "label")
    if part == "value":
        return (_GOOGLE_KIND[kind], n, "value")
    return None


def _outlook_addresses(
    groups: dict[str, str], parts: dict[str, str], label_of: dict[str, str]
) -> dict[str, Role]:
    """Roles for Outlook's address columns: ``parts`` maps a column pattern (``{g}`` is the
    group word) to a part of the address."""
    out: dict[str, Role] = {}
    for group, word in groups.items():
        for pattern, part in parts.items():
            out[pattern.format(g=word)] = ("addr", label_of[group], part)
    return out


_OUTLOOK: dict[str, Role] = {
    "title": _attr("prefix"),
    "first name": _attr("given_name"),
    "middle name": _attr("additional_name"),
    "last name": _attr("family_name"),
    "suffix": _attr("suffix"),
    "nickname": _attr("nickname"),
    "company": _attr("account"),
    "job title": _attr("title"),
    "department": ("custom", "department"),
    "profession": _attr("role"),
    "e-mail address": _email(priority=1),
    "e-mail 2 address": _email(priority=2),
    "e-mail 3 address": _email(priority=3),
    "primary phone": _phone(priority=0, preferred=True),
    "mobile phone": _phone("mobile", 1),
    "business phone": _phone("work", 2),
    "home phone": _phone("home", 3),
    "company main phone": _phone("work", 4),
    "business phone 2": _phone("work", 5),
    "home phone 2": _phone("home", 6),
    "other phone": _phone("other", 7),
    "car phone": _phone("car", 8),
    "assistant's phone": _phone("assistant", 9),
    "callback": _phone("other", 10),
    "radio phone": _phone("other", 10),
    "isdn": _phone("other", 10),
    "tty/tdd phone": _phone("other", 10),
    "telex": _phone("other", 10),
    "business fax": _phone("fax", 11),
    "home fax": _phone("fax", 11),
    "other fax": _phone("fax", 11),
    "pager": _phone("pager", 12),
    "birthday": ("date", "birthday"),
    "anniversary": ("date", "anniversary"),
    "categories": ("tags", ";"),
    "notes": ("note",),
    "web page": _url(priority=1),
    "personal web page": _url("home", 2),
    **_outlook_addresses(
        {"work": "business", "home": "home", "other": "other"},
        {
            "{g} street": "street",
            "{g} street 2": "street2",
            "{g} street 3": "street3",
            "{g} city": "locality",
            "{g} state": "region",
            "{g} postal code": "postal_code",
            "{g} country/region": "country",
            "{g} country": "country",
            "{g} address po box": "po_box",
        },
        {"work": "work", "home": "home", "other": "other"},
    ),
}

_OUTLOOK_DE: dict[str, Role] = {
    "anrede": _attr("prefix"),
    "titel": _attr("prefix"),
    "vorname": _attr("given_name"),
    "weitere vornamen": _attr("additional_name"),
    "nachname": _attr("family_name"),
    "suffix": _attr("suffix"),
    "spitzname": _attr("nickname"),
    "firma": _attr("account"),
    "position": _attr("title"),
    "abteilung": ("custom", "department"),
    "beruf": _attr("role"),
    "e-mail-adresse": _email(priority=1),
    "e-mail 2: adresse": _email(priority=2),
    "e-mail 3: adresse": _email(priority=3),
    "e-mail-adresse 2": _email(priority=2),
    "e-mail-adresse 3": _email(priority=3),
    "haupttelefon": _phone(priority=0, preferred=True),
    "mobiltelefon": _phone("mobile", 1),
    "telefon geschäftlich": _phone("work", 2),
    "telefon privat": _phone("home", 3),
    "telefon firma": _phone("work", 4),
    "telefon geschäftlich 2": _phone("work", 5),
    "telefon privat 2": _phone("home", 6),
    "mobiltelefon 2": _phone("mobile", 6),
    "weiteres telefon": _phone("other", 7),
    "autotelefon": _phone("car", 8),
    "telefon assistent": _phone("assistant", 9),
    "rückmeldung": _phone("other", 10),
    "isdn": _phone("other", 10),
    "telex": _phone("other", 10),
    "telefon für hörbehinderte": _phone("other", 10),
    "fax geschäftlich": _phone("fax", 11),
    "fax privat": _phone("fax", 11),
    "weiteres fax": _phone("fax", 11),
    "pager": _phone("pager", 12),
    "geburtstag": ("date", "birthday"),
    "jahrestag": ("date", "anniversary"),
    "kategorien": ("tags", ";"),
    "notizen": ("note",),
    "webseite": _url(priority=1),
    "persönliche webseite": _url("home", 2),
    **_outlook_addresses(
        {"work": "geschäftlich", "home": "privat"},
        {
            "straße {g}": "street",
            "straße {g} 2": "street2",
            "straße {g} 3": "street3",
            "ort {g}": "locality",
            "region {g}": "region",
            "bundesland/kanton {g}": "region",
            "postleitzahl {g}": "postal_code",
            "land/region {g}": "country",
            "land {g}": "country",
            "postfach {g}": "po_box",
        },
        {"work": "work", "home": "home"},
    ),
    "weitere straße": ("addr", "other", "street"),
    "weitere straße 2": ("addr", "other", "street2"),
    "weitere straße 3": ("addr", "other", "street3"),
    "weiterer ort": ("addr", "other", "locality"),
    "weiteres/r bundesland/kanton": ("addr", "other", "region"),
    "weitere region": ("addr", "other", "region"),
    "weitere postleitzahl": ("addr", "other", "postal_code"),
    "weiteres/e land/region": ("addr", "other", "country"),
    "weiteres postfach": ("addr", "other", "po_box"),
}

_LINKEDIN: dict[str, Role] = {
    "first name": _attr("given_name"),
    "last name": _attr("family_name"),
    "url": _url("linkedin"),
    "email address": _email(),
    "company": _attr("account"),
    "position": _attr("title"),
    "connected on": ("custom", "linkedin_connected_on"),
}

# Rolodex's own export, plus any column named like a --map field.
_ROLODEX: dict[str, Role] = {
    **{k: v for k, v in _FIELD_ROLES.items() if k != "ignore"},
    "display_name": ("full", True),
    "email": _email(priority=1),
    "emails": _email(priority=2, sep="; "),
    "phone": _phone(priority=1),
    "phones": _phone(priority=2, sep="; "),
    "tags": ("tags", ", "),
    "notes": ("note",),
}

_TABLES: dict[str, dict[str, Role]] = {
    "google": _GOOGLE,
    "google-legacy": _GOOGLE,
    "outlook": _OUTLOOK,
    "outlook-de": _OUTLOOK_DE,
    "linkedin": _LINKEDIN,
    "rolodex": _ROLODEX,
    "generic": {},
}

# ---------------------------------------------------------------------------- small helpers
_FORMULA = frozenset("=+-@\t\r")
_ESCAPED = re.compile(r"'[=+\-@\t\r]")
_LABELS = {
    "cell": "mobile",
    "mobile": "mobile",
    "handy": "mobile",
    "business": "work",
    "personal": "home",
    "home fax": "fax",
    "work fax": "fax",
    "other fax": "fax",
    "internet": "",
    "smtp": "",
}
_label_cache: dict[str, tuple[str, bool]] = {}
_VAGUE_LABELS = frozenset({"", "other"})


def _label(text: str) -> tuple[str, bool]:
    """(label, preferred) from a label cell such as ``* Work`` or ``Mobile``."""
    found = _label_cache.get(text)
    if found is None:
        s = text.strip()
        preferred = s.startswith("*")
        if preferred:
            s = s[1:].strip()
        key = " ".join(s.lower().split())
        found = (_LABELS.get(key, key), preferred)
        if len(text) <= 100 and len(_label_cache) < 1000:
            _label_cache[text] = found
    return found


def _norm(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").lower().split())


def _unescape(cell: str) -> str:
    """Take off the guard ``safe_cell`` puts on: one "'" from a cell that is one or more "'"
    and then a formula character (``'=x`` is ``=x``, ``''=x`` is ``'=x``)."""
    if cell[:1] == "'":
        rest = cell.lstrip("'")
        if rest and rest[0] in _FORMULA:
            return cell[1:]
    return cell


def _short(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _columns_hint(header: list[str], limit: int = 6) -> str:
    shown = ", ".join(_short(c, 30) for c in header[:limit])
    more = f" and {len(header) - limit} more" if len(header) > limit else ""
    return shown + more


_ADDRESS_PARTS = (
    "street",
    "locality",
    "region",
    "postal_code",
    "country",
    "po_box",
    "street2",
    "street3",
    "extended",
    "formatted",
)

_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_NOYEAR = re.compile(r"--(\d{2})-?(\d{2})")
_DATE_DOTS = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})?")
_DATE_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
_DATE_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_DATE_DASHES = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp][Mm])?Z?")
_ZERO_DATE = re.compile(r"0{1,4}[./-]0{1,2}[./-]0{1,4}|0{1,2}[./-]0{1,2}[./-]?")


def _parse_date(text: str) -> PartialDate | None:
    """A date as exporters write it; None for an empty or placeholder date (Outlook's
    ``0.0.00``); ValueError when it is not a possible date.

    ``YYYY-MM-DD``, ``YYYYMMDD``, ``--MM-DD``, ``--MMDD``, ``D.M.YYYY``, ``D.M.`` (no year),
    ``M/D/YYYY`` (``D/M/YYYY`` when the first number is above 12), ``YYYY/M/D``, ``D-M-YYYY``,
    each optionally followed by a time of day. Two-digit years are read as the most recent
    such year that is not in the future."""
    s = text.strip()
    if (
        len(s) == 10
        and s[4] == "-"
        and s[7] == "-"
        and s.replace("-", "").isdigit()
        and s[:4] != "0000"
    ):
        return PartialDate(year=int(s[:4]), month=int(s[5:7]), day=int(s[8:]))
    if not s:
        return None
    if _ZERO_DATE.fullmatch(s):
        return None
    s = _TIME_TAIL.sub("", s, count=1) if ":" in s else s
    year: int | None
    if m := _DATE_ISO.fullmatch(s) or _DATE_COMPACT.fullmatch(s) or _DATE_YMD_SLASH.fullmatch(s):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DATE_NOYEAR.fullmatch(s):
        year, month, day = None, int(m.group(1)), int(m.group(2))
    elif m := _DATE_DOTS.fullmatch(s) or _DATE_DASHES.fullmatch(s):
        day, month = int(m.group(1)), int(m.group(2))
        year = _year(m.group(3))
    elif m := _DATE_SLASH.fullmatch(s):
        first, second = int(m.group(1)), int(m.group(2))
        month, day = (second, first) if first > 12 else (first, second)
        year = _year(m.group(3))
    else:
        raise ValueError("not a date")
    if year is not None and not 1 <= year <= 9999:
        raise ValueError("no such year")
    return PartialDate(year=year, month=month, day=day)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    if len(text) == 2:
        this_year = dt.date.today().year
        year += this_year - this_year % 100
        if year > this_year:
            year -= 100
    return year


_THREE_DIGITS = re.compile(r"\d\D*\d\D*\d")
_SPACES = re.compile(r"\s{2,}|[^\S ]")


def _clean_phone(text: str) -> str | None:
    """The number as written, whitespace collapsed; None unless it has three digits."""
    number = text.strip()
    if _SPACES.search(number):
        number = " ".join(number.split())
    if len(number) > 100 or not _THREE_DIGITS.search(number):
        return None
    return number


def _clean_tag(tag: str) -> str:
    """A tag as Rolodex keeps them: one line, no commas."""
    return " ".join(tag.replace(",", " ").split())


def _join_name(given: str, family: str) -> str:
    if not (given and family):
        return given or family
    # Nothing below U+1100 is CJK: most names are decided by their first characters.
    if family[0] >= "\u1100" and given[0] >= "\u1100" and all(map(is_cjk, family + given)):
        return family + given
    return given + " " + family


# ---------------------------------------------------------------------------- detection


def detect_preset(header: list[str]) -> str | None:
    """The layout a header row belongs to, or None (``generic`` is never detected)."""
    names = {_norm(h) for h in header}
    if {"uid", "display_name", "emails", "phones"} <= names:
        return "rolodex"
    if {"first name", "last name", "url", "connected on"} <= names:
        return "linkedin"
    if {"given name", "family name"} <= names and (
        names & {"group membership", "e-mail 1 - type", "phone 1 - type", "name"}
    ):
        return "google-legacy"
    if {"first name", "last name"} <= names and (
        names & {"labels", "e-mail 1 - value", "phone 1 - value", "e-mail 1 - label"}
    ):
        return "google"
    if {"vorname", "nachname"} <= names and (
        names & {"e-mail-adresse", "mobiltelefon", "telefon geschäftlich", "kategorien", "notizen"}
    ):
        return "outlook-de"
    if {"first name", "last name"} <= names and (
        names & {"e-mail address", "mobile phone", "business phone", "home phone", "job title"}
    ):
        return "outlook"
    return None


def _known_header(row: list[str]) -> bool:
    """Whether every cell of ``row`` names a column some layout reads (``First Name``,
    ``E-mail 1 - Value``, ``email`` …): a header, even when no layout can be told from it."""
    names = [_norm(c) for c in row if c.strip()]
    return bool(names) and all(
        any(n in table for table in _TABLES.values())
        or _google_numbered(n) is not None
        or _field_role(n) is not None
        for n in names
    )


def _same_family(found: str | None, wanted: str) -> bool:
    if found is None:
        return False
    if wanted.startswith("google"):
        return found.startswith("google")
    return found == wanted


def _header_match(row: list[str], preset: str | None, columns: frozenset[str]) -> str | None:
    """The effective preset if ``row`` is the header of the file, else None."""
    if not row or not any(row):
        return None
    if columns and not columns <= {_norm(c) for c in row}:
        return None
    found = detect_preset(row)
    if preset is None:
        return found or ("generic" if columns else None)
    if preset == "generic":
        return "generic"
    return preset if _same_family(found, preset) else None


# ---------------------------------------------------------------------------- the map


def _field_role(field: str) -> Role | None:
    key = field.strip()
    low = key.lower()
    if low.startswith("custom:"):
        name = key[7:].strip()
        if not name or "=" in name:
            return None
        return ("custom", name)
    low = _FIELD_ALIASES.get(low, low)
    return _FIELD_ROLES.get(low)


def parse_map(text: str) -> dict[str, str]:
    """``COLUMN=FIELD`` lines (``--map`` options or a map file) as ``{column: field}``.

    Blank lines and lines starting with ``#`` are skipped; a column name may contain ``=``
    (the last one separates the field). Fields are those in FIELDS (``custom:NAME`` keeps any
    name) and a few aliases (``first_name``, ``company``, ``notes`` …). UsageError names every
    line that is not ``COLUMN=FIELD``, names an unknown field or maps a column twice."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        column, sep, field = line.rpartition("=")
        column, field = column.strip(), field.strip()
        if not sep or not column or not field:
            problems.append(f"line {number}: {_short(line)} is not COLUMN=FIELD")
            continue
        if _field_role(field) is None:
            if field.lower().startswith("custom:"):
                why = "custom:NAME needs a name without '='"
            else:
                close = difflib.get_close_matches(field.lower(), FIELDS, n=1)
                why = f"did you mean {close[0]!r}?" if close else "see the field list"
            problems.append(f"line {number}: unknown field {_short(field)} ({why})")
            continue
        key = _norm(column)
        if key in seen:
            problems.append(
                f"line {number}: column {_short(column)} is already mapped on line {seen[key]}"
            )
            continue
        seen[key] = number
        low = field.lower()
        out[column] = field if low.startswith("custom:") else _FIELD_ALIASES.get(low, low)
    if problems:
        raise UsageError(
            "bad column map: " + "; ".join(problems) + f". Fields: {', '.join(FIELDS)}"
        )
    return out


def _map_roles(mapping: dict[str, str] | None) -> dict[str, Role]:
    roles: dict[str, Role] = {}
    for column, field in (mapping or {}).items():
        role = _field_role(field)
        if role is None:
            raise UsageError(f"unknown field {_short(field)} for column {_short(column)}")
        roles[_norm(column)] = role
    return roles


# ---------------------------------------------------------------------------- the plan


class _Plan:
    """What to take from which cell, worked out once from the header."""

    __slots__ = (
        "addresses",
        "attrs",
        "custom",
        "dates",
        "emails",
        "events",
        "full",
        "header",
        "notes",
        "pairs",
        "phones",
        "rare",
        "stage",
        "tags",
        "uid",
        "urls",
        "width",
    )

    def __init__(self, header: list[str], preset: str, overrides: dict[str, Role]) -> None:
        table = _TABLES[preset]
        numbered = preset.startswith("google")
        self.header = header
        self.width = len(header)
        self.attrs: list[tuple[str, int]] = []
        self.full: list[tuple[int, bool]] = []
        self.notes: list[int] = []
        self.tags: list[tuple[int, str]] = []
        self.dates: list[tuple[str, int]] = []
        self.stage: list[int] = []
        self.uid: list[int] = []
        self.custom: list[tuple[str, int]] = []
        slots: dict[str, list[tuple[int, int, int, str, bool, Any]]] = {
            "email": [],
            "phone": [],
            "url": [],
        }
        numbered_cols: dict[tuple[str, int], dict[str, int]] = {}
        addr_groups: dict[str, dict[str, int]] = {}
        for i, cell in enumerate(header):
            key = _norm(cell)
            role = overrides.get(key) or table.get(key)
            if role is None and numbered:
                role = _google_numbered(key)
            if role is None:
                continue
            kind = role[0]
            if kind == "attr":
                self.attrs.append((role[1], i))
            elif kind == "full":
                self.full.append((i, role[1]))
            elif kind == "note":
                self.notes.append(i)
            elif kind == "tags":
                self.tags.append((i, role[1]))
            elif kind == "date":
                self.dates.append((role[1], i))
            elif kind == "stage":
                self.stage.append(i)
            elif kind == "uid":
                self.uid.append(i)
            elif kind == "addr":
                addr_groups.setdefault(role[1], {})[role[2]] = i
            elif kind in ("email", "phone", "url", "custom", "event") and isinstance(role[1], int):
                numbered_cols.setdefault((kind, role[1]), {})[role[2]] = i
            elif kind == "custom":
                self.custom.append((role[1], i))
            elif kind in slots:
                _, label, preferred, priority, sep = role
                slots[kind].append((priority, i, -1, label, preferred, sep))
        self.pairs: list[tuple[int, int, int]] = []  # Google custom fields: (n, label, value)
        self.events: list[tuple[int, int, int]] = []
        for (kind, n), cols in sorted(numbered_cols.items()):
            value = cols.get("value", -1)
            if value < 0:
                continue
            label = cols.get("label", -1)
            if kind in slots:
                sep = _GOOGLE_SEP
                slots[kind].append((n, value, label, "", False, sep))
            elif kind == "custom":
                self.pairs.append((n, label, value))
            else:
                self.events.append((n, label, value))
        for kind in slots:
            slots[kind].sort(key=lambda s: (s[0], s[1]))
        self.emails = [s[1:] for s in slots["email"]]
        self.phones = [s[1:] for s in slots["phone"]]
        self.urls = [s[1:] for s in slots["url"]]
        # Per address: the label column and label, then the columns of _ADDRESS_PARTS
        # (-1, the empty cell build() appends to every row, where there is none).
        self.addresses: list[tuple[int, str, tuple[int, ...]]] = []
        for group, parts in addr_groups.items():
            label_col = parts.pop("label", -1)
            if parts:
                fixed = group if group in ("work", "home", "other") else ""
                columns = tuple(parts.get(p, -1) for p in _ADDRESS_PARTS)
                self.addresses.append((label_col, fixed, columns))
        self.rare = bool(self.stage or self.uid or self.custom or self.pairs or self.events)

    def usable(self) -> bool:
        return bool(
            self.emails
            or self.phones
            or self.full
            or any(a in ("given_name", "family_name", "nickname") for a, _ in self.attrs)
        )

    # ------------------------------------------------------------------ one row
    def build(self, row: list[str]) -> tuple[ContactRecord, list[str], bool]:
        """The record, its warnings, and whether it names anyone (a name, email or phone)."""
        warnings: list[str] = []
        row.append("")  # what column -1 (a part the layout lacks) reads
        c = Contact()
        c.provenance.source = SOURCE
        for attr, i in self.attrs:
            v = row[i]
            if v and not getattr(c, attr):
                setattr(c, attr, v)
        full, exact = "", False
        for i, exact in self.full:
            v = row[i]
            if v if exact else v.strip():
                full = v
                break
        given, family = c.given_name, c.family_name
        if full and not (given or family):
            c.given_name, c.family_name = given, family = split_name(full)
        if full and exact:
            c.display_name = full
        elif given or family:
            joined = _join_name(given, family)
            c.display_name = joined if joined.strip() else full
        elif full:
            c.display_name = full
        named = bool(
            c.display_name
            or c.additional_name.strip()
            or c.nickname.strip()
            or c.given_name.strip()
            or c.family_name.strip()
        )
        if self.emails:
            emails = self._emails(row, warnings)
            if emails:
                c.emails = emails
        if self.phones:
            phones = self._phones(row, warnings)
            if phones:
                c.phones = phones
        if self.urls:
            urls = self._urls(row)
            if urls:
                c.urls = urls
        if self.addresses:
            addresses = self._addresses(row)
            if addresses:
                c.addresses = addresses
        for i, style in self.tags:
            v = row[i]
            if v and not v.isspace():
                _add_tags(c.tags, v, style, self.header[i], warnings)
        notes = [_newlines(row[i]) for i in self.notes if row[i] and not row[i].isspace()]
        for which, i in self.dates:
            v = row[i]
            if v and not v.isspace() and getattr(c, which) is None:
                try:
                    setattr(c, which, _parse_date(v))
                except ValueError:
                    warnings.append(
                        f"{self.header[i]}: {_short(v)} is not a possible date; dropped"
                    )
        if self.rare:
            self._rare(row, c, warnings)
        return ContactRecord(c, notes), warnings, named or bool(c.emails or c.phones)

    def _emails(self, row: list[str], warnings: list[str]) -> list[Email]:
        emails: list[Email] = []
        seen: set[str] = set()
        for value, label_col, label, preferred, sep in self.emails:
            v = row[value]
            if not v:
                continue
            if label_col >= 0:
                label, preferred = _label(row[label_col])
            parts = (v,) if sep is None else v.split(sep) if type(sep) is str else sep.split(v)
            for part in parts:
                try:
                    address = normalize_email(part)
                except UsageError:
                    if part and not part.isspace():
                        warnings.append(
                            f"{self.header[value]}: {_short(part)} is not an email address; dropped"
                        )
                    continue
                key = address.lower()
                if key not in seen:
                    seen.add(key)
                    emails.append(Email(address, label, preferred))
                preferred = False
        if emails:
            _one_preferred(emails)
        return emails

    def _phones(self, row: list[str], warnings: list[str]) -> list[Phone]:
        phones: list[Phone] = []
        seen: dict[str, Phone] = {}
        for value, label_col, label, preferred, sep in self.phones:
            v = row[value]
            if not v:
                continue
            if label_col >= 0:
                label, preferred = _label(row[label_col])
            parts = (v,) if sep is None else v.split(sep) if type(sep) is str else sep.split(v)
            for part in parts:
                number = _clean_phone(part)
                if number is None:
                    if part and not part.isspace():
                        warnings.append(
                            f"{self.header[value]}: {_short(part)} is not a phone number; dropped"
                        )
                    continue
                kept = seen.get(number)
                if kept is None:
                    seen[number] = kept = Phone(number, None, label, preferred)
                    phones.append(kept)
                elif kept.label in _VAGUE_LABELS and label not in _VAGUE_LABELS:
                    # The same number twice (Outlook's Primary Phone is often the Mobile
                    # Phone): the copy kept takes the label that says more.
                    kept.label = label
                preferred = False
        if phones:
            _one_preferred(phones)
        return phones

    def _urls(self, row: list[str]) -> list[Url]:
        urls: list[Url] = []
        for value, label_col, label, preferred, sep in self.urls:
            v = row[value]
            if not v:
                continue
            if label_col >= 0:
                label, preferred = _label(row[label_col])
            parts = (v,) if sep is None else v.split(sep) if type(sep) is str else sep.split(v)
            for part in parts:
                part = part.strip()
                if part and all(u.url != part for u in urls):
                    urls.append(Url(part, label, preferred))
                    preferred = False
        if urls:
            _one_preferred(urls)
        return urls

    def _addresses(self, row: list[str]) -> list[Address]:
        addresses: list[Address] = []
        for label_col, fixed, columns in self.addresses:
            street, locality, region, postal, country, po_box, st2, st3, ext, formatted = [
                row[i] for i in columns
            ]
            extended = st2 or st3 or ext
            if extended:
                extended = ", ".join(x for x in (st2, st3, ext) if x and not x.isspace())
            if not (street + locality + region + postal + country + po_box + extended).strip():
                if not formatted.strip():
                    continue
                lines = (x.strip() for x in _newlines(formatted).split("\n"))
                street = ", ".join(x for x in lines if x)
            label, preferred = _label(row[label_col]) if label_col >= 0 else (fixed, False)
            addresses.append(
                Address(
                    street=street,
                    locality=locality,
                    region=region,
                    postal_code=postal,
                    country=country,
                    po_box=po_box,
                    extended=extended,
                    label=label,
                    preferred=preferred,
                )
            )
        if addresses:
            _one_preferred(addresses)
        return addresses

    def _rare(self, row: list[str], c: Contact, warnings: list[str]) -> None:
        """The columns few layouts have: stage, UID, custom fields, Google events."""
        header = self.header
        for i in self.stage:
            v = row[i].strip()
            if v and c.stage is None:
                if v.lower() in STAGES:
                    c.stage = v.lower()
                else:
                    warnings.append(
                        f"{header[i]}: unknown stage {_short(v)} (stages: {', '.join(STAGES)}); "
                        "dropped"
                    )
        for i in self.uid:
            v = row[i].strip()
            if v and not c.uid:
                c.uid = v
        for name, i in self.custom:
            v = row[i]
            if v.strip() and name not in c.custom:
                c.custom[name] = v
        for n, label_col, value in self.pairs:
            v = row[value]
            if v.strip():
                name = row[label_col].strip() if label_col >= 0 else ""
                c.custom.setdefault(name or f"custom field {n}", v)
        for n, label_col, value in self.events:
            v = row[value]
            if not v.strip():
                continue
            name = row[label_col].strip() if label_col >= 0 else ""
            if name.lower() in ("anniversary", "jahrestag") and c.anniversary is None:
                try:
                    c.anniversary = _parse_date(v)
                    continue
                except ValueError:
                    warnings.append(
                        f"{header[value]}: {_short(v)} is not a possible date; kept as text"
                    )
            c.custom.setdefault(name or f"event {n}", v)


def _one_preferred(items: list[Any]) -> None:
    """Exactly one preferred item: the first marked one, else the first."""
    if len(items) == 1:
        items[0].preferred = True
        return
    first = next((x for x in items if x.preferred), items[0])
    for x in items:
        x.preferred = x is first


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


_tag_cache: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _add_tags(tags: list[str], value: str, style: str, column: str, warnings: list[str]) -> None:
    """Add the tags of one cell (split as ``style`` says) that ``tags`` does not have yet."""
    key = (value, style)
    found = _tag_cache.get(key)
    if found is None:
        found = _read_tags(value, style)
        if len(value) <= 200 and len(_tag_cache) < 4096:
            _tag_cache[key] = found
    new, notes = found
    if notes:
        warnings.extend(f"{column}: {note}" for note in notes)
    if not tags:
        tags.extend(new)
        return
    known = {t.casefold() for t in tags}
    for tag in new:
        if tag.casefold() not in known:
            known.add(tag.casefold())
            tags.append(tag)


# Groups every Google contact is in, not labels a person chose: "* myContacts" in the current
# layout, "* My Contacts" in the legacy one (compared without spaces, case-folded).
_GOOGLE_SYSTEM_GROUPS = frozenset({"mycontacts", "othercontacts", "chatbuddies", "blocked"})


def _read_tags(value: str, style: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(tags, warnings) of one cell, without duplicates."""
    if style == "google":
        parts = value.split(_GOOGLE_SEP)
    elif style == "any":
        parts = _ANY_SEP.split(value)
    else:
        parts = value.split(style.strip() or style)
    tags: list[str] = []
    notes: list[str] = []
    known: set[str] = set()
    for part in parts:
        raw = part.strip()
        if style == "google" and raw.startswith("*"):
            raw = raw[1:].strip()
            if raw.casefold().replace(" ", "") in _GOOGLE_SYSTEM_GROUPS:
                continue
        tag = _clean_tag(raw)
        if not tag:
            continue
        if len(tag) > 100:
            notes.append(f"tag {_short(tag)} is longer than 100 characters; dropped")
            continue
        if tag != raw:
            notes.append(f"tag {_short(raw)} read as {_short(tag)}")
        if tag.casefold() not in known:
            known.add(tag.casefold())
            tags.append(tag)
    return tuple(tags), tuple(notes)


# ---------------------------------------------------------------------------- reading


# A markup tag where the header should be: a web page (a login or error page saved in place of
# the export) or XML. A tag further down is data (an HTML signature in a Notes cell).
_MARKUP = re.compile(r"\s*<[!?a-zA-Z]")
_DELIMITERS = (",", ";", "\t", "|")


def _text(data: bytes) -> tuple[str, list[int]]:
    """The file as text, and the lines read as Windows-1252 in a file that is otherwise UTF-8
    (see ``_text_by_line``); BadInput when it is not a text export at all."""
    if not data.strip(b" \t\r\n\x0c\xef\xbb\xbf"):
        raise BadInput("no records: the file is empty")
    # looks_binary counts the NULs of UTF-16 as control bytes; UTF-16 is checked as text below.
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and looks_binary(data):
        raise BadInput("this is binary data, not a CSV export")
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError:
        raise BadInput("this is binary data, not a CSV export (bad UTF-16)") from None
    odd: list[int] = []
    if encoding == "cp1252" and _UTF8_SEQUENCE.search(data):
        text, odd = _text_by_line(data)
    if "\x00" in text:
        raise BadInput("the file contains NUL bytes: binary data, not a CSV export")
    head = text[:8192]
    if head:
        controls = sum(1 for ch in head if ch < " " and ch not in "\t\n\r\x0c")
        if controls / len(head) > 0.05:
            raise BadInput("this is binary data, not a CSV export")
    if _MARKUP.match(head):
        raise BadInput(
            "this is an HTML or XML page, not a CSV export "
            "(a login or error page saved instead of the file?)"
        )
    if not text.strip():
        raise BadInput("no records: the file is empty")
    return text, odd


# A multi-byte UTF-8 sequence: a file that has them but is not all UTF-8 is UTF-8 with some
# lines from elsewhere (rows added in a program that saved Windows-1252), not a cp1252 file.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _text_by_line(data: bytes) -> tuple[str, list[int]]:
    """Each line in UTF-8 when it is, else in Windows-1252; and the numbers of those lines."""
    out: list[str] = []
    odd: list[int] = []
    for number, line in enumerate(data.split(b"\n"), 1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
            odd.append(number)
    return "\n".join(out), odd


def _flag_lines(records: Iterator[Any], odd: list[int]) -> Iterator[Any]:
    """Records, each read record warned about the lines of it that were not UTF-8."""
    waiting: Any = None
    k = 0
    for rec in records:
        if waiting is not None:
            k = _flag(waiting, odd, k, rec.line)
            yield waiting
        waiting = rec
    if waiting is not None:
        _flag(waiting, odd, k, None)
        yield waiting


def _flag(rec: Any, odd: list[int], k: int, next_line: int | None) -> int:
    while k < len(odd) and odd[k] < rec.line:
        k += 1
    mine = []
    while k < len(odd) and (next_line is None or odd[k] < next_line):
        mine.append(odd[k])
        k += 1
    if mine and type(rec) is Parsed:
        text = "not UTF-8 like the rest of the file; read as Windows-1252"
        if mine != [rec.line]:  # a record of several lines: say which
            text += f" (line{'s' if len(mine) > 1 else ''} {', '.join(map(str, mine))})"
        rec.warnings.append(text)
    return k


def _head_rows(head: str, delimiter: str) -> list[list[str]]:
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if row and any(c.strip() for c in row):
                rows.append(row)
                if len(rows) >= HEADER_SCAN:
                    break
    except csv.Error:
        pass
    return rows


def _sniff(text: str, preset: str | None, columns: frozenset[str]) -> str:
    """The delimiter that makes a header appear; else the one giving the widest first row."""
    head = text[:65536]
    best, best_width = ",", 0
    for delimiter in _DELIMITERS:
        rows = _head_rows(head, delimiter)
        if any(_header_match(r, preset, columns) for r in rows):
            return delimiter
        width = len(rows[0]) if rows else 0
        if width > best_width:
            best, best_width = delimiter, width
    return best


_LONE_CR = re.compile(r"\r(?!\n)")
_CR_MARKS = ("\ue000", "\ue001", "\ue002", "\ufdd0", "\ufdd1")


def _hide_lone_cr(text: str) -> tuple[str, str | None]:
    """The text with every CR that is not part of CRLF replaced by a character it does not
    contain, and that character (None when nothing was replaced).

    A file whose lines end in LF or CRLF may still hold a bare CR inside a cell: Rolodex's
    own export writes a cell such as ``'\\rtext`` unquoted. csv would end the record there.
    A file with no LF at all is an old Mac file whose lines end in CR: left alone."""
    if "\r" not in text or "\n" not in text or _LONE_CR.search(text) is None:
        return text, None
    mark = next((ch for ch in _CR_MARKS if ch not in text), None)
    if mark is None:
        return text, None
    return _LONE_CR.sub(mark, text), mark


_EOL = re.compile(r"\r\n|\r|\n")


class _Lines:
    """The lines of a text with their ends (\n, \r\n or \r), and where the next one starts.

    What ``io.StringIO(text, newline="")`` gives csv.reader, without the copy: StringIO keeps
    its own 4-bytes-a-character buffer, 100 MB for a 100,000-row export."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def tell(self) -> int:
        return self.pos

    def __next__(self) -> str:
        text, start = self.text, self.pos
        if start >= len(text):
            raise StopIteration
        eol = _EOL.search(text, start)
        self.pos = eol.end() if eol else len(text)
        return text[start : self.pos]


class _Reader:
    """csv.reader over the text, with where each record starts (line and offset), and the
    repairs every row needs: bare CRs put back, Rolodex's injection guard taken off."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.unescape = _ESCAPED.search(text) is not None
        self.text, self.mark = _hide_lone_cr(text)
        self.fixing = self.unescape or self.mark is not None
        self.stream = _Lines(self.text)
        self.reader = csv.reader(self.stream, delimiter=delimiter)
        self.line = 0
        self.pos = 0

    def fix(self, row: list[str]) -> list[str]:
        mark = self.mark
        if mark is not None:
            row = [c.replace(mark, "\r") if mark in c else c for c in row]
        if self.unescape:
            row = [_unescape(c) for c in row]
        return row

    def raw(self, start: int, end: int) -> str:
        raw = self.text[start:end]
        if raw.endswith("\n"):
            raw = raw[:-1]
        if raw.endswith("\r"):
            raw = raw[:-1]
        if self.mark is not None:
            raw = raw.replace(self.mark, "\r")
        return raw

    def next(self) -> tuple[list[str] | None, int, int, int, str | None]:
        """(row, first line, start offset, end offset, error); row None at the end."""
        start_line, start = self.line + 1, self.pos
        try:
            row = next(self.reader)
            error = None
        except StopIteration:
            return None, start_line, start, start, None
        except csv.Error as exc:
            row, error = [], str(exc)
        self.line = self.reader.line_num
        self.pos = self.stream.pos
        return row, start_line, start, self.pos, error


def _blank(row: list[str]) -> bool:
    return not any(row) or not "".join(row).strip()


def parse_csv(
    data: bytes, *, preset: str | None = None, mapping: dict[str, str] | None = None
) -> Iterator[Parsed[ContactRecord] | Rejected]:
    """Contacts from one CSV file, one ``Parsed`` or ``Rejected`` per record, streaming.

    ``preset`` picks the layout (default: detected from the header); ``mapping`` maps columns
    to FIELDS — alone it reads any layout (``generic``), with a preset it overrides what the
    preset does with those columns. The whole-file checks (binary, HTML, empty, header) run
    before this returns, so a file that cannot be read raises BadInput here."""
    if preset is not None and preset not in PRESETS:
        raise UsageError(f"unknown CSV preset {preset!r}; presets: {', '.join(PRESETS)}")
    overrides = _map_roles(mapping)
    if preset == "generic" and not overrides:
        raise UsageError("the generic preset needs a column map: --map COLUMN=FIELD")
    columns = frozenset(overrides)
    text, odd = _text(data)
    delimiter = _sniff(text, preset, columns)

    previous_limit = csv.field_size_limit()
    if previous_limit <= len(text):
        csv.field_size_limit(len(text) + 1)
    try:
        src = _Reader(text, delimiter)
        header, effective, pending, header_raw = _find_header(src, preset, columns, overrides)
        plan = _Plan(header, effective, overrides)
        if not plan.usable():
            raise BadInput(
                f"the header has no name, email or phone column for the {effective} layout "
                f"(columns: {_columns_hint(header)}); choose another --preset or use --map"
            )
        first = _first_record(src, pending)
        if first is None:
            raise BadInput("no records: the file has a header but no rows")
    except BaseException:
        _restore_limit(previous_limit, len(text) + 1)
        raise
    records = _headed(_records(src, plan, first, pending, previous_limit), header_raw)
    if odd:
        records = _flag_lines(records, odd)
    detected = detect_preset(header) if preset is not None else None
    if detected is not None and detected != effective and not overrides:
        # A preset chosen by hand that is not the file's: most of its columns are not read.
        records = _warn_first(
            records,
            f"the header is the {detected} layout, read as {effective} (--preset): columns "
            f"that layout does not know are ignored; without --preset it is read as {detected}",
        )
    return records


def _warn_first(records: Iterator[Any], message: str) -> Iterator[Any]:
    """The records, the first one read with one more warning."""
    warned = False
    for rec in records:
        if not warned and type(rec) is Parsed:
            rec.warnings.insert(0, message)
            warned = True
        yield rec


def _headed(records: Iterator[Any], header: str) -> Iterator[Any]:
    """Rejected rows carry the header, so that a rejects file is a CSV file of its own."""
    for rec in records:
        if type(rec) is Rejected:
            rec.header = header
        yield rec


def _restore_limit(previous: int, ours: int) -> None:
    if previous < ours and csv.field_size_limit() == ours:
        csv.field_size_limit(previous)


Pending = list[tuple[list[str], int, int, int, str | None]]


def _find_header(
    src: _Reader, preset: str | None, columns: frozenset[str], overrides: dict[str, Role]
) -> tuple[list[str], str, Pending, str]:
    """The header row, the effective preset, the rows read after it (to be parsed) and the
    header as written."""
    scanned: Pending = []  # the non-blank rows read so far
    while len(scanned) < HEADER_SCAN:
        item = src.next()
        row = item[0]
        if row is None:
            break
        if item[4] is None and _blank(row):
            continue
        scanned.append(item)
        effective = _header_match(row, preset, columns)
        if effective is not None:
            return row, effective, [], src.raw(item[2], item[3])
    if not scanned:
        raise BadInput("no records: the file is empty")
    first = scanned[0][0]
    present = {_norm(c) for c in first}
    missing = [c for c in columns if c not in present]
    if missing:
        raise UsageError(
            f"the column map names columns that are not in the header: "
            f"{', '.join(_short(c, 30) for c in sorted(missing))} "
            f"(header: {_columns_hint(first)})"
        )
    if preset is not None:
        # An explicit preset on a header that does not look like it: the first row that gives
        # the preset something to read is the header.
        for index, item in enumerate(scanned):
            if item[0] and _Plan(item[0], preset, overrides).usable():
                return item[0], preset, scanned[index + 1 :], src.raw(item[2], item[3])
        raise BadInput(
            f"the header does not match the {preset} layout (columns: {_columns_hint(first)}); "
            "choose another --preset or map the columns with --map COLUMN=FIELD"
        )
    if len(scanned) == 1 and _known_header(first):
        # Only a header (no layout can be told from ``First Name,Last Name`` alone): say
        # what is missing, as for a header whose layout is known.
        raise BadInput("no records: the file has a header but no rows")
    hint = ""
    if first and first[0].strip().upper().startswith(("BEGIN:VCARD", "BEGIN:VCALENDAR")):
        hint = " This looks like a vCard/iCalendar file, not CSV."
    raise BadInput(
        f"unknown CSV layout (columns: {_columns_hint(first)}): choose one with --preset "
        f"({', '.join(p for p in PRESETS if p != 'generic')}) or map the columns with "
        f"--map COLUMN=FIELD.{hint}"
    )


def _first_record(src: _Reader, pending: Pending) -> tuple[Any, ...] | None:
    """Whether any non-blank row follows the header: the first one (moved out of ``pending``
    or read), or None."""
    while pending:
        item = pending.pop(0)
        if item[4] is not None or not _blank(item[0]):
            return item
    while True:
        item = src.next()
        if item[0] is None:
            return None
        if item[4] is not None or not _blank(item[0]):
            return item


def _records(
    src: _Reader,
    plan: _Plan,
    first: tuple[Any, ...],
    pending: Pending,
    previous_limit: int,
) -> Iterator[Parsed[ContactRecord] | Rejected]:
    ours = len(src.text) + 1
    try:
        for item in (first, *pending):
            out = _one(src, plan, item)
            if out is not None:
                yield out
        reader, stream = src.reader, src.stream
        width = plan.width
        build = plan.build
        tell = stream.tell
        fixing, fix = src.fixing, src.fix
        line = src.line
        pos = src.pos
        while True:
            start_line, start = line + 1, pos
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                line, pos = reader.line_num, tell()
                yield Rejected(start_line, f"cannot read the row: {exc}", src.raw(start, pos))
                continue
            line, pos = reader.line_num, tell()
            if not row or not any(row):
                continue
            if fixing:
                row = fix(row)
            n = len(row)
            if n != width or pos - start > MAX_FIELD:
                out = _odd_row(src, plan, row, start_line, line, start, pos)
                if out is not None:
                    yield out
                continue
            record, warnings, named = build(row)
            if named:
                yield Parsed(record, start_line, warnings)
            elif "".join(row).strip():
                yield Rejected(start_line, _nobody(warnings), src.raw(start, pos))
    finally:
        _restore_limit(previous_limit, ours)


def _one(
    src: _Reader, plan: _Plan, item: tuple[Any, ...]
) -> Parsed[ContactRecord] | Rejected | None:
    """One row read before the main loop (the slow path, same rules)."""
    row, start_line, start, end, error = item
    if error is not None:
        return Rejected(start_line, f"cannot read the row: {error}", src.raw(start, end))
    if _blank(row):
        return None
    if src.fixing:
        row = src.fix(row)
    last_line = start_line + src.text.count("\n", start, max(start, end - 1))
    return _odd_row(src, plan, row, start_line, last_line, start, end)


def _odd_row(
    src: _Reader,
    plan: _Plan,
    row: list[str],
    start_line: int,
    last_line: int,
    start: int,
    end: int,
) -> Parsed[ContactRecord] | Rejected | None:
    """A row that is not the plain case: wrong width, a huge cell, or read early."""
    if _blank(row):
        return None
    width = plan.width
    if end - start > MAX_FIELD:
        longest = max(map(len, row))
        if longest > MAX_FIELD:
            return Rejected(
                start_line,
                f"a cell of {longest:,} characters is longer than the limit of {MAX_FIELD:,}",
                src.raw(start, end),
            )
    warnings: list[str] = []
    spans = f" and spans lines {start_line}-{last_line} (a stray quote?)"
    if len(row) > width:
        return Rejected(
            start_line,
            f"the row has {len(row)} cells, the header {width}"
            + (spans if last_line > start_line else ""),
            src.raw(start, end),
        )
    if len(row) < width and last_line > start_line:
        # Short and over several lines: a quote that was never closed swallowed what follows.
        return Rejected(
            start_line, f"the row has {len(row)} of {width} cells" + spans, src.raw(start, end)
        )
    if len(row) < width:
        warnings.append(
            f"the row has {len(row)} of {width} cells; the missing ones were read as empty"
        )
        row = row + [""] * (width - len(row))
    record, more, named = plan.build(row)
    if not named:
        return Rejected(start_line, _nobody(more), src.raw(start, end))
    return Parsed(record, start_line, warnings + more)


def _nobody(warnings: list[str]) -> str:
    reason = "no name, email or phone"
    return f"{reason} ({'; '.join(warnings)})" if warnings else reason


def sniff_csv(data: bytes) -> bool:
    """Whether ``data`` looks like a CSV export of contacts (for picking an importer): text,
    not HTML or vCard/iCalendar, with a header of a known layout, or else a first and a second
    row of several cells each. Reads at most the first 64 KiB."""
    head = data[:65536]
    if not head.strip():
        return False
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and looks_binary(head):
        return False
    try:
        text, _ = decode_text(head)
    except UnicodeDecodeError:
        return False
    if "\x00" in text or _MARKUP.match(text):
        return False
    start = text.lstrip()[:16].upper()
    if start.startswith(("BEGIN:VCARD", "BEGIN:VCALENDAR")):
        return False
    delimiter = _sniff(text, None, frozenset())
    rows = _head_rows(text, delimiter)
    if any(detect_preset(r) for r in rows):
        return True
    if len(rows) == 1 and _known_header(rows[0]):
        return True  # a header alone: parse_csv says that it has no rows
    # Any other layout: a header and a row, each of several cells.
    return len(rows) >= 2 and len(rows[0]) >= 2 and len(rows[1]) >= 2
