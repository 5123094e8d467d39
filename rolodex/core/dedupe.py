"""Finding duplicate contacts, and merging two into one (journalled: undo or unmerge)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rolodex.core.models import Contact, Ref, task_snapshot
from rolodex.core.text import fold
from rolodex.errors import NotFound, UsageError

if TYPE_CHECKING:
    from rolodex.core.service import Rolodex

NAME_SIMILARITY = 88  # rapidfuzz token_sort_ratio (0-100) from which names count as similar
PER_CONTACT = 5  # name matches kept per contact: a common name must not flood the list
SINGLE_FIELDS = (
    "display_name",
    "prefix",
    "given_name",
    "additional_name",
    "family_name",
    "suffix",
    "nickname",
    "title",
    "role",
    "account_id",
    "birthday",
    "anniversary",
    "stage",
    "owner_id",
    "photo",
    "uid",
)


@dataclass
class DuplicatePair:
    a: Ref
    b: Ref
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": {"id": self.a.id, "display_name": self.a.display_name},
            "b": {"id": self.b.id, "display_name": self.b.display_name},
            "score": round(self.score, 3),
            "reasons": self.reasons,
        }


@dataclass
class MergePlan:
    keep: Contact
    drop: Contact
    result: Contact
    conflicts: dict[str, tuple[Any, Any]]  # field -> (kept value, other value)
    moved: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "keep": {"id": self.keep.id, "display_name": self.keep.display_name},
            "drop": {"id": self.drop.id, "display_name": self.drop.display_name},
            "result": self.result.to_dict(),
            "conflicts": {
                k: {"kept": _plain(a), "other": _plain(b)} for k, (a, b) in self.conflicts.items()
            },
            "moved": self.moved,
        }


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def score_pairs(
    people: Iterable[tuple[int, str, str, int | None]],
    same_email: Iterable[tuple[int, int]],
    same_phone: Iterable[tuple[int, int]],
) -> list[tuple[int, int, float, list[str]]]:
    """Candidate pairs from (id, display name, family name, account id) rows and the pairs
    that share an email or an E.164 phone. Names are compared within blocks (same folded
    family name and initial), so the work grows with the block sizes, not with n²."""
    from rapidfuzz import fuzz, process

    info = {pid: (fold(name), fold(family), account) for pid, name, family, account in people}
    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)
    for a, b in same_email:
        reasons[(min(a, b), max(a, b))].add("same email")
    for a, b in same_phone:
        reasons[(min(a, b), max(a, b))].add("same phone")
    # Block on the folded family name and the first letter of the rest of the name: "Jürgen
    # Müller" meets "Jurgen Muller" and "J. Müller", not every other Müller.
    blocks: dict[str, list[int]] = defaultdict(list)
    for pid, (name, family, _) in info.items():
        words = name.split()
        if not words:
            continue
        family = family or words[-1]
        rest = name.replace(family, "", 1).strip()
        blocks[f"{family}|{rest[:1]}"].append(pid)
    for ids in blocks.values():
        if len(ids) < 2:
            continue
        names = [info[i][0] for i in ids]
        for x, name in enumerate(names[:-1]):
            rest = names[x + 1 :]
            for _, score, y in process.extract(
                name,
                rest,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=NAME_SIMILARITY,
                limit=PER_CONTACT,
            ):
                a, b = sorted((ids[x], ids[x + 1 + y]))
                reasons[(a, b)].add(f"similar names ({int(score)}%)")
    out = []
    for (a, b), why in reasons.items():
        if a not in info or b not in info:
            continue
        score = 0.0
        if "same email" in why:
            score = max(score, 0.95)
        if "same phone" in why:
            score = max(score, 0.9)
        # A name is weak evidence alone (a book holds many Sarah Wilsons); at the same
        # account it is strong. An email or a phone is strong by itself.
        similar = [w for w in why if w.startswith("similar")]
        same_account = info[a][2] is not None and info[a][2] == info[b][2]
        if similar:
            closeness = (int(similar[0].split("(")[1][:-2]) - 80) / 20
            score = max(score, (0.7 if same_account else 0.5) + 0.2 * closeness)
        if same_account:
            why.add("same account")
            score = min(1.0, score + 0.05)
        out.append((a, b, round(score, 3), sorted(why)))
    out.sort(key=lambda p: (-p[2], p[0], p[1]))
    return out


class DedupeService:
    def __init__(self, rx: Rolodex) -> None:
        self.rx = rx

    def duplicates(self, *, limit: int | None = None) -> list[DuplicatePair]:
        with self.rx.reading() as r:
            people, emails, phones = r.duplicate_inputs()
        pairs = score_pairs(people, emails, phones)
        names = {pid: name for pid, name, _, _ in people}
        if limit is not None:
            pairs = pairs[:limit]
        return [DuplicatePair(Ref(a, names[a]), Ref(b, names[b]), s, why) for a, b, s, why in pairs]

    def similar_names(self, contact: Contact) -> list[Ref]:
        """Other active contacts whose names look like this one's (for a warning on add)."""
        from rapidfuzz import fuzz, process

        me = fold(contact.display_name)
        if not me:
            return []
        with self.rx.reading() as r:
            people = [p for p in r.contact_names() if p[0] != contact.id]
        names = [fold(name) for _, name, _, _ in people]
        found = process.extract(
            me, names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY, limit=10
        )
        return [Ref(people[i][0], people[i][1]) for _, _, i in sorted(found, key=lambda x: x[2])]

    # ------------------------------------------------------------------ merge
    def plan(
        self, ref_a: str, ref_b: str, *, prefer: str = "A", take: dict[str, str] | None = None
    ) -> MergePlan:
        with self.rx.reading() as r:
            return self._plan(r, ref_a, ref_b, prefer, take or {})

    def _plan(self, r: Any, ref_a: str, ref_b: str, prefer: str, take: dict[str, str]) -> MergePlan:
        if prefer.upper() not in ("A", "B"):
            raise UsageError(f"--prefer takes A or B, not {prefer!r}")
        a = r.get_contact(self.rx.contacts.resolve(ref_a, session=r).id)
        b = r.get_contact(self.rx.contacts.resolve(ref_b, session=r).id)
        if a.id == b.id:
            raise UsageError(f"{ref_a!r} and {ref_b!r} are the same contact (#{a.id})")
        unknown = sorted(f for f in set(take) - set(SINGLE_FIELDS) if not f.startswith("custom:"))
        if unknown:
            raise UsageError(
                f"cannot choose {unknown[0]!r}; fields: {', '.join(SINGLE_FIELDS)} and custom:NAME"
            )
        for fname, side in take.items():
            if side.upper() not in ("A", "B"):
                raise UsageError(f"--take {fname}= takes A or B, not {side!r}")
        result = a.copy()
        conflicts: dict[str, tuple[Any, Any]] = {}
        for fname in SINGLE_FIELDS:
            va, vb = getattr(a, fname), getattr(b, fname)
            if va in (None, "") and vb not in (None, ""):
                setattr(result, fname, vb)
            elif va not in (None, "") and vb not in (None, "") and va != vb:
                conflicts[fname] = (va, vb)
                side = take.get(fname, prefer).upper()
                setattr(result, fname, vb if side == "B" else va)
        # A custom field both have, with different values, is one more single field to
        # choose (chosen here, so that the union below keeps it).
        for key in a.custom.keys() & b.custom.keys():
            va, vb = a.custom[key], b.custom[key]
            if va != vb:
                conflicts[f"custom:{key}"] = (va, vb)
                side = take.get(f"custom:{key}", prefer).upper()
                result.custom[key] = vb if side == "B" else va
        result.account = b.account if result.account_id == b.account_id else a.account
        _union(result, b)
        moved = {
            "notes": len(r.notes_of_contact(b.id)),
            "interactions": len(r.interactions_of_contact(b.id)),
            "tasks": len(r.task_ids_of_contact(b.id)),
            "deals": len(r.deals_of_contact(b.id)),
        }
        return MergePlan(keep=a, drop=b, result=result, conflicts=conflicts, moved=moved)

    def merge(
        self, ref_a: str, ref_b: str, *, prefer: str = "A", take: dict[str, str] | None = None
    ) -> MergePlan:
        """Merge B into A: A keeps every value of both; B's notes, interactions, tasks and
        deals move to A; B is deleted. One journalled change: ``undo`` restores both."""
        with self.rx.change() as ch:
            plan = self._plan(ch.w, ref_a, ref_b, prefer, take or {})
            a, b = plan.keep, plan.drop
            assert a.id is not None and b.id is not None
            tasks = [t for t in map(ch.w.get_task, ch.w.task_ids_of_contact(b.id)) if t]
            moves = [
                ("note", ch.w.notes_of_contact(b.id), ch.w.put_note, _snapshot),
                (
                    "interaction",
                    ch.w.interactions_of_contact(b.id),
                    ch.w.put_interaction,
                    _snapshot,
                ),
                ("task", tasks, ch.w.put_task, task_snapshot),
                ("deal", ch.w.deals_of_contact(b.id), ch.w.put_deal, _snapshot),
            ]
            for entity, items, put, snapshot in moves:
                for item in items:
                    before = snapshot(item)
                    item.contact_id = a.id
                    put(item)
                    ch.record(
                        "update",
                        entity,
                        item.id,
                        f"merge: moved {entity}",
                        before=before,
                        after=snapshot(item),
                        contact_id=a.id,
                    )
            ch.w.delete_contact(b.id)
            ch.record(
                "merge",
                "contact",
                b.id,
                f"merged {b.display_name} (#{b.id}) into {a.display_name} (#{a.id})",
                before=b.to_dict(),
                contact_id=b.id,
            )
            result = dataclasses.replace(plan.result, updated_at=ch.now)
            ch.w.put_contact(result)
            ch.record(
                "merge",
                "contact",
                a.id,
                f"merged #{b.id} into {a.display_name}",
                before=a.to_dict(),
                after=result.to_dict(),
                contact_id=a.id,
            )
        return plan

    def unmerge(self, ref: str, *, force: bool = False) -> list[Any]:
        """Undo the most recent merge that kept this contact, restoring both (``force``: even
        when later changes touched them, which are then lost)."""
        from rolodex.core.journal import revert_group

        with self.rx.change() as ch:
            cid = self.rx.contacts.resolve(ref, session=ch.w).id
            group = next(
                (
                    e.group_id
                    for e in ch.w.journal(contact_id=cid, limit=500)
                    if e.action == "merge" and e.entity_id == cid and not e.undone
                ),
                None,
            )
            if group is None:
                raise NotFound(f"no merge into #{cid} to undo")
            return revert_group(ch, group, force=force)


def _snapshot(item: Any) -> dict[str, Any]:
    return item.to_dict()


def _union(target: Contact, other: Contact) -> None:
    have = {e.address.lower() for e in target.emails}
    target.emails += [
        dataclasses.replace(e, preferred=False)
        for e in other.emails
        if e.address.lower() not in have
    ]
    have_p = {p.e164 or p.number for p in target.phones}
    target.phones += [
        dataclasses.replace(p, preferred=False)
        for p in other.phones
        if (p.e164 or p.number) not in have_p
    ]
    target.addresses += [
        dataclasses.replace(x, preferred=False)
        for x in other.addresses
        if dataclasses.replace(x, preferred=False)
        not in [dataclasses.replace(y, preferred=False) for y in target.addresses]
    ]
    have_u = {u.url for u in target.urls}
    target.urls += [u for u in other.urls if u.url not in have_u]
    target.socials += [s for s in other.socials if s not in target.socials]
    have_t = {fold(t) for t in target.tags}
    target.tags += [t for t in other.tags if fold(t) not in have_t]
    for key, value in other.custom.items():
        target.custom.setdefault(key, value)
    target.vcard_extra += [x for x in other.vcard_extra if x not in target.vcard_extra]
    have_c = {c.channel for c in target.consents}
    target.consents += [c for c in other.consents if c.channel not in have_c]
