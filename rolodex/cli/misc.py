"""``search``, ``history``, ``undo``, ``demo`` and saved searches."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli import render
from rolodex.cli.params import CsvOpt, JsonOpt, NdjsonOpt, examples, fmt, rx, state

SEARCH_CSV = ("id", "display_name", "account", "email", "phone", "score")
HISTORY_CSV = (
    "id",
    "at",
    "user",
    "action",
    "entity",
    "entity_id",
    "contact_id",
    "summary",
    "undone",
)

saved_app = typer.Typer(invoke_without_command=True)


def register(app: typer.Typer) -> None:
    app.command("search", help=SEARCH_HELP)(search)
    app.command("history", help=HISTORY_HELP)(history)
    app.command("undo", help=UNDO_HELP)(undo)
    app.command("demo", help=DEMO_HELP)(demo)
    app.add_typer(saved_app, name="saved", help=SAVED_HELP)


SEARCH_HELP = (
    "Find contacts by any part of a name, email, phone (digits too), account, title, tag or "
    "note; ranked, case- and accent-insensitive. Field filters work too (see 'contact list')."
    + examples(
        "rolodex search müller", "rolodex search 7946 --json", "rolodex search 'tag:vip ada'"
    )
)


def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words to find.")],
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    f = fmt(json_, ndjson, csv_)
    r = rx(ctx)
    text = " ".join(query)
    spec = r.contacts.parse(text)
    if all(t.field == "text" and not t.negate for t in spec.terms):
        hits = [h.to_dict() for h in r.contacts.search(text, limit=limit)]
    else:
        hits = [
            {
                "id": c.id,
                "display_name": c.display_name,
                "account": c.account,
                "email": c.primary_email,
                "phone": c.primary_phone,
                "score": 0.0,
            }
            for c in r.contacts.list(text, limit=limit)
        ]
    if f is render.Format.human:
        t = render.table("ID", "Name", "Account", "Email", "Phone")
        for h in hits:
            t.add_row(
                str(h["id"]),
                h["display_name"],
                h["account"] or "",
                h["email"] or "",
                h["phone"] or "",
            )
        render.print_table(t)
        if not hits:
            render.message(f"nothing matches {text!r}")
        return
    render.emit_records(hits, f, csv_columns=SEARCH_CSV)


HISTORY_HELP = "What changed, newest first: everything, or what concerns one contact." + examples(
    "rolodex history", "rolodex history ada --json"
)


def history(
    ctx: typer.Context,
    ref: Annotated[str | None, typer.Argument(help="Only changes concerning this contact.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    f = fmt(json_, ndjson, csv_)
    entries = rx(ctx).journal.history(ref, limit=limit)
    if f is render.Format.human:
        t = render.table("When", "Who", "What", "")
        for e in entries:
            t.add_row(render.local(e.at), e.user, e.summary, "undone" if e.undone else "")
        render.print_table(t)
        if not entries:
            render.message("no changes yet")
        return
    render.emit_records((e.to_dict() for e in entries), f, csv_columns=HISTORY_CSV)


UNDO_HELP = (
    "Revert the last change (an add, an edit, a delete, a completed task, an emptied trash…). "
    "Run it again to go further back." + examples("rolodex undo", "rolodex history && rolodex undo")
)


def undo(
    ctx: typer.Context,
    force: Annotated[
        bool, typer.Option(help="Revert even when later changes touched the same records.")
    ] = False,
) -> None:
    entries = rx(ctx).journal.undo(force=force)
    for e in entries:
        render.message(f"undid: {e.summary}")


DEMO_HELP = (
    "Load sample data: ~200 contacts in several languages, ~40 accounts, notes, interactions, "
    "tasks and follow-ups (some overdue, some due today, some recurring) and deals."
    + examples("rolodex demo", "rolodex --db /tmp/try.db demo && rolodex --db /tmp/try.db")
)


def demo(
    ctx: typer.Context,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Only if the database has no contacts (quietly).")
    ] = False,
    force: Annotated[bool, typer.Option(help="Add the sample data to a database in use.")] = False,
) -> None:
    from rolodex.errors import Conflict

    r = state(ctx).rolodex()
    with r.reading() as s:
        empty = s.is_empty()
    if not empty:
        if if_empty:
            return
        if not force:
            raise Conflict(
                f"{r.store.where} already has contacts; use --force to add the sample data anyway"
            )
    from rolodex.core.sample import load_demo

    counts = load_demo(r)
    render.message(
        f"loaded sample data into {r.store.where}: {counts['contacts']} contacts, "
        f"{counts['accounts']} accounts, {counts['notes']} notes, "
        f"{counts['interactions']} interactions, {counts['tasks']} tasks, {counts['deals']} deals"
    )


SAVED_HELP = "Saved searches: name a query, then use @name wherever a query is taken." + examples(
    "rolodex saved add berlin-vips 'city:berlin tag:vip'",
    "rolodex contact list @berlin-vips",
    "rolodex saved --json",
)


@saved_app.callback()
def saved_root(
    ctx: typer.Context, json_: JsonOpt = False, ndjson: NdjsonOpt = False, csv_: CsvOpt = False
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    f = fmt(json_, ndjson, csv_)
    items = rx(ctx).searches.list()
    if f is render.Format.human:
        t = render.table("Name", "Query")
        for s in items:
            t.add_row("@" + s.name, s.query)
        render.print_table(t)
        if not items:
            render.message("no saved searches: try 'rolodex saved add NAME QUERY'")
        return
    render.emit_records(
        ({"id": s.id, "name": s.name, "query": s.query} for s in items),
        f,
        csv_columns=("id", "name", "query"),
    )


@saved_app.command(
    "add", help="Save (or replace) a search." + examples("rolodex saved add leads stage:lead")
)
def saved_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument()],
    query: Annotated[list[str], typer.Argument(help="The query.")],
) -> None:
    s = rx(ctx).searches.save(name, " ".join(query))
    render.message(f"saved @{s.name}: {s.query}")


@saved_app.command("rm", help="Delete a saved search." + examples("rolodex saved rm leads"))
def saved_rm(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    s = rx(ctx).searches.delete(name)
    render.message(f"deleted @{s.name}")
