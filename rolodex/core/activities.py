"""Notes, interactions, tasks and follow-ups, the timeline and the agenda."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rolodex.core.models import (
    CHANNELS,
    DIRECTIONS,
    PRIORITIES,
    TASK_KINDS,
    Contact,
    Interaction,
    Note,
    Ref,
    Task,
    TaskQuery,
    TimelineItem,
    task_snapshot,
)
from rolodex.errors import Conflict, NotFound, UsageError

if TYPE_CHECKING:
    from rolodex.core.service import Change, Rolodex

# Completing one of these logs that it happened.
_LOGGED_KINDS = {"call": "call", "meeting": "meeting", "followup": "other"}
FOLLOWUP_DEFAULT_DUE = "+3d"


def _choice(value: str, choices: tuple[str, ...], what: str) -> str:
    v = value.strip().lower()
    aliases = {"follow-up": "followup", "to-do": "todo", "med": "normal", "medium": "normal"}
    v = aliases.get(v, v)
    if v not in choices:
        raise UsageError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")
    return v


def _text(value: str, what: str, *, limit: int = 100_000) -> str:
    value = value.strip()
    if not value:
        raise UsageError(f"the {what} is empty")
    if len(value) > limit:
        raise UsageError(f"the {what} is too long ({len(value)} characters; at most {limit})")
    return value


@dataclass
class Agenda:
    today: dt.date
    overdue: list[Task] = field(default_factory=list)
    due_today: list[Task] = field(default_factory=list)
    upcoming: list[Task] = field(default_factory=list)
    birthdays: list[Contact] = field(default_factory=list)


class ActivityService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    # ------------------------------------------------------------------ notes
    def add_note(self, ref: str, body: str, *, pinned: bool = False) -> Note:
        body = _text(body, "note")
        with self.rx.change() as ch:
            cref = self.rx.contacts.resolve(ref, session=ch.w)
            note = Note(
                body=body,
                contact_id=cref.id,
                pinned=pinned,
                author_id=ch.w.ensure_user(ch.user),
                created_at=ch.now,
                updated_at=ch.now,
            )
            note.id = ch.w.put_note(note)
            saved = ch.w.get_note(note.id)
            assert saved is not None
            ch.record(
                "create",
                "note",
                saved.id,
                f"note on {cref.display_name}",
                after=saved.to_dict(),
                contact_id=cref.id,
            )
        return saved

    # ------------------------------------------------------------------ interactions
    def log(
        self,
        ref: str,
        summary: str,
        *,
        channel: str = "other",
        when: str | None = None,
        direction: str = "out",
    ) -> Interaction:
        summary = _text(summary, "summary")
        channel = _choice(channel, CHANNELS, "channel")
        direction = _choice(direction, DIRECTIONS, "direction")
        occurred = self._when(when)
        with self.rx.change() as ch:
            cref = self.rx.contacts.resolve(ref, session=ch.w)
            return self._log(ch, cref, channel, summary, occurred, direction)

    def _log(
        self,
        ch: Change,
        cref: Ref,
        channel: str,
        summary: str,
        occurred: dt.datetime,
        direction: str = "out",
        task_id: int | None = None,
    ) -> Interaction:
        i = Interaction(
            channel=channel,
            summary=summary,
            occurred_at=occurred,
            direction=direction,
            contact_id=cref.id,
            task_id=task_id,
            author_id=ch.w.ensure_user(ch.user),
            created_at=ch.now,
        )
        i.id = ch.w.put_interaction(i)
        saved = ch.w.get_interaction(i.id)
        assert saved is not None
        ch.record(
            "create",
            "interaction",
            saved.id,
            f"{channel} with {cref.display_name}",
            after=saved.to_dict(),
            contact_id=cref.id,
        )
        return saved

    def _when(self, text: str | None) -> dt.datetime:
        if text is None or not text.strip():
            return self.rx.now()
        from rolodex.core.dates import parse_datetime

        now = self.rx.now()
        value = parse_datetime(text, now=now.replace(tzinfo=None))
        return value.astimezone() if value.tzinfo is None else value

    def timeline(self, ref: str, *, limit: int | None = None) -> tuple[Contact, list[TimelineItem]]:
        with self.rx.reading() as r:
            cref = self.rx.contacts.resolve(ref, include_trashed=True, session=r)
            contact = r.get_contact(cref.id)
            assert contact is not None
            return contact, r.timeline(cref.id, limit=limit)

    # ------------------------------------------------------------------ tasks
    def add_task(
        self,
        title: str,
        *,
        contact: str | None = None,
        due: str | None = None,
        priority: str = "normal",
        repeat: str | None = None,
        kind: str = "todo",
        notes: str = "",
    ) -> Task:
        from rolodex.core.dates import parse_repeat, parse_when

        title = _text(title, "title", limit=1000)
        kind = _choice(kind, TASK_KINDS, "kind")
        priority = _choice(priority, PRIORITIES, "priority")
        due_date, due_time = (None, None)
        if due is not None and due.strip():
            due_date, due_time = parse_when(due, now=self.rx.now().replace(tzinfo=None))
        rrule = parse_repeat(repeat) if repeat else None
        if rrule and due_date is None:
            due_date = self.rx.today()
        if kind == "followup" and contact is None:
            raise UsageError("a follow-up needs a contact")
        with self.rx.change() as ch:
            cref = self.rx.contacts.resolve(contact, session=ch.w) if contact else None
            task = Task(
                title=title,
                kind=kind,
                due_date=due_date,
                due_time=due_time,
                priority=priority,
                repeat=rrule,
                notes=notes,
                contact_id=cref.id if cref else None,
                assignee_id=ch.w.ensure_user(ch.user),
                created_at=ch.now,
                updated_at=ch.now,
            )
            task.id = ch.w.put_task(task)
            saved = ch.w.get_task(task.id)
            assert saved is not None
            what = "follow-up" if kind == "followup" else "task"
            ch.record(
                "create",
                "task",
                saved.id,
                f"added {what} {title}",
                after=task_snapshot(saved),
                contact_id=saved.contact_id,
            )
        return saved

    def add_followup(
        self,
        ref: str,
        *,
        due: str | None = None,
        title: str | None = None,
        priority: str = "normal",
        repeat: str | None = None,
    ) -> Task:
        if not title:
            with self.rx.reading() as r:
                cref = self.rx.contacts.resolve(ref, session=r)
            title = f"Follow up with {cref.display_name}"
            ref = str(cref.id)
        return self.add_task(
            title,
            contact=ref,
            due=due or FOLLOWUP_DEFAULT_DUE,
            priority=priority,
            repeat=repeat,
            kind="followup",
        )

    def task_query(
        self,
        due: str | None,
        *,
        kinds: tuple[str, ...] = (),
        statuses: tuple[str, ...] = ("open",),
        default: str = "all",
        contact: str | None = None,
        limit: int | None = None,
    ) -> TaskQuery:
        from rolodex.core.dates import due_filter

        today = self.rx.today()
        f = due_filter(due or default, today=today)
        contact_id = None
        if contact:
            contact_id = self.rx.contacts.resolve(contact).id
        return TaskQuery(
            today=today,
            start=f.start,
            end=f.end,
            overdue=f.overdue,
            statuses=statuses,
            kinds=kinds,
            contact_id=contact_id,
            limit=limit,
        )

    def tasks(self, q: TaskQuery) -> list[Task]:
        with self.rx.reading() as r:
            return r.tasks(q)

    def get_task(self, task_id: int) -> Task:
        with self.rx.reading() as r:
            task = r.get_task(task_id)
        if task is None:
            raise NotFound(f"no task #{task_id}")
        return task

    def complete(self, task_id: int, *, note: str | None = None) -> tuple[Task, Task | None]:
        """Mark a task done. A call, meeting or follow-up logs an interaction; a recurring
        task schedules its next occurrence, which is returned too."""
        from rolodex.core.dates import next_occurrence

        with self.rx.change() as ch:
            task = ch.w.get_task(task_id)
            if task is None:
                raise NotFound(f"no task #{task_id}")
            if task.status != "open":
                raise Conflict(f"task #{task_id} is already {task.status}")
            before = task_snapshot(task)
            task.status = "done"
            task.completed_at = ch.now
            task.updated_at = ch.now
            ch.w.put_task(task)
            done = ch.w.get_task(task_id)
            assert done is not None
            ch.record(
                "update",
                "task",
                task_id,
                f"done: {task.title}",
                before=before,
                after=task_snapshot(done),
                contact_id=task.contact_id,
            )
            if task.contact is not None and task.kind in _LOGGED_KINDS:
                summary = task.title if not note else f"{task.title}: {note}"
                self._log(
                    ch,
                    task.contact,
                    _LOGGED_KINDS[task.kind],
                    summary,
                    self.rx.now(),
                    task_id=task_id,
                )
            following = None
            if task.repeat and task.due_date is not None:
                nxt = next_occurrence(task.repeat, task.due_date, today=self.rx.today())
                if nxt is not None:
                    following = Task(
                        title=task.title,
                        kind=task.kind,
                        due_date=nxt,
                        due_time=task.due_time,
                        priority=task.priority,
                        repeat=task.repeat,
                        contact_id=task.contact_id,
                        account_id=task.account_id,
                        deal_id=task.deal_id,
                        notes=task.notes,
                        assignee_id=task.assignee_id,
                        timezone=task.timezone,
                        duration_seconds=task.duration_seconds,
                        created_at=ch.now,
                        updated_at=ch.now,
                    )
                    following.id = ch.w.put_task(following)
                    following = ch.w.get_task(following.id)
                    assert following is not None
                    ch.record(
                        "create",
                        "task",
                        following.id,
                        f"next: {following.title} on {nxt.isoformat()}",
                        after=task_snapshot(following),
                        contact_id=following.contact_id,
                    )
        return done, following

    def agenda(self, *, days_ahead: int = 7) -> Agenda:
        today = self.rx.today()
        with self.rx.reading() as r:
            overdue = r.tasks(TaskQuery(today=today, overdue=True))
            upcoming = r.tasks(
                TaskQuery(today=today, start=today, end=today + dt.timedelta(days=days_ahead))
            )
            birthdays = r.birthdays_on(today)
        return Agenda(
            today=today,
            overdue=overdue,
            due_today=[t for t in upcoming if t.due_date == today],
            upcoming=[t for t in upcoming if t.due_date != today],
            birthdays=birthdays,
        )
