"""The schema: SQLModel tables for the whole domain.

Alembic migrations in ``migrations/versions`` are the history of this file; a test checks that
the migrated schema and these tables agree. Columns ending in ``_key`` hold a folded
(case- and accent-free) copy of a value, written by ``mapping.py``, so that filters can use a
plain, dialect-neutral ``LIKE`` on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata


def _fk(target: str, *, ondelete: str = "CASCADE", index: bool = True, nullable: bool = False):
    return Field(
        default=None if nullable else ...,
        sa_column=Column(
            Integer, ForeignKey(target, ondelete=ondelete), index=index, nullable=nullable
        ),
    )


def _text(nullable: bool = False):
    return Field(default=None if nullable else "", sa_column=Column(Text, nullable=nullable))


class UserRow(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    email: str = Field(default="", max_length=320)
    created_at: dt.datetime


class ImportBatchRow(SQLModel, table=True):
    __tablename__ = "import_batches"
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=1000)  # file name, "-" for stdin
    format: str = Field(max_length=20)  # vcard | csv | ical
    preset: str = Field(default="", max_length=50)
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    actor: str = Field(default="", max_length=200)
    report: str | None = _text(nullable=True)  # JSON summary
    journal_group: str = Field(default="", max_length=36)  # the change `import undo` reverts


class AccountRow(SQLModel, table=True):
    __tablename__ = "accounts"
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=500)
    name_key: str = Field(max_length=500, index=True)
    domain: str = Field(default="", max_length=255, index=True)
    industry: str = Field(default="", max_length=200)
    owner_id: int | None = _fk("users.id", ondelete="SET NULL", nullable=True)
    source: str = Field(default="", max_length=200)
    batch_id: int | None = _fk("import_batches.id", ondelete="SET NULL", nullable=True, index=False)
    collected_at: dt.datetime | None = None
    purpose: str = Field(default="", max_length=500)
    legal_basis: str = Field(default="", max_length=100)
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = Field(default=None, index=True)


class ContactRow(SQLModel, table=True):
    __tablename__ = "contacts"
    __table_args__ = (
        # Lists show the contacts not in the trash, by name: one index serves both.
        Index("ix_contacts_alive_sort", "deleted_at", "sort_key", "id"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=500, unique=True)
    prefix: str = Field(default="", max_length=100)
    given_name: str = Field(default="", max_length=300)
    additional_name: str = Field(default="", max_length=300)
    family_name: str = Field(default="", max_length=300)
    suffix: str = Field(default="", max_length=100)
    display_name: str = Field(max_length=1000)
    sort_key: str = Field(max_length=1000)  # folded display name (see ix_contacts_alive_sort)
    name_key: str = _text()  # folded names and nickname, for name: filters and references
    nickname: str = Field(default="", max_length=300)
    title: str = Field(default="", max_length=500)
    title_key: str = Field(default="", max_length=500)
    role: str = Field(default="", max_length=500)
    account_id: int | None = _fk("accounts.id", ondelete="SET NULL", nullable=True)
    birthday: str | None = Field(default=None, max_length=10)  # YYYY-MM-DD or --MM-DD
    birthday_md: str | None = Field(default=None, max_length=5, index=True)  # MM-DD
    anniversary: str | None = Field(default=None, max_length=10)
    stage: str | None = Field(default=None, max_length=30, index=True)
    owner_id: int | None = _fk("users.id", ondelete="SET NULL", nullable=True)
    photo: str | None = _text(nullable=True)
    source: str = Field(default="", max_length=200)
    batch_id: int | None = _fk("import_batches.id", ondelete="SET NULL", nullable=True, index=False)
    collected_at: dt.datetime | None = None
    purpose: str = Field(default="", max_length=500)
    legal_basis: str = Field(default="", max_length=100)
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None


class ContactEmailRow(SQLModel, table=True):
    __tablename__ = "contact_emails"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = _fk("contacts.id")
    position: int = 0
    address: str = Field(max_length=320)
    address_key: str = Field(max_length=320, index=True)  # lower-cased, for matching
    label: str = Field(default="", max_length=100)
    preferred: bool = False


class ContactPhoneRow(SQLModel, table=True):
    __tablename__ = "contact_phones"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = _fk("contacts.id")
    position: int = 0
    number: str = Field(max_length=100)
    e164: str | None = Field(default=None, max_length=20, index=True)
    digits: str = Field(default="", max_length=100)
    label: str = Field(default="", max_length=100)
    preferred: bool = False


class ContactAddressRow(SQLModel, table=True):
    __tablename__ = "contact_addresses"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = _fk("contacts.id")
    position: int = 0
    street: str = _text()
    locality: str = Field(default="", max_length=300)
    locality_key: str = Field(default="", max_length=300)  # matched with LIKE '%…%'; no index
    region: str = Field(default="", max_length=300)
    postal_code: str = Field(default="", max_length=50)
    country: str = Field(default="", max_length=300)
    country_key: str = Field(default="", max_length=300)
    po_box: str = Field(default="", max_length=100)
    extended: str = Field(default="", max_length=500)
    label: str = Field(default="", max_length=100)
    preferred: bool = False


class ContactUrlRow(SQLModel, table=True):
    __tablename__ = "contact_urls"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = _fk("contacts.id")
    position: int = 0
    url: str = _text()
    label: str = Field(default="", max_length=100)
    preferred: bool = False


class ContactSocialRow(SQLModel, table=True):
    __tablename__ = "contact_socials"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = _fk("contacts.id")
    position: int = 0
    service: str = Field(max_length=100)
    handle: str = Field(max_length=500)


class AccountPhoneRow(SQLModel, table=True):
    __tablename__ = "account_phones"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("accounts.id")
    position: int = 0
    number: str = Field(max_length=100)
    e164: str | None = Field(default=None, max_length=20, index=True)
    label: str = Field(default="", max_length=100)
    preferred: bool = False


class AccountAddressRow(SQLModel, table=True):
    __tablename__ = "account_addresses"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("accounts.id")
    position: int = 0
    street: str = _text()
    locality: str = Field(default="", max_length=300)
    region: str = Field(default="", max_length=300)
    postal_code: str = Field(default="", max_length=50)
    country: str = Field(default="", max_length=300)
    po_box: str = Field(default="", max_length=100)
    extended: str = Field(default="", max_length=500)
    label: str = Field(default="", max_length=100)
    preferred: bool = False


class TagRow(SQLModel, table=True):
    __tablename__ = "tags"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    key: str = Field(max_length=200, unique=True)  # folded name: tags are case-insensitive


class ContactTagRow(SQLModel, table=True):
    __tablename__ = "contact_tags"
    contact_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    )
    tag_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    position: int = 0


class AccountTagRow(SQLModel, table=True):
    __tablename__ = "account_tags"
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    )
    tag_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    position: int = 0


class CustomFieldRow(SQLModel, table=True):
    __tablename__ = "custom_fields"
    contact_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    )
    name: str = Field(max_length=200, primary_key=True)
    value: str = _text()


class VcardExtraRow(SQLModel, table=True):
    """A vCard content line Rolodex does not model, kept verbatim for round trips."""

    __tablename__ = "vcard_extras"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = _fk("contacts.id")
    position: int = 0
    line: str = _text()


class ConsentRow(SQLModel, table=True):
    __tablename__ = "consents"
    contact_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    )
    channel: str = Field(max_length=20, primary_key=True)
    granted: bool
    at: dt.datetime | None = None
    note: str = Field(default="", max_length=500)


class RelationshipRow(SQLModel, table=True):
    __tablename__ = "relationships"
    id: int | None = Field(default=None, primary_key=True)
    from_contact_id: int = _fk("contacts.id")
    to_contact_id: int = _fk("contacts.id")
    kind: str = Field(max_length=50)
    note: str = Field(default="", max_length=500)


class DealRow(SQLModel, table=True):
    __tablename__ = "deals"
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    account_id: int | None = _fk("accounts.id", ondelete="SET NULL", nullable=True)
    contact_id: int | None = _fk("contacts.id", ondelete="SET NULL", nullable=True)
    value_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    currency: str = Field(default="EUR", max_length=3)
    stage: str = Field(max_length=50, index=True)
    probability: int | None = None
    expected_close: dt.date | None = None
    status: str = Field(default="open", max_length=10, index=True)
    owner_id: int | None = _fk("users.id", ondelete="SET NULL", nullable=True)
    closed_at: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = Field(default=None, index=True)


class NoteRow(SQLModel, table=True):
    __tablename__ = "notes"
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int | None = _fk("contacts.id", nullable=True)
    account_id: int | None = _fk("accounts.id", nullable=True)
    deal_id: int | None = _fk("deals.id", nullable=True)
    author_id: int | None = _fk("users.id", ondelete="SET NULL", nullable=True, index=False)
    body: str = _text()
    pinned: bool = False
    created_at: dt.datetime
    updated_at: dt.datetime


class TaskRow(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_status_due", "status", "due_date"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=1000)
    kind: str = Field(default="todo", max_length=20)
    due_date: dt.date | None = None
    due_time: dt.time | None = None
    priority: str = Field(default="normal", max_length=10)
    status: str = Field(default="open", max_length=10)
    repeat: str | None = Field(default=None, max_length=500)
    assignee_id: int | None = _fk("users.id", ondelete="SET NULL", nullable=True)
    contact_id: int | None = _fk("contacts.id", nullable=True)
    account_id: int | None = _fk("accounts.id", nullable=True)
    deal_id: int | None = _fk("deals.id", nullable=True)
    notes: str = _text()
    completed_at: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    uid: str | None = Field(default=None, max_length=500, index=True)
    timezone: str = Field(default="", max_length=64)
    exdates: str = Field(default="", max_length=4000)  # comma-separated ISO dates
    duration_seconds: int | None = None  # how long a meeting lasts; None: the usual length


class InteractionRow(SQLModel, table=True):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_contact_at", "contact_id", "occurred_at"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int | None = _fk("contacts.id", nullable=True, index=False)
    account_id: int | None = _fk("accounts.id", nullable=True)
    deal_id: int | None = _fk("deals.id", nullable=True)
    task_id: int | None = _fk("tasks.id", ondelete="SET NULL", nullable=True)
    author_id: int | None = _fk("users.id", ondelete="SET NULL", nullable=True, index=False)
    channel: str = Field(max_length=20)
    direction: str = Field(default="out", max_length=3)
    occurred_at: dt.datetime = Field(index=True)
    summary: str = _text()
    created_at: dt.datetime
    uid: str | None = Field(default=None, max_length=500, index=True)


class SavedSearchRow(SQLModel, table=True):
    __tablename__ = "saved_searches"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    query: str = _text()


class JournalRow(SQLModel, table=True):
    __tablename__ = "journal"
    __table_args__ = (Index("ix_journal_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: str = Field(max_length=36, index=True)
    at: dt.datetime
    actor: str = Field(default="", max_length=200)
    action: str = Field(max_length=20)
    entity: str = Field(max_length=30)
    entity_id: int | None = None
    contact_id: int | None = Field(default=None, index=True)  # the contact a change concerns
    summary: str = _text()
    before: str | None = _text(nullable=True)  # JSON
    after: str | None = _text(nullable=True)  # JSON
    undone: bool = False


class ContactSearchRow(SQLModel, table=True):
    """One search document per contact: folded tokens of names, emails, phones, account,
    title, tags and notes. SQLite indexes it with FTS5, PostgreSQL with trigrams."""

    __tablename__ = "contact_search"
    contact_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    )
    doc: str = _text()
