"""Rolodex benchmarks: one command, one table of medians (``make bench``).

Builds the benchmark databases when missing (``bench/data/``, 1k / 10k / 100k contacts, see
``gen_db.py``), then measures at each size:

- cold start of ``rolodex --db DB followups --due today --json`` (a fresh process each time)
  beside ``bench/followups_sqlite3.py DB``, a stdlib-only script running the same query and
  printing the same JSON, measured alternately in one loop; their ratio (target ≤ 4);
- search per keystroke, in process (``Rolodex.contacts.search``) for m, mü, müller, 芳 and a
  few more (target ≤ 5 ms);
- cold ``rolodex --db DB contact list --json`` (every contact, stdout to /dev/null).

Child processes get an environment without ``ROLODEX_*`` and with HOME / XDG folders under
``bench/.cache``: the benchmark never reads the user's config or touches their database.
``--check`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
CACHE = HERE / ".cache"
FOLLOWUPS_SCRIPT = HERE / "followups_sqlite3.py"
DEFAULT_SIZES = "1000,10000,100000"
SEARCHES = ("m", "mü", "müller", "芳", "li", "4930")  # 4930: digits of +49 30 … numbers
RATIO_TARGET = 4.0
SEARCH_TARGET_MS = 5.0
STALE_AFTER_DAYS = 20  # open follow-ups are due within -30..+60 days of the build date
# Environment variables that change how Python starts (and so what a cold start costs).
PYTHON_STARTUP_VARS = (
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONDEVMODE",
    "PYTHONTRACEMALLOC",
    "PYTHONMALLOC",
    "PYTHONVERBOSE",
    "PYTHONINSPECT",
)


@dataclass
class Row:
    size: str
    what: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: no target


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def isolated_env() -> dict[str, str]:
    """The environment for every Rolodex the benchmark runs (children and this process)."""
    home = CACHE / "home"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ROLODEX_") and k not in PYTHON_STARTUP_VARS
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        NO_COLOR="1",
    )
    home.mkdir(parents=True, exist_ok=True)
    return env


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        mult = 1000 if part.endswith("k") else 1
        sizes.append(int(float(part.rstrip("k")) * mult))
    if not sizes or min(sizes) < 1:
        raise SystemExit(f"bad --sizes {text!r}: give contact counts, e.g. {DEFAULT_SIZES}")
    return sizes


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 and n >= 1000 else str(n)


# ---------------------------------------------------------------------------- databases
def ensure_db(n: int, *, seed: int, rebuild: bool) -> tuple[Path, dict]:
    """The database of ``n`` contacts, built (or rebuilt when stale) as needed."""
    import gen_db

    path = DATA / f"rolodex-{n}.db"
    meta_path = DATA / f"rolodex-{n}.json"
    meta: dict = {}
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except ValueError:
            meta = {}
    reason = None
    if rebuild:
        reason = "--rebuild"
    elif not path.exists() or not meta:
        reason = "missing"
    elif meta.get("gen_version") != gen_db.GEN_VERSION or meta.get("seed") != seed:
        reason = "generator or seed changed"
    elif meta.get("schema") != gen_db.migrate.HEAD:
        reason = f"schema {meta.get('schema')} is not the current {gen_db.migrate.HEAD}"
    else:
        age = (dt.date.today() - dt.date.fromisoformat(meta["today"])).days
        if not 0 <= age <= STALE_AFTER_DAYS:
            reason = f"built {age} days ago: its due dates no longer fit today"
    if reason is None:
        meta["cached"] = True
        return path, meta
    log(f"building {path.relative_to(REPO)} ({n} contacts; {reason}) …")
    meta_path.unlink(missing_ok=True)
    meta = gen_db.build(path, n, seed=seed, log=log)
    t = time.perf_counter()
    gen_db.verify(path)
    meta["verify_seconds"] = round(time.perf_counter() - t, 2)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log(f"  built in {meta['seconds']} s, verified in {meta['verify_seconds']} s")
    meta["cached"] = False
    return path, meta


# ---------------------------------------------------------------------------- measuring
def run_once(cmd: Sequence[str], env: dict[str, str]) -> float:
    """Wall time of one process, stdout to /dev/null."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err}")
    return elapsed


def alternate(
    a: Sequence[str], b: Sequence[str], env: dict[str, str], rounds: int, warmup: int = 2
) -> tuple[list[float], list[float]]:
    """Time ``a`` and ``b`` in one loop, alternating which goes first."""
    for _ in range(warmup):
        run_once(a, env)
        run_once(b, env)
    ta: list[float] = []
    tb: list[float] = []
    for i in range(rounds):
        if i % 2:
            tb.append(run_once(b, env))
            ta.append(run_once(a, env))
        else:
            ta.append(run_once(a, env))
            tb.append(run_once(b, env))
    return ta, tb


def compare_outputs(a: Sequence[str], b: Sequence[str], env: dict[str, str]) -> tuple[str, bool]:
    out_a = subprocess.run(a, env=env, capture_output=True, check=True).stdout
    out_b = subprocess.run(b, env=env, capture_output=True, check=True).stdout
    rows_a, rows_b = json.loads(out_a), json.loads(out_b)
    if out_a == out_b:
        return f"{len(rows_a)} rows, identical JSON", True
    if [r["id"] for r in rows_a] == [r["id"] for r in rows_b]:
        return f"{len(rows_a)} rows, same ids ({len(out_a)} vs {len(out_b)} bytes)", True
    return f"MISMATCH: {len(rows_a)} vs {len(rows_b)} rows", False


def time_calls(fn: Callable[[], object], reps: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def ms(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.2f} ms" if seconds < 0.01 else f"{seconds * 1000:.1f} ms"


def bench_size(n: int, path: Path, meta: dict, args: argparse.Namespace) -> list[Row]:
    env = isolated_env()
    size = label(n)
    rows: list[Row] = []
    built = "cached" if meta.get("cached") else "built now"
    tasks = meta.get("rows", {}).get("tasks", 0)
    rows.append(
        Row(
            size,
            f"build database ({n} contacts, {tasks} tasks; {built})",
            f"{meta.get('seconds', 0):.1f} s",
        )
    )

    script = Path(sys.executable).with_name("rolodex")
    rolodex = [str(script)] if script.exists() else [sys.executable, "-m", "rolodex"]
    db = str(path)
    ours = [*rolodex, "--db", db, "followups", "--due", "today", "--json"]
    base = [sys.executable, str(FOLLOWUPS_SCRIPT), db]

    log(f"[{size}] followups: checking output, then {args.rounds} alternating rounds …")
    note, same = compare_outputs(ours, base, env)
    rows.append(Row(size, "followups --due today: rolodex vs sqlite3 script", note, "same", same))
    t_ours, t_base = alternate(ours, base, env, args.rounds)
    m_ours, m_base = statistics.median(t_ours), statistics.median(t_base)
    ratio = m_ours / m_base
    rows.append(Row(size, "cold `rolodex followups --due today --json`", ms(m_ours)))
    rows.append(Row(size, "cold `python bench/followups_sqlite3.py` (stdlib)", ms(m_base)))
    rows.append(
        Row(size, "followups ratio rolodex / sqlite3", f"{ratio:.1f}×", f"≤ {RATIO_TARGET:g}")
    )
    rows[-1].ok = ratio <= RATIO_TARGET

    log(f"[{size}] search per keystroke, {args.search_reps} calls each …")
    rows += bench_search(size, db, args.search_reps)

    list_rounds = args.list_rounds or (args.rounds if n <= 1000 else 5 if n <= 10_000 else 3)
    log(f"[{size}] contact list --json: {list_rounds} rounds …")
    listing = [*rolodex, "--db", db, "contact", "list", "--json"]
    t_list = statistics.median(run_once(listing, env) for _ in range(list_rounds))
    rows.append(Row(size, f"cold `rolodex contact list --json` ({list_rounds} runs)", ms(t_list)))
    return rows


def bench_search(size: str, db: str, reps: int) -> list[Row]:
    from rolodex.bootstrap import open_rolodex

    rows = []
    rx = open_rolodex(db=db)
    try:
        for q in SEARCHES:
            hits = len(rx.contacts.search(q))
            times = time_calls(lambda q=q: rx.contacts.search(q), reps)
            median = statistics.median(times)
            rows.append(
                Row(
                    size,
                    f"search {q!r} in process ({hits} hits)",
                    ms(median),
                    f"≤ {SEARCH_TARGET_MS:g} ms",
                    median * 1000 <= SEARCH_TARGET_MS,
                )
            )
    finally:
        rx.store.close()
    return rows


# ---------------------------------------------------------------------------- report
def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(rows: list[Row]) -> str:
    head = ("size", "measurement", "median", "target", "ok?")
    cells = [
        (r.size, r.what, r.value, r.target or "—", "" if r.ok is None else "yes" if r.ok else "NO")
        for r in rows
    ]
    widths = [max(width(h), *(width(c[i]) for c in cells)) for i, h in enumerate(head)]

    def line(values: Sequence[str]) -> str:
        padded = (v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(c) for c in cells]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"contact counts (default {DEFAULT_SIZES})"
    )
    ap.add_argument("--rounds", type=int, default=15, help="cold-start rounds (default 15)")
    ap.add_argument(
        "--list-rounds", type=int, default=0, help="contact list rounds (default: by size)"
    )
    ap.add_argument("--search-reps", type=int, default=200, help="calls per search (default 200)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the databases first")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    sizes = parse_sizes(args.sizes)

    # This process opens the databases too (search): same isolation as the children.
    env = isolated_env()
    for key in set(os.environ) - set(env):
        del os.environ[key]
    os.environ.update(env)
    sys.path.insert(0, str(HERE))

    started = time.perf_counter()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    dbs = [(n, *ensure_db(n, seed=args.seed, rebuild=args.rebuild)) for n in sizes]
    rows: list[Row] = []
    for n, path, meta in dbs:
        rows += bench_size(n, path, meta, args)

    print(
        f"Rolodex benchmarks, {dt.date.today().isoformat()}: Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, {platform.machine()}; "
        f"medians of {args.rounds} alternating cold starts and {args.search_reps} searches "
        f"({time.perf_counter() - started:.0f} s in all)"
    )
    if load_before is not None:
        load_after = os.getloadavg()[0]
        print(f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after")
    print()
    print(table(rows))
    missed = [r for r in rows if r.ok is False]
    if missed:
        names = "; ".join(f"{r.size} {r.what}" for r in missed)
        print(f"\n{len(missed)} target(s) missed: {names}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
