"""Joint plans of 2, 3, 4 and 6 bodies, printed by LibreOffice and read back with the positions
of their words: names broken where offices break them, the number never broken inside a group,
signature blocks in rows with their names level and never split across pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from planforge import Plan, Renderer, load_plan
from planforge._loading import plan_from_data

from .conftest import EXAMPLES, PdfLine, pdf_lines, printed_as_one_line

GIA_LAI: dict[str, Any] = {
    "issuers": [
        {"name": "ỦY BAN NHÂN DÂN TỈNH GIA LAI", "kind": "state", "abbreviation": "UBND"},
        {
            "name": "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH GIA LAI",
            "kind": "organisation",
            "abbreviation": "MTTQ",
        },
        {"name": "HỘI NÔNG DÂN TỈNH GIA LAI", "kind": "organisation", "abbreviation": "HND"},
        {
            "name": ["HỘI LIÊN HIỆP PHỤ NỮ", "TỈNH GIA LAI"],
            "kind": "organisation",
            "abbreviation": "PN",
        },
        {"name": "TỈNH ĐOÀN GIA LAI", "kind": "organisation", "abbreviation": "ĐTN"},
        {"name": "CÔNG AN TỈNH GIA LAI", "kind": "state", "abbreviation": "CA"},
    ],
    "number": {"number": 7, "type": "KH"},
    "place": "Gia Lai",
    "date": "2026-10-20",
    "title": {"summary": ["phối hợp xây dựng nông thôn mới", "năm 2026"]},
    "preamble": "Các cơ quan thống nhất xây dựng kế hoạch phối hợp như sau:",
    "parts": [{"title": "Mục đích, yêu cầu", "items": ["Phối hợp chặt chẽ, hiệu quả."]}],
    "signatures": [
        {
            "issuer": "UBND",
            "authority": [{"collective": "ỦY BAN NHÂN DÂN"}, {"deputy": "CHỦ TỊCH"}],
            "position": "PHÓ CHỦ TỊCH",
            "signer": "Nguyễn Thị Kim Chi",
        },
        {
            "issuer": "MTTQ",
            "authority": [{"collective": "BAN THƯỜNG TRỰC"}],
            "position": "CHỦ TỊCH",
            "signer": "Rơ Mah Tuân",
        },
        {
            "issuer": "HND",
            "authority": [{"collective": "BAN THƯỜNG VỤ"}],
            "position": "PHÓ CHỦ TỊCH THƯỜNG TRỰC",
            "signer": "Trần Quang Thiện",
        },
        {
            "issuer": "PN",
            "authority": [{"collective": ["BAN THƯỜNG VỤ", "HỘI LHPN TỈNH"]}],
            "position": "CHỦ TỊCH",
            "signer": "Ksor H’Bơ Khăp",
        },
        {
            "issuer": "ĐTN",
            "authority": [{"collective": "BAN THƯỜNG VỤ TỈNH ĐOÀN"}],
            "position": "BÍ THƯ",
            "signer": "Nguyễn Hoàng Anh Tuấn",
        },
        {
            "issuer": "CA",
            "authority": [{"deputy": "GIÁM ĐỐC"}],
            "position": "PHÓ GIÁM ĐỐC",
            "signer": "Nguyễn Thiên Văn",
        },
    ],
    "recipients": {"to": ["Thường trực Tỉnh ủy"], "archive": ["VT"]},
}


def _two_bodies() -> Plan:
    """A state-led plan of two bodies with a long merged Party body (2025) and clerk-given
    lines in a position."""
    data = {
        "issuers": [
            {
                "name": "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH ĐẮK LẮK",
                "kind": "state",
                "abbreviation": "SNNMT",
            },
            {
                "name": "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY",
                "kind": "party",
                "abbreviation": "BTGDVTU",
            },
        ],
        "number": {"number": 21, "type": "KHPH"},
        "place": "Đắk Lắk",
        "date": "2026-08-04",
        "title": {"summary": ["phối hợp tuyên truyền chuyển đổi số nông nghiệp"]},
        "parts": [{"title": "Nội dung", "items": ["Tuyên truyền trên báo chí."]}],
        "signatures": [
            {
                "issuer": "SNNMT",
                "authority": [{"deputy": "GIÁM ĐỐC"}],
                "position": ["PHÓ GIÁM ĐỐC", "THƯỜNG TRỰC"],
                "signer": "Y Nuê Buôn Krông",
            },
            {
                "issuer": "BTGDVTU",
                "authority": [{"deputy": "TRƯỞNG BAN"}],
                "position": "PHÓ TRƯỞNG BAN",
                "signer": "Nguyễn Thị Thu Hà",
            },
        ],
        "recipients": {"to": ["UBND tỉnh"], "archive": ["VT"]},
    }
    return plan_from_data(data)


PLANS: dict[int, Callable[[], Plan]] = {
    2: _two_bodies,
    3: lambda: load_plan(EXAMPLES / "ke-hoach-lien-tich-3-co-quan.yaml"),
    4: lambda: load_plan(EXAMPLES / "ke-hoach-lien-tich-4-co-quan.yaml"),
    6: lambda: plan_from_data(GIA_LAI),
}


class Printed:
    """A plan, its .docx and the lines of its PDF."""

    def __init__(self, plan: Plan, docx: Path, lines: list[PdfLine]) -> None:
        self.plan = plan
        self.docx = docx
        self.lines = lines
        self.doc = Document(str(docx))

    def one_line(self, text: str) -> list[Any]:
        return printed_as_one_line(self.lines, text)

    def tables(self) -> list[Any]:
        return list(self.doc.element.body.iter(qn("w:tbl")))

    @staticmethod
    def texts(el: Any) -> list[str]:
        return [
            t
            for p in el.iter(qn("w:p"))
            if (t := "".join(x.text or "" for x in p.iter(qn("w:t"))).strip())
        ]


@pytest.fixture(scope="module")
def printed(
    tmp_path_factory: pytest.TempPathFactory, convert: Callable[..., list[Path]]
) -> dict[int, Printed]:
    folder = tmp_path_factory.mktemp("joint")
    plans = {n: make() for n, make in PLANS.items()}
    docs = []
    for n, plan in plans.items():
        path = folder / f"joint-{n}.docx"
        result = Renderer(check=True).render_result(plan)
        assert [f for f in result.audit if f.is_error] == [], [f.describe() for f in result.audit]
        path.write_bytes(result.document)
        docs.append(path)
    pdfs = convert(docs)
    return {
        n: Printed(plans[n], doc, pdf_lines(pdf))
        for n, doc, pdf in zip(plans, docs, pdfs, strict=True)
    }


pytestmark = pytest.mark.libreoffice
SIZES = sorted(PLANS)


@pytest.mark.parametrize("size", SIZES)
def test_each_given_line_of_a_name_is_one_printed_line(
    printed: dict[int, Printed], size: int
) -> None:
    doc = printed[size]
    given = [
        line
        for issuer in doc.plan.issuers
        for text in (issuer.name, issuer.parent or "")
        if "\n" in text
        for line in text.split("\n")
    ]
    for sig in doc.plan.signatures:
        for text in (*(a.of for a in sig.authority), sig.position or "", sig.body or ""):
            if "\n" in text:
                given.extend(text.split("\n"))
    if size in (2, 4, 6):
        assert given, "this plan gives lines"
    for line in given:
        assert doc.one_line(line) or doc.one_line(line + " -"), line


@pytest.mark.parametrize("size", SIZES)
def test_header_names_break_where_offices_break_them(
    printed: dict[int, Printed], size: int
) -> None:
    doc = printed[size]
    header = doc.tables()[0]
    left = [tc for tr in header.findall(qn("w:tr")) for tc in tr.findall(qn("w:tc"))[:1]]
    lines = [t for tc in left[:1] for t in Printed.texts(tc)]
    given = {line for i in doc.plan.issuers for line in i.name.split("\n") if "\n" in i.name}
    mark = {"*", "***"}
    for line in lines:
        if line in mark:
            continue
        assert doc.one_line(line), f"{line!r} is not printed on one line"
        if line.removesuffix(" -") not in given:  # broken by planforge: never a word alone
            assert len(line.removesuffix(" -").split()) >= 2, line
        # never between TỈNH and its place name, never inside a place name
        assert not line.endswith(("TỈNH", "TỈNH -", "ĐẮK", "GIA")), line
    for issuer in doc.plan.issuers:  # every word of every name is there, in order
        words = " ".join(lines).split()
        for word in issuer.name.split():
            assert word in words


@pytest.mark.parametrize("size", SIZES)
def test_the_symbol_breaks_only_after_the_slash(printed: dict[int, Printed], size: int) -> None:
    doc = printed[size]
    number = next(
        t
        for tc in doc.tables()[0].iter(qn("w:tc"))
        for t in Printed.texts(tc)
        if t.startswith("Số")
    )
    whole = " ".join(
        t
        for p in doc.tables()[0].iter(qn("w:p"))
        for t in ["".join(x.text or "" for x in p.iter(qn("w:t")))]
        if t.startswith("Số")
    )
    del number
    if doc.one_line(whole):
        return
    head, slash, tail = whole.partition("/")
    assert slash, whole
    assert doc.one_line(head + slash), f"{head + slash!r} is broken"
    assert doc.one_line(tail), f"the symbol {tail!r} breaks inside a group"


def _signature_rows(doc: Printed) -> list[list[list[str]]]:
    """Each row of the signature table: the lines of each block (cell) in it."""
    signers = {s.signer for s in doc.plan.signatures}
    for tbl in doc.tables():
        rows = []
        for tr in tbl.findall(qn("w:tr")):
            blocks = [Printed.texts(tc) for tc in tr.findall(qn("w:tc"))]
            blocks = [b for b in blocks if b and b[-1] in signers]
            if blocks:
                rows.append(blocks)
        if rows:
            return rows
    raise AssertionError("no signature table")


@pytest.mark.parametrize("size", SIZES)
def test_signature_blocks_print_their_lines_whole_and_their_names_level(
    printed: dict[int, Printed], size: int
) -> None:
    doc = printed[size]
    rows = _signature_rows(doc)
    per_row = 2
    assert [len(r) for r in rows] == [min(per_row, size - per_row * n) for n in range(len(rows))]
    for row in rows:
        pages = set()
        baselines = []
        for block in row:
            name = doc.one_line(block[-1])[-1]  # the signatures come last
            page = name[0].page
            pages.add(page)
            baselines.append(name[-1].y1)
            for line in block:  # authority lines, positions, names: each one printed line,
                found = [w for w in doc.one_line(line) if w[0].page == page]
                assert found, f"{line!r} is not printed on one line on page {page}"
        # the names of a row share a baseline; the row's blocks are on one page
        assert max(baselines) - min(baselines) <= 1, baselines
        assert len(pages) == 1, (row, pages)


def test_each_block_signs_by_its_own_bodys_rules(printed: dict[int, Printed]) -> None:
    from planforge._word.reader import read_document

    doc = printed[2]  # a state-led plan with a Party body
    read = read_document(doc.docx.read_bytes())
    lines = {p.plain: p for p in read.paragraphs if p.plain in ("PHÓ GIÁM ĐỐC", "PHÓ TRƯỞNG BAN")}
    state, party = lines["PHÓ GIÁM ĐỐC"], lines["PHÓ TRƯỞNG BAN"]
    # each block's lines in its own body's styles: the state's bold, the Party's upright
    assert state.style_name == "PF Signature Position (state)"
    assert party.style_name == "PF Signature Position (party)"
    assert all(r.bold for r in state.text_runs())
    assert not any(r.bold for r in party.text_runs())


def test_the_four_body_example_passes_its_check(printed: dict[int, Printed]) -> None:
    from planforge import audit_docx

    for doc in printed.values():
        assert [f for f in audit_docx(doc.docx) if f.is_error] == [], doc.docx.name
