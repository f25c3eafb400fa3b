"""ruff and mypy (strict) are part of the tests."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    # the tool of this interpreter's environment, whether or not its bin folder is on PATH
    if importlib.util.find_spec(name) is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return [sys.executable, "-m", name]


def test_ruff_lint() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "check", "planforge", "tests", "examples", "scripts", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "format", "--check", "planforge", "tests", "examples", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = subprocess.run(
        [*_tool("mypy")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_type_checkers_see_the_fields_of_the_models(tmp_path: Path) -> None:
    # a user's code checked with mypy --strict: a model built with a wrong field is caught
    user = tmp_path / "user.py"
    user.write_text(
        "from planforge import Issuer, Plan\n"
        "Issuer(name='SỞ Y TẾ', kind='state', abbreviation='SYT', bogus=1)\n"
        "Plan()\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        # without planforge's own configuration (its pydantic plugin): as a user runs it
        [*_tool("mypy"), "--strict", "--config-file", os.devnull, str(user)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert 'Unexpected keyword argument "bogus" for "Issuer"' in result.stdout, result.stdout
    assert 'Missing named argument "issuers" for "Plan"' in result.stdout, result.stdout
