"""The audit a render runs (`Renderer(check=True)`, the fast path: the document is trusted and
what was read of its template's parts is shared) finds exactly what a full audit of the same
bytes finds (`planforge.audit_docx`: checked archive, its own process, nothing shared).

No timings here (machines are noisy): only that the fast path and the full one agree.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from planforge import Finding, Profile, audit_docx, load_plan
from planforge._render import Renderer
from planforge._word.audit import audit_document
from planforge._word.reader import read_document

from .conftest import EXAMPLE_PLANS, EXAMPLES
from .test_audit import BREAKS, STEMS, _broken, profile_of


def _fast(data: bytes, profile: Profile) -> list[Finding]:
    return audit_document(data, profile=profile, trusted=True, name="rendered plan")


def _full(data: bytes, profile: Profile) -> list[Finding]:
    return audit_docx(data, profile=profile)


@pytest.mark.parametrize("plan_file", EXAMPLE_PLANS, ids=lambda p: p.stem)
def test_a_renders_audit_is_the_full_audit(plan_file: Path) -> None:
    with Renderer(check=True) as renderer:
        plan = load_plan(plan_file)
        first = renderer.render_result(plan)
        again = renderer.render_result(plan)  # read with what the first render's audit kept
    assert first.document == again.document
    full = _full(first.document, first.profile)
    assert list(first.audit) == full
    assert list(again.audit) == full


# -- documents broken in their body only: every other part is the rendered one, byte for byte,
# so the fast path reads them from what it kept --------------------------------------------------


def _edit_body(data: bytes, edit: Callable[[str], str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "word/document.xml":
                changed = edit(blob.decode("utf-8"))
                assert changed != blob.decode("utf-8"), "the edit changed nothing"
                blob = changed.encode("utf-8")
            dst.writestr(info, blob)
    return out.getvalue()


def _first_body_paragraph(xml: str, starts: str) -> re.Match[str]:
    head = r'<w:p><w:pPr><w:pStyle w:val="PFBody"/></w:pPr>'
    pattern = head + "(<w:r><w:t[^>]*>" + re.escape(starts) + ")"
    found = re.search(pattern, xml)
    assert found is not None
    return found


def centred_body(xml: str) -> str:
    found = _first_body_paragraph(xml, "-")
    return (
        xml[: found.start()]
        + (
            '<w:p><w:pPr><w:pStyle w:val="PFBody"/><w:jc w:val="center"/>'
            '<w:spacing w:line="480" w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr>'
        )
        + xml[found.start(1) :]
    )


def bold_arial_run(xml: str) -> str:
    found = _first_body_paragraph(xml, "-")
    return (
        xml[: found.start(1)]
        + '<w:r><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:b/><w:sz w:val="30"/>'
        + "</w:rPr>"
        + xml[found.start(1) + len("<w:r>") :]
    )


def drawn_line_and_field(xml: str) -> str:
    """A VML line and a PAGE field in a body paragraph: the reader looks for drawings."""
    found = _first_body_paragraph(xml, "-")
    return (
        xml[: found.start(1)]
        + '<w:r><w:pict><v:line xmlns:v="urn:schemas-microsoft-com:vml" from="0,0" to="90pt,0"/>'
        + '</w:pict></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        + xml[found.start(1) :]
    )


def text_box(xml: str) -> str:
    """A text box holding an upper-case line: read as a paragraph of its own box."""
    found = _first_body_paragraph(xml, "-")
    box = (
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
        'style="position:absolute;margin-left:12pt;width:100pt;height:20pt"><v:textbox>'
        "<w:txbxContent><w:p><w:r><w:t>HỘP VĂN BẢN</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"
    )
    return xml[: found.start(1)] + box + xml[found.start(1) :]


def numbered_body(xml: str) -> str:
    """Automatic numbering on a body paragraph (a list the document does not define)."""
    found = _first_body_paragraph(xml, "-")
    return (
        xml[: found.start()]
        + (
            '<w:p><w:pPr><w:pStyle w:val="PFBody"/><w:numPr><w:ilvl w:val="0"/>'
            '<w:numId w:val="7"/></w:numPr></w:pPr>'
        )
        + xml[found.start(1) :]
    )


def title_renamed(xml: str) -> str:
    return xml.replace(">KẾ HOẠCH<", ">BẢN KẾ HOẠCH<", 1)


BODY_EDITS = {
    f.__name__: f
    for f in (centred_body, bold_arial_run, drawn_line_and_field, text_box, numbered_body)
} | {"title_renamed": title_renamed}


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[bytes, Profile]]:
    out = {}
    with Renderer(check=True) as renderer:
        for stem in STEMS:
            result = renderer.render_result(load_plan(EXAMPLES / f"{stem}.yaml"))
            out[stem] = (result.document, result.profile)
    return out


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("edit", sorted(BODY_EDITS))
def test_a_body_broken_is_found_alike(
    rendered: dict[str, tuple[bytes, Profile]], stem: str, edit: str
) -> None:
    data, profile = rendered[stem]
    _fast(data, profile)  # what the rendered parts are read as is kept
    broken = _edit_body(data, BODY_EDITS[edit])
    fast = _fast(broken, profile)
    assert fast == _full(broken, profile)
    if edit in ("centred_body", "bold_arial_run", "text_box"):
        assert fast != _fast(data, profile), "the edit was not seen"
    doc = read_document(broken)
    if edit == "drawn_line_and_field":
        assert any(p.has_line_shape and p.has_page_field for p in doc.paragraphs)
    if edit == "text_box":
        assert any(p.box == 1 and p.box_x_pt == 12.0 for p in doc.paragraphs)


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_a_document_broken_and_saved_again_is_found_alike(
    rendered_examples: dict[str, Path], stem: str, rule: str
) -> None:
    data = _broken(rendered_examples[stem], BREAKS[rule])
    profile = profile_of(stem)
    assert _fast(data, profile) == _full(data, profile)
    assert _fast(data, profile) == _full(data, profile)  # again, from what was kept


def test_what_the_reader_keeps_does_not_leak_between_documents(
    rendered: dict[str, tuple[bytes, Profile]],
) -> None:
    """Two documents with the same styles read apart: labels are counted per document, and
    each paragraph's formatting is its own."""
    data, _ = rendered["phu-yen-2022"]
    plain = read_document(data)
    numbered = read_document(_edit_body(data, numbered_body))
    again = read_document(data)
    assert [p.auto_label for p in plain.paragraphs] == [p.auto_label for p in again.paragraphs]
    assert plain.styles is again.styles  # shared: read once
    centred = read_document(_edit_body(data, centred_body))
    assert [p.align for p in centred.paragraphs] != [p.align for p in again.paragraphs]
    assert [p.align for p in plain.paragraphs] == [p.align for p in again.paragraphs]
    assert len(numbered.paragraphs) == len(plain.paragraphs)


# -- what the render hands the audit: the parts as they were zipped, the document's own tree ----


@pytest.mark.parametrize("plan_file", EXAMPLE_PLANS, ids=lambda p: p.stem)
def test_the_parts_and_tree_a_render_hands_over_are_what_its_zip_holds(plan_file: Path) -> None:
    from lxml import etree

    from planforge._context import build_context
    from planforge._word.render import render_package

    plan = load_plan(plan_file)
    profile = Renderer().profile_for(plan)
    package = render_package(build_context(plan, profile), profile)
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == package.parts
    tree = package.trees["word/document.xml"]
    parsed = etree.fromstring(package.parts["word/document.xml"])
    assert etree.tostring(tree, method="c14n") == etree.tostring(parsed, method="c14n")


def test_an_audit_of_an_untrusted_document_ignores_the_parts_it_is_handed() -> None:
    """Parts and trees are for what planforge has just made: a caller cannot make an untrusted
    document read as another one."""
    from planforge._context import build_context
    from planforge._word.render import render_package

    thanh_hoa = load_plan(EXAMPLES / "thanh-hoa-2023.yaml")
    profile = Renderer().profile_for(thanh_hoa)
    good = render_package(build_context(thanh_hoa, profile), profile)
    spoiled = _edit_body(good.data, bold_arial_run)
    untrusted = audit_document(spoiled, profile=profile, parts=good.parts, trees=good.trees)
    assert untrusted == audit_docx(spoiled, profile=profile)
    assert any(f.rule == "font" for f in untrusted)
    handed = audit_document(good.data, profile=profile, trusted=True, parts=good.parts)
    assert not any(f.rule == "font" for f in handed)
