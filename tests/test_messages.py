"""Messages for the slips of clerks who rarely type YAML: each names the file, the line or the
field, and says how to fix it (the words of the advice are what these tests check)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from planforge import PlanInputError, PlanWarning, load_plan
from planforge._cli import generate_plan
from planforge._loading import parse_plan
from planforge._text import mojibake_repair, name_encoding

from .test_errors_doc import MINIMAL

SIGNED = "signatures: [{signer: Nguyễn Văn A}]"


def run(folder: Path, content: str | bytes, *extra: str, name: str = "plan.yaml") -> Result:
    """`generate-plan` of a plan file holding *content*, as the CLI runs it."""
    plan = folder / name
    if isinstance(content, str):
        plan.write_text(content, encoding="utf-8")
    else:
        plan.write_bytes(content)
    out = folder / "out.docx"
    return CliRunner().invoke(generate_plan, [str(plan), "-o", str(out), *extra])


def refused(folder: Path, content: str | bytes, *extra: str, name: str = "plan.yaml") -> str:
    result = run(folder, content, *extra, name=name)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(folder / name) in result.stderr  # every message names the file
    assert not (folder / "out.docx").exists()
    return result.stderr


def mojibake(text: str) -> str:
    """*text* as UTF-8 read as Windows-1252, as Windows does (undefined bytes as U+0081 ...)."""
    return "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
        for b in text.encode("utf-8")
    )


# -- a colon inside a text -----------------------------------------------------------------------


def test_a_text_holding_colon_space_after_a_field_is_shown_quoted(tmp_path: Path) -> None:
    text = MINIMAL + "preamble: Căn cứ Kế hoạch số 12, như sau: triển khai\n"
    err = refused(tmp_path, text)
    assert "line 8" in err
    assert "the text holds `: `" in err
    assert 'preamble: "Căn cứ Kế hoạch số 12, như sau: triển khai"' in err
    assert "`>-`" in err
    assert "mapping values are not allowed" not in err


def test_a_list_item_holding_two_colons_is_shown_quoted(tmp_path: Path) -> None:
    text = MINIMAL + "parts:\n  - title: A\n    items:\n      - Mục đích: Nâng cao: chất lượng\n"
    err = refused(tmp_path, text)
    assert "line 11" in err
    assert '`- "Mục đích: Nâng cao: chất lượng"`' in err


def test_a_text_field_holding_colon_space_is_shown_quoted(tmp_path: Path) -> None:
    text = MINIMAL + "parts:\n  - title: A\n    items:\n      - text: Mục đích: Nâng cao\n"
    err = refused(tmp_path, text)
    assert '`- text: "Mục đích: Nâng cao"`' in err


def test_a_text_with_double_quotes_is_shown_in_single_quotes(tmp_path: Path) -> None:
    text = MINIMAL + 'preamble: Chương trình "Ngày hội": năm 2024: tổ chức\n'
    err = refused(tmp_path, text)
    assert """`preamble: 'Chương trình "Ngày hội": năm 2024: tổ chức'`""" in err


def test_a_text_going_on_over_lines_gets_the_folded_form(tmp_path: Path) -> None:
    text = MINIMAL + "preamble: Căn cứ Kế hoạch số 12\n  của UBND tỉnh như sau: triển khai\n"
    err = refused(tmp_path, text)
    assert "line 9" in err
    assert "write `preamble: >-` and the text on the lines below it" in err


def test_a_colon_inside_braces_is_shown_quoted(tmp_path: Path) -> None:
    err = refused(tmp_path, MINIMAL.replace("Phối hợp năm 2024", "Phối hợp: năm 2024"))
    assert '`title: {summary: "Phối hợp: năm 2024"}`' in err


@pytest.mark.parametrize(
    ("old", "new", "field", "fixed"),
    [
        (
            "archive: [VT]}",
            "archive: [VT]}\nparts:\n  - title: A\n    items:\n      - Mục đích: Nâng cao",
            "parts[0].items[0] · line 11",
            '`- "Mục đích: Nâng cao"`',
        ),
        (
            "archive: [VT]}",
            "archive: [VT]}\npreamble:\n  - Căn cứ: Luật số 5",
            "preamble[0] · line 9",
            '`- "Căn cứ: Luật số 5"`',
        ),
        ("to: [Như trên]", "to: [Như trên: để biết]", "recipients.to[0]", "Như trên: để biết"),
        ("{signer: Nguyễn Văn A}", "{Nguyễn Văn A: ký}", "signatures[0]", "Nguyễn Văn A: ký"),
        (
            "title: {summary: Phối hợp năm 2024}",
            "title:\n  summary:\n    - Kế hoạch: phối hợp",
            "title.summary[0]",
            '`- "Kế hoạch: phối hợp"`',
        ),
        ("place: Hà Nội", "place:\n  Hà Nội: phường Ba Đình", "place", '`place: "Hà Nội: '),
    ],
)
def test_a_text_read_as_a_one_key_mapping_is_one_problem_with_the_fix(
    tmp_path: Path, old: str, new: str, field: str, fixed: str
) -> None:
    err = refused(tmp_path, MINIMAL.replace(old, new))
    assert "problems:" not in err  # one problem: not also "missing `signer`" and the like
    assert field in err
    assert "was read as a field name: put the text in quotes" in err
    assert fixed in err
    assert "unknown field" not in err


def test_a_field_name_is_still_an_unknown_field(tmp_path: Path) -> None:
    err = refused(tmp_path, MINIMAL.replace("{signer: Nguyễn Văn A}", "{signer: A, Title: X}"))
    assert "unknown field `Title`; did you mean `title`?" not in err  # not a signature field
    assert "the text holds" not in err
    err = refused(tmp_path, MINIMAL + "parts:\n  - title: A\n    items:\n      - Title: X\n")
    assert "unknown field `Title`; did you mean `title`?" in err


# -- tabs, empty files -----------------------------------------------------------------------------


def test_a_tab_names_its_line_and_column_and_the_other_tabbed_lines(tmp_path: Path) -> None:
    text = "issuers:\n\t- name: A\n\t  kind: state\nplace: Huế\n"
    err = refused(tmp_path, text)
    assert "line 2, column 1: the file uses a tab" in err
    assert "YAML indents with spaces only" in err
    assert "(line 3 also starts with a tab)" in err
    assert "cannot start any token" not in err


def test_a_tab_after_the_spaces_is_located_at_the_tab(tmp_path: Path) -> None:
    err = refused(tmp_path, "issuers:\n  - name: A\n  \tkind: state\n")
    assert "line 3, column 3: the file uses a tab" in err


@pytest.mark.parametrize(
    ("name", "content"),
    [("plan.yaml", ""), ("plan.yaml", "# kế hoạch\n\n  # sau\n"), ("plan.json", " \n")],
)
def test_an_empty_file_says_how_a_plan_starts(tmp_path: Path, name: str, content: str) -> None:
    err = refused(tmp_path, content, name=name)
    assert "is empty" in err
    assert "a plan starts like this:" in err
    assert "issuers:" in err
    assert "must be a mapping" not in err


# -- encodings -------------------------------------------------------------------------------------


def test_a_windows_1258_file_is_named(tmp_path: Path) -> None:
    # as Notepad saves it in "ANSI" on a Vietnamese Windows: letters, then tone marks
    raw = "place: Hà Nội\ntitle: {summary: Kế hoạch năm 2024}\n".encode("cp1258", "replace")
    raw = raw.replace(b"N?i", b"N\xf4\xf2i").replace(b"K? ho?ch", b"K\xea\xec hoa\xf2ch")
    assert name_encoding(raw) == "Windows-1258"
    err = refused(tmp_path, raw)
    assert "Windows Vietnamese code page (Windows-1258), not UTF-8" in err
    assert "save it again with File > Save As, Encoding: UTF-8" in err
    assert "line 1, column 9" in err


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named(tmp_path: Path, codec: str) -> None:
    err = refused(tmp_path, MINIMAL.encode(codec))
    assert "is saved as UTF-16" in err
    assert "Encoding: UTF-8" in err


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_with_a_byte_order_mark_is_read_with_a_warning(tmp_path: Path, codec: str) -> None:
    result = run(tmp_path, MINIMAL.encode(codec))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr
    assert f"is saved as {codec.upper()}" in result.stderr
    assert "save it as UTF-8" in result.stderr
    with pytest.warns(PlanWarning, match=f"is saved as {codec.upper()}"):
        plan = load_plan(tmp_path / "plan.yaml")
    assert plan.place == "Hà Nội"


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("KÕ ho¹ch phèi hîp n¨m 2024".encode("cp1252"), "TCVN3 (ABC) encoding of the .VnTime"),
        ("Keá hoaïch phoái hôïp naêm 2024".encode("cp1252"), "VNI encoding of the VNI-Times"),
    ],
)
def test_a_legacy_vietnamese_file_is_named(tmp_path: Path, raw: bytes, named: str) -> None:
    err = refused(tmp_path, b"place: Hue\ntitle: {summary: " + raw + b"}\n")
    assert named in err
    assert "UniKey's converter" in err


def test_utf8_read_as_windows_1252_is_recognised_and_repaired(tmp_path: Path) -> None:
    damaged = mojibake("SỞ Y TẾ")
    assert damaged == "Sá»ž Y Táº¾"
    assert mojibake_repair(damaged) == "SỞ Y TẾ"
    err = refused(tmp_path, MINIMAL.replace("SỞ Y TẾ", damaged))
    assert "issuers[0].name · line 2" in err
    assert "opened in the wrong encoding (UTF-8 read as Windows-1252)" in err
    assert "it should read `SỞ Y TẾ`" in err
    assert "TCVN3" not in err  # what it used to be taken for


def test_mojibake_with_c1_controls_is_repaired_line_by_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("Hà Nội", mojibake("Đắk Lắk")).replace("Như trên", mojibake("Ý kiến"))
    for extra in ((), ("--remove-invalid-chars",)):
        err = refused(tmp_path, text, *extra)
        assert "line 3: `place: Ä\\x90áº¯k Láº¯k`" in err
        assert "it should read `place: Đắk Lắk`" in err
        assert "it should read `recipients: {to: [Ý kiến], archive: [VT]}`" in err
        assert err.index("line 3:") < err.index("line 7:")


def test_mojibake_in_python_data_is_recognised() -> None:
    data = {**_data(), "place": mojibake("Thanh Hoá")}
    with pytest.raises(PlanInputError, match="it should read `Thanh Hoá`"):
        parse_plan(data)


def test_legacy_detection_still_finds_tcvn3_and_vni() -> None:
    from planforge._text import legacy_encoding

    assert legacy_encoding("KÕ ho¹ch phèi hîp") == "TCVN3"
    assert legacy_encoding("Keá hoaïch phoái hôïp") == "VNI"
    assert legacy_encoding(mojibake("Kế hoạch phối hợp")) == "UTF-8 read as Windows-1252"
    assert legacy_encoding("Kế hoạch phối hợp") is None
    # only a repair into Vietnamese letters counts: `Â¡` is not `¡` damaged
    assert [mojibake_repair(t) for t in ("Â¡", "CÔ”", "Café", "Thanh HoÃ¡")] == [
        None,
        None,
        None,
        "Thanh Hoá",
    ]


# -- --remove-invalid-chars removes every character it names ---------------------------------------


@pytest.mark.parametrize("char", ["\x7f", "\x80", "\x81", "\x9f", "\x0b"])
def test_remove_invalid_chars_removes_what_it_names(tmp_path: Path, char: str) -> None:
    text = MINIMAL.replace("place: Hà Nội", f'place: "Hà{char} Nội"')
    err = refused(tmp_path, text)
    assert f"U+{ord(char):04X}" in err
    assert "--remove-invalid-chars" in err
    result = run(tmp_path, text, "--remove-invalid-chars")
    assert result.exit_code == 0, result.output
    assert f"removed characters a Word document cannot hold (U+{ord(char):04X})" in result.stderr
    assert "line 3" in result.stderr


# -- several problems: in the order of the file -------------------------------------------------


def test_problems_are_listed_in_file_order(tmp_path: Path) -> None:
    text = MINIMAL.replace("kind: state", "kind: stat").replace(
        "date: 2024-05-06", "date: 2023-02-29"
    )
    text = text.replace("{signer: Nguyễn Văn A}", '{signer: "  "}') + "closing: [x, {a: 1}]\n"
    text = text.replace("place: Hà Nội\n", "") + "place: [Hà Nội]\n"
    err = refused(tmp_path, text)
    listed = [line for line in err.splitlines() if line.startswith("  - ")]
    numbers = [int(line.split(" · line ")[1].split(":")[0]) for line in listed]
    assert len(numbers) >= 4
    assert numbers == sorted(numbers)


def test_problems_from_python_data_without_lines_keep_their_order() -> None:
    data = {**_data(), "place": 5, "date": "x"}
    with pytest.raises(PlanInputError) as info:
        parse_plan(data)
    assert [p.field for p in info.value.problems] == ["place", "date"]


# -- parse_plan --------------------------------------------------------------------------------


def _data() -> dict[str, object]:
    from planforge._yaml import load_yaml

    data = load_yaml(MINIMAL)
    assert isinstance(data, dict)
    return data


def test_parse_plan_reads_a_mapping_text_and_bytes_alike(tmp_path: Path) -> None:
    from_file = load_plan(_write(tmp_path, MINIMAL))
    assert parse_plan(_data()) == from_file
    assert parse_plan(MINIMAL) == from_file
    assert parse_plan(MINIMAL.encode("utf-8")) == from_file
    assert parse_plan(json.dumps(_data(), ensure_ascii=False), source="p.json") == from_file


def _write(folder: Path, text: str) -> Path:
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_plan_errors_carry_source_field_and_line() -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan(MINIMAL.replace("2024-05-06", "2023-02-29"), source="ke-hoach.yaml")
    error = info.value
    assert str(error).startswith("ke-hoach.yaml: date · line 4: 2023-02-29 does not exist")
    assert (error.field, error.line, error.exit_code) == ("date", 4, 2)
    with pytest.raises(PlanInputError, match=r"^<plan>: line 8, column \d+: the text holds"):
        parse_plan(MINIMAL + "preamble: Căn cứ: như sau: x\n")
    with pytest.raises(PlanInputError, match=r"^<plan>: is empty"):
        parse_plan(b"# nothing\n")
    with pytest.raises(PlanInputError, match="Windows-1258"):
        parse_plan("place: Hà Nội, Việt Nam\n".encode("cp1258", "replace"))
    with pytest.raises(PlanInputError, match="invalid JSON"):
        parse_plan("{place: x}", source="p.json")


def test_parse_plan_refuses_data_that_holds_itself() -> None:
    data = _data()
    data["parts"] = [{"title": "A", "items": []}]
    data["parts"][0]["items"].append(data["parts"][0])  # type: ignore[index]
    with pytest.raises(PlanInputError, match="refers to itself"):
        parse_plan(data)


def test_parse_plan_reads_a_profile_file_beside_its_source(tmp_path: Path) -> None:
    (tmp_path / "office.yaml").write_text("extends: nd30-2020\n", encoding="utf-8")
    plan = parse_plan("profile: office.yaml\n" + MINIMAL, source=tmp_path / "plan.yaml")
    assert plan.profile_file() == (tmp_path / "office.yaml").resolve()
    with pytest.raises(PlanInputError, match=r"no profile file `office\.yaml`"):
        parse_plan("profile: office.yaml\n" + MINIMAL, source=tmp_path / "other" / "plan.yaml")


def test_parse_plan_warns_nothing_for_a_plain_plan() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_plan(MINIMAL)
