"""Tests for rolodex.core.query: the query language's parser and formatter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.core import models
from rolodex.core.query import (
    HAS_VALUES,
    IS_VALUES,
    KNOWN_FIELDS,
    STAGES,
    QuerySpec,
    Term,
    format_query,
    parse_query,
)
from rolodex.errors import UsageError

FAST = settings(max_examples=200, deadline=None)


def terms(text: str) -> list[Term]:
    return list(parse_query(text).terms)


# --- fields and aliases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tag:vip", Term("tag", "vip")),
        ("tags:vip", Term("tag", "vip")),
        ("#vip", Term("tag", "vip")),
        ("org:acme", Term("org", "acme")),
        ("account:Acme", Term("org", "Acme")),
        ("company:ACME", Term("org", "ACME")),
        ("stage:lead", Term("stage", "lead")),
        ("stage:MQL", Term("stage", "mql")),
        ("city:Berlin", Term("city", "Berlin")),
        ("country:DE", Term("country", "DE")),
        ("email:@example.com", Term("email", "@example.com")),
        ("phone:+44-20", Term("phone", "+44-20")),
        ("has:phone", Term("has", "phone")),
        ("has:Email", Term("has", "email")),
        ("name:Ada", Term("name", "Ada")),
        ("title:CTO", Term("title", "CTO")),
        ("owner:me", Term("owner", "me")),
        ("id:42", Term("id", "42")),
        ("uid:abc-123", Term("uid", "abc-123")),
        ("is:trashed", Term("is", "trashed")),
        ("is:Active", Term("is", "active")),
        ("TAG:VIP", Term("tag", "VIP")),
        ("Org:Acme", Term("org", "Acme")),
        ("email:a:b", Term("email", "a:b")),
        ("org:https://acme.com", Term("org", "https://acme.com")),
        ("tag:-x", Term("tag", "-x")),
        ("tag:#x", Term("tag", "#x")),
    ],
)
def test_single_filter(text: str, expected: Term) -> None:
    assert terms(text) == [expected]


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage(stage: str) -> None:
    assert terms(f"stage:{stage.upper()}") == [Term("stage", stage)]


def test_stages_match_the_models() -> None:
    assert STAGES == models.STAGES


@pytest.mark.parametrize("value", HAS_VALUES)
def test_every_has_value(value: str) -> None:
    assert terms(f"has:{value}") == [Term("has", value)]


def test_known_fields() -> None:
    assert KNOWN_FIELDS == (
        "account",
        "city",
        "country",
        "email",
        "has",
        "id",
        "is",
        "name",
        "org",
        "owner",
        "phone",
        "stage",
        "tag",
        "title",
        "uid",
    )
    assert IS_VALUES == ("trashed", "active")


def test_combined_query() -> None:
    spec = parse_query("tag:vip org:acme stage:lead ada")
    assert spec.terms == (
        Term("tag", "vip"),
        Term("org", "acme"),
        Term("stage", "lead"),
        Term("text", "ada"),
    )
    assert spec.words == ("ada",)
    assert spec.filters("tag") == (Term("tag", "vip"),)
    assert spec.filters("account") == (Term("org", "acme"),)
    assert spec.filters("city") == ()
    assert not spec.is_empty
    assert not spec.trashed


# --- negation ---------------------------------------------------------------------------------


def test_negation() -> None:
    spec = parse_query("city:berlin -tag:old -smith -#cold")
    assert spec.terms == (
        Term("city", "berlin"),
        Term("tag", "old", negate=True),
        Term("text", "smith", negate=True),
        Term("tag", "cold", negate=True),
    )
    assert spec.words == ()
    assert spec.excluded_words == ("smith",)
    assert spec.filters("tag") == (Term("tag", "old", True), Term("tag", "cold", True))


def test_negated_phrase_and_quoted_dash() -> None:
    assert terms('-"ada love"') == [Term("text", "ada love", negate=True)]
    assert terms('"-smith"') == [Term("text", "-smith")]
    assert terms("--x") == [Term("text", "-x", negate=True)]
    assert terms("a-b") == [Term("text", "a-b")]


# --- quoting ----------------------------------------------------------------------------------


def test_quoting() -> None:
    assert terms('name:"van der Berg"') == [Term("name", "van der Berg")]
    assert terms('tag:"big fish"') == [Term("tag", "big fish")]
    assert terms('#"big fish"') == [Term("tag", "big fish")]
    assert terms('"ada love" x') == [Term("text", "ada love"), Term("text", "x")]
    assert terms('name:van" der "Berg') == [Term("name", "van der Berg")]


def test_escapes_inside_quotes() -> None:
    assert terms(r'"say \"hi\""') == [Term("text", 'say "hi"')]
    assert terms(r'"back\\slash"') == [Term("text", "back\\slash")]
    assert terms(r'"keep \n as is"') == [Term("text", r"keep \n as is")]
    assert terms(r"outside\quotes") == [Term("text", r"outside\quotes")]


def test_quoted_colon_is_a_phrase_not_a_field() -> None:
    assert terms('"tag:vip"') == [Term("text", "tag:vip")]
    assert terms('"colour":red') == [Term("text", "colour:red")]


def test_blank_phrase_is_ignored() -> None:
    assert parse_query('""').is_empty
    assert parse_query('-"  " ada').terms == (Term("text", "ada"),)


def test_unicode_whitespace_separates() -> None:
    assert terms("ada\u3000tag:vip\u00a0lee\tx\ny") == [
        Term("text", "ada"),
        Term("tag", "vip"),
        Term("text", "lee"),
        Term("text", "x"),
        Term("text", "y"),
    ]


# --- words that contain a colon but are not fields ------------------------------------------


@pytest.mark.parametrize(
    "word",
    ["https://x.org", "http://example.com/a:b", "10:30", ":x", "a1:b", "李:x", "x-y:z", "ftp://h"],
)
def test_colon_words_stay_free(word: str) -> None:
    assert terms(word) == [Term("text", word)]
    assert terms(f"-{word}") == [Term("text", word, negate=True)]


# --- empty and trashed --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\t\n\u3000"])
def test_empty_query(text: str) -> None:
    spec = parse_query(text)
    assert spec == QuerySpec()
    assert spec.is_empty
    assert spec.words == ()
    assert format_query(spec) == ""


@pytest.mark.parametrize(
    ("text", "trashed"),
    [
        ("is:trashed", True),
        ("is:active", False),
        ("-is:active", True),
        ("-is:trashed", False),
        ("is:trashed is:active", False),
        ("ada", False),
    ],
)
def test_trashed(text: str, trashed: bool) -> None:
    assert parse_query(text).trashed is trashed


# --- errors -----------------------------------------------------------------------------------


def error(text: str) -> str:
    with pytest.raises(UsageError) as info:
        parse_query(text)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_unknown_field() -> None:
    assert error("colour:red") == (
        "unknown field 'colour' in query; known fields: account, city, country, email, has, "
        "id, is, name, org, owner, phone, stage, tag, title, uid"
    )
    assert "'Colour'" in error("Colour:red")
    assert "unknown field 'colour'" in error('colour:"x y"')


@pytest.mark.parametrize("text", ["tag:", "-tag:", 'tag:""', 'name:" " x'])
def test_empty_value(text: str) -> None:
    assert "empty value" in error(text)


def test_empty_tag_shorthand() -> None:
    assert "empty tag" in error("#")
    assert "empty tag" in error('-#""')


@pytest.mark.parametrize("text", ["-", "ada - lee", "- "])
def test_lone_dash(text: str) -> None:
    assert "lone '-'" in error(text)


@pytest.mark.parametrize("text", ['"ada', 'name:"van der', 'x "a\\"', '"a\\\\" "'])
def test_unterminated_quote(text: str) -> None:
    assert "unterminated quote" in error(text)


def test_unterminated_quote_position() -> None:
    assert "character 6" in error('ada  "lee')


def test_bad_stage() -> None:
    message = error("stage:prospect")
    assert "'prospect'" in message
    assert "subscriber, lead, mql, sql, opportunity, customer, evangelist" in message


def test_bad_has() -> None:
    message = error("has:fax")
    assert "'fax'" in message
    assert "email, phone, address, birthday, account, tag, note, task" in message


def test_bad_is() -> None:
    message = error("is:deleted")
    assert "'deleted'" in message
    assert "trashed, active" in message


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "4 2", "٣", "+3"])
def test_bad_id(value: str) -> None:
    assert "whole number" in error(f'id:"{value}"')


def test_too_long() -> None:
    parse_query("a" * 10_000)
    assert error("a" * 10_001).startswith("query is too long")


# --- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("tag:vip  account:acme STAGE:Lead ada", "tag:vip org:acme stage:lead ada"),
        ("#vip -#old", "tag:vip -tag:old"),
        ('name:"van der Berg"', 'name:"van der Berg"'),
        ('"ada love" -"x y"', '"ada love" -"x y"'),
        ('"-smith" "#x" "tag:vip"', '"-smith" "#x" "tag:vip"'),
        ("https://x.org 10:30", "https://x.org 10:30"),
        (r'"say \"hi\" \\ ok"', r'"say \"hi\" \\ ok"'),
        (r"a\b", r"a\b"),
        ('tag:"//x"', 'tag:"//x"'),
        ("email:a//b", "email:a//b"),
    ],
)
def test_format_query(text: str, canonical: str) -> None:
    assert format_query(parse_query(text)) == canonical


# --- properties -------------------------------------------------------------------------------

_query_chars = st.sampled_from(list(' \t"\\-#:/abcAB1_\u3000李é'))


@FAST
@given(st.one_of(st.text(), st.text(alphabet=_query_chars)))
def test_parse_never_raises_anything_else(text: str) -> None:
    try:
        spec = parse_query(text)
    except UsageError:
        return
    assert isinstance(spec, QuerySpec)
    assert parse_query(format_query(spec)) == spec


_value = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")),
    min_size=1,
).filter(lambda s: s.strip())
_free_fields = ("text", "tag", "org", "city", "country", "email", "phone", "name", "title")


@st.composite
def _terms(draw: st.DrawFn) -> Term:
    negate = draw(st.booleans())
    kind = draw(st.sampled_from((*_free_fields, "owner", "uid", "stage", "has", "is", "id")))
    if kind == "stage":
        value = draw(st.sampled_from(STAGES))
    elif kind == "has":
        value = draw(st.sampled_from(HAS_VALUES))
    elif kind == "is":
        value = draw(st.sampled_from(IS_VALUES))
    elif kind == "id":
        value = str(draw(st.integers(min_value=0, max_value=10**12)))
    else:
        value = draw(st.one_of(_value, st.text(alphabet=_query_chars).filter(str.strip)))
    return Term(kind, value, negate)


@FAST
@given(st.lists(_terms(), max_size=6).map(lambda ts: QuerySpec(tuple(ts))))
def test_round_trip(spec: QuerySpec) -> None:
    assert parse_query(format_query(spec)) == spec
