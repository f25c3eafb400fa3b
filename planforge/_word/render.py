"""Render a context into a .docx: docxtpl in the sandbox, then the layout the profile asks."""

from __future__ import annotations

import functools
import io
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError

from .._errors import TemplateError
from .._profiles import Profile, Rule, builtin_profiles, load_profile
from .builder import RULE_STYLES, build_template, text_width_twips
from .isolation import RenderLimits, run_limited
from .jinja import MAX_VALUE_LENGTH, properties_environment, sandboxed_environment
from .measure import text_width_pt
from .ooxml import order_table_properties
from .safety import check_docx_archive

__all__ = ["default_template", "render_docx", "templates_dir"]


def templates_dir() -> Traversable | Path:
    """Where the default templates are: inside the installed package, or the source tree's."""
    packaged = resources.files("planforge").joinpath("templates")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@functools.cache
def _built(profile_json: str) -> bytes:
    return build_template(Profile.model_validate_json(profile_json))


def default_template(profile: Profile) -> bytes:
    """The shipped template of a built-in profile, or one built for a customized profile."""
    if profile.name in builtin_profiles() and profile == load_profile(profile.name):
        shipped = templates_dir().joinpath(f"{profile.name}.docx")
        if shipped.is_file():
            return shipped.read_bytes()
    return _built(profile.model_dump_json())


#: Caption (alt-text title) marking a table whose columns a `{%tc for %}` loop makes.
COLUMN_LOOP_TABLE = "planforge:column-loop"
#: Largest XML a template part may render to (a whole plan's body is a few hundred KiB).
MAX_RENDERED_PART = 16 * 1024 * 1024
_PROPERTIES = (
    "author", "category", "comments", "content_status", "identifier", "keywords", "language",
    "last_modified_by", "subject", "title", "version",
)  # fmt: skip
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class _PlanTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl, with every part rendered exactly once and no output part grown unbounded."""

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        xml: str = super().render_xml_part(src_xml, part, context, jinja_env)
        if len(xml) > MAX_RENDERED_PART:
            raise TemplateError(
                f"renders to {len(xml) // 1_048_576} MiB of XML (limit "
                f"{MAX_RENDERED_PART // 1_048_576} MiB)",
                part=str(part.partname) if part is not None else "",
            )
        return xml

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        # python-docx escapes properties when it saves them: render without autoescape
        env = properties_environment()
        props = self.docx.core_properties
        for prop in _PROPERTIES:
            value = getattr(props, prop)
            if isinstance(value, str) and ("{{" in value or "{%" in value):
                rendered = env.from_string(value).render(context)
                if len(rendered) > MAX_VALUE_LENGTH:
                    raise TemplateError(f"document property {prop} renders too long")
                setattr(props, prop, rendered)

    def render_footnotes(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        # docxtpl renders the footnotes part once per section: a second pass would run plan
        # text as template code
        for part in self.docx.part.package.parts:
            if part.content_type == _FOOTNOTES:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                xml = self.render_xml_part(self.patch_xml(blob), part, context, jinja_env)
                part._blob = xml.encode("utf-8")


def render_docx(
    context: dict[str, Any],
    profile: Profile,
    *,
    template: bytes | None = None,
    template_name: str = "",
    limits: RenderLimits | None = None,
) -> bytes:
    """Fill *template* (default: the profile's) with *context* and return the .docx bytes.

    A template from a user is checked before it is opened and rendered in a child process
    with a time and a memory limit.
    """
    if template is None:
        return _render(context, profile, default_template(profile), f"built-in {profile.name}")
    name = template_name or "template"
    check_docx_archive(template, name=name)
    return run_limited(
        lambda: _render(context, profile, template, name),
        limits=limits or RenderLimits(),
        name=name,
    )


def _render(context: dict[str, Any], profile: Profile, source: bytes, name: str) -> bytes:
    tpl: Any = None
    try:
        tpl = _PlanTemplate(io.BytesIO(source))
        tpl.init_docx()
        _mark_column_loops(tpl.docx)
        tpl.render(context, jinja_env=sandboxed_environment(), autoescape=False)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template syntax error: {exc.message}",
            file=name,
            part=_part_name(tpl),
            context=_docx_context(exc),
        ) from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"the template uses a variable the plan does not provide: {exc.message} "
            "(planforge template check FILE lists every such problem)",
            file=name,
            part=_part_name(tpl),
        ) from exc
    except SecurityError as exc:
        raise TemplateError(
            f"refused by the sandbox: {exc}", file=name, part=_part_name(tpl)
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template error: {exc}", file=name, part=_part_name(tpl)) from exc
    except TemplateError as exc:
        if exc.file is not None:
            raise
        raise TemplateError(
            exc.message, file=name, part=exc.part, line=exc.line, context=exc.context
        ) from exc
    doc = tpl.docx
    _size_rules(doc, profile)
    _fit_column_loops(doc)
    order_table_properties(doc.element.body)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _part_name(tpl: Any) -> str:
    part = getattr(tpl, "current_rendering_part", None)
    return str(part.partname) if part is not None else ""


def _docx_context(exc: Exception) -> str:
    lines = getattr(exc, "docx_context", None)
    if not lines:
        return ""
    text = " ".join(re.sub(r"\s+", " ", line).strip() for line in lines)
    return text.strip()[:300]


# -- layout after rendering ------------------------------------------------------------------


def _style_value(style: Any, attr: str) -> Any:
    while style is not None:
        value = getattr(style.font, attr)
        if value is not None:
            return value
        style = style.base_style
    return None


def _container_width(p_el: Any, text_width: int) -> int:
    tc = p_el.getparent()
    if tc is not None and tc.tag == qn("w:tc"):
        tc_w = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
        if tc_w is not None and tc_w.get(qn("w:type")) in (None, "dxa"):
            # a cell's text area is its width less the default cell margins (2 × 108 twips)
            return max(int(tc_w.get(qn("w:w"))) - 216, 0)
    return text_width


def _size_rules(doc: Any, profile: Profile) -> None:
    """Set each rule paragraph's indents so the line is as long as the profile says."""
    rules: dict[str, Rule] = {
        RULE_STYLES["motto"]: profile.header.motto_rule,
        RULE_STYLES["issuer"]: profile.header.issuer_rule,
        RULE_STYLES["summary"]: profile.title_format.summary_rule,
    }
    text_width = text_width_twips(profile)
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    for para in paragraphs:
        rule = rules.get(para.style.name if para.style is not None else "")
        if rule is None:
            continue
        measured = _text_above_twips(para)
        if measured is None:
            continue
        available = _container_width(para._p, text_width)
        length = min(measured, available) * rule.fraction
        indent = int(max(available - length, 0) / 2)
        para.paragraph_format.left_indent = Pt(indent / 20)
        para.paragraph_format.right_indent = Pt(indent / 20)
        para.paragraph_format.first_line_indent = Pt(0)


def _text_above_twips(para: Any) -> float | None:
    """Widest line of the run of same-styled paragraphs right above *para*."""
    from docx.text.paragraph import Paragraph

    sibling = para._p.getprevious()
    style_id = None
    widest = None
    while sibling is not None and sibling.tag == qn("w:p"):
        above = Paragraph(sibling, para._parent)
        text = above.text
        if not text.strip():
            sibling = sibling.getprevious()
            continue
        if style_id is None:
            style_id = above.style.style_id if above.style is not None else ""
        elif (above.style.style_id if above.style is not None else "") != style_id:
            break
        size = _style_value(above.style, "size") or Pt(13)
        bold = bool(_style_value(above.style, "bold"))
        width = text_width_pt(text, size.pt, bold=bold) * 20
        widest = width if widest is None else max(widest, width)
        sibling = sibling.getprevious()
    return widest


def _mark_column_loops(doc: Any) -> None:
    """Caption every table that repeats its columns (`{%tc for ... %}`), before rendering.

    The caption survives docxtpl's re-parse, so the table can be found again afterwards;
    LibreOffice drops captions when it saves, so this is done on every render.
    """
    for tbl in doc.element.body.iter(qn("w:tbl")):
        text = "".join(t.text or "" for t in tbl.iter(qn("w:t")))
        if "{%tc" not in text.replace(" ", ""):
            continue
        tbl_pr = tbl.find(qn("w:tblPr"))
        if tbl_pr is None or tbl_pr.find(qn("w:tblCaption")) is not None:
            continue
        caption = tbl_pr.makeelement(qn("w:tblCaption"), {qn("w:val"): COLUMN_LOOP_TABLE})
        # CT_TblPr's sequence ends with tblCaption, tblDescription
        description = tbl_pr.find(qn("w:tblDescription"))
        if description is not None:
            description.addprevious(caption)
        else:
            tbl_pr.append(caption)


def _fit_column_loops(doc: Any) -> None:
    """Share a column-loop table's width equally among the columns the loop made."""
    for tbl in doc.element.body.iter(qn("w:tbl")):
        caption = tbl.find(qn("w:tblPr") + "/" + qn("w:tblCaption"))
        if caption is None or caption.get(qn("w:val")) != COLUMN_LOOP_TABLE:
            continue
        rows = tbl.findall(qn("w:tr"))
        # the looped row has one cell per item; rows below may span them all
        count = max((len(r.findall(qn("w:tc"))) for r in rows), default=0)
        grid = tbl.find(qn("w:tblGrid"))
        if count == 0 or grid is None:
            continue
        total = sum(int(c.get(qn("w:w"), "0")) for c in grid.findall(qn("w:gridCol")))
        share = total // count
        for col in grid.findall(qn("w:gridCol")):
            grid.remove(col)
        for _ in range(count):
            grid.append(grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(share)}))
        for row in rows:
            for tc in row.findall(qn("w:tc")):
                span = tc.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
                cols = int(span.get(qn("w:val"))) if span is not None else 1
                tc_w = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
                if tc_w is not None:
                    tc_w.set(qn("w:w"), str(share * cols))
                    tc_w.set(qn("w:type"), "dxa")
