"""vCard converter: exporters' real output, golden files, hostile input and round trips.

Timing (by hand, not part of the suite)::

    python /work/shared/bench/gen_contacts.py 20000 /tmp/vc
    python -m tests.importers.test_vcard /tmp/vc/all.vcf
"""

from __future__ import annotations

import base64
import datetime as dt
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolodex.core.models import Address, Contact, Email, PartialDate, Phone, Social, Url
from rolodex.errors import BadInput, UsageError
from rolodex.importers import vcard
from rolodex.importers.base import AccountRecord, ContactRecord, Parsed, Rejected
from rolodex.importers.vcard import dump_vcard, dump_vcards, parse_vcards, sniff_vcard

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"
INPUTS = sorted(p.name for p in FIXTURES.glob("*.vcf") if not p.name.startswith("golden"))


def read(name: str) -> list[Parsed | Rejected]:
    return list(parse_vcards((FIXTURES / name).read_bytes()))


def contacts(records: list) -> list[ContactRecord]:
    return [r.item for r in records if isinstance(r, Parsed) and isinstance(r.item, ContactRecord)]


def only(records: list) -> ContactRecord:
    found = contacts(records)
    assert len(found) == 1, records
    return found[0]


def unfolded(card: str) -> list[str]:
    return card.replace("\r\n ", "").split("\r\n")


# --------------------------------------------------------------------------- exporters
def test_apple_contacts_export() -> None:
    records = read("apple.vcf")
    assert [type(r.item).__name__ for r in records] == ["ContactRecord", "AccountRecord"]
    assert [r.line for r in records] == [1, 39]
    rec = records[0].item
    c = rec.contact
    assert (c.prefix, c.given_name, c.additional_name, c.family_name) == (
        "Countess",
        "Ada",
        "Augusta",
        "Lovelace",
    )
    assert c.display_name == "Ada Lovelace"
    assert c.account == "Analytical Engines Ltd."
    # item3.ADR shares its group with the kept item3.X-ABADR.
    assert c.custom == {
        "vcard.org-units": "Research;Poetical Science",
        "vcard.groups": "adr0=item3",
    }
    assert c.emails == [
        Email("ada@analytical.example", "other", True),
        Email("ada.home@example.org", "home", False),
    ]
    assert [(p.number, p.label, p.preferred) for p in c.phones] == [
        ("+44 20 7946 0000", "cell,voice", True),
        ("+44 20 7946 0001", "assistant", False),
        ("07700 900123", "iphone", False),  # TYPE=IPHONE,CELL,VOICE
        ("+44 20 7946 0002", "Ferienhaus", False),
    ]
    assert all(p.e164 is None for p in c.phones)
    assert c.addresses == [
        Address(
            street="12 St James's Square",
            locality="London",
            postal_code="SW1Y 4JH",
            country="United Kingdom",
            label="home",
            preferred=True,
        )
    ]
    assert c.urls == [Url("https://analytical.example/ada", "homepage", True)]
    assert c.birthday == PartialDate(None, 12, 10)  # X-APPLE-OMIT-YEAR=1604
    assert c.anniversary == PartialDate(1835, 7, 8)  # itemN.X-ABDATE labelled Anniversary
    assert c.tags == ["friends", "vip"]
    assert c.uid == "5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE"
    assert rec.notes == ["Wrote the first program.\nLikes poetry, science; and horses."]
    assert c.photo is not None and c.photo.startswith("data:image/jpeg;base64,/9j/4AAQ")
    raw = base64.b64decode(c.photo.partition(",")[2], validate=True)
    assert raw[:2] == b"\xff\xd8" and raw[-2:] == b"\xff\xd9"
    assert c.vcard_extra == [
        "item3.X-ABADR:gb",
        "item7.X-ABRELATEDNAMES;type=pref:William King",
        "item7.X-ABLabel:_$!<Spouse>!$_",
        "X-SOCIALPROFILE;type=twitter:https://twitter.com/adalovelace",
        "IMPP;X-SERVICE-TYPE=Skype;type=HOME;type=pref:skype:ada.lovelace",
        "X-ABUID:5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE:ABPerson",
    ]
    company = records[1].item
    assert isinstance(company, AccountRecord)
    assert company.account.name == "Analytical Engines Ltd."
    assert company.account.domain == "analytical.example"
    assert [(p.number, p.label, p.preferred) for p in company.account.phones] == [
        ("+44 20 7946 0100", "main", True)
    ]


def test_google_export() -> None:
    first, second = contacts(read("google.vcf"))
    c = first.contact
    assert c.display_name == "Grace Hopper"
    assert c.account == "United States Navy" and c.title == "Rear Admiral"
    assert [(e.address, e.label) for e in c.emails] == [
        ("grace@navy.example", "work"),
        ("grace.hopper@gmail.example", "home"),
    ]
    assert c.addresses[0].country == "US"  # Google's trailing ';' adds no eighth part
    assert c.urls == [Url("https://www.history.navy.example/hopper", "profile")]
    assert c.anniversary == PartialDate(1930, 6, 15)
    assert c.birthday == PartialDate(1906, 12, 9)
    assert c.tags == ["myContacts", "Friends"]
    assert c.vcard_extra == []  # the empty X-ABLabel of item1.ORG / item2.TITLE is not kept
    assert first.notes == ["Found a moth in the Mark II."]
    assert second.contact.display_name == "Linus"


def test_outlook_21_in_cp1252_with_quoted_printable() -> None:
    records = read("outlook21.vcf")
    assert [r.line for r in records] == [1, 27]
    first, second = contacts(records)
    c = first.contact
    assert c.display_name == "Dr. Jürgen Müller"
    assert (c.family_name, c.given_name, c.prefix) == ("Müller", "Jürgen", "Dr.")
    assert c.account == "Bäckerei Schmidt" and c.custom["vcard.org-units"] == "Vertrieb"
    assert c.title == "Geschäftsführer"
    assert first.notes == [
        "Erste Zeile mit Umlauten äöü\n"
        "Lange zweite Zeile, die weich umbrochen wurde: 5 € pro Brötchen."
    ]
    assert [(p.number, p.label, p.preferred) for p in c.phones] == [
        ("+49 30 1234567", "work,voice", False),
        ("+49 171 7654321", "cell", True),
        ("+49 30 1234568", "work,fax", False),
    ]
    assert c.addresses[0].street == "Hauptstraße 5"
    assert c.addresses[0].country == "Deutschland"  # joined across a soft line break
    assert (c.addresses[0].label, c.addresses[0].preferred) == ("work", True)
    assert c.emails == [Email("juergen.mueller@baeckerei.example", "", True)]
    assert c.birthday == PartialDate(1975, 3, 12)
    assert c.photo == (
        "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8"
        "UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2Q=="
    )
    assert c.vcard_extra[0] == (
        "LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:"
        "Hauptstra=DFe 5=0D=0ABerlin 10115=0D=0ADeutschland"
    )
    assert c.vcard_extra[1:] == [
        "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
        'X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns="http://schemas.microsoft.com/office/outlook/'
        '12/electronicbusinesscards" ver="1.0" layout="left" bgcolor="ffffff"><img xmlns="" '
        'align="fit" area="16" use="cardpicture"/></card>',
    ]
    # A property's CHARSET=UTF-8 wins over the file's cp1252.
    assert second.contact.display_name == "李芳"
    assert (second.contact.family_name, second.contact.given_name) == ("李", "芳")


def test_khard_vdir_card() -> None:
    rec = only(read("khard.vcf"))
    c = rec.contact
    assert c.uid == "b4c2e1f0-8a3d-4f5e-9c7b-1a2b3c4d5e6f"
    assert (c.given_name, c.additional_name, c.family_name, c.suffix) == (
        "Alan",
        "Mathison",
        "Turing",
        "OBE",
    )
    assert (c.nickname, c.title, c.role) == ("Prof", "Reader", "Computing")
    assert c.emails == [
        Email("alan@manchester.example", "work", True),
        Email("alan@home.example", "home"),
    ]
    assert [p.label for p in c.phones] == ["cell", "work,voice"]  # TYPE="work,voice"
    assert c.addresses[0].street == "Hollymeade, Adlington Road"
    assert c.tags == ["scientists", "codebreakers, retired"]
    assert c.anniversary == PartialDate(1936, 5, 28)  # X-ANNIVERSARY
    assert rec.notes == ["Likes long-distance running.\nOwns a teddy bear called Porgy."]
    assert c.vcard_extra == ["X-JABBER:alan@jabber.example"]


def test_vcard_40_card() -> None:
    c = only(read("v4.vcf")).contact
    assert c.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert c.additional_name == "Augusta,Ada"
    assert c.birthday == PartialDate(None, 12, 10)
    assert c.anniversary == PartialDate(1835, 7, 8)
    assert c.emails == [Email("ada@example.com", "work", True), Email("ada@personal.example")]
    assert [(p.number, p.label, p.preferred) for p in c.phones] == [
        ("+44-20-7946-0000", "voice,cell", True),
        ("+44-20-7946-0002 ext. 12", "home", False),  # tel:+44-20-7946-0002;ext=12
    ]
    # A quoted LABEL parameter holding ':' and ';' does not end the property name.
    assert c.addresses[0].street == "12 St James's Square"
    assert c.addresses[0].country == "United Kingdom"
    assert c.photo is not None and c.photo.startswith("data:image/png;base64,iVBORw0KGgo")
    assert c.vcard_extra == [
        "GENDER:F",
        "LANG;PREF=1:en",
        "GEO:geo:51.5074,-0.1278",
        "TZ:Europe/London",
        "RELATED;TYPE=spouse:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af",
        "RELATED;TYPE=contact;VALUE=text:Charles Babbage",
        "CLIENTPIDMAP:1;urn:uuid:3df403f4-5924-4bb7-b077-3c711d9eb34b",
    ]


def test_kind_org_is_an_account() -> None:
    (record,) = read("org.vcf")
    assert isinstance(record.item, AccountRecord)
    a = record.item.account
    assert a.name == "Analytical Engines Ltd."
    assert a.domain == "analytical.example"
    assert [(p.number, p.label) for p in a.phones] == [("+44 20 7946 0100", "work")]
    assert a.addresses[0].street == "1 Babbage Street"
    assert a.tags == ["suppliers"]
    assert record.item.notes == ["Our engine supplier."]


def test_n_without_fn_builds_the_display_name() -> None:
    western, chinese = contacts(read("n_without_fn.vcf"))
    assert western.contact.display_name == "Dr. Grace Murray Hopper"
    assert chinese.contact.display_name == "李芳"


def test_mixed_line_ends_and_text_between_cards() -> None:
    records = read("mixed_endings.vcf")
    assert [r.line for r in records] == [3, 12]
    first, second = contacts(records)
    assert first.contact.display_name == "Mixed Endings"
    assert first.notes == ["one\ntwo"]
    assert second.contact.phones == [Phone("+1 555 0100")]


def test_fold_inside_a_multibyte_character() -> None:
    first, second = contacts(read("split_multibyte.vcf"))
    assert first.contact.display_name == "李芳"
    assert (first.contact.family_name, first.contact.given_name) == ("李", "芳")
    assert first.notes == ["Grüße an Frau Müller"]
    assert second.contact.display_name == "Jürgen Müller"


def test_impossible_date_is_dropped_with_a_warning() -> None:
    (record,) = read("bad_date.vcf")
    assert isinstance(record, Parsed)
    c = record.item.contact
    assert c.display_name == "Impossible Birthday" and c.birthday is None
    assert c.anniversary is None
    assert record.warnings == [
        "dropped the birthday '2023-02-30': not a valid date",
        "dropped the anniversary '2020-13-01': not a valid date",
    ]
    assert [w.line for w in record.warnings] == [5, 6]  # the properties' lines


def test_warnings_name_the_physical_line_of_the_property() -> None:
    data = (
        b"intro\r\n\r\n"  # lines 1-2: text before the card
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Folded\r\n"  # lines 3-5
        b"NOTE:one\r\n two\r\n three\r\n"  # lines 6-8: one property
        b"NOTE;ENCODING=QUOTED-PRINTABLE:a=\r\nb=\r\nc\r\n"  # lines 9-11: soft line breaks
        b"no colon here\r\n"  # line 12
        b"BDAY:2023-02-30\r\n"  # line 13
        b"KIND:individual\r\nKIND:org\r\n"  # lines 14-15
        b"END:VCARD\r\n"
    )
    (record,) = list(parse_vcards(data))
    assert record.line == 3
    assert [(w.line, w.split(":")[0]) for w in record.warnings] == [
        (12, "skipped a line that is not a property"),
        (13, "dropped the birthday '2023-02-30'"),
        (15, "ignored a second KIND (org)"),
    ]


def test_warning_lines_survive_pickling() -> None:
    import pickle

    (record,) = read("bad_date.vcf")
    again = pickle.loads(pickle.dumps(record.warnings))
    assert again == record.warnings and [w.line for w in again] == [5, 6]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1815-12-10", PartialDate(1815, 12, 10)),
        ("18151210", PartialDate(1815, 12, 10)),
        ("--1210", PartialDate(None, 12, 10)),
        ("--12-10", PartialDate(None, 12, 10)),
        ("1996-04-15T23:10:00Z", PartialDate(1996, 4, 15)),
        ("19960415T231000", PartialDate(1996, 4, 15)),
        ("--0229", PartialDate(None, 2, 29)),
    ],
)
def test_date_forms(value: str, expected: PartialDate) -> None:
    c = only(list(parse_vcards(f"BEGIN:VCARD\nFN:x\nBDAY:{value}\nEND:VCARD\n".encode())))
    assert c.contact.birthday == expected


def test_reduced_and_text_dates_are_kept_verbatim() -> None:
    data = b"BEGIN:VCARD\nFN:x\nBDAY:1985\nANNIVERSARY;VALUE=text:circa 1800\nEND:VCARD\n"
    rec = only(list(parse_vcards(data)))
    assert rec.contact.birthday is None
    assert rec.contact.vcard_extra == ["BDAY:1985", "ANNIVERSARY;VALUE=text:circa 1800"]


def test_version_21_bare_parameters_and_photo() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John\r\nTEL;CELL;PREF:+1 555 0100\r\n"
        b"EMAIL;INTERNET;HOME:john@example.com\r\n"
        b"PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQ\r\n SkZJRg==\r\n\r\nEND:VCARD\r\n"
    )
    c = only(list(parse_vcards(data))).contact
    assert c.display_name == "John Doe"
    assert c.phones == [Phone("+1 555 0100", label="cell", preferred=True)]
    assert c.emails == [Email("john@example.com", "home")]
    assert c.photo == "data:image/jpeg;base64,/9j/4AAQSkZJRg=="


def test_photo_forms() -> None:
    data = (
        b"BEGIN:VCARD\nVERSION:3.0\nFN:a\nPHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:3.0\nFN:b\nPHOTO;VALUE=uri:https://example.com/b.jpg\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:4.0\nFN:c\nPHOTO:data:image/gif;base64,R0lGODlh\nEND:VCARD\n"
    )
    assert [r.contact.photo for r in contacts(list(parse_vcards(data)))] == [
        "data:image/png;base64,iVBORw0KGgo=",
        "https://example.com/b.jpg",
        "data:image/gif;base64,R0lGODlh",
    ]


PGP_KEY = (
    "AAMGCQwPEhUYGx4hJCcqLTAzNjk8P0JFSEtOUVRXWl1gY2ZpbG9ydXh7foGEh4qNkJOWmZyfoqWoq66xtLe6vcDDxsnM"
    "z9LV2Nve4eTn6u3w8/b5/P8AAwYJDA8SFRgbHiEkJyotMDM2OTw/QkVIS05RVFdaXWBjZmlsb3J1eHt+gYSHio2Qk5aZ"
    "nJ+ipairrrG0t7q9wMPGyczP0tXY297h5Ofq7fDz9vn8/w=="
)


def test_base64_of_kept_properties_is_stored_in_one_piece() -> None:
    c = only(read("pgp21.vcf")).contact
    assert c.vcard_extra == [
        "KEY;TYPE=PGP;ENCODING=b:" + PGP_KEY,
        "LOGO;TYPE=GIF;ENCODING=b:R0lGODlhAQABAIAAAP///wAAACE=",
        "X-BLOB;ENCODING=b:AAECYmluYXJ5/w==",
    ]
    assert base64.b64decode(PGP_KEY, validate=True)[:3] == b"\x00\x03\x06"
    v3 = unfolded(dump_vcard(c))
    assert "KEY;TYPE=PGP;ENCODING=b:" + PGP_KEY in v3
    v4 = unfolded(dump_vcard(c, version="4.0"))
    assert "KEY:data:application/pgp-keys;base64," + PGP_KEY in v4
    assert "LOGO:data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACE=" in v4
    assert "X-BLOB:data:application/octet-stream;base64,AAECYmluYXJ5/w==" in v4
    assert not any("ENCODING" in x for x in v4)


def test_data_uri_of_a_kept_property_is_stored_like_its_30_form() -> None:
    data = (
        b"BEGIN:VCARD\nVERSION:4.0\nFN:x\nKEY;PREF=1:data:application/pgp-keys;base64,bQ==\n"
        b"item1.LOGO;TYPE=work:data:image/png;base64,iVBORw0KGgo=\n"
        b"SOUND:data:audio/ogg;base64,T2dnUw==\nEND:VCARD\n"
    )
    c = only(list(parse_vcards(data))).contact
    assert c.vcard_extra == [
        "KEY;PREF=1;TYPE=PGP;ENCODING=b:bQ==",
        "item1.LOGO;TYPE=work,PNG;ENCODING=b:iVBORw0KGgo=",
        "SOUND:data:audio/ogg;base64,T2dnUw==",  # a media type with no 3.0 name: as written
    ]
    v4 = unfolded(dump_vcard(c, version="4.0"))
    assert "KEY;PREF=1:data:application/pgp-keys;base64,bQ==" in v4
    assert "item1.LOGO;TYPE=work:data:image/png;base64,iVBORw0KGgo=" in v4


def test_apple_custom_label_lower_cases_only_known_names() -> None:
    data = (
        b"BEGIN:VCARD\nFN:x\nitem1.EMAIL;type=INTERNET:a@b.example\nitem1.X-ABLabel:Assistant\n"
        b"item2.EMAIL:c@d.example\nitem2.X-ABLabel:Zweitwohnung\n"
        b"X-ABLabel:no group\nitem3.X-ABLabel:lonely\nEND:VCARD\n"
    )
    c = only(list(parse_vcards(data))).contact
    assert [e.label for e in c.emails] == ["assistant", "Zweitwohnung"]
    assert c.vcard_extra == ["X-ABLabel:no group", "item3.X-ABLabel:lonely"]


def test_second_single_valued_property_is_kept_verbatim() -> None:
    data = b"BEGIN:VCARD\nFN:First\nFN;LANGUAGE=de:Zweite\nUID:1\nUID:2\nEND:VCARD\n"
    c = only(list(parse_vcards(data))).contact
    assert (c.display_name, c.uid) == ("First", "1")
    assert c.vcard_extra == ["FN;LANGUAGE=de:Zweite", "UID:2"]


# --------------------------------------------------------------------------- hostile input
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" \r\n\t\n",
        b"<!DOCTYPE html><html><body><pre>BEGIN:VCARD\nFN:x\nEND:VCARD</pre></body></html>",
        b"<?xml version='1.0'?><vcards/>",
        b"name,email\nAda,ada@example.com\n",
        b"\x00\x01\x02\x03BEGIN:VCARD\x00",
        bytes(range(256)) * 4,
    ],
)
def test_not_vcard_is_bad_input(data: bytes) -> None:
    with pytest.raises(BadInput) as err:
        parse_vcards(data)
    assert str(err.value).count(".") <= 1 and "\n" not in str(err.value)
    assert not sniff_vcard(data)


def test_truncated_card_is_rejected_and_the_rest_is_read() -> None:
    data = (
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Cut Short\n"
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Fine\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:3.0\nFN:At The End\n"
    )
    records = list(parse_vcards(data))
    assert [type(r).__name__ for r in records] == ["Rejected", "Parsed", "Rejected"]
    assert [r.line for r in records] == [1, 4, 8]
    assert records[0].raw == "BEGIN:VCARD\nVERSION:3.0\nFN:Cut Short\n"
    assert records[2].raw == "BEGIN:VCARD\nVERSION:3.0\nFN:At The End\n"
    assert "END:VCARD" in records[2].reason


def test_card_with_nothing_to_identify_is_rejected_with_its_text() -> None:
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:just a note\r\nEND:VCARD\r\n"
    (record,) = list(parse_vcards(data))
    assert isinstance(record, Rejected) and record.line == 1
    assert record.raw == "BEGIN:VCARD\nVERSION:3.0\nNOTE:just a note\nEND:VCARD\n"


def test_five_megabyte_line() -> None:
    data = b"BEGIN:VCARD\r\nFN:Big\r\nNOTE:" + b"ab\xc3\xbc" * 1_700_000 + b"\r\nEND:VCARD\r\n"
    rec = only(list(parse_vcards(data)))
    assert len(rec.notes[0]) == 3 * 1_700_000
    again = only(list(parse_vcards(dump_vcard(rec.contact, notes=rec.notes).encode())))
    assert again.notes == rec.notes


def agent_card(depth: int) -> bytes:
    lines: list[str] = []
    for i in range(depth):
        lines += ["BEGIN:VCARD", "VERSION:2.1", f"FN:Level {i}", "AGENT:"]
    lines += ["BEGIN:VCARD", "VERSION:2.1", "FN:Bottom", "END:VCARD"]
    lines += ["END:VCARD"] * depth
    lines += ["BEGIN:VCARD", "VERSION:2.1", "FN:After", "END:VCARD"]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_nested_agent_200_deep_is_kept_as_one_property() -> None:
    records = list(parse_vcards(agent_card(200)))
    assert [type(r).__name__ for r in records] == ["Parsed", "Parsed"]
    outer = records[0].item.contact
    assert outer.display_name == "Level 0"
    (agent,) = outer.vcard_extra
    assert agent.startswith("AGENT:BEGIN:VCARD\\nVERSION:2.1\\nFN:Level 1\\nAGENT:\\nBEGIN:VCARD")
    assert agent.count("BEGIN:VCARD") == 200 and agent.endswith("END:VCARD")
    assert records[1].item.contact.display_name == "After"
    assert records[1].line == 200 * 4 + 4 + 200 + 1
    again = only(list(parse_vcards(dump_vcard(outer).encode()))).contact
    assert again.vcard_extra == outer.vcard_extra


MIXED = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos\xc3\xa9 M\xc3\xbcller\r\nEMAIL:j@x.com\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad \xff byte\r\nEMAIL:b@x.com\r\nEND:VCARD\r\n"
)


def test_encoding_is_decided_per_card() -> None:
    first, second = list(parse_vcards(MIXED))
    assert first.item.contact.display_name == "José Müller" and first.warnings == []
    assert second.item.contact.display_name == "Bad ÿ byte"
    (warning,) = second.warnings
    assert "not valid UTF-8" in warning and "Windows-1252" in warning
    assert (second.line, warning.line) == (6, 8)  # the FN line, not the card's first


def test_a_card_that_is_not_utf8_in_a_file_of_v4_cards_gets_replacement_characters() -> None:
    data = MIXED.replace(b"VERSION:3.0", b"VERSION:4.0")
    first, second = list(parse_vcards(data))
    assert first.item.contact.display_name == "José Müller"
    assert second.item.contact.display_name == "Bad \ufffd byte"
    (warning,) = second.warnings
    assert "U+FFFD" in warning and warning.line == 8


def test_a_fold_inside_a_utf8_sequence_does_not_make_the_card_cp1252() -> None:
    data = MIXED.replace(b"M\xc3\xbcller", b"M\xc3\r\n \xbcller")
    first, second = list(parse_vcards(data))
    assert first.item.contact.display_name == "José Müller" and first.warnings == []
    assert second.item.contact.display_name == "Bad ÿ byte"


card_name = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10).map(str.strip)
utf8_name = card_name.filter(bool)
cp1252_name = card_name.filter(lambda s: _cp1252_only(s))


def _cp1252_only(s: str) -> bool:
    """Text whose Windows-1252 bytes are not also valid UTF-8 (that would read as UTF-8)."""
    try:
        s.encode("cp1252").decode("utf-8")
    except UnicodeEncodeError:
        return False
    except UnicodeDecodeError:
        return True
    return False


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(utf8_name, st.just("utf-8")), st.tuples(cp1252_name, st.just("cp1252"))
        ),
        min_size=1,
        max_size=6,
    )
)
def test_each_card_is_read_in_its_own_encoding(cards: list[tuple[str, str]]) -> None:
    data = b"".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{vcard._esc(name)}\r\nEND:VCARD\r\n".encode(enc)
        for name, enc in cards
    )
    records = list(parse_vcards(data))
    assert [r.item.contact.display_name for r in records] == [name for name, _ in cards]
    # A card read as Windows-1252 is pointed out when other cards are UTF-8 text.
    utf8_text = any(enc == "utf-8" and not name.isascii() for name, enc in cards)
    for r, (_, enc) in zip(records, cards, strict=True):
        assert [w.line for w in r.warnings] == (
            [r.line + 2] if enc == "cp1252" and utf8_text else []
        )


def test_utf16_with_bom() -> None:
    data = "BEGIN:VCARD\r\nFN:李芳\r\nEND:VCARD\r\n".encode("utf-16")
    assert sniff_vcard(data)
    assert only(list(parse_vcards(data))).contact.display_name == "李芳"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_bytes_give_bad_input_or_records(data: bytes) -> None:
    for candidate in (data, b"BEGIN:VCARD\r\n" + data + b"\r\nEND:VCARD\r\n"):
        try:
            records = list(parse_vcards(candidate))
        except BadInput:
            continue
        assert all(isinstance(r, Parsed | Rejected) for r in records)


FRAGMENTS = [
    b"BEGIN:VCARD",
    b"END:VCARD",
    b"VERSION:2.1",
    b"FN:Ada",
    b"N:a;b;c;d;e;f;g",
    b"AGENT:",
    b'EMAIL;TYPE="work,pref":a@b',
    b"TEL;CELL;PREF:+1",
    b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9=",
    b"NOTE;ENCODING=QUOTED-PRINTABLE:=",
    b"PHOTO;ENCODING=b;TYPE=JPEG:/9j/",
    b"ADR;TYPE=home:;;;;;;;;;",
    b"BDAY:2023-02-30",
    b"BDAY;X-APPLE-OMIT-YEAR=x:1604-12-10",
    b"item1.X-ABLabel:_$!<Other>!$_",
    b"item1.X-ABDATE:nonsense",
    b"KIND:org",
    b"ORG:;",
    b'X-Q;P="a:b;c":v',
    b'X-Q;P="unclosed:v',
    b"X-CS;CHARSET=idna:\xff\xfe",
    b"\\",
    b" continued",
    b"\tcontinued",
    b"no colon here",
    b":",
    b"",
    b"\xc3",
    b"CATEGORIES:,\\,,",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_shuffled_card_lines_never_crash(lines: list[bytes], eol: bytes) -> None:
    data = eol.join([b"BEGIN:VCARD", *lines, b"END:VCARD"])
    records = list(parse_vcards(data))
    assert records and all(isinstance(r, Parsed | Rejected) for r in records)
    for r in records:
        if isinstance(r, Parsed) and isinstance(r.item, ContactRecord):
            out = dump_vcard(r.item.contact, notes=r.item.notes)
            again = only(list(parse_vcards(out.encode())))
            assert again.contact.to_dict() == r.item.contact.to_dict()


# --------------------------------------------------------------------------- sniffing
def test_sniff() -> None:
    assert sniff_vcard((FIXTURES / "apple.vcf").read_bytes())
    assert sniff_vcard((FIXTURES / "outlook21.vcf").read_bytes())
    assert sniff_vcard(b"\xef\xbb\xbfbegin:vcard\rFN:x\rend:vcard\r")
    assert sniff_vcard(b"intro text\n\nBEGIN:VCARD\nEND:VCARD\n")
    assert not sniff_vcard(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert not sniff_vcard(b"First Name,Last Name\nAda,Lovelace\n")
    assert not sniff_vcard(b"")


# --------------------------------------------------------------------------- writing
PHOTO = "data:image/jpeg;base64," + base64.b64encode(bytes(range(120))).decode()


def golden_contact() -> tuple[Contact, list[str]]:
    c = Contact(
        uid="urn:uuid:0b6e7f44-52c4-4bf2-9d84-2e7fa5b4f2a1",
        prefix="Dr.",
        given_name="Jürgen",
        additional_name="Maria",
        family_name="Müller",
        display_name="Dr. Jürgen Maria Müller",
        nickname="Jü",
        title="Geschäftsführer",
        role="Sales; Marketing",
        account="Bäckerei Schmidt, Berlin",
        custom={"vcard.org-units": "Vertrieb;Nord\\, Ost"},
        emails=[
            Email("j.mueller@baeckerei.example", "work", True),
            Email("jm@example.org", "other"),
        ],
        phones=[
            Phone("+49 30 1234567", "+49301234567", "work,voice"),
            Phone("+49-171-7654321", None, "cell", True),
            Phone("0171 1111111", None, "Ferienhaus"),
        ],
        addresses=[
            Address(
                street="Hauptstraße 5",
                locality="Berlin",
                postal_code="10115",
                country="Deutschland",
                label="work",
                preferred=True,
            ),
            Address(street="长安街 1", locality="北京", country="中国", label="home"),
        ],
        urls=[Url("https://baeckerei.example/~jm", "work")],
        socials=[Social("mastodon", "@jm@social.example")],
        birthday=PartialDate(1975, 3, 12),
        anniversary=PartialDate(None, 6, 1),
        tags=["clients", "vip, gold"],
        photo=PHOTO,
        vcard_extra=[
            "X-JABBER:juergen@jabber.example",
            "item1.X-ABRELATEDNAMES:Anna",
            "item1.X-ABLabel:_$!<Spouse>!$_",
            "GEO:geo:52.52,13.40",
        ],
    )
    notes = [
        "Prefers calls in the evening.\nLikes Brötchen; Kaffee, schwarz \\ ohne Zucker.",
        "会议上认识 — 李芳介绍的。" * 4,
    ]
    return c, notes


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_golden_file(version: str) -> None:
    c, notes = golden_contact()
    expected = (FIXTURES / f"golden-{version}.vcf").read_bytes()
    assert dump_vcard(c, version=version, notes=notes).encode("utf-8") == expected


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_golden_contact_round_trips(version: str) -> None:
    c, notes = golden_contact()
    rec = only(list(parse_vcards(dump_vcard(c, version=version, notes=notes).encode())))
    want = c.to_dict()
    want["phones"][0]["e164"] = None  # not written: the core computes it
    assert rec.contact.to_dict() == want
    assert rec.notes == notes


def test_written_lines_are_folded_at_75_octets() -> None:
    c, notes = golden_contact()
    for version in ("3.0", "4.0"):
        text = dump_vcard(c, version=version, notes=notes)
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
        physical = text.split("\r\n")[:-1]
        assert max(len(x.encode()) for x in physical) == 75
        assert any(x.startswith(" ") for x in physical)


APPLE_ANNIVERSARY = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Apple\r\n"
    b"item5.X-ABDATE:2010-06-20\r\nitem5.X-ABLabel:_$!<Anniversary>!$_\r\nEND:VCARD\r\n"
)


def test_anniversary_is_written_in_forms_30_readers_keep() -> None:
    c = only(list(parse_vcards(APPLE_ANNIVERSARY))).contact
    assert c.anniversary == PartialDate(2010, 6, 20) and c.vcard_extra == []
    v3 = unfolded(dump_vcard(c))
    assert not any(x.startswith("ANNIVERSARY") for x in v3)
    assert v3.index("item1.X-ABDATE:2010-06-20") + 1 == v3.index(
        "item1.X-ABLabel:_$!<Anniversary>!$_"
    )
    assert "X-ANNIVERSARY:2010-06-20" in v3
    assert "ANNIVERSARY:20100620" in unfolded(dump_vcard(c, version="4.0"))
    # Read back, the two forms are one anniversary; a second, different one is still kept.
    again = only(list(parse_vcards(dump_vcard(c).encode()))).contact
    assert again.to_dict() == c.to_dict()
    c.vcard_extra = ["X-ANNIVERSARY:2011-01-01"]
    again = only(list(parse_vcards(dump_vcard(c).encode()))).contact
    assert again.to_dict() == c.to_dict()
    c.anniversary = PartialDate(None, 2, 29)
    v3 = unfolded(dump_vcard(c))
    assert "item1.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-02-29" in v3
    assert "X-ANNIVERSARY:--0229" in v3
    again = only(list(parse_vcards(dump_vcard(c).encode()))).contact
    assert again.to_dict() == c.to_dict()


def test_a_value_keeps_its_group_when_a_kept_line_shares_it() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n"
        b"item3.ADR;type=HOME:;;1 Main St;Berlin;;10115;Germany\r\nitem3.X-ABADR:de\r\n"
        b"item4.TEL:+49 30 1\r\nitem4.X-ABLabel:Ferienhaus\r\nitem4.X-ABFOO:bar\r\n"
        b"item5.EMAIL:a@x.example\r\nitem5.X-ABLabel:_$!<Other>!$_\r\nEND:VCARD\r\n"
    )
    c = only(list(parse_vcards(data))).contact
    assert c.vcard_extra == ["item3.X-ABADR:de", "item4.X-ABFOO:bar"]
    for version in ("3.0", "4.0"):
        lines = unfolded(dump_vcard(c, version=version))
        assert "item3.ADR;TYPE=home:;;1 Main St;Berlin;;10115;Germany" in lines
        assert "item4.TEL:+49 30 1" in lines and "item4.X-ABLabel:Ferienhaus" in lines
        assert "item1.EMAIL:a@x.example" in lines  # no kept line of its own: a fresh group
        again = only(list(parse_vcards(dump_vcard(c, version=version).encode())))
        assert again.contact.to_dict() == c.to_dict()


def test_iphone_type_is_a_mobile_labelled_iphone() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nTEL;type=IPHONE;type=CELL;type=VOICE;type=pref:1\r\n"
        b"TEL;type=IPHONE:2\r\nTEL;type=IPHONE;type=WORK:3\r\n"
        b"item1.TEL:4\r\nitem1.X-ABLabel:_$!<iPhone>!$_\r\nEND:VCARD\r\n"
    )
    c = only(list(parse_vcards(data))).contact
    assert [(p.label, p.preferred) for p in c.phones] == [
        ("iphone", True),
        ("iphone", False),
        ("iphone,work", False),  # not what Apple writes: every type is kept
        ("iphone", False),
    ]
    lines = unfolded(dump_vcard(c))
    assert "TEL;TYPE=iphone,cell,voice,pref:1" in lines and "TEL;TYPE=iphone,cell,voice:4" in lines
    assert "TEL;TYPE=iphone,cell,voice;PREF=1:1" in unfolded(dump_vcard(c, version="4.0"))


def test_tel_uri_with_an_extension() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n"
        b"TEL;VALUE=uri:tel:+1-555-555-5555;ext=102\r\nEND:VCARD\r\n"
    )
    c = only(list(parse_vcards(data))).contact
    assert c.phones == [Phone("+1-555-555-5555 ext. 102")]
    assert "TEL;VALUE=uri:tel:+1-555-555-5555;ext=102" in unfolded(dump_vcard(c, version="4.0"))
    assert "TEL:+1-555-555-5555 ext. 102" in unfolded(dump_vcard(c))
    c.phones = [Phone("+1-555-555-5555;ext=102")]  # as stored by an earlier import
    assert "TEL;VALUE=uri:tel:+1-555-555-5555;ext=102" in unfolded(dump_vcard(c, version="4.0"))
    assert "TEL:+1-555-555-5555 ext. 102" in unfolded(dump_vcard(c))


def test_labels_become_types_or_apple_groups() -> None:
    c = Contact(
        display_name="x",
        emails=[Email("a@x.example", "work", True), Email("b@x.example", "other")],
        phones=[Phone("+1 555", label="cell,voice"), Phone("+1 556", label="Ferienhaus")],
        vcard_extra=["item1.X-FOO:taken"],
    )
    v3 = unfolded(dump_vcard(c))
    assert "EMAIL;TYPE=work,pref:a@x.example" in v3
    assert v3.index("item2.EMAIL:b@x.example") + 1 == v3.index("item2.X-ABLabel:_$!<Other>!$_")
    assert "TEL;TYPE=cell,voice:+1 555" in v3
    assert "item3.X-ABLabel:Ferienhaus" in v3
    v4 = unfolded(dump_vcard(c, version="4.0"))
    assert "EMAIL;TYPE=work;PREF=1:a@x.example" in v4
    assert "N:;;;;" in v3 and not any(x.startswith("N:") for x in v4)


def test_tel_uri_only_for_global_numbers_in_40() -> None:
    c = Contact(display_name="x", phones=[Phone("+1-555-0100", "+15550100"), Phone("555 0100")])
    lines = unfolded(dump_vcard(c, version="4.0"))
    assert "TEL;VALUE=uri:tel:+1-555-0100" in lines and "TEL:555 0100" in lines


def test_photo_is_written_per_version() -> None:
    c = Contact(display_name="x", photo="data:image/png;base64,iVBORw0KGgo=")
    assert "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=" in unfolded(dump_vcard(c))
    assert "PHOTO:data:image/png;base64,iVBORw0KGgo=" in unfolded(dump_vcard(c, version="4.0"))
    c.photo = "https://example.com/p.jpg"
    assert "PHOTO;VALUE=uri:https://example.com/p.jpg" in unfolded(dump_vcard(c))


def test_display_name_falls_back_when_empty() -> None:
    c = Contact(emails=[Email("only@example.com")])
    assert "FN:only@example.com" in unfolded(dump_vcard(c))


def test_a_kept_line_cannot_break_the_card() -> None:
    c = Contact(display_name="x", vcard_extra=["X-A:1\nEND:VCARD", "  X-B:2", "END:VCARD", "X-C"])
    rec = only(list(parse_vcards(dump_vcard(c).encode())))
    assert rec.contact.vcard_extra == ["X-A:1\\nEND:VCARD", "X-B:2"]
    assert rec.contact.display_name == "x"


def test_unknown_version_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        dump_vcard(Contact(display_name="x"), version="2.1")
    with pytest.raises(UsageError):
        list(dump_vcards([Contact(display_name="x")], version="5.0"))


def test_streaming() -> None:
    data = (FIXTURES / "google.vcf").read_bytes()
    it = parse_vcards(data)
    assert isinstance(it, types.GeneratorType)
    assert next(it).item.contact.display_name == "Grace Hopper"
    cards = dump_vcards(r.item.contact for r in parse_vcards(data))
    assert isinstance(cards, types.GeneratorType)
    assert [x.count("BEGIN:VCARD") for x in cards] == [1, 1]


# --------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("name", INPUTS)
@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_parse_dump_parse_is_stable(name: str, version: str) -> None:
    first = contacts(read(name))
    if not first:
        return
    text = "".join(dump_vcard(r.contact, version=version, notes=r.notes) for r in first)
    second = contacts(list(parse_vcards(text.encode())))
    assert [r.contact.to_dict() for r in second] == [r.contact.to_dict() for r in first]
    assert [r.notes for r in second] == [r.notes for r in first]
    again = "".join(dump_vcard(r.contact, version=version, notes=r.notes) for r in second)
    assert again == text


TRICKY = ",;:\\\n\"'=_$!<>李芳ü😀 "
text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list(TRICKY)), max_size=12
)
nonblank = text.filter(lambda s: bool(s.strip()))
stripped = text.map(str.strip).filter(bool)


def _label_ok(s: str) -> bool:
    apple = s.startswith("_$!<") and s.endswith(">!$_")
    return s == s.strip() and not apple and (s.lower() not in vcard._KNOWN_LABELS or s.islower())


labels = st.one_of(
    st.sampled_from(
        ["", "work", "home", "cell", "cell,voice", "other", "assistant", "Ferienhaus", "work,x"]
    ),
    text.filter(_label_ok),
)
dates = st.builds(
    lambda d, keep_year: PartialDate(d.year if keep_year else None, d.month, d.day),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.booleans(),
)
extras = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "GEO:geo:51.5,-0.1",
                "TZ:Europe/Berlin",
                "item1.X-ABRELATEDNAMES:Jane",
                "item1.X-ABLabel:_$!<Spouse>!$_",
                "item2.X-ABLabel:orphan",
                "X-QP;ENCODING=QUOTED-PRINTABLE:caf=C3=A9 =3D ok",
                'X-Q;P="a:b;c":value',
                "RELATED;TYPE=friend:urn:uuid:1",
                "KEY;TYPE=PGP;ENCODING=b:bQINBF==",
                "item3.LOGO;TYPE=work,PNG;ENCODING=b:iVBORw0KGgo=",
                "X-BLOB;ENCODING=b:AAEC",
            ]
        ),
        st.builds(
            lambda n, v: f"X-{n}:{v}",
            st.from_regex(r"[A-Z][A-Z0-9-]{0,8}", fullmatch=True).filter(
                lambda n: not n.startswith(("AB", "ANNIVERSARY"))
            ),
            text.filter(lambda s: "\n" not in s),
        ),
    ),
    max_size=4,
)
photos = st.one_of(
    st.none(),
    st.binary(max_size=90).map(lambda b: "data:image/jpeg;base64," + base64.b64encode(b).decode()),
    st.just("https://example.com/photo.jpg"),
)
units = st.lists(text, max_size=3).map(
    lambda u: ";".join(vcard._esc(x) for x in u) if u and u[-1] else ""
)


@st.composite
def contacts_strategy(draw: st.DrawFn) -> tuple[Contact, list[str]]:
    c = Contact(
        display_name=draw(nonblank),
        prefix=draw(text),
        given_name=draw(text),
        additional_name=draw(text),
        family_name=draw(text),
        suffix=draw(text),
        nickname=draw(text),
        title=draw(text),
        role=draw(text),
        account=draw(st.none() | nonblank),
        uid=draw(st.just("") | stripped),
        emails=draw(st.lists(st.builds(Email, stripped, labels, st.booleans()), max_size=3)),
        phones=draw(
            st.lists(
                st.builds(
                    Phone,
                    stripped.filter(lambda s: not s.lower().startswith("tel:"))
                    | st.sampled_from(["+1-555-0100", "+44 20 7946 0000"]),
                    st.none(),
                    labels,
                    st.booleans(),
                ),
                max_size=3,
            )
        ),
        addresses=draw(
            st.lists(
                st.builds(
                    Address, text, text, text, text, text, text, text, labels, st.booleans()
                ).filter(
                    lambda a: any(
                        (
                            a.street,
                            a.locality,
                            a.region,
                            a.postal_code,
                            a.country,
                            a.po_box,
                            a.extended,
                        )
                    )
                ),
                max_size=2,
            )
        ),
        urls=draw(st.lists(st.builds(Url, stripped, labels, st.booleans()), max_size=2)),
        birthday=draw(st.none() | dates),
        anniversary=draw(st.none() | dates),
        tags=draw(st.lists(stripped, max_size=3)),
        photo=draw(photos),
        vcard_extra=draw(extras),
    )
    org_units = draw(units)
    if org_units:
        c.custom["vcard.org-units"] = org_units
    return c, draw(st.lists(text, max_size=2))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contacts_strategy(), st.sampled_from(["3.0", "4.0"]))
def test_dump_then_parse_gives_the_contact_back(
    case: tuple[Contact, list[str]], version: str
) -> None:
    c, notes = case
    card = dump_vcard(c, version=version, notes=notes)
    assert all(len(x.encode()) <= 75 for x in card.split("\r\n"))
    rec = only(list(parse_vcards(card.encode("utf-8"))))
    assert rec.contact.to_dict() == c.to_dict()
    assert rec.notes == notes


# --------------------------------------------------------------------------- timing, by hand
def _timing(path: str) -> None:
    import time

    data = Path(path).read_bytes()
    start = time.perf_counter()
    n = sum(1 for _ in parse_vcards(data))
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    records = [r.item.contact for r in parse_vcards(data) if isinstance(r, Parsed)]
    print(f"parse (streamed):   {n / parse_s:9,.0f} cards/s  ({n} cards, {len(data):,} bytes)")
    print(f"parse (all kept):   {n / (time.perf_counter() - start):9,.0f} cards/s")
    for version in ("3.0", "4.0"):
        start = time.perf_counter()
        size = sum(len(x) for x in dump_vcards(records, version=version))
        took = time.perf_counter() - start
        print(f"dump {version}:           {len(records) / took:9,.0f} cards/s  ({size:,} chars)")


if __name__ == "__main__":
    import sys

    _timing(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vc/all.vcf")


def test_a_quoted_printable_line_break_reads_back_the_same_after_export() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Y\xc4\xb1lmaz;Ay\xc5\x9fe\r\n"
        b"ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;=C4=B0stiklal Cad. 1=0D=0A=\r\n"
        b"Kat 3;Istanbul;;34430;T=C3=BCrkiye\r\nEND:VCARD\r\n"
    )
    first = only(list(parse_vcards(data))).contact
    assert first.addresses[0].street == "İstiklal Cad. 1\nKat 3"
    for version in ("3.0", "4.0"):
        again = only(list(parse_vcards(dump_vcard(first, version=version).encode()))).contact
        assert again.addresses == first.addresses
