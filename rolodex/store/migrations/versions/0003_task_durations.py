"""tasks know how long a meeting lasts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

A calendar event imported as a meeting kept only its start: exported again, every event
lasted an hour and an all-day event of several days became a to-do of one day. The length is
kept now, in seconds; NULL (every task so far) means the usual length: an hour, or the day.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A store whose revision was set back by hand may have the column already; adding it
    # twice would fail the whole upgrade.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("tasks")}
    if "duration_seconds" not in columns:
        with op.batch_alter_table("tasks", schema=None) as batch_op:
            batch_op.add_column(sa.Column("duration_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("duration_seconds")
