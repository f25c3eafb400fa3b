"""WordprocessingML details python-docx leaves to us: the order of property elements.

The xsd:sequence of each properties element is declared here once; every place that adds a
child element puts it where the schema wants it, because Word may ignore (or refuse) one out
of order.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

__all__ = ["child_in_order", "insert_in_order", "order_table_properties", "properties_of"]


def _sequence(*names: str) -> list[str]:
    return [qn(f"w:{n}") for n in names]


_SEQUENCES: dict[str, list[str]] = {
    qn("w:tblPr"): _sequence(
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
    ),
    qn("w:tcPr"): _sequence(
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
        "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
        "cellDel", "cellMerge", "tcPrChange",
    ),
    qn("w:tblCellMar"): _sequence("top", "start", "left", "bottom", "end", "right"),
    qn("w:trPr"): _sequence(
        "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
        "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange",
    ),
    qn("w:pPr"): _sequence(
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
        "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
        "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
        "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
        "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
        "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
    ),
    qn("w:rPr"): _sequence(
        "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
        "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
        "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
        "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
        "eastAsianLayout", "specVanish", "oMath",
    ),
    qn("w:settings"): _sequence(
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
        "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
        "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
        "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
        "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
        "proofState", "formsDesign", "attachedTemplate", "linkStyles",
        "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
        "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
        "documentProtection", "autoFormatOverride", "styleLockTheme", "styleLockQFSet",
        "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone",
        "doNotHyphenateCaps", "showEnvelope", "summaryLength", "clickAndTypeStyle",
        "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
        "bookFoldPrintingSheets", "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
        "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
        "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
        "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
        "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
        "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
        "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent",
        "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly",
        "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace",
        "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
        "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
        "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
        "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
        "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
    ),
}  # fmt: skip


def insert_in_order(parent: Any, child: Any) -> Any:
    """Put *child* into *parent* where the schema's sequence wants it, replacing an element
    of the same tag; return *child*."""
    sequence = _SEQUENCES[parent.tag]
    rank = {tag: n for n, tag in enumerate(sequence)}
    old = parent.find(child.tag)
    if old is not None:
        old.addprevious(child)
        parent.remove(old)
        return child
    mine = rank.get(child.tag, len(sequence))
    after = next((el for el in parent if rank.get(el.tag, len(sequence)) > mine), None)
    if after is not None:
        after.addprevious(child)
    else:
        parent.append(child)
    return child


#: The properties element each element carries as its first child.
_PROPERTIES = {qn("w:p"): qn("w:pPr"), qn("w:tc"): qn("w:tcPr"), qn("w:r"): qn("w:rPr")}


def properties_of(element: Any) -> Any:
    """The `w:pPr` of a paragraph (`w:tcPr` of a cell, `w:rPr` of a run), made if missing."""
    tag = _PROPERTIES[element.tag]
    found = element.find(tag)
    if found is None:
        found = element.makeelement(tag, {})
        element.insert(0, found)
    return found


def child_in_order(parent: Any, name: str) -> Any:
    """*parent*'s `w:<name>` child, made where the schema's sequence wants it if missing."""
    found = parent.find(qn(f"w:{name}"))
    if found is None:
        found = insert_in_order(parent, parent.makeelement(qn(f"w:{name}"), {}))
    return found


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
    for tag in ("w:tblPr", "w:tcPr"):
        for props in root.iter(qn(tag)):
            _reorder(props, _SEQUENCES[qn(tag)])
