"""Property tests: whatever a user types, the parsers answer or raise UsageError."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.core.contacts import (
    make_phone,
    normalize_email,
    parse_address,
    parse_partial_date,
    split_name,
    to_e164,
)
from rolodex.core.models import Contact, PartialDate
from rolodex.core.template import parse_template, render_template
from rolodex.errors import UsageError

ANY_TEXT = st.text(max_size=200)
FAST = settings(max_examples=150, deadline=None)


def answers_or_usage_error(fn, *args, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except UsageError as exc:
        assert "\n" not in str(exc)


@FAST
@given(ANY_TEXT)
def test_field_parsers_never_crash(text: str) -> None:
    answers_or_usage_error(normalize_email, text)
    answers_or_usage_error(make_phone, text, "GB")
    answers_or_usage_error(parse_address, text)
    answers_or_usage_error(parse_partial_date, text, "birthday")
    given_name, family = split_name(text)
    assert isinstance(given_name, str) and isinstance(family, str)


@FAST
@given(st.lists(st.text(max_size=80), max_size=20))
def test_the_editor_template_parser_never_crashes(lines: list[str]) -> None:
    answers_or_usage_error(
        parse_template, "\n".join(lines), Contact(id=1, display_name="X"), region="GB"
    )


@FAST
@given(
    st.emails(),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40),
)
def test_valid_emails_and_names_survive_the_template(email: str, nickname: str) -> None:
    try:
        address = normalize_email(email)
    except UsageError:
        return  # st.emails() allows a few forms we deliberately refuse (e.g. quoted locals)
    c = Contact(id=1, display_name="Ada", nickname=" ".join(nickname.split()))
    c.emails = []
    from rolodex.core.models import Email

    c.emails.append(Email(address, "work", True))
    back = parse_template(render_template(c), c, region=None)
    assert back.emails == c.emails and back.nickname == c.nickname


@FAST
@given(st.dates())
def test_birthdays_round_trip(day) -> None:
    pd = PartialDate(day.year, day.month, day.day)
    assert parse_partial_date(pd.isoformat(), "birthday") == pd
    no_year = PartialDate(None, day.month, day.day)
    assert PartialDate.parse(no_year.isoformat()) == no_year


def _phonenumbers_e164(number: str, region: str) -> str | None:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_SEP = st.sampled_from(["", " ", "-", "."])


@st.composite
def phone_shapes(draw: st.DrawFn) -> str:
    """Numbers as people and exporters write them: national and international, with the
    separators, brackets and trunk zeros they use."""
    d = st.text("0123456789", min_size=1, max_size=5)
    groups = draw(st.lists(d, min_size=1, max_size=5))
    sep = draw(_SEP)
    body = sep.join(groups)
    shape = draw(st.integers(0, 4))
    if shape == 0:
        return f"({draw(d)}) {body}"
    if shape == 1:
        return f"+{draw(st.integers(1, 999))}{draw(_SEP)}{body}"
    if shape == 2:
        return f"+1 ({draw(d)}) {body}"
    if shape == 3:
        return f"+{draw(st.integers(1, 999))} (0){body}"
    return body


@settings(max_examples=1500, deadline=None)
@given(phone_shapes(), st.sampled_from(["US", "CA", "GB", "DE", "JM"]))
def test_e164_agrees_with_phonenumbers(number: str, region: str) -> None:
    assert to_e164(number, region) == _phonenumbers_e164(number, region)
