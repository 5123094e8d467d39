"""Output: rich tables for people; JSON, NDJSON and CSV for scripts.

Only data goes to stdout; messages go to stderr. ``rich`` is imported only when a person is
reading (no ``--json``/``--ndjson``/``--csv``), so pipelines stay cheap to start.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console


class Format(StrEnum):
    human = "human"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


def pick_format(json_: bool, ndjson: bool, csv_: bool) -> Format:
    from rolodex.errors import UsageError

    chosen = [
        f for f, on in ((Format.json, json_), (Format.ndjson, ndjson), (Format.csv, csv_)) if on
    ]
    if len(chosen) > 1:
        raise UsageError("choose one of --json, --ndjson and --csv")
    return chosen[0] if chosen else Format.human


_console: dict[bool, Console] = {}
PIPED_WIDTH = 1000


def console(*, stderr: bool = False) -> Console:
    """A rich console; plain (no colour, no markup styles) for NO_COLOR or a non-terminal."""
    if stderr not in _console:
        from rich.console import Console

        stream = sys.stderr if stderr else sys.stdout
        piped = not stream.isatty() and "COLUMNS" not in os.environ
        _console[stderr] = Console(
            stderr=stderr,
            no_color="NO_COLOR" in os.environ,
            highlight=False,
            soft_wrap=False,
            # Piped into grep or a file: one record per line, never wrapped at 80 columns.
            width=PIPED_WIDTH if piped else None,
        )
    return _console[stderr]


def message(text: str) -> None:
    """A line for the person at the terminal, on stderr (never mixed with data)."""
    if sys.stderr.isatty() and "NO_COLOR" not in os.environ:
        console(stderr=True).print(text, markup=True, highlight=False)
    else:
        sys.stderr.write(_strip_markup(text) + "\n")


def _strip_markup(text: str) -> str:
    from re import sub

    return sub(r"\[/?[a-z #]*\]", "", text)


def emit_records(
    records: Iterable[dict[str, Any]],
    fmt: Format,
    *,
    csv_columns: Sequence[str] = (),
    flatten: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    out: TextIO | None = None,
) -> None:
    """Write records as a JSON array, NDJSON or CSV, streaming (one record at a time)."""
    out = out or sys.stdout
    if fmt is Format.json:
        out.write("[")
        first = True
        for rec in records:
            out.write("\n  " if first else ",\n  ")
            out.write(json.dumps(rec, ensure_ascii=False, default=_default))
            first = False
        out.write("\n]\n" if not first else "]\n")
    elif fmt is Format.ndjson:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False, default=_default) + "\n")
    elif fmt is Format.csv:
        writer = csv.writer(out)  # RFC 4180: CRLF, and cells with CR or LF quoted
        writer.writerow(csv_columns)
        for rec in records:
            row = flatten(rec) if flatten else rec
            writer.writerow([safe_cell(row.get(col)) for col in csv_columns])
    out.flush()


def emit_one(record: dict[str, Any], fmt: Format) -> None:
    """A single record: a JSON object (not an array) for ``--json``."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2, default=_default) + "\n")
    else:
        emit_records([record], fmt)


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # A leading "'" guards a formula. Text that already starts with one or more "'" and then
    # a formula character gets one more, so that an import (which removes one "'" from
    # exactly such cells) gives back exactly this text: the two are inverses.
    if text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def local(value: dt.datetime | None, *, seconds: bool = False) -> str:
    """A stored (UTC) timestamp in local time, for people."""
    if value is None:
        return ""
    fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return value.astimezone().strftime(fmt)


def table(*columns: str, title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for col in columns:
        t.add_column(col, no_wrap=col in _NO_WRAP, overflow="fold")
    return t


_NO_WRAP = {"ID", "Email", "Phone", "Due", "When", "Removed"}


def print_table(t: Any) -> None:
    console().print(t)
