"""Rich views for people: the one-page contact card and the agenda."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rolodex.cli.render import local, table
from rolodex.core.activities import Agenda
from rolodex.core.dates import describe_repeat, humanize_due
from rolodex.core.models import Contact, Task, TimelineItem

_PRIORITY_STYLE = {"high": "bold red", "normal": "", "low": "dim"}
_ICON = {"note": "✎", "interaction": "☎", "task": "✓"}


def due_text(t: Task, *, today: dt.date, now: dt.datetime) -> Text:
    if t.due_date is None:
        return Text("")
    label = humanize_due(t.due_date, today=today)
    if t.due_time is not None:
        label += f" {t.due_time.strftime('%H:%M')}"
    style = "bold red" if t.is_overdue(now) else ("bold" if t.due_date == today else "")
    return Text(label, style=style)


def task_table(
    tasks: list[Task], *, today: dt.date, now: dt.datetime, title: str | None = None
) -> Table:
    t = table("ID", "Due", "Task", "Contact", "Kind", "Repeat", title=title)
    for task in tasks:
        t.add_row(
            str(task.id),
            due_text(task, today=today, now=now),
            Text(task.title, style=_PRIORITY_STYLE.get(task.priority, "")),
            task.contact.display_name if task.contact else "",
            task.kind,
            describe_repeat(task.repeat),
        )
    return t


def timeline_table(items: list[TimelineItem], *, title: str | None = None) -> Table:
    t = table("When", "", "What", title=title)
    for item in items:
        what = item.summary if item.kind != "interaction" else f"{item.channel}: {item.summary}"
        t.add_row(local(item.at), _ICON.get(item.kind, ""), what)
    return t


def contact_card(
    c: Contact, tasks: list[Task], timeline: list[TimelineItem], *, today: dt.date, now: dt.datetime
) -> Any:
    details = Table.grid(padding=(0, 2))
    details.add_column(style="dim", justify="right")
    details.add_column()

    def row(label: str, value: str) -> None:
        if value:
            details.add_row(label, value)

    role = ", ".join(p for p in (c.title, c.role) if p)
    row("Account", f"{c.account or ''}{' — ' + role if role and c.account else role}")
    for e in c.emails:
        row(
            "Email",
            e.address + (f" ({e.label})" if e.label else "") + (" ★" if e.preferred else ""),
        )
    for p in c.phones:
        extra = f"  {p.e164}" if p.e164 and p.e164 != p.number else ""
        row("Phone", p.number + (f" ({p.label})" if p.label else "") + extra)
    for a in c.addresses:
        row("Address", a.one_line() + (f" ({a.label})" if a.label else ""))
    for u in c.urls:
        row("Web", u.url)
    for s in c.socials:
        row(s.service.capitalize(), s.handle)
    row("Birthday", c.birthday.isoformat() if c.birthday else "")
    row("Nickname", c.nickname)
    row("Stage", c.stage or "")
    row("Tags", ", ".join(c.tags))
    for key, value in c.custom.items():
        row(key, value)
    row("Source", c.provenance.source)
    row("UID", c.uid)
    row("Trashed", local(c.deleted_at))
    parts: list[Any] = [details]
    if tasks:
        parts += [Text(""), task_table(tasks, today=today, now=now, title="Open tasks")]
    if timeline:
        parts += [Text(""), timeline_table(timeline, title="Recent")]
    title = Text(f"#{c.id} {c.display_name}", style="bold")
    return Panel(Group(*parts), title=title, title_align="left", expand=False)


def agenda_view(a: Agenda, *, now: dt.datetime, where: str) -> Any:
    parts: list[Any] = [
        Text(f"Agenda for {a.today.strftime('%A, %d %B %Y')}", style="bold"),
        Text(where, style="dim"),
    ]
    if a.birthdays:
        names = ", ".join(
            c.display_name
            + (f" ({a.today.year - c.birthday.year})" if c.birthday and c.birthday.year else "")
            for c in a.birthdays
        )
        parts += [Text(""), Text(f"🎂 Birthdays today: {names}", style="magenta")]
    if a.overdue:
        parts += [
            Text(""),
            task_table(a.overdue, today=a.today, now=now, title=f"Overdue ({len(a.overdue)})"),
        ]
    if a.due_today:
        parts += [
            Text(""),
            task_table(a.due_today, today=a.today, now=now, title=f"Today ({len(a.due_today)})"),
        ]
    if a.upcoming:
        parts += [
            Text(""),
            task_table(
                a.upcoming, today=a.today, now=now, title=f"Next 7 days ({len(a.upcoming)})"
            ),
        ]
    if not (a.overdue or a.due_today or a.upcoming or a.birthdays):
        parts += [
            Text(""),
            Text("Nothing due. Add a follow-up: rolodex followup add REF", style="dim"),
        ]
    return Group(*parts)
