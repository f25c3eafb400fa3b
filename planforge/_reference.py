"""The template context's shape and the plan's fields, derived from the models: for docs."""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._context import build_context
from ._models import AuthorityType, ListStyle, Plan
from ._numbering import label
from ._profiles import builtin_profiles, load_profile
from ._schema import generated_schema
from ._yaml import load_yaml

__all__ = [
    "Shape",
    "context_reference",
    "context_shape",
    "plan_field_rows",
    "plan_reference",
    "reference_plan",
    "update_docs",
    "write_docs",
]

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
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{reference_table()}\n{END}{tail}"
    if new != text:
        file.write_text(new, encoding="utf-8")
    return new != text


# -- docs/plan.md: the fields of a plan, the authority prefixes and the list labels -----------

#: The profiles whose printing docs/plan.md shows side by side, and the kind of body each
#: prints for: the state rules and the Party rules now in force.
PRINTED_BY = (("nd30-2020", "state"), ("hd05-2026", "party"))

#: The plan every printed example is made in: each row sets its own example into it.
_DOCS_PLAN: dict[str, Any] = {
    "issuers": [{"name": "SỞ Y TẾ", "kind": "state", "abbreviation": "SYT"}],
    "number": {"number": 5, "type": "KH"},
    "place": "Lâm Đồng",
    "date": "2026-06-12",
    "title": {"summary": ["Triển khai tiêm chủng mở rộng năm 2026"]},
    "preamble": ["Căn cứ ..."],
    "parts": [
        {
            "title": "Nội dung",
            "items": [
                {
                    "title": "Tiêm chủng thường xuyên",
                    "text": ["Tổ chức tiêm chủng hằng tháng."],
                    "task": {"lead": ["Trung tâm Kiểm soát bệnh tật tỉnh"]},
                    "items": [{"text": "Rà soát đối tượng."}, {"text": "Tiêm vét."}],
                }
            ],
        }
    ],
    "closing": ["./."],
    "signatures": [
        {"authority": [{"type": "deputy", "of": "GIÁM ĐỐC"}], "position": "PHÓ GIÁM ĐỐC",
         "signer": "Nguyễn Văn An"}
    ],
    "recipients": {"to": [{"name": "Bộ Y tế"}], "archive": ["VT"]},
}  # fmt: skip

#: Fields a row's example replaces: a draft's `year` stands without `date`, a `body` signs
#: without authority lines, an item's text carries its label when the item has no title.
_LEAVES_OUT = {
    "year": "date",
    "signatures[].body": "signatures[].authority",
    "parts[].items[].text": "parts[].items[].title",
}


def _lines(value: Any) -> str:
    return " / ".join(str(value).split("\n"))


def _block(kind: str, level: int | None = None) -> Callable[[dict[str, Any]], str]:
    def get(context: dict[str, Any]) -> str:
        for block in context["blocks"]:
            if block["kind"] == kind and (level is None or block["level"] == level):
                return f"{block['prefix']}{block['text']}"
        return ""

    return get


def _task_line(n: int) -> Callable[[dict[str, Any]], str]:
    def get(context: dict[str, Any]) -> str:
        lines = [b["text"] for b in context["blocks"] if b["kind"] == "task"]
        return lines[n] if n < len(lines) else ""

    return get


#: How a field shows in the document: what to read out of the template context.
_PRINTED: dict[str, Callable[[dict[str, Any]], str]] = {
    "issuers[].name": lambda c: _lines(c["header"]["issuers"][0]),
    "issuers[].parent": lambda c: _lines(c["header"]["parents"][0]),
    "issuers[].abbreviation": lambda c: c["header"]["number"],
    "number.number": lambda c: c["header"]["number"],
    "number.type": lambda c: c["header"]["number"],
    "number.symbols": lambda c: c["header"]["number"],
    "urgency": lambda c: c["header"]["urgency"],
    "place": lambda c: c["header"]["place_date"],
    "date": lambda c: c["header"]["place_date"],
    "year": lambda c: c["header"]["place_date"],
    "title.type_name": lambda c: c["title"]["type_name"],
    "title.summary": lambda c: " / ".join(c["title"]["summary"]),
    "preamble": lambda c: c["preamble"][0],
    "parts[].title": _block("part"),
    "parts[].text": lambda c: next(b["text"] for b in c["blocks"] if b["kind"] == "text"),
    "parts[].list_style": _block("heading", 1),
    "parts[].items[].title": _block("heading", 1),
    "parts[].items[].text": _block("text", 1),
    "parts[].items[].task.lead": _task_line(0),
    "parts[].items[].task.coordinating": _task_line(1),
    "parts[].items[].task.timeline": _task_line(-1),
    "parts[].items[].list_style": _block("text", 2),
    "closing": lambda c: c["closing"][0],
    "signatures[].authority": lambda c: " / ".join(c["signatures"][0]["authority"]),
    "signatures[].authority[].type": lambda c: c["signatures"][0]["authority"][0],
    "signatures[].authority[].of": lambda c: c["signatures"][0]["authority"][0],
    "signatures[].body": lambda c: " / ".join(c["signatures"][0]["authority"]),
    "signatures[].position": lambda c: _lines(c["signatures"][0]["position"]),
    "signatures[].signer": lambda c: c["signatures"][0]["signer"],
    "recipients.to": lambda c: " ".join(c["recipients"]["lines"][:-1]),
    "recipients.to[].name": lambda c: c["recipients"]["lines"][0],
    "recipients.to[].marker": lambda c: c["recipients"]["lines"][0],
    "recipients.archive": lambda c: c["recipients"]["lines"][-1],
}

#: What each authority key means, in the words of the rules.
AUTHORITY_TERMS = {
    AuthorityType.COLLECTIVE: "thay mặt tập thể",
    AuthorityType.DEPUTY: "ký thay người đứng đầu",
    AuthorityType.ACTING: "quyền (cấp trưởng)",
    AuthorityType.BY_ORDER: "thừa lệnh",
    AuthorityType.BY_AUTHORIZATION: "thừa ủy quyền",
}

#: What each list style is called.
LIST_STYLE_TERMS = {
    ListStyle.ROMAN: "số La Mã",
    ListStyle.DECIMAL: "số Ả Rập",
    ListStyle.NESTED: "số ghép với số của mục cha",
    ListStyle.LETTER: "chữ cái tiếng Việt",
    ListStyle.DASH: "gạch đầu dòng",
    ListStyle.PLUS: "dấu cộng",
}


def plan_field_rows() -> list[tuple[str, str, str, str, list[str]]]:
    """(path, Vietnamese term, type, example, printed by each of PRINTED_BY) for every field
    of a plan, in the order of the models; an item's sub-items are items again."""
    schema = generated_schema("plan")
    defs: dict[str, Any] = schema["$defs"]
    rows: list[tuple[str, str, str, str, list[str]]] = []

    def walk(model: dict[str, Any], prefix: str, seen: dict[str, str]) -> None:
        required = set(model.get("required", []))
        for name, field in model["properties"].items():
            path = f"{prefix}{name}"
            examples = field.get("examples", [])
            example = _example_text(examples[0]) if examples else ""
            printed = [_printed(path, examples[0], p, k) if examples else "" for p, k in PRINTED_BY]
            kind = _kind_text(field, defs, examples)
            if name in required:
                kind = f"**required**; {kind}"
            rows.append((path, field.get("title", ""), kind, example, printed))
            target = _object_of(field, defs)
            if target is None:
                continue
            ref, many = target
            inner = f"{path}[]" if many else path
            if ref in seen:  # items nest: a sub-item is an item again
                rows.append((inner, "", f"as `{seen[ref]}`", "", ["" for _ in PRINTED_BY]))
                continue
            walk(defs[ref], f"{inner}.", {**seen, ref: inner})

    walk({k: v for k, v in schema.items() if k != "$defs"}, "", {"Plan": ""})
    return rows


def _object_of(field: dict[str, Any], defs: dict[str, Any]) -> tuple[str, bool] | None:
    """The model a field holds (one, or a list of them), if it holds one; its shorthand
    forms (a text for an item, a one-key map for an authority) are left to the type text."""
    many = field.get("type") == "array"
    node = field.get("items", {}) if many else field
    for choice in [node, *node.get("anyOf", [])]:
        ref = choice.get("$ref", "").removeprefix("#/$defs/")
        if ref and "properties" in defs[ref] and ref != _SHORTHAND:
            return ref, many
    return None


def _kind_text(node: dict[str, Any], defs: dict[str, Any], examples: list[Any]) -> str:
    """A field's type as a clerk reads it: text, list of texts, date, number, one of ...;
    a text of a set form is shown by the field's *examples*."""
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        target = defs[name]
        if name == _SHORTHAND:
            return "one-key map (`collective: ỦY BAN NHÂN DÂN`)"
        if "enum" in target:
            return "one of " + ", ".join(f"`{v}`" for v in target["enum"])
        return "map"
    if "anyOf" in node:
        choices = [c for c in node["anyOf"] if c.get("type") != "null"]
        # `lead: Sở Y tế` is a list of one: a list's "at least one" goes without saying
        text = " or ".join(dict.fromkeys(_kind_text(c, defs, examples) for c in choices))
        return text.replace(" (at least one)", "")
    kind = node.get("type")
    if kind == "array":
        item = _kind_text(node.get("items", {}), defs, [])
        plural = re.sub(r"\b(text|map|number)\b", r"\1s", item)
        least = " (at least one)" if node.get("minItems") else ""
        return f"list of {plural}{least}"
    if kind == "string":
        if node.get("format") == "date":
            return "date (YYYY-MM-DD)"
        if "pattern" in node and node["pattern"] != r"\S":
            return "text such as " + ", ".join(f"`{v}`" for v in examples)
        return "text"
    if kind == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        if low is not None and high is not None:
            return f"number {low}–{high}"
        return f"number ≥ {low}" if low is not None else "number"
    return "any"


_SHORTHAND = "AuthorityShorthand"


def _example_text(value: Any) -> str:
    """An example as a clerk types it in YAML (flow style)."""

    def flow(v: Any) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(flow(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k}: {flow(x)}" for k, x in v.items()) + "}"
        if isinstance(v, str):
            # quoted where YAML would read it otherwise (`UBND các xã, phường` in a list is
            # two texts): the example must read back as what it shows
            try:
                same = load_yaml(f"k: [{v}]") == {"k": [v]}
            except Exception:
                same = False
            return v if same else json.dumps(v, ensure_ascii=False)
        return str(v)

    return f"`{flow(value)}`"


def _set(data: Any, path: str, value: Any) -> None:
    """Put *value* at *path* (`parts[].items[].task.lead`: the first of each list)."""
    keys = path.split(".")
    for key in keys[:-1]:
        data = data[key.removesuffix("[]")]
        if key.endswith("[]"):
            data = data[0]
    last = keys[-1].removesuffix("[]")
    data[last] = [value] if keys[-1].endswith("[]") else value


def _remove(data: Any, path: str) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        data = data[key.removesuffix("[]")]
        if key.endswith("[]"):
            data = data[0]
    data.pop(keys[-1].removesuffix("[]"), None)


def _printed(path: str, example: Any, profile: str = "nd30-2020", kind: str = "state") -> str:
    """What *example* at *path* prints under *profile*, in a plan of a body of *kind*."""
    get = _PRINTED.get(path)
    if get is None:
        return ""
    data = copy.deepcopy(_DOCS_PLAN)
    data["issuers"][0]["kind"] = kind
    if path in _LEAVES_OUT:
        _remove(data, _LEAVES_OUT[path])
    _set(data, path, example)
    context = build_context(Plan.model_validate(data), load_profile(profile))
    return get(context)


def _cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def _quoted(text: str) -> str:
    return f"`{text}`" if text else ""


def authority_rows() -> list[tuple[str, str, list[str]]]:
    """(profile, kind of body, prefix of each authority key) from each built-in profile's
    `signature.prefixes`; a key the profile does not print is ''."""
    rows = []
    for name in builtin_profiles():
        prefixes = load_profile(name).signature.prefixes
        for kind, spelled in prefixes.items():
            rows.append((name, kind, [spelled.get(t, "") for t in AuthorityType]))
    return rows


def list_style_rows() -> list[tuple[str, list[str]]]:
    """(list style, its first three labels under each built-in profile)."""
    rows = []
    for style in ListStyle:
        cells = []
        for name in builtin_profiles():
            rule = load_profile(name).numbering
            parent = "2." if style is ListStyle.NESTED else ""
            cells.append(", ".join(label(style, n, parent, rule)[0] for n in (1, 2, 3)))
        rows.append((style.value, cells))
    return rows


PLAN_DOC_HEAD = """\
# Plan fields

<!-- generated by `python -m planforge._reference docs/plan.md` from the models and the
built-in profiles; a test keeps it equal: edit planforge/_models.py or _reference.py -->

Every field a plan file may hold, with its Vietnamese term (the `title` of the field in the
JSON Schema, `planforge/schemas/plan.schema.json`, which editors show), what it holds, an
example as typed in YAML and what that example prints. `parts[].items[]` is each item of each
part; items nest, so `parts[].items[].items[]` is an item again. Each printed example is made in
a one-page plan of Sở Y tế, by the state rules (nd30-2020) and by the Party rules now in force
(hd05-2026) for a Party body. `planforge new PLAN.yaml --kind state|party|joint` starts a plan
with every field filled in or commented.

A text given where a list is expected is a list of one (`lead: Sở Y tế`); a name, a position
or an authority may be a list of lines, printed exactly so; a summary typed on several lines
prints one line each; an item or a recipient may be a bare text.
"""


def plan_reference() -> str:
    """The text of docs/plan.md: fields, authority prefixes and list labels."""
    columns = " | ".join(f"prints ({p}, {k} body)" for p, k in PRINTED_BY)
    out = [PLAN_DOC_HEAD, "## Fields", "", f"| field | tên gọi | type | example | {columns} |",
           "|---|---|---|---|" + "---|" * len(PRINTED_BY)]  # fmt: skip
    for path, term, kind, example, printed in plan_field_rows():
        cells = [f"`{path}`", term, kind, example, *(_quoted(p) for p in printed)]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    keys = list(AuthorityType)
    out += [
        "",
        "## Authority (`signatures[].authority`)",
        "",
        "Each authority line is a one-key map, `{collective: ỦY BAN NHÂN DÂN}`, or "
        "`{type: collective, of: ỦY BAN NHÂN DÂN}`. The prefix printed before it depends on the "
        "profile and on the kind of the body that signs (each block of a joint plan signs by "
        "its own body's rules); a key a profile does not print is an error naming the choices.",
        "",
        "| key | nghĩa | " + " | ".join(f"`{k.value}`" for k in keys) + " |",
        "|---|---|" + "---|" * len(keys),
        "| | | " + " | ".join(AUTHORITY_TERMS[k] for k in keys) + " |",
        "",
        "| profile | kind of body | " + " | ".join(f"`{k.value}`" for k in keys) + " |",
        "|---|---|" + "---|" * len(keys),
    ]
    for name, kind, prefixes in authority_rows():
        cells = [name, kind, *(_quoted(p) or "—" for p in prefixes)]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    profiles = builtin_profiles()
    out += [
        "",
        "## List styles (`list_style`)",
        "",
        "`parts[].list_style` labels the items of a part, `parts[].items[].list_style` the "
        "sub-items of an item; left out, each level takes the profile's next style:",
        "",
    ]
    for name in profiles:
        rule = load_profile(name).numbering
        chain, style = [rule.part, rule.first_level], rule.first_level
        while (style := rule.after[style]) not in chain:
            chain.append(style)
        out.append(f"- {name}: " + " → ".join(f"`{s.value}`" for s in chain))
    out += [
        "",
        "| style | tên gọi | " + " | ".join(profiles) + " |",
        "|---|---|" + "---|" * len(profiles),
    ]
    for name, labels in list_style_rows():
        cells = [f"`{name}`", LIST_STYLE_TERMS[ListStyle(name)], *(f"`{x}`" for x in labels)]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out) + "\n"


#: Documents generated whole, by file name.
GENERATED_DOCS = {"plan.md": plan_reference}


def write_docs(path: str) -> bool:
    """Bring the generated text of *path* up to date (a whole generated file, or the table
    between the markers of docs/templates.md); True when it changed."""
    file = Path(path)
    make = GENERATED_DOCS.get(file.name)
    if make is None:
        return update_docs(path)
    text = make()
    if file.is_file() and file.read_text(encoding="utf-8") == text:
        return False
    file.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        print(f"{name}: {'updated' if write_docs(name) else 'up to date'}")
