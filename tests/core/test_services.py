"""Use cases through the Rolodex facade, on real databases."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from rolodex.core.contacts import ContactChanges, split_name
from rolodex.core.template import parse_template, render_template
from rolodex.errors import Ambiguous, Conflict, NotFound, UsageError


def dump(path) -> dict[str, list[tuple]]:
    """Every row of every table but the journal and the FTS shadow tables, sorted."""
    conn = sqlite3.connect(path)
    tables = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if r[0] not in ("journal", "sqlite_sequence") and not r[0].startswith("contact_fts")
    ]
    out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    conn.close()
    return out


def ada(rx, **extra):
    return rx.contacts.add(
        ContactChanges(
            name="Ada Lovelace",
            add_emails=["Ada@Example.com"],
            add_phones=["020 7946 0958"],
            account="Analytical Engines",
            title="CTO",
            add_tags=["vip"],
            birthday="1815-12-10",
            stage="Lead",
            **extra,
        )
    )


# ---------------------------------------------------------------------------------------- add
def test_add_normalises_what_it_is_given(rx) -> None:
    c = ada(rx)
    assert (c.given_name, c.family_name, c.display_name) == ("Ada", "Lovelace", "Ada Lovelace")
    assert c.emails[0].address == "Ada@Example.com" and c.emails[0].preferred
    assert c.phones[0].number == "020 7946 0958"
    assert c.phones[0].e164 == "+442079460958"  # region GB from the environment
    assert c.account == "Analytical Engines" and c.account_id is not None
    assert c.stage == "lead" and c.birthday.isoformat() == "1815-12-10"
    assert c.uid and c.provenance.source == "manual"
    assert rx.accounts.list()[0].contact_count == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ada Lovelace", ("Ada", "Lovelace")),
        ("Lovelace, Ada", ("Ada", "Lovelace")),
        ("Ada King Lovelace", ("Ada King", "Lovelace")),
        ("李芳", ("芳", "李")),
        ("Madonna", ("Madonna", "")),
        ("  José   María  Núñez ", ("José María", "Núñez")),
    ],
)
def test_split_name(text, expected) -> None:
    assert split_name(text) == expected


def test_cjk_names_display_family_first(srx) -> None:
    c = srx.contacts.add(ContactChanges(given_name="芳", family_name="李"))
    assert c.display_name == "李芳"


@pytest.mark.parametrize(
    "changes",
    [
        ContactChanges(name="X", add_emails=["not-an-email"]),
        ContactChanges(name="X", add_emails=["a@b"]),
        ContactChanges(name="X", add_phones=["call me"]),
        ContactChanges(name="X", stage="prospectish"),
        ContactChanges(name="X", birthday="1815-13-10"),
        ContactChanges(name="X", add_tags=["a,b"]),
        ContactChanges(name="  "),
    ],
)
def test_bad_values_are_usage_errors_and_change_nothing(srx, changes) -> None:
    before = dump(srx.store.path)
    with pytest.raises(UsageError):
        srx.contacts.add(changes)
    assert dump(srx.store.path) == before


def test_a_duplicate_email_is_a_conflict_unless_forced(srx) -> None:
    ada(srx)
    with pytest.raises(Conflict, match="already belongs to"):
        srx.contacts.add(ContactChanges(name="Other", add_emails=["ada@example.com"]))
    srx.contacts.add(ContactChanges(name="Other", add_emails=["ada@example.com"]), force=True)
    assert srx.contacts.count() == 2


# ---------------------------------------------------------------------------------------- refs
def test_references(rx) -> None:
    a = ada(rx)
    b = rx.contacts.add(ContactChanges(name="Ada Byron", add_emails=["byron@example.com"]))
    assert rx.contacts.resolve(str(a.id)).id == a.id
    assert rx.contacts.resolve(a.uid).id == a.id
    assert rx.contacts.resolve("ADA@example.com").id == a.id
    assert rx.contacts.resolve("lovel").id == a.id
    assert rx.contacts.resolve("ada byron").id == b.id
    with pytest.raises(Ambiguous) as info:
        rx.contacts.resolve("ada")
    assert info.value.exit_code == 4
    assert sorted(info.value.candidates) == sorted([f"#{a.id} Ada Lovelace", f"#{b.id} Ada Byron"])
    with pytest.raises(NotFound):
        rx.contacts.resolve("nobody@example.com")
    with pytest.raises(NotFound):
        rx.contacts.resolve("999")


def test_an_exact_name_wins_over_longer_matches(srx) -> None:
    srx.contacts.add(ContactChanges(name="Ann Lee"))
    srx.contacts.add(ContactChanges(name="Ann Leeming"))
    assert srx.contacts.resolve("ann lee").display_name == "Ann Lee"


# ---------------------------------------------------------------------------------------- edit
def test_edit_adds_and_removes_values(rx) -> None:
    ada(rx)
    c = rx.contacts.edit(
        "ada",
        ContactChanges(
            add_tags=["investor"],
            rm_tags=["VIP"],
            stage="customer",
            add_emails=["ada@work.example"],
            rm_phones=["+44 20 7946 0958"],
            set_custom={"Pet": "Cat"},
            account="",
        ),
    )
    assert c.tags == ["investor"] and c.stage == "customer"
    assert [e.address for e in c.emails] == ["Ada@Example.com", "ada@work.example"]
    assert c.phones == [] and c.custom == {"Pet": "Cat"} and c.account is None
    with pytest.raises(NotFound, match="no tag"):
        rx.contacts.edit("ada", ContactChanges(rm_tags=["nope"]))


def test_editing_nothing_records_nothing(srx) -> None:
    ada(srx)
    n = len(srx.journal.history())
    srx.contacts.edit("ada", ContactChanges(title="CTO"))
    assert len(srx.journal.history()) == n


def test_template_round_trip_and_errors(srx) -> None:
    c = ada(srx, add_urls=["https://ada.example"], nickname="Enchantress")
    text = render_template(c)
    assert parse_template(text, c, region="GB").to_dict() == c.to_dict()
    edited = text.replace("title: CTO", "title: Countess").replace(
        "tag: vip", "tag: vip\ntag: poet"
    )
    saved = srx.contacts.apply_template(c.id, edited)
    assert saved.title == "Countess" and saved.tags == ["vip", "poet"]
    with pytest.raises(UsageError, match=r"line \d+: unknown field 'colour'"):
        parse_template(text + "colour: blue\n", c, region="GB")
    with pytest.raises(UsageError, match=r"line \d+: not an email"):
        parse_template(text + "email: nope\n", c, region="GB")


# ---------------------------------------------------------------------------------------- trash
def test_remove_restore_empty_and_undo_restore_everything_exactly(srx) -> None:
    c = ada(srx)
    srx.activities.add_note("ada", "First note")
    srx.activities.log("ada", "Called about the engine", channel="call", when="yesterday 10:00")
    srx.activities.add_followup("ada", due="tomorrow")
    before = dump(srx.store.path)

    srx.contacts.remove("ada")
    assert [x.id for x in srx.contacts.trash()] == [c.id]
    with pytest.raises(NotFound):
        srx.contacts.resolve("ada")
    srx.contacts.restore("ada")
    assert dump(srx.store.path) == before

    srx.contacts.remove("ada")
    assert srx.contacts.empty_trash() == (1, 0)
    assert srx.contacts.count() == 0
    srx.journal.undo()  # brings back the contact (in the trash) and its notes and tasks
    srx.journal.undo()  # takes it out of the trash
    assert dump(srx.store.path) == before


def test_undo_walks_back_one_change_at_a_time(rx) -> None:
    ada(rx)
    rx.contacts.edit("ada", ContactChanges(title="Countess"))
    rx.contacts.edit("ada", ContactChanges(title="Mathematician"))
    rx.journal.undo()
    assert rx.contacts.get("ada").title == "Countess"
    rx.journal.undo()
    assert rx.contacts.get("ada").title == "CTO"
    rx.journal.undo()  # the add, with the account it created
    assert rx.contacts.count() == 0 and rx.accounts.list() == []
    with pytest.raises(NotFound, match="nothing to undo"):
        rx.journal.undo()


def test_history_of_one_contact(srx) -> None:
    ada(srx)
    srx.contacts.add(ContactChanges(name="Grace Hopper"))
    srx.activities.add_note("ada", "n")
    summaries = [e.summary for e in srx.journal.history("ada")]
    assert summaries == ["note on Ada Lovelace", "added contact Ada Lovelace"]
    assert all(e.user == "tester" for e in srx.journal.history())


# ---------------------------------------------------------------------------------------- tasks
def test_completing_a_recurring_follow_up_logs_it_and_schedules_the_next(rx) -> None:
    ada(rx)
    today = rx.today()
    t = rx.activities.add_followup("ada", due="today", repeat="weekly")
    assert t.repeat == "FREQ=WEEKLY" and t.kind == "followup"
    done, following = rx.activities.complete(t.id, note="left a voicemail")
    assert done.status == "done" and done.completed_at is not None
    assert following is not None and following.due_date == today + dt.timedelta(days=7)
    assert following.title == t.title and following.repeat == "FREQ=WEEKLY"
    _, items = rx.activities.timeline("ada")
    kinds = [i.kind for i in items]
    assert "task" in kinds and "interaction" in kinds
    assert any("left a voicemail" in i.summary for i in items)
    with pytest.raises(Conflict, match="already done"):
        rx.activities.complete(t.id)
    rx.journal.undo()
    assert rx.activities.get_task(t.id).status == "open"
    with pytest.raises(NotFound):
        rx.activities.get_task(following.id)


def test_a_late_completion_schedules_from_today(srx) -> None:
    ada(srx)
    t = srx.activities.add_task("Water plants", due="-10d", repeat="every 3 days")
    _, following = srx.activities.complete(t.id)
    assert following.due_date >= srx.today()


def test_todo_completion_logs_nothing(srx) -> None:
    t = srx.activities.add_task("Buy stamps", due="today")
    srx.activities.complete(t.id)
    assert srx.activities.tasks(srx.activities.task_query("all", statuses=("done",)))[0].id == t.id


def test_task_input_errors(srx) -> None:
    ada(srx)
    with pytest.raises(UsageError, match="fryday"):
        srx.activities.add_task("x", due="fryday")
    with pytest.raises(UsageError, match="priority"):
        srx.activities.add_task("x", priority="urgent")
    with pytest.raises(UsageError):
        srx.activities.add_task("x", repeat="every blue moon")
    with pytest.raises(UsageError, match="needs a contact"):
        srx.activities.add_task("x", kind="followup")
    with pytest.raises(NotFound):
        srx.activities.complete(999)


def test_agenda(srx, monkeypatch) -> None:
    today = srx.today()
    srx.contacts.add(ContactChanges(name="Birthday Person", birthday=f"1990-{today:%m-%d}"))
    srx.contacts.add(
        ContactChanges(
            name="Other Day",
            birthday="--01-01" if today.month != 1 or today.day != 1 else "--06-01",
        )
    )
    srx.activities.add_followup("birthday", due="-2d")
    srx.activities.add_task("Today", due="today")
    srx.activities.add_task("Soon", due="+3d")
    srx.activities.add_task("Later", due="+30d")
    a = srx.activities.agenda()
    assert [t.title for t in a.overdue] == ["Follow up with Birthday Person"]
    assert [t.title for t in a.due_today] == ["Today"]
    assert [t.title for t in a.upcoming] == ["Soon"]
    assert [c.display_name for c in a.birthdays] == ["Birthday Person"]


# ---------------------------------------------------------------------------------------- misc
def test_saved_searches(rx) -> None:
    ada(rx)
    rx.contacts.add(ContactChanges(name="Grace Hopper", add_tags=["vip"]))
    s = rx.searches.save("vips", "tag:vip   org:analytical")
    assert s.query == "tag:vip org:analytical"
    assert [c.display_name for c in rx.contacts.list("@vips")] == ["Ada Lovelace"]
    with pytest.raises(UsageError):
        rx.searches.save("bad name!", "x")
    with pytest.raises(UsageError):
        rx.searches.save("x", "colour:red")
    rx.searches.delete("vips")
    with pytest.raises(NotFound):
        rx.contacts.list("@vips")


def test_sample_data_loads_and_undo_removes_it(srx) -> None:
    from rolodex.core.sample import load_demo

    before = dump(srx.store.path)
    counts = load_demo(srx)
    assert counts["contacts"] == 200 and counts["accounts"] == 40
    assert srx.contacts.count() == 200
    assert [h.display_name for h in srx.contacts.search("芳")][:1] == ["李芳"]
    assert srx.contacts.search("müller")
    a = srx.activities.agenda()
    assert len(a.overdue) >= 6 and len(a.due_today) >= 6 and len(a.birthdays) == 2
    srx.journal.undo()
    after = dump(srx.store.path)
    after.pop("users")
    before.pop("users")
    assert after == before


def test_an_email_of_a_contact_in_the_trash_is_still_taken(srx) -> None:
    ada(srx)
    srx.contacts.remove("ada")
    with pytest.raises(Conflict, match="already belongs to"):
        srx.contacts.add(ContactChanges(name="Ada Again", add_emails=["ada@example.com"]))


def test_search_scores_are_higher_for_better_matches(srx) -> None:
    srx.contacts.add(ContactChanges(name="Müller Müller", nickname="Müller"))
    srx.contacts.add(ContactChanges(name="Jan Müllerstein"))
    hits = srx.contacts.search("müller")
    assert [h.display_name for h in hits] == ["Müller Müller", "Jan Müllerstein"]
    assert hits[0].score > hits[1].score > 0
