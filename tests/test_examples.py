"""Every example renders, examples/build_plan.py runs, and the seeds' text comes through."""

from __future__ import annotations

import datetime
import difflib
import os
import subprocess
import sys
import unicodedata
import warnings
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

import planforge
from planforge import Plan, Renderer, load_plan, render_plan

from .conftest import EXAMPLE_PLANS, EXAMPLES, SEEDS

MIN_RECALL = 0.98
REQUIRED_PARTS = {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"}


def docx_texts(path: Path) -> list[str]:
    """The text of every paragraph in body order, table cells (nested too) included."""
    body = Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def words(text: str) -> list[str]:
    """Words as /work/shared/tools/seed-fidelity counts them: NFC, case-folded, split."""
    return unicodedata.normalize("NFC", text).casefold().split()


def recall(document: Path, seed: Path) -> float:
    """Share of the seed's words the document has, in order (seed-fidelity's measure)."""
    got = words("\n".join(docx_texts(document)))
    want = words(seed.read_text(encoding="utf-8"))
    matcher = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / max(len(want), 1)


def assert_valid_docx(path: Path) -> list[str]:
    """A well-formed Word package that python-docx opens; returns its paragraph texts."""
    assert path.is_file() and path.stat().st_size > 0
    assert zipfile.is_zipfile(path), f"{path} is not a zip package"
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        assert names >= REQUIRED_PARTS, REQUIRED_PARTS - names
        for name in names:
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))
        content_types = z.read("[Content_Types].xml").decode()
    assert "wordprocessingml.document.main+xml" in content_types
    texts = docx_texts(path)
    assert any(t.strip() for t in texts)
    return texts


def test_examples_are_found() -> None:
    stems = {p.stem for p in EXAMPLE_PLANS}
    assert {"thanh-hoa-2023", "phu-yen-2022"} <= stems
    assert all(p.parent == EXAMPLES for p in EXAMPLE_PLANS)


@pytest.mark.parametrize("plan_file", EXAMPLE_PLANS, ids=lambda p: p.name)
def test_every_example_renders(plan_file: Path, tmp_path: Path) -> None:
    plan = load_plan(plan_file)
    target = tmp_path / f"{plan_file.stem}.docx"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = render_plan(plan, target)
    # the only warnings are the plan's intended deviations, never a library's
    others = [w for w in caught if not issubclass(w.category, planforge.PlanWarning)]
    assert not others, [str(w.message) for w in others]
    assert target.read_bytes() == data
    texts = assert_valid_docx(target)
    for line in plan.title.summary:
        assert line in texts
    for sig in plan.signatures:
        assert sig.signer in texts
    assert plan.title.type_name.upper() in texts
    assert sum(len(t) for t in texts) > 1000


def test_session_renders_cover_every_example(rendered_examples: dict[str, Path]) -> None:
    assert set(rendered_examples) == {p.stem for p in EXAMPLE_PLANS}
    for path in rendered_examples.values():
        assert_valid_docx(path)


def _run_build_plan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLES / "build_plan.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _check_build_plan_output(path: Path) -> None:
    texts = assert_valid_docx(path)
    for expected in (
        "SỞ VĂN HÓA,",  # the name is broken into lines that fit its column
        "THỂ THAO VÀ DU LỊCH",
        "Số: 12/KH-SVHTTDL",
        "Thanh Hóa, ngày 15 tháng 3 năm 2024",
        "KẾ HOẠCH",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nơi nhận:",
        "Nguyễn Văn A",
    ):
        assert expected in texts, expected


def test_build_plan_script_writes_the_named_file(tmp_path: Path) -> None:
    out = tmp_path / "out" / "plan.docx"
    out.parent.mkdir()
    result = _run_build_plan(tmp_path, str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warning (run with -W error), no traceback
    assert result.stdout.strip() == str(out)
    _check_build_plan_output(out)


def test_build_plan_script_defaults_to_the_current_folder(tmp_path: Path) -> None:
    result = _run_build_plan(tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "build_plan.docx"
    assert Path(result.stdout.strip()) == out
    _check_build_plan_output(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build_plan.docx"]  # no temp left


# -- seed fidelity -------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_seed_fidelity(rendered_examples: dict[str, Path], stem: str) -> None:
    seed = SEEDS[stem]
    if not seed.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"seed {seed} is missing under CI")
        pytest.skip(f"seed {seed} is not here")
    value = recall(rendered_examples[stem], seed)
    assert value >= MIN_RECALL, f"{stem}: recall {value:.4f} < {MIN_RECALL}"


def test_recall_measures_order_and_content(tmp_path: Path) -> None:
    # the measure is not vacuous: a document missing most of the seed scores low
    stem = "thanh-hoa-2023"
    seed = SEEDS[stem]
    if not seed.is_file():
        seed = tmp_path / "seed.txt"
        seed.write_text("Kế hoạch phối hợp năm 2023 giữa hai cơ quan\n" * 20, encoding="utf-8")
    doc = Document()
    doc.add_paragraph(" ".join(words(seed.read_text(encoding="utf-8"))[:30]))
    short = tmp_path / "short.docx"
    doc.save(str(short))
    assert recall(short, seed) < 0.5
    full = Document()
    for line in seed.read_text(encoding="utf-8").splitlines():  # decomposed, in capitals
        full.add_paragraph(unicodedata.normalize("NFD", line.replace("\t", " ")).upper())
    whole = tmp_path / "whole.docx"
    full.save(str(whole))
    assert recall(whole, seed) == pytest.approx(1.0)


def test_the_phu_yen_example_follows_the_party_rules_of_its_date(phu_yen: Plan) -> None:
    # no profile named: hd36-2018 by its date; the same plan dated 2026-06-15 gets hd05-2026
    assert phu_yen.profile is None
    assert Renderer().profile_for(phu_yen).name == "hd36-2018"
    later = phu_yen.model_copy(update={"date": datetime.date(2026, 6, 15)})
    result = Renderer(check=True).render_result(later)
    assert result.profile.name == "hd05-2026"
    assert [f for f in result.audit if f.is_error] == []
