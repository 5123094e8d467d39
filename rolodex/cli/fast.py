"""The fast lane: read commands for scripts, run without building the whole Typer app.

A pipeline such as ``rolodex followups --due today --json | jq`` pays for Python's start and
for its query. Building the click tree of every command and validating arguments through
pydantic (Typer's way) would cost it several times more than the query. So when a read command
asks for ``--json``, ``--ndjson`` or ``--csv``, ``try_fast`` reads the arguments itself — from
the same function signatures Typer uses, so there is one definition of every option — and calls
the same command function.

Anything it does not fully understand (help, an unknown option, a bad number, a missing
argument) is handed to Typer unchanged, so errors and help look exactly as they always do.
``tests/cli/test_fast_lane.py`` runs the same argument lists both ways and compares.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, get_args, get_origin

from rolodex.cli.params import State

# command words -> "module:function"; only read commands, only their machine formats.
COMMANDS: dict[tuple[str, ...], str] = {
    ("followups",): "rolodex.cli.activities:followups",
    ("task", "list"): "rolodex.cli.activities:task_list",
    ("timeline",): "rolodex.cli.activities:timeline",
    ("contact", "list"): "rolodex.cli.contacts:list_",
    ("contact", "show"): "rolodex.cli.contacts:show",
    ("account", "list"): "rolodex.cli.accounts:list_",
    ("search",): "rolodex.cli.misc:search",
    ("history",): "rolodex.cli.misc:history",
    ("email",): "rolodex.cli.dedupe:email",
}
MACHINE_FORMATS = ("--json", "--ndjson", "--csv", "--mutt-query")
_NEVER = {"-h", "--help", "--version", "--install-completion", "--show-completion"}


class _Ctx:
    """What the command functions use of a click context: the root and its state."""

    def __init__(self, state: State) -> None:
        self.obj = state

    def find_root(self) -> _Ctx:
        return self


class _Fallback(Exception):
    """This argument list is Typer's to handle."""


def _spec(func: Callable[..., Any]) -> tuple[str | None, dict[str, tuple], list[tuple]]:
    """(context parameter, options by flag, arguments in order) from a command's signature."""
    import typer
    from typer.models import ArgumentInfo, OptionInfo
    from typer.utils import get_params_from_function

    ctx_name = None
    options: dict[str, tuple] = {}
    arguments: list[tuple] = []
    for name, meta in get_params_from_function(func).items():
        if meta.annotation is typer.Context:
            ctx_name = name
            continue
        info, kind = meta.default, _kind(meta.annotation)
        if isinstance(info, ArgumentInfo):
            arguments.append((name, kind, info))
        elif isinstance(info, OptionInfo):
            decls = [d for d in (info.param_decls or ()) if d.startswith("-")]
            if not decls:
                decls = ["--" + name.replace("_", "-")]
                if kind == "bool":
                    options["--no-" + name.replace("_", "-")] = (name, "nobool", info)
            for decl in decls:
                options[decl] = (name, kind, info)
        else:
            raise _Fallback
    return ctx_name, options, arguments


def _kind(annotation: Any) -> str:
    args = [a for a in get_args(annotation) if a is not type(None)]
    base = args[0] if get_origin(annotation) is not list and args else annotation
    if get_origin(base) is list or get_origin(annotation) is list:
        return "list"
    if base is bool:
        return "bool"
    if base is int:
        return "int"
    if base is str:
        return "str"
    raise _Fallback


def _convert(kind: str, text: str, info: Any) -> Any:
    if kind == "int":
        try:
            value = int(text)
        except ValueError:
            raise _Fallback from None
        if (info.min is not None and value < info.min) or (
            info.max is not None and value > info.max
        ):
            raise _Fallback
        return value
    return text


def _parse(func: Callable[..., Any], args: list[str]) -> tuple[str | None, dict[str, Any]]:
    """(the context parameter's name, the other arguments) for a command's argument list."""
    ctx_name, options, arguments = _spec(func)
    kwargs: dict[str, Any] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if token == "--":
            positional.extend(args[i:])
            break
        if not token.startswith("-") or token == "-":
            positional.append(token)
            continue
        flag, eq, inline = token.partition("=")
        if flag not in options:
            raise _Fallback  # unknown option, short-option bundles, "-tag:x" …
        name, kind, info = options[flag]
        if kind in ("bool", "nobool"):
            if eq:
                raise _Fallback
            kwargs[name] = kind == "bool"
            continue
        if eq:
            value = inline
        elif i < len(args) and not args[i].startswith("--"):
            value, i = args[i], i + 1
        else:
            raise _Fallback  # a missing value, or one that looks like an option: Typer decides
        if kind == "list":
            kwargs.setdefault(name, []).append(value)
        else:
            kwargs[name] = _convert(kind, value, info)
    for name, kind, info in arguments:
        if kind == "list":
            kwargs[name], positional = positional, []
            if not kwargs[name] and info.default is ...:
                raise _Fallback
        elif positional:
            kwargs[name] = _convert(kind, positional.pop(0), info)
        elif info.default is ...:
            raise _Fallback
    if positional:
        raise _Fallback
    return ctx_name, kwargs


Plan = tuple[Callable[..., Any], str | None, dict[str, Any], str | None]


def plan(argv: list[str]) -> Plan | None:
    """For an argument list the fast lane can run: the command function, the name of its
    context parameter, its other arguments and ``--db``; else None."""
    if not any(a.partition("=")[0] in MACHINE_FORMATS for a in argv) or any(
        a in _NEVER for a in argv
    ):
        return None
    db = None
    rest = list(argv)
    while rest and rest[0].startswith("--db"):
        flag, eq, value = rest.pop(0).partition("=")
        if flag != "--db":
            return None
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        db = value
    for words, target in COMMANDS.items():
        if tuple(rest[: len(words)]) == words:
            module, _, name = target.partition(":")
            func = getattr(importlib.import_module(module), name)
            try:
                ctx_name, kwargs = _parse(func, rest[len(words) :])
            except _Fallback:
                return None
            return func, ctx_name, kwargs, db
    return None


def try_fast(argv: list[str]) -> int | None:
    """Run ``argv`` in the fast lane and return its exit code, or None to let Typer run it."""
    found = plan(argv)
    if found is None:
        return None
    from rolodex.cli.app import guarded

    func, ctx_name, kwargs, db = found
    state = State(db=db)
    if ctx_name is not None:
        kwargs[ctx_name] = _Ctx(state)
    try:
        return guarded(lambda: func(**kwargs))
    finally:
        state.close()
