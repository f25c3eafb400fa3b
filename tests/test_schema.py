"""The JSON Schemas of plans and profiles: shipped equal to the models, and as strict as them."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from planforge import AuthorityType, Plan, PlanInputError
from planforge._profiles import builtin_profiles, load_profile
from planforge._reference import authority_rows, plan_field_rows, plan_reference, write_docs
from planforge._schema import (
    SCHEMA_FILES,
    generated_schema,
    plan_schema,
    profile_schema,
    schema_path,
    schema_text,
    write_schemas,
)
from planforge._yaml import load_yaml

from .conftest import EXAMPLE_PLANS, EXAMPLES, ROOT

BUILTIN_PROFILES = sorted((ROOT / "planforge" / "profiles").glob("*.yaml"))
EXAMPLE_PROFILES = sorted((EXAMPLES / "profiles").glob("*.yaml"))


def messages(errors: Iterable[ValidationError]) -> list[str]:
    """Each error with its JSON path, and the errors of each choice of an `anyOf` it sums up."""
    out = []
    for error in sorted(errors, key=lambda e: e.json_path):
        out.append(f"{error.json_path}: {error.message}")
        out += messages(error.context or [])
    return out


def plan_errors(data: Any) -> list[str]:
    """What the shipped plan schema finds in *data*, each with its JSON path."""
    return messages(Draft202012Validator(plan_schema()).iter_errors(data))


def profile_errors(data: Any) -> list[str]:
    return messages(Draft202012Validator(profile_schema()).iter_errors(data))


def model_accepts(data: Any) -> bool:
    try:
        Plan.model_validate(data)
    except PlanInputError:
        return False
    return True


def read(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"))


# -- the shipped files --------------------------------------------------------------------------


@pytest.mark.parametrize("which", sorted(SCHEMA_FILES))
def test_shipped_schema_is_the_generated_one(which: str) -> None:
    shipped = schema_path(which).read_text(encoding="utf-8")
    assert shipped == schema_text(which), "run: python -m planforge._schema"


@pytest.mark.parametrize("which", sorted(SCHEMA_FILES))
def test_schemas_are_valid_draft_2020_12_with_a_title(which: str) -> None:
    schema = generated_schema(which)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema)[:3] == ["$schema", "title", "description"]
    assert schema["title"] and schema["description"]


def test_reading_functions_return_the_shipped_files() -> None:
    assert plan_schema() == json.loads(schema_path("plan").read_text(encoding="utf-8"))
    assert profile_schema() == json.loads(schema_path("profile").read_text(encoding="utf-8"))
    assert schema_path("plan").parent == ROOT / "planforge" / "schemas"
    with pytest.raises(ValueError, match="plan, profile"):
        schema_path("plans")


def test_write_schemas_writes_both_files_and_reports_changes(tmp_path: Path) -> None:
    assert sorted(p.name for p in write_schemas(tmp_path)) == sorted(SCHEMA_FILES.values())
    assert write_schemas(tmp_path) == []
    for which, name in SCHEMA_FILES.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == schema_text(which)


def test_every_plan_field_has_a_vietnamese_title() -> None:
    defs = plan_schema()["$defs"]
    models = [plan_schema(), *(d for d in defs.values() if "properties" in d)]
    for model in models:
        for name, field in model["properties"].items():
            title = field.get("title", "")
            # a Vietnamese term, not pydantic's English default made from the name
            assert title and title != name.replace("_", " ").title(), (model["title"], name)


# -- what the schema accepts --------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.name)
def test_every_example_plan_validates(path: Path) -> None:
    assert plan_errors(read(path)) == []


@pytest.mark.parametrize(
    "path", BUILTIN_PROFILES + EXAMPLE_PROFILES, ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_profile_file_validates(path: Path) -> None:
    assert profile_errors(read(path)) == []
    load_profile(path)  # and the model reads it too


MINIMAL: dict[str, Any] = {
    "issuers": [{"name": "SỞ Y TẾ", "kind": "state", "abbreviation": "SYT"}],
    "place": "Lâm Đồng",
    "date": "2026-03-12",
    "title": {"summary": ["Triển khai tiêm chủng mở rộng"]},
    "parts": [{"title": "Nội dung", "items": [{"title": "Tiêm chủng", "text": ["Tổ chức."]}]}],
    "signatures": [{"position": "GIÁM ĐỐC", "signer": "Nguyễn Văn An"}],
}

ITEM = ("parts", 0, "items", 0)

#: Shorthands a clerk types: (where, value). The model takes each; so must the schema.
SHORTHANDS: list[tuple[tuple[str | int, ...], Any]] = [
    (("parts", 0, "items"), ["Một mục là một dòng chữ."]),
    ((*ITEM, "items"), ["Ý con là một dòng chữ.", {"text": "hoặc một mục đầy đủ"}]),
    ((*ITEM, "task"), {"lead": "Sở Y tế"}),
    ((*ITEM, "task"), {"lead": ["Sở Y tế", "Công an tỉnh"], "coordinating": "UBND các xã"}),
    ((*ITEM, "task"), {"lead": "Sở Y tế", "coordinating": None, "timeline": "Quý II"}),
    ((*ITEM, "text"), "Một đoạn.\n\nHai đoạn."),
    ((*ITEM, "text"), None),
    (("issuers", 0, "name"), ["SỞ Y TẾ", "TỈNH LÂM ĐỒNG"]),
    (("issuers", 0, "name"), "SỞ Y TẾ\nTỈNH LÂM ĐỒNG\n"),
    (("issuers", 0, "parent"), ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"]),
    (("issuers", 0, "kind"), " State "),
    (("signatures", 0, "authority"), [{"collective": "ỦY BAN NHÂN DÂN"}, {"deputy": "CHỦ TỊCH"}]),
    (("signatures", 0, "authority"), [{"type": "by_order", "of": ["CHÁNH", "VĂN PHÒNG"]}]),
    (("signatures", 0, "authority"), [{"acting": ["GIÁM ĐỐC"]}]),
    (("signatures", 0, "position"), "PHÓ GIÁM ĐỐC\nTHƯỜNG TRỰC"),
    (("recipients",), {"to": ["Bộ Y tế", {"name": "UBND tỉnh", "marker": "b/c"}, None]}),
    (("recipients",), {"to": [], "archive": "VT"}),
    (("recipients",), {"archive": None}),
    (("title",), {"summary": "Triển khai tiêm chủng mở rộng"}),
    (("title",), {"summary": "Triển khai tiêm chủng mở rộng\ntrên địa bàn tỉnh"}),
    (("title",), {"type_name": "KẾ HOẠCH", "summary": ["một", "hai"]}),
    (("preamble",), "Căn cứ ..."),
    (("preamble",), ["Căn cứ ...", "Căn cứ ..."]),
    (("closing",), "Trên đây là Kế hoạch ./."),
    (("number",), {"number": 5, "type": "KHPH", "symbols": "SYT"}),
    (("number",), {"number": 0, "symbols": ["SYT", "BTGDVTU"]}),
    (("number",), {"number": None}),
    (("urgency",), "khẩn"),
    (("urgency",), "Hoả tốc"),
    (("urgency",), "THƯỢNG KHẨN"),
    (("urgency",), "very_urgent"),
    (("urgency",), "Very Urgent"),
    (("urgency",), None),
    (("date",), "2026-12-31"),
    (("profile",), "nd30-2020"),
    (("parts", 0, "list_style"), "letter"),
    ((*ITEM, "list_style"), "dash"),
]


def changed(where: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    target: Any = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return data


def test_the_minimal_plan_is_accepted_by_both() -> None:
    assert model_accepts(MINIMAL)
    assert plan_errors(MINIMAL) == []


@pytest.mark.parametrize(("where", "value"), SHORTHANDS)
def test_shorthands_the_model_takes_the_schema_takes(
    where: tuple[str | int, ...], value: Any
) -> None:
    data = changed(where, value)
    assert model_accepts(data), "the case itself is wrong: the model refuses it"
    assert plan_errors(data) == []


def test_a_draft_with_a_year_and_no_date() -> None:
    data = copy.deepcopy(MINIMAL)
    del data["date"]
    data["year"] = 2026
    data["number"] = {"type": "KH"}
    assert model_accepts(data)
    assert plan_errors(data) == []


#: Plans both the model and the schema refuse: (where, value, words of the schema's message).
BROKEN: list[tuple[tuple[str | int, ...], Any, str]] = [
    (("issuers",), [], "should be non-empty"),
    (("signatures",), [], "should be non-empty"),
    (("issuers", 0, "name"), "", "does not match"),
    (("issuers", 0, "name"), [], "should be non-empty"),
    (("issuers", 0, "kind"), "nhà nước", "does not match"),
    (("issuers", 0, "kind"), 3, "is not of type 'string'"),
    (("issuers", 0, "abbreviation"), "   ", "does not match"),
    (("number",), {"number": "abc"}, "is not of type 'integer'"),
    (("number",), {"number": "5"}, "is not of type 'integer'"),
    (("number",), {"number": -1}, "less than the minimum"),
    (("number",), {"number": 5, "kind": "KH"}, "Additional properties"),
    (("urgency",), "gấp", "does not match"),
    (("date",), 20260312, "is not of type 'string'"),
    (("year",), 0, "less than the minimum"),
    (("title",), {"summary": []}, "should be non-empty"),
    (("title",), {"type_name": "KẾ HOẠCH"}, "'summary' is a required property"),
    (("parts", 0, "items"), [{"title": "Mục", "task": {"lead": []}}], "should be non-empty"),
    (("parts", 0, "items"), [{"title": "Mục", "task": {"lead": None}}], "is not valid"),
    (("parts", 0, "items"), [{"title": "Mục", "task": {"coordinating": "A"}}], "'lead'"),
    (("parts", 0, "items"), [{"title": "Mục", "lead": "Sở Y tế"}], "Additional properties"),
    (("parts", 0, "items"), [42], "is not valid"),
    (("parts", 0, "list_style"), "bullet", "is not one of"),
    (("signatures", 0, "authority"), [{"collective": "A", "deputy": "B"}], "is not valid"),
    (("signatures", 0, "authority"), [{"on_behalf": "ỦY BAN"}], "is not valid"),
    (("signatures", 0, "authority"), [{"type": "boss", "of": "ỦY BAN"}], "is not valid"),
    (("signatures", 0, "authority"), 5, "is not valid under any of the given schemas"),
    (("signatures", 0, "signer"), None, "is not of type 'string'"),
    (("recipients",), {"to": [{"marker": "b/c"}]}, "is not valid"),
    (("recipients",), {"cc": ["Bộ Y tế"]}, "Additional properties"),
    (("place",), "", "does not match"),
    (("colour",), "blue", "Additional properties"),
]


@pytest.mark.parametrize(("where", "value", "words"), BROKEN)
def test_broken_plans_are_refused_by_both(
    where: tuple[str | int, ...], value: Any, words: str
) -> None:
    data = changed(where, value)
    assert not model_accepts(data), "the case itself is wrong: the model takes it"
    errors = plan_errors(data)
    assert errors, data
    assert any(words in e for e in errors), errors


def test_a_missing_required_field_is_named_with_its_path() -> None:
    data = copy.deepcopy(MINIMAL)
    del data["signatures"][0]["signer"]
    del data["place"]
    assert plan_errors(data) == [
        "$: 'place' is a required property",
        "$.signatures[0]: 'signer' is a required property",
    ]


# -- profiles -----------------------------------------------------------------------------------


def test_a_whole_profile_must_have_every_required_field() -> None:
    data = read(ROOT / "planforge" / "profiles" / "nd30-2020.yaml")
    del data["font"]
    assert any("'font' is a required property" in e for e in profile_errors(data))


def test_a_profile_that_extends_gives_only_what_it_changes(tmp_path: Path) -> None:
    data = {"extends": "nd30-2020", "header": {"issuer_mark": "***"}, "default_for": "doan"}
    assert profile_errors(data) == []
    (tmp_path / "p.yaml").write_text(json.dumps(data), encoding="utf-8")
    assert load_profile(tmp_path / "p.yaml").header.issuer_mark == "***"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"extends": "nd31-2020"}, "is not one of"),
        ({"extends": None}, "is not one of"),
        ({"extends": "nd30-2020", "page": {"width_mm": "A4"}}, "is not of type 'number'"),
        ({"extends": "nd30-2020", "page": {"width_mm": 0}}, "less than or equal to the minimum"),
        ({"extends": "nd30-2020", "signature": {"per_row": 9}}, "greater than the maximum"),
        ({"extends": "nd30-2020", "signature": {"lead": "middle"}}, "is not one of"),
        ({"extends": "nd30-2020", "numbering": {"part": "greek"}}, "is not one of"),
        ({"extends": "nd30-2020", "styles": {"body": {"bold": "yes"}}}, "is not of type"),
        ({"extends": "nd30-2020", "colours": {"body": "red"}}, "Additional properties"),
        ({"name": "mine", "font": "Times New Roman"}, "is a required property"),
    ],
)
def test_broken_profile_files_are_refused(data: dict[str, Any], words: str) -> None:
    errors = profile_errors(data)
    assert any(words in e for e in errors), errors


# -- docs/plan.md, generated from the same models -----------------------------------------------


def test_docs_plan_md_is_the_generated_reference() -> None:
    docs = (ROOT / "docs" / "plan.md").read_text(encoding="utf-8")
    assert docs == plan_reference(), "run: python -m planforge._reference docs/plan.md"


def test_the_reference_lists_every_field_with_its_term_and_type() -> None:
    rows = {path: (term, kind) for path, term, kind, _, _ in plan_field_rows()}
    for path in ("issuers[].name", "number.number", "parts[].items[].task.lead", "date"):
        assert rows[path][0], path
    assert rows["issuers"][0] == "Cơ quan ban hành"
    assert rows["number"][0] == "Số, ký hiệu"
    assert rows["title.summary"][0] == "Trích yếu nội dung"
    assert rows["signatures"][0] == "Chữ ký, thẩm quyền ký"
    assert rows["date"][1] == "date (YYYY-MM-DD)"
    assert rows["parts[].items[].task.lead"][1] == "**required**; text or list of texts"
    assert rows["number.number"][1] == "number ≥ 0"
    assert rows["parts[].items[].items[]"][1] == "as `parts[].items[]`"  # items nest


def test_the_reference_prints_what_the_renderer_prints() -> None:
    printed = {path: cells for path, _, _, _, cells in plan_field_rows()}
    assert printed["number.number"] == ["Số: 05/KH-SYT", "Số 05-KH/SYT"]
    assert printed["signatures[].authority"] == [
        "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH",
        "T/M ỦY BAN NHÂN DÂN / K/T CHỦ TỊCH",
    ]
    assert printed["recipients.archive"] == ["- Lưu: VT, NVY.", "- Lưu VT, NVY."]


def test_the_authority_table_reads_each_profile() -> None:
    rows = {(name, kind): prefixes for name, kind, prefixes in authority_rows()}
    for name in builtin_profiles():
        spelled = load_profile(name).signature.prefixes
        for kind, prefixes in spelled.items():
            assert rows[name, kind] == [prefixes.get(t, "") for t in AuthorityType]
    assert (
        rows["hd05-2026", "party"][list(AuthorityType).index(AuthorityType.BY_AUTHORIZATION)] == ""
    )
    assert "| hd05-2026 | party | `T/M` | `K/T` | `Q.` | `T/L` | — |" in plan_reference()


def test_write_docs_writes_plan_md_whole(tmp_path: Path) -> None:
    file = tmp_path / "plan.md"
    assert write_docs(str(file)) is True
    assert file.read_text(encoding="utf-8") == plan_reference()
    assert write_docs(str(file)) is False


@pytest.mark.parametrize(
    "authority",
    [["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "KT. GIÁM ĐỐC", [{"deputy": "GIÁM ĐỐC"}, "TL. X"]],
)
def test_printed_authority_lines_the_loader_reads_the_schema_takes(authority: Any) -> None:
    from planforge import parse_plan

    data = changed(("signatures",), [{"authority": authority, "signer": "Nguyễn Văn A"}])
    assert plan_errors(data) == []
    parse_plan(data)  # and planforge reads them (by the plan's profile)
