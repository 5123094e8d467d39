"""``duplicates``, ``merge``, ``unmerge`` and ``email --mutt-query``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rolodex.cli import render
from rolodex.cli.params import CsvOpt, JsonOpt, NdjsonOpt, examples, fmt, rx
from rolodex.errors import UsageError

DUPLICATES_HELP = (
    "Contacts that are probably the same person: the same email, the same phone (E.164), "
    "similar names, the same account; with a score and the reasons."
    + examples("rolodex duplicates", "rolodex duplicates --json | jq '.[0]'", "rolodex merge 12 57")
)
MERGE_HELP = (
    "Merge contact B into A: A keeps every email, phone, address, tag and custom field of "
    "both, and B's notes, interactions, tasks and deals; B is removed. Where both have a "
    "different value (title, birthday …) A's wins unless --prefer B or --take FIELD=B. "
    "'rolodex undo' or 'rolodex unmerge A' restores both."
    + examples(
        "rolodex merge 12 57 --dry-run", "rolodex merge ada 57 --take title=B", "rolodex unmerge 12"
    )
)
EMAIL_HELP = (
    "Email addresses for mail clients. --mutt-query prints what mutt's query_command and "
    "aerc's address-book-cmd expect: a first line, then address, name and account separated "
    "by tabs."
    + examples(
        "rolodex email --mutt-query müller",
        "set query_command = \"rolodex email --mutt-query '%s'\"   # in .muttrc",
    )
)


MUTT_LIMIT = 200  # addresses a mail client is given for one query


def register(app: typer.Typer) -> None:
    app.command("duplicates", help=DUPLICATES_HELP)(duplicates)
    app.command("merge", help=MERGE_HELP)(merge)
    app.command(
        "unmerge",
        help="Undo the last merge into a contact, restoring both." + examples("rolodex unmerge 12"),
    )(unmerge)
    app.command("email", help=EMAIL_HELP)(email)


def duplicates(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many pairs.")] = None,
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    f = fmt(json_, ndjson, csv_)
    pairs = rx(ctx).dedupe.duplicates(limit=limit)
    if f is render.Format.human:
        t = render.table("Score", "A", "B", "Why")
        for p in pairs:
            t.add_row(
                f"{p.score:.2f}",
                f"#{p.a.id} {p.a.display_name}",
                f"#{p.b.id} {p.b.display_name}",
                ", ".join(p.reasons),
            )
        render.print_table(t)
        if not pairs:
            render.message("no likely duplicates")
        return

    def flat(d: dict) -> dict:
        return {
            "a_id": d["a"]["id"],
            "a": d["a"]["display_name"],
            "b_id": d["b"]["id"],
            "b": d["b"]["display_name"],
            "score": d["score"],
            "reasons": "; ".join(d["reasons"]),
        }

    render.emit_records(
        (p.to_dict() for p in pairs),
        f,
        flatten=flat,
        csv_columns=("a_id", "a", "b_id", "b", "score", "reasons"),
    )


def merge(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="The contact to keep.")],
    b: Annotated[str, typer.Argument(help="The contact merged into it.")],
    prefer: Annotated[str, typer.Option(help="Whose values win conflicts: A or B.")] = "A",
    take: Annotated[
        list[str] | None, typer.Option("--take", help="FIELD=A|B for one conflict.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the result only.")] = False,
    json_: JsonOpt = False,
) -> None:
    choices: dict[str, str] = {}
    for item in take or []:
        key, sep, side = item.partition("=")
        if not sep:
            raise UsageError(f"--take takes FIELD=A or FIELD=B, not {item!r}")
        choices[key.strip()] = side.strip()
    r = rx(ctx)
    plan = (r.dedupe.plan if dry_run else r.dedupe.merge)(a, b, prefer=prefer, take=choices)
    if json_:
        render.emit_one({**plan.to_dict(), "dry_run": dry_run}, render.Format.json)
        return
    for name, (kept, other) in plan.conflicts.items():
        chosen = getattr(plan.result, name)
        render.message(f"conflict: {name}: A={kept!s} B={other!s} -> {chosen!s}")
    moved = ", ".join(f"{n} {k}" for k, n in plan.moved.items() if n)
    verb = "would merge" if dry_run else "merged"
    render.message(
        f"{verb} #{plan.drop.id} {plan.drop.display_name} into #{plan.keep.id} "
        f"{plan.keep.display_name}" + (f"; moving {moved}" if moved else "")
    )


def unmerge(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument()],
    force: Annotated[
        bool, typer.Option(help="Restore both even when later changes touched them.")
    ] = False,
) -> None:
    entries = rx(ctx).dedupe.unmerge(ref, force=force)
    n = len(entries)
    render.message(f"unmerged: {n} change{'s' if n != 1 else ''} undone")


def email(
    ctx: typer.Context,
    mutt_query: Annotated[
        str, typer.Option("--mutt-query", help="Find addresses matching this text.")
    ],
) -> None:
    # One more than is shown tells whether there are more: then the first line says that
    # these are only the first matches, not all of them.
    hits = rx(ctx).contacts.email_matches(mutt_query, limit=MUTT_LIMIT + 1)
    more = len(hits) > MUTT_LIMIT
    hits = hits[:MUTT_LIMIT]
    out = sys.stdout
    if not hits:
        out.write(f"no matches for {mutt_query!r} in Rolodex\n")
    elif more:
        out.write(f"first {len(hits)} matches for {mutt_query!r} in Rolodex (there are more)\n")
    else:
        out.write(f"{len(hits)} matches for {mutt_query!r} in Rolodex\n")
    for address, name, account in hits:
        # One line per match, three fields: a tab or line break inside a name (an imported
        # card may hold one) would make mutt read another entry.
        out.write(f"{_field(address)}\t{_field(name)}\t{_field(account)}\n")
    if not hits:
        raise typer.Exit(1)  # mutt: a non-zero status means "nothing found"


def _field(text: str) -> str:
    return " ".join(text.split()) if any(ch in text for ch in "\t\r\n") else text
