"""A contact as a commented, line-based text template for editing in $EDITOR, and back.

Every field is one ``key: value`` line; multi-valued fields repeat the key. A label goes in
brackets after the value and a trailing ``*`` marks the preferred value. Lines starting with
``#`` are ignored. Unknown keys and unreadable values are errors naming the line.
"""

from __future__ import annotations

import re

from rolodex.core.models import Contact, Email, Social, Url
from rolodex.errors import UsageError

_SINGLE = (
    "display_name",
    "prefix",
    "given_name",
    "additional_name",
    "family_name",
    "suffix",
    "nickname",
    "account",
    "title",
    "role",
    "stage",
    "birthday",
    "anniversary",
)
_MULTI = ("email", "phone", "address", "url", "social", "tag")
_VALUE = re.compile(r"^(?P<value>.*?)(?:\s+\[(?P<label>[^\]]*)\])?(?P<pref>\s+\*)?$")

HEADER = """\
# Editing #{id} {name}. Save and quit to apply; quit without saving to cancel.
# One 'key: value' per line; repeat a key for several values; delete a line to remove it.
# A label goes in brackets and a trailing * marks the preferred value:
#     email: ada@example.com [work] *
# address: street; city; region; postal code; country      social: service: handle
# Custom fields: field.NAME: value
"""


def _labelled(value: str, label: str, preferred: bool) -> str:
    out = value
    if label:
        out += f" [{label}]"
    if preferred:
        out += " *"
    return out


def render_template(c: Contact) -> str:
    lines = [HEADER.format(id=c.id, name=c.display_name)]
    singles = {
        "display_name": c.display_name,
        "prefix": c.prefix,
        "given_name": c.given_name,
        "additional_name": c.additional_name,
        "family_name": c.family_name,
        "suffix": c.suffix,
        "nickname": c.nickname,
        "account": c.account or "",
        "title": c.title,
        "role": c.role,
        "stage": c.stage or "",
        "birthday": c.birthday.isoformat() if c.birthday else "",
        "anniversary": c.anniversary.isoformat() if c.anniversary else "",
    }
    for key in _SINGLE:
        lines.append(f"{key}: {singles[key]}".rstrip())
    lines.append("")
    for e in c.emails:
        lines.append("email: " + _labelled(e.address, e.label, e.preferred))
    for p in c.phones:
        lines.append("phone: " + _labelled(p.number, p.label, p.preferred))
    for a in c.addresses:
        value = "; ".join([a.street, a.locality, a.region, a.postal_code, a.country]).rstrip("; ")
        lines.append("address: " + _labelled(value, a.label, a.preferred))
    for u in c.urls:
        lines.append("url: " + _labelled(u.url, u.label, u.preferred))
    for s in c.socials:
        lines.append(f"social: {s.service}: {s.handle}")
    for t in c.tags:
        lines.append(f"tag: {t}")
    for k, v in c.custom.items():
        lines.append(f"field.{k}: {v}")
    return "\n".join(lines) + "\n"


def parse_template(text: str, original: Contact, *, region: str | None) -> Contact:
    """The contact as edited. Raises UsageError naming the first bad line."""
    from rolodex.core.contacts import (
        make_phone,
        normalize_email,
        parse_address,
        parse_partial_date,
        parse_stage,
    )

    c = original.copy()
    c.emails, c.phones, c.addresses, c.urls, c.socials, c.tags, c.custom = (
        [],
        [],
        [],
        [],
        [],
        [],
        {},
    )
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep:
            raise UsageError(f"line {number}: expected 'key: value', got {line[:60]!r}")
        try:
            if key.startswith("field."):
                name = key[len("field.") :].strip()
                if not name:
                    raise UsageError("a custom field needs a name: field.NAME: value")
                c.custom[name] = value
                continue
            if key in _SINGLE:
                if key in seen:
                    raise UsageError(f"{key!r} appears twice")
                seen.add(key)
                if key == "stage":
                    c.stage = parse_stage(value)
                elif key == "birthday":
                    c.birthday = parse_partial_date(value, "birthday")
                elif key == "anniversary":
                    c.anniversary = parse_partial_date(value, "anniversary")
                elif key == "account":
                    c.account = value or None
                else:
                    setattr(c, key, value)
                continue
            if key not in _MULTI:
                known = ", ".join((*_SINGLE, *_MULTI, "field.NAME"))
                raise UsageError(f"unknown field {key!r}; known: {known}")
            if not value:
                continue
            m = _VALUE.match(value)
            assert m is not None
            val, label, pref = m["value"].strip(), (m["label"] or "").strip(), bool(m["pref"])
            if key == "email":
                c.emails.append(Email(normalize_email(val), label, pref))
            elif key == "phone":
                phone = make_phone(val, region, label)
                phone.preferred = pref
                c.phones.append(phone)
            elif key == "address":
                address = parse_address(val)
                address.label, address.preferred = label, pref
                c.addresses.append(address)
            elif key == "url":
                c.urls.append(Url(val, label, pref))
            elif key == "social":
                service, sep2, handle = val.partition(":")
                if not sep2 or not service.strip() or not handle.strip():
                    raise UsageError("write social lines as 'social: service: handle'")
                c.socials.append(Social(service.strip().lower(), handle.strip()))
            elif key == "tag":
                c.tags.append(value)
        except UsageError as exc:
            raise UsageError(f"line {number}: {exc}") from None
    return c
