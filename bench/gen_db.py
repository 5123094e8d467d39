"""Build a Rolodex benchmark database quickly.

For N contacts: about N/20 accounts, 3×N tasks (40 % follow-ups, about a third of the open ones
due today or overdue), 5×N interactions, a note for most contacts and a search document for
every contact. Names come from the multilingual pools of ``gen_contacts.py`` (shared with the
import benchmarks), so many contacts are called Müller and many have names such as 李芳.

The schema is created the normal way (``Store(path).open()`` runs the migrations); rows are then
written with stdlib ``sqlite3`` ``executemany`` in one transaction. Contact rows and their child
rows go through ``rolodex.store.mapping`` and search documents through
``rolodex.store.search.build_doc``, exactly as the store writes them; the FTS5 index is rebuilt
once at the end instead of row by row.

Usage::

    python bench/gen_db.py 100000 bench/data/rolodex-100000.db [--seed 42] [--today 2025-06-02]

Same N, seed and ``--today`` give the same database. Due dates are relative to ``--today``
(default: the local date), spread over -30..+60 days so "due today" stays populated for weeks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import multiprocessing
import os
import pickle
import random
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

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
    Url,
)
from rolodex.core.text import fold
from rolodex.store import migrate
from rolodex.store.reader import search_parts
from rolodex.store.sql import sqlite_param

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Bumped whenever the generated data changes, so cached databases are rebuilt.
GEN_VERSION = 4
NAMES_ENV = "BENCH_GEN_CONTACTS"
BATCH = 2000  # contacts per chunk of work (part of the data's definition: keep)
UTC = dt.UTC

REGIONS = {
    "USA": "US",
    "United Kingdom": "GB",
    "Deutschland": "DE",
    "France": "FR",
    "España": "ES",
    "中国": "CN",
    "日本": "JP",
    "대한민국": "KR",
}
LABELS = {"WORK": "work", "HOME": "home", "CELL": "mobile"}
STAGE_WEIGHTS = [None] * 6 + ["lead"] * 4 + ["customer"] * 3 + ["subscriber", "mql", "sql"]
ACCOUNT_FORMS = [
    "GmbH",
    "AG",
    "Ltd",
    "Inc.",
    "& Co. KG",
    "SARL",
    "S.L.",
    "Consulting",
    "Partners",
    "Holdings",
    "Labs",
    "Logistik",
    "Software",
    "Trading",
]
INDUSTRIES = ["Software", "Retail", "Logistics", "Finance", "Manufacturing", "Health", "Media"]
FOLLOWUP_TITLES = [
    "Follow up with {}",
    "Send proposal to {}",
    "Check in with {}",
    "Ask {} about the renewal",
    "Nachfassen: {}",
]
TODO_TITLES = [
    "Update the CRM notes",
    "Prepare the quarterly report",
    "Book travel",
    "Send invoice #{}",
    "Review contract draft",
]
SUMMARIES = [
    "Talked about pricing",
    "Sent the brochure",
    "Intro call",
    "Quarterly review",
    "Demo of the new release",
    "Left a voicemail",
    "Kurzes Telefonat",
    "电话沟通",
]
CHANNELS = ["call", "email", "meeting", "chat", "letter", "social", "other"]
CHANNEL_WEIGHTS = [30, 40, 15, 8, 2, 3, 2]


def load_name_pools(path: str | None = None) -> ModuleType:
    """Import ``gen_contacts.py`` (the shared fake-contact generator) from its usual places."""
    if path or os.environ.get(NAMES_ENV):
        candidates = [Path(path or os.environ[NAMES_ENV])]
    else:
        candidates = [
            HERE / "gen_contacts.py",
            REPO.parent / "shared" / "bench" / "gen_contacts.py",
        ]
    for candidate in candidates:
        if candidate.is_file():
            spec = importlib.util.spec_from_file_location("gen_contacts", candidate)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    where = ", ".join(str(c) for c in candidates)
    raise SystemExit(
        f"gen_db: cannot find the contact generator gen_contacts.py (looked at {where}); "
        f"copy it into bench/ or point --names / ${NAMES_ENV} at it"
    )


def _insert_sql(table: str, columns: Iterable[str]) -> str:
    cols = list(columns)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


class _Rows:
    """Rows per table, as ``{table: (columns, [tuple, ...])}``, ready for ``executemany``."""

    def __init__(self) -> None:
        self.tables: dict[str, tuple[tuple[str, ...], list[tuple]]] = {}

    def dicts(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Row dicts as ``rolodex.store.mapping`` makes them (values still Python objects)."""
        for row in rows:
            if table not in self.tables:
                self.tables[table] = (tuple(row), [])
            self.tables[table][1].append(tuple(_param(v) for v in row.values()))

    def add(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        self.tables.setdefault(table, (columns, []))[1].extend(rows)


def _param(value: Any) -> Any:
    # Plain values pass; dates, times and datetimes get SQLAlchemy's SQLite text form.
    if value is None or type(value) in (str, int, bool):
        return value
    return sqlite_param(value)


def _account_names(gc: ModuleType, rng: random.Random, n: int) -> list[str]:
    names = list(gc.COMPANIES)
    families = [
        f
        for loc in gc.LOCALES.values()
        if not loc.get("cjk")
        for f in loc["family"]
        if " " not in f and "'" not in f
    ]
    cities = [c for loc in gc.LOCALES.values() for c, _, _ in loc["cities"]]
    seen = set(names)
    while len(names) < n:
        name = f"{rng.choice(families)} {rng.choice(ACCOUNT_FORMS)}"
        if name in seen:
            name = f"{name} {rng.choice(cities)}"
        if name in seen:
            continue
        seen.add(name)
        names.append(name)
    return names[:n]


# Set in each worker by _init_worker: the name pools and the accounts of the database.
_STATE: dict[str, Any] = {}


def _init_worker(names: str | None, account_names: list[str]) -> None:
    gc = load_name_pools(names)
    _STATE.update(
        gc=gc,
        account_names=account_names,
        company_account={name: i + 1 for i, name in enumerate(gc.COMPANIES)},
        tag_ids={fold(t): i + 1 for i, t in enumerate(dict.fromkeys(gc.CATEGORIES))},
    )


def _chunk(job: tuple[int, int, int, dt.date]) -> bytes:
    """Contacts ``start..stop-1`` with their child rows, notes and search documents, plus
    3 tasks and 5 interactions per contact. Each chunk has its own seeded generator, so the
    result does not depend on how many processes share the work."""
    from rolodex.core.contacts import to_e164
    from rolodex.store.mapping import contact_children, contact_row
    from rolodex.store.search import build_doc

    seed, start, stop, today = job
    gc = _STATE["gc"]
    account_names: list[str] = _STATE["account_names"]
    n_accounts = len(account_names)
    company_account: dict[str, int] = _STATE["company_account"]
    tag_ids: dict[str, int] = _STATE["tag_ids"]
    rng = random.Random(f"{seed}:{start}")
    now = dt.datetime.combine(today, dt.time(8, 0), tzinfo=UTC)
    out = _Rows()
    names: dict[int, str] = {}
    trashed = 0
    for cid in range(start, stop):
        g = gc.make_contact(rng, cid, today)
        region = REGIONS.get(g["country"])
        rev = dt.datetime.strptime(g["rev"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        account_id = None
        if g["company"]:
            if rng.random() < 0.3:
                account_id = company_account[g["company"]]
            else:
                account_id = rng.randrange(1, n_accounts + 1)
        deleted = rev + dt.timedelta(days=30) if rng.random() < 0.01 else None
        trashed += deleted is not None
        c = Contact(
            id=cid,
            uid=g["uid"],
            given_name=g["given"],
            additional_name=g["middle"],
            family_name=g["family"],
            display_name=g["fn"],
            title=g["title"],
            account_id=account_id,
            account=account_names[account_id - 1] if account_id else None,
            emails=[Email(e, LABELS[t], k == 0) for k, (t, e) in enumerate(g["emails"])],
            phones=[
                Phone(p, to_e164(p, region), LABELS[t], k == 0)
                for k, (t, p) in enumerate(g["phones"])
            ],
            addresses=[
                Address(
                    street=g["street"],
                    locality=g["city"],
                    region=g["region"],
                    postal_code=g["postal"],
                    country=g["country"],
                    label="home",
                    preferred=True,
                )
            ],
            urls=[Url(g["url"], "homepage")] if g["url"] else [],
            socials=[Social("linkedin", f"in/{g['uid'][:8]}")] if rng.random() < 0.1 else [],
            birthday=PartialDate.parse(g["bday"]) if g["bday"] else None,
            tags=list(dict.fromkeys(g["categories"])),
            stage=rng.choice(STAGE_WEIGHTS),
            owner_id=1 if rng.random() < 0.5 else None,
            custom={"customer_no": f"C-{cid:06d}"} if rng.random() < 0.1 else {},
            consents=[Consent("email", True, rev)] if rng.random() < 0.3 else [],
            provenance=Provenance(source="bench", collected_at=rev),
            created_at=rev,
            updated_at=rev,
            deleted_at=deleted,
        )
        names[cid] = c.display_name
        out.dicts("contacts", [{"id": cid, **contact_row(c, now)}])
        for table, rows in contact_children(c, cid).items():
            out.dicts(table, rows)
        out.add(
            "contact_tags",
            ("contact_id", "tag_id", "position"),
            [(cid, tag_ids[fold(t)], k) for k, t in enumerate(c.tags)],
        )
        notes = [g["notes"]] if g["notes"] else []
        if notes:
            stamp = sqlite_param(rev)
            out.add("notes", NOTE_COLS, [(cid, 1, notes[0], False, stamp, stamp)])
        # The same document Rolodex writes for this contact.
        doc = build_doc(*search_parts(c, notes))
        out.add("contact_search", ("contact_id", "doc"), [(cid, doc)])
    count = stop - start
    out.add("tasks", TASK_COLS, _tasks(rng, 3 * count, names, n_accounts, today))
    out.add("interactions", INTERACTION_COLS, _interactions(rng, 5 * count, start, stop, now))
    # Pickled here so that the pool's result thread in the parent only moves bytes: unpickling
    # there would fight the writing thread for the GIL on every row sqlite3 inserts.
    return pickle.dumps({"tables": out.tables, "trashed": trashed}, pickle.HIGHEST_PROTOCOL)


NOTE_COLS = ("contact_id", "author_id", "body", "pinned", "created_at", "updated_at")
TASK_COLS = (
    "title",
    "kind",
    "due_date",
    "due_time",
    "priority",
    "status",
    "repeat",
    "assignee_id",
    "contact_id",
    "account_id",
    "deal_id",
    "notes",
    "completed_at",
    "created_at",
    "updated_at",
    "timezone",
    "exdates",
)
INTERACTION_COLS = (
    "contact_id",
    "author_id",
    "channel",
    "direction",
    "occurred_at",
    "summary",
    "created_at",
)


def _tasks(
    rng: random.Random, count: int, names: dict[int, str], n_accounts: int, today: dt.date
) -> Iterator[tuple]:
    """Task rows: 40 % follow-ups on a contact; open ones due within -30..+60 days of today."""
    r = rng.random
    ids = list(names)
    base = dt.datetime.combine(today, dt.time(9, 0), tzinfo=UTC)
    times = [sqlite_param(dt.time(h, m)) for h in range(8, 18) for m in (0, 30)]
    for _ in range(count):
        x = r()
        kind = "followup" if x < 0.4 else "todo" if x < 0.7 else "call" if x < 0.85 else "meeting"
        contact_id = rng.choice(ids) if kind != "todo" or r() < 0.5 else None
        account_id = rng.randrange(1, n_accounts + 1) if contact_id is None and r() < 0.5 else None
        y = r()
        status = "open" if y < 0.7 else "done" if y < 0.95 else "cancelled"
        offset = rng.randint(-30, 60) if status == "open" else -rng.randint(1, 365)
        due_date: str | None = (today + dt.timedelta(days=offset)).isoformat()
        if kind == "todo" and r() < 0.2:
            due_date = None
        timed = r() < (0.6 if kind in ("call", "meeting") else 0.2 if kind == "followup" else 0)
        due_time = rng.choice(times) if timed else None
        if kind == "followup":
            title = rng.choice(FOLLOWUP_TITLES).format(names[contact_id])
        elif kind == "todo":
            title = rng.choice(TODO_TITLES).format(rng.randrange(1000, 9999))
        else:
            who = names[contact_id] if contact_id else "the team"
            title = f"{'Call' if kind == 'call' else 'Meet'} {who}"
        p = r()
        priority = "high" if p < 0.15 else "normal" if p < 0.85 else "low"
        created = base + dt.timedelta(days=min(offset, 0) - rng.randint(1, 60))
        created_s = sqlite_param(created)
        completed = None
        if status == "done":
            completed = sqlite_param(created + dt.timedelta(days=rng.randint(0, 30)))
        yield (
            title,
            kind,
            due_date,
            due_time,
            priority,
            status,
            "FREQ=WEEKLY" if r() < 0.05 else None,
            1 if r() < 0.7 else None,
            contact_id,
            account_id,
            None,
            "",
            completed,
            created_s,
            completed or created_s,
            "",
            "",
        )


def _interactions(
    rng: random.Random, count: int, start: int, stop: int, now: dt.datetime
) -> Iterator[tuple]:
    channels = [
        c for c, weight in zip(CHANNELS, CHANNEL_WEIGHTS, strict=True) for _ in range(weight)
    ]
    span = 2 * 365 * 86400
    for _ in range(count):
        at = sqlite_param(now - dt.timedelta(seconds=rng.randrange(span)))
        yield (
            rng.randrange(start, stop),
            1,
            rng.choice(channels),
            "out" if rng.random() < 0.6 else "in",
            at,
            rng.choice(SUMMARIES),
            at,
        )


def build(
    path: Path,
    n: int,
    *,
    seed: int = 42,
    today: dt.date | None = None,
    names: str | None = None,
    workers: int | None = None,
    log: Any = None,
) -> dict[str, Any]:
    """Write a fresh database of ``n`` contacts to ``path``; return what was written."""
    from rolodex.store.mapping import account_row
    from rolodex.store.repository import Store

    say = log or (lambda _msg: None)
    gc = load_name_pools(names)
    today = today or dt.date.today()
    rng = random.Random(seed)
    started = time.perf_counter()

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    store = Store(str(tmp)).open()  # creates the file and runs the migrations to head
    store.close()

    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # a scratch file until it is renamed
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("BEGIN")
    # The per-row FTS trigger is replaced by one 'rebuild' at the end, then restored verbatim.
    trigger_sql = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'contact_search_ai'"
    ).fetchone()[0]
    conn.execute("DROP TRIGGER contact_search_ai")

    counts: dict[str, int] = {}
    write_s = 0.0

    def write(tables: dict[str, tuple[tuple[str, ...], list[tuple]]]) -> None:
        nonlocal write_s
        t = time.perf_counter()
        for table, (columns, rows) in tables.items():
            if rows:
                conn.executemany(_insert_sql(table, columns), rows)
                counts[table] = counts.get(table, 0) + len(rows)
        write_s += time.perf_counter() - t

    now = dt.datetime.combine(today, dt.time(8, 0), tzinfo=UTC)
    base = _Rows()
    base.add("users", ("id", "name", "email", "created_at"), [(1, "bench", "", sqlite_param(now))])
    tags = list(dict.fromkeys(gc.CATEGORIES))
    base.add("tags", ("id", "name", "key"), [(i + 1, t, fold(t)) for i, t in enumerate(tags)])
    account_names = _account_names(gc, rng, max(len(gc.COMPANIES), n // 20))
    epoch = dt.datetime(2020, 1, 1, tzinfo=UTC)
    for i, name in enumerate(account_names):
        created = epoch + dt.timedelta(seconds=rng.randrange(4 * 365 * 86400))
        a = Account(
            name=name,
            domain=f"{''.join(ch for ch in fold(name) if ch.isascii() and ch.isalnum())}.example",
            industry=rng.choice(INDUSTRIES),
            provenance=Provenance(source="bench", collected_at=created),
            created_at=created,
            updated_at=created,
        )
        base.dicts("accounts", [{"id": i + 1, **account_row(a, now)}])
    write(base.tables)

    jobs = [(seed, s, min(s + BATCH, n + 1), today) for s in range(1, n + 1, BATCH)]
    # Worker processes generate while this one writes.
    workers = max(0, min((os.cpu_count() or 1) if workers is None else workers, len(jobs)))
    trashed = 0
    if workers == 0:
        _init_worker(names, account_names)
        results: Iterator[bytes] = map(_chunk, jobs)
        pool = None
    else:
        pool = multiprocessing.get_context().Pool(
            workers, initializer=_init_worker, initargs=(names, account_names)
        )
        results = pool.imap(_chunk, jobs)  # in order: ids come out the same every time
    try:
        for blob in results:
            result = pickle.loads(blob)
            write(result["tables"])
            trashed += result["trashed"]
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    rows_done = time.perf_counter()
    say(f"  rows: {rows_done - started:.1f}s ({workers} processes; sqlite writes {write_s:.1f}s)")

    conn.execute("INSERT INTO contact_fts(contact_fts) VALUES ('rebuild')")
    conn.execute(trigger_sql)
    conn.execute("COMMIT")
    say(f"  search index: {time.perf_counter() - rows_done:.1f}s")
    conn.execute("PRAGMA journal_mode = WAL")  # as Rolodex itself leaves the file
    conn.close()
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    tmp.replace(path)
    return {
        "contacts": n,
        "trashed": trashed,
        "rows": counts,
        "seconds": round(time.perf_counter() - started, 2),
        "today": today.isoformat(),
        "seed": seed,
        "gen_version": GEN_VERSION,
        "schema": migrate.HEAD,
    }


def verify(path: Path) -> dict[str, Any]:
    """Check the database through Rolodex itself: searches find the expected names and the
    FTS index is consistent. Raises AssertionError otherwise."""
    from rolodex.store.repository import Store

    store = Store(str(path)).open()
    try:
        with store.reading() as r:
            muller = r.search("müller", limit=20)
            fang = r.search("芳", limit=20)
            counts = r.counts()
        assert any("muller" in fold(h.display_name) for h in muller), (
            f"search 'müller' found no Müller: {[h.display_name for h in muller]}"
        )
        assert fang and all("芳" in h.display_name for h in fang), "search '芳' found no 芳"
        conn = sqlite3.connect(path)
        try:
            conn.execute("INSERT INTO contact_fts(contact_fts) VALUES ('integrity-check')")
            bad_fk = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
            assert not bad_fk, f"foreign key violations: {bad_fk}"
        finally:
            conn.close()
    finally:
        store.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("n", type=int, help="number of contacts")
    ap.add_argument("out", type=Path, help="database file to (re)write")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
    ap.add_argument("--names", help=f"path of gen_contacts.py (or ${NAMES_ENV})")
    ap.add_argument(
        "--workers", type=int, default=None, help="generating processes (default: CPUs; 0: none)"
    )
    ap.add_argument("--no-verify", action="store_true", help="skip the search/FTS checks")
    a = ap.parse_args(argv)
    info = build(
        a.out, a.n, seed=a.seed, today=a.today, names=a.names, workers=a.workers, log=print
    )
    print(f"built {a.out}: {info['rows']} in {info['seconds']}s")
    if not a.no_verify:
        t = time.perf_counter()
        counts = verify(a.out)
        print(f"verified in {time.perf_counter() - t:.1f}s: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
