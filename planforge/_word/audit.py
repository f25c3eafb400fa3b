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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._dates import NUMERIC_PLACE_DATE, describe_date_rule, format_place_date, numeric_date
from .._errors import TemplateError, UnreadableDocumentError
from .._findings import Finding, Severity
from .._i18n import N_, _, ngettext
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
#: What findings call each styled element (translated where a finding is made).
_LABELS = {
    "motto_1": N_("motto"),
    "motto_2": N_("motto"),
    "parent": N_("parent body"),
    "issuer": N_("issuing body"),
    "issuer_mark": N_("issuer mark"),
    "number": N_("number"),
    "urgency": N_("urgency"),
    "place_date": N_("place and date"),
    "type_name": N_("type name"),
    "summary": N_("summary"),
    "summary_mark": N_("summary mark"),
    "body": N_("body"),
    "part_heading": N_("part heading"),
    "item_heading": N_("item heading"),
    "signature_authority": N_("authority line"),
    "signature_position": N_("position"),
    "signer": N_("signer's name"),
    "recipients_label": N_("recipients label"),
    "recipient": N_("recipient line"),
    "page_number": N_("page number"),
}
#: The alignments a profile names, as findings say them (`must be aligned centre`).
_ALIGNS = {
    "left": N_("left"),
    "center": N_("center"),
    "right": N_("right"),
    "justify": N_("justify"),
}
#: What a finding says when a paragraph's bold, italic or underline is not the rule's.
_FLAGS = (
    ("bold", N_("{label} must be bold"), N_("{label} must not be bold")),
    ("italic", N_("{label} must be italic"), N_("{label} must not be italic")),
    ("underline", N_("{label} must be underlined"), N_("{label} must not be underlined")),
)
#: A margin not set, and a margin outside the rule, for each side.
_MARGINS = {
    "top": (
        N_("the top margin is not set; the rule is {rule}"),
        N_("top margin is {value:.0f} mm; the rule is {rule}"),
    ),
    "bottom": (
        N_("the bottom margin is not set; the rule is {rule}"),
        N_("bottom margin is {value:.0f} mm; the rule is {rule}"),
    ),
    "left": (
        N_("the left margin is not set; the rule is {rule}"),
        N_("left margin is {value:.0f} mm; the rule is {rule}"),
    ),
    "right": (
        N_("the right margin is not set; the rule is {rule}"),
        N_("right margin is {value:.0f} mm; the rule is {rule}"),
    ),
}
_HEADER_SPAN = 60  # paragraphs a header block may take


def audit_document(
    data: bytes,
    *,
    profile: Profile | None = None,
    name: str = "document",
    trusted: bool = False,
    parts: Mapping[str, bytes] | None = None,
    trees: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Every finding for the .docx *data* under *profile* (default: by its header).

    *trusted*: the document was just made by planforge, so its archive is not checked again;
    *parts* and *trees*: the content of its parts and the element trees that render built
    (read instead of unzipping and parsing *data* again).
    """
    return audit_with_profile(
        data, profile=profile, name=name, trusted=trusted, parts=parts, trees=trees
    )[1]


def audit_with_profile(
    data: bytes,
    *,
    profile: Profile | None = None,
    name: str = "document",
    trusted: bool = False,
    parts: Mapping[str, bytes] | None = None,
    trees: Mapping[str, Any] | None = None,
) -> tuple[Profile, list[Finding]]:
    """The profile the document is judged by, and every finding under it."""
    try:
        if not trusted:
            check_docx_archive(data, name=name)
            parts = trees = None  # what a caller hands over is only for what planforge made
        doc = read_document(data, name=name, parts=parts, trees=trees)
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


def _label(role: str) -> str:
    """What findings call the element *role*, in the reader's language."""
    label = _LABELS.get(role)
    return _(label) if label is not None else role.replace("_", " ")


def _either(choices: Iterable[str]) -> str:
    """`a`, `a or b`, `a or b or c`."""
    out = ""
    for choice in choices:
        out = _("{first} or {second}").format(first=out, second=choice) if out else choice
    return out


def _aligned(aligns: Iterable[str]) -> str:
    """`center or justify`: the alignments, in the reader's language."""
    return _either(_(_ALIGNS[a]) if a in _ALIGNS else a for a in sorted(set(aligns)))


def _same_align(found: str, wanted: str, *, strict: bool) -> bool:
    """A one-line paragraph looks the same justified or left-aligned (Word sets its last line
    flush left), so only body text tells them apart."""
    if found == wanted:
        return True
    return not strict and {found, wanted} == {"left", "justify"}


_SpecKey = tuple[tuple[str, ...], tuple[str, ...]]
#: The specs worked out for each profile in use, by identity (profiles are not hashable; the
#: profile is kept with them so that its id cannot be reused by another).
_SPECS: dict[int, tuple[Profile, dict[_SpecKey, _Spec]]] = {}
_SPECS_MAX = 16


def _specs_of(profile: Profile) -> dict[_SpecKey, _Spec]:
    found = _SPECS.get(id(profile))
    if found is None or found[0] is not profile:
        if len(_SPECS) >= _SPECS_MAX:
            _SPECS.pop(next(iter(_SPECS)))
        found = _SPECS[id(profile)] = (profile, {})
    return found[1]


#: What check_against looks at in a run: size, bold, italic, underline.
_Look = tuple[float, bool, bool, bool]


@dataclass(frozen=True)
class _Spec:
    allowed: list[tuple[float, float]]  # sizes (pt), low and high
    wanted: dict[str, set[bool]]  # bold, italic, underline: the values allowed
    aligns: list[str]
    #: whether runs that all look alike pass every check of size and emphasis, by their look
    #: (a few looks per spec, worked out once: most paragraphs are checked by this alone)
    looks: dict[_Look, bool] = field(default_factory=dict)

    def passes(self, look: _Look) -> bool:
        found = self.looks.get(look)
        if found is None:
            size, bold, italic, underline = look
            found = self.looks[look] = (
                any(lo - 0.01 <= size <= hi + 0.01 for lo, hi in self.allowed)
                and bold in self.wanted["bold"]
                and italic in self.wanted["italic"]
                and underline in self.wanted["underline"]
            )
        return found


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
        self._specs = _specs_of(profile)
        # asked of many paragraphs by several checks: answered once for each (by id)
        self._authority: dict[int, bool] = {}
        self._recipients: dict[int, bool] = {}

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
        first = runs[0]
        look = (first.size, first.bold, first.italic, first.underline)
        if (
            spec.passes(look)
            and all((r.size, r.bold, r.italic, r.underline) == look for r in runs[1:])
            and (para.align in spec.aligns or "align" not in what)
        ):
            return  # the common case, decided without working anything else out

        def label() -> str:
            return f"{_label(roles[0])} {_quote(para)}"

        checks = set(what)
        if "size" in checks:
            allowed = spec.allowed
            bad = sorted(
                s
                for s in para.sizes()
                if not any(lo - 0.01 <= s <= hi + 0.01 for lo, hi in allowed)
            )
            if bad:
                low = min(lo for lo, _hi in allowed)
                high = max(hi for _lo, hi in allowed)
                self.add(
                    rule,
                    _("{label} is {size:g} pt; the rule is {rule}").format(
                        label=label(), size=bad[0], rule=_span(low, high, "pt")
                    ),
                    para.where,
                )
        for flag, yes, no in _FLAGS:
            if flag not in checks:
                continue
            values = {getattr(r, flag) for r in runs}
            wanted = spec.wanted[flag]
            if len(values) > 1 or not values <= wanted:
                message = _(yes if True in wanted else no).format(label=label())
                self.add(rule, message, para.where)
        if "align" in checks and not any(
            _same_align(para.align, a, strict=strict_align) for a in spec.aligns
        ):
            self.add(
                rule,
                _("{label} must be aligned {alignment}").format(
                    label=label(), alignment=_aligned(spec.aligns)
                ),
                para.where,
            )

    def spec(self, roles: tuple[str, ...], kinds: tuple[str, ...]) -> _Spec:
        """What check_against wants of a paragraph that may be any of *roles* (as a body of
        any of *kinds* sets them), worked out once per profile."""
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
            where = _("section {number}").format(number=section.index)
            if section.width_mm is None or section.height_mm is None:
                self.add(
                    "paper",
                    _("the paper size is not set; the rule is {width:g} × {height:g} mm").format(
                        width=page.width_mm, height=page.height_mm
                    ),
                    where,
                )
            elif (
                abs(section.width_mm - page.width_mm) > 1
                or abs(section.height_mm - page.height_mm) > 1
            ):
                self.add(
                    "paper",
                    _(
                        "paper is {width:.0f} × {height:.0f} mm; the rule is "
                        "{rule_width:g} × {rule_height:g} mm"
                    ).format(
                        width=section.width_mm,
                        height=section.height_mm,
                        rule_width=page.width_mm,
                        rule_height=page.height_mm,
                    ),
                    where,
                )
            for side in ("top", "bottom", "left", "right"):
                low, high = self.profile.audit.margins_mm[side]
                value = section.margins_mm[side]
                not_set, wrong = _MARGINS[side]
                if value is None:
                    self.add("margins", _(not_set).format(rule=_span(low, high, "mm")), where)
                elif not low - 0.5 <= value <= high + 0.5:
                    self.add(
                        "margins",
                        _(wrong).format(value=value, rule=_span(low, high, "mm")),
                        where,
                    )

    def fonts(self) -> None:
        wanted = fold(self.profile.font)
        wrong: dict[str, list[Paragraph]] = {}
        right: dict[str | None, bool] = {}  # each font name folded once, not once a run
        for para in (*self.paras, *self.doc.header_footer_paragraphs()):
            for run in para.text_runs():
                fits = right.get(run.font)
                if fits is None:
                    fits = right[run.font] = fold(run.font or "(none)") == wanted
                if not fits:
                    wrong.setdefault(run.font or _("(no font)"), []).append(para)
                    break
        for font, paras in wrong.items():
            first = paras[0]
            self.add(
                "font",
                ngettext(
                    "{count} paragraph set in {font}, not {rule}: {first}",
                    "{count} paragraphs set in {font}, not {rule}; first: {first}",
                    len(paras),
                ).format(
                    count=len(paras),
                    font=font,
                    rule=self.profile.font,
                    first=repr(first.plain[:60]),
                ),
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
        """A mark (or a solid line) under *para*, the element *what* (a label marked N_)."""
        rule = ROLE_RULES[role]
        if mark:
            found = self.mark_under(para, mark)
            if found is None:
                self.add(
                    rule,
                    _("no `{mark}` under the {element}").format(mark=mark, element=_(what)),
                    para.where,
                )
            else:
                self.check_against(found, [role], rule=rule, what=("size",))
        elif not self.has_rule_under(para):
            self.add(
                rule, _("no solid line under the {element}").format(element=_(what)), para.where
            )

    def header(self, header: list[Paragraph]) -> None:
        motto = self.profile.header.motto
        lines = []
        for n, text in enumerate(motto):
            para = next((p for p in header if p.folded == fold(text)), None)
            if para is None:
                self.add(
                    "motto", _("no `{text}` line in the header").format(text=text), _("header")
                )
            else:
                self.check_style(para, f"motto_{min(n + 1, 2)}")
                lines.append(para)
        if lines and len(lines) == len(motto):
            self.check_rule_or_mark(lines[-1], None, "motto_1", N_("motto"))
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
                _("no `{head} ...` line (number and symbol) in the header").format(
                    head=head or _("number")
                ),
                _("header"),
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
            self.add(
                "number",
                _("`{text}` is not written as `{example}`").format(text=text, example=example),
                para.where,
            )
        else:
            digits = match.group("number").strip()
            if digits and digits != str(int(digits)).zfill(rule.pad_to):
                self.add(
                    "number",
                    _(
                        "number {digits} is written `{padded}` (at least {pad} digits, no other "
                        "leading zeros)"
                    ).format(
                        digits=digits, padded=str(int(digits)).zfill(rule.pad_to), pad=rule.pad_to
                    ),
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
        in_figures = (
            next(((p, m) for p in header if (m := NUMERIC_PLACE_DATE.fullmatch(p.plain))), None)
            if para is None
            else None  # looked for only where the rule's form is missing
        )
        if in_figures is not None:
            written, figures = in_figures
            when = numeric_date(figures)
            expected = (
                format_place_date(figures["place"], when, when.year, rule)
                if when is not None
                else rule.template.format(
                    place=figures["place"], day="...", month="...", year=figures["year"]
                )
            )
            self.add(
                "date",
                _("`{text}` writes the date in figures; the rule is `{expected}`").format(
                    text=written.plain, expected=expected
                ),
                written.where,
            )
            self.check_style(written, "place_date")
            return
        if para is None:
            example = rule.template.format(place=_("<place>"), day="...", month="...", year="...")
            self.add(
                "date",
                _("no place-and-date line (`{example}`)").format(example=example),
                _("header"),
            )
            return
        match = pattern.fullmatch(para.plain)
        assert match is not None
        if match.group("day").strip() or match.group("month").strip():
            when = _date_of(match)
            if when is None:
                self.add("date", _("`{text}` is not a date").format(text=para.plain), para.where)
            else:
                expected = format_place_date(match.group("place"), when, when.year, rule)
                if re.sub(r"\s+", " ", expected) != re.sub(r"\s+", " ", para.plain):
                    self.add(
                        "date",
                        _("`{text}` should read `{expected}` ({rule})").format(
                            text=para.plain, expected=expected, rule=describe_date_rule(rule)
                        ),
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
            self.add("issuer", _("no issuing body above the number"), number.where)
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
            group[-1], self.profile.header.issuer_mark, "issuer_mark", N_("issuing body")
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
            self.add("title", _("no summary (trích yếu) under the type name"), title.where)
            return title.index + 1
        for para in summary:
            self.check_style(para, "summary")
        if typed is not None and not self.has_rule_under(summary[-1]):
            self.add(
                ROLE_RULES["summary_mark"],
                _(
                    "`{typed}` is typed under the summary; the rules want a solid line there (a "
                    "paragraph border or a drawn line), not typed characters"
                ).format(typed=typed.plain),
                typed.where,
            )
        else:
            self.check_rule_or_mark(summary[-1], mark, "summary_mark", N_("summary"))
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
        low = min(lo for lo, _hi in allowed)
        high = max(hi for _lo, hi in allowed)
        # each message says what is wrong with the {label}: one paragraph, or the first of many
        messages: dict[str, Callable[[str, Paragraph], str]] = {
            "size": lambda label, p: _("{label} is {size:g} pt; the rule is {rule}").format(
                label=label, size=sorted(p.sizes())[0], rule=_span(low, high, "pt")
            ),
            "align": lambda label, p: _("{label} must be aligned {alignment}").format(
                label=label, alignment=_aligned(s.align.value for s in styles)
            ),
            "indent": lambda label, p: _(
                "{label} has a first-line indent of {indent:.1f} mm; the rule is {rule}"
            ).format(
                label=label,
                indent=p.first_line_mm,
                rule=_span(*(audit.first_line_indent_mm or (0.0, 0.0)), unit="mm"),
            ),
            "spacing": lambda label, p: _(
                "{label} has line spacing {spacing}; the rule is {rule}"
            ).format(label=label, spacing=_spacing_text(p.line_spacing), rule=_spacing_rule(audit)),
            "between": lambda label, p: _(
                "{label} has {after:g} pt after it; the rule is at least {least:g} pt between "
                "paragraphs"
            ).format(label=label, after=p.space_after_pt, least=audit.min_space_between_pt),
        }
        for kind, found in problems.items():
            first = found[0]
            if len(found) > 1:
                label = _("{count} body paragraphs; first {text}").format(
                    count=len(found), text=_quote(first)
                )
            else:
                label = _("body paragraph {text}").format(text=_quote(first))
            self.add("body", messages[kind](label, first), first.where)

    # -- signatures ------------------------------------------------------------------------------

    def prefixes(self) -> set[str]:
        return set(self._prefixes)

    def authority_split(self) -> str:
        """What separates the prefix from the body in an authority line (` ` by default)."""
        return self._split

    def is_authority(self, para: Paragraph) -> bool:
        found = self._authority.get(id(para))
        if found is None:
            text = para.plain
            found = self._authority[id(para)] = (
                bool(text)
                and para.all_capitals
                and (text.startswith(self._authority_heads) or text in self._prefixes)
            )
        return found

    def is_recipients_label(self, para: Paragraph) -> bool:
        found = self._recipients.get(id(para))
        if found is None:
            label = self._recipients_label
            found = self._recipients[id(para)] = bool(label) and para.folded.startswith(label)
        return found

    def signatures(self, start: int) -> None:
        valid = self.prefixes()
        bare = {p.rstrip(".").replace("/", "") for p in valid}
        for para in self.paras[start:]:
            text = para.plain
            if not text or not para.all_capitals or self.is_authority(para):
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
                    _("`{token}` is not an authority prefix; write {prefixes}").format(
                        token=token, prefixes=_either(f"`{p}`" for p in spellings)
                    ),
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
            if _is_name(name.plain) and all(p.all_capitals for p in above):
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
        position = _position_lines(prefixed, plain)
        for para in prefixed:
            self.check_against(para, ["signature_authority"], kinds=kinds)
        for para in plain:
            if position is None:  # no telling a body signing directly from a position
                roles = ["signature_authority", "signature_position"]
                self.check_against(para, roles, kinds=kinds)
            elif para in position:
                self.check_against(para, ["signature_position"], kinds=kinds)
            else:  # an authority line's body going on without a prefix
                self.check_against(para, ["signature_authority"], kinds=kinds)
        self.check_against(signer, ["signer"], kinds=kinds)

    # -- recipients ------------------------------------------------------------------------------

    def recipients(self) -> None:
        fmt = self.profile.recipients
        label = next((p for p in self.paras if self.is_recipients_label(p)), None)
        if label is None:
            self.add(
                "recipients",
                _("no `{label}` list").format(label=fmt.label),
                _("end of document"),
            )
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
            self.add("recipients", _("the recipients list is empty"), label.where)
            return
        for item in items:
            for para in item:
                self.check_style(para, "recipient")
        texts = [" ".join(p.plain for p in item) for item in items]
        for item, text in zip(items[:-1], texts[:-1], strict=True):
            if not text.endswith(fmt.line_end):
                self.add(
                    "recipients",
                    _("recipient line {text} must end with `{end}`").format(
                        text=repr(text[:50]), end=fmt.line_end
                    ),
                    item[-1].where,
                )
        last, last_text = items[-1], texts[-1]
        if not last_text.endswith(fmt.last_end):
            self.add(
                "recipients",
                _("the last recipient line {text} must end with `{end}`").format(
                    text=repr(last_text[:50]), end=fmt.last_end
                ),
                last[-1].where,
            )
        archive_head = fold(fmt.bullet + fmt.archive.split("{holders}", 1)[0]).strip()
        if not fold(last_text).startswith(archive_head) or (
            fmt.archive.split("{holders}", 1)[0].endswith(" ")
            and not fold(last_text).startswith(archive_head + " ")
        ):
            self.add(
                "recipients",
                _("the list must end with the archive line `{line}`").format(
                    line=fmt.bullet + fmt.archive.format(holders="...")
                ),
                last[0].where,
            )

    # -- page numbers ----------------------------------------------------------------------------

    def page_numbers(self) -> None:
        audit = self.profile.audit
        for section in self.doc.sections:
            where = _("section {number}").format(number=section.index)
            first = "first" if section.title_page else "default"
            first_page = [
                *section.headers.get(first, []),
                *section.footers.get(first, []),
            ]
            if any(p.has_page_field for p in first_page):
                self.add(
                    "page_numbers",
                    _("page 1 shows a page number; numbers start on page 2"),
                    where,
                )
            numbered = [p for p in section.headers.get("default", []) if p.has_page_field]
            in_footer = any(p.has_page_field for p in section.footers.get("default", []))
            if not numbered and in_footer:
                self.add(
                    "page_numbers",
                    _("page numbers are in the footer; they belong centred in the top margin"),
                    where,
                    "warning",
                )
            elif not numbered and len(self.paras) > 60:
                self.add(
                    "page_numbers",
                    _("no page numbers (from page 2 on, centred at the top)"),
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
                        _(
                            "the page number is {distance:.0f} mm from the top edge; the rule "
                            "is {rule}"
                        ).format(distance=section.header_mm, rule=_span(low, high, "mm")),
                        where,
                    )


# -- helpers -------------------------------------------------------------------------------------


def _looks_like(para: Paragraph, style: TextStyle) -> bool:
    runs = para.text_runs()
    return bool(runs) and all(
        r.bold == style.bold and r.italic == style.italic and r.underline == style.underline
        for r in runs
    )


def _look(para: Paragraph) -> tuple[str, frozenset[tuple[float, bool, bool, bool]]]:
    """How *para* is set, as a style check sees it: its alignment, and the size, bold, italic
    and underline of its runs."""
    return para.align, frozenset((r.size, r.bold, r.italic, r.underline) for r in para.text_runs())


def _position_lines(prefixed: list[Paragraph], plain: list[Paragraph]) -> list[Paragraph] | None:
    """The lines of a signature block's position, in order, from its prefixed authority lines
    (*prefixed*) and its other lines above the name (*plain*); None when nothing tells them
    apart from an authority's.

    Neither a position nor a body's name has a prefix, and either may run over several lines.
    The position is the last plain line below the last prefixed one, with the lines right above
    it set as it is (alignment, size, bold, italic, underline): one position wrapped, as long
    as a line stays above it as the authority when there is one. The other plain lines go on
    from an authority line. With no prefix and every line set alike, the lines are one wrapped
    body signing directly or one wrapped position (or a body and a position the rules set
    alike): each line may be either.
    """
    below = max((p.index for p in prefixed), default=-1)
    lines = [p for p in plain if p.index > below]  # the lines from the last prefixed one on
    if not lines:
        return [] if prefixed else None
    look = _look(lines[-1])
    start = len(lines) - 1
    while start > 0 and _look(lines[start - 1]) == look:
        start -= 1
    if not prefixed and start == 0:
        return None
    return lines[start:]


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
        return _("{value:g} lines").format(value=value)
    if rule == "exact":
        return _("exactly {value:g} pt").format(value=value)
    return _("at least {value:g} pt").format(value=value)


def _spacing_rule(audit: BodyAudit) -> str:
    rules = []
    if audit.line_spacing_pt is not None:
        rules.append(_("exactly {span}").format(span=_span(*audit.line_spacing_pt, unit="pt")))
    if audit.line_spacing_lines is not None:
        rules.append(_span(*audit.line_spacing_lines, unit=_("lines")))
    return _either(rules)


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
