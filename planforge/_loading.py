"""Reading plan files (YAML or JSON) into a validated Plan, with errors that point at the file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ._errors import PlanInputError, Problem
from ._models import Plan

_YAML_SUFFIXES = {".yaml", ".yml"}
_JSON_SUFFIXES = {".json"}

PathKey = tuple[str | int, ...]


def load_plan(path: str | Path) -> Plan:
    """Read a plan from a `.yaml`, `.yml` or `.json` file and validate it."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in _YAML_SUFFIXES | _JSON_SUFFIXES:
        raise PlanInputError([Problem("a plan file must end in .yaml, .yml or .json")], file=file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise PlanInputError(
            [Problem(f"cannot read the file ({exc.strerror})")], file=file
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanInputError(
            [Problem(f"is not UTF-8 text (byte {exc.start}); save the file as UTF-8")], file=file
        ) from exc
    if suffix in _JSON_SUFFIXES:
        data, lines = _parse_json(text, file), dict[PathKey, int]()
    else:
        data, lines = _parse_yaml(text, file)
    return plan_from_data(data, file=file, lines=lines)


def plan_from_data(
    data: Any, *, file: Path | None = None, lines: Mapping[PathKey, int] | None = None
) -> Plan:
    """Validate already-parsed plan data; errors name each field path (and line, if known)."""
    if not isinstance(data, Mapping):
        raise PlanInputError(
            [Problem("a plan must be a mapping of fields (issuers, title, parts, ...)")], file=file
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanInputError(_problems(exc, lines or {}), file=file) from exc


def field_path(loc: tuple[str | int, ...]) -> str:
    """`('parts', 1, 'items', 3, 'task', 'lead')` -> `parts[1].items[3].task.lead`."""
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _problems(exc: ValidationError, lines: Mapping[PathKey, int]) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        # pydantic puts validator names (function-after[...]) into loc for annotated types
        loc = tuple(k for k in err["loc"] if isinstance(k, int) or "[" not in str(k))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field (check its spelling)"
        elif err["type"] == "missing":
            message = "required field is missing"
        problems.append(Problem(message, field=field_path(loc), line=_nearest_line(loc, lines)))
    return problems


def _nearest_line(loc: PathKey, lines: Mapping[PathKey, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _parse_json(text: str, file: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanInputError(
            [Problem(f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)], file=file
        ) from exc


def _parse_yaml(text: str, file: Path) -> tuple[Any, dict[PathKey, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return_problem = Problem(
            f"invalid YAML: {exc.problem or exc.context}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        raise PlanInputError([return_problem], file=file) from exc
    except yaml.YAMLError as exc:
        raise PlanInputError([Problem(f"invalid YAML: {exc}")], file=file) from exc
    lines: dict[PathKey, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return data, lines


def _record_lines(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _record_lines(child, (*path, index), lines)
