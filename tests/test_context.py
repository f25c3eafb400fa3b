"""template_context: every text a template sees, already formatted by the profile's rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planforge import Plan, PlanInputError, template_context
from planforge._loading import plan_from_data

from .conftest import EXAMPLES

Block = tuple[str, int, str, str]


def blocks(context: dict[str, Any]) -> list[Block]:
    return [(b["kind"], b["level"], b["label"], b["text"]) for b in context["blocks"]]


def single_issuer_plan(**overrides: Any) -> Plan:
    """A one-issuer state plan (a Sở under its province) with a deep, mixed body."""
    data: dict[str, Any] = {
        "issuers": [
            {
                "name": "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
                "parent": "UBND TỈNH THANH HÓA",
                "kind": "state",
                "abbreviation": "SVHTTDL",
            }
        ],
        "number": {"number": 12, "type": "KH"},
        "place": "Thanh Hóa",
        "date": "2024-03-15",
        "title": {"summary": "Tổ chức các hoạt động văn hóa\nchào mừng ngày 30/4"},
        "preamble": "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh.",
        "parts": [
            {"title": "mục đích, yêu cầu", "text": "Mở đầu.", "items": ["Một.", "Hai."]},
            {
                "title": "Nội dung",
                "items": [
                    {
                        "title": "Việc một",
                        "items": [
                            {"text": "Con một.", "items": [f"Chữ {n}." for n in range(1, 8)]},
                            {
                                "title": "Con hai",
                                "list_style": "nested",
                                "items": ["Cháu một.", "Cháu hai."],
                            },
                            {
                                "text": "Con ba.",
                                "task": {
                                    "lead": ["Sở Y tế", "Sở Nội vụ"],
                                    "coordinating": "Công an tỉnh",
                                    "timeline": "Quý II/2024",
                                },
                            },
                        ],
                    },
                    {
                        "title": "Việc hai",
                        "text": "Mô tả.",
                        "list_style": "dash",
                        "items": ["Gạch một.", {"text": "Gạch hai.", "items": ["Cộng một."]}],
                    },
                ],
            },
            {"title": "TỔ CHỨC THỰC HIỆN", "items": [{"text": ["Đoạn một.", "Đoạn hai."]}]},
        ],
        "closing": "Kết thúc./.",
        "signatures": [
            {
                "authority": [{"deputy": "GIÁM ĐỐC"}],
                "position": "PHÓ GIÁM ĐỐC",
                "signer": "Nguyễn Văn A",
            }
        ],
        "recipients": {"to": [{"name": "UBND tỉnh", "marker": "b/c"}, "Như trên"], "archive": "VT"},
    }
    data.update(overrides)
    return plan_from_data(data)


# -- header ------------------------------------------------------------------------------------


def test_phu_yen_header(phu_yen: Plan) -> None:
    header = template_context(phu_yen)["header"]
    assert header == {
        "parents": [],
        "issuers": ["BAN TUYÊN GIÁO TỈNH ỦY -", "UBND TỈNH PHÚ YÊN"],
        "issuer_mark": "*",
        "motto": ["ĐẢNG CỘNG SẢN VIỆT NAM"],
        "number": "Số 04-KHPH/BTGTU-UBND",
        "urgency": "",
        "place_date": "Phú Yên, ngày 23 tháng 02 năm 2022",
    }


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("KHẨN", "KHẨN"),
        ("khẩn", "KHẨN"),
        ("Thượng khẩn", "THƯỢNG KHẨN"),
        ("hoả tốc", "HỎA TỐC"),
        ("very_urgent", "THƯỢNG KHẨN"),
    ],
)
def test_urgency_is_printed_under_the_number(typed: str, printed: str) -> None:
    context = template_context(single_issuer_plan(urgency=typed))
    assert context["header"]["urgency"] == printed


def test_an_unknown_urgency_names_the_three_marks() -> None:
    with pytest.raises(PlanInputError) as info:
        single_issuer_plan(urgency="gấp")
    assert info.value.field == "urgency"
    assert "'KHẨN', 'THƯỢNG KHẨN' or 'HỎA TỐC'" in str(info.value)


def test_thanh_hoa_header_is_a_state_draft_number(thanh_hoa: Plan) -> None:
    context = template_context(thanh_hoa)
    header = context["header"]
    assert header["issuers"] == ["ỦY BAN NHÂN DÂN TỈNH THANH HÓA -", "BAN TUYÊN GIÁO TỈNH ỦY"]
    assert header["issuer_mark"] == ""
    assert header["motto"] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header["place_date"] == "Thanh Hoá, ngày 03 tháng 3 năm 2023"
    number = header["number"]
    assert number.startswith("Số:") and number.endswith("/KHPH-UBND-BTGTU")
    blank = number.removeprefix("Số:").removesuffix("/KHPH-UBND-BTGTU")
    assert blank.strip() == "" and len(blank) >= 3  # room for the clerk to write the number
    assert context["number"] == {
        "number": "",
        "type": "KHPH",
        "symbols": "UBND-BTGTU",
        "text": number,
    }


def test_a_single_issuer_with_a_parent() -> None:
    context = template_context(single_issuer_plan())
    assert context["header"]["parents"] == ["UBND TỈNH THANH HÓA"]
    assert context["header"]["issuers"] == ["SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"]
    assert context["header"]["number"] == "Số: 12/KH-SVHTTDL"
    assert context["number"]["number"] == "12"


def test_joint_issuers_sharing_a_parent_show_it_once() -> None:
    issuers = [
        {"name": "SỞ Y TẾ", "parent": "UBND TỈNH HUẾ", "kind": "state", "abbreviation": "SYT"},
        {"name": "SỞ NỘI VỤ", "parent": "UBND TỈNH HUẾ", "kind": "state", "abbreviation": "SNV"},
    ]
    context = template_context(single_issuer_plan(issuers=issuers))
    assert context["header"]["parents"] == ["UBND TỈNH HUẾ"]
    assert context["header"]["issuers"] == ["SỞ Y TẾ -", "SỞ NỘI VỤ"]
    assert context["header"]["number"] == "Số: 12/KH-SYT-SNV"


def test_explicit_symbols_replace_the_issuers_abbreviations() -> None:
    plan = single_issuer_plan(number={"number": 5, "type": "KHPH", "symbols": ["SVHTTDL", "CA"]})
    assert template_context(plan)["header"]["number"] == "Số: 05/KHPH-SVHTTDL-CA"


@pytest.mark.parametrize(("number", "shown"), [(1, "01"), (9, "09"), (10, "10"), (123, "123")])
def test_numbers_below_ten_get_a_leading_zero(number: int, shown: str) -> None:
    plan = single_issuer_plan(number={"number": number})
    assert template_context(plan)["header"]["number"] == f"Số: {shown}/KH-SVHTTDL"


# -- title -------------------------------------------------------------------------------------


def test_title_of_the_party_plan(phu_yen: Plan) -> None:
    assert template_context(phu_yen)["title"] == {
        "type_name": "KẾ HOẠCH",
        "summary": [
            "thực hiện Chương trình phối hợp",
            "giữa Ban Tuyên giáo Tỉnh ủy và Ủy ban nhân dân tỉnh năm 2022",
        ],
        "summary_mark": "-----",
    }


def test_title_of_the_state_plan(thanh_hoa: Plan) -> None:
    assert template_context(thanh_hoa)["title"] == {
        "type_name": "KẾ HOẠCH",
        "summary": [
            "Phối hợp giữa Ủy ban nhân dân tỉnh với Ban Tuyên giáo Tỉnh ủy",
            "trong thực hiện nhiệm vụ năm 2023",
        ],
        "summary_mark": "",
    }


def test_the_type_name_is_printed_in_capitals() -> None:
    plan = single_issuer_plan(title={"type_name": "Kế hoạch", "summary": "Một dòng"})
    title = template_context(plan)["title"]
    assert title["type_name"] == "KẾ HOẠCH"
    assert title["summary"] == ["Một dòng"]


# -- signatures --------------------------------------------------------------------------------


def test_thanh_hoa_signatures(thanh_hoa: Plan) -> None:
    first, second = template_context(thanh_hoa)["signatures"]
    assert first["authority"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    assert first["position"] == "PHÓ CHỦ TỊCH"
    assert first["signer"] == "Đầu Thanh Tùng"
    assert (first["issuer"], first["kind"]) == ("UBND", "state")
    assert second["authority"] == ["T/M BAN TUYÊN GIÁO TỈNH ỦY"]
    assert second["position"] == "TRƯỞNG BAN"
    assert second["signer"] == "Đào Xuân Yên"
    assert (second["issuer"], second["kind"]) == ("BTGTU", "party")
    # the shorter block is padded so that both signers' names stand level
    assert (first["padding"], second["padding"]) == (0, 1)


def test_phu_yen_signatures(phu_yen: Plan) -> None:
    first, second = template_context(phu_yen)["signatures"]
    assert first["authority"] == ["TM. ỦY BAN NHÂN DÂN TỈNH", "KT. CHỦ TỊCH"]
    assert first["signer"] == "Lê Tấn Hổ"
    # a Ban's head signs directly: the body without a prefix
    assert second["authority"] == ["BAN TUYÊN GIÁO TỈNH UỶ"]
    assert second["position"] == "TRƯỞNG BAN"
    assert second["signer"] == "Bùi Thanh Toàn"


def test_the_prefix_follows_the_signing_issuers_kind_not_the_profile() -> None:
    issuers = [
        {"name": "UBND TỈNH", "kind": "state", "abbreviation": "UBND"},
        {"name": "TỈNH ỦY", "kind": "party", "abbreviation": "TU"},
    ]
    plan = single_issuer_plan(
        issuers=issuers,
        signatures=[
            {"issuer": "TU", "authority": [{"collective": "BAN THƯỜNG VỤ"}], "signer": "A"},
            {"issuer": "UBND", "authority": [{"by_order": "CHỦ TỊCH"}], "signer": "B"},
        ],
    )
    signatures = template_context(plan)["signatures"]
    assert signatures[0]["authority"] == ["T/M BAN THƯỜNG VỤ"]
    assert signatures[1]["authority"] == ["TL. CHỦ TỊCH"]
    assert [s["padding"] for s in signatures] == [0, 0]


# -- recipients --------------------------------------------------------------------------------


def test_thanh_hoa_recipients(thanh_hoa: Plan) -> None:
    recipients = template_context(thanh_hoa)["recipients"]
    assert recipients["label"] == "Nơi nhận:"
    lines = recipients["lines"]
    assert lines[0] == "- Ban Tuyên giáo Trung ương (b/c);"
    assert lines[1] == "- Thường trực: Tỉnh ủy, HĐND tỉnh (b/c);"
    assert all(line.startswith("- ") for line in lines)
    assert all(line.endswith(";") for line in lines[:-1])
    assert lines[-1] == "- Lưu: VP UBND tỉnh, BTG Tỉnh ủy."
    assert len(lines) == len(thanh_hoa.recipients.to) + 1


def test_phu_yen_recipients(phu_yen: Plan) -> None:
    lines = template_context(phu_yen)["recipients"]["lines"]
    assert lines[0] == "- Ban Tuyên giáo Trung ương (b/c),"
    assert lines[3] == "- Thường trực HĐND tỉnh,"
    assert all(line.endswith(",") for line in lines[:-1])
    # Party practice: no colon after Lưu (the office's own profile keeps the colon)
    assert lines[-1] == "- Lưu VT, Phòng KG, Phòng TT,BC,XB (BTGTU), Phòng KGVX (VP UBND tỉnh)."
    own = template_context(phu_yen, profile=EXAMPLES / "profiles" / "phu-yen-2022.yaml")
    assert own["recipients"]["lines"][-1].startswith("- Lưu: VT, Phòng KG")


def test_without_an_archive_the_last_recipient_ends_the_list() -> None:
    plan = single_issuer_plan(recipients={"to": ["Như trên", "UBND tỉnh"]})
    assert template_context(plan)["recipients"]["lines"] == ["- Như trên;", "- UBND tỉnh."]


def test_an_archive_alone_and_no_recipients() -> None:
    alone = single_issuer_plan(recipients={"archive": ["VT", "Phòng NV"]})
    assert template_context(alone)["recipients"]["lines"] == ["- Lưu: VT, Phòng NV."]
    nobody = single_issuer_plan(recipients={})
    assert template_context(nobody)["recipients"]["lines"] == []


def test_recipient_line_ends_follow_an_explicit_profile(thanh_hoa: Plan) -> None:
    lines = template_context(thanh_hoa, profile="hd36-2018")["recipients"]["lines"]
    assert lines[0] == "- Ban Tuyên giáo Trung ương (b/c),"
    assert lines[-1].endswith(".")


@pytest.mark.parametrize(
    ("profile", "first", "archive"),
    [
        ("nd30-2020", "- UBND tỉnh (b/c);", "- Lưu: Văn phòng Tỉnh ủy."),
        ("hd36-2018", "- UBND tỉnh (b/c),", "- Lưu Văn phòng Tỉnh ủy."),
        ("hd05-2026", "- UBND tỉnh (b/c);", "- Lưu Văn phòng Tỉnh ủy."),
    ],
)
def test_party_archive_lines_have_no_colon(profile: str, first: str, archive: str) -> None:
    plan = single_issuer_plan(
        recipients={"to": [{"name": "UBND tỉnh", "marker": "b/c"}], "archive": "Văn phòng Tỉnh ủy"}
    )
    lines = template_context(plan, profile=profile)["recipients"]["lines"]
    assert lines == [first, archive]


# -- body: labels in order ---------------------------------------------------------------------


def test_blocks_of_a_built_plan_in_document_order() -> None:
    context = template_context(single_issuer_plan())
    letters = ["a)", "b)", "c)", "d)", "đ)", "e)", "g)"]
    assert blocks(context) == [
        ("part", 0, "I.", "MỤC ĐÍCH, YÊU CẦU"),
        ("text", 0, "", "Mở đầu."),
        ("text", 1, "1.", "Một."),
        ("text", 1, "2.", "Hai."),
        ("part", 0, "II.", "NỘI DUNG"),
        ("heading", 1, "1.", "Việc một"),
        ("text", 2, "1.1.", "Con một."),
        *[("text", 3, lbl, f"Chữ {n}.") for n, lbl in enumerate(letters, 1)],
        ("heading", 2, "1.2.", "Con hai"),
        ("text", 3, "1.2.1.", "Cháu một."),
        ("text", 3, "1.2.2.", "Cháu hai."),
        ("text", 2, "1.3.", "Con ba."),
        ("task", 2, "-", "Đơn vị chủ trì: Sở Y tế, Sở Nội vụ."),
        ("task", 2, "-", "Đơn vị phối hợp: Công an tỉnh."),
        ("task", 2, "-", "Thời gian: Quý II/2024."),
        ("heading", 1, "2.", "Việc hai"),
        ("text", 1, "", "Mô tả."),
        ("text", 2, "-", "Gạch một."),
        ("text", 2, "-", "Gạch hai."),
        ("text", 3, "+", "Cộng một."),
        ("part", 0, "III.", "TỔ CHỨC THỰC HIỆN"),
        ("text", 1, "1.", "Đoạn một."),
        ("text", 1, "", "Đoạn hai."),
    ]


def test_a_block_prefix_is_its_label_and_a_space() -> None:
    for block in template_context(single_issuer_plan())["blocks"]:
        assert block["prefix"] == (f"{block['label']} " if block["label"] else "")


def test_the_parts_tree_matches_the_blocks() -> None:
    parts = template_context(single_issuer_plan())["parts"]
    assert [p["label"] for p in parts] == ["I.", "II.", "III."]
    assert parts[0]["text"] == ["Mở đầu."]
    first = parts[1]["items"][0]
    assert (first["label"], first["title"]) == ("1.", "Việc một")
    assert [i["label"] for i in first["items"]] == ["1.1.", "1.2.", "1.3."]
    assert [i["label"] for i in first["items"][0]["items"]][4:6] == ["đ)", "e)"]
    assert [i["label"] for i in first["items"][1]["items"]] == ["1.2.1.", "1.2.2."]
    task = first["items"][2]["task"]
    assert task == {
        "lead": ["Sở Y tế", "Sở Nội vụ"],
        "coordinating": ["Công an tỉnh"],
        "timeline": "Quý II/2024",
        "lines": [
            "Đơn vị chủ trì: Sở Y tế, Sở Nội vụ.",
            "Đơn vị phối hợp: Công an tỉnh.",
            "Thời gian: Quý II/2024.",
        ],
    }
    assert first["items"][0]["task"] is None


def test_a_task_with_only_a_lead_has_one_line() -> None:
    plan = single_issuer_plan(
        parts=[{"title": "P", "items": [{"text": "Việc.", "task": {"lead": "Sở Y tế"}}]}]
    )
    assert blocks(template_context(plan))[-1] == ("task", 1, "-", "Đơn vị chủ trì: Sở Y tế.")


def test_a_letter_list_style_on_a_part() -> None:
    plan = single_issuer_plan(
        parts=[{"title": "P", "list_style": "letter", "items": [f"x{n}" for n in range(1, 25)]}]
    )
    labels = [b[2] for b in blocks(template_context(plan))[1:]]
    assert labels[3:7] == ["d)", "đ)", "e)", "g)"]
    assert labels[22] == "y)"
    assert labels[23] == "aa)"


def test_phu_yen_blocks_in_order(phu_yen: Plan) -> None:
    found = blocks(template_context(phu_yen))
    labelled = [(kind, label) for kind, _, label, _ in found if kind != "task"]
    assert labelled[:5] == [("part", "I."), ("text", "1."), ("text", "2."), ("part", "II."),
                            ("heading", "1.")]  # fmt: skip
    assert [label for _, label in labelled[5:12]] == [f"1.{n}." for n in range(1, 8)]
    assert labelled[12:14] == [("text", "2."), ("part", "III.")]
    task_lines = [text for kind, _, _, text in found if kind == "task"]
    assert task_lines[:3] == [
        "Đơn vị chủ trì: Sở Kế hoạch và Đầu tư, Sở Thông tin và Truyền thông, "
        "Sở Nội vụ và các cơ quan, đơn vị liên quan.",
        "Đơn vị phối hợp: Ban Tuyên giáo Tỉnh ủy.",
        "Thời gian: Thường xuyên.",
    ]
    assert {label for kind, _, label, _ in found if kind == "task"} == {"-"}


def test_thanh_hoa_blocks_in_order(thanh_hoa: Plan) -> None:
    found = blocks(template_context(thanh_hoa))
    parts = [(label, text) for kind, _, label, text in found if kind == "part"]
    assert parts == [
        ("I.", "MỤC ĐÍCH, YÊU CẦU"),
        ("II.", "NỘI DUNG PHỐI HỢP"),
        ("III.", "TỔ CHỨC THỰC HIỆN"),
    ]
    headings = [label for kind, level, label, _ in found if kind == "heading" and level == 1]
    assert headings == ["1.", "2.", "3.", "4.", "5.", "6.", "1.", "2."]
    assert {label for kind, level, label, _ in found if level == 2} == {"-"}


# -- the context as a whole --------------------------------------------------------------------


@pytest.mark.parametrize("which", ["thanh_hoa", "phu_yen", "built"])
def test_the_context_is_plain_json(which: str, request: pytest.FixtureRequest) -> None:
    plan = single_issuer_plan() if which == "built" else request.getfixturevalue(which)
    context = template_context(plan)
    # plain dicts, lists, strings, numbers, booleans and None: a JSON round trip changes nothing
    assert json.loads(json.dumps(context, ensure_ascii=False)) == context


def test_the_context_carries_the_plan_and_the_profile(phu_yen: Plan) -> None:
    context = template_context(phu_yen)
    assert context["plan"] == phu_yen.model_dump(mode="json")
    assert context["issuers"] == [i.model_dump(mode="json") for i in phu_yen.issuers]
    assert context["profile"]["name"] == "hd36-2018"
    assert context["preamble"] == list(phu_yen.preamble)
    assert context["closing"] == []


def test_preamble_and_closing_are_paragraph_lists() -> None:
    context = template_context(single_issuer_plan())
    assert context["preamble"] == ["Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh."]
    assert context["closing"] == ["Kết thúc./."]
