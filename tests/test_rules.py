"""plan_warnings: deviations the user may intend are reported (as PlanWarning), never refused."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import planforge
from planforge import Plan, PlanWarning, load_profile, render_plan
from planforge._loading import plan_from_data
from planforge._profiles import Profile, resolve_profile
from planforge._rules import plan_warnings

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
    return resolve_profile(None, plan.profile, plan.issuers[0].kind)


def found(plan: Plan) -> list[tuple[str, str]]:
    """(field, message) of every warning for *plan* under its own profile."""
    return [(w.field, w.message) for w in plan_warnings(plan, profile_of(plan))]


def test_a_plan_within_the_rules_gets_no_warning() -> None:
    plan = plan_with()
    assert [s.issuer for s in plan.signatures] == ["UBND", "BTGTU"]
    assert found(plan) == []


# -- the example plans -------------------------------------------------------------------------


def test_thanh_hoa_gets_one_warning_about_t_m_before_a_ban(thanh_hoa: Plan) -> None:
    result = plan_warnings(thanh_hoa, profile_of(thanh_hoa))
    assert len(result) == 1
    warning = result[0]
    assert isinstance(warning, PlanWarning)
    assert warning.field == "signatures[1].authority[0]"
    assert "`T/M BAN TUYÊN GIÁO TỈNH ỦY`" in warning.message
    assert "without `T/M`" in warning.message
    assert "kept as written" in warning.message
    assert warning.rule.startswith("HD36")
    assert str(warning) == f"{warning.field}: {warning.message} [{warning.rule}]"


def test_phu_yen_gets_no_warning(phu_yen: Plan) -> None:
    assert plan_warnings(phu_yen, profile_of(phu_yen)) == []


@pytest.mark.parametrize("profile", ["nd30-2020", "hd36-2018"])
def test_the_ban_warning_under_either_profile(thanh_hoa: Plan, profile: str) -> None:
    result = plan_warnings(thanh_hoa, load_profile(profile))
    assert [w.field for w in result] == ["signatures[1].authority[0]"]


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
        w.field for w in plan_warnings(plan, profile) if w.rule == profile.checks.source_collective
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
