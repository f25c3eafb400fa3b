"""`planforge check`: audit any .docx (ours, Word's, LibreOffice's) against a profile's rules.

Elements are found by their text and position, not by our template's structure: a motto is the
paragraph that reads `CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`, the place-and-date line the one that
reads `<place>, ngày ... tháng ... năm ...`, and so on. Formatting is resolved as Word resolves it:
run, character style, paragraph style chain, document defaults, theme fonts.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from docx import Document
from docx.oxml.ns import qn

from .._audit import AuditFinding
from .._dates import format_place_date
from .._errors import TemplateError
from .._profiles import Profile, builtin_profiles, load_profile
from .safety import check_docx_archive

__all__ = ["audit_document", "guess_profile"]

Severity = Literal["error", "warning"]


class UnreadableDocumentError(TemplateError):
    """The file is not a Word document planforge can read."""


@dataclass
class _Run:
    text: str
    font: str | None
    size: float | None
    bold: bool
    italic: bool


@dataclass
class _Para:
    index: int  # document order
    where: str
    text: str
    runs: list[_Run]
    align: str | None
    element: Any

    @functools.cached_property
    def plain(self) -> str:
        return re.sub(r"\s+", " ", self.text).strip()

    @functools.cached_property
    def folded(self) -> str:
        return _fold(self.text)

    def sizes(self) -> set[float]:
        return {r.size for r in self.runs if r.text.strip() and r.size is not None}

    def all_bold(self) -> bool:
        return all(r.bold for r in self.runs if r.text.strip())

    def all_italic(self) -> bool:
        return all(r.italic for r in self.runs if r.text.strip())


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Upper case without diacritics or extra spaces: HÒA, HOÀ and Hoà compare equal."""
    bare = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return (
        re.sub(r"\s+", " ", "".join(c for c in bare if not unicodedata.combining(c)))
        .strip()
        .upper()
    )


# -- formatting as Word resolves it --------------------------------------------------------


def _on(el: Any) -> bool | None:
    if el is None:
        return None
    return el.get(qn("w:val"), "true").lower() not in ("0", "false", "off", "none")


class _Styles:
    def __init__(self, doc: Any) -> None:
        root = doc.styles.element
        self.by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        defaults = root.find(qn("w:docDefaults"))
        rpr = (
            defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr")) if defaults is not None else None
        )
        self.default_rpr = rpr
        self.default_para = next(
            (
                s.get(qn("w:styleId"))
                for s in root.findall(qn("w:style"))
                if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")
            ),
            None,
        )
        self.theme = _theme_fonts(doc)

    def chain(self, style_id: str | None, tag: str = "w:rPr") -> Iterator[Any]:
        """The *tag* properties of a style and of each style it is based on, nearest first."""
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            props = style.find(qn(tag))
            if props is not None:
                yield props
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None

    def font_of(self, rfonts: Any) -> str | None:
        if rfonts is None:
            return None
        theme = rfonts.get(qn("w:asciiTheme")) or rfonts.get(qn("w:hAnsiTheme"))
        if theme:
            return self.theme.get("major" if theme.startswith("major") else "minor")
        name: str | None = rfonts.get(qn("w:ascii")) or rfonts.get(qn("w:hAnsi"))
        return name


def _theme_fonts(doc: Any) -> dict[str, str]:
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/theme") and not rel.is_external:
            xml = rel.target_part.blob.decode("utf-8", "replace")
            fonts = {}
            for kind in ("major", "minor"):
                match = re.search(rf"<a:{kind}Font>\s*<a:latin typeface=\"([^\"]*)\"", xml)
                if match:
                    fonts[kind] = match.group(1)
            return fonts
    return {}


def _resolve_run(r: Any, para_style: str | None, styles: _Styles) -> _Run:
    layers: list[Any] = []
    rpr = r.find(qn("w:rPr"))
    if rpr is not None:
        layers.append(rpr)
        rstyle = rpr.find(qn("w:rStyle"))
        if rstyle is not None:
            layers.extend(styles.chain(rstyle.get(qn("w:val"))))
    layers.extend(styles.chain(para_style))
    if styles.default_rpr is not None:
        layers.append(styles.default_rpr)
    font = size = None
    bold = italic = None
    for layer in layers:
        if font is None:
            font = styles.font_of(layer.find(qn("w:rFonts")))
        if size is None:
            sz = layer.find(qn("w:sz"))
            if sz is not None and sz.get(qn("w:val")):
                size = int(sz.get(qn("w:val"))) / 2
        if bold is None:
            bold = _on(layer.find(qn("w:b")))
        if italic is None:
            italic = _on(layer.find(qn("w:i")))
    text = "".join(t.text or "" for t in r.iter(qn("w:t")))
    return _Run(text, font, size if size is not None else 10.0, bool(bold), bool(italic))


def _paragraph(p: Any, index: int, where: str, styles: _Styles) -> _Para:
    ppr = p.find(qn("w:pPr"))
    style_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
    style_id = style_el.get(qn("w:val")) if style_el is not None else styles.default_para
    runs = [_resolve_run(r, style_id, styles) for r in p.iter(qn("w:r"))]
    align = None
    for props in ([ppr] if ppr is not None else []) + list(styles.chain(style_id, "w:pPr")):
        jc = props.find(qn("w:jc"))
        if jc is not None:
            align = jc.get(qn("w:val"))
            break
    text = "".join(r.text for r in runs)
    return _Para(index, where, text, runs, align, p)


def _paragraphs(doc: Any, styles: _Styles) -> list[_Para]:
    out: list[_Para] = []
    body = doc.element.body

    def walk(container: Any, where: str) -> None:
        table_no = 0
        for child in container:
            if child.tag == qn("w:p"):
                out.append(_paragraph(child, len(out), f"{where}paragraph {len(out) + 1}", styles))
            elif child.tag == qn("w:tbl"):
                table_no += 1
                for r, tr in enumerate(child.findall(qn("w:tr")), 1):
                    for c, tc in enumerate(tr.findall(qn("w:tc")), 1):
                        walk(tc, f"{where}table {table_no}, row {r}, cell {c}: ")
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content, where)

    walk(body, "")
    return out


# -- the audit -----------------------------------------------------------------------------


def guess_profile(paras: list[_Para]) -> Profile:
    """The built-in profile whose motto the document shows (state when it shows none)."""
    texts = {p.folded for p in paras[:40]}
    for name in builtin_profiles():
        profile = load_profile(name)
        if _fold(profile.header.motto[0]) in texts:
            return profile
    return load_profile("nd30-2020")


def audit_document(
    data: bytes, *, profile: Profile | None = None, name: str = "document", trusted: bool = False
) -> list[AuditFinding]:
    """Every finding for the .docx *data* under *profile* (default: by the motto it shows).

    *trusted*: the document was just made by planforge, so its archive is not checked again.
    """
    try:
        if not trusted:
            check_docx_archive(data, name=name)
        doc = Document(io.BytesIO(data))
    except TemplateError as exc:
        raise UnreadableDocumentError(exc.message, file=name) from exc
    except Exception as exc:  # python-docx's errors for a broken package vary
        raise UnreadableDocumentError(
            f"cannot be read as a Word document: {exc}", file=name
        ) from exc
    return _Audit(doc, profile).run()


class _Audit:
    def __init__(self, doc: Any, profile: Profile | None) -> None:
        self.doc = doc
        self.styles = _Styles(doc)
        self.paras = _paragraphs(doc, self.styles)
        self.profile = profile or guess_profile(self.paras)
        self.findings: list[AuditFinding] = []

    def add(self, rule: str, message: str, where: str, severity: Severity = "error") -> None:
        source = self.profile.audit.sources.get(rule, self.profile.source)
        self.findings.append(AuditFinding(rule, severity, message, source, where))

    def run(self) -> list[AuditFinding]:
        self.page()
        self.fonts()
        header_end = self.header()
        self.title(header_end)
        self.signatures()
        self.recipients()
        self.page_numbers()
        return self.findings

    # -- page -----------------------------------------------------------------------------------

    def page(self) -> None:
        for n, section in enumerate(self.doc.sections, 1):
            where = f"section {n}"
            width, height = section.page_width.mm, section.page_height.mm
            page = self.profile.page
            if abs(width - page.width_mm) > 1 or abs(height - page.height_mm) > 1:
                self.add(
                    "paper",
                    f"paper is {width:.0f} × {height:.0f} mm; the rule is "
                    f"{page.width_mm:g} × {page.height_mm:g} mm",
                    where,
                )
            for side in ("top", "bottom", "left", "right"):
                low, high = self.profile.audit.margins_mm[side]
                value = getattr(section, f"{side}_margin").mm
                if not low - 0.5 <= value <= high + 0.5:
                    span = f"{low:g} mm" if low == high else f"{low:g}–{high:g} mm"
                    self.add(
                        "margins", f"{side} margin is {value:.0f} mm; the rule is {span}", where
                    )

    def fonts(self) -> None:
        wanted = _fold(self.profile.font)
        wrong: dict[str, list[_Para]] = {}
        for para in self.paras:
            for run in para.runs:
                if run.text.strip() and _fold(run.font or "(none)") != wanted:
                    wrong.setdefault(run.font or "(no font)", []).append(para)
                    break
        for section_no, section in enumerate(self.doc.sections, 1):
            for kind in ("header", "first_page_header", "footer", "first_page_footer"):
                part = getattr(section, kind)
                if part.is_linked_to_previous and kind != "header":
                    continue
                for p in part._element.iter(qn("w:p")):
                    para = _paragraph(
                        p, -1, f"section {section_no} {kind.replace('_', ' ')}", self.styles
                    )
                    for run in para.runs:
                        if run.text.strip() and _fold(run.font or "(none)") != wanted:
                            wrong.setdefault(run.font or "(no font)", []).append(para)
                            break
        for font, paras in wrong.items():
            first = paras[0]
            self.add(
                "font",
                f"{len(paras)} paragraph(s) set in {font}, not {self.profile.font}; first: "
                f"{first.plain[:60]!r}",
                first.where,
            )

    # -- header: motto, issuer, number, date ---------------------------------------------------

    def find(self, text: str, before: int | None = None) -> _Para | None:
        folded = _fold(text)
        for para in self.paras[:before]:
            if para.folded == folded:
                return para
        return None

    def check_format(
        self,
        para: _Para,
        element: str,
        rule: str,
        *,
        bold: bool | None = None,
        italic: bool | None = None,
        label: str = "",
    ) -> None:
        low, high = self.profile.audit.sizes[element]
        shown = label or element.replace("_", " ")
        bad = sorted(s for s in para.sizes() if not low - 0.01 <= s <= high + 0.01)
        if bad:
            span = f"{low:g} pt" if low == high else f"{low:g}–{high:g} pt"
            self.add(
                rule,
                f"{shown} {para.plain[:50]!r} is {bad[0]:g} pt; the rule is {span}",
                para.where,
            )
        if bold is True and not para.all_bold():
            self.add(rule, f"{shown} {para.plain[:50]!r} must be bold", para.where)
        if bold is False and any(r.bold for r in para.runs if r.text.strip()):
            self.add(rule, f"{shown} {para.plain[:50]!r} must not be bold", para.where, "warning")
        if italic is True and not para.all_italic():
            self.add(rule, f"{shown} {para.plain[:50]!r} must be italic", para.where)

    def header(self) -> int:
        """Check the header block; return the index of its last paragraph."""
        motto = self.profile.header.motto
        first = self.find(motto[0], 40)
        if first is None:
            self.add("motto", f"no `{motto[0]}` line in the header", "header")
        else:
            self.check_format(first, "motto_1", "motto", bold=True, label="motto")
        if len(motto) > 1:
            second = self.find(motto[1], 40)
            if second is None:
                self.add("motto", f"no `{motto[1]}` line in the header", "header")
            else:
                self.check_format(second, "motto_2", "motto", bold=True, label="motto")
        number = self.number()
        date = self.date()
        end = max((p.index for p in (first, number, date) if p is not None), default=0)
        if number is not None:
            self.issuer(number, {id(first)})
        return end

    def number(self) -> _Para | None:
        rule = self.profile.number
        candidates = [p for p in self.paras[:40] if re.match(r"Số\b", p.plain)]
        if not candidates:
            self.add("number", "no `Số ...` line (number and symbol) in the header", "header")
            return None
        para = candidates[0]
        pattern = _number_pattern(rule.template)
        match = pattern.fullmatch(para.plain)
        example = rule.template.format(number="12", type="KH", symbols="UBND")
        if not match:
            self.add("number", f"`{para.plain}` is not written as `{example}`", para.where)
        else:
            digits = match.group("number").strip()
            if digits and len(digits) < rule.pad_to:
                self.add(
                    "number",
                    f"number {digits} is written with at least {rule.pad_to} "
                    f"digits (`{digits.zfill(rule.pad_to)}`)",
                    para.where,
                )
        self.check_format(para, "number", "number", label="number")
        return para

    def date(self) -> _Para | None:
        rule = self.profile.date
        pattern = re.compile(
            re.escape(rule.template)
            .replace(r"\{place\}", r"(?P<place>.+?)")
            .replace(r"\{day\}", r"(?P<day>\S*)")
            .replace(r"\{month\}", r"(?P<month>\S*)")
            .replace(r"\{year\}", r"(?P<year>\d{4})")
            .replace(r"\ ", r"\s+")
        )
        para = next((p for p in self.paras[:60] if pattern.fullmatch(p.plain)), None)
        if para is None:
            self.add(
                "date", "no place-and-date line (`<place>, ngày ... tháng ... năm ...`)", "header"
            )
            return None
        match = pattern.fullmatch(para.plain)
        assert match is not None
        day, month, year = match.group("day"), match.group("month"), int(match.group("year"))
        if day or month:
            try:
                when = _dt.date(year, int(month), int(day))
            except ValueError:
                self.add("date", f"`{para.plain}` is not a date", para.where)
            else:
                expected = format_place_date(match.group("place"), when, year, rule)
                if (
                    _fold(expected) != _fold(para.plain)
                    or expected.split(", ", 1)[1]
                    != (re.sub(r"\s+", " ", para.plain).split(", ", 1)[1])
                ):
                    self.add(
                        "date",
                        f"`{para.plain}` should read `{expected}` (days 1–9 and months 1–2 "
                        "take a leading zero, months 3–12 do not)",
                        para.where,
                    )
        self.check_format(para, "place_date", "date", italic=True, label="place and date")
        return para

    def issuer(self, number: _Para, skip: set[int]) -> None:
        """The issuing body: the last upper-case line before the number, not a motto line."""
        mottos = {_fold(m) for m in self.profile.header.motto}
        lines = [
            p
            for p in self.paras[: number.index]
            if p.plain
            and p.plain == p.plain.upper()
            and any(c.isalpha() for c in p.plain)
            and p.folded not in mottos
            and id(p) not in skip
        ]
        if not lines:
            self.add("issuer", "no issuing body above the number", number.where)
            return
        # the left column comes before the motto's column in document order
        first_motto = min((q.index for q in self.paras if q.folded in mottos), default=number.index)
        group = [p for p in lines if p.index < first_motto]
        issuer = (group or lines)[-1]
        self.check_format(issuer, "issuer", "issuer", bold=True, label="issuing body")

    # -- title ---------------------------------------------------------------------------------

    def title(self, header_end: int) -> None:
        names = {_fold(n) for n in self.profile.audit.type_names}
        title = next(
            (p for p in self.paras[header_end + 1 : header_end + 15] if p.folded in names),
            None,
        )
        if title is None:
            self.add("title", "no type name (KẾ HOẠCH, ...) under the header", "title")
            return
        self.check_format(title, "type_name", "title", bold=True, label="type name")
        # the alignments the profile gives the type name and the summary (w:jc spells
        # centre "center")
        title_align = self.profile.style("type_name").align.value
        summary_align = self.profile.style("summary").align.value
        if _align(title.align) != title_align:
            self.add(
                "title", f"type name {title.plain!r} must be aligned {title_align}", title.where
            )
        summary = []
        for para in self.paras[title.index + 1 : title.index + 8]:
            if (
                not para.plain
                or para.plain.strip("-_ ") == ""
                or _align(para.align) != summary_align
            ):
                break
            summary.append(para)
        if not summary:
            self.add(
                "title",
                f"no summary (trích yếu) aligned {summary_align} under the type name",
                title.where,
            )
        for para in summary:
            self.check_format(para, "summary", "title", bold=True, label="summary")

    # -- signatures ----------------------------------------------------------------------------

    def prefixes(self) -> set[str]:
        return {p for kind in self.profile.signature.prefixes.values() for p in kind.values()}

    def signatures(self) -> None:
        valid = self.prefixes()
        bare = {p.rstrip(".") for p in valid} | {p.replace("/", "") for p in valid}
        found = False
        for para in self.paras:
            text = para.plain
            if not text or text != text.upper():
                continue
            token = text.split(" ", 1)[0]
            if token in valid:
                found = True
                self.check_format(para, "signature", "signature", bold=True, label="signature line")
            elif token.rstrip(".") in bare and len(text.split()) > 1:
                found = True
                key = token.rstrip(".").replace("/", "")
                spellings = sorted(
                    (p for p in valid if p.rstrip(".").replace("/", "") == key),
                    key=lambda p: p != f"{token.rstrip('.')}.",
                )
                self.add(
                    "authority",
                    f"`{token}` is not an authority prefix; write "
                    + " or ".join(f"`{p}`" for p in spellings),
                    para.where,
                )
        if not found:
            return
        # the signer's name: the last line of each table cell that holds an authority line
        by_element = {id(p.element): p for p in self.paras}
        for cell in self.doc.element.body.iter(qn("w:tc")):
            lines = [by_element[id(p)] for p in cell.iter(qn("w:p")) if id(p) in by_element]
            lines = [p for p in lines if p.plain]
            if any(p.plain.split(" ", 1)[0].rstrip(".").replace("/", "") in bare for p in lines):
                self.check_format(lines[-1], "signature", "signature", bold=True, label="signer")

    # -- recipients ------------------------------------------------------------------------------

    def recipients(self) -> None:
        fmt = self.profile.recipients
        label = next(
            (
                p
                for p in self.paras
                if _fold(p.plain).startswith(
                    _fold(fmt.label[:-1]) if fmt.label.endswith(":") else _fold(fmt.label)
                )
            ),
            None,
        )
        if label is None:
            self.add("recipients", f"no `{fmt.label}` list", "end of document")
            return
        self.check_format(
            label,
            "recipients_label",
            "recipients",
            bold=True,
            italic=True,
            label="recipients label",
        )
        bullet = fmt.bullet.strip()
        lines: list[_Para] = []
        for para in self.paras[label.index + 1 :]:
            if not para.plain:
                continue
            if not para.plain.startswith(bullet):
                if lines:
                    break
                continue
            lines.append(para)
        if not lines:
            self.add("recipients", "the recipients list is empty", label.where)
            return
        for para in lines:
            self.check_format(para, "recipient", "recipients", label="recipient")
        for para in lines[:-1]:
            if not para.plain.endswith((fmt.line_end, ";", ",")):
                self.add(
                    "recipients",
                    f"recipient line {para.plain[:50]!r} must end with `{fmt.line_end}`",
                    para.where,
                )
        last = lines[-1]
        if not last.plain.endswith(fmt.last_end):
            self.add(
                "recipients",
                f"the last recipient line {last.plain[:50]!r} must end with `{fmt.last_end}`",
                last.where,
            )
        archive = _fold(fmt.bullet + fmt.archive.split("{", 1)[0]).strip()
        if not _fold(last.plain).startswith(archive):
            self.add(
                "recipients",
                f"the list must end with the archive line "
                f"`{fmt.bullet}{fmt.archive.format(holders='VT, ...')}`",
                last.where,
            )

    # -- page numbers ----------------------------------------------------------------------------

    def page_numbers(self) -> None:
        for n, section in enumerate(self.doc.sections, 1):
            where = f"section {n}"
            first_page = section.different_first_page_header_footer
            default_has = _has_page_field(section.header._element) if section.header else False
            first_has = (
                _has_page_field(section.first_page_header._element) if first_page else (default_has)
            )
            footer_has = _has_page_field(section.footer._element)
            if first_has:
                self.add(
                    "page_numbers", "page 1 shows a page number; numbers start on page 2", where
                )
            if not default_has and footer_has:
                self.add(
                    "page_numbers",
                    "page numbers are in the footer; they belong centred in the top margin",
                    where,
                    "warning",
                )
            elif not default_has and len(self.paras) > 60:
                self.add(
                    "page_numbers",
                    "no page numbers (from page 2 on, centred at the top)",
                    where,
                    "warning",
                )


_JC = {"both": "justify", "distribute": "justify", "start": "left", "end": "right"}


def _align(jc: str | None) -> str:
    """A paragraph's w:jc in the profile's words (left, center, right, justify)."""
    return _JC.get(jc or "left", jc or "left")


def _has_page_field(element: Any) -> bool:
    instr = " ".join(t.text or "" for t in element.iter(qn("w:instrText")))
    simple = " ".join(f.get(qn("w:instr"), "") for f in element.iter(qn("w:fldSimple")))
    return bool(re.search(r"\bPAGE\b", instr + " " + simple))


def _number_pattern(template: str) -> re.Pattern[str]:
    """`Số: {number}/{type}-{symbols}` -> a regex for any text written that way."""
    escaped = re.escape(template).replace(r"\ ", r"\s*")
    return re.compile(
        escaped.replace(r"\{number\}", r"(?P<number>\d*|\s*)")
        .replace(r"\{type\}", r"(?P<type>[A-ZĐ][A-Za-zĐđ]*)")
        .replace(r"\{symbols\}", r"(?P<symbols>[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)")
    )
