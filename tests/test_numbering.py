"""Numbering labels: Roman numerals, the Vietnamese letter sequence, and label() per style."""

from __future__ import annotations

import pytest

from planforge import ListStyle
from planforge._numbering import label, letter, roman
from planforge._profiles import Numbering, load_profile

PROFILES = ["nd30-2020", "hd36-2018"]
VIETNAMESE_LETTERS = [
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m",
    "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y",
]  # fmt: skip
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def numbering(profile: str = "nd30-2020") -> Numbering:
    return load_profile(profile).numbering


def parse_roman(text: str) -> int:
    """An independent reader of Roman numerals (subtractive pairs)."""
    total = 0
    for n, char in enumerate(text):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[text[n + 1]] if n + 1 < len(text) else 0
        total += -value if value < following else value
    return total


# -- Roman numerals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (9, "IX"), (10, "X"),
        (14, "XIV"), (19, "XIX"), (40, "XL"), (44, "XLIV"), (49, "XLIX"), (90, "XC"),
        (99, "XCIX"), (400, "CD"), (444, "CDXLIV"), (500, "D"), (900, "CM"), (1000, "M"),
        (1994, "MCMXCIV"), (2026, "MMXXVI"), (3888, "MMMDCCCLXXXVIII"), (3999, "MMMCMXCIX"),
    ],
)  # fmt: skip
def test_roman_spot_checks(n: int, text: str) -> None:
    assert roman(n) == text


def test_roman_is_canonical_for_1_to_3999() -> None:
    seen: set[str] = set()
    for n in range(1, 4000):
        text = roman(n)
        assert parse_roman(text) == n, (n, text)
        assert set(text) <= set(_ROMAN_VALUES), text
        # canonical form: never four of a kind, never a repeated V, L or D
        assert not any(c * 4 in text for c in "IXCM"), text
        assert not any(c * 2 in text for c in "VLD"), text
        seen.add(text)
    assert len(seen) == 3999


@pytest.mark.parametrize("n", [0, -1, -2026])
def test_roman_refuses_numbers_below_one(n: int) -> None:
    with pytest.raises(ValueError, match="start at 1"):
        roman(n)


# -- Vietnamese letters ------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_profiles_use_the_vietnamese_letter_sequence(profile: str) -> None:
    letters = numbering(profile).letters
    assert letters == VIETNAMESE_LETTERS
    assert not {"f", "j", "w", "z"} & set(letters)
    assert letters[letters.index("d") + 1] == "đ"


def test_letters_in_order() -> None:
    letters = numbering().letters
    got = [letter(n, letters) for n in range(1, 24)]
    assert got == VIETNAMESE_LETTERS
    assert letter(5, letters) == "đ"
    assert letter(6, letters) == "e"
    assert letter(7, letters) == "g"
    assert letter(23, letters) == "y"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (24, "aa"),
        (25, "ab"),
        (28, "ađ"),
        (46, "ay"),
        (47, "ba"),
        (23 * 24, "yy"),
        (23 * 24 + 1, "aaa"),
    ],
)
def test_letters_beyond_y_continue_with_two_letters(n: int, text: str) -> None:
    assert letter(n, numbering().letters) == text


def test_letters_past_y_never_repeat() -> None:
    letters = numbering().letters
    labels = [letter(n, letters) for n in range(1, 2000)]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("n", [0, -3])
def test_letters_start_at_one(n: int) -> None:
    with pytest.raises(ValueError, match="start at 1"):
        letter(n, VIETNAMESE_LETTERS)


def test_letter_uses_the_sequence_it_is_given() -> None:
    assert [letter(n, ["α", "β"]) for n in range(1, 7)] == ["α", "β", "αα", "αβ", "βα", "ββ"]


# -- label() for every style -------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_every_style_has_a_format_and_a_follower(profile: str) -> None:
    rule = numbering(profile)
    assert set(rule.formats) == set(ListStyle)
    assert set(rule.after) == set(ListStyle)
    assert rule.part is ListStyle.ROMAN
    assert rule.first_level is ListStyle.DECIMAL
    assert rule.after[ListStyle.DECIMAL] is ListStyle.NESTED
    assert rule.after[ListStyle.NESTED] is ListStyle.LETTER


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    ("style", "n", "parent", "text", "number"),
    [
        (ListStyle.ROMAN, 1, "", "I.", ""),
        (ListStyle.ROMAN, 4, "", "IV.", ""),
        (ListStyle.ROMAN, 12, "", "XII.", ""),
        (ListStyle.DECIMAL, 1, "", "1.", "1."),
        (ListStyle.DECIMAL, 10, "", "10.", "10."),
        (ListStyle.DECIMAL, 3, "2.", "3.", "3."),  # a decimal list starts its own numbering
        (ListStyle.NESTED, 1, "1.", "1.1.", "1.1."),
        (ListStyle.NESTED, 2, "1.", "1.2.", "1.2."),
        (ListStyle.NESTED, 1, "1.2.", "1.2.1.", "1.2.1."),
        (ListStyle.NESTED, 11, "3.10.", "3.10.11.", "3.10.11."),
        (ListStyle.NESTED, 2, "", "2.", "2."),
        (ListStyle.LETTER, 1, "1.2.", "a)", "1.2."),
        (ListStyle.LETTER, 5, "1.", "đ)", "1."),
        (ListStyle.LETTER, 6, "1.", "e)", "1."),
        (ListStyle.LETTER, 24, "", "aa)", ""),
        (ListStyle.DASH, 1, "1.", "-", "1."),
        (ListStyle.DASH, 7, "", "-", ""),
        (ListStyle.PLUS, 3, "2.1.", "+", "2.1."),
    ],
)
def test_label(profile: str, style: ListStyle, n: int, parent: str, text: str, number: str) -> None:
    assert label(style, n, parent, numbering(profile)) == (text, number)


def test_label_follows_the_profile_formats() -> None:
    rule = numbering().model_copy(
        update={"formats": {**numbering().formats, ListStyle.LETTER: "({letter})"}}
    )
    assert label(ListStyle.LETTER, 5, "", rule) == ("(đ)", "")
