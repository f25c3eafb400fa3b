"""Reading plan files (YAML or JSON) into a validated Plan, with errors that point at the file."""

from __future__ import annotations

import calendar
import difflib
import json
import re
import typing
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ._errors import PlanInputError, PlanWarning, Problem
from ._files import InputFileError, read_input
from ._findings import Finding
from ._models import PROFILE_SUFFIXES, Plan
from ._profiles import builtin_profiles
from ._text import forbidden_xml_chars, remove_forbidden_xml_chars
from ._yaml import USES_LIBYAML, PlanLoader

_YAML_SUFFIXES = {".yaml", ".yml"}
_JSON_SUFFIXES = {".json"}

PathKey = tuple[str | int, ...]
#: Deepest nesting a plan file may have (parts and items nest far less).
MAX_DEPTH = 64
#: Largest plan (or collection) file read; a plan is a few KiB, a collection of every commune
#: of the country a few MiB.
MAX_PLAN_BYTES = 16 * 1024 * 1024
#: Most values a YAML file may expand to, each use of an alias counted in full (a "billion
#: laughs" file expands to billions).
MAX_VALUES = 500_000


def load_plan(path: str | Path, *, remove_invalid_chars: bool = False) -> Plan:
    """Read a plan from a `.yaml`, `.yml` or `.json` file and validate it.

    With *remove_invalid_chars*, characters a Word document cannot hold are removed (each
    removal is a `PlanWarning`) instead of refused.
    """
    file = Path(path)
    data, lines = parse_plan_file(file, remove_invalid_chars=remove_invalid_chars)
    if remove_invalid_chars:
        data = _strip_invalid(data, (), file, lines)
    return plan_from_data(data, file=file, lines=lines)


def parse_plan_file(
    file: Path, *, remove_invalid_chars: bool = False
) -> tuple[Any, dict[PathKey, int]]:
    """The parsed data of a plan (or collection) file, and the line of each field path."""
    suffix = file.suffix.lower()
    if suffix not in _YAML_SUFFIXES | _JSON_SUFFIXES:
        raise PlanInputError([Problem("a plan file must end in .yaml, .yml or .json")], file=file)
    try:
        raw = read_input(file, limit=MAX_PLAN_BYTES, what="plan")
    except InputFileError as exc:
        raise PlanInputError([Problem(str(exc))], file=file) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanInputError(
            [Problem(f"is not UTF-8 text (byte {exc.start}); save the file as UTF-8")], file=file
        ) from exc
    if suffix in _JSON_SUFFIXES:
        return _parse_json(text, file), {}
    if remove_invalid_chars:
        text = _strip_invalid_text(text, file)
    return _parse_yaml(text, file)


def _removed(characters: list[str], where: str) -> None:
    finding = Finding(
        "text",
        "warning",
        f"removed characters a Word document cannot hold ({', '.join(characters)})",
        where=where,
    )
    warnings.warn(PlanWarning(finding), stacklevel=5)  # at the caller of load_plan


def _strip_invalid_text(text: str, file: Path) -> str:
    """Remove what XML cannot hold from YAML text (the YAML reader refuses it, unlocated)."""
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines: \v is a break there
        bad = forbidden_xml_chars(line)
        if bad:
            _removed(bad, f"{file}: line {number}")
    return remove_forbidden_xml_chars(text)


def _strip_invalid(data: Any, path: PathKey, file: Path, lines: Mapping[PathKey, int]) -> Any:
    if isinstance(data, str):
        bad = forbidden_xml_chars(data)
        if not bad:
            return data
        where = field_path(path)
        line = _nearest_line(path, lines)
        _removed(bad, f"{file}: {where}" + (f" (line {line})" if line else ""))
        return remove_forbidden_xml_chars(data)
    if isinstance(data, dict):
        return {k: _strip_invalid(v, (*path, str(k)), file, lines) for k, v in data.items()}
    if isinstance(data, list):
        return [_strip_invalid(v, (*path, n), file, lines) for n, v in enumerate(data)]
    return data


def plan_from_data(
    data: Any, *, file: Path | None = None, lines: Mapping[PathKey, int] | None = None
) -> Plan:
    """Validate already-parsed plan data; errors name each field path (and line, if known)."""
    if not isinstance(data, Mapping):
        raise PlanInputError(
            [Problem("a plan must be a mapping of fields (issuers, title, parts, ...)")], file=file
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanInputError(_problems(exc, lines or {}), file=file) from exc
    plan._source = file
    plan._lines = dict(lines or {})
    if plan.profile is not None and plan.profile not in builtin_profiles():
        if file is not None:
            plan._base_dir = file.parent
        if plan.profile_file() is None:
            named_file = plan.profile.lower().endswith(PROFILE_SUFFIXES)
            message = (
                f"no profile file `{plan.profile}` in the plan's folder; a plan may name a "
                "profile file beside it (or in a folder below it)"
                if named_file
                else f"no built-in profile `{plan.profile}` (built-in: "
                f"{', '.join(builtin_profiles())}); leave it out, name a profile file beside "
                "the plan (`my-office.yaml`), or pass one with --profile"
            )
            raise PlanInputError(
                [Problem(message, field="profile", line=(lines or {}).get(("profile",)))],
                file=file,
            )
    return plan


def field_path(loc: tuple[str | int, ...]) -> str:
    """`('parts', 1, 'items', 3, 'task', 'lead')` -> `parts[1].items[3].task.lead`."""
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _problems(exc: ValidationError, lines: Mapping[PathKey, int]) -> list[Problem]:
    errors = []
    for err in exc.errors(include_url=False):
        # pydantic puts validator names (function-after[...]) into loc for annotated types
        loc = tuple(k for k in err["loc"] if isinstance(k, int) or not _VALIDATOR.match(k))
        errors.append((loc, err))
    # a misspelt required field shows up twice: unknown `abreviation`, missing `abbreviation`;
    # the "did you mean" says it all
    misspelt = set()
    for loc, err in errors:
        if err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(loc[-1]), _known_fields(loc[:-1]), 1, 0.6)
            misspelt |= {(*loc[:-1], c) for c in close}
    return [
        Problem(_message(err, loc), field=field_path(loc), line=_nearest_line(loc, lines))
        for loc, err in errors
        if not (err["type"] == "missing" and loc in misspelt)
    ]


# pydantic puts the names of annotated validators into locations: function-after[_line(), str]
_VALIDATOR = re.compile(r"function-(?:after|before|wrap|plain)\[")

_TYPE_WORDS = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list (lines starting with `- ` in YAML)",
    "dict_type": "must be a mapping of fields (`key: value` lines in YAML)",
    "model_type": "must be a mapping of fields (`key: value` lines in YAML)",
    "model_attributes_type": "must be a mapping of fields (`key: value` lines in YAML)",
    "missing": "is required but missing",
}


def _message(err: Mapping[str, Any], loc: PathKey) -> str:
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        listing = f" (fields here: {', '.join(known)})" if known and not close else ""
        return f"unknown field `{loc[-1]}`{hint}{listing}"
    if kind in _TYPE_WORDS:
        shown = "" if kind == "missing" else f", not {_shown(given)}"
        return _TYPE_WORDS[kind] + shown
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "kind":
        return (
            "must be a kind of body in lower-case letters (state, party, organisation), "
            f"not {_shown(given)}"
        )
    if kind == "enum":
        return f"must be one of {err.get('ctx', {}).get('expected', '')}, not {_shown(given)}"
    if kind in {
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    }:
        return _date_message(given)
    if kind == "too_short":
        minimum = err.get("ctx", {}).get("min_length", 1)
        return f"needs at least {minimum} {'entry' if minimum == 1 else 'entries'}"
    ctx = err.get("ctx", {})
    if kind == "greater_than_equal":
        return f"must be {ctx.get('ge')} or more, not {_shown(given)}"
    if kind == "less_than_equal":
        return f"must be {ctx.get('le')} or less, not {_shown(given)}"
    return str(err["msg"]).removeprefix("Value error, ")


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if not isinstance(value, str) else f"`{value}`"
    return text if len(text) <= 60 else text[:57] + "...`"


def _date_message(given: Any) -> str:
    text = str(given)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if month == 2 and day == 29 and not calendar.isleap(year):
            return f"{text} does not exist: {year} is not a leap year (February has 28 days)"
        if not 1 <= month <= 12:
            return f"{text} is not a date: there is no month {month}"
        last = calendar.monthrange(year, month)[1]
        return f"{text} is not a date: month {month} of {year} has {last} days"
    return f"must be a date written YYYY-MM-DD (e.g. 2023-03-03), not {_shown(given)}"


def _known_fields(loc: PathKey) -> list[str]:
    """Field names of the model at *loc* (for "did you mean"), [] if not a model."""
    model: Any = Plan
    for key in loc:
        if isinstance(key, int):
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or key not in fields:
            return []
        model = _model_of(fields[key].annotation)
    fields = getattr(model, "model_fields", None)
    return list(fields) if fields else []


def _model_of(annotation: Any) -> Any:
    """The pydantic model inside `list[Annotated[Item, ...]] | None` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _nearest_line(loc: PathKey, lines: Mapping[PathKey, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _parse_json(text: str, file: Path) -> Any:
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise PlanInputError(
            [Problem(f"is nested more than {MAX_DEPTH} levels deep; no plan is")], file=file
        ) from exc
    except json.JSONDecodeError as exc:
        raise PlanInputError(
            [Problem(f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)], file=file
        ) from exc
    _check_shape(data, file, {})
    return data


def _parse_yaml(text: str, file: Path) -> tuple[Any, dict[PathKey, int]]:
    try:
        # first the events alone (libyaml's parser keeps its own stack): depth, aliases and
        # their expanded size are checked before any recursive code builds the data
        _check_events(text, file)
        loader = PlanLoader(text)
        try:
            node = loader.get_single_node()  # one parse: the nodes give data and lines
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except RecursionError as exc:
        raise PlanInputError(
            [Problem(f"is nested more than {MAX_DEPTH} levels deep; no plan is")], file=file
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem_text = str(exc.problem or exc.context)
        if "nesting depth" in problem_text:  # libyaml's own limit, far above ours
            problem_text = f"is nested more than {MAX_DEPTH} levels deep; no plan is"
        else:
            problem_text = f"invalid YAML: {problem_text}"
        return_problem = Problem(
            problem_text,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        raise PlanInputError([return_problem], file=file) from exc
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes of UTF-8, PyYAML's own reader characters
        position = exc.position
        if USES_LIBYAML:
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        before = text[:position]
        line, column = before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        problem = Problem(
            f"contains the character U+{ord(char):04X}, which a plan cannot hold; remove it "
            "(it usually comes from copying out of another program) or pass "
            "--remove-invalid-chars",
            line=line,
            column=column,
        )
        raise PlanInputError([problem], file=file) from exc
    except yaml.YAMLError as exc:
        raise PlanInputError([Problem(f"invalid YAML: {exc}")], file=file) from exc
    lines: dict[PathKey, int] = {}
    if node is not None:
        _record_lines(node, lines)
    return data, lines


def _check_events(text: str, file: Path) -> None:
    """Refuse YAML nested deeper than any plan, holding itself, or expanding (through its
    aliases) to more values than any plan has; read as events, with no recursion."""
    loader = PlanLoader(text)
    try:
        depth = 0
        expanded = 0
        opened: list[tuple[str | None, int]] = []  # anchor and count at each open collection
        sizes: dict[str, int] = {}
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                expanded += 1
                if depth > MAX_DEPTH:
                    raise PlanInputError(
                        [Problem(f"is nested more than {MAX_DEPTH} levels deep; no plan is",
                                 line=line)],
                        file=file,
                    )  # fmt: skip
                opened.append((event.anchor, expanded))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                anchor, start = opened.pop()
                if anchor is not None:
                    sizes[anchor] = expanded - start + 1
            elif isinstance(event, yaml.ScalarEvent):
                expanded += 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _ in opened):
                    raise PlanInputError(
                        [Problem("refers to itself (a YAML alias inside its own anchor)",
                                 line=line)],
                        file=file,
                    )  # fmt: skip
                expanded += sizes.get(event.anchor or "", 1)
            if expanded > MAX_VALUES:
                raise PlanInputError(
                    [
                        Problem(
                            f"expands to more than {MAX_VALUES:,} values through its aliases "
                            "(`*name`), far more than any plan; write the values out, or use "
                            "fewer aliases",
                            line=line,
                        )
                    ],
                    file=file,
                )
    finally:
        loader.dispose()


def _record_lines(root: yaml.Node, lines: dict[PathKey, int]) -> None:
    """The line of every field path; iterative, and each node once (aliases may form cycles)."""
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen or len(path) > MAX_DEPTH:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                lines[(*path, key)] = key_node.start_mark.line + 1
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, (*path, n)) for n, child in enumerate(node.value))


def _check_shape(data: Any, file: Path, lines: Mapping[PathKey, int]) -> None:
    """Refuse data nested deeper than any plan is, or holding itself (a YAML alias cycle)."""
    stack: list[tuple[Any, PathKey, frozenset[int]]] = [(data, (), frozenset())]
    while stack:
        value, path, above = stack.pop()
        if not isinstance(value, (dict, list)):
            continue
        if id(value) in above:
            raise PlanInputError(
                [
                    Problem(
                        "refers to itself (a YAML alias inside its own anchor)",
                        field=field_path(path),
                        line=_nearest_line(path, lines),
                    )
                ],
                file=file,
            )
        if len(path) > MAX_DEPTH:
            raise PlanInputError(
                [
                    Problem(
                        f"is nested more than {MAX_DEPTH} levels deep; no plan is",
                        field=field_path(path[:MAX_DEPTH]),
                        line=_nearest_line(path, lines),
                    )
                ],
                file=file,
            )
        inner = above | {id(value)}
        children = value.items() if isinstance(value, dict) else enumerate(value)
        stack.extend((child, (*path, key), inner) for key, child in children)
