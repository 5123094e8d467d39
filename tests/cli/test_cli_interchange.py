"""``import``, ``export``, ``duplicates``, ``merge`` and ``email`` through the real CLI."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from tests.cli.helpers import ADA, assert_fails, cli, ok

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-ada\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    "EMAIL;TYPE=INTERNET:ada@example.com\r\nX-KEEP:me\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nameless\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Müller;Jürgen\r\nTEL;CELL:+49 30 1234567\r\nEND:VCARD\r\n"
)


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    path = tmp_path / "cards.vcf"
    path.write_text(CARDS, encoding="utf-8", newline="")
    return path


def test_import_reports_rejects_and_is_idempotent(any_target: str, cards: Path) -> None:
    result = ok(any_target, "import", str(cards), "--json")
    report = json.loads(result.stdout)
    assert (report["added"], report["rejected"]) == (2, 1)
    assert report["rejects"][0]["line"] == 9
    assert "rejected: line 9" in result.stderr
    assert Path(report["rejects_file"]).read_text().count("nameless") == 1
    again = json.loads(ok(any_target, "import", str(cards), "--json").stdout)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 2)
    batches = json.loads(ok(any_target, "import", "list", "--json").stdout)
    assert [b["id"] for b in batches] == [again["batch_id"], report["batch_id"]]


def test_a_large_file_is_read_by_a_second_process_started_before_the_store_opens(
    sqlite_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rolodex.core import imports

    started = []
    real = imports.ReaderProcess.__init__

    def counted(self, *args):
        started.append(1)
        real(self, *args)

    monkeypatch.setattr(imports.ReaderProcess, "__init__", counted)
    monkeypatch.setattr(imports, "PARALLEL_FROM", 100)  # every file here is "large"
    path = tmp_path / "cards.vcf"
    path.write_text(CARDS * 3, encoding="utf-8", newline="")
    report = json.loads(ok(sqlite_target, "import", str(path), "--json").stdout)
    assert (report["added"], report["rejected"]) == (4, 3) and started == [1]
    again = json.loads(ok(sqlite_target, "import", str(path), "--json").stdout)
    assert (again["added"], again["updated"]) == (0, 0) and started == [1, 1]
    # An input that is not a file to import stops the reader and says so.
    assert_fails(cli(sqlite_target, "import", str(path), "--format", "nope"), 2)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"First Name\n" + b'"never closed' * 20)
    assert_fails(cli(sqlite_target, "import", str(broken)), 6)


def test_import_undo_and_dry_run(sqlite_target: str, cards: Path) -> None:
    dry = json.loads(ok(sqlite_target, "import", str(cards), "--dry-run", "--json").stdout)
    assert dry["added"] == 2 and dry["batch_id"] is None
    assert json.loads(ok(sqlite_target, "contact", "list", "--json").stdout) == []
    report = json.loads(ok(sqlite_target, "import", str(cards), "--json").stdout)
    ok(sqlite_target, "import", "undo", str(report["batch_id"]))
    assert json.loads(ok(sqlite_target, "contact", "list", "--json").stdout) == []
    assert_fails(cli(sqlite_target, "import", "undo", "999"), 3)
    assert_fails(cli(sqlite_target, "import", "undo"), 2)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", 6),
        (os.urandom(2000).replace(b"BEGIN", b"") + b"\x00", 6),
        (b"<!DOCTYPE html><html></html>", 6),
    ],
    ids=["empty", "binary", "html"],
)
def test_input_with_no_records_is_refused(
    sqlite_target: str, tmp_path: Path, content: bytes, code: int
) -> None:
    path = tmp_path / "in.vcf"
    path.write_bytes(content)
    assert_fails(cli(sqlite_target, "import", str(path)), code)
    assert json.loads(ok(sqlite_target, "history", "--json").stdout) == []


def test_import_of_a_missing_file_and_stdin(sqlite_target: str) -> None:
    assert_fails(cli(sqlite_target, "import", "/no/such/file.vcf"), 3)
    result = ok(sqlite_target, "import", "-", "--json", input=CARDS)
    assert json.loads(result.stdout)["added"] == 2


def test_export_vcard_csv_and_vdir(any_target: str, cards: Path, tmp_path: Path) -> None:
    ok(any_target, "import", str(cards))
    vcf = ok(any_target, "export").stdout
    assert vcf.count("BEGIN:VCARD") == 2 and "X-KEEP:me" in vcf and "VERSION:3.0" in vcf
    v4 = ok(any_target, "export", "--vcard-version", "4.0", "ada").stdout
    assert v4.count("BEGIN:VCARD") == 1 and "VERSION:4.0" in v4
    csv_text = ok(any_target, "export", "--format", "csv").stdout
    assert csv_text.splitlines()[0].startswith("id,uid,display_name")
    out = tmp_path / "vdir"
    ok(any_target, "export", "--vdir", str(out))
    assert "u-ada.vcf" in {p.name for p in out.iterdir()}
    assert_fails(cli(any_target, "export", "--vcard-version", "2.1"), 2)
    assert_fails(cli(any_target, "export", "--format", "xml"), 2)


def test_duplicates_merge_and_unmerge(sqlite_target: str) -> None:
    ok(sqlite_target, "contact", "add", *ADA)
    ok(sqlite_target, "contact", "add", "Ada Lovelace", "--email", "ada@work.example")
    pairs = json.loads(ok(sqlite_target, "duplicates", "--json").stdout)
    assert pairs[0]["reasons"] == ["similar names (100%)"]
    a, b = pairs[0]["a"]["id"], pairs[0]["b"]["id"]
    plan = json.loads(ok(sqlite_target, "merge", str(a), str(b), "--dry-run", "--json").stdout)
    assert plan["dry_run"] is True
    assert [e["address"] for e in plan["result"]["emails"]] == [
        "ada@example.com",
        "ada@work.example",
    ]
    ok(sqlite_target, "merge", str(a), str(b))
    assert len(json.loads(ok(sqlite_target, "contact", "list", "--json").stdout)) == 1
    ok(sqlite_target, "unmerge", str(a))
    assert len(json.loads(ok(sqlite_target, "contact", "list", "--json").stdout)) == 2
    assert_fails(cli(sqlite_target, "merge", str(a), str(a)), 2)


def test_adding_a_look_alike_warns(sqlite_target: str) -> None:
    ok(sqlite_target, "contact", "add", "Jürgen Müller")
    result = ok(sqlite_target, "contact", "add", "Jurgen Muller")
    assert "looks like" in result.stderr


def test_mutt_query(sqlite_target: str) -> None:
    ok(sqlite_target, "contact", "add", *ADA)
    result = cli(sqlite_target, "email", "--mutt-query", "love")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1] == "ada@example.com\tAda Lovelace\tAnalytical Engines"
    assert cli(sqlite_target, "email", "--mutt-query", "nobody").exit_code == 1


def _hostile() -> dict[str, bytes]:
    nested = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Outer\r\n"
    for _ in range(300):
        nested += b"AGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Inner\r\n"
    nested += b"END:VCARD\r\n" * 301
    return {
        "random-bytes": random.Random(3).randbytes(20_000),
        "truncated-card": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half\r\nEMAIL:half@exa",
        "5mb-line": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long\r\nNOTE:"
        + b"x" * 5_000_000
        + b"\r\nEND:VCARD\r\n",
        "nested-agent": nested,
        "invalid-utf8": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:M\xfcller \xff\xfe\r\nEND:VCARD\r\n",
        "ragged-csv": b"First Name,Last Name,E-mail 1 - Value\r\nAda,Lovelace,ada@example.com\r\n"
        b'Bob,Smith,bob@example.com,extra,cells\r\n"Unclosed,Quote,x@example.com\r\n',
        "ical-garbage": b"BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nDUE:2026-02-30\r\nSUMMARY:x\r\n",
    }


@pytest.mark.parametrize("name", sorted(_hostile()))
def test_hostile_input_never_shows_a_traceback_or_half_writes(
    sqlite_target: str, tmp_path: Path, name: str
) -> None:
    path = tmp_path / f"{name}.in"
    path.write_bytes(_hostile()[name])
    result = cli(sqlite_target, "import", str(path), "--json")
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 6), result.stderr
    if result.exit_code == 6:
        assert len(result.stderr.strip().splitlines()) == 1
        assert json.loads(ok(sqlite_target, "history", "--json").stdout) == []
    else:
        report = json.loads(result.stdout)
        landed = len(json.loads(ok(sqlite_target, "contact", "list", "--json").stdout))
        landed += len(json.loads(ok(sqlite_target, "task", "list", "--json").stdout))
        assert landed == report["added"] + report["tasks_added"]
        if report["rejected"]:
            assert Path(report["rejects_file"]).exists()


@pytest.mark.parametrize(("fmt", "ext"), [("vcard", "vcf"), ("csv", "csv"), ("ical", "ics")])
def test_an_export_imported_into_the_same_book_changes_nothing(
    sqlite_target: str, tmp_path: Path, fmt: str, ext: str
) -> None:
    """Socials, addresses richer than a CSV row, task assignees and follow-up contacts (which
    the files carry partly or not at all) survive their own export coming back."""
    ok(sqlite_target, "demo")
    before = json.loads(ok(sqlite_target, "contact", "list", "--json").stdout)
    path = tmp_path / f"book.{ext}"
    path.write_text(ok(sqlite_target, "export", "--format", fmt).stdout, "utf-8", newline="")
    report = json.loads(ok(sqlite_target, "import", str(path), "--json").stdout)
    assert (report["added"], report["updated"], report["tasks_added"]) == (0, 0, 0)
    assert report["unchanged"] >= 50
    assert json.loads(ok(sqlite_target, "contact", "list", "--json").stdout) == before


def test_the_progress_line_runs_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refresh thread would keep a large import from reading in a second process."""
    import sys
    import threading

    from rolodex.cli.interchange import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _progress() as tick:
        tick(1200)
        assert threading.active_count() == 1


def test_a_csv_rejects_file_has_the_header_and_imports_once_fixed(
    sqlite_target: str, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(
        b'Notes:\r\n"When exporting your connection data, some emails may be missing."\r\n\r\n'
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        b"Ada,Lovelace,,ada@example.com,Engines,CTO,09 Dec 2023\r\n"
        b"Bob,Smith,,bob@example.com,Acme,CEO,09 Dec 2023,extra\r\n"
    )
    report = json.loads(ok(sqlite_target, "import", str(path), "--json").stdout)
    assert (report["added"], report["rejected"]) == (1, 1)
    rejects = Path(report["rejects_file"])
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines == [  # the header, not LinkedIn's preamble, then the row as it was
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        "Bob,Smith,,bob@example.com,Acme,CEO,09 Dec 2023,extra",
    ]
    rejects.write_text("\n".join([lines[0], lines[1].removesuffix(",extra")]) + "\n")
    fixed = json.loads(ok(sqlite_target, "import", str(rejects), "--json").stdout)
    assert (fixed["added"], fixed["rejected"]) == (1, 0)
