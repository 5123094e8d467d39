"""every task has a UID

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Tasks made before had none, and were exported to iCalendar with one derived from their id,
which matched nothing when the file came back: importing it again added every task a second
time. Now the store gives each new task a random UID; this gives one to those without.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM tasks WHERE uid IS NULL"))]
    update = sa.text("UPDATE tasks SET uid = :u WHERE id = :i")
    for start in range(0, len(ids), 5000):
        conn.execute(update, [{"u": str(uuid.uuid4()), "i": i} for i in ids[start : start + 5000]])


def downgrade() -> None:
    """UIDs are kept: a task keeps the identity other calendars know it by."""
