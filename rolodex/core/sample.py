"""Loading the sample data of ``demo.py`` into a store, as one journalled change."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, TypeVar

from rolodex.core.contacts import display_name_of, to_e164
from rolodex.core.demo import build_demo

if TYPE_CHECKING:
    from rolodex.core.service import Rolodex

T = TypeVar("T")


def _copy(obj: T, **changes: object) -> T:
    """A copy with ``changes``; naive sample timestamps are taken as local time."""
    obj = dataclasses.replace(obj, **changes)
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            setattr(obj, f.name, value.astimezone())
    return obj


def load_demo(rx: Rolodex, *, seed: int = 7) -> dict[str, int]:
    """Add the sample book of contacts; ``undo`` removes all of it again."""
    data = build_demo(rx.today(), seed=seed)
    region = rx.settings.region
    with rx.change() as ch:
        user_id = ch.w.ensure_user(ch.user)
        account_ids = []
        for a in data.accounts:
            a = _copy(a, id=None)
            for p in a.phones:
                p.e164 = p.e164 or to_e164(p.number, region)
            aid = ch.w.put_account(a)
            account_ids.append(aid)
            ch.record("create", "account", aid, f"sample data: added account {a.name}")
        contact_ids = []
        for c, account_index in data.contacts:
            c = _copy(c, id=None)
            c.account_id = account_ids[account_index] if account_index is not None else None
            for p in c.phones:
                p.e164 = p.e164 or to_e164(p.number, region)
            c.display_name = display_name_of(c)
            c.provenance = _copy(c.provenance)
            c.provenance.collected_at = c.provenance.collected_at or ch.now
            cid = ch.w.put_contact(c)
            contact_ids.append(cid)
            ch.record(
                "create",
                "contact",
                cid,
                f"sample data: added contact {c.display_name}",
                contact_id=cid,
            )
        for n, ci in data.notes:
            n = _copy(
                n,
                id=None,
                contact_id=contact_ids[ci],
                author_id=user_id,
                updated_at=n.updated_at or n.created_at,
            )
            nid = ch.w.put_note(n)
            ch.record("create", "note", nid, "sample data: added note", contact_id=n.contact_id)
        for i, ci in data.interactions:
            i = _copy(
                i,
                id=None,
                contact_id=contact_ids[ci],
                author_id=user_id,
                created_at=i.created_at or i.occurred_at,
            )
            iid = ch.w.put_interaction(i)
            ch.record(
                "create",
                "interaction",
                iid,
                f"sample data: logged {i.channel}",
                contact_id=i.contact_id,
            )
        for t, ci in data.tasks:
            t = _copy(
                t,
                id=None,
                contact_id=contact_ids[ci] if ci is not None else None,
                assignee_id=user_id,
            )
            tid = ch.w.put_task(t)
            ch.record(
                "create", "task", tid, f"sample data: added task {t.title}", contact_id=t.contact_id
            )
        for d, ai, ci in data.deals:
            d = _copy(
                d,
                id=None,
                account_id=account_ids[ai] if ai is not None else None,
                contact_id=contact_ids[ci] if ci is not None else None,
            )
            did = ch.w.put_deal(d)
            ch.record(
                "create", "deal", did, f"sample data: added deal {d.title}", contact_id=d.contact_id
            )
    return {
        "accounts": len(data.accounts),
        "contacts": len(data.contacts),
        "notes": len(data.notes),
        "interactions": len(data.interactions),
        "tasks": len(data.tasks),
        "deals": len(data.deals),
    }
