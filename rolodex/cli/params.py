"""Shared CLI options and the per-invocation state (which database, the opened Rolodex)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

import typer

from rolodex.cli.render import Format, pick_format

if TYPE_CHECKING:
    from rolodex.core.service import Rolodex

JsonOpt = Annotated[bool, typer.Option("--json", help="Output a JSON array (for scripts).")]
NdjsonOpt = Annotated[bool, typer.Option("--ndjson", help="Output one JSON object per line.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Output CSV with a header row.")]


@dataclass
class State:
    db: str | None = None
    _rx: Rolodex | None = field(default=None, repr=False)

    def rolodex(self) -> Rolodex:
        if self._rx is None:
            from rolodex.bootstrap import open_rolodex

            self._rx = open_rolodex(db=self.db)
        return self._rx

    def close(self) -> None:
        if self._rx is not None:
            self._rx.close()
            self._rx = None


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def rx(ctx: typer.Context) -> Rolodex:
    return state(ctx).rolodex()


def fmt(json_: bool, ndjson: bool, csv_: bool) -> Format:
    return pick_format(json_, ndjson, csv_)


def examples(*lines: str) -> str:
    """An ``Examples`` block for a command's help, kept as written."""
    body = "\n".join(f"  $ {line}" for line in lines)
    return f"\n\n\b\nExamples:\n{body}"
