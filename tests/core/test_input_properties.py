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


def _phonenumbers_e164(number: str, region: str | None) -> str | None:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# Regions numbers are read for: the common ones, and ones whose metadata has the rarer rules
# (prefix transforms, carrier codes, shared calling codes, local-only lengths, odd
# international prefixes).
_COMMON_REGIONS = "US CA GB DE JM AU FR IT JP CN BR AR MX IN RU KR"
_RARE_REGIONS = (
    "AG GG JE IM KZ VA SM CO NZ ES NL CH AT ZA ID SG HK IL AE NG PH EG BY UZ FI AX NO MG NF GA"
)
_PHONE_REGIONS = f"{_COMMON_REGIONS} {_RARE_REGIONS}".split()
# Real calling codes, including non-geographic ones and ones shared by several regions.
_CALLING_CODES = [1, 7, 20, 27, 30, 31, 33, 34, 36, 39, 41, 43, 44, 49, 52, 54, 55, 61, 62, 64]
_CALLING_CODES += [65, 81, 82, 86, 90, 91, 241, 261, 262, 351, 353, 358, 375, 378, 380, 420]
_CALLING_CODES += [599, 672, 800, 852, 870, 882, 886, 971, 972, 979, 998]
# International prefixes as written from various regions (and a few near misses).
_IDD = ["00", "011", "010", "001", "0011", "810", "8", "000", "0015", "00 1", "1"]
_TRUNKS = ["0", "1", "8", "(0)", "(0) ", "0 ", "1-", "90", "021", "015", "00"]
_SEP = st.sampled_from(["", " ", "-", "."])
_DIGITS = st.text("0123456789", min_size=1, max_size=5)


def _example_numbers() -> list[tuple[int, str, str]]:
    """(calling code, national significant number, national prefix) of phonenumbers' example
    numbers for the test regions: numbers that match the regions' patterns."""
    import phonenumbers
    from phonenumbers import PhoneMetadata, PhoneNumberType

    found = []
    for region in _PHONE_REGIONS:
        prefix = PhoneMetadata.metadata_for_region(region).national_prefix or ""
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                nsn = phonenumbers.national_significant_number(example)
                found.append((example.country_code, nsn, prefix))
    return found


_EXAMPLES: list[tuple[int, str, str]] = []


def _written(draw: st.DrawFn, number: str) -> str:
    """Digits split into up to five groups, the same separator between each."""
    sep = draw(_SEP)
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(number) - 1)), max_size=4))))
    groups = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)], strict=True)]
    return sep.join(g for g in groups if g)


@st.composite
def phone_shapes(draw: st.DrawFn, region: str | None = None) -> str:
    """Numbers as people and exporters write them: national and international, with the
    separators, brackets, international prefixes and trunk zeros they use. Given the region
    they are read for, some are numbers of that region or start with its calling code."""
    import phonenumbers

    own = phonenumbers.country_code_for_region(region) if region else 0
    groups = draw(st.lists(_DIGITS, min_size=1, max_size=5))
    sep = draw(_SEP)
    body = sep.join(groups)
    code = draw(st.one_of(st.sampled_from(_CALLING_CODES), st.integers(1, 999)))
    shape = draw(st.integers(0, 10))
    if shape == 0:
        return f"({draw(_DIGITS)}) {body}"
    if shape == 1:
        return f"+{code}{draw(_SEP)}{body}"
    if shape == 2:
        return f"+1 ({draw(_DIGITS)}) {body}"
    if shape == 3:  # "+49 (0)171 2322602"
        return f"+{code} (0){draw(st.sampled_from(['', ' ']))}{body}"
    if shape == 4:  # "0049 89 482 3662", "011 44 …"
        return f"{draw(st.sampled_from(_IDD))}{draw(_SEP)}{code}{draw(_SEP)}{body}"
    if shape == 5:  # a national number with its trunk prefix
        return f"{draw(st.sampled_from(_TRUNKS))}{body}"
    if shape == 6:  # a national number of any length, brackets and separators anywhere
        number = draw(st.text("0123456789", min_size=3, max_size=18))
        marks = draw(st.lists(st.sampled_from([" ", "-", ".", "(", ")", ") ", " ("]), max_size=4))
        spots = draw(
            st.lists(st.integers(0, len(number)), min_size=len(marks), max_size=len(marks))
        )
        for mark, spot in sorted(zip(marks, spots, strict=True), key=lambda m: -m[1]):
            number = number[:spot] + mark + number[spot:]
        return draw(st.sampled_from(["", "+"])) + number
    if shape in (7, 8):  # a real number of a test region, written every way, maybe mangled
        if not _EXAMPLES:
            _EXAMPLES.extend(_example_numbers())
        ours = [example for example in _EXAMPLES if example[0] == own]
        cc, nsn, prefix = draw(st.sampled_from(ours if ours and draw(st.booleans()) else _EXAMPLES))
        if draw(st.booleans()):
            nsn = nsn[: draw(st.integers(1, len(nsn)))] + draw(st.text("0123456789", max_size=3))
        national = _written(draw, nsn)
        way = draw(st.integers(0, 5))
        if way == 0:
            return f"+{cc} {national}"
        if way == 1:
            return f"+{cc} ({prefix}){national}" if prefix else f"+{cc} {national}"
        if way == 2:
            return f"{prefix}{national}"
        if way == 3:
            return f"{cc}{draw(_SEP)}{national}"
        if way == 4:
            return f"{draw(st.sampled_from(_IDD))} {cc} {national}"
        return f"({prefix}{nsn[:2]}) {nsn[2:]}"
    if shape == 9 and own:  # "44 20 7946 0958" read in GB: its own calling code without "+"
        return f"{own}{draw(_SEP)}{body}"
    return body


@settings(max_examples=1500, deadline=None)
@given(st.data())
def test_e164_agrees_with_phonenumbers(data: st.DataObject) -> None:
    region = data.draw(st.sampled_from(_PHONE_REGIONS))
    number = data.draw(phone_shapes(region))
    assert to_e164(number, region) == _phonenumbers_e164(number, region)


@FAST
@given(phone_shapes())
def test_e164_without_a_region_agrees_with_phonenumbers(number: str) -> None:
    assert to_e164(number, None) == _phonenumbers_e164(number, None)


_ONCE_SLOW_SHAPES = [
    # A trunk zero in brackets after the calling code.
    ("+49 (0)171 2322602", "US", "+491712322602"),
    ("+44 (0)7874 064039", "US", "+447874064039"),
    ("+44 (0)7874 064039", "GB", "+447874064039"),
    # "00" is not the international prefix of the US (011 is): twelve digits are too long.
    ("0049 89 482 3662", "US", None),
    ("011 49 89 482 3662", "US", "+49894823662"),
    ("0049 89 482 3662", "GB", "+49894823662"),
    # National numbers of other countries read for the US: too long, too short, or ten
    # digits taken as a US number.
    ("914843443", "US", None),
    ("01 95 34 28 36", "US", "+10195342836"),
    ("03-6247-5107", "US", "+10362475107"),
    ("07217 459615", "US", None),
    ("010-2481-9346", "US", None),
    # The same read for their own regions.
    ("914843443", "ES", "+34914843443"),
    ("01 95 34 28 36", "FR", "+33195342836"),
    ("03-6247-5107", "JP", "+81362475107"),
    ("07217 459615", "DE", "+497217459615"),
    ("010-2481-9346", "KR", "+821024819346"),
    # A NANP region's seven-digit local number is "possible" to phonenumbers.
    ("555 0132", "JM", "+15550132"),
    ("0 21 11 98765-4321", "BR", "+5511987654321"),
    ("011 15-2345-6789", "AR", "+5491123456789"),
]


def test_e164_of_shapes_that_once_took_the_slow_path() -> None:
    for number, region, e164 in _ONCE_SLOW_SHAPES:
        assert _phonenumbers_e164(number, region) == e164, number
        assert to_e164(number, region) == e164, number
