"""Exporting into a vdir other programs share: a record a file already holds is written over
that file whatever its name, and our files of records that are gone are removed, never
anyone else's."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolodex.core.imports import Source, read_sources

OURS = "PRODID:-//Rolodex//Rolodex//EN"
# A photo of about 100 kB, folded, as some programs write it before the UID.
PHOTO = "PHOTO;ENCODING=b;TYPE=JPEG:" + "\r\n ".join(["QUJD" * 18] * 1400) + "\r\n"


def card(uid: str, name: str, prodid: str = "-//PYVOBJECT//NONSGML Version 1//EN") -> str:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:{prodid}\r\nUID:{uid}\r\nFN:{name}\r\n"
        f"N:{name};;;;\r\nEND:VCARD\r\n"
    )


def todo(uid: str, summary: str, status: str = "NEEDS-ACTION") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pimutils.org//todoman//EN\r\n"
        f"BEGIN:VTODO\r\nUID:{uid}\r\nSUMMARY:{summary}\r\nSTATUS:{status}\r\n"
        "DTSTAMP:20260101T000000Z\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )


def event(uid: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "PRODID:-//PIMUTILS.ORG//NONSGML khal / icalendar //EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:{summary}\r\nDTSTART:20261210T090000Z\r\n"
        "DTEND:20261210T100000Z\r\nDTSTAMP:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def read_back(srx, folder: Path):
    return srx.imports.run(read_sources(str(folder)), write_rejects=False)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------ a record's file is kept
@pytest.mark.parametrize(
    "head",
    [
        pytest.param(lambda c: c, id="crlf"),
        pytest.param(lambda c: c.replace("\r\n", "\n"), id="lf"),
        pytest.param(lambda c: "\ufeff" + c, id="bom"),
        pytest.param(lambda c: c.replace("UID:ABC-123-zoe", "UID:ABC-12\r\n 3-zoe"), id="folded"),
        pytest.param(lambda c: c.replace("UID:", "uid;VALUE=text:"), id="params"),
        pytest.param(lambda c: c.replace("UID:", PHOTO + "UID:"), id="large-photo-first"),
    ],
)
def test_a_card_khard_named_is_written_over_not_copied(srx, tmp_path: Path, head) -> None:
    folder = tmp_path / "contacts"
    khard = write(folder / "card0.vcf", head(card("ABC-123-zoe", "Zoe Kim")))
    read_back(srx, folder)
    assert srx.contacts.get("ABC-123-zoe").display_name == "Zoe Kim"
    report = srx.exports.vdir(str(folder))
    assert files(folder) == ["card0.vcf"]
    assert report == 1 and (report.created, report.replaced, report.removed) == (0, 1, 0)
    text = khard.read_text(encoding="utf-8")
    assert OURS in text and "UID:ABC-123-zoe" in text
    again = read_back(srx, folder)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)


def test_calendar_files_khal_and_todoman_named_are_written_over(srx, tmp_path: Path) -> None:
    folder = tmp_path / "cal"
    write(folder / "ev1.ics", event("ev1@khal", "Workshop"))
    write(folder / "t2.ics", todo("0c8f3a7e-todoman", "Renew passport"))
    read_back(srx, folder)
    report = srx.exports.ical_vdir(str(folder))
    assert files(folder) == ["ev1.ics", "t2.ics"]
    assert report == 2 and (report.created, report.replaced) == (0, 2)
    assert OURS in (folder / "t2.ics").read_text()
    # todoman completes the task in its file; reading the folder back keeps it done.
    write(folder / "t2.ics", todo("0c8f3a7e-todoman", "Renew passport", "COMPLETED"))
    read_back(srx, folder)
    titles = [t.title for t in srx.exports.open_tasks()]
    assert titles == ["Workshop"]


def test_a_folder_of_hundreds_of_cards_gets_no_second_copies(srx, tmp_path: Path) -> None:
    folder = tmp_path / "contacts"
    for i in range(300):
        crlf = "\r\n" if i % 2 else "\n"
        write(folder / f"{i:04d}.vcf", card(f"uid-{i}", f"Person{i}").replace("\r\n", crlf))
    read_back(srx, folder)
    report = srx.exports.vdir(str(folder))
    assert len(files(folder)) == 300
    assert (int(report), report.created, report.replaced) == (300, 0, 300)
    assert all(OURS in p.read_text() for p in folder.iterdir())


def test_a_new_name_never_replaces_a_file_holding_another_record(srx, tmp_path: Path) -> None:
    folder = tmp_path / "contacts"
    srx.imports.run([Source("in.vcf", card("bob", "Bob Stone").encode())], write_rejects=False)
    stranger = write(folder / "bob.vcf", card("someone-else", "Sam Other"))
    broken = write(folder / "BOB.VCF", "not a card\n")
    report = srx.exports.vdir(str(folder))
    assert stranger.read_bytes() == card("someone-else", "Sam Other").encode()
    assert broken.read_text() == "not a card\n"
    assert len(files(folder)) == 3
    assert (report.created, report.removed) == (1, 0)
    # The new file is found again by its UID next time.
    srx.exports.vdir(str(folder))
    assert len(files(folder)) == 3


# ------------------------------------------------------------------ files of records that are gone
def test_a_whole_book_export_removes_our_cards_of_contacts_gone(srx, tmp_path: Path) -> None:
    text = card("uid-a", "Ann Alpha") + card("uid-b", "Ben Beta") + card("uid-c", "Cy Gamma")
    srx.imports.run([Source("in.vcf", text.encode())], write_rejects=False)
    folder = tmp_path / "contacts"
    srx.exports.vdir(str(folder))
    assert files(folder) == ["uid-a.vcf", "uid-b.vcf", "uid-c.vcf"]
    theirs = write(folder / "khard-b.vcf", card("uid-b", "Ben Beta"))
    # A file holding several cards is no item of the folder: never rewritten or removed.
    book = card("uid-b", "Ben Beta", "-//Rolodex//Rolodex//EN") + card("uid-c", "Cy Gamma")
    write(folder / "book.vcf", book)
    srx.contacts.remove("uid-b")
    srx.dedupe.merge("uid-a", "uid-c")
    # An export with a query leaves the folder's other files alone.
    some = srx.exports.vdir(str(folder), "Ann")
    assert len(files(folder)) == 5
    report = srx.exports.vdir(str(folder))
    # Another program's copy of a trashed contact stays: it is not ours to remove.
    assert files(folder) == ["book.vcf", "khard-b.vcf", "uid-a.vcf"]
    assert theirs.read_bytes() == card("uid-b", "Ben Beta").encode()
    assert (folder / "book.vcf").read_bytes() == book.encode()
    assert (int(some), some.removed, int(report), report.removed) == (1, 0, 1, 2)


def test_our_second_copy_beside_another_programs_file_is_removed(srx, tmp_path: Path) -> None:
    folder = tmp_path / "contacts"
    write(folder / "card0.vcf", card("ABC-123-zoe", "Zoe Kim"))
    read_back(srx, folder)
    # A copy an earlier export wrote under its own name.
    write(folder / "ABC-123-zoe.vcf", card("ABC-123-zoe", "Zoe Kim", "-//Rolodex//Rolodex//EN"))
    report = srx.exports.vdir(str(folder))
    assert files(folder) == ["card0.vcf"]
    assert OURS in (folder / "card0.vcf").read_text()
    assert (report.replaced, report.removed) == (1, 1)


def test_ical_export_finds_tasks_in_files_of_any_name(srx, tmp_path: Path) -> None:
    folder = tmp_path / "cal"
    write(folder / "t1.ics", todo("t-one", "Call the bank"))
    write(folder / "t2.ics", todo("t-two", "Write the report"))
    write(folder / "t3.ics", todo("t-three", "Water the plants"))
    read_back(srx, folder)
    srx.exports.ical_vdir(str(folder))  # now ours, under todoman's names
    write(folder / "t-two.ics", (folder / "t2.ics").read_bytes())  # a second copy of ours
    write(folder / "t4.ics", todo("t-gone", "Someone else's"))
    by_title = {t.title: t for t in srx.exports.open_tasks()}
    srx.activities.complete(by_title["Call the bank"].id)
    report = srx.exports.ical_vdir(str(folder))
    assert files(folder) == ["t1.ics", "t2.ics", "t3.ics", "t4.ics"]
    assert "STATUS:COMPLETED" in (folder / "t1.ics").read_text()
    assert (folder / "t4.ics").read_bytes() == todo("t-gone", "Someone else's").encode()
    assert (int(report), report.unchanged, report.closed, report.removed) == (2, 2, 1, 1)


# ------------------------------------------------------------------ what an export must not do
def test_another_book_exporting_into_the_folder_removes_none_of_its_cards(
    srx, rx_factory, tmp_path: Path
) -> None:
    """Only cards of contacts this book had (trashed, merged, deleted) are removed: an export
    from another store (or from an empty one, by mistake) leaves the folder's cards alone."""
    folder = tmp_path / "book"
    srx.imports.run([Source("c.vcf", (card("u-1", "One") + card("u-2", "Two")).encode())])
    srx.exports.vdir(str(folder))
    other = rx_factory(str(tmp_path / "other.db"))
    report = other.exports.vdir(str(folder))
    assert (int(report), report.removed, len(files(folder))) == (0, 0, 2)
    srx.contacts.remove("u-2")
    assert srx.exports.vdir(str(folder)).removed == 1
    assert len(files(folder)) == 1


def test_a_card_changed_elsewhere_since_is_not_written_over(srx, tmp_path: Path) -> None:
    folder = tmp_path / "book"
    srx.imports.run([Source("c.vcf", card("u-1", "One").encode())])
    srx.exports.vdir(str(folder))
    (path,) = folder.iterdir()
    edited = card("u-1", "One").replace(
        "END:VCARD", "TITLE:Edited in khard\r\nREV:29990101T000000Z\r\nEND:VCARD"
    )
    write(path, edited)
    report = srx.exports.vdir(str(folder))
    assert (report.kept, path.read_text(encoding="utf-8").count("Edited in khard")) == (1, 1)
    read_back(srx, folder)
    assert srx.contacts.get("u-1").title == "Edited in khard"


def test_an_export_of_nothing_new_leaves_the_files_untouched(srx, tmp_path: Path) -> None:
    folder = tmp_path / "book"
    srx.imports.run([Source("c.vcf", (card("u-1", "One") + card("u-2", "Two")).encode())])
    srx.activities.add_task("Call One", due="tomorrow")
    srx.exports.vdir(str(folder / "cards"))
    srx.exports.ical_vdir(str(folder / "cal"))
    before = {p: p.stat().st_ino for p in folder.rglob("*.*")}
    again = srx.exports.vdir(str(folder / "cards")), srx.exports.ical_vdir(str(folder / "cal"))
    assert [(r.unchanged, r.replaced, r.created) for r in again] == [(2, 0, 0), (1, 0, 0)]
    assert {p: p.stat().st_ino for p in folder.rglob("*.*")} == before
