"""``rolodex contact …`` and ``rolodex trash …``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from rolodex.cli import render
from rolodex.cli.params import CsvOpt, JsonOpt, NdjsonOpt, examples, fmt, rx
from rolodex.errors import UsageError

if TYPE_CHECKING:
    from rolodex.core.models import Contact

HELP = "Add, list, show, edit and remove contacts." + examples(
    'rolodex contact add "Ada Lovelace" --email ada@example.com --account "Analytical Engines"',
    "rolodex contact list tag:vip --json",
    "rolodex contact show ada@example.com",
)
TRASH_HELP = "Contacts and accounts removed with 'rm': list them, or empty the trash." + examples(
    "rolodex trash", "rolodex trash empty --yes"
)

app = typer.Typer(no_args_is_help=True)
trash_app = typer.Typer(invoke_without_command=True)

CONTACT_CSV = (
    "id",
    "uid",
    "display_name",
    "given_name",
    "family_name",
    "nickname",
    "email",
    "emails",
    "phone",
    "phones",
    "account",
    "title",
    "role",
    "tags",
    "birthday",
    "stage",
    "city",
    "country",
    "created_at",
    "updated_at",
)
HUMAN_LIMIT = 200


def flatten_contact(d: dict[str, Any]) -> dict[str, Any]:
    emails = [e["address"] for e in d["emails"]]
    phones = [p["number"] for p in d["phones"]]
    first_addr = d["addresses"][0] if d["addresses"] else {}
    return {
        **d,
        "email": emails[0] if emails else "",
        "emails": "; ".join(emails),
        "phone": phones[0] if phones else "",
        "phones": "; ".join(phones),
        "tags": ", ".join(d["tags"]),
        "city": first_addr.get("locality", ""),
        "country": first_addr.get("country", ""),
    }


Str = Annotated[str | None, typer.Option()]


@app.command(
    "add",
    help="Add a contact. Follows up on anything you give it: emails, phones, an account "
    "(created when new), tags, a birthday, a lifecycle stage."
    + examples(
        'rolodex contact add "Ada Lovelace" --email ada@example.com --phone "+44 20 7946 0958" '
        '--account "Analytical Engines" --title CTO --tag vip --birthday 1815-12-10 --stage lead',
        'rolodex contact add "Lovelace, Ada" --json',
    ),
)
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help='Full name, e.g. "Ada Lovelace" or "Lovelace, Ada".')],
    email: Annotated[
        list[str] | None, typer.Option("--email", "-e", help="Email (repeatable).")
    ] = None,
    phone: Annotated[
        list[str] | None, typer.Option("--phone", "-p", help="Phone (repeatable).")
    ] = None,
    account: Annotated[
        str | None, typer.Option("--account", "-a", help="Company; created if new.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Job title.")] = None,
    role: Annotated[str | None, typer.Option(help="Role (e.g. decision maker).")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")] = None,
    birthday: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD, or --MM-DD without a year.")
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option(help="subscriber, lead, mql, sql, opportunity, customer, evangelist."),
    ] = None,
    nickname: Annotated[str | None, typer.Option()] = None,
    address: Annotated[
        list[str] | None, typer.Option(help="'street; city; region; postal code; country'.")
    ] = None,
    url: Annotated[list[str] | None, typer.Option(help="Web address (repeatable).")] = None,
    field: Annotated[
        list[str] | None, typer.Option("--set", help="Custom field KEY=VALUE.")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Add even if the email already belongs to someone.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    from rolodex.core.contacts import ContactChanges

    changes = ContactChanges(
        name=name,
        add_emails=email or [],
        add_phones=phone or [],
        account=account,
        title=title,
        role=role,
        add_tags=tag or [],
        birthday=birthday,
        stage=stage,
        nickname=nickname,
        add_addresses=address or [],
        add_urls=url or [],
        set_custom=_pairs(field or []),
    )
    r = rx(ctx)
    contact = r.contacts.add(changes, force=force)
    if not force:
        similar = r.dedupe.similar_names(contact)
        if similar:
            shown = ", ".join(f"#{x.id} {x.display_name}" for x in similar[:5])
            render.message(
                f"[yellow]warning:[/yellow] {contact.display_name} looks like {shown}; "
                f"'rolodex merge {contact.id} ID' joins them"
            )
    if json_:
        render.emit_one(contact.to_dict(), render.Format.json)
    else:
        render.message(f"added [bold]#{contact.id} {contact.display_name}[/bold]")


def _pairs(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes KEY=VALUE, not {item!r}")
        out[key.strip()] = value
    return out


@app.command(
    "list",
    help="List contacts, optionally filtered by a query (free words and field:value filters: "
    "tag, org, stage, city, country, email, phone, has, name, title, owner, id, uid; "
    "'-' negates; @name runs a saved search)."
    + examples(
        "rolodex contact list",
        "rolodex contact list tag:vip org:acme stage:lead",
        "rolodex contact list 'city:berlin -tag:old' --csv > berlin.csv",
        "rolodex contact list email:@example.com --ndjson | jq -r .display_name",
    ),
)
def list_(
    ctx: typer.Context,
    query: Annotated[list[str] | None, typer.Argument(help="Query words and filters.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many (0: all).", min=0)] = None,
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    f = fmt(json_, ndjson, csv_)
    r = rx(ctx)
    text = " ".join(query or [])
    if f is render.Format.human:
        shown = HUMAN_LIMIT if limit is None else (limit or None)
        contacts = r.contacts.list(text, limit=shown)
        total = r.contacts.count(text) if shown is not None and len(contacts) == shown else None
        contact_table(contacts)
        if total is not None and total > len(contacts):
            render.message(f"showing {len(contacts)} of {total}; use --limit 0 for all")
        elif not contacts:
            render.message(
                "no contacts match" if text else "no contacts yet: try 'rolodex contact add'"
            )
        return
    items = r.contacts.list(text, limit=limit) if limit else r.contacts.iter(text)
    render.emit_records(
        (c.to_dict() for c in items), f, csv_columns=CONTACT_CSV, flatten=flatten_contact
    )


def contact_table(contacts: list[Contact]) -> None:
    t = render.table("ID", "Name", "Account", "Email", "Phone", "Tags", "Stage")
    for c in contacts:
        t.add_row(
            str(c.id),
            c.display_name,
            c.account or "",
            c.primary_email or "",
            c.primary_phone or "",
            ", ".join(c.tags),
            c.stage or "",
        )
    render.print_table(t)


@app.command(
    "show",
    help="Everything about one contact: details, open tasks and recent history. REF is an id, "
    "a UID, an email address or a unique part of the name."
    + examples("rolodex contact show 42", "rolodex contact show ada@example.com --json"),
)
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id, UID, email or name fragment.")],
    json_: JsonOpt = False,
) -> None:
    from rolodex.core.models import TaskQuery

    r = rx(ctx)
    contact = r.contacts.get(ref, include_trashed=True)
    tasks = r.activities.tasks(TaskQuery(today=r.today(), contact_id=contact.id))
    _, timeline = r.activities.timeline(str(contact.id), limit=10)
    if json_:
        now = r.now()
        record = contact.to_dict()
        record["open_tasks"] = [t.to_dict(now) for t in tasks]
        record["timeline"] = [i.to_dict() for i in timeline]
        render.emit_one(record, render.Format.json)
        return
    from rolodex.cli.views import contact_card

    render.console().print(contact_card(contact, tasks, timeline, today=r.today(), now=r.now()))


@app.command(
    "edit",
    help="Change a contact. With no options, opens $EDITOR on a commented template of the "
    "whole record."
    + examples(
        "rolodex contact edit ada --tag investor --rm-tag prospect --stage customer",
        "rolodex contact edit 42 --email ada@work.example --rm-email ada@example.com",
        "rolodex contact edit ada            # opens $EDITOR",
    ),
)
def edit(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id, UID, email or name fragment.")],
    name: Str = None,
    given: Annotated[str | None, typer.Option("--given", help="Given name.")] = None,
    family: Annotated[str | None, typer.Option("--family", help="Family name.")] = None,
    nickname: Str = None,
    email: Annotated[list[str] | None, typer.Option("--email", "-e", help="Add an email.")] = None,
    rm_email: Annotated[
        list[str] | None, typer.Option("--rm-email", help="Remove an email.")
    ] = None,
    phone: Annotated[list[str] | None, typer.Option("--phone", "-p", help="Add a phone.")] = None,
    rm_phone: Annotated[
        list[str] | None, typer.Option("--rm-phone", help="Remove a phone.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Add a tag.")] = None,
    rm_tag: Annotated[list[str] | None, typer.Option("--rm-tag", help="Remove a tag.")] = None,
    account: Annotated[str | None, typer.Option(help="Set the account ('' to clear).")] = None,
    title: Str = None,
    role: Str = None,
    stage: Annotated[str | None, typer.Option(help="Lifecycle stage ('' to clear).")] = None,
    birthday: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD or --MM-DD ('' to clear).")
    ] = None,
    address: Annotated[list[str] | None, typer.Option(help="Add an address.")] = None,
    url: Annotated[list[str] | None, typer.Option(help="Add a URL.")] = None,
    rm_url: Annotated[list[str] | None, typer.Option("--rm-url", help="Remove a URL.")] = None,
    field: Annotated[
        list[str] | None, typer.Option("--set", help="Custom field KEY=VALUE.")
    ] = None,
    unset: Annotated[
        list[str] | None, typer.Option("--unset", help="Remove a custom field.")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Add an email or phone even if it belongs to someone else.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    from rolodex.core.contacts import ContactChanges

    changes = ContactChanges(
        name=name,
        given_name=given,
        family_name=family,
        nickname=nickname,
        add_emails=email or [],
        rm_emails=rm_email or [],
        add_phones=phone or [],
        rm_phones=rm_phone or [],
        add_tags=tag or [],
        rm_tags=rm_tag or [],
        account=account,
        title=title,
        role=role,
        stage=stage,
        birthday=birthday,
        add_addresses=address or [],
        add_urls=url or [],
        rm_urls=rm_url or [],
        set_custom=_pairs(field or []),
        unset_custom=unset or [],
    )
    r = rx(ctx)
    if changes.is_empty():
        contact = _edit_in_editor(r, ref)
        if contact is None:
            render.message("no changes")
            return
    else:
        contact = r.contacts.edit(ref, changes, force=force)
    if json_:
        render.emit_one(contact.to_dict(), render.Format.json)
    else:
        render.message(f"saved [bold]#{contact.id} {contact.display_name}[/bold]")


def _edit_in_editor(r: Any, ref: str) -> Contact | None:
    import sys

    if not sys.stdin.isatty():
        raise UsageError("give options to change (see --help); $EDITOR needs a terminal")
    contact_id, text = r.contacts.template(ref)
    edited = typer.edit(text, extension=".txt", require_save=True)
    if edited is None or edited.strip() == text.strip():
        return None
    return r.contacts.apply_template(contact_id, edited)


@app.command(
    "rm",
    help="Move a contact to the trash. 'rolodex contact restore' or 'rolodex undo' brings it back."
    + examples("rolodex contact rm 42", "rolodex contact rm ada@example.com"),
)
def rm(
    ctx: typer.Context, ref: Annotated[str, typer.Argument(help="Id, UID, email or name fragment.")]
) -> None:
    contact = rx(ctx).contacts.remove(ref)
    render.message(f"moved #{contact.id} {contact.display_name} to the trash")


@app.command(
    "restore",
    help="Bring a contact back from the trash." + examples("rolodex contact restore 42"),
)
def restore(
    ctx: typer.Context, ref: Annotated[str, typer.Argument(help="Id, UID, email or name fragment.")]
) -> None:
    contact = rx(ctx).contacts.restore(ref)
    render.message(f"restored #{contact.id} {contact.display_name}")


@trash_app.callback()
def trash_root(
    ctx: typer.Context, json_: JsonOpt = False, ndjson: NdjsonOpt = False, csv_: CsvOpt = False
) -> None:
    if ctx.invoked_subcommand is None:
        _trash_list(ctx, fmt(json_, ndjson, csv_))


@trash_app.command(
    "list", help="List what is in the trash." + examples("rolodex trash list --json")
)
def trash_list(
    ctx: typer.Context, json_: JsonOpt = False, ndjson: NdjsonOpt = False, csv_: CsvOpt = False
) -> None:
    _trash_list(ctx, fmt(json_, ndjson, csv_))


def _trash_list(ctx: typer.Context, f: render.Format) -> None:
    r = rx(ctx)
    contacts = r.contacts.trash()
    accounts = r.accounts.list(trashed=True)
    if f is render.Format.human:
        if not contacts and not accounts:
            render.message("the trash is empty")
            return
        t = render.table("Kind", "ID", "Name", "Removed")
        for c in contacts:
            t.add_row("contact", str(c.id), c.display_name, render.local(c.deleted_at))
        for a in accounts:
            t.add_row("account", str(a.id), a.name, render.local(a.deleted_at))
        render.print_table(t)
        return
    records = [
        {
            "kind": "contact",
            "id": c.id,
            "display_name": c.display_name,
            "deleted_at": c.deleted_at.isoformat() if c.deleted_at else None,
        }
        for c in contacts
    ] + [
        {
            "kind": "account",
            "id": a.id,
            "display_name": a.name,
            "deleted_at": a.deleted_at.isoformat() if a.deleted_at else None,
        }
        for a in accounts
    ]
    render.emit_records(records, f, csv_columns=("kind", "id", "display_name", "deleted_at"))


@trash_app.command(
    "empty",
    help="Delete every contact in the trash for good, with its notes, interactions and tasks. "
    "'rolodex undo' still brings them back." + examples("rolodex trash empty --yes"),
)
def trash_empty(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    import sys

    r = rx(ctx)
    n = len(r.contacts.trash()) + len(r.accounts.list(trashed=True))
    if n == 0:
        render.message("the trash is empty")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"emptying the trash deletes {n} records: confirm with --yes")
        typer.confirm(f"Delete {n} records for good?", abort=True, err=True)
    contacts, accounts = r.contacts.empty_trash()
    render.message(
        f"deleted {contacts} contacts and {accounts} accounts for good "
        "('rolodex undo' brings them back)"
    )
