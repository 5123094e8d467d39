"""The ``Rolodex`` facade: one object that both faces (CLI, UI) call.

A use case is one transaction: ``with rx.change("…") as ch`` opens a write session, and every
change recorded through ``ch.record`` lands in the journal with it, under one group id, so
``undo`` can revert the whole use case.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rolodex.core.models import JournalEntry
from rolodex.core.ports import ReadSession, Store, WriteSession

if TYPE_CHECKING:
    from rolodex.config import Settings
    from rolodex.core.accounts import AccountService
    from rolodex.core.activities import ActivityService
    from rolodex.core.contacts import ContactService
    from rolodex.core.dedupe import DedupeService
    from rolodex.core.exports import ExportService
    from rolodex.core.imports import ImportService
    from rolodex.core.journal import JournalService
    from rolodex.core.searches import SavedSearchService


@dataclass
class Change:
    """A write session plus the journal entries of one use case."""

    w: WriteSession
    user: str
    now: dt.datetime
    group_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    entries: list[JournalEntry] = field(default_factory=list)

    def record(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        summary: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        contact_id: int | None = None,
    ) -> None:
        self.entries.append(
            JournalEntry(
                group_id=self.group_id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                summary=summary,
                contact_id=contact_id,
                before=before,
                after=after,
                at=self.now,
                user=self.user,
            )
        )


class Rolodex:
    """The application core, bound to one store and one user's settings."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._services: dict[str, Any] = {}

    # ------------------------------------------------------------------ time and sessions
    def now(self) -> dt.datetime:
        """The current local time (aware)."""
        return self.settings.clock()

    def today(self) -> dt.date:
        return self.now().date()

    @contextmanager
    def reading(self) -> Iterator[ReadSession]:
        with self.store.reading() as r:
            yield r

    @contextmanager
    def change(self) -> Iterator[Change]:
        now = self.now().astimezone(dt.UTC)
        with self.store.writing(now=now) as w:
            ch = Change(w=w, user=self.settings.user, now=now)
            yield ch
            w.add_journal(ch.entries)

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------------ services (lazy)
    def _service(self, name: str, factory: Any) -> Any:
        if name not in self._services:
            self._services[name] = factory(self)
        return self._services[name]

    @property
    def contacts(self) -> ContactService:
        from rolodex.core.contacts import ContactService

        return self._service("contacts", ContactService)

    @property
    def accounts(self) -> AccountService:
        from rolodex.core.accounts import AccountService

        return self._service("accounts", AccountService)

    @property
    def activities(self) -> ActivityService:
        from rolodex.core.activities import ActivityService

        return self._service("activities", ActivityService)

    @property
    def journal(self) -> JournalService:
        from rolodex.core.journal import JournalService

        return self._service("journal", JournalService)

    @property
    def imports(self) -> ImportService:
        from rolodex.core.imports import ImportService

        return self._service("imports", ImportService)

    @property
    def exports(self) -> ExportService:
        from rolodex.core.exports import ExportService

        return self._service("exports", ExportService)

    @property
    def dedupe(self) -> DedupeService:
        from rolodex.core.dedupe import DedupeService

        return self._service("dedupe", DedupeService)

    @property
    def searches(self) -> SavedSearchService:
        from rolodex.core.searches import SavedSearchService

        return self._service("searches", SavedSearchService)
