"""Several processes writing one SQLite file at once lose nothing and never see
"database is locked"."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

WRITERS = 4
EACH = 15


def _writer(db: str, n: int, worker: int, queue) -> None:
    try:
        from rolodex.bootstrap import open_rolodex
        from rolodex.config import Settings
        from rolodex.core.contacts import ContactChanges

        rx = open_rolodex(Settings(db=db, user=f"writer{worker}", region="GB"))
        for i in range(n):
            c = rx.contacts.add(
                ContactChanges(name=f"Writer{worker} Person{i}", add_tags=["load", f"w{worker}"])
            )
            rx.activities.add_note(str(c.id), f"note {i} from {worker}")
            rx.activities.add_followup(str(c.id), due="today")
        rx.close()
        queue.put((worker, "ok"))
    except Exception as exc:  # reported to the parent, which fails the test
        queue.put((worker, f"{type(exc).__name__}: {exc}"))


def _reader(db: str, stop, queue) -> None:
    try:
        from rolodex.bootstrap import open_rolodex
        from rolodex.config import Settings

        rx = open_rolodex(Settings(db=db, user="reader", region="GB"))
        reads = 0
        while reads == 0 or not stop.is_set():  # at least one read, however late it starts
            rx.contacts.search("writer")
            rx.activities.agenda()
            reads += 1
        rx.close()
        queue.put(("reader", "ok" if reads else "no reads"))
    except Exception as exc:
        queue.put(("reader", f"{type(exc).__name__}: {exc}"))


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    stop = ctx.Event()
    # The first writer races the others to create and migrate the file, too.
    reader = ctx.Process(target=_reader, args=(db, stop, queue))
    writers = [ctx.Process(target=_writer, args=(db, EACH, w, queue)) for w in range(WRITERS)]
    for p in writers:
        p.start()
    reader.start()
    for p in writers:
        p.join(timeout=300)
    stop.set()
    reader.join(timeout=60)
    results = dict(queue.get(timeout=10) for _ in range(WRITERS + 1))
    assert results == {**{w: "ok" for w in range(WRITERS)}, "reader": "ok"}

    conn = sqlite3.connect(db)
    count = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert count("SELECT COUNT(*) FROM contacts") == WRITERS * EACH
    assert count("SELECT COUNT(*) FROM notes") == WRITERS * EACH
    assert count("SELECT COUNT(*) FROM tasks") == WRITERS * EACH
    assert count("SELECT COUNT(*) FROM contact_search") == WRITERS * EACH
    assert count("SELECT COUNT(*) FROM contact_fts WHERE contact_fts MATCH 'writer*'") == (
        WRITERS * EACH
    )
    assert count("SELECT COUNT(*) FROM journal") == WRITERS * EACH * 3
    assert count("SELECT COUNT(*) FROM tags") == 1 + WRITERS
    conn.close()
