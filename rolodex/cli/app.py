"""The root command. ``rolodex`` alone shows today's agenda; subcommands are scriptable.

Errors: a ``RolodexError`` becomes one line on stderr and its exit code (see ``errors.py``);
usage mistakes exit 2 with one line; anything unexpected exits 1 with one line, and a
traceback only when ``ROLODEX_DEBUG=1``.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

# Typer validates arguments with pydantic, whose first use scans every installed package for
# pydantic plugins (10–20 ms of each start-up). Rolodex uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer
from typer.core import TyperGroup

from rolodex import __version__
from rolodex.cli.params import examples, state
from rolodex.errors import BadInput, RolodexError


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def guarded(run: Callable[[], Any]) -> int:
    """Run a command; every failure becomes one clear line on stderr and its exit code."""
    from typer import _click

    debug = os.environ.get("ROLODEX_DEBUG") not in (None, "", "0")
    try:
        result = run()
        return result if isinstance(result, int) else 0
    except RolodexError as exc:
        if debug:
            raise
        _fail(_one_line(str(exc)))
        return exc.exit_code
    except _click.exceptions.NoArgsIsHelpError as exc:
        exc.show()  # `rolodex contact` alone: its help, as a usage error (exit 2)
        return exc.exit_code
    except _click.exceptions.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "rolodex"
        _fail(f"{_one_line(exc.format_message())} (see '{where} --help')")
        return exc.exit_code
    except _click.exceptions.ClickException as exc:
        _fail(_one_line(exc.format_message()))
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        _fail("aborted")
        return 1
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours.
        _silence_stdout()
        return 0
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRORS:
            # The output cannot take more (a full disk): say so, and drop what is left.
            _fail(f"cannot write the output: {exc.strerror or exc}")
            _silence_stdout()
            return BadInput.exit_code
        if debug:
            raise
        _fail(
            f"unexpected error: {type(exc).__name__}: {_one_line(str(exc))} "
            "(run again with ROLODEX_DEBUG=1 for details)"
        )
        return 1


# Errors of writing, not of reading: no space, over quota, file too large, a device error.
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _silence_stdout() -> None:
    """Send what is left of stdout to /dev/null: the reader is gone, and the flush at exit
    would otherwise fail again (and Python would print that)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


class RolodexGroup(TyperGroup):
    """The root group: runs everything through ``guarded``."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command. A closed pipe is handled here, inside the command's context:
        click would turn it into exit 1 and close the store while the command's streams
        (generators holding a reading session) were still alive, and their clean-up on the
        closed store would print tracebacks."""
        closed = False
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            closed = True  # handled below, once the exception and its frames are gone
        if closed:
            import gc

            # The command's frames held its streams; with them gone the streams end now,
            # while the store is still open (the collector catches those in a cycle).
            gc.collect()
            _silence_stdout()
        return 0

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        extra.pop("standalone_mode", None)
        sys.exit(
            guarded(
                lambda: super(RolodexGroup, self).main(
                    args, prog_name or "rolodex", standalone_mode=False, **extra
                )
            )
        )


def _fail(text: str) -> None:
    sys.stderr.write(f"rolodex: {text}\n")
    sys.stderr.flush()


app = typer.Typer(
    cls=RolodexGroup,
    name="rolodex",
    help="Rolodex: contacts, accounts, notes, interactions, tasks and follow-ups in your terminal."
    + examples(
        "rolodex                                  # today's agenda",
        'rolodex contact add "Ada Lovelace" --email ada@example.com --tag vip',
        "rolodex followups --due today --json | jq '.[].title'",
        "rolodex search müller",
    ),
    invoke_without_command=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rolodex {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database file or SQLAlchemy URL (default: ROLODEX_DB, the config, "
            "then rolodex.db in your data directory).",
            metavar="PATH|URL",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    st = state(ctx)
    st.db = db
    ctx.call_on_close(st.close)
    if ctx.invoked_subcommand is None:
        from rolodex.cli.activities import show_agenda

        show_agenda(ctx)


def _register() -> None:
    from rolodex.cli import accounts, activities, contacts, dedupe, interchange, misc

    app.add_typer(contacts.app, name="contact", help=contacts.HELP)
    app.add_typer(contacts.trash_app, name="trash", help=contacts.TRASH_HELP)
    app.add_typer(accounts.app, name="account", help=accounts.HELP)
    activities.register(app)
    misc.register(app)
    interchange.register(app)
    dedupe.register(app)


_register()


def main() -> None:
    from rolodex.cli.fast import try_fast

    code = try_fast(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    app()
