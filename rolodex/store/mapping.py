"""Domain objects -> row dicts for the tables in ``tables.py`` (reads are in ``reader.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rolodex.core.models import Account, Contact, Deal, Interaction, Note, Task
from rolodex.core.text import digits, fold

# The columns of ``contacts`` after ``id`` and ``account_id``, in the order ``contact_values``
# gives them; and those of the child tables after ``contact_id``.
CONTACT_COLUMNS = (
    "uid",
    "prefix",
    "given_name",
    "additional_name",
    "family_name",
    "suffix",
    "display_name",
    "sort_key",
    "name_key",
    "nickname",
    "title",
    "title_key",
    "role",
    "birthday",
    "birthday_md",
    "anniversary",
    "stage",
    "owner_id",
    "photo",
    "source",
    "batch_id",
    "collected_at",
    "purpose",
    "legal_basis",
    "created_at",
    "updated_at",
    "deleted_at",
)
CHILD_COLUMNS: dict[str, tuple[str, ...]] = {
    "contact_emails": ("position", "address", "address_key", "label", "preferred"),
    "contact_phones": ("position", "number", "e164", "digits", "label", "preferred"),
    "contact_addresses": (
        "position",
        "street",
        "locality",
        "locality_key",
        "region",
        "postal_code",
        "country",
        "country_key",
        "po_box",
        "extended",
        "label",
        "preferred",
    ),
    "contact_urls": ("position", "url", "label", "preferred"),
    "contact_socials": ("position", "service", "handle"),
    "custom_fields": ("name", "value"),
    "vcard_extras": ("position", "line"),
    "consents": ("channel", "granted", "at", "note"),
}
CHILD_TABLES = tuple(CHILD_COLUMNS)


def _same(value: Any) -> Any:
    return value


def contact_values(c: Contact, now: Any, ts: Callable[[Any], Any] = _same) -> tuple:
    """The ``CONTACT_COLUMNS`` of a contact; ``ts`` converts timestamps for the driver and
    ``now`` (already converted) stands in for those not set."""
    names = " ".join(
        p for p in (c.display_name, c.given_name, c.additional_name, c.family_name, c.nickname) if p
    )
    pv = c.provenance
    b = c.birthday
    return (
        c.uid,
        c.prefix,
        c.given_name,
        c.additional_name,
        c.family_name,
        c.suffix,
        c.display_name,
        fold(c.display_name),
        fold(names),
        c.nickname,
        c.title,
        fold(c.title) if c.title else "",
        c.role,
        b.isoformat() if b else None,
        f"{b.month:02d}-{b.day:02d}" if b else None,
        c.anniversary.isoformat() if c.anniversary else None,
        c.stage,
        c.owner_id,
        c.photo,
        pv.source,
        pv.batch_id,
        ts(pv.collected_at) if pv.collected_at else None,
        pv.purpose,
        pv.legal_basis,
        ts(c.created_at) if c.created_at else now,
        ts(c.updated_at) if c.updated_at else now,
        ts(c.deleted_at) if c.deleted_at else None,
    )


def contact_row(c: Contact, now: dt.datetime) -> dict[str, Any]:
    row = dict(zip(CONTACT_COLUMNS, contact_values(c, now), strict=True))
    row["account_id"] = c.account_id
    return row


def child_values(c: Contact, ts: Callable[[Any], Any] = _same) -> tuple[list[tuple], ...]:
    """Rows of the child tables (``CHILD_TABLES`` order, ``CHILD_COLUMNS`` each, without
    ``contact_id``); tags are handled by the writer."""
    return (
        [
            (i, e.address, e.address.strip().lower(), e.label, e.preferred)
            for i, e in enumerate(c.emails)
        ],
        [
            (i, p.number, p.e164, digits(p.number), p.label, p.preferred)
            for i, p in enumerate(c.phones)
        ],
        [
            (
                i,
                a.street,
                a.locality,
                fold(a.locality) if a.locality else "",
                a.region,
                a.postal_code,
                a.country,
                fold(a.country) if a.country else "",
                a.po_box,
                a.extended,
                a.label,
                a.preferred,
            )
            for i, a in enumerate(c.addresses)
        ],
        [(i, u.url, u.label, u.preferred) for i, u in enumerate(c.urls)],
        [(i, s.service, s.handle) for i, s in enumerate(c.socials)],
        [(k, v) for k, v in c.custom.items()],
        [(i, line) for i, line in enumerate(c.vcard_extra)],
        [(k.channel, k.granted, ts(k.at) if k.at else None, k.note) for k in c.consents],
    )


def contact_children(c: Contact, contact_id: int) -> dict[str, list[dict[str, Any]]]:
    """Rows of the child tables, keyed by table name (tags are handled by the writer)."""
    return {
        table: [
            {"contact_id": contact_id, **dict(zip(CHILD_COLUMNS[table], row, strict=True))}
            for row in rows
        ]
        for table, rows in zip(CHILD_TABLES, child_values(c), strict=True)
    }


def account_row(a: Account, now: dt.datetime) -> dict[str, Any]:
    return {
        "name": a.name,
        "name_key": fold(a.name),
        "domain": a.domain.lower(),
        "industry": a.industry,
        "owner_id": a.owner_id,
        "source": a.provenance.source,
        "batch_id": a.provenance.batch_id,
        "collected_at": a.provenance.collected_at,
        "purpose": a.provenance.purpose,
        "legal_basis": a.provenance.legal_basis,
        "created_at": a.created_at or now,
        "updated_at": a.updated_at or now,
        "deleted_at": a.deleted_at,
    }


def account_children(a: Account, account_id: int) -> dict[str, list[dict[str, Any]]]:
    return {
        "account_phones": [
            {
                "account_id": account_id,
                "position": i,
                "number": p.number,
                "e164": p.e164,
                "label": p.label,
                "preferred": p.preferred,
            }
            for i, p in enumerate(a.phones)
        ],
        "account_addresses": [
            {
                "account_id": account_id,
                "position": i,
                "street": x.street,
                "locality": x.locality,
                "region": x.region,
                "postal_code": x.postal_code,
                "country": x.country,
                "po_box": x.po_box,
                "extended": x.extended,
                "label": x.label,
                "preferred": x.preferred,
            }
            for i, x in enumerate(a.addresses)
        ],
    }


def note_row(n: Note, now: dt.datetime) -> dict[str, Any]:
    return {
        "contact_id": n.contact_id,
        "account_id": n.account_id,
        "deal_id": n.deal_id,
        "author_id": n.author_id,
        "body": n.body,
        "pinned": n.pinned,
        "created_at": n.created_at or now,
        "updated_at": n.updated_at or now,
    }


def interaction_row(i: Interaction, now: dt.datetime) -> dict[str, Any]:
    return {
        "contact_id": i.contact_id,
        "account_id": i.account_id,
        "deal_id": i.deal_id,
        "task_id": i.task_id,
        "author_id": i.author_id,
        "channel": i.channel,
        "direction": i.direction,
        "occurred_at": i.occurred_at,
        "summary": i.summary,
        "created_at": i.created_at or now,
        "uid": i.uid or None,
    }


def task_row(t: Task, now: dt.datetime) -> dict[str, Any]:
    return {
        "title": t.title,
        "kind": t.kind,
        "due_date": t.due_date,
        "due_time": t.due_time,
        "priority": t.priority,
        "status": t.status,
        "repeat": t.repeat,
        "assignee_id": t.assignee_id,
        "contact_id": t.contact_id,
        "account_id": t.account_id,
        "deal_id": t.deal_id,
        "notes": t.notes,
        "completed_at": t.completed_at,
        "created_at": t.created_at or now,
        "updated_at": t.updated_at or now,
        "uid": t.uid or None,
        "timezone": t.timezone,
        "exdates": ",".join(d.isoformat() for d in t.exdates),
        "duration_seconds": t.duration_seconds,
    }


def deal_row(d: Deal, now: dt.datetime) -> dict[str, Any]:
    return {
        "title": d.title,
        "account_id": d.account_id,
        "contact_id": d.contact_id,
        "value_cents": d.value_cents,
        "currency": d.currency,
        "stage": d.stage,
        "probability": d.probability,
        "expected_close": d.expected_close,
        "status": d.status,
        "owner_id": d.owner_id,
        "closed_at": d.closed_at,
        "created_at": d.created_at or now,
        "updated_at": d.updated_at or now,
        "deleted_at": d.deleted_at,
    }
