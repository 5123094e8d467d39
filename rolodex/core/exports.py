"""Exporting contacts as vCard or CSV and tasks as iCalendar, to a stream or a vdir."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rolodex.core.models import Contact, Task
from rolodex.errors import BadInput, UsageError

if TYPE_CHECKING:
    from rolodex.core.service import Rolodex

VCARD_VERSIONS = ("3.0", "4.0")
_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


def vdir_name(uid: str, ext: str) -> str:
    """A file name for a vdir item: the UID, made safe (vdirsyncer does the same)."""
    name = _UNSAFE.sub("_", uid.removeprefix("urn:uuid:"))[:200] or "item"
    return f"{name}{ext}"


class ExportService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    def _check_version(self, version: str) -> None:
        if version not in VCARD_VERSIONS:
            raise UsageError(f"vCard version {version!r}: choose 3.0 or 4.0")

    def _with_notes(self, query: str) -> Iterator[tuple[Contact, list[str]]]:
        spec = self.rx.contacts.parse(query)
        with self.rx.reading() as r:
            for c in r.iter_contacts(spec):
                assert c.id is not None
                notes = [n.body for n in reversed(r.notes_of_contact(c.id))]
                yield c, notes

    def vcards(self, query: str = "", *, version: str = "3.0") -> Iterator[str]:
        """Every matching contact as a vCard (its notes as NOTE), streamed."""
        from rolodex.importers.vcard import dump_vcard

        self._check_version(version)
        for c, notes in self._with_notes(query):
            yield dump_vcard(c, version=version, notes=notes)

    def vdir(self, directory: str, query: str = "", *, version: str = "3.0") -> int:
        """One ``<UID>.vcf`` per contact in ``directory`` (the layout khard and vdirsyncer
        use). Existing files of the same name are replaced."""
        from rolodex.importers.vcard import dump_vcard

        self._check_version(version)
        target = _directory(directory)
        count = 0
        for c, notes in self._with_notes(query):
            path = target / vdir_name(c.uid, ".vcf")
            path.write_text(
                dump_vcard(c, version=version, notes=notes), encoding="utf-8", newline=""
            )
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
        """One ``.ics`` per task (the layout khal and todoman read)."""
        from rolodex.importers.ical import dump_ical_item, export_uid

        target = _directory(directory)
        tasks = self.open_tasks(due)
        emails = self._emails(tasks)
        now = self.rx.now()
        for t in tasks:
            data = dump_ical_item(t, contact_email=emails.get(t.contact_id or -1), now=now)
            (target / vdir_name(export_uid(t), ".ics")).write_bytes(data)
        return len(tasks)


def _directory(directory: str) -> Path:
    target = Path(directory).expanduser()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create {directory}: {exc.strerror or exc}") from None
    if not target.is_dir():
        raise BadInput(f"{directory} is not a directory")
    return target
