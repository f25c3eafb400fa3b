"""Format rules as data: the Profile model, the built-in profiles and user profile files."""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import functools
import re
import string
from collections.abc import Mapping
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, overload

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ._errors import PlanInputError, Problem, ProfileError
from ._files import InputFileError, read_input
from ._i18n import _, ngettext
from ._models import AuthorityType, ListStyle
from ._yaml import load_yaml

if TYPE_CHECKING:
    from ._models import Plan

__all__ = [
    "Profile",
    "builtin_kinds",
    "builtin_profiles",
    "default_profile",
    "load_profile",
    "plan_day",
    "resolve_profile",
]

#: Largest profile file read (a complete profile is about 8 KB).
MAX_PROFILE_BYTES = 1024 * 1024


class _P(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=500)


_FORMAT_SPEC = re.compile(r"[<>^]?\d{0,2}")


def _format_of(*fields: str) -> Any:
    """A format string that may use only *fields*, by name: no attribute access, no index,
    no conversion, widths of two digits at most (a profile is data, not code)."""
    allowed = set(fields)
    shown = ", ".join(f"{{{f}}}" for f in fields)

    def check(value: str) -> str:
        try:
            parsed = list(string.Formatter().parse(value))
        except ValueError as exc:
            raise ValueError(
                _("is not a format string ({error}); write fields as {shown}").format(
                    error=exc, shown=shown
                )
            ) from exc
        for _literal, field, spec, conversion in parsed:
            if field is None:
                continue
            if field not in allowed:
                raise ValueError(
                    _(
                        "uses `{{{field}}}`; this format may use only {shown} (a literal brace "
                        "is written twice: `{{{{`)"
                    ).format(field=field, shown=shown)
                )
            if conversion is not None or not _FORMAT_SPEC.fullmatch(spec or ""):
                shown_conversion = "!" + conversion if conversion else ""
                given = f"{{{field}{shown_conversion}{':' + spec if spec else ''}}}"
                raise ValueError(
                    _(
                        "`{given}` is not allowed; write `{plain}` (or a width of up to two "
                        "digits, `{wide}`)"
                    ).format(given=given, plain=f"{{{field}}}", wide=f"{{{field}:>3}}")
                )
        return value

    return AfterValidator(check)


def _as_kinds(value: Any) -> Any:
    """`default_for: party` is `[party]`; null is none."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _pattern_of(letters: str, most: int) -> Any:
    """A babel date pattern of one letter repeated (`dd`, `M`, `y`)."""
    pattern = re.compile(rf"[{letters}]{{1,{most}}}")

    def check(value: str) -> str:
        if not pattern.fullmatch(value) or len(set(value)) != 1:
            raise ValueError(
                _(
                    "`{value}` is not a date pattern here; write {letters} repeated up to "
                    "{most} times (`{example}`)"
                ).format(
                    value=value, letters=_(" or ").join(letters), most=most, example=letters[0] * 2
                )
            )
        return value

    return AfterValidator(check)


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "justify"


class TextStyle(_P):
    """How one element of the document is set."""

    size: float = Field(gt=0, le=72, description="Font size in points.")
    bold: bool = False
    italic: bool = False
    underline: bool = False
    align: Align = Align.LEFT
    space_before: float = Field(default=0, ge=0, description="Points before the paragraph.")
    space_after: float = Field(default=0, ge=0, description="Points after the paragraph.")
    line_spacing: float = Field(default=1.0, gt=0, le=3, description="Multiple of single.")
    line_spacing_pt: float | None = Field(
        default=None,
        gt=0,
        le=100,
        description="Exact line spacing in points (HD05: 18–22); replaces `line_spacing`.",
    )
    first_line_indent_cm: float = Field(default=0, ge=0, le=5)
    keep_with_next: bool = False


class Page(_P):
    width_mm: float = Field(gt=0)
    height_mm: float = Field(gt=0)
    margin_top_mm: float = Field(ge=0)
    margin_bottom_mm: float = Field(ge=0)
    margin_left_mm: float = Field(ge=0)
    margin_right_mm: float = Field(ge=0)
    header_distance_mm: float = Field(ge=0, description="From the page edge to the page number.")
    mirror_margins: bool = Field(
        default=False,
        description="Double-sided printing: left and right margins swap on the back pages.",
    )


class Rule(_P):
    """A solid line under a text, sized to that text."""

    fraction: float = Field(gt=0, le=1, description="Length as a share of the text above it.")
    weight_pt: float = Field(default=0.75, gt=0, le=6)


class Header(_P):
    motto: list[str] = Field(min_length=1, description="Right column lines (quốc hiệu, tiêu ngữ).")
    motto_rule: Rule = Field(description="Line under the last motto line.")
    issuer_mark: str | None = Field(
        description="Text under the issuing body (`*`), or null for a line (issuer_rule)."
    )
    issuer_rule: Rule
    joint_separator: str = Field(
        description="Appended to every issuer line but the last in a joint plan."
    )
    left_width: float = Field(
        gt=0.1,
        lt=0.9,
        description="Left column share of the text width; the columns adapt to the motto.",
    )


class NumberFormat(_P):
    template: Annotated[str, _format_of("number", "type", "symbols")] = Field(
        description="With {number}, {type} and {symbols}."
    )
    pad_to: int = Field(ge=1, le=6, description="Digits of a number (leading zeros).")
    symbol_separator: str
    draft_blank: str = Field(description="Stands for the number in a draft.")


class DateFormat(_P):
    template: Annotated[str, _format_of("place", "day", "month", "year")] = Field(
        description="With {place}, {day}, {month} and {year}."
    )
    locale: str = Field(default="vi", pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    day: Annotated[str, _pattern_of("d", 2)] = Field(description="babel pattern for the day.")
    month: Annotated[str, _pattern_of("ML", 4)] = Field(
        description="babel pattern for a month that is not padded."
    )
    month_padded: Annotated[str, _pattern_of("ML", 4)] = Field(
        description="babel pattern for a padded month."
    )
    padded_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        description="Months written with a leading zero."
    )
    year: Annotated[str, _pattern_of("y", 4)]
    draft_blank: str = Field(description="Stands for the day and the month in a draft.")


class TitleFormat(_P):
    summary_mark: str | None = Field(description="Text under the summary, or null for a line.")
    summary_rule: Rule


class Numbering(_P):
    part: ListStyle = Field(description="Labels of the parts.")
    first_level: ListStyle = Field(description="Default labels of the items of a part.")
    after: dict[ListStyle, ListStyle] = Field(
        description="Default labels of the sub-items of an item labelled with the key."
    )
    formats: dict[ListStyle, Annotated[str, _format_of("n", "roman", "letter", "parent")]] = Field(
        description="Label formats with {n}, {roman}, {letter}, {parent}."
    )
    letters: list[str] = Field(min_length=1, description="The letter sequence.")
    uppercase_part_titles: bool = True


class TaskFormat(_P):
    lead: str
    coordinating: str
    timeline: str
    line: Annotated[str, _format_of("label", "value")] = Field(
        description="Format of a task line with {label} and {value}."
    )
    bullet: ListStyle
    separator: str
    end: str


class StyleChange(_P):
    """A change to a text style (only what differs)."""

    size: float | None = Field(default=None, gt=0, le=72)
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None


class SignatureFormat(_P):
    prefixes: dict[str, dict[AuthorityType, str]] = Field(
        description="Authority prefixes by the kind of the body that signs."
    )
    line: Annotated[str, _format_of("prefix", "of")] = Field(
        description="Format of an authority line with {prefix} and {of}."
    )
    kind_styles: dict[str, dict[str, StyleChange]] = Field(
        default_factory=dict,
        description="In a joint plan each block signs by its own body's rules: for a body of "
        "this kind, these changes to the signature styles (signature_authority, "
        "signature_position, signer).",
    )
    per_row: int = Field(
        default=2, ge=1, le=4, description="Signature blocks side by side in a row."
    )
    row_gap_pt: float = Field(
        default=18,
        ge=0,
        le=72,
        description="Space above each row of signature blocks but the first.",
    )
    lead: Literal["as_given", "right", "left"] = Field(
        default="as_given",
        description="Where the lead body (the first issuer) signs: in the order the plan lists "
        "the blocks, or at the right (left) of the first row.",
    )

    def prefixes_for(self, kind: str, served: list[str]) -> dict[AuthorityType, str]:
        """The prefixes a body of *kind* signs with; a kind the profile does not list signs
        as the first kind the profile serves (or as a state body)."""
        for candidate in (kind, *served, "state"):
            if candidate in self.prefixes:
                return self.prefixes[candidate]
        return {}

    def signing_kinds(self) -> list[str]:
        """Every kind a block may sign as: each gets its own styles in the template, so that
        a document says which body's rules each block follows."""
        return list(dict.fromkeys([*self.prefixes, *self.kind_styles]))

    def style_for(self, kind: str, role: str, base: TextStyle) -> TextStyle:
        """*base* (the profile's style of *role*) as a body of *kind* signs it."""
        change = self.kind_styles.get(kind, {}).get(role)
        if change is None:
            return base
        return base.model_copy(update=change.model_dump(exclude_none=True))


class Layout(_P):
    """How names are broken into lines where they do not fit their column."""

    keep_with_name: list[str] = Field(
        default_factory=list,
        description="Words never separated from the place name after them (TỈNH, XÃ, ...): "
        "no line breaks after them in a name.",
    )
    keep_together: list[str] = Field(
        default_factory=list,
        description="Phrases never parted by a line break (BAN THƯỜNG VỤ, ỦY BAN NHÂN DÂN).",
    )
    break_before: list[str] = Field(
        default_factory=list, description="Words a line may best start with (VÀ, ỦY BAN)."
    )


class Reading(_P):
    """What the importer knows of the words of plans, to read a Word document into a plan."""

    kinds: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Words in a body's name (or its parent's) that tell its kind, by kind; "
        "the first kind whose words match wins, the profile's first kind otherwise.",
    )
    unit_heads: list[str] = Field(
        default_factory=list,
        description="Words a unit's name begins with (Sở, Ban, Công an ...): in a list of "
        "units, a comma before them separates two units.",
    )
    positions: list[str] = Field(
        default_factory=list,
        description="Words a signer's position begins with (CHỦ TỊCH, PHÓ ...).",
    )
    markers: list[str] = Field(
        default_factory=list,
        description="Notes in brackets at the end of a recipient (b/c, đ/b ...).",
    )
    closing_starts: list[str] = Field(
        default_factory=list,
        description="Words the closing paragraph of a plan begins with (Trên đây là ...).",
    )


class RecipientsFormat(_P):
    label: str
    bullet: str
    marker: Annotated[str, _format_of("marker")] = Field(
        description="Format of a marker with {marker}."
    )
    line_end: str
    last_end: str
    archive: Annotated[str, _format_of("holders")] = Field(
        description="Format of the archive line with {holders}."
    )
    archive_separator: str


class Reorganisation(_P):
    """Administrative units that no longer exist after a date (the 2025 reorganisation)."""

    since: _dt.date = Field(description="The first day the units no longer exist.")
    words: list[str] = Field(
        description="Words naming such a unit in a body's name or a place (HUYỆN, QUẬN, ...)."
    )
    source: str


class Checks(_P):
    """Data behind the warnings about deviations the user may intend."""

    advisory_body_prefixes: list[str] = Field(
        description="Bodies whose head signs without a collective prefix (HD36: a Ban)."
    )
    collective_body_prefixes: list[str] = Field(
        description="Bodies whose names start like an advisory body's but are collective."
    )
    deputy_position_prefixes: list[str] = Field(description="Positions that are a deputy's.")
    expansions: dict[str, str] = Field(
        description="Abbreviations spelled out before names are compared (UBND: ỦY BAN NHÂN DÂN)."
    )
    max_number: int = Field(ge=1, description="Largest plausible document number.")
    reorganisation: Reorganisation | None = Field(
        default=None, description="Units abolished by a reorganisation: warned about after it."
    )
    source_collective: str
    source_deputy: str
    source_issuers: str
    source_joint: str
    source_symbol: str
    source_number: str
    source_recipients: str


class BodyAudit(_P):
    """What the audit accepts in body paragraphs, beyond their size."""

    first_line_indent_mm: tuple[float, float] | None = Field(
        default=None, description="Allowed [min, max] first-line indent (null: not checked)."
    )
    line_spacing_pt: tuple[float, float] | None = Field(
        default=None, description="Exact line spacing allowed, [min, max] points."
    )
    line_spacing_lines: tuple[float, float] | None = Field(
        default=None, description="Line spacing allowed as a multiple of single, [min, max]."
    )
    min_space_between_pt: float | None = Field(
        default=None, ge=0, description="Least space between paragraphs (before + after)."
    )


class Audit(_P):
    """What `planforge check` accepts in any document, and the rule each check cites.

    Sizes, bold, italic, underline and alignment of every element are the profile's `styles`;
    `sizes` widens the size of an element to a range where the rules give a range.
    """

    margins_mm: dict[str, tuple[float, float]] = Field(
        description="Allowed [min, max] of each margin: top, bottom, left, right."
    )
    sizes: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Allowed [min, max] font size of an element (a style role), in points; "
        "the style's own size is always allowed.",
    )
    body: BodyAudit = Field(default_factory=BodyAudit)
    header_distance_mm: tuple[float, float] | None = Field(
        default=None, description="Allowed distance of the page number from the top edge."
    )
    type_names: list[str] = Field(description="Type names a title may be (KẾ HOẠCH, ...).")
    sources: dict[str, str] = Field(description="Where each rule comes from, by rule name.")


class Profile(_P):
    """Every format rule planforge applies, for one kind of document and one version of rules."""

    name: str = Field(min_length=1)
    version: str
    title: str
    source: str = Field(description="The rules this profile follows.")
    default_for: Annotated[list[str], BeforeValidator(_as_kinds)] = Field(
        default_factory=list,
        description="Kinds of issuing body served: a plan whose first issuer is of one of them "
        "gets this profile while it is in force.",
    )
    effective_from: _dt.date | None = Field(
        default=None, description="The first day the rules are in force."
    )
    effective_to: _dt.date | None = Field(
        default=None, description="The last day the rules are in force (superseded after it)."
    )
    font: str
    page: Page
    header: Header
    number: NumberFormat
    date: DateFormat
    title_format: TitleFormat
    numbering: Numbering
    tasks: TaskFormat
    signature: SignatureFormat
    recipients: RecipientsFormat
    layout: Layout = Field(default_factory=Layout)
    reading: Reading = Field(default_factory=Reading)
    checks: Checks
    audit: Audit
    styles: dict[str, TextStyle] = Field(description="Text style of each element, by role.")

    def in_force(self, day: _dt.date) -> bool:
        """Whether these rules apply to a document dated *day*."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    def period(self) -> str:
        """`from 27/05/2026`, `03/04/2018 – 26/05/2026`, or `''` when undated."""
        start = self.effective_from.strftime("%d/%m/%Y") if self.effective_from else ""
        end = self.effective_to.strftime("%d/%m/%Y") if self.effective_to else ""
        if start and end:
            return _("{start} – {end}").format(start=start, end=end)
        if start:
            return _("from {start}").format(start=start)
        return _("until {end}").format(end=end) if end else ""

    def style(self, role: str) -> TextStyle:
        try:
            return self.styles[role]
        except KeyError:
            raise ProfileError(
                _("profile {name!r} has no style for {role!r}").format(name=self.name, role=role)
            ) from None


#: Element roles every profile must style; the template builder makes one Word style each.
STYLE_ROLES = (
    "motto_1",
    "motto_2",
    "parent",
    "issuer",
    "issuer_mark",
    "number",
    "urgency",
    "place_date",
    "type_name",
    "summary",
    "summary_mark",
    "body",
    "part_heading",
    "item_heading",
    "signature_authority",
    "signature_position",
    "signer",
    "recipients_label",
    "recipient",
    "page_number",
    "rule",
)


def _validate(data: Mapping[str, Any], *, file: Path | str | None) -> Profile:
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(k) for k in first["loc"])
        count = len(exc.errors())
        message = str(first["msg"]).removeprefix("Value error, ")
        if count > 1:
            message = ngettext(
                "{message} (and {count} more problem)",
                "{message} (and {count} more problems)",
                count - 1,
            ).format(message=message, count=count - 1)
        raise ProfileError(message, file=file, field=field) from exc
    missing = [role for role in STYLE_ROLES if role not in profile.styles]
    if missing:
        raise ProfileError(
            _("no style for {roles}").format(roles=", ".join(missing)), file=file, field="styles"
        )
    return profile


@functools.cache
def _builtin_data() -> dict[str, dict[str, Any]]:
    folder = resources.files("planforge").joinpath("profiles")
    # the words of names and plans (`layout`, `reading`) are one file for every built-in
    shared = load_yaml(folder.joinpath("shared", "words.yaml").read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            data = load_yaml(entry.read_text(encoding="utf-8"))
            out[data["name"]] = _merge(shared, data)
    return out


@functools.cache
def _builtin(name: str) -> Profile:
    return _validate(_builtin_data()[name], file=f"<built-in profile {name}>")


def builtin_profiles() -> list[str]:
    """Names of the profiles shipped with planforge."""
    return sorted(_builtin_data())


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_profile(source: str | Path) -> Profile:
    """A built-in profile by name, or a profile file (YAML/JSON) that `extends` one.

    A profile file overrides any value of the profile it extends; maps merge key by key.
    """
    if isinstance(source, str) and source in _builtin_data():
        return _builtin(source)
    file = Path(source)
    if not file.is_file():
        raise ProfileError(
            _("no built-in profile and no file of that name (built-in: {names})").format(
                names=", ".join(builtin_profiles())
            ),
            file=file,
        )
    data = _read_profile_file(file)
    base_name = data.get("extends")
    if base_name is None:
        merged = dict(data)
    elif base_name in _builtin_data():
        merged = _merge(
            _builtin_data()[base_name], {k: v for k, v in data.items() if k != "extends"}
        )
        # a derived profile is chosen explicitly, never by issuer kind, unless it says so
        if "default_for" not in data:
            merged["default_for"] = []
        if "name" not in data:
            merged["name"] = f"{base_name}+{file.stem}"
    else:
        raise ProfileError(
            _("unknown profile {name!r} (built-in: {names})").format(
                name=base_name, names=", ".join(builtin_profiles())
            ),
            file=file,
            field="extends",
        )
    return _validate(merged, file=file)


def _read_profile_file(file: Path) -> dict[str, Any]:
    try:
        raw = read_input(file, limit=MAX_PROFILE_BYTES, what="profile")
    except InputFileError as exc:
        raise ProfileError(str(exc), file=file) from exc
    try:
        data = load_yaml(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ProfileError(_("is not UTF-8 text; save the file as UTF-8"), file=file) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _("line {line}").format(line=mark.line + 1) if mark is not None else ""
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ProfileError(
            _("cannot read the profile: {error}").format(error=problem), file=file, field=where
        ) from exc
    except (yaml.YAMLError, RecursionError) as exc:
        raise ProfileError(
            _("cannot read the profile: {error}").format(error=exc), file=file
        ) from exc
    if not isinstance(data, Mapping):
        raise ProfileError(_("a profile file must be a mapping"), file=file)
    return dict(data)


def plan_day(plan: Plan) -> _dt.date:
    """The day whose rules a plan follows: its date, or for a draft the day it is rendered."""
    return plan.date if plan.date is not None else _dt.date.today()


def unknown_kind(kind: str, known: list[str] | None = None) -> str:
    """What to say of a kind no profile serves: the known ones, and the closest."""
    known = known or builtin_kinds()
    close = difflib.get_close_matches(kind, known, 1, 0.6)
    hint = _("; did you mean `{name}`?").format(name=close[0]) if close else ""
    return _(
        "`{kind}` is not a kind of body any profile here serves ({known}){hint} (a profile "
        "file may serve others: name it with `profile:` or --profile)"
    ).format(kind=kind, known=", ".join(known), hint=hint)


def builtin_kinds() -> list[str]:
    """The kinds of issuing body the built-in profiles serve."""
    return sorted({k for name in builtin_profiles() for k in _builtin(name).default_for})


def default_profile(kind: str, day: _dt.date) -> Profile:
    """The built-in profile for documents of *kind* in force on *day*.

    Before the first profile of a kind took effect, the earliest one of that kind applies
    (planforge has nothing older); the plan checks warn about it.
    """
    candidates = [_builtin(n) for n in builtin_profiles() if kind in _builtin(n).default_for]
    if not candidates:
        raise ProfileError(unknown_kind(kind), field="issuers[0].kind")
    for profile in candidates:
        if profile.in_force(day):
            return profile
    earliest = _dt.date.min
    return min(candidates, key=lambda p: p.effective_from or earliest)


@overload
def resolve_profile(profile: Profile | str | Path | None, plan: Plan) -> Profile: ...


@overload
def resolve_profile(profile: Profile | str | Path | None, plan: None = None) -> Profile | None: ...


def resolve_profile(
    profile: Profile | str | Path | None, plan: Plan | None = None
) -> Profile | None:
    """The one way a profile is found: *profile* as given (a `Profile`, a built-in name or a
    profile file); without one, the plan's own, else the one in force for its first issuer's
    kind on its date; None when there is neither a profile nor a plan."""
    if isinstance(profile, Profile):
        return profile
    if profile is not None:
        return load_profile(profile)
    if plan is None:
        return None
    if plan.profile is not None:
        if plan.profile in _builtin_data():
            return _builtin(plan.profile)
        file = plan.profile_file()
        if file is None:
            raise ProfileError(
                _(
                    "the plan names profile {name!r}, which is not built in (built-in: "
                    "{names}) and not a profile file beside the plan"
                ).format(name=plan.profile, names=", ".join(builtin_profiles())),
                field="profile",
            )
        return load_profile(file)
    try:
        return default_profile(plan.issuers[0].kind, plan_day(plan))
    except ProfileError as exc:
        # the plan's own field is at fault: say where it is
        file, line = plan.located("issuers[0].kind")
        problem = Problem(unknown_kind(plan.issuers[0].kind), field="issuers[0].kind", line=line)
        raise PlanInputError([problem], file=file) from exc
