"""Text normalisation for search and matching.

``fold`` gives a case- and accent-insensitive key ("Müller", "MÜLLER" and "muller" all fold
to "muller"), ``search_tokens`` splits text into the tokens of the search index (CJK as
single characters, so a one-character query matches inside a longer name), and ``digits``
keeps the digits of a phone number. Standard library only: this is imported on the hot path
of every CLI command.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["digits", "fold", "is_cjk", "search_tokens"]

# Letters that NFKD leaves whole; casefold has already lower-cased them (and turned ß into ss).
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i"}
)

# Inclusive code point ranges treated as CJK, sorted by start.
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3005, 0x3007),  # 々 〆 〇 (iteration mark, closing mark, ideographic zero)
    (0x3040, 0x309F),  # Hiragana (with the combining voiced sound marks)
    (0x30A0, 0x30FF),  # Katakana
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7AF),  # Hangul Syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF65, 0xFF9F),  # Half-width Katakana
    (0xFFA0, 0xFFDC),  # Half-width Hangul
    (0x20000, 0x323AF),  # CJK Unified Ideographs Extensions B–H and Compatibility Supplement
)


def is_cjk(ch: str) -> bool:
    """True if the character ``ch`` is Han, Hiragana, Katakana or Hangul (syllables or jamo).

    Covers the unified ideographs with their extensions and the compatibility ideographs,
    half-width katakana and half-width hangul. Anything but a single character is False.
    """
    if len(ch) != 1:
        return False
    cp = ord(ch)
    if cp < 0x1100:
        return False
    for start, end in _CJK_RANGES:
        if cp < start:
            return False
        if cp <= end:
            return True
    return False


_NOT_DIGITS = bytes(i for i in range(128) if not 48 <= i <= 57)
_CJK_RE = re.compile("[" + "".join(f"{chr(start)}-{chr(end)}" for start, end in _CJK_RANGES) + "]")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_LATIN_MARKS = re.compile("[\u0300-\u036f]")  # Combining Diacritical Marks
_CJK_SPLIT = re.compile(f"({_CJK_RE.pattern})")
_CJK_RUNS = re.compile(f"({_CJK_RE.pattern}+)")


def _fold_plain(run: str) -> str:
    """Fold a run of non-CJK text: strip accents, casefold, map the undecomposable letters."""
    text = unicodedata.normalize("NFKD", run)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.casefold()
    # Casefolding can produce characters that decompose again (or compatibility forms).
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.translate(_EXTRA_FOLDS)
    # Recompose what decomposition split without marks to drop (e.g. circled Hangul → syllable)
    # so that folding the result again changes nothing.
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Return the case- and accent-insensitive search key of ``text``.

    Latin and other scripts are NFKD-decomposed, lose their non-spacing marks and are
    casefolded; ø, đ, ł, æ, œ, þ and ı (which NFKD keeps whole) become o, d, l, ae, oe, th
    and i. CJK text is only NFKC-normalised — so Hangul syllables and kana with voicing
    marks stay whole, half-width katakana becomes full-width and compatibility ideographs
    become their unified forms. ``fold(fold(s)) == fold(s)`` for every string.
    """
    if text.isascii():
        return text.lower()
    folded = _FOLDED.get(text)
    if folded is None:
        folded = _fold(text)
        if len(text) <= _CACHE_LEN and len(_FOLDED) < _CACHE_SIZE:
            _FOLDED[text] = folded
    return folded


# Names, cities, companies and titles repeat across thousands of contacts: an import folds
# each of them once. Short texts only, and a bounded number of them.
_CACHE_LEN = 80
_CACHE_SIZE = 50_000
_FOLDED: dict[str, str] = {}
_TOKENS: dict[str, list[str]] = {}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if not _CJK_RE.search(text):
        return _fold_run(text)
    # CJK runs stay as they are; the text between them is folded.
    return "".join(
        piece if index % 2 else _fold_run(piece)
        for index, piece in enumerate(_CJK_RUNS.split(text))
    )


def _fold_run(run: str) -> str:
    """Fold NFKC text that holds no CJK character."""
    # Most text is Latin with accents: decomposed and stripped of the common combining marks
    # it is plain ASCII, and that needs none of the general path's steps.
    plain = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", run))
    if plain.isascii():
        return plain.lower()
    return _fold_plain(run)


def search_tokens(text: str) -> list[str]:
    """Split ``text`` into folded search tokens.

    Words are runs of letters and digits (``str.isalnum``; combining marks stay inside the
    word they follow, so scripts such as Tamil or Devanagari are not cut up); everything else
    separates. Each CJK character is a token of its own::

        >>> search_tokens("李芳 Müller-Lüdenscheidt")
        ['李', '芳', 'muller', 'ludenscheidt']
    """
    if text.isascii():  # the common case, at C speed
        return _ASCII_WORD.findall(text.lower())
    tokens = _TOKENS.get(text)
    if tokens is None:
        tokens = _search_tokens(text)
        if len(text) <= _CACHE_LEN and len(_TOKENS) < _CACHE_SIZE:
            _TOKENS[text] = tokens
    return list(tokens)


def _search_tokens(text: str) -> list[str]:
    folded = fold(text)
    if folded.isascii():  # accented Latin folds to ASCII
        return _ASCII_WORD.findall(folded)
    # Split around CJK characters first (at C speed); odd pieces are single CJK characters.
    pieces = _CJK_SPLIT.split(folded)
    if any(not p.isalnum() and unicodedata.category(p)[0] == "M" for p in pieces[1::2]):
        return _tokens(folded)  # a CJK combining mark may continue a word: the exact path
    tokens: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2:
            if piece.isalnum():
                tokens.append(piece)
        elif piece.isascii():
            tokens.extend(_ASCII_WORD.findall(piece))
        else:
            tokens.extend(_tokens(piece))
    return tokens


def _tokens(folded: str) -> list[str]:
    """Character by character: runs of letters and digits (combining marks stay inside the
    word they follow), each CJK character a token of its own."""
    tokens: list[str] = []
    word: list[str] = []
    for ch in folded:
        if ch.isalnum():
            if is_cjk(ch):
                if word:
                    tokens.append("".join(word))
                    word.clear()
                tokens.append(ch)
            else:
                word.append(ch)
        elif word and unicodedata.category(ch).startswith("M"):
            word.append(ch)
        elif word:
            tokens.append("".join(word))
            word.clear()
    if word:
        tokens.append("".join(word))
    return tokens


def digits(text: str) -> str:
    """Return the digits of ``text`` as ASCII digits, e.g. for matching phone numbers.

    ``digits("+44 (20) 7946-0958") == "442079460958"``. Decimal digits of other scripts
    (full-width ``０３``, Arabic-Indic ``٠٣``) count as their ASCII equivalents; superscripts,
    fractions and other numeric symbols do not.
    """
    if text.isascii():
        return text.encode("ascii").translate(None, _NOT_DIGITS).decode("ascii")
    return "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
