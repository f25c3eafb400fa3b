"""`planforge import`, `reformat` and `check --fix`: plans read back out of Word documents."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.shared import Cm, Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planforge
from planforge import Plan, import_plan, load_plan, plan_to_yaml, reformat_docx
from planforge._cli import planforge as planforge_cli
from planforge._yaml import load_yaml

from .conftest import EXAMPLE_PLANS, EXAMPLES, render_quietly
from .roundtrip import differences, expected_after_import


def _texts(document: bytes) -> list[str]:
    """Every paragraph's text, body and table cells in order."""
    doc = docx.Document(io.BytesIO(document))
    body = doc.element.body
    return [
        "".join(t.text or "" for t in p.iter(docx.oxml.ns.qn("w:t")))
        for p in body.iter(docx.oxml.ns.qn("w:p"))
    ]


@pytest.fixture(scope="module")
def imported() -> dict[str, tuple[Plan, bytes, Plan]]:
    """{example: (plan, its document, the plan imported from it)} through the public API."""
    out = {}
    for path in EXAMPLE_PLANS:
        plan = load_plan(path)
        document = render_quietly(plan)
        out[path.stem] = (plan, document, import_plan(document))
    return out


# -- round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLE_PLANS])
def test_every_example_reads_back_as_its_plan(
    imported: dict[str, tuple[Plan, bytes, Plan]], example: str
) -> None:
    plan, _, got = imported[example]
    want = expected_after_import(plan, load_plan_profile(plan), got)
    assert differences(want, got.model_dump(mode="json")) == []
    assert got.import_findings == ()


def load_plan_profile(plan: Plan) -> planforge.Profile:
    return planforge.Renderer().profile_for(plan)


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLE_PLANS])
def test_rendering_the_imported_plan_gives_the_same_text(
    imported: dict[str, tuple[Plan, bytes, Plan]], example: str
) -> None:
    _, document, got = imported[example]
    assert _texts(render_quietly(got)) == _texts(document)


# -- the YAML written ----------------------------------------------------------------------------


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLE_PLANS])
def test_the_yaml_reads_like_a_hand_written_plan(
    imported: dict[str, tuple[Plan, bytes, Plan]], example: str
) -> None:
    _, _, got = imported[example]
    text = plan_to_yaml(got)
    assert Plan.model_validate(load_yaml(text)) == got
    lines = text.splitlines()
    # block style: no flow mappings, flow lists only of short plain texts
    assert not [line for line in lines if re.search(r":\s*\{", line)]
    # the fields in the model's order, only those set
    top = [line.split(":", 1)[0] for line in lines if re.match(r"^[a-z_]+:", line)]
    order = list(Plan.model_fields)
    assert top == sorted(top, key=order.index)
    assert "list_style: null" not in text and "marker: null" not in text
    # quotes only where a plain text would read as something else
    for line in lines:
        quoted = re.match(r'^\s*(?:- )?(?:[a-z_]+: )?"(.*)"$', line)
        if quoted:
            assert _needs_quotes(quoted.group(1)), f"needless quotes: {line}"
    # the shorthands a clerk types
    assert "type: collective" not in text and "type: deputy" not in text
    assert re.search(r"^\s+- (collective|deputy|on_behalf|acting|by_order): ", text, re.M)


def _needs_quotes(text: str) -> bool:
    try:  # read otherwise by planforge (YAML 1.2) or by YAML 1.1 tools
        return bool(
            load_yaml(f"k: {text}") != {"k": text} or yaml.safe_load(f"k: {text}") != {"k": text}
        )
    except Exception:
        return True


def test_texts_that_yaml_would_misread_are_quoted() -> None:
    plan = load_plan(EXAMPLE_PLANS[0])
    data = plan.model_dump(mode="json", exclude_defaults=True)
    data["place"] = "yes"
    data["recipients"]["to"] = ["- Như trên", "null", "010", "# không phải chú thích", "a: b"]
    data["preamble"] = ["Căn cứ: Luật số 10", "@Ghi chú", "1:30 sáng"]
    tricky = Plan.model_validate(data)
    text = plan_to_yaml(tricky)
    assert Plan.model_validate(load_yaml(text)) == tricky
    assert '"yes"' in text or "'yes'" in text


def test_uncertain_places_are_commented_above_their_field() -> None:
    plan = load_plan(EXAMPLE_PLANS[0])
    document = docx.Document(io.BytesIO(render_quietly(plan)))
    # a clerk's note typed after the recipients: not part of a plan
    document.add_paragraph("Ghi chú: bản dự thảo lần 2, chưa trình ký")
    buffer = io.BytesIO()
    document.save(buffer)
    got = import_plan(buffer.getvalue())
    [finding] = [f for f in got.import_findings if "Ghi chú" in f.context]
    assert "not placed" in finding.message or "left out" in finding.message
    assert re.search(r"paragraph \d+", finding.where)


def test_a_draft_reads_as_a_draft_with_a_comment() -> None:
    data = load_plan(EXAMPLE_PLANS[0]).model_dump(mode="json", exclude_defaults=True)
    data.pop("date")
    data["year"] = 2026
    data["number"].pop("number", None)
    draft = Plan.model_validate(data)
    got = import_plan(render_quietly(draft))
    assert got.date is None and got.year == 2026 and got.number.number is None


# -- a property: plans written in words read back --------------------------------------------

_TEXT = (
    "phối hợp tuyên truyền triển khai thực hiện kế hoạch nhiệm vụ năm chuyển đổi số nông thôn "
    "mới cán bộ đảng viên nhân dân an ninh trật tự giáo dục y tế văn hóa thể thao du lịch bảo "
    "vệ môi trường kinh tế xã hội tổ chức kiểm tra đánh giá sơ kết tổng kết báo cáo định kỳ"
)
_WORDS = _TEXT.split()
_BODIES = [
    ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "state", "UBND"),
    ("SỞ Y TẾ TỈNH LÂM ĐỒNG", "state", "SYT"),
    ("BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY", "party", "BTGDVTU"),
    ("HỘI NÔNG DÂN TỈNH LÂM ĐỒNG", "organisation", "HND"),
    ("CÔNG AN TỈNH LÂM ĐỒNG", "state", "CAT"),
]
_SIGNERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Võ Minh Đức"]


def _sentence(draw: st.DrawFn, low: int = 4, high: int = 30) -> str:
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=low, max_size=high))
    return (" ".join(words)).capitalize() + "."


@st.composite
def _items(draw: st.DrawFn, depth: int) -> list[Any]:
    out: list[Any] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["text", "titled", "nested"] if depth < 3 else ["text"]))
        if kind == "text":
            out.append(_sentence(draw))
        elif kind == "titled":
            item: dict[str, Any] = {"title": _sentence(draw, 2, 8).rstrip(".")}
            item["text"] = _sentence(draw)
            if draw(st.booleans()):
                item["task"] = {
                    "lead": draw(st.sampled_from(["Sở Y tế", "Công an tỉnh"])),
                    "coordinating": ["Hội Nông dân tỉnh", "Sở Giáo dục và Đào tạo"],
                    "timeline": draw(st.sampled_from(["Thường xuyên", "Quý III năm 2026"])),
                }
            out.append(item)
        else:
            out.append(
                {"title": _sentence(draw, 2, 8).rstrip("."), "items": draw(_items(depth + 1))}
            )
    return out


@st.composite
def word_plans(draw: st.DrawFn) -> dict[str, Any]:
    bodies = draw(st.lists(st.sampled_from(_BODIES), min_size=1, max_size=4, unique=True))
    issuers = [{"name": n, "kind": k, "abbreviation": a} for n, k, a in bodies]
    signatures = [
        {
            "authority": [{"deputy": "GIÁM ĐỐC"}] if k == "state" and n.startswith("SỞ") else [],
            "position": "PHÓ GIÁM ĐỐC" if k == "state" and n.startswith("SỞ") else "CHỦ TỊCH",
            "signer": _SIGNERS[i],
        }
        for i, (n, k, _) in enumerate(bodies)
    ]
    dated = draw(st.booleans())
    data: dict[str, Any] = {
        "issuers": issuers,
        "number": {
            "number": draw(st.integers(1, 300)),
            "type": draw(st.sampled_from(["KH", "KHPH"])),
        },
        "place": "Lâm Đồng",
        "title": {"summary": [_sentence(draw, 3, 9).rstrip(".").lower()]},
        "preamble": [_sentence(draw, 10, 40)],
        "parts": [
            {"title": _sentence(draw, 2, 5).rstrip("."), "items": draw(_items(1))}
            for _ in range(draw(st.integers(1, 3)))
        ],
        "signatures": signatures,
        "recipients": {
            "to": [{"name": "Thường trực Tỉnh ủy", "marker": "b/c"}, "Các sở, ban, ngành"],
            "archive": ["VT"],
        },
    }
    if dated:
        data["date"] = draw(st.sampled_from(["2025-02-14", "2026-08-04", "2026-11-30"]))
    else:
        data["year"] = 2026
        del data["number"]["number"]
    return data


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=word_plans())
def test_plans_written_in_words_read_back_as_themselves(data: dict[str, Any]) -> None:
    plan = Plan.model_validate(data)
    result = planforge.Renderer().render_result(plan)  # the conftest hook reads it back too
    got = import_plan(result.document)
    want = expected_after_import(plan, result.profile, got)
    assert differences(want, got.model_dump(mode="json")) == []


# -- the command line -------------------------------------------------------------------------


def _run(*args: str) -> Any:
    return CliRunner().invoke(planforge_cli, list(args))


@pytest.fixture
def thanh_hoa_docx(tmp_path: Path, rendered_examples: dict[str, Path]) -> Path:
    target = tmp_path / "ke-hoach.docx"
    target.write_bytes(rendered_examples["thanh-hoa-2023"].read_bytes())
    return target


def test_import_writes_the_plan_beside_the_document(thanh_hoa_docx: Path) -> None:
    result = _run("import", str(thanh_hoa_docx))
    assert result.exit_code == 0, result.stderr
    written = thanh_hoa_docx.with_suffix(".yaml")
    assert load_plan(written) == import_plan(thanh_hoa_docx)
    assert "2 issuing bodies, 3 parts, 2 signature blocks" in result.stderr
    again = _run("import", str(thanh_hoa_docx))
    assert again.exit_code == 2 and "exists already" in again.stderr
    assert _run("import", str(thanh_hoa_docx), "--force").exit_code == 0


def test_import_to_standard_output(thanh_hoa_docx: Path) -> None:
    result = _run("import", str(thanh_hoa_docx), "-o", "-")
    assert result.exit_code == 0
    assert Plan.model_validate(load_yaml(result.stdout)) == import_plan(thanh_hoa_docx)
    assert not thanh_hoa_docx.with_suffix(".yaml").exists()


def _misformatted(source: Path, target: Path) -> Path:
    """*source* as a clerk's copy: margins of 2.5 cm everywhere, Arial 12 in the body."""
    document = docx.Document(str(source))
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.name = "Arial"
            run.font.size = Pt(12)
    document.save(str(target))
    return target


def test_reformat_reports_what_changed_and_passes_check(
    thanh_hoa_docx: Path, tmp_path: Path
) -> None:
    clerk = _misformatted(thanh_hoa_docx, tmp_path / "ban-cua-van-thu.docx")
    result = _run("reformat", str(clerk), "-o", str(tmp_path / "out.docx"))
    assert result.exit_code == 0, result.stderr
    assert "changed:" in result.stderr and "margins: 2 places" in result.stderr
    assert "0 errors left" in result.stderr
    check = _run("check", str(tmp_path / "out.docx"))
    assert check.exit_code == 0, check.stderr
    before = _run("check", str(clerk))
    assert before.exit_code == 1


def test_reformat_from_python_says_what_it_fixed(thanh_hoa_docx: Path, tmp_path: Path) -> None:
    clerk = _misformatted(thanh_hoa_docx, tmp_path / "clerk.docx")
    result = reformat_docx(clerk)
    assert result.changes.get("margins", 0) >= 1
    assert not result.has_errors
    assert _texts(result.document) == _texts(thanh_hoa_docx.read_bytes())


def test_check_fix_is_reformat_named_as_linters_name_it(
    thanh_hoa_docx: Path, tmp_path: Path
) -> None:
    clerk = _misformatted(thanh_hoa_docx, tmp_path / "clerk.docx")
    refused = _run("check", str(clerk), "--fix")
    assert refused.exit_code == 2 and "give -o FILE.docx, or --force" in refused.stderr
    fixed = _run("check", str(clerk), "--fix", "-o", str(tmp_path / "fixed.docx"))
    assert fixed.exit_code == 0, fixed.stderr
    # the flag a missing folder's message names is there
    missing = _run("check", str(clerk), "--fix", "-o", str(tmp_path / "new" / "fixed.docx"))
    assert missing.exit_code == 2 and "--parents" in missing.stderr
    made = _run(
        "check", str(clerk), "--fix", "-o", str(tmp_path / "new" / "fixed.docx"), "--parents"
    )
    assert made.exit_code == 0 and (tmp_path / "new" / "fixed.docx").is_file(), made.stderr
    in_place = _run("check", str(clerk), "--fix", "--force")
    assert in_place.exit_code == 0, in_place.stderr
    assert _run("check", str(clerk)).exit_code == 0


def _date_in_figures(source: Path, target: Path, figures: str) -> Path:
    """*source* with its place-and-date line typed as a clerk may: `Thanh Hoá, <figures>`."""
    doc = docx.Document(str(source))
    cells = [c for t in doc.tables for r in t.rows for c in r.cells]
    (para,) = {id(p): p for c in cells for p in c.paragraphs if ", ngày " in p.text}.values()
    for run in para.runs[1:]:
        run.text = ""
    para.runs[0].text = para.text.split(",")[0] + ", " + figures
    doc.save(str(target))
    return target


def test_a_date_in_figures_is_read_and_put_right(thanh_hoa_docx: Path, tmp_path: Path) -> None:
    typed = _date_in_figures(thanh_hoa_docx, tmp_path / "so.docx", "03/3/2023")
    check = _run("check", str(typed))
    assert check.exit_code == 1
    assert (
        "`Thanh Hoá, 03/3/2023` writes the date in figures; the rule is "
        "`Thanh Hoá, ngày 03 tháng 3 năm 2023`"
    ) in check.stderr
    assert "no place-and-date line" not in check.stderr
    read = _run("import", str(typed), "-o", "-")
    assert read.exit_code == 0, read.stderr
    assert "date: 2023-03-03" in read.stdout
    assert "writes the date in figures; read as 2023-03-03" in read.stdout
    fixed = _run("reformat", str(typed), "-o", str(tmp_path / "fixed.docx"))
    assert fixed.exit_code == 0, fixed.stderr
    assert _run("check", str(tmp_path / "fixed.docx")).exit_code == 0
    # a day that is not one is still named as the place-and-date line in figures
    wrong = _date_in_figures(thanh_hoa_docx, tmp_path / "sai.docx", "31-02-2023")
    assert "`Thanh Hoá, 31-02-2023` writes the date in figures" in _run("check", str(wrong)).stderr


def test_reformat_keeps_an_existing_output(thanh_hoa_docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"mine")
    result = _run("reformat", str(thanh_hoa_docx), "-o", str(out))
    assert result.exit_code == 2 and "exists already" in result.stderr
    assert out.read_bytes() == b"mine"


# -- a header in text boxes --------------------------------------------------------------------

_BOX = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing>
<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{z}"
 behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
<wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="column"><wp:posOffset>{x}</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
<wp:extent cx="{cx}" cy="1000000"/><wp:wrapNone/><wp:docPr id="{z}" name="Box {z}"/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>
<a:ext cx="{cx}" cy="1000000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>
<wps:txbx><w:txbxContent>{paragraphs}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>
</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"""


def _box(z: int, x_cm: float, width_cm: float, lines: list[tuple[str, bool]]) -> Any:
    from xml.sax.saxutils import escape

    paragraphs = "".join(
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r>'
        + ("<w:rPr><w:b/></w:rPr>" if bold else "")
        + f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for text, bold in lines
    )
    xml = _BOX.format(z=z, x=int(x_cm * 360000), cx=int(width_cm * 360000), paragraphs=paragraphs)
    return docx.oxml.parse_xml(xml)


def test_a_header_in_text_boxes_reads_as_the_header(rendered_examples: dict[str, Path]) -> None:
    """A clerk's header in two text boxes (left: the bodies and number, right: the motto and
    the date) instead of planforge's table."""
    source = rendered_examples["phu-yen-2022"]
    document = docx.Document(str(source))
    body = document.element.body
    header_table = body.find(docx.oxml.ns.qn("w:tbl"))
    assert header_table is not None
    cells = [
        [t for t in (_paragraph_text(p) for p in tc.iter(docx.oxml.ns.qn("w:p"))) if t]
        for tc in header_table.iter(docx.oxml.ns.qn("w:tc"))
    ]
    left = [line for cell in cells[: len(cells) // 2] for line in cell]
    right = [line for cell in cells[len(cells) // 2 :] for line in cell]
    holder = document.add_paragraph()._p
    holder.append(_box(1, 0, 7.5, [(t, not t.startswith("Số")) for t in left]))
    holder.append(_box(2, 8.5, 8.0, [(t, t.isupper()) for t in right]))
    header_table.addprevious(holder)
    body.remove(header_table)
    buffer = io.BytesIO()
    document.save(buffer)
    plan = load_plan(EXAMPLES / "phu-yen-2022.yaml")
    got = import_plan(buffer.getvalue())
    assert [i.name for i in got.issuers] == [i.name for i in plan.issuers]
    assert got.number.number == plan.number.number and got.number.type == plan.number.type
    assert got.date == plan.date and got.place == plan.place
    assert got.profile is None  # the Party motto, read in its box, told the profile
    assert len(got.parts) == len(plan.parts)


def _paragraph_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(docx.oxml.ns.qn("w:t"))).strip()


@pytest.mark.libreoffice
def test_each_example_saved_again_by_libreoffice_reads_back_as_its_plan(
    rendered_examples: dict[str, Path],
    imported: dict[str, tuple[Plan, bytes, Plan]],
    convert: Any,
) -> None:
    """LibreOffice rewrites the whole package (its own styles, numbering and tables): the plan
    read from its copy is the one read from planforge's document."""
    names = sorted(rendered_examples)
    copies = convert([rendered_examples[n] for n in names], "docx:MS Word 2007 XML")
    for name, copy in zip(names, copies, strict=True):
        got = import_plan(copy)
        want = imported[name][2]
        assert differences(want.model_dump(mode="json"), got.model_dump(mode="json")) == [], name


def test_outputs_are_named_for_what_they_hold(thanh_hoa_docx: Path, tmp_path: Path) -> None:
    for args, words in (
        (["reformat", str(thanh_hoa_docx), "-o", str(tmp_path / "x.pdf")], "name it x.docx"),
        (["check", str(thanh_hoa_docx), "--fix", "-o", str(tmp_path / "x.doc")], "name it x.docx"),
        (["import", str(thanh_hoa_docx), "-o", str(tmp_path / "x.txt")], "name it x.yaml"),
    ):
        result = _run(*args)
        assert result.exit_code == 2 and words in result.stderr, result.stderr
    with pytest.raises(planforge.OutputError, match=r"name it x\.docx"):
        reformat_docx(thanh_hoa_docx, tmp_path / "x.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ke-hoach.docx"]
    (tmp_path / "out").mkdir()
    assert _run("import", str(thanh_hoa_docx), "-o", str(tmp_path / "out")).exit_code == 0
    assert _run("reformat", str(thanh_hoa_docx), "-o", f"{tmp_path / 'out'}/").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "ke-hoach.reformatted.docx",
        "ke-hoach.yaml",
    ]


def test_reformat_names_the_file_it_could_not_read(tmp_path: Path) -> None:
    letter = tmp_path / "thu-moi.docx"
    document = docx.Document()
    document.add_paragraph("Kính gửi: Sở Y tế")
    document.save(str(letter))
    result = _run("reformat", str(letter), "-o", str(tmp_path / "out.docx"))
    assert result.exit_code == 2
    assert f"{letter}: does not read as a plan" in result.stderr
    assert not (tmp_path / "out.docx").exists()


def test_task_lines_typed_without_their_dash_are_read_as_tasks() -> None:
    plan = load_plan(EXAMPLES / "ke-hoach-lien-tich-3-co-quan.yaml")
    document = docx.Document(io.BytesIO(render_quietly(plan)))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("- Đơn vị") or paragraph.text.startswith("- Thời gian"):
            first = paragraph.runs[0]
            first.text = first.text.removeprefix("- ")
    buffer = io.BytesIO()
    document.save(buffer)
    got = import_plan(buffer.getvalue())
    tasks = [i.task for i in got.parts[1].items]
    assert tasks == [i.task for i in plan.parts[1].items]
