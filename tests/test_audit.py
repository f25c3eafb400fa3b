"""`planforge check`: every example passes; one thing broken at a time is that one error."""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

import planforge
from planforge import Finding, Profile, audit_docx, load_plan
from planforge._audit import audit_report
from planforge._cli import generate_plan
from planforge._cli import planforge as planforge_cli
from planforge._profiles import resolve_profile

from .conftest import EXAMPLES, render_quietly

STEMS = ["thanh-hoa-2023", "phu-yen-2022"]


def errors(findings: list[Finding]) -> list[Finding]:
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


def _add_after(anchor: Any, text: str) -> None:
    """A paragraph holding *text* typed right after the paragraph *anchor*."""
    added = anchor.makeelement(qn("w:p"), {})
    run = added.makeelement(qn("w:r"), {})
    run.append(run.makeelement(qn("w:t"), {}))
    run[0].text = text
    added.append(run)
    anchor.addnext(added)


def _broken(source: Path, breaker: Callable[[Any], None]) -> bytes:
    doc = Document(str(source))
    breaker(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def profile_of(stem: str) -> Profile:
    """The profile an example is rendered with (the Phú Yên one names its own file)."""
    return resolve_profile(None, load_plan(EXAMPLES / f"{stem}.yaml"))


@pytest.mark.parametrize("stem", STEMS)
def test_every_rendered_example_passes(rendered_examples: dict[str, Path], stem: str) -> None:
    assert audit_docx(rendered_examples[stem], profile=profile_of(stem)) == []


def test_every_example_in_the_folder_passes(rendered_examples: dict[str, Path]) -> None:
    for stem, path in rendered_examples.items():
        assert errors(audit_docx(path, profile=profile_of(stem))) == [], stem


def test_without_a_profile_the_header_chooses(rendered_examples: dict[str, Path]) -> None:
    for stem in STEMS:
        profile, found = audit_report(rendered_examples[stem])
        assert profile.name == profile_of(stem).name
        assert found == [], stem


def test_the_phu_yen_office_profile_keeps_its_archive_line(tmp_path: Path) -> None:
    # the office printed `- Lưu: VT, ...` with the state colon: its profile file keeps that,
    # and under hd36-2018 it is the one deviation
    own = EXAMPLES / "profiles" / "phu-yen-2022.yaml"
    path = tmp_path / "phu-yen-office.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        planforge.render_plan(load_plan(EXAMPLES / "phu-yen-2022.yaml"), path, profile=own)
    assert audit_docx(path, profile=own) == []
    (finding,) = audit_docx(path)
    assert finding.rule == "recipients"
    assert "archive line `- Lưu ...`" in finding.message


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_one_broken_rule_is_one_error_naming_it(
    rendered_examples: dict[str, Path], stem: str, rule: str
) -> None:
    profile = profile_of(stem)
    found = errors(audit_docx(_broken(rendered_examples[stem], BREAKS[rule]), profile=profile))
    assert [f.rule for f in found] == [rule], [f.describe() for f in found]
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
    for stem, converted in zip(STEMS, convert(docs, "docx:MS Word 2007 XML"), strict=True):
        found = audit_docx(converted, profile=profile_of(stem))
        assert errors(found) == [], [f.describe() for f in found]


def _bordered(paragraph: Any) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.makeelement(qn("w:pBdr"), {})
    borders.append(
        borders.makeelement(
            qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1"}
        )
    )
    ppr.insert(0, borders)


def _drawn_line() -> Any:
    """A paragraph holding a VML line, as Word 2003-era documents draw rules."""
    from docx.oxml import parse_xml

    return parse_xml(
        '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict>'
        '<v:line from="40pt,0" to="100pt,0" strokeweight=".5pt"/></w:pict></w:r></w:p>'
    )


@dataclass(frozen=True)
class HandMade:
    """A plan typed by hand in Word, within the rules unless a field says otherwise."""

    party: bool = False
    body_size: float = 14
    position_bold: bool | None = None  # None: as the rules want (state bold, Party upright)
    recipient_end: str | None = None  # the end of the first recipient line
    page_number: str | None = None  # "header" or "footer": a number on page 1 there
    motto_rule: bool = True
    issuer_rule: bool = True
    summary_rule: bool = True


def _page_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.text = text
            run._r.append(instr)


def _hand_made(tmp_path: Path, spec: HandMade | None = None) -> Path:
    """A plan typed by hand in Word: direct formatting, no planforge styles, Word's structure."""
    spec = spec or HandMade()
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
        underline: bool = False,
        align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    ) -> Any:
        p = container.add_paragraph()
        p.alignment = align
        run = p.add_run(text)
        run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
        run.font.underline = underline
        return p

    left_align = WD_ALIGN_PARAGRAPH.LEFT
    header = doc.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    if spec.party:
        line(left, "ĐẢNG BỘ TỈNH PHÚ YÊN", 14)
        line(left, "BAN TUYÊN GIÁO VÀ DÂN VẬN", 14, bold=True)
        if spec.issuer_rule:
            line(left, "*", 14)
        line(left, "Số 15-KH/BTGDVTU", 14)
        line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True)
        if spec.motto_rule:
            _bordered(right.paragraphs[-1])
        line(
            right, "Phú Yên, ngày 09 tháng 10 năm 2024", 14, italic=True,
            align=WD_ALIGN_PARAGRAPH.RIGHT,
        )  # fmt: skip
        line(doc, "KẾ HOẠCH", 16, bold=True)
        line(doc, "tuyên truyền năm 2024", 14, bold=True)
        if spec.summary_rule:
            line(doc, "-----", 14)
    else:
        line(left, "UBND TỈNH PHÚ YÊN", 13)
        line(left, "SỞ Y TẾ", 13, bold=True)
        # three ways offices draw the rules: a drawn line (the issuer), a bordered empty
        # paragraph (the motto), the text's own bottom border (the summary)
        if spec.issuer_rule:
            left.paragraphs[-1]._p.addnext(_drawn_line())
        line(left, "Số: 15/KH-SYT", 13)
        line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
        line(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
        if spec.motto_rule:
            _bordered(right.add_paragraph())
        line(right, "Phú Yên, ngày 09 tháng 10 năm 2024", 14, italic=True)
        line(doc, "KẾ HOẠCH", 14, bold=True)
        line(doc, "Phòng, chống dịch năm 2024", 14, bold=True)
        if spec.summary_rule:
            _bordered(doc.paragraphs[-1])
    for text in ("Nội dung kế hoạch, đoạn một.", "Nội dung kế hoạch, đoạn hai."):
        body = line(doc, text, spec.body_size, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        body.paragraph_format.first_line_indent = Mm(10)
        body.paragraph_format.space_after = Pt(6)
    sign = doc.add_table(rows=1, cols=2)
    recipients, signature = sign.rows[0].cells
    position_bold = spec.position_bold if spec.position_bold is not None else not spec.party
    if spec.party:
        line(recipients, "Nơi nhận:", 14, underline=True, align=left_align)
        end = spec.recipient_end or ","
        line(recipients, f"- Ban Thường vụ Tỉnh ủy{end}", 12, align=left_align)
        line(recipients, "- Lưu Văn phòng Tỉnh ủy.", 12, align=left_align)
        line(signature, "K/T TRƯỞNG BAN", 14, bold=True)
        line(signature, "PHÓ TRƯỞNG BAN", 14, bold=position_bold)
    else:
        line(recipients, "Nơi nhận:", 12, bold=True, italic=True, align=left_align)
        end = spec.recipient_end or ";"
        line(recipients, f"- Như trên{end}", 11, align=left_align)
        line(recipients, "- Lưu: VT.", 11, align=left_align)
        line(signature, "KT. GIÁM ĐỐC", 14, bold=True)
        line(signature, "PHÓ GIÁM ĐỐC", 14, bold=position_bold)
    line(signature, "Trần Thị B", 14, bold=True)
    if spec.page_number is not None:
        section.different_first_page_header_footer = True
        part = (
            section.first_page_header if spec.page_number == "header" else section.first_page_footer
        )
        _page_field(part.paragraphs[0])
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


def test_a_party_document_typed_by_hand_passes(tmp_path: Path) -> None:
    path = _hand_made(tmp_path, HandMade(party=True))
    found = audit_docx(path)
    assert errors(found) == [], [f.describe() for f in found]


@pytest.mark.parametrize(
    ("spec", "rule", "words"),
    [
        (HandMade(body_size=12), "body", "is 12 pt; the rule is 13–14 pt"),
        (HandMade(party=True, body_size=12), "body", "is 12 pt; the rule is 14–15 pt"),
        (HandMade(position_bold=False), "signature", "position 'PHÓ GIÁM ĐỐC' must be bold"),
        (
            HandMade(party=True, position_bold=True),
            "signature",
            "position 'PHÓ TRƯỞNG BAN' must not be bold",
        ),
        (HandMade(recipient_end=","), "recipients", "'- Như trên,' must end with `;`"),
        (HandMade(page_number="header"), "page_numbers", "page 1 shows a page number"),
        (HandMade(page_number="footer"), "page_numbers", "page 1 shows a page number"),
        (HandMade(motto_rule=False), "motto", "no solid line under the motto"),
        (HandMade(issuer_rule=False), "issuer", "no solid line under the issuing body"),
        (HandMade(summary_rule=False), "title", "no solid line under the summary"),
        (HandMade(party=True, motto_rule=False), "motto", "no solid line under the motto"),
        (HandMade(party=True, issuer_rule=False), "issuer", "no `*` under the issuing body"),
        (HandMade(party=True, summary_rule=False), "title", "no `-----` under the summary"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_what_a_hand_made_document_gets_wrong_is_found(
    tmp_path: Path, spec: HandMade, rule: str, words: str
) -> None:
    found = errors(audit_docx(_hand_made(tmp_path, spec)))
    assert [f.rule for f in found] == [rule], [f.describe() for f in found]
    assert words in found[0].message


def test_check_command_exit_statuses_and_json(
    rendered_examples: dict[str, Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    good = rendered_examples["phu-yen-2022"]
    result = runner.invoke(planforge_cli, ["check", str(good)])
    assert result.exit_code == 0
    assert "0 errors, 0 warnings" in result.stderr
    assert "under hd36-2018" in result.stderr
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_broken(good, title_not_bold))
    result = runner.invoke(planforge_cli, ["check", str(bad), "--format", "json"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)
    assert finding["rule"] == "title"
    assert finding["severity"] == "error"
    assert finding["source"].startswith("HD36")
    assert set(finding) == {"rule", "severity", "message", "source", "where", "context"}
    unreadable = tmp_path / "junk.docx"
    unreadable.write_bytes(b"not a zip")
    result = runner.invoke(planforge_cli, ["check", str(unreadable)])
    assert result.exit_code == 2
    assert "not a Word document" in result.stderr
    assert runner.invoke(planforge_cli, ["check", str(tmp_path / "none.docx")]).exit_code == 2


def test_check_of_several_documents_reports_each_and_goes_past_an_unreadable_one(
    rendered_examples: dict[str, Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    good = rendered_examples["phu-yen-2022"]
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_broken(good, title_not_bold))
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    result = runner.invoke(planforge_cli, ["check", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"{good}: 0 errors, 0 warnings" in result.stderr
    assert f"{bad}: 1 error, 0 warnings" in result.stderr
    assert "1 of 2 documents has errors" in result.stderr
    result = runner.invoke(planforge_cli, ["check", str(junk), str(good), "--format", "json"])
    assert result.exit_code == 2  # unreadable: the others are still checked
    first, second = json.loads(result.stdout)
    assert first["document"] == str(junk) and "not a Word document" in first["error"]
    assert second == {"document": str(good), "profile": "hd36-2018", "findings": []}
    fix = runner.invoke(planforge_cli, ["check", str(good), str(bad), "--fix", "--force"])
    assert fix.exit_code == 2 and "--fix rebuilds one document at a time" in fix.stderr


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


def test_a_signed_copys_mark_does_not_hide_its_signature_block(
    rendered_examples: dict[str, Path],
) -> None:
    """`(Đã ký)` typed where the signature was (a signed copy) is read past: the block is
    still checked, and a wrong size in it still found."""

    def audited(mark: bool, small: bool) -> list[Finding]:
        def change(doc: Any) -> None:
            if small:
                for run in _find(doc, lambda t: t.startswith("KT. CHỦ TỊCH")).iter(qn("w:r")):
                    rpr = run.get_or_add_rPr()
                    rpr.append(rpr.makeelement(qn("w:sz"), {qn("w:val"): "24"}))
            if mark:
                _add_after(_find(doc, lambda t: t == "PHÓ CHỦ TỊCH"), "(Đã ký)")

        return errors(audit_docx(_broken(rendered_examples["thanh-hoa-2023"], change)))

    assert audited(mark=True, small=False) == []
    plain, marked = audited(mark=False, small=True), audited(mark=True, small=True)
    assert [f.message for f in marked] == [f.message for f in plain]
    assert any("KT. CHỦ TỊCH" in f.message and "12 pt" in f.message for f in marked)


def test_dashes_typed_under_a_state_summary_are_one_clear_finding(
    rendered_examples: dict[str, Path],
) -> None:
    """A clerk types `-----------` under the summary of a state plan, where ND30 wants a drawn
    line: one finding that says so, not the dashes read as a line of the summary."""

    def typed_dashes(doc: Any) -> None:
        summary_last = _find(doc, lambda t: t == "trong trường học năm 2026")
        drawn = summary_last.getnext()
        assert _text(drawn) == "", "planforge draws the line under the summary in a paragraph"
        drawn.getparent().remove(drawn)
        _add_after(summary_last, "-----------")

    document = _broken(rendered_examples["ke-hoach-lien-tich-3-co-quan"], typed_dashes)
    found = [f for f in errors(audit_docx(document)) if f.rule == "title"]
    assert [f.message for f in found] == [
        "`-----------` is typed under the summary; the rules want a solid line there (a "
        "paragraph border or a drawn line), not typed characters"
    ]


# -- a signer's position printed over two lines ---------------------------------------------------

WRAPPED = "PHÓ TRƯỞNG BAN THƯỜNG TRỰC"  # too long for a Party signature column: two lines


def _party_signing(plan_file: Path, position: str = WRAPPED) -> planforge.Plan:
    """*plan_file*'s plan with its Party body's signer in *position*."""
    plan = load_plan(plan_file)
    party = {i.abbreviation for i in plan.issuers if i.kind == "party"}
    signatures = [
        sig.model_copy(update={"position": position})
        if plan.signing_issuer(n).abbreviation in party
        else sig
        for n, sig in enumerate(plan.signatures)
    ]
    return plan.model_copy(update={"signatures": signatures})


def _printed(document: bytes) -> list[str]:
    return [_text(p) for p in Document(io.BytesIO(document)).element.body.iter(qn("w:p"))]


WRAPPED_PLANS = {
    # a Party body signing for its head (`K/T TRƯỞNG BAN`), and a joint plan where the Party
    # body signs by its name printed without a prefix beside a state body's TM./KT. block
    "party": Path(planforge.__file__).parent / "starters" / "party.yaml",
    "joint": EXAMPLES / "phu-yen-2022.yaml",
}


@pytest.mark.parametrize("profile", ["hd36-2018", "hd05-2026"])
@pytest.mark.parametrize("kind", sorted(WRAPPED_PLANS))
def test_a_position_printed_over_two_lines_is_one_position(
    tmp_path: Path, kind: str, profile: str
) -> None:
    """`PHÓ TRƯỞNG BAN` / `THƯỜNG TRỰC`, upright under a bold authority line, is one position
    wrapped: its first line is not an authority line that must be bold."""
    path = tmp_path / "plan.docx"
    document = render_quietly(_party_signing(WRAPPED_PLANS[kind]), path, profile=profile)
    printed = _printed(document)
    at = printed.index("PHÓ TRƯỞNG BAN")
    assert printed[at + 1] == "THƯỜNG TRỰC", "the position no longer wraps: the test tests nothing"
    found = audit_docx(path, profile=profile)
    assert [f.describe() for f in found if f.rule == "signature"] == []
    assert errors(found) == [], [f.describe() for f in found]
    result = CliRunner().invoke(planforge_cli, ["check", str(path), "--profile", profile])
    assert result.exit_code == 0, result.stderr
    assert "0 errors" in result.stderr


def test_a_wrapped_position_still_fails_what_is_wrong_in_its_block(tmp_path: Path) -> None:
    """The check still fails: the authority line set upright, or the position's lines set
    bold, in a Party block whose position wraps."""
    path = tmp_path / "plan.docx"
    render_quietly(_party_signing(WRAPPED_PLANS["party"]), path, profile="hd36-2018")
    assert errors(audit_docx(path, profile="hd36-2018")) == []

    def set_bold(*texts: str, bold: bool) -> Callable[[Any], None]:
        def change(doc: Any) -> None:
            for text in texts:
                for run in _find(doc, lambda t, text=text: t == text).iter(qn("w:r")):
                    b = run.get_or_add_rPr().get_or_add_b()
                    b.set(qn("w:val"), "1" if bold else "0")

        return change

    upright_authority = set_bold("K/T TRƯỞNG BAN", bold=False)
    upright = errors(audit_docx(_broken(path, upright_authority), profile="hd36-2018"))
    assert [(f.rule, f.message) for f in upright] == [
        ("signature", "authority line 'K/T TRƯỞNG BAN' must be bold")
    ]
    both = set_bold("PHÓ TRƯỞNG BAN", "THƯỜNG TRỰC", bold=True)
    bold = errors(audit_docx(_broken(path, both), profile="hd36-2018"))
    assert [(f.rule, f.message) for f in bold] == [
        ("signature", "position 'PHÓ TRƯỞNG BAN' must not be bold"),
        ("signature", "position 'THƯỜNG TRỰC' must not be bold"),
    ]
