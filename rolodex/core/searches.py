"""Saved searches: a name for a query, usable as ``@name`` wherever a query is taken."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rolodex.core.models import SavedSearch
from rolodex.core.query import format_query, parse_query
from rolodex.errors import NotFound, UsageError

if TYPE_CHECKING:
    from rolodex.core.service import Rolodex

_NAME = re.compile(r"^[\w.-]{1,100}$")


class SavedSearchService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    def list(self) -> list[SavedSearch]:
        with self.rx.reading() as r:
            return r.saved_searches()

    def get(self, name: str) -> SavedSearch:
        with self.rx.reading() as r:
            found = r.saved_search(name)
        if found is None:
            raise NotFound(f"no saved search named {name!r}")
        return found

    def save(self, name: str, query: str) -> SavedSearch:
        """Save (or replace) a search; the query is checked and stored in canonical form."""
        if not _NAME.match(name):
            raise UsageError(f"not a search name: {name!r} (letters, digits, '.', '-', '_')")
        text = format_query(parse_query(query))
        with self.rx.change() as ch:
            old = ch.w.saved_search(name)
            new = SavedSearch(name=name, query=text, id=old.id if old else None)
            new.id = ch.w.put_saved_search(new)
            ch.record(
                "update" if old else "create",
                "saved_search",
                new.id,
                f"saved search {name}: {text}",
                before=saved_search_dict(old),
                after=saved_search_dict(new),
            )
        return new

    def delete(self, name: str) -> SavedSearch:
        with self.rx.change() as ch:
            old = ch.w.saved_search(name)
            if old is None or old.id is None:
                raise NotFound(f"no saved search named {name!r}")
            ch.w.delete_saved_search(old.id)
            ch.record(
                "delete",
                "saved_search",
                old.id,
                f"deleted saved search {name}",
                before=saved_search_dict(old),
            )
        return old


def saved_search_dict(s: SavedSearch | None) -> dict | None:
    return None if s is None else {"name": s.name, "query": s.query, "id": s.id}
