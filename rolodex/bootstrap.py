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
