"""The query language shared by the CLI and the UI.

A query is free words plus ``field:value`` filters::

    tag:vip org:acme stage:lead ada
    city:berlin -tag:old
    email:@example.com has:phone
    name:"van der Berg"  #vip  "ada love"  -smith

Terms are separated by whitespace (any Unicode space). Double quotes group words: a quoted
free term is a phrase, and a quoted part after ``field:`` belongs to the value. Inside quotes
``\\"`` is a literal quote and ``\\\\`` a literal backslash; outside quotes a backslash is an
ordinary character. A leading ``-`` negates a term, ``#vip`` is short for ``tag:vip``.

A word whose colon does not follow a plain field name stays a free word: ``10:30``,
``https://x.org`` and ``李:x`` are searched as text, while ``colour:red`` is an unknown field.
Field names are case-insensitive; values keep their case except the enumerated ones (``stage``,
``has``, ``is``), which are stored lower-case. Matching is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolodex.errors import UsageError

__all__ = [
    "HAS_VALUES",
    "IS_VALUES",
    "KNOWN_FIELDS",
    "MAX_QUERY_LENGTH",
    "STAGES",
    "QuerySpec",
    "Term",
    "format_query",
    "parse_query",
]

MAX_QUERY_LENGTH = 10_000

#: The lifecycle stages ``stage:`` accepts. The same as ``rolodex.core.models.STAGES`` (a test
#: checks); repeated here so that parsing a query does not import the models.
STAGES = ("subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist")
#: What ``has:`` can test for.
HAS_VALUES = ("email", "phone", "address", "birthday", "account", "tag", "note", "task")
#: ``is:trashed`` lists the trash instead of the live records; ``is:active`` is the default.
IS_VALUES = ("trashed", "active")

# Every spelling a user may type, mapped to the canonical field name.
_ALIASES = {
    "tag": "tag",
    "tags": "tag",
    "org": "org",
    "account": "org",
    "company": "org",
    "stage": "stage",
    "city": "city",
    "country": "country",
    "email": "email",
    "phone": "phone",
    "has": "has",
    "name": "name",
    "title": "title",
    "owner": "owner",
    "id": "id",
    "uid": "uid",
    "is": "is",
}

#: The field names shown to users (the canonical ones plus ``account``), sorted.
KNOWN_FIELDS: tuple[str, ...] = tuple(sorted({*_ALIASES.values(), "account"}))

_FIELD_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a query: a filter, or a free word or phrase (``field == "text"``)."""

    field: str
    value: str
    negate: bool = False


@dataclass(frozen=True, slots=True)
class QuerySpec:
    """A parsed query: its terms in the order they were typed."""

    terms: tuple[Term, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        """The free words and phrases that must match."""
        return tuple(t.value for t in self.terms if t.field == "text" and not t.negate)

    @property
    def excluded_words(self) -> tuple[str, ...]:
        """The negated free words and phrases (``-smith``), which must not match."""
        return tuple(t.value for t in self.terms if t.field == "text" and t.negate)

    def filters(self, field: str) -> tuple[Term, ...]:
        """The terms of ``field`` (an alias such as ``account`` works too), negated or not."""
        name = field.lower()
        name = _ALIASES.get(name, name)
        return tuple(t for t in self.terms if t.field == name)

    @property
    def is_empty(self) -> bool:
        """True when the query has no terms at all (it matches everything)."""
        return not self.terms

    @property
    def trashed(self) -> bool:
        """True when the query asks for trashed records (``is:trashed`` or ``-is:active``).

        When several ``is:`` terms are given, the last one decides.
        """
        for term in reversed(self.terms):
            if term.field == "is":
                return (term.value == "trashed") != term.negate
        return False


@dataclass(slots=True)
class _Segment:
    text: str
    quoted: bool


def _split_field(word: str) -> tuple[str, str] | None:
    """Split ``name:rest`` when ``word`` looks like a filter, else return None.

    It does when the part before the first colon is non-empty, made of ASCII letters and
    underscores only, and the colon does not start ``://`` (so URLs stay free words).
    """
    colon = word.find(":")
    if colon <= 0 or word.startswith("://", colon):
        return None
    name = word[:colon]
    if not _FIELD_NAME_CHARS.issuperset(name):
        return None
    return name, word[colon + 1 :]


def _tokenize(text: str) -> list[list[_Segment]]:
    """Split ``text`` into whitespace-separated tokens, each a list of quoted/bare segments."""
    tokens: list[list[_Segment]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        segments: list[_Segment] = []
        bare_start = i
        while i < n and not text[i].isspace():
            if text[i] != '"':
                i += 1
                continue
            if i > bare_start:
                segments.append(_Segment(text[bare_start:i], quoted=False))
            opened = i
            i += 1
            chars: list[str] = []
            while True:
                if i >= n:
                    raise UsageError(
                        f'unterminated quote in query: the " at character {opened + 1} '
                        "is never closed"
                    )
                ch = text[i]
                if ch == "\\" and i + 1 < n and text[i + 1] in '"\\':
                    chars.append(text[i + 1])
                    i += 2
                elif ch == '"':
                    i += 1
                    break
                else:
                    chars.append(ch)
                    i += 1
            segments.append(_Segment("".join(chars), quoted=True))
            bare_start = i
        if i > bare_start:
            segments.append(_Segment(text[bare_start:i], quoted=False))
        tokens.append(segments)
    return tokens


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """Return ``value`` lower-cased if it is one of ``allowed``, else raise a UsageError."""
    lowered = value.lower()
    if lowered not in allowed:
        raise UsageError(f"unknown {what} {value!r} in query; valid values: {', '.join(allowed)}")
    return lowered


def _make_filter(typed_name: str, value: str, negate: bool) -> Term:
    """Validate one ``name:value`` filter and return its Term."""
    field = _ALIASES.get(typed_name.lower())
    if field is None:
        raise UsageError(
            f"unknown field {typed_name!r} in query; known fields: {', '.join(KNOWN_FIELDS)}"
        )
    if not value.strip():
        raise UsageError(f"empty value for {typed_name.lower()}: in query")
    if field == "stage":
        value = _choice(value, STAGES, "stage")
    elif field == "has":
        value = _choice(value, HAS_VALUES, "value for has:")
    elif field == "is":
        value = _choice(value, IS_VALUES, "value for is:")
    elif field == "id" and not (value.isascii() and value.isdigit()):
        raise UsageError(f"id: needs a whole number, not {value!r}")
    return Term(field, value, negate)


def _make_term(segments: list[_Segment]) -> Term | None:
    """Interpret one token; None for a blank quoted phrase (``""``), which is ignored."""
    first = segments[0]
    negate = False
    if not first.quoted and first.text.startswith("-"):
        negate = True
        segments = segments[1:]
        if len(first.text) > 1:
            first = _Segment(first.text[1:], quoted=False)
            segments.insert(0, first)
        elif not segments:
            raise UsageError("a lone '-' in query: write the term to exclude right after it")
        else:
            first = segments[0]
    rest = "".join(s.text for s in segments[1:])
    if not first.quoted and first.text.startswith("#"):
        value = first.text[1:] + rest
        if not value.strip():
            raise UsageError("empty tag after '#' in query")
        return Term("tag", value, negate)
    if not first.quoted and (split := _split_field(first.text)) is not None:
        name, head = split
        return _make_filter(name, head + rest, negate)
    value = first.text + rest
    if not value.strip():
        return None
    return Term("text", value, negate)


def parse_query(text: str) -> QuerySpec:
    """Parse a query string into a QuerySpec; raise UsageError on anything malformed."""
    if len(text) > MAX_QUERY_LENGTH:
        raise UsageError(
            f"query is too long ({len(text)} characters; at most {MAX_QUERY_LENGTH} are allowed)"
        )
    terms = []
    for segments in _tokenize(text):
        term = _make_term(segments)
        if term is not None:
            terms.append(term)
    return QuerySpec(tuple(terms))


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _needs_quotes(value: str) -> bool:
    return not value or '"' in value or any(ch.isspace() for ch in value)


def format_query(spec: QuerySpec) -> str:
    """Write ``spec`` back as canonical query text that ``parse_query`` reads as the same spec.

    Filters use their canonical field names (``org:``, ``tag:`` rather than ``#``); values and
    phrases are quoted only when they must be.
    """
    parts: list[str] = []
    for term in spec.terms:
        value = term.value
        if term.field == "text":
            bare = not (
                _needs_quotes(value)
                or value.startswith(("-", "#"))
                or _split_field(value) is not None
            )
            body = value if bare else _quote(value)
        else:
            # A bare value starting with "//" would turn "field://…" into a URL-like free word.
            bare = not (_needs_quotes(value) or value.startswith("//"))
            body = f"{term.field}:{value if bare else _quote(value)}"
        parts.append(f"-{body}" if term.negate else body)
    return " ".join(parts)
