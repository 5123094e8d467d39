"""Accounts (companies, organisations): add, edit, find, trash, restore."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rolodex.core.contacts import edit_tags, make_phone, parse_address
from rolodex.core.models import Account, Contact, Note, Provenance, Ref, account_from_dict
from rolodex.core.text import fold
from rolodex.errors import Ambiguous, Conflict, NotFound, UsageError

if TYPE_CHECKING:
    from rolodex.core.ports import ReadSession
    from rolodex.core.service import Change, Rolodex


@dataclass
class AccountChanges:
    name: str | None = None
    domain: str | None = None
    industry: str | None = None
    add_phones: list[str] = field(default_factory=list)
    add_addresses: list[str] = field(default_factory=list)
    add_tags: list[str] = field(default_factory=list)
    rm_tags: list[str] = field(default_factory=list)


def _domain(text: str) -> str:
    value = text.strip().lower()
    for prefix in ("https://", "http://"):
        value = value.removeprefix(prefix)
    value = value.removeprefix("www.").rstrip("/")
    if value and ("." not in value or any(ch.isspace() or ch in "/@" for ch in value)):
        raise UsageError(f"not a domain: {text!r} (e.g. example.com)")
    return value


class AccountService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    def resolve(
        self, ref: str, *, include_trashed: bool = False, session: ReadSession | None = None
    ) -> Ref:
        if session is None:
            with self.rx.reading() as r:
                return self.resolve(ref, include_trashed=include_trashed, session=r)
        found = session.account_candidates(ref, include_trashed=include_trashed)
        if not found:
            raise NotFound(f"no account matches {ref!r}")
        if len(found) > 1:
            raise Ambiguous(ref, [f"#{a.id} {a.display_name}" for a in found])
        return found[0]

    def get(self, ref: str) -> tuple[Account, list[Contact]]:
        """An account and its (active) contacts."""
        with self.rx.reading() as r:
            aref = self.resolve(ref, include_trashed=True, session=r)
            account = r.get_account(aref.id)
            assert account is not None
            contacts = [
                c
                for c in r.contacts_by_ids(r.contact_ids_of_account(aref.id))
                if c.deleted_at is None
            ]
        return account, contacts

    def notes(self, account_id: int) -> list[Note]:
        """The account's own notes (an organisation card's NOTE, say), oldest first."""
        with self.rx.reading() as r:
            return r.notes_of_account(account_id)

    def list(self, text: str = "", *, trashed: bool = False) -> list[Account]:
        with self.rx.reading() as r:
            return r.accounts_by_ids(r.find_account_ids(text, trashed=trashed))

    def add(self, name: str, changes: AccountChanges | None = None) -> Account:
        name = " ".join(name.split())
        if not name:
            raise UsageError("an account needs a name")
        account = Account(name=name, provenance=Provenance(source="manual"))
        with self.rx.change() as ch:
            if ch.w.account_id_by_name(name) is not None:
                raise Conflict(f"an account named {name!r} already exists")
            self._apply(account, changes or AccountChanges())
            account.id = ch.w.put_account(account)
            saved = ch.w.get_account(account.id)
            assert saved is not None
            ch.record("create", "account", saved.id, f"added account {name}", after=saved.to_dict())
        return saved

    def edit(self, ref: str, changes: AccountChanges) -> Account:
        with self.rx.change() as ch:
            aref = self.resolve(ref, session=ch.w)
            before = ch.w.get_account(aref.id)
            assert before is not None
            account = account_from_dict(before.to_dict())
            if changes.name is not None and fold(changes.name) != fold(before.name):
                other = ch.w.account_id_by_name(changes.name)
                if other is not None and other != aref.id:
                    raise Conflict(f"an account named {changes.name.strip()!r} already exists")
            self._apply(account, changes)
            if account.to_dict() == before.to_dict():
                return before
            account.updated_at = ch.now
            ch.w.put_account(account)
            after = ch.w.get_account(aref.id)
            assert after is not None
            ch.record(
                "update",
                "account",
                aref.id,
                f"edited account {after.name}",
                before=before.to_dict(),
                after=after.to_dict(),
            )
        return after

    def remove(self, ref: str) -> Account:
        return self._set_deleted(ref, trash=True)

    def restore(self, ref: str) -> Account:
        return self._set_deleted(ref, trash=False)

    def _set_deleted(self, ref: str, *, trash: bool) -> Account:
        with self.rx.change() as ch:
            found = [
                a
                for a in ch.w.account_candidates(ref, include_trashed=not trash)
                if (x := ch.w.get_account(a.id)) is not None and (x.deleted_at is None) == trash
            ]
            if not found:
                where = "" if trash else " in the trash"
                raise NotFound(f"no account{where} matches {ref!r}")
            if len(found) > 1:
                raise Ambiguous(ref, [f"#{a.id} {a.display_name}" for a in found])
            account = ch.w.get_account(found[0].id)
            assert account is not None
            before = account.to_dict()
            account.deleted_at = ch.now if trash else None
            ch.w.put_account(account)
            verb = "moved account {} to the trash" if trash else "restored account {}"
            ch.record(
                "delete" if trash else "restore",
                "account",
                account.id,
                verb.format(account.name),
                before=before,
                after=account.to_dict(),
            )
        return account

    def purge(self, ch: Change, account: Account) -> None:
        """Delete a (trashed) account for good; its contacts stay, without the link."""
        assert account.id is not None
        for contact in ch.w.contacts_by_ids(ch.w.contact_ids_of_account(account.id)):
            self.rx.contacts.save(ch, contact.id, lambda c: setattr(c, "account_id", None))
        ch.w.delete_account(account.id)
        ch.record(
            "purge",
            "account",
            account.id,
            f"deleted account {account.name} for good",
            before=account.to_dict(),
        )

    def _apply(self, a: Account, x: AccountChanges) -> None:
        if x.name is not None:
            a.name = " ".join(x.name.split())
            if not a.name:
                raise UsageError("an account needs a name")
        if x.domain is not None:
            a.domain = _domain(x.domain)
        if x.industry is not None:
            a.industry = x.industry.strip()
        for text in x.add_phones:
            phone = make_phone(text, self.rx.settings.region)
            phone.preferred = not a.phones
            a.phones.append(phone)
        for text in x.add_addresses:
            address = parse_address(text)
            address.preferred = not a.addresses
            a.addresses.append(address)
        a.tags = edit_tags(a.tags, x.add_tags, x.rm_tags, owner=a.name)
