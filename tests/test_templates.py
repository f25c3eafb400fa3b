"""The committed default templates are what the builder makes, and they ship in the wheel."""

from __future__ import annotations

import gettext
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from planforge import builtin_profiles, load_profile
from planforge._word.builder import build_template
from planforge._word.render import default_template

ROOT = Path(__file__).resolve().parent.parent


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("name", builtin_profiles())
def test_committed_template_matches_its_builder(name: str) -> None:
    committed = ROOT / "templates" / f"{name}.docx"
    assert committed.is_file(), f"run: python -m planforge._word.builder templates ({name})"
    built = _parts(build_template(load_profile(name)))
    assert _parts(committed.read_bytes()) == built, (
        f"{committed} is stale: run python -m planforge._word.builder templates"
    )


@pytest.mark.parametrize("name", builtin_profiles())
def test_builder_is_deterministic(name: str) -> None:
    profile = load_profile(name)
    assert build_template(profile) == build_template(profile)


def test_a_customized_profile_gets_a_template_built_for_it(tmp_path: Path) -> None:
    custom = tmp_path / "office.yaml"
    custom.write_text(
        "extends: nd30-2020\nstyles:\n  summary: {size: 15, bold: true}\n", encoding="utf-8"
    )
    profile = load_profile(custom)
    styles = _parts(default_template(profile))["word/styles.xml"].decode()
    # 15 pt = 30 half-points, on the summary style
    summary = styles[styles.index('w:styleId="PFSummary"') :]
    summary = summary[: summary.index("</w:style>")]
    assert '<w:sz w:val="30"/>' in summary


@pytest.mark.slow
def test_wheel_ships_the_templates_and_profiles(tmp_path: Path) -> None:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("planforge-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in builtin_profiles():
        assert f"planforge/templates/{name}.docx" in names
        assert f"planforge/profiles/{name}.yaml" in names
    assert "planforge/py.typed" in names
    # the build compiled the message catalogs: the wheel's .mo says what the .po says
    compiled = "planforge/locale/vi/LC_MESSAGES/planforge.mo"
    assert compiled in names
    assert not any(name.endswith(".po") for name in names)  # installed: the .mo only
    translations = gettext.GNUTranslations(io.BytesIO(zipfile.ZipFile(wheel).read(compiled)))
    with (ROOT / "planforge" / "locale" / "vi" / "LC_MESSAGES" / "planforge.po").open("rb") as po:
        source = read_po(po)
    singular = [m for m in source if m.id and not m.pluralizable]
    assert len(singular) > 300
    for message in singular:
        assert translations.gettext(message.id) == message.string
    assert "planforge/_word/font_metrics.json" in names
