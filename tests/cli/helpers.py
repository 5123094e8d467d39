"""Run the real Typer app in-process and read what it wrote.

``CliRunner`` in this Typer version keeps stdout and stderr apart (``result.stdout`` holds only
data, ``result.stderr`` only messages), so tests can hold the CLI to its contract: data on
stdout, one line per error on stderr, documented exit codes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from rolodex.cli.app import app

runner = CliRunner()

# CliRunner.invoke turns the Typer app into a click command on every call, which costs far
# more than running the command itself. Build it once (as a real process does at start-up)
# and hand that to every invocation; the command objects keep no state between runs.
_COMMAND = typer.main.get_command(app)


@contextmanager
def _built_once() -> Iterator[None]:
    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # a Typer without this hook: build per call, just slower
        yield
        return
    typer.testing._get_command = lambda typer_app: (  # type: ignore[attr-defined]
        _COMMAND if typer_app is app else build(typer_app)
    )
    try:
        yield
    finally:
        typer.testing._get_command = build  # type: ignore[attr-defined]


#: Ada, as the issue writes her: every option ``contact add`` takes that the tests look at.
ADA = (
    "Ada Lovelace",
    "--email",
    "ada@example.com",
    "--phone",
    "+44 20 7946 0958",
    "--account",
    "Analytical Engines",
    "--title",
    "CTO",
    "--tag",
    "vip",
    "--birthday",
    "1815-12-10",
    "--stage",
    "lead",
)

#: Fields every contact in ``--json`` output carries (more may be added, none removed).
CONTACT_KEYS = {
    "id",
    "uid",
    "display_name",
    "given_name",
    "family_name",
    "emails",
    "phones",
    "addresses",
    "account",
    "title",
    "tags",
    "birthday",
    "stage",
    "created_at",
    "updated_at",
}
#: Fields every task in ``--json`` output carries.
TASK_KEYS = {
    "id",
    "title",
    "kind",
    "due",
    "status",
    "priority",
    "repeat",
    "overdue",
    "contact",
    "completed_at",
}


def cli(
    target: str | None,
    *args: str,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
    catch_exceptions: bool = True,
) -> Result:
    """``rolodex --db TARGET ARGS…`` (no ``--db`` when target is None)."""
    argv = ["--db", target, *args] if target is not None else list(args)
    with _built_once():
        return runner.invoke(app, argv, input=input, env=env, catch_exceptions=catch_exceptions)


def describe(result: Result) -> str:
    return (
        f"exit {result.exit_code} ({result.exception!r})\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )


def ok(target: str | None, *args: str, **kwargs: Any) -> Result:
    """Run a command that must succeed."""
    result = cli(target, *args, **kwargs)
    assert result.exit_code == 0, describe(result)
    assert "Traceback" not in result.output, describe(result)
    return result


def as_json(target: str, *args: str, **kwargs: Any) -> Any:
    """Run a command with ``--json`` (before any ``--``) and parse its stdout."""
    at = args.index("--") if "--" in args else len(args)
    return json.loads(ok(target, *args[:at], "--json", *args[at:], **kwargs).stdout)


def ndjson_rows(text: str) -> list[dict[str, Any]]:
    """Parse NDJSON: every non-empty line is one JSON object."""
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all(isinstance(row, dict) for row in rows)
    return rows


def csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of CSV output."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def add_contact(target: str, *args: str) -> dict[str, Any]:
    """``contact add ARGS --json``: the stored contact."""
    return as_json(target, "contact", "add", *args)


def add_task(target: str, *args: str) -> dict[str, Any]:
    """``task add ARGS --json``: the stored task."""
    return as_json(target, "task", "add", *args)


def contacts(target: str, *query: str) -> list[dict[str, Any]]:
    return as_json(target, "contact", "list", *query)


def names(records: list[dict[str, Any]]) -> list[str]:
    return [r.get("display_name") or r.get("title") for r in records]


def titles(tasks: list[dict[str, Any]]) -> set[str]:
    return {t["title"] for t in tasks}


def state_of(target: str) -> dict[str, Any]:
    """What a failed command must leave untouched: the live contacts and the journal (every
    change to anything is journalled, so an unchanged journal means nothing was written)."""
    return {
        "contacts": as_json(target, "contact", "list"),
        "history": as_json(target, "history", "--limit", "1000"),
    }


def assert_fails(result: Result, code: int, *fragments: str) -> None:
    """The error contract: the exit code, exactly one line on stderr (naming each fragment),
    nothing on stdout and no traceback."""
    assert result.exit_code == code, describe(result)
    assert "Traceback" not in result.output, describe(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, describe(result)
    assert lines[0].startswith("rolodex: "), describe(result)
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), describe(result)
    assert result.stdout == "", describe(result)


def day(offset: int = 0) -> str:
    """Today (plus ``offset`` days) as an ISO date, as the CLI prints due dates."""
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()
