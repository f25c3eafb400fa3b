"""Shared fixtures: the example plans, rendered documents, and LibreOffice when it is there."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

import planforge
from planforge import Plan, load_plan, render_plan
from planforge._i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SEEDS = {
    "thanh-hoa-2023": SHARED / "seeds" / "thanh-hoa-2023-ke-hoach-phoi-hop.txt",
    "phu-yen-2022": SHARED / "seeds" / "phu-yen-2022-ke-hoach-phoi-hop.txt",
}
EXAMPLE_PLANS = sorted(p for p in EXAMPLES.iterdir() if p.suffix in {".yaml", ".yml", ".json"})


#: Whether the test running now has its renders read back (see every_render_reads_back).
_READ_BACK = {"on": True}


def pytest_configure(config: pytest.Config) -> None:
    # the tests read English messages whatever the machine's locale; a test that wants
    # Vietnamese sets LANG (or passes --lang vi) itself
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        os.environ.pop(variable, None)
    os.environ["LANG"] = "C.UTF-8"


def pytest_runtest_setup(item: pytest.Item) -> None:
    # a hook, not a fixture: Hypothesis refuses function-scoped fixtures around @given tests
    _READ_BACK["on"] = item.get_closest_marker("no_round_trip") is None
    set_language(None)  # a test that chose a language does not choose it for the next


@pytest.fixture(autouse=True, scope="session")
def every_render_reads_back() -> Iterator[None]:
    """Every plan the tests render with a built-in template is read back from its document
    and compared with the plan (after the normalisation docs/import.md states): a render
    whose document does not import as its plan fails the test that made it."""
    from planforge._render import Renderer

    from .roundtrip import check_round_trip

    original = Renderer.render_result

    def render_result(self: Renderer, plan: Plan) -> planforge.RenderResult:
        result = original(self, plan)
        if self.template is None and _READ_BACK["on"]:
            check_round_trip(plan, result.profile, result.document)
        return result

    Renderer.render_result = render_result  # type: ignore[method-assign]
    try:
        yield
    finally:
        Renderer.render_result = original  # type: ignore[method-assign]


def render_quietly(plan: Plan, output: Path | None = None, **kwargs: object) -> bytes:
    """render_plan with the plan's intended-deviation warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", planforge.PlanWarning)
        return render_plan(plan, output, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def rendered_examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example plan rendered once per session: {stem: path of the .docx}."""
    out = tmp_path_factory.mktemp("examples")
    docs = {}
    for plan_file in EXAMPLE_PLANS:
        target = out / f"{plan_file.stem}.docx"
        render_quietly(load_plan(plan_file), target)
        docs[plan_file.stem] = target
    return docs


@pytest.fixture
def thanh_hoa() -> Plan:
    return load_plan(EXAMPLES / "thanh-hoa-2023.yaml")


@pytest.fixture
def phu_yen() -> Plan:
    return load_plan(EXAMPLES / "phu-yen-2022.yaml")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice; skips without it, but fails under CI, where it must be installed."""
    path = _soffice()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required under CI but is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return path


@pytest.fixture(scope="session")
def convert(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., list[Path]]:
    """convert(paths, fmt="pdf") -> converted files, through one LibreOffice run."""
    profile = tmp_path_factory.mktemp("lo-profile")

    def run(paths: Sequence[Path], fmt: str = "pdf") -> list[Path]:
        outdir = tmp_path_factory.mktemp("converted")
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, paths),
        ]
        # its own process group: on a timeout soffice.bin goes too, not only its launcher
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, err = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"LibreOffice did not convert {len(paths)} file(s) in 300 s")
        assert proc.returncode == 0, err.decode(errors="replace")
        ext = fmt.split(":")[0]
        results = [outdir / f"{Path(p).stem}.{ext}" for p in paths]
        missing = [r for r in results if not r.exists()]
        assert not missing, f"LibreOffice did not produce {missing}"
        return results

    return run


@dataclass(frozen=True)
class PdfWord:
    """One printed word of a PDF page, with its box in points (origin at the top left)."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class PdfLine:
    """One printed line of a PDF page (as poppler groups words), with its box and words."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    words: tuple[PdfWord, ...] = ()


def pdf_lines(pdf: Path) -> list[PdfLine]:
    """Every printed line of *pdf*, page by page, from poppler's `pdftotext -bbox-layout`."""
    import xml.etree.ElementTree as ET

    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is required under CI but is not installed")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(
        [tool, "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    root = ET.fromstring(out)
    ns = "{http://www.w3.org/1999/xhtml}"

    def box(el: ET.Element) -> list[float]:
        return [float(el.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")]

    lines = []
    for number, page in enumerate(root.iter(f"{ns}page"), 1):
        for line in page.iter(f"{ns}line"):
            words = tuple(PdfWord(number, w.text or "", *box(w)) for w in line.iter(f"{ns}word"))
            lines.append(PdfLine(number, " ".join(w.text for w in words), *box(line), words))
    return lines


def printed_as_one_line(lines: list[PdfLine], text: str) -> list[tuple[PdfWord, ...]]:
    """Every place where the words of *text* are printed in order on one line (the same
    baseline, within 1 pt, and left to right): a line may hold other text beside it."""
    wanted = text.split()
    words = sorted(
        (w for line in lines for w in line.words), key=lambda w: (w.page, round(w.y1), w.x0)
    )
    found = []
    for start, first in enumerate(words):
        if first.text != wanted[0]:
            continue
        run = [first]
        for w in words[start + 1 :]:
            if len(run) == len(wanted):
                break
            if w.page == first.page and abs(w.y1 - first.y1) <= 1 and w.x0 >= run[-1].x1 - 0.5:
                if w.text != wanted[len(run)]:
                    break
                run.append(w)
        if len(run) == len(wanted):
            found.append(tuple(run))
    return found


@pytest.fixture
def soffice_starts(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The command line of every process planforge's PDF step starts, in order."""
    from planforge import _pdf

    started: list[list[str]] = []
    real = subprocess.Popen

    def counting(command: list[str], *args: object, **kwargs: object) -> object:
        started.append(command)
        return real(command, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(_pdf.subprocess, "Popen", counting)
    return started
