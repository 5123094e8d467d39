"""What every converter yields. Converters are pure: bytes in, domain objects out (and back).

A parser is a generator over one input: for every record it yields either a ``Parsed`` (the
domain object, the line it started on, and warnings about fields it had to drop) or a
``Rejected`` (the line, the reason and the raw text, to be written to a rejects file). It never
raises for bad records; it raises ``BadInput`` only when the input as a whole is not of its
format (binary, HTML, empty, no record at all).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rolodex.core.models import Account, Contact

T = TypeVar("T")


@dataclass(slots=True)
class Parsed(Generic[T]):
    item: T
    line: int  # 1-based line of the input where the record starts
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Rejected:
    line: int
    reason: str
    raw: str  # the record as it was in the input, for the rejects file
    header: str = ""  # what the rejects file needs before its records (a CSV header row)


def decode_text(data: bytes, *, fallback: str = "cp1252") -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (a BOM is dropped), else ``fallback``.

    Windows exporters write cp1252; every byte sequence decodes in it except five unused
    code points, which are mapped to U+FFFD rather than failing the whole file."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode(fallback, errors="replace"), fallback


def looks_binary(data: bytes) -> bool:
    """NUL bytes or mostly control characters in the first 8 KiB: not a text export."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a byte order mark: text, NULs and all
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return controls / len(head) > 0.05


@dataclass(slots=True)
class ContactRecord:
    """A contact as read from a file, with the free-text notes that came with it (vCard NOTE,
    a CSV "Notes" column); the import turns those into Note records."""

    contact: Contact
    notes: list[str] = field(default_factory=list)
    # When the card was last changed (its REV, as written): a card older than the contact's
    # last change (an old export, a card not edited since it was read) must not undo that
    # change; a card newer than it (edited elsewhere since) is the contact as it is now. Read
    # only when a card meets its contact again (``revised``).
    rev: str = ""

    @property
    def revised(self) -> dt.datetime | None:
        """The REV as a UTC date-time (``20261125T235850Z``, ``2026-11-25T23:58:50Z``)."""
        m = _REV.fullmatch(self.rev.strip().replace("-", "").replace(":", ""))
        if m is None:
            return None
        try:
            return dt.datetime(*map(int, m.groups()), tzinfo=dt.UTC)
        except ValueError:
            return None


_REV = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z")


@dataclass(slots=True)
class AccountRecord:
    """An organisation card (vCard 4.0 ``KIND:org``)."""

    account: Account
    notes: list[str] = field(default_factory=list)
