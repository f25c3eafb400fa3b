"""Starter plans: each validates and renders as shipped, and shows every field of a plan."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import planforge
from planforge._profiles import resolve_profile
from planforge._reference import plan_field_rows
from planforge._schema import (
    plan_schema,
    schema_path,
    starter_kinds,
    starter_path,
    starter_plan,
)
from planforge._yaml import load_yaml

from .conftest import ROOT

KINDS = ("state", "party", "joint")
MODELINE = "# yaml-language-server: $schema="
#: A commented-out field: `# urgency: KHẨN`, `#   - name: ...`.
COMMENTED_FIELD = re.compile(r"^\s*#\s*(?:-\s+)?([a-z_]+):(?:\s|$)")
#: A letter only Vietnamese has (a tone mark, ă â đ ê ô ơ ư): the comment is in Vietnamese.
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[^\x00-\x7f]")


def fields() -> set[str]:
    """Every field path of a plan (`parts[].items[].task.lead`), as docs/plan.md lists them."""
    return {path for path, term, *_ in plan_field_rows() if term}


def data_paths(data: Any, path: str = "") -> set[str]:
    """The field paths a plan's data holds, shorthands read as the field they stand for."""
    out: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            child = f"{path}.{key}" if path else str(key)
            out |= {child, *data_paths(value, child)}
    elif isinstance(data, list):
        for value in data:
            if isinstance(value, dict):
                out |= data_paths(value, f"{path}[]")
            elif isinstance(value, str) and path.endswith(("items", "to")):
                # a bare text stands for an item's text, a recipient's name
                out.add(f"{path}[].{'text' if path.endswith('items') else 'name'}")
    # a sub-item is an item: `parts[].items[].items[].text` shows `parts[].items[].text`
    return {re.sub(r"(\.items\[\])+", ".items[]", p) for p in out}


def comments(text: str) -> list[str]:
    """The comments of a YAML text (whole-line ones and those after a value)."""
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            out.append(line.lstrip())
        elif " # " in line:
            out.append("#" + line.split(" # ", 1)[1])
    return out


def commented_names(text: str) -> set[str]:
    """Field names shown in comments: commented-out lines and `{type: ..., of: ...}` maps."""
    names = set()
    for comment in comments(text):
        match = COMMENTED_FIELD.match(comment)
        if match:
            names.add(match.group(1))
        names |= set(re.findall(r"[{,]\s*([a-z_]+):\s", comment))
    return names


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def written(kind: str, folder: Path) -> Path:
    file = folder / f"{kind}.yaml"
    file.write_text(starter_plan(kind), encoding="utf-8")
    return file


def test_the_kinds() -> None:
    assert starter_kinds() == KINDS
    for name in KINDS:
        assert starter_path(name) == ROOT / "planforge" / "starters" / f"{name}.yaml"
        assert starter_path(name).is_file()
    with pytest.raises(ValueError, match="state, party, joint"):
        starter_plan("district")


def test_the_first_line_is_the_editor_modeline(kind: str) -> None:
    shipped = starter_path(kind).read_text(encoding="utf-8")
    assert shipped.splitlines()[0] == f"{MODELINE}{{schema}}"
    filled = starter_plan(kind)
    assert filled.splitlines()[0] == f"{MODELINE}{schema_path('plan').as_uri()}"
    assert filled.splitlines()[1:] == shipped.splitlines()[1:]
    custom = starter_plan(kind, "https://example.org/plan.schema.json")
    assert custom.splitlines()[0] == f"{MODELINE}https://example.org/plan.schema.json"
    assert "{schema}" not in filled


def test_the_default_schema_uri_names_the_shipped_file() -> None:
    uri = starter_plan("state").splitlines()[0].removeprefix(MODELINE)
    assert uri.startswith("file://")
    assert uri.endswith("/planforge/schemas/plan.schema.json")


def test_each_starter_validates_against_the_schema(kind: str) -> None:
    data = load_yaml(starter_plan(kind))
    validator = Draft202012Validator(plan_schema())
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_each_starter_renders_with_no_findings(kind: str, tmp_path: Path) -> None:
    plan = planforge.load_plan(written(kind, tmp_path))
    assert planforge.check_plan(plan) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output = tmp_path / f"{kind}.docx"
        planforge.render_plan(plan, output)
    assert zipfile.is_zipfile(output)
    assert planforge.audit_docx(output) == []


@pytest.mark.parametrize(
    ("name", "profile", "issuer_kinds"),
    [
        ("state", "nd30-2020", ["state"]),
        ("party", "hd05-2026", ["party"]),
        ("joint", "nd30-2020", ["state", "party"]),
    ],
)
def test_each_starter_is_of_its_kind(
    name: str, profile: str, issuer_kinds: list[str], tmp_path: Path
) -> None:
    plan = planforge.load_plan(written(name, tmp_path))
    assert [i.kind for i in plan.issuers] == issuer_kinds
    assert plan.profile is None  # chosen by kind and date, as a clerk's plan would be
    assert resolve_profile(None, plan).name == profile
    assert len(plan.signatures) == len(issuer_kinds)
    assert plan.date is not None and plan.date.year >= 2026


def test_no_district_level_names(kind: str) -> None:
    # since 01/7/2025 there is no district level: no huyện, quận, thị xã in a new plan
    text = starter_plan(kind).upper()
    for word in ("HUYỆN", "QUẬN", "THỊ XÃ", "THỊ ỦY", "THỊ TRẤN"):
        assert word not in text


def test_each_starter_shows_every_field(kind: str) -> None:
    text = starter_plan(kind)
    shown = data_paths(load_yaml(text))
    names = commented_names(text)
    missing = sorted(f for f in fields() if f not in shown and f.rsplit(".", 1)[-1] not in names)
    assert missing == []


def test_every_comment_is_in_vietnamese(kind: str) -> None:
    for comment in comments(starter_plan(kind))[1:]:  # the modeline is for editors
        if COMMENTED_FIELD.match(comment) and " # " not in comment:
            continue  # a field to uncomment, explained by the comment above it
        assert VIETNAMESE.search(comment), comment


def test_the_field_paths_are_read_as_intended() -> None:
    # the helpers above, on a plan whose paths are known
    data = {
        "parts": [{"items": ["a", {"title": "b", "items": [{"task": {"lead": "X"}}]}]}],
        "recipients": {"to": ["Bộ Y tế"]},
    }
    assert data_paths(data) == {
        "parts", "parts[].items", "parts[].items[].text", "parts[].items[].title",
        "parts[].items[].items", "parts[].items[].task", "parts[].items[].task.lead",
        "recipients", "recipients.to", "recipients.to[].name",
    }  # fmt: skip
    assert commented_names("# urgency: KHẨN\nx: 1  # hoặc {type: deputy, of: A}\n") == {
        "urgency",
        "type",
        "of",
    }


def uncommented(text: str) -> str:
    """*text* with every commented-out field put back (the comment marker removed)."""
    lines = []
    for line in text.splitlines():
        if COMMENTED_FIELD.match(line):
            indent = len(line) - len(line.lstrip())
            line = line[:indent] + line.lstrip().removeprefix("#").lstrip()
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_each_commented_field_works_when_put_back(kind: str, tmp_path: Path) -> None:
    text = uncommented(starter_plan(kind))
    assert text != starter_plan(kind)
    data = load_yaml(text)
    assert list(Draft202012Validator(plan_schema()).iter_errors(data)) == []
    file = tmp_path / "plan.yaml"
    file.write_text(text, encoding="utf-8")
    findings = planforge.check_plan(planforge.load_plan(file))
    assert [f for f in findings if f.severity == "error"] == []
