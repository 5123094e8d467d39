"""Exporting contacts as vCard or CSV and tasks as iCalendar, to a stream or a vdir."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from rolodex.core.models import Contact, Task
from rolodex.errors import BadInput, UsageError

if TYPE_CHECKING:
    from rolodex.core.query import QuerySpec
    from rolodex.core.service import Rolodex

VCARD_VERSIONS = ("3.0", "4.0")
_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")
_NAME_LIMIT = 200
# Marks a name that is not the UID itself. It is never part of a name kept as the UID, so a
# changed name can never clash with a kept one.
_HASHED = "~"


def vdir_name(uid: str, ext: str) -> str:
    """A file name for a vdir item: the UID itself when it is a safe file name (vdirsyncer
    and khard name files the same way), else the UID made safe plus a short hash of it.

    The hash keeps apart UIDs that are made safe alike (``team/1``, ``team:1``, ``team_1``)
    and is the same on every run, so the next export replaces the same file. A name never
    starts with a dot: ``..`` would be a hidden file that vdir readers skip."""
    bare = uid.removeprefix("urn:uuid:")
    name = _UNSAFE.sub("_", bare)[:_NAME_LIMIT]
    if name.startswith("."):
        name = "_" + name.lstrip(".")
    if name == bare and name:
        return f"{name}{ext}"
    digest = hashlib.sha256(uid.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{name or 'item'}{_HASHED}{digest}{ext}"


def _hashed_name(uid: str, ext: str) -> str:
    """The hashed form of a name, for a UID whose plain name another item of the same export
    already took (``urn:uuid:X`` and ``X``)."""
    name = vdir_name(uid, "")
    if _HASHED in name:
        return f"{name}{ext}"
    digest = hashlib.sha256(uid.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{name}{_HASHED}{digest}{ext}"


@contextmanager
def atomic_writer(path: str | Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file to write ``path`` through: a temporary file in the same folder, renamed over
    ``path`` only when the block ends without an error. A failed export therefore never
    leaves a half-written or emptied file behind. A path that exists but is not a regular
    file (``/dev/stdout``, a pipe, a device) is written in place: it cannot be replaced.

    Failures to write become ``BadInput`` ("cannot write PATH: reason")."""
    shown = str(path)
    target = Path(os.path.realpath(Path(path).expanduser()))
    try:
        special = target.exists() and not target.is_file()
    except OSError:
        special = False
    if special:
        try:
            with open(target, "wb" if binary else "w", **_text_args(binary)) as fh:
                yield fh
        except OSError as exc:
            raise BadInput(f"cannot write {shown}: {exc.strerror or exc}") from None
        return
    try:
        fd, temp = tempfile.mkstemp(
            prefix=f".{target.name[:50]}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise BadInput(f"cannot write {shown}: {exc.strerror or exc}") from None
    done = False
    try:
        try:
            # mkstemp makes a file only its owner may read; keep the mode the file had, or
            # give a new one the mode open() would have.
            os.chmod(temp, _mode_for(target))
            with os.fdopen(fd, "wb" if binary else "w", **_text_args(binary)) as fh:
                yield fh
            os.replace(temp, target)
            done = True
        except OSError as exc:
            raise BadInput(f"cannot write {shown}: {exc.strerror or exc}") from None
    finally:
        if not done:
            with suppress(OSError):
                os.unlink(temp)


def _text_args(binary: bool) -> dict[str, str]:
    return {} if binary else {"encoding": "utf-8", "newline": ""}


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


class ExportService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    def check(self, query: str = "", *, version: str = "3.0") -> QuerySpec:
        """The parsed query, after checking it and the vCard version: an export validates
        everything before it writes anything."""
        if version not in VCARD_VERSIONS:
            raise UsageError(f"vCard version {version!r}: choose 3.0 or 4.0")
        return self.rx.contacts.parse(query)

    def _with_notes(self, spec: QuerySpec) -> Generator[tuple[Contact, list[str]], None, None]:
        with self.rx.reading() as r:
            for c in r.iter_contacts(spec):
                assert c.id is not None
                notes = [n.body for n in reversed(r.notes_of_contact(c.id))]
                yield c, notes

    def vcards(self, query: str = "", *, version: str = "3.0") -> Iterator[str]:
        """Every matching contact as a vCard (its notes as NOTE), streamed. The version and
        the query are checked at once, before the first card is asked for."""
        from rolodex.importers.vcard import dump_vcard

        spec = self.check(query, version=version)

        def stream() -> Iterator[str]:
            for c, notes in self._with_notes(spec):
                yield dump_vcard(c, version=version, notes=notes)

        return stream()

    def vdir(self, directory: str, query: str = "", *, version: str = "3.0") -> VdirReport:
        """One ``.vcf`` per contact in ``directory`` (the layout khard and vdirsyncer use),
        each written atomically; returns how many, with what happened to the folder.

        A contact whose UID a card of the folder already holds is written over that file,
        whatever its name, so a folder khard or vdirsyncer filled gets no second copy; a
        contact with no file gets a new one named by :func:`vdir_name`. An export of the
        whole book (no query) also removes the cards an earlier export wrote (Rolodex's
        PRODID) for contacts that are no longer in it, trashed or merged away, so that
        reading the folder does not bring them back. Other programs' files are never
        removed, and an export with a query removes nothing: the folder holds more."""
        from rolodex.importers.vcard import PRODID, dump_vcard

        spec = self.check(query, version=version)
        target = _directory(directory)
        folder = _Folder(target, (".vcf", ".vcard"), card=True, ours=PRODID)
        report = _Tally()
        written: set[str] = set()
        with closing(self._with_notes(spec)) as items:
            for c, notes in items:
                written.add(c.uid)
                path, held = folder.claim(c.uid, ".vcf")
                data = dump_vcard(c, version=version, notes=notes).encode("utf-8")
                _write(path, held, data, c.updated_at, report)
        if not query.strip():
            with self.rx.reading() as r:
                gone = r.gone_contact_uids()
            for held in folder.unclaimed():
                # Only a card of a contact this book had: a file of another book (or of an
                # empty one, exporting by mistake) is not this export's to remove.
                if held.ours and held.uid in gone:
                    report.removed += _remove(held.path)
        for held in folder.unclaimed():
            if held.ours and held.uid in written:  # a second copy of a card written above
                report.removed += _remove(held.path)
        return report.result()

    def open_tasks(self, due: str | None = None) -> list[Task]:
        return self.rx.activities.tasks(self.rx.activities.task_query(due, default="all"))

    def _emails(self, tasks: list[Task]) -> dict[int, str]:
        ids = sorted({t.contact_id for t in tasks if t.contact_id is not None})
        with self.rx.reading() as r:
            return {
                c.id: c.primary_email
                for c in r.contacts_by_ids(ids)
                if c.id is not None and c.primary_email
            }

    def ical(self, due: str | None = None) -> bytes:
        """Open tasks and follow-ups as VTODO (meetings as VEVENT), one calendar."""
        from rolodex.importers.ical import dump_ical

        tasks = self.open_tasks(due)
        return dump_ical(tasks, contact_emails=self._emails(tasks), now=self.rx.now())

    def ical_vdir(self, directory: str, due: str | None = None) -> VdirReport:
        """One ``.ics`` per open task (the layout khal and todoman read), each written
        atomically; returns how many, with what happened to the folder.

        A task whose UID a file of the folder already holds is written over that file,
        whatever its name (khal's and todoman's included); a task with no file gets a new
        one named by :func:`vdir_name`. Files of tasks that are no longer open are brought
        up to date, so that the folder never reopens them when read back: a task since done
        (or cancelled) is rewritten with that status; the files an earlier export wrote
        (Rolodex's PRODID) for a task since deleted, or for a task now written to another
        file, are removed. Other programs' files are never removed; files of open tasks
        outside ``due`` are left alone."""
        from rolodex.importers.ical import PRODID, dump_ical_item, export_uid

        target = _directory(directory)
        folder = _Folder(target, (".ics",), card=False, ours=PRODID)
        tasks = self.open_tasks(due)
        emails = self._emails(tasks)
        now = self.rx.now()
        report = _Tally()
        uids: set[str] = set()
        for t in tasks:
            # DTSTAMP is when the task last changed (RFC 5545, 3.8.7.2, for a calendar with no
            # METHOD): a task that did not change is written the same, and left untouched.
            stamp = t.updated_at or now
            data = dump_ical_item(t, contact_email=emails.get(t.contact_id or -1), now=stamp)
            uid = export_uid(t)
            uids.add(uid)
            path, held = folder.claim(uid, ".ics")
            _write(path, held, data, t.updated_at, report)
        if folder.unclaimed():
            self._bring_up_to_date(folder, uids, now, report)
        return report.result()

    def _bring_up_to_date(
        self, folder: _Folder, written: set[str], now: dt.datetime, report: _Tally
    ) -> None:
        """Rewrite the files of tasks since closed; remove our files of tasks since deleted
        and our second copies of tasks written to another file."""
        from rolodex.importers.ical import dump_ical_item, export_uid

        every = self.rx.activities.task_query(
            None, default="all", statuses=("open", "done", "cancelled")
        )
        wanted = {h.uid for h in folder.unclaimed()}
        known = {u: t for t in self.rx.activities.tasks(every) if (u := export_uid(t)) in wanted}
        closed = [t for u, t in known.items() if u not in written and t.status != "open"]
        emails = self._emails(closed)
        for task in closed:
            stamp = task.updated_at or now
            data = dump_ical_item(task, contact_email=emails.get(task.contact_id or -1), now=stamp)
            path, held = folder.claim(export_uid(task), ".ics")
            if held is not None and _newer_elsewhere(held, task.updated_at):
                report.kept += 1
                continue
            with atomic_writer(path, binary=True) as fh:
                fh.write(data)
            report.closed += 1
        with self.rx.reading() as r:
            deleted = {export_uid(t) for t in r.deleted_tasks()} - set(known) - written
        for held in folder.unclaimed():
            task = known.get(held.uid)
            # Deleted here (not a task of another calendar), or its task's file is another
            # one: this would be a second copy.
            second = task is not None and (held.uid in written or task.status != "open")
            if held.ours and (held.uid in deleted or second):
                report.removed += _remove(held.path)


class VdirReport(int):
    """How many records a vdir export wrote (the number itself), and what it did to the
    folder: ``created`` new files; ``replaced`` files that already held the record, under
    any name; ``closed`` files of tasks since done or cancelled, rewritten with that status;
    ``removed`` files of records no longer there, and second copies; ``unchanged`` files
    that held exactly what would be written (left untouched); ``kept`` files changed
    elsewhere after the record was (left for the next import to read)."""

    created: int
    replaced: int
    closed: int
    removed: int
    unchanged: int
    kept: int

    def __new__(
        cls,
        created: int,
        replaced: int,
        closed: int,
        removed: int,
        unchanged: int = 0,
        kept: int = 0,
    ) -> VdirReport:
        self = super().__new__(cls, created + replaced + unchanged)
        self.created = created
        self.replaced = replaced
        self.closed = closed
        self.removed = removed
        self.unchanged = unchanged
        self.kept = kept
        return self

    def __str__(self) -> str:
        return int.__repr__(self)

    def __repr__(self) -> str:
        return (
            f"VdirReport(created={self.created}, replaced={self.replaced}, "
            f"closed={self.closed}, removed={self.removed}, unchanged={self.unchanged}, "
            f"kept={self.kept})"
        )


@dataclass(slots=True)
class _Tally:
    created: int = 0
    replaced: int = 0
    closed: int = 0
    removed: int = 0
    unchanged: int = 0
    kept: int = 0

    def wrote(self, new: bool) -> None:
        if new:
            self.created += 1
        else:
            self.replaced += 1

    def result(self) -> VdirReport:
        return VdirReport(
            self.created, self.replaced, self.closed, self.removed, self.unchanged, self.kept
        )


def _remove(path: str) -> int:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise BadInput(f"cannot remove {path}: {exc.strerror or exc}") from None
    return 1


# ------------------------------------------------------------------ what a vdir holds
def _base(path: str) -> str:
    return os.path.basename(path)


@dataclass(slots=True)
class _Held:
    """A file of a vdir holding one record."""

    path: str
    uid: str
    ours: bool  # written by an export of ours (Rolodex's PRODID)
    revised: dt.datetime | None = None  # its REV (a card) or LAST-MODIFIED (a task), in UTC


class _Folder:
    """The records the files of a vdir hold, by UID, from one pass over the folder that
    reads of each file no more than its first record; and the names a new file must avoid."""

    def __init__(self, target: Path, exts: tuple[str, ...], *, card: bool, ours: str) -> None:
        self.target = target
        # Compared case-folded: where the file system ignores case, a new file must not
        # replace one whose name differs only in case.
        self.taken: set[str] = set()
        self.held: dict[str, list[_Held]] = {}
        self.claimed: set[str] = set()
        prodid = ours.encode()
        try:
            with os.scandir(target) as it:
                entries = list(it)
        except OSError as exc:
            raise BadInput(f"cannot read {target}: {exc.strerror or exc}") from None
        for entry in entries:
            self.taken.add(entry.name.casefold())
            # Hidden files are no items of a vdir (and ours in the making are hidden).
            if entry.name.startswith(".") or not entry.name.lower().endswith(exts):
                continue
            try:
                if not entry.is_file():
                    continue
            except OSError:
                continue
            uid, mine, revised = _first_record(entry.path, card=card, ours=prodid)
            if uid:
                self.held.setdefault(uid, []).append(_Held(entry.path, uid, mine, revised))

    def claim(self, uid: str, ext: str) -> tuple[Path, _Held | None]:
        """The file to write the record ``uid`` to, and what it holds now (None for a new
        file): a file that holds the UID already (another program's before ours, and one
        named by the other program before one named by :func:`vdir_name`), else a name no
        file has."""
        files = [h for h in self.held.get(uid, ()) if h.path not in self.claimed]
        if files:
            plain = vdir_name(uid, ext)
            best = min(files, key=lambda h: (h.ours, _base(h.path) == plain, _base(h.path)))
            self.claimed.add(best.path)
            return Path(best.path), best
        name = vdir_name(uid, ext)
        if name.casefold() in self.taken:
            name = _hashed_name(uid, ext)
            stem, n = name.removesuffix(ext), 1
            while name.casefold() in self.taken:
                n += 1
                name = f"{stem}-{n}{ext}"
        self.taken.add(name.casefold())
        path = self.target / name
        self.claimed.add(str(path))
        return path, None

    def unclaimed(self) -> list[_Held]:
        """The files holding a record that this export has not written to."""
        return sorted(
            (h for files in self.held.values() for h in files if h.path not in self.claimed),
            key=lambda h: _base(h.path),
        )


_BOM = b"\xef\xbb\xbf"
_SMALL = 64 * 1024
_UNFOLD = re.compile(rb"\r?\n[ \t]")
_WANTED_LINE = re.compile(
    rb"^(?:[A-Za-z0-9-]+\.)?(BEGIN|END|UID|PRODID|REV|LAST-MODIFIED)(?=[;:])[^\r\n]*",
    re.MULTILINE | re.IGNORECASE,
)
# The name of a content line, after an optional vCard group.
_NAME = re.compile(rb"(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)[;:]")
_WANTED = frozenset((b"BEGIN", b"END", b"UID", b"PRODID", b"REV", b"LAST-MODIFIED"))
_ITEMS = frozenset((b"VEVENT", b"VTODO", b"VJOURNAL"))
_TEXT_ESCAPE = re.compile(r"\\([\\;,:nN])")


def _properties(fh: IO[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """The BEGIN, END, UID and PRODID lines of a file, unfolded, as (NAME, line): CRLF or
    LF line ends, a byte order mark ignored. A small file is read at once and searched; a
    large one line by line, as far as it is asked for, its other lines never joined."""
    head = fh.read(_SMALL)
    if len(head) < _SMALL:
        data = _UNFOLD.sub(b"", head.removeprefix(_BOM))
        for m in _WANTED_LINE.finditer(data):
            yield m.group(1).upper(), m.group()
        return
    fh.seek(0)
    name = b""
    parts: list[bytes] = []
    first = True
    for raw in fh:
        line = raw.rstrip(b"\r\n")
        if first:
            line = line.removeprefix(_BOM)
            first = False
        if line[:1] in (b" ", b"\t"):
            if name:
                parts.append(line[1:])
            continue
        if name:
            yield name, b"".join(parts)
            name = b""
        m = _NAME.match(line, 0, 80)
        if m is not None and (key := m.group(1).upper()) in _WANTED:
            name = key
            parts = [line]
    if name:
        yield name, b"".join(parts)


def _first_record(
    path: str, *, card: bool, ours: bytes
) -> tuple[str | None, bool, dt.datetime | None]:
    """The UID of the one record a vdir file holds, whether an export of ours (PRODID
    ``ours``) wrote it, and when it was last changed (REV, LAST-MODIFIED). None for a file
    with no UID, and for one holding several records (a whole address book or calendar,
    which is no item of a vdir). Reads a card up to its end (and the next line), a calendar
    up to the end of its item and the item's overrides."""
    uid: bytes | None = None
    mine = False
    revised: dt.datetime | None = None
    stack: list[bytes] = []
    ended = False
    try:
        with open(path, "rb") as fh:
            for name, line in _properties(fh):
                value = line.partition(b":")[2].strip()
                if name == b"BEGIN":
                    if ended:
                        return None, mine, None  # a second record
                    stack.append(value.upper())
                elif name == b"END":
                    if stack:
                        stack.pop()
                    ended = not stack
                    if ended and not card:
                        break
                elif name == b"PRODID":
                    mine = mine or value == ours
                elif name in (b"REV", b"LAST-MODIFIED") and revised is None and stack:
                    revised = _utc_stamp(value)
                elif name == b"UID" and (
                    stack == [b"VCARD"] if card else bool(stack) and stack[-1] in _ITEMS
                ):
                    if uid is None:
                        uid = value
                    elif value != uid:
                        return None, mine, None  # several items in one calendar
    except OSError:
        return None, False, None
    if not uid:
        return None, mine, None
    text = _TEXT_ESCAPE.sub(
        lambda m: "\n" if m.group(1) in "nN" else m.group(1), uid.decode("utf-8", "replace")
    )
    return text.strip(), mine, revised


def _utc_stamp(value: bytes) -> dt.datetime | None:
    """A REV / LAST-MODIFIED value (``20261125T235850Z``, ``2026-11-25T23:58:50Z``, a date)
    in UTC; None when it cannot be read."""
    text = value.decode("ascii", "replace").strip().replace("-", "").replace(":", "")
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text.split(".")[0], fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def _newer_elsewhere(held: _Held, changed: dt.datetime | None) -> bool:
    """Whether a file was changed after the record it holds was (by another program, since
    the last import): writing over it would lose that change before it is read."""
    if held.revised is None or changed is None:
        return False
    return held.revised > changed.astimezone(dt.UTC).replace(microsecond=0)


def _write(
    path: Path, held: _Held | None, data: bytes, changed: dt.datetime | None, report: _Tally
) -> None:
    """Write one record's file, unless it holds a newer change made elsewhere (kept, for
    the next import to read) or exactly these bytes already (left untouched, so that a sync
    tool sees no change)."""
    if held is not None:
        if _newer_elsewhere(held, changed):
            report.kept += 1
            return
        if _same_bytes(path, data):
            report.unchanged += 1
            return
    with atomic_writer(path, binary=True) as fh:
        fh.write(data)
    report.wrote(held is None)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _directory(directory: str) -> Path:
    target = Path(directory).expanduser()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create {directory}: {exc.strerror or exc}") from None
    if not target.is_dir():
        raise BadInput(f"{directory} is not a directory")
    return target
