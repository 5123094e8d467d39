"""The fast lane gives exactly what Typer gives, and hands everything else to Typer."""

from __future__ import annotations

import pytest

from rolodex.cli.fast import plan, try_fast
from tests.cli.helpers import ADA, cli, ok


@pytest.fixture
def db(sqlite_target: str) -> str:
    ok(sqlite_target, "contact", "add", *ADA)
    ok(
        sqlite_target,
        "contact",
        "add",
        "Jürgen Müller",
        "--email",
        "jm@example.de",
        "--tag",
        "=cmd|' /C calc'!A0",
    )
    ok(sqlite_target, "contact", "add", "李芳", "--phone", "+86 10 1234 5678")
    ok(sqlite_target, "followup", "add", "ada", "--due", "today")
    ok(sqlite_target, "followup", "add", "müller", "--due", "yesterday")
    ok(sqlite_target, "task", "add", "Renew domain", "--due", "+3d", "--repeat", "yearly")
    ok(sqlite_target, "log", "ada", "--via", "call", "Discussed the engine")
    return sqlite_target


SAME = [
    ["followups", "--due", "today", "--json"],
    ["followups", "--json"],
    ["followups", "--due=overdue", "--ndjson"],
    ["followups", "--due", "week", "--csv"],
    ["task", "list", "--json"],
    ["task", "list", "--due", "week", "--status", "all", "--csv"],
    ["task", "list", "--kind", "followup", "--contact", "ada", "--ndjson"],
    ["contact", "list", "--json"],
    ["contact", "list", "tag:vip", "org:analytical", "--csv"],
    ["contact", "list", "--limit", "1", "--ndjson"],
    ["contact", "list", "--", "-tag:vip", "--json"],
    ["contact", "show", "ada", "--json"],
    ["account", "list", "--json"],
    ["search", "müller", "--json"],
    ["search", "芳", "--limit", "5", "--csv"],
    ["timeline", "ada", "--json"],
    ["history", "--limit", "3", "--json"],
    # errors: the same one line and exit code either way
    ["contact", "show", "nobody", "--json"],
    ["contact", "list", "colour:red", "--json"],
    ["followups", "--due", "fryday", "--json"],
    ["followups", "--json", "--csv"],
]


@pytest.mark.parametrize("args", SAME, ids=" ".join)
def test_fast_lane_matches_typer(db: str, args: list[str], capsys) -> None:
    argv = ["--db", db, *args]
    assert plan(argv) is not None, "this command should take the fast lane"
    code = try_fast(argv)
    fast = capsys.readouterr()
    typer_result = cli(db, *args)
    # The click test runner reads stdout in text mode (CRLF becomes LF); the data is the same.
    assert (code, fast.out.replace("\r\n", "\n"), fast.err) == (
        typer_result.exit_code,
        typer_result.stdout,
        typer_result.stderr,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["followups"],  # for people: rich output, Typer
        ["followups", "--json", "--help"],
        ["contact", "list", "-tag:vip", "--json"],  # unknown option: Typer's error
        ["contact", "list", "--limit", "many", "--json"],
        ["contact", "list", "--limit", "-1", "--json"],
        ["contact", "show", "--json"],  # missing argument
        ["contact", "add", "X", "--json"],  # writes are never in the fast lane
        ["followups", "--json", "--bogus"],
        ["--db"],
        ["--dbx", "y", "followups", "--json"],
        ["search", "--json"],
        ["followups", "--due", "--json"],
    ],
    ids=" ".join,
)
def test_everything_else_goes_to_typer(args: list[str]) -> None:
    assert plan(args) is None
