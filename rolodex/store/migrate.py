"""Schema migrations: Alembic, applied when a store is opened.

``HEAD`` and ``KNOWN`` let the read path check the schema with one query and no Alembic
import; a test keeps them equal to what the migration scripts say.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rolodex.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

HEAD = "0003"
KNOWN = ("0001", "0002", "0003")
SCRIPTS = Path(__file__).with_name("migrations")


def check_revision(current: str | None, where: str) -> None:
    if current is not None and current not in KNOWN:
        raise StoreError(
            f"database {where} has schema {current!r}, newer than this Rolodex understands "
            f"(up to {HEAD!r}); upgrade Rolodex to open it"
        )


def current_revision(conn: Connection) -> str | None:
    import sqlalchemy as sa

    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(conn: Connection, where: str) -> None:
    """Bring the schema to HEAD inside the caller's transaction."""
    check_revision(current_revision(conn), where)
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
