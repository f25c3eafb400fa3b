"""Names broken as offices break them, by measured widths (the layout's line breaker)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planforge import load_profile
from planforge._word.breaking import BreakRules, break_line
from planforge._word.measure import text_width_pt

LAYOUT = load_profile("nd30-2020").layout
RULES = BreakRules(LAYOUT.keep_with_name, LAYOUT.keep_together, LAYOUT.break_before)
COLUMN = 200.0  # points: a header's left column


def measure(text: str) -> float:
    return text_width_pt(text, 13, bold=True)


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        # the examples: never inside a name, never after TỈNH, before VÀ where it fits
        ("CÔNG AN TỈNH QUẢNG NGÃI", ["CÔNG AN TỈNH QUẢNG NGÃI"]),
        ("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", ["SỞ NÔNG NGHIỆP", "VÀ PHÁT TRIỂN NÔNG THÔN"]),
        ("BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY", ["BAN TUYÊN GIÁO", "VÀ DÂN VẬN TỈNH ỦY"]),
        ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK -", ["ỦY BAN NHÂN DÂN", "TỈNH ĐẮK LẮK -"]),
        (
            "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH QUẢNG NGÃI -",
            ["SỞ GIÁO DỤC VÀ ĐÀO TẠO", "TỈNH QUẢNG NGÃI -"],
        ),
        # one more line rather than a two-syllable word parted
        (
            "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH ĐẮK LẮK -",
            ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG", "TỈNH ĐẮK LẮK -"],
        ),
    ],
)
def test_names_break_where_offices_break_them(name: str, lines: list[str]) -> None:
    assert break_line(name, COLUMN, measure, RULES) == lines


def test_a_name_that_fits_is_one_line() -> None:
    assert break_line("SỞ Y TẾ", COLUMN, measure, RULES) == ["SỞ Y TẾ"]


def test_an_authority_prefix_stays_with_its_body() -> None:
    rules = BreakRules(LAYOUT.keep_with_name, LAYOUT.keep_together, LAYOUT.break_before, True)
    lines = break_line("TM. BAN THƯỜNG TRỰC ỦY BAN MTTQ VIỆT NAM TỈNH", 215, measure, rules)
    assert lines == ["TM. BAN THƯỜNG TRỰC", "ỦY BAN MTTQ VIỆT NAM TỈNH"]


def test_a_word_alone_only_when_nothing_else_fits() -> None:
    # `UBND` and the city's name cannot share a line, and the name is not parted
    assert break_line("UBND THÀNH PHỐ HỒ CHÍ MINH", 190, measure, RULES) == [
        "UBND",
        "THÀNH PHỐ HỒ CHÍ MINH",
    ]
    assert break_line("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", 190, measure, RULES) == [
        "ỦY BAN NHÂN DÂN",
        "THÀNH PHỐ HỒ CHÍ MINH",
    ]


def test_a_kept_phrase_wider_than_the_column_is_parted_after_all() -> None:
    lines = break_line("TỈNH QUẢNG NGÃI", 60, measure, RULES)
    assert all(measure(line) <= 60 for line in lines) and " ".join(lines) == "TỈNH QUẢNG NGÃI"


_WORDS = ["SỞ", "BAN", "HỘI", "CÔNG", "AN", "VÀ", "TỈNH", "GIA", "LAI", "PHÁT", "TRIỂN", "-"]


@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=18), st.floats(40, 300))
def test_breaking_keeps_every_word_in_order_and_fits_where_it_can(
    words: list[str], width: float
) -> None:
    text = " ".join(words)
    lines = break_line(text, width, measure, RULES)
    assert " ".join(lines).split() == text.split()
    for line in lines:  # a line wider than the column holds one piece that cannot be parted
        assert measure(line) <= width or len(line.split()) <= 4
