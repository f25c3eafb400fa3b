"""Read a plan out of a Word document (planforge's, Word's, LibreOffice's): `planforge import`.

The document is read through the one Word reader (`_word.reader`): paragraphs with their
effective formatting, the labels Word's automatic numbering shows, tables, tab stops and text
boxes. Each element is recognised by what it says and where it stands — the motto, the number
and symbol, the place-and-date line, the type name, labels such as `I.`, `1.1.`, `a)`, `-`,
authority prefixes, `Nơi nhận:` — and, in a document planforge made, by its paragraph styles
(`PF Issuer`, `PF Signer (party)`, ...), which say it outright. Every paragraph with text ends
up in the plan or in a finding that names it; what is uncertain is a finding too, and a
comment in the YAML written from the plan.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._dates import NUMERIC_PLACE_DATE
from ._findings import Finding
from ._i18n import _, ngettext
from ._models import AuthorityType, ListStyle, Urgency
from ._profiles import Profile, builtin_profiles, default_profile, load_profile, resolve_profile
from ._text import tone_normal
from ._word.layout import break_rules, fitted_lines
from ._word.measure import text_width_pt
from ._word.reader import SIGNED_MARK, Paragraph, WordDocument, fold

if TYPE_CHECKING:
    from ._models import Plan
    from ._word.isolation import Limits

__all__ = ["DocumentReading", "import_plan", "import_with_reading", "read_plan_data"]

#: What a finding of the import is filed under.
RULE = "import"

_UPPER_ROMAN = re.compile(r"[IVXLC]+")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman_value(text: str) -> int:
    total = 0
    for a, b in itertools.zip_longest(text, text[1:]):
        value = _ROMAN_VALUES[a]
        total += -value if b is not None and _ROMAN_VALUES[b] > value else value
    return total


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _clean(text: str) -> str:
    """A line as the model keeps it: NFC, tabs and runs of spaces as one space, trimmed."""
    return " ".join(_nfc(text).split())


def _strip(text: str) -> str:
    """A text as the user wrote it: NFC, trimmed (what a plan keeps)."""
    return _nfc(text).strip()


def _is_upper(text: str) -> bool:
    return any(c.isalpha() for c in text) and text == text.upper()


def _is_name(text: str) -> bool:
    """A signer's name: a few words, not all in capitals, a letter first."""
    words = text.split()
    return (
        0 < len(words) <= 7
        and not _is_upper(text)
        and text[:1].isalpha()
        and text[:1] == text[:1].upper()
        and not text.endswith((":", ";", ",", "."))
    )


def _format_pattern(template: str, fields: dict[str, str]) -> re.Pattern[str]:
    """A regular expression reading what *template* (a `str.format` text) prints: each field
    by its pattern in *fields*, the literal text with any spacing and an optional colon, so a
    line typed by hand (`Số 05/KH-UBND` for `Số: {number}/...`) is read too."""
    out = ["^"]
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        for char in literal:
            if char.isspace():
                out.append(r"\s*")
            elif char == ":":
                out.append(r"\s*:?\s*")
            else:
                out.append(re.escape(char))
        if name is not None:
            out.append(r"\s*" + fields[name] + r"\s*")
    out.append(r"\s*\.?$")
    return re.compile("".join(out), re.IGNORECASE | re.S)


_BLANK = r"[\s.…_]*"
_NUMBER_FIELDS = {
    "number": rf"(?P<number>[0-9]+|{_BLANK})",
    "type": r"(?P<type>[^\s/\-–.]+)",
    "symbols": r"(?P<symbols>\S.*?)",
}
_DATE_FIELDS = {
    "place": r"(?P<place>\S.*?)",
    "day": rf"(?P<day>[0-9]{{1,2}}|{_BLANK})",
    "month": rf"(?P<month>[0-9]{{1,2}}|{_BLANK})",
    "year": r"(?P<year>[0-9]{1,4})",
}
#: Number and date lines as offices type them when they follow no profile exactly.
_ANY_NUMBER = re.compile(
    r"^Số\s*:?\s*(?P<number>[0-9]*)\s*(?:[/\-–]\s*(?P<type>[^/\-–\s]+)\s*[/\-–]\s*"
    r"(?P<symbols>\S.*?)|(?P<rest>[/\-–].*))?\s*$",
    re.IGNORECASE | re.S,
)
_ANY_DATE = re.compile(
    r"^(?P<place>.+?)\s*,\s*ngày\s*(?P<day>[0-9]{1,2}|[\s.…_]*)\s*tháng\s*"
    r"(?P<month>[0-9]{1,2}|[\s.…_]*)\s*năm\s*(?P<year>[0-9]{1,4})\s*\.?$",
    re.IGNORECASE,
)


_MARK = re.compile(r"^(?:\*{1,5}|[-_–—=.·]{3,})$")


# -- labels ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A label read at the start of a body paragraph."""

    style: ListStyle
    number: int  # its place in its list (1 for `-`, `+`)
    depth: int  # for `1.2.3.`: 3; else 1
    text: str  # as printed


_LABELS: list[tuple[ListStyle, re.Pattern[str]]] = [
    (ListStyle.ROMAN, re.compile(r"^(?P<label>[IVXLC]{1,6})\s*[.\-–)]\s*(?P<rest>\S.*)$", re.S)),
    (
        ListStyle.NESTED,
        re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})+)\.?(?:\s+|\))\s*(?P<rest>\S.*)$", re.S),
    ),
    (ListStyle.DECIMAL, re.compile(r"^(?P<label>\d{1,2})\s*[.)]\s*(?P<rest>\S.*)$", re.S)),
    (ListStyle.LETTER, re.compile(r"^(?P<label>[a-zđ])\s*[.)]\s+(?P<rest>\S.*)$", re.S)),
    (ListStyle.DASH, re.compile(r"^(?P<label>[-–—•●▪◦·])\s*(?P<rest>\S.*)$", re.S)),
    (ListStyle.PLUS, re.compile(r"^(?P<label>\+)\s*(?P<rest>\S.*)$", re.S)),
]


_LABEL_FIELDS = {
    "roman": r"(?P<roman>[IVXLC]{1,6})",
    "n": r"(?P<n>\d{1,2})",
    "letter": r"(?P<letter>[a-zđ])",
    "parent": r"(?P<parent>(?:\d{1,2}\.)+)",
}
_PLAIN_LABEL = {
    ListStyle.ROMAN: "{roman}.",
    ListStyle.DECIMAL: "{n}.",
    ListStyle.NESTED: "{parent}{n}.",
    ListStyle.LETTER: "{letter})",
    ListStyle.DASH: "-",
    ListStyle.PLUS: "+",
}


def _profile_label(text: str, formats: Mapping[ListStyle, str]) -> str | None:
    """*text* with a label printed by a profile's own format (`Phần I.`, `Mục 1:`) rewritten
    as the plain label it stands for, or None when no such format begins it."""
    for style, template in formats.items():
        if template == _PLAIN_LABEL.get(style) or style not in _PLAIN_LABEL:
            continue
        pattern = ["^"]
        for literal, name, _spec, _conversion in string.Formatter().parse(template):
            pattern.append(r"\s*".join(re.escape(w) for w in literal.split(" ")))
            if name is not None:
                pattern.append(_LABEL_FIELDS[name])
        pattern.append(r"[ \t]+(?P<rest>\S.*)$")
        match = re.match("".join(pattern), text, re.S)
        if match is not None:
            values = {k: v for k, v in match.groupdict().items() if v is not None}
            return _PLAIN_LABEL[style].format_map(values | {"parent": values.get("parent", "")}) + (
                " " + match.group("rest")
            )
    return None


def read_label(
    text: str, letters: Sequence[str], formats: Mapping[ListStyle, str] | None = None
) -> tuple[Label | None, str]:
    """The label a paragraph begins with (if any) and the text after it; *formats* are the
    profile's label formats, read before the usual ones."""
    if formats and (plain := _profile_label(text, formats)) is not None:
        return read_label(plain, letters)
    for style, pattern in _LABELS:
        match = pattern.match(text)
        if match is None:
            continue
        raw = match.group("label")
        if style is ListStyle.ROMAN:
            if not _UPPER_ROMAN.fullmatch(raw):
                continue
            number = _roman_value(raw)
            if number < 1:
                continue
            return Label(style, number, 1, raw), match.group("rest")
        if style is ListStyle.NESTED:
            parts = raw.split(".")
            return Label(style, int(parts[-1]), len(parts), raw), match.group("rest")
        if style is ListStyle.DECIMAL:
            # `2020. ` is not a label; `1.` followed by a digit is a number (`1.500`)
            return Label(style, int(raw), 1, raw), match.group("rest")
        if style is ListStyle.LETTER:
            seq = list(letters)
            number = seq.index(raw) + 1 if raw in seq else ord(raw) - ord("a") + 1
            return Label(style, number, 1, raw), match.group("rest")
        return Label(style, 1, 1, raw), match.group("rest")
    return None, text


# -- lines and segments ----------------------------------------------------------------------------


@dataclass
class Segment:
    """One printed line of a paragraph, or one tab-separated piece of it."""

    text: str
    para: Paragraph
    part: int  # which piece of the paragraph (line or tab segment), for placing it
    x: float = 0.0  # left edge of the piece, pt from the left indent

    @property
    def key(self) -> tuple[int, int]:
        return (self.para.index, self.part)


def _tab_segments(para: Paragraph, default_tab: float) -> list[Segment]:
    """The paragraph split at tabs, each piece with the x of the tab stop it starts at."""
    pieces = para.text.replace("\n", " ").split("\t")
    size = para.text_runs()[0].size if para.text_runs() else 12.0
    bold = bool(para.text_runs() and para.text_runs()[0].bold)
    stops = sorted(para.tab_stops_pt)
    out: list[Segment] = []
    x = para.first_line_mm / 25.4 * 72 if para.first_line_mm > 0 else 0.0
    for n, piece in enumerate(pieces):
        if n:
            after = [s for s in stops if s > x + 0.5]
            x = after[0] if after else (int(x // default_tab) + 1) * default_tab
        if piece.strip():
            out.append(Segment(_strip(piece), para, n, x))
        x += text_width_pt(piece, size, bold=bold)
    return out


def _columns(xs: list[float], count: int) -> list[float]:
    """Boundaries between *count* columns of the x positions *xs* (widest gaps)."""
    values = sorted(set(xs))
    if count <= 1 or len(values) < 2:
        return []
    gaps = sorted(((b - a, (a + b) / 2) for a, b in itertools.pairwise(values)), reverse=True)[
        : count - 1
    ]
    return sorted(mid for _, mid in gaps)


def _column_of(x: float, bounds: list[float]) -> int:
    return sum(1 for b in bounds if x > b)


# -- the reading -----------------------------------------------------------------------------------


@dataclass
class DocumentReading:
    """What the importer read: the plan's data (model field names, in model order), findings,
    a comment for each uncertain field, and the profile the document was read by."""

    data: dict[str, Any]
    findings: list[Finding]
    notes: dict[str, str]
    profile: str


_PF_STYLE = re.compile(r"^PF (?P<role>[A-Za-z ]+?)(?: \((?P<kind>[^()]+)\))?$")


def _pf_role(para: Paragraph) -> tuple[str, str | None]:
    """The element a planforge paragraph style names (`PF Signer (party)` -> signer, party)."""
    match = _PF_STYLE.match(para.style_name or "")
    if match is None:
        return "", None
    return "_".join(match.group("role").lower().split()), match.group("kind")


class NotAPlan(Exception):
    """The document does not read as a plan: what is missing, and where it was looked for."""

    def __init__(self, message: str, where: str = "") -> None:
        self.message = message
        self.where = where
        super().__init__(message)


@dataclass
class _Block:
    """A signature block as printed."""

    lines: list[Segment]
    kind: str | None = None  # from a planforge style
    order: tuple[float, ...] = ()


@dataclass
class _Node:
    label: Label | None
    data: dict[str, Any]
    children: list[_Node] = field(default_factory=list)
    para: Paragraph | None = None


class _Importer:
    def __init__(self, doc: WordDocument, profile: Profile | None) -> None:
        self.doc = doc
        self.paras = list(doc.paragraphs)
        self.findings: list[Finding] = []
        self.notes: dict[str, str] = {}
        self.placed: set[tuple[int, int]] = set()
        self.given = profile
        self.profiles = [load_profile(n) for n in builtin_profiles()]
        if profile is not None and profile.name not in builtin_profiles():
            self.profiles.insert(0, profile)
        self.profile = profile or self.profiles[0]
        self.styled = any(_pf_role(p)[0] for p in self.paras)
        self.header_symbols: list[str] = []
        self.has_closing_style = any(
            self.doc.styles.name_of(sid) == "PF Closing" for sid in self.doc.styles.by_id
        )

    # -- bookkeeping ---------------------------------------------------------------------------

    def note(self, message: str, where: str = "", context: str = "", path: str = "") -> None:
        shown = context if len(context) <= 120 else context[:119].rstrip() + "…"
        self.findings.append(Finding(RULE, "warning", message, "", where, shown))
        if path:
            self.notes[path] = self.notes[path] + "; " + message if path in self.notes else message

    def place(self, *segments: Segment | Paragraph) -> None:
        for seg in segments:
            if isinstance(seg, Segment):
                self.placed.add(seg.key)
            else:
                for n in range(max(len(seg.text.split("\t")), len(seg.text.split("\n")), 1)):
                    self.placed.add((seg.index, n))

    def lines_of(self, para: Paragraph) -> list[Segment]:
        """The printed lines of a paragraph (split at its line breaks)."""
        return [
            Segment(_strip(line), para, n)
            for n, line in enumerate(para.text.split("\n"))
            if line.strip()
        ]

    # -- the whole -------------------------------------------------------------------------------

    def run(self) -> DocumentReading:
        if not any(p.plain for p in self.paras):
            raise NotAPlan(_("the document has no text"))
        title = self.find_title()
        head = self.read_header(self.paras[: title.index])
        self.header_symbols = list(head.get("symbols", []))
        self.profile = self.choose_profile(head)
        summary_end, title_data = self.read_title(title)
        region = self.signature_start(summary_end)
        body = self.read_body(self.paras[summary_end:region])
        blocks, recipients = self.read_signatures(self.paras[region:])
        issuers = self.issuers(head, blocks)
        signatures = self.signatures(blocks, issuers)
        data: dict[str, Any] = {}
        named = self.profile_to_name(issuers[0]["kind"], head)
        if named:
            data["profile"] = named
        data["issuers"] = issuers
        data["number"] = head["number"]
        if head.get("urgency"):
            data["urgency"] = head["urgency"]
        data["place"] = head["place"]
        if head.get("date"):
            data["date"] = head["date"]
        else:
            data["year"] = head["year"]
        data["title"] = title_data
        data.update(body)
        data["signatures"] = signatures
        data["recipients"] = recipients
        self.abbreviations(data)
        self.unplaced()
        return DocumentReading(data, self.findings, self.notes, self.profile.name)

    # -- title -----------------------------------------------------------------------------------

    def type_names(self) -> set[str]:
        return {fold(n) for p in [self.profile, *self.profiles] for n in p.audit.type_names}

    def find_title(self) -> Paragraph:
        names = self.type_names()
        for para in self.paras:
            role, _kind = _pf_role(para)
            if role == "type_name" and para.plain:
                return para
        for para in self.paras:
            if para.cell is not None or not para.plain:
                continue
            folded = para.folded
            if folded in names or (
                _is_upper(para.plain)
                and len(folded.split()) <= 6
                and any(folded.startswith(n + " ") for n in names)
            ):
                return para
        if all(p.cell is not None for p in self.paras if p.plain):
            raise NotAPlan(
                _(
                    "it holds only tables, and a plan has its type name (`KẾ HOẠCH`), parts and "
                    "text outside them"
                )
            )
        raise NotAPlan(
            _(
                "it has no type name (`KẾ HOẠCH`, `CHƯƠNG TRÌNH`, ...) on a line of its own "
                "under a header"
            )
        )

    def read_title(self, title: Paragraph) -> tuple[int, dict[str, Any]]:
        """The type name and the summary lines; returns where the body begins."""
        self.place(title)
        summary: list[str] = []
        end = title.index + 1
        first_align: str | None = None
        for para in self.paras[title.index + 1 :]:
            role, _kind = _pf_role(para)
            if para.container != title.container:
                break
            if role in ("summary_mark", "rule_summary"):
                self.place(para)
                end = para.index + 1
                break
            if not para.plain:
                if para.border_top or para.border_bottom or para.has_line_shape:
                    end = para.index + 1
                    break
                if summary and not self.styled:
                    end = para.index + 1
                    break
                end = para.index + 1
                continue
            if _MARK.fullmatch(para.plain.replace(" ", "")):
                self.place(para)
                end = para.index + 1
                break
            if self.styled and role:
                if role != "summary":
                    break
            else:
                label, _rest = read_label(
                    para.plain, self.profile.numbering.letters, self.profile.numbering.formats
                )
                looks = para.align == "center" and label is None
                if first_align is None and not looks:
                    break
                if not looks:
                    break
                first_align = para.align
            summary.extend(seg.text for seg in self.lines_of(para))
            self.place(para)
            end = para.index + 1
            if para.border_bottom or para.has_line_shape:
                break
        if not summary:
            raise NotAPlan(_("no summary (trích yếu) under its type name"), where=title.where)
        return end, {"type_name": _strip(title.text.replace("\n", " ")), "summary": summary}

    # -- header ----------------------------------------------------------------------------------

    def mottos(self) -> set[str]:
        return {fold(m) for p in self.profiles for m in p.header.motto}

    def read_header(self, header: list[Paragraph]) -> dict[str, Any]:
        mottos = self.mottos()
        candidates = self.candidate_profiles()
        date_patterns = [_format_pattern(p.date.template, _DATE_FIELDS) for p in candidates]
        date_patterns += [_ANY_DATE, NUMERIC_PLACE_DATE]
        head: dict[str, Any] = {"motto": [], "issuer_lines": [], "parent_lines": []}
        urgencies = {fold(u.value): u.value for u in Urgency} | {fold("HOẢ TỐC"): "HỎA TỐC"}
        segments: list[tuple[Segment, str]] = []  # (segment, side)
        for para in header:
            if not para.plain:
                continue
            role, _kind = _pf_role(para)
            if "\t" in para.text and para.cell is None and para.box is None:
                # which column a piece stands in: by where its tab stop puts it
                half = (para.width_pt or self.doc.text_width_pt) / 2
                for seg in _tab_segments(para, self.doc.default_tab_pt):
                    segments.append((seg, "L" if seg.x < half else "R"))
            elif role == "number":
                text = _clean(para.text.replace("\n", ""))
                segments.append((Segment(text, para, 0), "L"))
            else:
                for seg in self.joined_number(self.lines_of(para)):
                    segments.append((seg, ""))
        number_at: int | None = None
        for n, (seg, side) in enumerate(segments):
            role, _kind = _pf_role(seg.para)
            text = seg.text
            folded = fold(text)
            if role in ("motto_1", "motto_2") or folded in mottos:
                head["motto"].append(text)
                self.place(seg)
                continue
            match = next((m for r in date_patterns if (m := r.match(_nfc(text)))), None)
            if role == "place_date" or match:
                if match is None:
                    self.note(
                        _(
                            "the place-and-date line is not written as `<place>, ngày ... "
                            "tháng ... năm ...`"
                        ),
                        seg.para.where,
                        text,
                        "date",
                    )
                    continue
                self.read_date(match, seg, head)
                if match.re is NUMERIC_PLACE_DATE and "date" in head:
                    self.note(
                        _(
                            "`{text}` writes the date in figures; read as {date}, and printed as "
                            "the profile writes dates"
                        ).format(text=text, date=head["date"]),
                        seg.para.where,
                        text,
                        "date",
                    )
                self.place(seg)
                continue
            if (
                role == "number"
                or re.match(r"^Số\b", _nfc(text))
                or any(self.number_match(text, p) for p in candidates)
            ) and self.read_number(text, seg, head):
                number_at = n
                self.place(seg)
                continue
            if role == "urgency" or folded in urgencies:
                head["urgency"] = urgencies.get(folded, text)
                self.place(seg)
                continue
            if role in ("issuer_mark", "rule_issuer", "rule_motto") or _MARK.fullmatch(
                text.replace(" ", "")
            ):
                self.place(seg)
                continue
            if role in ("issuer", "parent") or (
                not role and _is_upper(text) and side != "R" and number_at is None
            ):
                target = "parent_lines" if role == "parent" else "issuer_lines"
                head[target].append(seg)
                self.place(seg)
                continue
        if "number" not in head:
            raise NotAPlan(
                _(
                    "its header has no number line (`Số: 12/KH-UBND`, `Số 04-KHPH/BTGTU-UBND`, "
                    "or a draft's `Số:    /KH-UBND`)"
                )
            )
        if "place" not in head:
            raise NotAPlan(
                _(
                    "its header has no place-and-date line (`Hà Nội, ngày 05 tháng 3 năm 2026`, "
                    "or a draft's `Hà Nội, ngày    tháng    năm 2026`)"
                )
            )
        if not head["issuer_lines"] and not head["parent_lines"]:
            raise NotAPlan(_("its header names no issuing body (the upper-case lines at the left)"))
        if not head["issuer_lines"]:
            head["issuer_lines"], head["parent_lines"] = head["parent_lines"], []
        return head

    def joined_number(self, lines: list[Segment]) -> list[Segment]:
        """The lines of a header paragraph, a number line broken after `/` or `-` (as long
        joint symbols are, with Shift+Enter) joined again."""
        out: list[Segment] = []
        for seg in lines:
            last = out[-1] if out else None
            if (
                last is not None
                and re.match(r"^Số\b", _nfc(last.text))
                and (last.text.endswith(("/", "-", "–")) or seg.text.startswith(("/", "-", "–")))
                and " " not in seg.text
            ):
                self.place(seg)  # read with the line it continues
                out[-1] = Segment(last.text + seg.text, last.para, last.part, last.x)
                continue
            out.append(seg)
        return out

    def read_date(self, match: re.Match[str], seg: Segment, head: dict[str, Any]) -> None:
        head["place"] = _strip(match.group("place"))
        year = int(match.group("year"))
        day, month = match.group("day").strip(), match.group("month").strip()
        head["year"] = year
        if day.isdigit() and month.isdigit():
            try:
                head["date"] = _dt.date(year, int(month), int(day)).isoformat()
            except ValueError:
                self.note(
                    _("`{text}` is not a date; read as a draft of {year}").format(
                        text=seg.text, year=year
                    ),
                    seg.para.where,
                    seg.text,
                    "year",
                )
        elif day or month:
            self.note(
                _("`{text}` has only part of a date; read as a draft of {year}").format(
                    text=seg.text, year=year
                ),
                seg.para.where,
                seg.text,
                "year",
            )

    def is_recipients_label(self, text: str) -> bool:
        """`Nơi nhận:` as any of the profiles spells it."""
        folded = fold(text)
        return any(
            folded.startswith(fold(p.recipients.label).rstrip(":").strip())
            for p in self.candidate_profiles()
        )

    def candidate_profiles(self) -> list[Profile]:
        """The profiles whose number and date lines the header is read by: the given one
        first, then the built-in ones."""
        out = [self.profile] if self.given is not None else []
        out += [p for p in self.profiles if p.name not in {q.name for q in out}]
        return out

    @staticmethod
    def number_match(text: str, profile: Profile) -> re.Match[str] | None:
        return _format_pattern(profile.number.template, _NUMBER_FIELDS).match(_nfc(text))

    def read_number(self, text: str, seg: Segment, head: dict[str, Any]) -> bool:
        separator = "-"
        match: re.Match[str] | None = None
        for profile in self.candidate_profiles():
            match = self.number_match(text, profile)
            if match is not None:
                separator = profile.number.symbol_separator or "-"
                break
        else:
            match = _ANY_NUMBER.match(_nfc(text))
        if match is None:
            return False
        number: dict[str, Any] = {}
        digits = (match.group("number") or "").strip()
        if digits.isdigit():
            number["number"] = int(digits)
        rest = (match.groupdict().get("rest") or "").replace(" ", "")
        if match.group("type") is None:
            if rest:
                self.note(
                    _(
                        "the symbol `{symbol}` is not `type/abbreviations` nor "
                        "`type-abbreviations`; read as the type only"
                    ).format(symbol=rest),
                    seg.para.where,
                    text,
                    "number",
                )
                number["type"] = rest.strip("/-–") or "KH"
            head["number"] = number
            head["symbols"] = []
            return True
        number["type"] = match.group("type")
        symbols = match.group("symbols")
        splitter = r"\s*[\-–]\s*" if separator in ("-", "–") else rf"\s*{re.escape(separator)}\s*"
        head["symbols"] = [s.strip() for s in re.split(splitter, symbols) if s.strip()]
        head["number"] = number
        return True

    def choose_profile(self, head: dict[str, Any]) -> Profile:
        """The profile the document follows: the one given, else by its motto and date."""
        if self.given is not None:
            return self.given
        day = _dt.date.fromisoformat(head["date"]) if head.get("date") else _dt.date.today()
        motto = {fold(m) for m in head["motto"]}
        for kind in ("party", "state"):
            try:
                profile = default_profile(kind, day)
            except Exception:
                continue
            if fold(profile.header.motto[0]) in motto:
                return profile
        if not head["motto"]:
            self.note(_("the header has no motto; read by the state rules"), _("header"), "", "")
        return default_profile("state", day)

    def profile_to_name(self, kind: str, head: dict[str, Any]) -> str | None:
        """The profile the plan must name to be rendered as the document was: none when the
        one its first body and date get is it."""
        day = _dt.date.fromisoformat(head["date"]) if head.get("date") else _dt.date.today()
        try:
            default = default_profile(kind, day).name
        except Exception:
            default = None
        if default == self.profile.name:
            return None
        if self.profile.name in builtin_profiles():
            return self.profile.name
        self.note(
            _(
                "read by the profile `{profile}` (a file): render the plan with "
                "--profile and that file"
            ).format(profile=self.profile.name),
            "",
            "",
            "profile",
        )
        return None

    # -- body ------------------------------------------------------------------------------------

    def signature_start(self, start: int) -> int:
        """Where the signatures (and the recipients) begin: the first paragraph after *start*
        that is a signature line, `Nơi nhận:`, or in a table that holds one."""
        prefixes = self.all_prefixes()
        tables_with_signatures: set[int] = set()
        for para in self.paras[start:]:
            if para.cell is not None and self.signature_like(para, prefixes):
                tables_with_signatures.add(para.cell[0])
        for para in self.paras[start:]:
            if para.cell is not None and para.cell[0] in tables_with_signatures:
                return para.index
            if para.cell is None and self.signature_like(para, prefixes):
                return para.index
        return len(self.paras)

    def signature_like(self, para: Paragraph, prefixes: dict[str, tuple[str, str]]) -> bool:
        role, _kind = _pf_role(para)
        if role in ("signature_authority", "signature_position", "signer", "recipients_label"):
            return True
        if role in ("body", "closing", "part_heading", "item_heading"):
            return False
        for piece in para.text.split("\t"):
            text = _clean(piece)
            if not text:
                continue
            if self.is_recipients_label(text):
                return True
            if _is_upper(text) and self.prefix_of(text, prefixes) is not None:
                return True
        return False

    def all_prefixes(self) -> dict[str, tuple[str, str]]:
        """Every spelling of an authority prefix -> (kind, authority type)."""
        out: dict[str, tuple[str, str]] = {}
        for profile in [self.profile, *self.profiles]:
            for kind, spelled in profile.signature.prefixes.items():
                for kind_type, prefix in spelled.items():
                    out.setdefault(prefix, (kind, kind_type))
        return out

    @staticmethod
    def prefix_of(text: str, prefixes: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
        """(prefix as written, its key) when *text* begins with an authority prefix; prefixes
        written with other dots (`T.M`, `K.T.`) are found too."""
        for prefix in sorted(prefixes, key=len, reverse=True):
            # a profile may spell a prefix in words (`KÝ THAY`)
            if " " in prefix and (text == prefix or text.startswith(prefix + " ")):
                return prefix, prefix
        first = text.split(" ", 1)[0]
        if first in prefixes:
            return first, first
        bare = first.replace(".", "").replace("/", "")
        for prefix in sorted(prefixes, key=len, reverse=True):
            if prefix.replace(".", "").replace("/", "") == bare and bare:
                return first, prefix
        return None

    def body_text(self, para: Paragraph) -> str:
        return _strip(para.numbered_text.replace("\n", " "))

    def task_labels(self) -> dict[str, str]:
        fmt = self.profile.tasks
        labels = {fold(fmt.lead): "lead", fold(fmt.coordinating): "coordinating"}
        labels[fold(fmt.timeline)] = "timeline"
        for profile in self.profiles:
            labels.setdefault(fold(profile.tasks.lead), "lead")
            labels.setdefault(fold(profile.tasks.coordinating), "coordinating")
            labels.setdefault(fold(profile.tasks.timeline), "timeline")
        return labels

    def read_body(self, paras: list[Paragraph]) -> dict[str, Any]:
        letters = self.profile.numbering.letters
        preamble: list[str] = []
        closing: list[str] = []
        parts: list[_Node] = []
        stack: list[_Node] = []
        task_labels = self.task_labels()
        tables_noted: set[int] = set()
        last: _Node | None = None  # where an unlabelled paragraph continues
        for para in paras:
            text = self.body_text(para)
            if not text:
                continue
            if para.cell is not None and para.cell[0] not in tables_noted:
                tables_noted.add(para.cell[0])
                self.note(
                    _("table {number} in the body is read as paragraphs, cell by cell").format(
                        number=para.cell[0]
                    ),
                    para.where,
                    text,
                )
            role, _kind = _pf_role(para)
            self.place(para)
            if role == "closing":
                closing.append(text)
                continue
            if self.styled and role in ("signature_authority", "signature_position", "signer"):
                continue
            label, rest = read_label(text, letters, self.profile.numbering.formats)
            if role == "part_heading" or (
                label is not None and label.style is ListStyle.ROMAN and role != "body"
            ):
                if label is None:
                    label, rest = Label(ListStyle.ROMAN, len(parts) + 1, 1, ""), text
                node = _Node(label, {"title": rest, "text": [], "items": []}, para=para)
                parts.append(node)
                stack = []
                last = node
                continue
            if not parts:
                preamble.append(text)
                continue
            if role == "item_heading" and label is None:
                self.note(
                    _("an item heading without a label is read as a paragraph"),
                    para.where,
                    text,
                )
            # task lines: `- Đơn vị chủ trì: ...` as planforge prints them, or typed without
            # the dash (a clerk's own layout)
            if stack and (label is None or label.style is ListStyle.DASH):
                task = self.task_line(rest if label is not None else text, task_labels)
                if task is not None:
                    owner = stack[-1]
                    key, value = task
                    found = owner.data.setdefault("task", {})
                    if key not in found and not owner.children:
                        found[key] = value
                        continue
                    if not found:
                        owner.data.pop("task")
            if label is None or (label.style is ListStyle.ROMAN and role == "body"):
                target = last if last is not None else parts[-1]
                target.data.setdefault("text", []).append(text)
                continue
            if label.text in "•●▪◦·":
                self.note(_("a bullet is read as `-`"), para.where, text)
            heading = role == "item_heading" or (
                not self.styled and all(r.bold for r in para.text_runs())
            )
            node = _Node(label, {"text": []}, para=para)
            if heading:
                node.data["title"] = rest
            else:
                node.data["text"] = [rest]
            parent = self.nest(stack, node, para)
            siblings = parent.children if parent is not None else parts[-1].children
            siblings.append(node)
            last = node
        return {
            "preamble": preamble,
            "parts": self.finish_parts(parts, closing),
            "closing": closing,
        }

    def task_line(self, text: str, labels: dict[str, str]) -> tuple[str, Any] | None:
        """(task key, value) when *text* is a task line as the profile writes it
        (`Đơn vị chủ trì: ...`) or as offices type it."""
        alternatives = "|".join(re.escape(k) for k in sorted(self.label_spellings, key=len)[::-1])
        fields = {"label": f"(?P<label>{alternatives})", "value": r"(?P<value>\S.*?)"}
        for template in dict.fromkeys([self.profile.tasks.line, "{label}: {value}"]):
            match = _format_pattern(template, fields).match(text)
            if match is not None and fold(match.group("label")) in labels:
                break
        else:
            return None
        key = labels[fold(match.group("label"))]
        value = match.group("value").strip().removesuffix(self.profile.tasks.end).strip()
        if not value:
            return None
        if key == "timeline":
            return key, value
        return key, self.units(value)

    @property
    def label_spellings(self) -> list[str]:
        fmts = [self.profile.tasks, *(p.tasks for p in self.profiles)]
        return list(dict.fromkeys(n for f in fmts for n in (f.lead, f.coordinating, f.timeline)))

    def units(self, text: str) -> list[str]:
        """A list of units written `A, B, C`: a comma separates two units only where the
        next one begins as a unit's name does (`Sở ...`, `Ban ...`)."""
        separator = self.profile.tasks.separator.strip() or ","
        heads = sorted(self.profile.reading.unit_heads, key=len, reverse=True)
        pieces = [p.strip() for p in text.split(separator)]
        units: list[str] = []
        for piece in pieces:
            starts = any(piece == h or piece.startswith(h + " ") for h in heads)
            if units and not starts:
                units[-1] = f"{units[-1]}{separator} {piece}"
            else:
                units.append(piece)
        return [u for u in units if u]

    def nest(self, stack: list[_Node], node: _Node, para: Paragraph) -> _Node | None:
        """Put *node* in the outline: a sibling of the nearest item labelled alike (when its
        number follows), else a child of the item above. Returns its parent (None: the part)."""
        label = node.label
        assert label is not None
        key = (label.style, label.depth)
        for depth in range(len(stack) - 1, -1, -1):
            above = stack[depth]
            assert above.label is not None
            if (above.label.style, above.label.depth) != key:
                continue
            numbered = label.style not in (ListStyle.DASH, ListStyle.PLUS)
            deeper = (
                above.para is not None and para.left_mm > above.para.left_mm + 3 and not self.styled
            )
            if (
                numbered
                and label.number == 1
                and above.label.number >= 1
                and depth == len(stack) - 1
            ):
                break  # a list starting again under the item above: its child
            if deeper:
                break
            del stack[depth:]
            stack.append(node)
            return stack[depth - 1] if depth else None
        parent = stack[-1] if stack else None
        stack.append(node)
        return parent

    def finish_parts(self, parts: list[_Node], closing: list[str]) -> list[dict[str, Any]]:
        """The outline as model data; list styles where they differ from the profile's;
        the closing found in the last paragraphs when no style says it."""
        if not closing and not self.has_closing_style and parts:
            self.find_closing(parts, closing)
        numbering = self.profile.numbering
        out = []
        for n, part in enumerate(parts, 1):
            data: dict[str, Any] = {"title": part.data["title"]}
            assert part.label is not None
            if part.label.text and part.label.number != n:
                self.note(
                    _("part {label}. is numbered {number} in the plan").format(
                        label=part.label.text, number=n
                    ),
                    part.para.where if part.para else "",
                    part.data["title"],
                )
            if part.data.get("text"):
                data["text"] = part.data["text"]
            if part.children:
                style = self.list_style(part.children, f"parts[{n - 1}]")
                data["items"] = [
                    self.item_data(child, style, f"parts[{n - 1}].items[{k}]")
                    for k, child in enumerate(part.children)
                ]
                if style is not numbering.first_level:
                    data["list_style"] = style.value
            out.append(data)
        return out

    def list_style(self, nodes: list[_Node], path: str) -> ListStyle:
        styles = [n.label.style for n in nodes if n.label is not None]
        style = styles[0]
        numbers = [n.label.number for n in nodes if n.label is not None]
        if any(s is not style for s in styles):
            self.note(
                _("the items here are labelled in different ways; all are labelled as the first"),
                nodes[0].para.where if nodes[0].para else "",
                nodes[0].label.text if nodes[0].label else "",
                path,
            )
        elif style not in (ListStyle.DASH, ListStyle.PLUS) and numbers != list(
            range(1, len(numbers) + 1)
        ):
            self.note(
                _("the items here are not numbered 1, 2, 3 ...; they are numbered so in the plan"),
                nodes[0].para.where if nodes[0].para else "",
                ", ".join(n.label.text for n in nodes if n.label),
                path,
            )
        return style

    def item_data(self, node: _Node, style: ListStyle, path: str) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if node.data.get("title"):
            data["title"] = node.data["title"]
        if node.data.get("text"):
            data["text"] = node.data["text"]
        if node.data.get("task"):
            task = node.data["task"]
            if "lead" not in task:
                self.note(
                    _("a task without `Đơn vị chủ trì` is read as paragraphs"),
                    node.para.where if node.para else "",
                    "",
                    path,
                )
                fmt = self.profile.tasks
                for key in ("coordinating", "timeline"):
                    if key in task:
                        value = task[key] if isinstance(task[key], str) else ", ".join(task[key])
                        label = fmt.coordinating if key == "coordinating" else fmt.timeline
                        data.setdefault("text", []).append(f"- {label}: {value}{fmt.end}")
            else:
                data["task"] = {
                    k: task[k] for k in ("lead", "coordinating", "timeline") if k in task
                }
        if node.children:
            child_style = self.list_style(node.children, path)
            data["items"] = [
                self.item_data(child, child_style, f"{path}.items[{k}]")
                for k, child in enumerate(node.children)
            ]
            if child_style is not self.profile.numbering.after.get(style, style):
                data["list_style"] = child_style.value
        return data

    def find_closing(self, parts: list[_Node], closing: list[str]) -> None:
        """Move the last paragraphs that read as a closing (`Trên đây là ...`, ending `./.`)
        from the last item (or part) to the closing."""
        node = parts[-1]
        while node.children:
            node = node.children[-1]
        texts: list[str] = node.data.get("text", [])
        first = 1 if node is not parts[-1] and "title" not in node.data else 0
        starts = [_nfc(s) for s in self.profile.reading.closing_starts]
        for k in range(first, len(texts)):
            text = texts[k]
            if text.rstrip().endswith("./.") or any(text.startswith(s) for s in starts):
                if k == 0 and "title" not in node.data and node is not parts[-1]:
                    continue
                if node is parts[-1] and k == 0 and not node.children and "title" in node.data:
                    pass
                closing.extend(texts[k:])
                del texts[k:]
                self.note(
                    _("read as the closing (the text after the last item)"),
                    "",
                    closing[0],
                    "closing",
                )
                return

    # -- signatures and recipients -----------------------------------------------------------

    def read_signatures(self, paras: list[Paragraph]) -> tuple[list[_Block], dict[str, Any]]:
        prefixes = self.all_prefixes()
        groups: dict[tuple[Any, ...], list[Segment]] = {}
        free: list[Segment] = []  # outside tables: columns found by their x
        for para in paras:
            if not para.plain:
                continue
            if para.cell is not None or para.box is not None:
                key: tuple[Any, ...] = ("cell", *(para.container or ()))
                groups.setdefault(key, []).extend(self.lines_of(para))
            elif "\t" in para.text:
                free.extend(_tab_segments(para, self.doc.default_tab_pt))
            else:
                for seg in self.lines_of(para):
                    seg.x = max(para.left_mm, 0) / 25.4 * 72
                    if para.align == "center" and para.left_mm <= 0:
                        seg.x = -1.0  # a centred line of its own: a column of its own
                    free.append(seg)
        if free:
            per_line: dict[int, int] = {}
            for seg in free:
                per_line[seg.para.index] = per_line.get(seg.para.index, 0) + 1
            count = max(per_line.values())
            bounds = _columns([s.x for s in free if s.x >= 0], count)
            for seg in free:
                column = _column_of(seg.x, bounds) if seg.x >= 0 else 0
                groups.setdefault(("free", column), []).append(seg)
        recipients = self.read_recipients(groups)
        blocks: list[_Block] = []
        for key, segments in groups.items():
            blocks.extend(self.split_blocks(key, segments, prefixes))
        blocks.sort(key=lambda b: b.order)
        if not blocks:
            raise NotAPlan(
                _(
                    "it has no signature block (authority lines such as `TM. ỦY BAN NHÂN DÂN` "
                    "or a position, and the signer's name under them)"
                )
            )
        return blocks, recipients

    def read_recipients(self, groups: dict[tuple[Any, ...], list[Segment]]) -> dict[str, Any]:
        """`Nơi nhận:` and the lines under it, taken out of their group."""
        for segments in groups.values():
            at = next(
                (
                    k
                    for k, s in enumerate(segments)
                    if _pf_role(s.para)[0] == "recipients_label" or self.is_recipients_label(s.text)
                ),
                None,
            )
            if at is None:
                continue
            label = segments[at]
            self.place(label)
            after_label = label.text.split(":", 1)[1].strip() if ":" in label.text else ""
            items: list[list[Segment]] = []
            end = at + 1
            for seg in segments[at + 1 :]:
                role, _kind = _pf_role(seg.para)
                text = seg.text
                if role and role not in ("recipient", "recipients_label"):
                    break
                bullet = text[:1] in "-–+•"
                if bullet or (role == "recipient" and not items):
                    items.append([seg])
                elif (
                    items
                    and not items[-1][-1].text.endswith((";", ",", "."))
                    and not _is_upper(text)
                ):
                    items[-1].append(seg)
                else:
                    break
                end += 1
            del segments[at:end]
            return self.recipients_data(items, after_label, label)
        return {}

    def recipients_data(
        self, items: list[list[Segment]], inline: str, label: Segment
    ) -> dict[str, Any]:
        fmt = self.profile.recipients
        markers = {fold(m): m for m in self.profile.reading.markers}
        # the archive line as the profiles print it (`Lưu: VT`, `Lưu VT`), or typed `Lưu tại: VT`
        templates = {p.recipients.archive for p in self.candidate_profiles()}
        archive_patterns = [  # the document's own profile first, then the longest spellings
            _format_pattern(t, {"holders": r"(?P<holders>.*?)"})
            for t in [fmt.archive, *sorted(templates - {fmt.archive}, key=len, reverse=True)]
        ]
        archive_patterns.append(re.compile(r"^Lưu\s+tại\s*:?\s*(?P<holders>.*)$", re.I))
        marker_patterns = [
            re.compile(
                r"^(?P<name>.+?)"
                + _format_pattern(template, {"marker": r"(?P<marker>.+?)"}).pattern.removeprefix(
                    "^"
                ),
                re.S,
            )
            for template in dict.fromkeys([fmt.marker, "({marker})"])
        ]
        to: list[Any] = []
        archive: list[str] = []
        if inline:
            items.insert(0, [Segment(inline, label.para, label.part)])
        for n, item in enumerate(items):
            self.place(*item)
            text = _strip(" ".join(s.text for s in item))
            bullet = text[:1]
            text = text.lstrip("-–+• ").strip()
            text = text.rstrip(";,.").strip()
            if not text:
                continue
            if bullet == "+":
                self.note(
                    _("`+ {text}` is read as a recipient of its own (a line `- ...`)").format(
                        text=text
                    ),
                    item[0].para.where,
                    text,
                    f"recipients.to[{len(to)}]",
                )
            archive_match = next((m for r in archive_patterns if (m := r.match(text))), None)
            if archive_match and n >= len(items) - 2:
                holders = archive_match.group("holders")
                separator = fmt.archive_separator.strip() or ","
                archive = [h.strip() for h in holders.split(separator + " ") if h.strip()]
                if len(archive) == 1 and separator in archive[0] and separator + " " not in holders:
                    archive = [h.strip() for h in holders.split(separator) if h.strip()]
                continue
            marker_match = next(
                (
                    m
                    for r in marker_patterns
                    if (m := r.match(text)) and fold(m.group("marker")) in markers
                ),
                None,
            )
            if marker_match:
                to.append(
                    {"name": marker_match.group("name"), "marker": marker_match.group("marker")}
                )
            else:
                to.append(text)
        out: dict[str, Any] = {}
        if to:
            out["to"] = to
        if archive:
            out["archive"] = archive
        return out

    def split_blocks(
        self, key: tuple[Any, ...], segments: list[Segment], prefixes: dict[str, tuple[str, str]]
    ) -> list[_Block]:
        """The signature blocks of one cell or column: each ends with a signer's name."""
        blocks: list[_Block] = []
        current: list[Segment] = []
        for seg in segments:
            role, _kind = _pf_role(seg.para)
            if SIGNED_MARK.match(seg.text):
                self.place(seg)
                self.note(
                    _("`{text}` (a signed copy's mark) is left out").format(text=seg.text),
                    seg.para.where,
                    seg.text,
                )
                continue
            if role in ("body", "closing"):
                continue
            current.append(seg)
            is_name = role == "signer" or (not role and _is_name(seg.text) and len(current) > 1)
            if is_name:
                first = current[0]
                order: tuple[float, ...]
                if first.para.cell is not None:
                    order = (first.para.index, 0, *first.para.cell)
                else:
                    order = (float(key[1]) if key[0] == "free" else 0.0, first.para.index)
                    order = (first.para.index, order[0])
                kinds = {k for s in current for _role, k in [_pf_role(s.para)] if k}
                blocks.append(_Block(current, kinds.pop() if len(kinds) == 1 else None, order))
                current = []
        return blocks

    # -- issuers and signatures ------------------------------------------------------------

    def issuers(self, head: dict[str, Any], blocks: list[_Block]) -> list[dict[str, Any]]:
        lines: list[Segment] = head["issuer_lines"]
        parents: list[Segment] = head["parent_lines"]
        if not self.styled and not parents:
            parents, lines = self.split_parents(lines)
        separator = self.profile.header.joint_separator.strip() or "-"
        # bodies in columns of a header table: a column ends a name as ` -` does
        groups: list[list[Segment]] = [lines]
        if lines and all(s.para.cell is not None for s in lines):
            by_column: dict[int, list[Segment]] = {}
            for seg in lines:
                assert seg.para.cell is not None
                by_column.setdefault(seg.para.cell[2], []).append(seg)
            groups = [by_column[c] for c in sorted(by_column)]
        names: list[list[Segment]] = []
        for group in groups:
            names.append([])
            for seg in group:
                names[-1].append(seg)
                if seg.text.endswith((" " + separator, " -", " –")) or seg.text in ("-", "–"):
                    names.append([])
        names = [n for n in names if n]
        symbols: list[str] = head.get("symbols", [])
        if len(names) == 1 and len(symbols) > 1 and len(lines) >= len(symbols):
            names = self.partition(lines, symbols)
            self.note(
                _(
                    "the header has no `{separator}` between the names: read as {count} "
                    "bodies by the symbol's abbreviations"
                ).format(separator=separator, count=len(names)),
                lines[0].para.where,
                " / ".join(s.text for s in lines),
                "issuers",
            )
        out: list[dict[str, Any]] = []
        parent_text = self.given_lines(parents, glue=False) if parents else None
        for n, name_lines in enumerate(names):
            last = n == len(names) - 1
            name = self.given_lines(name_lines, glue=False, separator=None if last else separator)
            issuer: dict[str, Any] = {"name": name}
            if parent_text:
                issuer["parent"] = parent_text
            out.append(issuer)
        return out

    def split_parents(self, lines: list[Segment]) -> tuple[list[Segment], list[Segment]]:
        """A clerk's header: the lines above the bold ones are the parent body's."""
        bold = [all(r.bold for r in s.para.text_runs()) for s in lines]
        if True in bold and False in bold:
            first_bold = bold.index(True)
            if first_bold > 0 and all(bold[first_bold:]):
                return lines[:first_bold], lines[first_bold:]
        return [], lines

    def partition(self, lines: list[Segment], symbols: list[str]) -> list[list[Segment]]:
        """Lines into as many names as abbreviations, each group matching its initials best."""
        best: tuple[float, list[list[Segment]]] | None = None
        count = len(symbols)
        for cuts in itertools.combinations(range(1, len(lines)), count - 1):
            bounds = (0, *cuts, len(lines))
            groups = [lines[a:b] for a, b in itertools.pairwise(bounds)]
            score = sum(
                _initials_match(" ".join(s.text for s in g), symbol)
                for g, symbol in zip(groups, symbols, strict=True)
            )
            if best is None or score > best[0]:
                best = (score, groups)
        assert best is not None
        return best[1]

    def given_lines(
        self, segments: list[Segment], *, glue: bool, separator: str | None = None
    ) -> Any:
        """The text of a name printed on *segments*: one text where planforge would break it
        so at that width, else the lines as given (a list)."""
        texts = [s.text for s in segments]
        if separator is not None and texts:
            texts[-1] = texts[-1].removesuffix(separator).rstrip()
            if not texts[-1]:
                texts.pop()
        if len(segments) <= 1:
            return texts[0] if texts else ""
        printed = [s.text for s in segments]
        groups = self.auto_groups(printed, segments, glue)
        lines = [" ".join(printed[a:b]) for a, b in groups]
        if separator is not None:
            lines[-1] = lines[-1].removesuffix(separator).rstrip()
        return lines[0] if len(lines) == 1 else lines

    def auto_groups(
        self, printed: list[str], segments: list[Segment], glue: bool
    ) -> list[tuple[int, int]]:
        """The fewest runs of printed lines of which each is one line planforge broke there."""
        count = len(printed)
        best: list[list[tuple[int, int]] | None] = [None] * (count + 1)
        best[0] = []
        for end in range(1, count + 1):
            for start in range(end - 1, -1, -1):
                before = best[start]
                if before is None:
                    continue
                if end - start > 1 and not self.breaks_so(
                    printed[start:end], segments[start], glue
                ):
                    continue
                candidate = [*before, (start, end)]
                chosen = best[end]
                if chosen is None or len(candidate) < len(chosen):
                    best[end] = candidate
        result = best[count]
        return result if result is not None else [(k, k + 1) for k in range(count)]

    def breaks_so(self, lines: list[str], seg: Segment, glue: bool) -> bool:
        width = seg.para.width_pt
        if width is None or width <= 0:
            return False
        runs = seg.para.text_runs()
        size = runs[0].size if runs else 12.0
        bold = bool(runs and runs[0].bold)
        rules = break_rules(self.profile, glue_first=glue)
        return fitted_lines(" ".join(lines), width, size, bold=bold, rules=rules) == lines

    def signatures(
        self, blocks: list[_Block], issuers: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        prefixes = self.all_prefixes()
        lead = self.profile.signature.lead
        if lead != "as_given" and len(blocks) > 1:
            per_row = max(1, self.profile.signature.per_row)
            at = min(per_row, len(blocks)) - 1 if lead == "right" else 0
            blocks.insert(0, blocks.pop(at))
        out = [self.block_data(b, prefixes, f"signatures[{n}]") for n, b in enumerate(blocks)]
        owners = self.owners(out, issuers)
        for n, (block, sig) in enumerate(zip(blocks, out, strict=True)):
            kind = block.kind or sig.pop("_kind", None)
            sig.pop("_kind", None)
            owner = owners[n]
            if kind is not None:
                issuers[owner].setdefault("_kinds", []).append(kind)
            if owner != min(n, len(issuers) - 1):
                sig["_issuer"] = owner  # named once the abbreviations are known
        for issuer in issuers:
            issuer["kind"] = self.kind_of(issuer, first=issuer is issuers[0])
        return out

    def owners(self, signatures: list[dict[str, Any]], issuers: list[dict[str, Any]]) -> list[int]:
        """The issuer each block signs for: the assignment whose texts agree best (a block
        names its body in its authority lines), the order as printed when nothing tells."""
        expansions = {fold(k): fold(v) for k, v in self.profile.checks.expansions.items()}

        def words(text: str, *, initials: bool = False) -> set[str]:
            out: set[str] = set()
            folded = fold(text).split()
            for word in folded:
                out.update(expansions.get(word, word).split())
            if initials:  # `HỘI LHPN` in a block names `HỘI LIÊN HIỆP PHỤ NỮ`
                for size in range(2, 6):
                    for at in range(len(folded) - size + 1):
                        out.add("".join(w[0] for w in folded[at : at + size]))
            return out

        def text_of(value: Any) -> str:
            return value if isinstance(value, str) else " ".join(value)

        names = [
            words(text_of(i["name"]) + " " + text_of(i.get("parent") or ""), initials=True)
            for i in issuers
        ]
        said = []
        for sig in signatures:
            parts = [text_of(v) for entry in sig.get("authority", []) for v in entry.values()]
            parts.append(text_of(sig.get("body") or ""))
            said.append(words(" ".join(parts)))
        count = len(signatures)

        def score(block: int, issuer: int) -> float:
            return len(said[block] & names[issuer])

        if count > len(issuers) or count > 7:

            def nearest_best(block: int) -> int:
                return max(range(len(issuers)), key=lambda i: (score(block, i), -abs(i - block)))

            owners = [nearest_best(b) for b in range(count)]
        else:
            best: tuple[float, tuple[int, ...]] | None = None
            for perm in itertools.permutations(range(len(issuers)), count):
                total = sum(score(b, i) for b, i in enumerate(perm))
                total += 0.001 * sum(1 for b, i in enumerate(perm) if b == i)
                if best is None or total > best[0] + 1e-9:
                    best = (total, perm)
            assert best is not None
            owners = list(best[1])
        if count != len(issuers):
            self.note(
                ngettext(
                    "{count} signature block for {issuers} issuing bodies; each block names "
                    "the body it signs for",
                    "{count} signature blocks for {issuers} issuing bodies; each block names "
                    "the body it signs for",
                    count,
                ).format(count=count, issuers=len(issuers)),
                "",
                "",
                "signatures",
            )
        return owners

    def block_data(
        self, block: _Block, prefixes: dict[str, tuple[str, str]], path: str
    ) -> dict[str, Any]:
        lines = block.lines
        self.place(*lines)
        signer, above = lines[-1], lines[:-1]
        roles = [_pf_role(s.para)[0] for s in above]
        authority: list[tuple[str, list[Segment]]] = []  # (type, lines)
        body: list[Segment] = []
        position: list[Segment] = []
        kinds: set[str] = set()
        position_words = [tone_normal(w) for w in self.profile.reading.positions]
        for k, seg in enumerate(above):
            role = roles[k]
            found = self.prefix_of(seg.text, prefixes) if _is_upper(seg.text) else None
            if role == "signature_position" or (
                not role and found is None and self.starts_position(above, k, position_words)
            ):
                position.append(seg)
                continue
            if position and not role:
                position.append(seg)
                continue
            if found is not None:
                written, key = found
                kind, kind_type = prefixes[key]
                kinds.add(kind)
                if written != key:
                    self.note(
                        _("`{written}` is read as the prefix `{prefix}`").format(
                            written=written, prefix=key
                        ),
                        seg.para.where,
                        seg.text,
                        path,
                    )
                authority.append((kind_type, [seg]))
                continue
            if authority and not body:
                authority[-1][1].append(seg)
            else:
                body.append(seg)
        data: dict[str, Any] = {}
        if authority:
            entries = []
            for kind_type, segs in authority:
                first = segs[0].text
                found = self.prefix_of(first, prefixes)
                written = found[0] if found is not None else first.split(" ", 1)[0]
                rest = first[len(written) :].strip()
                texts = [Segment(rest, segs[0].para, segs[0].part), *segs[1:]]
                of = self.given_lines_with_prefix(segs, texts)
                entries.append({AuthorityType(kind_type).value: of})
            data["authority"] = entries
        if body:
            data["body"] = self.given_lines(body, glue=False)
        if position:
            data["position"] = self.given_lines(position, glue=False)
        data["signer"] = signer.text
        if block.kind is None and kinds == {"party"}:
            data["_kind"] = "party"  # state and organisations share their prefixes
        return data

    def given_lines_with_prefix(self, printed: list[Segment], texts: list[Segment]) -> Any:
        """An authority's `of`: printed with its prefix on the first line."""
        if len(printed) == 1:
            return texts[0].text
        groups = self.auto_groups([s.text for s in printed], printed, glue=True)
        lines = [" ".join(s.text for s in texts[a:b]) for a, b in groups]
        return lines[0] if len(lines) == 1 else lines

    @staticmethod
    def starts_position(above: list[Segment], k: int, words: list[str]) -> bool:
        """Whether line *k* of a block begins the signer's position: the last line, or a line
        beginning with a position's word after which only such lines follow."""
        text = tone_normal(above[k].text)
        if k == len(above) - 1:
            return True
        return (
            any(text == w or text.startswith(w + " ") for w in words)
            and all(not re.match(r"^\S+[./]\S*\s", s.text) for s in above[k + 1 :])
            and k > 0
        )

    def kind_of(self, issuer: dict[str, Any], *, first: bool) -> str:
        kinds = [k for k in issuer.pop("_kinds", []) if k]
        if kinds:
            return str(kinds[0])
        name = " ".join(
            str(x) if isinstance(x, str) else " ".join(x)
            for x in (issuer.get("parent") or "", issuer["name"])
        )
        # with the diacritics: `SỞ TƯ PHÁP` does not name `TU` (Tỉnh ủy)
        words = f" {tone_normal(name)} "
        for kind, names in self.profile.reading.kinds.items():
            if any(f" {tone_normal(n)} " in words for n in names):
                return kind
        if first and self.profile.default_for:
            return self.profile.default_for[0]
        return "state"

    def abbreviations(self, data: dict[str, Any]) -> None:
        """Abbreviations from the symbol (one an issuer, in order); the symbol itself only
        when it is not exactly those."""
        issuers = data["issuers"]
        number = data["number"]
        symbols = self.header_symbols
        if len(symbols) == len(issuers) and len(set(symbols)) == len(symbols):
            for issuer, symbol in zip(issuers, symbols, strict=True):
                issuer["abbreviation"] = symbol
        else:
            taken: set[str] = set(symbols)
            for n, issuer in enumerate(issuers):
                name = (
                    issuer["name"] if isinstance(issuer["name"], str) else " ".join(issuer["name"])
                )
                guess = (
                    symbols[n]
                    if n < len(symbols) and len(symbols) > len(issuers)
                    else _initials(name)
                )
                while guess in taken and guess not in symbols[n : n + 1]:
                    guess += "1"
                taken.add(guess)
                issuer["abbreviation"] = guess
                self.note(
                    _(
                        "the abbreviation `{abbreviation}` of `{name}` is a guess (the symbol "
                        "does not give one a body)"
                    ).format(abbreviation=guess, name=name),
                    _("header"),
                    name,
                    f"issuers[{n}].abbreviation",
                )
            if symbols:
                number["symbols"] = symbols
        for n, sig in enumerate(data["signatures"]):
            owner = sig.pop("_issuer", None)
            if owner is not None:
                sig["issuer"] = issuers[owner]["abbreviation"]
                data["signatures"][n] = {"issuer": sig.pop("issuer"), **sig}
        for issuer in issuers:
            issuer.pop("_kinds", None)
        ordered = []
        for issuer in issuers:
            entry = {"name": issuer["name"]}
            if issuer.get("parent"):
                entry["parent"] = issuer["parent"]
            entry["kind"] = issuer["kind"]
            entry["abbreviation"] = issuer["abbreviation"]
            ordered.append(entry)
        data["issuers"] = ordered

    def unplaced(self) -> None:
        for para in self.paras:
            if not para.plain:
                continue
            pieces = para.text.split("\t") if "\t" in para.text else para.text.split("\n")
            for n, piece in enumerate(pieces):
                if not piece.strip():
                    continue
                if (para.index, n) in self.placed or (
                    (para.index, 0) in self.placed and "\t" not in para.text
                ):
                    continue
                self.note(
                    _("`{text}` is not part of a plan; left out").format(text=_clean(piece)[:60]),
                    para.where,
                    _clean(piece),
                )


def _initial(word: str) -> str:
    """A word's first letter as symbols write it: without its marks (`ỦY` -> `U`), but `Đ`."""
    first = word[0].upper()
    return first if first == "Đ" else unicodedata.normalize("NFD", first)[0]


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-–]+", name) if w]
    return "".join(_initial(w) for w in words if w[0].isalpha()) or "CQ"


def _initials_match(text: str, symbol: str) -> float:
    initials = _initials(text)
    if initials.startswith(symbol) or symbol in fold(text).replace(" ", ""):
        return 2.0
    common = sum(1 for a, b in zip(initials, symbol, strict=False) if a == b)
    return common / max(len(symbol), 1)


def read_plan_data(doc: WordDocument, *, profile: Profile | None = None) -> DocumentReading:
    """What *doc* says as a plan's data; NotAPlan when it does not read as one."""
    importer = _Importer(doc, profile)
    return importer.run()


# -- the API -------------------------------------------------------------------------------------


def _read_in_child(data: bytes, name: str, profile: Profile | None) -> DocumentReading:
    """Check the package, read it, and read the plan out of it (in the limited child)."""
    from ._errors import DocumentError, TemplateError
    from ._word.reader import read_document
    from ._word.safety import check_docx_archive

    try:
        check_docx_archive(data, name=name)
        doc = read_document(data, name=name)
    except TemplateError as exc:
        raise DocumentError(
            exc.message if hasattr(exc, "message") else str(exc), file=name
        ) from exc
    try:
        return read_plan_data(doc, profile=profile)
    except NotAPlan as exc:
        raise DocumentError(
            _("does not read as a plan: {reason}").format(reason=exc.message),
            file=name,
            where=exc.where,
            hint=_(
                "planforge imports plans (a header, a type name such as KẾ HOẠCH, parts, "
                "signatures); open the file in Word to see what it holds"
            ),
        ) from None


def import_plan(
    source: bytes | str | Path,
    *,
    profile: Profile | str | Path | None = None,
    limits: Limits | None = None,
) -> Plan:
    """The plan a Word document (.docx from planforge, Word or LibreOffice) holds.

    The plan's `import_findings` say what was not placed (text that is not part of a plan)
    and what was guessed. *profile* says by which rules to read it (default: the ones its
    motto and date point to). Raises DocumentError (exit status 2) for a file that is not a
    Word document or does not read as a plan. The document is read in a child process under
    *limits* (default: `Limits()`).
    """
    plan, _ = import_with_reading(source, profile=profile, limits=limits)
    return plan


def import_with_reading(
    source: bytes | str | Path,
    *,
    profile: Profile | str | Path | None = None,
    limits: Limits | None = None,
    name: str = "document",
) -> tuple[Plan, DocumentReading]:
    """`import_plan`, with what the importer read (its notes for the YAML); *name* is how
    messages call a document given as bytes."""
    from pydantic import ValidationError

    from ._errors import DocumentError
    from ._files import read_word_file
    from ._models import Plan, validate_raw
    from ._word.isolation import Limits, run_limited

    data, read_name = read_word_file(source, error=DocumentError)
    name = read_name if not isinstance(source, bytes) else name
    chosen = resolve_profile(profile)
    reading = run_limited(
        lambda: _read_in_child(data, name, chosen),
        limits=limits or Limits(),
        name=name,
        what=_("reading the document"),
    )
    try:
        plan = validate_raw(Plan, reading.data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = ".".join(str(k) for k in first["loc"])
        raise DocumentError(
            _("what it holds is not a valid plan: {field}: {problem}").format(
                field=path, problem=first["msg"]
            ),
            file=name,
            where=path,
            hint=_("the text of this field in the document is the cause; correct it in Word"),
        ) from exc
    plan._import_findings = tuple(reading.findings)
    plan._import_notes = dict(reading.notes)
    return plan, reading
