"""The CSV converter: every layout it knows, read from files modelled on real exports, and
whatever else a user may hand it."""

from __future__ import annotations

import contextlib
import csv
import io
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolodex.cli.contacts import CONTACT_CSV, flatten_contact
from rolodex.cli.render import Format, emit_records, safe_cell
from rolodex.core.models import Address, Contact, Email, PartialDate, Url
from rolodex.errors import BadInput, UsageError
from rolodex.importers import csv_presets
from rolodex.importers.base import ContactRecord, Parsed, Rejected
from rolodex.importers.csv_presets import (
    FIELDS,
    PRESETS,
    detect_preset,
    parse_csv,
    parse_map,
    sniff_csv,
)

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GOOGLE_HEADER = "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Notes,Labels\n"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read(data: bytes | str, **kwargs) -> list[Parsed[ContactRecord] | Rejected]:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return list(parse_csv(data, **kwargs))


def parsed(data: bytes | str, **kwargs) -> list[Parsed[ContactRecord]]:
    out = read(data, **kwargs)
    assert all(isinstance(o, Parsed) for o in out), out
    return out  # type: ignore[return-value]


def header_of(data: bytes, encoding: str = "utf-8-sig", delimiter: str = ",") -> list[str]:
    lines = data.decode(encoding).splitlines()
    start = next(i for i, line in enumerate(lines) if delimiter in line and "name" in line.lower())
    return next(csv.reader([lines[start]], delimiter=delimiter))


# ---------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "preset"),
    [
        ("google.csv", "utf-8", ",", "google"),
        ("google-legacy.csv", "utf-8", ",", "google-legacy"),
        ("outlook.csv", "utf-8-sig", ",", "outlook"),
        ("outlook-de.csv", "cp1252", ";", "outlook-de"),
        ("linkedin.csv", "utf-8", ",", "linkedin"),
        ("rolodex.csv", "utf-8", ",", "rolodex"),
    ],
)
def test_each_layout_is_detected_from_its_header(
    name: str, encoding: str, delimiter: str, preset: str
) -> None:
    data = fixture(name)
    assert detect_preset(header_of(data, encoding, delimiter)) == preset
    assert sniff_csv(data)
    # Detected when reading, and the same when asked for by name.
    assert [o.line for o in read(data)] == [o.line for o in read(data, preset=preset)]


def test_the_export_columns_of_today_are_detected() -> None:
    assert detect_preset(list(CONTACT_CSV)) == "rolodex"


def test_detection_ignores_case_spacing_and_a_stray_bom() -> None:
    assert detect_preset(["\ufeffFIRST NAME", " last  name ", "Labels"]) == "google"
    assert detect_preset(["Vorname", "Nachname", "E-Mail-Adresse"]) == "outlook-de"
    assert detect_preset(["First Name", "Last Name", "E-mail Address"]) == "outlook"
    assert detect_preset(["name", "email"]) is None
    assert detect_preset([]) is None


def test_presets_and_fields_are_published() -> None:
    assert PRESETS == (
        "google",
        "google-legacy",
        "outlook",
        "outlook-de",
        "linkedin",
        "generic",
        "rolodex",
    )
    for field in ("given_name", "family_name", "email", "mobile", "tags", "note", "custom:NAME"):
        assert field in FIELDS


def test_parse_csv_is_a_generator() -> None:
    result = parse_csv(fixture("google.csv"))
    assert isinstance(result, types.GeneratorType)
    first = next(result)
    assert isinstance(first, Parsed) and first.line == 2


# ---------------------------------------------------------------------------- Google


def test_google_current_layout() -> None:
    out = read(fixture("google.csv"))
    assert [(type(o).__name__, o.line) for o in out] == [
        ("Parsed", 2),  # notes and the formatted address span lines 2-5
        ("Parsed", 6),
        ("Parsed", 7),
        ("Parsed", 10),
        ("Rejected", 11),
    ]
    ada = out[0].item.contact
    assert (ada.prefix, ada.given_name, ada.family_name, ada.nickname) == (
        "Countess",
        "Ada",
        "Lovelace",
        "Ada",
    )
    assert ada.display_name == "Ada Lovelace"
    assert (ada.account, ada.title) == ("Analytical Engines, Ltd.", "Mathematician")
    assert [(e.address, e.label, e.preferred) for e in ada.emails] == [
        ("ada@analytical.example", "work", False),
        ("ada.lovelace@example.org", "home", True),  # "* Home": Google's preferred mark
        ("ada@byron.example", "home", False),  # the second value of a " ::: " cell
    ]
    assert [(p.number, p.label, p.preferred) for p in ada.phones] == [
        ("+44 7700 900123", "mobile", True),
        ("+44 20 7946 0958", "work", False),
    ]
    assert ada.addresses == [
        Address(
            street="12 St James's Square",
            locality="London",
            postal_code="SW1Y 4JH",
            country="United Kingdom",
            label="home",
            preferred=True,
        )
    ]
    assert ada.urls == [Url("https://ada.example.org", "homepage", True)]
    assert ada.birthday == PartialDate(1815, 12, 10)
    assert ada.anniversary == PartialDate(1835, 7, 8)
    assert ada.tags == ["VIP", "Friends"]  # "* myContacts" is not a tag
    assert ada.custom == {"department": "R&D", "Favourite engine": "Difference Engine No. 2"}
    assert ada.provenance.source == "import:csv"
    assert out[0].item.notes == ["Met at the Babbage soirée.\nPrefers letters, not calls."]
    assert out[0].warnings == []

    wang = out[1].item.contact
    assert (wang.given_name, wang.family_name, wang.display_name) == ("伟", "王", "王伟")
    assert wang.birthday == PartialDate(None, 3, 14)
    assert wang.tags == []
    assert [(e.address, e.label, e.preferred) for e in wang.emails] == [
        ("wei.wang@huawei.example", "work", True)
    ]

    grace = out[2].item.contact
    assert (grace.additional_name, grace.display_name) == ("Brewster", "Grace Hopper")
    assert grace.tags == ["starred", "Navy"]
    assert grace.emails == []
    assert grace.addresses[0].street == "Naval Station Norfolk, Norfolk, VA 23511, USA"
    assert grace.addresses[0].label == "work"

    charles = out[3]
    # A bad email and an impossible birthday are dropped with a warning; the contact stays.
    assert [e.address for e in charles.item.contact.emails] == ["charles@babbage.example"]
    assert charles.item.contact.emails[0].preferred
    assert charles.item.contact.birthday is None
    assert charles.warnings == [
        "E-mail 1 - Value: 'charles at babbage' is not an email address; dropped",
        "Birthday: '1791-02-30' is not a possible date; dropped",
    ]
    # A cell that looks like a formula from another tool is data, kept as it is.
    assert charles.item.contact.title == "=1+2"

    nobody = out[4]
    assert nobody.reason == "no name, email or phone"
    assert nobody.raw.startswith(',,,,,,,,,,,,,,"a note, but nobody to attach it to"')


def test_google_legacy_layout() -> None:
    out = parsed(fixture("google-legacy.csv"))
    assert [o.line for o in out] == [2, 5, 6]
    alan = out[0].item.contact
    assert (alan.given_name, alan.additional_name, alan.family_name) == (
        "Alan",
        "Mathison",
        "Turing",
    )
    assert alan.display_name == "Alan Turing"
    assert (alan.account, alan.title, alan.role) == (
        "Bletchley Park",
        "Cryptanalyst",
        "Head of Hut 8",
    )
    assert [(e.address, e.label, e.preferred) for e in alan.emails] == [
        ("alan@bletchley.example", "work", True),
        ("alan.turing@example.org", "home", False),
    ]
    assert [(p.number, p.label) for p in alan.phones] == [
        ("+44 1908 640404", "mobile"),
        ("+44 1908 640400", "fax"),
    ]
    assert alan.tags == ["Friends", "Codebreakers"]
    assert alan.birthday == PartialDate(1912, 6, 23)
    assert alan.addresses[0].locality == "Wilmslow"
    assert alan.urls == [Url("https://turing.example", "profile", True)]
    assert out[0].item.notes == ["Bletchley Park, Hut 8"]

    # Only a full name: split sensibly; the display name is given + family.
    ada = out[1].item.contact
    assert (ada.given_name, ada.family_name, ada.display_name) == (
        "Ada",
        "Lovelace",
        "Ada Lovelace",
    )
    assert [(e.address, e.label, e.preferred) for e in ada.emails] == [
        ("ada@example.org", "other", True),
        ("countess@example.org", "other", False),
    ]
    li = out[2].item.contact
    assert (li.given_name, li.family_name, li.display_name) == ("芳", "李", "李芳")


# ---------------------------------------------------------------------------- Outlook


def test_outlook_english_with_bom_and_quoted_commas() -> None:
    data = fixture("outlook.csv")
    assert data.startswith(b"\xef\xbb\xbf")
    out = read(data)
    assert [(type(o).__name__, o.line) for o in out] == [
        ("Parsed", 2),
        ("Parsed", 4),
        ("Parsed", 5),
        ("Rejected", 6),
    ]
    ada = out[0].item.contact
    assert (ada.prefix, ada.given_name, ada.family_name) == ("Ms.", "Ada", "Lovelace")
    assert (ada.account, ada.title) == ("Analytical Engines, Ltd.", "Mathematician")
    assert ada.custom == {"department": "Research"}
    assert ada.birthday == PartialDate(1815, 12, 10)  # M/D/YYYY
    assert ada.anniversary == PartialDate(1835, 7, 8)
    assert ada.tags == ["VIP", "Clients"]
    assert [(e.address, e.preferred) for e in ada.emails] == [("ada@analytical.example", True)]
    # No "Primary Phone": the mobile comes first and is preferred.
    assert [(p.number, p.label, p.preferred) for p in ada.phones] == [
        ("+44 7700 900123", "mobile", True),
        ("+44 20 7946 0958", "work", False),
    ]
    assert ada.addresses == [
        Address(
            street="12 St James's Square",
            extended="Floor 2",
            locality="London",
            postal_code="SW1Y 4JH",
            country="United Kingdom",
            label="work",
            preferred=True,
        )
    ]
    assert ada.urls == [Url("https://ada.example.org", "", True)]
    assert out[0].item.notes == ['Met at the Babbage soirée.\nAsk about the "Notes" on the engine.']

    charles = out[1]
    assert charles.item.contact.birthday is None  # 0/0/00 means none, without a warning
    assert [e.address for e in charles.item.contact.emails] == ["charles@babbage.example"]
    assert len(charles.warnings) == 1
    assert charles.warnings[0].startswith("E-mail Address: '/o=ExchangeLabs")
    assert [(p.number, p.label, p.preferred) for p in charles.item.contact.phones] == [
        ("+44 20 7946 0101", "", True),  # "Primary Phone"
        ("+44 20 7946 0100", "home", False),
    ]
    contoso = out[2].item.contact
    assert (contoso.account, contoso.display_name) == ("Contoso Ltd", "")
    assert contoso.phones[0].label == "work"
    assert out[3].reason == "no name, email or phone"
    assert out[3].raw.startswith('"","","","","","Fabrikam, Inc."')
    assert not out[3].raw.endswith("\r")


def test_google_system_groups_are_not_tags_in_either_spelling() -> None:
    legacy = (
        "Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value\n"
        "Ada Lovelace,Ada,Lovelace,* My Contacts ::: * Other Contacts ::: VIP,* Work,a@b.example\n"
    )
    [ada] = parsed(legacy)
    assert ada.item.contact.tags == ["VIP"]
    current = (
        GOOGLE_HEADER + "Ada,Lovelace,,a@b.example,,* myContacts ::: * otherContacts ::: VIP\n"
    )
    [ada] = parsed(current)
    assert ada.item.contact.tags == ["VIP"]


def test_a_number_given_twice_keeps_the_more_specific_label() -> None:
    data = (
        "First Name,Last Name,Primary Phone,Mobile Phone,Business Phone,Other Phone\n"
        "Ada,Lovelace,+44 7700 900123,+44 7700 900123,+44 20 7946 0958,+44 20 7946 0958\n"
    )
    [ada] = parsed(data)
    assert [(p.number, p.label, p.preferred) for p in ada.item.contact.phones] == [
        ("+44 7700 900123", "mobile", True),  # Primary Phone, and also the mobile
        ("+44 20 7946 0958", "work", False),  # not made vaguer by Other Phone
    ]


def test_outlook_german_semicolons_in_windows_1252() -> None:
    data = fixture("outlook-de.csv")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    out = parsed(data)
    assert [o.line for o in out] == [2, 4, 5]
    jm = out[0].item.contact
    assert (jm.prefix, jm.given_name, jm.family_name, jm.display_name) == (
        "Herr",
        "Jürgen",
        "Müller",
        "Jürgen Müller",
    )
    assert (jm.account, jm.title) == ("Müller & Söhne KG", "Geschäftsführer")
    assert jm.birthday == PartialDate(1965, 12, 10)  # D.M.YYYY
    assert jm.anniversary is None  # 0.0.00
    assert jm.tags == ["Kunden", "Wichtig"]
    assert [(p.number, p.label) for p in jm.phones] == [
        ("+49 171 7654321", "mobile"),
        ("+49 89 1234567", "work"),
    ]
    assert jm.addresses[0] == Address(
        street="Königsweg 7",
        locality="München",
        region="Bayern",
        postal_code="80331",
        country="Deutschland",
        label="work",
        preferred=True,
    )
    assert out[0].item.notes == [
        "Ruft lieber abends an.\nGrüße an Frau Müller – sie mag Weißwürste."
    ]
    assert out[0].warnings == []

    kaethe = out[1].item.contact
    assert (kaethe.given_name, kaethe.family_name) == ("Käthe", "Schäfer")
    assert kaethe.addresses[0].street == "Schloßallee 1"
    assert kaethe.birthday is None

    bjoern = out[2]
    assert bjoern.item.contact.display_name == "Björn Weiß"
    assert bjoern.item.contact.birthday is None
    assert bjoern.warnings == ["Geburtstag: '31.02.1980' is not a possible date; dropped"]
    assert [e.address for e in bjoern.item.contact.emails] == ["bjoern.weiss@example.de"]


def test_outlook_english_with_semicolons_in_windows_1252() -> None:
    text = (
        "First Name;Last Name;E-mail Address;Mobile Phone;Birthday;Categories\r\n"
        "Zoë;Lefèvre;zoe@example.fr;+33 6 12 34 56 78;25/12/1990;Amis;Travail\r\n"
    )
    out = read(text.encode("cp1252"))
    # The unquoted ";" in the categories makes one cell too many.
    assert isinstance(out[0], Rejected)
    assert out[0].reason == "the row has 7 cells, the header 6"
    text = text.replace("Amis;Travail", '"Amis;Travail"')
    (zoe,) = parsed(text.encode("cp1252"))
    c = zoe.item.contact
    assert (c.given_name, c.family_name) == ("Zoë", "Lefèvre")
    assert c.birthday == PartialDate(1990, 12, 25)  # first number above 12: D/M/YYYY
    assert c.tags == ["Amis", "Travail"]


# ---------------------------------------------------------------------------- LinkedIn


def test_linkedin_preamble_is_skipped() -> None:
    out = parsed(fixture("linkedin.csv"))
    assert [o.line for o in out] == [5, 6]
    grace, alan = (o.item.contact for o in out)
    assert (grace.given_name, grace.family_name, grace.emails) == ("Grace", "Hopper", [])
    assert grace.urls == [Url("https://www.linkedin.com/in/gracehopper", "linkedin", True)]
    assert (grace.account, grace.title) == ("US Navy", "Rear Admiral")
    assert grace.custom == {"linkedin_connected_on": "09 Dec 2023"}
    assert alan.account == "Bletchley Park, GC&CS"
    assert [e.address for e in alan.emails] == ["alan@bletchley.example"]


# ---------------------------------------------------------------------------- generic + map


def test_generic_file_with_a_map_file() -> None:
    mapping = parse_map((FIXTURES / "generic.map").read_text(encoding="utf-8"))
    assert mapping["mail"] == "email"
    assert mapping["customer_id"] == "custom:shop_id"
    with pytest.raises(BadInput, match="unknown CSV layout"):
        read(fixture("generic.csv"))
    out = parsed(fixture("generic.csv"), mapping=mapping)
    assert out == parsed(fixture("generic.csv"), preset="generic", mapping=mapping)
    ada = out[0].item.contact
    assert (ada.given_name, ada.family_name, ada.display_name) == (
        "Ada",
        "Lovelace",
        "Ada Lovelace",
    )
    assert [(e.address, e.preferred) for e in ada.emails] == [("ada@example.org", True)]
    assert [(p.number, p.label) for p in ada.phones] == [("+44 7700 900123", "mobile")]
    assert ada.addresses == [Address(locality="London", preferred=True)]
    assert ada.birthday == PartialDate(1815, 12, 10)
    assert ada.tags == ["vip", "newsletter"]
    assert ada.stage == "customer"
    assert ada.custom == {"shop_id": "1001"}
    assert out[0].item.notes == ["Prefers email"]
    charles = out[1].item.contact
    assert (charles.birthday, charles.stage) == (PartialDate(1791, 12, 26), "lead")
    grace = out[2]
    assert grace.item.contact.emails == [] and grace.item.contact.stage is None
    assert grace.warnings == [
        "mail: 'not-an-email' is not an email address; dropped",
        "lifecycle: unknown stage 'admiral' (stages: subscriber, lead, mql, sql, opportunity, "
        "customer, evangelist); dropped",
    ]


def test_generic_needs_a_map() -> None:
    with pytest.raises(UsageError, match="--map"):
        read(fixture("generic.csv"), preset="generic")


def test_a_map_overrides_what_a_preset_does_with_a_column() -> None:
    mapping = {"Organization Department": "role", "Nickname": "ignore"}
    ada = read(fixture("google.csv"), mapping=mapping)[0].item.contact
    assert (ada.role, ada.nickname) == ("R&D", "")
    assert "department" not in ada.custom


def test_a_map_naming_a_missing_column_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not in the header: 'e-mail'"):
        read(fixture("generic.csv"), mapping={"E-Mail": "email"})


def test_generic_tab_delimited_with_a_map() -> None:
    text = "Name\tMail\tPhone\nLovelace, Ada\tada@example.org; ada@byron.example\t020 7946 0018\n"
    (ada,) = parsed(text, mapping={"Name": "name", "Mail": "email", "Phone": "phone"})
    c = ada.item.contact
    assert (c.given_name, c.family_name) == ("Ada", "Lovelace")
    assert [e.address for e in c.emails] == ["ada@example.org", "ada@byron.example"]
    assert [p.number for p in c.phones] == ["020 7946 0018"]


# ---------------------------------------------------------------------------- parse_map


def test_parse_map_reads_lines_comments_and_aliases() -> None:
    text = (
        "# the shop's export\n"
        "\n"
        "  Vorname = first_name \n"
        "Phone #=mobile\n"  # '#' inside a column name is not a comment
        "a=b=email\n"  # the last '=' separates the field
        "Kundennummer=custom:Customer No\n"
        "Company=company\n"
    )
    assert parse_map(text) == {
        "Vorname": "given_name",
        "Phone #": "mobile",
        "a=b": "email",
        "Kundennummer": "custom:Customer No",
        "Company": "account",
    }
    assert parse_map("") == {}


def test_parse_map_names_every_bad_line() -> None:
    text = "Name=display_name\nno equals sign\nMail=emial\nTag=custom:\nname=nickname\n=email\n"
    with pytest.raises(UsageError) as err:
        parse_map(text)
    message = str(err.value)
    assert "line 2: 'no equals sign' is not COLUMN=FIELD" in message
    assert "line 3: unknown field 'emial' (did you mean 'email'?)" in message
    assert "line 4: unknown field 'custom:'" in message
    assert "line 5: column 'name' is already mapped on line 1" in message
    assert "line 6: '=email' is not COLUMN=FIELD" in message
    assert "line 1:" not in message
    assert "\n" not in message


def test_an_unknown_field_in_a_mapping_dict_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown field 'shoe_size'"):
        read(fixture("generic.csv"), mapping={"mail": "shoe_size"})


# ---------------------------------------------------------------------------- Rolodex export


def test_rolodex_export_reads_back() -> None:
    out = parsed(fixture("rolodex.csv"))
    assert [o.line for o in out] == [2, 3, 4, 5, 6]
    ada = out[0].item.contact
    assert ada.uid == "6fa2495f-4fad-45e2-aae8-1aa717e1f091"
    assert (ada.display_name, ada.given_name, ada.family_name) == (
        "Ada Lovelace",
        "Ada",
        "Lovelace",
    )
    # Cells the export guarded with a leading ' come back as they were stored.
    assert ada.nickname == "@ada"
    assert ada.title == "=1+1 Mathematician"
    assert ada.role == "-lead-"
    assert [(e.address, e.preferred) for e in ada.emails] == [
        ("ada@analytical.example", True),
        ("ada.lovelace@example.org", False),
    ]
    assert [p.number for p in ada.phones] == ["+44 20 7946 0958", "020 7946 0018"]
    assert ada.account == "Analytical Engines, Ltd."
    assert ada.tags == ["vip", "clients"]
    assert ada.birthday == PartialDate(1815, 12, 10)
    assert ada.stage == "customer"
    assert ada.addresses == [Address(locality="London", country="United Kingdom", preferred=True)]
    assert out[1].item.contact.account == "+Difference Engines"
    wang = out[3].item.contact
    assert (wang.display_name, wang.birthday, wang.stage) == (
        "王伟",
        PartialDate(None, 3, 14),
        "lead",
    )
    odd = out[4].item.contact
    assert (odd.display_name, odd.given_name, odd.nickname) == ("\tTabbed", "\tTabbed", "\rCR")
    assert (odd.title, odd.role) == ("+1 (on hold)", "@channel")


FORMULA_TEXT = st.builds(
    lambda quotes, first, rest: quotes + first + rest,
    st.sampled_from(["", "", "'", "''"]),  # text may already start with the guard's quote
    st.sampled_from(["=", "+", "-", "@", "\t", "\r"]),
    st.text(
        alphabet=st.one_of(
            st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\t\r\n'\",;")
        ),
        max_size=25,
    ),
)
TEXT_FIELDS = ("display_name", "given_name", "family_name", "nickname", "account", "title", "role")


@FAST
@given(
    st.lists(st.fixed_dictionaries({f: FORMULA_TEXT for f in TEXT_FIELDS}), min_size=1, max_size=3)
)
def test_formula_text_survives_export_and_import(rows: list[dict[str, str]]) -> None:
    """Text that starts with = + - @ TAB CR, written by `contact list --csv`'s own code
    (Contact.to_dict, flatten_contact, emit_records with safe_cell), reads back exactly."""
    records = [
        Contact(**row, emails=[Email(f"p{i}@example.org")]).to_dict() for i, row in enumerate(rows)
    ]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        emit_records(records, Format.csv, csv_columns=CONTACT_CSV, flatten=flatten_contact)
    back = parsed(out.getvalue().encode("utf-8"))
    assert len(back) == len(rows)
    for row, got in zip(rows, back, strict=True):
        contact = got.item.contact
        assert {f: getattr(contact, f) for f in TEXT_FIELDS} == row


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_only_the_guarding_quote_is_removed(lead: str) -> None:
    text = lead + "SUM(A1:A9)"
    assert safe_cell(text) == "'" + text
    data = (
        f"{GOOGLE_HEADER}"
        f'"{safe_cell(text)}",x,,a@example.org,,\n'
        f"\"''{lead}x\",'plain,,b@example.org,,\n"
    )
    first, second = parsed(data)
    assert first.item.contact.given_name == text
    # ''=x is how '=x is written: one of the quotes is the guard.
    assert second.item.contact.given_name == "'" + lead + "x"
    assert second.item.contact.family_name == "'plain"  # not followed by a formula character


@FAST
@given(
    st.builds(
        lambda quotes, rest: quotes + rest,
        st.text(alphabet="'", max_size=3),
        st.text(alphabet=st.one_of(st.characters(), st.sampled_from("=+-@\t\r")), max_size=12),
    )
)
def test_the_injection_guard_is_taken_off_exactly(text: str) -> None:
    """Import undoes export for every string, quotes already in front of a formula
    character included."""
    assert csv_presets._unescape(safe_cell(text)) == text


def test_quoted_formula_text_reads_back_as_written() -> None:
    texts = ["'=quoted already", "''+x", "'''-1", "'@me", "'\tx", "'", "''", "'plain"]
    data = GOOGLE_HEADER + "".join(
        f'"{safe_cell(text)}",x,,a{i}@example.org,,\n' for i, text in enumerate(texts)
    )
    assert [p.item.contact.given_name for p in parsed(data)] == texts


# ---------------------------------------------------------------------------- robustness


def test_ragged_rows_blank_rows_and_line_numbers() -> None:
    data = (
        GOOGLE_HEADER  # line 1
        + "Ada,Lovelace,Work,ada@example.org,,\n"  # 2
        + '"Multi\nline",Name,,,,\n'  # 3-4
        + "Too,Many,,a@b.example,,,extra\n"  # 5
        + "Short,Row\n"  # 6: padded, with a warning
        + ",,,,,\n"  # 7: blank, skipped
        + "\n"  # 8: blank, skipped
        + " , ,,, ,\n"  # 9: whitespace only, skipped
        + ",,,,just a note,VIP\n"  # 10: nobody
        + "Last,One,,last@example.org,,\r\n"  # 11
    )
    out = read(data)
    assert [(type(o).__name__, o.line) for o in out] == [
        ("Parsed", 2),
        ("Parsed", 3),
        ("Rejected", 5),
        ("Parsed", 6),
        ("Rejected", 10),
        ("Parsed", 11),
    ]
    assert out[1].item.contact.given_name == "Multi\nline"
    assert out[2].reason == "the row has 7 cells, the header 6"
    assert out[2].raw == "Too,Many,,a@b.example,,,extra"
    assert out[3].warnings == ["the row has 2 of 6 cells; the missing ones were read as empty"]
    assert out[4].reason == "no name, email or phone"
    assert out[4].raw == ",,,,just a note,VIP"


def test_a_quote_never_closed_is_rejected_where_it_starts() -> None:
    data = (
        GOOGLE_HEADER
        + "Ada,Lovelace,,ada@example.org,,\n"
        + 'Bob,"Stray,,b@c.example,,\nNext,Row,,n@r.example,,\n'
    )
    ada, stray = read(data)
    assert ada.line == 2
    assert isinstance(stray, Rejected) and stray.line == 3
    assert stray.reason == "the row has 2 of 6 cells and spans lines 3-4 (a stray quote?)"
    assert stray.raw == 'Bob,"Stray,,b@c.example,,\nNext,Row,,n@r.example,,'


def test_a_five_megabyte_cell_is_read() -> None:
    note = "x" * (5 * 1024 * 1024)
    data = GOOGLE_HEADER + f'Ada,Lovelace,,ada@example.org,"{note}",\nBob,B,,b@example.org,,\n'
    limit = csv.field_size_limit()
    ada, bob = parsed(data)
    assert ada.item.notes == [note]
    assert bob.line == 3
    assert csv.field_size_limit() == limit  # raised while reading, put back after
    records = parse_csv(data.encode())
    next(records)
    records.close()  # abandoned half way: put back all the same
    assert csv.field_size_limit() == limit


def test_a_cell_above_the_limit_rejects_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_presets, "MAX_FIELD", 1000)
    data = (
        GOOGLE_HEADER + f'Ada,Lovelace,,ada@example.org,"{"y" * 1001}",\nBob,B,,b@example.org,,\n'
    )
    big, bob = read(data)
    assert isinstance(big, Rejected) and big.line == 2
    assert big.reason == "a cell of 1,001 characters is longer than the limit of 1,000"
    assert isinstance(bob, Parsed) and bob.line == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no records"),
        (b" \r\n\n", "no records"),
        (b"\xef\xbb\xbf", "no records"),
        (GOOGLE_HEADER.encode(), "no records"),
        (GOOGLE_HEADER.encode() + b",,,,,\n\n", "no records"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "binary"),
        (b"\xff\xfe" + b"F\x00i\x00r", "binary"),  # odd UTF-16: cannot be decoded
        (GOOGLE_HEADER.encode() + b"Ada,L,,a@b.example,,\n" * 800 + b"x\x00y\n", "NUL"),
        (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>", "HTML"),
        (b"\n  <html lang='en'><body>Error 500</body></html>", "HTML"),
        (b'<?xml version="1.0"?><contacts/>', "HTML or XML"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n", "vCard"),
    ],
)
def test_files_that_are_not_csv_exports(data: bytes, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        read(data)


def test_an_unknown_header_names_its_columns_and_the_way_out() -> None:
    with pytest.raises(BadInput) as err:
        read("Kunde,Mail,Tel,Ort,PLZ,Land,Notiz,Extra\nAda,ada@example.org,1,2,3,4,5,6\n")
    message = str(err.value)
    assert "'Kunde', 'Mail', 'Tel', 'Ort', 'PLZ', 'Land' and 2 more" in message
    assert "--preset" in message and "--map" in message


def test_a_header_of_known_columns_alone_has_no_rows() -> None:
    """Whether or not a layout can be told from it, a header alone says the same."""
    for header in [GOOGLE_HEADER, "First Name,Last Name\n", "Email\r\n"]:
        assert sniff_csv(header.encode()), header
        with pytest.raises(BadInput, match="header but no rows"):
            read(header)
    assert not sniff_csv(b"Foo,Bar\n")


def test_an_explicit_preset_on_a_foreign_header() -> None:
    with pytest.raises(BadInput, match="does not match the outlook layout"):
        read("x,y\n1,2\n", preset="outlook")
    with pytest.raises(UsageError, match="unknown CSV preset 'excel'"):
        read(fixture("google.csv"), preset="excel")


def test_utf8_with_and_without_bom_read_the_same() -> None:
    data = fixture("google.csv")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert read(b"\xef\xbb\xbf" + data) == read(data)


def test_utf16_with_bom_is_read() -> None:
    text = GOOGLE_HEADER + "Jürgen,Müller,,j@example.de,,\n"
    (row,) = parsed(text.encode("utf-16"))
    assert row.item.contact.display_name == "Jürgen Müller"


def test_html_in_a_notes_cell_is_data() -> None:
    data = GOOGLE_HEADER + 'Ada,L,,a@example.org,"<html><body>signature</body></html>",\n'
    (row,) = parsed(data)
    assert row.item.notes == ["<html><body>signature</body></html>"]


def test_old_mac_line_endings() -> None:
    (row, other) = parsed(
        (GOOGLE_HEADER + "Ada,L,,a@example.org,,\nBob,B,,b@example.org,,\n").replace("\n", "\r")
    )
    assert (row.line, other.line) == (2, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1815-12-10", PartialDate(1815, 12, 10)),
        ("18151210", PartialDate(1815, 12, 10)),
        ("--12-10", PartialDate(None, 12, 10)),
        ("--1210", PartialDate(None, 12, 10)),
        ("1815-12-10T00:00:00Z", PartialDate(1815, 12, 10)),
        ("12/10/1815", PartialDate(1815, 12, 10)),
        ("12/10/1815 0:00:00", PartialDate(1815, 12, 10)),
        ("25/12/1990", PartialDate(1990, 12, 25)),
        ("10.12.1815", PartialDate(1815, 12, 10)),
        ("10.12.", PartialDate(None, 12, 10)),
        ("10-12-1815", PartialDate(1815, 12, 10)),
        ("1815/12/10", PartialDate(1815, 12, 10)),
        ("0.0.00", None),
        ("0/0/00", None),
        ("00.00.0000", None),
        ("", None),
    ],
)
def test_birthdays_as_exporters_write_them(text: str, expected: PartialDate | None) -> None:
    data = GOOGLE_HEADER.replace("Labels", "Birthday") + f"Ada,L,,a@example.org,,{text}\n"
    (row,) = parsed(data)
    assert row.item.contact.birthday == expected
    assert row.warnings == []


@pytest.mark.parametrize("text", ["31.02.1980", "13/13/2000", "0000-01-01", "Dec 10", "1815-13-01"])
def test_impossible_birthdays_are_dropped_with_a_warning(text: str) -> None:
    data = GOOGLE_HEADER.replace("Labels", "Birthday") + f"Ada,L,,a@example.org,,{text}\n"
    (row,) = parsed(data)
    assert row.item.contact.birthday is None
    assert row.warnings == [f"Birthday: {text!r} is not a possible date; dropped"]


def test_display_names_of_cjk_and_mixed_names() -> None:
    data = GOOGLE_HEADER + "伟,王,,,,\nWei,王,,,,\n秀英,欧阳,,,,\n"
    assert [o.item.contact.display_name for o in parsed(data)] == ["王伟", "Wei 王", "欧阳秀英"]


def test_tags_are_kept_as_rolodex_can_hold_them() -> None:
    data = (
        GOOGLE_HEADER + 'Ada,L,,a@example.org,,"* myContacts ::: Smith, family ::: vip ::: VIP"\n'
    )
    (row,) = parsed(data)
    assert row.item.contact.tags == ["Smith family", "vip"]
    assert row.warnings == ["Labels: tag 'Smith, family' read as 'Smith family'"]


def test_sniff_csv() -> None:
    assert sniff_csv(fixture("outlook-de.csv"))
    assert sniff_csv(fixture("linkedin.csv"))
    assert sniff_csv(b"a;b;c\n1;2;3\n")
    assert not sniff_csv(b"")
    assert not sniff_csv(b"just one line of prose\n")
    assert not sniff_csv(b"Dear Ada, thank you for the notes.\n")
    assert not sniff_csv(b"BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n")
    assert not sniff_csv(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert not sniff_csv(b"<html><body>hi</body></html>")
    assert not sniff_csv(b"\x00\x01\x02\x03" * 100)


# ---------------------------------------------------------------------------- fuzzing


def answers_or_bad_input(data: bytes, **kwargs) -> None:
    try:
        out = list(parse_csv(data, **kwargs))
    except BadInput as exc:
        assert "\n" not in str(exc)
        return
    lines = [o.line for o in out]
    assert lines == sorted(lines) and all(line >= 1 for line in lines)
    for o in out:
        assert isinstance(o, Parsed | Rejected)
        if isinstance(o, Parsed):
            assert isinstance(o.item, ContactRecord)


@FAST
@given(st.binary(max_size=600))
def test_random_bytes_give_records_or_bad_input(data: bytes) -> None:
    answers_or_bad_input(data)
    answers_or_bad_input(data, preset="google")
    answers_or_bad_input(data, preset="outlook-de")


CSV_NOISE = st.text(alphabet=st.sampled_from("ab@.,;\"\n\r \t'=+-:*é伟0123456789"), max_size=300)


@FAST
@given(st.sampled_from(["google.csv", "outlook.csv", "rolodex.csv", "linkedin.csv"]), CSV_NOISE)
def test_a_known_header_followed_by_noise(name: str, noise: str) -> None:
    data = fixture(name)
    answers_or_bad_input(data + noise.encode("utf-8"))
    answers_or_bad_input(data[: len(data) // 2] + noise.encode("utf-8"))


def test_lines_that_are_not_utf8_in_a_utf8_file_are_read_as_windows_1252() -> None:
    data = (
        b"First Name,Last Name,E-mail 1 - Value,Notes\n"
        b"Jos\xc3\xa9,M\xc3\xbcller,j@x.com,\n"
        b'Ren\xe9,Dupont,r@x.com,"two\nlines \x80"\n'
        b"Anna,Schmidt,a@x.com,\n"
    )
    jose, rene, anna = read(data)
    assert jose.item.contact.family_name == "Müller" and jose.warnings == []
    assert rene.item.contact.given_name == "René" and rene.item.notes == ["two\nlines €"]
    assert rene.warnings == [
        "not UTF-8 like the rest of the file; read as Windows-1252 (lines 3, 4)"
    ]
    assert anna.warnings == []
    # A file in Windows-1252 throughout is read as such, without a warning for every row.
    cp = read("First Name,Last Name,E-mail 1 - Value\nRené,Müller,r@x.com\n".encode("cp1252"))
    assert cp[0].item.contact.given_name == "René" and cp[0].warnings == []


def test_a_preset_chosen_by_hand_that_is_not_the_files_says_so() -> None:
    data = (
        "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Value\n"
        "Ada,Lovelace,Work,ada@example.com,+44 20 7946 0958\n"
        "Li,Fang,,li@example.cn,\n"
    )
    forced = parsed(data, preset="outlook")
    assert forced[0].warnings[0].startswith("the header is the google layout, read as outlook")
    assert forced[1].warnings == []
    assert all(r.warnings == [] for r in parsed(data))  # detected: nothing to say
    assert all(r.warnings == [] for r in parsed(data, preset="google"))
