"""Property-based tests: random plans render, random files are refused cleanly.

Random plans — arbitrary Unicode text with `& < > " '`, Jinja syntax, combining marks, emoji,
right-to-left text and very long words, empty optional parts, hundreds of items, nesting six
levels deep — always give a .docx that python-docx reopens with every text present as given,
and a sample of them converts with LibreOffice. Random bytes and random YAML never crash with
a traceback: they get an error message and exit status 2.

Under CI (the `CI` environment variable set) every property but the LibreOffice one runs 200
examples; locally fewer, to keep the edit-test loop short.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import os
import re
import tempfile
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from planforge import AuthorityType, ListStyle, Plan, PlanInputError, builtin_profiles, load_plan
from planforge._cli import generate_plan
from planforge._loading import plan_from_data
from planforge._text import legacy_encoding

from .conftest import render_quietly

# When a property fails, hypothesis's pytest plugin imports its patch writer, whose libcst
# import warns (DeprecationWarning from mypy_extensions): with filterwarnings=error that is an
# INTERNALERROR instead of the falsifying example. Import it once here, quietly.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import hypothesis.extra._patching  # noqa: F401

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Random texts here are arbitrary Unicode: a summary line `I. abc` or an item `Thời gian: 5`
# reads back as the structure it spells, so these renders are not read back (the round trip
# of plans written in words is the property tests/test_import.py checks).
pytestmark = pytest.mark.no_round_trip

Data = dict[str, Any]
Loc = tuple[str | int, ...]

# -- text ------------------------------------------------------------------------------------

#: What XML 1.0 cannot hold (and so a plan refuses): C0 controls but tab, LF, CR; U+FFFE/FFFF.
FORBIDDEN = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + ["\ufffe", "\uffff"]

_CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cc", "Zl", "Zp"),
    exclude_characters="\ufffe\uffff",
)
_WORD_CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cc", "Zl", "Zp", "Zs"),
    exclude_characters="\ufffe\uffff",
)

SAMPLES = [
    # Vietnamese
    "Ủy ban nhân dân tỉnh Thanh Hóa",
    "Sở Kế hoạch và Đầu tư",
    "Nguyễn Thị Ánh Tuyết",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "Thanh Hoá",
    # XML and HTML syntax
    "& < > \" '",
    "a&b<c>d\"e'f",
    "&amp; &lt; &#x41; &nbsp;",
    "<w:t>x</w:t>",
    "</w:t></w:r></w:p>",
    "]]> <![CDATA[x]]> <!-- c -->",
    # Jinja and docxtpl syntax
    "{{ 7*7 }}",
    "{% if %}",
    "{% if true %}x{% endif %}",
    "{%p if plan %}",
    "{%tc for x in y %}",
    "{%r endfor %}",
    "{# comment #}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{{ plan.place }}",
    "{{ range(10**9) }}",
    "{{ ''.__class__ }}",
    "{_{ x }_} {_% y %_}",  # docxtpl's own escapes for literal braces
    # combining marks (decomposed, stacked, at the start)
    "a\u0301",
    "Tie\u0302\u0301ng Vie\u0323\u0302t",
    "q\u0307\u0323",
    "\u0301x",
    "e\u0302\u0303\u0323",
    # emoji: plain, ZWJ family, flag, keycap, skin tone
    "😀",
    "👩\u200d👩\u200d👧\u200d👦",
    "🇻🇳",
    "1\ufe0f\u20e3",
    "👍🏽",
    # right to left, bidi controls
    "مرحبا بالعالم",
    "שלום עולם",
    "\u202eabc\u202c",
    "\u200f\u200e\u2067x\u2069",
    # other oddities XML can hold
    "Mục\ttab",
    "\u00a0nbsp\u00a0",
    "\ufeffbom",
    "\u200bzero\u200bwidth",
    "\U0010fffd\ue000\ufdd0",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
]


def nfc(text: str) -> str:
    """What a plan keeps of *text*: NFC, trimmed."""
    return unicodedata.normalize("NFC", text).strip()


def _valid_text(text: str) -> bool:
    kept = nfc(text)
    return (
        bool(kept)
        and len(kept.splitlines()) == 1
        and legacy_encoding(kept) is None  # random Latin-1 can look like TCVN3 or VNI
    )


def _long_words(longest: int) -> st.SearchStrategy[str]:
    """Words of 200 to *longest* characters, no space in them."""
    return st.builds(
        lambda word, n: (word * (n // len(word) + 1))[:n],
        st.text(_WORD_CHARS, min_size=1, max_size=8),
        st.integers(200, longest),
    )


@functools.cache
def lines(longest: int = 2000, pieces: int = 4) -> st.SearchStrategy[str]:
    """One line of text (a Line field; paragraphs are kept to one line too) of up to *pieces*
    words and samples, with words up to *longest* characters (none if 0) now and then."""
    choices = [
        st.text(_CHARS, min_size=1, max_size=12),
        st.text(_CHARS, min_size=1, max_size=12),
        st.sampled_from(SAMPLES),
        st.sampled_from(SAMPLES),
        st.sampled_from(SAMPLES),
    ]
    if longest:
        choices.append(_long_words(longest))
    return (
        st.lists(st.one_of(choices), min_size=1, max_size=pieces).map(" ".join).filter(_valid_text)
    )


LINE = lines()
#: A line without the very long words: the big plan repeats its few texts hundreds of times.
SHORT_LINE = lines(0)
STYLES = [s.value for s in ListStyle]
AUTHORITY_TYPES = [t.value for t in AuthorityType]

# -- plans -----------------------------------------------------------------------------------

#: Most items a list may have, by how many levels it and the ones below may take (six at
#: most).
_WIDTH = {6: 4, 5: 3, 4: 3, 3: 2, 2: 2, 1: 2}


def _optional(draw: st.DrawFn, target: Data, key: str, strategy: st.SearchStrategy[Any]) -> None:
    value = draw(st.none() | strategy)
    if value is not None:
        target[key] = value


@st.composite
def tasks(draw: st.DrawFn, line: st.SearchStrategy[str]) -> Data:
    task: Data = {"lead": draw(st.lists(line, min_size=1, max_size=2))}
    _optional(draw, task, "coordinating", st.lists(line, max_size=2))
    _optional(draw, task, "timeline", line)
    return task


Shape = list["Shape"]


@st.composite
def shapes(draw: st.DrawFn, levels: int) -> Shape:
    """How many items a list has and, for each, its own list's shape, *levels* deep at most.

    Drawn before any text, so that the texts' draws cannot crowd the counts out.
    """
    count = draw(_counts(_WIDTH[levels]))
    return [draw(shapes(levels - 1)) if levels > 1 else [] for _ in range(count)]


def _counts(most: int) -> st.SearchStrategy[int]:
    """0 to *most*, 0 the least likely: hypothesis leans to the simplest choice, and an
    empty list here would leave most plans without items."""
    return st.sampled_from([*range(1, most + 1), 0])


@st.composite
def items(draw: st.DrawFn, shape: Shape, line: st.SearchStrategy[str]) -> Data:
    """An item whose sub-items have *shape*."""
    item: Data = {}
    _optional(draw, item, "title", line)
    text = draw(st.lists(line, min_size=0 if "title" in item else 1, max_size=2))
    if bool(text) or draw(st.booleans()):
        item["text"] = text
    _optional(draw, item, "task", tasks(line))
    if bool(shape) or draw(st.booleans()):
        item["items"] = [draw(items(child, line)) for child in shape]
    _optional(draw, item, "list_style", st.sampled_from(STYLES))
    return item


@st.composite
def parts(draw: st.DrawFn, shape: Shape, line: st.SearchStrategy[str]) -> Data:
    part: Data = {"title": draw(line)}
    _optional(draw, part, "text", st.lists(line, max_size=2))
    if bool(shape) or draw(st.booleans()):
        part["items"] = [draw(items(child, line)) for child in shape]
    _optional(draw, part, "list_style", st.sampled_from(STYLES))
    return part


@st.composite
def plan_data(
    draw: st.DrawFn,
    *,
    max_parts: int = 3,
    levels: int = 6,
    longest: int = 2000,
    pieces: int = 4,
) -> Data:
    """A valid plan as the canonical dict (every list a list, no shorthand).

    Words are up to *longest* characters, texts up to *pieces* words and samples.
    """
    line = lines(longest, pieces)
    part_shapes = [draw(shapes(levels)) for _ in range(draw(_counts(max_parts)))]
    shared_parent = draw(st.none() | line)
    issuers = []
    for _ in range(draw(st.integers(1, 3))):
        issuer: Data = {
            "name": draw(line),
            "kind": draw(st.sampled_from(["state", "party"])),
            "abbreviation": draw(line),
        }
        parent = shared_parent if draw(st.booleans()) else draw(st.none() | line)
        if parent is not None:
            issuer["parent"] = parent
        issuers.append(issuer)
    plan: Data = {"issuers": issuers}
    _optional(draw, plan, "profile", st.sampled_from(["nd30-2020", "hd36-2018"]))
    _optional(
        draw,
        plan,
        "number",
        st.fixed_dictionaries(
            {},
            optional={
                "number": st.integers(0, 10**6),
                "type": line,
                "symbols": st.lists(line, max_size=3),
            },
        ),
    )
    plan["place"] = draw(line)
    when = draw(st.sampled_from(["date", "year", "both"]))
    date = draw(st.dates())
    if when != "year":
        plan["date"] = date.isoformat()
    if when != "date":
        plan["year"] = date.year
    title: Data = {"summary": draw(st.lists(line, min_size=1, max_size=3))}
    _optional(draw, title, "type_name", line)
    plan["title"] = title
    _optional(draw, plan, "preamble", st.lists(line, max_size=2))
    if bool(part_shapes) or draw(st.booleans()):
        plan["parts"] = [draw(parts(shape, line)) for shape in part_shapes]
    _optional(draw, plan, "closing", st.lists(line, max_size=2))
    abbreviations = [i["abbreviation"] for i in issuers]
    signatures = []
    for n in range(draw(st.integers(1, 3))):
        sig: Data = {"signer": draw(line)}
        _optional(draw, sig, "issuer", st.sampled_from(abbreviations))
        signing = next(
            (i for i in issuers if i["abbreviation"] == sig.get("issuer")),
            issuers[min(n, len(issuers) - 1)],
        )
        # Party documents have no `by_authorization` (T/UQ): refused, tested elsewhere
        types = [
            t for t in AUTHORITY_TYPES if signing["kind"] == "state" or t != "by_authorization"
        ]
        _optional(
            draw,
            sig,
            "authority",
            st.lists(
                st.fixed_dictionaries({"type": st.sampled_from(types), "of": line}),
                max_size=2,
            ),
        )
        _optional(draw, sig, "body", line)
        _optional(draw, sig, "position", line)
        signatures.append(sig)
    plan["signatures"] = signatures
    recipient = st.fixed_dictionaries({"name": line}, optional={"marker": line})
    _optional(
        draw,
        plan,
        "recipients",
        st.fixed_dictionaries(
            {},
            optional={
                "to": st.lists(recipient | st.builds(lambda: {"name": ""}), max_size=4),
                "archive": st.lists(line, max_size=3),
            },
        ),
    )
    depth = max((_depth(p.get("items", [])) for p in plan.get("parts", [])), default=0)
    event(f"item levels: {depth}")
    return plan


def _depth(entries: list[Data]) -> int:
    return max((1 + _depth(i.get("items", [])) for i in entries), default=0)


@st.composite
def big_plan_data(draw: st.DrawFn) -> Data:
    """A plan with one part of hundreds of items (a few texts, numbered apart)."""
    plan = draw(plan_data(max_parts=1, levels=2))
    words = draw(st.lists(SHORT_LINE, min_size=1, max_size=6))
    count = draw(st.integers(200, 350))
    entries: list[Data] = []
    for n in range(count):
        entry: Data = {"text": [f"{words[n % len(words)]} #{n}"]}
        if n % 7 == 0:
            entry["title"] = f"{words[(n + 1) % len(words)]} tiêu đề {n}"
        if n % 5 == 0:
            entry["task"] = {"lead": [f"Đơn vị {n}"], "timeline": "Thường xuyên"}
        if n % 11 == 0:
            entry["items"] = [{"text": [f"con {n}.{k} {words[k % len(words)]}"]} for k in range(3)]
        entries.append(entry)
    style = draw(st.none() | st.sampled_from(STYLES))
    big: Data = {"title": draw(LINE), "items": entries}
    if style is not None:
        big["list_style"] = style
    plan.setdefault("parts", []).append(big)
    return plan


# -- shorthand: the same plan as a user may type it -------------------------------------------


def _clean(values: Sequence[str]) -> bool:
    return not any(c in v for v in values for c in FORBIDDEN)


@st.composite
def shorthand(draw: st.DrawFn, canonical: Data) -> Data:
    """*canonical* with some lists typed as single values or multi-line texts, and the
    one-key forms (`lead: X`, `- text`, `{collective: X}`) where they apply."""
    plan = copy.deepcopy(canonical)
    maybe = st.booleans()

    def paragraphs(owner: Data, key: str) -> None:
        value = owner.get(key)
        if not isinstance(value, list) or not draw(maybe):
            return
        if len(value) == 1:
            owner[key] = value[0]
        elif len(value) > 1 and _clean(value):
            # a blank line (possibly holding spaces) separates paragraphs
            owner[key] = draw(st.sampled_from(["\n\n", "\n  \n", "\r\n\r\n"])).join(value)

    def single(owner: Data, key: str) -> None:
        value = owner.get(key)
        if isinstance(value, list) and len(value) == 1 and draw(maybe):
            owner[key] = value[0]

    def item(entry: Data) -> Data | str:
        paragraphs(entry, "text")
        if "task" in entry:
            single(entry["task"], "lead")
            single(entry["task"], "coordinating")
        if "items" in entry:
            entry["items"] = [item(e) for e in entry["items"]]
        if set(entry) == {"text"} and isinstance(entry["text"], str) and draw(maybe):
            return str(entry["text"])
        return entry

    summary = plan["title"]["summary"]
    if _clean(summary) and draw(maybe):
        plan["title"]["summary"] = "\n".join(summary)  # one line each
    paragraphs(plan, "preamble")
    paragraphs(plan, "closing")
    for part in plan.get("parts", []):
        paragraphs(part, "text")
        if "items" in part:
            part["items"] = [item(e) for e in part["items"]]
    if "number" in plan:
        single(plan["number"], "symbols")
    for sig in plan["signatures"]:
        sig["authority"] = [
            {a["type"]: a["of"]} if draw(maybe) else a for a in sig.get("authority", [])
        ]
    if "recipients" in plan:
        single(plan["recipients"], "archive")
        plan["recipients"]["to"] = [
            (r["name"] or None) if set(r) == {"name"} and draw(maybe) else r
            for r in plan["recipients"].get("to", [])
        ]
    return plan


def plans_and_inputs(
    canonical: st.SearchStrategy[Data] | None = None,
) -> st.SearchStrategy[tuple[Data, Data]]:
    """(canonical dict, the dict given to the model: shorthand mixed in)."""
    base = canonical if canonical is not None else plan_data()
    return base.flatmap(lambda c: st.tuples(st.just(c), shorthand(c)))


# -- what a document must show ----------------------------------------------------------------


def expected_texts(plan: Data) -> list[tuple[str, str]]:
    """(field, text as it must appear) for every text the user gave that the document shows."""
    out: list[tuple[str, str]] = []

    def add(where: str, text: str, *, upper: bool = False) -> None:
        kept = nfc(text)
        out.append((where, kept.upper() if upper else kept))

    issuers = plan["issuers"]
    for n, issuer in enumerate(issuers):
        add(f"issuers[{n}].name", issuer["name"])
    parents = {nfc(i["parent"]) if "parent" in i else None for i in issuers}
    if len(parents) == 1 and None not in parents:
        add("issuers[0].parent", issuers[0]["parent"])  # shown once, for all
    number = plan.get("number", {})
    if "type" in number:
        add("number.type", number["type"])
    symbols = number.get("symbols") or [i["abbreviation"] for i in issuers]
    for n, symbol in enumerate(symbols):
        add(f"number.symbols[{n}]", symbol)
    add("place", plan["place"])
    if "type_name" in plan["title"]:
        add("title.type_name", plan["title"]["type_name"], upper=True)
    for n, line in enumerate(plan["title"]["summary"]):
        add(f"title.summary[{n}]", line)
    for key in ("preamble", "closing"):
        for n, para in enumerate(plan.get(key, [])):
            add(f"{key}[{n}]", para)

    def item(entry: Data, where: str) -> None:
        if "title" in entry:
            add(f"{where}.title", entry["title"])
        for n, para in enumerate(entry.get("text", [])):
            add(f"{where}.text[{n}]", para)
        task = entry.get("task")
        if task:
            for key in ("lead", "coordinating"):
                for n, unit in enumerate(task.get(key, [])):
                    add(f"{where}.task.{key}[{n}]", unit)
            if "timeline" in task:
                add(f"{where}.task.timeline", task["timeline"])
        for n, child in enumerate(entry.get("items", [])):
            item(child, f"{where}.items[{n}]")

    for p, part in enumerate(plan.get("parts", [])):
        add(f"parts[{p}].title", part["title"], upper=True)
        for n, para in enumerate(part.get("text", [])):
            add(f"parts[{p}].text[{n}]", para)
        for n, entry in enumerate(part.get("items", [])):
            item(entry, f"parts[{p}].items[{n}]")
    for s, sig in enumerate(plan["signatures"]):
        for n, authority in enumerate(sig.get("authority", [])):
            add(f"signatures[{s}].authority[{n}].of", authority["of"])
        for key in ("body", "position", "signer"):
            if key in sig:
                add(f"signatures[{s}].{key}", sig[key])
    recipients = plan.get("recipients", {})
    for n, recipient in enumerate(recipients.get("to", [])):
        if nfc(recipient["name"]):  # an empty line is left out
            add(f"recipients.to[{n}].name", recipient["name"])
            if "marker" in recipient:
                add(f"recipients.to[{n}].marker", recipient["marker"])
    for n, holder in enumerate(recipients.get("archive", [])):
        add(f"recipients.archive[{n}]", holder)
    return out


_P, _R, _T, _TAB, _BR = (qn(t) for t in ("w:p", "w:r", "w:t", "w:tab", "w:br"))


def paragraph_texts(data: bytes) -> list[str]:
    """Text of every paragraph of the body (tables included), in document order."""
    document = docx.Document(io.BytesIO(data))
    texts = []
    for p in document.element.body.iter(_P):
        chunks = []
        for el in p.iter(_T, _TAB, _BR):
            if el.tag == _T:
                chunks.append(el.text or "")
            elif el.getparent() is not None and el.getparent().tag == _R:  # not a tab stop
                chunks.append("\t" if el.tag == _TAB else "\n")
        texts.append("".join(chunks))
    return texts


#: Fields planforge breaks into lines (one paragraph each) where they do not fit their column.
_BROKEN = re.compile(r"issuers\[\d+\]\.(name|parent)|signatures\[\d+\]\.(authority|body|position)")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _missing(expected: list[tuple[str, str]], paragraphs: list[str]) -> list[tuple[str, str]]:
    joined = "\x00".join(paragraphs)  # a text may span runs, never paragraphs...
    lines = _squash(" ".join(paragraphs))  # ...but a name broken into lines spans several
    unbroken = joined.replace("\n", "")  # a number broken after its `/`
    return [
        (where, text)
        for where, text in expected
        if text not in joined
        and not (_BROKEN.match(where) and _squash(text) in lines)
        and not (where.startswith("number.") and text in unbroken)
    ]


def _generated(expected: list[tuple[str, str]], paragraphs: list[str]) -> str:
    """The document's text with every user text blanked out: what the template wrote."""
    joined = "\x00".join(paragraphs)
    for where, text in sorted(expected, key=lambda e: len(e[1]), reverse=True):
        joined = joined.replace(text, "\x00")
        if where.startswith("number.") and "/" in text:  # a number broken after its `/`
            joined = re.sub(re.escape(text).replace("/", "/\n?"), "\x00", joined)
        if _BROKEN.match(where) and text.split():  # broken into lines: one paragraph each
            words = r"[ \x00\n]+".join(re.escape(w) for w in text.split())
            joined = re.sub(words, "\x00", joined)
    return joined


def _may_show_49(plan: Plan) -> bool:
    """Whether the template's own text may hold `49`: a number, a year, a 49th item."""

    def widest(entries: Sequence[Any]) -> int:
        return max([len(entries), *(widest(e.items) for e in entries)])

    return (
        "49" in str(plan.number.number or "")
        or "49" in str(plan.issue_year)
        or max((widest(p.items) for p in plan.parts), default=0) >= 49
    )


def check_rendered(canonical: Data, given_data: Data) -> None:
    """*given_data* renders to a .docx holding every text of *canonical* as given, and
    nothing the template failed to render."""
    plan = Plan.model_validate(given_data)
    data = render_quietly(plan)
    paragraphs = paragraph_texts(data)
    expected = expected_texts(canonical)
    missing = _missing(expected, paragraphs)
    assert not missing, f"not in the document: {missing[:5]}"
    generated = _generated(expected, paragraphs)
    leftovers = [m for m in ("{{", "}}", "{%", "%}", "{#", "#}") if m in generated]
    assert not leftovers, f"template syntax left in the document: {leftovers}"
    if "49" in generated:
        assert _may_show_49(plan), "`49` in the document: was a `{{ 7*7 }}` evaluated?"


#: The smallest plan there is; the explicit examples below change a field or two of it.
MINIMAL: Data = {
    "issuers": [{"name": "0", "kind": "state", "abbreviation": "0"}],
    "place": "0",
    "date": "2000-01-01",
    "title": {"summary": ["0"]},
    "signatures": [{"signer": "0"}],
}


def minimal_with(**fields: Any) -> tuple[Data, Data]:
    plan = {**copy.deepcopy(MINIMAL), **fields}
    return plan, plan


# -- 1, 2: random plans render with every text present ---------------------------------------


@example(  # once failed: python-docx refused document properties over 255 characters
    pair=minimal_with(
        issuers=[{"name": "0" * 256, "kind": "state", "abbreviation": "0"}],
        title={"summary": ["1" * 300], "type_name": "2" * 300},
    )
)
@example(  # once failed: a type holding `/` broke the number there, and the check missed it
    pair=minimal_with(
        issuers=[{"name": "0", "kind": "party", "abbreviation": "0"}],
        number={"type": "00000G/ {% if true %}x{% endif %}"},
    )
)
@example(  # once failed: docxtpl's escapes were undone in the user's text (`{{` printed)
    pair=minimal_with(signatures=[{"signer": "{_{"}])
)
@given(pair=plans_and_inputs())
def test_random_plans_render_with_every_text_present(pair: tuple[Data, Data]) -> None:
    check_rendered(*pair)


@given(pair=plans_and_inputs(big_plan_data()))
def test_plans_with_hundreds_of_items_render_with_every_text_present(
    pair: tuple[Data, Data],
) -> None:
    check_rendered(*pair)


# -- 3: NFD input renders as NFC input ---------------------------------------------------------


def normalized(value: Any, form: str) -> Any:
    """*value* with every string (keys too) in Unicode normal form *form*."""
    if isinstance(value, str):
        return unicodedata.normalize(form, value)  # type: ignore[arg-type]
    if isinstance(value, dict):
        return {normalized(k, form): normalized(v, form) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(v, form) for v in value]
    return value


@given(pair=plans_and_inputs())
def test_nfd_input_renders_the_same_text_as_nfc_input(pair: tuple[Data, Data]) -> None:
    _, given_data = pair
    composed = Plan.model_validate(normalized(given_data, "NFC"))
    decomposed = Plan.model_validate(normalized(given_data, "NFD"))
    assert decomposed == composed
    assert paragraph_texts(render_quietly(decomposed)) == paragraph_texts(render_quietly(composed))


# -- 4: a sample converts with LibreOffice -----------------------------------------------------


# Words up to 300 characters: longer ones in the narrow header and signature cells make
# LibreOffice take half a minute a document. Smaller plans than elsewhere, so that ten fit
# hypothesis's budget for one example; one plan of hundreds of items at most a batch.
_LO_PLANS = plan_data(max_parts=2, levels=4, longest=300, pieces=2)


@pytest.mark.libreoffice
@settings(max_examples=20)
@given(
    batch=st.tuples(st.lists(_LO_PLANS, min_size=9, max_size=9), big_plan_data() | _LO_PLANS).map(
        lambda t: [*t[0], t[1]]
    )
)
def test_a_sample_of_random_plans_converts_with_libreoffice(
    batch: list[Data], convert: Callable[..., list[Path]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n, data in enumerate(batch):
            target = Path(tmp) / f"plan-{n}.docx"
            render_quietly(Plan.model_validate(data), target)
            paths.append(target)
        pdfs = convert(paths)
        for pdf in pdfs:
            assert pdf.stat().st_size > 0, pdf
            assert pdf.read_bytes().startswith(b"%PDF"), pdf


# -- 5: random files get an error message and exit 2, never a traceback -----------------------


def check_cli(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan_file = folder / f"x{suffix}"
        plan_file.write_bytes(content)
        output = folder / "out.docx"
        result = CliRunner().invoke(
            generate_plan, [str(plan_file), "-o", str(output)], catch_exceptions=True
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert "Traceback" not in result.output
        assert "Traceback" not in result.stderr
        if result.exit_code == 0:  # a valid plan by chance
            event("valid plan")
            docx.Document(str(output))
            return
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith("error:"), result.stderr
        assert str(plan_file) in result.stderr, result.stderr
        assert sorted(folder.iterdir()) == [plan_file], "output left behind on failure"


SUFFIXES = st.sampled_from([".yaml", ".yml", ".json"])
PLAN_KEYS = [
    "issuers", "number", "place", "date", "year", "title", "preamble", "parts", "closing",
    "signatures", "recipients", "profile", "name", "kind", "abbreviation", "parent", "summary",
    "type_name", "items", "text", "task", "lead", "title", "list_style", "signer", "to",
]  # fmt: skip
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.dates().map(str)
    | st.sampled_from(["state", "party", "roman", "", "2023-02-29", "9999-12-31"])
)


def _nested(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(PLAN_KEYS) | st.text(max_size=8)
    return st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5)


YAML_VALUES = st.recursive(_scalars, _nested, max_leaves=25)
YAML_TOKENS = [
    "- ", ": ", "? ", "\n", "  ", "[", "]", "{", "}", ",", "'", '"', "#", "|", ">", "|-",
    "---", "...", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "!!binary ", "!!python/object:os.system ",
    "!!set ", "!!omap ", "!!str ", "!x ", "<<: ", "&a ", "*b", "~", "null", "true", "1e9999",
    "0x1F", "2023-02-29", "issuers", "parts", "items", "title", "text", "\t", "\\", "\ufeff",
    "\x85", "\u2028", "é", "Đ",
]  # fmt: skip
YAML_TEXT = st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=4), max_size=40).map("".join)


@given(content=st.binary(max_size=2000), suffix=SUFFIXES)
def test_random_bytes_get_an_error_and_exit_2(content: bytes, suffix: str) -> None:
    check_cli(content, suffix)


@given(value=YAML_VALUES, suffix=SUFFIXES)
def test_random_yaml_and_json_values_get_an_error_and_exit_2(value: Any, suffix: str) -> None:
    if suffix == ".json":
        content = json.dumps(value, ensure_ascii=False, default=str)
    else:
        content = yaml.safe_dump(value, allow_unicode=True)
    check_cli(content.encode("utf-8", "surrogatepass"), suffix)


@given(text=st.text() | YAML_TEXT)
def test_random_yaml_text_gets_an_error_and_exit_2(text: str) -> None:
    check_cli(text.encode("utf-8", "surrogatepass"), ".yaml")


@st.composite
def corrupted_plans(draw: st.DrawFn) -> Data:
    """A valid plan with one subtree replaced, removed, or joined by an unknown field."""
    plan = draw(plan_data(max_parts=2, levels=3))
    locs = list(_locations(plan))
    loc = draw(st.sampled_from(locs))
    owner = _at(plan, loc[:-1])
    how = draw(st.sampled_from(["replace", "remove", "add"]))
    if how == "replace" or (how == "remove" and isinstance(owner, list)):
        owner[loc[-1]] = draw(YAML_VALUES)
    elif how == "remove":
        del owner[loc[-1]]
    elif isinstance(owner, dict):
        owner[draw(st.sampled_from(PLAN_KEYS) | st.text(max_size=8))] = draw(YAML_VALUES)
    return plan


def _locations(value: Any, loc: Loc = ()) -> Iterator[Loc]:
    items: Iterator[tuple[str | int, Any]]
    if isinstance(value, dict):
        items = iter(value.items())
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield (*loc, key)
        yield from _locations(child, (*loc, key))


def _at(value: Any, loc: Loc) -> Any:
    for key in loc:
        value = value[key]
    return value


@given(plan=corrupted_plans(), suffix=SUFFIXES)
def test_corrupted_plans_get_an_error_and_exit_2(plan: Data, suffix: str) -> None:
    if suffix == ".json":
        content = json.dumps(plan, ensure_ascii=False, default=str)
    else:
        content = yaml.safe_dump(plan, allow_unicode=True)
    check_cli(content.encode("utf-8", "surrogatepass"), suffix)


# once failed: exit 2, but `error: profile: the plan names profile '0', which is not built in
# (...)` did not name the plan file
@example(profile="0", suffix=".yaml")
@given(profile=SHORT_LINE, suffix=SUFFIXES)
def test_plans_naming_an_unknown_profile_get_an_error_naming_the_file(
    profile: str, suffix: str
) -> None:
    assume(nfc(profile) not in builtin_profiles())
    plan = {**MINIMAL, "profile": profile}
    if suffix == ".json":
        content = json.dumps(plan, ensure_ascii=False)
    else:
        content = yaml.safe_dump(plan, allow_unicode=True)
    check_cli(content.encode("utf-8"), suffix)


# once failed: exit 1, `unexpected failure: IndexError: tuple index out of range` (the error's
# location lost every key holding `[`, meant to drop pydantic's validator names, and was empty)
@example(key="[", suffix=".yaml")
@given(
    key=st.tuples(st.text("ab_. 0", max_size=3), st.text("ab_.[] 0", max_size=3)).map("[".join),
    suffix=SUFFIXES,
)
def test_unknown_fields_holding_brackets_get_an_error_and_exit_2(key: str, suffix: str) -> None:
    plan = {**MINIMAL, key: None}
    if suffix == ".json":
        content = json.dumps(plan, ensure_ascii=False)
    else:
        content = yaml.safe_dump(plan, allow_unicode=True)
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / f"x{suffix}"
        plan_file.write_text(content, encoding="utf-8")
        result = CliRunner().invoke(generate_plan, [str(plan_file), "-o", f"{tmp}/out.docx"])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: {plan_file}"), result.stderr
    assert f"unknown field `{key}`" in result.stderr, result.stderr


#: Files nested deeper than Python's recursion limit, by nesting depth.
NESTED_FILES: dict[str, tuple[Callable[[int], str], str]] = {
    "json list": (lambda n: "[" * n + "]" * n, ".json"),
    "json mapping": (lambda n: '{"a": ' * n + "1" + "}" * n, ".json"),
    "yaml flow": (lambda n: "[" * n + "]" * n, ".yaml"),
    "yaml block": (lambda n: "- " * n + "x\n", ".yaml"),
    "yaml mapping": (lambda n: "{a: " * n + "x" + "}" * n, ".yaml"),
}
#: YAML documents whose aliases point back into themselves.
SELF_REFERENCING_YAML = [
    "&a [*a]",
    "&a {x: *a}",
    "a: &a\n  b: *a\n",
    "- &a\n  - *a\n",
    "issuers: &a\n  - name: *a\n",
]


@st.composite
def nested_or_self_referencing_files(draw: st.DrawFn) -> tuple[str, str]:
    if draw(st.booleans()):
        make, suffix = NESTED_FILES[draw(st.sampled_from(sorted(NESTED_FILES)))]
        return make(draw(st.integers(1, 3000))), suffix
    return draw(st.sampled_from(SELF_REFERENCING_YAML)), ".yaml"


# once failed: exit 1 and `unexpected failure: RecursionError` (the alias cycle recursed in
# _loading._record_lines; nesting reached Python's recursion limit at a depth of about 990)
@example(file=("&a [*a]", ".yaml"))
@example(file=("[" * 1000 + "]" * 1000, ".json"))
@given(file=nested_or_self_referencing_files())
def test_nested_or_self_referencing_files_get_an_error_and_exit_2(file: tuple[str, str]) -> None:
    content, suffix = file
    check_cli(content.encode("utf-8"), suffix)


# once failed: Rich replaced emoji codes in the message (`:a:` printed as 🅰, `:thumbs_up:` as 👍)
@example(key=":a:")
@given(
    key=st.text(st.sampled_from("abcxyz_-:0123 "), min_size=1, max_size=12)
    | st.sampled_from([":smile:", ":thumbs_up:", ":100:", ":vietnam:", ":x:"])
)
def test_cli_errors_quote_unknown_fields_as_typed(key: str) -> None:
    assume(key.strip() == key and key not in Plan.model_fields)
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / "x.json"
        plan_file.write_text(json.dumps({**MINIMAL, key: 1}), encoding="utf-8")
        result = CliRunner().invoke(generate_plan, [str(plan_file), "-o", f"{tmp}/out.docx"])
    assert result.exit_code == 2, result.stderr
    assert f"unknown field `{key}`" in result.stderr, result.stderr


# -- 6: characters XML cannot hold are refused, naming the field -------------------------------

#: Keys whose string values are not text the user writes (enums, dates, the profile name).
_NOT_TEXT = {"kind", "list_style", "date", "profile"}


def text_locations(value: Any, loc: Loc = ()) -> Iterator[Loc]:
    """Where the text fields of a canonical plan dict are."""
    if isinstance(value, str):
        is_authority_type = len(loc) > 2 and loc[-3] == "authority" and loc[-1] == "type"
        if loc[-1] not in _NOT_TEXT and not is_authority_type:
            yield loc
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from text_locations(child, (*loc, key))
    elif isinstance(value, list):
        for n, child in enumerate(value):
            yield from text_locations(child, (*loc, n))


def field_name(loc: Loc) -> str:
    """`('parts', 1, 'items', 3, 'text', 0)` -> `parts[1].items[3].text[0]`."""
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@given(data=st.data())
def test_characters_xml_cannot_hold_are_refused_naming_the_field(
    data: st.DataObject, workdir: Path
) -> None:
    canonical = copy.deepcopy(data.draw(plan_data(max_parts=2, levels=4), label="plan"))
    loc = data.draw(st.sampled_from(list(text_locations(canonical))), label="field")
    char = data.draw(st.sampled_from(FORBIDDEN), label="character")
    text: str = _at(canonical, loc)
    at = data.draw(st.integers(0, len(text)), label="position")
    _at(canonical, loc[:-1])[loc[-1]] = text[:at] + char + text[at:]
    given_data = data.draw(shorthand(canonical), label="given")
    where = field_name(loc)
    with pytest.raises(PlanInputError) as raised:
        plan_from_data(given_data)
    assert raised.value.field == where, str(raised.value)
    assert f"U+{ord(char):04X}" in str(raised.value)
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(given_data), encoding="utf-8")
    with pytest.raises(PlanInputError) as raised:
        load_plan(plan_file)
    assert raised.value.field == where, str(raised.value)
    assert str(plan_file) in str(raised.value)


# once failed: a summary typed as one text split into lines at U+000B, U+000C, U+001C-U+001E
# (str.splitlines), paragraphs at a blank line holding U+000B, U+000C, U+001C-U+001F (regex
# \s): the character was dropped silently instead of refused
@example(char="\x0b", field="title.summary", head="0", tail="0")
@given(
    char=st.sampled_from(FORBIDDEN),
    field=st.sampled_from(["title.summary", "preamble", "closing"]),
    head=SHORT_LINE,
    tail=SHORT_LINE,
)
def test_characters_xml_cannot_hold_are_refused_in_multiline_text(
    char: str, field: str, head: str, tail: str
) -> None:
    data = copy.deepcopy(MINIMAL)
    if field == "title.summary":  # one line each
        data["title"]["summary"] = f"{head}{char}{tail}"
    else:  # a blank line between paragraphs
        data[field] = f"{head}\n{char}\n{tail}"
    with pytest.raises(PlanInputError) as raised:
        plan_from_data(data)
    assert raised.value.field.startswith(field), str(raised.value)
    assert f"U+{ord(char):04X}" in str(raised.value)


# every kind of white space str.split() and \s know, with text around it
_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"


@given(st.lists(st.sampled_from([*_SPACES, "a", "Đ", "\u0301", "\u200b", "x y"])).map("".join))
def test_a_paragraphs_plain_text_is_its_text_with_white_space_folded(text: str) -> None:
    # the reader's fast path for text already plain must agree with the regular expression
    from planforge._word.reader import _plain

    assert _plain(text) == re.sub(r"\s+", " ", text).strip()
