"""Tests for rolodex.core.demo: the deterministic sample book shown on first run."""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from rolodex.core.demo import DEAL_STAGES, DemoData, build_demo
from rolodex.core.models import (
    CHANNELS,
    DEAL_STATUSES,
    DIRECTIONS,
    PRIORITIES,
    STAGES,
    TASK_KINDS,
    TASK_STATUSES,
    PartialDate,
)

TODAY = date(2025, 6, 15)  # a Sunday

CURRENCIES = {
    "United Kingdom": "GBP",
    "United States": "USD",
    "Germany": "EUR",
    "France": "EUR",
    "Spain": "EUR",
    "Greece": "EUR",
    "China": "CNY",
    "Japan": "JPY",
    "Poland": "PLN",
    "United Arab Emirates": "AED",
}


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return build_demo(TODAY)


def _walk(obj: Any, path: str = "") -> Iterator[tuple[str, date]]:
    """Every date and datetime inside obj, with a dotted path to it."""
    if isinstance(obj, date):  # datetime is a date too
        yield path, obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _walk(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{path}[{i}]")


def _check_links(data: DemoData) -> None:
    n_acc, n_con = len(data.accounts), len(data.contacts)
    for _, acc in data.contacts:
        assert acc is None or 0 <= acc < n_acc
    for _, idx in data.notes + data.interactions:
        assert 0 <= idx < n_con
    for _, t_idx in data.tasks:
        assert t_idx is None or 0 <= t_idx < n_con
    for _, acc, d_idx in data.deals:
        assert acc is None or 0 <= acc < n_acc
        assert d_idx is None or 0 <= d_idx < n_con


def _birthdays_today(data: DemoData, today: date) -> list[str]:
    return [c.display_name for c, _ in data.contacts if c.birthday and c.birthday.occurs_on(today)]


# --- determinism and sizes -------------------------------------------------------------------


def test_same_arguments_give_identical_data(demo: DemoData) -> None:
    assert build_demo(TODAY) == demo
    assert build_demo(TODAY, seed=7, contacts=200, accounts=40) == demo


def test_another_seed_gives_other_data(demo: DemoData) -> None:
    other = build_demo(TODAY, seed=8)
    assert [c.uid for c, _ in other.contacts] != [c.uid for c, _ in demo.contacts]


def test_default_sizes(demo: DemoData) -> None:
    assert len(demo.accounts) == 40
    assert len(demo.contacts) == 200
    assert 90 <= len(demo.notes) <= 110
    assert 450 <= len(demo.interactions) <= 550
    assert 55 <= len(demo.tasks) <= 65
    assert 20 <= len(demo.deals) <= 30
    _check_links(demo)


@pytest.mark.parametrize(
    ("contacts", "accounts"),
    [(10, 3), (0, 0), (1, 0), (2, 1), (3, 0), (5, 50), (30, 60)],
)
def test_other_sizes_work(contacts: int, accounts: int) -> None:
    data = build_demo(TODAY, contacts=contacts, accounts=accounts)
    assert len(data.contacts) == contacts
    assert len(data.accounts) == accounts
    _check_links(data)
    assert all(idx is not None for t, idx in data.tasks if t.kind == "followup")
    assert len({a.domain for a in data.accounts}) == accounts
    assert len(_birthdays_today(data, TODAY)) == min(2, max(0, contacts - 1))


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        build_demo(TODAY, contacts=-1)


def test_a_datetime_for_today_is_taken_as_its_date(demo: DemoData) -> None:
    assert build_demo(datetime.combine(TODAY, time(8, 30))) == demo


# --- the well-known contacts ------------------------------------------------------------------


def test_ada_lovelace(demo: DemoData) -> None:
    found = [(c, acc) for c, acc in demo.contacts if c.display_name == "Ada Lovelace"]
    assert len(found) == 1
    ada, acc = found[0]
    assert (ada.given_name, ada.family_name) == ("Ada", "Lovelace")
    assert acc is not None and demo.accounts[acc].name == "Analytical Engines Ltd"
    assert ada.primary_email == "ada@example.com"
    assert ada.title == "CTO"
    assert "vip" in ada.tags
    assert ada.stage == "lead"
    assert ada.birthday == PartialDate(month=12, day=10, year=1815)


def test_li_fang_and_juergen_mueller(demo: DemoData) -> None:
    li = [c for c, _ in demo.contacts if (c.given_name, c.family_name) == ("芳", "李")]
    assert li and li[0].display_name == "李芳"
    assert any(c.display_name == "Jürgen Müller" for c, _ in demo.contacts)


def test_ada_is_there_in_a_tiny_book() -> None:
    data = build_demo(TODAY, contacts=1, accounts=1)
    [(ada, acc)] = data.contacts
    assert ada.display_name == "Ada Lovelace" and acc == 0
    assert data.accounts[0].name == "Analytical Engines Ltd"


# --- contacts -----------------------------------------------------------------------------------


def test_several_scripts(demo: DemoData) -> None:
    names = [c.display_name for c, _ in demo.contacts]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)  # CJK ideographs
    assert any(any("\u3040" <= ch <= "\u30ff" for ch in n) for n in names) or any(
        "株式会社" in a.name for a in demo.accounts
    )  # kana
    assert any("ü" in n for n in names)
    assert any(any("\u0370" <= ch <= "\u03ff" for ch in n) for n in names)  # Greek
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in n) for n in names)  # Arabic
    assert any(ch in "éèçà" for n in names for ch in n)


def test_display_names(demo: DemoData) -> None:
    for c, _ in demo.contacts:
        cjk = any("\u4e00" <= ch <= "\u9fff" or "\u3040" <= ch <= "\u30ff" for ch in c.given_name)
        if cjk:
            assert c.display_name == c.family_name + c.given_name
        else:
            assert c.display_name == f"{c.given_name} {c.family_name}"
    assert sum(bool(c.nickname) for c, _ in demo.contacts) >= 5
    assert sum(bool(c.prefix) for c, _ in demo.contacts) >= 3
    assert sum(bool(c.additional_name) for c, _ in demo.contacts) >= 3


def test_emails_are_lower_case_ascii_and_unique(demo: DemoData) -> None:
    seen: set[str] = set()
    for c, acc in demo.contacts:
        assert 1 <= len(c.emails) <= 3
        assert sum(e.preferred for e in c.emails) == 1 and c.emails[0].preferred
        for e in c.emails:
            assert "@" in e.address
            assert e.address.isascii() and e.address == e.address.lower()
            assert " " not in e.address
            assert e.address not in seen
            seen.add(e.address)
        if acc is not None and c.display_name != "Ada Lovelace":
            assert c.emails[0].label == "work"
            assert c.emails[0].address.endswith("@" + demo.accounts[acc].domain)


def test_phones(demo: DemoData) -> None:
    numbers = [p for a in demo.accounts for p in a.phones]
    numbers += [p for c, _ in demo.contacts for p in c.phones]
    for c, _ in demo.contacts:
        assert 1 <= len(c.phones) <= 2 and c.phones[0].preferred
        assert {p.label for p in c.phones} <= {"mobile", "work"}
    for p in numbers:
        assert p.number.startswith("+") and p.e164 is None
    assert any(p.number.startswith("+49 ") for p in numbers)
    assert any(p.number.startswith("+81 ") and "-" in p.number for p in numbers)


def test_phones_parse_as_valid_numbers(demo: DemoData) -> None:
    phonenumbers = pytest.importorskip("phonenumbers")
    numbers = [p.number for a in demo.accounts for p in a.phones]
    numbers += [p.number for c, _ in demo.contacts for p in c.phones]
    bad = [n for n in numbers if not phonenumbers.is_valid_number(phonenumbers.parse(n, None))]
    assert bad == []


def test_contact_mix(demo: DemoData) -> None:
    contacts = [c for c, _ in demo.contacts]
    with_account = sum(acc is not None for _, acc in demo.contacts)
    assert 0.7 <= with_account / len(contacts) <= 0.9
    assert {acc for _, acc in demo.contacts if acc is not None} == set(range(len(demo.accounts)))
    assert all(c.title for c, acc in demo.contacts if acc is not None)
    assert 0.45 <= sum(bool(c.addresses) for c in contacts) / len(contacts) <= 0.75
    assert 0.3 <= sum(c.birthday is not None for c in contacts) / len(contacts) <= 0.5
    assert any(c.birthday and c.birthday.year is None for c in contacts)
    assert any(c.urls for c in contacts)
    assert any(s.service == "linkedin" for c in contacts for s in c.socials)
    assert 0.6 <= sum(c.stage is not None for c in contacts) / len(contacts) <= 0.8
    for c in contacts:
        assert c.stage is None or c.stage in STAGES
        assert len(c.tags) <= 3 and len(set(c.tags)) == len(c.tags)
        assert set(c.tags) <= {
            "vip",
            "newsletter",
            "partner",
            "prospect",
            "investor",
            "press",
            "old",
        }
        assert c.provenance.source == "demo"
        assert c.provenance.purpose == "sample data"
        assert c.provenance.legal_basis == "legitimate-interest"
        assert c.id is None and c.account_id is None
    uids = [c.uid for c in contacts]
    assert len(set(uids)) == len(uids)
    assert all(uuid.UUID(u).version == 4 for u in uids)


def test_accounts(demo: DemoData) -> None:
    names = [a.name for a in demo.accounts]
    for expected in ("Analytical Engines Ltd", "Bäckerei Köhler GmbH", "北京星辰科技有限公司"):
        assert expected in names
    for a in demo.accounts:
        assert a.id is None
        assert a.domain.isascii() and "." in a.domain and a.domain == a.domain.lower()
        assert a.industry
        assert len(a.phones) == 1 and a.phones[0].number.startswith("+")
        assert len(a.addresses) == 1 and a.addresses[0].country in CURRENCIES
    assert any("key-account" in a.tags for a in demo.accounts)
    assert any("supplier" in a.tags for a in demo.accounts)


@pytest.mark.parametrize(
    "today",
    [TODAY, date(2025, 12, 10), date(2024, 2, 29), date(2025, 2, 28), date(2026, 1, 1)],
)
def test_exactly_two_birthdays_today(today: date) -> None:
    data = build_demo(today)
    assert len(_birthdays_today(data, today)) == 2
    assert all(
        c.birthday.year is not None
        for c, _ in data.contacts
        if c.birthday and c.birthday.occurs_on(today)
    )


# --- notes, interactions, tasks, deals ------------------------------------------------------


def test_notes_and_interactions(demo: DemoData) -> None:
    earliest = datetime.combine(TODAY - timedelta(days=550), time())
    end = datetime.combine(TODAY, time())
    assert any(n.pinned for n, _ in demo.notes)
    for n, _ in demo.notes:
        assert n.body.strip() and n.created_at is not None
        assert earliest <= n.created_at < end
    for i, _ in demo.interactions:
        assert i.channel in CHANNELS and i.direction in DIRECTIONS and i.summary
        assert earliest <= i.occurred_at < end
    assert {i.channel for i, _ in demo.interactions} >= {"call", "email", "meeting"}
    assert {i.direction for i, _ in demo.interactions} == {"in", "out"}
    assert any("ü" in n.body or "é" in n.body for n, _ in demo.notes)  # not all English


def test_agenda_has_overdue_today_and_upcoming_tasks(demo: DemoData) -> None:
    tasks = [t for t, _ in demo.tasks]
    open_ = [t for t in tasks if t.status == "open"]
    overdue = [t for t in open_ if t.due_date and t.due_date < TODAY]
    assert len(overdue) >= 6
    assert all(TODAY - timedelta(days=20) <= t.due_date <= TODAY for t in overdue)
    due_today = [t for t in open_ if t.due_date == TODAY]
    assert len(due_today) >= 6
    assert any(t.due_time is not None for t in due_today)
    soon = [t for t in open_ if t.due_date and TODAY < t.due_date <= TODAY + timedelta(days=14)]
    assert len(soon) >= 12
    assert any(t.due_date is None for t in open_)
    assert len({t.priority for t in tasks}) == 3


def test_task_kinds_and_links(demo: DemoData) -> None:
    kinds = Counter(t.kind for t, _ in demo.tasks)
    assert 0.4 <= kinds["followup"] / len(demo.tasks) <= 0.6
    for t, idx in demo.tasks:
        assert t.kind in TASK_KINDS and t.priority in PRIORITIES and t.status in TASK_STATUSES
        if t.kind == "followup":
            assert idx is not None
    assert len(set(t.title for t, _ in demo.tasks)) >= 0.9 * len(demo.tasks)


def test_recurring_and_done_tasks(demo: DemoData) -> None:
    tasks = [t for t, _ in demo.tasks]
    recurring = [t for t in tasks if t.repeat]
    assert len(recurring) >= 4
    for t in recurring:
        assert t.repeat.startswith("FREQ=") and t.due_date is not None and t.status == "open"
    assert "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR" in {t.repeat for t in recurring}
    done = [t for t in tasks if t.status == "done"]
    assert len(done) >= 3
    for t in done:
        assert t.completed_at is not None and t.completed_at.date() < TODAY
    assert all(t.completed_at is None for t in tasks if t.status != "done")


def test_deals(demo: DemoData) -> None:
    for deal, acc, idx in demo.deals:
        assert deal.stage in DEAL_STAGES and deal.status in DEAL_STATUSES
        expected_status = deal.stage if deal.stage in ("won", "lost") else "open"
        assert deal.status == expected_status
        assert deal.value_cents > 0 and deal.title
        assert acc is not None
        country = demo.accounts[acc].addresses[0].country
        assert deal.currency == CURRENCIES[country]
        if idx is not None:
            assert demo.contacts[idx][1] == acc
        assert deal.expected_close is not None
        assert abs((deal.expected_close - TODAY).days) <= 90
        if deal.status == "open":
            assert deal.closed_at is None
        else:
            assert deal.closed_at is not None and deal.closed_at.date() < TODAY
    assert {d.status for d, _, _ in demo.deals} == {"open", "won", "lost"}


def test_nothing_happens_in_the_future(demo: DemoData) -> None:
    limit = TODAY + timedelta(days=1)
    for path, value in _walk(demo):
        if path.endswith((".due_date", ".expected_close")):
            continue
        day = value.date() if isinstance(value, datetime) else value
        assert day <= limit, path
    assert all(c.created_at is not None for c, _ in demo.contacts)
    assert all(a.created_at is not None for a in demo.accounts)
