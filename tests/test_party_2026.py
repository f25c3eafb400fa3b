"""Party plans by the rules in force on their date: Hướng dẫn 05-HD/VPTW from 27/5/2026, the
corrected Hướng dẫn 36-HD/VPTW before; what a user gets, reopened and printed."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from planforge import Plan, Renderer, audit_docx, load_profile
from planforge._cli import planforge as planforge_cli
from planforge._loading import plan_from_data
from planforge._profiles import Profile

from .conftest import pdf_lines
from .test_render_layout import Resolver, text_of

TWIPS_PER_MM = 1440 / 25.4


def party_plan(date: str, **changes: Any) -> Plan:
    """A joint plan led by a merged Party body (2025), with a state co-issuer."""
    data: dict[str, Any] = {
        "issuers": [
            {
                "name": "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY",
                "kind": "party",
                "abbreviation": "BTGDVTU",
            },
            {"name": "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "kind": "state", "abbreviation": "SVHTTDL"},
        ],
        "number": {"number": 3, "type": "KHPH"},
        "place": "Lâm Đồng",
        "date": date,
        "title": {"summary": ["tuyên truyền kỷ niệm các ngày lễ lớn", "năm 2026"]},
        "preamble": "Thực hiện Kế hoạch số 12-KH/TU của Ban Thường vụ Tỉnh ủy về công tác "
        "tuyên truyền năm 2026; Ban Tuyên giáo và Dân vận Tỉnh ủy và Sở Văn hóa, Thể thao và "
        "Du lịch thống nhất xây dựng kế hoạch phối hợp như sau:",
        "parts": [
            {
                "title": "Mục đích, yêu cầu",
                "items": [
                    "Tuyên truyền sâu rộng ý nghĩa lịch sử của các ngày lễ lớn, góp phần củng "
                    "cố niềm tin của cán bộ, đảng viên và Nhân dân vào sự lãnh đạo của Đảng.",
                    "Các hoạt động tuyên truyền bảo đảm thiết thực, hiệu quả, tiết kiệm.",
                ],
            },
            {
                "title": "Tổ chức thực hiện",
                "items": [
                    {
                        "title": "Ban Tuyên giáo và Dân vận Tỉnh ủy",
                        "list_style": "dash",
                        "items": ["Chủ trì hướng dẫn nội dung tuyên truyền."],
                    },
                    {
                        "title": "Sở Văn hóa, Thể thao và Du lịch",
                        "list_style": "dash",
                        "items": ["Tổ chức các hoạt động văn hóa, văn nghệ."],
                    },
                ],
            },
        ],
        "signatures": [
            {
                "issuer": "BTGDVTU",
                "authority": [{"deputy": "TRƯỞNG BAN"}],
                "position": "PHÓ TRƯỞNG BAN",
                "signer": "Nguyễn Thị Hà",
            },
            {
                "issuer": "SVHTTDL",
                "authority": [{"deputy": "GIÁM ĐỐC"}],
                "position": "PHÓ GIÁM ĐỐC",
                "signer": "Trần Văn Bình",
            },
        ],
        "recipients": {
            "to": [{"name": "Ban Tuyên giáo và Dân vận Trung ương", "marker": "b/c"}, "UBND tỉnh"],
            "archive": ["Văn phòng Tỉnh ủy"],
        },
    }
    data.update(changes)
    return plan_from_data(data)


def _paragraphs(doc: Any) -> list[Any]:
    return list(doc.element.body.iter(qn("w:p")))


def _find(doc: Any, test: Callable[[str], bool]) -> list[Any]:
    return [p for p in _paragraphs(doc) if test(text_of(p))]


def _recipients(doc: Any) -> tuple[Any, list[Any]]:
    (label,) = _find(doc, lambda t: t == "Nơi nhận:")
    cell = label.getparent()
    return label, [p for p in cell.iter(qn("w:p")) if text_of(p).startswith("- ")]


def _check_party_recipients(doc: Any, res: Resolver, line_end: str) -> None:
    label, lines = _recipients(doc)
    for r in label.iter(qn("w:r")):
        if text_of(r):
            assert res.size(r) == 14
            assert res.underline(r) is True
            assert res.bold(r) is False and res.italic(r) is False
    texts = [text_of(p) for p in lines]
    assert texts == [
        f"- Ban Tuyên giáo và Dân vận Trung ương (b/c){line_end}",
        f"- UBND tỉnh{line_end}",
        "- Lưu Văn phòng Tỉnh ủy.",
    ]
    for p in lines:
        for r in p.iter(qn("w:r")):
            if text_of(r):
                assert res.size(r) == 12


def test_a_party_plan_dated_june_2026_follows_hd05(tmp_path: Path) -> None:
    result = Renderer(check=True).render_result(party_plan("2026-06-15"))
    assert result.profile.name == "hd05-2026"
    assert result.findings == () and result.audit == ()
    doc = Document(io.BytesIO(result.document))
    res = Resolver(doc)
    _check_party_recipients(doc, res, ";")
    # body: exact line spacing within 18–22 pt, a first-line indent of about 10 mm
    body = _find(
        doc, lambda t: t.startswith(("Thực hiện Kế hoạch", "1. Tuyên truyền", "- Chủ trì"))
    )
    assert len(body) == 3
    for p in body:
        spacing = res.ppr(p, "w:spacing")
        assert spacing is not None and spacing.get(qn("w:lineRule")) == "exact"
        assert 18 * 20 <= int(spacing.get(qn("w:line"))) <= 22 * 20
        assert abs(res.indent(p, "firstLine") - 10 * TWIPS_PER_MM) <= 15
        assert res.align(p) == "both"
    # the Party position is upright, not bold; the authority lines and the names bold; the
    # state body's block keeps its own rules (its position bold)
    for text, bold in (("PHÓ TRƯỞNG BAN", False), ("PHÓ GIÁM ĐỐC", True), ("K/T TRƯỞNG BAN", True),
                       ("KT. GIÁM ĐỐC", True), ("Nguyễn Thị Hà", True)):  # fmt: skip
        (p,) = _find(doc, lambda t, text=text: t == text)
        assert all(res.bold(r) is bold for r in p.iter(qn("w:r")) if text_of(r)), text
    # the number without a colon, padded
    assert _find(doc, lambda t: t == "Số 03-KHPH/BTGDVTU-SVHTTDL")
    # planforge check passes it, and says by which rules
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(result.document)
    cli = CliRunner().invoke(planforge_cli, ["check", str(path)])
    assert cli.exit_code == 0, cli.stderr
    assert "0 errors" in cli.stderr
    assert "hd05-2026" in cli.stderr


def test_a_party_plan_dated_february_2026_follows_the_corrected_hd36() -> None:
    result = Renderer(check=True).render_result(party_plan("2026-02-01"))
    assert result.profile.name == "hd36-2018"
    assert result.findings == () and result.audit == ()
    doc = Document(io.BytesIO(result.document))
    _check_party_recipients(doc, Resolver(doc), ",")
    assert audit_docx(result.document) == []  # found by its header: hd36-2018 in force then


def test_urgency_is_printed_bold_under_the_number() -> None:
    for date, size in (("2026-06-15", 14), ("2026-02-01", 14)):
        result = Renderer(check=True).render_result(party_plan(date, urgency="Hỏa tốc"))
        assert result.audit == ()
        doc = Document(io.BytesIO(result.document))
        res = Resolver(doc)
        (number,) = _find(doc, lambda t: t.startswith("Số 03-"))
        mark = number.getnext()
        assert text_of(mark) == "HỎA TỐC"
        for r in mark.iter(qn("w:r")):
            if text_of(r):
                assert res.bold(r) and res.size(r) == size
    state = Renderer(check=True).render_result(
        party_plan("2026-06-15", urgency="KHẨN"),
    )
    assert state.audit == ()


def test_the_state_profile_prints_urgency_under_the_number_too() -> None:
    plan = party_plan("2026-06-15", urgency="THƯỢNG KHẨN", profile="nd30-2020")
    result = Renderer(check=True).render_result(plan)
    assert result.profile.name == "nd30-2020" and result.audit == ()
    doc = Document(io.BytesIO(result.document))
    (number,) = _find(doc, lambda t: t.startswith("Số: 03/"))
    assert text_of(number.getnext()) == "THƯỢNG KHẨN"


def _mirrored() -> Profile:
    data = load_profile("hd05-2026").model_dump(mode="json")
    data["page"]["mirror_margins"] = True
    data["name"] = "hd05-2026+double-sided"
    return Profile.model_validate(data)


def test_mirrored_margins_for_double_sided_printing_are_off_unless_asked() -> None:
    plain = Renderer().render_result(party_plan("2026-06-15")).document
    settings = Document(io.BytesIO(plain)).settings.element
    assert settings.find(qn("w:mirrorMargins")) is None
    mirrored = Renderer(profile=_mirrored()).render_result(party_plan("2026-06-15")).document
    settings = Document(io.BytesIO(mirrored)).settings.element
    assert settings.find(qn("w:mirrorMargins")) is not None
    assert audit_docx(mirrored, profile=_mirrored()) == []


@pytest.mark.libreoffice
def test_hd05_prints_its_line_spacing_and_mirrored_margins(
    tmp_path: Path, convert: Callable[..., list[Path]]
) -> None:
    long = party_plan(
        "2026-06-15",
        closing=[f"Đoạn kết thúc số {n}: " + "nội dung tuyên truyền " * 30 for n in range(6)],
    )
    plain, mirrored = tmp_path / "plain.docx", tmp_path / "mirrored.docx"
    plain.write_bytes(Renderer().render_result(long).document)
    mirrored.write_bytes(Renderer(profile=_mirrored()).render_result(long).document)
    pdf_plain, pdf_mirrored = convert([plain, mirrored])
    lines = pdf_lines(pdf_plain)
    # consecutive lines of one body paragraph stand 18 pt apart (exact spacing)
    closing = [ln for ln in lines if ln.page == 1 and ln.x0 < 100 and ln.text]
    pitches = [b.y0 - a.y0 for a, b in itertools.pairwise(closing) if 0 < b.y0 - a.y0 < 30]
    assert pitches and min(abs(p - 18) for p in pitches) < 0.6

    # text starts 30 mm from the left edge on every page; mirrored, 15 mm on the back pages
    def left(pdf_lines_: list[Any], page: int) -> float:
        return min(ln.x0 for ln in pdf_lines_ if ln.page == page and ln.text.strip())

    mm = 72 / 25.4
    assert abs(left(lines, 1) - 30 * mm) < 2 and abs(left(lines, 2) - 30 * mm) < 2
    back = pdf_lines(pdf_mirrored)
    assert abs(left(back, 1) - 30 * mm) < 2
    assert abs(left(back, 2) - 15 * mm) < 2
