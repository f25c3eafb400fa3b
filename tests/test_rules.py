"""check_plan: deviations the user may intend are findings (and PlanWarnings), never refused;
a signature prefix the profile does not have is an error."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import planforge
from planforge import (
    Finding,
    Plan,
    PlanInputError,
    PlanWarning,
    check_plan,
    load_profile,
    render_plan,
)
from planforge._loading import plan_from_data
from planforge._profiles import Profile, resolve_profile
from planforge._rules import plan_findings

ISSUERS = [
    {"name": "ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "kind": "state", "abbreviation": "UBND"},
    {"name": "BAN TUYÊN GIÁO TỈNH ỦY", "kind": "party", "abbreviation": "BTGTU"},
]
STATE_BLOCK: dict[str, Any] = {
    "issuer": "UBND",
    "authority": [{"collective": "ỦY BAN NHÂN DÂN"}, {"deputy": "CHỦ TỊCH"}],
    "position": "PHÓ CHỦ TỊCH",
    "signer": "Đầu Thanh Tùng",
}
PARTY_BLOCK: dict[str, Any] = {
    "issuer": "BTGTU",
    "body": "BAN TUYÊN GIÁO TỈNH ỦY",
    "position": "TRƯỞNG BAN",
    "signer": "Đào Xuân Yên",
}


def plan_with(state: dict[str, Any] | None = None, party: dict[str, Any] | None = None) -> Plan:
    """A joint plan within every rule, with the state and/or party block changed."""
    return plan_from_data(
        {
            "issuers": ISSUERS,
            "number": {"number": 3, "type": "KHPH"},
            "place": "Thanh Hoá",
            "date": "2023-03-03",
            "title": {"summary": "Kế hoạch phối hợp"},
            "signatures": [{**STATE_BLOCK, **(state or {})}, {**PARTY_BLOCK, **(party or {})}],
            "recipients": {"to": ["Ban Tuyên giáo Trung ương"], "archive": ["VT"]},
        }
    )


def profile_of(plan: Plan) -> Profile:
    return resolve_profile(None, plan)


def found(plan: Plan) -> list[tuple[str, str]]:
    """(field, message) of every finding for *plan* under its own profile."""
    return [(f.where, f.message) for f in check_plan(plan)]


def test_a_plan_within_the_rules_gets_no_warning() -> None:
    plan = plan_with()
    assert [s.issuer for s in plan.signatures] == ["UBND", "BTGTU"]
    assert found(plan) == []


# -- the example plans -------------------------------------------------------------------------


def test_thanh_hoa_gets_one_warning_about_t_m_before_a_ban(thanh_hoa: Plan) -> None:
    result = check_plan(thanh_hoa)
    assert len(result) == 1
    finding = result[0]
    assert isinstance(finding, Finding)
    assert finding.severity == "warning"
    assert finding.rule == "signature"
    assert finding.where == "signatures[1].authority[0]"
    assert "`T/M BAN TUYÊN GIÁO TỈNH ỦY`" in finding.message
    assert "without `T/M`" in finding.message
    assert "kept as written" in finding.message
    assert finding.source.startswith("HD36")
    warning = PlanWarning(finding)
    assert warning.field == finding.where and warning.rule == finding.rule == "signature"
    assert warning.source == finding.source
    assert str(warning) == f"{warning.field}: {warning.message} [{warning.source}]"


def test_phu_yen_gets_no_warning(phu_yen: Plan) -> None:
    assert check_plan(phu_yen) == []


@pytest.mark.parametrize("profile", ["nd30-2020", "hd36-2018"])
def test_the_ban_warning_under_either_profile(thanh_hoa: Plan, profile: str) -> None:
    result = check_plan(thanh_hoa, load_profile(profile))
    assert [f.where for f in result] == ["signatures[1].authority[0]"]


# -- collective signatures ---------------------------------------------------------------------


def test_a_ban_signing_directly_is_fine() -> None:
    assert found(plan_with(party={"body": "BAN TUYÊN GIÁO TỈNH ỦY"})) == []


def test_t_m_before_a_ban_warns() -> None:
    plan = plan_with(party={"body": None, "authority": [{"collective": "BAN TUYÊN GIÁO TỈNH ỦY"}]})
    result = found(plan)
    assert [field for field, _ in result] == ["signatures[1].authority[0]"]
    assert "`T/M BAN TUYÊN GIÁO TỈNH ỦY`" in result[0][1]


def test_the_ban_check_ignores_case() -> None:
    plan = plan_with(party={"body": None, "authority": [{"collective": "Ban Tuyên giáo Tỉnh ủy"}]})
    assert [field for field, _ in found(plan)] == ["signatures[1].authority[0]"]


def test_only_collective_authority_before_a_ban_warns() -> None:
    plan = plan_with(
        party={"authority": [{"by_order": "BAN TUYÊN GIÁO TỈNH ỦY"}], "position": "CHÁNH VĂN PHÒNG"}
    )
    assert found(plan) == []


@pytest.mark.parametrize("body", ["BAN THƯỜNG VỤ", "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH"])
def test_t_m_for_the_party_committee_itself_does_not_warn(body: str) -> None:
    plan = plan_with(
        party={"body": None, "authority": [{"collective": body}], "position": "BÍ THƯ"}
    )
    profile = profile_of(plan)
    advisory = [
        f.where
        for f in plan_findings(plan, profile)
        if f.source == profile.checks.source_collective
    ]
    assert advisory == []


def test_a_provincial_party_committee_plan_signed_by_its_standing_committee() -> None:
    plan = plan_from_data(
        {
            "issuers": [{"name": "TỈNH ỦY THANH HÓA", "kind": "party", "abbreviation": "TU"}],
            "number": {"number": 12, "type": "KH"},
            "place": "Thanh Hóa",
            "date": "2024-05-06",
            "title": {"summary": "Kế hoạch"},
            "signatures": [
                {
                    "authority": [{"collective": "BAN THƯỜNG VỤ"}],
                    "position": "BÍ THƯ",
                    "signer": "Nguyễn Văn A",
                }
            ],
            "recipients": {"to": ["Ban Bí thư Trung ương Đảng"], "archive": ["VP Tỉnh ủy"]},
        }
    )
    assert found(plan) == []


# -- deputy signatures -------------------------------------------------------------------------


def test_a_deputy_signing_as_the_head_warns() -> None:
    result = found(plan_with(state={"position": "CHỦ TỊCH"}))
    assert [field for field, _ in result] == ["signatures[0].position"]
    message = result[0][1]
    assert "`KT. CHỦ TỊCH`" in message
    assert "`CHỦ TỊCH`" in message
    assert "deputy" in message


def test_a_deputy_without_a_position_warns() -> None:
    result = found(plan_with(state={"position": None}))
    assert [field for field, _ in result] == ["signatures[0].position"]
    assert "(none)" in result[0][1]


@pytest.mark.parametrize("position", ["PHÓ CHỦ TỊCH", "Phó Chủ tịch", "PHÓ CHỦ TỊCH THƯỜNG TRỰC"])
def test_a_deputy_with_a_deputys_position_is_fine(position: str) -> None:
    assert found(plan_with(state={"position": position})) == []


def test_a_party_deputy_is_spelled_k_t() -> None:
    plan = plan_with(party={"authority": [{"deputy": "TRƯỞNG BAN"}], "position": "TRƯỞNG BAN"})
    result = found(plan)
    assert [field for field, _ in result] == ["signatures[1].position"]
    assert "`K/T TRƯỞNG BAN`" in result[0][1]


def test_warnings_come_in_document_order() -> None:
    plan = plan_with(
        state={"position": "CHỦ TỊCH"},
        party={"body": None, "authority": [{"collective": "BAN TUYÊN GIÁO TỈNH ỦY"}]},
    )
    assert [field for field, _ in found(plan)] == [
        "signatures[0].position",
        "signatures[1].authority[0]",
    ]


# -- render_plan issues them -------------------------------------------------------------------


def test_render_plan_issues_the_warnings(thanh_hoa: Plan) -> None:
    with pytest.warns(planforge.PlanWarning) as record:
        data = render_plan(thanh_hoa)
    assert data[:2] == b"PK"
    issued = [w for w in record if issubclass(w.category, PlanWarning)]
    assert len(issued) == 1
    warning = issued[0].message
    assert isinstance(warning, PlanWarning)
    assert warning.field == "signatures[1].authority[0]"
    # reported at the caller's line, not inside planforge
    assert issued[0].filename == __file__


def test_render_plan_issues_nothing_for_a_plan_within_the_rules(phu_yen: Plan) -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        data = render_plan(phu_yen)
    assert data[:2] == b"PK"
    assert [str(w.message) for w in record] == []


def test_render_plan_warns_for_a_deputy_under_the_head_position() -> None:
    plan = plan_with(state={"position": "CHỦ TỊCH"})
    with pytest.warns(PlanWarning, match=r"signatures\[0\]\.position: `KT\. CHỦ TỊCH`"):
        render_plan(plan)


# -- collective organs, merged bodies and the 2025 reorganisation ----------------------------


def _single(issuer: dict[str, Any], signature: dict[str, Any], **fields: Any) -> Plan:
    return plan_from_data(
        {
            "issuers": [issuer],
            "number": {"number": 5, "type": "KH"},
            "place": fields.pop("place", "Lâm Đồng"),
            "date": fields.pop("date", "2025-09-10"),
            "title": {"summary": "Kế hoạch"},
            "signatures": [signature],
            "recipients": {"to": ["Như trên"], "archive": ["VT"]},
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("issuer", "kind", "body"),
    [
        ("ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH LÂM ĐỒNG", "state", "BAN THƯỜNG TRỰC"),
        ("HỘI LIÊN HIỆP PHỤ NỮ TỈNH LÂM ĐỒNG", "state", "BAN THƯỜNG VỤ"),
        ("HỘI ĐỒNG NHÂN DÂN TỈNH LÂM ĐỒNG", "state", "THƯỜNG TRỰC HĐND"),
        ("ĐẠI HỘI ĐẢNG BỘ TỈNH LÂM ĐỒNG", "party", "ĐOÀN CHỦ TỊCH"),
        ("TỈNH ỦY LÂM ĐỒNG", "party", "BAN CHẤP HÀNH"),
    ],
)
def test_collective_organs_sign_tm_without_a_warning(issuer: str, kind: str, body: str) -> None:
    plan = _single(
        {"name": issuer, "kind": kind, "abbreviation": "X"},
        {"authority": [{"collective": body}], "position": "CHỦ TỊCH", "signer": "Nguyễn Văn A"},
    )
    assert found(plan) == []


def test_the_merged_ban_tuyen_giao_va_dan_van_is_known_by_its_symbol() -> None:
    plan = _single(
        {"name": "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY", "kind": "party", "abbreviation": "BTGDVTU"},
        {"authority": [{"deputy": "TRƯỞNG BAN"}], "position": "PHÓ TRƯỞNG BAN", "signer": "B"},
    )
    assert found(plan) == []
    # T/M before it: it is an advisory body (warned), but it is among the issuers (no second
    # warning), also when spelled by its symbol
    plan = plan.model_copy(
        update={
            "signatures": [
                plan.signatures[0].model_copy(
                    update={
                        "authority": [
                            planforge.Authority(type="collective", of="BTGDVTU"),
                        ]
                    }
                )
            ]
        }
    )
    assert [m for _, m in found(plan)] == [
        "`T/M BTGDVTU`: the head of an advisory body signs directly, without `T/M`; kept as written"
    ] or [f for f in found(plan) if "not among the issuers" in f[1]] == []


@pytest.mark.parametrize(
    ("field", "issuer", "place", "word"),
    [
        ("issuers[0].name", "UBND HUYỆN KRÔNG PẮC", "Đắk Lắk", "huyện"),
        ("issuers[0].name", "HUYỆN ỦY KRÔNG PẮC", "Đắk Lắk", "huyện"),
        ("issuers[0].name", "QUẬN ỦY QUẬN 1", "Thành phố Hồ Chí Minh", "quận"),
        ("issuers[0].name", "THỊ ỦY BUÔN HỒ", "Đắk Lắk", "thị ủy"),
        ("issuers[0].name", "UỶ BAN NHÂN DÂN THỊ XÃ BUÔN HỒ", "Đắk Lắk", "thị xã"),
        ("place", "UBND XÃ HÒA AN", "huyện Phú Hòa", "huyện"),
        ("issuers[0].parent", "BAN TUYÊN GIÁO", "Đắk Lắk", "huyện"),
    ],
)
def test_district_level_units_after_july_2025_are_warned_about(
    field: str, issuer: str, place: str, word: str
) -> None:
    data: dict[str, Any] = {"name": issuer, "kind": "state", "abbreviation": "X"}
    if field.endswith("parent"):
        data["parent"] = "HUYỆN ỦY KRÔNG PẮC"
    signature = {"position": "CHỦ TỊCH", "signer": "A"}
    plan = _single(data, signature, place=place, date="2025-07-01")
    result = check_plan(plan)
    assert [(f.where, f.rule) for f in result] == [(field, "reorganisation")]
    assert f"names a {word}-level unit" in result[0].message
    assert "01/07/2025" in result[0].message
    assert result[0].severity == "warning"
    # the day before, districts still existed: no warning
    before = _single(data, signature, place=place, date="2025-06-30")
    assert check_plan(before) == []


@pytest.mark.parametrize("name", ["BỘ CHỈ HUY QUÂN SỰ TỈNH ĐẮK LẮK", "SỞ XÂY DỰNG TỈNH ĐẮK LẮK"])
def test_words_that_only_look_like_district_names_are_not_warned_about(name: str) -> None:
    # QUÂN (military) is not QUẬN (an urban district): the tone and the vowel differ
    plan = _single(
        {"name": name, "kind": "state", "abbreviation": "X"},
        {"position": "CHỈ HUY TRƯỞNG", "signer": "A"},
    )
    assert check_plan(plan) == []


# -- prefixes a profile does not have --------------------------------------------------------


def test_a_party_signature_by_authorization_is_an_error_naming_the_choices() -> None:
    plan = plan_with(party={"body": None, "authority": [{"by_authorization": "TRƯỞNG BAN"}]})
    result = check_plan(plan, "hd05-2026")
    errors = [f for f in result if f.is_error]
    assert [(f.rule, f.where) for f in errors] == [("authority", "signatures[1].authority[0].type")]
    message = errors[0].message
    assert "`by_authorization` has no prefix in Party documents under hd05-2026" in message
    assert "`by_order` (T/L)" in message and "`deputy` (K/T)" in message
    # a render refuses it with the same words, exit status 2
    with pytest.raises(PlanInputError) as info:
        render_plan(plan, profile="hd05-2026")
    assert info.value.exit_code == 2
    assert info.value.field == "signatures[1].authority[0].type"
    assert "has no prefix in Party documents" in str(info.value)


def test_a_state_signature_by_authorization_is_fine() -> None:
    plan = plan_with(
        state={"authority": [{"by_authorization": "CHỦ TỊCH"}], "position": "CHÁNH VĂN PHÒNG"}
    )
    assert [f for f in check_plan(plan, "hd05-2026") if f.is_error] == []
    assert "TUQ. CHỦ TỊCH" in planforge.template_context(plan)["signatures"][0]["authority"]


# -- the profile's period ----------------------------------------------------------------------


def test_a_profile_not_in_force_on_the_plans_date_is_a_warning(phu_yen: Plan) -> None:
    result = check_plan(phu_yen, "hd05-2026")
    assert [(f.rule, f.where, f.severity) for f in result] == [("profile", "profile", "warning")]
    assert result[0].message == (
        "profile hd05-2026 applies to documents from 27/05/2026; this plan is dated "
        "23/02/2022; hd36-2018 is in force then"
    )


def test_a_draft_is_judged_on_the_day_it_is_rendered(phu_yen: Plan) -> None:
    draft = phu_yen.model_copy(update={"date": None, "year": 2022})
    result = check_plan(draft, "hd36-2018")
    assert [f.rule for f in result] == ["profile"]
    assert "a draft rendered on" in result[0].message
    assert check_plan(draft) == []  # the default is the profile in force today


def test_numbers_of_party_documents_run_through_a_term_not_a_year() -> None:
    for name in ("hd36-2018", "hd05-2026"):
        source = load_profile(name).checks.source_number
        assert "nhiệm kỳ" in source
        assert "theo năm" not in source


def test_a_parent_body_a_joint_plan_cannot_print_is_warned_of(phu_yen: Plan) -> None:
    plan = phu_yen
    issuers = [
        plan.issuers[0].model_copy(update={"parent": "TỈNH ỦY PHÚ YÊN"}),
        *plan.issuers[1:],
    ]
    alone = plan.model_copy(update={"issuers": issuers})
    found = [f for f in check_plan(alone) if f.where == "issuers[0].parent"]
    assert [f.severity for f in found] == ["warning"]
    assert "not printed: a joint plan shows a parent body once" in found[0].message
    shared = plan.model_copy(
        update={"issuers": [i.model_copy(update={"parent": "TỈNH ỦY"}) for i in plan.issuers]}
    )
    assert not [f for f in check_plan(shared) if f.where.endswith(".parent")]
