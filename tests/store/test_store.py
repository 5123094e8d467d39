"""The store on real databases: a SQLite file in tmp_path and, where it answers, PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from rolodex.config import load_settings
from rolodex.core.contacts import ContactChanges
from rolodex.core.models import (
    Account,
    Address,
    Consent,
    Contact,
    Email,
    PartialDate,
    Phone,
    Provenance,
    Social,
    Task,
    TaskQuery,
    Url,
)
from rolodex.core.query import parse_query
from rolodex.errors import StoreError
from rolodex.store import engine, migrate
from rolodex.store.reader import Reader
from rolodex.store.repository import Store
from rolodex.store.sql import SAExecutor, SqliteExecutor

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def full_contact() -> Contact:
    return Contact(
        uid="urn:uuid:0e4c1d2a-1111-4c8e-9c1a-000000000001",
        prefix="Dr.",
        given_name="Zoë",
        additional_name="Marie",
        family_name="Ó Briain-Müller",
        suffix="PhD",
        display_name="Dr. Zoë Marie Ó Briain-Müller PhD",
        nickname="Zo",
        title="Directrice générale",
        role="decision maker",
        emails=[Email("zoe@example.com", "work", True), Email("z@home.example", "home", False)],
        phones=[Phone("+33 1 23 45 67 89", "+33123456789", "work", True)],
        addresses=[
            Address(
                "12 Rue de la Paix",
                "Paris",
                "Île-de-France",
                "75002",
                "France",
                "BP 7",
                "Bât. B",
                "work",
                True,
            )
        ],
        urls=[Url("https://zoe.example", "home", True)],
        socials=[Social("mastodon", "@zoe@social.example")],
        birthday=PartialDate(None, 2, 29),
        anniversary=PartialDate(2001, 6, 30),
        tags=["VIP", "presse"],
        stage="customer",
        custom={"Lieblingsfarbe": "grün", "empty": ""},
        photo="data:image/png;base64,iVBORw0KGgo=",
        vcard_extra=["X-ABLabel:😀 emoji", "item1.X-CUSTOM;TYPE=a,b:value\\, escaped"],
        provenance=Provenance("import:vcard", None, NOW, "newsletter", "consent"),
        consents=[Consent("email", True, NOW, "double opt-in"), Consent("sms", False)],
    )


def comparable(c: Contact) -> dict:
    d = c.to_dict()
    for key in ("id", "created_at", "updated_at"):
        d.pop(key)
    return d


# ---------------------------------------------------------------------------------------- files
def test_new_sqlite_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "crm.db"
    store = Store(str(path)).open()
    store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.HEAD


def test_a_new_store_gets_its_page_size_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    new, old = tmp_path / "new.db", tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE t (x)")  # written with SQLite's default page size
    for path in (new, old):
        Store(str(path)).open().close()
    with sqlite3.connect(new) as a, sqlite3.connect(old) as b:
        assert a.execute("PRAGMA page_size").fetchone()[0] == engine.PAGE_SIZE
        assert b.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert b.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.HEAD


def test_default_location_is_the_user_data_dir(isolated_env: Path, rx_factory) -> None:
    from rolodex.bootstrap import open_rolodex

    rx = open_rolodex(load_settings())
    try:
        expected = isolated_env / ".local" / "share" / "rolodex" / "rolodex.db"
        assert Path(rx.store.where) == expected
        assert expected.exists()
    finally:
        rx.close()


def test_rolodex_db_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rolodex.bootstrap import open_rolodex

    monkeypatch.setenv("ROLODEX_DB", str(tmp_path / "env.db"))
    rx = open_rolodex()
    rx.close()
    assert (tmp_path / "env.db").exists()


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError, match=r"junk\.db"):
        Store(str(path)).open()
    assert len(path.read_bytes()) == 4096


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        Store(str(tmp_path)).open()


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(str(path)).open().close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer") as info:
        Store(str(path)).open()
    assert info.value.exit_code == 8
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"


def test_tasks_of_an_older_store_get_uids_and_new_tasks_have_one(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store(str(path)).open().close()
    with sqlite3.connect(path) as conn:  # as a store of schema 0001 could hold them
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
        for title in ("one", "two"):
            conn.execute(
                "INSERT INTO tasks (title, kind, priority, status, repeat, notes, created_at, "
                "updated_at, timezone, exdates) VALUES (?, 'todo', 'normal', 'open', '', '', "
                "'2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000', '', '')",
                (title,),
            )
    store = Store(str(path)).open()
    try:
        with store.writing(now=NOW) as w:
            new = Task(title="three")
            w.put_task(new)
        with store.reading() as r:
            uids = [u for (u,) in r.ex.rows("SELECT uid FROM tasks ORDER BY id")]
            version = r.ex.scalar("SELECT version_num FROM alembic_version")
    finally:
        store.close()
    assert version == migrate.HEAD
    assert all(uids) and len(set(uids)) == 3 and uids[2] == new.uid


def test_tasks_of_a_store_before_durations_keep_everything_and_gain_a_length(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    Store(str(path)).open().close()
    with sqlite3.connect(path) as conn:  # as a store of schema 0002 holds them
        conn.execute("ALTER TABLE tasks DROP COLUMN duration_seconds")
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
        conn.execute(
            "INSERT INTO tasks (title, kind, due_date, due_time, priority, status, notes, "
            "created_at, updated_at, uid, timezone, exdates) VALUES ('Review', 'meeting', "
            "'2026-12-02', '10:00:00.000000', 'high', 'open', 'agenda', "
            "'2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000', 'u-1', "
            "'Europe/Berlin', '2026-12-09')"
        )
    store = Store(str(path)).open()
    try:
        with store.reading() as r:
            [old] = r.tasks(TaskQuery(today=dt.date(2026, 12, 1)))
        with store.writing(now=NOW) as w:
            fair = Task(title="Fair", kind="meeting", due_date=dt.date(2026, 12, 16))
            fair.duration_seconds = 3 * 86400
            w.put_task(fair)
        with store.reading() as r:
            [_, back] = r.tasks(TaskQuery(today=dt.date(2026, 12, 1)))
            version = r.ex.scalar("SELECT version_num FROM alembic_version")
    finally:
        store.close()
    assert version == migrate.HEAD
    assert (old.title, old.due_time, old.timezone, old.uid, old.notes) == (
        "Review",
        dt.time(10),
        "Europe/Berlin",
        "u-1",
        "agenda",
    )
    assert old.exdates == [dt.date(2026, 12, 9)] and old.duration_seconds is None
    assert (back.title, back.duration_seconds) == ("Fair", 3 * 86400)


def test_an_unknown_database_url_is_a_store_error() -> None:
    with pytest.raises(StoreError):
        Store("nosuchdialect://x/y").open()


def test_head_matches_the_migration_scripts() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(migrate.SCRIPTS))
    assert scripts.get_current_head() == migrate.HEAD
    assert {s.revision for s in scripts.walk_revisions()} == set(migrate.KNOWN)


def test_migrated_schema_matches_the_tables(any_target: str) -> None:
    """Nothing in tables.py is missing from the migrations (and the reverse)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from rolodex.store.tables import metadata

    store = Store(any_target).open()
    try:
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(ctx, metadata) if not _search_index(d)]
    finally:
        store.close()
    assert diffs == []


def _search_index(diff: tuple) -> bool:
    """The full-text index is made by the migration only (it is dialect-specific)."""
    kind, obj = diff[0], diff[1]
    return (kind == "remove_table" and str(obj.name).startswith("contact_fts")) or (
        kind == "remove_index" and obj.name == "ix_contact_search_doc_trgm"
    )


# ---------------------------------------------------------------------------------------- rows
def test_a_contact_with_every_field_round_trips(any_target: str) -> None:
    store = Store(any_target).open()
    try:
        original = full_contact()
        with store.writing(now=NOW) as w:
            cid = w.put_contact(original)
        with store.reading() as r:
            back = r.get_contact(cid)
        assert back is not None
        expected = comparable(original)
        assert comparable(back) == expected
        assert back.created_at == NOW
    finally:
        store.close()


def test_a_failed_write_leaves_nothing_behind(any_target: str) -> None:
    store = Store(any_target).open()
    try:
        with pytest.raises(RuntimeError), store.writing(now=NOW) as w:
            w.put_contact(Contact(uid="u1", display_name="Half Written"))
            raise RuntimeError("boom")
        with store.reading() as r:
            assert r.is_empty()
            assert r.search("half") == []
    finally:
        store.close()


def test_bulk_inserted_contacts_equal_contacts_put_one_by_one(
    any_target: str, tmp_path, monkeypatch
) -> None:
    """The import path (packed rows, ids taken at once, documents indexed a few batches at a
    time and the rest at the end) stores what ``put_contact`` stores, search documents
    included."""
    import dataclasses

    from rolodex.store import repository
    from rolodex.store.repository import _doc

    monkeypatch.setattr(repository, "_INDEX_EVERY", 100)  # batches 1+2 early, 3 at the end
    people = []
    for i in range(180):  # enough for the bulk indexing path
        c = full_contact()
        c.uid, c.display_name = f"bulk-{i}", f"Zoë Bulk{i} 芳"
        c.emails = [dataclasses.replace(e, address=f"z{i}.{e.address}") for e in c.emails]
        c.account = "Analytical Engines"
        people.append(c)
    store = Store(any_target).open()
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    try:
        with store.reading() as r:
            before = r.ex.rows(schema) if r.dialect == "sqlite" else []
        with store.writing(now=NOW) as w:
            pack = w.contact_packer()
            packed = [pack(c, ["a note", " "]) for c in people]
            aid = w.put_account(Account(name="Analytical Engines"))
            ids = []
            for k in range(0, len(packed), 60):
                ids += w.insert_packed(packed[k : k + 60], [aid] * 60)
        for c in people:
            c.account_id = aid
        with store.reading() as r:
            back = r.contacts_by_ids(ids)
            stored = dict(r.ex.rows("SELECT contact_id, doc FROM contact_search"))
            rebuilt = r.search_docs(ids)
            assert [h.id for h in r.search("bulk179")] == [ids[-1]]
            assert [h.id for h in r.search("bulk59")] == [ids[59]]
            assert len(r.search("芳")) == 50  # one page

            assert (r.ex.rows(schema) if r.dialect == "sqlite" else []) == before  # indexes back
        assert [comparable(c) for c in back] == [comparable(c) for c in people]
        assert stored == rebuilt == {cid: _doc(p) for cid, p in zip(ids, packed, strict=True)}
        with store.writing(now=NOW) as w:  # indexing row by row again afterwards
            cid = w.put_contact(Contact(uid="after", display_name="Afterwards Person"))
        with store.reading() as r:
            assert [h.id for h in r.search("afterwards")] == [cid]
        with store.writing(now=NOW) as w:  # and deleting many at once (an import's undo)
            w.delete_contacts(ids[10:])
        with store.reading() as r:
            assert sorted(h.id for h in r.search("bulk")) == ids[:10]
            assert [h.id for h in r.search("afterwards")] == [cid]
            assert r.ex.rows("SELECT count(*) FROM contact_emails")[0][0] == 20
            if r.dialect == "sqlite":
                assert r.ex.rows(schema) == before  # the delete trigger is back
                r.ex.rows("INSERT INTO contact_fts(contact_fts) VALUES ('integrity-check')")
    finally:
        store.close()


# ---------------------------------------------------------------------------------------- search
@pytest.fixture
def people(rx):
    add = rx.contacts.add
    add(
        ContactChanges(
            name="Jürgen Müller",
            add_emails=["jm@example.de"],
            add_phones=["+49 30 12345678"],
            account="Bäckerei Köhler",
            add_tags=["vip"],
            add_addresses=["Hauptstraße 1; München; Bayern; 80331; Deutschland"],
            stage="lead",
            birthday="1970-02-01",
        )
    )
    add(
        ContactChanges(
            name="Anna Mueller", add_emails=["anna@mueller.example"], title="CTO", add_tags=["old"]
        )
    )
    add(
        ContactChanges(name="李芳", add_phones=["+86 10 1234 5678"], account="北京星辰科技有限公司")
    )
    add(
        ContactChanges(
            name="Ada Lovelace",
            add_emails=["ada@example.com"],
            add_phones=["+44 20 7946 0958"],
            account="Analytical Engines",
            title="Chief Technology Officer",
            add_tags=["vip", "investor"],
        )
    )
    add(
        ContactChanges(
            name="Émile Zola",
            add_urls=["https://zola.example"],
            add_addresses=["1 Rue; Paris; ; 75001; France"],
        )
    )
    return rx


def names(hits) -> list[str]:
    return sorted(h.display_name for h in hits)


@pytest.mark.parametrize("query", ["muller", "Müller", "MÜLLER", "mül", "jurgen muller"])
def test_search_is_case_and_accent_insensitive(people, query: str) -> None:
    assert names(people.contacts.search(query)) == ["Jürgen Müller"]


def test_search_finds_cjk_by_one_or_two_characters(people) -> None:
    assert names(people.contacts.search("芳")) == ["李芳"]
    assert names(people.contacts.search("李芳")) == ["李芳"]
    assert names(people.contacts.search("星辰")) == ["李芳"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("7946", ["Ada Lovelace"]),
        ("442079460958", ["Ada Lovelace"]),
        ("+44 20 7946", ["Ada Lovelace"]),
        ("ada@example.com", ["Ada Lovelace"]),
        ("analytical", ["Ada Lovelace"]),
        ("chief tech", ["Ada Lovelace"]),
        ("investor", ["Ada Lovelace"]),
        ("koehler", []),  # folding maps ö to o, not oe
        ("kohler", ["Jürgen Müller"]),
        ("zo", ["Émile Zola"]),
        ("nobody", []),
        ("???", []),
    ],
)
def test_search_covers_phones_emails_accounts_titles_tags(people, query, expected) -> None:
    assert names(people.contacts.search(query)) == expected


def test_search_covers_notes_and_skips_the_trash(people) -> None:
    people.activities.add_note("ada", "Loves the difference engine")
    assert names(people.contacts.search("difference")) == ["Ada Lovelace"]
    people.contacts.remove("ada")
    assert people.contacts.search("difference") == []
    people.journal.undo()
    assert names(people.contacts.search("difference")) == ["Ada Lovelace"]


def test_search_index_follows_edits_and_account_renames(people) -> None:
    people.contacts.edit("ada", ContactChanges(nickname="Enchantress"))
    assert names(people.contacts.search("enchant")) == ["Ada Lovelace"]
    from rolodex.core.accounts import AccountChanges

    people.accounts.edit("Analytical Engines", AccountChanges(name="Difference Works"))
    assert names(people.contacts.search("difference")) == ["Ada Lovelace"]
    assert people.contacts.search("analytical") == []


def test_one_letter_search_returns_quickly_shaped_results(people) -> None:
    hits = people.contacts.search("m", limit=2)
    assert len(hits) == 2
    assert all(h.id for h in hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag:vip", ["Ada Lovelace", "Jürgen Müller"]),
        ("tag:VIP -tag:investor", ["Jürgen Müller"]),
        ("#old", ["Anna Mueller"]),
        ("org:analytical", ["Ada Lovelace"]),
        ("org:köhler", ["Jürgen Müller"]),
        ("stage:lead", ["Jürgen Müller"]),
        ("city:munchen", ["Jürgen Müller"]),
        ("city:MÜNCHEN", ["Jürgen Müller"]),
        ("country:france", ["Émile Zola"]),
        ("email:@example.com", ["Ada Lovelace"]),
        ("phone:7946", ["Ada Lovelace"]),
        ("has:phone -has:email", ["李芳"]),
        ("has:birthday", ["Jürgen Müller"]),
        ("name:zola", ["Émile Zola"]),
        ("title:cto", ["Anna Mueller"]),
        ("vip ada", ["Ada Lovelace"]),
        ("-ada tag:vip", ["Jürgen Müller"]),
        ("uid:nope", []),
        ("tag:100%", []),
        ("name:_", []),
    ],
)
def test_query_filters(people, query: str, expected: list[str]) -> None:
    assert sorted(c.display_name for c in people.contacts.list(query)) == expected
    assert people.contacts.count(query) == len(expected)


def test_list_is_sorted_by_name_and_pages(people) -> None:
    everyone = [c.display_name for c in people.contacts.list()]
    assert len(everyone) == 5
    assert everyone[0] == "Ada Lovelace"
    assert [c.display_name for c in people.contacts.list(limit=2, offset=1)] == everyone[1:3]


def test_is_trashed_lists_the_trash(people) -> None:
    people.contacts.remove("zola")
    assert [c.display_name for c in people.contacts.list("is:trashed")] == ["Émile Zola"]
    assert "Émile Zola" not in [c.display_name for c in people.contacts.list()]


# ---------------------------------------------------------------------------------------- tasks
def test_task_due_filters(rx) -> None:
    today = rx.today()
    rx.contacts.add(ContactChanges(name="Grace Hopper"))
    for due in ("-3d", "today", "tomorrow", "+5d", "+40d"):
        rx.activities.add_task(f"due {due}", due=due, contact="grace", kind="followup")
    rx.activities.add_task("no date")

    def titles(**kw) -> list[str]:
        return [t.title for t in rx.activities.tasks(TaskQuery(today=today, **kw))]

    assert titles(overdue=True) == ["due -3d"]
    assert titles(start=today, end=today) == ["due today"]
    assert titles(start=today, end=today, overdue=True) == ["due -3d", "due today"]
    assert titles(start=today, end=today + dt.timedelta(days=6)) == [
        "due today",
        "due tomorrow",
        "due +5d",
    ]
    assert titles()[-1] == "no date"
    assert titles(kinds=("followup",)) == [
        "due -3d",
        "due today",
        "due tomorrow",
        "due +5d",
        "due +40d",
    ]


# ---------------------------------------------------------------------------------------- parity
def test_fast_sqlite_reader_and_sqlalchemy_reader_agree(people) -> None:
    """The read path (stdlib sqlite3) and the write path (SQLAlchemy) run the same SQL."""
    if people.store.dialect != "sqlite":
        pytest.skip("the stdlib read path exists on SQLite only")
    people.activities.add_followup("ada", due="today")
    people.activities.add_note("müller", "Bäckerei-Messe in Köln")
    today = people.today()
    calls = [
        lambda r: [c.to_dict() for c in r.contacts_by_ids(r.find_contact_ids(parse_query("")))],
        lambda r: r.find_contact_ids(parse_query("tag:vip -old müller")),
        lambda r: [h.to_dict() for h in r.search("a")],
        lambda r: [h.to_dict() for h in r.search("müller")],
        lambda r: [
            t.to_dict(NOW)
            for t in r.tasks(TaskQuery(today=today, overdue=True, start=today, end=today))
        ],
        lambda r: [i.to_dict() for i in r.timeline(1)],
        lambda r: [a.to_dict() for a in r.accounts_by_ids(r.find_account_ids())],
        lambda r: r.counts(),
    ]
    conn = sqlite3.connect(people.store.path)
    fast = Reader(SqliteExecutor(conn))
    with people.store.engine.connect() as sa_conn:
        slow = Reader(SAExecutor(sa_conn))
        for call in calls:
            assert call(fast) == call(slow)
    conn.close()
