"""YAML read by the 1.2 core schema: `010` is ten, `yes` and `1:30` are text, dates stay text."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ._i18n import _

__all__ = ["USES_LIBYAML", "PlanLoader", "key_of", "keys_twice", "load_yaml"]

# libyaml's parser when PyYAML has it (ten times faster in bulk); the resolvers and
# constructors below are Python either way, so both read the same values
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: libyaml counts positions in bytes of UTF-8, PyYAML's own reader in characters
USES_LIBYAML = _SafeBase is not yaml.SafeLoader


class PlanLoader(_SafeBase):  # type: ignore[misc]
    """A safe loader with the YAML 1.2 core schema's plain scalars instead of YAML 1.1's.

    YAML 1.1 (PyYAML's default) reads `010` as 8, `yes`/`no`/`on`/`off` as booleans and
    `1:30` as 5400: a clerk's `number: 010` would print `08`. Under the 1.2 core schema
    these are 10 and text. Dates are left as text, so that the model validates them with a
    field path (PyYAML's own date conversion fails on 2023-02-29 with no location).
    """


_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_NULL = re.compile(r"~|null|Null|NULL|")

PlanLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", _BOOL, "tTfF"),
    ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
    ("tag:yaml.org,2002:float", _FLOAT, "-+.0123456789"),
    # `<<: *base` (merge keys) is not 1.2 core, but collections of plans use it
    ("tag:yaml.org,2002:merge", re.compile(r"<<"), ["<"]),
):
    PlanLoader.add_implicit_resolver(_tag, re.compile(rf"^(?:{_pattern.pattern})$"), list(_first))


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)  # leading zeros are decimal: 010 is ten


def _construct_bool(loader: Any, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


PlanLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
PlanLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
# an explicit !!timestamp stays text too
PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", PlanLoader.construct_yaml_str)


def load_yaml(text: str) -> Any:
    """The data of one YAML document (1.2 core schema); a ConstructorError (a YAMLError) for
    a key given twice in one mapping, which PyYAML alone would read as its last value."""
    loader = PlanLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_keys_twice(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def key_of(key_node: yaml.Node) -> str:
    """A mapping key as a field name (a key that is itself a collection, as its text)."""
    return str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else str(key_node)


def keys_twice(node: yaml.MappingNode) -> list[tuple[yaml.Node, str]]:
    """Each key *node* gives again (YAML allows a key once; PyYAML alone would keep the last
    silently), and what to say of it; `<<` merges may be given more than once."""
    first_at: dict[str, int] = {}
    found = []
    for key_node, _value in node.value:
        key, line = key_of(key_node), key_node.start_mark.line + 1
        if key in first_at and key != "<<":
            message = _(
                "`{key}` is given twice (lines {first} and {second}); YAML keeps only the "
                "last: keep one"
            ).format(key=key, first=first_at[key], second=line)
            found.append((key_node, message))
        first_at.setdefault(key, line)
    return found


def _refuse_keys_twice(root: yaml.Node) -> None:
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, message in keys_twice(node):
                raise yaml.constructor.ConstructorError(
                    problem=message, problem_mark=key_node.start_mark
                )
            stack.extend(value for _key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
