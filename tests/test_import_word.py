"""Plans typed in Word (and saved again by LibreOffice) import and reformat as their plan."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import planforge
from planforge import Plan
from planforge._import import import_with_reading
from planforge._models import Item
from planforge._reformat import reformat_docx

from .wordways import (
    VARIANTS,
    build_docx,
    cases,
    example_plan,
    libreoffice_resave,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FIDELITY = ROOT.parent / "shared" / "tools" / "seed-fidelity"
#: the examples that reproduce a real plan, and the seed text each reproduces
SEED_OF = {
    "thanh-hoa-2023": SEEDS / "thanh-hoa-2023-ke-hoach-phoi-hop.txt",
    "phu-yen-2022": SEEDS / "phu-yen-2022-ke-hoach-phoi-hop.txt",
}
MIN_RECALL = 0.98

CASES = [pytest.param(name, variant, id=f"{name}-{variant}") for name, variant in cases()]


def _collapse(text: str | None) -> str | None:
    """A text with its line breaks and runs of spaces as one space."""
    return None if text is None else " ".join(text.split())


def _tree(items: tuple[Item, ...] | list[Item]) -> list[Any]:
    """The shape of a list of items: each item's title and the shape of its sub-items."""
    return [(_collapse(item.title), _tree(item.items)) for item in items]


def _tasks(items: list[Item], out: list[tuple[str, str, str | None]]) -> list[Any]:
    for item in items:
        if item.task is not None:
            task = item.task
            out.append((", ".join(task.lead), ", ".join(task.coordinating), task.timeline))
        _tasks(item.items, out)
    return out


def outline(plan: Plan) -> dict[str, Any]:
    """What a reader of the printed plan sees of its structure, field by field."""
    recipients = [
        r.name + (f" ({r.marker})" if r.marker else "") for r in plan.recipients.to if r.name
    ]
    return {
        "issuers": [_collapse(i.name) for i in plan.issuers],
        "number": (plan.number.number, plan.number.type),
        "date": plan.date,
        "parts": [part.title.upper() for part in plan.parts],
        "items": [_tree(part.items) for part in plan.parts],
        "tasks": [_tasks(part.items, []) for part in plan.parts],
        "signers": [s.signer for s in plan.signatures],
        "positions": [_collapse(s.position) for s in plan.signatures],
        "recipients": "; ".join(recipients),
        "archive": ", ".join(plan.recipients.archive),
    }


def _import(document: bytes) -> tuple[Plan, list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", planforge.PlanWarning)
        plan, reading = import_with_reading(document, profile=None)
    return plan, [f"{f.where}: {f.message}" for f in reading.findings]


def _reformat(document: bytes, output: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", planforge.PlanWarning)
        return reformat_docx(document, output)


def seed_recall(docx_path: Path, seed: Path) -> tuple[float, str]:
    """The share of the seed's words the document holds in order (seed-fidelity's `recall`),
    with the tool's whole report."""
    report = subprocess.run(
        [sys.executable, str(SEED_FIDELITY), str(docx_path), str(seed)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    match = re.search(r"^recall (\d+(?:\.\d+)?)$", report, re.M)
    assert match is not None, f"seed-fidelity printed no recall:\n{report}"
    return float(match.group(1)), report


def check_imports_as_plan(name: str, variant: str, document: bytes) -> None:
    want = outline(example_plan(name))
    got_plan, findings = _import(document)
    got = outline(got_plan)
    wrong = [
        f"{key}:\n    want {want[key]!r}\n    got  {got[key]!r}"
        for key in want
        if want[key] != got[key]
    ]
    assert not wrong, (
        f"{name} typed as {variant!r} imports with a different structure:\n"
        + "\n".join(wrong)
        + "\nimport findings:\n  "
        + "\n  ".join(findings)
    )


def check_reformats(name: str, variant: str, document: bytes, tmp_path: Path) -> None:
    output = tmp_path / "reformatted.docx"
    result = _reformat(document, output)
    errors = [f"{f.where}: {f.message}" for f in result.remaining if f.is_error]
    assert errors == [], (
        f"{name} typed as {variant!r}, reformatted, still has errors:\n  " + "\n  ".join(errors)
    )
    if name in SEED_OF:
        recall, report = seed_recall(output, SEED_OF[name])
        assert recall >= MIN_RECALL, (
            f"{name} typed as {variant!r}, reformatted, reproduces {recall:.2%} of the seed's "
            f"words in order (at least {MIN_RECALL:.0%} expected):\n{report}"
        )


# -- typed in Word ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "variant"), CASES)
def test_word_typed_plan_imports_as_the_plan(name: str, variant: str) -> None:
    check_imports_as_plan(name, variant, build_docx(name, VARIANTS[variant]))


@pytest.mark.parametrize(("name", "variant"), CASES)
def test_word_typed_plan_reformats_without_errors(name: str, variant: str, tmp_path: Path) -> None:
    check_reformats(name, variant, build_docx(name, VARIANTS[variant]), tmp_path)


# -- saved again by LibreOffice -----------------------------------------------------------------


@pytest.fixture(scope="module")
def resaved(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes]:
    """Every (example, variant) document opened and saved as .docx by LibreOffice."""
    built = tmp_path_factory.mktemp("word-typed")
    sources = []
    for name, variant in cases():
        path = built / f"{name}--{variant}.docx"
        path.write_bytes(build_docx(name, VARIANTS[variant]))
        sources.append(path)
    outdir = tmp_path_factory.mktemp("libreoffice-saved")
    profile = tmp_path_factory.mktemp("lo-profile")
    try:
        saved = libreoffice_resave(soffice, sources, outdir, profile)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    return {
        tuple(path.stem.split("--")): path.read_bytes()  # type: ignore[misc]
        for path in saved
    }


@pytest.mark.libreoffice
@pytest.mark.parametrize(("name", "variant"), CASES)
def test_libreoffice_saved_plan_imports_as_the_plan(
    name: str, variant: str, resaved: dict[tuple[str, str], bytes]
) -> None:
    check_imports_as_plan(name, f"{variant} saved by LibreOffice", resaved[name, variant])


@pytest.mark.libreoffice
@pytest.mark.parametrize(("name", "variant"), CASES)
def test_libreoffice_saved_plan_reformats_without_errors(
    name: str, variant: str, resaved: dict[tuple[str, str], bytes], tmp_path: Path
) -> None:
    check_reformats(name, f"{variant} (LibreOffice)", resaved[name, variant], tmp_path)
