"""Names broken as offices break them, by measured widths (the layout's line breaker)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from planforge import builtin_profiles, load_profile
from planforge._loading import plan_from_data
from planforge._text import tone_normal
from planforge._word.breaking import BreakRules, break_line
from planforge._word.builder import text_width_twips
from planforge._word.measure import text_width_pt

from .conftest import render_quietly

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
_WORDS += ["THÀNH", "PHỐ", "HỒ", "CHÍ", "MINH", "CỘNG", "SẢN", "HỢP", "TÁC", "XÃ"]


@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=18), st.floats(40, 300))
def test_breaking_keeps_every_word_in_order_and_fits_where_it_can(
    words: list[str], width: float
) -> None:
    text = " ".join(words)
    lines = break_line(text, width, measure, RULES)
    assert " ".join(lines).split() == text.split()
    for line in lines:  # a line wider than the column holds one piece that cannot be parted
        assert measure(line) <= width or len(line.split()) <= 4


# -- the words of units and places ----------------------------------------------------------

#: The issuers a newcomer found broken inside a name (THÀNH / PHỐ, HỒ / CHÍ MINH).
SO_HCM = "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG THÀNH PHỐ HỒ CHÍ MINH"
DOAN_QNG = "BAN CHẤP HÀNH ĐOÀN THANH NIÊN CỘNG SẢN HỒ CHÍ MINH TỈNH QUẢNG NGÃI"
#: Parts of names no line break may fall inside.
KEPT = ["THÀNH PHỐ", "HỒ CHÍ MINH", "CỘNG SẢN", "QUẢNG NGÃI", "HỢP TÁC XÃ", "CHỮ THẬP ĐỎ"]
KEPT += ["BÀ RỊA - VŨNG TÀU", "KHÁNH HÒA", "QUỐC HỘI", "CHÍNH PHỦ", "TRUNG ƯƠNG"]


def parted(lines: list[str]) -> list[str]:
    """The kept phrases of *lines*' text that no one line holds (spelled either way)."""
    whole = f" {tone_normal(' '.join(lines))} "
    held = [f" {tone_normal(line)} " for line in lines]
    return [
        phrase
        for phrase in KEPT
        if f" {tone_normal(phrase)} " in whole
        and not any(f" {tone_normal(phrase)} " in line for line in held)
    ]


@pytest.mark.parametrize(
    "name",
    [
        SO_HCM,
        DOAN_QNG,
        "HỌC VIỆN CHÍNH TRỊ QUỐC GIA HỒ CHÍ MINH",
        "LIÊN MINH HỢP TÁC XÃ TỈNH QUẢNG NGÃI",
        "HỘI CHỮ THẬP ĐỎ VIỆT NAM",
        "VĂN PHÒNG QUỐC HỘI VÀ VĂN PHÒNG CHÍNH PHỦ",
        "BAN CHẤP HÀNH TRUNG ƯƠNG ĐOÀN THANH NIÊN CỘNG SẢN HỒ CHÍ MINH",
        "ĐÀI PHÁT THANH VÀ TRUYỀN HÌNH BÀ RỊA - VŨNG TÀU",
        "ĐÀI PHÁT THANH VÀ TRUYỀN HÌNH KHÁNH HOÀ",  # the other spelling of HÒA
    ],
)
def test_names_of_units_and_places_are_never_parted(name: str) -> None:
    # every column from the widest piece that may not be parted to the whole name
    narrowest = max(measure(piece) for piece in [*KEPT, "TỈNH QUẢNG NGÃI", "THÀNH PHỐ HỒ CHÍ MINH"])
    for width in range(int(narrowest) + 1, int(measure(name)) + 1, 5):
        lines = break_line(name, width, measure, RULES)
        assert " ".join(lines) == name, width
        assert all(measure(line) <= width for line in lines), (width, lines)
        assert not parted(lines), (width, lines)


def test_each_kept_phrase_is_listed_once_and_first_where_it_starts() -> None:
    # spellings of one tone mark (HÓA, HOÁ) are one entry; an entry listed after one that
    # begins it would never match (the first entry that matches wins)
    phrases = [tone_normal(k).split() for k in LAYOUT.keep_together]
    for n, phrase in enumerate(phrases):
        assert phrase not in phrases[n + 1 :], phrase
        for earlier in phrases[:n]:
            assert phrase[: len(earlier)] != earlier, (earlier, phrase)


@pytest.mark.parametrize("name", builtin_profiles())
def test_a_kept_phrase_fits_the_narrowest_header_column(name: str) -> None:
    # the issuer's column is at least 35 % of the text width (the motto's column at most
    # 65 %): no kept phrase alone makes a header impossible to lay out
    profile = load_profile(name)
    narrowest = 0.35 * text_width_twips(profile) / 20 * 0.985
    widest = max(profile.layout.keep_together, key=measure)
    assert measure(widest) < narrowest, widest


@pytest.mark.parametrize("width", [40, 90, 150, 200])
def test_a_name_longer_than_anything_still_breaks_at_spaces(width: float) -> None:
    # more pieces than are tried exhaustively; kept phrases wider than the column part after all
    name = " ".join([DOAN_QNG, "VÀ", SO_HCM, "VÀ", "LIÊN MINH HỢP TÁC XÃ TỈNH BÀ RỊA - VŨNG TÀU"])
    lines = break_line(name, width, measure, RULES)
    assert " ".join(lines).split() == name.split()
    for line in lines:  # a line wider than the column is one word (with its ` -`)
        assert measure(line) <= width or len(line.removesuffix(" -").split()) == 1, line


def _header_lines(issuers: list[tuple[str, str]], place: str, date: str) -> list[str]:
    """The lines the issuers' names print in: the header's left cell as python-docx reads it,
    each paragraph split at its line breaks."""
    data: dict[str, Any] = {
        "issuers": [
            {"name": name, "kind": kind, "abbreviation": f"CQ{n}"}
            for n, (name, kind) in enumerate(issuers)
        ],
        "number": {"number": 12, "type": "KH"},
        "place": place,
        "date": date,
        "title": {"summary": ["phối hợp tuyên truyền bảo vệ môi trường", "năm 2026"]},
        "preamble": "Các cơ quan thống nhất xây dựng kế hoạch phối hợp như sau:",
        "parts": [{"title": "Mục đích, yêu cầu", "items": ["Phối hợp chặt chẽ, hiệu quả."]}],
        "signatures": [
            {"issuer": f"CQ{n}", "position": "GIÁM ĐỐC", "signer": "Nguyễn Văn An"}
            for n in range(len(issuers))
        ],
    }
    doc = Document(io.BytesIO(render_quietly(plan_from_data(data))))
    cell = doc.tables[0].rows[0].cells[0]
    return [line for p in cell.paragraphs for line in p.text.split("\n") if line.strip()]


@pytest.mark.parametrize(
    ("issuers", "place", "date"),
    [
        ([(SO_HCM, "state")], "Thành phố Hồ Chí Minh", "2026-10-20"),
        ([(SO_HCM, "state")], "TP. Hồ Chí Minh", "2025-07-01"),
        ([(DOAN_QNG, "organisation")], "Quảng Ngãi", "2026-03-26"),
        ([(DOAN_QNG, "organisation")], "Quảng Ngãi", "2025-07-01"),
        (
            [(DOAN_QNG, "organisation"), ("SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH QUẢNG NGÃI", "state")],
            "Quảng Ngãi",
            "2026-03-26",
        ),
    ],
)
def test_the_header_never_parts_a_name_of_a_unit_or_place(
    issuers: list[tuple[str, str]], place: str, date: str
) -> None:
    lines = _header_lines(issuers, place, date)
    assert len(lines) > len(issuers)  # broken: the names do not fit their column
    assert " ".join(lines).replace(" -", "").split() == " ".join(n for n, _ in issuers).split()
    assert not parted(lines), lines


def test_the_header_keeps_thanh_pho_where_the_city_is_wider_than_the_column() -> None:
    # THÀNH PHỐ HỒ CHÍ MINH (kept with THÀNH PHỐ) is wider than this column: the city goes on
    # the next line, but neither THÀNH PHỐ nor HỒ CHÍ MINH is parted
    lines = _header_lines([(SO_HCM, "state")], "Thành phố Hồ Chí Minh", "2025-07-01")
    assert not parted(lines), lines


def test_a_very_long_issuer_is_laid_out() -> None:
    name = " ".join([DOAN_QNG, "VÀ", SO_HCM, "VÀ", "LIÊN MINH HỢP TÁC XÃ TỈNH BÀ RỊA - VŨNG TÀU"])
    lines = _header_lines([(name, "organisation")], "Quảng Ngãi", "2026-03-26")
    assert " ".join(lines).split() == name.split()
