"""Notes, interactions, the timeline, tasks, follow-ups and the agenda through the real CLI.

Due dates are natural language resolved against the real clock, so expected values are
computed from ``date.today()``.
"""

from __future__ import annotations

import datetime as dt

from tests.cli.helpers import (
    TASK_KEYS,
    add_contact,
    add_task,
    as_json,
    assert_fails,
    cli,
    csv_rows,
    day,
    ndjson_rows,
    ok,
    state_of,
    titles,
)


def _at(item: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(item["at"])


# ------------------------------------------------------------------ notes, log, timeline
def test_notes_and_interactions_make_the_timeline_newest_first(any_target) -> None:
    ada = add_contact(any_target, "Ada Lovelace", "--email", "ada@example.com")
    add_contact(any_target, "Charles Babbage")

    note = as_json(any_target, "note", "add", "ada@example.com", "Met at the Royal Society")
    assert note["body"] == "Met at the Royal Society"
    assert note["contact"] == {"id": ada["id"], "display_name": "Ada Lovelace"}
    result = ok(any_target, "note", "add", "lovelace", "Prefers letters")
    assert result.stdout == ""
    assert "Ada Lovelace" in result.stderr

    old = as_json(
        any_target,
        "log",
        "ada@example.com",
        "--via",
        "meeting",
        "--when",
        "2024-03-01",
        "Demo of the engine",
    )
    assert old["channel"] == "meeting"
    assert old["occurred_at"].startswith("2024-03-01")
    ok(any_target, "log", "ada", "--via", "email", "--when", "yesterday", "Sent the diagrams")
    ok(any_target, "log", str(ada["id"]), "--via", "call", "--in", "She called back")

    timeline = as_json(any_target, "timeline", "ada@example.com")
    assert [t["summary"] for t in timeline] == [
        "She called back",
        "Prefers letters",
        "Met at the Royal Society",
        "Sent the diagrams",
        "Demo of the engine",
    ]
    assert [_at(t) for t in timeline] == sorted((_at(t) for t in timeline), reverse=True)
    kinds = {t["summary"]: (t["kind"], t["channel"], t["direction"]) for t in timeline}
    assert kinds["She called back"] == ("interaction", "call", "in")
    assert kinds["Sent the diagrams"] == ("interaction", "email", "out")
    assert kinds["Prefers letters"][0] == "note"
    assert all(t["contact"]["id"] == ada["id"] for t in timeline)
    assert as_json(any_target, "timeline", "babbage") == []

    assert [t["summary"] for t in as_json(any_target, "timeline", "ada", "--limit", "2")] == [
        "She called back",
        "Prefers letters",
    ]
    lines = ndjson_rows(ok(any_target, "timeline", "ada", "--ndjson").stdout)
    assert lines == timeline
    header, rows = csv_rows(ok(any_target, "timeline", "ada", "--csv").stdout)
    assert {"kind", "at", "channel", "summary"} <= set(header)
    assert [r["summary"] for r in rows] == [t["summary"] for t in timeline]

    # contact show --json carries the recent history too
    shown = as_json(any_target, "contact", "show", "ada@example.com")
    assert [t["summary"] for t in shown["timeline"]][:2] == ["She called back", "Prefers letters"]


def test_note_and_log_text_can_come_from_stdin(sqlite_target) -> None:
    add_contact(sqlite_target, "Ada Lovelace", "--email", "ada@example.com")
    text = "Minutes of the meeting\n\n- the engine\n- the notes on Menabrea\n"
    note = as_json(sqlite_target, "note", "add", "ada", "-", input=text)
    assert note["body"].strip() == text.strip()
    assert "\n- the engine\n" in note["body"]
    ok(sqlite_target, "log", "ada", "--via", "chat", "-", input="Quick chat about Bernoulli")
    timeline = as_json(sqlite_target, "timeline", "ada")
    assert [t["summary"].strip() for t in timeline] == [
        "Quick chat about Bernoulli",
        text.strip(),
    ]


def test_every_channel_can_be_logged(sqlite_target) -> None:
    add_contact(sqlite_target, "Ada Lovelace")
    channels = ["call", "email", "meeting", "chat", "letter", "social", "other"]
    for channel in channels:
        logged = as_json(sqlite_target, "log", "ada", "--via", channel, f"by {channel}")
        assert logged["channel"] == channel
    timeline = as_json(sqlite_target, "timeline", "ada")
    assert sorted(t["channel"] for t in timeline) == sorted(channels)


# ------------------------------------------------------------------ tasks
def test_task_add_reads_natural_due_dates(any_target) -> None:
    ada = add_contact(any_target, "Ada Lovelace", "--email", "ada@example.com")

    task = add_task(any_target, "X", "--due", "tomorrow")
    assert task.keys() >= TASK_KEYS
    assert task["due"] == day(1)
    assert (task["kind"], task["status"], task["priority"]) == ("todo", "open", "normal")
    assert (task["repeat"], task["contact"], task["completed_at"]) == (None, None, None)
    assert task["overdue"] is False

    timed = add_task(any_target, "Call back", "--due", "tomorrow 14:30")
    assert timed["due"] == f"{day(1)}T14:30:00"
    assert dt.datetime.fromisoformat(timed["due"]) == dt.datetime.combine(
        dt.date.today() + dt.timedelta(days=1), dt.time(14, 30)
    )
    assert add_task(any_target, "In three days", "--due", "+3d")["due"] == day(3)
    assert add_task(any_target, "Fixed", "--due", "2031-01-02")["due"] == "2031-01-02"
    assert add_task(any_target, "Someday")["due"] is None
    late = add_task(any_target, "Late", "--due", "yesterday")
    assert (late["due"], late["overdue"]) == (day(-1), True)

    linked = add_task(
        any_target,
        "Send pricing",
        "--contact",
        "ada@example.com",
        "--priority",
        "high",
        "--kind",
        "call",
        "--due",
        "today",
    )
    assert linked["contact"] == {"id": ada["id"], "display_name": "Ada Lovelace"}
    assert (linked["priority"], linked["kind"], linked["due"]) == ("high", "call", day(0))

    result = ok(any_target, "task", "add", "Quiet", "--due", "today")
    assert result.stdout == ""
    assert "Quiet" in result.stderr
    shown = as_json(any_target, "contact", "show", "ada@example.com")
    assert [t["title"] for t in shown["open_tasks"]] == ["Send pricing"]


def test_task_list_filters_by_due(any_target) -> None:
    for title, due in [
        ("yesterday", "yesterday"),
        ("today", "today"),
        ("tomorrow", "tomorrow"),
        ("in five days", "+5d"),
        ("in a month", "+40d"),
    ]:
        add_task(any_target, title, "--due", due)
    add_task(any_target, "no date")

    def listed(*args: str) -> set[str]:
        return titles(as_json(any_target, "task", "list", *args))

    everything = {"yesterday", "today", "tomorrow", "in five days", "in a month", "no date"}
    assert listed() == everything
    assert listed("--due", "today") == {"today"}
    assert listed("--due", "tomorrow") == {"tomorrow"}
    assert listed("--due", "overdue") == {"yesterday"}
    assert listed("--due", "week") == {"today", "tomorrow", "in five days"}
    assert listed("--due", day(5)) == {"in five days"}
    assert listed("--due", f"{day(0)}..{day(1)}") == {"today", "tomorrow"}

    tasks = as_json(any_target, "task", "list", "--due", "all")
    assert {t["title"] for t in tasks if t["overdue"]} == {"yesterday"}
    assert all(t.keys() >= TASK_KEYS for t in tasks)

    header, rows = csv_rows(ok(any_target, "task", "list", "--due", "week", "--csv").stdout)
    assert {"id", "title", "due", "status", "overdue", "contact"} <= set(header)
    assert {r["title"] for r in rows} == {"today", "tomorrow", "in five days"}
    lines = ndjson_rows(ok(any_target, "task", "list", "--ndjson").stdout)
    assert {r["title"] for r in lines} == everything


def test_recurring_task_done_schedules_the_next_one(any_target) -> None:
    standup = add_task(any_target, "Standup", "--due", "today", "--repeat", "daily")
    assert standup["repeat"]
    weekly = add_task(any_target, "Review", "--due", "today", "--repeat", "weekly")

    done = as_json(any_target, "task", "done", str(standup["id"]))
    assert done["id"] == standup["id"]
    assert done["status"] == "done"
    assert done["completed_at"] is not None
    following = done["next"]
    assert following["id"] != standup["id"]
    assert (following["title"], following["status"]) == ("Standup", "open")
    assert following["due"] == day(1)
    assert following["repeat"] == standup["repeat"]

    assert as_json(any_target, "task", "done", str(weekly["id"]))["next"]["due"] == day(7)

    open_titles = {(t["title"], t["due"]) for t in as_json(any_target, "task", "list")}
    assert open_titles == {("Standup", day(1)), ("Review", day(7))}
    finished = as_json(any_target, "task", "list", "--status", "done")
    assert {t["id"] for t in finished} == {standup["id"], weekly["id"]}

    once = add_task(any_target, "Once", "--due", "today")
    result = ok(any_target, "task", "done", str(once["id"]))
    assert result.stdout == ""
    assert "Once" in result.stderr
    assert_fails(cli(any_target, "task", "done", "99999"), 3, "99999")


def test_completing_a_task_twice_is_a_conflict(sqlite_target) -> None:
    task = add_task(sqlite_target, "Once", "--due", "today")
    ok(sqlite_target, "task", "done", str(task["id"]))
    before = state_of(sqlite_target)
    assert_fails(cli(sqlite_target, "task", "done", str(task["id"])), 5, "already done")
    assert state_of(sqlite_target) == before


def test_completing_a_followup_or_call_logs_an_interaction(any_target) -> None:
    ada = add_contact(any_target, "Ada Lovelace", "--email", "ada@example.com")
    followup = as_json(any_target, "followup", "add", "ada", "--due", "today", "Send the notes")
    call = add_task(any_target, "Ring Ada", "--contact", "ada", "--kind", "call")
    todo = add_task(any_target, "Buy stamps", "--contact", "ada")

    ok(any_target, "task", "done", str(followup["id"]))
    ok(any_target, "task", "done", str(call["id"]), "--note", "left a voicemail")
    ok(any_target, "task", "done", str(todo["id"]))

    timeline = as_json(any_target, "timeline", "ada@example.com")
    interactions = [t for t in timeline if t["kind"] == "interaction"]
    assert len(interactions) == 2
    assert any("Send the notes" in t["summary"] for t in interactions)
    [rung] = [t for t in interactions if "Ring Ada" in t["summary"]]
    assert rung["channel"] == "call"
    assert "left a voicemail" in rung["summary"]
    done_tasks = {t["summary"] for t in timeline if t["kind"] == "task"}
    assert done_tasks == {"Send the notes", "Ring Ada", "Buy stamps"}
    assert all(t["contact"]["id"] == ada["id"] for t in timeline)
    assert [_at(t) for t in timeline] == sorted((_at(t) for t in timeline), reverse=True)

    # undo reopens the call and takes its interaction back
    ok(any_target, "undo")  # Buy stamps
    ok(any_target, "undo")  # Ring Ada
    assert {t["title"] for t in as_json(any_target, "task", "list")} == {"Buy stamps", "Ring Ada"}
    timeline = as_json(any_target, "timeline", "ada@example.com")
    assert not any("Ring Ada" in t["summary"] for t in timeline)
    assert sum(t["kind"] == "interaction" for t in timeline) == 1


# ------------------------------------------------------------------ follow-ups
def test_followups_default_to_overdue_and_today(any_target) -> None:
    ada = add_contact(any_target, "Ada Lovelace", "--email", "ada@example.com")
    add_contact(any_target, "Charles Babbage", "--email", "cb@example.com")
    for due, title in [
        ("yesterday", "late"),
        ("today", "now"),
        ("tomorrow", "soon"),
        ("+5d", "this week"),
        ("+20d", "later"),
    ]:
        ok(any_target, "followup", "add", "ada@example.com", "--due", due, title)
    add_task(any_target, "not a follow-up", "--due", "today")

    default = as_json(any_target, "followups")
    assert titles(default) == {"late", "now"}
    assert all(t["kind"] == "followup" for t in default)
    assert all(t["contact"] == {"id": ada["id"], "display_name": "Ada Lovelace"} for t in default)
    assert {t["title"]: t["overdue"] for t in default} == {"late": True, "now": False}

    assert titles(as_json(any_target, "followups", "--due", "today")) == {"now"}
    assert titles(as_json(any_target, "followups", "--due", "overdue")) == {"late"}
    assert titles(as_json(any_target, "followups", "--due", "tomorrow")) == {"soon"}
    assert titles(as_json(any_target, "followups", "--due", "week")) == {
        "now",
        "soon",
        "this week",
    }
    assert titles(as_json(any_target, "followups", "--due", day(20))) == {"later"}

    # default due: in three days, with a title naming the contact
    plain = as_json(any_target, "followup", "add", "babbage")
    assert plain["due"] == day(3)
    assert plain["kind"] == "followup"
    assert "Charles Babbage" in plain["title"]

    header, rows = csv_rows(ok(any_target, "followups", "--csv").stdout)
    assert header[:2] == ["id", "title"]
    assert {r["title"] for r in rows} == {"late", "now"}
    assert {r["contact"] for r in rows} == {"Ada Lovelace"}

    # a contact in the trash has no follow-ups due; restored, they are back
    ok(any_target, "contact", "rm", "ada@example.com")
    assert as_json(any_target, "followups") == []
    ok(any_target, "contact", "restore", "ada@example.com")
    assert titles(as_json(any_target, "followups")) == {"late", "now"}


def test_agenda_shows_overdue_today_and_upcoming(sqlite_target) -> None:
    add_contact(sqlite_target, "Ada Lovelace", "--email", "ada@example.com")
    ok(sqlite_target, "followup", "add", "ada", "--due", "yesterday", "Chase the reply")
    add_task(sqlite_target, "Pay the invoice", "--due", "today")
    add_task(sqlite_target, "Book the hall", "--due", "tomorrow")

    agenda = as_json(sqlite_target, "agenda")
    assert agenda["date"] == day(0)
    assert titles(agenda["overdue"]) == {"Chase the reply"}
    assert titles(agenda["today"]) == {"Pay the invoice"}
    assert "Book the hall" in titles(agenda["upcoming"])

    shown = ok(sqlite_target)
    assert "Agenda" in shown.stdout
    for title in ("Chase the reply", "Pay the invoice", "Book the hall"):
        assert title in shown.stdout
    assert shown.stderr == ""
