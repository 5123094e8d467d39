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

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolodex.core.contacts import display_name_of, normalize_email, to_e164
from rolodex.core.models import (
    Account,
    Contact,
    Email,
    ImportBatch,
    JournalEntry,
    Note,
    Provenance,
    Task,
    contact_from_dict,
    task_snapshot,
)
from rolodex.core.text import digits, fold
from rolodex.errors import BadInput, NotFound, UsageError

if TYPE_CHECKING:
    from rolodex.core.service import Change, Rolodex
    from rolodex.importers.base import Rejected

FORMATS = ("vcard", "csv", "ical")
CHUNK = 1000
MAX_BYTES = 512 * 1024 * 1024


class _DryRun(Exception):
    """Raised to roll a dry run's transaction back."""


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
        files = sorted(
            f
            for f in p.iterdir()
            if f.is_file() and f.suffix.lower() in (".vcf", ".vcard", ".ics", ".csv")
        )
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
    ) -> ImportReport:
        if fmt is not None and fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        formats = [fmt or detect_format(s.data, s.name) for s in sources]
        kinds = set(formats)
        name = sources[0].name if len(sources) == 1 else str(Path(sources[0].name).parent)
        report = ImportReport(
            source=name, format="+".join(sorted(kinds)), preset=preset or "", dry_run=dry_run
        )
        raw_rejects: list[str] = []
        # Tens of thousands of small objects are made and dropped: the cyclic collector would
        # rescan them again and again (it halves the import rate) and has nothing to find.
        gc_was_on = gc.isenabled()
        gc.disable()
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
                run = _Run(self.rx, ch, report, batch.id, progress)
                for source, f in zip(sources, formats, strict=True):
                    records = _parse(
                        f, source.data, preset=preset, mapping=mapping, now=self.rx.now()
                    )
                    run.consume(records, source.name, raw_rejects)
                run.flush()
                if (
                    report.added
                    + report.updated
                    + report.unchanged
                    + report.accounts_added
                    + report.tasks_added
                    + report.interactions_added
                    == 0
                ):
                    raise BadInput(
                        f"{name}: no record could be read"
                        + (f" ({report.rejects[0]['reason']})" if report.rejects else "")
                    )
                batch.finished_at = ch.now
                batch.report = _summary(report)
                ch.w.put_import_batch(batch)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            report.batch_id = None
        finally:
            if gc_was_on:
                gc.enable()
        if raw_rejects and write_rejects:
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


class _Run:
    """The state of one import: what is stored already, and what is pending."""

    def __init__(
        self,
        rx: Rolodex,
        ch: Change,
        report: ImportReport,
        batch_id: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.rx, self.ch, self.report, self.batch_id = rx, ch, report, batch_id
        self.progress = progress
        self.region = rx.settings.region
        self.uids, self.emails, self.phones = ch.w.match_index()
        self.accounts: dict[str, int | None] = {}
        self.pending: list[tuple[Contact, list[str]]] = []
        self.pending_keys: dict[str, int] = {}
        self.count = 0
        self.source = ""
        self.claimed: set[int] = set()  # contacts a record of this batch matched or added
        self.updates: list[tuple[int, Contact, list[str]]] = []

    # ------------------------------------------------------------------ records
    def consume(self, records: Iterable[Any], source: str, raw_rejects: list[str]) -> None:
        from rolodex.importers.base import AccountRecord, ContactRecord, Rejected

        self.source = source
        prefix = "" if self.report.source == source else f"{Path(source).name}: "
        for rec in records:
            self.count += 1
            if isinstance(rec, Rejected):
                self._reject(rec, prefix, raw_rejects)
                continue
            for message in rec.warnings:
                self.report.warnings.append(
                    {"line": rec.line, "message": prefix + message, "source": source}
                )
            item = rec.item
            if isinstance(item, ContactRecord):
                self._contact(item.contact, item.notes, rec.line, prefix)
            elif isinstance(item, AccountRecord):
                self._account_record(item.account)
            else:
                self._activity(item, rec.line, prefix)
            if len(self.pending) >= CHUNK:
                self.flush()
            if self.progress is not None and self.count % 200 == 0:
                self.progress(self.count)
        if self.progress is not None:
            self.progress(self.count)

    def _reject(self, rec: Rejected, prefix: str, raw_rejects: list[str]) -> None:
        self.report.rejected += 1
        self.report.rejects.append(
            {"line": rec.line, "reason": prefix + rec.reason, "source": self.source}
        )
        raw = rec.raw if rec.raw.endswith("\n") else rec.raw + "\n"
        raw_rejects.append(raw)

    def _provenance(self) -> Provenance:
        return Provenance(
            source=f"import:{self.report.format}", batch_id=self.batch_id, collected_at=self.ch.now
        )

    def _account_id(self, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        key = fold(name.strip())
        if key not in self.accounts:
            found = self.ch.w.account_id_by_name(name)
            if found is None:
                found = self.ch.w.put_account(
                    Account(name=" ".join(name.split()), provenance=self._provenance())
                )
                self.report.accounts_added += 1
                self.ch.record("create", "account", found, f"import: added account {name}")
            self.accounts[key] = found
        return self.accounts[key]

    def _account_record(self, account: Account) -> None:
        key = fold(account.name)
        existing = self.ch.w.account_id_by_name(account.name)
        if existing is None:
            account.provenance = self._provenance()
            for p in account.phones:
                p.e164 = p.e164 or to_e164(p.number, self.region)
            aid = self.ch.w.put_account(account)
            self.accounts[key] = aid
            self.report.accounts_added += 1
            self.ch.record("create", "account", aid, f"import: added account {account.name}")
        else:
            self.accounts[key] = existing
            self.report.unchanged += 1

    def _normalise(self, c: Contact, line: int, prefix: str) -> None:
        emails = []
        for e in c.emails:
            try:
                e.address = normalize_email(e.address)
                emails.append(e)
            except UsageError:
                self.report.warnings.append(
                    {
                        "line": line,
                        "message": f"{prefix}dropped the email {e.address!r}: not an email address",
                        "source": self.source,
                    }
                )
        c.emails = emails
        for p in c.phones:
            if p.e164 is None and len(digits(p.number)) >= 3:
                p.e164 = to_e164(p.number, self.region)
        c.display_name = display_name_of(c)
        c.account_id = self._account_id(c.account)

    def _match(self, c: Contact) -> tuple[int | None, str | None]:
        """A stored contact's id, else the key of a contact pending in this batch.

        By UID first. Then by email, then by E.164 phone, but only against contacts this
        batch has not already matched or added: two records of one input with different
        UIDs are two people even when they share an office email."""
        if c.uid:
            if c.uid in self.uids:
                return self.uids[c.uid], None
            if f"uid:{c.uid}" in self.pending_keys:
                return None, f"uid:{c.uid}"
        for e in c.emails:
            cid = self.emails.get(e.address.lower())
            if cid is not None and cid not in self.claimed:
                return cid, None
        for p in c.phones:
            cid = self.phones.get(p.e164) if p.e164 else None
            if cid is not None and cid not in self.claimed:
                return cid, None
        if c.uid:
            return None, None
        keys = [f"email:{e.address.lower()}" for e in c.emails]
        keys += [f"tel:{p.e164}" for p in c.phones if p.e164]
        return None, next((k for k in keys if k in self.pending_keys), None)

    def _contact(self, c: Contact, notes: list[str], line: int, prefix: str) -> None:
        self._normalise(c, line, prefix)
        if not c.display_name:
            self.report.rejected += 1
            self.report.rejects.append(
                {"line": line, "reason": f"{prefix}no name, email or phone", "source": self.source}
            )
            return
        cid, pending_key = self._match(c)
        if cid is not None:
            self.claimed.add(cid)
            self._update(cid, c, notes)
            return
        if pending_key is not None:  # the same person twice in one input: merge them
            index = self.pending_keys[pending_key]
            first, first_notes = self.pending[index]
            _merge_into(first, c)
            first_notes.extend(n for n in notes if n not in first_notes)
            self.report.unchanged += 1
            return
        c.id = None
        c.provenance = self._provenance()
        index = len(self.pending)
        self.pending.append((c, list(notes)))
        if c.uid:  # records with a UID only ever meet their own UID again
            keys = [f"uid:{c.uid}"]
        else:
            c.uid = _new_uid()
            keys = [f"email:{e.address.lower()}" for e in c.emails]
            keys += [f"tel:{p.e164}" for p in c.phones if p.e164]
        for key in keys:
            self.pending_keys.setdefault(key, index)

    def _update(self, cid: int, incoming: Contact, notes: list[str]) -> None:
        self.updates.append((cid, incoming, notes))
        if len(self.updates) >= CHUNK:
            self._flush_updates()

    def _flush_updates(self) -> None:
        """Compare matched records with what is stored, a chunk at a time; store changes."""
        if not self.updates:
            return
        ids = list(dict.fromkeys(cid for cid, _, _ in self.updates))
        stored = {c.id: c for c in self.ch.w.contacts_by_ids(ids)}
        have_notes = self.ch.w.note_bodies(ids)
        merged: dict[int, Contact] = {}
        fresh_notes: dict[int, list[str]] = {}
        for cid, incoming, notes in self.updates:
            target = merged.get(cid) or contact_from_dict(stored[cid].to_dict())
            _merge_into(target, incoming)
            merged[cid] = target
            known = have_notes.setdefault(cid, set())
            for body in notes:
                if body.strip() and body not in known:
                    known.add(body)
                    fresh_notes.setdefault(cid, []).append(body)
        self.updates.clear()
        for cid, target in merged.items():
            before = stored[cid]
            changed = target.to_dict() != before.to_dict()
            if not changed and cid not in fresh_notes:
                self.report.unchanged += 1
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
            self.report.updated += 1

    def flush(self) -> None:
        """Store the pending new contacts, with their notes, in one go; then the updates."""
        self._flush_updates()
        if not self.pending:
            return
        notes = [[n for n in bodies if n.strip()] for _, bodies in self.pending]
        ids = self.ch.w.insert_contacts([c for c, _ in self.pending], notes)
        for (c, _), cid in zip(self.pending, ids, strict=True):
            self.claimed.add(cid)
            self.uids[c.uid] = cid
            for e in c.emails:
                self.emails.setdefault(e.address.lower(), cid)
            for p in c.phones:
                if p.e164:
                    self.phones.setdefault(p.e164, cid)
            # Undoing the add deletes the contact, and its notes with it.
            self.ch.record(
                "create", "contact", cid, f"import: added {c.display_name}", contact_id=cid
            )
        self.report.added += len(ids)
        self.pending.clear()
        self.pending_keys.clear()
        # Write the journal as we go: a 100k-record import would otherwise hold 100k entries.
        self.ch.w.add_journal(self.ch.entries)
        self.ch.entries.clear()

    # ------------------------------------------------------------------ tasks and events
    def _activity(self, item: Any, line: int, prefix: str) -> None:
        from rolodex.importers.ical import EventRecord, TaskRecord

        contact_id = None
        for address in getattr(item, "contact_emails", []):
            contact_id = self.emails.get(address.lower())
            if contact_id is not None:
                break
        if isinstance(item, TaskRecord):
            task: Task = item.task
            task.contact_id = contact_id
            if task.kind == "followup" and contact_id is None:
                task.kind = "todo"
            existing = self._task_by_uid(task.uid) if task.uid else None
            if existing is not None:
                task.id = existing.id
                task.created_at = existing.created_at
                if task_snapshot(task) | {"updated_at": None, "contact": None} == task_snapshot(
                    existing
                ) | {"updated_at": None, "contact": None}:
                    self.report.unchanged += 1
                    return
                task.updated_at = self.ch.now
                self.ch.w.put_task(task)
                self.ch.record(
                    "update",
                    "task",
                    task.id,
                    f"import: updated task {task.title}",
                    before=task_snapshot(existing),
                    after=task_snapshot(task),
                    contact_id=contact_id,
                )
                self.report.updated += 1
                return
            task.id = None
            task.created_at = task.updated_at = self.ch.now
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


def _merge_into(target: Contact, incoming: Contact) -> None:
    """What an import brings overrides single fields it has; lists gain what is new."""
    for name in (
        "prefix",
        "given_name",
        "additional_name",
        "family_name",
        "suffix",
        "display_name",
        "nickname",
        "title",
        "role",
        "photo",
    ):
        value = getattr(incoming, name)
        if value:
            setattr(target, name, value)
    for name in ("birthday", "anniversary", "stage"):
        value = getattr(incoming, name)
        if value is not None:
            setattr(target, name, value)
    if incoming.account_id is not None:
        target.account_id = incoming.account_id
    if not target.uid:
        target.uid = incoming.uid
    have = {e.address.lower() for e in target.emails}
    target.emails += [
        Email(e.address, e.label, e.preferred and not target.emails)
        for e in incoming.emails
        if e.address.lower() not in have
    ]
    have_phones = {p.e164 or digits(p.number) for p in target.phones}
    target.phones += [p for p in incoming.phones if (p.e164 or digits(p.number)) not in have_phones]
    target.addresses += [a for a in incoming.addresses if a not in target.addresses]
    have_urls = {u.url for u in target.urls}
    target.urls += [u for u in incoming.urls if u.url not in have_urls]
    target.socials += [s for s in incoming.socials if s not in target.socials]
    have_tags = {fold(t) for t in target.tags}
    target.tags += [t for t in incoming.tags if fold(t) not in have_tags]
    target.custom.update(incoming.custom)
    if incoming.vcard_extra:
        target.vcard_extra = list(incoming.vcard_extra)


def _new_uid() -> str:
    import uuid

    return str(uuid.uuid4())
