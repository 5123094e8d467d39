"""The boundaries of DESIGN.md, checked: what imports what, and what a command loads."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "rolodex"
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "textual", "rich", "dateutil", "phonenumbers")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def files(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def offenders(sub: str, banned: tuple[str, ...]) -> dict[str, list[str]]:
    out = {}
    for path in files(sub):
        bad = sorted(
            m
            for m in imported_modules(path)
            if any(m == b or m.startswith(b + ".") for b in banned)
        )
        if bad:
            out[str(path.relative_to(PACKAGE))] = bad
    return out


def test_core_knows_no_database_ui_or_cli_library() -> None:
    assert (
        offenders(
            "core",
            (
                "sqlalchemy",
                "sqlmodel",
                "alembic",
                "textual",
                "typer",
                "rich",
                "rolodex.store",
                "rolodex.cli",
                "rolodex.tui",
            ),
        )
        == {}
    )


def test_importers_are_pure() -> None:
    assert (
        offenders(
            "importers",
            (
                "sqlalchemy",
                "sqlmodel",
                "textual",
                "typer",
                "rich",
                "rolodex.store",
                "rolodex.cli",
                "rolodex.tui",
            ),
        )
        == {}
    )


def test_only_the_store_knows_sql() -> None:
    for face in ("cli", "tui"):
        assert (
            offenders(
                face, ("sqlalchemy", "sqlmodel", "alembic", "sqlite3", "psycopg", "rolodex.store")
            )
            == {}
        )


def run_python(code: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env
    )


LOADED = """
import atexit, sys
def report():
    heavy = sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1].split(',')))
    sys.stderr.write('LOADED:' + ','.join(heavy) + '\\n')
atexit.register(report)
sys.argv = ['rolodex'] + sys.argv[2:]
from rolodex.cli.app import main
main()
"""


def loaded(*args: str, env: dict | None = None) -> list[str]:
    proc = run_python(LOADED, ",".join(HEAVY), *args, env=env)
    line = [x for x in proc.stderr.splitlines() if x.startswith("LOADED:")]
    assert line, proc.stderr
    value = line[-1].removeprefix("LOADED:")
    return value.split(",") if value else []


def test_importing_the_cli_loads_nothing_heavy() -> None:
    proc = run_python(
        f"import sys, rolodex.cli.app; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_help_does_not_load_textual_or_the_database_layer() -> None:
    assert set(loaded("--help")).isdisjoint({"textual", "sqlalchemy", "sqlmodel", "alembic"})


@pytest.fixture
def demo_db(tmp_path: Path, isolated_env: Path) -> str:
    import os

    db = str(tmp_path / "demo.db")
    proc = subprocess.run(
        [sys.executable, "-m", "rolodex", "--db", db, "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.mark.parametrize(
    "command",
    [
        ["followups", "--due", "today", "--json"],
        ["task", "list", "--due", "week", "--csv"],
        ["contact", "list", "--json"],
        ["contact", "list", "tag:vip", "--ndjson"],
        ["search", "müller", "--json"],
        ["contact", "show", "1", "--json"],
        ["timeline", "1", "--json"],
        ["history", "--json"],
    ],
)
def test_read_commands_for_scripts_stay_light(demo_db: str, command: list[str]) -> None:
    import os

    assert loaded("--db", demo_db, *command, env=dict(os.environ)) == []
