"""Plans typed into Word as office clerks type them: tables, tab stops, automatic numbering."""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import signal
import subprocess
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import docx
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

import planforge
from planforge import Plan
from planforge._models import Item, ListStyle
from planforge._profiles import Profile, default_profile, load_profile

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

HeaderWay = Literal["table2", "table3", "tabs", "center-tabs"]
LabelWay = Literal["space", "tab", "auto"]
SignatureWay = Literal["table", "tabs", "table-recipients"]


@dataclass(frozen=True)
class Layout:
    """How a clerk lays a plan out in Word.

    header: `table2` a borderless two-column table (bodies and number | motto and date),
    `table3` three columns (the bodies split over two | motto and date; number and date in a
    second row), `tabs` paragraphs `left\\tright` (the left text at the margin, the right
    one on an explicit center tab stop), `center-tabs` paragraphs `\\tleft\\tright` on two
    explicit center tab stops.
    labels: typed with a space (`1. Text`), with a tab (`1.\\tText`), or `auto`: the `a)`,
    `-` and `+` lists (items and task lines) as Word automatic numbering, other labels typed.
    signatures: `table` one cell per block (two a row) and the recipients after it, `tabs`
    tab-separated lines, `table-recipients` the table with the recipients in its last row's
    left cell.
    number_break: the number line broken after `/` with Shift+Enter (as planforge prints a
    long symbol); else typed on one line (Word wraps it).
    """

    header: HeaderWay = "table2"
    labels: LabelWay = "space"
    signatures: SignatureWay = "table"
    number_break: bool = False


#: The ways built: a baseline, then one way changed at a time (a failure names its cause).
VARIANTS: dict[str, Layout] = {
    "baseline": Layout(),
    "header-table3": Layout(header="table3"),
    "header-tabs": Layout(header="tabs"),
    "header-center-tabs": Layout(header="center-tabs"),
    "number-shift-enter": Layout(number_break=True),
    "labels-tab": Layout(labels="tab"),
    "labels-auto": Layout(labels="auto"),
    "signatures-tabs": Layout(signatures="tabs"),
    "signatures-recipients-in-table": Layout(signatures="table-recipients"),
}

#: A single-body state plan made from the Thanh Hóa example: its first body and signature.
SINGLE_BODY = "thanh-hoa-2023-single-body"

#: The three-body example with `a)` lists (and `-` lists under them), as offices nest them.
LETTERED = "ke-hoach-lien-tich-3-co-quan-a-b-c"

EXAMPLE_NAMES = (
    "thanh-hoa-2023",
    "phu-yen-2022",
    "ke-hoach-lien-tich-3-co-quan",
    "ke-hoach-lien-tich-4-co-quan",
    SINGLE_BODY,
    LETTERED,
)


@cache
def example_plan(name: str) -> Plan:
    """The example plan *name* (a stem under examples/, or SINGLE_BODY)."""
    if name == SINGLE_BODY:
        data = example_plan("thanh-hoa-2023").model_dump(mode="json", exclude_none=True)
        data["issuers"] = data["issuers"][:1]
        data["signatures"] = data["signatures"][:1]
        data["number"] = {"number": 5, "type": "KH"}
        return Plan.model_validate(data)
    if name == LETTERED:
        data = example_plan("ke-hoach-lien-tich-3-co-quan").model_dump(
            mode="json", exclude_none=True
        )
        first = data["parts"][1]["items"][0]
        first["items"] = [
            {"text": ["Tổ chức sinh hoạt chuyên đề tại các trường trung học phổ thông."]},
            {
                "text": ["Tổ chức cuộc thi tìm hiểu về phòng, chống ma túy:"],
                "items": [
                    {"text": ["Vòng sơ khảo tại các trường, trong tháng 4 năm 2026;"]},
                    {"text": ["Vòng chung kết cấp tỉnh, trong tháng 6 năm 2026."]},
                ],
            },
            {"text": ["Tuyên truyền trên trang thông tin điện tử của các cơ quan."]},
        ]
        first["list_style"] = "letter"
        return Plan.model_validate(data)
    return planforge.load_plan(EXAMPLES / f"{name}.yaml")


def plan_profile(plan: Plan) -> Profile:
    """The profile a plan is printed by (its own, or the default for its first body)."""
    if plan.profile is not None:
        return load_profile(plan.profile)
    return default_profile(plan.issuers[0].kind, plan.date or _dt.date.today())


def applies(name: str, layout: Layout) -> bool:
    """Whether *layout* is a way to type plan *name* (the bodies split over two columns need
    two bodies)."""
    return layout.header != "table3" or len(example_plan(name).issuers) > 1


def cases() -> list[tuple[str, str]]:
    """Every (example, variant) that applies."""
    return [(n, v) for n in EXAMPLE_NAMES for v, layout in VARIANTS.items() if applies(n, layout)]


# -- the text of a plan, as planforge prints it ---------------------------------------------


@dataclass(frozen=True)
class BodyLine:
    """A paragraph of the body: its role, its label (as printed) and its text after it."""

    role: Literal["plain", "part", "heading", "item", "task"]
    text: str
    label: str | None = None
    style: ListStyle | None = None
    #: which list of siblings it belongs to (a list restarts its automatic numbering)
    list_id: int = 0


@dataclass
class PlanText:
    """Every printed line of a plan, by role, in reading order."""

    issuers: list[list[str]]  # each body's lines (a joint header's ` -` kept)
    issuer_mark: list[str]  # the Party header's `*`
    motto: list[str]
    number: str
    place_date: str
    type_name: str
    summary: list[str]  # with the Party summary's `-----`
    body: list[BodyLine]
    signatures: list[list[str]]  # each block's lines, the signer's name last
    recipients_label: str
    recipients: list[str] = field(default_factory=list)


def _paragraphs(container: Any, document: Any) -> Iterator[Paragraph]:
    for p in container.iter(qn("w:p")):
        yield Paragraph(p, document)


def _style_name(para: Paragraph) -> str:
    style = para.style
    return style.name if style is not None and style.name is not None else ""


def _label_pattern(style: ListStyle) -> str:
    return {
        ListStyle.ROMAN: r"[IVXLC]+\.",
        ListStyle.DECIMAL: r"\d+\.",
        ListStyle.NESTED: r"(?:\d+\.){2,}",
        ListStyle.LETTER: r"[a-zđ]\)",
        ListStyle.DASH: r"-",
        ListStyle.PLUS: r"\+",
    }[style]


class _Walk:
    """The body of a plan walked as planforge prints it: which paragraph is what."""

    def __init__(self, plan: Plan, profile: Profile) -> None:
        self.numbering = profile.numbering
        self.task_style = profile.tasks.bullet
        self.lines: list[tuple[str, ListStyle | None, int]] = []
        self.lists = 0

    def new_list(self) -> int:
        self.lists += 1
        return self.lists

    def items(self, items: Sequence[Item], style: ListStyle) -> None:
        list_id = self.new_list()
        for item in items:
            if item.title is not None:
                self.lines.append(("heading", style, list_id))
                self.lines += [("plain", None, 0)] * len(item.text)
            else:
                self.lines.append(("item", style, list_id))
                self.lines += [("plain", None, 0)] * (len(item.text) - 1)
            if item.task is not None:
                tasks = self.new_list()
                count = 1 + bool(item.task.coordinating) + bool(item.task.timeline)
                self.lines += [("task", self.task_style, tasks)] * count
            if item.items:
                self.items(item.items, item.list_style or self.numbering.after[style])

    def walk(self, plan: Plan) -> list[tuple[str, ListStyle | None, int]]:
        self.lines += [("plain", None, 0)] * len(plan.preamble)
        for part in plan.parts:
            self.lines.append(("part", self.numbering.part, 0))
            self.lines += [("plain", None, 0)] * len(part.text)
            if part.items:
                self.items(part.items, part.list_style or self.numbering.first_level)
        self.lines += [("plain", None, 0)] * len(plan.closing)
        return self.lines


def _strip_joint_dash(line: str) -> str:
    return line[:-2] if line.endswith(" -") else line


@cache
def plan_text(name: str) -> PlanText:
    """The text of example *name* as planforge prints it, each line with its role."""
    plan = example_plan(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", planforge.PlanWarning)
        rendered = planforge.render_plan(plan)
    document = docx.Document(io.BytesIO(rendered))
    body = document.element.body
    by_style: dict[str, list[str]] = {}
    for para in _paragraphs(body, document):
        by_style.setdefault(_style_name(para), []).append(para.text)
    issuers: list[list[str]] = [[]]
    for line in by_style["PF Issuer"]:
        issuers[-1].append(line)
        if line.endswith(" -"):
            issuers.append([])
    assert len(issuers) == len(plan.issuers), f"{name}: issuer lines {issuers}"
    # the body: paragraphs outside tables after the summary, as many as the walk says
    profile = plan_profile(plan)
    walk = _Walk(plan, profile).walk(plan)
    printed = [
        Paragraph(p, document)
        for p in body.findall(qn("w:p"))
        if _style_name(Paragraph(p, document)).startswith(
            ("PF Body", "PF Part", "PF Item", "PF Closing")
        )
        and Paragraph(p, document).text.strip()
    ]
    assert len(printed) == len(walk), f"{name}: {len(printed)} body paragraphs, walk {len(walk)}"
    lines: list[BodyLine] = []
    for para, (role, style, list_id) in zip(printed, walk, strict=True):
        text = para.text
        label = None
        if role != "plain":
            assert style is not None
            match = re.match(rf"^({_label_pattern(style)}) (.*)$", text, re.S)
            assert match is not None, f"{name}: {style} label expected in {text[:40]!r}"
            label, text = match.group(1), match.group(2)
        lines.append(BodyLine(role, text, label, style, list_id))  # type: ignore[arg-type]
    # signature blocks: the signature table's cells, in order
    signatures: list[list[str]] = []
    tables = body.findall(qn("w:tbl"))
    recipients_label, recipients = "", []
    for tc in tables[-1].iter(qn("w:tc")):
        block = []
        for para in _paragraphs(tc, document):
            role = _style_name(para)
            if role.startswith(("PF Signature", "PF Signer")) and para.text.strip():
                block.append(para.text)
            elif role == "PF Recipients Label":
                recipients_label = para.text
            elif role.startswith("PF Recipient") and para.text.strip():
                recipients.append(para.text)
        if block:
            signatures.append(block)
    signers = [s.signer for s in plan.signatures]
    assert [b[-1] for b in signatures] == signers, f"{name}: blocks {signatures}"
    return PlanText(
        issuers=issuers,
        issuer_mark=[m for m in by_style.get("PF Issuer Mark", []) if m.strip()],
        motto=[m for s in ("PF Motto 1", "PF Motto 2") for m in by_style.get(s, [])],
        number=by_style["PF Number"][0],
        place_date=by_style["PF Place Date"][0],
        type_name=by_style["PF Type Name"][0],
        summary=by_style["PF Summary"] + [m for m in by_style.get("PF Summary Mark", []) if m],
        body=lines,
        signatures=signatures,
        recipients_label=recipients_label,
        recipients=recipients,
    )


# -- typing it into Word ---------------------------------------------------------------------

TEXT_WIDTH_CM = 16.0  # A4, margins 3 cm left and 2 cm right


def _new_document() -> WordDocument:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), "Times New Roman")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    return document


def _fill(
    para: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> Paragraph:
    if text:
        run = para.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        para.alignment = align
    return para


def _cell_lines(cell: _Cell, lines: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Fill a cell with lines (text, formatting): its first paragraph, then new ones."""
    for n, (text, fmt) in enumerate(lines):
        para = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        _fill(para, text, **fmt)


def _set_widths(table: Any, widths_cm: Sequence[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def _number_line(text: PlanText, broken: bool) -> str:
    one_line = text.number.replace("\n", "")
    if not broken:
        return one_line
    slash = one_line.index("/")
    return f"{one_line[: slash + 1]}\n{one_line[slash + 1 :]}"


def _header_columns(
    text: PlanText, number_break: bool
) -> tuple[list[tuple[str, dict[str, Any]]], ...]:
    """(bodies, motto) lines with their formatting, and the number and date lines."""
    bodies = [(line, {"bold": True, "size": 13}) for lines in text.issuers for line in lines]
    bodies += [(m, {"bold": True, "size": 13}) for m in text.issuer_mark]
    motto = [
        (line, {"bold": True, "size": 13 if k == 0 else 14}) for k, line in enumerate(text.motto)
    ]
    number = [(_number_line(text, number_break), {"size": 13})]
    date = [(text.place_date, {"italic": True, "size": 14})]
    return bodies, motto, number, date


def _pad(lines: list[Any], length: int, blank: Any) -> list[Any]:
    return lines + [blank] * (length - len(lines))


def _header(document: WordDocument, text: PlanText, layout: Layout) -> None:
    way = layout.header
    bodies, motto, number, date = _header_columns(text, layout.number_break)
    blank: tuple[str, dict[str, Any]] = ("", {})
    if way == "table2":
        table = document.add_table(rows=1, cols=2)
        top = max(len(bodies), len(motto))
        _cell_lines(table.cell(0, 0), [*_pad(bodies, top, blank), *number])
        _cell_lines(table.cell(0, 1), [*_pad(motto, top, blank), *date])
        _set_widths(table, [6.5, 9.5])
        _center_cells(table)
    elif way == "table3":
        table = document.add_table(rows=2, cols=3)
        half = (len(text.issuers) + 1) // 2
        columns = []
        for group in (text.issuers[:half], text.issuers[half:]):
            lines = [line for body in group for line in body]
            lines[-1] = _strip_joint_dash(lines[-1])
            columns.append([(line, {"bold": True, "size": 12}) for line in lines])
        columns[0] += [(m, {"bold": True, "size": 12}) for m in text.issuer_mark]
        _cell_lines(table.cell(0, 0), columns[0])
        _cell_lines(table.cell(0, 1), columns[1])
        _cell_lines(table.cell(0, 2), motto)
        numbers = table.cell(1, 0).merge(table.cell(1, 1))
        _cell_lines(numbers, number)
        _cell_lines(table.cell(1, 2), date)
        _set_widths(table, [4.6, 4.6, 7.8])
        _center_cells(table)
    else:
        top = max(len(bodies), len(motto))
        left = [*_pad(bodies, top, blank), *number]
        right = [*_pad(motto, top, blank), *date]
        for (ltext, lfmt), (rtext, rfmt) in zip(left, right, strict=True):
            para = document.add_paragraph()
            stops = para.paragraph_format.tab_stops
            if way == "center-tabs":
                stops.add_tab_stop(Cm(3.3), WD_TAB_ALIGNMENT.CENTER)
                para.add_run("\t")
            stops.add_tab_stop(Cm(11.3), WD_TAB_ALIGNMENT.CENTER)
            _fill(para, ltext, **lfmt)
            para.add_run("\t")
            _fill(para, rtext, **rfmt)
    document.add_paragraph()


def _center_cells(table: Any) -> None:
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.alignment = CENTER


# automatic numbering --------------------------------------------------------------------------

_NUM_FORMATS = {
    ListStyle.LETTER: ("lowerLetter", "%1)"),
    ListStyle.DASH: ("bullet", "-"),
    ListStyle.PLUS: ("bullet", "+"),
}
_ABSTRACT_BASE = 90


class _Numbering:
    """Word automatic numbering definitions appended to a document's numbering part."""

    def __init__(self, document: WordDocument) -> None:
        self.root = document.part.numbering_part.element
        self.abstract: dict[ListStyle, int] = {}
        self.nums: dict[int, int] = {}  # list id -> numId
        self.next_num = 90

    def _abstract(self, style: ListStyle) -> int:
        if style not in self.abstract:
            ident = _ABSTRACT_BASE + len(self.abstract)
            fmt, text = _NUM_FORMATS[style]
            element = parse_xml(
                f"<w:abstractNum {nsdecls('w')} w:abstractNumId='{ident}'>"
                "<w:multiLevelType w:val='singleLevel'/>"
                "<w:lvl w:ilvl='0'><w:start w:val='1'/>"
                f"<w:numFmt w:val='{fmt}'/><w:lvlText w:val='{text}'/>"
                "<w:lvlJc w:val='left'/>"
                "<w:pPr><w:ind w:left='0' w:firstLine='567'/></w:pPr>"
                "<w:rPr><w:rFonts w:ascii='Times New Roman' w:hAnsi='Times New Roman'/></w:rPr>"
                "</w:lvl></w:abstractNum>"
            )
            first_num = self.root.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(element)
            else:
                self.root.append(element)
            self.abstract[style] = ident
        return self.abstract[style]

    def num_id(self, style: ListStyle, list_id: int) -> int:
        """The numId of list *list_id* (a letter list restarts at a); bullets share one."""
        key = list_id if style is ListStyle.LETTER else -list(_NUM_FORMATS).index(style) - 1
        if key not in self.nums:
            abstract = self._abstract(style)
            ident = self.next_num
            self.next_num += 1
            override = (
                "<w:lvlOverride w:ilvl='0'><w:startOverride w:val='1'/></w:lvlOverride>"
                if style is ListStyle.LETTER
                else ""
            )
            self.root.append(
                parse_xml(
                    f"<w:num {nsdecls('w')} w:numId='{ident}'>"
                    f"<w:abstractNumId w:val='{abstract}'/>{override}</w:num>"
                )
            )
            self.nums[key] = ident
        return self.nums[key]


def _number_paragraph(para: Paragraph, num_id: int) -> None:
    ppr = para._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    num_pr.append(ilvl)
    num_pr.append(num)
    ppr.insert(0, num_pr)


def _body(document: WordDocument, text: PlanText, way: LabelWay) -> None:
    numbering = _Numbering(document) if way == "auto" else None
    for line in text.body:
        para = document.add_paragraph()
        para.alignment = JUSTIFY
        para.paragraph_format.first_line_indent = Cm(1)
        para.paragraph_format.space_before = Pt(6)
        bold = line.role in ("part", "heading")
        if line.label is None:
            _fill(para, line.text, bold=bold)
            continue
        if numbering is not None and line.style in _NUM_FORMATS:
            assert line.style is not None
            _number_paragraph(para, numbering.num_id(line.style, line.list_id))
            para.paragraph_format.first_line_indent = None
            _fill(para, line.text, bold=bold)
            continue
        gap = "\t" if way == "tab" else " "
        _fill(para, f"{line.label}{gap}{line.text}", bold=bold)


def _title(document: WordDocument, text: PlanText) -> None:
    _fill(document.add_paragraph(), text.type_name, bold=True, align=CENTER)
    for line in text.summary:
        _fill(document.add_paragraph(), line, bold=True, align=CENTER)
    document.add_paragraph()


# signatures and recipients -------------------------------------------------------------------

SIGNATURE_SPACE = 3  # empty lines left for the hand signature


def _block_lines(block: list[str]) -> list[tuple[str, dict[str, Any]]]:
    lines: list[tuple[str, dict[str, Any]]] = [(line, {"bold": True}) for line in block[:-1]]
    lines += [("", {})] * SIGNATURE_SPACE
    lines.append((block[-1], {"bold": True}))
    return lines


def _recipient_lines(text: PlanText) -> list[tuple[str, dict[str, Any]]]:
    lines: list[tuple[str, dict[str, Any]]] = [
        (text.recipients_label, {"bold": True, "italic": True, "size": 12})
    ]
    lines += [(line, {"size": 11}) for line in text.recipients]
    return lines


def _signatures(document: WordDocument, text: PlanText, way: SignatureWay) -> None:
    blocks = text.signatures
    pairs = [blocks[k : k + 2] for k in range(0, len(blocks), 2)]
    if way == "table-recipients" and len(blocks) == 1:
        # a single body's signature: `Nơi nhận:` at the left, the block at the right
        table = document.add_table(rows=1, cols=2)
        _cell_lines(table.cell(0, 0), _recipient_lines(text))
        _cell_lines(table.cell(0, 1), _block_lines(blocks[0]))
        for para in table.cell(0, 1).paragraphs:
            para.alignment = CENTER
        _set_widths(table, [8.0, 8.0])
    elif way in ("table", "table-recipients"):
        rows = len(pairs) + (way == "table-recipients")
        table = document.add_table(rows=rows, cols=2)
        for r, pair in enumerate(pairs):
            if len(pair) == 1 and len(blocks) > 1:
                cell = table.cell(r, 0).merge(table.cell(r, 1))
                _cell_lines(cell, _block_lines(pair[0]))
                continue
            for c, block in enumerate(pair):
                _cell_lines(table.cell(r, c), _block_lines(block))
        _center_cells(table)
        if way == "table-recipients":
            _cell_lines(table.cell(rows - 1, 0), _recipient_lines(text))
            for para in table.cell(rows - 1, 0).paragraphs:
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _set_widths(table, [8.0, 8.0])
    else:
        for pair in pairs:
            if len(pair) == 1:
                for line, fmt in _block_lines(pair[0]):
                    _fill(document.add_paragraph(), line, align=CENTER, **fmt)
                continue
            # the top lines side by side, the signers' names on one line
            tops = [b[:-1] for b in pair]
            height = max(len(t) for t in tops)
            lines = [list(r) for r in zip(*(_pad(t, height, "") for t in tops), strict=True)]
            lines += [["", ""]] * SIGNATURE_SPACE
            lines.append([b[-1] for b in pair])
            for row in lines:
                para = document.add_paragraph()
                stops = para.paragraph_format.tab_stops
                stops.add_tab_stop(Cm(4), WD_TAB_ALIGNMENT.CENTER)
                stops.add_tab_stop(Cm(12), WD_TAB_ALIGNMENT.CENTER)
                if any(row):
                    para.add_run("\t")
                    _fill(para, row[0], bold=True)
                    para.add_run("\t")
                    _fill(para, row[1], bold=True)
    if way != "table-recipients":
        document.add_paragraph()
        for line, fmt in _recipient_lines(text):
            _fill(document.add_paragraph(), line, **fmt)


def build_docx(name: str, layout: Layout) -> bytes:
    """Example plan *name* typed into Word in *layout*'s ways, as .docx bytes."""
    text = plan_text(name)
    document = _new_document()
    _header(document, text, layout)
    _title(document, text)
    _body(document, text, layout.labels)
    document.add_paragraph()
    _signatures(document, text, layout.signatures)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- LibreOffice --------------------------------------------------------------------------------


def libreoffice_resave(
    soffice: str, sources: Sequence[Path], outdir: Path, profile: Path, timeout: float = 120
) -> list[Path]:
    """*sources* opened and saved again as .docx by LibreOffice (one run), into *outdir*."""
    outdir.mkdir(parents=True, exist_ok=True)
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "docx",
        "--outdir",
        str(outdir),
        *map(str, sources),
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RuntimeError(
            f"LibreOffice did not convert {len(sources)} file(s) in {timeout} s"
        ) from None
    if proc.returncode != 0:
        raise RuntimeError(f"LibreOffice failed: {err.decode(errors='replace')}")
    results = [outdir / Path(s).name for s in sources]
    missing = [r for r in results if not r.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not produce {missing}")
    return results
