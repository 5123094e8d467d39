"""Contacts, accounts, the trash, search, history and undo through the real CLI.

Each test that touches the store runs on SQLite and PostgreSQL (``any_target``) unless it only
checks rendering, which does not depend on the backend.
"""

from __future__ import annotations

import datetime as dt
import json

from tests.cli.helpers import (
    ADA,
    CONTACT_KEYS,
    add_contact,
    as_json,
    assert_fails,
    cli,
    contacts,
    csv_rows,
    ndjson_rows,
    ok,
)


def _iso_datetime(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    assert value.tzinfo is not None, f"{text} has no time zone"
    return value


# ------------------------------------------------------------------ add and show
def test_add_stores_every_field_the_issue_names(any_target) -> None:
    ada = add_contact(any_target, *ADA)

    assert ada.keys() >= CONTACT_KEYS
    assert isinstance(ada["id"], int)
    assert ada["uid"]
    assert ada["display_name"] == "Ada Lovelace"
    assert (ada["given_name"], ada["family_name"]) == ("Ada", "Lovelace")
    assert ada["emails"] == [{"address": "ada@example.com", "label": "", "preferred": True}]
    [phone] = ada["phones"]
    assert {"number", "e164", "label"} <= phone.keys()
    assert phone["number"] == "+44 20 7946 0958"
    assert phone["e164"] == "+442079460958"
    assert ada["addresses"] == []
    assert ada["account"] == "Analytical Engines"
    assert ada["title"] == "CTO"
    assert ada["tags"] == ["vip"]
    assert ada["birthday"] == "1815-12-10"
    assert ada["stage"] == "lead"
    created, updated = _iso_datetime(ada["created_at"]), _iso_datetime(ada["updated_at"])
    assert created <= updated

    # the account was created on the way, with Ada in it
    [account] = as_json(any_target, "account", "list")
    assert account["name"] == "Analytical Engines"
    shown = as_json(any_target, "account", "show", "Analytical Engines")
    assert [c["display_name"] for c in shown["contacts"]] == ["Ada Lovelace"]

    # show --json is one object with the same record (plus the contact's tasks and history)
    shown = as_json(any_target, "contact", "show", str(ada["id"]))
    assert isinstance(shown, dict)
    assert {k: shown[k] for k in ada} == ada
    assert shown["open_tasks"] == []
    assert isinstance(shown["timeline"], list)


def test_a_contact_is_found_by_id_uid_email_or_a_unique_fragment(any_target) -> None:
    ada = add_contact(any_target, *ADA)
    charles = add_contact(any_target, "Charles Babbage", "--email", "charles@example.com")
    for ref in (
        str(ada["id"]),
        ada["uid"],
        "ada@example.com",
        "ADA@Example.COM",
        "Lovelace",
        "lovel",
        "Ada Lovelace",
    ):
        shown = as_json(any_target, "contact", "show", ref)
        assert shown["id"] == ada["id"], ref
    assert as_json(any_target, "contact", "show", "babb")["id"] == charles["id"]
    assert_fails(cli(any_target, "contact", "show", "Grace"), 3, "Grace")


def test_add_without_json_writes_only_a_message_to_stderr(sqlite_target) -> None:
    result = ok(sqlite_target, "contact", "add", *ADA)
    assert result.stdout == ""
    assert "Ada Lovelace" in result.stderr
    assert "[bold]" not in result.stderr and "\x1b[" not in result.stderr
    card = ok(sqlite_target, "contact", "show", "ada@example.com")
    for shown in ("Ada Lovelace", "ada@example.com", "+442079460958", "Analytical Engines"):
        assert shown in card.stdout
    assert card.stderr == ""
    result = ok(sqlite_target, "contact", "rm", "ada@example.com")
    assert result.stdout == ""
    assert "trash" in result.stderr


def test_a_birthday_without_a_year_and_a_name_without_a_family_name(sqlite_target) -> None:
    cher = add_contact(sqlite_target, "Cher", "--birthday", "--05-20", "--stage", "Customer")
    assert cher["birthday"] == "--05-20"
    assert (cher["given_name"], cher["family_name"], cher["display_name"]) == ("Cher", "", "Cher")
    assert cher["stage"] == "customer"


def test_a_family_name_first_name_is_displayed_given_name_first(sqlite_target) -> None:
    ada = add_contact(sqlite_target, "Lovelace, Ada")
    assert (ada["given_name"], ada["family_name"]) == ("Ada", "Lovelace")
    assert ada["display_name"] == "Ada Lovelace"


# ------------------------------------------------------------------ list and output formats
def _three(target: str) -> tuple[dict, dict, dict]:
    ada = add_contact(target, *ADA)
    grace = add_contact(
        target,
        "Grace Hopper",
        "--email",
        "grace@navy.example",
        "--account",
        "US Navy",
        "--tag",
        "admiral",
        "--stage",
        "customer",
    )
    charles = add_contact(
        target, "Charles Babbage", "--email", "charles@example.com", "--tag", "vip"
    )
    return ada, grace, charles


def test_list_json_ndjson_and_csv_agree(any_target) -> None:
    ada, grace, charles = _three(any_target)

    records = contacts(any_target)
    assert isinstance(records, list)
    assert {r["id"] for r in records} == {ada["id"], grace["id"], charles["id"]}
    assert all(r.keys() >= CONTACT_KEYS for r in records)
    by_id = {r["id"]: r for r in records}
    assert by_id[ada["id"]]["phones"][0]["e164"] == "+442079460958"

    result = ok(any_target, "contact", "list", "--ndjson")
    assert result.stdout.endswith("\n")
    lines = ndjson_rows(result.stdout)
    assert len(lines) == len(result.stdout.splitlines()) == 3
    assert lines == records

    header, rows = csv_rows(ok(any_target, "contact", "list", "--csv").stdout)
    assert header[:3] == ["id", "uid", "display_name"]
    assert {"email", "phone", "account", "tags", "birthday", "stage"} <= set(header)
    assert [int(r["id"]) for r in rows] == [r["id"] for r in records]
    row = next(r for r in rows if r["display_name"] == "Ada Lovelace")
    assert row["email"] == "ada@example.com"
    assert row["phone"] == "'+44 20 7946 0958"  # a leading + could start a formula
    assert row["account"] == "Analytical Engines"
    assert row["birthday"] == "1815-12-10"
    assert row["tags"] == "vip"

    # empty results are still valid documents
    assert contacts(any_target, "stage:evangelist") == []
    assert ok(any_target, "contact", "list", "stage:evangelist", "--ndjson").stdout == ""
    header, rows = csv_rows(ok(any_target, "contact", "list", "stage:evangelist", "--csv").stdout)
    assert rows == [] and header[0] == "id"


def test_list_filters_by_query(any_target) -> None:
    ada, grace, charles = _three(any_target)

    def ids(*query: str) -> set[int]:
        return {c["id"] for c in contacts(any_target, *query)}

    assert ids("tag:vip") == {ada["id"], charles["id"]}
    assert ids("tag:vip", "stage:lead") == {ada["id"]}
    assert ids("org:analytical") == {ada["id"]}
    assert ids("stage:customer") == {grace["id"]}
    assert ids("email:@example.com") == {ada["id"], charles["id"]}
    assert ids("babbage") == {charles["id"]}
    assert ids("tag:vip -email:@navy.example") == {ada["id"], charles["id"]}
    assert ids("has:phone") == {ada["id"]}
    assert ids("--", "-tag:vip") == {grace["id"]}
    assert ids("--", "-babbage") == {ada["id"], grace["id"]}
    limited = contacts(any_target, "--limit", "2")
    assert len(limited) == 2


def test_a_negated_filter_keeps_contacts_without_that_field(any_target) -> None:
    _three(any_target)
    names = {c["display_name"] for c in contacts(any_target, "--", "-stage:lead")}
    assert names == {"Grace Hopper", "Charles Babbage"}
    names = {c["display_name"] for c in contacts(any_target, "--", "-org:analytical")}
    assert names == {"Grace Hopper", "Charles Babbage"}


def test_csv_cells_that_could_run_as_formulas_are_quoted(sqlite_target) -> None:
    add_contact(
        sqlite_target,
        "=HYPERLINK(evil) Person",
        "--title",
        "@SUM(A1)",
        "--tag",
        "=cmd",
        "--email",
        "x@example.com",
    )
    header, [row] = csv_rows(ok(sqlite_target, "contact", "list", "--csv").stdout)
    assert header[0] == "id"
    assert row["display_name"] == "'=HYPERLINK(evil) Person"
    assert row["given_name"].startswith("'=")
    assert row["title"] == "'@SUM(A1)"
    assert row["tags"] == "'=cmd"
    assert row["email"] == "x@example.com"
    # JSON keeps the data as it is
    [record] = contacts(sqlite_target)
    assert record["display_name"] == "=HYPERLINK(evil) Person"


# ------------------------------------------------------------------ edit
def test_edit_changes_what_it_is_told_to_and_nothing_else(any_target) -> None:
    ada = add_contact(any_target, *ADA)
    edited = as_json(
        any_target,
        "contact",
        "edit",
        "ada@example.com",
        "--email",
        "ada@work.example",
        "--tag",
        "investor",
        "--rm-tag",
        "vip",
        "--stage",
        "customer",
        "--title",
        "Countess",
    )
    assert edited["id"] == ada["id"]
    assert [e["address"] for e in edited["emails"]] == ["ada@example.com", "ada@work.example"]
    assert edited["tags"] == ["investor"]
    assert edited["stage"] == "customer"
    assert edited["title"] == "Countess"
    for unchanged in ("uid", "display_name", "phones", "account", "birthday", "created_at"):
        assert edited[unchanged] == ada[unchanged], unchanged
    assert _iso_datetime(edited["updated_at"]) >= _iso_datetime(ada["updated_at"])

    # the new address is a reference too; removing the old one and clearing the stage
    assert as_json(any_target, "contact", "show", "ada@work.example")["id"] == ada["id"]
    edited = as_json(
        any_target,
        "contact",
        "edit",
        str(ada["id"]),
        "--rm-email",
        "ada@example.com",
        "--stage",
        "",
    )
    assert [e["address"] for e in edited["emails"]] == ["ada@work.example"]
    assert edited["stage"] is None
    assert_fails(cli(any_target, "contact", "show", "ada@example.com"), 3)
    result = ok(any_target, "contact", "edit", "ada@work.example", "--tag", "x")
    assert result.stdout == ""


# ------------------------------------------------------------------ trash, restore, undo
def test_rm_moves_to_the_trash_and_restore_brings_back(any_target) -> None:
    ada = add_contact(any_target, *ADA)
    add_contact(any_target, "Charles Babbage")

    ok(any_target, "contact", "rm", "lovelace")
    assert [c["display_name"] for c in contacts(any_target)] == ["Charles Babbage"]
    trash = as_json(any_target, "trash")
    assert [(t["kind"], t["id"], t["display_name"]) for t in trash] == [
        ("contact", ada["id"], "Ada Lovelace")
    ]
    assert _iso_datetime(trash[0]["deleted_at"])
    assert as_json(any_target, "trash", "list") == trash
    [row] = ndjson_rows(ok(any_target, "trash", "list", "--ndjson").stdout)
    assert row["display_name"] == "Ada Lovelace"
    # a trashed contact can still be looked at, but is not in lists or searches
    assert as_json(any_target, "contact", "show", "ada@example.com")["deleted_at"]
    assert as_json(any_target, "search", "lovelace") == []

    ok(any_target, "contact", "restore", "ada@example.com")
    restored = as_json(any_target, "contact", "show", "ada@example.com")
    assert restored["deleted_at"] is None
    assert {k: restored[k] for k in ("emails", "phones", "tags", "account")} == {
        k: ada[k] for k in ("emails", "phones", "tags", "account")
    }
    assert as_json(any_target, "trash") == []
    result = ok(any_target, "trash", "empty", "--yes")
    assert "empty" in result.stderr


def test_undo_reverts_add_then_rm_in_turn(any_target) -> None:
    assert_fails(cli(any_target, "undo"), 3, "nothing to undo")
    ada = add_contact(any_target, "Ada Lovelace", "--email", "ada@example.com")
    charles = add_contact(any_target, "Charles Babbage")
    ok(any_target, "contact", "rm", "ada@example.com")
    assert [c["id"] for c in contacts(any_target)] == [charles["id"]]

    result = ok(any_target, "undo")  # the rm
    assert result.stdout == ""
    assert "undid" in result.stderr
    assert sorted(c["id"] for c in contacts(any_target)) == sorted([ada["id"], charles["id"]])
    assert as_json(any_target, "trash") == []

    ok(any_target, "undo")  # adding Charles
    assert [c["id"] for c in contacts(any_target)] == [ada["id"]]
    ok(any_target, "undo")  # adding Ada
    assert contacts(any_target) == []
    assert_fails(cli(any_target, "undo"), 3, "nothing to undo")

    history = as_json(any_target, "history")
    assert all(h["undone"] for h in history if h["action"] != "undo")


def test_emptying_the_trash_can_be_undone_with_the_notes(any_target) -> None:
    ada = add_contact(any_target, *ADA)
    ok(any_target, "note", "add", "ada@example.com", "Wrote the first program")
    ok(any_target, "log", "ada@example.com", "--via", "letter", "Sent notes on the engine")
    ok(any_target, "contact", "rm", "ada@example.com")
    result = ok(any_target, "trash", "empty", "--yes")
    assert "1 contacts" in result.stderr
    assert as_json(any_target, "trash") == []
    assert_fails(cli(any_target, "contact", "show", str(ada["id"])), 3)

    ok(any_target, "undo")  # back in the trash, as before emptying it, with its history
    assert [t["id"] for t in as_json(any_target, "trash")] == [ada["id"]]
    assert len(as_json(any_target, "timeline", str(ada["id"]))) == 2
    ok(any_target, "undo")  # and out of the trash
    [back] = contacts(any_target)
    assert back["id"] == ada["id"]
    assert back["uid"] == ada["uid"]
    assert back["emails"] == ada["emails"]
    assert back["phones"] == ada["phones"]
    assert back["account"] == "Analytical Engines"
    timeline = as_json(any_target, "timeline", "ada@example.com")
    assert sorted((t["kind"], t["summary"]) for t in timeline) == [
        ("interaction", "Sent notes on the engine"),
        ("note", "Wrote the first program"),
    ]


# ------------------------------------------------------------------ accounts
def test_accounts_add_list_show_edit_rm(any_target) -> None:
    acme = as_json(
        any_target,
        "account",
        "add",
        "Acme Corp",
        "--domain",
        "acme.example",
        "--industry",
        "Anvils",
        "--tag",
        "supplier",
    )
    assert acme.keys() >= {"id", "name", "domain", "industry", "tags", "contact_count"}
    assert (acme["name"], acme["domain"]) == ("Acme Corp", "acme.example")
    assert acme["industry"] == "Anvils"
    assert acme["tags"] == ["supplier"]
    add_contact(any_target, "Wile E. Coyote", "--account", "Acme Corp", "--title", "Customer")
    ok(any_target, "account", "add", "Initech")

    listed = as_json(any_target, "account", "list")
    assert sorted(a["name"] for a in listed) == ["Acme Corp", "Initech"]
    assert next(a for a in listed if a["name"] == "Acme Corp")["contact_count"] == 1
    assert [a["name"] for a in as_json(any_target, "account", "list", "acme")] == ["Acme Corp"]
    header, rows = csv_rows(ok(any_target, "account", "list", "--csv").stdout)
    assert header[:2] == ["id", "name"] and len(rows) == 2

    shown = as_json(any_target, "account", "show", "acme.example")
    assert shown["id"] == acme["id"]
    assert [(c["display_name"], c["title"]) for c in shown["contacts"]] == [
        ("Wile E. Coyote", "Customer")
    ]

    edited = as_json(any_target, "account", "edit", str(acme["id"]), "--name", "Acme Ltd")
    assert edited["name"] == "Acme Ltd"
    assert contacts(any_target, "org:acme")[0]["account"] == "Acme Ltd"

    ok(any_target, "account", "rm", "Acme Ltd")
    assert [a["name"] for a in as_json(any_target, "account", "list")] == ["Initech"]
    assert [(t["kind"], t["display_name"]) for t in as_json(any_target, "trash")] == [
        ("account", "Acme Ltd")
    ]
    # its contacts stay
    assert [c["display_name"] for c in contacts(any_target)] == ["Wile E. Coyote"]
    ok(any_target, "account", "restore", "Acme Ltd")
    assert len(as_json(any_target, "account", "list")) == 2


# ------------------------------------------------------------------ search and history
def test_search_finds_names_emails_phones_and_accounts(any_target) -> None:
    ada = add_contact(any_target, *ADA)
    jurgen = add_contact(
        any_target, "Jürgen Müller", "--email", "jm@example.de", "--phone", "030 1234567"
    )

    def found(*query: str) -> list[int]:
        return [h["id"] for h in as_json(any_target, "search", *query)]

    assert found("lovelace") == [ada["id"]]
    assert found("LOVE") == [ada["id"]]
    assert found("muller") == [jurgen["id"]]  # accents do not matter
    assert found("MÜLLER") == [jurgen["id"]]
    assert found("7946") == [ada["id"]]  # phone digits
    assert found("analytical") == [ada["id"]]  # the account
    assert found("jm@example.de") == [jurgen["id"]]
    assert found("tag:vip") == [ada["id"]]
    assert found("nobody") == []
    [hit] = as_json(any_target, "search", "lovelace")
    assert {"id", "display_name", "account", "email", "phone"} <= hit.keys()
    assert (hit["display_name"], hit["email"]) == ("Ada Lovelace", "ada@example.com")


def test_history_lists_changes_newest_first_and_per_contact(any_target) -> None:
    ada = add_contact(any_target, "Ada Lovelace", "--email", "ada@example.com")
    add_contact(any_target, "Charles Babbage")
    ok(any_target, "contact", "edit", "ada@example.com", "--tag", "vip")

    history = as_json(any_target, "history")
    assert [h["summary"] for h in history] == [
        "edited contact Ada Lovelace",
        "added contact Charles Babbage",
        "added contact Ada Lovelace",
    ]
    assert {"at", "user", "action", "entity", "entity_id", "summary", "undone"} <= history[0].keys()
    assert all(h["user"] == "tester" for h in history)
    assert [h["action"] for h in history] == ["update", "create", "create"]

    mine = as_json(any_target, "history", "ada@example.com")
    assert [h["summary"] for h in mine] == [
        "edited contact Ada Lovelace",
        "added contact Ada Lovelace",
    ]
    assert {h["contact_id"] for h in mine} == {ada["id"]}
    header, rows = csv_rows(ok(any_target, "history", "--csv").stdout)
    assert "summary" in header and len(rows) == 3


# ------------------------------------------------------------------ demo and the agenda
def test_demo_loads_sample_data_once(sqlite_target) -> None:
    empty = ok(sqlite_target)
    assert "Agenda" in empty.stdout

    result = ok(sqlite_target, "demo")
    assert result.stdout == ""
    assert "contacts" in result.stderr
    everyone = contacts(sqlite_target)
    assert 150 <= len(everyone) <= 250
    assert len(as_json(sqlite_target, "account", "list")) >= 10
    assert any(c["tags"] for c in everyone)
    assert any(c["phones"] and c["phones"][0]["e164"] for c in everyone)

    assert_fails(cli(sqlite_target, "demo"), 5, "--force")
    quiet = ok(sqlite_target, "demo", "--if-empty")
    assert (quiet.stdout, quiet.stderr) == ("", "")
    assert len(contacts(sqlite_target)) == len(everyone)

    # scripts can read all of it
    assert len(ndjson_rows(ok(sqlite_target, "contact", "list", "--ndjson").stdout)) == len(
        everyone
    )
    _, rows = csv_rows(ok(sqlite_target, "contact", "list", "--csv").stdout)
    assert len(rows) == len(everyone)
    human = ok(sqlite_target, "contact", "list")
    assert human.stdout.count("\n") > 10
    assert "\x1b[" not in human.stdout  # not a terminal: plain text
    assert json.loads(ok(sqlite_target, "agenda", "--json").stdout)["date"] == (
        dt.date.today().isoformat()
    )

    # bare `rolodex` is today's agenda
    agenda = ok(sqlite_target)
    assert "Agenda" in agenda.stdout
    assert "\x1b[" not in agenda.stdout
    assert agenda.stderr == ""
