"""A plan written as YAML a clerk would write: block style, quotes only where needed, comments."""

from __future__ import annotations

import datetime as _dt
import json
import re
import textwrap
from collections.abc import Mapping
from typing import Any

import yaml

from ._models import Plan
from ._yaml import load_yaml

__all__ = ["plan_to_yaml"]

#: Longest line the writer aims for (texts are folded with `>-` beyond it).
WIDTH = 96
#: A list of short plain texts this long or less is written on one line (`[A, B]`).
FLOW_WIDTH = 72

Path_ = str


def plan_to_yaml(
    plan: Plan, notes: Mapping[str, str] | None = None, *, header: str | None = None
) -> str:
    """*plan* as YAML that reads like a hand-written plan and validates into the same plan.

    The fields come in the model's order and only where they differ from their defaults; the
    shorthands a clerk types are used (an item that is only a text is the text, one lead unit
    is a text, `- collective: ỦY BAN NHÂN DÂN`, a recipient without a marker is its name, lines
    given by hand are a list); *notes* (field path -> message) become `# check:` comments above
    the field they are about (or at the top); *header* is a comment put first.
    """
    data = _shorthand(plan.model_dump(mode="json", exclude_defaults=True))
    notes = dict(notes or {})
    writer = _Writer(notes)
    body = writer.mapping(data, 0, "")
    top = [f"# {line}".rstrip() for line in (header or "").splitlines()]
    top += [f"# check: {_one_line(m)}" for p, m in notes.items() if p not in writer.used]
    text = "\n".join([*top, *([""] if top else []), *body]) + "\n"
    if Plan.model_validate(load_yaml(text)) != plan:
        # a scalar style misread: every text double-quoted cannot be
        body = _Writer(notes, quote_all=True).mapping(data, 0, "")
        text = "\n".join([*top, *([""] if top else []), *body]) + "\n"
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(value: Any) -> Any:
    """A text with line breaks given by hand: its lines as a list."""
    if isinstance(value, str) and "\n" in value:
        return value.split("\n")
    return value


def _single(value: Any) -> Any:
    """A list of one text: the text (`lead: Sở Y tế`)."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    return value


def _shorthand(data: dict[str, Any]) -> dict[str, Any]:
    for issuer in data.get("issuers", []):
        for key in ("name", "parent"):
            if key in issuer:
                issuer[key] = _lines(issuer[key])
    for key in ("preamble", "closing"):
        if key in data:
            data[key] = _single(data[key])
    data["parts"] = [_node(part) for part in data.get("parts", [])]
    if not data["parts"]:
        del data["parts"]
    for sig in data.get("signatures", []):
        if "authority" in sig:
            sig["authority"] = [{a["type"]: _lines(a["of"])} for a in sig["authority"]]
        for key in ("body", "position"):
            if key in sig:
                sig[key] = _lines(sig[key])
    recipients = data.get("recipients", {})
    if "to" in recipients:
        recipients["to"] = [r["name"] if set(r) == {"name"} else r for r in recipients["to"]]
    return data


def _node(node: dict[str, Any]) -> Any:
    """A part or item with its shorthands; an item that is only one text is that text."""
    if "text" in node:
        node["text"] = _single(node["text"])
    if "task" in node:
        for key in ("lead", "coordinating"):
            if key in node["task"]:
                node["task"][key] = _single(node["task"][key])
    if "items" in node:
        node["items"] = [_node(item) for item in node["items"]]
    if set(node) == {"text"} and isinstance(node["text"], str) and "title" not in node:
        return node["text"]
    return node


class _Writer:
    def __init__(self, notes: Mapping[str, str], *, quote_all: bool = False) -> None:
        self.notes = notes
        self.used: set[str] = set()
        self.quote_all = quote_all

    def comments(self, path: str, indent: int) -> list[str]:
        if path in self.notes:
            self.used.add(path)
            return [" " * indent + f"# check: {_one_line(self.notes[path])}"]
        return []

    def mapping(self, data: Mapping[str, Any], indent: int, path: str) -> list[str]:
        out: list[str] = []
        pad = " " * indent
        for key, value in data.items():
            here = f"{path}.{key}" if path else key
            out += self.comments(here, indent)
            out += self.entry(pad + f"{key}:", value, indent, here)
        return out

    def entry(self, head: str, value: Any, indent: int, path: str) -> list[str]:
        """`head value`, or `head` and the value's lines below it."""
        if isinstance(value, dict):
            return [head, *self.mapping(value, indent + 2, path)]
        if isinstance(value, list):
            flow = self.flow(value)
            if flow is not None and len(head) + 1 + len(flow) <= WIDTH:
                return [f"{head} {flow}"]
            return [head, *self.sequence(value, indent + 2, path)]
        return self.scalar(head, value, indent + 2)

    def sequence(self, items: list[Any], indent: int, path: str) -> list[str]:
        out: list[str] = []
        pad = " " * indent
        for n, item in enumerate(items):
            here = f"{path}[{n}]"
            out += self.comments(here, indent)
            if isinstance(item, dict) and item:
                lines = self.mapping(item, indent + 2, here)
                first = lines[0][indent + 2 :]
                out.append(pad + "- " + first)
                out += lines[1:]
            elif isinstance(item, list):
                out += self.entry(pad + "-", item, indent, here)
            else:
                out += self.scalar(pad + "-", item, indent + 2)
        return out

    def flow(self, items: list[Any]) -> str | None:
        """`[A, B]` for a short list of plain texts, else None."""
        if not items or not all(isinstance(i, str) for i in items) or self.quote_all:
            return None
        if any(self.plain(i, flow=True) is None for i in items):
            return None
        text = "[" + ", ".join(items) + "]"
        return text if len(text) <= FLOW_WIDTH and len(items) > 1 else None

    def plain(self, text: str, *, flow: bool = False) -> str | None:
        """*text* unquoted when YAML reads it back as the same text."""
        if not text or text != text.strip() or "\n" in text or self.quote_all:
            return None
        if flow and re.search(r"[,\[\]{}]", text):
            return None
        snippet = f"k: [{text}]" if flow else f"k: {text}"
        want = [text] if flow else text
        # read alike by planforge (YAML 1.2) and by YAML 1.1 tools (`yes`, `010`, `1:30`)
        for load in (load_yaml, yaml.safe_load):
            try:
                read = load(snippet)
            except Exception:
                return None
            got = read.get("k") if isinstance(read, dict) else None
            if isinstance(got, _dt.date) and got.isoformat() == text:
                continue  # a date is a date to every reader
            if got != want:
                return None
        return text

    def scalar(self, head: str, value: Any, indent: int) -> list[str]:
        if value is None:
            return [f"{head} null"]
        if isinstance(value, bool):
            return [f"{head} {'true' if value else 'false'}"]
        if isinstance(value, (int, float)):
            return [f"{head} {value}"]
        text = str(value)
        plain = self.plain(text)
        if plain is not None and len(head) + 1 + len(plain) <= WIDTH:
            return [f"{head} {plain}"]
        quoted = json.dumps(text, ensure_ascii=False)
        if len(head) + 1 + len(quoted) <= WIDTH:
            return [f"{head} {quoted}"]
        folded = self.folded(text, indent)
        if folded is not None:
            return [f"{head} >-", *folded]
        if plain is not None:
            return [f"{head} {plain}"]
        return [f"{head} {quoted}"]

    def folded(self, text: str, indent: int) -> list[str] | None:
        """A long text as a `>-` block, when folding gives it back exactly."""
        if self.quote_all or "\n" in text or text != text.strip() or "  " in text:
            return None
        lines = textwrap.wrap(
            text, width=max(40, WIDTH - indent), break_long_words=False, break_on_hyphens=False
        )
        block = [" " * indent + line for line in lines]
        try:
            read = load_yaml("k: >-\n" + "\n".join(block))
        except Exception:
            return None
        return block if isinstance(read, dict) and read.get("k") == text else None
