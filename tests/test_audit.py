"""`planforge check`: every example passes; one thing broken at a time is that one error."""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

import planforge
from planforge import AuditFinding, audit_docx, load_plan, load_profile
from planforge._cli import generate_plan
from planforge._cli import planforge as planforge_cli

from .conftest import EXAMPLES

STEMS = ["thanh-hoa-2023", "phu-yen-2022"]


def errors(findings: list[AuditFinding]) -> list[AuditFinding]:
    return [f for f in findings if f.severity == "error"]


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _set_text(p: Any, new: str) -> None:
    texts = list(p.iter(qn("w:t")))
    texts[0].text = new
    for t in texts[1:]:
        t.text = ""


def _find(doc: Any, pred: Callable[[str], bool]) -> Any:
    return next(p for p in doc.element.body.iter(qn("w:p")) if pred(_text(p)))


def left_margin_20(doc: Any) -> None:
    doc.sections[0].left_margin = Mm(20)


def a_run_in_arial(doc: Any) -> None:
    run = _find(doc, lambda t: t.startswith("Thực hiện")).find(qn("w:r"))
    fonts = run.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), "Arial")
    fonts.set(qn("w:hAnsi"), "Arial")


def date_unpadded_day_padded_month(doc: Any) -> None:
    p = _find(doc, lambda t: ", ngày " in t)
    _set_text(p, re.sub(r"ngày \d+ tháng \d+", "ngày 3 tháng 03", _text(p)))


def number_with_slash(doc: Any) -> None:
    _set_text(_find(doc, lambda t: t.startswith("Số")), "Số 04/KHPH")


def tm_without_dot(doc: Any) -> None:
    p = _find(doc, lambda t: t.startswith("TM. "))
    _set_text(p, _text(p).replace("TM. ", "TM ", 1))


def recipients_without_final_dot(doc: Any) -> None:
    p = _find(doc, lambda t: t.startswith("- Lưu"))
    _set_text(p, _text(p).rstrip("."))


def page_number_on_page_one(doc: Any) -> None:
    doc.sections[0].different_first_page_header_footer = False


def title_not_bold(doc: Any) -> None:
    for run in _find(doc, lambda t: t == "KẾ HOẠCH").iter(qn("w:r")):
        run.get_or_add_rPr().get_or_add_b().set(qn("w:val"), "0")


BREAKS = {
    "margins": left_margin_20,
    "font": a_run_in_arial,
    "date": date_unpadded_day_padded_month,
    "number": number_with_slash,
    "authority": tm_without_dot,
    "recipients": recipients_without_final_dot,
    "page_numbers": page_number_on_page_one,
    "title": title_not_bold,
}


def _broken(source: Path, breaker: Callable[[Any], None]) -> bytes:
    doc = Document(str(source))
    breaker(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize("stem", STEMS)
def test_every_rendered_example_passes(rendered_examples: dict[str, Path], stem: str) -> None:
    assert audit_docx(rendered_examples[stem]) == []


def test_every_example_in_the_folder_passes(rendered_examples: dict[str, Path]) -> None:
    for stem, path in rendered_examples.items():
        assert errors(audit_docx(path)) == [], stem


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_one_broken_rule_is_one_error_naming_it(
    rendered_examples: dict[str, Path], stem: str, rule: str
) -> None:
    found = errors(audit_docx(_broken(rendered_examples[stem], BREAKS[rule])))
    assert [f.rule for f in found] == [rule], [f.describe() for f in found]
    profile = load_profile("nd30-2020" if stem == "thanh-hoa-2023" else "hd36-2018")
    assert found[0].source == profile.audit.sources[rule]
    assert found[0].where


def test_messages_say_what_is_expected(rendered_examples: dict[str, Path]) -> None:
    source = rendered_examples["thanh-hoa-2023"]
    (date,) = errors(audit_docx(_broken(source, date_unpadded_day_padded_month)))
    assert "should read `Thanh Hoá, ngày 03 tháng 3 năm 2023`" in date.message
    (tm,) = errors(audit_docx(_broken(source, tm_without_dot)))
    assert "write `TM.`" in tm.message
    (margin,) = errors(audit_docx(_broken(source, left_margin_20)))
    assert "left margin is 20 mm; the rule is 30–35 mm" in margin.message


@pytest.mark.libreoffice
def test_examples_still_pass_after_libreoffice_saves_them(
    rendered_examples: dict[str, Path], convert: Callable[..., list[Path]]
) -> None:
    docs = [rendered_examples[s] for s in STEMS]
    for converted in convert(docs, "docx:MS Word 2007 XML"):
        assert errors(audit_docx(converted)) == [], converted.name


def _hand_made(tmp_path: Path) -> Path:
    """A plan typed by hand in Word: direct formatting, no planforge styles, Word's structure."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:hAnsi"), "Times New Roman")
    # Word's default theme fonts (Calibri) would otherwise win for hAnsi
    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        rfonts.set(qn("w:ascii"), "Times New Roman")
        rfonts.set(qn("w:hAnsi"), "Times New Roman")

    def line(
        container: Any,
        text: str,
        size: float,
        *,
        bold: bool = False,
        italic: bool = False,
        center: bool = True,
    ) -> None:
        p = container.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic

    header = doc.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    line(left, "UBND TỈNH PHÚ YÊN", 13)
    line(left, "SỞ Y TẾ", 13, bold=True)
    line(left, "Số: 15/KH-SYT", 13)
    line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    line(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    line(right, "Phú Yên, ngày 09 tháng 10 năm 2024", 14, italic=True)
    line(doc, "KẾ HOẠCH", 14, bold=True)
    line(doc, "Phòng, chống dịch năm 2024", 14, bold=True)
    line(doc, "Nội dung kế hoạch.", 14, center=False)
    sign = doc.add_table(rows=1, cols=2)
    recipients, signature = sign.rows[0].cells
    line(recipients, "Nơi nhận:", 12, bold=True, italic=True, center=False)
    line(recipients, "- Như trên;", 11, center=False)
    line(recipients, "- Lưu: VT.", 11, center=False)
    line(signature, "KT. GIÁM ĐỐC", 14, bold=True)
    line(signature, "PHÓ GIÁM ĐỐC", 14, bold=True)
    line(signature, "Trần Thị B", 14, bold=True)
    path = tmp_path / "hand-made.docx"
    doc.save(str(path))
    return path


def test_a_document_typed_by_hand_is_read_by_its_text(tmp_path: Path) -> None:
    path = _hand_made(tmp_path)
    assert errors(audit_docx(path)) == [], [f.describe() for f in audit_docx(path)]
    doc = Document(str(path))
    _set_text(_find(doc, lambda t: t.startswith("Phú Yên")), "Phú Yên, ngày 9 tháng 10 năm 2024")
    doc.save(str(path))
    assert [f.rule for f in errors(audit_docx(path))] == ["date"]


def test_check_command_exit_statuses_and_json(
    rendered_examples: dict[str, Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    good = rendered_examples["phu-yen-2022"]
    result = runner.invoke(planforge_cli, ["check", str(good)])
    assert result.exit_code == 0
    assert "0 error(s)" in result.stderr
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_broken(good, title_not_bold))
    result = runner.invoke(planforge_cli, ["check", str(bad), "--format", "json"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)
    assert finding["rule"] == "title"
    assert finding["severity"] == "error"
    assert finding["source"].startswith("HD36")
    assert set(finding) == {"rule", "severity", "message", "source", "where"}
    unreadable = tmp_path / "junk.docx"
    unreadable.write_bytes(b"not a zip")
    result = runner.invoke(planforge_cli, ["check", str(unreadable)])
    assert result.exit_code == 2
    assert "not a Word document" in result.stderr
    assert runner.invoke(planforge_cli, ["check", str(tmp_path / "none.docx")]).exit_code == 2


def test_check_with_an_explicit_profile(rendered_examples: dict[str, Path]) -> None:
    # the Party plan checked against the state rules: its motto and number are not the state's
    found = errors(audit_docx(rendered_examples["phu-yen-2022"], profile="nd30-2020"))
    assert {"motto", "number"} <= {f.rule for f in found}


def test_render_checks_and_warns(tmp_path: Path) -> None:
    plan = load_plan(EXAMPLES / "phu-yen-2022.yaml")
    custom = tmp_path / "narrow.yaml"
    custom.write_text("extends: hd36-2018\npage: {margin_left_mm: 20}\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        planforge.render_plan(plan, profile=planforge.load_profile(custom), check=True)
    messages = [str(w.message) for w in caught if issubclass(w.category, planforge.PlanWarning)]
    assert any("left margin is 20 mm" in m for m in messages), messages
    # on by default in the CLI, off with --no-check
    result = CliRunner().invoke(
        generate_plan,
        [
            str(EXAMPLES / "phu-yen-2022.yaml"),
            "-o",
            str(tmp_path / "a.docx"),
            "--profile",
            str(custom),
        ],
    )
    assert result.exit_code == 0
    assert "left margin is 20 mm" in result.stderr
    result = CliRunner().invoke(
        generate_plan,
        [
            str(EXAMPLES / "phu-yen-2022.yaml"),
            "-o",
            str(tmp_path / "b.docx"),
            "--profile",
            str(custom),
            "--no-check",
        ],
    )
    assert "left margin" not in result.stderr
