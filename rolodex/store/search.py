"""Full-text search: the one module of the store whose SQL differs by dialect.

Every contact has one search document in ``contact_search.doc``: the folded tokens
(``core.text.search_tokens``) of its names, nickname, emails, phones (and their digits), account,
title, tags and notes, CJK split into single characters. SQLite indexes it with FTS5 (prefix
indexes of 1–3 characters, kept in sync by triggers); PostgreSQL with a trigram GIN index.
A query's tokens all have to match the start of some token of the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rolodex.core.text import digits, search_tokens

# Below this many characters a query matches too many contacts for ranking to be worth it:
# the first matches in id order are returned instead (fast even for "m" over 100k contacts).
# Ranked queries are cut to a page inside the index (see ``Reader.search``).
RANK_FROM = 3


def build_doc(parts: Iterable[str], phones: Iterable[tuple[str, str | None]] = ()) -> str:
    """The folded, de-duplicated tokens of a contact's texts and phones (with their digits)."""
    plain: list[str] = []  # ASCII texts: split together, in one call
    tokens: list[str] = []
    for part in parts:
        if part:
            if part.isascii():
                plain.append(part)
            else:
                tokens += search_tokens(part)
    for number, e164 in phones:
        if number.isascii():
            plain.append(number)
        else:
            tokens += search_tokens(number)
        for d in (digits(number), digits(e164) if e164 else ""):
            if d:
                tokens.append(d)
                if d.startswith("00"):
                    tokens.append(d[2:])
    if plain:
        tokens += search_tokens(" ".join(plain))
    # The leading space lets PostgreSQL express "a token starts with x" as LIKE '% x%'.
    return " " + " ".join(dict.fromkeys(tokens))


def query_tokens(words: Iterable[str]) -> list[str]:
    tokens: list[str] = []
    for w in words:
        tokens.extend(search_tokens(w))
    return tokens


def match_subquery(dialect: str, tokens: list[str], *, prefix: str = "m") -> tuple[str, dict, bool]:
    """A subquery yielding ``(cid, score)`` for contacts whose document matches every token;
    lower scores are better. Returns (sql, params, ranked)."""
    # Digits are phone fragments: thousands of numbers share a prefix and no order between
    # them is better than another, so they are not ranked either.
    ranked = sum(len(t) for t in tokens) >= RANK_FROM and not all(t.isdigit() for t in tokens)
    if dialect == "sqlite":
        expr = " ".join(f'"{t}"*' for t in tokens)
        # bm25() itself, not the rank column: the same order, twice as fast when thousands match.
        score = "bm25(contact_fts)" if ranked else "0"
        sql = (
            f"SELECT rowid AS cid, {score} AS score FROM contact_fts "
            f"WHERE contact_fts MATCH :{prefix}q"
        )
        return sql, {f"{prefix}q": expr}, ranked
    params: dict[str, Any] = {}
    conds = []
    for i, t in enumerate(tokens):
        esc = t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params[f"{prefix}{i}"] = f"% {esc}%"
        conds.append(f"doc LIKE :{prefix}{i}")
    params[f"{prefix}q"] = " ".join(tokens)
    score = f"-similarity(doc, :{prefix}q)" if ranked else "0"
    sql = f"SELECT contact_id AS cid, {score} AS score FROM contact_search WHERE " + " AND ".join(
        conds
    )
    return sql, params, ranked


# The insert trigger of migration 0001. A trigger that fires once per row costs four times a
# single INSERT … SELECT into the index, so bulk inserts set it aside for their statement.
_SQLITE_INSERT_TRIGGER = """CREATE TRIGGER contact_search_ai AFTER INSERT ON contact_search BEGIN
        INSERT INTO contact_fts(rowid, doc) VALUES (new.contact_id, new.doc);
    END"""


def defer_indexing(dialect: str, execute: Any) -> bool:
    """Stop indexing search documents as they are inserted, for a bulk load inside the caller's
    transaction: ``index_range`` indexes what was inserted, ``resume_indexing`` ends it. False where
    there is nothing to defer."""
    if dialect != "sqlite":
        return False
    execute("DROP TRIGGER contact_search_ai")
    return True


def index_range(execute: Any, low: int, high: int) -> None:
    """Index the documents of contacts ``low``..``high``, inserted while indexing was off."""
    execute(
        "INSERT INTO contact_fts(rowid, doc) SELECT contact_id, doc FROM contact_search "
        f"WHERE contact_id BETWEEN {int(low)} AND {int(high)}"
    )


def resume_indexing(execute: Any) -> None:
    execute(_SQLITE_INSERT_TRIGGER)


def unindex(dialect: str, execute: Any, scalar: Any, batches: list[list[int]]) -> None:
    """Delete the search documents of contacts about to be deleted (``batches`` of ids) and
    take them out of the index: on SQLite one INSERT … SELECT of FTS5 'delete' commands per
    batch, seven times cheaper than the delete trigger firing row by row. Elsewhere the
    documents go with their contacts (ON DELETE CASCADE)."""
    if dialect != "sqlite":
        return
    trigger = scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'contact_search_ad'"
    )
    execute("DROP TRIGGER contact_search_ad")
    for ids in batches:
        inn = ", ".join(str(int(i)) for i in ids)
        execute(
            "INSERT INTO contact_fts(contact_fts, rowid, doc) SELECT 'delete', contact_id, doc "
            f"FROM contact_search WHERE contact_id IN ({inn})"
        )
        execute(f"DELETE FROM contact_search WHERE contact_id IN ({inn})")
    execute(trigger)
