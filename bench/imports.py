"""Import benchmarks: `rolodex import` of gen_contacts.py output, cold, into a new database.

    python bench/imports.py [--sizes 10k,100k] [--rounds 1] [--check]

Prints a Markdown table: wall time and peak memory (summed PSS of the import's processes) for the
Google CSV and the one-file vCard export, and for a second import of the same vCard file (which
must change nothing). Data is generated once into bench/data/contacts-N/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TARGETS = {"csv": (5.0, 300), "vcard": (15.0, 300)}  # seconds, MB, at 100k contacts


def gen_contacts() -> Path:
    for candidate in (
        os.environ.get("BENCH_GEN_CONTACTS"),
        HERE / "gen_contacts.py",
        HERE.parent.parent / "shared" / "bench" / "gen_contacts.py",
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    sys.exit("bench/imports.py: gen_contacts.py not found (set BENCH_GEN_CONTACTS)")


def data_for(n: int) -> Path:
    out = DATA / f"contacts-{n}"
    if not (out / "all.vcf").exists() or not (out / "google.csv").exists():
        print(f"[{n}] generating contacts …", file=sys.stderr)
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(gen_contacts()), str(n), str(out)], check=True)
        shutil.rmtree(out / "vdir", ignore_errors=True)  # 100k small files we do not use
    return out


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLODEX_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        ROLODEX_REGION="US",
    )
    return env


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process (shared pages split between their users), in kB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """A process and its descendants (the import forks a reader for large files)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def run_import(db: Path, source: Path, env: dict[str, str]) -> tuple[float, float, dict]:
    """Wall seconds; peak memory in MB — the sum of the proportional set sizes of the
    importing process and its reader process, sampled every 100 ms (where /proc has no
    smaps_rollup: the largest max RSS); and the JSON report."""
    cmd = [sys.executable, "-m", "rolodex", "--db", str(db), "import", str(source), "--json"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        peak_kb = 0
        while proc.poll() is None:
            peak_kb = max(peak_kb, sum(_pss_kb(p) for p in _tree(proc.pid)))
            time.sleep(0.1)
        wall = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"import failed: {err.read().decode().strip()}")
        peak = peak_kb / 1024 if peak_kb else usage.ru_maxrss / 1024
        return wall, peak, json.loads(out.read())


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args()
    sizes = [int(s.lower().replace("k", "000")) for s in args.sizes.split(",")]
    rows, missed = [], False
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = clean_env(home)
        for n in sizes:
            src = data_for(n)
            label = f"{n // 1000}k"
            for fmt, file in (("csv", src / "google.csv"), ("vcard", src / "all.vcf")):
                walls, peaks = [], []
                for r in range(args.rounds):
                    db = Path(tmp) / f"{fmt}-{n}-{r}.db"
                    wall, peak, report = run_import(db, file, env)
                    walls.append(wall)
                    peaks.append(peak)
                wall, peak = statistics.median(walls), max(peaks)
                target_s, target_mb = TARGETS[fmt]
                ok = (
                    ""
                    if n != 100_000
                    else ("yes" if wall <= target_s and peak <= target_mb else "NO")
                )
                missed |= ok == "NO"
                rows.append(
                    (
                        label,
                        f"import {file.name} ({report['added']} added)",
                        f"{wall:.1f} s, {peak:.0f} MB",
                        f"≤ {target_s:g} s, ≤ {target_mb} MB" if n == 100_000 else "—",
                        ok,
                    )
                )
                if fmt == "vcard":
                    wall2, peak2, again = run_import(db, file, env)
                    same = again["added"] == again["updated"] == 0
                    small = n != 100_000 or peak2 <= target_mb
                    rows.append(
                        (
                            label,
                            "import the same vCard file again",
                            f"{wall2:.1f} s, {peak2:.0f} MB, {again['unchanged']} unchanged",
                            "changes nothing" + (f", ≤ {target_mb} MB" if n == 100_000 else ""),
                            "yes" if same and small else "NO",
                        )
                    )
                    missed |= not (same and small)
    print("| size | measurement | result | target | ok? |")
    print("|------|-------------|--------|--------|-----|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.check and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
