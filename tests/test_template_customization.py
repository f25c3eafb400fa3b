"""Offices customize templates: export, edit (LibreOffice round-trip), check, render."""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from planforge import Plan, Renderer, builtin_profiles, load_plan
from planforge._cli import generate_plan, planforge
from planforge._reference import END, START, context_shape, reference_table

from .conftest import EXAMPLES, ROOT, render_quietly
from .test_template_security import (
    _in_body,
    _in_footnote,
    _in_header,
    _in_properties,
    external_image,
    make_template,
)

SO_TEMPLATE = EXAMPLES / "templates" / "so-vhttdl.docx"


def cli(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(planforge, [str(a) for a in args])
    return result.exit_code, result.stderr


def body_text(data: bytes | Path) -> list[str]:
    source = io.BytesIO(data) if isinstance(data, bytes) else str(data)
    body = Document(source).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


# -- export ------------------------------------------------------------------------------------


def test_export_writes_every_template_and_a_readme(tmp_path: Path) -> None:
    code, err = cli("template", "export", tmp_path / "t")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert names == sorted([*(f"{n}.docx" for n in builtin_profiles()), "README.md"])
    readme = (tmp_path / "t" / "README.md").read_text(encoding="utf-8")
    assert "What you may change" in readme and "PF Body" in readme
    before = (tmp_path / "t" / "nd30-2020.docx").read_bytes()
    (tmp_path / "t" / "nd30-2020.docx").write_bytes(b"my edits")
    code, err = cli("template", "export", tmp_path / "t")
    assert code == 2 and "--force" in err
    assert (tmp_path / "t" / "nd30-2020.docx").read_bytes() == b"my edits"
    assert cli("template", "export", tmp_path / "t", "--force")[0] == 0
    assert (tmp_path / "t" / "nd30-2020.docx").read_bytes() == before


@pytest.mark.libreoffice
def test_exported_templates_survive_a_libreoffice_round_trip(
    tmp_path: Path, convert: Callable[..., list[Path]], thanh_hoa: Plan, phu_yen: Plan
) -> None:
    assert cli("template", "export", tmp_path / "t")[0] == 0
    exported = [tmp_path / "t" / f"{n}.docx" for n in ("nd30-2020", "hd36-2018")]
    round_tripped = convert(exported, "docx:MS Word 2007 XML")
    for plan, template in zip((thanh_hoa, phu_yen), round_tripped, strict=True):
        assert cli("template", "check", template)[0] == 0
        built_in = body_text(render_quietly(plan))
        edited = render_quietly(plan, template=template)
        assert body_text(edited) == built_in
        # the joint signature table still shares its width equally (LibreOffice dropped the
        # tables' captions: they are found again by their template text)
        table = Document(io.BytesIO(edited)).tables[-1]._tbl
        widths = [int(c.get(qn("w:w"))) for c in table.find(qn("w:tblGrid"))]
        assert len(widths) == 4 and max(widths) - min(widths) <= 1


# -- check -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", builtin_profiles())
def test_check_passes_the_shipped_templates_with_no_finding(name: str) -> None:
    code, err = cli("template", "check", ROOT / "templates" / f"{name}.docx", "--profile", name)
    assert code == 0
    assert "0 errors, 0 warnings" in err


def _footer_with(payload: str) -> Callable[[dict[str, bytes]], None]:
    def patch(parts: dict[str, bytes]) -> None:
        parts["word/footer9.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:p><w:r><w:t>" + payload.encode() + b"</w:t></w:r></w:p></w:ftr>"
        )
        rels = "word/_rels/document.xml.rels"
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdF9" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/footer" Target="footer9.xml"/></Relationships>',
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/word/footer9.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>',
        )
        doc = parts["word/document.xml"]
        parts["word/document.xml"] = doc.replace(
            b"<w:titlePg/>",
            b'<w:footerReference w:type="default" r:id="rIdF9" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
            b"<w:titlePg/>",
            1,
        )

    return patch


def test_check_finds_an_undeclared_variable_in_every_part(tmp_path: Path) -> None:
    planted = {
        "body": ("{{ header.nmber }}", "header.nmber"),
        "header": ("{{ page_count }}", "page_count"),
        "footer": ("{{ plan.oficer }}", "plan.oficer"),
        "footnote": ("{% for s in signatures %}{{ s.sgner }}{% endfor %}", "s.sgner"),
        "property": ("{{ title.summry }}", "title.summry"),
    }
    patches = [
        _in_body(planted["body"][0]),
        _in_header(planted["header"][0]),
        _footer_with(planted["footer"][0]),
        _in_footnote(planted["footnote"][0]),
        _in_properties(planted["property"][0]),
    ]

    def all_of(parts: dict[str, bytes]) -> None:
        for patch in patches:
            patch(parts)

    code, err = cli("template", "check", make_template(tmp_path, all_of))
    assert code == 1
    lines = err.splitlines()
    for where, (_, name) in planted.items():
        hits = [line for line in lines if f"`{name}`" in line]
        assert hits, f"{where}: {name} not reported:\n{err}"
    assert any(line.startswith("error: header (word/header") for line in lines)
    assert any(line.startswith("error: footer (word/footer9.xml)") for line in lines)
    assert any(line.startswith("error: footnote (word/footnotes.xml)") for line in lines)
    assert any(line.startswith("error: document property title") for line in lines)
    assert "5 errors" in err


def test_check_reports_syntax_errors_with_their_paragraph(tmp_path: Path) -> None:
    template = make_template(tmp_path, _in_body("{{ title.type_name | }}"))
    code, err = cli("template", "check", template)
    assert code == 1
    assert "error: body: template syntax error" in err
    assert "in: {{ title.type_name | }}" in err


def test_check_warns_about_missing_elements(tmp_path: Path) -> None:
    def drop_signatures(parts: dict[str, bytes]) -> None:
        doc = Document(io.BytesIO(_zip(parts)))
        body = doc.element.body
        start = next(p._p for p in doc.paragraphs if "signatures|length" in p.text)
        for element in [start, *start.itersiblings()]:
            if element.tag != qn("w:sectPr"):
                body.remove(element)
        out = io.BytesIO()
        doc.save(out)
        with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
            parts["word/document.xml"] = z.read("word/document.xml")

    code, err = cli("template", "check", make_template(tmp_path, drop_signatures))
    assert code == 0, err
    assert "warning: template: no signature block" in err
    assert "warning: template: no recipients list" in err


def test_check_refuses_an_unsafe_template(tmp_path: Path) -> None:
    external = external_image("http://x.invalid/a.png")
    code, err = cli("template", "check", make_template(tmp_path, external))
    assert code == 2  # refused: there is nothing to check in an unsafe template
    assert "error:" in err and "outside" in err and "x.invalid" in err


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    return buf.getvalue()


# -- the contract in docs/templates.md ----------------------------------------------------------


def test_docs_variable_table_is_generated_from_the_models() -> None:
    docs = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    generated = docs.split(START, 1)[1].split(END, 1)[0].strip()
    assert generated == reference_table(), "run: python -m planforge._reference docs/templates.md"
    for key in context_shape():
        assert f"| `{key}`" in docs


def test_docs_name_the_limits_and_templates_there_are() -> None:
    from planforge import Limits
    from planforge._word.jinja import MAX_VALUE_LENGTH

    docs = " ".join((ROOT / "docs" / "templates.md").read_text(encoding="utf-8").split())
    limits = Limits()
    assert f"longer than {limits.seconds:g} s" in docs
    assert f"more than {limits.memory_bytes // (1 << 20)} MiB of memory" in docs
    assert f"longer than {MAX_VALUE_LENGTH:,} characters" in docs
    for name in builtin_profiles():
        assert f"`{name}.docx`" in docs


def test_context_has_exactly_the_documented_keys(phu_yen: Plan) -> None:
    from planforge import template_context

    context = template_context(phu_yen)
    assert set(context) == set(context_shape())
    for sig in context["signatures"]:
        assert set(sig) == set(context_shape()["signatures"][0])
    for block in context["blocks"]:
        assert set(block) == set(context_shape()["blocks"][0])


def test_task_table_recipe_from_the_docs(tmp_path: Path, phu_yen: Plan) -> None:
    doc = Document(str(ROOT / "templates" / "hd36-2018.docx"))
    body = doc.element.body
    loop = next(p for p in doc.paragraphs if p.text == "{%p for b in blocks %}")
    loop.runs[0].text = '{%p for b in blocks if b.kind != "task" %}'
    table = doc.add_table(rows=4, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ["STT", "Nội dung", "Chủ trì", "Phối hợp", "TG"], strict=True
    ):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for t in tasks %}"
    for cell, text in zip(
        table.rows[2].cells,
        [
            "{{ t.label }}",
            "{{ t.text }}",
            "{{ t.lead }}",
            "{{ t.coordinating }}",
            "{{ t.timeline }}",
        ],
        strict=True,
    ):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    # put the task table right after the body's last block
    after = next(
        p for p in doc.paragraphs if p.text == "{%p endfor %}" and p._p.getparent() is body
    )
    after._p.addnext(table._tbl)
    template = tmp_path / "task-table.docx"
    doc.save(str(template))
    assert cli("template", "check", template, "--profile", "hd36-2018")[0] == 0

    out = Document(io.BytesIO(render_quietly(phu_yen, template=template)))
    tasks = next(t for t in out.tables if t.rows[0].cells[0].text == "STT")
    assert len(tasks.rows) == 1 + 7
    assert tasks.rows[1].cells[0].text == "1.1."
    assert tasks.rows[1].cells[2].text.startswith("Sở Kế hoạch và Đầu tư, Sở Thông tin")
    assert tasks.rows[7].cells[4].text == "Thường xuyên"
    paragraphs = [p.text for p in out.paragraphs]
    assert not any(p.startswith("- Đơn vị chủ trì") for p in paragraphs)


# -- the example customized template -----------------------------------------------------------


def test_example_office_template_renders_with_its_customizations(tmp_path: Path) -> None:
    plan = load_plan(EXAMPLES / "thanh-hoa-2023.yaml")
    code, err = cli("template", "check", SO_TEMPLATE)
    assert code == 0, err
    data = render_quietly(plan, template=SO_TEMPLATE)
    doc = Document(io.BytesIO(data))
    assert doc.styles["PF Body"].font.size.pt == 13
    body = [p for p in doc.paragraphs if p.style.name == "PF Body" and p.text.strip()]
    assert body and all(p.style.font.size.pt == 13 for p in body)
    first_header = doc.sections[0].first_page_header
    assert "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH" in first_header.paragraphs[0].text
    assert first_header.part.related_parts, "the logo image is in the header part"
    assert any(rel.reltype.endswith("/image") for rel in first_header.part.rels.values())
    texts = [t for t in body_text(data) if t.strip()]
    assert texts[-1] == "Văn bản này được ký số và gửi qua hệ thống quản lý văn bản."
    assert texts[:-1] == [t for t in body_text(render_quietly(plan)) if t.strip()]
    # the README's example passes planforge's own audit (a template left behind the default
    # styles would not: made again by examples/templates/make_so_template.py)
    result = Renderer(template=SO_TEMPLATE, check=True).render_result(plan)
    assert [f for f in result.audit if f.is_error] == []


def test_values_come_out_literally_in_a_custom_header(tmp_path: Path, phu_yen: Plan) -> None:
    tricky = "A & B < C > D \" E ' {{ 7*7 }}"
    plan = phu_yen.model_copy(update={"place": tricky})
    template = make_template(tmp_path, _in_header("{{ header.place_date }}"))
    doc = Document(io.BytesIO(render_quietly(plan, template=template)))
    header_text = doc.sections[0].header.paragraphs[0].text
    assert f"{tricky}, ngày 23 tháng 02 năm 2022" in header_text
    assert "49" not in header_text


def test_rendering_does_not_change_the_template_file(tmp_path: Path, thanh_hoa: Plan) -> None:
    template = tmp_path / "copy.docx"
    template.write_bytes(SO_TEMPLATE.read_bytes())
    before = copy.copy(template.read_bytes())
    render_quietly(thanh_hoa, tmp_path / "o.docx", template=template)
    assert template.read_bytes() == before


def test_a_rendered_document_given_as_a_template_is_refused(tmp_path: Path, phu_yen: Plan) -> None:
    # it reads nothing of the plan: every plan would come out as this one
    rendered = tmp_path / "ke-hoach.docx"
    rendered.write_bytes(render_quietly(phu_yen))
    code, err = cli("template", "check", rendered)
    assert code == 1 and "reads nothing of the plan" in err
    out = tmp_path / "other.docx"
    result = CliRunner().invoke(
        generate_plan,
        [str(EXAMPLES / "thanh-hoa-2023.yaml"), "--template", str(rendered), "-o", str(out)],
    )
    assert result.exit_code == 2
    assert "reads nothing of the plan" in result.stderr
    assert "planforge template export DIR" in result.stderr
    assert not out.exists()
