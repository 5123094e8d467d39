"""vCard 2.1 / 3.0 / 4.0 <-> ``Contact`` (and ``Account`` for organisation cards).

Pure and streaming: ``parse_vcards`` takes bytes and yields one record per card; ``dump_vcard``
turns a contact into one card of text. A line-level parser (no vobject: it is an order of
magnitude slower and does not read vCard 4.0).

Reading
-------
* Encoding. Line ends (CRLF, LF, CR, mixed) are normalised first; folds are undone on *bytes*,
  so a fold that splits a UTF-8 sequence decodes cleanly. A file that is all UTF-8 (with or
  without BOM; UTF-16 with a BOM is transcoded) is settled by one decode; otherwise each card
  is judged on its own: UTF-8 when it is, else cp1252 (a 4.0 card, which must be UTF-8: UTF-8
  with U+FFFD for the bad bytes). Such a card gets a warning naming the line of its first bad
  byte, unless no card of the file is UTF-8 text (a cp1252 file). A property's own
  ``CHARSET`` wins for QUOTED-PRINTABLE values and, in a non-UTF-8 card, for 8-bit values
  too (``CHARSET=UTF-8`` or ``SHIFT_JIS`` in a cp1252 card). QUOTED-PRINTABLE without a
  CHARSET is read as UTF-8 when it is valid UTF-8, else in the card's encoding.
* QUOTED-PRINTABLE soft line breaks (``=`` at the end of a line) join the next line whatever
  it starts with; otherwise a line starting with a space or tab continues the previous one.
* Labels. EMAIL/TEL/ADR/URL ``TYPE`` values (3.0/4.0 ``TYPE=a,b``, ``TYPE="a,b"``, repeated
  ``TYPE=``, 2.1 bare ``;CELL;``) become the label: lower-cased, in the order written,
  comma-joined, without ``pref`` (and without ``internet`` for EMAIL). ``PREF`` (bare),
  ``TYPE=pref`` and ``PREF=1`` set ``preferred``. An Apple ``itemN.X-ABLabel`` in the same
  group replaces the label: the ``_$!<...>!$_`` wrapper is dropped and Apple's built-in names
  and the standard TYPE words are lower-cased ("_$!<Other>!$_" and "Other" -> "other"); other
  custom labels keep their case. An ``itemN.X-ABDATE`` labelled Anniversary becomes the
  anniversary (as does ``X-ANNIVERSARY``); the same date again in another of these forms is
  dropped. Apple's ``TYPE=IPHONE`` (with nothing but CELL/VOICE) is the label "iphone". A
  value in the same group as a kept line (``item3.ADR`` + ``item3.X-ABADR``) remembers its
  group in ``custom["vcard.groups"]``. A ``tel:`` URI's ``;ext=N`` is read as " ext. N".
* Warnings (``LineWarning``) carry the physical line of the property they are about.
* Everything that is not modelled is kept in ``Contact.vcard_extra`` as the unfolded logical
  line, exactly as written (group, parameters, value and escaping), in order: X-* lines, GEO,
  TZ, RELATED, IMPP, KEY, LOGO, SOUND, LABEL, GENDER, KIND values other than individual/org,
  X-ABLabel lines whose group holds no modelled property, a second FN/N/TITLE/BDAY/PHOTO/...
  Not kept: VERSION, PRODID and REV (written fresh). QUOTED-PRINTABLE soft breaks in a kept
  line are removed (the value decodes the same). A kept line with a base64 value (2.1/3.0
  ``ENCODING``, or a 4.0 data: URI of a known media type) is stored in its 3.0 form with the
  base64 in one piece (see ``_kept_binary``). Parameters of modelled properties other
  than TYPE/PREF/ENCODING/CHARSET/VALUE (e.g. 4.0 ``ADR;LABEL=``, ``PID``, ``ALTID``,
  ``LANGUAGE``, Apple's ``X-ABCROP-RECTANGLE``) are not kept.
* A vCard 2.1 ``AGENT:`` followed by an embedded ``BEGIN:VCARD ... END:VCARD`` (at any depth)
  is kept as one property in its 3.0 form: ``AGENT:`` + the embedded lines as an escaped text
  value. Nesting is counted, never recursed into. A ``BEGIN:VCARD`` inside a card that does not
  follow ``AGENT:`` means the card was cut short: that card is rejected, the next one read.
* ``BDAY``/``ANNIVERSARY``: ``YYYY-MM-DD``, ``YYYYMMDD``, ``--MMDD``, ``--MM-DD``, date-times
  (the date is taken); Apple's ``X-APPLE-OMIT-YEAR=1604`` and year 0000 mean "no year". An
  impossible date is dropped with a warning; 4.0 reduced forms (``1985``, ``--12``) and
  ``VALUE=text`` are kept verbatim.
* A card with ``KIND:org`` or ``X-ABShowAs:COMPANY`` yields an ``AccountRecord`` (name, domain
  from the first URL's host or the first email's domain, without "www.", phones, addresses,
  tags; a warning says when anything else was dropped).
* A card without FN (or with a blank one) gets its display name from N (CJK family+given
  without a space), else NICKNAME, the first EMAIL, the first TEL, the ORG - the same rule the
  writer uses, so parse -> dump -> parse is stable.
* A card without END:VCARD, one with nothing to identify it (no name, nickname, organisation,
  email or phone) and one that fails for any other reason is yielded as ``Rejected``. Lines
  that are not properties are skipped with a warning; a second KIND:individual/org is ignored
  with a warning.

Writing
-------
3.0 (default) or 4.0, CRLF, folded at 75 octets without splitting a UTF-8 sequence. Labels
made only of standard TYPE words (EMAIL: home, work; TEL: home, work, voice, fax, cell, pager,
video, text, textphone, msg, bbs, modem, car, isdn, pcs; ADR: home, work, dom, intl, postal,
parcel; URL: home, work) are written as ``TYPE=``; any other label as an Apple ``itemN.`` group
with ``X-ABLabel`` (Apple's built-in names wrapped as ``_$!<Other>!$_``), skipping group names
used by kept lines. 3.0 writes ``TYPE=work,pref``; 4.0 ``TYPE=work;PREF=1``, a TEL that is a
global number (``+`` and digits, ``-``, ``.``, ``(``, ``)``) as ``VALUE=uri:tel:...`` and any
other TEL as text, so the number comes back exactly as written. FN is always written (by the
rule above when the display name is empty); N always in 3.0. Year-less dates are ``--MMDD``;
dates are ``YYYY-MM-DD`` in 3.0 and ``YYYYMMDD`` in 4.0. The anniversary is ANNIVERSARY in 4.0;
in 3.0 Apple's ``itemN.X-ABDATE`` labelled Anniversary plus ``X-ANNIVERSARY``. The label
"iphone" is written ``TYPE=iphone,cell,voice``; a number with " ext. N" as a tel: URI with
``;ext=N`` in 4.0. Kept binary lines are written as stored in 3.0, as data: URIs in 4.0.
Socials are written as ``X-SOCIALPROFILE;TYPE=service:handle`` unless that exact line is
already kept; a line read in exactly that form becomes a social again (any other
X-SOCIALPROFILE is kept). Kept lines follow, verbatim (a line break inside one is escaped,
so it cannot end the card), then END:VCARD. Text values are escaped; CR and CRLF inside
them are written as ``\\n``.
"""

from __future__ import annotations

import binascii
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence

from rolodex.core.models import Account, Address, Contact, Email, PartialDate, Phone, Social, Url
from rolodex.core.text import is_cjk
from rolodex.errors import BadInput, UsageError
from rolodex.importers.base import (
    AccountRecord,
    ContactRecord,
    Parsed,
    Rejected,
    decode_text,
    looks_binary,
)

__all__ = ["LineWarning", "dump_vcard", "dump_vcards", "parse_vcards", "sniff_vcard"]

PRODID = "-//Rolodex//Rolodex//EN"
VERSIONS = ("3.0", "4.0")

Record = Parsed[ContactRecord | AccountRecord] | Rejected

# --------------------------------------------------------------------------- shared tables
_STD_TYPES: dict[str, frozenset[str]] = {
    "EMAIL": frozenset({"home", "work"}),
    "TEL": frozenset(
        {
            "home",
            "work",
            "voice",
            "fax",
            "cell",
            "pager",
            "video",
            "text",
            "textphone",
            "msg",
            "bbs",
            "modem",
            "car",
            "isdn",
            "pcs",
        }
    ),
    "ADR": frozenset({"home", "work", "dom", "intl", "postal", "parcel"}),
    "URL": frozenset({"home", "work"}),
}
# Apple's built-in labels, as Apple spells them inside _$!<...>!$_.
_APPLE_LABELS = {
    name.lower(): name
    for name in (
        "Other",
        "Main",
        "Mobile",
        "iPhone",
        "HomeFAX",
        "WorkFAX",
        "OtherFAX",
        "Pager",
        "HomePage",
        "School",
        "Assistant",
        "Anniversary",
        "Father",
        "Mother",
        "Parent",
        "Brother",
        "Sister",
        "Child",
        "Friend",
        "Spouse",
        "Partner",
        "Manager",
    )
}
# How Apple types an iPhone number (TYPE=IPHONE,CELL,VOICE): read as the label "iphone", and
# that label written the same way.
_IPHONE_TYPES = ("iphone", "cell", "voice")
_IPHONE_SET = frozenset(_IPHONE_TYPES)
# Labels read case-insensitively and stored lower-case.
_KNOWN_LABELS = frozenset(_APPLE_LABELS).union(*_STD_TYPES.values())
_IMAGE_TYPES = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "gif": "gif", "bmp": "bmp"}
_IMAGE_TYPES.update({"tiff": "tiff", "webp": "webp", "heic": "heic", "svg": "svg+xml"})

# --------------------------------------------------------------------------- regexes
_MARK = re.compile(rb"^(BEGIN|END)[ \t]*:[ \t]*VCARD[ \t]*$", re.I | re.M)
_BEGIN_ANY = re.compile(rb"^BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.I | re.M)
_BEGIN_LINE = re.compile(rb"BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
_END_LINE = re.compile(rb"END[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
_AGENT_EMPTY = re.compile(rb"(?:[A-Za-z0-9_-]+\.)?AGENT(?:;[^:\n]*)?:[ \t]*$", re.I)
_SNIFF = re.compile(rb"(?:^|\r)BEGIN[ \t]*:[ \t]*VCARD[ \t]*(?:\r|$)", re.I | re.M)
_QP = re.compile(rb"QUOTED-PRINTABLE", re.I)
_MARK_TEXT = re.compile(r"(?:BEGIN|END)[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
_QP_TEXT = re.compile("QUOTED-PRINTABLE", re.I)
_HEAD = re.compile(rb'(?:[^:"]|"[^"]*")*')
_NAME = re.compile(rb"(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]+\Z")
_UNESC = re.compile(r"\\(.)", re.S)
_UNESC_MAP = {"n": "\n", "N": "\n", "\\": "\\", ",": ",", ";": ";", ":": ":"}
_TOKENS = {";": re.compile(r"\\.|;", re.S), ",": re.compile(r"\\.|,", re.S)}
_NEEDS_ESC = re.compile(r"[\\,;\n\r]")
_REDUCED_DATE = re.compile(r"\d{4}(?:-?\d{2})?|--\d{2}|---\d{2}")
_TEL_URI = re.compile(r"\+[0-9][0-9().\-]*")
_TEL_URI_EXT = re.compile(r"(\+[0-9][0-9().\-]*);ext=([0-9]+)", re.I)
_TEL_EXT = re.compile(r"(\+[0-9][0-9().\-]*)(?: ext\. |;ext=)([0-9]+)")
_DATA_IMAGE = re.compile(r"data:image/([a-z0-9.+-]+);base64,([A-Za-z0-9+/=]*)")
_URL_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)")
_CHARSET = re.compile(rb";CHARSET=\"?([A-Za-z0-9_.:-]+)", re.I)
_B64_PARAM = re.compile(rb"ENCODING=\"?B|;BASE64", re.I)
_SUBTYPE = re.compile(r"[a-z0-9.+-]+")
_B64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
_V4_LINE = re.compile(rb"^VERSION[ \t]*:[ \t]*4\.0[ \t]*$", re.I | re.M)

# Property codes for the dispatch in _parse_card.
(
    _FN,
    _N,
    _NICKNAME,
    _ORG,
    _TITLE,
    _ROLE,
    _EMAIL,
    _TEL,
    _ADR,
    _URLP,
    _BDAY,
    _ANNIV,
    _XANNIV,
    _CATEGORIES,
    _NOTE,
    _PHOTO,
    _UID,
    _KIND,
    _SHOWAS,
    _ABLABEL,
    _ABDATE,
    _SKIP,
) = range(22)
_PROPS = {
    b"FN": _FN,
    b"N": _N,
    b"NICKNAME": _NICKNAME,
    b"ORG": _ORG,
    b"TITLE": _TITLE,
    b"ROLE": _ROLE,
    b"EMAIL": _EMAIL,
    b"TEL": _TEL,
    b"ADR": _ADR,
    b"URL": _URLP,
    b"BDAY": _BDAY,
    b"ANNIVERSARY": _ANNIV,
    b"X-ANNIVERSARY": _XANNIV,
    b"CATEGORIES": _CATEGORIES,
    b"NOTE": _NOTE,
    b"PHOTO": _PHOTO,
    b"UID": _UID,
    b"KIND": _KIND,
    b"X-ABSHOWAS": _SHOWAS,
    b"X-ABLABEL": _ABLABEL,
    b"X-ABDATE": _ABDATE,
    b"VERSION": _SKIP,
    b"PRODID": _SKIP,
    b"REV": _SKIP,
}


# --------------------------------------------------------------------------- text helpers
def _unesc_one(m: re.Match[str]) -> str:
    return _UNESC_MAP.get(m.group(1), m.group(0))


def _unesc(s: str) -> str:
    """Undo vCard text escaping; an unknown escape such as ``\\x`` is kept as written."""
    return _UNESC.sub(_unesc_one, s) if "\\" in s else s


def _split(s: str, sep: str = ";") -> list[str]:
    """Split on unescaped ``sep`` and unescape each part."""
    if "\\" not in s:
        return s.split(sep)
    parts: list[str] = []
    start = 0
    for m in _TOKENS[sep].finditer(s):
        if m.group() == sep:
            parts.append(_unesc(s[start : m.start()]))
            start = m.end()
    parts.append(_unesc(s[start:]))
    return parts


def _esc(s: str) -> str:
    if not _NEEDS_ESC.search(s):
        return s
    s = s.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    return s.replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def _esc_uri(s: str) -> str:
    """URIs are written as they are; only a backslash or a line break needs escaping."""
    if "\\" not in s and "\n" not in s and "\r" not in s:
        return s
    s = s.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    return s.replace("\n", "\\n")


_SOCIAL_PREFIX = "X-SOCIALPROFILE;TYPE="
_URI_ESCAPE = re.compile(r"\\(.)")


def _social_line(s: Social) -> str:
    return f"{_SOCIAL_PREFIX}{_param(s.service)}:{_esc_uri(s.handle)}"


def _social(line: str) -> Social | None:
    """A social profile from a line exactly as ``_social_line`` writes it (so it is written
    back byte for byte); any other X-SOCIALPROFILE stays a kept line."""
    head, sep, value = line[len(_SOCIAL_PREFIX) :].partition(":")
    if not sep or not head or not value:
        return None
    handle = _URI_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    social = Social(head, handle)
    return social if _social_line(social) == line else None


def _param(value: str) -> str:
    """A parameter value: quoted when it holds ``;``, ``:`` or ``,`` (quotes cannot be kept)."""
    value = value.replace('"', "").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(ch in value for ch in ";:,") else value


def _decode(raw: bytes, charset: str, fallback: str) -> str:
    try:
        return raw.decode(charset)
    except (LookupError, ValueError):
        return raw.decode(fallback, "replace")


def _ablabel(value: str) -> str:
    label = _unesc(value).strip()
    if label.startswith("_$!<") and label.endswith(">!$_"):
        label = label[4:-4]
    return label.lower() if label.lower() in _KNOWN_LABELS else label


# --------------------------------------------------------------------------- parameters
class _Params:
    __slots__ = ("charset", "encoding", "omit_year", "pref", "types", "value")

    def __init__(self) -> None:
        self.types: list[str] = []
        self.pref = False
        self.encoding = ""  # "qp", "b" or ""
        self.charset = ""
        self.value = ""
        self.omit_year = ""


_PARAMS_SEEN: dict[tuple[str, bytes], _Params] = {}  # read-only once made


def _split_quoted(s: bytes) -> list[bytes]:
    """Split a property's name and parameters on ``;`` outside double quotes."""
    out: list[bytes] = []
    quoted = False
    start = 0
    for i, ch in enumerate(s):
        if ch == 34:
            quoted = not quoted
        elif ch == 59 and not quoted:
            out.append(s[start:i])
            start = i + 1
    out.append(s[start:])
    return out


def _params(parts: list[bytes], enc: str) -> _Params:
    p = _Params()
    for raw in parts:
        s = raw.decode(enc, "replace")
        key, eq, val = s.partition("=")
        if not eq:  # vCard 2.1 bare parameter: a type, an encoding or PREF
            word = s.strip().lower()
            if word == "pref":
                p.pref = True
            elif word in ("quoted-printable", "qp"):
                p.encoding = "qp"
            elif word in ("base64", "b"):
                p.encoding = "b"
            elif word and word not in ("7bit", "8bit"):
                p.types.append(word)
            continue
        key = key.strip().upper()
        val = val.strip()
        if key == "TYPE":
            for t in val.split(","):
                t = t.strip().strip('"').strip().lower()
                if t == "pref":
                    p.pref = True
                elif t:
                    p.types.append(t)
            continue
        if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
            val = val[1:-1]
        if key == "PREF":
            p.pref = p.pref or val.strip() == "1"
        elif key == "ENCODING":
            word = val.lower()
            if word in ("quoted-printable", "qp"):
                p.encoding = "qp"
            elif word in ("b", "base64"):
                p.encoding = "b"
        elif key == "CHARSET":
            p.charset = val
        elif key == "VALUE":
            p.value = val.lower()
        elif key == "X-APPLE-OMIT-YEAR":
            p.omit_year = val
    return p


def _value(raw: bytes, p: _Params | None, enc: str) -> str:
    """A property value as text: QUOTED-PRINTABLE and CHARSET applied."""
    if p is None or not (p.encoding or p.charset):
        return raw.decode(enc, "replace")
    if p.encoding == "qp":
        # A line break inside a value (=0D=0A) is a line break like an escaped \n: the same
        # text whichever way it was written, so that writing it back and reading it again
        # gives the same value.
        data = binascii.a2b_qp(raw).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if p.charset:
            return _decode(data, p.charset, enc)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode(enc, "replace")
    if p.encoding == "b":
        try:
            data = binascii.a2b_base64(raw)
        except (binascii.Error, ValueError):
            return raw.decode(enc, "replace")
        return _decode(data, p.charset or "utf-8", enc)
    if enc != "utf-8":  # a valid UTF-8 file is trusted over what a parameter claims
        return _decode(raw, p.charset, enc)
    return raw.decode(enc, "replace")


def _line_text(line: bytes, enc: str) -> str:
    """A kept line as text; in a non-UTF-8 file an 8-bit line's own CHARSET is honoured."""
    if enc != "utf-8" and not line.isascii():
        head = line[: line.find(b":")]
        m = _CHARSET.search(head)
        if m and not _QP.search(head):
            return _decode(line, m.group(1).decode("ascii"), enc)
    return line.decode(enc, "replace")


# --------------------------------------------------------------------------- binary kept lines
# A kept property with an inline binary value (KEY, LOGO, SOUND, a second PHOTO, X-...) is
# stored in one form whatever version it came in, so that reading our own 3.0 or 4.0 output
# gives the same line back: the 3.0 form ``NAME;params;TYPE=...,MEDIA;ENCODING=b:base64`` with
# the base64 in one piece (2.1 indents its continuation lines), the media type as the last TYPE
# value. 3.0 output writes it as it is; 4.0 output, which has no ENCODING, as a data: URI.
_MEDIA_OF_TYPE = {t: "image/" + sub for t, sub in _IMAGE_TYPES.items()}
_MEDIA_OF_TYPE.update(
    {"pgp": "application/pgp-keys", "x509": "application/pkix-cert", "wave": "audio/wav"}
)
_TYPE_OF_MEDIA = {m: t.upper() for t, m in _MEDIA_OF_TYPE.items() if t != "jpg"}
_OCTETS = "application/octet-stream"
_DATA_URI = re.compile(r"data:([A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]*)")
_ENCODING_B = ";ENCODING=b:"


def _kept_binary(parts: list[bytes], value: bytes, enc: str) -> str | None:
    """The stored form of a kept property with a base64 value (2.1/3.0 ``ENCODING``, or a
    4.0 data: URI of a known media type); None when it is not one, to keep it as written."""
    others: list[str] = []
    types: list[str] = []
    encoding = ""
    for raw in parts[1:]:
        s = raw.decode(enc, "replace")
        key, eq, val = s.partition("=")
        if not eq:  # vCard 2.1 bare parameter: an encoding or a type
            word = s.strip()
            if word.lower() in ("base64", "b"):
                encoding = "b"
            elif word and word.lower() not in ("7bit", "8bit"):
                types.append(word)
            continue
        key = key.strip().upper()
        val = val.strip().strip('"')
        if key == "ENCODING":
            encoding = "b" if val.lower() in ("b", "base64") else val
        elif key == "TYPE":
            types += [t for t in (x.strip().strip('"') for x in val.split(",")) if t]
        elif key != "VALUE" or val.lower() not in ("binary", "uri"):
            others.append(s)
    text = value.decode("ascii", "replace")
    if encoding == "b":
        media = ""
        for i in range(len(types) - 1, -1, -1):  # the last media type word is the one
            if types[i].lower() in _MEDIA_OF_TYPE:
                media = _MEDIA_OF_TYPE[types.pop(i).lower()]
                break
        b64 = "".join(text.split())
    elif not encoding and (m := _DATA_URI.fullmatch(text.strip())):
        media = m.group(1).lower()
        if media != _OCTETS and media not in _TYPE_OF_MEDIA:
            return None
        b64 = "".join(m.group(2).split())
    else:
        return None
    if media and media != _OCTETS:
        types.append(_TYPE_OF_MEDIA[media])
    head = parts[0].decode("ascii", "replace") + "".join(";" + o for o in others)
    if types:
        head += ";TYPE=" + ",".join(types)
    return head + _ENCODING_B + b64


def _binary_v4(line: str) -> str:
    """A stored binary kept line (see ``_kept_binary``) in its 4.0 form: a data: URI."""
    cut = line.find(_ENCODING_B)
    head, b64 = line[:cut], line[cut + len(_ENCODING_B) :]
    params = head.split(";")
    media = _OCTETS
    if params[-1].upper().startswith("TYPE="):
        types = params.pop()[5:].split(",")
        if types[-1].lower() in _MEDIA_OF_TYPE:
            media = _MEDIA_OF_TYPE[types.pop().lower()]
        if types:
            params.append("TYPE=" + ",".join(types))
    return f"{';'.join(params)}:data:{media};base64,{b64}"


# --------------------------------------------------------------------------- dates
def _date(text: str, p: _Params | None) -> PartialDate:
    s = text.strip()
    cut = s.upper().find("T")
    if cut >= 0:  # a date-time: the date is what is kept
        s = s[:cut]
    d = PartialDate.parse(s)
    if d.year == 0 or (p is not None and p.omit_year and _int(p.omit_year) == d.year):
        return PartialDate(None, d.month, d.day)
    return d


def _same_date(text: str, p: _Params | None, d: PartialDate) -> bool:
    try:
        return _date(text, p) == d
    except ValueError:
        return False


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _date_text(d: PartialDate, v4: bool) -> str:
    if d.year is None:
        return f"--{d.month:02d}{d.day:02d}"
    if v4:
        return f"{d.year:04d}{d.month:02d}{d.day:02d}"
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


# --------------------------------------------------------------------------- input framing
def _prepare(data: bytes) -> tuple[bytes, str]:
    """Normalised bytes (LF line ends, no BOM) and the file's encoding: "utf-8" when the whole
    file is UTF-8, "" when each card needs its own; BadInput if not vCard."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_vcards takes bytes")
    data = bytes(data)
    if not data.strip():
        raise BadInput("empty input: there is no vCard data in it")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, _ = decode_text(data)
        data = text.encode("utf-8")
    elif looks_binary(data):
        raise BadInput("binary data, not vCard text")
    data = data.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if data.lstrip()[:1] == b"<":
        raise BadInput("this is HTML or XML markup, not vCard text")
    if not _BEGIN_ANY.search(data):
        raise BadInput("no BEGIN:VCARD line found: this is not vCard data")
    # The common case, a file that is all UTF-8, is settled by one decode of the whole file;
    # otherwise each card is judged on its own (see _card_encodings).
    _, enc = decode_text(data)
    if enc != "utf-8" and (b"\n " in data or b"\n\t" in data):
        _, enc = decode_text(data.replace(b"\n ", b"").replace(b"\n\t", b""))
    return data, ("utf-8" if enc.startswith("utf-8") else "")


def _agent_before(data: bytes, pos: int) -> bool:
    """Is the physical line before ``pos`` an empty ``AGENT:`` (a 2.1 embedded card)?"""
    if pos == 0:
        return False
    start = data.rfind(b"\n", 0, pos - 1) + 1
    return _AGENT_EMPTY.match(data, start, pos - 1) is not None


def _frames(data: bytes) -> Iterator[tuple[int, int, int, int, bool, str]]:
    """(line, start, body_start, body_end, nested, problem) for every card, in order.

    ``problem`` is empty for a complete card; for a truncated one it says why, and the card's
    text runs from ``start`` to ``body_end``."""
    depth = 0
    start = body_start = 0
    nested = False
    line = 1
    counted = 0
    for m in _MARK.finditer(data):
        pos = m.start()
        if m.group(1)[:1] in b"Bb":
            if depth:
                if _agent_before(data, pos):
                    depth += 1
                    nested = True
                    continue
                yield line, start, body_start, pos, nested, "no END:VCARD before the next card"
            line += data.count(b"\n", counted, pos)
            counted = pos
            start, body_start, depth, nested = pos, m.end() + 1, 1, False
        elif depth:
            depth -= 1
            if not depth:
                yield line, start, body_start, pos, nested, ""
    if depth:
        yield line, start, body_start, len(data), nested, "the card has no END:VCARD"


def _logical_lines(body: bytes, qp: bool, starts: list[int] | None = None) -> list[bytes]:
    """Unfold: physical lines -> logical lines (bytes, so no UTF-8 sequence is split).

    With ``starts``, the 0-based physical line (within ``body``) where each logical line
    begins is appended to it: only warnings need that, so the plain unfold stays fast."""
    if not qp and starts is None:
        if b"\n " in body or b"\n\t" in body:
            body = body.replace(b"\n ", b"").replace(b"\n\t", b"")
        return body.split(b"\n")
    out: list[bytes] = []
    cur: list[bytes] = []
    cur_qp = False
    for number, pl in enumerate(body.split(b"\n")):
        if cur:
            if cur_qp and cur[-1][-1:] == b"=":  # soft line break
                cur[-1] = cur[-1][:-1]
                cur.append(pl)
                continue
            if pl[:1] in (b" ", b"\t"):
                cur.append(pl[1:])
                continue
            out.append(b"".join(cur))
        cur = [pl]
        if starts is not None:
            starts.append(number)
        colon = pl.find(b":")
        cur_qp = qp and _QP.search(pl, 0, colon if colon >= 0 else len(pl)) is not None
    if cur:
        last = b"".join(cur)
        out.append(last[:-1] if cur_qp and last.endswith(b"=") else last)
    return out


def _collapse_agents(lines: list[bytes], starts: list[int] | None = None) -> list[bytes]:
    """Turn each 2.1 ``AGENT:`` + embedded card into one 3.0-style AGENT line (iteratively).

    ``starts`` (as from ``_logical_lines``) is updated in place to match the lines returned."""
    out: list[bytes] = []
    kept: list[int] = []
    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        kept.append(i)
        i += 1
        if i < n and _AGENT_EMPTY.match(ln) and _BEGIN_LINE.match(lines[i]):
            block: list[bytes] = []
            depth = 0
            while i < n:
                x = lines[i]
                i += 1
                block.append(x)
                if _BEGIN_LINE.match(x):
                    depth += 1
                elif _END_LINE.match(x):
                    depth -= 1
                    if not depth:
                        break
            text = b"\n".join(block).replace(b"\\", b"\\\\").replace(b",", b"\\,")
            out.append(ln.rstrip() + text.replace(b";", b"\\;").replace(b"\n", b"\\n"))
        else:
            out.append(ln)
    if starts is not None:
        starts[:] = [starts[k] for k in kept if k < len(starts)]
    return out


def _line_starts(body: bytes, qp: bool, nested: bool) -> list[int]:
    """For each logical line of a card, the physical line (0-based, within ``body``) it starts
    on: what a warning about that property names."""
    starts: list[int] = []
    lines = _logical_lines(body, qp, starts)
    if nested:
        _collapse_agents(lines, starts)
    return starts


# --------------------------------------------------------------------------- one card
class _Unreadable(Exception):
    pass


def _fallback_name(
    names: list[str], nickname: str, account: str | None, emails: list[Email], phones: list[Phone]
) -> str:
    """The display name of a card without FN (reading) or of a contact without one (writing):
    the name parts (prefix given additional family suffix; CJK family+given unspaced), else the
    nickname, the first email, the first phone, the organisation."""
    given, family = names[1], names[3]
    if family and given and all(is_cjk(ch) for ch in family + given):
        return family + given
    name = " ".join(p for p in names if p)
    for candidate in (name, nickname):
        if candidate.strip():
            return candidate
    if emails:
        return emails[0].address
    if phones:
        return phones[0].number
    return account or ""


def _media_type(p: _Params, b64: str) -> str:
    for t in p.types:
        if "/" in t:
            return t
        if t in _IMAGE_TYPES:
            return "image/" + _IMAGE_TYPES[t]
    for t in p.types:
        if _SUBTYPE.fullmatch(t):
            return "image/" + t
    if b64.startswith("iVBOR"):
        return "image/png"
    if b64.startswith("R0lGOD"):
        return "image/gif"
    return "image/jpeg"


def _parse_card(
    body: bytes, enc: str, qp: bool, nested: bool
) -> tuple[object, list[tuple[int, str]]]:
    """The record of one card and its warnings, each with the index of the logical line it is
    about (-1: the card as a whole)."""
    lines = _logical_lines(body, qp)
    if nested:
        lines = _collapse_agents(lines)
    warnings: list[tuple[int, str]] = []
    fn: str | None = None
    n_parts: list[str] | None = None
    nickname = title = role = uid = ""
    org: list[str] | None = None
    emails: list[Email] = []
    phones: list[Phone] = []
    addresses: list[Address] = []
    urls: list[Url] = []
    tags: list[str] = []
    notes: list[str] = []
    rev = ""
    extra: list[str] = []
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    photo: str | None = None
    is_org = False
    kind_seen = showas_seen = False
    grouped: dict[str, list[Email | Phone | Address | Url]] | None = None
    ablabels: list[tuple[str, str, int]] = []
    modelled: set[str] = set()  # groups that hold a modelled property
    abdates: dict[str, tuple[bytes, _Params | None, int]] = {}
    last_b64: str | None = None  # "photo" or "extra": where bare base64 lines continue

    for index, ln in enumerate(lines):
        if not ln:
            continue
        colon = ln.find(b":")
        if colon < 0 or ln[:1] in (b" ", b"\t"):
            ln = ln.strip()
            if not ln:
                continue
            if last_b64 and _B64_LINE.fullmatch(ln):  # 2.1 base64 written without indentation
                chunk = ln.decode("ascii")
                if last_b64 == "photo" and photo is not None:
                    photo += chunk
                else:
                    extra[-1] += chunk
                continue
            colon = ln.find(b":")
            if colon < 0:
                warnings.append(
                    (index, f"skipped a line that is not a property: {_preview(ln, enc)}")
                )
                continue
        last_b64 = None
        head = ln[:colon]
        if 34 in head:  # a quoted parameter value may hold ':' or ';'
            m = _HEAD.match(ln)
            if m and m.end() < len(ln) and ln[m.end()] == 58:
                colon = m.end()
                head = ln[:colon]
            parts = _split_quoted(head)
        elif 59 in head:
            parts = head.split(b";")
        else:
            parts = [head]
        name = parts[0]
        group = ""
        if 46 in name:
            g, _, name = name.rpartition(b".")
            group = g.decode("ascii", "replace").lower()
        code = _PROPS.get(name.upper())
        if code is None:
            if not _NAME.match(parts[0]):
                warnings.append(
                    (index, f"skipped a line that is not a property: {_preview(ln, enc)}")
                )
                continue
            if len(parts) > 1 and _B64_PARAM.search(head):
                extra.append(_kept_binary(parts, ln[colon + 1 :], enc) or _line_text(ln, enc))
                last_b64 = "extra"
            elif ln.startswith(b"data:", colon + 1):
                extra.append(_kept_binary(parts, ln[colon + 1 :], enc) or _line_text(ln, enc))
            else:
                extra.append(_line_text(ln, enc))
            continue
        if code == _SKIP:
            name = parts[0].upper()
            if name == b"REV":
                rev = ln[colon + 1 :].decode("ascii", "replace")
            continue
        if group and code < _ABLABEL:
            modelled.add(group)
        if len(parts) > 1:  # parameter lists repeat from card to card: read each once
            key = (enc, head[len(parts[0]) :])
            p = _PARAMS_SEEN.get(key)
            if p is None:
                p = _params(parts[1:], enc)
                if len(_PARAMS_SEEN) >= 4096:
                    _PARAMS_SEEN.clear()
                _PARAMS_SEEN[key] = p
        else:
            p = None
        raw = ln[colon + 1 :]

        if code == _TEL:
            number = _unesc(_value(raw, p, enc)).strip()
            if number[:4].lower() == "tel:":
                number = number[4:]
                m = _TEL_URI_EXT.fullmatch(number)
                if m:  # the extension as people write it; 4.0 output makes it a URI again
                    number = f"{m.group(1)} ext. {m.group(2)}"
            if number:
                if p is None:
                    phones.append(Phone(number))
                else:
                    label = ",".join(p.types)
                    if "iphone" in p.types and _IPHONE_SET.issuperset(p.types):
                        label = "iphone"  # Apple's iPhone: a mobile phone labelled iPhone
                    phones.append(Phone(number, label=label, preferred=p.pref))
                if group:
                    grouped = grouped if grouped is not None else {}
                    grouped.setdefault(group, []).append(phones[-1])
        elif code == _EMAIL:
            address = _unesc(_value(raw, p, enc)).strip()
            if address:
                if p is None:
                    emails.append(Email(address))
                else:
                    label = ",".join(t for t in p.types if t != "internet")
                    emails.append(Email(address, label=label, preferred=p.pref))
                if group:
                    grouped = grouped if grouped is not None else {}
                    grouped.setdefault(group, []).append(emails[-1])
        elif code == _FN:
            if fn is None or not fn.strip():  # a blank FN is as good as none
                fn = _unesc(_value(raw, p, enc))
            else:
                extra.append(_line_text(ln, enc))
        elif code == _N:
            if n_parts is None or not any(n_parts):
                n_parts = _split(_value(raw, p, enc))
            else:
                extra.append(_line_text(ln, enc))
        elif code == _ADR:
            c = _split(_value(raw, p, enc))
            while len(c) > 7 and not c[-1]:
                c.pop()
            if len(c) < 7:
                c += [""] * (7 - len(c))
            elif len(c) > 7:
                c[6:] = [";".join(c[6:])]
            if any(c):
                addr = Address(
                    street=c[2],
                    locality=c[3],
                    region=c[4],
                    postal_code=c[5],
                    country=c[6],
                    po_box=c[0],
                    extended=c[1],
                )
                if p is not None:
                    addr.label = ",".join(p.types)
                    addr.preferred = p.pref
                addresses.append(addr)
                if group:
                    grouped = grouped if grouped is not None else {}
                    grouped.setdefault(group, []).append(addr)
        elif code == _ORG:
            if org is None or not any(org):
                org = _split(_value(raw, p, enc))
            else:
                extra.append(_line_text(ln, enc))
        elif code in (_TITLE, _ROLE, _NICKNAME, _UID):
            text = _unesc(_value(raw, p, enc))
            if code == _TITLE and not title:
                title = text
            elif code == _ROLE and not role:
                role = text
            elif code == _NICKNAME and not nickname:
                nickname = text
            elif code == _UID and not uid:
                uid = text.strip()
            else:
                extra.append(_line_text(ln, enc))
        elif code in (_BDAY, _ANNIV, _XANNIV):
            have = birthday if code == _BDAY else anniversary
            text = _value(raw, p, enc).strip()
            if have is not None and code != _BDAY and _same_date(text, p, have):
                continue  # our 3.0 output says it twice (X-ANNIVERSARY + Apple's X-ABDATE)
            if have is not None or (p is not None and p.value == "text"):
                extra.append(_line_text(ln, enc))
                continue
            try:
                d = _date(text, p)
            except ValueError:
                if _REDUCED_DATE.fullmatch(text):
                    extra.append(_line_text(ln, enc))
                else:
                    what = "birthday" if code == _BDAY else "anniversary"
                    warnings.append((index, f"dropped the {what} {text!r}: not a valid date"))
                continue
            if code == _BDAY:
                birthday = d
            else:
                anniversary = d
        elif code == _CATEGORIES:
            for t in _split(_value(raw, p, enc), ","):
                t = t.strip()
                if t:
                    tags.append(t)
        elif code == _NOTE:
            text = _unesc(_value(raw, p, enc))
            notes.append(text.replace("\r\n", "\n") if "\r" in text else text)
        elif code == _URLP:
            url = _unesc(_value(raw, p, enc)).strip()
            if url:
                if p is None:
                    urls.append(Url(url))
                else:
                    urls.append(Url(url, label=",".join(p.types), preferred=p.pref))
                if group:
                    grouped = grouped if grouped is not None else {}
                    grouped.setdefault(group, []).append(urls[-1])
        elif code == _PHOTO:
            if photo is not None:
                extra.append(_kept_binary(parts, raw, enc) or _line_text(ln, enc))
            elif p is not None and p.encoding == "b":
                b64 = "".join(raw.decode("ascii", "replace").split())
                photo = f"data:{_media_type(p, b64)};base64,{b64}"
                last_b64 = "photo"
            else:
                photo = _unesc(raw.decode(enc, "replace")).strip() or None
        elif code == _KIND:
            kind = _value(raw, p, enc).strip().lower()
            if kind in ("individual", "org", "organization"):
                if kind_seen:
                    warnings.append((index, f"ignored a second KIND ({kind})"))
                else:
                    kind_seen = True
                    is_org = kind != "individual"
            else:
                extra.append(_line_text(ln, enc))
        elif code == _SHOWAS:
            if not showas_seen and _value(raw, p, enc).strip().upper() == "COMPANY":
                showas_seen = is_org = True
            else:
                extra.append(_line_text(ln, enc))
        elif code == _ABLABEL:
            if group:
                ablabels.append((group, _value(raw, p, enc), len(extra)))
            extra.append(_line_text(ln, enc))
        elif code == _ABDATE:
            if group:
                abdates[group] = (raw, p, len(extra))
            extra.append(_line_text(ln, enc))

    if ablabels:
        consumed: set[int] = set()
        for group, value, index in ablabels:
            label = _ablabel(value)
            targets = grouped.get(group) if grouped else None
            if targets:
                for obj in targets:
                    obj.label = label
                consumed.add(index)
            elif group in abdates and label == "anniversary":
                date_raw, date_p, date_index = abdates[group]
                text = _value(date_raw, date_p, enc)
                if anniversary is None:
                    try:
                        anniversary = _date(text, date_p)
                    except ValueError:
                        continue
                elif not _same_date(text, date_p, anniversary):
                    continue  # a second, different anniversary: kept as written
                consumed.update((index, date_index))
            elif group in modelled:  # e.g. Google's item1.ORG + item1.X-ABLabel
                consumed.add(index)
        if consumed:
            extra = [x for i, x in enumerate(extra) if i not in consumed]

    names = n_parts or []
    while len(names) > 5 and not names[-1]:
        names.pop()
    if len(names) > 5:  # keep what further parts held
        names = [*names[:4], ";".join(names[4:])]
    names += [""] * (5 - len(names))
    family, given, additional, prefix, suffix = names
    account = org[0] if org and org[0] else None
    display = fn if fn is not None else ""
    if not display.strip():
        names = [prefix, given, additional, family, suffix]
        display = _fallback_name(names, nickname, account, emails, phones)
    units = (org or [])[1:]
    while units and not units[-1]:
        units.pop()

    if is_org:
        name = account or display or nickname
        if not name.strip():
            raise _Unreadable("the organisation card has no name")
        domain = ""
        for u in urls:
            m = _URL_HOST.match(u.url)
            if m:
                domain = m.group(1).lower()
                break
        if not domain and emails and "@" in emails[0].address:
            domain = emails[0].address.rpartition("@")[2].lower()
        domain = domain.removeprefix("www.")
        acct = Account(name=name, domain=domain, phones=phones, addresses=addresses, tags=tags)
        if extra or birthday or anniversary or photo or title or role or len(emails) > 1:
            warnings.append(
                (
                    -1,
                    "organisation card: only its name, domain, phones, addresses, tags and "
                    "notes are kept",
                )
            )
        return AccountRecord(acct, notes), warnings

    if not display.strip():
        raise _Unreadable("the card has no name, organisation, email or phone")
    socials: list[Social] = []
    if extra and any(x.startswith(_SOCIAL_PREFIX) for x in extra):
        kept: list[str] = []
        for x in extra:
            social = _social(x) if x.startswith(_SOCIAL_PREFIX) else None
            if social is None:
                kept.append(x)
            else:
                socials.append(social)
        extra = kept
    contact = Contact(
        uid=uid,
        prefix=prefix,
        given_name=given,
        additional_name=additional,
        family_name=family,
        suffix=suffix,
        display_name=display,
        nickname=nickname,
        title=title,
        role=role,
        account=account,
        emails=emails,
        phones=phones,
        addresses=addresses,
        urls=urls,
        socials=socials,
        birthday=birthday,
        anniversary=anniversary,
        tags=tags,
        photo=photo,
        vcard_extra=extra,
    )
    if units:
        contact.custom["vcard.org-units"] = ";".join(_esc(u) for u in units)
    if grouped and extra:
        kept_groups = _groups_in(extra)
        if kept_groups.intersection(grouped):
            contact.custom[_GROUPS] = _group_text(contact, grouped, kept_groups)
    return ContactRecord(contact, notes, rev), warnings


# An email, phone, address or URL that shares its group with a kept line (Apple's
# ``item3.ADR`` + ``item3.X-ABADR:gb``, the address's country code) must be written in that
# group again, or the kept line loses what it belongs to. The contact remembers which one, as
# "adr0=item3,tel2=item5" (kind, index in its list, group).
_GROUPS = "vcard.groups"


def _group_text(
    c: Contact, grouped: dict[str, list[Email | Phone | Address | Url]], kept: set[str]
) -> str:
    group_of = {id(obj): g for g, objs in grouped.items() if g in kept for obj in objs}
    pairs: list[str] = []
    # In the order the writer goes, so the text does not depend on the order of the input.
    kinds = (("email", c.emails), ("tel", c.phones), ("adr", c.addresses), ("url", c.urls))
    for kind, values in kinds:
        for i, value in enumerate(values):
            group = group_of.get(id(value))
            if group:
                pairs.append(f"{kind}{i}={group}")
    return ",".join(pairs)


def _group_map(c: Contact, used: set[str]) -> dict[str, str]:
    """ "adr0" -> "item3" for the groups of ``c`` that a kept line still uses."""
    out: dict[str, str] = {}
    for pair in c.custom.get(_GROUPS, "").split(","):
        key, _, group = pair.partition("=")
        if group.lower() in used:
            out[key] = group
    return out


def _preview(line: bytes, enc: str) -> str:
    text = line[:60].decode(enc, "replace")
    return repr(text + ("..." if len(line) > 60 else ""))


# --------------------------------------------------------------------------- public: reading
def parse_vcards(data: bytes) -> Iterator[Parsed[ContactRecord | AccountRecord] | Rejected]:
    """Read every card of a vCard 2.1/3.0/4.0 file, one record at a time.

    Raises ``BadInput`` at once when the data as a whole is not vCard (empty, binary, HTML, no
    BEGIN:VCARD). Otherwise it never raises: a card it cannot read is yielded as ``Rejected``
    with the card's text, and reading goes on with the next card."""
    prepared, enc = _prepare(data)
    return _records(prepared, enc)


class LineWarning(str):
    """A warning message that knows the physical line (1-based) of the input it is about: the
    offending property's, where ``Parsed.line`` is the card's first line."""

    line: int

    def __new__(cls, message: str, line: int) -> LineWarning:
        self = super().__new__(cls, message)
        self.line = line
        return self

    def __reduce__(self) -> tuple[type[LineWarning], tuple[str, int]]:
        return (LineWarning, (str(self), self.line))


_NOT_UTF8 = "the card is not valid UTF-8: read it as Windows-1252"
_NOT_UTF8_V4 = "the card is not valid UTF-8, as vCard 4.0 must be: bad bytes replaced with U+FFFD"


def _card_encoding(card: bytes) -> tuple[str, bool, bool]:
    """(encoding, is non-ASCII UTF-8, is not UTF-8) of one card of a file that is not all
    UTF-8. A card that is not UTF-8 is read as Windows-1252, unless it is vCard 4.0: that is
    UTF-8 by definition, so the bad bytes are replaced rather than the card re-read."""
    if card.isascii():  # either reads it; cp1252 is the better guess for QUOTED-PRINTABLE
        return "cp1252", False, False
    try:
        card.decode("utf-8")
        return "utf-8", True, False
    except UnicodeDecodeError:
        pass
    if b"\n " in card or b"\n\t" in card:  # a fold may split a UTF-8 sequence
        try:
            card.replace(b"\n ", b"").replace(b"\n\t", b"").decode("utf-8")
            return "utf-8", True, False
        except UnicodeDecodeError:
            pass
    return ("utf-8" if _V4_LINE.search(card) else "cp1252"), False, True


def _first_bad_line(body: bytes, qp: bool) -> int:
    """The physical line (0-based, within ``body``) of the first logical line that is not
    UTF-8."""
    starts: list[int] = []
    for i, ln in enumerate(_logical_lines(body, qp, starts)):
        try:
            ln.decode("utf-8")
        except UnicodeDecodeError:
            return starts[i]
    return 0


def _records(data: bytes, enc: str) -> Iterator[Record]:
    any_qp = _QP.search(data) is not None
    frames: Iterable[tuple[int, int, int, int, bool, str]] = _frames(data)
    encodings: list[tuple[str, bool, bool]] = []
    warn_legacy = False
    if not enc:
        # Not all UTF-8: each card is read in its own encoding. A card that had to be read
        # as Windows-1252 is worth a warning only when other cards of the file are UTF-8 text;
        # a file that is all Windows-1252 (Outlook's export) is read as such without fuss.
        frames = list(frames)
        encodings = [_card_encoding(data[f[1] : f[3]]) for f in frames]
        warn_legacy = any(utf8 for _, utf8, _ in encodings)
    for n, (line, start, body_start, body_end, nested, problem) in enumerate(frames):
        card_enc, bad = (encodings[n][0], encodings[n][2]) if encodings else (enc, False)
        if problem:
            raw = data[start:body_end].decode(card_enc, "replace")
            yield Rejected(line, problem, raw)
            continue
        body = data[body_start:body_end] if body_start < body_end else b""
        try:
            qp = any_qp and _QP.search(body) is not None
            item, found = _parse_card(body, card_enc, qp, nested)
        except _Unreadable as exc:
            yield Rejected(line, str(exc), _card_text(data, start, body_end, card_enc))
            continue
        except Exception as exc:  # a bad card must not stop the import of the others
            reason = f"could not read the card ({type(exc).__name__}: {exc})"
            yield Rejected(line, reason, _card_text(data, start, body_end, card_enc))
            continue
        warnings: list[str] = []
        if bad and (warn_legacy or card_enc == "utf-8"):
            message = _NOT_UTF8_V4 if card_enc == "utf-8" else _NOT_UTF8
            warnings.append(LineWarning(message, line + 1 + _first_bad_line(body, qp)))
        if found:
            # Lines are counted only now: most cards have nothing to warn about.
            starts = _line_starts(body, qp, nested) if any(i >= 0 for i, _ in found) else []
            for i, message in found:
                at = line + 1 + starts[i] if 0 <= i < len(starts) else line
                warnings.append(LineWarning(message, at))
        yield Parsed(item, line, warnings)  # type: ignore[arg-type]


def _card_text(data: bytes, start: int, body_end: int, enc: str) -> str:
    end = data.find(b"\n", body_end)
    return data[start : len(data) if end < 0 else end + 1].decode(enc, "replace")


def sniff_vcard(data: bytes) -> bool:
    """True when the data looks like vCard text (a ``BEGIN:VCARD`` line near the start)."""
    head = bytes(data[:65536])
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    if not head.strip() or looks_binary(head) or head.lstrip()[:1] == b"<":
        return False
    return _SNIFF.search(head) is not None


# --------------------------------------------------------------------------- writing
def _fold(line: str) -> str:
    """Fold at 75 octets (continuation lines: a space + 74), never inside a UTF-8 sequence."""
    if len(line) <= 75 and (len(line) <= 18 or line.isascii()):
        return line
    colon = line.find(":")
    qp = _QP_TEXT.search(line, 0, colon if colon >= 0 else len(line)) is not None
    if not qp and line.isascii():
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    b = line.encode("utf-8", "replace")
    n = len(b)
    if n <= 75:
        return line
    out: list[bytes] = []
    start = 0
    limit = 75
    while n - start > limit:
        end = start + limit
        while b[end] & 0xC0 == 0x80:
            end -= 1
        if qp and b[end - 1] == 61:  # a chunk ending in '=' would read as a soft line break
            end -= 1
        out.append(b[start:end])
        start = end
        limit = 74
    out.append(b[start:])
    return b"\r\n ".join(out).decode("utf-8")


def _groups_in(lines: Sequence[str]) -> set[str]:
    used = set()
    for x in lines:
        cut = len(x)
        for sep in (";", ":"):
            i = x.find(sep, 0, cut)
            if i >= 0:
                cut = i
        name = x[:cut]
        if "." in name:
            used.add(name.rpartition(".")[0].lower())
    return used


class _Writer:
    __slots__ = ("lines", "next_item", "used", "v4")

    def __init__(self, v4: bool, used: set[str]) -> None:
        self.v4 = v4
        self.used = used
        self.next_item = 1
        self.lines: list[str] = []

    def item(self) -> str:
        while f"item{self.next_item}" in self.used:
            self.next_item += 1
        name = f"item{self.next_item}"
        self.next_item += 1
        return name

    def labelled(
        self, prop: str, label: str, preferred: bool, value: str, extra: str = "", group: str = ""
    ) -> None:
        types: list[str] = []
        ablabel = ""
        if prop == "TEL" and label == "iphone":
            types = list(_IPHONE_TYPES)
        elif label:
            parts = label.split(",")
            std = _STD_TYPES[prop]
            if all(t in std for t in parts):
                types = parts
            else:
                ablabel = label
        params = extra
        if self.v4:
            if types:
                params += ";TYPE=" + ",".join(types)
            if preferred:
                params += ";PREF=1"
        else:
            if preferred:
                types = [*types, "pref"]
            if types:
                params += ";TYPE=" + ",".join(types)
        if not ablabel:
            self.lines.append(
                f"{group}.{prop}{params}:{value}" if group else f"{prop}{params}:{value}"
            )
            return
        group = group or self.item()
        self.lines.append(f"{group}.{prop}{params}:{value}")
        apple = _APPLE_LABELS.get(ablabel)
        text = f"_$!<{apple}>!$_" if apple else _esc(ablabel)
        self.lines.append(f"{group}.X-ABLabel:{text}")


def _safe_line(line: str) -> str:
    line = line.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n").lstrip(" \t")
    return "" if _MARK_TEXT.match(line) else line


def dump_vcard(contact: Contact, *, version: str = "3.0", notes: Sequence[str] = ()) -> str:
    """One card: CRLF line ends, folded at 75 octets. ``notes`` become NOTE lines."""
    if version not in VERSIONS:
        raise UsageError(f"cannot write vCard {version!r}; choose 3.0 or 4.0")
    c = contact
    v4 = version == "4.0"
    w = _Writer(v4, _groups_in(c.vcard_extra) if c.vcard_extra else set())
    out = w.lines
    out += ("BEGIN:VCARD", "VERSION:" + version, "PRODID:" + PRODID)
    if c.updated_at is not None:  # read back, it tells an old export from a newer card
        out.append("REV:" + c.updated_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
    display = c.display_name
    if not display.strip():
        names = [c.prefix, c.given_name, c.additional_name, c.family_name, c.suffix]
        display = _fallback_name(names, c.nickname, c.account, c.emails, c.phones)
    out.append("FN:" + _esc(display))
    names = (c.family_name, c.given_name, c.additional_name, c.prefix, c.suffix)
    if not v4 or any(names):
        out.append("N:" + ";".join(_esc(x) for x in names))
    if c.nickname:
        out.append("NICKNAME:" + _esc(c.nickname))
    units = c.custom.get("vcard.org-units", "")
    if c.account or units:
        org = _esc(c.account or "")
        if units:
            org += "".join(";" + _esc(u) for u in _split(units))
        out.append("ORG:" + org)
    if c.title:
        out.append("TITLE:" + _esc(c.title))
    if c.role:
        out.append("ROLE:" + _esc(c.role))
    groups = _group_map(c, w.used) if _GROUPS in c.custom else {}
    for i, e in enumerate(c.emails):
        w.labelled("EMAIL", e.label, e.preferred, _esc(e.address), "", groups.get(f"email{i}", ""))
    for i, ph in enumerate(c.phones):
        group = groups.get(f"tel{i}", "")
        m = _TEL_EXT.fullmatch(ph.number)
        if v4 and (m or _TEL_URI.fullmatch(ph.number)):
            uri = f"tel:{m.group(1)};ext={m.group(2)}" if m else "tel:" + ph.number
            w.labelled("TEL", ph.label, ph.preferred, uri, ";VALUE=uri", group)
        elif m:  # an extension kept from a 4.0 tel: URI, as text people and 3.0 readers know
            w.labelled("TEL", ph.label, ph.preferred, f"{m.group(1)} ext. {m.group(2)}", "", group)
        else:
            w.labelled("TEL", ph.label, ph.preferred, _esc(ph.number), "", group)
    for i, a in enumerate(c.addresses):
        parts = (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code, a.country)
        value = ";".join(_esc(x) for x in parts)
        w.labelled("ADR", a.label, a.preferred, value, "", groups.get(f"adr{i}", ""))
    for i, u in enumerate(c.urls):
        w.labelled("URL", u.label, u.preferred, _esc_uri(u.url), "", groups.get(f"url{i}", ""))
    if c.birthday is not None:
        out.append("BDAY:" + _date_text(c.birthday, v4))
    if c.anniversary is not None and v4:
        out.append("ANNIVERSARY:" + _date_text(c.anniversary, v4))
    elif c.anniversary is not None:
        # ANNIVERSARY is 4.0 only: 3.0 readers drop it. Apple and Google read Apple's
        # X-ABDATE labelled Anniversary (a year-less date in Apple's X-APPLE-OMIT-YEAR form),
        # Evolution and KAddressBook X-ANNIVERSARY; reading ours back takes one of them.
        d = c.anniversary
        group = w.item()
        if d.year is None:
            abdate = f"{group}.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-{d.month:02d}-{d.day:02d}"
        else:
            abdate = f"{group}.X-ABDATE:{_date_text(d, False)}"
        out += (abdate, f"{group}.X-ABLabel:_$!<Anniversary>!$_")
        out.append("X-ANNIVERSARY:" + _date_text(d, False))
    if c.tags:
        out.append("CATEGORIES:" + ",".join(_esc(t) for t in c.tags))
    for note in notes:
        out.append("NOTE:" + _esc(note))
    if c.photo:
        m = None if v4 else _DATA_IMAGE.fullmatch(c.photo)
        if m:
            out.append(f"PHOTO;ENCODING=b;TYPE={m.group(1).upper()}:{m.group(2)}")
        elif v4:
            out.append("PHOTO:" + _esc_uri(c.photo))
        else:
            out.append("PHOTO;VALUE=uri:" + _esc_uri(c.photo))
    if c.uid:
        out.append("UID:" + _esc(c.uid))
    if c.socials:
        kept = set(c.vcard_extra)
        for s in c.socials:
            line = _social_line(s)
            if line not in kept:
                out.append(line)
    for x in c.vcard_extra:
        if "\n" in x or "\r" in x or x[:1] in (" ", "\t") or _MARK_TEXT.match(x):
            x = _safe_line(x)  # a kept line must stay one property of this card
            if not x:
                continue
        if v4 and _ENCODING_B in x:
            x = _binary_v4(x)
        out.append(x)
    out.append("END:VCARD")
    return "\r\n".join([_fold(x) for x in out]) + "\r\n"


def dump_vcards(contacts: Iterable[Contact], *, version: str = "3.0") -> Iterator[str]:
    """One card per contact, streamed."""
    if version not in VERSIONS:
        raise UsageError(f"cannot write vCard {version!r}; choose 3.0 or 4.0")
    for c in contacts:
        yield dump_vcard(c, version=version)
