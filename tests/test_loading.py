"""Reading plan files: formats, encodings, and errors that point at the file, field and line."""

from __future__ import annotations

import json
import pickle
import warnings
from pathlib import Path
from typing import Any

import pytest

from planforge import Plan, PlanInputError, Problem, load_plan, template_context
from planforge._loading import field_path, plan_from_data

from .conftest import EXAMPLES

PLAN_YAML = """\
# a comment line, so that line numbers are not trivially the index of the key
issuers:
  - name: ỦY BAN NHÂN DÂN TỈNH THANH HÓA
    kind: state
    abbreviation: UBND
  - name: BAN TUYÊN GIÁO TỈNH ỦY
    kind: party
    abbreviation: BTGTU
number:
  type: KHPH
place: Thanh Hoá
date: 2023-03-03
title:
  summary: |
    Phối hợp giữa Ủy ban nhân dân tỉnh với Ban Tuyên giáo Tỉnh ủy
    trong thực hiện nhiệm vụ năm 2023
parts:
  - title: MỤC ĐÍCH, YÊU CẦU
    items:
      - Nâng cao chất lượng công tác tham mưu.
      - text: Tăng cường sự phối hợp.
        task:
          lead: Sở Y tế
          timeline: Thường xuyên
signatures:
  - authority:
      - collective: ỦY BAN NHÂN DÂN
      - deputy: CHỦ TỊCH
    position: PHÓ CHỦ TỊCH
    signer: Đầu Thanh Tùng
  - position: TRƯỞNG BAN
    signer: Đào Xuân Yên
recipients:
  to:
    - name: Ban Tuyên giáo Trung ương
      marker: b/c
    - UBND các huyện, thị, thành phố
  archive: [VT]
"""

PLAN_DATA: dict[str, Any] = {
    "issuers": [
        {"name": "ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "kind": "state", "abbreviation": "UBND"},
        {"name": "BAN TUYÊN GIÁO TỈNH ỦY", "kind": "party", "abbreviation": "BTGTU"},
    ],
    "number": {"type": "KHPH"},
    "place": "Thanh Hoá",
    "date": "2023-03-03",
    "title": {
        "summary": [
            "Phối hợp giữa Ủy ban nhân dân tỉnh với Ban Tuyên giáo Tỉnh ủy",
            "trong thực hiện nhiệm vụ năm 2023",
        ]
    },
    "parts": [
        {
            "title": "MỤC ĐÍCH, YÊU CẦU",
            "items": [
                "Nâng cao chất lượng công tác tham mưu.",
                {
                    "text": "Tăng cường sự phối hợp.",
                    "task": {"lead": "Sở Y tế", "timeline": "Thường xuyên"},
                },
            ],
        }
    ],
    "signatures": [
        {
            "authority": [{"collective": "ỦY BAN NHÂN DÂN"}, {"deputy": "CHỦ TỊCH"}],
            "position": "PHÓ CHỦ TỊCH",
            "signer": "Đầu Thanh Tùng",
        },
        {"position": "TRƯỞNG BAN", "signer": "Đào Xuân Yên"},
    ],
    "recipients": {
        "to": [
            {"name": "Ban Tuyên giáo Trung ương", "marker": "b/c"},
            "UBND các huyện, thị, thành phố",
        ],
        "archive": ["VT"],
    },
}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the *occurrence*-th *fragment* of *text*."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[occurrence - 1]


def load_error(path: Path) -> PlanInputError:
    with pytest.raises(PlanInputError) as info:
        load_plan(path)
    return info.value


# -- reading the formats -----------------------------------------------------------------------


def test_yaml_plan_loads_with_its_shorthands(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, "plan.yaml", PLAN_YAML))
    assert isinstance(plan, Plan)
    assert plan.place == "Thanh Hoá"
    assert plan.title.summary == [
        "Phối hợp giữa Ủy ban nhân dân tỉnh với Ban Tuyên giáo Tỉnh ủy",
        "trong thực hiện nhiệm vụ năm 2023",
    ]
    assert plan.parts[0].items[0].text == ["Nâng cao chất lượng công tác tham mưu."]
    task = plan.parts[0].items[1].task
    assert task is not None and task.lead == ["Sở Y tế"]
    assert plan.signatures[0].authority[1].of == "CHỦ TỊCH"
    assert [r.name for r in plan.recipients.to][1] == "UBND các huyện, thị, thành phố"


def test_json_and_yaml_give_the_same_plan(tmp_path: Path) -> None:
    from_yaml = load_plan(write(tmp_path, "plan.yaml", PLAN_YAML))
    from_json = load_plan(write(tmp_path, "plan.json", json.dumps(PLAN_DATA, ensure_ascii=False)))
    assert from_json == from_yaml


@pytest.mark.parametrize("name", ["plan.yml", "plan.YAML", "Plan.Yml"])
def test_yaml_suffixes_are_case_insensitive(tmp_path: Path, name: str) -> None:
    assert load_plan(write(tmp_path, name, PLAN_YAML)).place == "Thanh Hoá"


def test_json_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.JSON", json.dumps(PLAN_DATA))
    assert load_plan(path).issuers[1].abbreviation == "BTGTU"


@pytest.mark.parametrize("name", ["plan.yaml", "plan.json"])
def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, name: str) -> None:
    text = PLAN_YAML if name.endswith(".yaml") else json.dumps(PLAN_DATA, ensure_ascii=False)
    path = write(tmp_path, name, "\ufeff".encode() + text.encode("utf-8"))
    assert load_plan(path).place == "Thanh Hoá"


def test_load_plan_takes_a_string_path(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.yaml", PLAN_YAML)
    assert load_plan(str(path)) == load_plan(path)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_plans_load(example: Path) -> None:
    plan = load_plan(example)
    assert plan.parts and plan.signatures and plan.recipients.to


# -- files that are not plan files -------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan.txt", "plan.docx", "plan", "plan.yaml.bak", "plan.toml"])
def test_wrong_suffix_is_refused_before_reading(tmp_path: Path, name: str) -> None:
    path = tmp_path / name  # never written: the suffix alone decides
    error = load_error(path)
    assert error.exit_code == 2
    assert error.file == path
    assert ".yaml, .yml or .json" in str(error)
    assert str(error).startswith(str(path))


def test_a_missing_file_is_a_plan_input_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    error = load_error(path)
    assert error.exit_code == 2
    assert "cannot read the file" in str(error)
    assert error.file == path


def test_invalid_yaml_reports_line_and_column(tmp_path: Path) -> None:
    text = "place: Hà Nội\ntitle:\n  summary: [một, hai\nissuers: []\n"
    error = load_error(write(tmp_path, "bad.yaml", text))
    assert error.exit_code == 2
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.message.startswith("invalid YAML")
    # the unclosed flow sequence is noticed at the `:` after `issuers` (line 4, column 8)
    assert (problem.line, problem.column) == (4, 8)
    assert "line 4, column 8" in str(error)


def test_a_tab_in_yaml_indentation_is_located(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "tab.yaml", "place: Huế\ntitle:\n\tsummary: x\n"))
    assert error.problems[0].line == 3
    assert error.problems[0].column == 1
    assert "uses a tab" in str(error)
    assert "YAML indents with spaces only" in str(error)


def test_invalid_json_reports_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "place": "Huế",\n  "title": ,\n  "issuers": []\n}\n'
    error = load_error(write(tmp_path, "bad.json", text))
    assert error.exit_code == 2
    problem = error.problems[0]
    assert problem.message.startswith("invalid JSON")
    assert (problem.line, problem.column) == (3, 12)
    assert "line 3, column 12" in str(error)


def test_non_utf8_bytes_give_a_clear_error(tmp_path: Path) -> None:
    raw = "place: Hà Giang\n".encode("cp1258")  # a legacy Vietnamese code page
    assert raw[8] == 0xE0  # the `à`
    error = load_error(write(tmp_path, "legacy.yaml", raw))
    assert error.exit_code == 2
    assert "not UTF-8" in str(error)
    assert (error.problems[0].line, error.problems[0].column) == (1, 9)
    assert "save it again with File > Save As, Encoding: UTF-8" in str(error)


def test_non_utf8_json_gives_the_same_error(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "legacy.json", b'{"place": "H\xe0 N\xf4i"}'))
    assert "not UTF-8" in str(error)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("list.yaml", "- issuers\n- place\n"),
        ("scalar.yaml", "just a sentence\n"),
        ("list.json", "[1, 2]"),
        ("string.json", '"plan"'),
        ("null.json", "null"),
    ],
)
def test_a_top_level_that_is_not_a_mapping_is_refused(
    tmp_path: Path, name: str, content: str
) -> None:
    error = load_error(write(tmp_path, name, content))
    assert error.exit_code == 2
    assert "must be a mapping" in str(error)
    assert error.field == ""


@pytest.mark.parametrize("data", [[], "plan", None, 42])
def test_plan_from_data_refuses_non_mappings(data: Any) -> None:
    with pytest.raises(PlanInputError, match="must be a mapping"):
        plan_from_data(data)


def test_several_yaml_documents_are_refused(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "two.yaml", PLAN_YAML + "---\nplace: Huế\n"))
    assert "invalid YAML" in str(error)
    assert error.line == line_of(PLAN_YAML + "---\n", "---")


# -- validation errors: field paths and lines --------------------------------------------------


def test_a_validation_error_carries_field_and_yaml_line(tmp_path: Path) -> None:
    text = PLAN_YAML.replace("lead: Sở Y tế", "lead: []")
    error = load_error(write(tmp_path, "plan.yaml", text))
    assert error.exit_code == 2
    assert error.field == "parts[0].items[1].task.lead"
    assert error.line == line_of(text, "lead: []")
    assert f"parts[0].items[1].task.lead · line {error.line}:" in str(error)


def test_an_unknown_key_is_located_at_its_own_line(tmp_path: Path) -> None:
    text = PLAN_YAML.replace("      marker: b/c\n", "      marker: b/c\n      makrer: x\n")
    error = load_error(write(tmp_path, "plan.yaml", text))
    assert [(p.field, p.line) for p in error.problems] == [
        ("recipients.to[0].makrer", line_of(text, "makrer")),
    ]
    assert "unknown field" in error.problems[0].message


def test_a_missing_field_is_located_at_its_mapping(tmp_path: Path) -> None:
    text = PLAN_YAML.replace("    signer: Đào Xuân Yên\n", "")
    error = load_error(write(tmp_path, "plan.yaml", text))
    assert error.field == "signatures[1].signer"
    assert "missing" in error.problems[0].message
    assert error.line == line_of(text, "- position: TRƯỞNG BAN")


def test_a_missing_field_of_a_nested_mapping_points_at_its_key(tmp_path: Path) -> None:
    # the mapping's value starts on the next line; the error is reported at the key's line
    text = PLAN_YAML.replace("title:\n  summary: |", "title:\n  type_name: KẾ HOẠCH\n  note: |")
    error = load_error(write(tmp_path, "plan.yaml", text))
    located = {p.field: p.line for p in error.problems}
    assert located == {
        "title.summary": line_of(text, "title:"),
        "title.note": line_of(text, "note:"),
    }


def test_a_misspelt_required_field_is_reported_once_where_it_is(tmp_path: Path) -> None:
    text = PLAN_YAML.replace("  summary: |", "  summery: |")
    error = load_error(write(tmp_path, "plan.yaml", text))
    assert [(p.field, p.line) for p in error.problems] == [
        ("title.summery", line_of(text, "summery:"))
    ]
    assert "summary" in error.problems[0].message


def test_an_error_in_a_string_item_points_at_that_item(tmp_path: Path) -> None:
    text = PLAN_YAML.replace("- Nâng cao chất lượng công tác tham mưu.", '- "\\v"')
    error = load_error(write(tmp_path, "plan.yaml", text))
    assert error.field == "parts[0].items[0].text[0]"
    assert "U+000B" in error.problems[0].message
    assert error.line == line_of(text, '- "\\v"')


def test_an_error_in_a_single_string_list_points_at_its_key(tmp_path: Path) -> None:
    text = PLAN_YAML.replace("lead: Sở Y tế", 'lead: "Sở\\fY tế"')
    error = load_error(write(tmp_path, "plan.yaml", text))
    assert error.field == "parts[0].items[1].task.lead[0]"
    assert error.line == line_of(text, "lead:")


def test_several_errors_are_reported_at_once(tmp_path: Path) -> None:
    text = (
        PLAN_YAML.replace("    kind: party\n", "    kind: Partly!\n")
        .replace("place: Thanh Hoá", "place: ''")
        .replace("lead: Sở Y tế", "lead: []")
        .replace("  - position: TRƯỞNG BAN", "  - positon: TRƯỞNG BAN")
    )
    error = load_error(write(tmp_path, "plan.yaml", text))
    located = [(p.field, p.line) for p in error.problems]
    assert located == [
        ("issuers[1].kind", line_of(text, "kind: Partly!")),
        ("place", line_of(text, "place:")),
        ("parts[0].items[1].task.lead", line_of(text, "lead: []")),
        ("signatures[1].positon", line_of(text, "positon")),
    ]
    message = str(error)
    assert message.splitlines()[0] == f"{tmp_path / 'plan.yaml'}: 4 problems:"
    for field, line in located:
        assert f"  - {field} · line {line}: " in message
    assert error.field == "issuers[1].kind"  # the first problem


def test_cross_field_problems_are_located_too(tmp_path: Path) -> None:
    text = PLAN_YAML.replace("date: 2023-03-03", "date: 2023-03-03\nyear: 2022").replace(
        "  - position: TRƯỞNG BAN", "  - issuer: BTG\n    position: TRƯỞNG BAN"
    )
    error = load_error(write(tmp_path, "plan.yaml", text))
    assert [(p.field, p.line) for p in error.problems] == [
        ("year", line_of(text, "year: 2022")),
        ("signatures[1].issuer", line_of(text, "issuer: BTG")),
    ]


def test_a_missing_date_mentions_the_draft_year(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "plan.yaml", PLAN_YAML.replace("date: 2023-03-03\n", "")))
    assert error.field == "date"
    assert "`year`" in error.problems[0].message


def test_json_validation_errors_name_the_field(tmp_path: Path) -> None:
    data = json.loads(json.dumps(PLAN_DATA))
    data["signatures"][0]["authority"][1] = {"type": "deputy", "of": "CHỦ TỊCH", "x": 1}
    error = load_error(write(tmp_path, "plan.json", json.dumps(data)))
    assert error.field == "signatures[0].authority[1].x"
    assert error.exit_code == 2


def test_plan_from_data_errors_have_no_file_or_line() -> None:
    data = json.loads(json.dumps(PLAN_DATA))
    del data["place"]
    with pytest.raises(PlanInputError) as info:
        plan_from_data(data)
    assert info.value.file is None
    assert info.value.line is None
    assert str(info.value).startswith("place: ")
    assert "missing" in str(info.value)
    assert "line" not in str(info.value)


def test_a_plan_input_error_survives_pickling(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "plan.yaml", PLAN_YAML.replace("lead: Sở Y tế", "lead: []")))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is PlanInputError
    assert str(copy) == str(error)
    assert copy.problems == error.problems
    assert copy.file == error.file


# -- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        ((), ""),
        (("place",), "place"),
        (("title", "summary", 0), "title.summary[0]"),
        (("parts", 0, "items", 1, "task", "lead"), "parts[0].items[1].task.lead"),
        (("parts", 1, "items", 3, "items", 0, "text", 2), "parts[1].items[3].items[0].text[2]"),
        ((0,), "[0]"),
        (("a", 0, 1), "a[0][1]"),
    ],
)
def test_field_path(loc: tuple[str | int, ...], expected: str) -> None:
    assert field_path(loc) == expected


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (Problem("boom"), "boom"),
        (Problem("boom", field="place"), "place: boom"),
        (Problem("boom", line=3), "line 3: boom"),
        (Problem("boom", line=3, column=7), "line 3, column 7: boom"),
        (Problem("boom", field="title.summary[0]", line=9), "title.summary[0] · line 9: boom"),
    ],
)
def test_problem_describe(problem: Problem, text: str) -> None:
    assert problem.describe() == text


# -- YAML 1.2: what the clerk typed is what is printed ------------------------------------------


def _with(old: str, new: str) -> str:
    assert old in PLAN_YAML
    return PLAN_YAML.replace(old, new, 1)


@pytest.mark.parametrize(("typed", "value"), [("010", 10), ("08", 8), ("007", 7), ("0o10", 8)])
def test_a_number_with_leading_zeros_is_decimal(tmp_path: Path, typed: str, value: int) -> None:
    plan = load_plan(
        write(tmp_path, "p.yaml", _with("  type: KHPH", f"  type: KHPH\n  number: {typed}"))
    )
    assert plan.number.number == value
    assert template_context(plan)["header"]["number"] == f"Số: {value:02}/KHPH-UBND-BTGTU"


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "y", "n"])
def test_yes_no_on_off_stay_text(tmp_path: Path, word: str) -> None:
    plan = load_plan(
        write(tmp_path, "p.yaml", _with("timeline: Thường xuyên", f"timeline: {word}"))
    )
    task = plan.parts[0].items[1].task
    assert task is not None and task.timeline == word


def test_times_and_sexagesimal_numbers_stay_text(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, "p.yaml", _with("timeline: Thường xuyên", "timeline: 1:30")))
    task = plan.parts[0].items[1].task
    assert task is not None and task.timeline == "1:30"


def test_true_and_false_are_still_booleans_and_refused_where_text_is_wanted(
    tmp_path: Path,
) -> None:
    error = load_error(write(tmp_path, "p.yaml", _with("timeline: Thường xuyên", "timeline: true")))
    assert error.field == "parts[0].items[1].task.timeline"
    assert "must be text, not True" in str(error)


def test_profile_files_read_by_yaml_12_too(tmp_path: Path) -> None:
    from planforge import load_profile

    profile = write(
        tmp_path, "p.yaml", "extends: nd30-2020\ndate: {padded_months: [01, 02, 010]}\n"
    )
    assert load_profile(profile).date.padded_months == [1, 2, 10]


# -- a profile file beside the plan ----------------------------------------------------------


def test_a_plan_names_a_profile_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "offices").mkdir()
    write(tmp_path / "offices", "so-y-te.yaml", "extends: nd30-2020\nrecipients: {line_end: ','}\n")
    plan_file = write(tmp_path, "p.yaml", "profile: offices/so-y-te.yaml\n" + PLAN_YAML)
    plan = load_plan(plan_file)
    context = template_context(plan)
    assert context["profile"]["name"] == "nd30-2020+so-y-te"
    assert context["recipients"]["lines"][0].endswith(",")
    # the plan found its profile by the plan's folder, not by the current one
    assert plan.profile_file() == (tmp_path / "offices" / "so-y-te.yaml").resolve()


@pytest.mark.parametrize(
    "named",
    ["../outside.yaml", "/etc/outside.yaml", "link/outside.yaml", "missing.yaml"],
)
def test_a_plan_cannot_name_a_profile_file_outside_its_folder(tmp_path: Path, named: str) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("extends: nd30-2020\n", encoding="utf-8")
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "link").symlink_to(tmp_path)  # a link out of the folder does not count
    error = load_error(write(folder, "p.yaml", f"profile: {named}\n" + PLAN_YAML))
    assert error.field == "profile"
    assert error.line == 1
    assert "no profile file" in str(error) and "in the plan's folder" in str(error)


def test_a_field_given_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    # YAML allows a key once; PyYAML alone would keep the second silently
    text = PLAN_YAML.replace(
        "  - title: MỤC ĐÍCH, YÊU CẦU\n", "  - title: MỤC ĐÍCH\n    title: YÊU CẦU\n"
    )
    text = text.replace("place: Thanh Hoá\n", "place: Thanh Hoá\nplace: Sầm Sơn\n")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanInputError) as caught:
        load_plan(path)
    problems = caught.value.problems
    assert [(p.field, p.line) for p in problems] == [("place", 12), ("parts[0].title", 20)]
    assert "`place` is given twice (lines 11 and 12)" in problems[0].message
    assert "`title` is given twice (lines 19 and 20)" in problems[1].message


def test_a_json_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"place": "Hà Nội", "place": "Huế"}', encoding="utf-8")
    with pytest.raises(PlanInputError) as caught:
        load_plan(path)
    assert "`place` is given twice in one object" in str(caught.value)


def test_pieces_of_one_item_split_at_commas_in_a_flow_list_are_warned_of(tmp_path: Path) -> None:
    from planforge import PlanWarning

    listed = '[Các sở, ban, ngành, UBND huyện, "Hội, đoàn", Như trên]'
    path = tmp_path / "plan.yaml"
    path.write_text(
        PLAN_YAML.replace("  archive: [VT]\n", f"  archive: {listed}\n"), encoding="utf-8"
    )
    with pytest.warns(PlanWarning) as caught:
        plan = load_plan(path)
    assert plan.recipients.archive[:3] == ["Các sở", "ban", "ngành"]  # read as YAML reads it
    (message,) = [str(w.message) for w in caught]
    assert "recipients.archive[0] · line 38" in message
    assert "`Các sở`, `ban`, `ngành` are read as 3 items" in message
    assert '"Các sở, ban, ngành"' in message  # quoted pieces and capitals are left alone


def test_the_lines_of_one_text_may_go_on_in_lower_case(tmp_path: Path) -> None:
    # a summary given as its lines is one text: no warning for `giữa ...`
    path = tmp_path / "plan.yaml"
    text = PLAN_YAML.replace(
        "  summary: |\n    Phối hợp giữa Ủy ban nhân dân tỉnh với Ban Tuyên giáo Tỉnh ủy\n"
        "    trong thực hiện nhiệm vụ năm 2023\n",
        "  summary: [Phối hợp giữa Ủy ban nhân dân tỉnh, với Ban Tuyên giáo Tỉnh ủy]\n",
    )
    assert "summary: [" in text
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = load_plan(path)
    assert plan.title.summary == [
        "Phối hợp giữa Ủy ban nhân dân tỉnh",
        "với Ban Tuyên giáo Tỉnh ủy",
    ]


def test_line_fields_are_the_fields_read_as_lines() -> None:
    from planforge._models import line_fields

    assert {"summary", "name", "parent", "position", "body", "of", "collective"} <= line_fields()
    assert not {"items", "to", "archive", "preamble", "lead"} & line_fields()
