"""The command line, in-process: outputs, exit statuses, messages, and nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document

from planforge import _cli

from .conftest import EXAMPLES

PHU_YEN = EXAMPLES / "phu-yen-2022.yaml"
THANH_HOA = EXAMPLES / "thanh-hoa-2023.yaml"


def generate(*args: str | Path) -> Result:
    return CliRunner().invoke(_cli.generate_plan, [str(a) for a in args], catch_exceptions=False)


def planforge(*args: str | Path) -> Result:
    return CliRunner().invoke(_cli.planforge, [str(a) for a in args], catch_exceptions=False)


def _text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def test_default_output_is_the_plan_name_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = generate(PHU_YEN)
    assert result.exit_code == 0, result.output
    out = tmp_path / "phu-yen-2022.docx"
    assert "Số 04-KHPH/BTGTU-UBND" in _text(out)
    assert "wrote phu-yen-2022.docx" in result.stderr


def test_existing_output_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "plan.docx"
    out.write_bytes(b"precious")
    result = generate(PHU_YEN, "-o", out)
    assert result.exit_code == 2
    assert "exists already" in result.stderr and "--force" in result.stderr
    assert out.read_bytes() == b"precious"
    assert generate(PHU_YEN, "-o", out, "--force").exit_code == 0
    assert "Bùi Thanh Toàn" in _text(out)


def test_warnings_are_printed_and_do_not_fail(tmp_path: Path) -> None:
    result = generate(THANH_HOA, "-o", tmp_path / "th.docx")
    assert result.exit_code == 0
    assert "warning:" in result.stderr
    assert "T/M BAN TUYÊN GIÁO TỈNH ỦY" in result.stderr
    assert "signatures[1].authority[0]" in result.stderr


def test_missing_plan_file_is_bad_input(tmp_path: Path) -> None:
    result = generate(tmp_path / "nope.yaml", "-o", tmp_path / "x.docx")
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr and "cannot read" in result.stderr
    assert not (tmp_path / "x.docx").exists()


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("issuers:\n  - name: A\n    kind: [state\n", encoding="utf-8")
    result = generate(bad, "-o", tmp_path / "bad.docx")
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr and "line " in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "bad.docx").exists()


def test_validation_error_names_the_field_path_and_line(tmp_path: Path) -> None:
    text = PHU_YEN.read_text(encoding="utf-8").replace("signer: Lê Tấn Hổ", "signr: Lê Tấn Hổ")
    bad = tmp_path / "plan.yaml"
    bad.write_text(text, encoding="utf-8")
    result = generate(bad, "-o", tmp_path / "plan.docx")
    assert result.exit_code == 2
    line = 1 + text.splitlines().index(next(x for x in text.splitlines() if "signr:" in x))
    assert "signatures[0].signr" in result.stderr
    assert "did you mean `signer`?" in result.stderr
    assert f"line {line}" in result.stderr
    assert not (tmp_path / "plan.docx").exists()


def test_wrong_suffix_and_usage_errors_exit_2(tmp_path: Path) -> None:
    txt = tmp_path / "plan.txt"
    txt.write_text("x", encoding="utf-8")
    assert generate(txt).exit_code == 2
    assert generate("--no-such-option").exit_code == 2
    assert generate().exit_code == 2


def test_profile_by_name_and_by_file(tmp_path: Path) -> None:
    out = tmp_path / "party.docx"
    assert generate(THANH_HOA, "-o", out, "--profile", "hd36-2018").exit_code == 0
    text = _text(out)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "/KHPH-UBND-BTGTU" not in text
    custom = tmp_path / "office.yaml"
    custom.write_text(
        'extends: nd30-2020\nnumber: {template: "Số: {number}/{type}.{symbols}"}\n',
        encoding="utf-8",
    )
    out2 = tmp_path / "custom.docx"
    assert generate(PHU_YEN, "-o", out2, "--profile", custom).exit_code == 0
    assert "Số: 04/KHPH.BTGTU-UBND" in _text(out2)
    result = generate(PHU_YEN, "-o", tmp_path / "x.docx", "--profile", "nd31-2099")
    assert result.exit_code == 2 and "nd31-2099" in result.stderr


def test_template_error_is_reported_without_output(tmp_path: Path) -> None:
    import io
    import zipfile

    from planforge import load_profile
    from planforge._word.builder import build_template

    data = build_template(load_profile("hd36-2018"))
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "word/document.xml":
                blob = blob.replace(b"{{ title.type_name }}", b"{{ title.no_such_thing }}")
            dst.writestr(info, blob)
    template = tmp_path / "t.docx"
    template.write_bytes(buf.getvalue())
    result = generate(PHU_YEN, "-o", tmp_path / "out.docx", "--template", template)
    assert result.exit_code == 2
    assert "no_such_thing" in result.stderr and "t.docx" in result.stderr
    assert not (tmp_path / "out.docx").exists()


def test_unexpected_failure_exits_1_without_traceback_unless_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(_cli.Renderer, "render_result", boom)
    result = generate(PHU_YEN, "-o", tmp_path / "o.docx")
    assert result.exit_code == 1
    assert "disk on fire" in result.stderr and "--debug" in result.stderr
    assert "Traceback" not in result.output
    with pytest.raises(RuntimeError, match="disk on fire"):
        generate(PHU_YEN, "-o", tmp_path / "o.docx", "--debug")


def test_planforge_group(tmp_path: Path) -> None:
    result = planforge("profiles")
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert lines["hd05-2026"].split()[1:4] == ["party", "from", "27/05/2026"]
    assert "Hướng dẫn 05-HD/VPTW" in lines["hd05-2026"]
    assert "03/04/2018 – 26/05/2026" in lines["hd36-2018"]
    assert lines["nd30-2020"].split()[1:5] == ["state,", "organisation", "from", "05/03/2020"]
    assert "Nghị định 30/2020/NĐ-CP" in lines["nd30-2020"]
    out = tmp_path / "r.docx"
    assert planforge("render", PHU_YEN, "-o", out).exit_code == 0 and out.is_file()
    context = planforge("context", PHU_YEN)
    assert context.exit_code == 0
    data = json.loads(context.stdout)
    assert data["header"]["number"] == "Số 04-KHPH/BTGTU-UBND"
    assert planforge("--version").stdout.strip().endswith(__import__("planforge").__version__)


# -- `-o` does what it says ------------------------------------------------------------------


def test_output_with_another_suffix_is_refused_with_the_names_to_use(tmp_path: Path) -> None:
    for name in ("out.doc", "out.odt", "out"):
        result = generate(PHU_YEN, "-o", tmp_path / name)
        assert result.exit_code == 2
        assert "planforge writes .docx documents (and their .pdf)" in result.stderr
        assert "Name it out.docx or out.pdf" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_folder_gets_the_plan_named_document(tmp_path: Path) -> None:
    (tmp_path / "existing").mkdir()
    assert generate(PHU_YEN, "-o", tmp_path / "existing").exit_code == 0
    assert (tmp_path / "existing" / "phu-yen-2022.docx").is_file()
    missing = generate(PHU_YEN, "-o", f"{tmp_path / 'new'}/")
    assert missing.exit_code == 2 and "the folder does not exist" in missing.stderr
    assert "pass --parents" in missing.stderr and "parents=True" not in missing.stderr
    made = generate(PHU_YEN, "-o", f"{tmp_path / 'new'}/", "--parents")
    assert made.exit_code == 0, made.stderr
    assert (tmp_path / "new" / "phu-yen-2022.docx").is_file()
    assert not (tmp_path / "new.docx").exists()


@pytest.mark.libreoffice
def test_output_ending_in_pdf_is_the_pdf_alone(tmp_path: Path, soffice: str) -> None:
    result = generate(PHU_YEN, "-o", tmp_path / "ke-hoach.pdf")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "ke-hoach.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ke-hoach.pdf"]


def test_messages_name_flags_on_the_command_line_and_keywords_in_python(tmp_path: Path) -> None:
    from planforge import OutputError, load_plan, render_plan

    target = tmp_path / "out.docx"
    target.write_bytes(b"mine")
    with pytest.raises(OutputError) as caught:
        render_plan(load_plan(PHU_YEN), target)
    assert "pass force=True" in str(caught.value) and "--force" not in str(caught.value)
    result = generate(PHU_YEN, "-o", target)
    assert "pass --force to replace it" in result.stderr and "force=True" not in result.stderr


def test_an_unknown_profile_is_a_usage_error_of_every_command(tmp_path: Path) -> None:
    for args in (
        [PHU_YEN, "--profile", "nd99"],
        ["validate", PHU_YEN, "--profile", "nd99"],
        ["context", PHU_YEN, "--profile", "nd99"],
    ):
        result = (generate if args[0] == PHU_YEN else planforge)(*args)
        assert result.exit_code == 2
        assert "Invalid value for '--profile': nd99: no built-in profile" in result.stderr


# -- `planforge new` and `planforge schema` --------------------------------------------------


@pytest.mark.parametrize("kind", ["state", "party", "joint"])
def test_a_new_plan_validates_and_renders_as_it_is(tmp_path: Path, kind: str) -> None:
    from planforge import load_plan

    plan_file = tmp_path / "ke-hoach.yaml"
    result = planforge("new", plan_file, "--kind", kind)
    assert result.exit_code == 0, result.stderr
    text = plan_file.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=file://")
    load_plan(plan_file)
    rendered = generate(plan_file, "-o", tmp_path / "ke-hoach.docx")
    assert rendered.exit_code == 0, rendered.stderr
    assert "error" not in rendered.stderr
    again = planforge("new", plan_file)
    assert again.exit_code == 2 and "exists already; pass --force" in again.stderr
    assert plan_file.read_text(encoding="utf-8") == text


def test_schema_prints_the_shipped_schemas() -> None:
    from planforge._schema import plan_schema, profile_schema

    assert json.loads(planforge("schema").stdout) == plan_schema()
    assert json.loads(planforge("schema", "--profile").stdout) == profile_schema()


@pytest.mark.parametrize("command", ["check", "import", "reformat"])
def test_a_plan_file_given_for_a_word_document_points_to_validate(command: str) -> None:
    result = planforge(command, PHU_YEN)
    assert result.exit_code == 2
    assert "is not a Word document" in result.stderr
    assert "to check a plan file, run: planforge validate phu-yen-2022.yaml" in result.stderr


def test_validate_reads_folders_and_collections_as_generate_plan_does(tmp_path: Path) -> None:
    import shutil

    import yaml

    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(PHU_YEN, folder / "a.yaml")
    (folder / "b.yaml").write_text(
        PHU_YEN.read_text(encoding="utf-8").replace("date:", "date: 09/09/2025\nx-date:", 1),
        encoding="utf-8",
    )
    base = yaml.safe_load(PHU_YEN.read_text(encoding="utf-8"))
    collection = tmp_path / "communes.yaml"
    collection.write_text(
        yaml.safe_dump(
            {"base": base, "units": [{"name": "xã 1"}, {"name": "xã 2", "date": "hôm nay"}]},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    result = planforge("validate", folder, collection)
    assert result.exit_code == 2
    err = result.stderr
    assert f"{folder / 'a.yaml'}: valid" in err
    assert f"{collection}: units[0] (xã 1): valid" in err
    assert f"error: {collection}: units[1] (xã 2): " in err
    assert "2 of 4 plans have errors" in err
    good = planforge("validate", folder / "a.yaml", collection.parent / "plans")
    assert good.exit_code == 2 and "1 of 3 plans has errors" in good.stderr
