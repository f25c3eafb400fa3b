"""Build the default Word template of a profile, reproducibly, from the profile's values.

`python -m planforge._word.builder DIR` writes one template per built-in profile; the committed
files in `templates/` are tested to equal what this builds.
"""

from __future__ import annotations

import datetime as _dt
import io
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .._profiles import STYLE_ROLES, Align, Profile, Rule, builtin_profiles, load_profile
from .ooxml import insert_in_order, order_table_properties

__all__ = [
    "CLOSING_STYLE",
    "HEADER_TABLE",
    "RULE_STYLES",
    "SIGNATURE_ROLES",
    "SIGNATURE_ROWS_TABLE",
    "SIGNATURE_TABLE",
    "build_template",
    "kind_style_name",
    "style_name",
    "text_width_twips",
]

#: Paragraph styles of the lines drawn under the motto, the issuer and the summary.
RULE_STYLES = {"motto": "PF Rule Motto", "issuer": "PF Rule Issuer", "summary": "PF Rule Summary"}
#: The roles of a signature block's lines, styled per kind of body.
SIGNATURE_ROLES = ("signature_authority", "signature_position", "signer")
#: Paragraph style of the closing text (the body's style; named so a reader finds it).
CLOSING_STYLE = "PF Closing"
#: Captions (alt-text titles) of the tables the layout step finds again after rendering.
HEADER_TABLE = "planforge:header"
SIGNATURE_TABLE = "planforge:signature"
SIGNATURE_ROWS_TABLE = "planforge:signatures"

_ALIGN = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
    Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_FIXED_TIME = _dt.datetime(2020, 1, 1, tzinfo=_dt.UTC)


def _name(style: Any) -> str:
    name = style.find(qn("w:name"))
    return name.get(qn("w:val"), "") if name is not None else ""


def _xml_parts(doc: Any) -> list[Any]:
    """The body and every header and footer element of *doc*."""
    parts = [doc.element]
    for section in doc.sections:
        for kind in (
            "header",
            "first_page_header",
            "even_page_header",
            "footer",
            "first_page_footer",
            "even_page_footer",
        ):
            part = getattr(section, kind)
            if not part.is_linked_to_previous:
                parts.append(part._element)
    return parts


def style_name(role: str) -> str:
    """`place_date` -> `PF Place Date`: the Word style of an element role."""
    return "PF " + " ".join(w.capitalize() for w in role.split("_"))


def kind_style_name(role: str, kind: str) -> str:
    """`PF Signature Position (party)`: a signature style as a body of *kind* signs."""
    return f"{style_name(role)} ({kind})"


def text_width_twips(profile: Profile) -> int:
    page = profile.page
    return int(Mm(page.width_mm - page.margin_left_mm - page.margin_right_mm).twips)


def build_template(profile: Profile) -> bytes:
    """The default template for *profile* as .docx bytes; the same profile gives the same parts."""
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _document_defaults(doc, profile)
    _styles(doc, profile)
    _page(doc, profile)
    width = text_width_twips(profile)
    _header_block(doc, profile, width)
    _title_block(doc, profile)
    _body_block(doc)
    _signature_block(doc, width)
    props = doc.core_properties
    # properties are template text too: they render with the plan
    props.title = "{{ title.summary|join(' ') }}"
    props.subject = "{{ title.type_name }}"
    props.author = "{{ issuers|map(attribute='name')|join(', ') }}"
    props.last_modified_by = "planforge"
    props.comments = f"planforge template for profile {profile.name} {profile.version}"
    props.created = props.modified = _FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    _drop_leftovers(doc)
    out = io.BytesIO()
    doc.save(out)
    return _deterministic_zip(out.getvalue())


def _drop_leftovers(doc: Any) -> None:
    """python-docx's starting document carries a Word 2010 copy of the styles (438 KB that
    Word rebuilds), a thumbnail of an empty page, which file managers would show for every
    plan, and some 160 style definitions (mostly table styles) no plan uses, which every reader
    of a plan would parse: a plan has none of them. Word keeps offering its built-in styles
    through the latent-style list, which stays."""
    root = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
    used = {
        sid
        for sid, s in by_id.items()
        if s.get(qn("w:default")) in ("1", "true") or _name(s).startswith("PF ")
    }
    for part in _xml_parts(doc):
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used |= {el.get(qn("w:val")) for el in part.iter(qn(tag))}
    pending = list(used)
    while pending:  # the styles those are based on, linked to, followed by
        style = by_id.get(pending.pop())
        if style is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = style.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in used:
                used.add(ref.get(qn("w:val")))
                pending.append(ref.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in used:
            root.remove(style)
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rel_id)


def _deterministic_zip(data: bytes) -> bytes:
    """The same zip with fixed member timestamps, so a rebuild gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# -- document-wide settings ---------------------------------------------------------------


def _fonts_element(font: str) -> Any:
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    return fonts


def _document_defaults(doc: Any, profile: Profile) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, _fonts_element(profile.font))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name = profile.font
    normal.font.size = Pt(profile.style("body").size)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), profile.font)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), profile.font)
    normal.paragraph_format.space_after = Pt(0)


def _styles(doc: Any, profile: Profile) -> None:
    for role in STYLE_ROLES:
        spec = profile.style(role)
        style = doc.styles.add_style(style_name(role), WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        font = style.font
        font.name = profile.font
        font.size = Pt(spec.size)
        font.bold = spec.bold
        font.italic = spec.italic
        font.underline = spec.underline
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), profile.font)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), profile.font)
        fmt = style.paragraph_format
        fmt.alignment = _ALIGN[spec.align]
        fmt.space_before = Pt(spec.space_before)
        fmt.space_after = Pt(spec.space_after)
        if spec.line_spacing_pt is not None:
            fmt.line_spacing = Pt(spec.line_spacing_pt)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        else:
            fmt.line_spacing = spec.line_spacing
        fmt.first_line_indent = Cm(spec.first_line_indent_cm) if spec.first_line_indent_cm else None
        fmt.keep_with_next = spec.keep_with_next
        fmt.widow_control = True
    # each block of a joint plan signs by its own body's rules: a style per kind and role
    for kind in profile.signature.signing_kinds():
        changes = profile.signature.kind_styles.get(kind, {})
        for role in SIGNATURE_ROLES:
            base = doc.styles[style_name(role)]
            style = doc.styles.add_style(kind_style_name(role, kind), WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = base
            style.quick_style = True
            change = changes.get(role)
            if change is None:
                continue
            for field in ("bold", "italic", "underline"):
                value = getattr(change, field)
                if value is not None:
                    setattr(style.font, field, value)
            if change.size is not None:
                style.font.size = Pt(change.size)
    rules: dict[str, Rule] = {
        "motto": profile.header.motto_rule,
        "issuer": profile.header.issuer_rule,
        "summary": profile.title_format.summary_rule,
    }
    closing = doc.styles.add_style(CLOSING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    closing.base_style = doc.styles[style_name("body")]
    closing.quick_style = True
    for key, name in RULE_STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[style_name("rule")]
        style.paragraph_format.line_spacing = Pt(profile.style("rule").size)
        _bottom_border(style.element.get_or_add_pPr(), rules[key].weight_pt)


def _bottom_border(ppr: Any, weight_pt: float) -> None:
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(max(2, round(weight_pt * 8))))  # eighths of a point
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    border.append(bottom)
    insert_in_order(ppr, border)


def _page(doc: Any, profile: Profile) -> None:
    page = profile.page
    section = doc.sections[0]
    section.page_width = Mm(page.width_mm)
    section.page_height = Mm(page.height_mm)
    section.top_margin = Mm(page.margin_top_mm)
    section.bottom_margin = Mm(page.margin_bottom_mm)
    section.left_margin = Mm(page.margin_left_mm)
    section.right_margin = Mm(page.margin_right_mm)
    section.header_distance = Mm(page.header_distance_mm)
    section.footer_distance = Mm(page.header_distance_mm)
    if page.mirror_margins:  # left and right become inside and outside: they swap on back pages
        insert_in_order(doc.settings.element, OxmlElement("w:mirrorMargins"))
    # page numbers from page 2 on: a different (empty) first-page header
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.style = doc.styles[style_name("page_number")]
    para = section.header.paragraphs[0]
    para.style = doc.styles[style_name("page_number")]
    run = para.add_run()
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)


# -- building blocks ------------------------------------------------------------------------


def _para(container: Any, role_or_style: str, text: str = "") -> Any:
    name = role_or_style if role_or_style.startswith("PF ") else style_name(role_or_style)
    return container.add_paragraph(text, style=name)


def _tags(
    container: Any, role: str, open_tag: str, body: Iterable[tuple[str, str]], close_tag: str
) -> None:
    """`{%p open %}` + body paragraphs + `{%p close %}` (the tag paragraphs vanish on render)."""
    _para(container, role, "{%p " + open_tag + " %}")
    for body_role, text in body:
        _para(container, body_role, text)
    _para(container, role, "{%p " + close_tag + " %}")


def _table(doc: Any, widths: list[int], rows: int, caption: str | None = None) -> Any:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for tag in ("w:tblStyle",):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)
    layout = tbl_pr.find(qn("w:tblLayout"))  # table.autofit = False made it
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(qn("w:type"), "fixed")
    if caption is not None:  # found again after rendering, by the layout step
        caption_el = OxmlElement("w:tblCaption")
        caption_el.set(qn("w:val"), caption)
        tbl_pr.append(caption_el)
    order_table_properties(tbl)
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        for cell, width in zip(row.cells, widths, strict=True):
            tc_w = cell._tc.get_or_add_tcPr().get_or_add_tcW()
            tc_w.set(qn("w:w"), str(width))
            tc_w.set(qn("w:type"), "dxa")
    return table


def _cell(table: Any, row: int, col: int) -> Any:
    cell = table.cell(row, col)
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    return cell


def _header_block(doc: Any, profile: Profile, width: int) -> None:
    left = int(width * profile.header.left_width)  # the layout step fits it to the motto
    table = _table(doc, [left, width - left], rows=2, caption=HEADER_TABLE)
    issuer = _cell(table, 0, 0)
    _tags(issuer, "parent", "for line in header.parents", [("parent", "{{ line }}")], "endfor")
    _tags(issuer, "issuer", "for line in header.issuers", [("issuer", "{{ line }}")], "endfor")
    if profile.header.issuer_mark is not None:
        _para(issuer, "issuer_mark", "{{ header.issuer_mark }}")
    else:
        _para(issuer, RULE_STYLES["issuer"])
    motto = _cell(table, 0, 1)
    for n in range(len(profile.header.motto)):
        _para(motto, f"motto_{min(n + 1, 2)}", f"{{{{ header.motto[{n}] }}}}")
    _para(motto, RULE_STYLES["motto"])
    number = _cell(table, 1, 0)
    _para(number, "number", "{{ header.number }}")
    _tags(number, "urgency", "if header.urgency", [("urgency", "{{ header.urgency }}")], "endif")
    _para(_cell(table, 1, 1), "place_date", "{{ header.place_date }}")


def _title_block(doc: Any, profile: Profile) -> None:
    _para(doc, "type_name", "{{ title.type_name }}")
    _tags(doc, "summary", "for line in title.summary", [("summary", "{{ line }}")], "endfor")
    if profile.title_format.summary_mark is not None:
        _para(doc, "summary_mark", "{{ title.summary_mark }}")
    else:
        _para(doc, RULE_STYLES["summary"])


def _body_block(doc: Any) -> None:
    _tags(doc, "body", "for text in preamble", [("body", "{{ text }}")], "endfor")
    _para(doc, "body", "{%p for b in blocks %}")
    _para(doc, "body", '{%p if b.kind == "part" %}')
    _para(doc, "part_heading", "{{ b.prefix }}{{ b.text }}")
    _para(doc, "body", '{%p elif b.kind == "heading" %}')
    _para(doc, "item_heading", "{{ b.prefix }}{{ b.text }}")
    _para(doc, "body", "{%p else %}")
    _para(doc, "body", "{{ b.prefix }}{{ b.text }}")
    _para(doc, "body", "{%p endif %}")
    _para(doc, "body", "{%p endfor %}")
    _tags(doc, "body", "for text in closing", [(CLOSING_STYLE, "{{ text }}")], "endfor")


def _signature(cell: Any) -> None:
    _tags(
        cell,
        "signature_authority",
        "for line in sig.authority",
        [("signature_authority", "{{ line }}")],
        "endfor",
    )
    _tags(
        cell,
        "signature_position",
        "if sig.position",
        [("signature_position", "{{ sig.position }}")],
        "endif",
    )
    # the layout step adds the empty lines that bring the names of a row level
    _para(cell, "signer", "{{ sig.signer }}")


def _recipients(cell: Any, label_prefix: str = "") -> None:
    """The recipients list in a table cell (nothing, not a lone label, when there are none)."""
    _para(cell, "recipients_label", "{%p if recipients.lines %}")
    _para(cell, "recipients_label", label_prefix + "{{ recipients.label }}")
    _tags(
        cell, "recipient", "for line in recipients.lines", [("recipient", "{{ line }}")], "endfor"
    )
    _para(cell, "recipient", "{%p endif %}")
    _para(cell, "recipient")  # a cell must keep a paragraph when the list is empty


def _merged_row(table: Any, row: int) -> Any:
    cells = table.rows[row].cells
    merged = cells[0].merge(cells[-1])
    for p in list(merged.paragraphs):
        p._p.getparent().remove(p._p)
    return merged


def _signature_block(doc: Any, width: int) -> None:
    # one signature: recipients at the left, level with it (ND30); several: in rows of the
    # profile's `per_row` (the layout step sizes and centres them), recipients in a last row
    # across the table, so that they follow the signatures
    _para(doc, "body", "{%p if signatures|length == 1 %}")
    half = width // 2
    single = _table(doc, [half, width - half], rows=1, caption=SIGNATURE_TABLE)
    _recipients(_cell(single, 0, 0))
    sig_cell = _cell(single, 0, 1)
    _para(sig_cell, "signature_authority", "{%p for sig in signatures %}")
    _signature(sig_cell)
    _para(sig_cell, "signature_authority", "{%p endfor %}")
    _para(doc, "body", "{%p else %}")
    tag_width = 300
    joint = _table(
        doc, [tag_width, width - 2 * tag_width, tag_width], rows=4, caption=SIGNATURE_ROWS_TABLE
    )
    _para(_merged_row(joint, 0), "signature_authority", "{%tr for row in signature_rows %}")
    _para(_cell(joint, 1, 0), "signature_authority", "{%tc for sig in row %}")
    _signature(_cell(joint, 1, 1))
    _para(_cell(joint, 1, 2), "signature_authority", "{%tc endfor %}")
    _para(_merged_row(joint, 2), "signature_authority", "{%tr endfor %}")
    _recipients(_merged_row(joint, 3), "{% colspan signature_columns %}")
    _para(doc, "body", "{%p endif %}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("templates")
    target.mkdir(parents=True, exist_ok=True)
    for name in builtin_profiles():
        path = target / f"{name}.docx"
        path.write_bytes(build_template(load_profile(name)))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
