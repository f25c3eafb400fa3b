"""Read any .docx into paragraphs with their effective formatting: the one Word reader.

Made for reading documents from anyone (planforge's, Word's, LibreOffice's): the package is read
with a hardened XML parser (no DTD, no entities, no network), and formatting is resolved as Word
resolves it: direct run properties, the character style chain, the paragraph style chain,
document defaults, theme fonts. The audit reads documents through here, and so will the
importer.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .._errors import TemplateError
from .._text import tone_normal

__all__ = [
    "SIGNED_MARK",
    "Paragraph",
    "Run",
    "Section",
    "StyleSheet",
    "WordDocument",
    "fold",
    "parse_xml",
    "read_document",
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
O = "urn:schemas-microsoft-com:office:office"  # noqa: E741
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_MM_PER_TWIP = 25.4 / 1440


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _R, _T, _TBL, _TR, _TC, _SDT = w("p"), w("r"), w("t"), w("tbl"), w("tr"), w("tc"), w("sdt")
_PPR, _RPR, _VAL = w("pPr"), w("rPr"), w("val")

#: The hardened parser every part of a document from outside is read with.
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def parse_xml(blob: bytes, *, part: str, name: str) -> Any:
    """The root element of an XML part; TemplateError for a DTD or XML that does not parse."""
    try:
        root = etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"part {part} is not well-formed XML ({exc})", file=name) from exc
    info: Any = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise TemplateError(
            f"part {part} declares a DTD (an XXE attempt?); Word never writes one", file=name
        )
    return root


#: A signed copy's mark where the signature was: `(Đã ký)`, `Đã ký`, `(ký, đóng dấu)`; not an
#: authority line spelled in words (`KÝ THAY CHỦ TỊCH`). Read past by the audit and the import.
SIGNED_MARK = re.compile(r"^\(\s*(?:đã\s+)?ký\b[^()]*\)$|^\(?\s*đã\s+ký\b[^()]*\)?$", re.IGNORECASE)


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Upper case without diacritics or extra spaces: HÒA, HOÀ and Hoà compare equal."""
    bare = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = bare.replace("\u2013", "-").replace("\u2014", "-").replace("\u2011", "-")
    return (
        re.sub(r"\s+", " ", "".join(c for c in bare if not unicodedata.combining(c)))
        .strip()
        .upper()
    )


# -- the model ---------------------------------------------------------------------------------


@dataclass
class Run:
    """A run of text with its effective formatting."""

    text: str
    font: str | None
    size: float
    bold: bool
    italic: bool
    underline: bool


@dataclass
class Paragraph:
    """A paragraph with its effective formatting, where it stands, and its runs."""

    index: int  # document order among the paragraphs of its part (-1 in headers/footers)
    where: str  # "paragraph 12", "table 1, row 2, cell 1: paragraph 7", "section 1 header"
    text: str  # tabs as \t, line breaks as \n
    runs: list[Run]
    style_id: str | None
    align: str  # left, center, right, justify
    first_line_mm: float  # negative: a hanging indent
    left_mm: float
    space_before_pt: float
    space_after_pt: float
    line_spacing: tuple[str, float]  # ("auto", lines) | ("exact", pt) | ("atLeast", pt)
    border_top: bool
    border_bottom: bool
    has_line_shape: bool  # a drawn line (DrawingML or VML) anchored in the paragraph
    has_page_field: bool
    cell: tuple[int, int, int] | None  # (table, row, column), 1-based, outermost table
    element: Any = field(repr=False)
    #: the label Word's automatic numbering shows before the text (`a)`, `-`, `1.1.`), or ''
    auto_label: str = ""
    #: what follows an automatic label: a tab, a space or nothing
    label_suffix: str = ""
    #: the text box (1-based, document order) the paragraph is in, and the box's left edge
    box: int | None = None
    box_x_pt: float | None = None
    #: the width its lines may take: its cell's less the cell margins (None outside tables)
    width_pt: float | None = None
    #: the name of its paragraph style (`PF Issuer`, `Heading 1`, ...)
    style_name: str = ""
    #: the positions (pt from the left indent) of its own tab stops, and the default interval
    tab_stops_pt: tuple[float, ...] = ()

    @functools.cached_property
    def plain(self) -> str:
        return re.sub(r"\s+", " ", self.text).strip()

    @functools.cached_property
    def folded(self) -> str:
        return fold(self.text)

    @functools.cached_property
    def normal(self) -> str:
        """Upper case with its diacritics, tone marks placed alike (`SỐ` is not `SỞ`)."""
        return tone_normal(self.text)

    @property
    def is_empty(self) -> bool:
        return not self.plain

    @functools.cached_property
    def numbered_text(self) -> str:
        """The text as a reader sees it: an automatic label, then the typed text."""
        if not self.auto_label:
            return self.text
        return f"{self.auto_label}{self.label_suffix or ' '}{self.text}"

    @property
    def container(self) -> tuple[int, ...] | None:
        """Where the paragraph stands: a table cell, a text box, or the body (None)."""
        if self.cell is not None:
            return self.cell
        if self.box is not None:
            return (0, self.box)
        return None

    def text_runs(self) -> list[Run]:
        return [r for r in self.runs if r.text.strip()]

    def sizes(self) -> set[float]:
        return {r.size for r in self.text_runs()}


@dataclass
class Section:
    """A section's page: size and margins (mm), and its headers and footers."""

    index: int
    width_mm: float | None
    height_mm: float | None
    margins_mm: dict[str, float | None]  # top, bottom, left, right
    header_mm: float | None
    title_page: bool
    headers: dict[str, list[Paragraph]]  # default / first / even
    footers: dict[str, list[Paragraph]]


@dataclass
class WordDocument:
    """What a .docx says and how it looks, read once."""

    name: str
    paragraphs: list[Paragraph]
    sections: list[Section]
    mirror_margins: bool
    styles: StyleSheet
    #: the default tab interval (pt) of the document's settings
    default_tab_pt: float = 36.0

    @property
    def text_width_pt(self) -> float:
        """The width between the margins of the last section (A4 and 30/15 mm if unset)."""
        section = self.sections[-1] if self.sections else None
        width = section.width_mm if section and section.width_mm else 210.0
        left = section.margins_mm.get("left") if section else None
        right = section.margins_mm.get("right") if section else None
        return (
            (width - (left if left is not None else 30) - (right if right is not None else 15))
            / 25.4
            * 72
        )

    def header_footer_paragraphs(self) -> Iterator[Paragraph]:
        for section in self.sections:
            for part in (*section.headers.values(), *section.footers.values()):
                yield from part


# -- styles ------------------------------------------------------------------------------------


def _on(el: Any) -> bool | None:
    """A toggle property (w:b, w:i): None when absent."""
    if el is None:
        return None
    return str(el.get(_VAL, "true")).lower() not in ("0", "false", "off", "none")


def _number(value: Any) -> float | None:
    """A numeric attribute; None when absent or not a number (Word would repair it)."""
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class _RunProps:
    font: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None

    def under(self, other: _RunProps) -> _RunProps:
        """These properties, with *other*'s where these have none."""
        return _RunProps(
            self.font if self.font is not None else other.font,
            self.size if self.size is not None else other.size,
            self.bold if self.bold is not None else other.bold,
            self.italic if self.italic is not None else other.italic,
            self.underline if self.underline is not None else other.underline,
        )


@dataclass(frozen=True)
class _ParaProps:
    align: str | None = None
    first_line: float | None = None  # twips, negative for hanging
    left: float | None = None
    before: float | None = None  # twips
    after: float | None = None
    line: float | None = None
    line_rule: str | None = None
    border_top: bool | None = None
    border_bottom: bool | None = None

    def under(self, other: _ParaProps) -> _ParaProps:
        return _ParaProps(
            *(
                mine if mine is not None else theirs
                for mine, theirs in zip(self.values(), other.values(), strict=True)
            )
        )

    def values(self) -> tuple[Any, ...]:
        return (
            self.align,
            self.first_line,
            self.left,
            self.before,
            self.after,
            self.line,
            self.line_rule,
            self.border_top,
            self.border_bottom,
        )


_JC = {
    "both": "justify",
    "distribute": "justify",
    "start": "left",
    "end": "right",
    "left": "left",
    "right": "right",
    "center": "center",
}


class StyleSheet:
    """The styles part, document defaults and theme fonts: the one style-chain resolver."""

    def __init__(self, styles: Any | None, theme_fonts: dict[str, str]) -> None:
        self.theme = theme_fonts
        self.by_id: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        default_rpr = default_ppr = None
        if styles is not None:
            for style in styles.iter(w("style")):
                sid = style.get(w("styleId"))
                if sid is None:
                    continue
                self.by_id[sid] = style
                if style.get(w("type")) == "paragraph" and style.get(w("default")) in (
                    "1",
                    "true",
                ):
                    self.default_paragraph = sid
            defaults = styles.find(w("docDefaults"))
            if defaults is not None:
                default_rpr = defaults.find(f"{w('rPrDefault')}/{_RPR}")
                default_ppr = defaults.find(f"{w('pPrDefault')}/{_PPR}")
        self._default_run = self.run_props(default_rpr)
        self._default_para = self.para_props(default_ppr)
        self._runs: dict[tuple[str | None, str | None], _RunProps] = {}
        self._paras: dict[str | None, _ParaProps] = {}

    # one element's own properties ------------------------------------------------------------

    def run_props(self, rpr: Any) -> _RunProps:
        if rpr is None:
            return _RunProps()
        size = None
        sz = rpr.find(w("sz"))
        if sz is not None:
            half_points = _number(sz.get(_VAL))
            size = half_points / 2 if half_points is not None and half_points > 0 else None
        underline = None
        u = rpr.find(w("u"))
        if u is not None:
            underline = str(u.get(_VAL, "single")).lower() not in ("none", "0", "false")
        return _RunProps(
            self._font(rpr.find(w("rFonts"))),
            size,
            _on(rpr.find(w("b"))),
            _on(rpr.find(w("i"))),
            underline,
        )

    def _font(self, rfonts: Any) -> str | None:
        if rfonts is None:
            return None
        theme = rfonts.get(w("asciiTheme")) or rfonts.get(w("hAnsiTheme"))
        if theme:
            return self.theme.get("major" if theme.startswith("major") else "minor")
        name: str | None = rfonts.get(w("ascii")) or rfonts.get(w("hAnsi"))
        return name

    def para_props(self, ppr: Any) -> _ParaProps:
        if ppr is None:
            return _ParaProps()
        align = first = left = before = after = line = rule = None
        jc = ppr.find(w("jc"))
        if jc is not None:
            align = _JC.get(str(jc.get(_VAL)))
        ind = ppr.find(w("ind"))
        if ind is not None:
            left = _number(ind.get(w("left"), ind.get(w("start"))))
            hanging = _number(ind.get(w("hanging")))
            first = -hanging if hanging is not None else _number(ind.get(w("firstLine")))
        spacing = ppr.find(w("spacing"))
        if spacing is not None:
            before = _number(spacing.get(w("before")))
            after = _number(spacing.get(w("after")))
            line = _number(spacing.get(w("line")))
            rule = spacing.get(w("lineRule")) if line is not None else None
            if line is not None and rule is None:
                rule = "auto"
        top = bottom = None
        borders = ppr.find(w("pBdr"))
        if borders is not None:
            top = _border(borders.find(w("top")))
            bottom = _border(borders.find(w("bottom")))
        return _ParaProps(align, first, left, before, after, line, rule, top, bottom)

    # through the chains ----------------------------------------------------------------------

    def _chain(self, style_id: str | None) -> Iterator[Any]:
        """A style and each style it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find(w("basedOn"))
            style_id = based.get(_VAL) if based is not None else None

    def style_run(self, para_style: str | None, char_style: str | None) -> _RunProps:
        """Run properties from a character style and a paragraph style, over the defaults."""
        key = (para_style, char_style)
        found = self._runs.get(key)
        if found is None:
            props = _RunProps()
            for style in self._chain(char_style):
                props = props.under(self.run_props(style.find(_RPR)))
            for style in self._chain(para_style):
                props = props.under(self.run_props(style.find(_RPR)))
            found = self._runs[key] = props.under(self._default_run)
        return found

    def style_para(self, para_style: str | None) -> _ParaProps:
        """Paragraph properties of a paragraph style chain, over the defaults."""
        found = self._paras.get(para_style)
        if found is None:
            props = _ParaProps()
            for style in self._chain(para_style):
                props = props.under(self.para_props(style.find(_PPR)))
            found = self._paras[para_style] = props.under(self._default_para)
        return found

    def style_size_bold(self, style_id: str) -> tuple[float, bool]:
        """The size and boldness a paragraph style gives its text."""
        props = self.style_run(style_id, None)
        return (props.size if props.size is not None else 10.0), bool(props.bold)

    def style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The list (numId) and level a paragraph style numbers its paragraphs with."""
        num_id = ilvl = None
        for style in self._chain(style_id):
            num = style.find(f"{_PPR}/{w('numPr')}")
            if num is None:
                continue
            if num_id is None:
                found = num.find(w("numId"))
                num_id = str(found.get(_VAL)) if found is not None else None
            if ilvl is None:
                level = num.find(w("ilvl"))
                ilvl = int(_number(level.get(_VAL)) or 0) if level is not None else None
        return num_id, ilvl

    def style_tabs(self, style_id: str | None) -> tuple[float, ...]:
        """Tab stops (twips) of the nearest style in the chain that sets some."""
        for style in self._chain(style_id):
            tabs = style.find(f"{_PPR}/{w('tabs')}")
            if tabs is not None:
                return _tab_stops(tabs)
        return ()

    def name_of(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id or "")
        name = style.find(w("name")) if style is not None else None
        return str(name.get(_VAL, "")) if name is not None else ""


def _tab_stops(tabs: Any) -> tuple[float, ...]:
    stops = []
    for tab in tabs.findall(w("tab")):
        if str(tab.get(_VAL)) in ("clear", "bar"):
            continue
        pos = _number(tab.get(w("pos")))
        if pos is not None:
            stops.append(pos)
    return tuple(sorted(stops))


def _border(el: Any) -> bool | None:
    if el is None:
        return None
    return str(el.get(_VAL, "nil")).lower() not in ("nil", "none")


# -- paragraphs --------------------------------------------------------------------------------

# elements that hold runs inside a paragraph (runs inside w:del and w:moveFrom are deleted text)
_RUN_HOLDERS = {
    w(t) for t in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "moveTo", "dir", "bdo")
}
_SDT_CONTENT = w("sdtContent")


def _runs_of(p: Any) -> Iterator[Any]:
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        if el.tag == _R:
            yield el
        elif el.tag in _RUN_HOLDERS or el.tag == _SDT or el.tag == _SDT_CONTENT:
            stack.extend(reversed(list(el)))


_TEXT_TAGS = {_T: None, w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}


def _run_text(r: Any) -> str:
    out = []
    for child in r:
        tag = child.tag
        if tag == _T:
            out.append(child.text or "")
        elif tag in _TEXT_TAGS:
            out.append(_TEXT_TAGS[tag] or "")
    return "".join(out)


_LINE_GEOMETRY = {"line", "straightConnector1"}
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_TXBX = w("txbxContent")
_EMU_PER_PT = 12700


def _text_boxes(p: Any) -> list[tuple[Any, float | None]]:
    """The text boxes anchored in paragraph *p* (each once: a box Word also writes as a VML
    fallback is read from its DrawingML form), with the left edge of each (pt), when known."""
    boxes = []
    for content in p.iter(_TXBX):
        ancestors = list(content.iterancestors())
        if any(a.tag == f"{{{_MC}}}Fallback" for a in ancestors):
            continue
        inner = next((a for a in ancestors if a.tag == _TXBX), None)
        if inner is not None:  # a box in a box: read with the outer one
            continue
        boxes.append((content, _box_left(ancestors)))
    return boxes


def _box_left(ancestors: list[Any]) -> float | None:
    for el in ancestors:
        if el.tag == f"{{{_WP}}}anchor":
            offset = el.find(f"{{{_WP}}}positionH/{{{_WP}}}posOffset")
            if offset is not None and offset.text:
                value = _number(offset.text.strip())
                return value / _EMU_PER_PT if value is not None else None
            return None
        if el.tag == f"{{{_WP}}}inline":
            return 0.0
        style = el.get("style") if el.tag.startswith(f"{{{V}}}") else None
        if style:
            found = re.search(r"(?:margin-left|left)\s*:\s*(-?[0-9.]+)(pt|in|cm|mm|px)?", style)
            if found:
                scale = {"pt": 1, "in": 72, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75}
                return float(found.group(1)) * scale.get(found.group(2) or "pt", 1)
    return None


# -- automatic numbering -------------------------------------------------------------------------

_ROMAN_DIGITS = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _roman(n: int) -> str:
    out = []
    for value, digits in _ROMAN_DIGITS:
        count, n = divmod(n, value)
        out.append(digits * count)
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa, bb, ... (the letter repeated)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman",):
        return _roman(n) if n > 0 else "0"
    if fmt == "lowerRoman":
        return _roman(n).lower() if n > 0 else "0"
    if fmt == "upperLetter":
        return _letters(n).upper() if n > 0 else ""
    if fmt == "lowerLetter":
        return _letters(n) if n > 0 else ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


def _bullet(text: str) -> str:
    """A bullet as text: symbol-font code points (U+F0xx) read as the character they show."""
    out = []
    for c in text:
        code = ord(c)
        if 0xF020 <= code <= 0xF0FF:
            c = chr(code - 0xF000)
        out.append(c)
    shown = "".join(out).strip()
    if shown in ("-", "\u2013", "\u2014", "\u2212", "\u2010", "\u2011"):
        return "-"
    if shown == "+":
        return "+"
    return "\u2022" if shown else ""


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    suffix: str = "\t"
    legal: bool = False
    restart: int | None = None  # restart after this level (0-based); None: after any higher


class _Numbering:
    """numbering.xml: the label each automatically numbered paragraph shows, counted in
    document order as Word counts them."""

    def __init__(self, root: Any | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for abstract in root.iter(w("abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.findall(w("lvl")):
                levels[int(_number(lvl.get(w("ilvl"))) or 0)] = _read_level(lvl)
            self.abstract[str(abstract.get(w("abstractNumId")))] = levels
        for num in root.iter(w("num")):
            ref = num.find(w("abstractNumId"))
            if ref is None:
                continue
            overrides: dict[int, int] = {}
            for override in num.findall(w("lvlOverride")):
                start = override.find(w("startOverride"))
                if start is not None:
                    value = _number(start.get(_VAL))
                    if value is not None:
                        overrides[int(_number(override.get(w("ilvl"))) or 0)] = int(value)
            self.nums[str(num.get(w("numId")))] = (str(ref.get(_VAL)), overrides)

    def label(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """The label of the next paragraph numbered (*num_id*, *ilvl*), and its suffix."""
        if num_id == "0" or num_id not in self.nums:
            return "", ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        level = levels.get(ilvl)
        if level is None:
            return "", ""
        counts = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:  # a list instance restarting some levels
            self.started.add(num_id)
            for lvl, start in overrides.items():
                counts[lvl] = start - 1
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            restart = levels.get(deeper, _Level()).restart
            if restart is None or restart >= ilvl:
                del counts[deeper]
        if level.fmt == "bullet":
            return _bullet(level.text), level.suffix

        def value(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            at = levels.get(k, _Level())
            n = counts.get(k, at.start)
            return _format_number(n, "decimal" if level.legal else at.fmt)

        return re.sub(r"%([1-9])", value, level.text).strip(), level.suffix


def _read_level(lvl: Any) -> _Level:
    level = _Level()
    fmt = lvl.find(w("numFmt"))
    if fmt is not None:
        level.fmt = str(fmt.get(_VAL, "decimal"))
    text = lvl.find(w("lvlText"))
    if text is not None:
        level.text = str(text.get(_VAL, ""))
    start = lvl.find(w("start"))
    if start is not None:
        level.start = int(_number(start.get(_VAL)) or 1)
    suffix = lvl.find(w("suff"))
    if suffix is not None:
        level.suffix = {"space": " ", "nothing": ""}.get(str(suffix.get(_VAL)), "\t")
    level.legal = _on(lvl.find(w("isLgl"))) is True
    restart = lvl.find(w("lvlRestart"))
    if restart is not None:
        value = _number(restart.get(_VAL))
        level.restart = int(value) - 1 if value is not None else None
    return level


def _has_line_shape(p: Any) -> bool:
    for el in p.iter(f"{{{A}}}prstGeom", f"{{{V}}}line", f"{{{V}}}shape"):
        if el.tag == f"{{{A}}}prstGeom":
            if el.get("prst") in _LINE_GEOMETRY:
                return True
            continue
        # a VML line, or a VML shape that is a straight connector
        vml_line = el.tag == f"{{{V}}}line" or el.get(f"{{{O}}}connectortype")
        if vml_line or "_x0000_t32" in str(el.get("type", "")):
            return True
    return False


def _has_page_field(el: Any) -> bool:
    instr = " ".join(t.text or "" for t in el.iter(w("instrText")))
    simple = " ".join(str(f.get(w("instr"), "")) for f in el.iter(w("fldSimple")))
    return bool(re.search(r"\bPAGE\b", f"{instr} {simple}"))


def _twips_mm(value: float | None) -> float:
    return (value or 0) * _MM_PER_TWIP


class _Reader:
    def __init__(self, styles: StyleSheet, numbering: _Numbering | None = None) -> None:
        self.styles = styles
        self.numbering = numbering or _Numbering(None)
        self.boxes = 0

    def paragraph(
        self,
        p: Any,
        index: int,
        where: str,
        cell: tuple[int, int, int] | None,
        width_pt: float | None = None,
    ) -> Paragraph:
        ppr = p.find(_PPR)
        style_id = None
        if ppr is not None:
            pstyle = ppr.find(w("pStyle"))
            if pstyle is not None:
                style_id = pstyle.get(_VAL)
        if style_id is None:
            style_id = self.styles.default_paragraph
        auto_label, suffix = self.label(ppr, style_id)
        own_tabs = ppr.find(w("tabs")) if ppr is not None else None
        tabs = _tab_stops(own_tabs) if own_tabs is not None else self.styles.style_tabs(style_id)
        props = self.styles.para_props(ppr).under(self.styles.style_para(style_id))
        runs = []
        for r in _runs_of(p):
            rpr = r.find(_RPR)
            char_style = None
            if rpr is not None:
                rstyle = rpr.find(w("rStyle"))
                if rstyle is not None:
                    char_style = rstyle.get(_VAL)
            resolved = self.styles.run_props(rpr).under(self.styles.style_run(style_id, char_style))
            runs.append(
                Run(
                    _run_text(r),
                    resolved.font,
                    resolved.size if resolved.size is not None else 10.0,
                    bool(resolved.bold),
                    bool(resolved.italic),
                    bool(resolved.underline),
                )
            )
        if props.line is None or props.line_rule in (None, "auto"):
            spacing = ("auto", (props.line or 240) / 240)
        else:
            spacing = (str(props.line_rule), props.line / 20)
        return Paragraph(
            index,
            where,
            "".join(r.text for r in runs),
            runs,
            style_id,
            props.align or "left",
            _twips_mm(props.first_line),
            _twips_mm(props.left),
            (props.before or 0) / 20,
            (props.after or 0) / 20,
            spacing,
            bool(props.border_top),
            bool(props.border_bottom),
            _has_line_shape(p),
            _has_page_field(p),
            cell,
            p,
            auto_label=auto_label,
            label_suffix=suffix,
            width_pt=width_pt,
            style_name=self.styles.name_of(style_id),
            tab_stops_pt=tuple(t / 20 for t in tabs),
        )

    def label(self, ppr: Any, style_id: str | None) -> tuple[str, str]:
        """The automatic label of a paragraph (numbering set on it or by its style)."""
        num_id, ilvl = self.styles.style_numbering(style_id)
        num = ppr.find(w("numPr")) if ppr is not None else None
        if num is not None:
            found = num.find(w("numId"))
            if found is not None:
                num_id = str(found.get(_VAL))
            level = num.find(w("ilvl"))
            if level is not None:
                ilvl = int(_number(level.get(_VAL)) or 0)
        if num_id is None:
            return "", ""
        return self.numbering.label(num_id, ilvl or 0)

    def blocks(self, container: Any, where: str) -> list[Paragraph]:
        """Every paragraph of a body (or header, footer), tables included, in order."""
        out: list[Paragraph] = []
        self._walk(container, where, None, out, [0])
        return out

    def _walk(
        self,
        container: Any,
        where: str,
        cell: tuple[int, int, int] | None,
        out: list[Paragraph],
        tables: list[int],
        width: float | None = None,
    ) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                label = f"{where}paragraph {len(out) + 1}"
                out.append(self.paragraph(child, len(out), label, cell, width))
                for content, left in _text_boxes(child):
                    self.boxes += 1
                    box = self.boxes
                    start = len(out)
                    self._walk(content, f"text box {box}: ", cell, out, tables, None)
                    for para in out[start:]:
                        if para.box is None:
                            para.box, para.box_x_pt = box, left
            elif tag == _TBL:
                tables[0] += 1
                number = tables[0]
                grid = [
                    _number(col.get(w("w"))) or 0.0
                    for col in child.findall(f"{w('tblGrid')}/{w('gridCol')}")
                ]
                margins = _table_margins(child)
                for r, tr in enumerate(child.iter(_TR), 1):
                    if _nearest(tr, _TBL) is not child:
                        continue  # a row of a nested table: walked with its cell
                    column = 0
                    for c, tc in enumerate(tr.findall(_TC), 1):
                        span = _cell_span(tc)
                        inner = _cell_width(tc, grid[column : column + span], margins)
                        column += span
                        here = f"{where}table {number}, row {r}, cell {c}: "
                        self._walk(tc, here, cell or (number, r, c), out, tables, inner)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self._walk(content, where, cell, out, tables, width)
            elif tag in (w("customXml"), w("ins"), w("moveTo")):
                self._walk(child, where, cell, out, tables, width)


def _cell_span(tc: Any) -> int:
    span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
    value = _number(span.get(_VAL)) if span is not None else None
    return max(int(value), 1) if value is not None else 1


def _margin_pair(container: Any) -> tuple[float | None, float | None]:
    out: list[float | None] = []
    for names in (("left", "start"), ("right", "end")):
        value = None
        if container is not None:
            for name in names:
                el = container.find(w(name))
                if el is not None and el.get(w("type"), "dxa") == "dxa":
                    value = _number(el.get(w("w")))
                    break
        out.append(value)
    return out[0], out[1]


def _table_margins(tbl: Any) -> tuple[float, float]:
    """A table's left and right cell margins (twips; Word's default 108 each)."""
    left, right = _margin_pair(tbl.find(f"{w('tblPr')}/{w('tblCellMar')}"))
    return (108.0 if left is None else left), (108.0 if right is None else right)


def _cell_width(tc: Any, grid: list[float], margins: tuple[float, float]) -> float | None:
    """The width (pt) a cell's lines may take: its width less its margins."""
    tc_pr = tc.find(w("tcPr"))
    width = None
    if tc_pr is not None:
        tc_w = tc_pr.find(w("tcW"))
        if tc_w is not None and tc_w.get(w("type"), "dxa") == "dxa":
            width = _number(tc_w.get(w("w")))
    if not width:
        width = sum(grid) or None
    if width is None:
        return None
    left, right = margins
    own_left, own_right = _margin_pair(tc_pr.find(w("tcMar")) if tc_pr is not None else None)
    left = own_left if own_left is not None else left
    right = own_right if own_right is not None else right
    return max(width - left - right, 0.0) / 20


def _nearest(el: Any, tag: str) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


# -- the package ---------------------------------------------------------------------------------


class _Package:
    """The parts of a zip package, read on demand with the hardened parser."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise TemplateError(
                "is not a Word document (.docx is a zip archive)", file=name
            ) from exc

    def xml(self, part: str) -> Any | None:
        if part not in self.names:
            return None
        try:
            blob = self.zip.read(part)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise TemplateError(f"part {part} cannot be read ({exc})", file=self.name) from exc
        return parse_xml(blob, part=part, name=self.name)

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """{id: (type, target part)} of *part*'s internal relationships."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{_PKG_RELS}}}Relationship"):
            if str(rel.get("TargetMode", "")).lower() == "external":
                continue
            target = str(rel.get("Target", ""))
            resolved = posixpath.normpath(
                target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            )
            out[str(rel.get("Id"))] = (str(rel.get("Type", "")), resolved)
        return out


def read_document(data: bytes, *, name: str = "document") -> WordDocument:
    """Read the .docx *data*; TemplateError when it is not a Word document planforge can read."""
    package = _Package(data, name)
    main = next(
        (
            target
            for kind, target in package.relationships("").values()
            if kind.endswith("/officeDocument")
        ),
        "word/document.xml",
    )
    document = package.xml(main)
    if document is None or document.find(w("body")) is None:
        raise TemplateError("is not a Word document (no document body)", file=name)
    rels = package.relationships(main)
    by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
    theme = package.xml(by_type["theme"]) if "theme" in by_type else None
    styles = StyleSheet(
        package.xml(by_type["styles"]) if "styles" in by_type else None, _theme_fonts(theme)
    )
    settings = package.xml(by_type["settings"]) if "settings" in by_type else None
    mirror = settings is not None and _on(settings.find(w("mirrorMargins"))) is True
    default_tab = 36.0
    if settings is not None:
        tab = settings.find(w("defaultTabStop"))
        value = _number(tab.get(_VAL)) if tab is not None else None
        if value:
            default_tab = value / 20
    numbering = _Numbering(package.xml(by_type["numbering"]) if "numbering" in by_type else None)
    reader = _Reader(styles, numbering)
    body = document.find(w("body"))
    paragraphs = reader.blocks(body, "")
    sections = _sections(body, package, rels, reader)
    return WordDocument(name, paragraphs, sections, mirror, styles, default_tab)


def _theme_fonts(theme: Any) -> dict[str, str]:
    fonts: dict[str, str] = {}
    if theme is None:
        return fonts
    for kind in ("major", "minor"):
        latin = theme.find(f".//{{{A}}}{kind}Font/{{{A}}}latin")
        if latin is not None and latin.get("typeface"):
            fonts[kind] = str(latin.get("typeface"))
    return fonts


def _sections(
    body: Any, package: _Package, rels: dict[str, tuple[str, str]], reader: _Reader
) -> list[Section]:
    properties = [p for p in body.iter(w("sectPr")) if _nearest(p, w("sectPr")) is None]
    sections: list[Section] = []
    inherited: dict[str, dict[str, list[Paragraph]]] = {"header": {}, "footer": {}}
    for n, sect in enumerate(properties, 1):
        size = sect.find(w("pgSz"))
        margins = sect.find(w("pgMar"))

        def mm(el: Any, attr: str) -> float | None:
            value = _number(el.get(w(attr))) if el is not None else None
            return value * _MM_PER_TWIP if value is not None else None

        parts: dict[str, dict[str, list[Paragraph]]] = {"header": {}, "footer": {}}
        for kind in ("header", "footer"):
            for ref in sect.findall(w(f"{kind}Reference")):
                target = rels.get(str(ref.get(f"{{{R}}}id")))
                root = package.xml(target[1]) if target else None
                if root is None:
                    continue
                label = f"section {n} {ref.get(w('type'), 'default')} {kind}"
                parts[kind][str(ref.get(w("type"), "default"))] = reader.blocks(root, "")
                for para in parts[kind][str(ref.get(w("type"), "default"))]:
                    para.where = f"{label}: {para.where}"
            # a section without its own header of a type shows the previous section's
            merged = {**inherited[kind], **parts[kind]}
            inherited[kind] = merged
            parts[kind] = merged
        sections.append(
            Section(
                n,
                mm(size, "w"),
                mm(size, "h"),
                {side: mm(margins, side) for side in ("top", "bottom", "left", "right")},
                mm(margins, "header"),
                _on(sect.find(w("titlePg"))) is True,
                parts["header"],
                parts["footer"],
            )
        )
    return sections
