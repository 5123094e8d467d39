"""Importing and exporting through the core, on real databases: one transaction, idempotent,
reversible, and nothing lost on the way round."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
from pathlib import Path

import pytest

from rolodex.core.contacts import ContactChanges
from rolodex.core.imports import Source, detect_format, read_sources
from rolodex.errors import BadInput, ConfigError, Conflict, NotFound, UsageError
from tests.core.test_services import dump

FIXTURES = Path(__file__).resolve().parent.parent / "importers" / "fixtures"

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-ada\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    "EMAIL;TYPE=INTERNET,WORK,PREF:ada@example.com\r\nTEL;TYPE=CELL:+44 20 7946 0958\r\n"
    "ORG:Analytical Engines\r\nTITLE:CTO\r\nBDAY:1815-12-10\r\nCATEGORIES:vip,math\r\n"
    "NOTE:Wrote the first program\r\nX-CUSTOM;X-PARAM=1:kept verbatim\\, really\r\n"
    "item1.URL:https://ada.example\r\nitem1.X-ABLabel:blog\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-li\r\nFN:李芳\r\nN:李;芳;;;\r\n"
    "EMAIL:li@example.cn\r\nEND:VCARD\r\n"
)


def vsource(text: str = CARDS, name: str = "cards.vcf") -> list[Source]:
    return [Source(name, text.encode("utf-8"))]


def test_a_vcard_import_lands_with_every_field(rx) -> None:
    report = rx.imports.run(vsource(), write_rejects=False)
    assert (report.added, report.updated, report.rejected) == (2, 0, 0)
    ada = rx.contacts.get("u-ada")
    assert ada.display_name == "Ada Lovelace" and ada.account == "Analytical Engines"
    assert ada.phones[0].e164 == "+442079460958"
    assert ada.tags == ["vip", "math"] and ada.birthday.isoformat() == "1815-12-10"
    assert ada.provenance.source == "import:vcard" and ada.provenance.batch_id == report.batch_id
    assert any("kept verbatim" in line for line in ada.vcard_extra)
    _, timeline = rx.activities.timeline("u-ada")
    assert [(i.kind, i.summary) for i in timeline] == [("note", "Wrote the first program")]
    assert rx.contacts.search("芳")[0].display_name == "李芳"
    assert rx.contacts.search("first program")[0].display_name == "Ada Lovelace"


def test_importing_again_changes_nothing_and_a_changed_file_updates(rx) -> None:
    rx.imports.run(vsource(), write_rejects=False)
    before = rx.contacts.get("u-ada").to_dict()
    again = rx.imports.run(vsource(), write_rejects=False)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert rx.contacts.get("u-ada").to_dict() == before
    changed = rx.imports.run(
        vsource(CARDS.replace("TITLE:CTO", "TITLE:Countess")), write_rejects=False
    )
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 1)
    assert rx.contacts.get("u-ada").title == "Countess"


@pytest.mark.parametrize("gap", [1, 35])
def test_a_record_is_counted_once_however_far_its_uid_comes_again(
    srx, monkeypatch: pytest.MonkeyPatch, gap: int
) -> None:
    """The same UID twice, in one chunk of records or in chunks far apart: the same counts."""
    import rolodex.core.imports as imports

    monkeypatch.setattr(imports, "CHUNK", 10)

    def cards(title: str) -> str:
        out = []
        for i in range(40):
            uid, name = ("u-dup", "Dup Licate") if i in (0, gap) else (f"u-{i}", f"Person {i}")
            out.append(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\n"
                f"EMAIL:p{i}@example.com\r\nTITLE:{title}\r\nEND:VCARD\r\n"
            )
        return "".join(out)

    def counts(text: str) -> tuple[int, int, int]:
        r = srx.imports.run(vsource(text), write_rejects=False)
        assert r.added + r.updated + r.unchanged + r.rejected == 40
        return r.added, r.updated, r.unchanged

    assert counts(cards("CTO")) == (39, 0, 1)
    dup = srx.contacts.get("u-dup")
    assert [e.address for e in dup.emails] == ["p0@example.com", f"p{gap}@example.com"]
    assert counts(cards("CTO")) == (0, 0, 40)
    assert counts(cards("CEO")) == (0, 39, 1)
    assert srx.contacts.get("u-dup").title == "CEO"
    assert srx.contacts.count() == 39


def test_rows_with_only_a_phone_or_a_company_are_named_after_them(srx) -> None:
    rows = (
        "First Name,Last Name,Organization Name,E-mail 1 - Value,Phone 1 - Label,"
        "Phone 1 - Value\n"
        ",,,,Mobile,+1 212 555 0101\n"
        ",,Acme  Inc,,Work,+1 212 555 0102\n"
    )
    report = srx.imports.run([Source("p.csv", rows.encode())], write_rejects=False)
    assert (report.added, report.rejected) == (2, 0)
    assert srx.contacts.get("+1 212 555 0101").display_name == "+1 212 555 0101"
    assert srx.contacts.get("Acme").phones[0].e164 == "+12125550102"
    again = srx.imports.run([Source("p.csv", rows.encode())], write_rejects=False)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2), again


def test_an_imported_category_a_tag_could_not_be_does_not_block_edits(srx) -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-k\r\nFN:Kim\r\n"
        "CATEGORIES:VIP,Kunden\\,Berlin\r\nEND:VCARD\r\n"
    )
    srx.imports.run(vsource(card), write_rejects=False)
    assert srx.contacts.get("u-k").tags == ["VIP", "Kunden,Berlin"]
    edited = srx.contacts.edit("u-k", ContactChanges(title="Chief", add_tags=["new"]))
    assert edited.title == "Chief" and edited.tags == ["VIP", "Kunden,Berlin", "new"]
    with pytest.raises(UsageError):
        srx.contacts.edit("u-k", ContactChanges(add_tags=["a,b"]))


def test_records_with_nothing_to_match_by_are_found_again(srx) -> None:
    """No UID, no email, no phone in E.164 (LinkedIn connections mostly; a number written
    without its country code and no region set): importing them again adds nobody. Two rows
    that say exactly the same are still two people."""
    rows = (
        "First Name,Last Name,Organization Name,Phone 1 - Value\n"
        "Linus,Torvalds,Linux Foundation,\n"
        "Satoshi,Nakamoto,,\n"
        "Satoshi,Nakamoto,,\n"
        "Zoe,Phone,,0151 23456789\n"
    )
    srx.settings.region = None
    first = srx.imports.run([Source("c.csv", rows.encode())], write_rejects=False)
    assert (first.added, first.updated, first.unchanged) == (4, 0, 0)
    for _ in range(2):
        again = srx.imports.run([Source("c.csv", rows.encode())], write_rejects=False)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert srx.contacts.count() == 4
    changed = rows + "Linus,Torvalds,,\n"  # not the same record: no company
    third = srx.imports.run([Source("c.csv", changed.encode())], write_rejects=False)
    assert (third.added, third.unchanged) == (1, 4)


def test_reading_a_file_again_with_another_region_adds_no_phone(srx) -> None:
    rows = (
        "First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\nJo,Ko,jo@example.de,0171 2345678\n"
    )
    srx.settings.region = "DE"
    srx.imports.run([Source("de.csv", rows.encode())], write_rejects=False)
    for region in (None, "AT"):
        srx.settings.region = region
        again = srx.imports.run([Source("de.csv", rows.encode())], write_rejects=False)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    phones = srx.contacts.get("jo@example.de").phones
    assert [(p.number, p.e164) for p in phones] == [("0171 2345678", "+491712345678")]


def test_an_unknown_default_region_is_a_configuration_error(srx) -> None:
    rows = "First Name,Phone 1 - Value\nJo,0171 2345678\n"
    srx.settings.region = "XX"
    with pytest.raises(ConfigError, match="'XX'"):
        srx.imports.run([Source("x.csv", rows.encode())], write_rejects=False)
    with pytest.raises(ConfigError, match="'XX'"):
        srx.contacts.add(ContactChanges(name="Jo", add_phones=["0171 2345678"]))
    assert srx.contacts.count() == 0


def test_a_card_found_by_its_uid_says_what_is_no_longer_so(srx) -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-jm\r\nFN:Dr. Jürgen Karl Müller Jr.\r\n"
        "N:{n}\r\nORG:{org}\r\nEMAIL;TYPE={kind}:jm@example.de\r\nTEL;TYPE={tel}:+49 30 1234567\r\n"
        "END:VCARD\r\n"
    )
    srx.imports.run(
        vsource(
            card.format(
                n="Müller;Jürgen;Karl;Dr.;Jr.", org="Acme;R&D;Lab 3", kind="HOME", tel="HOME"
            )
        ),
        write_rejects=False,
    )
    assert srx.contacts.get("u-jm").custom["vcard.org-units"] == "R&D;Lab 3"
    # The same card, edited elsewhere: a new employer, no middle name, other labels.
    edited = card.format(n="Müller;Jürgen;;;", org="Other Corp", kind="WORK", tel="CELL")
    report = srx.imports.run(
        vsource(edited.replace("Dr. Jürgen Karl Müller Jr.", "Jürgen Müller")), write_rejects=False
    )
    assert (report.updated, report.unchanged) == (1, 0)
    c = srx.contacts.get("u-jm")
    assert (c.prefix, c.given_name, c.additional_name, c.family_name, c.suffix) == (
        "",
        "Jürgen",
        "",
        "Müller",
        "",
    )
    assert c.account == "Other Corp" and "vcard.org-units" not in c.custom
    assert [e.label for e in c.emails] == ["work"] and len(c.phones) == 1
    assert c.phones[0].label != "home"
    # Found by its email, a record from elsewhere only adds: nothing is cleared.
    other = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:J. Müller\r\nN:Müller;J.;;;\r\n"
        "EMAIL:jm@example.de\r\nEND:VCARD\r\n"
    )
    srx.imports.run(vsource(other), write_rejects=False)
    c = srx.contacts.get("u-jm")
    assert c.account == "Other Corp" and [e.label for e in c.emails] == ["work"]


def test_an_organisation_card_keeps_its_notes_once(srx) -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Widgets Ltd\r\nORG:Widgets Ltd\r\n"
        "NOTE:Key supplier\r\nEND:VCARD\r\n"
    )
    first = srx.imports.run(vsource(card), write_rejects=False)
    assert first.accounts_added == 1
    with srx.reading() as r:
        aid = r.account_id_by_name("Widgets Ltd")
        assert [n.body for n in r.notes_of_account(aid)] == ["Key supplier"]
    again = srx.imports.run(vsource(card), write_rejects=False)
    assert (again.accounts_added, again.updated, again.unchanged) == (0, 0, 1)
    more = srx.imports.run(
        vsource(card.replace("NOTE:", "NOTE:Pays late\r\nNOTE:")), write_rejects=False
    )
    assert (more.updated, more.unchanged) == (1, 0)
    srx.imports.undo(more.batch_id)
    srx.imports.undo(first.batch_id)
    with srx.reading() as r:
        assert r.account_id_by_name("Widgets Ltd") is None


def test_a_weekly_meeting_keeps_its_length_and_zone_and_a_follow_up_says_why_it_is_a_todo(
    srx,
) -> None:
    year = srx.today().year + 1
    cal = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:m-1\r\nDTSTAMP:20260101T000000Z\r\nCREATED:20250102T030405Z\r\n"
        f"DTSTART;TZID=Europe/Berlin:{year}0105T100000\r\n"
        f"DTEND;TZID=Europe/Berlin:{year}0105T123000\r\n"
        "RRULE:FREQ=WEEKLY\r\nSUMMARY:Planning\r\nEND:VEVENT\r\n"
        "BEGIN:VTODO\r\nUID:f-1\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DUE;VALUE=DATE:{year}0110\r\nSUMMARY:Call back\r\nCATEGORIES:followup\r\n"
        "ATTENDEE;CN=Nobody Known:mailto:nobody@example.org\r\nEND:VTODO\r\n"
        "END:VCALENDAR\r\n"
    )
    report = srx.imports.run([Source("cal.ics", cal.encode())], write_rejects=False)
    assert report.tasks_added == 2
    assert [w["line"] for w in report.warnings if "not a contact" in w["message"]] == [13]
    tasks = {t.uid: t for t in map(srx.activities.get_task, range(1, 3))}
    meeting = tasks["m-1"]
    assert (meeting.duration_seconds, meeting.timezone) == (9000, "Europe/Berlin")
    assert meeting.created_at == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert tasks["f-1"].kind == "todo"
    _, following = srx.activities.complete(meeting.id)
    assert (following.duration_seconds, following.timezone) == (9000, "Europe/Berlin")


def test_undo_does_not_bring_back_one_record_of_an_import_undone_by_force(srx) -> None:
    cal = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\nUID:t-1\r\n"
        "DTSTAMP:20260101T000000Z\r\nSUMMARY:Send the offer\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    early = srx.contacts.add(ContactChanges(name="Early Bird"))
    tasks = srx.imports.run([Source("t.ics", cal.encode())], write_rejects=False)
    contacts = srx.imports.run(vsource(), write_rejects=False)
    task = srx.activities.get_task(1)
    srx.activities.complete(task.id)
    srx.contacts.edit("u-ada", ContactChanges(title="Countess"))
    for batch in (contacts.batch_id, tasks.batch_id):
        with pytest.raises(Conflict):
            srx.imports.undo(batch)
        srx.imports.undo(batch, force=True)
    after_undo = dump(srx.store.path)
    assert after_undo["tasks"] == [] and [r[0] for r in after_undo["contacts"]] == [early.id]
    # The edit and the completion are the latest changes; undoing them would bring back one
    # contact and one task of imports that are gone. There is nothing left of them to undo:
    # undo goes on to the change before, the contact added first.
    undone = srx.journal.undo()
    assert [e.summary for e in undone] == ["added contact Early Bird"]
    left = dump(srx.store.path)
    assert left["tasks"] == [] and left["contacts"] == []
    with pytest.raises(NotFound):
        srx.journal.undo()


def test_undo_passes_over_notes_and_tasks_that_went_with_an_import_undone_by_force(srx) -> None:
    srx.contacts.add(ContactChanges(name="Zed Existing"))
    report = srx.imports.run(vsource(), write_rejects=False)
    srx.activities.add_note("u-ada", "met at the conference")
    srx.activities.add_task("Call Li", due="tomorrow", contact="u-li")
    srx.imports.undo(report.batch_id, force=True)
    undone = srx.journal.undo()
    assert [e.summary for e in undone] == ["added contact Zed Existing"]
    assert srx.contacts.count() == 0


def test_a_task_done_since_the_last_export_reads_back_unchanged(srx, tmp_path: Path) -> None:
    srx.activities.add_task("Send the offer", due="tomorrow")
    srx.activities.add_task("Book the room", due="tomorrow")
    folder = tmp_path / "cal"
    srx.exports.ical_vdir(str(folder))
    srx.activities.complete(1)  # completed_at has microseconds; COMPLETED has seconds
    srx.exports.ical_vdir(str(folder))
    report = srx.imports.run(read_sources(str(folder)), write_rejects=False)
    assert (report.updated, report.unchanged, report.tasks_added) == (0, 2, 0)
    assert srx.activities.get_task(1).status == "done"


def test_rows_that_share_an_email_keep_their_people_in_any_order(srx) -> None:
    head = "First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\n"
    alice = "Alice,Office,office@example.com,+1 212 555 0100\n"
    bob = "Bob,Office,office@example.com,+1 212 555 0100\n"
    srx.imports.run([Source("a.csv", (head + alice + bob).encode())], write_rejects=False)
    ids = {c.display_name: c.id for c in map(srx.contacts.get, ("Alice", "Bob"))}
    swapped = srx.imports.run([Source("b.csv", (head + bob + alice).encode())], write_rejects=False)
    assert (swapped.added, swapped.updated, swapped.unchanged) == (0, 0, 2)
    assert {c.display_name: c.id for c in map(srx.contacts.get, ("Alice", "Bob"))} == ids


def test_a_card_of_a_contact_in_the_trash_leaves_it_there_and_blocks_nothing(srx) -> None:
    srx.imports.run(vsource(), write_rejects=False)
    srx.contacts.remove("u-li")
    more = CARDS + "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-new\r\nFN:New One\r\nEND:VCARD\r\n"
    report = srx.imports.run(vsource(more), write_rejects=False)
    assert (report.added, report.updated, report.unchanged) == (1, 0, 2)
    assert any("in the trash" in w["message"] for w in report.warnings)
    assert srx.contacts.count() == 2  # Ada and the new one; Li stays in the trash
    srx.contacts.restore("u-li")
    again = srx.imports.run(vsource(more), write_rejects=False)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_a_number_without_its_country_code_finds_its_contact_after_an_edit(srx) -> None:
    srx.settings.region = None
    head = "First Name,Last Name,Organization Title,Phone 1 - Value\n"
    srx.imports.run([Source("m.csv", (head + "Kim,Lee,,0171 5555555\n").encode())])
    report = srx.imports.run([Source("m.csv", (head + "Kim,Lee,CTO,0171 5555555\n").encode())])
    assert (report.added, report.updated) == (0, 1)
    assert srx.contacts.get("Kim").title == "CTO" and srx.contacts.count() == 1


def test_import_undo_refuses_to_drop_what_was_added_to_its_contacts_since(srx) -> None:
    report = srx.imports.run(vsource(), write_rejects=False)
    srx.activities.add_note("u-li", "met at the fair")
    with pytest.raises(Conflict, match="later change"):
        srx.imports.undo(report.batch_id)
    _, timeline = srx.activities.timeline("u-li")
    assert [i.summary for i in timeline] == ["met at the fair"]
    srx.imports.undo(report.batch_id, force=True)
    assert srx.contacts.count() == 0


def test_two_address_books_with_one_person_do_not_overwrite_each_other(srx) -> None:
    """The same person in two sources (their own UIDs, the same email): the second only fills
    what the first left empty, so importing both again and again changes nothing."""

    def card(uid: str, title: str, extra: str = "") -> list[Source]:
        text = (
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Théo Girard\r\nTITLE:{title}\r\n"
            f"EMAIL:theo@corp.fr\r\n{extra}END:VCARD\r\n"
        )
        return [Source(f"{uid}.vcf", text.encode())]

    a, b = card("uid-a", "Engineer"), card("uid-b", "Scientist", "NICKNAME:Teddy\r\n")
    srx.imports.run(a, write_rejects=False)
    first = srx.imports.run(b, write_rejects=False)
    assert (first.added, first.updated) == (0, 1)  # the nickname A lacked
    for _ in range(2):
        for source in (a, b):
            r = srx.imports.run(source, write_rejects=False)
            assert (r.added, r.updated, r.unchanged) == (0, 0, 1)
    theo = srx.contacts.get("uid-a")
    assert (theo.title, theo.nickname, srx.contacts.count()) == ("Engineer", "Teddy", 1)


def test_an_old_export_does_not_undo_a_later_change(srx, tmp_path: Path) -> None:
    """A nightly sync that imports the folder, then exports it: an edit made in between
    must survive the import of the folder as it was written the night before."""
    import re

    srx.imports.run(vsource(), write_rejects=False)
    folder = tmp_path / "book"
    srx.exports.vdir(str(folder))
    card = next(p for p in folder.iterdir() if "u-ada" in p.read_text(encoding="utf-8"))
    text = card.read_bytes().decode("utf-8")
    assert re.search(r"\r\nREV:\d{8}T\d{6}Z\r\n", text)
    later = srx.contacts.get("u-ada").updated_at + dt.timedelta(seconds=5)
    srx.settings.now = later
    srx.contacts.edit("u-ada", ContactChanges(title="Countess"))
    report = srx.imports.run(read_sources(str(folder)), write_rejects=False)
    assert (report.updated, report.unchanged) == (0, 2)
    assert srx.contacts.get("u-ada").title == "Countess"
    # Edited elsewhere afterwards (a newer REV): that card wins.
    newer = (later + dt.timedelta(seconds=5)).strftime("%Y%m%dT%H%M%SZ")
    text = re.sub(r"REV:\S+", "REV:" + newer, text).replace("TITLE:CTO", "TITLE:Analyst")
    card.write_text(text, encoding="utf-8", newline="")
    report = srx.imports.run(read_sources(str(folder)), write_rejects=False)
    assert (report.updated, srx.contacts.get("u-ada").title) == (1, "Analyst")


def test_an_old_export_of_a_task_does_not_reopen_it(srx, tmp_path: Path) -> None:
    t = srx.activities.add_task("Send the offer", due="tomorrow")
    folder = tmp_path / "cal"
    srx.exports.ical_vdir(str(folder))
    srx.settings.now = srx.activities.get_task(t.id).updated_at + dt.timedelta(seconds=5)
    srx.activities.complete(t.id)
    report = srx.imports.run(read_sources(str(folder)), write_rejects=False)
    assert (report.updated, report.unchanged) == (0, 1)
    assert srx.activities.get_task(t.id).status == "done"


def test_another_programs_card_not_edited_since_does_not_undo_an_edit(srx) -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//khard//EN\r\nUID:k-0\r\nFN:Person Zero\r\n"
        "TITLE:Role 0\r\nEMAIL:p0@example.org\r\nREV:20250101T000000Z\r\nEND:VCARD\r\n"
    )
    srx.imports.run(vsource(card), write_rejects=False)
    srx.contacts.edit("k-0", ContactChanges(title="Edited in Rolodex"))
    report = srx.imports.run(vsource(card), write_rejects=False)
    assert (report.updated, report.unchanged) == (0, 1)
    assert srx.contacts.get("k-0").title == "Edited in Rolodex"


def test_a_card_changed_elsewhere_since_replaces_what_it_says(srx) -> None:
    """khard removed a title, a phone and an email, and changed the other email (its REV is
    newer than the contact's last change): the contact is the card now. Notes stay."""
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//khard//EN\r\nUID:k-1\r\nFN:Alice Example\r\n"
        "N:Example;Alice;;;\r\n{body}REV:{rev}\r\nEND:VCARD\r\n"
    )
    srx.imports.run(
        vsource(
            card.format(
                body="TITLE:Engineer\r\nEMAIL:alice@example.org\r\nEMAIL:a@home.example\r\n"
                "TEL:+44 7700 900123\r\nNOTE:likes tea\r\n",
                rev="20200101T000000Z",
            )
        ),
        write_rejects=False,
    )
    later = (srx.contacts.get("k-1").updated_at + dt.timedelta(minutes=5)).astimezone(dt.UTC)
    edited = card.format(body="EMAIL:alice@new.example\r\n", rev=later.strftime("%Y%m%dT%H%M%SZ"))
    report = srx.imports.run(vsource(edited), write_rejects=False)
    assert report.updated == 1
    alice = srx.contacts.get("k-1")
    assert (alice.title, alice.phones, [e.address for e in alice.emails]) == (
        "",
        [],
        ["alice@new.example"],
    )
    _, timeline = srx.activities.timeline("k-1")
    assert [i.summary for i in timeline] == ["likes tea"]
    # The same card once more changes nothing.
    assert srx.imports.run(vsource(edited), write_rejects=False).updated == 0


def test_matching_by_email_then_phone(srx) -> None:
    srx.contacts.add(ContactChanges(name="Ada L.", add_emails=["ADA@example.com"]))
    srx.contacts.add(ContactChanges(name="Li Fang", add_phones=["+86 10 1234 5678"]))
    cards = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:李芳\nTEL:+86 10 1234 5678\nEND:VCARD\n"
    )
    report = srx.imports.run(vsource(cards), write_rejects=False)
    assert (report.added, report.updated) == (0, 2)
    assert srx.contacts.count() == 2


def test_import_undo_restores_the_previous_state_exactly(srx) -> None:
    srx.contacts.add(
        ContactChanges(name="Ada L.", add_emails=["ada@example.com"], add_tags=["old"])
    )
    before = dump(srx.store.path)
    report = srx.imports.run(vsource(), write_rejects=False)
    assert report.updated == 1 and report.added == 1
    srx.imports.undo(report.batch_id)
    after = dump(srx.store.path)
    before.pop("import_batches"), after.pop("import_batches")
    assert after == before
    with pytest.raises(NotFound):
        srx.imports.undo(report.batch_id)


def test_an_update_journals_the_contact_as_it_was(srx) -> None:
    """The merge works on a shallow copy of the stored contact: it must leave every list of
    the original alone, or the journal's "before" (and undo) would show the merged one."""
    srx.contacts.add(
        ContactChanges(name="Ada L.", add_emails=["ada@example.com"], add_tags=["old"])
    )
    before = srx.contacts.get("ada@example.com").to_dict()
    card = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.com\n"
        "EMAIL:countess@example.com\nTEL:+44 20 7946 0958\nURL:https://ada.example\n"
        "ADR:;;12 St James's Square;London;;SW1Y 4JH;UK\nCATEGORIES:math\n"
        "X-SOCIALPROFILE;TYPE=mastodon:@ada@social.example\nX-KEEP:me\n"
        "ORG:Analytical Engines;Research\nEND:VCARD\n"
    )
    report = srx.imports.run(vsource(card), write_rejects=False)
    assert report.updated == 1
    (entry,) = [e for e in srx.journal.history() if e.action == "update"]
    assert entry.before == before
    assert len(entry.after["emails"]) == 2 and entry.after["tags"] == ["old", "math"]
    assert entry.after["custom"] == {"vcard.org-units": "Research"}
    srx.imports.undo(report.batch_id)
    assert srx.contacts.get("ada@example.com").to_dict() == before


def test_import_undo_refuses_to_drop_later_edits(srx) -> None:
    report = srx.imports.run(vsource(), write_rejects=False)
    srx.contacts.edit("u-ada", ContactChanges(nickname="Enchantress"))
    with pytest.raises(Conflict, match="1 later change touches"):
        srx.imports.undo(report.batch_id)
    srx.imports.undo(report.batch_id, force=True)
    with pytest.raises(NotFound):
        srx.contacts.resolve("u-ada")


def test_an_import_is_one_line_of_history_and_one_undo(rx) -> None:
    report = rx.imports.run(vsource(), write_rejects=False)
    newest = rx.journal.history(limit=10)
    assert [e.summary for e in newest[:1]] == ["import: added 2 contacts"]
    assert not any(e.summary.startswith("import: added Ada") for e in newest)
    # The contact's own history still says where it came from.
    assert "import: added 2 contacts" in [e.summary for e in rx.journal.history("u-li")]
    undone = rx.imports.undo(report.batch_id)
    assert [e.summary for e in undone] == [
        "import: added account Analytical Engines",
        "import: added 2 contacts",
    ]
    assert rx.contacts.count() == 0
    assert [e.summary for e in rx.journal.history(limit=2)] == [
        "undid: import: added account Analytical Engines",
        "undid: import: added 2 contacts",
    ]


def test_undo_of_a_folder_whose_later_file_updated_a_contact_it_added(srx, monkeypatch) -> None:
    from rolodex.core import imports

    monkeypatch.setattr(imports, "CHUNK", 1)  # the first file's contact is stored first
    srx.contacts.add(ContactChanges(name="Grace Hopper", add_emails=["grace@navy.example"]))
    before = dump(srx.store.path)
    card = "BEGIN:VCARD\nVERSION:3.0\nUID:u-x\nFN:Ada Lovelace\nTITLE:{}\nEND:VCARD\n"
    sources = [
        Source("cards/a.vcf", card.format("CTO").encode()),
        Source("cards/b.vcf", card.format("Countess").encode()),
    ]
    report = srx.imports.run(sources, write_rejects=False)
    # One contact added; the second record of its UID is merged into it.
    assert (report.added, report.updated, report.unchanged) == (1, 0, 1)
    assert srx.contacts.get("u-x").title == "Countess"
    srx.imports.undo(report.batch_id)
    after = dump(srx.store.path)
    before.pop("import_batches"), after.pop("import_batches")
    assert after == before


def test_dry_run_writes_nothing(srx) -> None:
    before = dump(srx.store.path)
    report = srx.imports.run(vsource(), dry_run=True, write_rejects=False)
    assert report.added == 2 and report.batch_id is None
    assert dump(srx.store.path) == before


def test_bad_records_are_rejected_with_lines_and_the_rest_lands(srx, tmp_path: Path) -> None:
    broken = CARDS + "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:no name at all\r\nEND:VCARD\r\n"
    broken += "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Off\r\n"
    path = tmp_path / "in.vcf"
    path.write_text(broken, encoding="utf-8", newline="")
    report = srx.imports.run(read_sources(str(path)))
    assert (report.added, report.rejected) == (2, 2)
    assert [r["line"] for r in report.rejects] == [24, 28]
    rejects = tmp_path / "in.rejects.vcf"
    assert report.rejects_file == str(rejects)
    assert "no name at all" in rejects.read_text() and "Cut Off" in rejects.read_text()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        random.Random(7).randbytes(4096),
        b"<html><body>hi</body></html>",
        b"\x00\x01\x02binary",
    ],
    ids=["empty", "blank", "random", "html", "binary"],
)
def test_input_that_holds_no_record_is_refused_and_changes_nothing(srx, data: bytes) -> None:
    before = dump(srx.store.path)
    with pytest.raises(BadInput):
        srx.imports.run([Source("x", data)], write_rejects=False)
    assert dump(srx.store.path) == before


def test_a_file_of_only_bad_records_is_refused(srx) -> None:
    before = dump(srx.store.path)
    with pytest.raises(BadInput, match="no record"):
        srx.imports.run(
            vsource("BEGIN:VCARD\nVERSION:3.0\nNOTE:x\nEND:VCARD\n"), write_rejects=False
        )
    assert dump(srx.store.path) == before


def test_a_file_of_only_bad_records_still_says_which_and_keeps_them(srx, tmp_path: Path) -> None:
    path = tmp_path / "bad.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nNOTE:x\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Cut off\nEMAIL:c@x.org\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "bad.rejects.vcf"
    before = dump(srx.store.path)
    with pytest.raises(BadInput, match="no record") as dry:
        srx.imports.run(read_sources(str(path)), dry_run=True)
    assert not rejects.exists()  # a dry run leaves no file behind
    with pytest.raises(BadInput) as real:
        srx.imports.run(read_sources(str(path)))
    message = str(real.value)
    assert "2 rejected" in message and "line 1:" in message and "line 5:" in message
    assert str(rejects) in message and str(rejects) not in str(dry.value)
    assert "FN:Cut off" in rejects.read_text(encoding="utf-8")
    assert dump(srx.store.path) == before


def test_a_dry_run_writes_no_rejects_file(srx, tmp_path: Path) -> None:
    path = tmp_path / "in.vcf"
    path.write_text(CARDS + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Off\r\n", encoding="utf-8")
    report = srx.imports.run(read_sources(str(path)), dry_run=True)
    assert (report.added, report.rejected, report.rejects_file) == (2, 1, None)
    assert not (tmp_path / "in.rejects.vcf").exists()


def test_format_is_read_from_the_content() -> None:
    assert detect_format(CARDS.encode(), "contacts.csv") == "vcard"
    assert detect_format(b"First Name,Last Name,E-mail 1 - Value\nAda,L,a@b.example\n") == "csv"
    assert detect_format(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n") == "ical"


def test_a_vdir_round_trip_keeps_every_property(srx, tmp_path: Path) -> None:
    srx.imports.run(vsource(), write_rejects=False)
    first = {c.uid: c.to_dict() for c in srx.contacts.list()}
    out = tmp_path / "vdir"
    assert srx.exports.vdir(str(out)) == 2
    assert sorted(p.name for p in out.iterdir()) == ["u-ada.vcf", "u-li.vcf"]
    again = srx.imports.run(read_sources(str(out)), write_rejects=False)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert {c.uid: c.to_dict() for c in srx.contacts.list()} == first


def test_csv_export_and_import_round_trip_formula_like_text(srx, tmp_path: Path) -> None:
    srx.contacts.add(
        ContactChanges(
            name="=HYPERLINK(1)", title="@risk", nickname="-5", add_emails=["x@example.com"]
        )
    )
    from rolodex.cli.contacts import CONTACT_CSV, flatten_contact
    from rolodex.cli.render import Format, emit_records

    buf = io.StringIO()
    emit_records(
        (c.to_dict() for c in srx.contacts.iter()),
        Format.csv,
        csv_columns=CONTACT_CSV,
        flatten=flatten_contact,
        out=buf,
    )
    text = buf.getvalue()
    assert "'=HYPERLINK(1)" in text
    fresh = tmp_path / "fresh.db"
    from rolodex.bootstrap import open_rolodex
    from rolodex.config import load_settings

    other = open_rolodex(load_settings(str(fresh)))
    try:
        other.imports.run([Source("x.csv", text.encode())], write_rejects=False)
        c = other.contacts.get("x@example.com")
        assert (c.display_name, c.title, c.nickname) == ("=HYPERLINK(1)", "@risk", "-5")
    finally:
        other.close()


# ---------------------------------------------------------------- the reader process
def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_the_reader_process_ends_when_the_importing_process_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from rolodex.core import imports

    rows = ["First Name,Last Name,E-mail 1 - Value,Notes"]
    for i in range(imports.PARALLEL_FROM // 60 + 1000):
        rows.append(f"Given{i},Family{i},p{i}@example.com,met at the fair in {i % 7} rain")
    big = tmp_path / "big.csv"
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert big.stat().st_size >= imports.PARALLEL_FROM
    cmd = [sys.executable, "-m", "rolodex", "--db", str(tmp_path / "x.db"), "import", str(big)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 20
        while not children and proc.poll() is None and time.monotonic() < deadline:
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as fh:
                children = [int(c) for c in fh.read().split()]
            time.sleep(0.01)
        assert children, "the import did not start a reader process"
        proc.send_signal(signal.SIGTERM)  # no clean-up in the importing process
        proc.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(c) for c in children)
    finally:
        proc.kill()
        for c in children:
            if _alive(c):
                os.kill(c, signal.SIGKILL)


def _mixed_input(rng: random.Random, n: int) -> tuple[str, str]:
    """A vCard file and a Google CSV of ``n`` people with what real files hold: repeated
    UIDs (the same person twice), shared office emails and switchboard numbers, notes, tags,
    accounts, an address, bad emails and a nameless record."""
    cards, rows = [], []
    header = (
        "First Name,Last Name,Organization Name,E-mail 1 - Label,E-mail 1 - Value,"
        "Phone 1 - Label,Phone 1 - Value,Notes,Labels\n"
    )
    for i in range(n):
        k = rng.randrange(n)  # collisions: one person met again, maybe much later
        uid, same = f"u-{k}", random.Random(k)  # the same UID, the same person
        given, family = same.choice(["Ada", "Jürgen", "芳", "Zoë"]), f"Family{k % 37}"
        email = same.choice([f"p{k}@example.com", "office@example.com", "not-an-email"])
        phone = same.choice([f"+44 20 7946 {k:04d}", "+1 (415) 555-0100", f"(212) 555-{k:04d}"])
        org = same.choice(["Acme", "ACME ", "Globex", ""])
        note = rng.choice(["", f"met at event {i % 5}", "line one\nline two"])
        escaped = note.replace("\n", "\\n")
        cards.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{given} {family}\r\n"
            f"N:{family};{given};;;\r\nEMAIL:{email}\r\nTEL:{phone}\r\nORG:{org}\r\n"
            + (f"NOTE:{escaped}\r\n" if note else "")
            + f"CATEGORIES:t{i % 4}\r\nX-KEEP;P=1:{k}\r\nEND:VCARD\r\n"
        )
        quoted = note.replace('"', '""')
        rows.append(
            f'{given},{family},{org},Work,{email},Mobile,{phone},"{quoted}",'
            f"t{i % 3} ::: * myContacts\n"
        )
    cards.append("BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nameless\r\nEND:VCARD\r\n")
    rows.append(",,,,,,,only a note,\n")
    return "".join(cards), header + "".join(rows)


def _comparable(path: Path) -> dict[str, list]:
    """A database's rows, without the UIDs made up for records that had none (nor the
    batches' journal groups, which are random too)."""
    tables = dump(path)
    del tables["import_batches"]
    tables["contacts"] = sorted(
        ((*r[:1], "", *r[2:]) if not r[1].startswith("u-") else r for r in tables["contacts"]),
        key=repr,
    )
    return tables


@pytest.mark.parametrize("fmt", ["vcard", "csv"])
def test_reading_in_a_second_process_stores_exactly_what_reading_here_does(
    rx_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Three ways: read here; read by a process forked once the store is open (sharing the
    matcher); read by one started before (sent the matcher, having read ahead meanwhile)."""
    import datetime as dt

    import rolodex.core.imports as imports

    monkeypatch.setattr(imports, "CHUNK", 40)  # many batches, and UIDs met across them
    # An early reader reads 64 records ahead, then waits for the matcher and reads on.
    monkeypatch.setattr(imports, "AHEAD", 64)
    monkeypatch.setattr(imports, "POLL_EVERY", 16)
    forked = []
    real = imports.ReaderProcess.events

    def counted(self, matcher):
        forked.append(self.given)
        return real(self, matcher)

    monkeypatch.setattr(imports.ReaderProcess, "events", counted)
    vcf, csv_text = _mixed_input(random.Random(7), 300)
    data = (vcf if fmt == "vcard" else csv_text).encode("utf-8")
    now = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
    reports, journals = [], []
    for way in ("here", "forked", "early"):
        path = tmp_path / f"{way}.db"
        rx = rx_factory(str(path))
        rx.now = lambda: now  # type: ignore[method-assign]
        for _ in range(2):
            source = [Source(f"in.{fmt}", data)]
            if way == "early":
                inp = imports._Input(fmt, data, None, None, now, "")
                reader = imports.ReaderProcess(inp, rx.settings.region)
                report = rx.imports.run(source, reader=reader, write_rejects=False)
            else:
                report = rx.imports.run(source, parallel=way == "forked", write_rejects=False)
        assert (report.added, report.updated) == (0, 0)  # the second import changes nothing
        reports.append(report.to_dict())
        conn = __import__("sqlite3").connect(path)
        journals.append(conn.execute("SELECT action, entity, summary FROM journal").fetchall())
        conn.close()
        rx.close()
    first = rx_factory(str(tmp_path / "here.db")).imports.batches()[-1].report
    assert first["added"] > 100 and first["rejected"] >= 1 and first["warnings"] >= 1
    assert forked == [True, True, False, False]  # two forked with the matcher, two sent it
    assert reports[0] == reports[1] == reports[2]
    assert journals[0] == journals[1] == journals[2]
    here = _comparable(tmp_path / "here.db")
    assert here == _comparable(tmp_path / "forked.db") == _comparable(tmp_path / "early.db")


def test_a_second_process_passes_on_an_error_about_the_whole_input(srx) -> None:
    with pytest.raises(BadInput) as raised:
        srx.imports.run([Source("in.csv", b"")], fmt="csv", parallel=True, write_rejects=False)
    with pytest.raises(BadInput) as here:
        srx.imports.run([Source("in.csv", b"")], fmt="csv", parallel=False, write_rejects=False)
    assert str(raised.value) == str(here.value)
    assert srx.imports.batches() == []


def test_a_reader_that_stopped_before_the_store_opened_still_says_why(srx) -> None:
    import datetime as dt

    from rolodex.core.imports import ReaderProcess, _Input

    inp = _Input("csv", b"", None, None, dt.datetime.now(dt.UTC), "")
    reader = ReaderProcess(inp, "US")
    reader.child.join(10)  # it has failed and gone before anyone sends it the matcher
    with pytest.raises(BadInput, match="empty"):
        srx.imports.run([Source("in.csv", b"")], fmt="csv", reader=reader, write_rejects=False)
    assert not reader.child.is_alive() and srx.imports.batches() == []


def test_rows_of_one_file_that_share_an_email_stay_two_people(srx) -> None:
    data = (
        b"First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\n"
        b"Sarah,Wilson,sarah@soylent.com,+1 415 555 0100\n"
        b"Sarah,Wilson,sarah@soylent.com,+1 415 555 0100\n"
        b"Tom,Reed,office@soylent.com,+1 415 555 0199\n"
        b"Ann,Bell,office@soylent.com,+1 415 555 0199\n"
    )
    first = srx.imports.run([Source("a.csv", data)], write_rejects=False)
    assert first.added == 4
    again = srx.imports.run([Source("a.csv", data)], write_rejects=False)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert len(srx.contacts.search("sarah")) == 2
