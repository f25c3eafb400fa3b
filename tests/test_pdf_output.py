"""PDF output and page previews through LibreOffice: one start for many documents."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

import planforge
from planforge import load_plan
from planforge._cli import generate_plan
from planforge._cli import planforge as planforge_cli

from .conftest import EXAMPLES, render_quietly
from .test_pdf import read_png

pytestmark = pytest.mark.libreoffice

SIGNERS = {
    "thanh-hoa-2023": ["Đầu Thanh Tùng", "Đào Xuân Yên"],
    "phu-yen-2022": ["Lê Tấn Hổ", "Bùi Thanh Toàn"],
}


def pdftotext(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return " ".join(out.split())


@pytest.mark.parametrize("stem", sorted(SIGNERS))
def test_pdf_option_writes_docx_and_pdf_with_the_plans_text(
    soffice: str, tmp_path: Path, stem: str
) -> None:
    plan = load_plan(EXAMPLES / f"{stem}.yaml")
    result = CliRunner().invoke(
        generate_plan, [str(EXAMPLES / f"{stem}.yaml"), "-o", str(tmp_path / "p.docx"), "--pdf"]
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "p.docx").is_file()
    text = pdftotext(tmp_path / "p.pdf")
    for line in plan.title.summary:
        assert " ".join(line.split()) in text
    context = planforge.template_context(plan)
    assert context["header"]["place_date"] in text
    for signer in SIGNERS[stem]:
        assert signer in text


def test_pdf_only_writes_just_the_pdf(soffice: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        generate_plan,
        [str(EXAMPLES / "phu-yen-2022.yaml"), "-o", str(tmp_path / "only.pdf"), "--pdf-only"],
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["only.pdf"]
    assert (tmp_path / "only.pdf").read_bytes().startswith(b"%PDF")


def test_an_existing_pdf_is_kept_and_nothing_is_written(soffice: str, tmp_path: Path) -> None:
    (tmp_path / "p.pdf").write_bytes(b"keep")
    result = CliRunner().invoke(
        generate_plan,
        [str(EXAMPLES / "phu-yen-2022.yaml"), "-o", str(tmp_path / "p.docx"), "--pdf"],
    )
    assert result.exit_code == 2
    assert "p.pdf" in result.stderr and "--force" in result.stderr
    assert not (tmp_path / "p.docx").exists()
    assert (tmp_path / "p.pdf").read_bytes() == b"keep"


def test_twenty_plans_take_one_libreoffice_start(
    soffice: str, tmp_path: Path, soffice_starts: list[list[str]]
) -> None:
    plan = load_plan(EXAMPLES / "thanh-hoa-2023.yaml")
    docs = []
    for n in range(20):
        docs.append(tmp_path / f"plan-{n:02}.docx")
        render_quietly(plan, docs[-1])
    starts = soffice_starts
    out = tmp_path / "pdf"
    out.mkdir()
    pdfs = planforge.convert_to_pdf(docs, out)
    assert len(starts) == 1
    assert [p.name for p in pdfs] == [f"plan-{n:02}.pdf" for n in range(20)]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    # a private profile folder per run, inside the work folder it removes afterwards
    assert any(a.startswith("-env:UserInstallation=file://") for a in starts[0])
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in pdfs]


def test_parallel_runs_do_not_clash(soffice: str, tmp_path: Path) -> None:
    plan = load_plan(EXAMPLES / "phu-yen-2022.yaml")
    results: dict[int, list[Path]] = {}
    failures: list[BaseException] = []

    def run(n: int) -> None:
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        doc = folder / "plan.docx"
        render_quietly(plan, doc)
        try:
            results[n] = planforge.convert_to_pdf([doc], folder)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert failures == []
    assert all(results[n][0].read_bytes().startswith(b"%PDF") for n in range(3))


def test_missing_libreoffice_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLANFORGE_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    doc = tmp_path / "p.docx"
    render_quietly(load_plan(EXAMPLES / "phu-yen-2022.yaml"), doc)
    with pytest.raises(planforge.RenderError, match="apt-get install libreoffice-writer-nogui"):
        planforge.convert_to_pdf([doc], tmp_path)
    result = CliRunner().invoke(
        generate_plan,
        [str(EXAMPLES / "phu-yen-2022.yaml"), "-o", str(tmp_path / "x.pdf"), "--pdf-only"],
    )
    assert result.exit_code == 1
    assert "apt-get install" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_wrong_planforge_soffice_is_named_not_an_unexpected_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANFORGE_SOFFICE", str(tmp_path / "no-such-soffice"))
    result = CliRunner().invoke(
        generate_plan, [str(EXAMPLES / "phu-yen-2022.yaml"), "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1
    assert "no-such-soffice: no such program" in result.stderr
    assert "unexpected" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_hung_libreoffice_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 60\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PLANFORGE_SOFFICE", str(fake))
    doc = tmp_path / "p.docx"
    render_quietly(load_plan(EXAMPLES / "phu-yen-2022.yaml"), doc)
    with pytest.raises(planforge.RenderError, match="did not finish"):
        planforge.convert_to_pdf([doc], tmp_path, timeout=2)
    assert not (tmp_path / "p.pdf").exists()


def test_preview_writes_one_png_a_page_with_the_header_inked(soffice: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        planforge_cli,
        ["preview", str(EXAMPLES / "phu-yen-2022.yaml"), "-o", str(tmp_path / "pv"), "--dpi", "50"],
    )
    assert result.exit_code == 0, result.stderr
    pages = sorted((tmp_path / "pv").glob("phu-yen-2022-*.png"))
    assert 3 <= len(pages) <= 7
    first = read_png(tmp_path / "pv" / "phu-yen-2022-1.png")
    mm = 50 / 25.4
    top, band = round(20 * mm), round(45 * mm)
    middle = first.width // 2
    assert first.dark(round(30 * mm), top, middle, band) > 50  # issuer, left
    assert first.dark(middle, top, first.width - round(15 * mm), band) > 50  # motto, right
    again = CliRunner().invoke(
        planforge_cli, ["preview", str(EXAMPLES / "phu-yen-2022.yaml"), "-o", str(tmp_path / "pv")]
    )
    assert again.exit_code == 2 and "--force" in again.stderr


def test_render_plans_converts_with_two_libreoffice_processes(soffice: str, tmp_path: Path) -> None:
    plan = load_plan(EXAMPLES / "phu-yen-2022.yaml")
    report = planforge.render_plans(
        {f"unit-{n}": plan for n in range(4)}, tmp_path, jobs=2, pdf=True
    )
    assert report.ok and report.pdf_processes == 2
    assert sorted(p.name for p in report.pdfs) == [f"unit-{n}.pdf" for n in range(4)]
    for pdf in report.pdfs:
        assert "Lê Tấn Hổ" in pdftotext(pdf)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"unit-{n}.docx" for n in range(4)] + [f"unit-{n}.pdf" for n in range(4)]
    )
