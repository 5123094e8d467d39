"""Importing contacts, organisations, tasks and events: one transaction, run twice safely.

- The format is read from the content (``--format`` can insist), never only the extension.
- The whole batch lands or nothing does; ``dry_run`` goes through every step and rolls back.
- A record that cannot be read is reported with its line and reason, and kept for a rejects
  file; the others still land. Input that holds no record at all is refused (``BadInput``).
- Records are matched to contacts already stored by UID, then email, then E.164 phone: a
  matched contact is updated (and counted unchanged if nothing differs), so importing the same
  file twice changes nothing. Every record remembers its batch and source.
- ``undo`` reverts a batch's journalled change: what it added goes, what it changed comes back.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import gc
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolodex.core.contacts import check_region, display_name_of, normalize_email, to_e164
from rolodex.core.journal import BULK_CONTACTS, extend_runs
from rolodex.core.models import (
    Account,
    Address,
    Contact,
    Email,
    ImportBatch,
    JournalEntry,
    Note,
    Provenance,
    Task,
    task_snapshot,
)
from rolodex.core.text import digits, fold
from rolodex.errors import BadInput, NotFound, StoreError, UsageError

if TYPE_CHECKING:
    from rolodex.core.ports import MatchIndex
    from rolodex.core.service import Change, Rolodex

FORMATS = ("vcard", "csv", "ical")
CHUNK = 1000
PARALLEL_FROM = 2 * 1024 * 1024  # bytes of input from which a second process reads it
MAX_BYTES = 512 * 1024 * 1024


class _DryRun(Exception):
    """Raised to roll a dry run's transaction back."""


class _NothingRead(Exception):
    """Raised to roll back an import of which no record could be read."""


def _nothing_read(name: str, report: ImportReport) -> str:
    """One line for an input none of whose records could be read: how many were rejected,
    the first reason or two, and where the rejects file is."""
    text = f"{name}: no record could be read"
    if report.rejects:
        n = len(report.rejects)
        shown = "; ".join(
            (f"line {r['line']}: " if r["line"] else "") + r["reason"] for r in report.rejects[:2]
        )
        more = f"; and {n - 2} more" if n > 2 else ""
        text += f" ({n} rejected: {shown}{more})"
    if report.rejects_file:
        text += f"; they are in {report.rejects_file}"
    return text


@dataclass
class ImportReport:
    source: str
    format: str
    preset: str = ""
    batch_id: int | None = None
    dry_run: bool = False
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    accounts_added: int = 0
    tasks_added: int = 0
    interactions_added: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    rejects_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class Source:
    """One input: a name to report and its bytes."""

    name: str
    data: bytes


def read_sources(path: str, *, stdin: Callable[[], bytes] | None = None) -> list[Source]:
    """A file, a directory of .vcf / .ics / .csv files (a vdir), or ``-`` for stdin."""
    if path == "-":
        if stdin is None:
            raise UsageError("reading from stdin is not possible here")
        return [Source("-", stdin())]
    p = Path(path).expanduser()
    if p.is_dir():
        try:
            files = sorted(
                f
                for f in p.iterdir()
                if f.is_file() and f.suffix.lower() in (".vcf", ".vcard", ".ics", ".csv")
            )
        except OSError as exc:
            raise BadInput(f"{path}: cannot read the directory ({exc.strerror or exc})") from None
        if not files:
            raise BadInput(f"{path}: no .vcf, .ics or .csv files in this directory")
        return [Source(str(f), _read(f)) for f in files]
    if not p.exists():
        raise NotFound(f"{path}: no such file or directory")
    return [Source(str(p), _read(p))]


def _read(p: Path) -> bytes:
    try:
        if p.stat().st_size > MAX_BYTES:
            raise BadInput(f"{p}: larger than {MAX_BYTES // 2**20} MB; split it first")
        return p.read_bytes()
    except OSError as exc:
        raise BadInput(f"{p}: cannot read it ({exc.strerror or exc})") from None


def detect_format(data: bytes, name: str = "") -> str:
    """vcard, csv or ical, from the content (the extension only breaks a tie)."""
    from rolodex.importers.base import looks_binary
    from rolodex.importers.csv_presets import sniff_csv
    from rolodex.importers.ical import sniff_ical
    from rolodex.importers.vcard import sniff_vcard

    if not data.strip():
        raise BadInput(f"{name or 'input'}: empty, nothing to import")
    if looks_binary(data):
        raise BadInput(f"{name or 'input'}: binary data, not vCard, CSV or iCalendar")
    if sniff_vcard(data):
        return "vcard"
    if sniff_ical(data):
        return "ical"
    if sniff_csv(data):
        return "csv"
    raise BadInput(
        f"{name or 'input'}: not vCard, CSV or iCalendar (use --format if it really is one)"
    )


def _parse(
    fmt: str, data: bytes, *, preset: str | None, mapping: dict[str, str] | None, now: dt.datetime
) -> Iterator[Any]:
    if fmt == "vcard":
        from rolodex.importers.vcard import parse_vcards

        return parse_vcards(data)
    if fmt == "csv":
        from rolodex.importers.csv_presets import parse_csv

        return parse_csv(data, preset=preset, mapping=mapping)
    from rolodex.importers.ical import parse_ical

    return parse_ical(data, now=now)


def rejects_path(source: str, fmt: str, batch_id: int | None, where: Path | None = None) -> Path:
    """Next to the input: ``contacts.vcf`` -> ``contacts.rejects.vcf`` (stdin: the cwd)."""
    ext = {"vcard": ".vcf", "csv": ".csv", "ical": ".ics"}[fmt]
    if source == "-":
        return (where or Path.cwd()) / f"rolodex-import-{batch_id or 'dry-run'}.rejects{ext}"
    p = Path(source)
    if p.is_dir():
        return p.parent / f"{p.name}.rejects{ext}"
    return p.with_name(f"{p.stem}.rejects{ext}")


class ImportService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    # ------------------------------------------------------------------ import
    def run(
        self,
        sources: list[Source],
        *,
        fmt: str | None = None,
        preset: str | None = None,
        mapping: dict[str, str] | None = None,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
        write_rejects: bool = True,
        parallel: bool | None = None,
        reader: ReaderProcess | None = None,
    ) -> ImportReport:
        """Import ``sources`` in one transaction. Large single files are read in a second
        process while this one writes (``parallel``; by default from ``PARALLEL_FROM`` bytes),
        started here or already by ``start_reader`` (``reader``, stopped here in any case)."""
        if fmt is not None and fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        formats = [fmt or detect_format(s.data, s.name) for s in sources]
        if parallel is None:
            parallel = formats[0] != "ical" and len(sources[0].data) >= PARALLEL_FROM
        parallel = parallel and len(sources) == 1  # a reader's matches stay in its process
        try:
            check_region(self.rx.settings.region)
            return self._run(
                sources,
                formats,
                preset,
                mapping,
                dry_run,
                progress,
                write_rejects,
                reader,
                parallel,
            )
        finally:
            if reader is not None:
                reader.close()

    def _run(
        self,
        sources: list[Source],
        formats: list[str],
        preset: str | None,
        mapping: dict[str, str] | None,
        dry_run: bool,
        progress: Callable[[int], None] | None,
        write_rejects: bool,
        reader: ReaderProcess | None,
        parallel: bool,
    ) -> ImportReport:
        kinds = set(formats)
        name = sources[0].name if len(sources) == 1 else str(Path(sources[0].name).parent)
        report = ImportReport(
            source=name, format="+".join(sorted(kinds)), preset=preset or "", dry_run=dry_run
        )
        # Tens of thousands of small objects are made and dropped: the cyclic collector would
        # rescan them again and again (it halves the import rate) and has nothing to find.
        gc_was_on = gc.isenabled()
        gc.disable()
        writer: _Writer | None = None
        nothing = False
        try:
            with self.rx.change() as ch:
                batch = ImportBatch(
                    source=name,
                    format=report.format,
                    preset=preset or "",
                    started_at=ch.now,
                    user=ch.user,
                    journal_group=ch.group_id,
                )
                batch.id = ch.w.put_import_batch(batch)
                report.batch_id = batch.id
                writer = _Writer(self.rx, ch, report, batch.id)
                matcher = _Matcher(
                    self.rx.settings.region,
                    ch.w.match_index(),
                    ch.w.contact_packer(),
                    writer.provenance(),
                )
                if reader is None and parallel and _can_fork():
                    # Forked now, it shares the matcher's index with this process.
                    inp = _Input(formats[0], sources[0].data, preset, mapping, ch.now, "")
                    reader = ReaderProcess(inp, self.rx.settings.region, matcher)
                read = 0
                for source, f in zip(sources, formats, strict=True):
                    writer.source = source.name
                    prefix = "" if report.source == source.name else f"{Path(source.name).name}: "
                    read_input = _Input(f, source.data, preset, mapping, self.rx.now(), prefix)
                    # The reader's matches stay in its process: it reads one file only.
                    events = (
                        reader.events(matcher)
                        if reader is not None
                        else _local_events(matcher, read_input)
                    )
                    for event in events:
                        if event[0] == "count":
                            if progress is not None:
                                progress(read + event[1])
                        else:
                            writer.handle(event)
                    read += matcher.count
                    matcher.count = 0
                if matcher.pending:  # what the last files of a folder added
                    writer.handle(matcher.flush())
                writer.finish()
                if (
                    report.added
                    + report.updated
                    + report.unchanged
                    + report.accounts_added
                    + report.tasks_added
                    + report.interactions_added
                    == 0
                ):
                    raise _NothingRead
                batch.finished_at = ch.now
                batch.report = _summary(report)
                ch.w.put_import_batch(batch)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            report.batch_id = None
        except _NothingRead:
            nothing = True
            report.batch_id = None
        finally:
            if reader is not None:
                reader.close()
            if gc_was_on:
                gc.enable()
        raw_rejects = writer.raw_rejects if writer is not None else []
        if raw_rejects and write_rejects and not dry_run:
            target = rejects_path(
                sources[0].name if len(sources) == 1 else name, formats[0], report.batch_id
            )
            try:
                target.write_text("".join(raw_rejects), encoding="utf-8")
                report.rejects_file = str(target)
            except OSError as exc:
                report.warnings.append(
                    {"line": 0, "message": f"could not write the rejects file {target}: {exc}"}
                )
        if nothing:
            raise BadInput(_nothing_read(name, report))
        return report

    # ------------------------------------------------------------------ batches
    def batches(self) -> list[ImportBatch]:
        with self.rx.reading() as r:
            return r.import_batches()

    def undo(self, batch_id: int, *, force: bool = False) -> list[JournalEntry]:
        """Remove what a batch added and put back what it changed."""
        from rolodex.core.journal import revert_group

        with self.rx.change() as ch:
            found = ch.w.import_batches(batch_id)
            if not found:
                raise NotFound(f"no import batch #{batch_id} (see 'rolodex import list')")
            batch = found[0]
            entries = ch.w.journal_group(batch.journal_group)
            if not entries or all(e.undone for e in entries):
                raise NotFound(f"import batch #{batch_id} changed nothing, or is already undone")
            return revert_group(ch, batch.journal_group, force=force)


def _summary(r: ImportReport) -> dict[str, Any]:
    return {
        "added": r.added,
        "updated": r.updated,
        "unchanged": r.unchanged,
        "rejected": r.rejected,
        "accounts_added": r.accounts_added,
        "tasks_added": r.tasks_added,
        "interactions_added": r.interactions_added,
        "warnings": len(r.warnings),
    }


# What the matcher tells the writer, in input order:
#   ("reject", line, reason, raw or None, header)    ("warn", line, message)
#   ("add", packed contacts)                 the next new contacts, provisional ids in order
#   ("update", contact id, contact, notes)   a record matching a stored or earlier contact
#   ("same",)                                a record merged into a new contact of this batch
#   ("account", account)                     an organisation record
#   ("activity", item, contact id or None)   a task or event, linked by attendee email
#   ("count", records read so far)
# Contact ids below zero are provisional: -1 is the first contact this batch adds, -2 the next.
Event = tuple[Any, ...]


# What a record's content UID leaves out: what the import itself sets.
_NOT_CONTENT = ("id", "uid", "account_id", "provenance", "created_at", "updated_at", "deleted_at")
_CONTENT_UIDS = uuid.UUID("8de41811-a2b8-421d-8d7d-b2b40649737e")  # namespace of those UIDs


class _Matcher:
    """Reads records: normalises them, matches them to stored contacts and to earlier records,
    and packs new contacts for the store. It touches no connection, so it can run in another
    process while the writer stores what it has sent."""

    def __init__(
        self,
        region: str | None,
        index: MatchIndex,
        pack: Callable[[Contact, list[str]], Any],
        provenance: Provenance,
    ) -> None:
        self.region = region
        self.provenance = provenance
        self.uids, self.emails, self.phones = index.uids, index.emails, index.phones
        self.digits, self.merged, self.trashed = index.digits, index.merged, index.trashed
        names = index.names
        # Contacts that share an email or phone, by folded name: a record is matched to the
        # one of its name first (rows of one office in another order are the same people).
        self.names = {cid: fold(name) for cid, name in names.items()}
        self.pack = pack
        self.pending: list[tuple[Contact, list[str]]] = []
        self.pending_uids: dict[str, int] = {}  # UID -> index in pending
        self.claimed: set[int] = set()  # contacts a record of this batch matched or added
        self.added = 0
        self.count = 0
        self.uid_pool: list[str] = []
        self.contents: dict[str, int] = {}  # records given a UID from their content, by digest
        self.whole_cards = False  # the records are vCards (see ``events``)

    def events(self, records: Iterable[Any], prefix: str, fmt: str = "") -> Iterator[Event]:
        from rolodex.importers.base import AccountRecord, ContactRecord, Rejected

        # Only a vCard is a contact's whole card; a CSV row holds some of its fields.
        self.whole_cards = fmt == "vcard"

        for rec in records:
            self.count += 1
            if isinstance(rec, Rejected):
                yield ("reject", rec.line, prefix + rec.reason, rec.raw, rec.header)
                continue
            for message in rec.warnings:
                # A parser may say on which line of the record the trouble was.
                yield ("warn", getattr(message, "line", rec.line), prefix + message)
            item = rec.item
            if isinstance(item, ContactRecord):
                yield from self._contact(item, rec.line, prefix)
            elif isinstance(item, AccountRecord):
                yield ("account", item.account, item.notes)
            else:
                cid = self._linked(item)
                task = getattr(item, "task", None)
                if cid is None and task is not None and task.kind == "followup":
                    who = next(iter(getattr(item, "contact_emails", [])), "")
                    yield (
                        "warn",
                        rec.line,
                        f"{prefix}a follow-up with {who or 'nobody'}, who is not a contact: "
                        "imported as a to-do",
                    )
                yield ("activity", item, cid)
            if len(self.pending) >= CHUNK:
                yield self.flush()
            if self.count % 200 == 0:
                yield ("count", self.count)
        yield ("count", self.count)

    def _linked(self, item: Any) -> int | None:
        for address in getattr(item, "contact_emails", []):
            cid = self.emails.get(address.lower())
            if cid is not None:
                return cid if type(cid) is int else cid[0]
        return None

    def _match(self, c: Contact) -> tuple[int | None, str | None]:
        """A stored contact's id, else the UID of a contact pending in this batch.

        By UID first. Then by email, then by E.164 phone, against contacts no other record
        of this input has matched. Records of one input are never matched with each other
        but by UID: two rows that share an office email or a switchboard number are two
        people (``rolodex duplicates`` finds the ones that are not)."""
        if c.uid:
            if c.uid in self.uids:
                return self.uids[c.uid], None
            if c.uid in self.pending_uids:
                return None, c.uid
            if c.uid in self.merged:  # the card of a contact merged into another one
                return self.merged[c.uid], None
        for e in c.emails:
            cid = self._free(self.emails.get(e.address.lower()), c)
            if cid is not None:
                return cid, None
        for p in c.phones:
            # A number written without its country code (and no default region to read it
            # with) is known by its digits.
            found = self.phones.get(p.e164) if p.e164 else self.digits.get(digits(p.number))
            cid = self._free(found, c)
            if cid is not None:
                return cid, None
        return None, None

    def _free(self, found: int | list[int] | None, c: Contact) -> int | None:
        """The contact found that no record of this input has matched yet: of several, the
        first of the record's name, else the first."""
        if found is None:
            return None
        if type(found) is int:
            return None if found in self.claimed else found
        free = [cid for cid in found if cid not in self.claimed]
        name = fold(c.display_name)
        return next((cid for cid in free if self.names.get(cid) == name), None) or next(
            iter(free), None
        )

    def _contact(self, item: Any, line: int, prefix: str) -> Iterator[Event]:
        c: Contact = item.contact
        notes: list[str] = item.notes
        if not c.display_name:
            yield ("reject", line, f"{prefix}no name, email or phone", None, "")
            return
        own_uid = bool(c.uid)
        if not c.uid and not c.emails and not any(p.e164 for p in c.phones):
            # Nothing to match it by next time (a LinkedIn connection, a name and an
            # address): a UID made from what it says, so that importing it again finds it.
            c.uid = self._content_uid(c)
        if c.uid in self.trashed and c.uid not in self.uids:
            # The contact is in the trash: the record does not bring it back (nor may it
            # become a second contact with that UID).
            cid = self.trashed[c.uid]
            yield (
                "warn",
                line,
                f"{prefix}{c.display_name} is in the trash (#{cid}) and stays there; "
                f"'rolodex contact restore {cid}' brings it back",
            )
            yield ("same",)
            return
        cid, pending_key = self._match(c)
        if cid is not None:
            self.claimed.add(cid)
            # Found by its UID, the record is that contact's own card (a vdir synced again):
            # what it says replaces. The card of a contact merged into this one, or a card
            # with a UID of its own found by email or phone (the same person in another
            # address book), only fills what this one lacks: two sources must not overwrite
            # each other at every import. A record without a UID found by email or phone
            # adds. (Another record of a contact this input added: as one met nearby.)
            if self.whole_cards and cid >= 0 and c.uid and self.uids.get(c.uid) == cid:
                how = "card"
            elif own_uid and self.uids.get(c.uid) != cid:
                how = "fill"
            else:
                how = "add"
            # A card older than the contact's last change (by its REV) must not undo that
            # change; a card changed after it replaces it (the writer, which has the
            # contact, decides).
            yield ("update", cid, c, notes, how, item.revised if how == "card" else None)
            return
        if pending_key is not None:  # the same UID twice in one input: one contact
            first, first_notes = self.pending[self.pending_uids[pending_key]]
            _merge_into(first, c)
            if c.account:
                first.account = c.account
            first_notes.extend(n for n in notes if n not in first_notes)
            yield ("same",)
            return
        c.id = None
        p = self.provenance
        c.provenance = Provenance(source=p.source, batch_id=p.batch_id, collected_at=p.collected_at)
        if c.uid:
            self.pending_uids[c.uid] = len(self.pending)
        else:
            c.uid = self._new_uid()
        self.pending.append((c, list(notes)))

    def _content_uid(self, c: Contact) -> str:
        """A UUID (version 5) of the record's fields. The n-th record of one input that says
        exactly the same gets the n-th UUID: two such rows stay two people, as ever."""
        import hashlib
        import json

        fields = c.to_dict()
        for key in _NOT_CONTENT:
            fields.pop(key, None)
        text = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        n = self.contents.get(digest, 0)
        self.contents[digest] = n + 1
        return str(uuid.uuid5(_CONTENT_UIDS, f"{digest}:{n}"))

    def _new_uid(self) -> str:
        if not self.uid_pool:
            import os

            # One read of the system's random source for many UUIDs (version 4, RFC 9562).
            raw = os.urandom(16 * CHUNK)
            self.uid_pool = [
                str(uuid.UUID(bytes=raw[i : i + 16], version=4)) for i in range(0, len(raw), 16)
            ]
        return self.uid_pool.pop()

    def flush(self) -> Event:
        """The pending new contacts, packed; from now on they match as stored contacts."""
        packed = [self.pack(c, notes) for c, notes in self.pending]
        for c, _ in self.pending:
            self.added += 1
            cid = -self.added
            self.claimed.add(cid)
            self.uids[c.uid] = cid
            for e in c.emails:  # for tasks and events of a later file to link to
                self.emails.setdefault(e.address.lower(), cid)
            for p in c.phones:
                if p.e164:
                    self.phones.setdefault(p.e164, cid)
        self.pending.clear()
        self.pending_uids.clear()
        return ("add", packed)


class _Writer:
    """Stores what the matcher found, inside the import's one transaction."""

    def __init__(self, rx: Rolodex, ch: Change, report: ImportReport, batch_id: int) -> None:
        self.rx, self.ch, self.report, self.batch_id = rx, ch, report, batch_id
        self.region = rx.settings.region
        self.accounts: dict[str, int | None] = {}
        self.new_ids: list[int] = []
        self.added_ranges: list[list[int]] = []  # ids of the new contacts, as [first, last] runs
        # (contact id, record, notes, how to merge, the REV of a card found by its UID)
        self.updates: list[tuple[int, Contact, list[str], str, dt.datetime | None]] = []
        # Counting: every contact record once. A contact is added or updated once; the other
        # records that met it (the same UID again, in this input) count as unchanged.
        self.ours: set[int] = set()  # contacts this batch added that a later record met
        self.counted: set[int] = set()  # stored contacts already counted as updated
        self.raw_rejects: list[str] = []
        self.headed: set[str] = set()  # sources whose header is in the rejects file
        self.source = ""

    def handle(self, event: Event) -> None:
        kind = event[0]
        if kind == "add":
            self._add(event[1])
        elif kind == "warn":
            self.report.warnings.append(
                {"line": event[1], "message": event[2], "source": self.source}
            )
        elif kind == "reject":
            self.report.rejected += 1
            self.report.rejects.append(
                {"line": event[1], "reason": event[2], "source": self.source}
            )
            raw, header = event[3], event[4]
            if raw is not None:
                if header and self.source not in self.headed:
                    self.headed.add(self.source)
                    self.raw_rejects.append(header + "\n")
                self.raw_rejects.append(raw if raw.endswith("\n") else raw + "\n")
        elif kind == "update":
            incoming: Contact = event[2]
            incoming.account_id = self._account_id(incoming.account)
            cid = self._id(event[1])
            if event[1] < 0:
                self.ours.add(cid)
            self.updates.append((cid, incoming, event[3], event[4], event[5]))
            if len(self.updates) >= CHUNK:
                self._flush_updates()
        elif kind == "same":
            self.report.unchanged += 1
        elif kind == "account":
            self._account_record(event[1], event[2])
        elif kind == "activity":
            cid = event[2]
            self._activity(event[1], None if cid is None else self._id(cid))

    def _id(self, cid: int) -> int:
        return cid if cid >= 0 else self.new_ids[-cid - 1]

    def provenance(self) -> Provenance:
        return Provenance(
            source=f"import:{self.report.format}", batch_id=self.batch_id, collected_at=self.ch.now
        )

    def _account_id(self, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        name = " ".join(name.split())  # as accounts are stored: "Acme  Inc" is "Acme Inc"
        key = fold(name)
        if key not in self.accounts:
            found = self.ch.w.account_id_by_name(name)
            if found is None:
                found = self.ch.w.put_account(Account(name=name, provenance=self.provenance()))
                self.report.accounts_added += 1
                self.ch.record("create", "account", found, f"import: added account {name}")
            self.accounts[key] = found
        return self.accounts[key]

    def _account_record(self, account: Account, notes: list[str]) -> None:
        key = fold(account.name)
        existing = self.ch.w.account_id_by_name(account.name)
        if existing is None:
            account.provenance = self.provenance()
            for p in account.phones:
                p.e164 = p.e164 or to_e164(p.number, self.region)
            aid = self.ch.w.put_account(account)
            self.accounts[key] = aid
            self.report.accounts_added += 1
            self.ch.record("create", "account", aid, f"import: added account {account.name}")
            known: set[str] = set()
        else:
            aid = self.accounts[key] = existing
            known = {n.body for n in self.ch.w.notes_of_account(aid)}
        fresh = [body for body in dict.fromkeys(notes) if body.strip() and body not in known]
        for body in fresh:
            nid = self.ch.w.put_note(
                Note(body=body, account_id=aid, created_at=self.ch.now, updated_at=self.ch.now)
            )
            self.ch.record("create", "note", nid, "import: added note")
        if existing is not None:
            if fresh:
                self.report.updated += 1
            else:
                self.report.unchanged += 1

    def _add(self, packed: list[Any]) -> None:
        """Store new contacts with their notes, in one go (updates queued before them first)."""
        self._flush_updates()
        account_ids = [self._account_id(p[1]) for p in packed]
        ids = self.ch.w.insert_packed(packed, account_ids)
        self.new_ids.extend(ids)
        extend_runs(self.added_ranges, ids)
        self.report.added += len(ids)
        # Write the journal as we go: updates carry whole snapshots.
        self.ch.w.add_journal(self.ch.entries)
        self.ch.entries.clear()

    def _flush_updates(self) -> None:
        """Compare matched records with what is stored, a chunk at a time; store changes."""
        if not self.updates:
            return
        ids = list(dict.fromkeys(u[0] for u in self.updates))
        stored = {c.id: c for c in self.ch.w.contacts_by_ids(ids)}
        have_notes = self.ch.w.note_bodies(ids)
        merged: dict[int, Contact] = {}
        fresh_notes: dict[int, list[str]] = {}
        records: dict[int, int] = {}
        for cid, incoming, notes, how, when in self.updates:
            since = stored[cid].updated_at
            if when is not None and since is not None:
                last = since.replace(microsecond=0)
                if when < last:
                    # Older than the contact's last change (an old export of ours, a card not
                    # edited since it was read): what it says, the contact said before.
                    self.report.unchanged += 1
                    continue
                if when > last:
                    how = "newer"  # changed elsewhere since: it is the contact as it is now
            records[cid] = records.get(cid, 0) + 1
            # A shallow copy is enough: merging replaces lists, it does not change them.
            target = merged.get(cid) or copy.copy(stored[cid])
            _merge_into(target, incoming, how)
            merged[cid] = target
            known = have_notes.setdefault(cid, set())
            for body in notes:
                if body.strip() and body not in known:
                    known.add(body)
                    fresh_notes.setdefault(cid, []).append(body)
        self.updates.clear()
        for cid, target in merged.items():
            before = stored[cid]
            # Equal objects are equal snapshots; only a difference needs the exact check.
            changed = target != before and target.to_dict() != before.to_dict()
            if (changed or cid in fresh_notes) and cid not in self.ours and cid not in self.counted:
                self.counted.add(cid)
                self.report.updated += 1
                self.report.unchanged += records[cid] - 1
            else:
                self.report.unchanged += records[cid]
            if not changed and cid not in fresh_notes:
                continue
            if changed:
                target.updated_at = self.ch.now
                self.ch.w.put_contact(target)
                self.ch.record(
                    "update",
                    "contact",
                    cid,
                    f"import: updated {target.display_name}",
                    before=before.to_dict(),
                    after=target.to_dict(),
                    contact_id=cid,
                )
            for body in fresh_notes.get(cid, []):
                nid = self.ch.w.put_note(
                    Note(body=body, contact_id=cid, created_at=self.ch.now, updated_at=self.ch.now)
                )
                self.ch.record("create", "note", nid, "import: added note", contact_id=cid)

    def finish(self) -> None:
        self._flush_updates()
        if self.added_ranges:
            # One entry for every contact the import added (undoing it deletes them, and
            # their notes with them), not one each: a 100k-row file is one line of history.
            n = self.report.added
            self.ch.record(
                "create",
                BULK_CONTACTS,
                None,
                f"import: added {n} contact{'s' if n != 1 else ''}",
                after={"ids": self.added_ranges},
            )
        self.ch.w.add_journal(self.ch.entries)
        self.ch.entries.clear()

    # ------------------------------------------------------------------ tasks and events
    def _activity(self, item: Any, contact_id: int | None) -> None:
        from rolodex.importers.ical import EventRecord, TaskRecord

        self._flush_updates()
        if isinstance(item, TaskRecord):
            task: Task = item.task
            existing = self._task_by_uid(task.uid) if task.uid else None
            if existing is not None:
                # What iCalendar does not carry stays as it is: who the task is assigned to,
                # its account and deal, and its contact when no attendee names one.
                contact_id = contact_id if contact_id is not None else existing.contact_id
                task.assignee_id = task.assignee_id or existing.assignee_id
                task.account_id = task.account_id or existing.account_id
                task.deal_id = task.deal_id or existing.deal_id
            task.contact_id = contact_id
            if task.kind == "followup" and contact_id is None:
                task.kind = "todo"
            since = existing.updated_at if existing is not None else None
            revised = item.revised
            if since is not None and revised is not None and revised < since.replace(microsecond=0):
                self.report.unchanged += 1  # an old export of it: the task changed since
                return
            if existing is not None:
                task.id = existing.id
                task.created_at = existing.created_at
                done = existing.completed_at
                if done is not None and task.completed_at == done.replace(microsecond=0):
                    task.completed_at = done  # iCalendar keeps whole seconds
                if task_snapshot(task) | {"updated_at": None, "contact": None} == task_snapshot(
                    existing
                ) | {"updated_at": None, "contact": None}:
                    self.report.unchanged += 1
                    return
                task.updated_at = self.ch.now
                self.ch.w.put_task(task)
                stored = self.ch.w.get_task(task.id)  # with its contact's name, as before
                self.ch.record(
                    "update",
                    "task",
                    task.id,
                    f"import: updated task {task.title}",
                    before=task_snapshot(existing),
                    after=task_snapshot(stored or task),
                    contact_id=contact_id,
                )
                self.report.updated += 1
                return
            task.id = None
            task.created_at = task.created_at or self.ch.now  # its CREATED, when it has one
            task.updated_at = self.ch.now
            tid = self.ch.w.put_task(task)
            self.ch.record(
                "create", "task", tid, f"import: added task {task.title}", contact_id=contact_id
            )
            self.report.tasks_added += 1
        elif isinstance(item, EventRecord):
            interaction = item.interaction
            if interaction.uid and self._interaction_uid_exists(interaction.uid):
                self.report.unchanged += 1
                return
            interaction.contact_id = contact_id
            interaction.created_at = self.ch.now
            iid = self.ch.w.put_interaction(interaction)
            self.ch.record(
                "create",
                "interaction",
                iid,
                f"import: logged {interaction.channel}",
                contact_id=contact_id,
            )
            self.report.interactions_added += 1

    def _task_by_uid(self, uid: str) -> Task | None:
        tid = self.ch.w.task_id_by_uid(uid)
        return self.ch.w.get_task(tid) if tid is not None else None

    def _interaction_uid_exists(self, uid: str) -> bool:
        return self.ch.w.interaction_id_by_uid(uid) is not None


_NAME_PARTS = ("prefix", "given_name", "additional_name", "family_name", "suffix")
# The single text fields of a contact that a record may bring.
_TEXT_FIELDS = (*_NAME_PARTS, "display_name", "nickname", "title", "role", "photo")


def _merge_into(target: Contact, incoming: Contact, how: str = "add") -> None:
    """What an import brings overrides single fields it has; lists gain what is new. Lists
    and mappings are replaced, never changed in place, so that ``target`` may be a shallow
    copy of a contact that must stay as it was.

    ``how`` is "card" when the record is the contact's own card, found by its UID: then it
    also says what is no longer so (a name part it leaves empty, a label that changed, vCard
    structure it no longer has, such as the units of a new ORG), though nothing it does not
    mention is removed. "fill": single fields are only set where the contact has none."""
    if how == "newer":
        _replace_from_card(target, incoming)
        return
    exact, fill = how == "card", how == "fill"
    if exact and any(getattr(incoming, name) for name in _NAME_PARTS):
        for name in _NAME_PARTS:
            setattr(target, name, getattr(incoming, name))
    if exact:
        _relabel(target, incoming)
        stale = [k for k in target.custom if k.startswith("vcard.") and k not in incoming.custom]
        if stale:
            target.custom = {k: v for k, v in target.custom.items() if k not in stale}
    for name in _TEXT_FIELDS:
        value = getattr(incoming, name)
        if value and not (fill and getattr(target, name)):
            setattr(target, name, value)
    for name in ("birthday", "anniversary", "stage"):
        value = getattr(incoming, name)
        if value is not None and not (fill and getattr(target, name) is not None):
            setattr(target, name, value)
    if incoming.account_id is not None and not (fill and target.account_id is not None):
        target.account_id = incoming.account_id
    if not target.uid:
        target.uid = incoming.uid
    have = {e.address.lower() for e in target.emails}
    emails = [
        Email(e.address, e.label, e.preferred and not target.emails)
        for e in incoming.emails
        if e.address.lower() not in have
    ]
    if emails:
        target.emails = target.emails + emails
    # A number is known by its E.164 form or by its digits as written: the same file read
    # with another default region (or none) gives other E.164 forms of the same numbers.
    have_e164 = {p.e164 for p in target.phones if p.e164}
    have_digits = {digits(p.number) for p in target.phones}
    phones = [
        p
        for p in incoming.phones
        if not (p.e164 and p.e164 in have_e164) and digits(p.number) not in have_digits
    ]
    if phones:
        target.phones = target.phones + phones
    addresses = [
        a for a in incoming.addresses if not any(_covers(have, a) for have in target.addresses)
    ]
    if addresses:
        target.addresses = target.addresses + addresses
    have_urls = {u.url for u in target.urls}
    urls = [u for u in incoming.urls if u.url not in have_urls]
    if urls:
        target.urls = target.urls + urls
    socials = [s for s in incoming.socials if s not in target.socials]
    if socials:
        target.socials = target.socials + socials
    have_tags = {fold(t) for t in target.tags}
    tags = [t for t in incoming.tags if fold(t) not in have_tags]
    if tags:
        target.tags = target.tags + tags
    if any(target.custom.get(k) != v for k, v in incoming.custom.items()):
        target.custom = {**target.custom, **incoming.custom}
    if incoming.vcard_extra:
        target.vcard_extra = list(incoming.vcard_extra)


# What a vCard says of a contact, all of it: a card changed elsewhere after the contact was
# replaces these (what it no longer has is gone). Notes are kept (they are history), and
# what no card carries (stage, owner, consents, custom fields of Rolodex's own) stays.
_CARD_FIELDS = (
    *_TEXT_FIELDS,
    "birthday",
    "anniversary",
    "account_id",
    "emails",
    "phones",
    "addresses",
    "urls",
    "socials",
    "tags",
    "vcard_extra",
)


def _replace_from_card(target: Contact, incoming: Contact) -> None:
    for name in _CARD_FIELDS:
        setattr(target, name, getattr(incoming, name))
    if not target.display_name:
        target.display_name = display_name_of(target)
    custom = {k: v for k, v in target.custom.items() if not k.startswith("vcard.")}
    custom.update(incoming.custom)
    if custom != target.custom:
        target.custom = custom


def _relabel(target: Contact, incoming: Contact) -> None:
    """Labels of the emails and phones both have, as the incoming card gives them."""
    emails = {e.address.lower(): e.label for e in incoming.emails}
    if any(emails.get(e.address.lower(), e.label) != e.label for e in target.emails):
        target.emails = [
            Email(e.address, emails.get(e.address.lower(), e.label), e.preferred)
            for e in target.emails
        ]
    phones = {digits(p.number): p.label for p in incoming.phones}
    if any(phones.get(digits(p.number), p.label) != p.label for p in target.phones):
        target.phones = [
            dataclasses.replace(p, label=phones.get(digits(p.number), p.label))
            for p in target.phones
        ]


def _prepared(records: Iterable[Any], region: str | None) -> Iterator[Any]:
    """Records with their contacts normalised (emails checked, phones in E.164, a display
    name): what needs no store, so a reader process can do it before the store is open."""
    from rolodex.importers.base import ContactRecord

    for rec in records:
        item = getattr(rec, "item", None)
        if isinstance(item, ContactRecord):
            c = item.contact
            emails = []
            for e in c.emails:
                try:
                    e.address = normalize_email(e.address)
                    emails.append(e)
                except UsageError:
                    rec.warnings.append(f"dropped the email {e.address!r}: not an email address")
            c.emails = emails
            for p in c.phones:
                if p.e164 is None and len(digits(p.number)) >= 3:
                    p.e164 = to_e164(p.number, region)
            c.display_name = display_name_of(c)
        yield rec


@dataclass
class _Input:
    """One source to read, and how."""

    fmt: str
    data: bytes
    preset: str | None
    mapping: dict[str, str] | None
    now: dt.datetime
    prefix: str  # put before messages about this source


def _records(inp: _Input, region: str | None) -> Iterator[Any]:
    records = _parse(inp.fmt, inp.data, preset=inp.preset, mapping=inp.mapping, now=inp.now)
    return _prepared(records, region)


def _local_events(matcher: _Matcher, inp: _Input) -> Iterator[Event]:
    yield from matcher.events(_records(inp, matcher.region), inp.prefix, inp.fmt)


def _can_fork() -> bool:
    """A forked reader is cheap and sees everything loaded so far; only where fork is the
    platform's own way (Linux) and no other thread could hold a lock the child needs."""
    import sys
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1


class ReaderProcess:
    """A forked process that reads one input while this one stores what it has read.

    It starts before the store is opened: it parses and normalises records meanwhile (what
    needs no store, most of the reading), and matches and packs them once ``events`` hands it
    the matcher, with what the store holds. It holds no connection and writes nothing."""

    def __init__(self, inp: _Input, region: str | None, matcher: _Matcher | None = None) -> None:
        """Fork the reader; with ``matcher`` (made from an open store) it starts matching at
        once, sharing the matcher's index with this process instead of being sent a copy."""
        import multiprocessing

        # What the child needs to read is imported here, once (the store's packer, in the
        # matcher it is sent, is imported as it is unpickled: no thread can hold a lock then).
        import rolodex.importers.csv_presets
        import rolodex.importers.vcard  # noqa: F401

        ctx = multiprocessing.get_context("fork")
        self.receive, send = ctx.Pipe(duplex=False)
        control, self.control = ctx.Pipe(duplex=False)
        _widen(send.fileno())
        self.given = matcher is not None
        # The child closes its copies of this process's ends: were it to keep them, its
        # writes would block forever once this process is gone (killed, say) instead of
        # failing, and it would never end.
        ours = (self.receive, self.control)
        self.child = ctx.Process(
            target=_worker_main, args=(send, control, inp, region, matcher, ours), daemon=True
        )
        self.child.start()
        send.close()
        control.close()

    def events(self, matcher: _Matcher) -> Iterator[Event]:
        """The matcher's events, worked out in the reader process and sent in batches."""
        import contextlib
        import pickle

        try:
            if not self.given:
                # When it has stopped already (a broken pipe), what it sent says why.
                with contextlib.suppress(BrokenPipeError):
                    blob = pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)
                    self.control.send_bytes(blob)
            while True:
                try:
                    blob = self.receive.recv_bytes()
                except EOFError:
                    self.child.join()
                    raise StoreError(
                        "the import's reader process stopped unexpectedly "
                        f"(exit {self.child.exitcode})"
                    ) from None
                for event in pickle.loads(blob):
                    if event[0] == "end":
                        matcher.count = event[1]
                        return
                    if event[0] == "raise":
                        raise event[1]
                    yield event
        finally:
            self.close()

    def close(self) -> None:
        """Stop the reader (when it has not finished) and wait for it."""
        if self.child.is_alive():
            self.child.kill()
        self.child.join()
        self.receive.close()
        self.control.close()


def start_reader(
    sources: list[Source],
    *,
    fmt: str | None = None,
    preset: str | None = None,
    mapping: dict[str, str] | None = None,
    region: str | None = None,
    now: dt.datetime | None = None,
) -> ReaderProcess | None:
    """A reader process for one large file (``PARALLEL_FROM`` bytes and more) where it can
    fork, started before the store is opened; None otherwise. ``ImportService.run`` takes it
    (and stops it, whatever happens). It is sent a copy of what the store holds to match
    against: for a store with many contacts, let ``run`` fork its reader once the store is
    open, sharing that with it."""
    if len(sources) != 1 or len(sources[0].data) < PARALLEL_FROM or not _can_fork():
        return None
    if fmt is not None and fmt not in FORMATS:
        return None  # ImportService.run says what is wrong
    f = fmt or detect_format(sources[0].data, sources[0].name)
    if f == "ical":
        return None
    now = now or dt.datetime.now(dt.UTC)
    return ReaderProcess(_Input(f, sources[0].data, preset, mapping, now, ""), region)


def _widen(fd: int) -> None:
    """Let the pipe hold a batch or two (Linux: 64 KiB by default, up to pipe-max-size), so
    that the reader goes on while this process stores."""
    import fcntl

    try:
        with open("/proc/sys/fs/pipe-max-size") as fh:
            size = min(int(fh.read()), 8 * 1024 * 1024)
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except (OSError, ValueError):
        pass  # the default size works, only with more waiting


# Records a reader reads ahead while the store opens: at most this many are held. It looks
# for the matcher every POLL_EVERY records.
AHEAD = 5_000
POLL_EVERY = 256


def _worker_main(
    send: Any,
    control: Any,
    inp: _Input,
    region: str | None,
    given: _Matcher | None,
    parent_ends: tuple[Any, ...] = (),
) -> None:
    import itertools
    import pickle

    for end in parent_ends:
        end.close()
    gc.disable()  # as in the importing process (see ImportService._run); the process ends soon
    out: list[Event] = []
    size = 0
    try:
        records = _records(inp, region)
        ahead: list[Any] = []
        if given is None:
            for rec in records:
                ahead.append(rec)
                if len(ahead) % POLL_EVERY == 0 and (len(ahead) >= AHEAD or control.poll()):
                    break
        matcher: _Matcher = given or pickle.loads(control.recv_bytes())
        for event in matcher.events(itertools.chain(ahead, records), inp.prefix, inp.fmt):
            out.append(event)
            size += len(event[1]) if event[0] == "add" else 1
            if size >= 256:
                send.send_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
                out.clear()
                size = 0
        if matcher.pending:
            out.append(matcher.flush())
        out.append(("end", matcher.count))
    except (EOFError, BrokenPipeError):  # the importing process has gone: nobody to tell
        return
    except BaseException as exc:  # sent to the parent, which raises it
        try:
            pickle.dumps(exc)
        except Exception:
            exc = BadInput(f"cannot read the input: {exc}")
        out.append(("raise", exc))
    try:
        send.send_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
        send.close()
    except BrokenPipeError:
        pass


_ADDRESS_PARTS = ("street", "locality", "region", "postal_code", "country", "po_box", "extended")


def _covers(have: Address, new: Address) -> bool:
    """Whether an address says all that another does: equal in every part the other has
    (a CSV with only city and country must not add a second, thinner address)."""
    if new.label and new.label != have.label:
        return False
    return all(
        not getattr(new, part) or getattr(new, part) == getattr(have, part)
        for part in _ADDRESS_PARTS
    )
