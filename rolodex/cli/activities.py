"""Notes, interactions, tasks, follow-ups, the timeline and the agenda."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rolodex.cli import render
from rolodex.cli.params import CsvOpt, JsonOpt, NdjsonOpt, examples, fmt, rx
from rolodex.errors import UsageError

TASK_CSV = (
    "id",
    "title",
    "kind",
    "due",
    "status",
    "priority",
    "repeat",
    "overdue",
    "contact_id",
    "contact",
    "completed_at",
)
TIMELINE_CSV = ("kind", "id", "at", "channel", "direction", "summary")

note_app = typer.Typer(no_args_is_help=True)
task_app = typer.Typer(no_args_is_help=True)
followup_app = typer.Typer(no_args_is_help=True)

Ref = Annotated[str, typer.Argument(help="Contact: id, UID, email or name fragment.")]


def flatten_task(d: dict) -> dict:
    contact = d.get("contact") or {}
    return {**d, "contact_id": contact.get("id"), "contact": contact.get("display_name", "")}


def register(app: typer.Typer) -> None:
    app.add_typer(
        note_app,
        name="note",
        help="Notes on contacts."
        + examples(
            'rolodex note add ada "Prefers email; no calls before 10."',
            "pbcopy-paste | rolodex note add ada -",
        ),
    )
    app.add_typer(
        task_app,
        name="task",
        help="Tasks: to-dos, calls, meetings, follow-ups."
        + examples(
            'rolodex task add "Send pricing" --contact ada --due "next fri" --priority high',
            "rolodex task list --due overdue --json",
            "rolodex task done 17",
        ),
    )
    app.add_typer(
        followup_app,
        name="followup",
        help="Schedule a follow-up with a contact."
        + examples(
            'rolodex followup add ada --due "in 2 weeks"',
        ),
    )
    app.command("log", help=LOG_HELP)(log)
    app.command("timeline", help=TIMELINE_HELP)(timeline)
    app.command("followups", help=FOLLOWUPS_HELP)(followups)
    app.command("agenda", help=AGENDA_HELP)(agenda)


# ---------------------------------------------------------------------------- notes
@note_app.command(
    "add",
    help="Add a note to a contact. TEXT '-' reads the note from stdin."
    + examples(
        'rolodex note add ada "Met at the Royal Society"', "rolodex note add 42 - < minutes.txt"
    ),
)
def note_add(
    ctx: typer.Context,
    ref: Ref,
    text: Annotated[str, typer.Argument(help="The note, or '-' to read stdin.")],
    pin: Annotated[bool, typer.Option("--pin", help="Pin it to the top of the contact.")] = False,
    json_: JsonOpt = False,
) -> None:
    if text == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError:
            raise UsageError("the note on stdin is not valid UTF-8 text") from None
    note = rx(ctx).activities.add_note(ref, text, pinned=pin)
    if json_:
        render.emit_one(note.to_dict(), render.Format.json)
    else:
        render.message(
            f"noted on {note.contact.display_name if note.contact else ref} (note #{note.id})"
        )


# ---------------------------------------------------------------------------- interactions
LOG_HELP = (
    "Log a touchpoint that happened: a call, email, meeting, chat, letter, social or other."
    + examples(
        'rolodex log ada --via call "Discussed the Q3 renewal; send pricing"',
        'rolodex log ada@example.com --via meeting --when "yesterday 15:00" "Demo went well"',
    )
)


def log(
    ctx: typer.Context,
    ref: Ref,
    summary: Annotated[str, typer.Argument(help="What happened ('-' reads stdin).")],
    via: Annotated[
        str, typer.Option("--via", help="call, email, meeting, chat, letter, social, other.")
    ] = "call",
    when: Annotated[str | None, typer.Option(help="When it happened (default: now).")] = None,
    inbound: Annotated[bool, typer.Option("--in", help="They reached out to you.")] = False,
    json_: JsonOpt = False,
) -> None:
    if summary == "-":
        summary = sys.stdin.read()
    i = rx(ctx).activities.log(
        ref, summary, channel=via, when=when, direction="in" if inbound else "out"
    )
    if json_:
        render.emit_one(i.to_dict(), render.Format.json)
    else:
        who = i.contact.display_name if i.contact else ref
        render.message(f"logged {i.channel} with {who} at {render.local(i.occurred_at)}")


TIMELINE_HELP = (
    "A contact's history, newest first: notes, interactions and completed tasks."
    + examples("rolodex timeline ada", "rolodex timeline ada --json | jq '.[0]'")
)


def timeline(
    ctx: typer.Context,
    ref: Ref,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many.")] = None,
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    f = fmt(json_, ndjson, csv_)
    contact, items = rx(ctx).activities.timeline(ref, limit=limit)
    if f is render.Format.human:
        from rolodex.cli.views import timeline_table

        render.print_table(timeline_table(items, title=f"#{contact.id} {contact.display_name}"))
        if not items:
            render.message("nothing logged yet: try 'rolodex log' or 'rolodex note add'")
        return
    render.emit_records((i.to_dict() for i in items), f, csv_columns=TIMELINE_CSV)


# ---------------------------------------------------------------------------- tasks
Due = Annotated[
    str | None,
    typer.Option(help="today, tomorrow, +3d, 'next fri', 'in 2 weeks', 2026-12-01, 'fri 14:30' …"),
]
Repeat = Annotated[
    str | None,
    typer.Option(help="daily, weekly, monthly, yearly, weekdays, 'every 2 weeks' or an RRULE."),
]
Priority = Annotated[str, typer.Option(help="high, normal or low.")]


@task_app.command(
    "add",
    help="Add a task."
    + examples(
        'rolodex task add "Renew domain" --due 2026-12-01 --repeat yearly',
        'rolodex task add "Call about invoice" --contact ada --kind call --due "tomorrow 10:00"',
    ),
)
def task_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What to do.")],
    contact: Annotated[str | None, typer.Option(help="Contact: id, UID, email or name.")] = None,
    due: Due = None,
    priority: Priority = "normal",
    repeat: Repeat = None,
    kind: Annotated[str, typer.Option(help="todo, call, meeting or followup.")] = "todo",
    json_: JsonOpt = False,
) -> None:
    r = rx(ctx)
    task = r.activities.add_task(
        title, contact=contact, due=due, priority=priority, repeat=repeat, kind=kind
    )
    _task_added(r, task, json_)


def _task_added(r, task, json_: bool) -> None:
    if json_:
        render.emit_one(task.to_dict(r.now()), render.Format.json)
        return
    from rolodex.core.dates import describe_repeat

    due = f", due {task.due.isoformat()}" if task.due else ""
    rep = f", repeats {describe_repeat(task.repeat)}" if task.repeat else ""
    render.message(f"added task #{task.id} {task.title}{due}{rep}")


def _list_tasks(
    ctx: typer.Context,
    due: str | None,
    f: render.Format,
    *,
    kinds: tuple[str, ...],
    default: str,
    status: str,
    contact: str | None,
    title: str,
) -> None:
    r = rx(ctx)
    statuses = {"open": ("open",), "done": ("done",), "all": ("open", "done", "cancelled")}
    if status not in statuses:
        raise UsageError(f"unknown status {status!r}; choose open, done or all")
    q = r.activities.task_query(
        due, kinds=kinds, statuses=statuses[status], default=default, contact=contact
    )
    tasks = r.activities.tasks(q)
    now = r.now()
    if f is render.Format.human:
        from rolodex.cli.views import task_table

        render.print_table(task_table(tasks, today=q.today, now=now, title=title))
        if not tasks:
            render.message("nothing due")
        return
    render.emit_records(
        (t.to_dict(now) for t in tasks), f, csv_columns=TASK_CSV, flatten=flatten_task
    )


@task_app.command(
    "list",
    help="List tasks. --due takes today, tomorrow, week, month, overdue, today+overdue, all, a "
    "date, or a range A..B."
    + examples(
        "rolodex task list",
        "rolodex task list --due week --csv",
        "rolodex task list --status done --contact ada --json",
    ),
)
def task_list(
    ctx: typer.Context,
    due: Annotated[str | None, typer.Option(help="Which due dates (default: all).")] = None,
    status: Annotated[str, typer.Option(help="open, done or all.")] = "open",
    kind: Annotated[str | None, typer.Option(help="Only this kind.")] = None,
    contact: Annotated[str | None, typer.Option(help="Only this contact's tasks.")] = None,
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    kinds: tuple[str, ...] = ()
    if kind:
        from rolodex.core.activities import _choice
        from rolodex.core.models import TASK_KINDS

        kinds = (_choice(kind, TASK_KINDS, "kind"),)
    _list_tasks(
        ctx,
        due,
        fmt(json_, ndjson, csv_),
        kinds=kinds,
        default="all",
        status=status,
        contact=contact,
        title="Tasks",
    )


@task_app.command(
    "done",
    help="Complete a task. Calls, meetings and follow-ups are logged as interactions; a "
    "recurring task is scheduled again."
    + examples("rolodex task done 17", 'rolodex task done 17 --note "left a voicemail"'),
)
def task_done(
    ctx: typer.Context,
    task_id: Annotated[int, typer.Argument(help="The task's id.", metavar="ID")],
    note: Annotated[str | None, typer.Option(help="Added to the logged interaction.")] = None,
    json_: JsonOpt = False,
) -> None:
    r = rx(ctx)
    done, following = r.activities.complete(task_id, note=note)
    if json_:
        record = done.to_dict(r.now())
        record["next"] = following.to_dict(r.now()) if following else None
        render.emit_one(record, render.Format.json)
        return
    render.message(f"done: #{done.id} {done.title}")
    if following is not None and following.due:
        render.message(f"next: #{following.id} due {following.due.isoformat()}")


# ---------------------------------------------------------------------------- follow-ups
@followup_app.command(
    "add",
    help="Schedule a follow-up with a contact (default: in 3 days)."
    + examples(
        "rolodex followup add ada",
        'rolodex followup add ada --due "next fri" "Send the contract"',
    ),
)
def followup_add(
    ctx: typer.Context,
    ref: Ref,
    title: Annotated[str | None, typer.Argument(help="What to follow up on.")] = None,
    due: Due = None,
    priority: Priority = "normal",
    repeat: Repeat = None,
    json_: JsonOpt = False,
) -> None:
    r = rx(ctx)
    task = r.activities.add_followup(ref, due=due, title=title, priority=priority, repeat=repeat)
    _task_added(r, task, json_)


FOLLOWUPS_HELP = (
    "Follow-ups that are due: by default overdue and today. --due takes today, overdue, week, "
    "tomorrow, month, all, a date or a range A..B."
    + examples(
        "rolodex followups",
        "rolodex followups --due today --json | jq -r '.[] | .contact.display_name'",
        "rolodex followups --due week --csv",
    )
)


def followups(
    ctx: typer.Context,
    due: Annotated[
        str | None, typer.Option(help="Which due dates (default: overdue and today).")
    ] = None,
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    _list_tasks(
        ctx,
        due,
        fmt(json_, ndjson, csv_),
        kinds=("followup",),
        default="today+overdue",
        status="open",
        contact=None,
        title="Follow-ups",
    )


# ---------------------------------------------------------------------------- agenda
AGENDA_HELP = "Today's agenda: overdue and due tasks and follow-ups, birthdays." + examples(
    "rolodex agenda", "rolodex agenda --json | jq '.overdue | length'"
)


def agenda(ctx: typer.Context, json_: JsonOpt = False) -> None:
    if json_:
        r = rx(ctx)
        a = r.activities.agenda()
        now = r.now()
        render.emit_one(
            {
                "date": a.today.isoformat(),
                "overdue": [t.to_dict(now) for t in a.overdue],
                "today": [t.to_dict(now) for t in a.due_today],
                "upcoming": [t.to_dict(now) for t in a.upcoming],
                "birthdays": [
                    {
                        "id": c.id,
                        "display_name": c.display_name,
                        "birthday": c.birthday.isoformat() if c.birthday else None,
                    }
                    for c in a.birthdays
                ],
            },
            render.Format.json,
        )
        return
    show_agenda(ctx)


def show_agenda(ctx: typer.Context) -> None:
    from rolodex.cli.views import agenda_view

    r = rx(ctx)
    render.console().print(agenda_view(r.activities.agenda(), now=r.now(), where=r.store.where))
