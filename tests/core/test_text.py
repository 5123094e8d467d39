"""Tests for rolodex.core.text: folding, CJK detection, search tokens and phone digits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.core.text import digits, fold, is_cjk, search_tokens

FAST = settings(max_examples=300, deadline=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Müller", "muller"),
        ("MÜLLER", "muller"),
        ("muller", "muller"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Søren Ørsted", "soren orsted"),
        ("Đorđe", "dorde"),
        ("Æsir Œuvre", "aesir oeuvre"),
        ("Þór", "thor"),
        ("Iıİ", "iii"),
        ("François Ça", "francois ca"),
        ("Ｆｕｌｌ　Ｗｉｄｔｈ", "full width"),
        ("", ""),
        ("plain ascii 123", "plain ascii 123"),
    ],
)
def test_fold_examples(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    "text", ["李芳", "山田太郎", "ひらがな", "カタカナ", "가나다", "한국어", "がぎぐ"]
)
def test_fold_keeps_cjk(text: str) -> None:
    assert fold(text) == text


def test_fold_normalises_cjk_forms() -> None:
    assert fold("ｶﾀｶﾅ") == "カタカナ"  # half-width katakana
    assert fold("ｶﾞ") == "ガ"  # half-width voiced mark composes
    assert fold("\uf9e1") == "李"  # compatibility ideograph → unified
    assert fold("か\u3099") == "が"  # decomposed kana recomposes
    assert fold("\u1112\u1161\u11ab") == "한"  # conjoining jamo compose to a syllable


def test_fold_mixed() -> None:
    assert fold("李芳 MÜLLER") == "李芳 muller"


@pytest.mark.parametrize(
    "ch",
    ["李", "芳", "\u3400", "\uf900", "\U00020000", "あ", "ア", "ｱ", "한", "\u1100", "ㄱ", "々"],
)
def test_is_cjk_true(ch: str) -> None:
    assert is_cjk(ch)


@pytest.mark.parametrize("ch", ["a", "é", "1", " ", "Ж", "ا", "。", "、", "Ａ", "", "李芳"])
def test_is_cjk_false(ch: str) -> None:
    assert not is_cjk(ch)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("李芳 Müller-Lüdenscheidt", ["李", "芳", "muller", "ludenscheidt"]),
        ("abc李芳", ["abc", "李", "芳"]),
        ("李abc芳", ["李", "abc", "芳"]),
        ("ada.lovelace@example.com", ["ada", "lovelace", "example", "com"]),
        ("O'Brien, Seán", ["o", "brien", "sean"]),
        ("  --  ", []),
        ("", []),
        ("ジョン・スミス", ["ジ", "ョ", "ン", "ス", "ミ", "ス"]),
        ("R2-D2 ７", ["r2", "d2", "7"]),
    ],
)
def test_search_tokens_examples(text: str, expected: list[str]) -> None:
    assert search_tokens(text) == expected


def test_search_tokens_keeps_combining_marks_in_words() -> None:
    # Tamil vowel signs are spacing marks (Mc): they stay inside the word.
    assert search_tokens("கொழும்பு நகரம்") == ["கொழுமபு", "நகரம"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+44 (20) 7946-0958", "442079460958"),
        ("no digits", ""),
        ("", ""),
        ("０３－１２３４", "031234"),
        ("٠١٢", "012"),
        ("x²½", ""),
    ],
)
def test_digits(text: str, expected: str) -> None:
    assert digits(text) == expected


@FAST
@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x17F)))
def test_fold_ignores_case_of_latin(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@FAST
@given(st.text())
def test_search_tokens_are_non_empty_and_folded(text: str) -> None:
    for token in search_tokens(text):
        assert token
        assert fold(token) == token
        assert not any(ch.isspace() for ch in token)


@FAST
@given(st.text())
def test_search_tokens_of_folded_text_are_the_same(text: str) -> None:
    assert search_tokens(fold(text)) == search_tokens(text)


@FAST
@given(st.text())
def test_digits_are_ascii_digits(text: str) -> None:
    assert all(ch in "0123456789" for ch in digits(text))
