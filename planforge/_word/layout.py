"""Lay out a rendered document by measured widths: header columns that fit the motto, names
broken where they do not fit, a number that never breaks inside a group, signature blocks in
rows with their names level, each block by its own body's rules, rules under headings."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Container, Iterator
from typing import Any

from docx.oxml.ns import qn

from .._profiles import STYLE_ROLES, Profile, Rule
from .breaking import BreakRules, break_line
from .builder import (
    HEADER_TABLE,
    RULE_STYLES,
    SIGNATURE_ROLES,
    SIGNATURE_ROWS_TABLE,
    SIGNATURE_TABLE,
    kind_style_name,
    style_name,
    text_width_twips,
)
from .measure import text_width_pt
from .ooxml import child_in_order, insert_in_order, order_table_properties, properties_of
from .reader import StyleSheet

__all__ = ["COLUMN_LOOP_TABLE", "break_rules", "fitted_lines", "lay_out", "mark_tables"]

#: Caption (alt-text title) marking a table whose columns a `{%tc for ... %}` loop makes.
COLUMN_LOOP_TABLE = "planforge:column-loop"
#: Default left and right margins of a table cell, in twips.
_CELL_MARGINS = 216
#: Share of a column a measured line may take: the renderers' widths differ a little.
_SAFETY = 0.985


def break_rules(profile: Profile, *, glue_first: bool = False) -> BreakRules:
    """Where the profile lets a name break (an authority line: its prefix glued on)."""
    layout = profile.layout
    return BreakRules(
        layout.keep_with_name, layout.keep_together, layout.break_before, glue_first=glue_first
    )


def fitted_lines(
    text: str, width_pt: float, size: float, *, bold: bool, rules: BreakRules
) -> list[str]:
    """The lines planforge prints one line of *text* in, in a column *width_pt* wide (the
    importer asks the same to tell the breaks planforge made from those a clerk gave)."""
    return break_line(text, width_pt * _SAFETY, lambda t: text_width_pt(t, size, bold=bold), rules)


def _caption(tbl: Any) -> str:
    caption = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
    return str(caption.get(qn("w:val"))) if caption is not None else ""


_PSTYLE = f"{qn('w:pPr')}/{qn('w:pStyle')}"
_VAL = qn("w:val")
_PSTYLE_TAG, _PPR_TAG, _P_TAG = qn("w:pStyle"), qn("w:pPr"), qn("w:p")


def _style_id(p: Any) -> str:
    style = p.find(_PSTYLE)
    return str(style.get(_VAL)) if style is not None else ""


def _styled(body: Any, style_ids: Container[str]) -> list[Any]:
    """The paragraphs of *body* whose style is one of *style_ids*, in order (found by their
    `w:pStyle`, a walk in lxml rather than a lookup per paragraph)."""
    found = []
    for style in body.iter(_PSTYLE_TAG):
        if style.get(_VAL) in style_ids:
            ppr = style.getparent()
            p = ppr.getparent() if ppr is not None else None
            if p is not None and p.tag == _P_TAG and ppr.tag == _PPR_TAG:
                found.append(p)
    return found


def _set_style(p: Any, style_id: str) -> None:
    child_in_order(properties_of(p), "pStyle").set(qn("w:val"), style_id)


def _lines(p: Any) -> list[str]:
    """The printed lines of a paragraph: its text split at line breaks."""
    lines = [""]
    for r in p.iter(qn("w:r")):
        for child in r:
            if child.tag == qn("w:t"):
                lines[-1] += child.text or ""
            elif child.tag == qn("w:br"):
                lines.append("")
            elif child.tag == qn("w:tab"):
                lines[-1] += "\t"
            elif child.tag == qn("w:noBreakHyphen"):
                lines[-1] += "-"
    return lines


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _rewrite(p: Any, lines: list[str], *, breaks: bool = False) -> None:
    """Print *lines* as the paragraph's lines: the first in *p*, each other in a paragraph of
    its own right after it, with the same properties (separate paragraphs, not line breaks:
    every reader sees the words apart, and each line is centred exactly); with *breaks*, in
    *p* itself, a line break between each. The first run's formatting is kept."""
    runs = p.findall(qn("w:r"))
    if not runs:
        return
    rpr = runs[0].find(qn("w:rPr"))
    for r in runs:
        p.remove(r)
    target = p
    for n, line in enumerate(lines):
        if n and not breaks:
            paragraph = p.makeelement(qn("w:p"), {})
            ppr = p.find(qn("w:pPr"))
            if ppr is not None:
                paragraph.append(_copy(ppr))
            target.addnext(paragraph)
            target = paragraph
        r = target.makeelement(qn("w:r"), {})
        if rpr is not None:
            r.append(_copy(rpr))
        target.append(r)
        if n and breaks:
            r.append(r.makeelement(qn("w:br"), {}))
        t = r.makeelement(qn("w:t"), {})
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)


def _copy(el: Any) -> Any:
    from copy import deepcopy

    return deepcopy(el)


def _cell_width(tc: Any) -> int | None:
    tc_w = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if tc_w is None or tc_w.get(qn("w:type")) not in (None, "dxa"):
        return None
    try:
        return int(tc_w.get(qn("w:w")))
    except (TypeError, ValueError):
        return None


def _set_cell_width(tc: Any, twips: int) -> None:
    tc_w = child_in_order(properties_of(tc), "tcW")
    tc_w.set(qn("w:w"), str(twips))
    tc_w.set(qn("w:type"), "dxa")


def _set_span(tc: Any, span: int) -> None:
    tc_pr = properties_of(tc)
    old = tc_pr.find(qn("w:gridSpan"))
    if span <= 1:
        if old is not None:
            tc_pr.remove(old)
        return
    child_in_order(tc_pr, "gridSpan").set(qn("w:val"), str(span))


def _set_grid(tbl: Any, widths: list[int]) -> None:
    grid = tbl.find(qn("w:tblGrid"))
    if grid is None:
        return
    for col in grid.findall(qn("w:gridCol")):
        grid.remove(col)
    for width in widths:
        grid.append(grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(width)}))


def _rows(tbl: Any) -> list[Any]:
    return list(tbl.findall(qn("w:tr")))


def _cells(tr: Any) -> list[Any]:
    return list(tr.findall(qn("w:tc")))


class _Layout:
    def __init__(self, body: Any, profile: Profile, styles: StyleSheet) -> None:
        self.body = body
        self.profile = profile
        self.styles = styles
        self.text_width = text_width_twips(profile)
        by_name = {styles.name_of(sid): sid for sid in styles.by_id}
        self.style_of = {role: by_name.get(style_name(role), "") for role in STYLE_ROLES}
        self.role_of = {sid: role for role, sid in self.style_of.items() if sid}
        self.kind_style = {
            (kind, role): by_name[kind_style_name(role, kind)]
            for kind in profile.signature.signing_kinds()
            for role in SIGNATURE_ROLES
            if kind_style_name(role, kind) in by_name
        }
        for (_, role), sid in self.kind_style.items():
            self.role_of[sid] = role
        self.prefixes = {p for kind in profile.signature.prefixes.values() for p in kind.values()}

    def role(self, p: Any) -> str:
        return self.role_of.get(_style_id(p), "")

    def measure(self, p: Any) -> Callable[[str], float]:
        size, bold = self.styles.style_size_bold(_style_id(p))
        return lambda text: text_width_pt(text, size, bold=bold)

    def fit_lines(self, p: Any, width_twips: int, *, glue_first: bool = False) -> None:
        """Break each line of *p* that is wider than *width_twips*."""
        size, bold = self.styles.style_size_bold(_style_id(p))
        rules = break_rules(self.profile, glue_first=glue_first)
        broken = [
            part
            for line in _lines(p)
            for part in fitted_lines(line, width_twips / 20, size, bold=bold, rules=rules)
        ]
        if len(broken) > 1:  # given or measured, each line its own paragraph
            _rewrite(p, broken)

    # -- the header --------------------------------------------------------------------------

    def header(self) -> None:
        for tbl in self.body.iter(qn("w:tbl")):
            if _caption(tbl) != HEADER_TABLE:
                continue
            rows = _rows(tbl)
            if not rows or any(len(_cells(r)) != 2 for r in rows):
                continue
            widest = 0.0
            for tr in rows:
                for p in _cells(tr)[1].iter(qn("w:p")):
                    measure = self.measure(p)
                    widest = max([widest, *(measure(line) for line in _lines(p))])
            # no inner margins in the header: centred lines need none, and a long name or
            # number gets the room
            _set_cell_margins(tbl, 0)
            right = int(widest * 20) + 80  # 4 pt to spare
            right = max(int(self.text_width * 0.35), min(right, int(self.text_width * 0.65)))
            left = self.text_width - right
            _set_grid(tbl, [left, right])
            for tr in rows:
                first, second = _cells(tr)
                _set_cell_width(first, left)
                _set_cell_width(second, right)
                for p in first.iter(qn("w:p")):
                    if self.role(p) in ("issuer", "parent"):
                        self.fit_lines(p, left)

    def numbers(self) -> None:
        """The number and symbol never break inside a group: when the line does not fit its
        column, it is broken after the `/`, and nowhere else while the rest fits."""
        number = self.style_of.get("number")
        if not number:
            return
        for p in _styled(self.body, {number}):
            if not _text(p).strip():
                continue
            text = "".join(_lines(p))
            measure = self.measure(p)
            width = self.container_width(p) / 20 * _SAFETY
            head, slash, tail = text.partition("/")
            if measure(text) > width and slash and measure(head + slash) <= width:
                _rewrite(p, [head + slash, tail], breaks=True)

    # -- the signatures ------------------------------------------------------------------------

    def signature_blocks(self, tbl: Any) -> Iterator[tuple[Any, Any]]:
        """(row, cell) of every cell of *tbl* that holds a signer's name."""
        signer_ids = {sid for sid, role in self.role_of.items() if role == "signer"}
        for tr in _rows(tbl):
            for tc in _cells(tr):
                if any(_style_id(p) in signer_ids for p in tc.iter(qn("w:p"))):
                    yield tr, tc

    def signatures(self, kinds: list[str]) -> None:
        for tbl in self.body.iter(qn("w:tbl")):
            caption = _caption(tbl)
            if caption == SIGNATURE_ROWS_TABLE:
                self.signature_rows(tbl, kinds)
            elif caption in (SIGNATURE_TABLE, COLUMN_LOOP_TABLE):
                # one block, or a row of them (a template exported before signature rows)
                if caption == COLUMN_LOOP_TABLE:
                    _fit_column_loops(tbl)
                blocks = list(self.signature_blocks(tbl))
                for (_, tc), kind in zip(blocks, kinds, strict=False):
                    self.signature_cell(tc, kind, _cell_width(tc) or self.text_width // 2)
                if caption == COLUMN_LOOP_TABLE:
                    self.level([tc for _, tc in blocks])

    def signature_rows(self, tbl: Any, kinds: list[str]) -> None:
        """Blocks in rows of `per_row`: equal columns, a short row centred, each block's lines
        broken to its column, its styles its own body's, the names of a row level."""
        per_row = max(1, self.profile.signature.per_row)
        rows = _rows(tbl)
        counts = [len(_cells(tr)) for tr in rows]
        columns = max([min(per_row, c) for c in counts if c] or [1])
        unit = self.text_width // (2 * columns)
        _set_grid(tbl, [unit] * (2 * columns))
        blocks = list(self.signature_blocks(tbl))
        by_row: dict[int, list[Any]] = {}
        for tr, tc in blocks:
            by_row.setdefault(id(tr), []).append(tc)
        for tr in rows:
            cells = _cells(tr)
            mine = by_row.get(id(tr), [])
            if not mine:  # the recipients row: the whole width
                for tc in cells:
                    _set_span(tc, 2 * columns // len(cells) if cells else 1)
                    _set_cell_width(tc, unit * 2 * columns // max(len(cells), 1))
                continue
            for tc in mine:
                _set_span(tc, 2)
                _set_cell_width(tc, unit * 2)
            spare = columns - len(mine)
            if spare > 0:  # a short row: centred, between empty cells
                mine[0].addprevious(_empty_cell(tr, unit * spare, spare))
                mine[-1].addnext(_empty_cell(tr, unit * spare, spare))
        for (_, tc), kind in zip(blocks, kinds, strict=False):
            self.signature_cell(tc, kind, unit * 2)
        for n, tcs in enumerate(by_row.values()):
            self.level(tcs)
            if n:  # room between a row's names and the next row's authority lines
                for tc in tcs:
                    first = tc.find(qn("w:p"))
                    if first is not None:
                        _space_before(first, self.profile.signature.row_gap_pt)

    def signature_cell(self, tc: Any, kind: str, width: int) -> None:
        for p in tc.iter(qn("w:p")):
            role = self.role(p)
            if role not in SIGNATURE_ROLES:
                continue
            variant = self.kind_style.get((kind, role))
            if variant:
                _set_style(p, variant)
            if role != "signer" and _text(p).strip():
                text = _text(p)
                glue = any(text.startswith(f"{prefix} ") for prefix in self.prefixes)
                self.fit_lines(p, width - _CELL_MARGINS, glue_first=glue)

    def level(self, cells: list[Any]) -> None:
        """Bring the names of one row level: every block gets as many lines above its name
        (empty lines added under the shorter ones) and sits at the bottom of its cell, so
        that the names share a baseline whatever the renderer measures."""
        tops: list[tuple[Any, Any, int]] = []
        for tc in cells:
            paragraphs = tc.findall(qn("w:p"))
            names = [p for p in paragraphs if self.role(p) == "signer"]
            if not names:
                continue
            above = paragraphs[: paragraphs.index(names[-1])]
            while above and not _text(above[-1]).strip():  # the template's padding: redone
                tc.remove(above.pop())
            tops.append((tc, names[-1], sum(len(_lines(p)) for p in above)))
        most = max((count for _, _, count in tops), default=0)
        for tc, name, count in tops:
            for _ in range(most - count):
                name.addprevious(_empty_like(name, self.style_of["signature_position"]))
            _set_valign(tc, "bottom")

    # -- rules under headings --------------------------------------------------------------------

    def rules_under(self) -> None:
        """Set each rule paragraph's indents so the line is as long as the profile says."""
        by_name = {self.styles.name_of(sid): sid for sid in self.styles.by_id}
        rules: dict[str, Rule] = {}
        for key, spec in (
            ("motto", self.profile.header.motto_rule),
            ("issuer", self.profile.header.issuer_rule),
            ("summary", self.profile.title_format.summary_rule),
        ):
            sid = by_name.get(RULE_STYLES[key])
            if sid is not None:
                rules[sid] = spec
        for p in _styled(self.body, rules):
            rule = rules[_style_id(p)]
            measured = self.widest_above(p)
            if measured is None:
                continue
            available = self.container_width(p)
            length = min(measured, available) * rule.fraction
            indent = str(int(max(available - length, 0) / 2))
            ind = child_in_order(properties_of(p), "ind")
            ind.attrib.clear()
            ind.set(qn("w:left"), indent)
            ind.set(qn("w:right"), indent)
            ind.set(qn("w:firstLine"), "0")

    def container_width(self, p: Any) -> int:
        tc = p.getparent()
        if tc is not None and tc.tag == qn("w:tc"):
            width = _cell_width(tc)
            if width is not None:
                tbl = next(tc.iterancestors(qn("w:tbl")), None)
                return max(width - _cell_margins(tbl), 0)
        return self.text_width

    def widest_above(self, p: Any) -> float | None:
        """Widest printed line (twips) of the same-styled paragraphs right above *p*."""
        sibling = p.getprevious()
        style_id = None
        widest = None
        while sibling is not None and sibling.tag == qn("w:p"):
            if not _text(sibling).strip():
                sibling = sibling.getprevious()
                continue
            sid = _style_id(sibling)
            if style_id is None:
                style_id = sid
            elif sid != style_id:
                break
            measure = self.measure(sibling)
            width = max(measure(line) for line in _lines(sibling)) * 20
            widest = width if widest is None else max(widest, width)
            sibling = sibling.getprevious()
        return widest


def _cell_margins(tbl: Any) -> int:
    """A table's left and right cell margins together, in twips (Word's default: 108 each)."""
    total = 0
    for side in (("left", "start"), ("right", "end")):
        value = 108
        if tbl is not None:
            for name in side:
                el = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}/{qn('w:' + name)}")
                if el is not None and el.get(qn("w:type"), "dxa") == "dxa":
                    with contextlib.suppress(ValueError):
                        value = int(el.get(qn("w:w"), "108"))
                    break
        total += value
    return total


def _set_cell_margins(tbl: Any, twips: int) -> None:
    tbl_pr = tbl.find(qn("w:tblPr"))
    if tbl_pr is None:
        return
    margins = child_in_order(tbl_pr, "tblCellMar")
    for side in ("left", "right"):
        el = margins.makeelement(qn(f"w:{side}"), {qn("w:w"): str(twips), qn("w:type"): "dxa"})
        insert_in_order(margins, el)


def _empty_cell(tr: Any, width: int, span: int) -> Any:
    tc = tr.makeelement(qn("w:tc"), {})
    _set_cell_width(tc, width)
    _set_span(tc, span)
    tc.append(tc.makeelement(qn("w:p"), {}))
    return tc


def _empty_like(p: Any, style_id: str) -> Any:
    empty = p.makeelement(qn("w:p"), {})
    if style_id:
        _set_style(empty, style_id)
    return empty


def _space_before(p: Any, points: float) -> None:
    child_in_order(properties_of(p), "spacing").set(qn("w:before"), str(int(points * 20)))


def _set_valign(tc: Any, value: str) -> None:
    child_in_order(properties_of(tc), "vAlign").set(qn("w:val"), value)


#: What a table's template text holds (spaces removed) -> the caption it gets.
_TABLE_MARKS = (
    ("{%trforrowinsignature_rows", SIGNATURE_ROWS_TABLE),
    ("{%tc", COLUMN_LOOP_TABLE),
    ("forsiginsignatures", SIGNATURE_TABLE),
    ("header.motto", HEADER_TABLE),
    ("header.issuers", HEADER_TABLE),
)


def mark_tables(body: Any) -> None:
    """Caption the tables the layout step finds again after rendering, by their template
    text: the header, the signature rows, a single signature, a column loop.

    The caption survives docxtpl's re-parse; LibreOffice drops captions when it saves, so a
    template an office edited there is marked again here (a caption it has is kept).
    """
    for tbl in body.iter(qn("w:tbl")):
        tbl_pr = tbl.find(qn("w:tblPr"))
        if tbl_pr is None or tbl_pr.find(qn("w:tblCaption")) is not None:
            continue
        text = "".join(t.text or "" for t in tbl.iter(qn("w:t"))).replace(" ", "")
        caption = next((mark for key, mark in _TABLE_MARKS if key in text), None)
        if caption is None:
            continue
        tbl_pr.append(tbl_pr.makeelement(qn("w:tblCaption"), {qn("w:val"): caption}))
        order_table_properties(tbl)


def _fit_column_loops(tbl: Any) -> None:
    """Share a column-loop table's width equally among the columns the loop made."""
    rows = _rows(tbl)
    count = max((len(_cells(r)) for r in rows), default=0)
    grid = tbl.find(qn("w:tblGrid"))
    if count == 0 or grid is None:
        return
    total = sum(int(c.get(qn("w:w"), "0")) for c in grid.findall(qn("w:gridCol")))
    share = total // count
    _set_grid(tbl, [share] * count)
    for row in rows:
        for tc in _cells(row):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            cols = int(span.get(qn("w:val"))) if span is not None else 1
            _set_cell_width(tc, share * cols)


def lay_out(body: Any, profile: Profile, styles: StyleSheet, context: dict[str, Any]) -> None:
    """Every measured step, on a rendered body."""
    layout = _Layout(body, profile, styles)
    layout.header()
    layout.numbers()
    rows = context.get("signature_rows")
    kinds = [str(sig.get("kind", "")) for row in rows or [] for sig in row]
    if not kinds:
        kinds = [str(sig.get("kind", "")) for sig in context.get("signatures", [])]
    layout.signatures(kinds)
    layout.rules_under()
    order_table_properties(body)
