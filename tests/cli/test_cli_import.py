"""``import`` options and listings, and ``email --mutt-query`` on a large book."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import assert_fails, cli, ok

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\n"
    "BEGIN:VTODO\r\nUID:t1\r\nSUMMARY:Send the notes\r\nDUE;VALUE=DATE:20300101\r\nEND:VTODO\r\n"
    "BEGIN:VTODO\r\nUID:t2\r\nSUMMARY:Call Ada\r\nDUE;VALUE=DATE:20300102\r\nEND:VTODO\r\n"
    "BEGIN:VEVENT\r\nUID:e1\r\nSUMMARY:Met Ada\r\nDTSTART:20200101T100000Z\r\n"
    "DTEND:20200101T110000Z\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


@pytest.mark.parametrize(
    "options",
    [["--map", "Email=email"], ["--preset", "generic", "--map", "Email=email"], ["--map-file"]],
    ids=["map", "preset", "map-file"],
)
def test_a_column_map_or_a_preset_means_csv(
    sqlite_target: str, tmp_path: Path, options: list[str]
) -> None:
    one = tmp_path / "one.csv"
    one.write_text("Email\na@example.com\n")
    if options == ["--map-file"]:
        mapping = tmp_path / "columns.map"
        mapping.write_text("Email=email\n")
        options = ["--map-file", str(mapping)]
    report = json.loads(ok(sqlite_target, "import", str(one), *options, "--json").stdout)
    assert (report["format"], report["added"]) == ("csv", 1)
    assert_fails(
        cli(sqlite_target, "import", str(one), "--format", "vcard", *options), 2, "for CSV"
    )


def test_a_header_alone_says_so_whatever_its_layout(sqlite_target: str, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    for header in ["First Name,Last Name,E-mail 1 - Value,Labels", "First Name,Last Name", "Email"]:
        path.write_text(header + "\n")
        assert_fails(cli(sqlite_target, "import", str(path)), 6, "header but no rows")


def test_import_list_shows_the_tasks_and_interactions_a_calendar_added(
    sqlite_target: str, tmp_path: Path
) -> None:
    ics = tmp_path / "cal.ics"
    ics.write_text(CALENDAR, newline="")
    report = json.loads(ok(sqlite_target, "import", str(ics), "--json").stdout)
    assert (report["added"], report["tasks_added"], report["interactions_added"]) == (0, 2, 1)
    listing = ok(sqlite_target, "import", "list").stdout
    assert "2 tasks, 1 interaction" in listing, listing


def test_mutt_query_says_when_it_shows_only_the_first_matches(
    sqlite_target: str, tmp_path: Path
) -> None:
    book = tmp_path / "many.vcf"
    book.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Müller {i}\r\nEMAIL:m{i}@example.com\r\n"
            "END:VCARD\r\n"
            for i in range(203)
        ),
        newline="",
    )
    ok(sqlite_target, "import", str(book))
    lines = ok(sqlite_target, "email", "--mutt-query", "müller").stdout.splitlines()
    assert lines[0].startswith("first 200 matches for 'müller'"), lines[0]
    assert len(lines) == 201
    lines = ok(sqlite_target, "email", "--mutt-query", "müller 7").stdout.splitlines()
    assert lines[0].startswith(f"{len(lines) - 1} matches for"), lines[0]


def test_an_organisation_cards_notes_show_on_its_account(
    sqlite_target: str, tmp_path: Path
) -> None:
    card = tmp_path / "org.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Widgets Ltd\r\nORG:Widgets Ltd\r\n"
        "NOTE:Key supplier\r\nEND:VCARD\r\n"
    )
    ok(sqlite_target, "import", str(card))
    shown = json.loads(ok(sqlite_target, "account", "show", "Widgets", "--json").stdout)
    assert [n["body"] for n in shown["notes"]] == ["Key supplier"]
    assert "Key supplier" in ok(sqlite_target, "account", "show", "Widgets").stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["export"], ["duplicates", "--json"], ["history", "--json"]])
def test_a_full_disk_on_stdout_is_one_line(tmp_path: Path, args: list[str]) -> None:
    import subprocess
    import sys

    db = str(tmp_path / "x.db")
    ok(db, "demo")
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-m", "rolodex", "--db", db, *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert run.returncode == 6
    assert run.stderr.strip().splitlines() == [
        "rolodex: cannot write the output: No space left on device"
    ]


def test_an_unreadable_directory_is_one_line(
    sqlite_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()

    def refuse(self: Path):  # what listing a folder without read permission raises
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", refuse)
    assert_fails(cli(sqlite_target, "import", str(folder)), 6, "cannot read the directory")


def test_due_goes_with_ical_only(sqlite_target: str) -> None:
    assert_fails(cli(sqlite_target, "export", "--due", "today"), 2, "--format ical")


def test_a_name_with_a_line_break_is_one_mutt_line(sqlite_target: str, tmp_path: Path) -> None:
    card = tmp_path / "tn.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Two\\nLines\nEMAIL:tn@x.com\nEND:VCARD\n")
    ok(sqlite_target, "import", str(card))
    lines = ok(sqlite_target, "email", "--mutt-query", "tn@x.com").stdout.splitlines()
    assert lines[1:] == ["tn@x.com\tTwo Lines\t"]


def test_import_list_says_which_batches_are_undone(sqlite_target: str, tmp_path: Path) -> None:
    cards = tmp_path / "a.vcf"
    cards.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEMAIL:a@x.org\r\nEND:VCARD\r\n")
    ok(sqlite_target, "import", str(cards))
    ok(sqlite_target, "import", "undo", "1")
    listed = json.loads(ok(sqlite_target, "import", "list", "--json").stdout)
    assert [(b["id"], b["undone"]) for b in listed] == [(1, True)]
    assert "undone" in ok(sqlite_target, "import", "list").stdout
