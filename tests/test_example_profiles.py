"""The office profiles in examples/profiles/ load, and a body of their own kind renders by them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from planforge import PlanInputError, Renderer, audit_docx, check_plan, load_profile
from planforge._loading import plan_from_data

from .conftest import EXAMPLES

PROFILES = sorted((EXAMPLES / "profiles").glob("*.yaml"))
DOAN = EXAMPLES / "profiles" / "doan-tncs.yaml"

YOUTH_UNION: dict[str, Any] = {
    "issuers": [
        {
            "name": ["BAN CHẤP HÀNH", "TỈNH ĐOÀN QUẢNG NGÃI"],
            "kind": "doan",
            "abbreviation": "TĐTN",
        }
    ],
    "number": {"number": 112, "type": "KH"},
    "place": "Quảng Ngãi",
    "date": "2026-03-02",
    "title": {"summary": ["tổ chức Tháng Thanh niên năm 2026"]},
    "parts": [{"title": "Mục đích, yêu cầu", "items": ["Phát huy vai trò xung kích."]}],
    "signatures": [
        {
            "issuer": "TĐTN",
            "authority": [{"collective": "BAN THƯỜNG VỤ TỈNH ĐOÀN"}],
            "position": "BÍ THƯ",
            "signer": "Nguyễn Văn Thanh",
        }
    ],
    "recipients": {"to": ["Trung ương Đoàn", "Thường trực Tỉnh ủy"], "archive": ["VP"]},
}


def _texts(element: Any) -> list[str]:
    return [
        t
        for p in element.iter(qn("w:p"))
        if (t := "".join(x.text or "" for x in p.iter(qn("w:t"))).strip())
    ]


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_every_example_profile_loads_and_says_what_it_is(path: Path) -> None:
    profile = load_profile(path)
    assert profile.title and profile.source
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "an example profile explains itself in a comment"


def test_the_youth_union_profile_is_marked_as_an_example_to_verify() -> None:
    head = DOAN.read_text(encoding="utf-8").split("\n\n")[0]
    assert "AN EXAMPLE to verify" in head
    assert "ví dụ" in load_profile(DOAN).title


def test_a_body_of_its_own_kind_renders_by_its_own_profile() -> None:
    plan = plan_from_data(YOUTH_UNION)
    assert check_plan(plan, DOAN) == []
    result = Renderer(profile=DOAN, check=True).render_result(plan)
    assert result.profile.name == "doan-tncs-example"
    assert [f for f in result.audit if f.is_error] == []
    header = Document(io.BytesIO(result.document)).element.body.find(qn("w:tbl"))
    assert header is not None
    rows = [tr.findall(qn("w:tc")) for tr in header.findall(qn("w:tr"))]
    left = [t for row in rows for t in _texts(row[0])]
    right = [t for row in rows for tc in row[1:] for t in _texts(tc)]
    assert left[:2] == ["BAN CHẤP HÀNH", "TỈNH ĐOÀN QUẢNG NGÃI"]  # the given lines, kept
    assert "***" in left
    assert "Số: 112-KH/TĐTN" in left
    assert right[0] == "ĐOÀN TNCS HỒ CHÍ MINH"  # where a state document has the motto
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in right
    body = _texts(Document(io.BytesIO(result.document)).element.body)
    assert "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN" in " ".join(body)  # broken where it fits
    assert "TM. BAN THƯỜNG VỤ" in body
    # the document reads back under its profile with nothing to report
    assert [f for f in audit_docx(result.document, profile=DOAN) if f.is_error] == []


def test_without_its_profile_the_kind_is_refused_with_the_way_out() -> None:
    plan = plan_from_data(YOUTH_UNION)
    with pytest.raises(PlanInputError) as caught:
        Renderer().render_result(plan)
    message = str(caught.value)
    assert "doan" in message
    assert "issuers[0].kind" in message
    assert "profile" in message
