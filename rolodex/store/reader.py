"""Read queries, written once as dialect-neutral SQL text.

``Reader`` runs on any ``Executor``: the stdlib sqlite3 connection of the fast read path, or the
SQLAlchemy connection of a write transaction or of PostgreSQL. Only ``search.py`` knows dialects.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from rolodex.core.journal import BULK_CONTACTS as BULK
from rolodex.core.models import (
    Account,
    Address,
    Consent,
    Contact,
    Deal,
    Email,
    ImportBatch,
    Interaction,
    JournalEntry,
    Note,
    PartialDate,
    Phone,
    Provenance,
    Ref,
    SavedSearch,
    SearchHit,
    Social,
    Task,
    TaskQuery,
    TimelineItem,
    Url,
    User,
    task_from_dict,
)
from rolodex.core.ports import MatchIndex
from rolodex.core.query import QuerySpec
from rolodex.core.text import digits, fold
from rolodex.store import search
from rolodex.store.sql import (
    Executor,
    as_date,
    as_datetime,
    as_time,
    chunks,
    id_list,
    in_clause,
)


def like_pattern(value: str) -> str:
    """``%value%`` with LIKE's wildcards escaped (use with ESCAPE '\\')."""
    esc = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


_CONTACT_COLS = (
    "c.id, c.uid, c.prefix, c.given_name, c.additional_name, c.family_name, c.suffix, "
    "c.display_name, c.nickname, c.title, c.role, c.account_id, a.name, c.birthday, "
    "c.anniversary, c.stage, c.owner_id, c.photo, c.source, c.batch_id, c.collected_at, "
    "c.purpose, c.legal_basis, c.created_at, c.updated_at, c.deleted_at"
)
_TASK_COLS = (
    "t.id, t.title, t.kind, t.due_date, t.due_time, t.priority, t.status, t.repeat, "
    "t.assignee_id, t.contact_id, t.account_id, t.deal_id, t.notes, t.completed_at, "
    "t.created_at, t.updated_at, c.display_name, t.uid, t.timezone, t.exdates, "
    "t.duration_seconds"
)


def search_parts(
    c: Contact, notes: Sequence[str] = ()
) -> tuple[list[str], list[tuple[str, str | None]]]:
    """What goes into a contact's search document: names, nickname, title, account, tags,
    emails and notes; and its phones."""
    parts = [
        c.display_name,
        c.given_name,
        c.family_name,
        c.additional_name,
        c.nickname,
        c.title,
        c.account or "",
        *c.tags,
        *(e.address for e in c.emails),
        *notes,
    ]
    return parts, [(p.number, p.e164) for p in c.phones]


def _pd(value: str | None) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError:
        return None


class Reader:
    def __init__(self, ex: Executor) -> None:
        self.ex = ex

    @property
    def dialect(self) -> str:
        return self.ex.dialect

    # ------------------------------------------------------------------ contacts
    def contacts_by_ids(self, ids: Sequence[int]) -> list[Contact]:
        """Full contacts, in the order of ``ids`` (missing ids are skipped)."""
        found: dict[int, Contact] = {}
        for batch in chunks(list(dict.fromkeys(ids))):
            found.update(self._load_contacts(batch))
        return [found[i] for i in ids if i in found]

    def get_contact(self, contact_id: int) -> Contact | None:
        got = self.contacts_by_ids([contact_id])
        return got[0] if got else None

    def _load_contacts(self, ids: list[int]) -> dict[int, Contact]:
        inn = id_list(ids)
        out: dict[int, Contact] = {}
        for r in self.ex.rows(
            f"SELECT {_CONTACT_COLS} FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "
            f"WHERE c.id IN {inn}",
        ):
            out[r[0]] = Contact(
                id=r[0],
                uid=r[1],
                prefix=r[2],
                given_name=r[3],
                additional_name=r[4],
                family_name=r[5],
                suffix=r[6],
                display_name=r[7],
                nickname=r[8],
                title=r[9],
                role=r[10],
                account_id=r[11],
                account=r[12],
                birthday=_pd(r[13]),
                anniversary=_pd(r[14]),
                stage=r[15],
                owner_id=r[16],
                photo=r[17],
                provenance=Provenance(
                    source=r[18],
                    batch_id=r[19],
                    collected_at=as_datetime(r[20]),
                    purpose=r[21],
                    legal_basis=r[22],
                ),
                created_at=as_datetime(r[23]),
                updated_at=as_datetime(r[24]),
                deleted_at=as_datetime(r[25]),
            )
        if not out:
            return out
        inn = id_list(out)
        q = self.ex.rows
        for cid, addr, label, pref in q(
            "SELECT contact_id, address, label, preferred FROM contact_emails "
            f"WHERE contact_id IN {inn} ORDER BY contact_id, position",
        ):
            out[cid].emails.append(Email(addr, label, bool(pref)))
        for cid, num, e164, label, pref in q(
            "SELECT contact_id, number, e164, label, preferred FROM contact_phones "
            f"WHERE contact_id IN {inn} ORDER BY contact_id, position",
        ):
            out[cid].phones.append(Phone(num, e164, label, bool(pref)))
        for r in q(
            "SELECT contact_id, street, locality, region, postal_code, country, po_box, extended, "
            f"label, preferred FROM contact_addresses WHERE contact_id IN {inn} "
            "ORDER BY contact_id, position",
        ):
            out[r[0]].addresses.append(Address(*r[1:9], preferred=bool(r[9])))
        for cid, url, label, pref in q(
            "SELECT contact_id, url, label, preferred FROM contact_urls "
            f"WHERE contact_id IN {inn} ORDER BY contact_id, position",
        ):
            out[cid].urls.append(Url(url, label, bool(pref)))
        for cid, service, handle in q(
            "SELECT contact_id, service, handle FROM contact_socials "
            f"WHERE contact_id IN {inn} ORDER BY contact_id, position",
        ):
            out[cid].socials.append(Social(service, handle))
        for cid, name in q(
            "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "
            f"WHERE ct.contact_id IN {inn} ORDER BY ct.contact_id, ct.position, t.name",
        ):
            out[cid].tags.append(name)
        for cid, name, value in q(
            f"SELECT contact_id, name, value FROM custom_fields WHERE contact_id IN {inn} "
            "ORDER BY contact_id, name",
        ):
            out[cid].custom[name] = value
        for cid, line in q(
            f"SELECT contact_id, line FROM vcard_extras WHERE contact_id IN {inn} "
            "ORDER BY contact_id, position",
        ):
            out[cid].vcard_extra.append(line)
        for cid, channel, granted, at, note in q(
            "SELECT contact_id, channel, granted, at, note FROM consents "
            f"WHERE contact_id IN {inn} ORDER BY contact_id, channel",
        ):
            out[cid].consents.append(Consent(channel, bool(granted), as_datetime(at), note))
        return out

    def _contact_filter(self, spec: QuerySpec) -> tuple[list[str], dict[str, Any], str | None]:
        """WHERE conditions for a query, its parameters, and the FTS subquery (if words)."""
        conds: list[str] = []
        params: dict[str, Any] = {}
        n = 0

        def param(value: Any) -> str:
            nonlocal n
            n += 1
            params[f"f{n}"] = value
            return f":f{n}"

        conds.append("c.deleted_at IS NOT NULL" if spec.trashed else "c.deleted_at IS NULL")
        fts_sql = None
        positive_words = [t.value for t in spec.terms if t.field == "text" and not t.negate]
        if positive_words:
            tokens = search.query_tokens(positive_words)
            if not tokens:
                conds.append("1 = 0")
            else:
                fts_sql, fp, _ = search.match_subquery(self.dialect, tokens, prefix="w")
                params.update(fp)
        for t in spec.terms:
            field, v = t.field, t.value
            cond: str | None = None
            if field == "text":
                if not t.negate:
                    continue
                tokens = search.query_tokens([v])
                if not tokens:
                    continue
                sub, sp, _ = search.match_subquery(self.dialect, tokens, prefix=f"n{n}_")
                n += 1
                params.update(sp)
                cond = f"c.id IN (SELECT cid FROM ({sub}) nx)"
            elif field == "tag":
                cond = (
                    "EXISTS (SELECT 1 FROM contact_tags ct JOIN tags tg ON tg.id = ct.tag_id "
                    f"WHERE ct.contact_id = c.id AND tg.key = {param(fold(v))})"
                )
            elif field == "org":
                cond = (
                    "c.account_id IN (SELECT id FROM accounts "
                    f"WHERE name_key LIKE {param(like_pattern(fold(v)))} ESCAPE '\\')"
                )
            elif field == "stage":
                cond = f"c.stage = {param(v.lower())}"
            elif field == "city":
                cond = (
                    "EXISTS (SELECT 1 FROM contact_addresses ad WHERE ad.contact_id = c.id AND "
                    f"ad.locality_key LIKE {param(like_pattern(fold(v)))} ESCAPE '\\')"
                )
            elif field == "country":
                cond = (
                    "EXISTS (SELECT 1 FROM contact_addresses ad WHERE ad.contact_id = c.id AND "
                    f"ad.country_key LIKE {param(like_pattern(fold(v)))} ESCAPE '\\')"
                )
            elif field == "email":
                cond = (
                    "EXISTS (SELECT 1 FROM contact_emails em WHERE em.contact_id = c.id AND "
                    f"em.address_key LIKE {param(like_pattern(v.strip().lower()))} ESCAPE '\\')"
                )
            elif field == "phone":
                d = digits(v)
                if not d:
                    cond = "1 = 0"
                else:
                    cond = (
                        "EXISTS (SELECT 1 FROM contact_phones ph WHERE ph.contact_id = c.id AND "
                        f"ph.digits LIKE {param(like_pattern(d))} ESCAPE '\\')"
                    )
            elif field == "name":
                cond = f"c.name_key LIKE {param(like_pattern(fold(v)))} ESCAPE '\\'"
            elif field == "title":
                cond = f"c.title_key LIKE {param(like_pattern(fold(v)))} ESCAPE '\\'"
            elif field == "owner":
                cond = f"c.owner_id IN (SELECT id FROM users WHERE name = {param(v)})"
            elif field == "id":
                cond = f"c.id = {param(int(v))}"
            elif field == "uid":
                cond = f"c.uid = {param(v)}"
            elif field == "has":
                cond = _HAS[v.lower()]
            if cond is not None:
                # Null-safe negation: -stage:lead keeps contacts that have no stage at all.
                conds.append(f"(CASE WHEN {cond} THEN 1 ELSE 0 END) = 0" if t.negate else cond)
        return conds, params, fts_sql

    def find_contact_ids(
        self, spec: QuerySpec, *, limit: int | None = None, offset: int = 0
    ) -> list[int]:
        conds, params, fts = self._contact_filter(spec)
        where = " AND ".join(conds)
        if fts:
            sql = (
                f"SELECT c.id FROM contacts c JOIN ({fts}) fx ON fx.cid = c.id WHERE {where} "
                "ORDER BY fx.score, c.sort_key, c.id"
            )
        else:
            sql = f"SELECT c.id FROM contacts c WHERE {where} ORDER BY c.sort_key, c.id"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [r[0] for r in self.ex.rows(sql, params)]

    def count_contacts(self, spec: QuerySpec) -> int:
        conds, params, fts = self._contact_filter(spec)
        where = " AND ".join(conds)
        if fts:
            sql = f"SELECT COUNT(*) FROM contacts c JOIN ({fts}) fx ON fx.cid = c.id WHERE {where}"
        else:
            sql = f"SELECT COUNT(*) FROM contacts c WHERE {where}"
        return int(self.ex.scalar(sql, params) or 0)

    def iter_contacts(self, spec: QuerySpec, *, batch: int = 1000) -> Iterator[Contact]:
        """Every matching contact, loaded in batches (memory stays flat at 100k)."""
        ids = self.find_contact_ids(spec)
        for part in chunks(ids, batch):
            yield from self.contacts_by_ids(part)

    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        """Per-keystroke search: ranked matches with what a result list shows."""
        tokens = search.query_tokens([text])
        if not tokens:
            return []
        sub, params, ranked = search.match_subquery(self.dialect, tokens)
        order = "fx.score, c.sort_key, c.id" if ranked else "fx.cid"
        # Take the best matches inside the index first, so only a page of rows is joined and
        # sorted however many contacts match; a few spare ones stand in for trashed contacts.
        inner = f"SELECT cid, score FROM ({sub}) mx ORDER BY {'score' if ranked else 'cid'}"
        rows = self.ex.rows(
            "SELECT c.id, c.display_name, a.name, fx.score, "
            "(SELECT address FROM contact_emails e WHERE e.contact_id = c.id "
            " ORDER BY e.preferred DESC, e.position LIMIT 1), "
            "(SELECT number FROM contact_phones p WHERE p.contact_id = c.id "
            " ORDER BY p.preferred DESC, p.position LIMIT 1) "
            f"FROM ({inner} LIMIT {int(limit) + 50}) fx JOIN contacts c ON c.id = fx.cid "
            "LEFT JOIN accounts a ON a.id = c.account_id "
            f"WHERE c.deleted_at IS NULL ORDER BY {order} LIMIT {int(limit)}",
            params,
        )
        return [
            SearchHit(
                id=r[0],
                display_name=r[1],
                account=r[2],
                score=0.0 - float(r[3] or 0),  # higher is better (and never -0.0)
                email=r[4],
                phone=r[5],
            )
            for r in rows
        ]

    def email_matches(self, text: str, *, limit: int = 200) -> list[tuple[str, str, str]]:
        """(address, name, account) of every email of the contacts matching ``text``, best
        matches first: what a mail client's address completion shows."""
        tokens = search.query_tokens([text])
        if not tokens:
            return []
        sub, params, ranked = search.match_subquery(self.dialect, tokens)
        inner = f"SELECT cid, score FROM ({sub}) mx ORDER BY {'score' if ranked else 'cid'}"
        rows = self.ex.rows(
            "SELECT e.address, c.display_name, COALESCE(a.name, '') "
            f"FROM ({inner} LIMIT {int(limit)}) fx JOIN contacts c ON c.id = fx.cid "
            "JOIN contact_emails e ON e.contact_id = c.id "
            "LEFT JOIN accounts a ON a.id = c.account_id "
            "WHERE c.deleted_at IS NULL "
            f"ORDER BY {'fx.score, ' if ranked else ''}c.sort_key, c.id, e.preferred DESC, "
            "e.position",
            params,
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def contact_candidates(self, ref: str, *, include_trashed: bool = False) -> list[Ref]:
        """Contacts a reference may mean: id, UID, email address, then a name fragment."""
        alive = "" if include_trashed else " AND c.deleted_at IS NULL"
        ref = ref.strip()
        if not ref:
            return []
        if ref.isdigit():
            rows = self.ex.rows(
                f"SELECT c.id, c.display_name FROM contacts c WHERE c.id = :v{alive}",
                {"v": int(ref)},
            )
            if rows:
                return [Ref(*r) for r in rows]
        rows = self.ex.rows(
            f"SELECT c.id, c.display_name FROM contacts c WHERE c.uid = :v{alive}", {"v": ref}
        )
        if rows:
            return [Ref(*r) for r in rows]
        if "@" in ref:
            rows = self.ex.rows(
                "SELECT DISTINCT c.id, c.display_name FROM contacts c JOIN contact_emails e "
                f"ON e.contact_id = c.id WHERE e.address_key = :v{alive} ORDER BY c.id",
                {"v": ref.lower()},
            )
            if rows:
                return [Ref(*r) for r in rows]
        key = fold(ref)
        exact = self.ex.rows(
            f"SELECT c.id, c.display_name FROM contacts c WHERE c.sort_key = :v{alive} "
            "ORDER BY c.id LIMIT 51",
            {"v": key},
        )
        if exact:
            return [Ref(*r) for r in exact]
        rows = self.ex.rows(
            "SELECT c.id, c.display_name FROM contacts c WHERE c.name_key LIKE :v ESCAPE '\\'"
            f"{alive} ORDER BY c.sort_key, c.id LIMIT 51",
            {"v": like_pattern(key)},
        )
        return [Ref(*r) for r in rows]

    def uid_exists(self, uid: str) -> int | None:
        return self.ex.scalar("SELECT id FROM contacts WHERE uid = :u", {"u": uid})

    def contacts_with_email(self, address: str) -> list[Ref]:
        """Contacts (the trash included) that have this email address."""
        rows = self.ex.rows(
            "SELECT DISTINCT c.id, c.display_name FROM contacts c JOIN contact_emails e "
            "ON e.contact_id = c.id WHERE e.address_key = :v ORDER BY c.id",
            {"v": address.lower()},
        )
        return [Ref(*r) for r in rows]

    def match_index(self) -> MatchIndex:
        """Active contacts by UID, email, E.164 phone and the digits of phones without an
        E.164 form; the names of those that share one of these (a record is matched to the one
        of its name); the UIDs of contacts merged into others and of those in the trash."""
        uids: dict[str, int] = {}
        trashed: dict[str, int] = {}
        for uid, cid, deleted in self.ex.rows("SELECT uid, id, deleted_at FROM contacts"):
            if deleted is None:
                uids[uid] = cid
            else:
                trashed[uid] = cid
        emails: dict[str, int | list[int]] = {}
        phones: dict[str, int | list[int]] = {}
        local: dict[str, int | list[int]] = {}
        for index, sql in (
            (
                emails,
                "SELECT e.address_key, e.contact_id FROM contact_emails e JOIN contacts c "
                "ON c.id = e.contact_id WHERE c.deleted_at IS NULL ORDER BY e.contact_id",
            ),
            (
                phones,
                "SELECT p.e164, p.contact_id FROM contact_phones p JOIN contacts c "
                "ON c.id = p.contact_id WHERE c.deleted_at IS NULL AND p.e164 IS NOT NULL "
                "ORDER BY p.contact_id",
            ),
            (
                local,
                "SELECT p.digits, p.contact_id FROM contact_phones p JOIN contacts c "
                "ON c.id = p.contact_id WHERE c.deleted_at IS NULL AND p.e164 IS NULL "
                "AND p.digits <> '' ORDER BY p.contact_id",
            ),
        ):
            for key, cid in self.ex.rows(sql):
                have = index.setdefault(key, cid)
                if have == cid:
                    continue
                if type(have) is int:
                    index[key] = [have, cid]
                elif cid not in have:
                    have.append(cid)
        shared = sorted(
            {
                cid
                for index in (emails, phones, local)
                for v in index.values()
                if type(v) is list
                for cid in v
            }
        )
        names: dict[int, str] = {}
        for part in chunks(shared):
            inn, p = in_clause("i", part)
            names.update(
                self.ex.rows(f"SELECT id, display_name FROM contacts WHERE id IN {inn}", p)
            )
        merged = self._merged_uids(set(uids.values()))
        return MatchIndex(uids, emails, phones, local, names, merged, trashed)

    def gone_contact_uids(self) -> set[str]:
        """UIDs of the contacts this store had and has no more among its active ones: in the
        trash, merged into another, or deleted for good (from the journal)."""
        out = {
            uid for (uid,) in self.ex.rows("SELECT uid FROM contacts WHERE deleted_at IS NOT NULL")
        }
        for (before,) in self.ex.rows(
            "SELECT before FROM journal WHERE entity = 'contact' "
            "AND action IN ('delete', 'merge', 'undo') AND after IS NULL AND undone = :u",
            {"u": False},
        ):
            uid = (json.loads(before) if before else {}).get("uid")
            if uid:
                out.add(uid)
        alive = self.ex.rows("SELECT uid FROM contacts WHERE deleted_at IS NULL")
        return out - {uid for (uid,) in alive}

    def deleted_tasks(self) -> list[Task]:
        """The tasks deleted since they were made, or whose making was undone (as they
        were), from the journal."""
        return [
            task_from_dict(json.loads(before))
            for (before,) in self.ex.rows(
                "SELECT before FROM journal WHERE entity = 'task' AND action IN ('delete', 'undo') "
                "AND after IS NULL AND undone = :u AND before IS NOT NULL",
                {"u": False},
            )
        ]

    def _merged_uids(self, alive: set[int]) -> dict[str, int]:
        """UID of each contact merged into another (merges not undone) -> the active contact
        it lives on in now (following merges of merges). A merge is two journal entries of one
        group: the dropped contact's (its snapshot before, none after) and the kept one's."""
        groups: dict[str, list[tuple[int, str | None, bool]]] = defaultdict(list)
        for group, cid, before, after in self.ex.rows(
            "SELECT group_id, entity_id, before, after FROM journal WHERE action = 'merge' "
            "AND entity = 'contact' AND undone = :u ORDER BY id",
            {"u": False},
        ):
            groups[group].append((cid, before, after is not None))
        into: dict[int, int] = {}  # dropped contact id -> the id it was merged into
        uid_of: dict[int, str] = {}
        for entries in groups.values():
            kept = next((cid for cid, _, has_after in entries if has_after), None)
            for cid, before, has_after in entries:
                if not has_after and kept is not None and before:
                    into[cid] = kept
                    uid_of[cid] = json.loads(before).get("uid") or ""
        out: dict[str, int] = {}
        for dropped, uid in uid_of.items():
            target, seen = into[dropped], {dropped}
            while target not in alive and target in into and target not in seen:
                seen.add(target)
                target = into[target]
            if uid and target in alive:
                out[uid] = target
        return out

    def contact_names(self) -> list[tuple[int, str, str, int | None]]:
        """(id, display name, family name, account id) of every active contact."""
        return [
            (r[0], r[1], r[2], r[3])
            for r in self.ex.rows(
                "SELECT id, display_name, family_name, account_id FROM contacts "
                "WHERE deleted_at IS NULL ORDER BY id"
            )
        ]

    def duplicate_inputs(
        self,
    ) -> tuple[
        list[tuple[int, str, str, int | None]], list[tuple[int, int]], list[tuple[int, int]]
    ]:
        """Active contacts' names, and the pairs of them that share an email or a phone."""
        alive = (
            "JOIN contacts ca ON ca.id = x.contact_id AND ca.deleted_at IS NULL "
            "JOIN contacts cb ON cb.id = y.contact_id AND cb.deleted_at IS NULL"
        )
        emails = self.ex.rows(
            "SELECT DISTINCT x.contact_id, y.contact_id FROM contact_emails x "
            "JOIN contact_emails y ON y.address_key = x.address_key "
            f"AND y.contact_id > x.contact_id {alive}"
        )
        phones = self.ex.rows(
            "SELECT DISTINCT x.contact_id, y.contact_id FROM contact_phones x "
            "JOIN contact_phones y ON y.e164 = x.e164 AND y.contact_id > x.contact_id "
            f"{alive} WHERE x.e164 IS NOT NULL"
        )
        return self.contact_names(), [tuple(r) for r in emails], [tuple(r) for r in phones]

    def contacts_with_phones(self, e164s: Sequence[str]) -> list[Ref]:
        inn, p = in_clause("p", list(e164s))
        rows = self.ex.rows(
            "SELECT DISTINCT c.id, c.display_name FROM contacts c JOIN contact_phones ph "
            f"ON ph.contact_id = c.id WHERE ph.e164 IN {inn} AND c.deleted_at IS NULL "
            "ORDER BY c.id",
            p,
        )
        return [Ref(*r) for r in rows]

    def birthdays_on(self, day: dt.date) -> list[Contact]:
        keys = [f"{day.month:02d}-{day.day:02d}"]
        leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
        if (day.month, day.day) == (2, 28) and not leap:
            keys.append("02-29")
        inn, p = in_clause("b", keys)
        ids = [
            r[0]
            for r in self.ex.rows(
                f"SELECT id FROM contacts WHERE birthday_md IN {inn} AND deleted_at IS NULL "
                "ORDER BY sort_key",
                p,
            )
        ]
        return self.contacts_by_ids(ids)

    def trashed_contacts(self) -> list[Contact]:
        ids = [
            r[0]
            for r in self.ex.rows(
                "SELECT id FROM contacts WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC"
            )
        ]
        return self.contacts_by_ids(ids)

    def contact_ids_of_account(self, account_id: int) -> list[int]:
        return [
            r[0]
            for r in self.ex.rows(
                "SELECT id FROM contacts WHERE account_id = :a ORDER BY id", {"a": account_id}
            )
        ]

    def search_docs(self, ids: Sequence[int]) -> dict[int, str]:
        """Search documents of existing contacts: names, nickname, title, account, tags,
        emails, phones and notes."""
        contacts = self.contacts_by_ids(ids)
        if not contacts:
            return {}
        inn, p = in_clause("i", [c.id for c in contacts])
        notes: dict[int, list[str]] = defaultdict(list)
        for cid, body in self.ex.rows(
            f"SELECT contact_id, body FROM notes WHERE contact_id IN {inn} ORDER BY id", p
        ):
            notes[cid].append(body)
        return {c.id: search.build_doc(*search_parts(c, notes.get(c.id, ()))) for c in contacts}

    # ------------------------------------------------------------------ accounts
    def accounts_by_ids(self, ids: Sequence[int]) -> list[Account]:
        found: dict[int, Account] = {}
        for batch in chunks(list(dict.fromkeys(ids))):
            inn, p = in_clause("i", batch)
            for r in self.ex.rows(
                "SELECT a.id, a.name, a.domain, a.industry, a.owner_id, a.source, a.batch_id, "
                "a.collected_at, a.purpose, a.legal_basis, a.created_at, a.updated_at, "
                "a.deleted_at, (SELECT COUNT(*) FROM contacts c WHERE c.account_id = a.id "
                f"AND c.deleted_at IS NULL) FROM accounts a WHERE a.id IN {inn}",
                p,
            ):
                found[r[0]] = Account(
                    id=r[0],
                    name=r[1],
                    domain=r[2],
                    industry=r[3],
                    owner_id=r[4],
                    provenance=Provenance(r[5], r[6], as_datetime(r[7]), r[8], r[9]),
                    created_at=as_datetime(r[10]),
                    updated_at=as_datetime(r[11]),
                    deleted_at=as_datetime(r[12]),
                    contact_count=int(r[13]),
                )
            for aid, num, e164, label, pref in self.ex.rows(
                "SELECT account_id, number, e164, label, preferred FROM account_phones "
                f"WHERE account_id IN {inn} ORDER BY account_id, position",
                p,
            ):
                found[aid].phones.append(Phone(num, e164, label, bool(pref)))
            for r in self.ex.rows(
                "SELECT account_id, street, locality, region, postal_code, country, po_box, "
                f"extended, label, preferred FROM account_addresses WHERE account_id IN {inn} "
                "ORDER BY account_id, position",
                p,
            ):
                found[r[0]].addresses.append(Address(*r[1:9], preferred=bool(r[9])))
            for aid, name in self.ex.rows(
                "SELECT at.account_id, t.name FROM account_tags at JOIN tags t ON t.id = at.tag_id "
                f"WHERE at.account_id IN {inn} ORDER BY at.account_id, at.position, t.name",
                p,
            ):
                found[aid].tags.append(name)
        return [found[i] for i in ids if i in found]

    def get_account(self, account_id: int) -> Account | None:
        got = self.accounts_by_ids([account_id])
        return got[0] if got else None

    def find_account_ids(self, text: str = "", *, trashed: bool = False) -> list[int]:
        cond = "deleted_at IS NOT NULL" if trashed else "deleted_at IS NULL"
        params: dict[str, Any] = {}
        if text.strip():
            cond += " AND (name_key LIKE :p ESCAPE '\\' OR domain LIKE :p ESCAPE '\\')"
            params["p"] = like_pattern(fold(text.strip()))
        return [
            r[0]
            for r in self.ex.rows(
                f"SELECT id FROM accounts WHERE {cond} ORDER BY name_key, id", params
            )
        ]

    def account_candidates(self, ref: str, *, include_trashed: bool = False) -> list[Ref]:
        alive = "" if include_trashed else " AND deleted_at IS NULL"
        ref = ref.strip()
        if not ref:
            return []
        if ref.isdigit():
            rows = self.ex.rows(
                f"SELECT id, name FROM accounts WHERE id = :v{alive}", {"v": int(ref)}
            )
            if rows:
                return [Ref(*r) for r in rows]
        key = fold(ref)
        rows = self.ex.rows(
            f"SELECT id, name FROM accounts WHERE (name_key = :k OR domain = :d){alive} "
            "ORDER BY id",
            {"k": key, "d": ref.lower()},
        )
        if rows:
            return [Ref(*r) for r in rows]
        rows = self.ex.rows(
            f"SELECT id, name FROM accounts WHERE name_key LIKE :p ESCAPE '\\'{alive} "
            "ORDER BY name_key, id LIMIT 51",
            {"p": like_pattern(key)},
        )
        return [Ref(*r) for r in rows]

    def account_id_by_name(self, name: str) -> int | None:
        return self.ex.scalar(
            "SELECT id FROM accounts WHERE name_key = :k AND deleted_at IS NULL ORDER BY id",
            {"k": fold(name.strip())},
        )

    # ------------------------------------------------------------------ notes & interactions
    def get_note(self, note_id: int) -> Note | None:
        got = self._notes("n.id = :i", {"i": note_id})
        return got[0] if got else None

    def notes_of_contact(self, contact_id: int) -> list[Note]:
        return self._notes("n.contact_id = :c", {"c": contact_id})

    def notes_of_account(self, account_id: int) -> list[Note]:
        """The account's own notes (not those of its contacts)."""
        return self._notes("n.account_id = :a AND n.contact_id IS NULL", {"a": account_id})

    def _notes(self, where: str, params: dict[str, Any]) -> list[Note]:
        out = []
        for r in self.ex.rows(
            "SELECT n.id, n.body, n.contact_id, n.account_id, n.deal_id, n.author_id, n.pinned, "
            "n.created_at, n.updated_at, c.display_name FROM notes n "
            f"LEFT JOIN contacts c ON c.id = n.contact_id WHERE {where} "
            "ORDER BY n.created_at DESC, n.id DESC",
            params,
        ):
            out.append(
                Note(
                    id=r[0],
                    body=r[1],
                    contact_id=r[2],
                    account_id=r[3],
                    deal_id=r[4],
                    author_id=r[5],
                    pinned=bool(r[6]),
                    created_at=as_datetime(r[7]),
                    updated_at=as_datetime(r[8]),
                    contact=Ref(r[2], r[9]) if r[2] is not None else None,
                )
            )
        return out

    def note_bodies(self, contact_ids: Sequence[int]) -> dict[int, set[str]]:
        """The note texts of these contacts (an import adds only the new ones)."""
        out: dict[int, set[str]] = defaultdict(set)
        for batch in chunks(list(contact_ids)):
            inn, p = in_clause("i", batch)
            for cid, body in self.ex.rows(
                f"SELECT contact_id, body FROM notes WHERE contact_id IN {inn}", p
            ):
                out[cid].add(body)
        return dict(out)

    def get_interaction(self, interaction_id: int) -> Interaction | None:
        got = self._interactions("i.id = :i", {"i": interaction_id})
        return got[0] if got else None

    def interactions_of_contact(self, contact_id: int) -> list[Interaction]:
        return self._interactions("i.contact_id = :c", {"c": contact_id})

    def _interactions(self, where: str, params: dict[str, Any]) -> list[Interaction]:
        out = []
        for r in self.ex.rows(
            "SELECT i.id, i.channel, i.summary, i.occurred_at, i.direction, i.contact_id, "
            "i.account_id, i.deal_id, i.task_id, i.author_id, i.created_at, c.display_name, "
            "i.uid "
            f"FROM interactions i LEFT JOIN contacts c ON c.id = i.contact_id WHERE {where} "
            "ORDER BY i.occurred_at DESC, i.id DESC",
            params,
        ):
            out.append(
                Interaction(
                    id=r[0],
                    channel=r[1],
                    summary=r[2],
                    occurred_at=as_datetime(r[3]),
                    direction=r[4],
                    contact_id=r[5],
                    account_id=r[6],
                    deal_id=r[7],
                    task_id=r[8],
                    author_id=r[9],
                    created_at=as_datetime(r[10]),
                    contact=Ref(r[5], r[11]) if r[5] is not None else None,
                    uid=r[12] or "",
                )
            )
        return out

    def timeline(self, contact_id: int, *, limit: int | None = None) -> list[TimelineItem]:
        """Notes, interactions and completed tasks of a contact, newest first."""
        items: list[TimelineItem] = []
        for n in self.notes_of_contact(contact_id):
            items.append(TimelineItem("note", n.created_at, n.body, n.id, contact=n.contact))
        for i in self.interactions_of_contact(contact_id):
            items.append(
                TimelineItem(
                    "interaction",
                    i.occurred_at,
                    i.summary,
                    i.id,
                    channel=i.channel,
                    direction=i.direction,
                    contact=i.contact,
                )
            )
        for t in self.tasks(
            TaskQuery(today=dt.date.today(), statuses=("done",), contact_id=contact_id)
        ):
            if t.completed_at is not None:
                items.append(TimelineItem("task", t.completed_at, t.title, t.id, contact=t.contact))
        items.sort(key=lambda x: (x.at, x.id), reverse=True)
        return items[:limit] if limit else items

    # ------------------------------------------------------------------ tasks
    def get_task(self, task_id: int) -> Task | None:
        rows = self.ex.rows(
            f"SELECT {_TASK_COLS} FROM tasks t LEFT JOIN contacts c ON c.id = t.contact_id "
            "WHERE t.id = :i",
            {"i": task_id},
        )
        return _task(rows[0]) if rows else None

    def tasks(self, q: TaskQuery) -> list[Task]:
        conds: list[str] = []
        params: dict[str, Any] = {}
        if q.statuses:
            inn, p = in_clause("s", q.statuses)
            conds.append(f"t.status IN {inn}")
            params.update(p)
        if q.kinds:
            inn, p = in_clause("k", q.kinds)
            conds.append(f"t.kind IN {inn}")
            params.update(p)
        if q.contact_id is not None:
            conds.append("t.contact_id = :cid")
            params["cid"] = q.contact_id
        when: list[str] = []
        if q.start is not None or q.end is not None:
            rng = ["t.due_date IS NOT NULL"]
            if q.start is not None:
                rng.append("t.due_date >= :start")
                params["start"] = q.start
            if q.end is not None:
                rng.append("t.due_date <= :end")
                params["end"] = q.end
            when.append("(" + " AND ".join(rng) + ")")
        if q.overdue:
            when.append("(t.status = 'open' AND t.due_date < :today)")
            params["today"] = q.today
        if when:
            conds.append("(" + " OR ".join(when) + ")")
        where = " AND ".join(conds) if conds else "1 = 1"
        # Contacts in the trash take their tasks with them out of lists.
        where += " AND (t.contact_id IS NULL OR c.deleted_at IS NULL)"
        sql = (
            f"SELECT {_TASK_COLS} FROM tasks t LEFT JOIN contacts c ON c.id = t.contact_id "
            f"WHERE {where} ORDER BY CASE WHEN t.due_date IS NULL THEN 1 ELSE 0 END, "
            "t.due_date, CASE WHEN t.due_time IS NULL THEN 1 ELSE 0 END, t.due_time, "
            "CASE t.priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, t.id"
        )
        if q.limit is not None:
            sql += f" LIMIT {int(q.limit)}"
        return [_task(r) for r in self.ex.rows(sql, params)]

    def task_id_by_uid(self, uid: str) -> int | None:
        return self.ex.scalar("SELECT id FROM tasks WHERE uid = :u ORDER BY id", {"u": uid})

    def interaction_id_by_uid(self, uid: str) -> int | None:
        return self.ex.scalar("SELECT id FROM interactions WHERE uid = :u ORDER BY id", {"u": uid})

    def task_ids_of_contact(self, contact_id: int) -> list[int]:
        return [
            r[0]
            for r in self.ex.rows("SELECT id FROM tasks WHERE contact_id = :c", {"c": contact_id})
        ]

    # ------------------------------------------------------------------ deals
    def _deals(self, where: str, params: dict[str, Any]) -> list[Deal]:
        return [
            Deal(
                id=r[0],
                title=r[1],
                account_id=r[2],
                contact_id=r[3],
                value_cents=int(r[4]),
                currency=r[5],
                stage=r[6],
                probability=r[7],
                expected_close=as_date(r[8]),
                status=r[9],
                owner_id=r[10],
                closed_at=as_datetime(r[11]),
                created_at=as_datetime(r[12]),
                updated_at=as_datetime(r[13]),
                deleted_at=as_datetime(r[14]),
            )
            for r in self.ex.rows(
                "SELECT id, title, account_id, contact_id, value_cents, currency, stage, "
                "probability, expected_close, status, owner_id, closed_at, created_at, "
                f"updated_at, deleted_at FROM deals WHERE {where} ORDER BY id",
                params,
            )
        ]

    def get_deal(self, deal_id: int) -> Deal | None:
        got = self._deals("id = :i", {"i": deal_id})
        return got[0] if got else None

    def deals_of_contact(self, contact_id: int) -> list[Deal]:
        return self._deals("contact_id = :c AND deleted_at IS NULL", {"c": contact_id})

    # ------------------------------------------------------------------ journal & misc
    def journal(self, *, contact_id: int | None = None, limit: int = 50) -> list[JournalEntry]:
        """Newest changes first; with ``contact_id``, those concerning that contact."""
        conds, params = [], {}
        if contact_id is not None:
            conds.append("contact_id = :c")
            params["c"] = contact_id
        where = " AND ".join(conds) if conds else "1 = 1"
        cols = (
            "SELECT id, group_id, at, actor, action, entity, entity_id, summary, before, after, "
            "undone, contact_id FROM journal"
        )
        rows = self.ex.rows(f"{cols} WHERE {where} ORDER BY id DESC LIMIT {int(limit)}", params)
        entries = [_journal(r) for r in rows]
        if contact_id is not None:
            # Contacts created together (by an import) share one entry: the ones naming this
            # contact among their id runs concern it too. There is one per import, not more.
            bulk = [
                e
                for e in map(_journal, self.ex.rows(f"{cols} WHERE entity = :b", {"b": BULK}))
                if any(
                    first <= contact_id <= last
                    for first, last in (e.after or e.before or {}).get("ids", [])
                )
            ]
            if bulk:
                entries = sorted(entries + bulk, key=lambda e: e.id or 0, reverse=True)[:limit]
        return entries

    def journal_group(self, group_id: str) -> list[JournalEntry]:
        rows = self.ex.rows(
            "SELECT id, group_id, at, actor, action, entity, entity_id, summary, before, after, "
            "undone, contact_id FROM journal WHERE group_id = :g ORDER BY id",
            {"g": group_id},
        )
        return [_journal(r) for r in rows]

    def last_undoable_group(self) -> str | None:
        return self.ex.scalar(
            "SELECT group_id FROM journal WHERE undone = :f AND action <> 'undo' "
            "ORDER BY id DESC LIMIT 1",
            {"f": False},
        )

    def import_batches(self, batch_id: int | None = None) -> list[ImportBatch]:
        where, params = ("WHERE b.id = :i", {"i": batch_id}) if batch_id is not None else ("", {})
        return [
            ImportBatch(
                id=r[0],
                source=r[1],
                format=r[2],
                preset=r[3],
                started_at=as_datetime(r[4]),
                finished_at=as_datetime(r[5]),
                user=r[6],
                report=json.loads(r[7]) if r[7] else {},
                journal_group=r[8],
                undone=bool(r[9]) and not r[10],
            )
            for r in self.ex.rows(
                "SELECT b.id, b.source, b.format, b.preset, b.started_at, b.finished_at, "
                "b.actor, b.report, b.journal_group, "
                "EXISTS (SELECT 1 FROM journal j WHERE j.group_id = b.journal_group), "
                "EXISTS (SELECT 1 FROM journal j WHERE j.group_id = b.journal_group "
                f"AND j.undone = :nu) FROM import_batches b {where} ORDER BY b.id DESC",
                {**params, "nu": False},
            )
        ]

    def later_changes(
        self, group_id: str, keys: Sequence[tuple[str, int]], created: Sequence[int] = ()
    ) -> list[JournalEntry]:
        """Changes after a group's that are not undone and touch any of these records. An
        undo counts when it deleted a record (the undo of what created it): reverting an
        older change to that record would bring it back on its own. So does a change to a
        record of one of the ``created`` contacts (a note added to it, say): those go with
        the contact."""
        first = self.ex.scalar("SELECT MIN(id) FROM journal WHERE group_id = :g", {"g": group_id})
        if first is None:
            return []
        wanted = set(keys)
        contacts = sorted(i for entity, i in wanted if entity == "contact")
        rows = self.ex.rows(
            "SELECT id, group_id, at, actor, action, entity, entity_id, summary, before, after, "
            "undone, contact_id FROM journal WHERE id > :f AND group_id <> :g AND undone = :u "
            "AND (action <> 'undo' OR after IS NULL) ORDER BY id",
            {"f": first, "g": group_id, "u": False},
        )
        mine = set(created)
        out = []
        for e in map(_journal, rows):
            if (e.entity, e.entity_id) in wanted or (e.contact_id in mine and e.action != "undo"):
                out.append(e)
            elif e.entity == BULK and e.action == "undo" and contacts:
                # The undo of an import's new contacts: their ids as [first, last] runs.
                runs = (e.before or {}).get("ids") or []
                if any(
                    bisect.bisect_left(contacts, lo) < bisect.bisect_right(contacts, hi)
                    for lo, hi in runs
                ):
                    out.append(e)
        return out

    def saved_searches(self) -> list[SavedSearch]:
        return [
            SavedSearch(id=r[0], name=r[1], query=r[2])
            for r in self.ex.rows("SELECT id, name, query FROM saved_searches ORDER BY name")
        ]

    def saved_search(self, name: str) -> SavedSearch | None:
        r = self.ex.one("SELECT id, name, query FROM saved_searches WHERE name = :n", {"n": name})
        return SavedSearch(id=r[0], name=r[1], query=r[2]) if r else None

    def user_by_name(self, name: str) -> User | None:
        r = self.ex.one("SELECT id, name, email FROM users WHERE name = :n", {"n": name})
        return User(id=r[0], name=r[1], email=r[2]) if r else None

    def counts(self) -> dict[str, int]:
        out = {}
        for table, cond in (
            ("contacts", "deleted_at IS NULL"),
            ("accounts", "deleted_at IS NULL"),
            ("notes", "1 = 1"),
            ("interactions", "1 = 1"),
            ("tasks", "status = 'open'"),
        ):
            out[table] = int(self.ex.scalar(f"SELECT COUNT(*) FROM {table} WHERE {cond}") or 0)
        return out

    def is_empty(self) -> bool:
        return self.ex.scalar("SELECT id FROM contacts LIMIT 1") is None


_HAS = {
    "email": "EXISTS (SELECT 1 FROM contact_emails x WHERE x.contact_id = c.id)",
    "phone": "EXISTS (SELECT 1 FROM contact_phones x WHERE x.contact_id = c.id)",
    "address": "EXISTS (SELECT 1 FROM contact_addresses x WHERE x.contact_id = c.id)",
    "birthday": "c.birthday IS NOT NULL",
    "account": "c.account_id IS NOT NULL",
    "tag": "EXISTS (SELECT 1 FROM contact_tags x WHERE x.contact_id = c.id)",
    "note": "EXISTS (SELECT 1 FROM notes x WHERE x.contact_id = c.id)",
    "task": "EXISTS (SELECT 1 FROM tasks x WHERE x.contact_id = c.id AND x.status = 'open')",
}


def _task(r: tuple) -> Task:
    return Task(
        id=r[0],
        title=r[1],
        kind=r[2],
        due_date=as_date(r[3]),
        due_time=as_time(r[4]),
        priority=r[5],
        status=r[6],
        repeat=r[7],
        assignee_id=r[8],
        contact_id=r[9],
        account_id=r[10],
        deal_id=r[11],
        notes=r[12],
        completed_at=as_datetime(r[13]),
        created_at=as_datetime(r[14]),
        updated_at=as_datetime(r[15]),
        contact=Ref(r[9], r[16]) if r[9] is not None else None,
        uid=r[17] or "",
        timezone=r[18] or "",
        exdates=[as_date(x) for x in (r[19] or "").split(",") if x],
        duration_seconds=r[20],
    )


def _journal(r: tuple) -> JournalEntry:
    return JournalEntry(
        id=r[0],
        group_id=r[1],
        at=as_datetime(r[2]),
        user=r[3],
        action=r[4],
        entity=r[5],
        entity_id=r[6],
        summary=r[7],
        before=json.loads(r[8]) if r[8] else None,
        after=json.loads(r[9]) if r[9] else None,
        undone=bool(r[10]),
        contact_id=r[11],
    )
