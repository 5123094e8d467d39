"""Fixtures for the CLI tests.

``seeded`` is one database per backend (SQLite and PostgreSQL) shared by a module's tests of
commands that must fail without writing anything. Sharing keeps the suite fast; each such test
compares the state after its command with the state before it, so a command that wrongly
writes fails its own test and resets the baseline for the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.cli.helpers import ADA, add_contact, add_task, ok, state_of


@dataclass
class Seeded:
    """A database with two Adas (so 'ada' is ambiguous), Charles Babbage and a task."""

    target: str
    ada: dict[str, Any]
    byron: dict[str, Any]
    task: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)

    def unchanged(self) -> None:
        """Assert that nothing changed since the last check, then take the new state as the
        baseline (so one faulty command fails one test, not every later one)."""
        now = state_of(self.target)
        before, self.state = self.state, now
        assert now["contacts"] == before["contacts"], "the contacts changed"
        assert now["history"] == before["history"], "something was journalled"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    from tests.conftest import _pg_schema_url, isolate

    base = tmp_path_factory.mktemp("seeded")
    home = base / "home"
    home.mkdir()
    schema = _pg_schema_url() if request.param == "postgresql" else None
    target = next(schema) if schema is not None else str(base / "rolodex.db")
    try:
        with pytest.MonkeyPatch.context() as mp:
            isolate(mp, home)
            ada = add_contact(target, *ADA)
            byron = add_contact(target, "Ada Byron", "--email", "byron@example.com")
            ok(target, "contact", "add", "Charles Babbage", "--email", "cb@example.com")
            task = add_task(target, "Send the notes", "--contact", "ada@example.com")
            state = state_of(target)
        yield Seeded(target, ada=ada, byron=byron, task=task, state=state)
    finally:
        if schema is not None:
            schema.close()
