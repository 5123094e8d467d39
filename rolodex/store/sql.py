"""One way to run SQL text on either connection type.

The store's read queries are plain SQL with ``:name`` parameters, written once. They run on a
stdlib ``sqlite3`` connection (the fast read path) or on a SQLAlchemy connection (writes, and
PostgreSQL). This module adapts parameters and results so both give the same Python values.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

UTC = dt.UTC
_SQLITE_DT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime on SQLite


def sqlite_param(value: Any) -> Any:
    """Dates and times in the exact text form SQLAlchemy writes on SQLite."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime(_SQLITE_DT)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S.%f")
    return value


def as_datetime(value: Any) -> dt.datetime | None:
    """A stored timestamp as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def as_time(value: Any) -> dt.time | None:
    if value is None:
        return None
    if isinstance(value, str):
        return dt.time.fromisoformat(value)
    return value


class Executor(ABC):
    """Runs SQL text and returns rows as tuples."""

    dialect: str = "sqlite"

    @abstractmethod
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        """All rows of one statement."""

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> tuple | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None


class SqliteExecutor(Executor):
    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        p = {k: sqlite_param(v) for k, v in (params or {}).items()}
        return self.conn.execute(sql, p).fetchall()


class SAExecutor(Executor):
    def __init__(self, conn: Any) -> None:
        from sqlalchemy import text

        self._text = text
        self.conn = conn
        self.dialect = conn.dialect.name
        # On SQLite the driver takes ``:name`` parameters as they are: reads inside a write go
        # straight to its connection (same transaction), without compiling a text() clause
        # per statement, which costs more than the query when an import reads in batches.
        self._raw = conn.connection.dbapi_connection if self.dialect == "sqlite" else None

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        if self._raw is not None:
            p = {k: sqlite_param(v) for k, v in (params or {}).items()}
            try:
                return self._raw.execute(sql, p).fetchall()
            except sqlite3.DatabaseError as exc:
                from rolodex.errors import StoreError

                raise StoreError(f"database: {exc}") from None
        return [tuple(r) for r in self.conn.execute(self._text(sql), dict(params or {}))]


def chunks(values: Sequence[Any] | Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    """Split an IN list so no statement exceeds the drivers' parameter limits."""
    batch: list[Any] = []
    for v in values:
        batch.append(v)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def id_list(values: Iterable[int]) -> str:
    """``(1, 2, 3)``: ids written into the statement (``int`` makes them safe), for the IN
    lists of hot reads, where binding each as a named parameter costs more than the query."""
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


def in_clause(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:name0, :name1, …)`` and its parameters."""
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params
