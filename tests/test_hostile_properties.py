"""Property tests of the untrusted-input promises: random packages with something unsafe hidden
anywhere, in any disguise, are refused (TemplateError, exit status 2) and produce nothing;
random benign changes never crash; random plan files with aliases, anchors and nesting are
either a plan or a clear PlanInputError, quickly."""

from __future__ import annotations

import io
import re
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planforge import Limits, PlanInputError, PlanWarning, Renderer, TemplateError, load_plan
from planforge._word.safety import check_docx_archive

from .test_hostile import PLAN, REL, W, default_parts, utf16, zipped

_SETTINGS = settings(
    deadline=None,
    max_examples=60,  # each example starts a template process: enough to find a disguise
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

SECRET_URL = "file:///etc/hostname"
PARTS = ["word/document.xml", "word/styles.xml", "word/settings.xml", "docProps/core.xml"]


def _header(parts: dict[str, bytes]) -> str:
    return next(p for p in parts if p.startswith("word/header"))


def _insert_element(parts: dict[str, bytes], part: str, xml: str) -> None:
    """Put *xml* as the last child of the part's root element."""
    blob = parts[part].decode("utf-8")
    end = blob.rindex("</")
    parts[part] = (blob[:end] + xml + blob[end:]).encode("utf-8")


def _char_ref(text: str, draw: Any) -> str:
    return "".join(f"&#{ord(c)};" if draw(st.booleans()) else c for c in text)


@st.composite
def unsafe_packages(draw: Any) -> bytes:
    """The default template with one unsafe thing, in a random part and disguise."""
    parts = default_parts()
    parts["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{W}"></w:footnotes>'
    ).encode()
    part = draw(st.sampled_from([*PARTS, _header(parts), "word/footnotes.xml"]))
    prefix = draw(st.sampled_from(["w", "q", "ns0", "wx"]))
    ns = f' xmlns:{prefix}="{W}"'
    kind = draw(
        st.sampled_from(
            ["altChunk", "object", "control", "subDoc", "OLEObject", "field", "vml", "rel", "dtd"]
        )
    )
    if kind in ("altChunk", "object", "control", "subDoc"):
        _insert_element(parts, part, f"<{prefix}:{kind}{ns}/>")
    elif kind == "OLEObject":
        _insert_element(
            parts, part, '<o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office"/>'
        )
    elif kind == "field":
        name = draw(st.sampled_from(["INCLUDETEXT", "INCLUDEPICTURE", "LINK", "DDEAUTO", "DDE"]))
        cut = draw(st.integers(0, len(name)))
        runs = "".join(
            f"<{prefix}:r{ns}><{prefix}:instrText>{piece}</{prefix}:instrText></{prefix}:r>"
            for piece in (name[:cut], name[cut:] + f' "{SECRET_URL}"')
            if piece
        )
        _insert_element(parts, part, runs)
    elif kind == "vml":
        attribute = draw(st.sampled_from(["src", "o:href"]))
        url = _char_ref(SECRET_URL, draw)
        _insert_element(
            parts,
            part,
            '<v:imagedata xmlns:v="urn:schemas-microsoft-com:vml" '
            f'xmlns:o="urn:schemas-microsoft-com:office:office" {attribute}="{url}"/>',
        )
    elif kind == "rel":
        mode = draw(st.sampled_from(["External", "EXTERNAL", "external", None]))
        target = SECRET_URL if mode is None else draw(st.sampled_from([SECRET_URL, "a.png"]))
        spelled = _char_ref(mode, draw) if mode else None
        attr = f' TargetMode="{spelled}"' if spelled else ""
        rel_type = draw(st.sampled_from(["image", "oleObject", "aFChunk", "hyperlink", "package"]))
        if rel_type in ("oleObject", "aFChunk", "package") and mode is None:
            target = "x.bin"
        rels = "word/_rels/document.xml.rels"
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdZ" Type="{REL}/{rel_type}" Target="{target}"{attr}/>'
            "</Relationships>".encode(),
        )
        part = rels
    else:
        blob = parts[part]
        end = blob.index(b"?>") + 2
        root = re.search(rb"<([\w:]+)", blob[end:])
        assert root is not None
        parts[part] = (
            blob[:end]
            + f'<!DOCTYPE {root.group(1).decode()} [<!ENTITY e SYSTEM "{SECRET_URL}">]>'.encode()
            + blob[end:]
        )
    if draw(st.booleans()):
        parts[part] = utf16(parts[part])
    return zipped(parts)


@_SETTINGS
@given(data=unsafe_packages())
def test_anything_unsafe_anywhere_is_refused(data: bytes) -> None:
    with pytest.raises(TemplateError) as info:
        check_docx_archive(data, name="random.docx")
    assert info.value.exit_code == 2
    with pytest.raises(TemplateError):
        Renderer(template=data, limits=Limits(seconds=10)).render_result(load_plan(PLAN))


@st.composite
def benign_packages(draw: Any) -> bytes:
    """The default template with harmless changes: text, attributes, encodings, media."""
    parts = default_parts()
    text = draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40))
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace("{", "(").replace("}", ")")  # not template syntax
    doc = parts["word/document.xml"]
    marker = b"{{ title.type_name }}"
    parts["word/document.xml"] = doc.replace(marker, marker + escaped.encode(), 1)
    for part in draw(st.lists(st.sampled_from(PARTS), max_size=3, unique=True)):
        parts[part] = utf16(parts[part])
    if draw(st.booleans()):
        parts["word/media/extra.bin"] = draw(st.binary(max_size=64))
    if draw(st.booleans()):
        rels = "word/_rels/document.xml.rels"
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdY" Type="{REL}/image" Target="media/extra.bin"/>'
            "</Relationships>".encode(),
        )
    return zipped(parts)


@_SETTINGS
@given(data=benign_packages())
def test_harmless_changes_render_or_give_a_clear_answer(data: bytes) -> None:
    try:
        result = Renderer(template=data, limits=Limits(seconds=10)).render_result(load_plan(PLAN))
    except TemplateError as exc:
        error: TemplateError | None = exc
    else:
        error = None
    if error is not None:  # a clear refusal is an answer too; anything else is a failure
        assert error.exit_code == 2
        return
    with zipfile.ZipFile(io.BytesIO(result.document)) as z:
        assert "word/document.xml" in z.namelist()


# -- plan files -----------------------------------------------------------------------------------


@st.composite
def alias_yaml(draw: Any) -> str:
    """YAML with anchors, aliases (some to themselves), nesting, and YAML 1.1 lookalikes."""
    scalars = st.sampled_from(
        ["010", "08", "0o17", "0x1f", "yes", "no", "on", "off", "1:30", "~", "true", "1e3", "x"]
    )
    lines = []
    anchors: list[str] = []
    for n in range(draw(st.integers(1, 12))):
        width = draw(st.integers(1, 12))
        items = [
            f"*{draw(st.sampled_from(anchors))}"
            if anchors and draw(st.booleans())
            else draw(scalars)
            for _ in range(width)
        ]
        depth = draw(st.integers(0, 80))
        inner = "[" * depth + ", ".join(items) + "]" * depth
        if draw(st.booleans()) and anchors:
            inner = f"[*a{n}, {inner}]"  # an alias inside its own anchor
        lines.append(f"a{n}: &a{n} [{inner}]")
        anchors.append(f"a{n}")
    lines.append(f"issuers: *{anchors[-1]}")
    return "\n".join(lines) + "\n"


@_SETTINGS
@given(text=alias_yaml())
@example(text="a0: &a0 [010, yes]\nissuers: *a0\n")  # once warned of as `010, yes` pieces
def test_plan_files_with_aliases_and_nesting_answer_quickly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlanWarning)  # `[a, b]` pieces: warned of, not refused
        with pytest.raises(PlanInputError) as info:
            load_plan(path)
    assert time.monotonic() - started < 5
    assert info.value.exit_code == 2
    assert "plan.yaml" in str(info.value)


@_SETTINGS
@given(
    typed=st.from_regex(r"0{0,3}[1-9][0-9]{0,2}", fullmatch=True),
)
def test_a_number_with_leading_zeros_is_what_the_clerk_typed(tmp_path: Path, typed: str) -> None:
    source = PLAN.read_text(encoding="utf-8").replace(
        "number:\n  type: KHPH", f"number:\n  type: KHPH\n  number: {typed}"
    )
    path = tmp_path / "plan.yaml"
    path.write_text(source, encoding="utf-8")
    assert load_plan(path).number.number == int(typed, 10)
