"""Contacts: add, edit, find, resolve, trash, restore, purge."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rolodex.core.models import (
    STAGES,
    Account,
    Address,
    Contact,
    Email,
    PartialDate,
    Phone,
    Provenance,
    Ref,
    SearchHit,
    Url,
)
from rolodex.core.query import QuerySpec, parse_query
from rolodex.core.text import digits, fold, is_cjk
from rolodex.errors import Ambiguous, ConfigError, Conflict, NotFound, UsageError

if TYPE_CHECKING:
    from rolodex.core.service import Change, Rolodex

# Pragmatic address check: one @, no spaces, a dot in the domain, sane characters.
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]{2,}$")


def normalize_email(text: str) -> str:
    """The address, trimmed; UsageError if it is not an email address."""
    address = text.strip()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    if len(address) > 320 or not _EMAIL.match(address) or ".." in address:
        raise UsageError(f"not an email address: {text!r}")
    return address


def make_phone(number: str, region: str | None, label: str = "") -> Phone:
    """A phone as written, plus its E.164 form when it can be worked out."""
    number = " ".join(number.split())
    if len(digits(number)) < 3 or len(number) > 100:
        raise UsageError(f"not a phone number: {number!r}")
    return Phone(number=number, e164=to_e164(number, region), label=label)


# Phone numbers as people write them: ASCII digits, the usual separators, at most one leading
# "+". For such text phonenumbers.parse depends only on the digits, on the "+" and on the
# region: it finds no extension (that needs letters, "#", "," or ";"), its viability pattern
# accepts any three or more digits among these separators, and it only ever reads the digits
# afterwards. Fewer than three digits may be "not viable" depending on the separators, and
# parse refuses input longer than 250 characters; both are left to phonenumbers.
_SIMPLE_PHONE = re.compile(r"\+?[0-9 ().\-]{3,250}")
_NSN_MIN, _NSN_MAX = 2, 17  # bounds of a national significant number in phonenumbers


class _Unsure(Exception):
    """The fast path cannot reproduce phonenumbers for this number: ask phonenumbers."""


class _NoNumber(Exception):
    """phonenumbers.parse would raise NumberParseException."""


def check_region(region: str | None) -> None:
    """ConfigError when the default region for phone numbers is not one phonenumbers knows:
    a typo in ROLODEX_REGION would otherwise leave every national number without E.164."""
    if region is None:
        return
    import phonenumbers

    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(
            f"region {region!r} (ROLODEX_REGION or 'region' in the config) is not a country "
            "that phone numbers are read for; use a two-letter code such as US, GB or DE"
        )


def to_e164(number: str, region: str | None) -> str | None:
    """The E.164 form of a phone number as written (national numbers read for ``region``), or
    None when it cannot be a number. What phonenumbers says; numbers written with plain
    separators are worked out from its metadata without a full parse, which costs ~20 µs: most
    of an import's time for phones."""
    if _SIMPLE_PHONE.fullmatch(number):
        plain = digits(number)
        if len(plain) >= 3:
            try:
                return _e164_of_digits(plain, number[0] == "+", region)
            except _NoNumber:
                return None
            except _Unsure:
                pass
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _e164_of_digits(plain: str, plus: bool, region: str | None) -> str | None:
    """phonenumbers.parse, is_possible_number and E.164 formatting for a number given as its
    digits (three or more) and whether it was written with a leading "+", read for ``region``.
    Raises _NoNumber where parse raises, _Unsure where phonenumbers does something this does
    not reproduce (including regions it does not know)."""
    home = None if region is None else _REGION_NUMBERING.get(region) or _region_numbering(region)
    if plus:
        # "+" and a known calling code; otherwise parse reads the digits again as if written
        # without the "+".
        code = _CODE_OF_PREFIX.get(plain[:3]) or _calling_code_of(plain)
        if code:
            national = plain[len(str(code)) :]
        else:
            code, national = _calling_code_without_plus(plain, home)
            if code == 0:
                raise _NoNumber
    elif home is None:
        raise _NoNumber  # no "+" and no region to read the number for
    else:
        code, national = _calling_code_without_plus(plain, home)
    if code == 0:
        # A national number of the region: its own national prefix, the lengths of the main
        # region of its calling code.
        assert home is not None
        numbering, code, national = home, home.code, plain
        main = _CODE_NUMBERING.get(code) or _code_numbering(code)
    else:
        numbering = main = _CODE_NUMBERING.get(code) or _code_numbering(code)
    if len(national) < _NSN_MIN:
        raise _NoNumber
    # The national prefix ("0", "1", …) is dropped when what is left has a possible length.
    stripped = _strip_national_prefix(national, numbering)
    if stripped is not national and numbering.verdicts[len(stripped)] in (_POSSIBLE, _TOO_LONG):
        national = stripped
    if len(national) > _NSN_MAX:
        raise _NoNumber
    if main.verdicts[len(national)] in (_POSSIBLE, _LOCAL_ONLY):  # is_possible_number
        return f"+{code}{national}"
    return None


def _calling_code_without_plus(plain: str, home: _Numbering | None) -> tuple[int, str]:
    """(calling code, national number) of digits written without "+": after the region's
    international prefix ("00", "011", …), or the region's own calling code written without
    "+" when that reads better; (0, "") for a national number."""
    if home is None:
        return 0, ""
    match = home.international_prefix.match(plain)
    if match and plain[match.end() : match.end() + 1] != "0":  # calling codes never start with 0
        rest = plain[match.end() :]
        if len(rest) <= _NSN_MIN:
            raise _NoNumber
        code = _CODE_OF_PREFIX.get(rest[:3]) or _calling_code_of(rest)
        if not code:
            raise _NoNumber
        return code, rest[len(str(code)) :]
    if plain.startswith(home.code_text):
        national = _strip_national_prefix(plain[len(home.code_text) :], home)
        if (
            not _matches_general(plain, home) and _matches_general(national, home)
        ) or home.verdicts[len(plain)] == _TOO_LONG:
            return home.code, national
    return 0, ""


def _strip_national_prefix(national: str, numbering: _Numbering) -> str:
    """The number without the national prefix (and carrier code) phonenumbers strips from it;
    the very same string when it strips none."""
    prefix = numbering.national_prefix
    match = prefix.match(national) if prefix is not None and national else None
    if not match:
        return national
    if numbering.transforms and (not match.groups() or match.groups()[-1] is not None):
        raise _Unsure  # the prefix is rewritten, not just dropped
    rest = national[match.end() :]
    if _matches_general(national, numbering) and not _matches_general(rest, numbering):
        return national
    return rest


def _matches_general(national: str, numbering: _Numbering) -> bool:
    pattern = numbering.general_pattern
    return pattern is not None and pattern.fullmatch(national) is not None


# phonenumbers' ValidationResult for lengths, as _test_number_length works it out.
_LOCAL_ONLY, _POSSIBLE, _TOO_SHORT, _TOO_LONG, _INVALID_LENGTH = range(5)


def _length_verdict(size: int, lengths: Sequence[int], local_lengths: Sequence[int]) -> int:
    if size in local_lengths:
        return _LOCAL_ONLY
    if lengths[0] == size:
        return _POSSIBLE
    if lengths[0] > size:
        return _TOO_SHORT
    if lengths[-1] < size:
        return _TOO_LONG
    return _POSSIBLE if size in lengths[1:] else _INVALID_LENGTH


class _Numbering:
    """What parsing needs from phonenumbers' metadata for one region or calling code."""

    __slots__ = (
        "code",
        "code_text",
        "general_pattern",
        "international_prefix",
        "national_prefix",
        "transforms",
        "verdicts",
    )

    def __init__(self, meta: object) -> None:
        general = getattr(meta, "general_desc", None)
        if general is None or not general.possible_length:
            raise _Unsure
        self.code: int = meta.country_code  # type: ignore[attr-defined]
        self.code_text = str(self.code)
        pattern = general.national_number_pattern
        self.general_pattern = re.compile(pattern) if pattern else None
        # Without an international prefix a region recognises none.
        self.international_prefix = re.compile(meta.international_prefix or "(?!)")  # type: ignore[attr-defined]
        strip = meta.national_prefix_for_parsing  # type: ignore[attr-defined]
        self.national_prefix = re.compile(strip) if strip else None
        self.transforms = bool(meta.national_prefix_transform_rule)  # type: ignore[attr-defined]
        # The length verdict of every number the fast path can see (it has at most 250 digits).
        lengths = tuple(general.possible_length)
        local_lengths = tuple(general.possible_length_local_only or ())
        self.verdicts = tuple(_length_verdict(n, lengths, local_lengths) for n in range(251))


_REGION_NUMBERING: dict[str, _Numbering] = {}
_CODE_NUMBERING: dict[int, _Numbering] = {}
# Every three-digit string that starts with a calling code, to that code (the shorter code
# where two match, as phonenumbers tries one, two, then three digits).
_CODE_OF_PREFIX: dict[str, int] = {}


def _region_numbering(region: str) -> _Numbering:
    import phonenumbers

    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise _Unsure
    numbering = _Numbering(phonenumbers.PhoneMetadata.metadata_for_region(region))
    _REGION_NUMBERING[region] = numbering
    return numbering


def _code_numbering(code: int) -> _Numbering:
    """The numbering of the main region of a calling code: the one parse switches to and
    is_possible_number checks lengths against."""
    import phonenumbers

    main = phonenumbers.region_code_for_country_code(code)
    numbering = _Numbering(
        phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, main)
    )
    _CODE_NUMBERING[code] = numbering
    return numbering


def _calling_code_of(plain: str) -> int:
    """The calling code at the start of three or more digits, 0 for none."""
    if not _CODE_OF_PREFIX:
        import phonenumbers

        known = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
        for n in range(1000):
            text = f"{n:03d}"
            if text[0] != "0":  # calling codes never start with 0
                for size in (1, 2, 3):
                    if int(text[:size]) in known:
                        _CODE_OF_PREFIX[text] = int(text[:size])
                        break
    return _CODE_OF_PREFIX.get(plain[:3], 0)


def split_name(name: str) -> tuple[str, str]:
    """(given, family) from a full name: "Lovelace, Ada", "Ada Lovelace", "李芳" (family first)."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return given.strip(), family.strip()
    if " " not in name:
        if 2 <= len(name) <= 4 and all(is_cjk(ch) for ch in name):
            return name[1:], name[0]
        return name, ""
    given, _, family = name.rpartition(" ")
    return given, family


def display_name_of(c: Contact) -> str:
    if c.display_name.strip():
        return c.display_name.strip()
    if c.given_name and c.family_name and all(is_cjk(ch) for ch in c.family_name + c.given_name):
        return c.family_name + c.given_name
    parts = [c.prefix, c.given_name, c.additional_name, c.family_name, c.suffix]
    name = " ".join(p for p in parts if p)
    if name:
        return name
    if c.nickname:
        return c.nickname
    if c.emails:
        return c.emails[0].address
    # An organisation's own entry (Outlook's company contacts), or just a number from a
    # phone's export: named as address books show them.
    if c.account and c.account.strip():
        return " ".join(c.account.split())
    if c.phones:
        return c.phones[0].number.strip()
    return ""


def parse_stage(text: str) -> str | None:
    value = text.strip().lower()
    if not value:
        return None
    if value not in STAGES:
        raise UsageError(f"unknown stage {text!r}; stages: {', '.join(STAGES)}")
    return value


def parse_partial_date(text: str, what: str) -> PartialDate | None:
    value = text.strip()
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError:
        pass
    import datetime as dt

    from rolodex.core.dates import parse_date

    try:
        d = parse_date(value, today=dt.date.today())
    except UsageError:
        raise UsageError(f"cannot read {what} {text!r}: use YYYY-MM-DD or --MM-DD") from None
    return PartialDate(year=d.year, month=d.month, day=d.day)


def parse_address(text: str) -> Address:
    """``street; city; region; postal code; country`` (trailing parts may be left out)."""
    parts = [p.strip() for p in text.split(";")]
    if len(parts) > 5 or not any(parts):
        raise UsageError(
            f"cannot read address {text!r}: use 'street; city; region; postal code; country'"
        )
    parts += [""] * (5 - len(parts))
    return Address(
        street=parts[0],
        locality=parts[1],
        region=parts[2],
        postal_code=parts[3],
        country=parts[4],
    )


@dataclass
class ContactChanges:
    """What a user asked to set or change; ``None`` leaves a field alone, ``""`` clears it."""

    name: str | None = None
    display_name: str | None = None
    prefix: str | None = None
    given_name: str | None = None
    additional_name: str | None = None
    family_name: str | None = None
    suffix: str | None = None
    nickname: str | None = None
    title: str | None = None
    role: str | None = None
    account: str | None = None
    stage: str | None = None
    birthday: str | None = None
    anniversary: str | None = None
    uid: str | None = None
    add_emails: list[str] = field(default_factory=list)
    rm_emails: list[str] = field(default_factory=list)
    add_phones: list[str] = field(default_factory=list)
    rm_phones: list[str] = field(default_factory=list)
    add_tags: list[str] = field(default_factory=list)
    rm_tags: list[str] = field(default_factory=list)
    add_urls: list[str] = field(default_factory=list)
    rm_urls: list[str] = field(default_factory=list)
    add_addresses: list[str] = field(default_factory=list)
    set_custom: dict[str, str] = field(default_factory=dict)
    unset_custom: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return all(
            not getattr(self, f.name) and getattr(self, f.name) != ""
            for f in dataclasses.fields(self)
        )


def edit_tags(tags: list[str], add: list[str], remove: list[str], *, owner: str) -> list[str]:
    """Tags after removing and adding (case-insensitive; removing a missing tag is an error)."""
    tags = list(tags)
    for text in remove:
        key = fold(text.strip().lstrip("#"))
        if not any(fold(t) == key for t in tags):
            raise NotFound(f"{owner} has no tag {text!r}")
        tags = [t for t in tags if fold(t) != key]
    for text in add:
        tag = _clean_tag(text)
        if not any(fold(t) == fold(tag) for t in tags):
            tags.append(tag)
    return tags


def _refuse_taken(
    ch: Change, emails: Iterable[Email], phones: Iterable[Phone], me: int | None, what: str
) -> None:
    """Conflict when another contact than ``me`` has one of these emails or phones."""
    for e in emails:
        same = [r for r in ch.w.contacts_with_email(e.address) if r.id != me]
        if same:
            raise Conflict(
                f"{e.address} already belongs to #{same[0].id} {same[0].display_name}; "
                f"use --force to {what}"
            )
    for p in phones:
        same = [r for r in ch.w.contacts_with_phones([p.e164]) if r.id != me] if p.e164 else []
        if same:
            raise Conflict(
                f"{p.number} already belongs to #{same[0].id} {same[0].display_name}; "
                f"use --force to {what}"
            )


def _clean_tag(tag: str) -> str:
    tag = tag.strip().lstrip("#").strip()
    if not tag or len(tag) > 100 or any(ch in tag for ch in ",\n\r\t"):
        raise UsageError(f"not a tag: {tag!r} (tags are short words, without commas)")
    return tag


class ContactService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    # ------------------------------------------------------------------ reading
    def resolve(self, ref: str, *, include_trashed: bool = False, session=None) -> Ref:
        """The one contact a reference means: id, UID, email, or a unique name fragment."""
        if session is None:
            with self.rx.reading() as r:
                return self.resolve(ref, include_trashed=include_trashed, session=r)
        found = session.contact_candidates(ref, include_trashed=include_trashed)
        if not found:
            where = "" if include_trashed else " (the trash is not searched; see 'rolodex trash')"
            raise NotFound(f"no contact matches {ref!r}{where}")
        if len(found) > 1:
            raise Ambiguous(ref, [f"#{c.id} {c.display_name}" for c in found])
        return found[0]

    def get(self, ref: str, *, include_trashed: bool = False) -> Contact:
        with self.rx.reading() as r:
            cref = self.resolve(ref, include_trashed=include_trashed, session=r)
            contact = r.get_contact(cref.id)
        assert contact is not None
        return contact

    def list(self, query: str = "", *, limit: int | None = None, offset: int = 0) -> list[Contact]:
        spec = self.parse(query)
        with self.rx.reading() as r:
            return r.contacts_by_ids(r.find_contact_ids(spec, limit=limit, offset=offset))

    def iter(self, query: str = "") -> Iterator[Contact]:
        """Every matching contact, streamed in batches. The query is checked at once, before
        the first contact is asked for."""
        spec = self.parse(query)

        def stream() -> Iterator[Contact]:
            with self.rx.reading() as r:
                yield from r.iter_contacts(spec)

        return stream()

    def count(self, query: str = "") -> int:
        spec = self.parse(query)
        with self.rx.reading() as r:
            return r.count_contacts(spec)

    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        with self.rx.reading() as r:
            return r.search(text, limit=limit)

    def email_matches(self, text: str, *, limit: int = 200) -> list[tuple[str, str, str]]:
        """(address, name, account) for address completion in mail clients."""
        with self.rx.reading() as r:
            return r.email_matches(text, limit=limit)

    def parse(self, query: str) -> QuerySpec:
        """A query, with ``@name`` standing for a saved search."""
        text = query.strip()
        if text.startswith("@") and " " not in text and len(text) > 1:
            saved = self.rx.searches.get(text[1:])
            text = saved.query
        return parse_query(text)

    def trash(self) -> list[Contact]:
        with self.rx.reading() as r:
            return r.trashed_contacts()

    # ------------------------------------------------------------------ writing
    def add(
        self, changes: ContactChanges, *, force: bool = False, source: str = "manual"
    ) -> Contact:
        contact = Contact(provenance=Provenance(source=source, collected_at=self.rx.now()))
        with self.rx.change() as ch:
            self._apply(ch, contact, changes)
            if not contact.display_name:
                raise UsageError("a contact needs a name, an email address or a phone number")
            contact.uid = contact.uid or str(uuid.uuid4())
            if ch.w.uid_exists(contact.uid) is not None:
                raise Conflict(f"a contact with UID {contact.uid!r} already exists")
            if not force:
                _refuse_taken(
                    ch, contact.emails, contact.phones, None, "add another contact with it"
                )
            contact.id = ch.w.put_contact(contact)
            saved = ch.w.get_contact(contact.id)
            assert saved is not None
            ch.record(
                "create",
                "contact",
                saved.id,
                f"added contact {saved.display_name}",
                after=saved.to_dict(),
                contact_id=saved.id,
            )
        return saved

    def edit(self, ref: str, changes: ContactChanges, *, force: bool = False) -> Contact:
        """Apply ``changes``; an email or phone it adds that another contact has is refused
        (Conflict) unless ``force``, as when adding a contact."""
        with self.rx.change() as ch:
            cref = self.resolve(ref, session=ch.w)

            def apply(c: Contact) -> None:
                had_emails = {e.address.lower() for e in c.emails}
                had_phones = {p.e164 for p in c.phones}
                self._apply(ch, c, changes)
                if not force:
                    new_emails = [e for e in c.emails if e.address.lower() not in had_emails]
                    new_phones = [p for p in c.phones if p.e164 not in had_phones]
                    _refuse_taken(
                        ch, new_emails, new_phones, c.id, "add it to this contact as well"
                    )

            return self.save(ch, cref.id, apply)

    def template(self, ref: str) -> tuple[int, str]:
        """A contact as editable text (see ``core.template``)."""
        from rolodex.core.template import render_template

        contact = self.get(ref)
        assert contact.id is not None
        return contact.id, render_template(contact)

    def apply_template(self, contact_id: int, text: str) -> Contact:
        """Store the contact as edited in its template."""
        from rolodex.core.template import parse_template

        with self.rx.reading() as r:
            original = r.get_contact(contact_id)
        if original is None:
            raise NotFound(f"no contact #{contact_id}")
        return self.replace(
            contact_id, parse_template(text, original, region=self.rx.settings.region)
        )

    def replace(self, contact_id: int, edited: Contact) -> Contact:
        """Store an edited copy of a contact (from the editor template)."""
        with self.rx.change() as ch:

            def apply(c: Contact) -> None:
                had = set(c.tags)
                for f in dataclasses.fields(Contact):
                    if f.name not in ("id", "created_at", "updated_at", "deleted_at", "account"):
                        setattr(c, f.name, getattr(edited, f.name))
                if edited.account != c.account:
                    c.account_id = self._account_id(ch, edited.account or "")
                self._validate(c, had)

            return self.save(ch, contact_id, apply)

    def save(self, ch: Change, contact_id: int, apply) -> Contact:
        """Load a contact, let ``apply`` change it, store and journal the difference."""
        before = ch.w.get_contact(contact_id)
        if before is None:
            raise NotFound(f"no contact #{contact_id}")
        contact = before.copy()
        apply(contact)
        contact.display_name = display_name_of(contact)
        if not contact.display_name:
            raise UsageError("a contact needs a name, an email address or a phone number")
        if contact.to_dict() == before.to_dict():
            return before
        contact.updated_at = ch.now
        ch.w.put_contact(contact)
        after = ch.w.get_contact(contact_id)
        assert after is not None
        ch.record(
            "update",
            "contact",
            contact_id,
            f"edited contact {after.display_name}",
            before=before.to_dict(),
            after=after.to_dict(),
            contact_id=contact_id,
        )
        return after

    def remove(self, ref: str) -> Contact:
        """Move a contact to the trash (``restore`` brings it back, ``undo`` too)."""
        with self.rx.change() as ch:
            cref = self.resolve(ref, session=ch.w)
            contact = ch.w.get_contact(cref.id)
            assert contact is not None
            before = contact.to_dict()
            contact.deleted_at = ch.now
            ch.w.put_contact(contact)
            ch.record(
                "delete",
                "contact",
                contact.id,
                f"moved {contact.display_name} to the trash",
                before=before,
                after=contact.to_dict(),
                contact_id=contact.id,
            )
        return contact

    def restore(self, ref: str) -> Contact:
        with self.rx.change() as ch:
            found = [
                c
                for c in ch.w.contact_candidates(ref, include_trashed=True)
                if (x := ch.w.get_contact(c.id)) is not None and x.deleted_at is not None
            ]
            if not found:
                raise NotFound(f"no contact in the trash matches {ref!r}")
            if len(found) > 1:
                raise Ambiguous(ref, [f"#{c.id} {c.display_name}" for c in found])
            contact = ch.w.get_contact(found[0].id)
            assert contact is not None
            before = contact.to_dict()
            contact.deleted_at = None
            ch.w.put_contact(contact)
            ch.record(
                "restore",
                "contact",
                contact.id,
                f"restored {contact.display_name}",
                before=before,
                after=contact.to_dict(),
                contact_id=contact.id,
            )
        return contact

    def empty_trash(self) -> tuple[int, int]:
        """Delete every contact and account in the trash for good, contacts with their notes,
        interactions and tasks. Journalled: ``undo`` brings them all back.
        Returns (contacts, accounts) deleted."""
        with self.rx.change() as ch:
            trashed = ch.w.trashed_contacts()
            for contact in trashed:
                self.purge(ch, contact)
            accounts = ch.w.accounts_by_ids(ch.w.find_account_ids(trashed=True))
            for account in accounts:
                self.rx.accounts.purge(ch, account)
        return len(trashed), len(accounts)

    def purge(self, ch: Change, contact: Contact) -> None:
        cid = contact.id
        assert cid is not None
        for note in ch.w.notes_of_contact(cid):
            ch.record(
                "purge", "note", note.id, "deleted note", before=note.to_dict(), contact_id=cid
            )
        for i in ch.w.interactions_of_contact(cid):
            ch.record(
                "purge",
                "interaction",
                i.id,
                f"deleted {i.channel}",
                before=i.to_dict(),
                contact_id=cid,
            )
        from rolodex.core.models import task_snapshot

        for tid in ch.w.task_ids_of_contact(cid):
            t = ch.w.get_task(tid)
            assert t is not None
            ch.record(
                "purge",
                "task",
                tid,
                f"deleted task {t.title}",
                before=task_snapshot(t),
                contact_id=cid,
            )
        for deal in ch.w.deals_of_contact(cid):
            before = deal.to_dict()
            deal.contact_id = None
            ch.w.put_deal(deal)
            ch.record(
                "update",
                "deal",
                deal.id,
                f"unlinked deal {deal.title}",
                before=before,
                after=deal.to_dict(),
                contact_id=cid,
            )
        ch.w.delete_contact(cid)
        ch.record(
            "purge",
            "contact",
            cid,
            f"deleted {contact.display_name} for good",
            before=contact.to_dict(),
            contact_id=cid,
        )

    # ------------------------------------------------------------------ applying changes
    def _account_id(self, ch: Change, name: str) -> int | None:
        name = name.strip()
        if not name:
            return None
        found = ch.w.account_id_by_name(name)
        if found is not None:
            return found
        account = Account(name=name, provenance=Provenance(source="manual"))
        account.id = ch.w.put_account(account)
        saved = ch.w.get_account(account.id)
        assert saved is not None
        ch.record("create", "account", saved.id, f"added account {name}", after=saved.to_dict())
        return saved.id

    def _apply(self, ch: Change, c: Contact, x: ContactChanges) -> None:
        region = self.rx.settings.region
        had = set(c.tags)
        if x.name is not None:
            given, family = split_name(x.name)
            c.given_name, c.family_name = given, family
            # "Lovelace, Ada" is how it was filed, not how the name reads.
            c.display_name = "" if "," in x.name else " ".join(x.name.split())
        for attr in (
            "prefix",
            "given_name",
            "additional_name",
            "family_name",
            "suffix",
            "nickname",
            "title",
            "role",
        ):
            value = getattr(x, attr)
            if value is not None:
                setattr(c, attr, value.strip())
                if x.name is None and attr in ("given_name", "family_name", "prefix", "suffix"):
                    c.display_name = ""  # recomputed from the parts
        if x.display_name is not None:
            c.display_name = x.display_name.strip()
        if x.uid is not None:
            c.uid = x.uid.strip()
        if x.stage is not None:
            c.stage = parse_stage(x.stage)
        if x.birthday is not None:
            c.birthday = parse_partial_date(x.birthday, "birthday")
        if x.anniversary is not None:
            c.anniversary = parse_partial_date(x.anniversary, "anniversary")
        if x.account is not None:
            c.account_id = self._account_id(ch, x.account)
        for text in x.rm_emails:
            key = text.strip().lower()
            if not any(e.address.lower() == key for e in c.emails):
                raise NotFound(f"{c.display_name} has no email {text!r}")
            c.emails = [e for e in c.emails if e.address.lower() != key]
        for text in x.add_emails:
            address = normalize_email(text)
            if not any(e.address.lower() == address.lower() for e in c.emails):
                c.emails.append(Email(address=address, preferred=not c.emails))
        for text in x.rm_phones:
            d = digits(text)
            kept = [p for p in c.phones if digits(p.number) != d and digits(p.e164 or "") != d]
            if len(kept) == len(c.phones):
                raise NotFound(f"{c.display_name} has no phone {text!r}")
            c.phones = kept
        if x.add_phones:
            check_region(region)
        for text in x.add_phones:
            phone = make_phone(text, region)
            if not any(digits(p.number) == digits(phone.number) for p in c.phones):
                phone.preferred = not c.phones
                c.phones.append(phone)
        c.tags = edit_tags(c.tags, x.add_tags, x.rm_tags, owner=c.display_name)
        for text in x.rm_urls:
            kept = [u for u in c.urls if u.url != text.strip()]
            if len(kept) == len(c.urls):
                raise NotFound(f"{c.display_name} has no URL {text!r}")
            c.urls = kept
        for text in x.add_urls:
            url = text.strip()
            if not url or any(ch.isspace() for ch in url):
                raise UsageError(f"not a URL: {text!r}")
            if not any(u.url == url for u in c.urls):
                c.urls.append(Url(url=url, preferred=not c.urls))
        for text in x.add_addresses:
            address = parse_address(text)
            address.preferred = not c.addresses
            c.addresses.append(address)
        for key in x.unset_custom:
            if key not in c.custom:
                raise NotFound(f"{c.display_name} has no field {key!r}")
            del c.custom[key]
        for key, value in x.set_custom.items():
            if not key.strip() or len(key) > 200:
                raise UsageError(f"not a field name: {key!r}")
            c.custom[key.strip()] = value
        c.display_name = display_name_of(c)
        self._validate(c, had)

    def _validate(self, c: Contact, had: set[str] | frozenset[str] = frozenset()) -> None:
        """Check what an edit sets. Tags the contact ``had`` are not checked again: an
        imported category may hold what a typed tag may not (a comma, say), and editing
        something else must not fail because of it."""
        if c.stage is not None:
            c.stage = parse_stage(c.stage)
        for e in c.emails:
            e.address = normalize_email(e.address)
        for t in c.tags:
            if t not in had:
                _clean_tag(t)


def refs_text(refs: Sequence[Ref]) -> str:
    return ", ".join(f"#{r.id} {r.display_name}" for r in refs)
