"""Domain objects -> row dicts for the tables in ``tables.py`` (reads are in ``reader.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rolodex.core.models import Account, Contact, Deal, Interaction, Note, Task
from rolodex.core.text import digits, fold


def contact_row(c: Contact, now: dt.datetime) -> dict[str, Any]:
    names = " ".join(
        p for p in (c.display_name, c.given_name, c.additional_name, c.family_name, c.nickname) if p
    )
    return {
        "uid": c.uid,
        "prefix": c.prefix,
        "given_name": c.given_name,
        "additional_name": c.additional_name,
        "family_name": c.family_name,
        "suffix": c.suffix,
        "display_name": c.display_name,
        "sort_key": fold(c.display_name),
        "name_key": fold(names),
        "nickname": c.nickname,
        "title": c.title,
        "title_key": fold(c.title),
        "role": c.role,
        "account_id": c.account_id,
        "birthday": c.birthday.isoformat() if c.birthday else None,
        "birthday_md": f"{c.birthday.month:02d}-{c.birthday.day:02d}" if c.birthday else None,
        "anniversary": c.anniversary.isoformat() if c.anniversary else None,
        "stage": c.stage,
        "owner_id": c.owner_id,
        "photo": c.photo,
        "source": c.provenance.source,
        "batch_id": c.provenance.batch_id,
        "collected_at": c.provenance.collected_at,
        "purpose": c.provenance.purpose,
        "legal_basis": c.provenance.legal_basis,
        "created_at": c.created_at or now,
        "updated_at": c.updated_at or now,
        "deleted_at": c.deleted_at,
    }


def contact_children(c: Contact, contact_id: int) -> dict[str, list[dict[str, Any]]]:
    """Rows of the child tables, keyed by table name (tags are handled by the writer)."""
    return {
        "contact_emails": [
            {
                "contact_id": contact_id,
                "position": i,
                "address": e.address,
                "address_key": e.address.strip().lower(),
                "label": e.label,
                "preferred": e.preferred,
            }
            for i, e in enumerate(c.emails)
        ],
        "contact_phones": [
            {
                "contact_id": contact_id,
                "position": i,
                "number": p.number,
                "e164": p.e164,
                "digits": digits(p.number),
                "label": p.label,
                "preferred": p.preferred,
            }
            for i, p in enumerate(c.phones)
        ],
        "contact_addresses": [
            {
                "contact_id": contact_id,
                "position": i,
                "street": a.street,
                "locality": a.locality,
                "locality_key": fold(a.locality),
                "region": a.region,
                "postal_code": a.postal_code,
                "country": a.country,
                "country_key": fold(a.country),
                "po_box": a.po_box,
                "extended": a.extended,
                "label": a.label,
                "preferred": a.preferred,
            }
            for i, a in enumerate(c.addresses)
        ],
        "contact_urls": [
            {
                "contact_id": contact_id,
                "position": i,
                "url": u.url,
                "label": u.label,
                "preferred": u.preferred,
            }
            for i, u in enumerate(c.urls)
        ],
        "contact_socials": [
            {"contact_id": contact_id, "position": i, "service": s.service, "handle": s.handle}
            for i, s in enumerate(c.socials)
        ],
        "custom_fields": [
            {"contact_id": contact_id, "name": k, "value": v} for k, v in c.custom.items()
        ],
        "vcard_extras": [
            {"contact_id": contact_id, "position": i, "line": line}
            for i, line in enumerate(c.vcard_extra)
        ],
        "consents": [
            {
                "contact_id": contact_id,
                "channel": k.channel,
                "granted": k.granted,
                "at": k.at,
                "note": k.note,
            }
            for k in c.consents
        ],
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
