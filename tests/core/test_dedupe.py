"""Duplicates, merge and unmerge, on real databases."""

from __future__ import annotations

import pytest

from rolodex.core.contacts import ContactChanges
from rolodex.core.dedupe import score_pairs
from rolodex.errors import Conflict, NotFound, UsageError
from tests.core.test_services import dump


def add(rx, name: str, **kw):
    return rx.contacts.add(ContactChanges(name=name, **kw), force=True)


def test_score_pairs_explains_itself() -> None:
    people = [
        (1, "Jürgen Müller", "Müller", 7),
        (2, "Jurgen Muller", "Muller", 7),
        (3, "Ada Lovelace", "Lovelace", None),
        (4, "Grace Hopper", "Hopper", None),
        (5, "Sarah Wilson", "Wilson", 8),
        (6, "Sarah Wilson", "Wilson", 9),
    ]
    pairs = {
        (a, b): (score, why)
        for a, b, score, why in score_pairs(people, same_email=[(4, 3)], same_phone=[])
    }
    assert set(pairs) == {(3, 4), (1, 2), (5, 6)}
    assert pairs[(3, 4)] == (0.95, ["same email"])
    score, why = pairs[(1, 2)]
    assert why == ["same account", "similar names (100%)"] and score == 0.95
    # The same name at two companies: likely two people, below any email or phone match.
    assert pairs[(5, 6)] == (0.7, ["similar names (100%)"])


def test_duplicates_finds_email_phone_and_name_matches(rx) -> None:
    a = add(rx, "Ada Lovelace", add_emails=["ada@example.com"])
    b = add(rx, "Augusta King", add_emails=["ADA@example.com"])
    c = add(rx, "Jürgen Müller", add_phones=["+49 30 1234567"])
    d = add(rx, "Juergen Mueller", add_phones=["+49 (0)30 1234567"])
    e = add(rx, "Grace Hopper")
    f = add(rx, "Grace  Hopper")
    found = {(p.a.id, p.b.id): p.reasons for p in rx.dedupe.duplicates()}
    assert found[(a.id, b.id)] == ["same email"]
    assert "same phone" in found[(c.id, d.id)]
    assert found[(e.id, f.id)] == ["similar names (100%)"]


def test_merge_keeps_everything_and_undo_restores_both(srx) -> None:
    a = add(
        srx,
        "Ada Lovelace",
        add_emails=["ada@example.com"],
        title="CTO",
        add_tags=["vip"],
        set_custom={"Pet": "cat"},
        account="Analytical Engines",
    )
    b = add(
        srx,
        "Ada King",
        add_emails=["countess@example.com"],
        title="Countess",
        add_phones=["+44 20 7946 0958"],
        add_tags=["poet"],
        birthday="1815-12-10",
    )
    srx.activities.add_note(str(b.id), "Wrote the first program")
    srx.activities.add_followup(str(b.id), due="tomorrow")
    srx.activities.log(str(b.id), "Met at the Society", channel="meeting")
    before = dump(srx.store.path)

    plan = srx.dedupe.plan(str(a.id), str(b.id))
    assert plan.conflicts["title"] == ("CTO", "Countess")
    assert dump(srx.store.path) == before  # a dry run writes nothing

    srx.dedupe.merge(str(a.id), str(b.id), take={"title": "B"})
    merged = srx.contacts.get(str(a.id))
    assert [e.address for e in merged.emails] == ["ada@example.com", "countess@example.com"]
    assert merged.title == "Countess" and merged.birthday.isoformat() == "1815-12-10"
    assert merged.tags == ["vip", "poet"] and merged.custom == {"Pet": "cat"}
    assert [p.e164 for p in merged.phones] == ["+442079460958"]
    assert merged.account == "Analytical Engines"
    _, timeline = srx.activities.timeline(str(a.id))
    assert {i.kind for i in timeline} == {"note", "interaction"}
    with pytest.raises(NotFound):
        srx.contacts.resolve(str(b.id))

    srx.dedupe.unmerge(str(a.id))
    assert dump(srx.store.path) == before


def test_merge_with_undo_and_bad_choices(rx) -> None:
    a = add(rx, "Ada Lovelace", title="CTO")
    b = add(rx, "Ada King", title="Countess")
    with pytest.raises(UsageError):
        rx.dedupe.merge(str(a.id), str(a.id))
    with pytest.raises(UsageError):
        rx.dedupe.merge(str(a.id), str(b.id), prefer="C")
    with pytest.raises(UsageError):
        rx.dedupe.merge(str(a.id), str(b.id), take={"colour": "B"})
    rx.dedupe.merge(str(a.id), str(b.id), prefer="B")
    assert rx.contacts.get(str(a.id)).title == "Countess"
    rx.journal.undo()
    assert rx.contacts.get(str(b.id)).title == "Countess"
    assert rx.contacts.get(str(a.id)).title == "CTO"
    with pytest.raises(NotFound):
        rx.dedupe.unmerge(str(a.id))


@pytest.mark.parametrize(
    ("prefer", "take", "kept"),
    [("A", {}, "en"), ("B", {}, "de"), ("A", {"custom:lang": "B"}, "de")],
)
def test_a_custom_field_both_have_is_a_conflict_to_choose(srx, prefer, take, kept) -> None:
    a = add(srx, "Jürgen Müller", set_custom={"lang": "en", "shoe": "44"})
    b = add(srx, "Jurgen Muller", set_custom={"lang": "de", "team": "blue"})
    plan = srx.dedupe.plan(str(a.id), str(b.id), prefer=prefer, take=take)
    assert plan.conflicts["custom:lang"] == ("en", "de")
    srx.dedupe.merge(str(a.id), str(b.id), prefer=prefer, take=take)
    assert srx.contacts.get(str(a.id)).custom == {"lang": kept, "shoe": "44", "team": "blue"}


def test_unmerge_after_a_later_edit_needs_force(srx) -> None:
    a = add(srx, "Ada Lovelace", title="CTO")
    b = add(srx, "Ada King", add_emails=["ada@king.example"])
    srx.dedupe.merge(str(a.id), str(b.id))
    srx.contacts.edit(str(a.id), ContactChanges(title="Countess"))
    with pytest.raises(Conflict, match="--force"):
        srx.dedupe.unmerge(str(a.id))
    srx.dedupe.unmerge(str(a.id), force=True)
    assert srx.contacts.get(str(b.id)).emails[0].address == "ada@king.example"
    assert srx.contacts.get(str(a.id)).emails == []


def test_the_card_of_a_merged_contact_comes_back_to_the_one_it_was_merged_into(srx) -> None:
    from rolodex.core.imports import Source

    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-{k}\r\nFN:{name}\r\nEMAIL:{k}@example.de\r\n"
        "END:VCARD\r\n"
        for k, name in (("a", "Jürgen Müller"), ("b", "Jurgen Muller"), ("c", "Ada Lovelace"))
    )

    def again() -> tuple[int, int, int]:
        r = srx.imports.run([Source("book.vcf", cards.encode())], write_rejects=False)
        return r.added, r.updated, r.unchanged

    assert again() == (3, 0, 0)
    srx.dedupe.merge("u-a", "u-b")
    srx.dedupe.merge("u-c", "u-a")  # a merge of a merge
    assert again() == (0, 0, 3)
    assert srx.contacts.count() == 1
    srx.journal.undo()
    srx.dedupe.unmerge("u-a")
    assert again() == (0, 0, 3) and srx.contacts.count() == 3


def test_the_card_of_a_merged_contact_only_fills_what_the_merge_left_empty(srx) -> None:
    from rolodex.core.imports import Source

    def card(uid: str, name: str, extra: str) -> str:
        return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\n{extra}END:VCARD\r\n"

    a = card("uid-a", "Bob Smith", "EMAIL:bob@example.com\r\n")
    b = card("uid-b", "Robert Smith", "EMAIL:robert@example.com\r\nTITLE:CFO\r\n")
    srx.imports.run([Source("m.vcf", (a + b).encode())], write_rejects=False)
    srx.dedupe.merge("uid-a", "uid-b")  # A's name wins; B's title fills A's empty one
    later = b.replace("EMAIL:robert@example.com", "EMAIL:rs@example.com")
    report = srx.imports.run([Source("b.vcf", later.encode())], write_rejects=False)
    assert (report.added, report.updated) == (0, 1)
    bob = srx.contacts.get("uid-a")
    assert (bob.display_name, bob.title) == ("Bob Smith", "CFO")
    assert {e.address for e in bob.emails} == {
        "bob@example.com",
        "robert@example.com",
        "rs@example.com",
    }
    again = srx.imports.run([Source("m.vcf", (a + b).encode())], write_rejects=False)
    assert (again.added, again.updated) == (0, 0)
    assert srx.contacts.get("uid-a").display_name == "Bob Smith"


def test_adding_a_phone_someone_has_is_a_conflict(srx) -> None:
    add(srx, "Ada Lovelace", add_phones=["+44 20 7946 0958"])
    with pytest.raises(Conflict, match="already belongs to"):
        srx.contacts.add(ContactChanges(name="Other", add_phones=["020 7946 0958"]))


def test_editing_in_an_email_or_phone_someone_has_is_a_conflict(srx) -> None:
    a = add(srx, "Ada Lovelace", add_emails=["ada@example.com"], add_phones=["+44 20 7946 0958"])
    b = add(srx, "Other")
    for change in (
        ContactChanges(add_emails=["ADA@example.com"]),
        ContactChanges(add_phones=["+44 (20) 7946-0958"]),
    ):
        with pytest.raises(Conflict, match=f"belongs to #{a.id}"):
            srx.contacts.edit(str(b.id), change)
    assert srx.contacts.get(str(b.id)).emails == []
    srx.contacts.edit(str(b.id), ContactChanges(add_emails=["ada@example.com"]), force=True)
    # Editing a contact that has them already is no conflict with itself.
    srx.contacts.edit(str(a.id), ContactChanges(title="CTO", add_emails=["ada@example.com"]))


def test_similar_names_are_reported_for_a_warning(srx) -> None:
    a = add(srx, "Jürgen Müller")
    b = add(srx, "Jurgen Muller")
    add(srx, "Ada Lovelace")
    assert [r.id for r in srx.dedupe.similar_names(b)] == [a.id]


def test_email_matches_for_mail_clients(rx) -> None:
    add(rx, "Jürgen Müller", add_emails=["jm@example.de", "j@home.example"], account="Köhler")
    add(rx, "Ada Lovelace", add_emails=["ada@example.com"])
    assert rx.contacts.email_matches("müll") == [
        ("jm@example.de", "Jürgen Müller", "Köhler"),
        ("j@home.example", "Jürgen Müller", "Köhler"),
    ]
    assert rx.contacts.email_matches("ada")[0][0] == "ada@example.com"
    assert rx.contacts.email_matches("nobody") == []
