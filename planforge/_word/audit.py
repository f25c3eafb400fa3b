"""`planforge check`: audit any .docx (ours, Word's, LibreOffice's) against a profile's rules.

Elements are found by their text and position, not by planforge's template: the motto is the
paragraph that reads the profile's motto, the number the one that begins as the profile's number
format does, the place-and-date line the one its date format describes, and so on. Every
expectation — sizes, bold, italic, underline, alignment, the number's head and separators, the
date's padding, the recipients' line ends and archive line, the rules and marks under headings —
comes from the profile the audit is given (or the one the document's header points to).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .._dates import describe_date_rule, format_place_date
from .._errors import TemplateError, UnreadableDocumentError
from .._findings import Finding, Severity
from .._models import IssuerKind, Urgency
from .._profiles import (
    BodyAudit,
    Profile,
    TextStyle,
    builtin_profiles,
    default_profile,
    load_profile,
)
from .._text import tone_normal
from .reader import SIGNED_MARK, Paragraph, WordDocument, fold, read_document
from .safety import check_docx_archive

__all__ = ["ROLE_RULES", "audit_document", "audit_with_profile", "guess_profile"]

#: The rule (as findings name it) each styled element belongs to.
ROLE_RULES = {
    "motto_1": "motto",
    "motto_2": "motto",
    "parent": "issuer",
    "issuer": "issuer",
    "issuer_mark": "issuer",
    "number": "number",
    "urgency": "urgency",
    "place_date": "date",
    "type_name": "title",
    "summary": "title",
    "summary_mark": "title",
    "body": "body",
    "part_heading": "body",
    "item_heading": "body",
    "signature_authority": "signature",
    "signature_position": "signature",
    "signer": "signature",
    "recipients_label": "recipients",
    "recipient": "recipients",
    "page_number": "page_numbers",
}
_LABELS = {
    "motto_1": "motto",
    "motto_2": "motto",
    "parent": "parent body",
    "issuer": "issuing body",
    "place_date": "place and date",
    "type_name": "type name",
    "part_heading": "part heading",
    "signature_authority": "authority line",
    "signature_position": "position",
    "signer": "signer's name",
    "recipients_label": "recipients label",
    "recipient": "recipient line",
    "page_number": "page number",
}
_HEADER_SPAN = 60  # paragraphs a header block may take


def audit_document(
    data: bytes, *, profile: Profile | None = None, name: str = "document", trusted: bool = False
) -> list[Finding]:
    """Every finding for the .docx *data* under *profile* (default: by its header).

    *trusted*: the document was just made by planforge, so its archive is not checked again.
    """
    return audit_with_profile(data, profile=profile, name=name, trusted=trusted)[1]


def audit_with_profile(
    data: bytes, *, profile: Profile | None = None, name: str = "document", trusted: bool = False
) -> tuple[Profile, list[Finding]]:
    """The profile the document is judged by, and every finding under it."""
    try:
        if not trusted:
            check_docx_archive(data, name=name)
        doc = read_document(data, name=name)
    except TemplateError as exc:
        raise UnreadableDocumentError(exc.message, file=name) from exc
    chosen = profile or guess_profile(doc)
    return chosen, _Audit(doc, chosen).run()


def guess_profile(doc: WordDocument) -> Profile:
    """The profile a document's header points to: its motto tells the kind of document, its
    date which rules were in force (a draft: today's)."""
    texts = {p.folded for p in doc.paragraphs[:_HEADER_SPAN]}
    profiles = [load_profile(name) for name in builtin_profiles()]
    kind = next(
        (p.default_for[0] for p in profiles if p.default_for and fold(p.header.motto[0]) in texts),
        str(IssuerKind.STATE),
    )
    day = _dt.date.today()
    for para in doc.paragraphs[:_HEADER_SPAN]:
        match = _date_pattern(profiles[0].date.template).fullmatch(para.plain)
        if match:
            with_day = _date_of(match)
            if with_day is not None:
                day = with_day
            break
    return default_profile(kind, day)


def _without_specs(template: str) -> str:
    """`{number:>3}` -> `{number}`: a width a profile gives a field pads it with spaces."""
    return re.sub(r"\{(\w+):[^{}]*\}", r"{\1}", template)


def _date_pattern(template: str) -> re.Pattern[str]:
    return re.compile(
        re.escape(_without_specs(template))
        .replace(r"\{place\}", r"(?P<place>.+?)")
        .replace(r"\{day\}", r"(?P<day>\S*)")
        .replace(r"\{month\}", r"(?P<month>\S*)")
        .replace(r"\{year\}", r"(?P<year>\d{4})")
        .replace(r"\ ", r"\s+")
    )


def _date_of(match: re.Match[str]) -> _dt.date | None:
    try:
        return _dt.date(
            int(match.group("year")), int(match.group("month")), int(match.group("day"))
        )
    except ValueError:
        return None


def _span(low: float, high: float, unit: str) -> str:
    return f"{low:g} {unit}" if low == high else f"{low:g}–{high:g} {unit}"


def _quote(para: Paragraph) -> str:
    return repr(para.plain[:50])


def _same_align(found: str, wanted: str, *, strict: bool) -> bool:
    """A one-line paragraph looks the same justified or left-aligned (Word sets its last line
    flush left), so only body text tells them apart."""
    if found == wanted:
        return True
    return not strict and {found, wanted} == {"left", "justify"}


@dataclass(frozen=True)
class _Spec:
    allowed: list[tuple[float, float]]  # sizes (pt), low and high
    wanted: dict[str, set[bool]]  # bold, italic, underline: the values allowed
    aligns: list[str]


class _Audit:
    def __init__(self, doc: WordDocument, profile: Profile) -> None:
        self.doc = doc
        self.paras = doc.paragraphs
        self.profile = profile
        self.findings: list[Finding] = []
        # what the checks ask of the profile again and again, worked out once
        self._prefixes = {p for kind in profile.signature.prefixes.values() for p in kind.values()}
        between = profile.signature.line.split("{prefix}", 1)[-1].split("{of}", 1)[0]
        self._split = between or " "
        self._authority_heads = tuple(p + self._split for p in self._prefixes)
        self._recipients_label = fold(profile.recipients.label.rstrip(":"))
        self._specs: dict[tuple[tuple[str, ...], tuple[str, ...]], _Spec] = {}

    def add(self, rule: str, message: str, where: str, severity: Severity = "error") -> None:
        source = self.profile.audit.sources.get(rule, self.profile.source)
        self.findings.append(Finding(rule, severity, message, source, where))

    def run(self) -> list[Finding]:
        self.page()
        self.fonts()
        title = self.find_title()
        header = self.paras[: title.index] if title else self.paras[:_HEADER_SPAN]
        self.header(header)
        body_start = self.title(title) if title else len(header)
        self.body(body_start)
        self.signatures(body_start)
        self.recipients()
        self.page_numbers()
        return self.findings

    # -- styles ----------------------------------------------------------------------------------

    def sizes_allowed(self, *roles: str) -> list[tuple[float, float]]:
        allowed = []
        for role in roles:
            style = self.profile.style(role)
            allowed.append((style.size, style.size))
            if role in self.profile.audit.sizes:
                allowed.append(self.profile.audit.sizes[role])
        return allowed

    def check_style(
        self, para: Paragraph, role: str, *, rule: str | None = None, strict_align: bool = False
    ) -> None:
        """Size, bold, italic, underline and alignment of *para* as the profile styles *role*."""
        self.check_against(para, [role], rule=rule, strict_align=strict_align)

    def check_against(
        self,
        para: Paragraph,
        roles: list[str],
        *,
        rule: str | None = None,
        strict_align: bool = False,
        what: Iterable[str] = ("size", "bold", "italic", "underline", "align"),
        kinds: Iterable[str] = (),
    ) -> None:
        """Like check_style, where *para* may be any of *roles* (each property must fit one),
        as a body of any of *kinds* sets it (a signature block signs by its body's rules)."""
        rule = rule or ROLE_RULES[roles[0]]
        spec = self.spec(tuple(roles), tuple(kinds))
        runs = para.text_runs()
        if not runs:
            return

        def label() -> str:
            return f"{_LABELS.get(roles[0], roles[0].replace('_', ' '))} {_quote(para)}"

        checks = set(what)
        if "size" in checks:
            allowed = spec.allowed
            bad = sorted(
                s
                for s in para.sizes()
                if not any(lo - 0.01 <= s <= hi + 0.01 for lo, hi in allowed)
            )
            if bad:
                low = min(lo for lo, _ in allowed)
                high = max(hi for _, hi in allowed)
                self.add(
                    rule,
                    f"{label()} is {bad[0]:g} pt; the rule is {_span(low, high, 'pt')}",
                    para.where,
                )
        for flag, yes, no in (
            ("bold", "must be bold", "must not be bold"),
            ("italic", "must be italic", "must not be italic"),
            ("underline", "must be underlined", "must not be underlined"),
        ):
            if flag not in checks:
                continue
            values = {getattr(r, flag) for r in runs}
            wanted = spec.wanted[flag]
            if len(values) > 1 or not values <= wanted:
                self.add(rule, f"{label()} {yes if True in wanted else no}", para.where)
        if "align" in checks and not any(
            _same_align(para.align, a, strict=strict_align) for a in spec.aligns
        ):
            shown = " or ".join(sorted(set(spec.aligns)))
            self.add(rule, f"{label()} must be aligned {shown}", para.where)

    def spec(self, roles: tuple[str, ...], kinds: tuple[str, ...]) -> _Spec:
        """What check_against wants of a paragraph that may be any of *roles* (as a body of
        any of *kinds* sets them), worked out once per audit."""
        found = self._specs.get((roles, kinds))
        if found is None:
            styles = [self.profile.style(r) for r in roles]
            if kinds:
                signature = self.profile.signature
                styles = [
                    signature.style_for(k, r, self.profile.style(r)) for r in roles for k in kinds
                ]
            found = self._specs[(roles, kinds)] = _Spec(
                self.sizes_allowed(*roles) + [(s.size, s.size) for s in styles],
                {
                    flag: {getattr(s, flag) for s in styles}
                    for flag in ("bold", "italic", "underline")
                },
                [s.align.value for s in styles],
            )
        return found

    # -- page ------------------------------------------------------------------------------------

    def page(self) -> None:
        page = self.profile.page
        for section in self.doc.sections:
            where = f"section {section.index}"
            if section.width_mm is None or section.height_mm is None:
                self.add(
                    "paper",
                    f"the paper size is not set; the rule is {page.width_mm:g} × "
                    f"{page.height_mm:g} mm",
                    where,
                )
            elif (
                abs(section.width_mm - page.width_mm) > 1
                or abs(section.height_mm - page.height_mm) > 1
            ):
                self.add(
                    "paper",
                    f"paper is {section.width_mm:.0f} × {section.height_mm:.0f} mm; the rule is "
                    f"{page.width_mm:g} × {page.height_mm:g} mm",
                    where,
                )
            for side in ("top", "bottom", "left", "right"):
                low, high = self.profile.audit.margins_mm[side]
                value = section.margins_mm[side]
                if value is None:
                    self.add(
                        "margins",
                        f"the {side} margin is not set; the rule is {_span(low, high, 'mm')}",
                        where,
                    )
                elif not low - 0.5 <= value <= high + 0.5:
                    self.add(
                        "margins",
                        f"{side} margin is {value:.0f} mm; the rule is {_span(low, high, 'mm')}",
                        where,
                    )

    def fonts(self) -> None:
        wanted = fold(self.profile.font)
        wrong: dict[str, list[Paragraph]] = {}
        for para in (*self.paras, *self.doc.header_footer_paragraphs()):
            for run in para.text_runs():
                if fold(run.font or "(none)") != wanted:
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

    # -- header: motto, issuer, number, urgency, date ------------------------------------------

    def find_title(self) -> Paragraph | None:
        names = {fold(n) for n in self.profile.audit.type_names}
        return next((p for p in self.paras[:_HEADER_SPAN] if p.folded in names), None)

    def next_in_container(self, para: Paragraph) -> Paragraph | None:
        nxt = self.paras[para.index + 1] if para.index + 1 < len(self.paras) else None
        return nxt if nxt is not None and nxt.cell == para.cell else None

    def has_rule_under(self, para: Paragraph) -> bool:
        """A solid line under *para*: its bottom border, or a drawn line in it, or an empty
        paragraph right under it with a border or a drawn line."""
        if para.border_bottom or para.has_line_shape:
            return True
        nxt = self.next_in_container(para)
        return nxt is not None and (
            (nxt.is_empty and (nxt.border_top or nxt.border_bottom)) or nxt.has_line_shape
        )

    def mark_under(self, para: Paragraph, mark: str) -> Paragraph | None:
        """The paragraph right under *para* that shows *mark* (`*`, `-----`)."""
        nxt = self.next_in_container(para)
        while nxt is not None and nxt.is_empty and not nxt.has_line_shape:
            nxt = self.next_in_container(nxt)
        if nxt is None:
            return None
        if set(mark.strip()) == {"-"}:  # a row of dashes: offices type three to ten
            return nxt if re.fullmatch(r"-{3,12}", nxt.plain.replace(" ", "")) else None
        return nxt if nxt.plain == mark.strip() else None

    def check_rule_or_mark(self, para: Paragraph, mark: str | None, role: str, what: str) -> None:
        rule = ROLE_RULES[role]
        if mark:
            found = self.mark_under(para, mark)
            if found is None:
                self.add(rule, f"no `{mark}` under the {what}", para.where)
            else:
                self.check_against(found, [role], rule=rule, what=("size",))
        elif not self.has_rule_under(para):
            self.add(rule, f"no solid line under the {what}", para.where)

    def header(self, header: list[Paragraph]) -> None:
        motto = self.profile.header.motto
        lines = []
        for n, text in enumerate(motto):
            para = next((p for p in header if p.folded == fold(text)), None)
            if para is None:
                self.add("motto", f"no `{text}` line in the header", "header")
            else:
                self.check_style(para, f"motto_{min(n + 1, 2)}")
                lines.append(para)
        if lines and len(lines) == len(motto):
            self.check_rule_or_mark(lines[-1], None, "motto_1", "motto")
        number = self.number(header)
        self.date(header)
        if number is not None:
            self.urgency(number)
            self.issuer(header, number, {id(p) for p in lines})

    def number(self, header: list[Paragraph]) -> Paragraph | None:
        rule = self.profile.number
        head = rule.template.split("{", 1)[0].strip()
        head_words = [w.rstrip(":") for w in tone_normal(head).split()]
        candidates = [
            p
            for p in header
            if head_words
            and [w.rstrip(":") for w in p.normal.split()[: len(head_words)]] == head_words
        ]
        if not candidates:
            self.add(
                "number",
                f"no `{head or 'number'} ...` line (number and symbol) in the header",
                "header",
            )
            return None
        para = candidates[0]
        # a number broken after its `/` (a line break) reads as one
        text = re.sub(r"\s+", " ", para.text.replace("\n", "")).strip()
        match = _number_pattern(rule.template, rule.symbol_separator).fullmatch(text)
        example = rule.template.format(
            number="12".zfill(rule.pad_to), type="KH", symbols=rule.symbol_separator.join(["UBND"])
        )
        if not match:
            self.add("number", f"`{text}` is not written as `{example}`", para.where)
        else:
            digits = match.group("number").strip()
            if digits and digits != str(int(digits)).zfill(rule.pad_to):
                self.add(
                    "number",
                    f"number {digits} is written `{str(int(digits)).zfill(rule.pad_to)}` (at "
                    f"least {rule.pad_to} digits, no other leading zeros)",
                    para.where,
                )
        self.check_style(para, "number")
        return para

    def urgency(self, number: Paragraph) -> None:
        marks = {fold(u.value) for u in Urgency} | {fold("HOẢ TỐC")}
        nxt = self.next_in_container(number)
        while nxt is not None and nxt.is_empty:
            nxt = self.next_in_container(nxt)
        if nxt is not None and nxt.folded in marks:
            self.check_style(nxt, "urgency")

    def date(self, header: list[Paragraph]) -> None:
        rule = self.profile.date
        pattern = _date_pattern(rule.template)
        para = next((p for p in header if pattern.fullmatch(p.plain)), None)
        if para is None:
            example = rule.template.format(place="<place>", day="...", month="...", year="...")
            self.add("date", f"no place-and-date line (`{example}`)", "header")
            return
        match = pattern.fullmatch(para.plain)
        assert match is not None
        if match.group("day").strip() or match.group("month").strip():
            when = _date_of(match)
            if when is None:
                self.add("date", f"`{para.plain}` is not a date", para.where)
            else:
                expected = format_place_date(match.group("place"), when, when.year, rule)
                if re.sub(r"\s+", " ", expected) != re.sub(r"\s+", " ", para.plain):
                    self.add(
                        "date",
                        f"`{para.plain}` should read `{expected}` ({describe_date_rule(rule)})",
                        para.where,
                    )
        self.check_style(para, "place_date")

    def issuer(self, header: list[Paragraph], number: Paragraph, mottos: set[int]) -> None:
        """The left column's upper-case lines above the number: parent bodies, then the issuing
        bodies (the last line, and the lines above it set as an issuing body is or ending with
        the joint separator)."""
        mark = (self.profile.header.issuer_mark or "").strip()
        column = number.cell[2] if number.cell else None
        lines = [
            p
            for p in header[: number.index]
            if id(p) not in mottos
            and p.plain
            and p.plain == p.plain.upper()
            and any(c.isalpha() for c in p.plain)
            and (column is None or p.cell is None or p.cell[2] == column)
        ]
        motto_folds = {fold(m) for m in self.profile.header.motto}
        lines = [p for p in lines if p.folded not in motto_folds and p.plain != mark]
        if not lines:
            self.add("issuer", "no issuing body above the number", number.where)
            return
        # from the bottom, the issuing bodies' lines (a name may take several); the first line
        # set as a parent body is where the parent bodies begin (so a name's first line set
        # exactly like a parent body reads as one: nothing tells them apart)
        parent_style = self.profile.style("parent")
        separator = self.profile.header.joint_separator.strip()
        group = [lines[-1]]
        for para in reversed(lines[:-1]):
            ends_a_name = bool(separator) and para.plain.endswith(separator)
            if ends_a_name or not _looks_like(para, parent_style):
                group.insert(0, para)
            else:
                break
        for para in lines[: len(lines) - len(group)]:
            self.check_style(para, "parent")
        for para in group:
            self.check_style(para, "issuer")
        self.check_rule_or_mark(
            group[-1], self.profile.header.issuer_mark, "issuer_mark", "issuing body"
        )

    # -- title -----------------------------------------------------------------------------------

    def title(self, title: Paragraph) -> int:
        """Check the type name and the summary; return where the body begins."""
        self.check_style(title, "type_name")
        mark = self.profile.title_format.summary_mark
        following = [
            p for p in self.paras[title.index + 1 : title.index + 10] if p.cell == title.cell
        ]
        summary: list[Paragraph] = []
        end = None
        typed: Paragraph | None = None  # `-----` typed where the profile wants a drawn line
        for para in following:
            if para.is_empty:
                if para.border_top or para.border_bottom or para.has_line_shape:
                    end = para
                    break
                if summary:
                    break
                continue
            if mark and self.mark_under_text(para, mark):
                end = para
                break
            if not mark and summary and re.fullmatch(r"[-_–—=.]{3,}", para.plain.replace(" ", "")):
                end = typed = para
                break
            summary.append(para)
            if para.border_bottom or para.has_line_shape:
                end = para
                break
        if end is None:
            # no mark or rule ends the summary: its lines are those set like a summary
            wanted = self.profile.style("summary").align.value
            summary = summary[:1] + [p for p in summary[1:] if p.align == wanted] if summary else []
            cut = next((k for k, p in enumerate(summary) if p.align != wanted), len(summary))
            summary = summary[:cut]
        if not summary:
            self.add("title", "no summary (trích yếu) under the type name", title.where)
            return title.index + 1
        for para in summary:
            self.check_style(para, "summary")
        if typed is not None and not self.has_rule_under(summary[-1]):
            self.add(
                ROLE_RULES["summary_mark"],
                f"`{typed.plain}` is typed under the summary; the rules want a solid line "
                "there (a paragraph border or a drawn line), not typed characters",
                typed.where,
            )
        else:
            self.check_rule_or_mark(summary[-1], mark, "summary_mark", "summary")
        last = end if end is not None else summary[-1]
        return last.index + 1

    @staticmethod
    def mark_under_text(para: Paragraph, mark: str) -> bool:
        if set(mark.strip()) == {"-"}:
            return re.fullmatch(r"-{3,12}", para.plain.replace(" ", "")) is not None
        return para.plain == mark.strip()

    # -- body ------------------------------------------------------------------------------------

    def body_paragraphs(self, start: int) -> list[Paragraph]:
        """Paragraphs of the body: after the title block, outside tables, up to the signatures."""
        out = []
        for para in self.paras[start:]:
            if para.cell is not None or self.is_authority(para) or self.is_recipients_label(para):
                break
            if not para.is_empty:
                out.append(para)
        return out

    def body(self, start: int) -> None:
        paras = self.body_paragraphs(start)
        if not paras:
            return
        part_label = _label_pattern(self.profile.numbering.formats[self.profile.numbering.part])
        headings = [p for p in paras if part_label.match(p.plain)]
        for para in headings:
            self.check_style(para, "part_heading", strict_align=True)
        roles = ["body", "part_heading", "item_heading"]
        styles = [self.profile.style(r) for r in roles]
        allowed = self.sizes_allowed(*roles)
        audit = self.profile.audit.body
        problems: dict[str, list[Paragraph]] = {}

        def note(kind: str, para: Paragraph) -> None:
            problems.setdefault(kind, []).append(para)

        heading_ids = {id(p) for p in headings}
        aligns = {s.align.value for s in styles}
        own_indents = [s.first_line_indent_cm * 10 for s in styles]
        own_between = min(s.space_after + s.space_before for s in styles)
        spacing_ok: dict[tuple[str, float], bool] = {}
        for k, para in enumerate(paras):
            if id(para) not in heading_ids:  # headings are checked as headings, above
                sizes = para.sizes()
                if any(not any(lo - 0.01 <= s <= hi + 0.01 for lo, hi in allowed) for s in sizes):
                    note("size", para)
                if para.align not in aligns:  # strict: the same alignment, nothing else
                    note("align", para)
            if audit.first_line_indent_mm is not None and not _near_any(
                para.first_line_mm, audit.first_line_indent_mm, own_indents
            ):
                note("indent", para)
            spacing = para.line_spacing
            fits = spacing_ok.get(spacing)
            if fits is None:
                fits = spacing_ok[spacing] = _spacing_ok(spacing, audit, styles)
            if not fits:
                note("spacing", para)
            nxt = paras[k + 1] if k + 1 < len(paras) else None
            if (
                audit.min_space_between_pt is not None
                and nxt is not None
                and nxt.index == para.index + 1
                and para.space_after_pt + nxt.space_before_pt < audit.min_space_between_pt - 0.1
                and para.space_after_pt + nxt.space_before_pt < own_between - 0.1
            ):
                note("between", para)
        low = min(lo for lo, _ in allowed)
        high = max(hi for _, hi in allowed)
        messages: dict[str, Callable[[Paragraph], str]] = {
            "size": lambda p: (
                f"is {sorted(p.sizes())[0]:g} pt; the rule is {_span(low, high, 'pt')}"
            ),
            "align": lambda p: (
                "must be aligned " + " or ".join(sorted({s.align.value for s in styles}))
            ),
            "indent": lambda p: (
                f"has a first-line indent of {p.first_line_mm:.1f} mm; the rule is "
                + _span(*(audit.first_line_indent_mm or (0.0, 0.0)), unit="mm")
            ),
            "spacing": lambda p: (
                f"has line spacing {_spacing_text(p.line_spacing)}; the rule is "
                + _spacing_rule(audit)
            ),
            "between": lambda p: (
                f"has {p.space_after_pt:g} pt after it; the rule is at least "
                f"{audit.min_space_between_pt:g} pt between paragraphs"
            ),
        }
        for kind, found in problems.items():
            first = found[0]
            count = f"{len(found)} body paragraph(s); first" if len(found) > 1 else "body paragraph"
            self.add("body", f"{count} {_quote(first)} {messages[kind](first)}", first.where)

    # -- signatures ------------------------------------------------------------------------------

    def prefixes(self) -> set[str]:
        return set(self._prefixes)

    def authority_split(self) -> str:
        """What separates the prefix from the body in an authority line (` ` by default)."""
        return self._split

    def is_authority(self, para: Paragraph) -> bool:
        text = para.plain
        if not text or text != text.upper():
            return False
        return text.startswith(self._authority_heads) or text in self._prefixes

    def is_recipients_label(self, para: Paragraph) -> bool:
        label = self._recipients_label
        return bool(label) and para.folded.startswith(label)

    def signatures(self, start: int) -> None:
        valid = self.prefixes()
        bare = {p.rstrip(".").replace("/", "") for p in valid}
        for para in self.paras[start:]:
            text = para.plain
            if not text or text != text.upper() or self.is_authority(para):
                continue
            token = text.split(" ", 1)[0]
            key = token.rstrip(".").replace("/", "")
            if key in bare and token not in valid and len(text.split()) > 1:
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
        for block in self.signature_blocks(start):
            self.signature_block(block)

    def signature_blocks(self, start: int) -> list[list[Paragraph]]:
        """The signature blocks: table cells after the body ending in a name under upper-case
        lines (authority, body, position)."""
        cells: dict[tuple[int, int, int], list[Paragraph]] = {}
        for para in self.paras[start:]:
            if para.cell is not None and not para.is_empty:
                cells.setdefault(para.cell, []).append(para)
        blocks = []
        for all_lines in cells.values():
            # a signed copy's `(Đã ký)` stands where the signature was: not a line of the block
            lines = [p for p in all_lines if not SIGNED_MARK.match(p.plain)]
            if not lines or self.is_recipients_label(lines[0]) or len(lines) < 2:
                continue
            name, above = lines[-1], lines[:-1]
            if _is_name(name.plain) and all(p.plain == p.plain.upper() for p in above):
                blocks.append(lines)
        return blocks

    def block_kinds(self, prefixed: list[Paragraph]) -> list[str]:
        """The kinds of body a block may be signed by, from its prefixes (`KT.` a state
        body's, `K/T` a Party body's); every kind when it has none."""
        prefixes = self.profile.signature.prefixes
        split = self.authority_split()
        kinds = [
            kind
            for kind, spelled in prefixes.items()
            if all(any(p.plain.startswith(s + split) for s in spelled.values()) for p in prefixed)
        ]
        return kinds if prefixed and kinds else [*prefixes, *self.profile.default_for]

    def signature_block(self, lines: list[Paragraph]) -> None:
        signer, above = lines[-1], lines[:-1]
        prefixed = [p for p in above if self.is_authority(p)]
        plain = [p for p in above if not self.is_authority(p)]
        kinds = self.block_kinds(prefixed)
        position: Paragraph | None = None
        if (
            plain
            and (prefixed or len(plain) > 1)
            and plain[-1].index > max((p.index for p in prefixed), default=-1)
        ):
            position = plain[-1]
        for para in prefixed:
            self.check_against(para, ["signature_authority"], kinds=kinds)
        for para in plain:
            if para is position:
                self.check_against(para, ["signature_position"], kinds=kinds)
            elif prefixed or position is not None:
                self.check_against(para, ["signature_authority"], kinds=kinds)
            else:  # one line above the name: a body signing directly, or a position
                roles = ["signature_authority", "signature_position"]
                self.check_against(para, roles, kinds=kinds)
        self.check_against(signer, ["signer"], kinds=kinds)

    # -- recipients ------------------------------------------------------------------------------

    def recipients(self) -> None:
        fmt = self.profile.recipients
        label = next((p for p in self.paras if self.is_recipients_label(p)), None)
        if label is None:
            self.add("recipients", f"no `{fmt.label}` list", "end of document")
            return
        self.check_style(label, "recipients_label")
        bullet = fmt.bullet.strip()
        ends = tuple(e for e in (fmt.line_end, fmt.last_end, ";", ",", ".") if e)
        items: list[list[Paragraph]] = []
        for para in self.paras[label.index + 1 :]:
            if para.cell != label.cell:
                break
            if para.is_empty:
                continue
            if bullet and para.plain.startswith(bullet):
                items.append([para])
            elif items and not items[-1][-1].plain.endswith(ends):
                items[-1].append(para)  # a recipient written over two lines
            else:
                break
        if not items:
            self.add("recipients", "the recipients list is empty", label.where)
            return
        for item in items:
            for para in item:
                self.check_style(para, "recipient")
        texts = [" ".join(p.plain for p in item) for item in items]
        for item, text in zip(items[:-1], texts[:-1], strict=True):
            if not text.endswith(fmt.line_end):
                self.add(
                    "recipients",
                    f"recipient line {text[:50]!r} must end with `{fmt.line_end}`",
                    item[-1].where,
                )
        last, last_text = items[-1], texts[-1]
        if not last_text.endswith(fmt.last_end):
            self.add(
                "recipients",
                f"the last recipient line {last_text[:50]!r} must end with `{fmt.last_end}`",
                last[-1].where,
            )
        archive_head = fold(fmt.bullet + fmt.archive.split("{holders}", 1)[0]).strip()
        if not fold(last_text).startswith(archive_head) or (
            fmt.archive.split("{holders}", 1)[0].endswith(" ")
            and not fold(last_text).startswith(archive_head + " ")
        ):
            self.add(
                "recipients",
                "the list must end with the archive line "
                f"`{fmt.bullet}{fmt.archive.format(holders='...')}`",
                last[0].where,
            )

    # -- page numbers ----------------------------------------------------------------------------

    def page_numbers(self) -> None:
        audit = self.profile.audit
        for section in self.doc.sections:
            where = f"section {section.index}"
            first = "first" if section.title_page else "default"
            first_page = [
                *section.headers.get(first, []),
                *section.footers.get(first, []),
            ]
            if any(p.has_page_field for p in first_page):
                self.add(
                    "page_numbers", "page 1 shows a page number; numbers start on page 2", where
                )
            numbered = [p for p in section.headers.get("default", []) if p.has_page_field]
            in_footer = any(p.has_page_field for p in section.footers.get("default", []))
            if not numbered and in_footer:
                self.add(
                    "page_numbers",
                    "page numbers are in the footer; they belong centred in the top margin",
                    where,
                    "warning",
                )
            elif not numbered and len(self.paras) > 60:
                self.add(
                    "page_numbers",
                    "no page numbers (from page 2 on, centred at the top)",
                    where,
                    "warning",
                )
            for para in numbered:
                self.check_against(para, ["page_number"], what=("size", "align"))
            if numbered and audit.header_distance_mm is not None and section.header_mm is not None:
                low, high = audit.header_distance_mm
                if not low - 0.5 <= section.header_mm <= high + 0.5:
                    self.add(
                        "page_numbers",
                        f"the page number is {section.header_mm:.0f} mm from the top edge; the "
                        f"rule is {_span(low, high, 'mm')}",
                        where,
                    )


# -- helpers -------------------------------------------------------------------------------------


def _looks_like(para: Paragraph, style: TextStyle) -> bool:
    runs = para.text_runs()
    return bool(runs) and all(
        r.bold == style.bold and r.italic == style.italic and r.underline == style.underline
        for r in runs
    )


def _is_name(text: str) -> bool:
    """A signer's name: a few words, not all in capitals, letters first."""
    words = text.split()
    return (
        0 < len(words) <= 7
        and text != text.upper()
        and text[:1].isalpha()
        and not text.endswith((":", ";", ","))
    )


def _near_any(value: float, allowed: tuple[float, float], own: list[float]) -> bool:
    low, high = allowed
    return low - 0.5 <= value <= high + 0.5 or any(abs(value - o) <= 0.5 for o in own)


def _spacing_ok(spacing: tuple[str, float], audit: BodyAudit, styles: list[TextStyle]) -> bool:
    rule, value = spacing
    for style in styles:  # what the profile itself sets is always right
        if style.line_spacing_pt is not None:
            if rule == "exact" and abs(value - style.line_spacing_pt) < 0.1:
                return True
        elif rule == "auto" and abs(value - style.line_spacing) < 0.01:
            return True
    if audit.line_spacing_pt is not None and rule == "exact":
        low, high = audit.line_spacing_pt
        if low - 0.1 <= value <= high + 0.1:
            return True
    if audit.line_spacing_lines is not None and rule == "auto":
        low, high = audit.line_spacing_lines
        if low - 0.01 <= value <= high + 0.01:
            return True
    return audit.line_spacing_pt is None and audit.line_spacing_lines is None


def _spacing_text(spacing: tuple[str, float]) -> str:
    rule, value = spacing
    if rule == "auto":
        return f"{value:g} lines"
    return f"{'exactly' if rule == 'exact' else 'at least'} {value:g} pt"


def _spacing_rule(audit: BodyAudit) -> str:
    rules = []
    if audit.line_spacing_pt is not None:
        rules.append("exactly " + _span(*audit.line_spacing_pt, unit="pt"))
    if audit.line_spacing_lines is not None:
        rules.append(_span(*audit.line_spacing_lines, unit="lines"))
    return " or ".join(rules)


def _label_pattern(fmt: str) -> re.Pattern[str]:
    """A label format (`{roman}.`) -> a regex matching a paragraph that starts with one."""
    pattern = (
        re.escape(fmt)
        .replace(r"\{roman\}", "[IVXLCDM]+")
        .replace(r"\{n\}", "[0-9]+")
        .replace(r"\{letter\}", "[a-zđ]+")
        .replace(r"\{parent\}", "(?:[0-9]+\\.)*")
    )
    return re.compile(pattern + r"\s")


def _number_pattern(template: str, separator: str) -> re.Pattern[str]:
    """`Số: {number}/{type}-{symbols}` -> a regex for any text written that way."""
    template = _without_specs(template)
    escaped = re.escape(template).replace(r"\ ", r"\s*")
    group = r"[A-ZĐ0-9&]+"
    sep = re.escape(separator)
    return re.compile(
        escaped.replace(r"\{number\}", r"\s*(?P<number>\d*|\s*)")
        .replace(r"\{type\}", r"(?P<type>[A-ZĐ][A-Za-zĐđ]*)")
        .replace(r"\{symbols\}", rf"(?P<symbols>{group}(?:{sep}{group})*)")
    )
