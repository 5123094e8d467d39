"""Exporting contacts as vCard or CSV and tasks as iCalendar, to a stream or a vdir."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager, suppress
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

    def vdir(self, directory: str, query: str = "", *, version: str = "3.0") -> int:
        """One ``.vcf`` per contact in ``directory`` (the layout khard and vdirsyncer use),
        named by :func:`vdir_name`. Existing files of the same name are replaced, each
        atomically."""
        from rolodex.importers.vcard import dump_vcard

        spec = self.check(query, version=version)
        target = _directory(directory)
        count = 0
        names: set[str] = set()
        with closing(self._with_notes(spec)) as items:
            for c, notes in items:
                name = _unique(c.uid, ".vcf", names)
                with atomic_writer(target / name) as fh:
                    fh.write(dump_vcard(c, version=version, notes=notes))
                count += 1
        return count

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

    def ical_vdir(self, directory: str, due: str | None = None) -> int:
        """One ``.ics`` per open task (the layout khal and todoman read), each written
        atomically; returns how many.

        Files an earlier export wrote (Rolodex's PRODID) for tasks that are no longer open
        are brought up to date, so that the folder never reopens them when read back: a
        task since done (or cancelled) is rewritten with that status, one since deleted is
        removed. Other programs' files, and ours for open tasks outside ``due``, are left
        alone."""
        from rolodex.importers.ical import dump_ical_item, export_uid

        target = _directory(directory)
        tasks = self.open_tasks(due)
        emails = self._emails(tasks)
        now = self.rx.now()
        names: set[str] = set()
        uids: set[str] = set()
        for t in tasks:
            data = dump_ical_item(t, contact_email=emails.get(t.contact_id or -1), now=now)
            uid = export_uid(t)
            uids.add(uid)
            with atomic_writer(target / _unique(uid, ".ics", names), binary=True) as fh:
                fh.write(data)
        self._retire_stale(target, names, uids, now)
        return len(tasks)

    def _retire_stale(
        self, target: Path, written: set[str], uids: set[str], now: dt.datetime
    ) -> None:
        from rolodex.importers.ical import dump_ical_item, export_uid

        ours: dict[str, Path] = {}
        for path in sorted(target.glob("*.ics")):
            if path.name in written or not path.is_file():
                continue
            uid = _our_uid(path)
            if uid is not None:
                ours[uid] = path
        if not ours:
            return
        every = self.rx.activities.task_query(
            None, default="all", statuses=("open", "done", "cancelled")
        )
        known = {export_uid(t): t for t in self.rx.activities.tasks(every)}
        closed = [known[u] for u in ours if u in known and known[u].status != "open"]
        emails = self._emails(closed)
        for uid, path in ours.items():
            task = known.get(uid)
            # Deleted, or written under another name this time: the old file would be a
            # second copy of the task.
            if task is None or uid in uids:
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise BadInput(f"cannot remove {path}: {exc.strerror or exc}") from None
            elif task.status != "open":
                data = dump_ical_item(
                    task, contact_email=emails.get(task.contact_id or -1), now=now
                )
                with atomic_writer(path, binary=True) as fh:
                    fh.write(data)


_UNFOLD = re.compile(rb"\r?\n[ \t]")
_UID_LINE = re.compile(rb"^UID(?:;[^:\r\n]*)?:(.*?)\r?$", re.MULTILINE)
_PRODID_LINE = re.compile(rb"^PRODID(?:;[^:\r\n]*)?:(.*?)\r?$", re.MULTILINE)
_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")


def _our_uid(path: Path) -> str | None:
    """The UID of a one-task file an export of ours wrote, or None for any other file."""
    from rolodex.importers.ical import PRODID

    try:
        data = _UNFOLD.sub(b"", path.read_bytes()[: 1024 * 1024])
    except OSError:
        return None
    prodid = _PRODID_LINE.search(data)
    uids = _UID_LINE.findall(data)
    if prodid is None or prodid.group(1).decode("utf-8", "replace") != PRODID or len(uids) != 1:
        return None
    text = uids[0].decode("utf-8", "replace")
    return _TEXT_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _unique(uid: str, ext: str, taken: set[str]) -> str:
    """The file name of ``uid``, unless an item of this export already has it."""
    name = vdir_name(uid, ext)
    if name in taken:
        name = _hashed_name(uid, ext)
    taken.add(name)
    return name


def _directory(directory: str) -> Path:
    target = Path(directory).expanduser()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create {directory}: {exc.strerror or exc}") from None
    if not target.is_dir():
        raise BadInput(f"{directory} is not a directory")
    return target
