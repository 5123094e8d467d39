"""``rolodex import`` and ``rolodex export``: vCard, CSV and iCalendar in and out."""

from __future__ import annotations

import sys
import time
from contextlib import closing
from typing import Annotated, Any

import typer

from rolodex.cli import render
from rolodex.cli.params import JsonOpt, examples, rx, state
from rolodex.errors import UsageError

IMPORT_HELP = (
    "Import contacts (vCard 2.1/3.0/4.0, CSV from Google, Outlook, LinkedIn or any layout with "
    "--map) and tasks or events (iCalendar) from FILE, a directory of .vcf/.ics files, or '-' "
    "for stdin. The format is read from the content. One transaction: all of it lands or none "
    "of it; records that cannot be read are reported with their line and written to a rejects "
    "file next to the input. Importing the same file again changes nothing. "
    "'rolodex import list' shows past imports; 'rolodex import undo BATCH' reverts one."
    + examples(
        "rolodex import contacts.vcf",
        "rolodex import ~/.contacts/default/          # a khard / vdirsyncer folder",
        "rolodex import google.csv --dry-run --json",
        "rolodex import export.csv --map 'Full name=display_name' --map 'Mail=email'",
        "cat phone.vcf | rolodex import -",
        "rolodex import list",
        "rolodex import undo 3",
    )
)

EXPORT_HELP = (
    "Export contacts matching QUERY as vCard (3.0, or 4.0 with --vcard-version 4.0) or CSV, or "
    "open tasks and follow-ups as iCalendar (VTODO; meetings as VEVENT) for khal and todoman. "
    "To stdout, a file (--output) or a vdir (--vdir: one file per contact or task)."
    + examples(
        "rolodex export > everyone.vcf",
        "rolodex export tag:vip --vcard-version 4.0 --output vips.vcf",
        "rolodex export --vdir ~/.contacts/rolodex/",
        "rolodex export 'org:acme' --format csv > acme.csv",
        "rolodex export --format ical --vdir ~/.calendars/rolodex/",
    )
)


def register(app: typer.Typer) -> None:
    app.command("import", help=IMPORT_HELP)(import_)
    app.command("export", help=EXPORT_HELP)(export)


def import_(
    ctx: typer.Context,
    what: Annotated[
        list[str], typer.Argument(help="FILE, DIR or '-'; or 'list'; or 'undo BATCH'.")
    ],
    format_: Annotated[
        str | None, typer.Option("--format", "-f", help="vcard, csv or ical (default: detected).")
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            help="CSV layout: google, google-legacy, outlook, outlook-de, linkedin, "
            "rolodex, generic (default: detected from the header)."
        ),
    ] = None,
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="CSV column=field (repeatable).")
    ] = None,
    map_file: Annotated[
        str | None, typer.Option("--map-file", help="A file of column=field lines.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would happen.")] = False,
    force: Annotated[bool, typer.Option(help="With undo: revert despite later edits.")] = False,
    json_: JsonOpt = False,
) -> None:
    reader = None
    if format_ is None and (map_ or map_file or preset):
        # A column map or a CSV layout only makes sense for CSV: do not guess from the content.
        format_ = "csv"
    elif format_ not in (None, "csv") and (map_ or map_file or preset):
        raise UsageError(f"--map, --map-file and --preset are for CSV, not {format_}")
    if what[0] not in ("list", "undo") and len(what) == 1:
        # A large file is read in a second process; into a new or small store, it starts
        # while the store opens.
        from rolodex.bootstrap import store_is_new_or_small
        from rolodex.config import load_settings
        from rolodex.core.imports import read_sources, start_reader

        mapping = _mapping(map_ or [], map_file)
        sources = read_sources(what[0], stdin=lambda: sys.stdin.buffer.read())
        settings = load_settings(state(ctx).db)
        if store_is_new_or_small(state(ctx).db or settings.db):
            reader = start_reader(
                sources, fmt=format_, preset=preset, mapping=mapping, region=settings.region
            )
    try:
        r = rx(ctx)
    except BaseException:
        if reader is not None:
            reader.close()
        raise
    if what[0] == "list" and len(what) == 1:
        _list_batches(r, json_)
        return
    if what[0] == "undo":
        if len(what) != 2 or not what[1].isdigit():
            raise UsageError("usage: rolodex import undo BATCH (a number from 'import list')")
        entries = r.imports.undo(int(what[1]), force=force)
        n = len(entries)
        render.message(f"reverted import #{what[1]}: {n} change{'s' if n != 1 else ''} undone")
        return
    if len(what) != 1:
        raise UsageError("import one FILE, DIR or '-' at a time")
    with _progress() as tick:
        report = r.imports.run(
            sources,
            fmt=format_,
            preset=preset,
            mapping=mapping,
            dry_run=dry_run,
            progress=tick,
            reader=reader,
        )
    _show_report(report, json_)


def _mapping(items: list[str], map_file: str | None) -> dict[str, str] | None:
    if not items and not map_file:
        return None
    from rolodex.importers.csv_presets import parse_map

    text = "\n".join(items)
    if map_file:
        try:
            with open(map_file, encoding="utf-8") as fh:
                text = fh.read() + "\n" + text
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read the map file {map_file}: {exc}") from None
    return parse_map(text)


class _progress:
    """A progress line on a terminal's stderr; nothing when stderr is not a terminal.

    Redrawn from the import's own calls (at most ten times a second), not by a refresh
    thread: with no other thread running, a large file can be read in a second process."""

    def __enter__(self) -> Any:
        self._bar: Any = None
        self._drawn = 0.0
        if sys.stderr.isatty():
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=render.console(stderr=True),
                transient=True,
                auto_refresh=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("reading records…", total=None)
            self._bar.refresh()
        return self._tick

    def _tick(self, count: int) -> None:
        if self._bar is not None:
            now = time.monotonic()
            self._bar.update(
                self._task, description=f"{count:,} records read", refresh=now - self._drawn > 0.1
            )
            if now - self._drawn > 0.1:
                self._drawn = now

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _show_report(report: Any, json_: bool) -> None:
    if json_:
        render.emit_one(report.to_dict(), render.Format.json)
    for w in report.warnings[:20]:
        where = f"line {w['line']}: " if w.get("line") else ""
        render.message(f"warning: {where}{w['message']}")
    if len(report.warnings) > 20:
        render.message(f"… and {len(report.warnings) - 20} more warnings (see --json)")
    for rej in report.rejects[:20]:
        render.message(f"rejected: line {rej['line']}: {rej['reason']}")
    if len(report.rejects) > 20:
        render.message(f"… and {len(report.rejects) - 20} more rejected (see --json)")
    what = "would import" if report.dry_run else f"import #{report.batch_id}"
    parts = [
        f"{report.added} added",
        f"{report.updated} updated",
        f"{report.unchanged} unchanged",
        f"{report.rejected} rejected",
    ]
    for key, label in (
        ("accounts_added", "accounts added"),
        ("tasks_added", "tasks added"),
        ("interactions_added", "interactions logged"),
    ):
        if getattr(report, key):
            parts.append(f"{getattr(report, key)} {label}")
    render.message(f"{what} from {report.source} ({report.format}): " + ", ".join(parts))
    if report.rejects_file:
        render.message(f"the rejected records are in {report.rejects_file}")


def _list_batches(r: Any, json_: bool) -> None:
    batches = r.imports.batches()
    if json_:
        render.emit_records((b.to_dict() for b in batches), render.Format.json)
        return
    t = render.table("Batch", "When", "Source", "Format", "Added", "Updated", "Rejected", "")
    for b in batches:
        rep = b.report
        t.add_row(
            str(b.id),
            render.local(b.started_at),
            b.source,
            b.format,
            _added(rep),
            str(rep.get("updated", "")),
            str(rep.get("rejected", "")),
            "undone" if b.undone else "",
        )
    render.print_table(t)
    if not batches:
        render.message("nothing imported yet")


_ADDED = (
    ("accounts_added", "account", "accounts"),
    ("tasks_added", "task", "tasks"),
    ("interactions_added", "interaction", "interactions"),
)


def _added(report: dict[str, Any]) -> str:
    """What a batch added: contacts as a number, as always; the other records a calendar
    or contact import adds (tasks, interactions, accounts) named, so that they show."""
    others = [
        f"{n} {one if n == 1 else many}" for key, one, many in _ADDED if (n := report.get(key) or 0)
    ]
    contacts = report.get("added", "")
    if not others:
        return str(contacts)
    if contacts:
        others.insert(0, f"{contacts} contact{'' if contacts == 1 else 's'}")
    return ", ".join(others)


def export(
    ctx: typer.Context,
    query: Annotated[
        list[str] | None, typer.Argument(help="Which contacts (default: all).")
    ] = None,
    format_: Annotated[str, typer.Option("--format", "-f", help="vcard, csv or ical.")] = "vcard",
    vcard_version: Annotated[str, typer.Option(help="3.0 or 4.0.")] = "3.0",
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    vdir: Annotated[str | None, typer.Option(help="Write one file per record here.")] = None,
    due: Annotated[
        str | None, typer.Option(help="With ical: which due dates (default: all).")
    ] = None,
) -> None:
    r = rx(ctx)
    text = " ".join(query or [])
    if format_ not in ("vcard", "csv", "ical"):
        raise UsageError(f"unknown format {format_!r}; choose vcard, csv or ical")
    if output and vdir:
        raise UsageError("choose --output or --vdir, not both")
    if format_ == "ical" and text:
        raise UsageError("an iCalendar export takes tasks, not a contact query (use --due)")
    if due is not None and format_ != "ical":
        raise UsageError("--due chooses tasks: it goes with --format ical")
    if vdir:
        if format_ == "csv":
            raise UsageError("--vdir writes vCard or iCalendar files, not CSV")
        if format_ == "vcard":
            n = r.exports.vdir(vdir, text, version=vcard_version)
        else:
            n = r.exports.ical_vdir(vdir, due)
        done = (
            ("new", n.created),
            ("updated", n.replaced),
            ("unchanged", n.unchanged),
            ("closed", n.closed),
            ("removed", n.removed),
        )
        parts = [f"{k} {v}" for k, v in done if v]
        render.message(
            f"wrote {n} file{'s' if n != 1 else ''} to {vdir}"
            + (f" ({', '.join(parts)})" if parts else "")
        )
        if n.kept:
            render.message(
                f"kept {n.kept} file{'s' if n.kept != 1 else ''} changed elsewhere since: "
                f"'rolodex import {vdir}' reads those changes"
            )
        return
    # Everything that can be refused (version, query, due filter) is checked before the
    # output is touched: the iterators below check their arguments when they are made, and
    # a file given with --output is written through a temporary file, renamed into place
    # only when the export succeeded, so a failure leaves an existing file as it was.
    if format_ == "vcard":
        source: Any = r.exports.vcards(text, version=vcard_version)
    elif format_ == "ical":
        source = r.exports.ical(due)
    else:
        source = r.contacts.iter(text)
    if output:
        from rolodex.core.exports import atomic_writer

        with atomic_writer(output) as out:
            n = _write(format_, source, out)
        render.message(f"wrote {n} records to {output}")
    else:
        _write(format_, source, sys.stdout)


def _write(format_: str, source: Any, out: Any) -> int:
    """Write an export to ``out``; returns how many records. A generator is closed when
    this ends, also on an error, so that its reading session ends while the store is open."""
    if isinstance(source, bytes):
        out.write(source.decode("utf-8"))
        return source.count(b"BEGIN:VTODO") + source.count(b"BEGIN:VEVENT")
    with closing(source):
        counted = _Counter(source)
        if format_ == "vcard":
            out.writelines(counted)
        else:
            from rolodex.cli.contacts import CONTACT_CSV, flatten_contact

            render.emit_records(
                (c.to_dict() for c in counted),
                render.Format.csv,
                csv_columns=CONTACT_CSV,
                flatten=flatten_contact,
                out=out,
            )
        return counted.n


class _Counter:
    """Counts what passes through an iterator."""

    def __init__(self, items: Any) -> None:
        self.items, self.n = items, 0

    def __iter__(self) -> Any:
        for item in self.items:
            self.n += 1
            yield item
