"""Baseline for `rolodex followups --due today --json`: standard library only, same query,
same JSON. Usage: python bench/followups_sqlite3.py DB"""

import argparse
import datetime as dt
import json
import sqlite3

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("db")
now = dt.datetime.now()
today = now.date().isoformat()
rows = sqlite3.connect(ap.parse_args().db).execute(
    "SELECT t.id, t.title, t.kind, t.due_date, t.due_time, t.status, t.priority, t.repeat, "
    "t.contact_id, c.display_name, t.account_id, t.deal_id, t.assignee_id, t.notes, "
    "t.completed_at, t.created_at, t.updated_at FROM tasks t LEFT JOIN contacts c "
    "ON c.id = t.contact_id WHERE t.status IN ('open') AND t.kind IN ('followup') AND "
    "(t.due_date IS NOT NULL AND t.due_date >= ? AND t.due_date <= ?) AND "
    "(t.contact_id IS NULL OR c.deleted_at IS NULL) ORDER BY t.due_date IS NULL, t.due_date, "
    "t.due_time IS NULL, t.due_time, "
    "CASE t.priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, t.id",
    (today, today),
)


def ts(v: str | None) -> str | None:
    return v and dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC).isoformat()


out = []
for r in rows:
    due = dt.datetime.fromisoformat(f"{r[3]}T{r[4]}") if r[4] else dt.date.fromisoformat(r[3])
    late = r[5] == "open" and (due < now if r[4] else due.isoformat() < today)
    rec = dict(zip(("id", "title", "kind"), r[:3], strict=True), due=due.isoformat())
    rec |= {"status": r[5], "priority": r[6], "repeat": r[7], "overdue": late}
    rec["contact"] = {"id": r[8], "display_name": r[9]} if r[8] is not None else None
    rec |= dict(account_id=r[10], deal_id=r[11], assignee_id=r[12], notes=r[13])
    rec |= dict(completed_at=ts(r[14]), created_at=ts(r[15]), updated_at=ts(r[16]))
    out.append(json.dumps(rec, ensure_ascii=False))
print("[\n  " + ",\n  ".join(out) + "\n]" if out else "[]")
