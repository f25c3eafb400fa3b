"""The shape of the template context, derived from the models: for template checks and docs."""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any

from ._context import build_context
from ._models import Plan
from ._profiles import builtin_profiles, load_profile

__all__ = ["Shape", "context_reference", "context_shape", "reference_plan"]

Shape = dict[str, Any] | list[Any] | str
"""A dict of shapes (its keys), a one-element list (the shape of its items), or a type name."""


def reference_plan() -> Plan:
    """A plan that uses every field, so that every context key shows up with its type."""
    return Plan.model_validate(
        {
            "issuers": [
                {"name": "SỞ VĂN HÓA", "parent": "UBND TỈNH X", "kind": "state",
                 "abbreviation": "SVH"},
                {"name": "BAN TUYÊN GIÁO", "parent": "UBND TỈNH X", "kind": "party",
                 "abbreviation": "BTG"},
            ],
            "number": {"number": 7, "type": "KHPH"},
            "place": "X",
            "date": _dt.date(2024, 2, 9),
            "title": {"summary": ["Phối hợp", "năm 2024"]},
            "preamble": ["Căn cứ ..."],
            "parts": [
                {
                    "title": "Mục đích",
                    "text": ["Mở đầu."],
                    "items": [
                        {
                            "title": "Nội dung",
                            "text": ["Đoạn."],
                            "task": {"lead": ["A"], "coordinating": ["B"], "timeline": "Quý I"},
                            "items": ["Con."],
                        }
                    ],
                }
            ],
            "closing": ["./."],
            "signatures": [
                {"authority": [{"collective": "ỦY BAN"}, {"deputy": "GIÁM ĐỐC"}],
                 "position": "PHÓ GIÁM ĐỐC", "signer": "A"},
                {"body": "BAN", "position": "TRƯỞNG BAN", "signer": "B"},
            ],
            "recipients": {"to": [{"name": "Như trên", "marker": "b/c"}], "archive": ["VT"]},
        }
    )  # fmt: skip


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "bool", int: "int", float: "float", str: "str"}.get(type(value), "any")


def _merge(a: Shape | None, b: Shape) -> Shape:
    if a is None:
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = _merge(out.get(key), value)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if not a:
            return b
        if not b:
            return a
        return [_merge(a[0], b[0])]
    if isinstance(a, str) and isinstance(b, str):
        names = sorted(set(a.split(" | ")) | set(b.split(" | ")))
        return " | ".join(names)
    return "any"


def _shape(value: Any) -> Shape:
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: Shape | None = None
        for item in value:
            merged = _merge(merged, _shape(item))
        return [merged] if merged is not None else []
    return _type_name(value)


@functools.cache
def _contexts() -> tuple[dict[str, Any], ...]:
    plan = reference_plan()
    draft = plan.model_copy(update={"date": None, "year": 2024})
    return tuple(
        build_context(p, load_profile(name)) for name in builtin_profiles() for p in (plan, draft)
    )


@functools.cache
def context_shape() -> dict[str, Any]:
    """Every variable a template can use, with its shape, merged over both profiles."""
    merged: Shape | None = None
    for context in _contexts():
        merged = _merge(merged, _shape(context))
    assert isinstance(merged, dict)
    # items nest to any depth: a sub-item has the shape of an item
    item = merged["parts"][0]["items"][0]
    item["items"] = [item]
    return merged


def context_reference() -> list[tuple[str, str, str]]:
    """(path, type, example) for every variable, in context order: the docs' table."""
    example = _contexts()[0]
    rows: list[tuple[str, str, str]] = []

    seen: dict[int, str] = {}

    def walk(shape: Shape, value: Any, path: str) -> None:
        if isinstance(shape, dict):
            if id(shape) in seen:
                rows.append((path, f"map, as `{seen[id(shape)]}`", ""))
                return
            seen[id(shape)] = path
            if path:
                rows.append((path, "map", ""))
            for key, sub in shape.items():
                child = value.get(key) if isinstance(value, dict) else None
                walk(sub, child, f"{path}.{key}" if path else key)
        elif isinstance(shape, list):
            first = value[0] if isinstance(value, list) and value else None
            item = shape[0] if shape else "any"
            if isinstance(item, dict) and id(item) in seen:
                rows.append((path, f"list of maps, each as `{seen[id(item)]}`", ""))
                return
            kind = "list of maps" if isinstance(item, dict) else f"list of {item}"
            rows.append((path, kind, _example(value) if not isinstance(item, dict) else ""))
            if isinstance(item, dict):
                walk(item, first, f"{path}[]")
        else:
            rows.append((path, shape, _example(value)))

    walk(context_shape(), example, "")
    return [r for r in rows if not r[0].startswith("plan.")]


def _example(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(f"`{v}`" for v in value[:2]) if value else ""
    if value is None or value == "":
        return ""
    return f"`{value}`"


START = "<!-- context-reference:start: python -m planforge._reference docs/templates.md -->"
END = "<!-- context-reference:end -->"


def reference_table() -> str:
    """The Markdown table of every template variable (the generated part of the docs)."""
    lines = ["| variable | type | example |", "|---|---|---|"]
    for path, kind, example in context_reference():
        cell = example.replace("|", r"\|")
        lines.append(f"| `{path}` | {kind} | {cell} |")
    return "\n".join(lines)


def update_docs(path: str) -> bool:
    """Rewrite the generated table between the markers of *path*; True when it changed."""
    from pathlib import Path

    file = Path(path)
    text = file.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{reference_table()}\n{END}{tail}"
    if new != text:
        file.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        print(f"{name}: {'updated' if update_docs(name) else 'up to date'}")
