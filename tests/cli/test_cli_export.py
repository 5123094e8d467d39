"""``export`` to files, folders and pipes: failures leave files alone, closed pipes are quiet,
vdir file names never collide, and a vdir export brings its older files up to date."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from rolodex.cli.app import app
from tests.cli.helpers import add_task, assert_fails, cli, ok


def _card(uid: str, name: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nEND:VCARD\r\n"


# ------------------------------------------------------------------ a failure leaves files alone
@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["--vcard-version", "2.1"], 2, "3.0 or 4.0"),
        (["nosuchfield:zzz"], 2, "nosuchfield"),
        (["--format", "csv", "nosuchfield:zzz"], 2, "nosuchfield"),
        (["--format", "ical", "--due", "blursday"], 2, "blursday"),
    ],
    ids=["version", "query", "csv-query", "ical-due"],
)
def test_a_refused_export_leaves_the_output_file_as_it_was(
    sqlite_target: str, tmp_path: Path, args: list[str], code: int, fragment: str
) -> None:
    ok(sqlite_target, "contact", "add", "Ada Lovelace", "-e", "ada@example.com")
    keep = tmp_path / "keep.vcf"
    keep.write_text("precious\n")
    assert_fails(cli(sqlite_target, "export", "-o", str(keep), *args), code, fragment)
    assert keep.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")] == []
    # A good export replaces the file whole, keeping its mode.
    keep.chmod(0o640)
    ok(sqlite_target, "export", "-o", str(keep))
    assert keep.read_text().count("BEGIN:VCARD") == 1
    assert keep.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("fmt", ["vcard", "csv", "ical"])
def test_an_output_that_cannot_be_written_is_one_clear_line(sqlite_target: str, fmt: str) -> None:
    ok(sqlite_target, "contact", "add", "Ada Lovelace", "-e", "ada@example.com")
    missing = "/nonexistent/dir/x.out"
    assert_fails(cli(sqlite_target, "export", "-f", fmt, "-o", missing), 6, "cannot write", missing)
    if Path("/dev/full").exists():
        assert_fails(cli(sqlite_target, "export", "-f", fmt, "-o", "/dev/full"), 6, "/dev/full")


# ------------------------------------------------------------------ a closed pipe is quiet
class _ClosedPipe(io.StringIO):
    """Standard output whose reader goes away after ``limit`` characters (``| head``)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, text: str) -> int:
        if self.tell() + len(text) > self.limit:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)

    def fileno(self) -> int:
        raise io.UnsupportedOperation("fileno")


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "csv"],
        ["export"],
        ["contact", "list", "--csv"],
        ["search", "a", "--json"],
    ],
    ids=["export-csv", "export-vcard", "contact-list", "search"],
)
def test_a_reader_that_goes_away_ends_the_command_quietly(
    sqlite_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
) -> None:
    ok(sqlite_target, "demo")
    ignored: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    monkeypatch.setattr(sys, "stdout", _ClosedPipe(100))
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        app(["--db", sqlite_target, *args], prog_name="rolodex")
    import gc

    gc.collect()
    err = capsys.readouterr().err
    assert exit_.value.code == 0, err
    assert err == ""
    assert [repr(u.exc_value) for u in ignored] == []


# ------------------------------------------------------------------ vdir file names
def test_vdir_names_never_collide_and_are_never_hidden(sqlite_target: str, tmp_path: Path) -> None:
    uids = ["team/1", "team:1", "team_1", "..", "urn:uuid:plain-1", "plain-1"]
    book = tmp_path / "book.vcf"
    book.write_text("".join(_card(u, f"Person {i}") for i, u in enumerate(uids)), newline="")
    report = json.loads(ok(sqlite_target, "import", str(book), "--json").stdout)
    assert report["added"] == len(uids)
    out = tmp_path / "vdir"
    assert "wrote 6 files" in ok(sqlite_target, "export", "--vdir", str(out)).stderr
    first = sorted(p.name for p in out.iterdir())
    assert len(first) == 6, first
    assert "team_1.vcf" in first and "plain-1.vcf" in first  # safe UIDs keep their name
    assert not any(name.startswith(".") for name in first)
    # Stable: the next export replaces the same files, and they read back as the same people.
    ok(sqlite_target, "export", "--vdir", str(out))
    assert sorted(p.name for p in out.iterdir()) == first
    again = json.loads(ok(sqlite_target, "import", str(out), "--json").stdout)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 6)


def test_ical_vdir_names_never_collide(sqlite_target: str, tmp_path: Path) -> None:
    todos = "".join(
        f"BEGIN:VTODO\r\nUID:{uid}\r\nSUMMARY:Task {i}\r\nEND:VTODO\r\n"
        for i, uid in enumerate(["t/1", "t:1", "t_1", ".."])
    )
    ics = tmp_path / "in.ics"
    ics.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{todos}END:VCALENDAR\r\n", newline="")
    ok(sqlite_target, "import", str(ics))
    out = tmp_path / "cal"
    ok(sqlite_target, "export", "--format", "ical", "--vdir", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4 and not any(n.startswith(".") for n in names), names


# ------------------------------------------------------------------ a shared folder
def test_a_vdir_export_into_khards_folder_rewrites_its_cards_and_drops_people_gone(
    sqlite_target: str, tmp_path: Path
) -> None:
    out = tmp_path / "contacts"
    out.mkdir()
    names = {"card0.vcf": ("ABC-123-zoe", "Zoe Kim"), "card1.vcf": ("uid-b", "Ben Beta")}
    for name, (uid, person) in names.items():
        (out / name).write_text(_card(uid, person), newline="")
    ok(sqlite_target, "import", str(out))
    ok(sqlite_target, "contact", "add", "Cy Gamma", "-e", "cy@example.com")
    ok(sqlite_target, "contact", "add", "Di Delta", "-e", "di@example.com")
    first = ok(sqlite_target, "export", "--vdir", str(out)).stderr
    assert "wrote 4 files" in first
    assert len(list(out.iterdir())) == 4  # khard's two cards, rewritten, and two new ones
    assert "PRODID:-//Rolodex//Rolodex//EN" in (out / "card0.vcf").read_text()
    ok(sqlite_target, "contact", "rm", "Ben Beta")
    ok(sqlite_target, "merge", "Cy Gamma", "Di Delta")
    ok(sqlite_target, "export", "--vdir", str(out), "Zoe")  # a query: nothing removed
    assert len(list(out.iterdir())) == 4
    assert "wrote 2 files" in ok(sqlite_target, "export", "--vdir", str(out)).stderr
    assert len(list(out.iterdir())) == 2
    # Reading the folder back brings nobody back from the trash or a merge.
    again = json.loads(ok(sqlite_target, "import", str(out), "--json").stdout)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 2)
    people = json.loads(ok(sqlite_target, "contact", "list", "--json").stdout)
    assert sorted(p["display_name"] for p in people) == ["Cy Gamma", "Zoe Kim"]


# ------------------------------------------------------------------ stale iCalendar files
def test_an_ical_vdir_export_closes_done_tasks_and_removes_deleted_ones(
    sqlite_target: str, tmp_path: Path
) -> None:
    done = add_task(sqlite_target, "Call the bank", "--due", "today")
    add_task(sqlite_target, "Write the report", "--due", "tomorrow")
    out = tmp_path / "cal"
    other = out / "someone-else.ics"
    ok(sqlite_target, "export", "--format", "ical", "--vdir", str(out))
    other.write_text("BEGIN:VCALENDAR\r\nPRODID:-//Other//EN\r\nEND:VCALENDAR\r\n")
    assert len(list(out.glob("*.ics"))) == 3
    ok(sqlite_target, "task", "done", str(done["id"]))
    gone = add_task(sqlite_target, "Soon undone", "--due", "today")
    ok(sqlite_target, "export", "--format", "ical", "--vdir", str(out))
    ok(sqlite_target, "undo")  # the task added last is deleted again
    result = ok(sqlite_target, "export", "--format", "ical", "--vdir", str(out))
    assert "wrote 1 file to" in result.stderr
    files = {p.name: p.read_text() for p in out.glob("*.ics")}
    assert len(files) == 3, sorted(files)  # the deleted task's file is gone
    assert not any(gone["title"] in text for text in files.values())
    closed = [t for t in files.values() if "Call the bank" in t]
    assert len(closed) == 1 and "STATUS:COMPLETED" in closed[0] and "COMPLETED:" in closed[0]
    assert other.read_text() == "BEGIN:VCALENDAR\nPRODID:-//Other//EN\nEND:VCALENDAR\n"
    # Reading the folder back does not reopen the done task.
    ok(sqlite_target, "import", str(out))
    open_ = json.loads(ok(sqlite_target, "task", "list", "--json").stdout)
    assert [t["title"] for t in open_] == ["Write the report"]


# ------------------------------------------------------------------ CSV round trip
def test_text_already_quoted_against_formulas_comes_back_from_a_csv_export(
    sqlite_target: str, tmp_path: Path
) -> None:
    ok(
        sqlite_target,
        "contact",
        "add",
        "'=quoted already",
        "-e",
        "q1@example.com",
        "--title",
        "'+title",
    )
    ok(sqlite_target, "contact", "add", "''@twice", "-e", "q2@example.com", "--title", "=1+2")
    before = json.loads(ok(sqlite_target, "contact", "list", "--json").stdout)
    path = tmp_path / "inj.csv"
    path.write_text(ok(sqlite_target, "export", "--format", "csv").stdout, newline="")
    assert "''=quoted already" in path.read_text()  # still guarded for spreadsheets
    report = json.loads(ok(sqlite_target, "import", str(path), "--json").stdout)
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, 2)
    assert json.loads(ok(sqlite_target, "contact", "list", "--json").stdout) == before
