"""The plan models: what is refused (and where), the shorthands, and text hygiene."""

from __future__ import annotations

import copy
import datetime as dt
import json
import unicodedata
from typing import Any

import pytest
from pydantic import ValidationError

import planforge
from planforge import (
    Authority,
    AuthorityType,
    Issuer,
    IssuerKind,
    Item,
    ListStyle,
    Plan,
    PlanInputError,
    Recipient,
)
from planforge._loading import plan_from_data


def plan_data(**overrides: Any) -> dict[str, Any]:
    """The smallest valid plan as data, with top-level fields replaced by *overrides*."""
    data: dict[str, Any] = {
        "issuers": [
            {"name": "ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "kind": "state", "abbreviation": "UBND"},
            {"name": "BAN TUYÊN GIÁO TỈNH ỦY", "kind": "party", "abbreviation": "BTGTU"},
        ],
        "place": "Thanh Hoá",
        "date": "2023-03-03",
        "title": {"summary": ["Phối hợp năm 2023"]},
        "signatures": [{"signer": "Đầu Thanh Tùng"}],
    }
    data.update(copy.deepcopy(overrides))
    return data


def problems(data: dict[str, Any]) -> dict[str, str]:
    """Validate *data*, which must be refused: {field path: message} of every problem."""
    with pytest.raises(PlanInputError) as info:
        plan_from_data(data)
    return {p.field: p.message for p in info.value.problems}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# -- the minimal plan and its defaults ---------------------------------------------------------


def test_minimal_plan_is_valid_and_has_the_documented_defaults() -> None:
    plan = plan_from_data(plan_data())
    assert plan.number.number is None
    assert plan.number.type == "KH"
    assert plan.number.symbols == []
    assert plan.title.type_name == "KẾ HOẠCH"
    assert plan.parts == [] and plan.preamble == [] and plan.closing == []
    assert plan.recipients.to == [] and plan.recipients.archive == []
    assert plan.profile is None
    assert plan.issuers[0].kind == IssuerKind.STATE == "state"
    assert plan.issuers[1].kind == IssuerKind.PARTY


def test_models_are_frozen() -> None:
    plan = plan_from_data(plan_data())
    with pytest.raises(ValidationError):
        plan.place = "Hà Nội"  # type: ignore[misc]


# -- extra keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"titel": {"summary": "x"}}, "titel"),
        (
            {"issuers": [{"name": "UBND", "kind": "state", "abbreviation": "UBND", "abbr": "U"}]},
            "issuers[0].abbr",
        ),
        ({"number": {"number": 4, "typ": "KH"}}, "number.typ"),
        ({"title": {"summary": "x", "subtitle": "y"}}, "title.subtitle"),
        (
            {"parts": [{"title": "P", "items": ["a", {"text": "b", "colour": "red"}]}]},
            "parts[0].items[1].colour",
        ),
        (
            {"parts": [{"title": "P", "items": [{"text": "b", "task": {"lead": "A", "who": 1}}]}]},
            "parts[0].items[0].task.who",
        ),
        (
            {"signatures": [{"signer": "A", "authority": [{"type": "deputy", "of": "X", "y": 1}]}]},
            "signatures[0].authority[0].y",
        ),
        ({"recipients": {"to": [{"name": "A", "note": "b/c"}]}}, "recipients.to[0].note"),
    ],
)
def test_unknown_keys_are_refused_with_their_path(overrides: dict[str, Any], field: str) -> None:
    found = problems(plan_data(**overrides))
    assert field in found
    assert "unknown field" in found[field]


# -- required fields ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["issuers", "place", "title", "signatures"])
def test_required_top_level_fields(field: str) -> None:
    data = plan_data()
    del data[field]
    found = problems(data)
    assert list(found) == [field]
    assert "missing" in found[field]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"issuers": [{"name": "UBND", "abbreviation": "UBND"}]}, "issuers[0].kind"),
        ({"issuers": [{"kind": "state", "abbreviation": "UBND"}]}, "issuers[0].name"),
        ({"issuers": [{"name": "UBND", "kind": "state"}]}, "issuers[0].abbreviation"),
        ({"title": {"type_name": "KẾ HOẠCH"}}, "title.summary"),
        ({"signatures": [{"position": "CHỦ TỊCH"}]}, "signatures[0].signer"),
        ({"parts": [{"items": ["x"]}]}, "parts[0].title"),
        (
            {"parts": [{"title": "P", "items": [{"text": "x", "task": {}}]}]},
            "parts[0].items[0].task.lead",
        ),
        (
            {"signatures": [{"signer": "A", "authority": [{"type": "deputy"}]}]},
            "signatures[0].authority[0].of",
        ),
        ({"recipients": {"to": [{"marker": "b/c"}]}}, "recipients.to[0].name"),
    ],
)
def test_required_nested_fields(overrides: dict[str, Any], field: str) -> None:
    found = problems(plan_data(**overrides))
    assert list(found) == [field]
    assert "missing" in found[field]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"issuers": []}, "issuers"),
        ({"signatures": []}, "signatures"),
        ({"title": {"summary": []}}, "title.summary"),
        (
            {"parts": [{"title": "P", "items": [{"text": "x", "task": {"lead": []}}]}]},
            "parts[0].items[0].task.lead",
        ),
    ],
)
def test_lists_that_must_not_be_empty(overrides: dict[str, Any], field: str) -> None:
    found = problems(plan_data(**overrides))
    assert list(found) == [field]
    assert "at least 1" in found[field]


def test_an_item_needs_a_title_or_a_text() -> None:
    found = problems(plan_data(parts=[{"title": "P", "items": [{"task": {"lead": "Sở Y tế"}}]}]))
    assert list(found) == ["parts[0].items[0]"]
    assert "`title` or a `text`" in found["parts[0].items[0]"]


def test_an_unknown_list_style_is_refused_and_a_kind_must_be_a_name() -> None:
    found = problems(
        plan_data(
            issuers=[{"name": "UBND", "kind": "Federal Body!", "abbreviation": "UBND"}],
            parts=[{"title": "P", "list_style": "greek", "items": ["x"]}],
        )
    )
    assert set(found) == {"issuers[0].kind", "parts[0].list_style"}


def test_a_kind_no_profile_serves_is_an_error_with_a_suggestion() -> None:
    from planforge import check_plan

    plan = plan_from_data(
        plan_data(
            issuers=[
                {"name": "UBND", "kind": "state", "abbreviation": "UBND"},
                {"name": "SỞ Y TẾ", "kind": "stat", "abbreviation": "SYT"},
            ],
            signatures=[{"signer": "A"}, {"signer": "B"}],
        )
    )
    (error,) = [f for f in check_plan(plan) if f.is_error]
    assert error.where == "issuers[1].kind"
    assert (
        "`stat` is not a kind of body" in error.message and "did you mean `state`?" in error.message
    )
    first = plan_from_data(
        plan_data(issuers=[{"name": "UBND", "kind": "sate", "abbreviation": "UBND"}])
    )
    with pytest.raises(planforge.PlanInputError) as info:
        check_plan(first)
    assert info.value.field == "issuers[0].kind" and "did you mean `state`?" in str(info.value)
    assert info.value.exit_code == 2


def test_negative_number_is_refused_and_zero_is_kept() -> None:
    assert "0 or more" in " ".join(problems(plan_data(number={"number": -1})).values())
    assert plan_from_data(plan_data(number={"number": 0})).number.number == 0


# -- shorthand forms ---------------------------------------------------------------------------


def test_string_items_are_items_with_that_text() -> None:
    plan = plan_from_data(
        plan_data(parts=[{"title": "P", "items": ["Mục một", {"title": "T", "items": ["Con"]}]}])
    )
    items = plan.parts[0].items
    assert items[0] == Item(text=["Mục một"])
    assert items[1].title == "T"
    assert items[1].items == [Item(text=["Con"])]


@pytest.mark.parametrize("kind", list(AuthorityType))
def test_authority_shorthand_means_type_and_of(kind: AuthorityType) -> None:
    plan = plan_from_data(
        plan_data(signatures=[{"signer": "A", "authority": [{kind.value: "ỦY BAN NHÂN DÂN"}]}])
    )
    assert plan.signatures[0].authority == [Authority(type=kind, of="ỦY BAN NHÂN DÂN")]


def test_authority_shorthand_keeps_the_order_of_the_lines() -> None:
    plan = plan_from_data(
        plan_data(
            signatures=[
                {
                    "signer": "Đầu Thanh Tùng",
                    "authority": [{"collective": "ỦY BAN NHÂN DÂN"}, {"deputy": "CHỦ TỊCH"}],
                }
            ]
        )
    )
    assert [(a.type, a.of) for a in plan.signatures[0].authority] == [
        (AuthorityType.COLLECTIVE, "ỦY BAN NHÂN DÂN"),
        (AuthorityType.DEPUTY, "CHỦ TỊCH"),
    ]


def test_an_unknown_authority_shorthand_key_is_refused() -> None:
    found = problems(plan_data(signatures=[{"signer": "A", "authority": [{"boss": "X"}]}]))
    assert "signatures[0].authority[0].boss" in found
    assert "signatures[0].authority[0].type" in found


def test_string_recipients_are_recipients_without_a_marker() -> None:
    plan = plan_from_data(
        plan_data(recipients={"to": ["Như trên", {"name": "Tỉnh ủy", "marker": "b/c"}]})
    )
    assert plan.recipients.to == [
        Recipient(name="Như trên"),
        Recipient(name="Tỉnh ủy", marker="b/c"),
    ]
    assert plan.recipients.to[0].marker is None


def test_single_strings_stand_for_one_element_lists() -> None:
    plan = plan_from_data(
        plan_data(
            number={"number": 4, "symbols": "UBND"},
            parts=[
                {
                    "title": "P",
                    "items": [
                        {
                            "text": "x",
                            "task": {"lead": "Sở Y tế", "coordinating": "Ban Tuyên giáo Tỉnh ủy"},
                        }
                    ],
                }
            ],
            recipients={"archive": "VT"},
        )
    )
    task = plan.parts[0].items[0].task
    assert task is not None
    assert task.lead == ["Sở Y tế"]
    assert task.coordinating == ["Ban Tuyên giáo Tỉnh ủy"]
    assert task.timeline is None
    assert plan.number.symbols == ["UBND"]
    assert plan.recipients.archive == ["VT"]


def test_a_lead_list_stays_a_list_and_null_coordinating_is_empty() -> None:
    plan = plan_from_data(
        plan_data(
            parts=[
                {
                    "title": "P",
                    "items": [{"text": "x", "task": {"lead": ["A", "B"], "coordinating": None}}],
                }
            ]
        )
    )
    task = plan.parts[0].items[0].task
    assert task is not None and task.lead == ["A", "B"] and task.coordinating == []


# -- summary lines and paragraphs --------------------------------------------------------------


def test_a_multi_line_summary_is_split_into_trimmed_lines() -> None:
    plan = plan_from_data(
        plan_data(title={"summary": "  Phối hợp giữa Ủy ban nhân dân tỉnh\n\n  trong năm 2023  \n"})
    )
    assert plan.title.summary == ["Phối hợp giữa Ủy ban nhân dân tỉnh", "trong năm 2023"]


def test_a_summary_list_keeps_one_line_per_element() -> None:
    plan = plan_from_data(plan_data(title={"summary": ["dòng một", "dòng hai"]}))
    assert plan.title.summary == ["dòng một", "dòng hai"]


def test_a_line_break_inside_a_summary_list_element_is_refused() -> None:
    found = problems(plan_data(title={"summary": ["dòng một\ndòng hai"]}))
    assert "single line" in found["title.summary[0]"]


def test_a_blank_summary_is_refused() -> None:
    assert (
        "must not be empty" in problems(plan_data(title={"summary": " \n \n"}))["title.summary[0]"]
    )


def test_paragraphs_split_on_blank_lines_and_join_single_newlines() -> None:
    plan = plan_from_data(
        plan_data(preamble="Căn cứ một,\ncòn tiếp.\n\nCăn cứ hai.\n\n\n  Căn cứ ba.  \n")
    )
    assert plan.preamble == ["Căn cứ một, còn tiếp.", "Căn cứ hai.", "Căn cứ ba."]


def test_windows_line_ends_split_paragraphs_too() -> None:
    plan = plan_from_data(plan_data(closing="Một\r\nhai.\r\n\r\nBa."))
    assert plan.closing == ["Một hai.", "Ba."]


def test_a_list_of_paragraphs_keeps_one_paragraph_per_element() -> None:
    plan = plan_from_data(
        plan_data(
            parts=[{"title": "P", "text": ["Đoạn\nmột.", "Đoạn hai."], "items": [{"text": "Một."}]}]
        )
    )
    assert plan.parts[0].text == ["Đoạn một.", "Đoạn hai."]
    assert plan.parts[0].items[0].text == ["Một."]


def test_item_text_with_blank_lines_gives_several_paragraphs() -> None:
    plan = plan_from_data(plan_data(parts=[{"title": "P", "items": ["Đầu.\n\nSau\nđó."]}]))
    assert plan.parts[0].items[0].text == ["Đầu.", "Sau đó."]


def test_a_blank_line_holding_spaces_still_separates_paragraphs() -> None:
    plan = plan_from_data(plan_data(preamble="Đoạn một.\n   \nĐoạn hai."))
    assert plan.preamble == ["Đoạn một.", "Đoạn hai."]


def test_an_empty_paragraph_in_a_list_is_refused() -> None:
    found = problems(plan_data(closing=["Một.", "   "]))
    assert "must not be empty" in found["closing[1]"]


# -- NFC, trimming, single lines, XML characters ----------------------------------------------


def test_nfd_input_is_stored_as_nfc() -> None:
    words = {
        "place": "Thanh Hoá",
        "name": "ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
        "summary": "Phối hợp giữa Ủy ban nhân dân tỉnh",
        "para": "Thực hiện Công văn số 172-CV/TU của Ban Thường vụ Tỉnh ủy.",
        "signer": "Đầu Thanh Tùng",
        "lead": "Sở Văn hóa, Thể thao và Du lịch",
    }
    for text in words.values():
        assert nfd(text) != text  # the input really is decomposed
    plan = plan_from_data(
        plan_data(
            place=nfd(words["place"]),
            issuers=[{"name": nfd(words["name"]), "kind": "state", "abbreviation": "UBND"}],
            title={"summary": nfd(words["summary"])},
            preamble=nfd(words["para"]),
            parts=[{"title": "P", "items": [{"text": "x", "task": {"lead": nfd(words["lead"])}}]}],
            signatures=[{"signer": nfd(words["signer"])}],
        )
    )
    task = plan.parts[0].items[0].task
    assert task is not None
    assert plan.place == words["place"]
    assert plan.issuers[0].name == words["name"]
    assert plan.title.summary == [words["summary"]]
    assert plan.preamble == [words["para"]]
    assert plan.signatures[0].signer == words["signer"]
    assert task.lead == [words["lead"]]


def test_text_is_trimmed() -> None:
    plan = plan_from_data(
        plan_data(
            place="  Thanh Hoá\t",
            issuers=[{"name": " UBND TỈNH ", "kind": "state", "abbreviation": " UBND "}],
            signatures=[{"signer": "\n Đầu Thanh Tùng  ", "position": " PHÓ CHỦ TỊCH "}],
        )
    )
    assert plan.place == "Thanh Hoá"
    assert plan.issuers[0] == Issuer(name="UBND TỈNH", kind=IssuerKind.STATE, abbreviation="UBND")
    assert plan.signatures[0].signer == "Đầu Thanh Tùng"
    assert plan.signatures[0].position == "PHÓ CHỦ TỊCH"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"place": "   "}, "place"),
        ({"signatures": [{"signer": ""}]}, "signatures[0].signer"),
        ({"signatures": [{"signer": "A", "position": " "}]}, "signatures[0].position"),
    ],
)
def test_blank_text_is_refused(overrides: dict[str, Any], field: str) -> None:
    assert problems(plan_data(**overrides)) == {field: "must not be empty"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"place": "Thanh\nHoá"}, "place"),
        ({"signatures": [{"signer": "Đầu Thanh\nTùng"}]}, "signatures[0].signer"),
    ],
)
def test_a_line_must_be_a_single_line(overrides: dict[str, Any], field: str) -> None:
    found = problems(plan_data(**overrides))
    assert list(found) == [field]
    assert "single line" in found[field]


@pytest.mark.parametrize("brk", ["\u2028", "\x85"])
def test_a_line_refuses_unicode_line_breaks(brk: str) -> None:
    found = problems(plan_data(place=f"Thanh{brk}Hoá"))
    assert "single line" in found["place"]


@pytest.mark.parametrize(
    "char", ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ufffe", "\uffff"]
)
@pytest.mark.parametrize(
    ("where", "field"),
    [
        ("place", "place"),
        ("name", "issuers[0].name"),
        ("summary", "title.summary[0]"),
        ("preamble", "preamble[0]"),
        ("lead", "parts[0].items[0].task.lead[0]"),
        ("position", "signatures[0].position"),
        ("recipient", "recipients.to[0].name"),
    ],
)
def test_characters_xml_cannot_hold_are_refused_with_the_field(
    char: str, where: str, field: str
) -> None:
    text = f"Sở{char}Y tế"
    overrides: dict[str, Any] = {
        "place": {"place": text},
        "name": {"issuers": [{"name": text, "kind": "state", "abbreviation": "UBND"}]},
        "summary": {"title": {"summary": [text]}},
        "preamble": {"preamble": text},
        "lead": {"parts": [{"title": "P", "items": [{"text": "x", "task": {"lead": text}}]}]},
        "position": {"signatures": [{"signer": "A", "position": text}]},
        "recipient": {"recipients": {"to": [text]}},
    }[where]
    found = problems(plan_data(**overrides))
    assert list(found) == [field]
    assert f"U+{ord(char):04X}" in found[field]
    assert "cannot hold" in found[field]


def test_tabs_are_allowed() -> None:
    plan = plan_from_data(plan_data(preamble="Một\tHai"))
    assert plan.preamble == ["Một\tHai"]


# -- date and year -----------------------------------------------------------------------------


def test_a_dated_plan_has_its_issue_year() -> None:
    plan = plan_from_data(plan_data(date="2022-02-23"))
    assert plan.date == dt.date(2022, 2, 23)
    assert plan.year is None
    assert plan.issue_year == 2022


def test_a_draft_gives_the_year_alone() -> None:
    data = plan_data(year=2023)
    del data["date"]
    plan = plan_from_data(data)
    assert plan.date is None
    assert plan.issue_year == 2023


def test_neither_date_nor_year_is_refused() -> None:
    data = plan_data()
    del data["date"]
    with pytest.raises(PlanInputError) as info:
        Plan.model_validate(data)
    assert isinstance(info.value.__cause__, ValidationError)
    [error] = info.value.__cause__.errors()
    assert error["loc"] == ("date",)
    assert "`year` alone for a draft" in error["msg"]
    assert list(problems(data)) == ["date"]


def test_a_year_that_does_not_match_the_date_is_refused() -> None:
    found = problems(plan_data(date="2023-03-03", year=2022))
    assert list(found) == ["year"]
    assert "2022" in found["year"] and "2023-03-03" in found["year"]


def test_a_year_matching_the_date_is_accepted() -> None:
    assert plan_from_data(plan_data(date="2023-03-03", year=2023)).issue_year == 2023


@pytest.mark.parametrize("date", ["2023-02-29", "2023-13-01", "3 tháng 3 2023"])
def test_an_impossible_date_is_refused(date: str) -> None:
    assert list(problems(plan_data(date=date))) == ["date"]


@pytest.mark.parametrize("year", [0, -1, 10000])
def test_a_draft_year_outside_the_calendar_is_refused(year: int) -> None:
    data = plan_data(year=year)
    del data["date"]
    assert list(problems(data)) == ["year"]


@pytest.mark.parametrize("year", [1, 9999])
def test_a_draft_year_at_the_ends_of_the_calendar_is_accepted(year: int) -> None:
    data = plan_data(year=year)
    del data["date"]
    assert plan_from_data(data).issue_year == year


# -- signatures --------------------------------------------------------------------------------


def test_signature_issuer_must_be_an_issuer_abbreviation() -> None:
    with pytest.raises(PlanInputError) as info:
        plan_from_data(plan_data(signatures=[{"signer": "A"}, {"signer": "B", "issuer": "BTG"}]))
    assert info.value.field == "signatures[1].issuer"
    message = info.value.problems[0].message
    assert "`BTG`" in message
    assert "UBND, BTGTU" in message
    assert str(info.value).startswith("signatures[1].issuer: ")


def test_a_signature_issuer_problem_comes_with_the_other_problems() -> None:
    found = problems(
        plan_data(year=2022, signatures=[{"signer": "A", "issuer": "X"}, {"signer": "B"}])
    )
    assert list(found) == ["year", "signatures[0].issuer"]


def test_signing_issuer_defaults_by_position() -> None:
    plan = plan_from_data(plan_data(signatures=[{"signer": "A"}, {"signer": "B"}, {"signer": "C"}]))
    assert plan.signing_issuer(0).abbreviation == "UBND"
    assert plan.signing_issuer(1).abbreviation == "BTGTU"
    # more blocks than issuers: the extra ones sign for the last issuer
    assert plan.signing_issuer(2).abbreviation == "BTGTU"


def test_an_explicit_signature_issuer_wins_over_the_position() -> None:
    plan = plan_from_data(
        plan_data(
            signatures=[{"signer": "A", "issuer": "BTGTU"}, {"signer": "B", "issuer": "UBND"}]
        )
    )
    assert plan.signing_issuer(0).kind == IssuerKind.PARTY
    assert plan.signing_issuer(1).kind == IssuerKind.STATE


def test_plan_model_validate_and_the_constructor_agree() -> None:
    data = plan_data(
        parts=[{"title": "P", "list_style": "letter", "items": ["x"]}],
        recipients={"to": ["A"], "archive": ["VT"]},
    )
    plan = Plan.model_validate(data)
    assert plan == plan_from_data(data)
    assert plan.parts[0].list_style is ListStyle.LETTER
    assert Plan.model_validate(plan.model_dump()) == plan


def test_building_a_model_with_bad_values_raises_planforges_error_with_the_field() -> None:
    import pydantic

    from planforge import Issuer, PlanforgeError, PlanInputError, SignatureBlock

    with pytest.raises(PlanInputError) as caught:
        Issuer(name="", kind="state", abbreviation="SYT")
    assert isinstance(caught.value, PlanforgeError)
    assert caught.value.field == "name"
    assert "must not be empty" in str(caught.value) and "Value error" not in str(caught.value)
    assert isinstance(caught.value.__cause__, pydantic.ValidationError)
    with pytest.raises(PlanInputError) as nested:
        SignatureBlock(signer="A", authority=[{"type": "nobody", "of": "X"}])
    assert nested.value.field.startswith("authority[0].type")


def test_a_model_validated_from_data_raises_planforges_error() -> None:
    # a web backend's path: form data or JSON straight into the models
    data = plan_data()
    with pytest.raises(PlanInputError) as caught:
        Plan.model_validate({**data, "place": None})
    assert caught.value.problems[0].field == "place"
    assert isinstance(caught.value.__cause__, ValidationError)
    with pytest.raises(PlanInputError) as caught:
        Plan.model_validate_json(json.dumps({**data, "date": "04/03/2025"}))
    assert caught.value.problems[0].field == "date"
    assert Plan.model_validate(data) == plan_from_data(data)
