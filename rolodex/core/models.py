"""Domain objects: plain dataclasses, safe to pass between threads and cheap to import.

They carry no database state. ``to_dict`` gives the stable JSON shape used by ``--json``
and by the journal's before/after snapshots; ``from_dict`` reads it back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

STAGES = ("subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist")
CHANNELS = ("call", "email", "meeting", "chat", "letter", "social", "other")
DIRECTIONS = ("in", "out")
TASK_KINDS = ("todo", "call", "meeting", "followup")
PRIORITIES = ("high", "normal", "low")
TASK_STATUSES = ("open", "done", "cancelled")
DEAL_STATUSES = ("open", "won", "lost")
RELATIONSHIP_KINDS = (
    "colleague",
    "manager",
    "report",
    "assistant",
    "spouse",
    "partner",
    "friend",
    "family",
    "referred-by",
    "other",
)
CONSENT_CHANNELS = ("email", "phone", "sms", "post")


@dataclass(slots=True, frozen=True)
class PartialDate:
    """A date whose year may be unknown (vCard ``--MMDD``), e.g. a birthday."""

    year: int | None
    month: int
    day: int

    def __post_init__(self) -> None:
        # Validate against a leap year when the year is unknown, so --02-29 is allowed.
        dt.date(self.year or 2000, self.month, self.day)

    def isoformat(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY-MM-DD``, ``YYYYMMDD``, ``--MM-DD`` or ``--MMDD``; raise ValueError."""
        s = text.strip()
        if s.startswith("--"):
            body = s[2:].replace("-", "")
            if len(body) != 4 or not body.isdigit():
                raise ValueError(f"not a month-day: {text!r}")
            return cls(year=None, month=int(body[:2]), day=int(body[2:]))
        body = s.replace("-", "")
        if len(body) != 8 or not body.isdigit():
            raise ValueError(f"not a date: {text!r}")
        return cls(year=int(body[:4]), month=int(body[4:6]), day=int(body[6:]))

    def occurs_on(self, day: dt.date) -> bool:
        if (self.month, self.day) == (day.month, day.day):
            return True
        # Feb 29 birthdays are celebrated on Feb 28 in common years.
        if (self.month, self.day) == (2, 29):
            leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
            return not leap and (day.month, day.day) == (2, 28)
        return False

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(slots=True)
class Email:
    address: str
    label: str = ""
    preferred: bool = False


@dataclass(slots=True)
class Phone:
    number: str  # as the user wrote it
    e164: str | None = None  # normalised, when it could be parsed
    label: str = ""
    preferred: bool = False


@dataclass(slots=True)
class Address:
    street: str = ""
    locality: str = ""  # city
    region: str = ""
    postal_code: str = ""
    country: str = ""
    po_box: str = ""
    extended: str = ""
    label: str = ""
    preferred: bool = False

    def one_line(self) -> str:
        parts = [self.street, " ".join(p for p in (self.postal_code, self.locality) if p)]
        parts += [self.region, self.country]
        return ", ".join(p for p in parts if p)


@dataclass(slots=True)
class Url:
    url: str
    label: str = ""
    preferred: bool = False


@dataclass(slots=True)
class Social:
    service: str  # e.g. "linkedin", "mastodon", "github"
    handle: str


@dataclass(slots=True)
class Provenance:
    """Where a record came from and on what basis it is kept."""

    source: str = ""  # "manual", "demo", "import:vcard", …
    batch_id: int | None = None
    collected_at: dt.datetime | None = None
    purpose: str = ""
    legal_basis: str = ""  # consent, contract, legitimate-interest, …


@dataclass(slots=True)
class Consent:
    channel: str  # one of CONSENT_CHANNELS
    granted: bool
    at: dt.datetime | None = None
    note: str = ""


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_values(obj: Any) -> tuple[Any, ...]:
    """A dataclass's field values in ``__init__`` order (every field here is an init field)."""
    kind = type(obj)
    names = _INIT_FIELDS.get(kind)
    if names is None:
        names = _INIT_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
    return tuple([getattr(obj, name) for name in names])


def _shallow(obj: Any) -> Any:
    """A new dataclass instance with the same field values (``copy.copy`` goes through
    pickling's state protocol for slotted dataclasses: ten times slower)."""
    return type(obj)(*_field_values(obj))


def _reduce(obj: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle as the class and its field values: half the bytes, and a third of the time to
    read back, of the state protocol slotted dataclasses use (an import's reader process
    sends every record it matched)."""
    return type(obj), _field_values(obj)


@dataclass(slots=True)
class Contact:
    id: int | None = None
    uid: str = ""
    prefix: str = ""
    given_name: str = ""
    additional_name: str = ""
    family_name: str = ""
    suffix: str = ""
    display_name: str = ""
    nickname: str = ""
    title: str = ""
    role: str = ""
    account_id: int | None = None
    account: str | None = None  # the account's name, filled in on read
    emails: list[Email] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    urls: list[Url] = field(default_factory=list)
    socials: list[Social] = field(default_factory=list)
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    tags: list[str] = field(default_factory=list)
    stage: str | None = None
    owner_id: int | None = None
    custom: dict[str, str] = field(default_factory=dict)
    photo: str | None = None  # a URI (data: URIs for inline photos)
    vcard_extra: list[str] = field(default_factory=list)  # unmodelled vCard lines, verbatim
    provenance: Provenance = field(default_factory=Provenance)
    consents: list[Consent] = field(default_factory=list)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None

    def copy(self) -> Contact:
        """A copy that shares nothing mutable with this contact: what
        ``contact_from_dict(c.to_dict())`` gives, at a fraction of the cost."""
        c = _shallow(self)
        c.emails = [_shallow(e) for e in self.emails]
        c.phones = [_shallow(p) for p in self.phones]
        c.addresses = [_shallow(a) for a in self.addresses]
        c.urls = [_shallow(u) for u in self.urls]
        c.socials = [_shallow(s) for s in self.socials]
        c.consents = [_shallow(k) for k in self.consents]
        c.tags = list(self.tags)
        c.custom = dict(self.custom)
        c.vcard_extra = list(self.vcard_extra)
        c.provenance = _shallow(self.provenance)
        return c

    @property
    def primary_email(self) -> str | None:
        for e in self.emails:
            if e.preferred:
                return e.address
        return self.emails[0].address if self.emails else None

    @property
    def primary_phone(self) -> str | None:
        for p in self.phones:
            if p.preferred:
                return p.number
        return self.phones[0].number if self.phones else None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(slots=True)
class Account:
    id: int | None = None
    name: str = ""
    domain: str = ""
    industry: str = ""
    phones: list[Phone] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    owner_id: int | None = None
    provenance: Provenance = field(default_factory=Provenance)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None
    contact_count: int = 0  # filled in on read

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(slots=True)
class Relationship:
    from_contact_id: int
    to_contact_id: int
    kind: str
    id: int | None = None
    note: str = ""


@dataclass(slots=True)
class Ref:
    """A short reference to a linked record, as shown in JSON: ``{id, display_name}``."""

    id: int
    display_name: str


@dataclass(slots=True)
class Note:
    body: str
    id: int | None = None
    contact_id: int | None = None
    account_id: int | None = None
    deal_id: int | None = None
    author_id: int | None = None
    pinned: bool = False
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    contact: Ref | None = None  # filled in on read

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(slots=True)
class Interaction:
    channel: str
    summary: str
    occurred_at: dt.datetime
    id: int | None = None
    direction: str = "out"
    contact_id: int | None = None
    account_id: int | None = None
    deal_id: int | None = None
    task_id: int | None = None
    author_id: int | None = None
    created_at: dt.datetime | None = None
    contact: Ref | None = None
    uid: str = ""  # iCalendar UID of an imported event

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(slots=True)
class Task:
    title: str
    id: int | None = None
    kind: str = "todo"
    due_date: dt.date | None = None
    due_time: dt.time | None = None  # set when the task is due at a time of day
    priority: str = "normal"
    status: str = "open"
    repeat: str | None = None  # an RFC 5545 RRULE, e.g. "FREQ=WEEKLY;INTERVAL=2"
    assignee_id: int | None = None
    contact_id: int | None = None
    account_id: int | None = None
    deal_id: int | None = None
    notes: str = ""
    completed_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    contact: Ref | None = None
    uid: str = ""  # iCalendar UID, kept so that a re-import updates instead of duplicating
    timezone: str = ""  # IANA zone of due_time; "" means the user's local time
    exdates: list[dt.date] = field(default_factory=list)  # skipped occurrences of `repeat`
    # How long a meeting lasts, in seconds (whole days when it is all day); None is the usual
    # length: an hour, or the one day. Seconds and not a timedelta: the journal keeps tasks
    # as JSON and gives them back with Task(**snapshot).
    duration_seconds: int | None = None

    @property
    def due(self) -> dt.date | dt.datetime | None:
        if self.due_date is None:
            return None
        if self.due_time is None:
            return self.due_date
        return dt.datetime.combine(self.due_date, self.due_time)

    def is_overdue(self, now: dt.datetime) -> bool:
        """Open and due before ``now`` (a due time is wall-clock time where the user is)."""
        if self.status != "open" or self.due_date is None:
            return False
        if now.tzinfo is not None:
            now = now.astimezone().replace(tzinfo=None)
        if self.due_time is None:
            return self.due_date < now.date()
        return dt.datetime.combine(self.due_date, self.due_time) < now

    def to_dict(self, now: dt.datetime | None = None) -> dict[str, Any]:
        now = now or dt.datetime.now()
        due = self.due
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "due": due.isoformat() if due is not None else None,
            "status": self.status,
            "priority": self.priority,
            "repeat": self.repeat,
            "overdue": self.is_overdue(now),
            "contact": to_jsonable(self.contact),
            "account_id": self.account_id,
            "deal_id": self.deal_id,
            "assignee_id": self.assignee_id,
            "notes": self.notes,
            "completed_at": _iso(self.completed_at),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "uid": self.uid or None,
        }


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """Which tasks to list. Dates are inclusive; ``overdue`` adds open tasks due before
    ``today``; with neither dates nor overdue, every task of the given statuses."""

    today: dt.date
    start: dt.date | None = None
    end: dt.date | None = None
    overdue: bool = False
    statuses: tuple[str, ...] = ("open",)
    kinds: tuple[str, ...] = ()
    contact_id: int | None = None
    limit: int | None = None


@dataclass(slots=True)
class Deal:
    title: str
    id: int | None = None
    account_id: int | None = None
    contact_id: int | None = None
    value_cents: int = 0
    currency: str = "EUR"
    stage: str = "qualification"
    probability: int | None = None
    expected_close: dt.date | None = None
    status: str = "open"
    owner_id: int | None = None
    closed_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(slots=True)
class User:
    name: str
    id: int | None = None
    email: str = ""


@dataclass(slots=True)
class SavedSearch:
    name: str
    query: str
    id: int | None = None


@dataclass(slots=True)
class JournalEntry:
    """One change to one record. Changes made by one use case share a ``group_id``."""

    group_id: str
    action: str  # create | update | delete | restore | purge | undo
    entity: str  # contact | account | note | interaction | task | deal | saved_search
    entity_id: int | None
    summary: str
    contact_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    at: dt.datetime | None = None
    user: str = ""
    id: int | None = None
    undone: bool = False

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(slots=True)
class ImportBatch:
    """One run of ``rolodex import``: where from, what it did, and the change that undoes it."""

    source: str
    format: str
    started_at: dt.datetime
    id: int | None = None
    preset: str = ""
    finished_at: dt.datetime | None = None
    user: str = ""
    report: dict[str, Any] = field(default_factory=dict)
    journal_group: str = ""
    undone: bool = False  # `import undo` reverted it (filled in on read)

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(slots=True)
class TimelineItem:
    """One line of a contact's history: a note, an interaction or a completed task."""

    kind: str  # note | interaction | task
    at: dt.datetime
    summary: str
    id: int
    channel: str | None = None
    direction: str | None = None
    contact: Ref | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@dataclass(slots=True)
class SearchHit:
    id: int
    display_name: str
    account: str | None
    email: str | None
    phone: str | None
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def _iso(value: dt.date | dt.datetime | dt.time | None) -> str | None:
    return value.isoformat() if value is not None else None


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def to_jsonable(obj: Any) -> Any:
    """Dataclasses -> dicts, dates -> ISO 8601 strings, recursively. Stable field order.

    Hot: ``contact list --json`` runs it over every contact, so it dispatches on the exact
    type and remembers each dataclass's field names."""
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    names = _FIELDS.get(kind)
    if names is not None:
        return {name: to_jsonable(getattr(obj, name)) for name in names}
    if kind is list or kind is tuple:
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, dt.date | dt.datetime | dt.time | PartialDate):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
        return to_jsonable(obj)
    if isinstance(obj, str | int | float | bool):  # subclasses, e.g. str enums
        return obj
    raise TypeError(f"cannot serialise {kind.__name__}")


def _dt(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _d(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _t(value: Any) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _pd(value: Any) -> PartialDate | None:
    return PartialDate.parse(value) if value else None


def _prov(d: dict[str, Any] | None) -> Provenance:
    d = dict(d or {})
    d["collected_at"] = _dt(d.get("collected_at"))
    return Provenance(**d)


def contact_from_dict(d: dict[str, Any]) -> Contact:
    d = dict(d)
    d["emails"] = [Email(**e) for e in d.get("emails", [])]
    d["phones"] = [Phone(**p) for p in d.get("phones", [])]
    d["addresses"] = [Address(**a) for a in d.get("addresses", [])]
    d["urls"] = [Url(**u) for u in d.get("urls", [])]
    d["socials"] = [Social(**s) for s in d.get("socials", [])]
    d["consents"] = [Consent(**{**c, "at": _dt(c.get("at"))}) for c in d.get("consents", [])]
    d["birthday"] = _pd(d.get("birthday"))
    d["anniversary"] = _pd(d.get("anniversary"))
    d["provenance"] = _prov(d.get("provenance"))
    for k in ("created_at", "updated_at", "deleted_at"):
        d[k] = _dt(d.get(k))
    return Contact(**d)


def account_from_dict(d: dict[str, Any]) -> Account:
    d = dict(d)
    d["phones"] = [Phone(**p) for p in d.get("phones", [])]
    d["addresses"] = [Address(**a) for a in d.get("addresses", [])]
    d["provenance"] = _prov(d.get("provenance"))
    for k in ("created_at", "updated_at", "deleted_at"):
        d[k] = _dt(d.get(k))
    return Account(**d)


def _ref(d: dict[str, Any] | None) -> Ref | None:
    return Ref(**d) if d else None


def note_from_dict(d: dict[str, Any]) -> Note:
    d = dict(d)
    d["contact"] = _ref(d.get("contact"))
    for k in ("created_at", "updated_at"):
        d[k] = _dt(d.get(k))
    return Note(**d)


def interaction_from_dict(d: dict[str, Any]) -> Interaction:
    d = dict(d)
    d["contact"] = _ref(d.get("contact"))
    d["occurred_at"] = _dt(d["occurred_at"])
    d["created_at"] = _dt(d.get("created_at"))
    return Interaction(**d)


def task_snapshot(t: Task) -> dict[str, Any]:
    """The journal's full picture of a task (``to_dict`` is the JSON view)."""
    return to_jsonable(t)


def task_from_dict(d: dict[str, Any]) -> Task:
    d = dict(d)
    d["contact"] = _ref(d.get("contact"))
    d["due_date"] = _d(d.get("due_date"))
    d["due_time"] = _t(d.get("due_time"))
    d["exdates"] = [dt.date.fromisoformat(x) for x in d.get("exdates", [])]
    for k in ("completed_at", "created_at", "updated_at"):
        d[k] = _dt(d.get(k))
    return Task(**d)


def deal_from_dict(d: dict[str, Any]) -> Deal:
    d = dict(d)
    d["expected_close"] = _d(d.get("expected_close"))
    for k in ("closed_at", "created_at", "updated_at", "deleted_at"):
        d[k] = _dt(d.get(k))
    return Deal(**d)


def saved_search_from_dict(d: dict[str, Any]) -> SavedSearch:
    return SavedSearch(**d)


for _cls in (
    PartialDate,
    Email,
    Phone,
    Address,
    Url,
    Social,
    Provenance,
    Consent,
    Contact,
    Account,
    Relationship,
    Ref,
    Note,
    Interaction,
    Task,
    Deal,
):
    _cls.__reduce__ = _reduce  # type: ignore[method-assign,assignment]
