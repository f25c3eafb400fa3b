"""Authority lines written as they are printed (`TM. ỦY BAN NHÂN DÂN`, `K/T BÍ THƯ`) read as
their mappings, by the prefixes of the plan's profile for the kind of body that signs."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import docx
import pytest

from planforge import Plan, PlanInputError, PlanWarning, load_plan, render_plan
from planforge._loading import parse_plan

STATE = """\
issuers:
  - {name: ỦY BAN NHÂN DÂN TỈNH THANH HÓA, kind: state, abbreviation: UBND}
place: Thanh Hoá
date: 2024-05-06
title: {summary: Phối hợp năm 2024}
signatures:
  - authority: AUTHORITY
    position: PHÓ CHỦ TỊCH
    signer: Nguyễn Văn A
recipients: {to: [Như trên], archive: [VT]}
"""
PARTY = STATE.replace(
    "{name: ỦY BAN NHÂN DÂN TỈNH THANH HÓA, kind: state, abbreviation: UBND}",
    "{name: TỈNH ỦY THANH HÓA, kind: party, abbreviation: TU}",
).replace("PHÓ CHỦ TỊCH", "PHÓ BÍ THƯ")
JOINT = STATE.replace(
    "abbreviation: UBND}\n",
    "abbreviation: UBND}\n  - {name: BAN TUYÊN GIÁO TỈNH ỦY, kind: party, abbreviation: BTGTU}\n",
).replace(
    "recipients:",
    "  - authority: AUTHORITY2\n    position: PHÓ TRƯỞNG BAN\n    signer: Lê Văn B\nrecipients:",
)


def plan(template: str, authority: str, second: str = "[]", **kwargs: object) -> Plan:
    text = template.replace("AUTHORITY2", second).replace("AUTHORITY", authority)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlanWarning)
        return parse_plan(text, **kwargs)  # type: ignore[arg-type]


def document_text(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


STATE_MAPPING = "[{collective: ỦY BAN NHÂN DÂN}, {deputy: CHỦ TỊCH}]"
PARTY_MAPPING = "[{collective: BAN THƯỜNG VỤ}, {deputy: BÍ THƯ}]"


@pytest.mark.parametrize(
    "printed",
    [
        "[TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH]",
        "[TM.ỦY BAN NHÂN DÂN, KT.CHỦ TỊCH]",
        "[tm. ỦY BAN NHÂN DÂN, Kt. CHỦ TỊCH]",
        "[T/M ỦY BAN NHÂN DÂN, K/T CHỦ TỊCH]",
        "['  TM.  ỦY BAN NHÂN DÂN ', 'K/T   CHỦ TỊCH']",
    ],
)
def test_state_printed_forms_give_the_plan_of_the_mapping_form(printed: str) -> None:
    assert plan(STATE, printed) == plan(STATE, STATE_MAPPING)


@pytest.mark.parametrize(
    "printed",
    [
        "[T/M BAN THƯỜNG VỤ, K/T BÍ THƯ]",
        "[T/MBAN THƯỜNG VỤ, k/t BÍ THƯ]",
        "[TM. BAN THƯỜNG VỤ, KT. BÍ THƯ]",
    ],
)
def test_party_printed_forms_give_the_plan_of_the_mapping_form(printed: str) -> None:
    assert plan(PARTY, printed) == plan(PARTY, PARTY_MAPPING)


@pytest.mark.parametrize(
    ("printed", "kind"),
    [
        ("Q. CHỦ TỊCH", "acting"),
        ("TL. CHỦ TỊCH", "by_order"),
        ("T/L CHỦ TỊCH", "by_order"),
        ("TUQ. CHỦ TỊCH", "by_authorization"),
        ("tuq.CHỦ TỊCH", "by_authorization"),
    ],
)
def test_every_prefix_is_read(printed: str, kind: str) -> None:
    authority = plan(STATE, f"[{printed}]").signatures[0].authority[0]
    assert (authority.type.value, authority.of) == (kind, "CHỦ TỊCH")


def test_a_single_line_may_stand_without_a_list() -> None:
    assert plan(STATE, "KT. CHỦ TỊCH") == plan(STATE, "[{deputy: CHỦ TỊCH}]")


def test_printed_and_mapping_forms_mix_in_one_list() -> None:
    mixed = "[TM. ỦY BAN NHÂN DÂN, {deputy: CHỦ TỊCH}]"
    assert plan(STATE, mixed) == plan(STATE, STATE_MAPPING)


@pytest.mark.parametrize(
    ("template", "printed", "mapping"),
    [
        (STATE, "[TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH]", STATE_MAPPING),
        (PARTY, "[T/M BAN THƯỜNG VỤ, K/T BÍ THƯ]", PARTY_MAPPING),
    ],
)
def test_the_printed_form_renders_the_same_document(
    template: str, printed: str, mapping: str
) -> None:
    texts = document_text(render_plan(plan(template, printed)))
    assert texts == document_text(render_plan(plan(template, mapping)))
    joined = "\n".join(texts)
    assert printed.strip("[]").split(", ")[0] in joined


def test_the_profile_spells_the_prefix_whatever_the_plan_wrote() -> None:
    """`TM.` in a Party plan is read as collective, printed `T/M`, with a warning."""
    text = PARTY.replace("AUTHORITY", "[TM. BAN THƯỜNG VỤ, KT. BÍ THƯ]")
    with pytest.warns(PlanWarning) as caught:
        party = parse_plan(text)
    messages = [str(w.message) for w in caught]
    assert any(
        "signatures[0].authority[0]: `TM. BAN THƯỜNG VỤ` is printed `T/M BAN THƯỜNG VỤ`: Party "
        "documents under"
        in m
        and "spell this prefix `T/M`" in m
        for m in messages
    )
    joined = "\n".join(document_text(render_plan(party)))
    assert "T/M BAN THƯỜNG VỤ" in joined
    assert "TM. BAN" not in joined


def test_the_profiles_own_spelling_gives_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", PlanWarning)
        parse_plan(STATE.replace("AUTHORITY", "[TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH]"))
        parse_plan(PARTY.replace("AUTHORITY", "[T/M BAN THƯỜNG VỤ, K/T BÍ THƯ]"))


def test_each_block_reads_by_the_kind_of_its_body() -> None:
    joint = plan(JOINT, "[KT. CHỦ TỊCH]", "[K/T TRƯỞNG BAN]")
    assert joint == plan(JOINT, "[{deputy: CHỦ TỊCH}]", "[{deputy: TRƯỞNG BAN}]")
    with pytest.warns(PlanWarning, match=r"signatures\[1\]\.authority\[0\]: `KT\. TRƯỞNG BAN`"):
        parse_plan(JOINT.replace("AUTHORITY2", "[KT. TRƯỞNG BAN]").replace("AUTHORITY", "[]"))


def test_a_profile_the_plan_names_gives_its_spelling(tmp_path: Path) -> None:
    (tmp_path / "office.yaml").write_text(
        "extends: nd30-2020\nsignature:\n  prefixes:\n    state: {collective: THAY MẶT, "
        "deputy: KÝ THAY}\n",
        encoding="utf-8",
    )
    text = "profile: office.yaml\n" + STATE.replace("AUTHORITY", "[Ký thay CHỦ TỊCH]")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanInputError, match="has no authority prefix"):
        load_plan(path)  # a prefix without a dot or a slash is not read as one
    path.write_text(text.replace("Ký thay", "K/T"), encoding="utf-8")
    with pytest.warns(PlanWarning, match="spell this prefix `KÝ THAY`"):
        custom = load_plan(path)
    assert custom.signatures[0].authority[0].type.value == "deputy"
    assert "KÝ THAY CHỦ TỊCH" in "\n".join(document_text(render_plan(custom)))


def test_a_party_by_authorization_is_read_then_refused_by_the_profile(tmp_path: Path) -> None:
    """Party documents have no T/UQ: `TUQ.` reads as by_authorization (the spelling of the
    state profiles), and the render refuses it as it refuses the mapping form."""
    party = plan(PARTY, "[TUQ. BÍ THƯ]")
    assert party == plan(PARTY, "[{by_authorization: BÍ THƯ}]")
    with pytest.raises(Exception, match="has no prefix in Party documents"):
        render_plan(party)


@pytest.mark.parametrize(
    ("printed", "where", "words"),
    [
        (
            "[TM. ỦY BAN NHÂN DÂN, XY. ABC]",
            "signatures[0].authority[1] · line 7",
            ["`XY.` is not an authority prefix (in `XY. ABC`)", "`TM.` (collective: thay mặt)"],
        ),
        (
            "[ỦY BAN NHÂN DÂN]",
            "signatures[0].authority[0] · line 7",
            ["`ỦY BAN NHÂN DÂN` has no authority prefix", "e.g. `TM. ỦY BAN NHÂN DÂN`", "`body:`"],
        ),
        (
            "[TM ỦY BAN NHÂN DÂN]",
            "signatures[0].authority[0]",
            [
                "has no authority prefix: did you mean `TM. ỦY BAN NHÂN DÂN`?",
                "`KT.` (deputy: ký thay)",
                "`TUQ.`",
            ],
        ),
        ("['KT.']", "signatures[0].authority[0]", ["names no body or post after its prefix"]),
        ("XY. ABC", "signatures[0].authority · line 7", ["`XY.` is not an authority prefix"]),
    ],
)
def test_an_unreadable_authority_line_is_a_clear_error(
    printed: str, where: str, words: list[str]
) -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan(STATE.replace("AUTHORITY", printed), source="ke-hoach.yaml")
    error = info.value
    assert len(error.problems) == 1, str(error)  # not also "must be a mapping of fields"
    assert error.exit_code == 2
    assert f"ke-hoach.yaml: {where}" in str(error)
    for word in words:
        assert word in str(error)


def test_party_errors_name_the_party_prefixes() -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan(PARTY.replace("AUTHORITY", "[BAN THƯỜNG VỤ]"))
    message = str(info.value)
    assert "`T/M` (collective: thay mặt), `K/T` (deputy: ký thay)" in message
    assert "TUQ" not in message  # Party documents have none


def test_authority_errors_come_with_the_other_problems_in_file_order() -> None:
    text = STATE.replace("AUTHORITY", "[XY. ABC]").replace("2024-05-06", "2023-02-29")
    text = text.replace("recipients: {to: [Như trên]", "recipients: {to: [{name: X, y: 1}]")
    with pytest.raises(PlanInputError) as info:
        parse_plan(text)
    assert [p.field for p in info.value.problems] == [
        "date",
        "signatures[0].authority[0]",
        "recipients.to[0].y",
    ]


def test_a_collection_reads_printed_forms(tmp_path: Path) -> None:
    from planforge._bulk import load_collection

    base = STATE.replace("AUTHORITY", "[TM. ỦY BAN NHÂN DÂN]")
    indented = "".join(f"  {line}\n" for line in base.splitlines())
    path = tmp_path / "all.yaml"
    path.write_text(f"base:\n{indented}units:\n  - name: a\n", encoding="utf-8")
    (source,) = load_collection(path)
    assert source.plan == plan(STATE, "[{collective: ỦY BAN NHÂN DÂN}]")
