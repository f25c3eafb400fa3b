"""Profiles: the built-in rule sets, user profile files that extend them, and resolution."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import planforge
from planforge import (
    AuthorityType,
    IssuerKind,
    Plan,
    PlanInputError,
    Profile,
    ProfileError,
    builtin_profiles,
    load_profile,
    template_context,
)
from planforge._loading import plan_from_data
from planforge._profiles import STYLE_ROLES, default_profile, resolve_profile

BUILTIN = ["hd05-2026", "hd36-2018", "nd30-2020"]
PARTY = ["hd05-2026", "hd36-2018"]
PROFILE_DIR = Path(planforge.__file__).parent / "profiles"


def write(tmp_path: Path, name: str, data: dict[str, Any] | str) -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def profile_error(source: str | Path) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        load_profile(source)
    return info.value


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """{'a': {'b': 1}} -> {'a.b': 1}: every leaf of a dumped profile by its dotted path."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: data}


# -- the built-in profiles ---------------------------------------------------------------------


def test_builtin_profile_names() -> None:
    assert builtin_profiles() == BUILTIN
    assert sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")) == BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_profile_loads_with_every_style_role(name: str) -> None:
    profile = load_profile(name)
    assert isinstance(profile, Profile)
    assert profile.name == name
    assert set(STYLE_ROLES) <= set(profile.styles)
    for role in STYLE_ROLES:
        assert profile.style(role) is profile.styles[role]


@pytest.mark.parametrize("name", BUILTIN)
def test_page_and_font(name: str) -> None:
    profile = load_profile(name)
    page = profile.page
    assert (page.width_mm, page.height_mm) == (210, 297)
    assert 20 <= page.margin_top_mm <= 25
    assert 20 <= page.margin_bottom_mm <= 25
    assert 30 <= page.margin_left_mm <= 35
    assert 15 <= page.margin_right_mm <= 20
    assert profile.font == "Times New Roman"


@pytest.mark.parametrize("name", BUILTIN)
def test_text_sizes(name: str) -> None:
    styles = load_profile(name).styles
    assert 13 <= styles["body"].size <= 14
    assert styles["body"].align == "justify"
    assert styles["body"].first_line_indent_cm in (1.0, 1.27)
    assert styles["body"].space_after >= 6
    assert styles["place_date"].italic
    assert styles["issuer"].bold and not styles["parent"].bold
    assert styles["type_name"].bold and styles["summary"].bold
    assert styles["signer"].bold


def test_state_recipients_block() -> None:
    styles = load_profile("nd30-2020").styles
    label = styles["recipients_label"]
    assert (label.size, label.bold, label.italic, label.underline) == (12, True, True, False)
    assert styles["recipient"].size == 11
    assert load_profile("nd30-2020").recipients.archive == "Lưu: {holders}"


@pytest.mark.parametrize("name", PARTY)
def test_party_recipients_block(name: str) -> None:
    # Party practice: `Nơi nhận:` 14 pt upright underlined, lines 12 pt, `- Lưu Văn phòng ...`
    profile = load_profile(name)
    label = profile.styles["recipients_label"]
    assert (label.size, label.bold, label.italic, label.underline) == (14, False, False, True)
    assert profile.styles["recipient"].size == 12
    assert profile.recipients.archive == "Lưu {holders}"


def test_hd05_values() -> None:
    profile = load_profile("hd05-2026")
    assert profile.default_for == [IssuerKind.PARTY]
    assert str(profile.effective_from) == "2026-05-27" and profile.effective_to is None
    page = profile.page
    assert (page.margin_top_mm, page.margin_bottom_mm) == (20, 20)
    assert (page.margin_left_mm, page.margin_right_mm) == (30, 15)
    assert page.header_distance_mm == 10 and page.mirror_margins is False
    styles = profile.styles
    assert (styles["motto_1"].size, styles["motto_1"].bold) == (15, True)
    assert profile.header.motto_rule.fraction == 1.0
    assert (styles["parent"].size, styles["parent"].bold) == (14, False)
    assert (styles["issuer"].size, styles["issuer"].bold) == (14, True)
    assert profile.header.issuer_mark == "*"
    assert profile.number.template == "Số {number}-{type}/{symbols}" and profile.number.pad_to == 2
    assert (styles["place_date"].size, styles["place_date"].italic) == (14, True)
    assert 15 <= styles["type_name"].size <= 16 and styles["type_name"].bold
    assert 14 <= styles["summary"].size <= 15 and profile.title_format.summary_mark == "-----"
    body = styles["body"]
    assert 14 <= body.size <= 15 and body.align == "justify" and body.space_after >= 6
    assert body.first_line_indent_cm == 1.0
    assert body.line_spacing_pt is not None and 18 <= body.line_spacing_pt <= 22
    assert (styles["signature_authority"].size, styles["signature_authority"].bold) == (14, True)
    assert (styles["signature_position"].size, styles["signature_position"].bold) == (14, False)
    assert (styles["signer"].size, styles["signer"].bold) == (14, True)
    assert (styles["page_number"].size, styles["page_number"].align) == (14, "center")
    assert (styles["urgency"].size, styles["urgency"].bold) == (14, True)
    party = profile.signature.prefixes[IssuerKind.PARTY]
    assert set(party.values()) == {"T/M", "K/T", "T/L", "Q."}
    # every value of a secondary source is marked, and the file says where they come from
    text = (PROFILE_DIR / "hd05-2026.yaml").read_text(encoding="utf-8")
    assert text.count("(?)") >= 20
    assert all("(?)" in source for source in profile.audit.sources.values())


def test_profiles_know_when_they_are_in_force() -> None:
    hd36, hd05 = load_profile("hd36-2018"), load_profile("hd05-2026")
    assert hd36.effective_to is not None and hd05.effective_from is not None
    assert (hd05.effective_from - hd36.effective_to).days == 1  # no gap, no overlap
    assert hd36.in_force(datetime.date(2026, 2, 1)) and not hd05.in_force(datetime.date(2026, 2, 1))
    assert hd05.in_force(datetime.date(2026, 6, 15)) and not hd36.in_force(
        datetime.date(2026, 6, 15)
    )
    assert load_profile("nd30-2020").in_force(datetime.date(2026, 6, 15))


@pytest.mark.parametrize(
    ("kind", "day", "name"),
    [
        ("party", "2017-12-31", "hd36-2018"),  # before any: the earliest, with a warning
        ("party", "2022-02-23", "hd36-2018"),
        ("party", "2026-02-01", "hd36-2018"),
        ("party", "2026-05-26", "hd36-2018"),
        ("party", "2026-05-27", "hd05-2026"),
        ("party", "2026-06-15", "hd05-2026"),
        ("state", "2026-06-15", "nd30-2020"),
    ],
)
def test_the_default_profile_is_the_one_in_force(kind: str, day: str, name: str) -> None:
    assert default_profile(IssuerKind(kind), datetime.date.fromisoformat(day)).name == name


def test_state_profile_values() -> None:
    profile = load_profile("nd30-2020")
    assert profile.default_for == [IssuerKind.STATE, IssuerKind.ORGANISATION]
    assert profile.header.motto == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert profile.header.issuer_mark is None  # a line under the issuer, not a star
    assert profile.title_format.summary_mark is None
    assert profile.number.template == "Số: {number}/{type}-{symbols}"
    assert profile.number.template.format(number="05", type="KH", symbols="UBND") == (
        "Số: 05/KH-UBND"
    )
    assert profile.recipients.line_end == ";"
    assert profile.recipients.last_end == "."
    assert 12 <= profile.styles["motto_1"].size <= 13
    assert 13 <= profile.styles["motto_2"].size <= 14
    assert 13 <= profile.styles["type_name"].size <= 14


def test_party_profile_values() -> None:
    profile = load_profile("hd36-2018")
    assert profile.default_for == [IssuerKind.PARTY]
    assert profile.header.motto == ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert profile.header.issuer_mark == "*"
    assert profile.title_format.summary_mark == "-----"
    assert profile.number.template == "Số {number}-{type}/{symbols}"
    assert profile.number.template.format(number="04", type="KHPH", symbols="BTGTU-UBND") == (
        "Số 04-KHPH/BTGTU-UBND"
    )
    assert profile.recipients.line_end == ","
    assert profile.recipients.last_end == "."
    assert profile.recipients.archive == "Lưu {holders}"
    assert profile.styles["motto_1"].size == 15
    assert 15 <= profile.styles["type_name"].size <= 16
    assert profile.styles["issuer"].size == 14


@pytest.mark.parametrize("name", BUILTIN)
def test_signature_prefixes(name: str) -> None:
    prefixes = load_profile(name).signature.prefixes
    assert set(prefixes) == set(IssuerKind)
    assert set(prefixes[IssuerKind.STATE]) == set(AuthorityType)
    # Party documents have no T/UQ (thừa ủy quyền)
    assert set(prefixes[IssuerKind.PARTY]) == set(AuthorityType) - {AuthorityType.BY_AUTHORIZATION}
    state, party = prefixes[IssuerKind.STATE], prefixes[IssuerKind.PARTY]
    assert state[AuthorityType.COLLECTIVE] == "TM."
    assert state[AuthorityType.DEPUTY] == "KT."
    assert state[AuthorityType.ACTING] == "Q."
    assert state[AuthorityType.BY_ORDER] == "TL."
    assert state[AuthorityType.BY_AUTHORIZATION] == "TUQ."
    assert party[AuthorityType.COLLECTIVE] == "T/M"
    assert party[AuthorityType.DEPUTY] == "K/T"
    assert party[AuthorityType.BY_ORDER] == "T/L"


# -- user profile files ------------------------------------------------------------------------


def test_a_user_profile_overrides_nested_values_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "wide.yaml",
        "extends: nd30-2020\npage:\n  margin_left_mm: 35\nstyles:\n  body:\n    size: 13\n",
    )
    base = load_profile("nd30-2020")
    derived = load_profile(path)
    assert derived.page.margin_left_mm == 35
    assert derived.styles["body"].size == 13
    # the other values of the same maps are kept
    assert derived.page.margin_right_mm == base.page.margin_right_mm
    assert derived.styles["body"].first_line_indent_cm == base.styles["body"].first_line_indent_cm
    assert derived.styles["body"].align == base.styles["body"].align
    # and nothing else changed but the name and the automatic choice by issuer kind
    before, after = flatten(base.model_dump(mode="json")), flatten(derived.model_dump(mode="json"))
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert changed == {"page.margin_left_mm", "styles.body.size", "name", "default_for"}
    assert derived.name == "nd30-2020+wide"
    assert derived.default_for == []
    assert base.page.margin_left_mm == 30  # the built-in one is untouched


def test_a_user_profile_may_keep_its_own_name_and_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.yaml",
        {"extends": "hd36-2018", "name": "tinh-uy-2026", "default_for": "party", "font": "Arial"},
    )
    profile = load_profile(path)
    assert profile.name == "tinh-uy-2026"
    assert profile.default_for == [IssuerKind.PARTY]
    assert profile.font == "Arial"
    assert profile.header.motto == ["ĐẢNG CỘNG SẢN VIỆT NAM"]


def test_a_json_profile_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"extends": "nd30-2020", "recipients": {"line_end": ","}}))
    profile = load_profile(path)
    assert profile.recipients.line_end == ","
    assert profile.recipients.last_end == "."
    assert profile.recipients.label == "Nơi nhận:"


def test_a_profile_file_by_string_path(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", {"extends": "nd30-2020", "page": {"margin_top_mm": 25}})
    assert load_profile(str(path)).page.margin_top_mm == 25


def test_a_complete_profile_file_needs_no_extends(tmp_path: Path) -> None:
    data = yaml.safe_load((PROFILE_DIR / "nd30-2020.yaml").read_text(encoding="utf-8"))
    data["name"] = "standalone"
    profile = load_profile(write(tmp_path, "standalone.yaml", data))
    assert profile.name == "standalone"
    assert profile.page == load_profile("nd30-2020").page


def test_unknown_extends_is_a_profile_error(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", {"extends": "nd31-2021"})
    error = profile_error(path)
    assert error.exit_code == 2
    assert error.file == path
    assert error.field == "extends"
    assert "nd31-2021" in str(error)
    assert "hd36-2018, nd30-2020" in str(error)


@pytest.mark.parametrize("source", ["nd99-2099", "missing.yaml"])
def test_a_missing_file_or_unknown_name_is_a_profile_error(source: str) -> None:
    error = profile_error(source)
    assert error.exit_code == 2
    assert error.file == Path(source)
    assert str(error).startswith(source)
    assert "no built-in profile and no file" in str(error)


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        ({"page": {"margin_left_mm": -5}}, "page.margin_left_mm", "greater than or equal to 0"),
        ({"styles": {"body": {"size": "big"}}}, "styles.body.size", "valid number"),
        ({"styles": {"body": {"size": 0}}}, "styles.body.size", "greater than 0"),
        ({"styles": {"body": {"colour": "red"}}}, "styles.body.colour", "Extra inputs"),
        ({"header": {"left_width": 1.5}}, "header.left_width", "less than 0.9"),
        ({"numbering": {"letters": []}}, "numbering.letters", "at least 1 item"),
        ({"bogus": 1}, "bogus", "Extra inputs"),
    ],
)
def test_an_invalid_value_names_the_file_and_field(
    tmp_path: Path, override: dict[str, Any], field: str, words: str
) -> None:
    path = write(tmp_path, "bad.yaml", {"extends": "nd30-2020", **override})
    error = profile_error(path)
    assert error.exit_code == 2
    assert error.file == path
    assert error.field == field
    assert str(error).startswith(f"{path}: {field}: ")
    assert words in str(error)


def test_several_invalid_values_are_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        {"extends": "nd30-2020", "page": {"margin_left_mm": -1, "margin_right_mm": -1}},
    )
    assert "(and 1 more problem)" in str(profile_error(path))


def test_a_profile_missing_a_style_role_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((PROFILE_DIR / "nd30-2020.yaml").read_text(encoding="utf-8"))
    del data["styles"]["recipients_label"]
    del data["styles"]["signer"]
    error = profile_error(write(tmp_path, "partial.yaml", data))
    assert error.field == "styles"
    assert "signer" in str(error) and "recipients_label" in str(error)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("- extends\n- nd30-2020\n", "must be a mapping"),
        ("extends: [nd30-2020\n", "cannot read the profile"),
    ],
)
def test_an_unreadable_profile_file(tmp_path: Path, content: str, words: str) -> None:
    path = write(tmp_path, "odd.yaml", content)
    error = profile_error(path)
    assert error.file == path
    assert words in str(error)


def test_a_style_that_is_not_there() -> None:
    with pytest.raises(ProfileError, match="no style for 'footnote'"):
        load_profile("nd30-2020").style("footnote")


# -- choosing the profile of a render ----------------------------------------------------------


def _plan(first_kind: str, profile: str | None = None) -> Plan:
    other = "party" if first_kind == "state" else "state"
    data: dict[str, Any] = {
        "issuers": [
            {"name": "CƠ QUAN MỘT", "kind": first_kind, "abbreviation": "CQ1"},
            {"name": "CƠ QUAN HAI", "kind": other, "abbreviation": "CQ2"},
        ],
        "number": {"number": 7, "type": "KHPH"},
        "place": "Huế",
        "date": "2024-05-06",
        "title": {"summary": "Kế hoạch"},
        "signatures": [{"signer": "A"}, {"signer": "B"}],
    }
    if profile is not None:
        data["profile"] = profile
    return plan_from_data(data)


@pytest.mark.parametrize(("kind", "name"), [("state", "nd30-2020"), ("party", "hd36-2018")])
def test_resolve_by_the_first_issuer_kind(kind: str, name: str) -> None:
    assert resolve_profile(None, _plan(kind)).name == name
    assert template_context(_plan(kind))["profile"]["name"] == name


@pytest.mark.parametrize(
    ("day", "name"), [("2026-02-01", "hd36-2018"), ("2026-06-15", "hd05-2026")]
)
def test_resolve_by_the_plans_date(day: str, name: str) -> None:
    plan = _plan("party").model_copy(update={"date": datetime.date.fromisoformat(day)})
    assert resolve_profile(None, plan).name == name


def test_a_draft_gets_the_profile_in_force_today() -> None:
    draft = _plan("party").model_copy(update={"date": None, "year": 2018})
    assert (
        resolve_profile(None, draft).name
        == default_profile(IssuerKind.PARTY, datetime.date.today()).name
    )


def test_resolve_by_the_plans_profile() -> None:
    assert resolve_profile(None, _plan("state", "hd36-2018")).name == "hd36-2018"
    context = template_context(_plan("state", profile="hd36-2018"))
    assert context["profile"]["name"] == "hd36-2018"
    assert context["header"]["number"] == "Số 07-KHPH/CQ1-CQ2"


def test_an_explicit_profile_wins(tmp_path: Path) -> None:
    user = write(tmp_path, "u.yaml", {"extends": "nd30-2020", "recipients": {"line_end": ","}})
    party = load_profile("hd36-2018")
    assert resolve_profile(party, _plan("state", "nd30-2020")) is party
    assert resolve_profile("nd30-2020", _plan("party", "hd36-2018")).name == "nd30-2020"
    assert resolve_profile(user, _plan("party", "hd36-2018")).name == "nd30-2020+u"
    plan = _plan("party", profile="hd36-2018")
    assert template_context(plan, profile="nd30-2020")["header"]["number"] == (
        "Số: 07/KHPH-CQ1-CQ2"
    )
    assert template_context(plan, profile=user)["profile"]["name"] == "nd30-2020+u"


def test_a_plan_naming_an_unknown_profile() -> None:
    # refused when the plan is loaded, naming the field
    with pytest.raises(PlanInputError) as loaded:
        _plan("state", profile="nd31-2021")
    assert loaded.value.field == "profile"
    assert "nd31-2021" in str(loaded.value)
    assert loaded.value.exit_code == 2
    # and when a Plan built in Python is rendered
    plan = _plan("state").model_copy(update={"profile": "nd31-2021"})
    with pytest.raises(ProfileError) as info:
        template_context(plan)
    assert info.value.field == "profile"
    assert "nd31-2021" in str(info.value)
    assert info.value.exit_code == 2


def test_a_profile_file_giving_a_field_twice_is_refused_with_its_lines(tmp_path: Path) -> None:
    from planforge import ProfileError, load_profile

    path = tmp_path / "office.yaml"
    path.write_text("extends: nd30-2020\nfont: Times New Roman\nfont: Arial\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert "line 3: cannot read the profile: `font` is given twice (lines 2 and 3)" in str(
        caught.value
    )
