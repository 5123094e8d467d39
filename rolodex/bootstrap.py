"""The composition root: settings + store + core services."""

from __future__ import annotations

from rolodex.config import Settings, load_settings
from rolodex.core.service import Rolodex
from rolodex.paths import db_target


def open_rolodex(settings: Settings | None = None, *, db: str | None = None) -> Rolodex:
    """Open (creating and migrating if needed) the database the settings point at."""
    from rolodex.store.repository import Store

    settings = settings or load_settings(db)
    target = db_target(db or settings.db)
    store = Store(target).open()
    return Rolodex(store, settings)


def store_is_new_or_small(db: str | None) -> bool:
    """Whether the database is a SQLite file that does not exist yet or holds little (a few
    thousand contacts), without opening it: an import's reader process can then start before
    it is opened and be sent what it holds, rather than wait for it and share that."""
    from rolodex.paths import db_target
    from rolodex.store.engine import sqlite_path

    path = sqlite_path(db_target(db))
    try:
        return path is not None and (not path.exists() or path.stat().st_size < 16 * 2**20)
    except OSError:
        return False
