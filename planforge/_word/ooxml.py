"""WordprocessingML details python-docx leaves to us: the order of property elements."""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

__all__ = ["order_table_properties"]

# CT_TblPr and CT_TcPr are xsd:sequences: Word may ignore properties out of this order
_TBL_PR = [qn(f"w:{t}") for t in (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
)]  # fmt: skip
_TC_PR = [qn(f"w:{t}") for t in (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange",
)]  # fmt: skip


def _reorder(parent: Any, sequence: list[str]) -> None:
    rank = {tag: n for n, tag in enumerate(sequence)}
    children = list(parent)
    seen: set[str] = set()
    kept = []
    for child in children:
        if child.tag in rank and child.tag in seen:
            continue  # a property given twice: the first one stands
        seen.add(child.tag)
        kept.append(child)
    kept.sort(key=lambda el: rank.get(el.tag, len(sequence)))
    if kept != children:
        for child in children:
            parent.remove(child)
        parent.extend(kept)


def order_table_properties(root: Any) -> None:
    """Put every tblPr and tcPr under *root* into schema order, without duplicates."""
    for tbl_pr in root.iter(qn("w:tblPr")):
        _reorder(tbl_pr, _TBL_PR)
    for tc_pr in root.iter(qn("w:tcPr")):
        _reorder(tc_pr, _TC_PR)
