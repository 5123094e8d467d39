"""History and undo, from the journal of changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rolodex.core.models import (
    JournalEntry,
    account_from_dict,
    contact_from_dict,
    deal_from_dict,
    interaction_from_dict,
    note_from_dict,
    saved_search_from_dict,
    task_from_dict,
)
from rolodex.errors import Conflict, NotFound

if TYPE_CHECKING:
    from rolodex.core.ports import WriteSession
    from rolodex.core.service import Change, Rolodex

# entity -> (snapshot -> object, write it back, delete it for good)
_ENTITIES: dict[str, tuple[Callable[[dict], Any], str, str]] = {
    "contact": (contact_from_dict, "put_contact", "delete_contact"),
    "account": (account_from_dict, "put_account", "delete_account"),
    "note": (note_from_dict, "put_note", "delete_note"),
    "interaction": (interaction_from_dict, "put_interaction", "delete_interaction"),
    "task": (task_from_dict, "put_task", "delete_task"),
    "deal": (deal_from_dict, "put_deal", "delete_deal"),
    "saved_search": (saved_search_from_dict, "put_saved_search", "delete_saved_search"),
}


# The entity of one entry for many contacts created together (an import's new contacts):
# ``after`` is {"ids": [[first, last], …]}, inclusive runs of their ids.
BULK_CONTACTS = "contacts"


def extend_runs(runs: list[list[int]], ids: Iterable[int]) -> None:
    """Add ids (ascending, as a store hands them out) to inclusive ``[first, last]`` runs."""
    for i in ids:
        if runs and runs[-1][1] + 1 == i:
            runs[-1][1] = i
        else:
            runs.append([i, i])


def bulk_ids(entry: JournalEntry) -> list[int] | None:
    """The contacts a bulk entry stands for; None for an entry about one record."""
    if entry.entity != BULK_CONTACTS:
        return None
    runs = (entry.after or entry.before or {}).get("ids", [])
    return [i for first, last in runs for i in range(first, last + 1)]


def revert(w: WriteSession, entry: JournalEntry) -> None:
    """Put one record back the way it was before ``entry``."""
    from_dict, put, delete = _ENTITIES[entry.entity]
    if entry.before is None:
        if entry.entity_id is not None:
            getattr(w, delete)(entry.entity_id)
    else:
        getattr(w, put)(from_dict(entry.before))


class JournalService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    def history(self, ref: str | None = None, *, limit: int = 50) -> list[JournalEntry]:
        with self.rx.reading() as r:
            contact_id = None
            if ref:
                contact_id = self.rx.contacts.resolve(ref, include_trashed=True, session=r).id
            return r.journal(contact_id=contact_id, limit=limit)

    def undo(self, *, force: bool = False) -> list[JournalEntry]:
        """Revert the most recent change not yet undone (all records it touched, in reverse
        order). Repeatable: each call goes one change further back. Returns what was undone.
        ``force``: even when a later change (the forced undo of an import, say) touched the
        same records."""
        with self.rx.change() as ch:
            while True:
                group = ch.w.last_undoable_group()
                if group is None:
                    raise NotFound("nothing to undo")
                if force or not _void(ch, group):
                    return revert_group(ch, group, force=force)
                # Everything it changed is gone (the forced undo of the import that made
                # it): there is nothing to put back, and it must not stop going further back.
                ch.w.mark_undone(group)


def _keys(entries: list[JournalEntry]) -> tuple[list[tuple[str, Any]], list[int]]:
    """The records a change touched, and the contacts it created."""
    bulk = {e.id: bulk_ids(e) for e in entries if e.entity == BULK_CONTACTS}
    keys = [(e.entity, e.entity_id) for e in entries if e.id not in bulk]
    keys += [("contact", i) for ids in bulk.values() for i in ids or ()]
    created = [i for ids in bulk.values() for i in ids or ()]
    created += [
        e.entity_id
        for e in entries
        if e.entity == "contact" and e.action == "create" and e.entity_id is not None
    ]
    return keys, created


_GETTERS = {
    "contact": "get_contact",
    "account": "get_account",
    "note": "get_note",
    "interaction": "get_interaction",
    "task": "get_task",
    "deal": "get_deal",
}


def _void(ch: Change, group: str) -> bool:
    """Whether every record a change touched is gone, deleted since by an undo (the forced
    undo of the import that created them, or of their contact): then reverting it has
    nothing left to do. Not so for a change that itself deleted something (putting that
    back is its undo), nor when a later change other than such an undo touched them."""
    entries = ch.w.journal_group(group)
    if any(e.after is None and e.before is not None for e in entries):
        return False
    keys, created = _keys(entries)
    if any(e.action != "undo" for e in ch.w.later_changes(group, keys, created)):
        return False
    for entity, eid in keys:
        getter = _GETTERS.get(entity)
        if getter is None or eid is None or getattr(ch.w, getter)(eid) is not None:
            return False
    return bool(keys)


def revert_group(ch: Change, group: str, *, force: bool = False) -> list[JournalEntry]:
    """Put back every record one change touched, and journal that as an undo.

    An older change is only reverted when nothing since has touched the same records (unless
    ``force``): reverting it would silently throw those later edits away."""
    entries = ch.w.journal_group(group)
    bulk = {e.id: bulk_ids(e) for e in entries if e.entity == BULK_CONTACTS}
    if not force:
        # Contacts the change created go with their notes, interactions and tasks: adding
        # one of those later is a later change too.
        keys, created = _keys(entries)
        later = ch.w.later_changes(group, keys, created)
        if later:
            shown = "; ".join(f"{e.summary} ({e.user})" for e in later[:3])
            raise Conflict(
                f"{len(later)} later change{'s touch' if len(later) != 1 else ' touches'} the "
                f"same records ({shown}); undo those "
                "first, or use --force to revert anyway"
            )
    # Contacts of a bulk entry go as a whole. Its entry is written when the change ends, so
    # it is reverted first; an update the change made to one of them (a later file of an
    # import folder matching it) must then not put that contact back.
    created = {i for ids in bulk.values() for i in ids or ()}
    added: list[int] = []  # contacts a change created: deleted together (an import's undo)
    for entry in reversed(entries):
        if entry.entity == "contact" and entry.before is None and entry.entity_id is not None:
            added.append(entry.entity_id)
        elif entry.entity != "contact" or entry.entity_id not in created:
            if added:
                ch.w.delete_contacts(added)
                added.clear()
            if entry.id in bulk:
                ch.w.delete_contacts(bulk[entry.id] or [])
            else:
                revert(ch.w, entry)
        ch.record(
            "undo",
            entry.entity,
            entry.entity_id,
            f"undid: {entry.summary}",
            before=entry.after,
            after=entry.before,
            contact_id=entry.contact_id,
        )
    if added:
        ch.w.delete_contacts(added)
    ch.w.mark_undone(group)
    return entries
