"""iCalendar import and export: fixtures as todoman, khal, Google Calendar, Outlook and Apple
Reminders write them, broken input, and round trips through our parser and icalendar's."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolodex.core.dates import parse_repeat
from rolodex.core.models import Ref, Task
from rolodex.errors import BadInput
from rolodex.importers.base import Parsed, Rejected
from rolodex.importers.ical import (
    WINDOWS_ZONES,
    EventRecord,
    TaskRecord,
    dump_ical,
    dump_ical_item,
    export_uid,
    parse_ical,
    resolve_tzid,
    sniff_ical,
)

FIXTURES = Path(__file__).parent / "fixtures" / "ical"
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
PROPERTY = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def parse(data: bytes, now: dt.datetime = NOW) -> list[Parsed | Rejected]:
    return list(parse_ical(data, now=now))


def fixture(name: str, now: dt.datetime = NOW) -> list[Parsed | Rejected]:
    return parse((FIXTURES / name).read_bytes(), now)


def tasks_of(results: list[Parsed | Rejected]) -> dict[str, Parsed]:
    return {
        r.item.task.uid: r
        for r in results
        if isinstance(r, Parsed) and isinstance(r.item, TaskRecord)
    }


def events_of(results: list[Parsed | Rejected]) -> dict[str, Parsed]:
    return {
        r.item.interaction.uid: r
        for r in results
        if isinstance(r, Parsed) and isinstance(r.item, EventRecord)
    }


def rejects_of(results: list[Parsed | Rejected]) -> list[Rejected]:
    return [r for r in results if isinstance(r, Rejected)]


# --- fixtures from real programs ---------------------------------------------------------------


def test_todoman_vtodos() -> None:
    results = fixture("todoman.ics")
    assert [r.line for r in results] == [4, 21, 40]
    tasks = tasks_of(results)
    call = tasks["13b7ae968f524c21a25b9481a5894b3d@vm"]
    task = call.item.task
    assert (task.title, task.priority, task.status) == (
        "Call Ada about the contract",
        "high",
        "open",
    )
    # todoman writes due times in UTC: they stay UTC
    assert (task.due_date, task.due_time, task.timezone) == (
        dt.date(2026, 3, 1),
        dt.time(8, 30),
        "UTC",
    )
    # CATEGORIES:followup, but no contact to follow up with
    assert task.kind == "todo"
    assert any("follow-up" in w for w in call.warnings)

    done = tasks["30f4015663c840d19c6af067b7c88a85@vm"].item.task
    assert done.status == "done"
    assert done.completed_at == dt.datetime(2026, 11, 25, 17, 47, 38, tzinfo=dt.UTC)
    assert (done.due_date, done.due_time, done.timezone) == (dt.date(2026, 3, 5), None, "")
    assert done.priority == "low"
    assert done.notes == "Bring the draft, and the numbers."
    assert tasks["6042e85ab12547d2b43fe0753b527473@vm"].item.task.status == "open"


def test_khal_events_to_come_are_meetings() -> None:
    tasks = tasks_of(fixture("khal.ics"))
    review = tasks["4IT3WRWTQPU8C95NNUKI0QLPFRD8JUJMWPVD"].item.task
    assert review.kind == "meeting"
    assert (review.due_date, review.due_time, review.timezone) == (
        dt.date(2026, 3, 2),
        dt.time(10, 0),
        "Europe/Berlin",
    )
    assert review.notes == "Agenda: numbers"
    standup = tasks["LWQOM05ZYV5O7OXEEL8PT2LDW1HFZUZ3V393"].item.task
    assert (standup.due_date, standup.due_time, standup.timezone) == (dt.date(2026, 3, 3), None, "")
    assert standup.repeat == "FREQ=WEEKLY"
    ny = tasks["WGH1AGLMJ5FKMRUKYJCABTHKDF8DEA8IABB5"].item.task
    assert (ny.due_time, ny.timezone) == (dt.time(9, 0), "America/New_York")


def test_khal_events_that_are_over_are_interactions() -> None:
    later = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
    results = fixture("khal.ics", later)
    events = events_of(results)
    review = events["4IT3WRWTQPU8C95NNUKI0QLPFRD8JUJMWPVD"].item.interaction
    assert review.channel == "meeting"
    assert review.summary == "Quarterly review — Agenda: numbers"
    assert review.occurred_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
    assert review.occurred_at.tzinfo is not None
    # the weekly all-day series goes on; the NY call (15:00 UTC) is still to come
    assert set(tasks_of(results)) == {
        "LWQOM05ZYV5O7OXEEL8PT2LDW1HFZUZ3V393",
        "WGH1AGLMJ5FKMRUKYJCABTHKDF8DEA8IABB5",
    }


def test_google_calendar_export() -> None:
    results = fixture("google.ics")
    tasks, events = tasks_of(results), events_of(results)
    series = tasks["5vq1c2b0f1kq3m7n8o9p0a1b2c@google.com"]
    weekly = series.item.task
    # the series began in 2025; its next date not taken out is Monday 9 March (2 March moved)
    assert weekly.repeat == "FREQ=WEEKLY;BYDAY=MO"
    assert (weekly.due_date, weekly.due_time, weekly.timezone) == (
        dt.date(2026, 3, 9),
        dt.time(10, 0),
        "Europe/Berlin",
    )
    assert any("next date 2026-03-09" in w for w in series.warnings)
    # the meeting room is not a contact
    assert series.item.contact_emails == ["grace@example.org", "ada@example.com"]

    moved = tasks["5vq1c2b0f1kq3m7n8o9p0a1b2c@google.com/20260302T100000"]
    assert (moved.item.task.due_date, moved.item.task.due_time) == (
        dt.date(2026, 3, 3),
        dt.time(11, 0),
    )
    assert moved.item.task.repeat is None

    lunch = events["2k9d8s7a6f5g4h3j2k1l0z9x8c@google.com"]
    assert lunch.item.interaction.occurred_at == dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)
    assert lunch.item.interaction.summary == "Lunch with Grace — Talked about the Q2 budget."
    assert lunch.item.contact_emails == ["grace@example.org", "ada@example.com"]

    fair = tasks["7h6g5f4d3s2a1q0w9e8r7t6y5u@google.com"].item.task
    assert (fair.kind, fair.due_date, fair.due_time, fair.timezone) == (
        "meeting",
        dt.date(2026, 3, 20),
        None,
        "",
    )
    [cancelled] = rejects_of(results)
    assert cancelled.line == 103
    assert "cancelled" in cancelled.reason
    assert "UID:0p9o8i7u6y5t4r3e2w1q0a9s8d@google.com" in cancelled.raw


def test_outlook_windows_time_zones() -> None:
    results = fixture("outlook.ics")
    assert not rejects_of(results)
    by_title = {r.item.task.title: r for r in results if isinstance(r.item, TaskRecord)}
    review = by_title["Contract review"]
    assert (review.item.task.timezone, review.item.task.due_time) == (
        "Europe/Berlin",
        dt.time(14, 0),
    )
    assert review.item.contact_emails == ["ada@example.com", "grace.hopper@example.org"]
    assert review.item.task.notes.startswith("Hi Ada,\n\nlet's go through the contract")
    assert review.item.task.uid.endswith("F1E2D3C4B5A6978812345678")  # unfolded
    shanghai = by_title["Supplier call 供应商"].item.task
    assert (shanghai.timezone, shanghai.due_time, shanghai.priority) == (
        "Asia/Shanghai",
        dt.time(9, 30),
        "low",
    )
    london = by_title["London sync"].item.task
    assert london.timezone == "Europe/London"
    # UNTIL=20260515T150000Z is 16:00 in London on the 15th
    assert london.repeat == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;WKST=MO;UNTIL=20260515"
    assert london.exdates == [dt.date(2026, 4, 3)]
    budget = by_title["Budget meeting"]
    # a VTIMEZONE of the file with the rules of central Europe
    assert (budget.item.task.timezone, budget.item.task.due_time) == (
        "Europe/Berlin",
        dt.time(11, 0),
    )
    assert budget.warnings == []
    assert by_title["Board call"].item.task.timezone == "Europe/Amsterdam"

    [seattle] = events_of(results).values()
    assert seattle.item.interaction.occurred_at == dt.datetime(
        2026, 2, 15, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles")
    )
    assert seattle.item.interaction.summary.startswith("Call with Seattle — Quarterly numbers")


def test_apple_reminders() -> None:
    tasks = tasks_of(fixture("apple_reminders.ics"))
    renew = tasks["8E4A8C2B-3F7A-4C2E-9B1D-6A2F0D1E3C4B"].item.task
    assert (renew.status, renew.priority, renew.due_date, renew.due_time) == (
        "done",
        "normal",
        dt.date(2026, 2, 27),
        None,
    )
    assert renew.completed_at == dt.datetime(2026, 2, 27, 10, 15, tzinfo=dt.UTC)
    call = tasks["1C9F2E7A-55B0-4D8E-A1F3-0B7C6D5E4F3A"].item.task
    assert (call.priority, call.repeat, call.timezone, call.due_time) == (
        "high",
        "FREQ=WEEKLY;INTERVAL=2",
        "Europe/Berlin",
        dt.time(9, 0),
    )
    assert call.notes == "About the invoice from February."
    paper = tasks["5D4C3B2A-1F0E-4D9C-8B7A-6F5E4D3C2B1A"].item.task
    assert (paper.priority, paper.due_date) == ("low", None)


# --- broken input ------------------------------------------------------------------------------


def test_broken_components_are_rejected_one_by_one() -> None:
    results = fixture("broken.ics")
    lines = [(r.line, type(r).__name__) for r in results]
    assert lines == [
        (5, "Parsed"),
        (11, "Parsed"),
        (18, "Rejected"),
        (22, "Rejected"),
        (27, "Rejected"),
        (31, "Rejected"),
        (35, "Rejected"),
        (38, "Parsed"),
        (45, "Rejected"),
    ]
    bad_due, unknown_zone = results[0], results[1]
    assert bad_due.item.task.due_date is None
    assert any("DUE" in w and "dropped" in w for w in bad_due.warnings)
    assert any("PRIORITY" in w for w in bad_due.warnings)
    zone = unknown_zone.item.task
    assert (zone.due_date, zone.due_time, zone.timezone, zone.repeat) == (
        dt.date(2026, 4, 1),
        dt.time(12, 0),
        "",
        None,
    )
    assert any("Mars/Olympus_Mons" in w for w in unknown_zone.warnings)
    assert any("line 16" in w for w in unknown_zone.warnings)
    assert any("RRULE" in w for w in unknown_zone.warnings)
    reasons = [r.reason for r in rejects_of(results)]
    assert "DTSTART" in reasons[0] and "DTSTART" in reasons[1]
    assert "VJOURNAL" in reasons[2]
    assert "END:VEVENT" in reasons[3]
    assert "cut off" in reasons[4] and "cut off" in reasons[5]
    assert rejects_of(results)[-1].raw.startswith("BEGIN:VEVENT\nUID:truncated")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \r\n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "HTML"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n", "vCard"),
        (b"BEGIN:VTODO\r\nSUMMARY:no calendar\r\nEND:VTODO\r\n", "BEGIN:VCALENDAR"),
        (b"just some text", "BEGIN:VCALENDAR"),
        (b"\xff\xfeB\x00E\x00G", "text"),
    ],
)
def test_input_that_is_not_icalendar(data: bytes, words: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_ical(data, now=NOW)
    message = str(err.value)
    assert words in message
    assert "\n" not in message and message.endswith(".")


def test_an_empty_calendar_has_no_records() -> None:
    assert parse(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n") == []


def test_cancelled_occurrence_is_taken_out_of_its_series() -> None:
    data = (
        b"BEGIN:VCALENDAR\n"
        b"BEGIN:VEVENT\nUID:s\nSUMMARY:Weekly\nDTSTART;TZID=Europe/Berlin:20260302T090000\n"
        b"RRULE:FREQ=WEEKLY\nEND:VEVENT\n"
        b"BEGIN:VEVENT\nUID:s\nRECURRENCE-ID;TZID=Europe/Berlin:20260309T090000\n"
        b"DTSTART;TZID=Europe/Berlin:20260309T090000\nSTATUS:CANCELLED\nEND:VEVENT\n"
        b"END:VCALENDAR\n"
    )
    series, cancelled = parse(data)
    assert series.item.task.exdates == [dt.date(2026, 3, 9)]
    assert isinstance(cancelled, Rejected) and cancelled.line == 8


def test_series_that_ended_is_one_interaction_and_count_is_kept_right() -> None:
    data = (
        b"BEGIN:VCALENDAR\n"
        b"BEGIN:VEVENT\nUID:over\nSUMMARY:Done series\nDTSTART:20260105T090000Z\n"
        b"RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\n"
        b"BEGIN:VEVENT\nUID:going\nSUMMARY:Still going\nDTSTART:20260105T090000Z\n"
        b"RRULE:FREQ=WEEKLY;COUNT=10\nEXDATE:20260302T090000Z\nEND:VEVENT\n"
        b"END:VCALENDAR\n"
    )
    over, going = parse(data)
    assert isinstance(over.item, EventRecord)
    assert over.item.interaction.occurred_at == dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    task = going.item.task
    # 5 Jan … 23 Feb are over and 2 Mar is taken out: 9 Mar, the last of ten, is next
    assert task.due_date == dt.date(2026, 3, 9)
    assert task.repeat == "FREQ=WEEKLY;COUNT=1"
    assert task.exdates == []


def test_floating_times_use_x_wr_timezone_and_now_zone() -> None:
    data = (
        b"BEGIN:VCALENDAR\nX-WR-TIMEZONE:Europe/Berlin\n"
        b"BEGIN:VTODO\nUID:a\nSUMMARY:A\nDUE:20260302T090000\nEND:VTODO\nEND:VCALENDAR\n"
        b"BEGIN:VCALENDAR\n"
        b"BEGIN:VEVENT\nUID:b\nSUMMARY:B\nDTSTART:20260301T123000\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    a, b = parse(data)
    assert a.item.task.timezone == "Europe/Berlin"
    # 12:30 floating, read in now's zone (UTC): over by 12:45
    assert isinstance(b.item, TaskRecord)
    later = dt.datetime(2026, 3, 1, 12, 45, tzinfo=dt.UTC)
    assert isinstance(parse(data, later)[1].item, EventRecord)


def test_utc_exdate_of_a_zoned_series_is_its_local_day() -> None:
    data = (
        b"BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:x\nSUMMARY:Late call\n"
        b"DUE;TZID=America/Los_Angeles:20260302T200000\nRRULE:FREQ=DAILY\n"
        b"EXDATE:20260304T040000Z\nEND:VTODO\nEND:VCALENDAR\n"
    )
    [result] = parse(data)
    assert result.item.task.exdates == [dt.date(2026, 3, 3)]


def test_priorities_statuses_and_kinds() -> None:
    def todo(extra: str) -> Parsed:
        data = (
            f"BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:p\nSUMMARY:P\n{extra}\nEND:VTODO\nEND:VCALENDAR\n"
        )
        [result] = parse(data.encode())
        return result

    expected = {1: "high", 4: "high", 5: "normal", 0: "normal", 6: "low", 9: "low"}
    for number, priority in expected.items():
        assert todo(f"PRIORITY:{number}").item.task.priority == priority
    assert todo("STATUS:CANCELLED").item.task.status == "cancelled"
    assert todo("STATUS:IN-PROCESS").item.task.status == "open"
    assert todo("CATEGORIES:Work,Call").item.task.kind == "call"
    followup = todo("CATEGORIES:follow-up\nATTENDEE;CN=Ada:MAILTO:Ada@Example.COM")
    assert followup.item.task.kind == "followup"
    assert followup.item.contact_emails == ["ada@example.com"]
    assert todo("X-ROLODEX-CONTACT:grace@example.org").item.contact_emails == ["grace@example.org"]
    assert todo("CATEGORIES:Errands").item.task.kind == "todo"
    untitled = parse(b"BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:u\nEND:VTODO\nEND:VCALENDAR\n")[0]
    assert untitled.item.task.title == "(untitled)"


def test_resolve_tzid() -> None:
    assert len(WINDOWS_ZONES) >= 30
    for windows, iana in WINDOWS_ZONES.items():
        assert ZoneInfo(iana), windows
        assert resolve_tzid(windows) == iana
    assert resolve_tzid('"W. Europe Standard Time"') == "Europe/Berlin"
    assert resolve_tzid("pacific standard time") == "America/Los_Angeles"
    assert (
        resolve_tzid("Mountain Standard Time (Mexico)") == "America/Mazatlan"
    )  # icalendar's table
    assert resolve_tzid("/mozilla.org/20050126_1/America/New_York") == "America/New_York"
    assert resolve_tzid("/freeassociation.sourceforge.net/Tzfile/Europe/Paris") == "Europe/Paris"
    assert resolve_tzid("(UTC) Dublin, Edinburgh, Lisbon, London") == "Europe/Dublin"
    assert resolve_tzid("(UTC-05:00) Eastern Time (US & Canada)") == "America/New_York"
    for utc in ("UTC", "GMT", "Etc/UTC", "Z"):
        assert resolve_tzid(utc) == "UTC"
    for unknown in ("Customized Time Zone", "", "../../etc/passwd", "/etc/passwd", "Europe"):
        assert resolve_tzid(unknown) is None


def test_sniff() -> None:
    for name in ("todoman.ics", "google.ics", "outlook.ics"):
        assert sniff_ical((FIXTURES / name).read_bytes())
    assert sniff_ical("\ufeffBEGIN:VCALENDAR\r\n".encode())
    assert sniff_ical("BEGIN:VCALENDAR\r\n".encode("utf-16"))
    assert not sniff_ical(b"BEGIN:VCARD\r\n")
    assert not sniff_ical(b"")
    assert not sniff_ical(b"Name,Email\r\n")


def test_importing_the_module_is_cheap() -> None:
    code = (
        "import sys, rolodex.importers.ical; "
        "print(sorted(m for m in ('icalendar', 'dateutil') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# --- export ------------------------------------------------------------------------------------

ADA = Ref(id=7, display_name="Lovelace, Ada")
STAMP = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def sample_tasks() -> list[Task]:
    return [
        Task(
            id=1,
            title="Follow up with Ada about the contract",
            kind="followup",
            due_date=dt.date(2026, 12, 1),
            due_time=dt.time(9, 30),
            timezone="Europe/Berlin",
            priority="high",
            contact_id=7,
            contact=ADA,
            notes="Ask about clause 4.\nBring the draft; and the numbers, please.",
        ),
        Task(
            id=2,
            title="Send proposal",
            due_date=dt.date(2026, 12, 3),
            priority="low",
            repeat="FREQ=WEEKLY;BYDAY=TH;UNTIL=20270301",
            exdates=[dt.date(2026, 12, 10)],
        ),
        Task(
            id=3,
            title="Call Grace",
            kind="call",
            due_date=dt.date(2026, 11, 20),
            due_time=dt.time(14, 0),
            status="done",
            completed_at=dt.datetime(2026, 11, 20, 14, 20, tzinfo=dt.UTC),
        ),
        Task(
            id=4,
            title="Quarterly review with Ada",
            kind="meeting",
            due_date=dt.date(2026, 12, 2),
            due_time=dt.time(10, 0),
            timezone="America/New_York",
            contact_id=7,
            contact=ADA,
            repeat="FREQ=MONTHLY;UNTIL=20270601",
            exdates=[dt.date(2027, 1, 2)],
        ),
        Task(
            id=5,
            title="Lunch",
            kind="meeting",
            due_date=dt.date(2026, 12, 4),
            due_time=dt.time(12, 30),
        ),
        Task(
            title="Undated to-do with a long title that has to be folded at 75 octets — ünïcödé",
            uid="kept-uid-1",
        ),
    ]


def test_export_matches_the_golden_file() -> None:
    out = dump_ical(sample_tasks(), contact_emails={7: "ada@example.com"}, now=STAMP)
    golden = FIXTURES / "export_golden.ics"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(out)
    assert out == golden.read_bytes()


def test_export_is_valid_icalendar() -> None:
    from icalendar import Calendar

    out = dump_ical(sample_tasks(), contact_emails={7: "ada@example.com"}, now=STAMP)
    assert out.endswith(b"\r\n")
    for line in out.split(b"\r\n"):
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75
    cal = Calendar.from_ical(out)
    assert str(cal["PRODID"]) == "-//Rolodex//Rolodex//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert cal.get_missing_tzids() == set()
    assert {tz.tz_name for tz in cal.timezones} == {"Europe/Berlin", "America/New_York"}
    assert [str(t["UID"]) for t in cal.todos] == [
        "rolodex-task-1@rolodex",
        "rolodex-task-2@rolodex",
        "rolodex-task-3@rolodex",
        "kept-uid-1",
    ]
    review, lunch = cal.events
    assert review.start == dt.datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("America/New_York"))
    assert review.end - review.start == dt.timedelta(hours=1)
    assert str(review["X-ROLODEX-CONTACT"]) == "7"
    assert review["ATTENDEE"].params["CN"] == "Lovelace, Ada"
    assert str(review["ATTENDEE"]) == "mailto:ada@example.com"
    # UNTIL of a zoned series is written in UTC: the end of 1 June in New York
    assert review["RRULE"]["UNTIL"] == [dt.datetime(2027, 6, 2, 3, 59, 59, tzinfo=dt.UTC)]
    assert lunch.start == dt.datetime(2026, 12, 4, 12, 30)  # floating
    followup, weekly, call, _undated = cal.todos
    assert followup["DUE"].dt == dt.datetime(2026, 12, 1, 9, 30, tzinfo=BERLIN)
    assert followup["DUE"].params["TZID"] == "Europe/Berlin"
    assert int(followup["PRIORITY"]) == 1
    assert followup.categories == ["followup"]
    assert str(followup["DESCRIPTION"]).startswith("Ask about clause 4.\nBring")
    assert weekly["DUE"].dt == dt.date(2026, 12, 3)
    assert weekly["DTSTART"].dt == dt.date(2026, 12, 3)
    assert weekly["EXDATE"].dts[0].dt == dt.date(2026, 12, 10)
    assert int(weekly["PRIORITY"]) == 9
    assert str(call["STATUS"]) == "COMPLETED"
    assert call["COMPLETED"].dt == dt.datetime(2026, 11, 20, 14, 20, tzinfo=dt.UTC)
    assert "RELATED-TO" not in out.decode()


def test_export_item_is_one_component_with_its_time_zone() -> None:
    from icalendar import Calendar

    task = sample_tasks()[0]
    out = dump_ical_item(task, contact_email="ada@example.com", now=STAMP)
    cal = Calendar.from_ical(out)
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE", "VTODO"]
    assert export_uid(task) == "rolodex-task-1@rolodex"
    undated = Task(title="No id yet")
    assert export_uid(undated) == export_uid(Task(title="No id yet"))
    assert export_uid(undated).endswith("@rolodex")
    assert b"VTIMEZONE" not in dump_ical_item(sample_tasks()[4], now=STAMP)


def test_done_meeting_is_a_vtodo_and_stays_a_meeting() -> None:
    meeting = Task(
        id=9,
        title="Met Ada",
        kind="meeting",
        due_date=dt.date(2026, 1, 5),
        due_time=dt.time(9),
        status="done",
        completed_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
    )
    out = dump_ical_item(meeting, now=STAMP)
    assert b"BEGIN:VTODO" in out
    [back] = parse(out)
    assert (back.item.task.kind, back.item.task.status) == ("meeting", "done")


def test_export_parses_back_into_the_same_tasks() -> None:
    tasks = sample_tasks()
    emails = {7: "ada@example.com"}
    out = dump_ical(tasks, contact_emails=emails, now=STAMP)
    # long past: our own VEVENTs still come back as tasks, not interactions
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert sorted(summary(r) for r in parse(out, later)) == sorted(
        expected_summary(t, emails) for t in tasks
    )


# --- round trips and fuzzing ---------------------------------------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe"]
RULES = [
    "FREQ=DAILY",
    "FREQ=WEEKLY;BYDAY=MO,WE",
    "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5",
    "FREQ=WEEKLY;INTERVAL=2;UNTIL=20301231",
    "FREQ=YEARLY",
]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=60
).filter(lambda s: s.strip() == s and s)
NOTES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x7f"),
    max_size=80,
).map(lambda s: "".join(c for c in s if c == "\n" or c.isprintable() or c == " "))


@st.composite
def tasks_strategy(draw: st.DrawFn) -> list[tuple[Task, str | None]]:
    count = draw(st.integers(0, 6))
    out = []
    for index in range(count):
        due_date = draw(st.none() | st.dates(dt.date(1971, 1, 1), dt.date(2099, 12, 31)))
        due_time = None
        zone = ""
        if due_date is not None and draw(st.booleans()):
            due_time = draw(st.times()).replace(microsecond=0)
            zone = draw(st.sampled_from(["", *ZONES]))
        status = draw(st.sampled_from(["open", "done", "cancelled"]))
        email = draw(st.none() | st.sampled_from(["ada@example.com", "Grace@Example.org"]))
        contact = Ref(id=index + 1, display_name=draw(TEXT)) if email else None
        task = Task(
            title=draw(TEXT),
            id=index + 1,
            uid=draw(st.just("") | TEXT.map(lambda s, i=index: f"{i}-{s}")),
            kind=draw(st.sampled_from(["todo", "call", "meeting", "followup"])),
            due_date=due_date,
            due_time=due_time,
            timezone=zone,
            priority=draw(st.sampled_from(["high", "normal", "low"])),
            status=status,
            repeat=draw(st.none() | st.sampled_from(RULES)),
            exdates=draw(st.lists(st.dates(dt.date(1971, 1, 1), dt.date(2099, 1, 1)), max_size=3)),
            notes=draw(NOTES),
            contact_id=contact.id if contact else None,
            contact=contact,
            completed_at=(
                draw(st.datetimes(dt.datetime(1971, 1, 1), dt.datetime(2099, 1, 1))).replace(
                    microsecond=0, tzinfo=dt.UTC
                )
                if status == "done"
                else None
            ),
        )
        out.append((task, email))
    return out


def expected_summary(task: Task, emails: dict[int, str]) -> tuple:
    email = emails.get(task.contact_id) if task.contact_id is not None else None
    kind = "todo" if task.kind == "followup" and not email else task.kind
    return (
        export_uid(task),
        task.title.strip(),
        kind,
        task.due_date,
        task.due_time,
        task.timezone if task.due_time is not None else "",
        task.priority,
        task.status,
        task.repeat,
        tuple(sorted(set(task.exdates))),
        task.notes.strip(),
        task.completed_at if task.status == "done" else None,
        (email.lower(),) if email else (),
    )


def summary(result: Parsed | Rejected) -> tuple:
    assert isinstance(result, Parsed), result
    assert isinstance(result.item, TaskRecord)
    assert all("follow-up" in w for w in result.warnings), result.warnings
    task = result.item.task
    return (
        task.uid,
        task.title,
        task.kind,
        task.due_date,
        task.due_time,
        task.timezone,
        task.priority,
        task.status,
        task.repeat,
        tuple(task.exdates),
        task.notes,
        task.completed_at,
        tuple(result.item.contact_emails),
    )


def test_rules_used_below_are_canonical() -> None:
    for rule in RULES:
        assert parse_repeat(rule) == rule


@PROPERTY
@given(tasks_strategy())
def test_round_trip(pairs: list[tuple[Task, str | None]]) -> None:
    from icalendar import Calendar

    tasks = [task for task, _ in pairs]
    emails = {task.contact_id: email for task, email in pairs if email and task.contact_id}
    out = dump_ical(tasks, contact_emails=emails, now=STAMP)

    cal = Calendar.from_ical(out)
    assert cal.get_missing_tzids() == set()
    components = cal.todos + cal.events
    assert sorted(str(c["UID"]) for c in components) == sorted(export_uid(t) for t in tasks)
    assert sorted(str(c["SUMMARY"]) for c in components) == sorted(t.title for t in tasks)
    for line in out.split(b"\r\n"):
        assert len(line) <= 75

    back = parse(out)
    assert sorted(map(summary, back)) == sorted(expected_summary(t, emails) for t in tasks)


@PROPERTY
@given(tasks_strategy())
def test_every_item_file_round_trips(pairs: list[tuple[Task, str | None]]) -> None:
    for task, email in pairs:
        out = dump_ical_item(task, contact_email=email, now=STAMP)
        emails = {task.contact_id: email} if email and task.contact_id else {}
        [back] = parse(out)
        assert summary(back) == expected_summary(task, emails)


def answers(data: bytes) -> None:
    try:
        results = list(parse_ical(data, now=NOW))
    except BadInput as exc:
        assert "\n" not in str(exc)
        return
    for result in results:
        assert isinstance(result, Parsed | Rejected)
        assert result.line >= 1


@settings(max_examples=150, deadline=None, database=None)
@given(st.binary(max_size=600))
def test_random_bytes(data: bytes) -> None:
    answers(data)


PRINTABLE = st.text(alphabet=st.characters(blacklist_categories=("Cc",)), max_size=30)
LINES = st.sampled_from(
    [
        "BEGIN:VCALENDAR",
        "END:VCALENDAR",
        "BEGIN:VTODO",
        "END:VTODO",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "BEGIN:VALARM",
        "END:VALARM",
        "BEGIN:VTIMEZONE",
        "UID:x",
        "SUMMARY:Call",
        " folded",
        "DUE:20260230",
        "DUE;VALUE=DATE:99991231",
        "DUE;TZID=Nowhere:20260101T100000",
        "DUE;TZID=Pacific/Kiritimati:99991231T235959",
        "DTSTART:00010101T000000Z",
        "DTSTART;TZID=Etc/GMT-14:99991231T230000",
        "DTSTART:20260301T120000Z",
        "RRULE:FREQ=DAILY;COUNT=99999999",
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "RRULE:FREQ=DAILY;UNTIL=99991231T235959Z",
        "EXDATE:20260302,garbage,",
        "RECURRENCE-ID:20260302T120000Z",
        "STATUS:CANCELLED",
        "PRIORITY:-1",
        'ATTENDEE;CN="unterminated:mailto:x@y.z',
        "CATEGORIES:followup",
        "DURATION:P1000000W",
        "DURATION:nonsense",
        "X-WR-TIMEZONE:W. Europe Standard Time",
        ":::",
        ";;;",
        "",
    ]
)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(LINES | PRINTABLE, max_size=30), st.sampled_from(["\r\n", "\n", "\r"]))
def test_random_calendars_never_raise(lines: list[str], newline: str) -> None:
    data = newline.join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines]).encode("utf-8", "surrogatepass")
    results = list(parse_ical(data, now=NOW))  # has a BEGIN:VCALENDAR: never BadInput
    assert all(isinstance(r, Parsed | Rejected) for r in results)


def test_huge_input() -> None:
    todo = (
        "BEGIN:VTODO\r\nUID:{0}\r\nSUMMARY:Task {0}\r\nDUE:20260301T0900{1:02d}Z\r\nEND:VTODO\r\n"
    )
    body = "".join(todo.format(i, i % 60) for i in range(5000))
    long_line = "DESCRIPTION:" + "x" * 1_000_000
    data = (
        "BEGIN:VCALENDAR\r\n"
        + body
        + f"BEGIN:VTODO\r\nUID:long\r\nSUMMARY:Long\r\n{long_line}\r\nEND:VTODO\r\n"
    ).encode()  # and no END:VCALENDAR
    results = parse(data)
    assert len(results) == 5001
    assert all(isinstance(r, Parsed) for r in results)
    assert results[-1].line == 5000 * 5 + 2
    # as long as a task's notes may be, and no longer
    assert len(results[-1].item.task.notes) == 100_000
    assert any("DESCRIPTION" in w for w in results[-1].warnings)


# --- folds, lengths, time zones of the file, limits, round trips of our own export -----------


def test_a_fold_inside_a_utf8_character_is_unfolded_before_decoding() -> None:
    # Google Calendar folds at 75 octets, here between the bytes of 会 (and of “ and 议)
    data = (FIXTURES / "google_folded_utf8.ics").read_bytes()
    assert b"\xe4\r\n \xbc\x9a" in data
    meeting, rejected = parse(data)
    task = meeting.item.task
    assert task.title == (
        "Réunion über Straße – Planung der Kundentermine, Runde zwei, 会议 mit Zoë und Jürgen"
    )
    assert task.notes == ("Treffpunkt: Café Größenwahn, 3. Stock — 会议室 „Blau“. " * 2).strip()
    assert meeting.warnings == []
    # the rejected record is kept whole for the rejects file: no character is broken
    assert isinstance(rejected, Rejected)
    assert "会议会议 会议" in rejected.raw.replace("\r\n ", "")
    assert "\ufffd" not in rejected.raw


def test_a_file_that_is_not_utf8_is_read_as_windows_1252_with_a_warning() -> None:
    data = (
        "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:a\r\nSUMMARY:Caf\u00e9 \u2013 Gr\u00fc\u00dfe\r\n"
        "END:VTODO\r\nBEGIN:VTODO\r\nUID:b\r\nSUMMARY:Plain\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    ).encode("cp1252")
    accented, plain = parse(data)
    assert accented.item.task.title == "Café – Grüße"
    assert any("UTF-8" in w and "Windows-1252" in w for w in accented.warnings)
    assert plain.warnings == []  # nothing in it could be read wrong


def test_events_keep_their_length() -> None:
    tasks = {uid: r.item.task for uid, r in tasks_of(fixture("event_lengths.ics")).items()}
    hour = 3600
    assert tasks["length-dtend@khal"].duration_seconds == 2 * hour + 30 * 60
    assert tasks["length-duration@khal"].duration_seconds == 3 * hour
    utc = tasks["length-utc@khal"]
    assert (utc.due_time, utc.timezone, utc.duration_seconds) == (dt.time(15), "UTC", 2 * hour)
    # an hour, and one day for an all-day event, are what a meeting lasts when nothing is said
    assert tasks["length-hour@khal"].duration_seconds is None
    assert tasks["length-one-day@khal"].duration_seconds is None
    fair = tasks["length-days@khal"]
    assert (fair.kind, fair.due_date, fair.due_time) == ("meeting", dt.date(2026, 12, 16), None)
    assert fair.duration_seconds == 3 * 24 * hour


def test_events_are_exported_with_their_length_and_all_day_events_stay_events() -> None:
    from icalendar import Calendar

    results = fixture("event_lengths.ics")
    tasks = [r.item.task for r in results]
    out = dump_ical(tasks, now=STAMP)
    cal = Calendar.from_ical(out)
    assert cal.todos == []
    events = {str(e["UID"]): e for e in cal.events}
    assert {uid: e.end - e.start for uid, e in events.items()} == {
        "length-dtend@khal": dt.timedelta(hours=2, minutes=30),
        "length-duration@khal": dt.timedelta(hours=3),
        "length-utc@khal": dt.timedelta(hours=2),
        "length-hour@khal": dt.timedelta(hours=1),
        "length-days@khal": dt.timedelta(days=3),
        "length-one-day@khal": dt.timedelta(days=1),
    }
    fair = events["length-days@khal"]
    assert (fair["DTSTART"].dt, fair["DTEND"].dt) == (dt.date(2026, 12, 16), dt.date(2026, 12, 19))
    assert fair["DTSTART"].params["VALUE"] == "DATE"
    assert b"DTEND;VALUE=DATE:20261219\r\n" in out
    assert events["length-dtend@khal"]["DTEND"].dt == dt.datetime(
        2026, 12, 10, 12, 30, tzinfo=BERLIN
    )
    # and read back, every one is what it was
    again = [r.item.task for r in parse(out)]
    assert again == tasks


def test_an_event_longer_than_it_is_possible_or_ending_before_it_starts() -> None:
    def event(extra: str) -> Parsed:
        data = (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:e\nSUMMARY:E\n"
            f"DTSTART;TZID=Europe/Berlin:20261210T100000\n{extra}\nEND:VEVENT\nEND:VCALENDAR\n"
        )
        [result] = parse(data.encode())
        return result

    backwards = event("DTEND;TZID=Europe/Berlin:20261210T090000")
    assert backwards.item.task.duration_seconds is None
    assert any("DTEND" in w for w in backwards.warnings)
    assert event("DURATION:PT0S").item.task.duration_seconds == 0


def test_vtimezones_of_the_file_are_used_for_their_tzids() -> None:
    results = fixture("outlook_custom_zone.ics")
    by_title = {r.item.task.title: r for r in results}
    # -05:00/-04:00 with today's US rules: New York's
    budget = by_title["Budget review"]
    assert budget.warnings == []
    task = budget.item.task
    assert (task.due_date, task.due_time, task.timezone) == (
        dt.date(2026, 12, 4),
        dt.time(10),
        "America/New_York",
    )
    assert task.duration_seconds == 90 * 60
    # Outlook's unquoted tzone://Microsoft/Utc is UTC
    london = by_title["Sync with London"]
    assert london.warnings == []
    assert (london.item.task.due_time, london.item.task.timezone) == (dt.time(15), "UTC")
    # the US rules before 2007: no zone has them today; the time is the same moment in UTC
    old = by_title["Call with the old office"]
    assert (old.item.task.due_date, old.item.task.due_time, old.item.task.timezone) == (
        dt.date(2026, 12, 3),
        dt.time(14),
        "UTC",
    )
    assert any("Customized Time Zone 1" in w and "UTC" in w for w in old.warnings)
    assert resolve_tzid("tzone://Microsoft/Utc") == "UTC"


def test_a_vtimezone_after_the_events_that_use_it_counts_too() -> None:
    data = (FIXTURES / "outlook_custom_zone.ics").read_bytes()
    head, _, rest = data.partition(b"BEGIN:VEVENT")
    zones = head[head.index(b"BEGIN:VTIMEZONE") :]
    head = head[: head.index(b"BEGIN:VTIMEZONE")]
    moved = head + b"BEGIN:VEVENT" + rest.replace(b"END:VCALENDAR", zones + b"END:VCALENDAR")
    by_title = {r.item.task.title: r.item.task for r in parse(moved)}
    assert by_title["Budget review"].timezone == "America/New_York"


def todo_with(lines: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:first\r\nSUMMARY:Fine\r\nEND:VTODO\r\n"
        f"BEGIN:VTODO\r\nUID:big\r\n{lines}\r\nEND:VTODO\r\n"
        "BEGIN:VTODO\r\nUID:last\r\nSUMMARY:Fine too\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_a_huge_value_rejects_its_record_and_no_other() -> None:
    fine, huge, last = parse(todo_with("DUE:20261201\r\nSUMMARY:" + "x" * 50_000_000))
    assert isinstance(huge, Rejected)
    assert huge.line == 6
    assert "line 9" in huge.reason and "SUMMARY" in huge.reason and "50 MB" in huge.reason
    assert isinstance(fine, Parsed) and isinstance(last, Parsed)
    assert last.line == 11
    # a big attachment is not read: its task is
    attach = "ATTACH;ENCODING=BASE64;VALUE=BINARY:" + "QUJD" * 600_000
    _, with_attachment, _ = parse(todo_with(f"SUMMARY:Read the contract\r\n{attach}"))
    assert with_attachment.item.task.title == "Read the contract"


def test_a_long_title_or_notes_are_cut_with_a_warning() -> None:
    title = "Call " + "é" * 5000
    notes = "n" * 300_000
    _, long, _ = parse(todo_with(f"SUMMARY:{title}\r\nDESCRIPTION:{notes}"))
    task = long.item.task
    assert task.title == title[:999] + "…"
    assert len(task.notes) == 100_000 and task.notes.endswith("…")
    assert any("SUMMARY" in w and "1000" in w for w in long.warnings)
    assert any("DESCRIPTION" in w and "100000" in w for w in long.warnings)


def test_a_follow_up_we_exported_comes_back_as_a_follow_up() -> None:
    created = dt.datetime(2026, 11, 2, 8, 15, tzinfo=dt.UTC)
    followup = sample_tasks()[0]
    followup.created_at = created
    out = dump_ical_item(followup, contact_email="Ada@Example.com", now=STAMP)
    [back] = parse(out)
    assert back.warnings == []
    record = back.item
    assert record.task.kind == "followup"
    assert record.contact_emails == ["ada@example.com"]
    assert record.contact_names == {"ada@example.com": "Lovelace, Ada"}
    assert record.task.created_at == created
    meeting = dump_ical_item(
        Task(
            title="Review",
            kind="meeting",
            due_date=dt.date(2026, 12, 2),
            due_time=dt.time(10),
            created_at=created,
        ),
        now=STAMP,
    )
    assert parse(meeting)[0].item.task.created_at == created


def test_our_export_to_a_calendar_folder_and_back_changes_nothing(
    sqlite_target: str, tmp_path: Path
) -> None:
    import json

    from tests.cli.helpers import ok

    env = {"ROLODEX_NOW": "2026-11-25T12:00:00+00:00"}
    for name in ("event_lengths.ics", "outlook_custom_zone.ics"):
        report = json.loads(
            ok(sqlite_target, "import", str(FIXTURES / name), "--json", env=env).stdout
        )
        assert report["rejected"] == 0
    folder = tmp_path / "calendar"
    ok(sqlite_target, "export", "--format", "ical", "--vdir", str(folder), env=env)
    fair = (folder / "length-days@khal.ics").read_bytes()
    assert b"BEGIN:VEVENT" in fair and b"BEGIN:VTODO" not in fair
    assert b"DTSTART;VALUE=DATE:20261216\r\n" in fair and b"DTEND;VALUE=DATE:20261219\r\n" in fair
    workshop = (folder / "length-dtend@khal.ics").read_bytes()
    assert b"DTEND;TZID=Europe/Berlin:20261210T123000\r\n" in workshop
    again = json.loads(ok(sqlite_target, "import", str(folder), "--json", env=env).stdout)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 9)
