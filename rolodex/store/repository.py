"""The store: opens (and migrates) a database and hands out read and write sessions.

- ``Store.reading()`` yields a ``Reader``. On SQLite it runs on a stdlib ``sqlite3`` connection,
  so read-only commands never import SQLAlchemy.
- ``Store.writing()`` yields a ``WriteSession``: one SQLAlchemy transaction (``BEGIN IMMEDIATE``
  on SQLite), reads included, committed when the block ends and rolled back on any error.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rolodex.core.journal import extend_runs
from rolodex.core.models import (
    Account,
    Contact,
    Deal,
    ImportBatch,
    Interaction,
    JournalEntry,
    Note,
    SavedSearch,
    Task,
)
from rolodex.core.text import fold
from rolodex.errors import StoreError
from rolodex.store import migrate, search
from rolodex.store.engine import connect_sqlite, create_engine, ensure_sqlite_file, sqlite_path
from rolodex.store.mapping import CHILD_COLUMNS, CHILD_TABLES, CONTACT_COLUMNS
from rolodex.store.reader import Reader
from rolodex.store.sql import SAExecutor, SqliteExecutor, chunks, sqlite_param


def _sa_error(exc: Exception, where: str) -> StoreError:
    msg = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return StoreError(f"database {where}: {msg}")


class Store:
    """One database, SQLite file or SQLAlchemy URL."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.path: Path | None = sqlite_path(target)
        self._engine: Any = None
        self._sqlite: sqlite3.Connection | None = None
        self.created = False

    # ------------------------------------------------------------------ opening
    def open(self) -> Store:
        if self.path is not None:
            self.created = ensure_sqlite_file(self.path)
            self._sqlite = connect_sqlite(self.path)
            try:
                rev = self._sqlite.execute("SELECT version_num FROM alembic_version").fetchone()
                rev = rev[0] if rev else None
            except sqlite3.OperationalError:
                rev = None  # a new file
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"cannot read database {self.path}: {exc}") from None
            migrate.check_revision(rev, str(self.path))
            if rev != migrate.HEAD:
                self._migrate()
        else:
            self._migrate()
        return self

    @property
    def where(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return "sqlite" if self.path is not None else self.engine.dialect.name

    @property
    def engine(self) -> Any:
        if self._engine is None:
            self._engine = create_engine(self.target)
        return self._engine

    def _migrate(self) -> None:
        import sqlalchemy as sa

        try:
            with self.engine.begin() as conn:
                migrate.upgrade(conn, self.where)
        except sa.exc.SQLAlchemyError as exc:
            raise _sa_error(exc, self.where) from None

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # ------------------------------------------------------------------ sessions
    @contextmanager
    def reading(self) -> Iterator[Reader]:
        if self._sqlite is not None:
            conn = self._sqlite
            outer = not conn.in_transaction  # a read inside a read shares its snapshot
            if outer:
                conn.execute("BEGIN")  # one snapshot for the whole read
            try:
                yield Reader(SqliteExecutor(conn))
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"database {self.where}: {exc}") from None
            finally:
                if outer:
                    conn.execute("ROLLBACK")
            return
        import sqlalchemy as sa

        try:
            with self.engine.connect() as conn:
                yield Reader(SAExecutor(conn))
        except sa.exc.SQLAlchemyError as exc:
            raise _sa_error(exc, self.where) from None

    @contextmanager
    def writing(self, *, now: dt.datetime) -> Iterator[WriteSession]:
        import sqlalchemy as sa

        try:
            with self.engine.begin() as conn:
                session = WriteSession(conn, now)
                yield session
                session.finish()
        except sa.exc.IntegrityError as exc:
            from rolodex.errors import Conflict

            raise Conflict(f"conflicting change: {str(exc.orig).splitlines()[0]}") from None
        except sa.exc.SQLAlchemyError as exc:
            raise _sa_error(exc, self.where) from None


_CONTACT_CHILDREN = (
    "contact_emails",
    "contact_phones",
    "contact_addresses",
    "contact_urls",
    "contact_socials",
    "custom_fields",
    "vcard_extras",
    "consents",
)


# uid, account name, the CONTACT_COLUMNS values, the child rows (CHILD_TABLES order), tags,
# notes.
PackedContact = tuple[str, str, tuple, tuple, list, list]

# Where ``search_parts`` finds its texts in a packed contact's CONTACT_COLUMNS values.
_NAME_PARTS = tuple(
    CONTACT_COLUMNS.index(c)
    for c in ("display_name", "given_name", "family_name", "additional_name", "nickname", "title")
)


def _doc(p: PackedContact) -> str:
    """The search document of a packed contact: what ``search_parts`` gives for a Contact."""
    values, children = p[2], p[3]
    parts = [values[i] for i in _NAME_PARTS]
    parts.append(p[1])
    parts += p[4]
    parts += [row[1] for row in children[0]]  # emails: (position, address, …)
    parts += p[5]
    return search.build_doc(parts, [(row[1], row[2]) for row in children[1]])


class _Packer:
    """Contacts -> ``PackedContact``; a plain object so that a forked process can use it."""

    def __init__(self, dialect: str, now: dt.datetime) -> None:
        self.convert: Callable[[Any], Any] = sqlite_param if dialect == "sqlite" else _same
        self.now = self.convert(now)
        self.last: tuple[Any, Any] = (now, self.now)

    def ts(self, value: Any) -> Any:
        """A timestamp in the driver's form; an import's are mostly one and the same."""
        if value is not self.last[0]:
            self.last = (value, self.convert(value))
        return self.last[1]

    def __call__(self, c: Contact, notes: Sequence[str]) -> PackedContact:
        from rolodex.store.mapping import child_values, contact_values

        bodies = [n for n in notes if n.strip()]
        return (
            c.uid,
            c.account or "",
            contact_values(c, self.now, self.ts),
            child_values(c, self.ts),
            list(c.tags),
            bodies,
        )


def _same(value: Any) -> Any:
    return value


# Indexes a bulk load into an empty store builds at the end instead of row by row.
_SET_ASIDE = frozenset(
    {
        "ix_contacts_alive_sort",
        "ix_contacts_birthday_md",
        "ix_contacts_stage",
        "ix_contacts_account_id",
        "ix_contact_emails_address_key",
        "ix_contact_phones_e164",
        "ix_contact_tags_tag_id",
    }
)

# Search documents of a bulk load are indexed this many at a time: FTS5 writes a segment per
# statement, and small ones cost merges later (1000 at a time: 1.4 s for 100k, 10 000: 1.2 s).
_INDEX_EVERY = 10_000

_JOURNAL_COLUMNS = (
    "group_id",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "contact_id",
    "summary",
    "before",
    "after",
    "undone",
)


class WriteSession(Reader):
    """Reads and writes inside one transaction. The search index of every contact touched is
    rebuilt once, when the session finishes."""

    def __init__(self, conn: Any, now: dt.datetime) -> None:
        super().__init__(SAExecutor(conn))
        from rolodex.store import tables

        self.conn = conn
        self.now = now
        self.t = tables.metadata.tables
        self._dirty: set[int] = set()
        self._tags_changed = False
        self._tag_cache: dict[str, int] = {}
        self._bulk_ready = False
        self._aside: list[str] = []  # CREATE INDEX statements to run before the session ends
        self._indexing_off = False  # the FTS insert trigger is off; documents wait in
        self._unindexed: list[list[int]] = []  # these runs of contact ids, until the end

    def _execute(self, sql: str) -> None:
        self.conn.exec_driver_sql(sql)

    def _set_indexes_aside(self) -> None:
        """A bulk load into a new (or nearly empty) store: indexes on keys that arrive in no
        order cost more row by row than built once, from sorted keys, when the session ends.
        Only those nothing in an import reads; their SQL is kept to recreate them exactly."""
        have = self.conn.exec_driver_sql("SELECT count(*) FROM contacts").scalar()
        if have > 1000:
            return
        for name, sql in self.conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall():
            if name in _SET_ASIDE:
                self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
                self._aside.append(sql)

    def _end_bulk_load(self) -> None:
        """Put back what a bulk load set aside (indexes, the FTS insert trigger)."""
        for sql in self._aside:
            self.conn.exec_driver_sql(sql)
        self._aside = []
        if self._indexing_off:
            self._index_waiting()
            search.resume_indexing(self._execute)
            self._indexing_off = False

    def _index_waiting(self) -> None:
        for low, high in self._unindexed:
            search.index_range(self._execute, low, high)
        self._unindexed = []

    # ------------------------------------------------------------------ helpers
    def _insert(self, table: str, row: dict[str, Any]) -> int:
        import sqlalchemy as sa

        res = self.conn.execute(sa.insert(self.t[table]), row)
        return int(res.inserted_primary_key[0])

    def _upsert(self, table: str, obj_id: int | None, row: dict[str, Any]) -> int:
        """Update the row with ``obj_id``, or insert it (with that id, when given)."""
        import sqlalchemy as sa

        t = self.t[table]
        if obj_id is not None:
            res = self.conn.execute(sa.update(t).where(t.c.id == obj_id).values(row))
            if res.rowcount:
                return obj_id
            return self._insert(table, {**row, "id": obj_id})
        return self._insert(table, row)

    def _replace_children(
        self, key: str, owner_id: int, rows_by_table: dict[str, list[dict[str, Any]]]
    ) -> None:
        import sqlalchemy as sa

        for table, rows in rows_by_table.items():
            t = self.t[table]
            self.conn.execute(sa.delete(t).where(t.c[key] == owner_id))
            if rows:
                self.conn.execute(sa.insert(t), rows)

    def _delete(self, table: str, obj_id: int) -> None:
        import sqlalchemy as sa

        t = self.t[table]
        self.conn.execute(sa.delete(t).where(t.c.id == obj_id))

    def tag_ids(self, names: Sequence[str]) -> list[int]:
        """Ids of tags (case-insensitive), created when missing; order kept."""
        import sqlalchemy as sa

        t = self.t["tags"]
        ids: list[int] = []
        for name in names:
            key = fold(name)
            found = self.conn.execute(sa.select(t.c.id).where(t.c.key == key)).scalar()
            if found is None:
                found = self._insert("tags", {"name": name, "key": key})
            if found not in ids:
                ids.append(found)
        return ids

    def _set_tags(self, link: str, key: str, owner_id: int, names: Sequence[str]) -> None:
        self._tags_changed = True
        rows = [
            {key: owner_id, "tag_id": tid, "position": i}
            for i, tid in enumerate(self.tag_ids(names))
        ]
        self._replace_children(key, owner_id, {link: rows})

    # ------------------------------------------------------------------ contacts
    def put_contact(self, c: Contact) -> int:
        from rolodex.store.mapping import contact_children, contact_row

        cid = self._upsert("contacts", c.id, contact_row(c, self.now))
        self._replace_children("contact_id", cid, contact_children(c, cid))
        self._set_tags("contact_tags", "contact_id", cid, c.tags)
        self.touch(cid)
        return cid

    def contact_packer(self) -> Callable[[Contact, Sequence[str]], PackedContact]:
        """A function that turns a new contact and its notes into what ``insert_packed``
        stores: rows ready for the driver and the search document. It uses no connection,
        so it may run in another process while this session writes."""
        return _Packer(self.dialect, self.now)

    def insert_packed(
        self, packed: Sequence[PackedContact], account_ids: Sequence[int | None]
    ) -> list[int]:
        """Store packed new contacts (``account_ids[i]`` for ``packed[i]``); their ids."""
        if not packed:
            return []
        sqlite = self.dialect == "sqlite"
        if sqlite:
            # Index pages of random keys (UIDs, emails) are touched all over: give SQLite a
            # cache that holds them (32 MB, this connection only) instead of the 2 MB default.
            if not self._bulk_ready:
                self.conn.exec_driver_sql("PRAGMA cache_size = -32768")
                self._bulk_ready = True
                self._set_indexes_aside()
            # The write lock is held from BEGIN IMMEDIATE: nobody else can take these ids.
            first = 1 + int(
                self.conn.exec_driver_sql(
                    "SELECT max(coalesce((SELECT max(id) FROM contacts), 0), "
                    "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'contacts'), 0))"
                ).scalar()
            )
            ids = list(range(first, first + len(packed)))
            self._rows(
                "contacts",
                ("id", "account_id", *CONTACT_COLUMNS),
                [(cid, aid, *p[2]) for cid, aid, p in zip(ids, account_ids, packed, strict=True)],
            )
        else:
            import sqlalchemy as sa

            # One multi-row insert, then the ids by UID (unique).
            self._rows(
                "contacts",
                ("account_id", *CONTACT_COLUMNS),
                [(aid, *p[2]) for aid, p in zip(account_ids, packed, strict=True)],
            )
            t = self.t["contacts"]
            by_uid: dict[str, int] = {}
            for part in chunks([p[0] for p in packed]):
                by_uid.update(
                    (uid, cid)
                    for cid, uid in self.conn.execute(
                        sa.select(t.c.id, t.c.uid).where(t.c.uid.in_(part))
                    )
                )
            ids = [by_uid[p[0]] for p in packed]
        for k, table in enumerate(CHILD_TABLES):
            rows = [
                (cid, *r) for cid, p in zip(ids, packed, strict=True) if p[3][k] for r in p[3][k]
            ]
            if rows:
                self._rows(table, ("contact_id", *CHILD_COLUMNS[table]), rows)
        names = {fold(tag): tag for p in packed for tag in p[4]}
        missing = [name for key, name in names.items() if key not in self._tag_cache]
        if missing:
            self._tag_cache.update(
                zip((fold(n) for n in missing), self.tag_ids(missing), strict=True)
            )
        tag_rows = []
        for cid, p in zip(ids, packed, strict=True):
            seen: set[int] = set()
            for position, tag in enumerate(p[4]):
                tid = self._tag_cache[fold(tag)]
                if tid not in seen:
                    seen.add(tid)
                    tag_rows.append((cid, tid, position))
        if tag_rows:
            self._rows("contact_tags", ("contact_id", "tag_id", "position"), tag_rows)
        now = sqlite_param(self.now) if sqlite else self.now
        note_rows = [
            (cid, body, False, now, now)
            for cid, p in zip(ids, packed, strict=True)
            for body in p[5]
        ]
        if note_rows:
            self._rows(
                "notes", ("contact_id", "body", "pinned", "created_at", "updated_at"), note_rows
            )
        # The search documents are made here, from the packed rows, rather than by the packer:
        # an import's reader process has more to do than this one.
        docs = [(cid, _doc(p)) for cid, p in zip(ids, packed, strict=True)]
        if not self._indexing_off and len(ids) >= 50:
            # A trigger per document costs four times one INSERT … SELECT into the index.
            self._indexing_off = search.defer_indexing(self.dialect, self._execute)
        self._rows("contact_search", ("contact_id", "doc"), docs)
        if self._indexing_off:
            extend_runs(self._unindexed, ids)
            if sum(high - low + 1 for low, high in self._unindexed) >= _INDEX_EVERY:
                self._index_waiting()
        return ids

    def _rows(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        """Insert rows already in the driver's form through its executemany."""
        quoted = ", ".join(f'"{c}"' for c in columns)
        mark = "?" if self.dialect == "sqlite" else "%s"
        marks = ", ".join(mark for _ in columns)
        self.conn.exec_driver_sql(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)

    def delete_contact(self, contact_id: int) -> None:
        """Remove a contact for good (its child rows and search document go with it)."""
        self._end_bulk_load()
        self._delete("contacts", contact_id)
        self._dirty.discard(contact_id)
        self._tags_changed = True

    def delete_contacts(self, contact_ids: Sequence[int]) -> None:
        """Remove many contacts for good, a few statements per 500 (an import's undo)."""
        ids = list(dict.fromkeys(int(i) for i in contact_ids))
        if len(ids) < 2:
            for cid in ids:
                self.delete_contact(cid)
            return
        self._end_bulk_load()
        batches = list(chunks(ids))
        search.unindex(
            self.dialect,
            self._execute,
            lambda sql: self.conn.exec_driver_sql(sql).scalar(),
            batches,
        )
        for part in batches:
            inn = ", ".join(str(i) for i in part)
            self.conn.exec_driver_sql(f"DELETE FROM contacts WHERE id IN ({inn})")
        self._dirty.difference_update(ids)
        self._tags_changed = True

    def touch(self, *contact_ids: int | None) -> None:
        """Mark contacts whose search document must be rebuilt."""
        self._dirty.update(i for i in contact_ids if i is not None)

    # ------------------------------------------------------------------ accounts
    def put_account(self, a: Account) -> int:
        from rolodex.store.mapping import account_children, account_row

        before = self.ex.scalar("SELECT name FROM accounts WHERE id = :i", {"i": a.id})
        aid = self._upsert("accounts", a.id, account_row(a, self.now))
        self._replace_children("account_id", aid, account_children(a, aid))
        self._set_tags("account_tags", "account_id", aid, a.tags)
        if before is not None and before != a.name:
            self.touch(*self.contact_ids_of_account(aid))
        return aid

    def delete_account(self, account_id: int) -> None:
        self.touch(*self.contact_ids_of_account(account_id))
        self._delete("accounts", account_id)
        self._tags_changed = True

    # ------------------------------------------------------------------ activities
    def put_note(self, n: Note) -> int:
        from rolodex.store.mapping import note_row

        old = self.ex.scalar("SELECT contact_id FROM notes WHERE id = :i", {"i": n.id})
        nid = self._upsert("notes", n.id, note_row(n, self.now))
        self.touch(n.contact_id, old)
        return nid

    def delete_note(self, note_id: int) -> None:
        self.touch(self.ex.scalar("SELECT contact_id FROM notes WHERE id = :i", {"i": note_id}))
        self._delete("notes", note_id)

    def put_interaction(self, i: Interaction) -> int:
        from rolodex.store.mapping import interaction_row

        return self._upsert("interactions", i.id, interaction_row(i, self.now))

    def delete_interaction(self, interaction_id: int) -> None:
        self._delete("interactions", interaction_id)

    def put_task(self, t: Task) -> int:
        """Store a task; a new one without a UID gets one, so that the calendars it is
        exported to and imported back from know it as the same task."""
        from rolodex.store.mapping import task_row

        if t.id is None and not t.uid:
            import uuid

            t.uid = str(uuid.uuid4())
        return self._upsert("tasks", t.id, task_row(t, self.now))

    def delete_task(self, task_id: int) -> None:
        self._delete("tasks", task_id)

    def put_deal(self, d: Deal) -> int:
        from rolodex.store.mapping import deal_row

        return self._upsert("deals", d.id, deal_row(d, self.now))

    def delete_deal(self, deal_id: int) -> None:
        self._delete("deals", deal_id)

    def put_saved_search(self, s: SavedSearch) -> int:
        return self._upsert("saved_searches", s.id, {"name": s.name, "query": s.query})

    def delete_saved_search(self, search_id: int) -> None:
        self._delete("saved_searches", search_id)

    def ensure_user(self, name: str) -> int:
        found = self.user_by_name(name)
        if found is not None and found.id is not None:
            return found.id
        return self._insert("users", {"name": name, "email": "", "created_at": self.now})

    # ------------------------------------------------------------------ imports
    def put_import_batch(self, b: ImportBatch) -> int:
        row = {
            "source": b.source[:1000],
            "format": b.format,
            "preset": b.preset,
            "started_at": b.started_at,
            "finished_at": b.finished_at,
            "actor": b.user,
            "report": json.dumps(b.report, ensure_ascii=False) if b.report else None,
            "journal_group": b.journal_group,
        }
        return self._upsert("import_batches", b.id, row)

    # ------------------------------------------------------------------ journal
    def add_journal(self, entries: Sequence[JournalEntry]) -> None:
        if not entries:
            return
        ts = sqlite_param if self.dialect == "sqlite" else _same
        now = ts(self.now)
        dumps = json.dumps
        rows = [
            (
                e.group_id,
                ts(e.at) if e.at is not None and e.at is not self.now else now,
                e.user,
                e.action,
                e.entity,
                e.entity_id,
                e.contact_id,
                e.summary,
                dumps(e.before, ensure_ascii=False) if e.before is not None else None,
                dumps(e.after, ensure_ascii=False) if e.after is not None else None,
                e.undone,
            )
            for e in entries
        ]
        self._rows("journal", _JOURNAL_COLUMNS, rows)

    def mark_undone(self, group_id: str) -> None:
        import sqlalchemy as sa

        t = self.t["journal"]
        self.conn.execute(sa.update(t).where(t.c.group_id == group_id).values(undone=True))

    # ------------------------------------------------------------------ search index
    def finish(self) -> None:
        """Drop tags nothing uses any more, and rebuild the search documents of every
        contact this session touched."""
        import sqlalchemy as sa

        self._end_bulk_load()

        if self._tags_changed:
            self.conn.execute(
                sa.text(
                    "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM contact_tags) "
                    "AND id NOT IN (SELECT tag_id FROM account_tags)"
                )
            )
        if not self._dirty:
            return
        t = self.t["contact_search"]
        ids = sorted(self._dirty)
        self._dirty.clear()
        for batch in chunks(ids):
            self.conn.execute(sa.delete(t).where(t.c.contact_id.in_(batch)))
            docs = self.search_docs(batch)
            if docs:
                self.conn.execute(
                    sa.insert(t), [{"contact_id": cid, "doc": doc} for cid, doc in docs.items()]
                )
