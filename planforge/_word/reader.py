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
import threading
import unicodedata
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar, cast, overload

from lxml import etree

from .._errors import TemplateError
from .._i18n import _, current_language
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
_PSTYLE, _RSTYLE, _TABS, _NUMPR = w("pStyle"), w("rStyle"), w("tabs"), w("numPr")

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


def not_a_zip(name: str) -> str:
    """What to say of the file *name* that is not a zip archive, where a .docx was wanted."""
    message = _("is not a Word document (.docx is a zip archive)")
    if name.lower().endswith((".yaml", ".yml", ".json")):
        plain = posixpath.basename(name.replace("\\", "/"))
        message += _("; to check a plan file, run: planforge validate {file}").format(file=plain)
    return message


def parse_xml(blob: bytes, *, part: str, name: str) -> Any:
    """The root element of an XML part; TemplateError for a DTD or XML that does not parse."""
    try:
        root = etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(
            _("part {part} is not well-formed XML ({error})").format(part=part, error=exc),
            file=name,
        ) from exc
    info: Any = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise TemplateError(
            _("part {part} declares a DTD (an XXE attempt?); Word never writes one").format(
                part=part
            ),
            file=name,
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


@dataclass(slots=True)
class Run:
    """A run of text with its effective formatting."""

    text: str
    font: str | None
    size: float
    bold: bool
    italic: bool
    underline: bool


_Made = TypeVar("_Made")
_T_co = TypeVar("_T_co")


class _Lazy(Generic[_T_co]):
    """An attribute worked out on first use by *compute*, which stores it (and any others it
    works out on the way) in the instance's dict: later reads do not come here again."""

    __slots__ = ("compute", "name")

    def __init__(self, compute: Callable[[Any], None]) -> None:
        self.compute = compute
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _Lazy[_T_co]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T_co: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        self.compute(obj)
        return obj.__dict__[self.name]


class Paragraph:
    """A paragraph with its effective formatting, where it stands, and its runs.

    Where it stands is known when it is read; everything else (its runs, its formatting, its
    tab stops, ...) is worked out from its element when first asked for, once.
    """

    #: document order among the paragraphs of its part (-1 in headers/footers)
    index: int
    #: "paragraph 12", "table 1, row 2, cell 1: paragraph 7", "section 1 header"
    where: str
    #: (table, row, column), 1-based, outermost table
    cell: tuple[int, int, int] | None
    element: Any
    style_id: str | None
    # the defaults are class attributes: most paragraphs keep them, and are made faster so
    #: the label Word's automatic numbering shows before the text (`a)`, `-`, `1.1.`), or ''
    auto_label: str = ""
    #: what follows an automatic label: a tab, a space or nothing
    label_suffix: str = ""
    #: the text box (1-based, document order) the paragraph is in, and the box's left edge
    box: int | None = None
    box_x_pt: float | None = None
    #: the width its lines may take: its cell's less the cell margins (None outside tables)
    width_pt: float | None = None

    def __init__(
        self,
        index: int,
        where: str,
        cell: tuple[int, int, int] | None,
        element: Any,
        style_id: str | None,
        styles: StyleSheet,
        ppr: dict[Any, Any] | None,
    ) -> None:
        self.index = index
        self.where = where
        self.cell = cell
        self.element = element
        self.style_id = style_id
        self._styles = styles
        self._ppr = ppr  # the first child of each tag of its w:pPr

    def __repr__(self) -> str:
        return f"Paragraph(index={self.index}, where={self.where!r}, text={self.text!r})"

    # -- worked out on first use -----------------------------------------------------------------

    def _read_runs(self) -> None:
        styles, style_id = self._styles, self.style_id
        runs: list[Run] = []
        texts: list[str] = []
        shown: list[Run] = []
        for r in _runs_of(self.element):
            # one pass over the run: its properties (the first w:rPr, as find gives) and text
            rpr = None
            pieces: list[str] = []
            for child in r:
                tag = child.tag
                if tag == _T:
                    pieces.append(child.text or "")
                elif tag == _RPR:
                    if rpr is None:
                        rpr = child
                elif tag in _TEXT_TAGS:
                    pieces.append(_TEXT_TAGS[tag] or "")
            text = pieces[0] if len(pieces) == 1 else "".join(pieces)
            if rpr is None:
                look = styles.run_look(style_id, None)
            else:
                kids = _kids(rpr)
                rstyle = kids.get(_RSTYLE)
                char_style = rstyle.get(_VAL) if rstyle is not None else None
                look = _run_look(
                    styles._run_props(kids).under(styles.style_run(style_id, char_style))
                )
            run = Run(text, *look)
            runs.append(run)
            texts.append(text)
            if text and not text.isspace():
                shown.append(run)
        own = self.__dict__
        own["runs"] = runs
        own["text"] = text = "".join(texts)
        own["_text_runs"] = tuple(shown)
        # asked of nearly every paragraph: worked out with the text, not on its own
        own["plain"] = _plain(text)

    def _read_props(self) -> None:
        styles = self._styles
        own = styles._para_props(self._ppr) if self._ppr is not None else _NO_PARA_PROPS
        if own is _NO_PARA_PROPS:  # formatted by its style alone: looked up once per style
            look = styles.style_look(self.style_id)
        else:
            look = _look(own.under(styles.style_para(self.style_id)))
        self.__dict__.update(look)

    def _read_line_shape(self) -> None:
        self.__dict__["has_line_shape"] = _has_line_shape(self.element)

    def _read_page_field(self) -> None:
        self.__dict__["has_page_field"] = _has_page_field(self.element)

    def _read_style_name(self) -> None:
        self.__dict__["style_name"] = self._styles.name_of(self.style_id)

    def _read_tabs(self) -> None:
        ppr = self._ppr
        own_tabs = ppr.get(_TABS) if ppr is not None else None
        tabs = (
            _tab_stops(own_tabs) if own_tabs is not None else self._styles.style_tabs(self.style_id)
        )
        self.__dict__["tab_stops_pt"] = tuple(t / 20 for t in tabs)

    def _read_capitals(self) -> None:
        plain = self.plain
        self.__dict__["all_capitals"] = plain == plain.upper()

    def _read_folded(self) -> None:
        self.__dict__["folded"] = fold(self.text)

    def _read_normal(self) -> None:
        self.__dict__["normal"] = tone_normal(self.text)

    def _read_numbered(self) -> None:
        text = self.text
        if self.auto_label:
            text = f"{self.auto_label}{self.label_suffix or ' '}{text}"
        self.__dict__["numbered_text"] = text

    #: tabs as \t, line breaks as \n
    text: _Lazy[str] = _Lazy(_read_runs)
    runs: _Lazy[list[Run]] = _Lazy(_read_runs)
    _text_runs: _Lazy[tuple[Run, ...]] = _Lazy(_read_runs)
    #: left, center, right, justify
    align: _Lazy[str] = _Lazy(_read_props)
    #: negative: a hanging indent
    first_line_mm: _Lazy[float] = _Lazy(_read_props)
    left_mm: _Lazy[float] = _Lazy(_read_props)
    space_before_pt: _Lazy[float] = _Lazy(_read_props)
    space_after_pt: _Lazy[float] = _Lazy(_read_props)
    #: ("auto", lines) | ("exact", pt) | ("atLeast", pt)
    line_spacing: _Lazy[tuple[str, float]] = _Lazy(_read_props)
    border_top: _Lazy[bool] = _Lazy(_read_props)
    border_bottom: _Lazy[bool] = _Lazy(_read_props)
    #: a drawn line (DrawingML or VML) anchored in the paragraph
    has_line_shape: _Lazy[bool] = _Lazy(_read_line_shape)
    has_page_field: _Lazy[bool] = _Lazy(_read_page_field)
    #: the name of its paragraph style (`PF Issuer`, `Heading 1`, ...)
    style_name: _Lazy[str] = _Lazy(_read_style_name)
    #: the positions (pt from the left indent) of its own tab stops, and the default interval
    tab_stops_pt: _Lazy[tuple[float, ...]] = _Lazy(_read_tabs)
    plain: _Lazy[str] = _Lazy(_read_runs)
    #: no lower-case letter in its text (an authority line, a body's name)
    all_capitals: _Lazy[bool] = _Lazy(_read_capitals)
    folded: _Lazy[str] = _Lazy(_read_folded)
    #: upper case with its diacritics, tone marks placed alike (`SỐ` is not `SỞ`)
    normal: _Lazy[str] = _Lazy(_read_normal)
    #: the text as a reader sees it: an automatic label, then the typed text
    numbered_text: _Lazy[str] = _Lazy(_read_numbered)

    @property
    def is_empty(self) -> bool:
        return not self.plain

    @property
    def container(self) -> tuple[int, ...] | None:
        """Where the paragraph stands: a table cell, a text box, or the body (None)."""
        if self.cell is not None:
            return self.cell
        if self.box is not None:
            return (0, self.box)
        return None

    def text_runs(self) -> tuple[Run, ...]:
        """The runs that hold more than white space."""
        return self._text_runs

    def sizes(self) -> set[float]:
        return {r.size for r in self._text_runs}


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


def _child(el: Any, tag: str) -> Any:
    """el.find(tag) for a plain tag: its first child *tag* (a loop beats lxml's find)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _kids(el: Any) -> dict[Any, Any]:
    """The first child of each tag of *el* (what el.find(tag) gives, for every tag at once)."""
    out: dict[Any, Any] = {}
    for child in el:
        out.setdefault(child.tag, child)
    return out


class _RunProps(NamedTuple):
    # a named tuple, not a frozen dataclass: two are made for each run read (5x cheaper)
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


class _ParaProps(NamedTuple):
    # a named tuple: one is made for each paragraph with its own properties
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
        if self is _NO_PARA_PROPS:
            return other
        return _ParaProps(
            self.align if self.align is not None else other.align,
            self.first_line if self.first_line is not None else other.first_line,
            self.left if self.left is not None else other.left,
            self.before if self.before is not None else other.before,
            self.after if self.after is not None else other.after,
            self.line if self.line is not None else other.line,
            self.line_rule if self.line_rule is not None else other.line_rule,
            self.border_top if self.border_top is not None else other.border_top,
            self.border_bottom if self.border_bottom is not None else other.border_bottom,
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


_NO_PARA_PROPS = _ParaProps()
_NO_RUN_PROPS = _RunProps()
_SZ, _U, _B, _I, _RFONTS = w("sz"), w("u"), w("b"), w("i"), w("rFonts")
_ASCII_THEME, _HANSI_THEME, _ASCII, _HANSI = (
    w("asciiTheme"), w("hAnsiTheme"), w("ascii"), w("hAnsi")
)  # fmt: skip
_JC_TAG, _IND, _SPACING, _PBDR, _TOP, _BOTTOM = (
    w("jc"), w("ind"), w("spacing"), w("pBdr"), w("top"), w("bottom")
)  # fmt: skip
_LEFT, _START, _HANGING, _FIRST_LINE = w("left"), w("start"), w("hanging"), w("firstLine")
_BEFORE, _AFTER, _LINE, _LINE_RULE = w("before"), w("after"), w("line"), w("lineRule")

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
        self._chains: dict[str | None, list[Any]] = {}
        self._numbering: dict[str | None, tuple[str | None, int | None]] = {}
        self._tabs: dict[str | None, tuple[float, ...]] = {}
        self._names: dict[str | None, str] = {}
        self._looks: dict[str | None, dict[str, Any]] = {}
        self._run_looks: dict[tuple[str | None, str | None], _RunLook] = {}

    # one element's own properties ------------------------------------------------------------

    def run_props(self, rpr: Any) -> _RunProps:
        if rpr is None:
            return _NO_RUN_PROPS
        return self._run_props(_kids(rpr))

    def _run_props(self, kids: dict[Any, Any]) -> _RunProps:
        size = None
        sz = kids.get(_SZ)
        if sz is not None:
            half_points = _number(sz.get(_VAL))
            size = half_points / 2 if half_points is not None and half_points > 0 else None
        underline = None
        u = kids.get(_U)
        if u is not None:
            underline = str(u.get(_VAL, "single")).lower() not in ("none", "0", "false")
        return _RunProps(
            self._font(kids.get(_RFONTS)),
            size,
            _on(kids.get(_B)),
            _on(kids.get(_I)),
            underline,
        )

    def _font(self, rfonts: Any) -> str | None:
        if rfonts is None:
            return None
        theme = rfonts.get(_ASCII_THEME) or rfonts.get(_HANSI_THEME)
        if theme:
            return self.theme.get("major" if theme.startswith("major") else "minor")
        name: str | None = rfonts.get(_ASCII) or rfonts.get(_HANSI)
        return name

    def para_props(self, ppr: Any) -> _ParaProps:
        if ppr is None:
            return _NO_PARA_PROPS
        return self._para_props(_kids(ppr))

    def _para_props(self, kids: dict[Any, Any]) -> _ParaProps:
        align = first = left = before = after = line = rule = None
        jc = kids.get(_JC_TAG)
        if jc is not None:
            align = _JC.get(str(jc.get(_VAL)))
        ind = kids.get(_IND)
        if ind is not None:
            left = _number(ind.get(_LEFT, ind.get(_START)))
            hanging = _number(ind.get(_HANGING))
            first = -hanging if hanging is not None else _number(ind.get(_FIRST_LINE))
        spacing = kids.get(_SPACING)
        if spacing is not None:
            before = _number(spacing.get(_BEFORE))
            after = _number(spacing.get(_AFTER))
            line = _number(spacing.get(_LINE))
            rule = spacing.get(_LINE_RULE) if line is not None else None
            if line is not None and rule is None:
                rule = "auto"
        top = bottom = None
        borders = kids.get(_PBDR)
        if borders is not None:
            top = _border(borders.find(_TOP))
            bottom = _border(borders.find(_BOTTOM))
        if jc is None and ind is None and spacing is None and borders is None:
            return _NO_PARA_PROPS
        return _ParaProps(align, first, left, before, after, line, rule, top, bottom)

    # through the chains ----------------------------------------------------------------------

    def _chain(self, style_id: str | None) -> list[Any]:
        """A style and each style it is based on, nearest first (worked out once per style)."""
        found = self._chains.get(style_id)
        if found is not None:
            return found
        chain = []
        seen: set[str] = set()
        sid = style_id
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            style = self.by_id[sid]
            chain.append(style)
            based = style.find(w("basedOn"))
            sid = based.get(_VAL) if based is not None else None
        self._chains[style_id] = chain
        return chain

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

    def run_look(self, para_style: str | None, char_style: str | None) -> _RunLook:
        """What a run with no formatting of its own looks like in these styles (_run_look)."""
        key = (para_style, char_style)
        found = self._run_looks.get(key)
        if found is None:
            found = self._run_looks[key] = _run_look(self.style_run(para_style, char_style))
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

    def style_look(self, style_id: str | None) -> dict[str, Any]:
        """What a paragraph of the style with no formatting of its own looks like (_LOOK)."""
        found = self._looks.get(style_id)
        if found is None:
            found = self._looks[style_id] = _look(self.style_para(style_id))
        return found

    def style_size_bold(self, style_id: str) -> tuple[float, bool]:
        """The size and boldness a paragraph style gives its text."""
        props = self.style_run(style_id, None)
        return (props.size if props.size is not None else 10.0), bool(props.bold)

    def style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The list (numId) and level a paragraph style numbers its paragraphs with."""
        found = self._numbering.get(style_id)
        if found is None:
            found = self._numbering[style_id] = self._style_numbering(style_id)
        return found

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
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
        found = self._tabs.get(style_id)
        if found is None:
            found = ()
            for style in self._chain(style_id):
                tabs = style.find(f"{_PPR}/{_TABS}")
                if tabs is not None:
                    found = _tab_stops(tabs)
                    break
            self._tabs[style_id] = found
        return found

    def name_of(self, style_id: str | None) -> str:
        found = self._names.get(style_id)
        if found is None:
            style = self.by_id.get(style_id or "")
            name = style.find(w("name")) if style is not None else None
            found = self._names[style_id] = str(name.get(_VAL, "")) if name is not None else ""
        return found


#: The attributes of a Paragraph its paragraph properties give (_look gives their values).
_LOOK = (
    "align",
    "first_line_mm",
    "left_mm",
    "space_before_pt",
    "space_after_pt",
    "line_spacing",
    "border_top",
    "border_bottom",
)


#: What a Run's formatting fields hold: font, size (10 pt when unset), bold, italic, underline.
_RunLook = tuple[str | None, float, bool, bool, bool]


def _run_look(props: _RunProps) -> _RunLook:
    """The formatting fields of a Run with the resolved properties *props*."""
    return (
        props.font,
        props.size if props.size is not None else 10.0,
        bool(props.bold),
        bool(props.italic),
        bool(props.underline),
    )


def _look(props: _ParaProps) -> dict[str, Any]:
    """The attributes of _LOOK, with their values for paragraph properties *props*."""
    if props.line is None or props.line_rule in (None, "auto"):
        spacing = ("auto", (props.line or 240) / 240)
    else:
        spacing = (str(props.line_rule), props.line / 20)
    values = (
        props.align or "left",
        _twips_mm(props.first_line),
        _twips_mm(props.left),
        (props.before or 0) / 20,
        (props.after or 0) / 20,
        spacing,
        bool(props.border_top),
        bool(props.border_bottom),
    )
    return dict(zip(_LOOK, values, strict=True))


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


_HOLDING_RUNS = _RUN_HOLDERS | {_SDT, _SDT_CONTENT}


def _runs_of(p: Any) -> list[Any]:
    runs = []
    for el in p:
        tag = el.tag
        if tag == _R:
            runs.append(el)
        elif tag in _HOLDING_RUNS:
            runs.extend(_runs_of(el))
    return runs


def _plain(text: str) -> str:
    r"""What re.sub(r"\s+", " ", text).strip() gives (str.split() splits where \s matches)."""
    # most texts already are: every white space but " " is unprintable, so two C scans tell
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


_TEXT_TAGS = {_T: None, w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}


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
        if root is not None:
            self._read(root)

    def fresh(self) -> _Numbering:
        """The same lists, with nothing counted yet (for another document)."""
        again = _Numbering(None)
        again.abstract, again.nums = self.abstract, self.nums
        return again

    def _read(self, root: Any) -> None:
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


#: What _has_line_shape, _has_page_field and _text_boxes look for in a paragraph.
_DRAWN = (
    f"{{{A}}}prstGeom",
    f"{{{V}}}line",
    f"{{{V}}}shape",
    w("instrText"),
    w("fldSimple"),
    _TXBX,
)


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


@functools.cache
def _places_in(language: str) -> tuple[tuple[str, str], str, str, str, str]:
    """How the reader says where a paragraph stands, in *language* (the current one): worked
    out once, not for each document. The paragraph's is split around its number, joined by +
    for each paragraph (faster than str.format)."""
    paragraph = _("paragraph {number}").partition("{number}")
    return (
        (paragraph[0], paragraph[2]),
        _("text box {number}: "),
        _("table {number}, row {row}, cell {cell}: "),
        _("section {number} {type} header"),
        _("section {number} {type} footer"),
    )


class _Reader:
    def __init__(self, styles: StyleSheet, numbering: _Numbering | None = None) -> None:
        self.styles = styles
        self.numbering = numbering or _Numbering(None)
        self.boxes = 0
        #: whether the part being read may hold drawings, fields or text boxes (_MAY_DRAW)
        self.drawn = True
        self.drawn_in: set[Any] = set()
        # where a paragraph stands, in the reader's language
        self.at_paragraph, self.at_box, self.at_cell, self.at_header, self.at_footer = _places_in(
            current_language()
        )

    def label(self, ppr: dict[Any, Any] | None, style_id: str | None) -> tuple[str, str]:
        """The automatic label of a paragraph (numbering set on it or by its style); *ppr*:
        the first child of each tag of its w:pPr."""
        num_id, ilvl = self.styles.style_numbering(style_id)
        num = ppr.get(_NUMPR) if ppr is not None else None
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
        # the paragraphs holding a drawing, a field or a text box, found in one pass
        self.drawn_in = (
            {p for el in container.iter(*_DRAWN) for p in el.iterancestors(_P)}
            if self.drawn
            else set()
        )
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
        styles, drawn_in = self.styles, self.drawn_in
        at_head, at_tail = self.at_paragraph
        for child in container:
            tag = child.tag
            if tag == _P:
                # read inline, not in a method: this runs for every paragraph of every document
                ppr_el = _child(child, _PPR)
                ppr = _kids(ppr_el) if ppr_el is not None else None
                pstyle = ppr.get(_PSTYLE) if ppr is not None else None
                style_id = pstyle.get(_VAL) if pstyle is not None else None
                if style_id is None:
                    style_id = styles.default_paragraph
                number = len(out)
                para = Paragraph(
                    number, f"{where}{at_head}{number + 1}{at_tail}", cell, child, style_id,
                    styles, ppr,
                )  # fmt: skip
                # labels are counted in document order, so they are worked out as the
                # paragraphs are
                auto_label, suffix = self.label(ppr, style_id)
                if auto_label:
                    para.auto_label, para.label_suffix = auto_label, suffix
                if width is not None:
                    para.width_pt = width
                out.append(para)
                if child not in drawn_in:
                    # nothing drawn, no field, no text box in it: what the lazy reads would say
                    own = para.__dict__
                    own["has_line_shape"] = own["has_page_field"] = False
                    continue
                for content, left in _text_boxes(child):
                    self.boxes += 1
                    box = self.boxes
                    start = len(out)
                    here = self.at_box.format(number=box)
                    self._walk(content, here, cell, out, tables, None)
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
                        here = where + self.at_cell.format(number=number, row=r, cell=c)
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
    """The parts of a zip package, read on demand with the hardened parser; or the parts
    themselves, when the render that zipped them hands them over."""

    def __init__(
        self,
        data: bytes,
        name: str,
        parts: Mapping[str, bytes] | None = None,
        trees: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.parts = parts
        self.trees = trees or {}
        if parts is not None:
            self.names = set(parts)
            return
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise TemplateError(not_a_zip(name), file=name) from exc

    def blob(self, part: str) -> bytes | None:
        if part not in self.names:
            return None
        if self.parts is not None:
            return self.parts[part]
        try:
            return self.zip.read(part)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise TemplateError(
                _("part {part} cannot be read ({error})").format(part=part, error=exc),
                file=self.name,
            ) from exc

    def xml(self, part: str) -> Any | None:
        blob = self.blob(part)
        return None if blob is None else parse_xml(blob, part=part, name=self.name)

    def read_once(self, kind: str, part: str | None, make: Callable[[Any], _Made]) -> _Made:
        """*make* of the parsed *part* (None when absent), shared by documents whose part has
        the same bytes: a document's styles, theme, settings and lists are worked out once
        for all the documents made from one template."""
        blob = self.blob(part) if part is not None else None
        if blob is None:
            return make(None)
        if len(blob) > _SHARED_MAX_BYTES:
            return make(parse_xml(blob, part=str(part), name=self.name))
        key = (kind, blob)
        with _shared_lock:
            found = _shared.get(key)
            if found is not None:
                _shared.move_to_end(key)
                return cast(_Made, found)
        made = make(parse_xml(blob, part=str(part), name=self.name))
        with _shared_lock:
            _shared[key] = made
            while len(_shared) > _SHARED_SIZE:
                _shared.popitem(last=False)
        return made

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """{id: (type, target part)} of *part*'s internal relationships."""
        folder, base = posixpath.split(part)
        return self.read_once(
            f"relationships of {folder}",
            posixpath.join(folder, "_rels", f"{base}.rels"),
            lambda root: _relationships(root, folder),
        )

    def part_xml(self, part: str) -> tuple[Any | None, bool]:
        """The root of *part*, and whether it may hold drawings, fields or text boxes."""
        blob = self.blob(part)
        if blob is None:
            return None, False
        if part in self.trees:  # parsed by the render that made it (UTF-8)
            return self.trees[part], _MAY_DRAW.search(blob) is not None
        if self.parts is not None and len(blob) <= _SHARED_MAX_BYTES:
            # a part of a document planforge just made, as another one had it (a header, a
            # footer): parsed once, its tree read (never changed) by every such document
            return self.read_once(
                "part", part, lambda root: (root, _MAY_DRAW.search(blob) is not None)
            )
        root = parse_xml(blob, part=part, name=self.name)
        # the bytes tell only when they are the text (UTF-8, or ASCII, as Word writes)
        encoding = str(root.getroottree().docinfo.encoding or "").upper()
        if encoding not in ("UTF-8", "UTF8", "US-ASCII", "ASCII"):
            return root, True
        return root, _MAY_DRAW.search(blob) is not None


#: A start tag _DRAWN looks for, by its local name (any prefix): where none is in a part's
#: bytes, no paragraph of it has any, and the reader does not look for them paragraph by
#: paragraph. (A name in a comment or in text only makes the reader look.)
_MAY_DRAW = re.compile(
    rb"<(?:[^\s<>/:!?]+:)?(?:prstGeom|line|shape|instrText|fldSimple|txbxContent)[\s/>]"
)


def _relationships(root: Any | None, folder: str) -> dict[str, tuple[str, str]]:
    """{id: (type, target part)} of the internal relationships in *root* (a .rels part)."""
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


#: What read_once keeps: (kind, part bytes) -> what was made of them.
_shared: OrderedDict[tuple[str, bytes], Any] = OrderedDict()
_shared_lock = threading.Lock()
_SHARED_SIZE = 32
_SHARED_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class _Settings:
    mirror_margins: bool = False
    default_tab_pt: float = 36.0


def _settings(settings: Any | None) -> _Settings:
    if settings is None:
        return _Settings()
    default_tab = 36.0
    tab = settings.find(w("defaultTabStop"))
    value = _number(tab.get(_VAL)) if tab is not None else None
    if value:
        default_tab = value / 20
    return _Settings(_on(settings.find(w("mirrorMargins"))) is True, default_tab)


def read_document(
    data: bytes,
    *,
    name: str = "document",
    parts: Mapping[str, bytes] | None = None,
    trees: Mapping[str, Any] | None = None,
) -> WordDocument:
    """Read the .docx *data*; TemplateError when it is not a Word document planforge can read.

    *parts*: the content of each part of *data*, from the render that just zipped them; they
    are read instead of unzipping *data* again; *trees*: the element trees of parts the
    render built (read, never changed), instead of parsing those parts again."""
    package = _Package(data, name, parts, trees if parts is not None else None)
    main = next(
        (
            target
            for kind, target in package.relationships("").values()
            if kind.endswith("/officeDocument")
        ),
        "word/document.xml",
    )
    document, drawn = package.part_xml(main)
    if document is None or document.find(w("body")) is None:
        raise TemplateError(_("is not a Word document (no document body)"), file=name)
    rels = package.relationships(main)
    by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
    theme = package.read_once("theme", by_type.get("theme"), _theme_fonts)
    styles = package.read_once(
        f"styles {sorted(theme.items())}",
        by_type.get("styles"),
        lambda root: StyleSheet(root, theme),
    )
    settings = package.read_once("settings", by_type.get("settings"), _settings)
    numbering = package.read_once("numbering", by_type.get("numbering"), _Numbering)
    reader = _Reader(styles, numbering.fresh())
    reader.drawn = drawn
    body = document.find(w("body"))
    paragraphs = reader.blocks(body, "")
    sections = _sections(body, package, rels, reader)
    return WordDocument(
        name, paragraphs, sections, settings.mirror_margins, styles, settings.default_tab_pt
    )


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
                root, reader.drawn = package.part_xml(target[1]) if target else (None, True)
                if root is None:
                    continue
                label = (reader.at_header if kind == "header" else reader.at_footer).format(
                    number=n, type=ref.get(w("type"), "default")
                )
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
