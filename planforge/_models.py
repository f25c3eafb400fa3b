"""The plan as data: pydantic models, no Word and no format rules."""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_args, get_origin, get_type_hints

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    ValidationError,
    WithJsonSchema,
    model_validator,
    with_config,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import TypedDict

from ._errors import PlanInputError, Problem
from ._findings import Finding
from ._i18n import _
from ._text import clean_text

__all__ = [
    "Authority",
    "AuthorityType",
    "DocumentNumber",
    "Issuer",
    "IssuerKind",
    "Item",
    "ListStyle",
    "Part",
    "Plan",
    "Recipient",
    "Recipients",
    "SignatureBlock",
    "Task",
    "TextLines",
    "Title",
    "Urgency",
    "one_line",
]

#: Suffixes of a profile file a plan may name beside it.
PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


def _line(value: str) -> str:
    text = clean_text(value)
    if not text:
        raise ValueError(_("must not be empty"))
    if len(text.splitlines()) > 1:  # every Unicode line break, not only \n and \r
        raise ValueError(_("must be a single line (remove the line break)"))
    return text


def _paragraph(value: str) -> str:
    text = clean_text(value)
    if not text:
        raise ValueError(_("must not be empty"))
    # A paragraph is one run of text: line breaks typed inside it (YAML "|" blocks) are
    # joined with a space, since a manual break in a justified paragraph stretches the line.
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _as_list(value: Any) -> Any:
    """Let a single value stand where a list is expected (`lead: Sở Y tế`)."""
    if value is None:
        return []
    if isinstance(value, (str, dict, BaseModel)):
        return [value]
    return value


def _split_lines(value: Any) -> Any:
    """A multi-line string becomes its lines (a summary typed as a YAML block)."""
    if isinstance(value, str):
        # only \n: splitlines() also breaks at \v \f \x1c-\x1e, which must be refused, not lost
        lines = value.replace("\r\n", "\n").split("\n")
        return [line for line in lines if line.strip()] or [value]
    return value


def _split_paragraphs(value: Any) -> Any:
    """A string with blank lines becomes several paragraphs; one string is one paragraph."""
    if isinstance(value, str):
        # a blank line (even one holding spaces) separates paragraphs
        # spaces and tabs only: \s would count \v \f \x1c-\x1f, which must be refused
        chunks = [c for c in re.split(r"\n[ \t]*\n", value.replace("\r\n", "\n")) if c.strip()]
        return chunks or [value]
    return _as_list(value)


def _line_or_empty(value: str) -> str:
    text = clean_text(value)
    if len(text.splitlines()) > 1:
        raise ValueError(_("must be a single line (remove the line break)"))
    return text


# -- what a plan file may hold, for the JSON Schema (planforge/schemas/plan.schema.json) --------
# The validators below take shorthands (a bare string for a list, a list of lines for a name);
# `json_schema_input_type` tells the schema what may be typed, where it differs from the result.

_Text = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"\S"})]
"""Schema of a text that must not be blank."""

_TextList = Annotated[list[_Text], Field(min_length=1)]
"""Schema of a list of texts that must not be empty."""

Line = Annotated[str, AfterValidator(_line), WithJsonSchema({"type": "string", "pattern": r"\S"})]
"""One line of text: NFC, trimmed, not empty, no line break."""


def _given_lines(value: Any) -> Any:
    """A list of lines, or a text with line breaks (a YAML `|` block), as one text whose lines
    are separated by `\n`: the breaks the clerk wants printed."""
    if isinstance(value, (list, tuple)):
        if not value or not all(isinstance(v, str) for v in value):
            return value  # refused below with the type's message
        return "\n".join(value)
    return value


def _lines_text(value: str) -> str:
    text = clean_text(value)
    if not text:
        raise ValueError(_("must not be empty"))
    # only \n and \r\n: splitlines() also breaks at \v \f \x1c-\x1e, which are refused
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    if any(not line for line in lines):
        raise ValueError(_("has an empty line; remove it (each given line is printed as it is)"))
    if any(len(line.splitlines()) > 1 for line in lines):
        raise ValueError(_("must break lines only with a new line (or be a list of lines)"))
    return "\n".join(" ".join(line.split()) for line in lines)


TextLines = Annotated[
    str,
    BeforeValidator(_given_lines, json_schema_input_type=_Text | _TextList),
    AfterValidator(_lines_text),
]
"""A name or title printed on one or more lines: a single text (planforge breaks it where it
does not fit), a list of lines, or a text with line breaks (printed exactly as given)."""


def one_line(text: str) -> str:
    """The lines of a TextLines value joined with spaces (for comparing names)."""
    return " ".join(text.split("\n"))


Paragraph = Annotated[
    str, AfterValidator(_paragraph), WithJsonSchema({"type": "string", "pattern": r"\S"})
]
"""One paragraph of body text: NFC, trimmed, not empty; typed line breaks become spaces."""

Lines = Annotated[
    list[Line], BeforeValidator(_split_lines, json_schema_input_type=_Text | _TextList)
]
Paragraphs = Annotated[
    list[Paragraph],
    BeforeValidator(_split_paragraphs, json_schema_input_type=_Text | list[_Text] | None),
]
LineList = Annotated[
    list[Line], BeforeValidator(_as_list, json_schema_input_type=_Text | list[_Text] | None)
]
UnitList = Annotated[
    list[Line], BeforeValidator(_as_list, json_schema_input_type=_Text | _TextList)
]
"""A LineList that must not be empty (its schema says so: no null, no empty list)."""


if TYPE_CHECKING:
    from pydantic._internal._model_construction import ModelMetaclass as _ModelMeta
else:
    _ModelMeta = type(BaseModel)  # pydantic's metaclass, without importing a private module


class _BuiltFromPython(_ModelMeta):
    """Building a model from Python (`Issuer(name=...)`) with bad values is an input error
    like a bad plan file: planforge's error type with the field paths, pydantic's own as its
    cause. (A metaclass, not `__init__`: pydantic calls a model's own `__init__` for nested
    models too, whose errors must stay pydantic's to carry their whole path.)"""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        with _input_errors(cls.__name__):
            return super().__call__(*args, **kwargs)


@contextmanager
def _input_errors(model: str) -> Iterator[None]:
    """pydantic's ValidationError inside, as planforge's PlanInputError (it as the cause)."""
    try:
        yield
    except ValidationError as exc:
        raise _input_error(exc, model) from exc


_CONFIG = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
_M = TypeVar("_M", bound=BaseModel)

if TYPE_CHECKING:
    # what type checkers see: a pydantic model, whose fields are its constructor's signature
    # (through the metaclass above, every model would be built from `**kwargs: Any`)
    class _Model(BaseModel):
        model_config = _CONFIG

else:

    class _Model(BaseModel, metaclass=_BuiltFromPython):
        model_config = _CONFIG

        # from data too (a web form's JSON): planforge's error, as when built from Python;
        # `parse_plan` says the same with friendlier words and the lines of a file
        @classmethod
        def model_validate(cls, obj, **options):
            with _input_errors(cls.__name__):
                return super().model_validate(obj, **options)

        @classmethod
        def model_validate_json(cls, json_data, **options):
            with _input_errors(cls.__name__):
                return super().model_validate_json(json_data, **options)


def validate_raw(model: type[_M], data: Any) -> _M:
    """*data* validated as *model*, raising pydantic's ValidationError: for the readers that
    turn its errors into their own messages (with lines, and friendlier words)."""
    return model.__pydantic_validator__.validate_python(data)  # type: ignore[no-any-return]


def _input_error(exc: ValidationError, model: str) -> PlanInputError:
    problems = []
    for err in exc.errors(include_url=False):
        path = ""
        for key in err["loc"]:
            path += f"[{key}]" if isinstance(key, int) else (f".{key}" if path else str(key))
        message = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if err["type"] == "missing":
            message = _("is required but missing")
        elif err["type"] == "extra_forbidden":
            message = _("unknown field `{name}`").format(name=err["loc"][-1])
        problems.append(Problem(message, field=path))
    return PlanInputError(problems, file=f"<{model}>")


class IssuerKind(StrEnum):
    """The kinds of issuing body the built-in profiles serve; a profile may serve others."""

    STATE = "state"  # state bodies: Nghị định 30/2020/NĐ-CP
    PARTY = "party"  # Party bodies: Hướng dẫn 36-HD/VPTW, 05-HD/VPTW
    ORGANISATION = "organisation"  # the Fatherland Front and mass organisations (ND30 layout)


def _kind(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


Kind = Annotated[
    str,
    BeforeValidator(
        _kind,
        # the kind is trimmed and lower-cased before it is checked: ` State ` is `state`
        json_schema_input_type=Annotated[
            str, Field(pattern=r"^\s*[A-Za-z][A-Za-z0-9_-]{0,39}\s*$")
        ],
    ),
    Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$"),
]
"""A kind of issuing body: `state`, `party`, `organisation`, or a kind a user profile serves."""


class Issuer(_Model):
    """An issuing body (cơ quan ban hành)."""

    name: TextLines = Field(
        title="Tên cơ quan ban hành",
        description="Name as printed in the header, e.g. `UBND TỈNH PHÚ YÊN`; a list of lines "
        "(or a text with line breaks) is printed exactly so.",
        examples=["SỞ Y TẾ", ["BAN TUYÊN GIÁO VÀ DÂN VẬN", "TỈNH ỦY LÂM ĐỒNG"]],
    )
    parent: TextLines | None = Field(
        default=None,
        title="Tên cơ quan chủ quản",
        description="Body it belongs to, printed above it, e.g. `TỈNH ỦY THANH HÓA`.",
        examples=["UBND TỈNH LÂM ĐỒNG"],
    )
    kind: Kind = Field(
        title="Loại cơ quan",
        description="`state`, `party` or `organisation` (the Fatherland Front, mass "
        "organisations), or a kind a profile file serves.",
        examples=["state", "party", "organisation"],
    )
    abbreviation: Line = Field(
        title="Chữ viết tắt tên cơ quan",
        description="Abbreviation used in the document symbol, e.g. `UBND`, `BTGTU`.",
        examples=["SYT"],
    )


class DocumentNumber(_Model):
    """Number and symbol (số, ký hiệu)."""

    number: Annotated[int, Strict()] | None = Field(
        default=None,
        ge=0,
        title="Số",
        description="The number; leave it out for a draft (the clerk fills it in).",
        examples=[5],
    )
    type: Line = Field(
        default="KH",
        title="Chữ viết tắt tên loại văn bản",
        description="Type abbreviation: `KH`, `KHPH` (kế hoạch phối hợp), ...",
        examples=["KH", "KHPH"],
    )
    symbols: LineList = Field(
        default_factory=list,
        title="Chữ viết tắt các cơ quan trong ký hiệu",
        description="Issuers' abbreviations in the symbol; defaults to every issuer's.",
        examples=[["SYT", "BTGDVTU"]],
    )


class Urgency(StrEnum):
    """How urgent a document is (độ khẩn), printed under the number."""

    URGENT = "KHẨN"
    VERY_URGENT = "THƯỢNG KHẨN"
    IMMEDIATE = "HỎA TỐC"


def _urgency(value: Any) -> Any:
    """`khẩn`, `Hoả tốc`, `very_urgent` ... name the same marks as the printed words."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value).strip().upper().replace("HOẢ", "HỎA")
    names = {u.name: u.value for u in Urgency}
    return names.get(text.replace(" ", "_"), text)


def _urgency_pattern() -> str:
    """Every spelling `_urgency` takes, in any case: the printed words and the names."""
    words = [u.value for u in Urgency] + ["HOẢ TỐC"]
    words += [name for u in Urgency for name in dict.fromkeys([u.name, u.name.replace("_", " ")])]
    spelled = [
        # no escapes: editors compile schema patterns as Unicode regexes, where `\ ` is an error
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)
        for word in words
    ]
    return rf"^\s*(?:{'|'.join(spelled)})\s*$"


class Title(_Model):
    """Type name and summary (tên loại, trích yếu)."""

    type_name: Line = Field(
        default="KẾ HOẠCH",
        title="Tên loại văn bản",
        description="Printed in capitals above the summary.",
        examples=["KẾ HOẠCH"],
    )
    summary: Lines = Field(
        min_length=1,
        title="Trích yếu nội dung",
        description="Summary (trích yếu); a list (or a multi-line text) gives one line each.",
        examples=[["Triển khai tiêm chủng mở rộng", "trên địa bàn tỉnh năm 2026"]],
    )


class ListStyle(StrEnum):
    """How the items of a list are labelled."""

    ROMAN = "roman"  # I. II. III.
    DECIMAL = "decimal"  # 1. 2. 3.
    NESTED = "nested"  # 1.1. 1.2. (parent's number, then this one)
    LETTER = "letter"  # a) b) c) d) đ) e) g) ... (the Vietnamese sequence)
    DASH = "dash"  # -
    PLUS = "plus"  # +


class Task(_Model):
    """Who does a task and when (the Phú Yên seed's three lines)."""

    lead: UnitList = Field(
        min_length=1,
        title="Đơn vị chủ trì",
        description="Đơn vị chủ trì: one or more units.",
        examples=["Sở Y tế", ["Sở Y tế", "Công an tỉnh"]],
    )
    coordinating: LineList = Field(
        default_factory=list,
        title="Đơn vị phối hợp",
        description="Đơn vị phối hợp: units that coordinate.",
        examples=[["UBND các xã, phường", "Đài Phát thanh - Truyền hình tỉnh"]],
    )
    timeline: Line | None = Field(
        default=None,
        title="Thời gian thực hiện",
        description="Thời gian, e.g. `Thường xuyên`.",
        examples=["Thường xuyên", "Quý II năm 2026"],
    )


def _item_shorthand(value: Any) -> Any:
    """A bare string in a list of items is an item with that text."""
    if isinstance(value, str):
        return {"text": value}
    return value


class Item(_Model):
    """A numbered or bulleted item of a part; items nest."""

    title: Line | None = Field(
        default=None,
        title="Tiêu đề mục",
        description="Heading of the item (bold, own paragraph, after its label).",
        examples=["Công tác truyền thông"],
    )
    text: Paragraphs = Field(
        default_factory=list,
        title="Nội dung mục",
        description="Paragraphs of the item; without a title, the first one carries the label.",
        examples=["Tổ chức tiêm chủng đầy đủ, đúng lịch cho trẻ em dưới 1 tuổi."],
    )
    task: Task | None = Field(
        default=None,
        title="Phân công thực hiện",
        description="Lead units, coordinating units, timeline.",
    )
    items: list[
        Annotated[Item, BeforeValidator(_item_shorthand, json_schema_input_type=Item | _Text)]
    ] = Field(
        default_factory=list,
        title="Các ý con",
        description="Sub-items; a bare text is an item with that text.",
    )
    list_style: ListStyle | None = Field(
        default=None,
        title="Kiểu đánh số các ý con",
        description="Labels of the sub-items; defaults to the profile's next level.",
        examples=["dash"],
    )

    @model_validator(mode="after")
    def _has_content(self) -> Item:
        if self.title is None and not self.text:
            raise ValueError(_("an item needs a `title` or a `text`"))
        return self


class Part(_Model):
    """A part of the body, labelled `I.`, `II.` ..."""

    title: Line = Field(
        title="Tên phần",
        description="Heading, e.g. `MỤC ĐÍCH, YÊU CẦU` (printed in capitals).",
        examples=["Mục đích, yêu cầu"],
    )
    text: Paragraphs = Field(
        default_factory=list,
        title="Đoạn mở đầu phần",
        description="Paragraphs right under the heading.",
        examples=["Sở Y tế giao nhiệm vụ cụ thể như sau:"],
    )
    items: list[
        Annotated[Item, BeforeValidator(_item_shorthand, json_schema_input_type=Item | _Text)]
    ] = Field(
        default_factory=list,
        title="Các mục",
        description="Items of the part; a bare text is an item with that text.",
    )
    list_style: ListStyle | None = Field(
        default=None,
        title="Kiểu đánh số các mục",
        description="Labels of the items; defaults to the profile's first level.",
        examples=["letter"],
    )


class AuthorityType(StrEnum):
    """Authority prefix of a signature line (thẩm quyền ký)."""

    COLLECTIVE = "collective"  # TM. / T/M — on behalf of a collective body
    DEPUTY = "deputy"  # KT. / K/T — deputy signing for the head
    ACTING = "acting"  # Q. — acting head
    BY_ORDER = "by_order"  # TL. / T/L — by order of
    BY_AUTHORIZATION = "by_authorization"  # TUQ. — by authorization of


def _authority_shorthand(value: Any) -> Any:
    """`{collective: ỦY BAN NHÂN DÂN}` means `{type: collective, of: ỦY BAN NHÂN DÂN}`."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, of),) = value.items()
        if key in {t.value for t in AuthorityType}:
            return {"type": key, "of": of}
    return value


class Authority(_Model):
    """One authority line: prefix (spelled by the profile) and the body or post signed for."""

    type: AuthorityType = Field(
        title="Loại thẩm quyền ký",
        description="`collective` (TM.), `deputy` (KT.), `acting` (Q.), `by_order` (TL.), "
        "`by_authorization` (TUQ.); each profile spells the prefix.",
        examples=["deputy"],
    )
    of: TextLines = Field(
        title="Tập thể hoặc chức vụ ký thay",
        description="Body or post after the prefix, e.g. `ỦY BAN NHÂN DÂN`; lines as given.",
        examples=["GIÁM ĐỐC", "ỦY BAN NHÂN DÂN"],
    )


@with_config(
    ConfigDict(
        extra="forbid",
        json_schema_extra={
            "description": "One authority line as `{collective: ỦY BAN NHÂN DÂN}`: the kind "
            "of authority as the key, the body or post as its value.",
            "minProperties": 1,
            "maxProperties": 1,
        },
    )
)
class AuthorityShorthand(TypedDict, total=False):
    """Schema only: the one-key form `_authority_shorthand` takes."""

    collective: Annotated[TextLines, Field(title="Thay mặt (TM., T/M)")]
    deputy: Annotated[TextLines, Field(title="Ký thay (KT., K/T)")]
    acting: Annotated[TextLines, Field(title="Quyền (Q.)")]
    by_order: Annotated[TextLines, Field(title="Thừa lệnh (TL., T/L)")]
    by_authorization: Annotated[TextLines, Field(title="Thừa ủy quyền (TUQ.)")]


class SignatureBlock(_Model):
    """One signature block (one per issuing body in a joint plan), printed left to right."""

    issuer: Line | None = Field(
        default=None,
        title="Cơ quan ký",
        description="Abbreviation of the issuing body that signs; defaults to the one in the "
        "same position in `issuers`.",
        examples=["SYT"],
    )
    # a printed line (`TM. ỦY BAN NHÂN DÂN`, or one such text for the whole list) is read by
    # the plan file's profile when the file is loaded (planforge._loading)
    authority: Annotated[
        list[
            Annotated[
                Authority,
                BeforeValidator(
                    _authority_shorthand,
                    json_schema_input_type=Authority | AuthorityShorthand | _Text,
                ),
            ]
        ],
        BeforeValidator(
            _as_list, json_schema_input_type=list[Authority | AuthorityShorthand | _Text] | _Text
        ),
    ] = Field(
        default_factory=list,
        title="Thẩm quyền ký",
        description="Authority lines, outermost first: `TM. ỦY BAN NHÂN DÂN`, then `KT. CHỦ TỊCH`.",
        examples=[[{"collective": "ỦY BAN NHÂN DÂN"}, {"deputy": "CHỦ TỊCH"}]],
    )
    body: TextLines | None = Field(
        default=None,
        title="Tên cơ quan ký trực tiếp",
        description="Body name printed without a prefix (a head of a Ban signing directly).",
        examples=["BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY"],
    )
    position: TextLines | None = Field(
        default=None,
        title="Chức vụ người ký",
        description="Signer's position, e.g. `PHÓ CHỦ TỊCH`; lines as given.",
        examples=["PHÓ GIÁM ĐỐC"],
    )
    signer: Line = Field(
        title="Họ và tên người ký", description="Signer's full name.", examples=["Nguyễn Văn An"]
    )


def _recipient_shorthand(value: Any) -> Any:
    if value is None:
        return {"name": ""}
    if isinstance(value, str):
        return {"name": value}
    return value


class Recipient(_Model):
    """A line of the recipients list (an empty one is left out, with a warning)."""

    name: Annotated[str, AfterValidator(_line_or_empty)] = Field(
        title="Tên nơi nhận", description="The body or person.", examples=["Bộ Y tế"]
    )
    marker: Line | None = Field(
        default=None,
        title="Ghi chú sau nơi nhận",
        description="e.g. `b/c` (to report to).",
        examples=["b/c"],
    )


class Recipients(_Model):
    """The recipients list (nơi nhận) and the archive line (lưu)."""

    to: list[
        Annotated[
            Recipient,
            BeforeValidator(_recipient_shorthand, json_schema_input_type=Recipient | str | None),
        ]
    ] = Field(
        default_factory=list,
        title="Nơi nhận",
        description="Recipients, top to bottom; a bare text is a recipient with that name.",
        examples=[[{"name": "Bộ Y tế", "marker": "b/c"}, "UBND các xã, phường"]],
    )
    archive: LineList = Field(
        default_factory=list,
        title="Lưu",
        description="Archive holders after `Lưu:`, e.g. `VT`, `Phòng KG`.",
        examples=[["VT", "NVY"]],
    )


class Plan(_Model):
    """A coordination plan (kế hoạch phối hợp), or any plan, of one or more issuing bodies."""

    profile: Line | None = Field(
        default=None,
        title="Bộ quy tắc thể thức",
        description="A built-in profile (`nd30-2020`, `hd36-2018`, `hd05-2026`) or a profile "
        "file beside the plan (`my-office.yaml`); defaults to the profile in force on the "
        "plan's date for its first issuer's kind.",
        examples=["nd30-2020", "hd05-2026"],
    )
    issuers: list[Issuer] = Field(
        min_length=1,
        title="Cơ quan ban hành",
        description="Issuing bodies; the first one leads a joint plan.",
    )
    number: DocumentNumber = Field(
        default_factory=DocumentNumber,
        title="Số, ký hiệu",
        description="Number and symbol; leave out `number.number` for a draft.",
    )
    urgency: (
        Annotated[
            Urgency,
            BeforeValidator(
                _urgency,
                json_schema_input_type=Annotated[str, Field(pattern=_urgency_pattern())],
            ),
        ]
        | None
    ) = Field(
        default=None,
        title="Độ khẩn",
        description="`KHẨN`, `THƯỢNG KHẨN` or `HỎA TỐC`, printed under the number; leave it "
        "out for an ordinary plan.",
        examples=[u.value for u in Urgency],
    )
    place: Line = Field(
        title="Địa danh",
        description="Place name, spelled as the user spells it (`Thanh Hoá`).",
        examples=["Lâm Đồng"],
    )
    date: _dt.date | None = Field(
        default=None,
        title="Ngày ban hành",
        description="Date of issue; leave it out (and give `year`) for a draft.",
        examples=["2026-03-12"],
    )
    year: int | None = Field(
        default=None,
        ge=1,
        le=9999,
        title="Năm (bản dự thảo)",
        description="Year of a draft whose day and month are blank.",
        examples=[2026],
    )
    title: Title = Field(title="Tên loại và trích yếu nội dung")
    preamble: Paragraphs = Field(
        default_factory=list,
        title="Căn cứ ban hành",
        description="Căn cứ / `Thực hiện ...`.",
        examples=["Căn cứ Kế hoạch số 12/KH-UBND ngày 10/01/2026 của UBND tỉnh ...;"],
    )
    parts: list[Part] = Field(
        default_factory=list, title="Các phần nội dung", description="Parts I, II, ..."
    )
    closing: Paragraphs = Field(
        default_factory=list,
        title="Đoạn kết",
        description="Text after the last part.",
        examples=["Trên đây là Kế hoạch ... của Sở Y tế./."],
    )
    signatures: list[SignatureBlock] = Field(
        min_length=1,
        title="Chữ ký, thẩm quyền ký",
        description="Signature blocks, one per issuing body, left to right.",
    )
    recipients: Recipients = Field(
        default_factory=Recipients,
        title="Nơi nhận và lưu",
        description="Recipients and archive.",
    )

    @model_validator(mode="after")
    def _check(self) -> Plan:
        problems: list[InitErrorDetails] = []

        def problem(loc: tuple[str | int, ...], kind: str, message: str, value: Any) -> None:
            # raised with its location, so that errors name the field (and its line)
            error = PydanticCustomError(kind, message)
            problems.append(InitErrorDetails(type=error, loc=loc, input=value))

        if self.date is None and self.year is None:
            problem(
                ("date",),
                "missing_date",
                _("give `date` (YYYY-MM-DD), or `year` alone for a draft"),
                None,
            )
        if self.date is not None and self.year is not None and self.year != self.date.year:
            problem(
                ("year",),
                "year_mismatch",
                _("`year` {year} does not match `date` {date}").format(
                    year=self.year, date=self.date.isoformat()
                ),
                self.year,
            )
        abbreviations = [i.abbreviation for i in self.issuers]
        for n, sig in enumerate(self.signatures):
            if sig.issuer is not None and sig.issuer not in abbreviations:
                problem(
                    ("signatures", n, "issuer"),
                    "unknown_issuer",
                    _("`{issuer}` is not an issuer's abbreviation (one of: {choices})").format(
                        issuer=sig.issuer, choices=", ".join(abbreviations)
                    ),
                    sig.issuer,
                )
        if problems:
            raise ValidationError.from_exception_data(type(self).__name__, problems)
        return self

    # where a plan file was read from: its folder (where a profile file it names is looked
    # for), its path and the line of each field, so that later checks can point at them
    _base_dir: Path | None = PrivateAttr(default=None)
    _source: Path | None = PrivateAttr(default=None)
    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)
    # what reading it out of a Word document found (`import_plan`), and where to look
    _import_findings: tuple[Finding, ...] = PrivateAttr(default=())
    _import_notes: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def import_findings(self) -> tuple[Finding, ...]:
        """What `import_plan` found reading this plan out of a Word document: text it could
        not place, and what it had to guess (empty for a plan not imported)."""
        return self._import_findings

    def __eq__(self, other: object) -> bool:
        # two plans are equal when their fields are, wherever they were read from
        if not isinstance(other, Plan):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def located(self, field: str) -> tuple[Path | None, int | None]:
        """The file this plan was read from and the line of *field* (a path such as
        `issuers[0].kind`), when it was read from a file."""
        keys: list[str | int] = []
        for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
            keys.append(int(index) if index else name)
        for end in range(len(keys), -1, -1):
            line = self._lines.get(tuple(keys[:end]))
            if line is not None:
                return self._source, line
        return self._source, None

    def profile_file(self) -> Path | None:
        """The profile file `profile` names beside the plan file, if it names one that exists.

        Only a file in the plan's own folder (or below it) is taken: a plan must not point
        a render at files elsewhere on the machine.
        """
        if self.profile is None or not self.profile.lower().endswith(PROFILE_SUFFIXES):
            return None
        base = (self._base_dir or Path.cwd()).resolve()
        relative = Path(self.profile)
        if relative.is_absolute() or ".." in relative.parts:
            return None
        file = (base / relative).resolve()
        if not file.is_relative_to(base) or not file.is_file():
            return None
        return file

    @property
    def issue_year(self) -> int:
        """The year of issue, for drafts too."""
        if self.date is not None:
            return self.date.year
        assert self.year is not None  # guaranteed by validation
        return self.year

    def signing_issuer(self, index: int) -> Issuer:
        """The issuing body that signature block *index* signs for."""
        sig = self.signatures[index]
        if sig.issuer is not None:
            return next(i for i in self.issuers if i.abbreviation == sig.issuer)
        return self.issuers[min(index, len(self.issuers) - 1)]


def _reads_lines(metadata: Iterable[Any]) -> bool:
    return any(
        isinstance(m, BeforeValidator) and m.func in (_given_lines, _split_lines) for m in metadata
    )


def _holds_lines(annotation: Any) -> bool:
    """Whether *annotation* is (or may be) TextLines or Lines: one text given as lines."""
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        return _reads_lines(metadata) or _holds_lines(base)
    return any(_holds_lines(arg) for arg in get_args(annotation))


@functools.cache
def line_fields() -> frozenset[str]:
    """The fields (by name, in any model) whose list is the lines of one text (a summary, a
    name, a position), not a list of items: their lines may go on in lower case."""
    names = {
        name
        for model in _Model.__subclasses__()
        for name, info in model.model_fields.items()
        if _reads_lines(info.metadata) or _holds_lines(info.annotation)
    }
    shorthand = get_type_hints(AuthorityShorthand, include_extras=True)
    names.update(name for name, hint in shorthand.items() if _holds_lines(hint))
    return frozenset(names)
