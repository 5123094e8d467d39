"""Shared fixtures.

Every test runs with its own HOME / XDG directories and no ROLODEX_* variables, so a
developer's own data is never touched. ``target`` is a database to open: a SQLite file in
tmp_path, and (for tests that ask for ``any_target``) a fresh schema on the PostgreSQL server at
127.0.0.1:5432 when one answers — skipped, with the reason, when none does.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Examples are timed by wall clock; on a loaded two-core CI machine a slow example is not a
# failure. Property tests still bound their own sizes.
settings.register_profile("rolodex", deadline=None, suppress_health_check=[HealthCheck.too_slow])
# CI runs the same examples every time, so a red build is a change, not a lucky draw; developers
# explore new examples on every run.
settings.register_profile("ci", parent=settings.get_profile("rolodex"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "rolodex")

PG_URL = os.environ.get("ROLODEX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_pg_state: dict[str, object] = {}


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    if "reason" not in _pg_state:
        try:
            import psycopg

            dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
            # Another test worker may create the extension at the same moment.
            with (
                psycopg.connect(dsn, connect_timeout=3, autocommit=True) as conn,
                contextlib.suppress(psycopg.errors.UniqueViolation),
            ):
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            _pg_state["reason"] = None
        except Exception as exc:
            _pg_state["reason"] = f"no PostgreSQL server at {PG_URL}: {exc}".splitlines()[0]
    return _pg_state["reason"]  # type: ignore[return-value]


def isolate(mp: pytest.MonkeyPatch, home: Path) -> None:
    """A private HOME and XDG directories, no ROLODEX_* settings but a fixed user and region."""
    for key in list(os.environ):
        if key.startswith("ROLODEX_"):
            mp.delenv(key)
    mp.setenv("HOME", str(home))
    mp.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    mp.setenv("ROLODEX_USER", "tester")
    mp.setenv("ROLODEX_REGION", "GB")
    mp.delenv("NO_COLOR", raising=False)
    mp.setenv("COLUMNS", "120")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    isolate(monkeypatch, home)
    monkeypatch.chdir(tmp_path)  # files written "next to the cwd" (stdin rejects) stay in tmp
    return home


@pytest.fixture
def sqlite_target(tmp_path: Path) -> str:
    return str(tmp_path / "rolodex.db")


def _pg_schema_url() -> Iterator[str]:
    reason = _pg_available()
    if reason:
        pytest.skip(reason)
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema},public"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_target() -> Iterator[str]:
    yield from _pg_schema_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield str(tmp_path / "rolodex.db")
    else:
        yield from _pg_schema_url()


@pytest.fixture
def rx_factory():
    """Open Rolodex instances on a target; all are closed at the end of the test."""
    from rolodex.bootstrap import open_rolodex
    from rolodex.config import load_settings

    opened = []

    def make(target: str, **env: str):
        settings = load_settings(target)
        for key, value in env.items():
            setattr(settings, key, value)
        rx = open_rolodex(settings)
        opened.append(rx)
        return rx

    yield make
    for rx in opened:
        rx.close()


@pytest.fixture
def rx(rx_factory, any_target):
    """A Rolodex on a fresh database (SQLite and PostgreSQL)."""
    return rx_factory(any_target)


@pytest.fixture
def srx(rx_factory, sqlite_target):
    """A Rolodex on a fresh SQLite file only."""
    return rx_factory(sqlite_target)
