"""``rolodex account …``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from rolodex.cli import render
from rolodex.cli.params import CsvOpt, JsonOpt, NdjsonOpt, examples, fmt, rx

HELP = "Companies and organisations your contacts belong to." + examples(
    'rolodex account add "Analytical Engines" --domain analytical.example --industry Computing',
    "rolodex account list --json",
    'rolodex account show "Analytical Engines"',
)
app = typer.Typer(no_args_is_help=True)

ACCOUNT_CSV = (
    "id",
    "name",
    "domain",
    "industry",
    "phone",
    "city",
    "country",
    "tags",
    "contact_count",
    "created_at",
    "updated_at",
)


def flatten_account(d: dict[str, Any]) -> dict[str, Any]:
    addr = d["addresses"][0] if d["addresses"] else {}
    return {
        **d,
        "phone": d["phones"][0]["number"] if d["phones"] else "",
        "city": addr.get("locality", ""),
        "country": addr.get("country", ""),
        "tags": ", ".join(d["tags"]),
    }


Many = Annotated[list[str] | None, typer.Option()]


@app.command(
    "add",
    help="Add an account."
    + examples(
        'rolodex account add "Bäckerei Köhler GmbH" --domain koehler.example --tag supplier'
    ),
)
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The company's name.")],
    domain: Annotated[str | None, typer.Option(help="Web domain, e.g. example.com.")] = None,
    industry: Annotated[str | None, typer.Option()] = None,
    phone: Annotated[list[str] | None, typer.Option("--phone", "-p")] = None,
    address: Annotated[
        list[str] | None, typer.Option(help="'street; city; region; postal code; country'.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t")] = None,
    json_: JsonOpt = False,
) -> None:
    from rolodex.core.accounts import AccountChanges

    account = rx(ctx).accounts.add(
        name,
        AccountChanges(
            domain=domain,
            industry=industry,
            add_phones=phone or [],
            add_addresses=address or [],
            add_tags=tag or [],
        ),
    )
    if json_:
        render.emit_one(account.to_dict(), render.Format.json)
    else:
        render.message(f"added account [bold]#{account.id} {account.name}[/bold]")


@app.command(
    "list",
    help="List accounts whose name or domain contains TEXT."
    + examples("rolodex account list", "rolodex account list gmbh --csv"),
)
def list_(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Part of a name or domain.")] = "",
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    f = fmt(json_, ndjson, csv_)
    accounts = rx(ctx).accounts.list(text)
    if f is render.Format.human:
        t = render.table("ID", "Name", "Domain", "Industry", "Contacts", "Tags")
        for a in accounts:
            t.add_row(
                str(a.id), a.name, a.domain, a.industry, str(a.contact_count), ", ".join(a.tags)
            )
        render.print_table(t)
        if not accounts:
            render.message("no accounts match" if text else "no accounts yet")
        return
    render.emit_records(
        (a.to_dict() for a in accounts), f, csv_columns=ACCOUNT_CSV, flatten=flatten_account
    )


@app.command(
    "show",
    help="One account and its contacts." + examples("rolodex account show 3 --json"),
)
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id, name, domain or part of the name.")],
    json_: JsonOpt = False,
) -> None:
    r = rx(ctx)
    account, contacts = r.accounts.get(ref)
    assert account.id is not None
    notes = r.accounts.notes(account.id)
    if json_:
        record = account.to_dict()
        record["contacts"] = [
            {"id": c.id, "display_name": c.display_name, "title": c.title, "email": c.primary_email}
            for c in contacts
        ]
        record["notes"] = [n.to_dict() for n in notes]
        render.emit_one(record, render.Format.json)
        return
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", justify="right")
    grid.add_column()
    for label, value in (
        ("Domain", account.domain),
        ("Industry", account.industry),
        ("Phone", ", ".join(p.number for p in account.phones)),
        ("Address", "; ".join(a.one_line() for a in account.addresses)),
        ("Tags", ", ".join(account.tags)),
        ("Trashed", render.local(account.deleted_at)),
    ):
        if value:
            grid.add_row(label, value)
    people = render.table("ID", "Name", "Title", "Email", title=f"Contacts ({len(contacts)})")
    for c in contacts:
        people.add_row(str(c.id), c.display_name, c.title, c.primary_email or "")
    parts: list[Any] = [grid, people]
    if notes:
        noted = render.table("When", "Note", title=f"Notes ({len(notes)})")
        for n in notes:
            noted.add_row(render.local(n.created_at), n.body)
        parts.append(noted)
    render.console().print(
        Panel(
            Group(*parts),
            title=f"#{account.id} {account.name}",
            title_align="left",
            expand=False,
        )
    )


@app.command(
    "edit",
    help="Change an account." + examples('rolodex account edit 3 --name "Analytical Engines Ltd"'),
)
def edit(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id, name, domain or part of the name.")],
    name: Annotated[str | None, typer.Option()] = None,
    domain: Annotated[str | None, typer.Option()] = None,
    industry: Annotated[str | None, typer.Option()] = None,
    phone: Annotated[list[str] | None, typer.Option("--phone", "-p", help="Add a phone.")] = None,
    address: Annotated[list[str] | None, typer.Option(help="Add an address.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Add a tag.")] = None,
    rm_tag: Annotated[list[str] | None, typer.Option("--rm-tag", help="Remove a tag.")] = None,
    json_: JsonOpt = False,
) -> None:
    from rolodex.core.accounts import AccountChanges
    from rolodex.errors import UsageError

    changes = AccountChanges(
        name=name,
        domain=domain,
        industry=industry,
        add_phones=phone or [],
        add_addresses=address or [],
        add_tags=tag or [],
        rm_tags=rm_tag or [],
    )
    if changes == AccountChanges():
        raise UsageError("nothing to change: give at least one option (see --help)")
    account = rx(ctx).accounts.edit(ref, changes)
    if json_:
        render.emit_one(account.to_dict(), render.Format.json)
    else:
        render.message(f"saved account [bold]#{account.id} {account.name}[/bold]")


@app.command(
    "rm",
    help="Move an account to the trash (its contacts stay)." + examples("rolodex account rm 3"),
)
def rm(ctx: typer.Context, ref: Annotated[str, typer.Argument()]) -> None:
    account = rx(ctx).accounts.remove(ref)
    render.message(f"moved account #{account.id} {account.name} to the trash")


@app.command(
    "restore", help="Bring an account back from the trash." + examples("rolodex account restore 3")
)
def restore(ctx: typer.Context, ref: Annotated[str, typer.Argument()]) -> None:
    account = rx(ctx).accounts.restore(ref)
    render.message(f"restored account #{account.id} {account.name}")
