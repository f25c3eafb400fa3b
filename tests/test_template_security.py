"""Untrusted templates: every attack is refused with a clear message, nothing runs, no file."""

from __future__ import annotations

import io
import resource
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from planforge import Limits, Renderer, TemplateError, load_plan, load_profile
from planforge._cli import generate_plan
from planforge._word.builder import build_template

from .conftest import EXAMPLES, render_quietly

PLAN = EXAMPLES / "phu-yen-2022.yaml"
Patch = Callable[[dict[str, bytes]], None]


def _default_parts() -> dict[str, bytes]:
    data = build_template(load_profile("hd36-2018"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def make_template(tmp_path: Path, patch: Patch, name: str = "attack.docx") -> Path:
    parts = _default_parts()
    patch(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for part, blob in parts.items():
            z.writestr(part, blob)
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return path


def _replace(part: str, old: bytes, new: bytes) -> Patch:
    def patch(parts: dict[str, bytes]) -> None:
        assert old in parts[part], f"{old!r} not in {part}"
        parts[part] = parts[part].replace(old, new, 1)

    return patch


def _header_part(parts: dict[str, bytes]) -> str:
    return next(p for p in parts if p.startswith("word/header") and b"PAGE" in parts[p])


def run_cli(tmp_path: Path, template: Path) -> tuple[int, str, Path]:
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(
        generate_plan, [str(PLAN), "-o", str(out), "--template", str(template)]
    )
    return result.exit_code, result.stderr, out


MARKER = "/tmp/planforge-pwned-marker"
PAYLOADS = {
    "class": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__.os.system('touch " + MARKER + "') }}",
    "os_system": "{{ joiner.__init__.__globals__['os'].system('touch " + MARKER + "') }}",
}


@pytest.fixture(autouse=True)
def _no_marker() -> None:
    Path(MARKER).unlink(missing_ok=True)


def _in_body(payload: str) -> Patch:
    return _replace("word/document.xml", b"{{ title.type_name }}", payload.encode())


def _in_header(payload: str) -> Patch:
    def patch(parts: dict[str, bytes]) -> None:
        part = _header_part(parts)
        parts[part] = parts[part].replace(b" PAGE ", b" PAGE " + payload.encode(), 1)
        # also as plain text in the header paragraph
        parts[part] = parts[part].replace(b"<w:t>2</w:t>", b"<w:t>" + payload.encode() + b"</w:t>")

    return patch


def _in_footnote(payload: str) -> Patch:
    def patch(parts: dict[str, bytes]) -> None:
        parts["word/footnotes.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b'<w:footnote w:id="1"><w:p><w:r><w:t>' + payload.encode() + b"</w:t></w:r></w:p>"
            b"</w:footnote></w:footnotes>"
        )
        parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
        )

    return patch


def _in_properties(payload: str) -> Patch:
    def patch(parts: dict[str, bytes]) -> None:
        core = parts["docProps/core.xml"]
        start = core.index(b"<dc:title>") + len(b"<dc:title>")
        end = core.index(b"</dc:title>")
        escaped = payload.replace("&", "&amp;").replace("<", "&lt;").encode()
        parts["docProps/core.xml"] = core[:start] + escaped + core[end:]

    return patch


PLACES = {
    "body": _in_body,
    "header": _in_header,
    "footnote": _in_footnote,
    "properties": _in_properties,
}


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_jinja_payloads_are_refused_everywhere(tmp_path: Path, place: str, payload: str) -> None:
    template = make_template(tmp_path, PLACES[place](PAYLOADS[payload]))
    code, err, out = run_cli(tmp_path, template)
    assert code == 2, err
    assert "unsafe" in err or "sandbox" in err
    assert "attack.docx" in err
    assert not out.exists()
    assert not Path(MARKER).exists()


def _big_image(parts: dict[str, bytes]) -> None:
    # 400 MB of zeros compresses to well under a megabyte
    parts["word/media/image1.png"] = b"\0" * (400 * 1024 * 1024)


def test_zip_bomb_image_is_refused_without_inflating(tmp_path: Path) -> None:
    template = make_template(tmp_path, _big_image)
    assert template.stat().st_size < 1_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code, err, out = run_cli(tmp_path, template)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert code == 2
    assert "image1.png" in err
    assert not out.exists()
    assert grown_kib < 200 * 1024


def test_xxe_entity_is_refused(tmp_path: Path) -> None:
    def patch(parts: dict[str, bytes]) -> None:
        doc = parts["word/document.xml"]
        decl_end = doc.index(b"?>") + 2
        parts["word/document.xml"] = (
            doc[:decl_end]
            + b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + doc[decl_end:].replace(b"{{ title.type_name }}", b"&xxe;", 1)
        )

    code, err, out = run_cli(tmp_path, make_template(tmp_path, patch))
    assert code == 2
    assert "DTD" in err
    assert not out.exists()


def test_macro_enabled_template_is_refused(tmp_path: Path) -> None:
    def patch(parts: dict[str, bytes]) -> None:
        parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0fake-ole"
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
        )

    code, err, out = run_cli(tmp_path, make_template(tmp_path, patch, "macro.docm"))
    assert code == 2
    assert "macro" in err
    assert not out.exists()


def external_image(url: str) -> Patch:
    """A template whose document links an image at *url* instead of holding it."""

    def patch(parts: dict[str, bytes]) -> None:
        rels = "word/_rels/document.xml.rels"
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/image" Target="' + url.encode() + b'" TargetMode="External"/>'
            b"</Relationships>",
        )

    return patch


def test_external_image_link_is_refused(tmp_path: Path) -> None:
    patch = external_image("http://attacker.invalid/pixel.png")
    code, err, out = run_cli(tmp_path, make_template(tmp_path, patch))
    assert code == 2
    assert "outside" in err and "attacker.invalid" in err
    assert not out.exists()


def test_template_that_loops_forever_is_stopped(tmp_path: Path) -> None:
    loop = (
        "{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}"
        "{% endfor %}{% endfor %}{% endfor %}"
    )
    template = make_template(tmp_path, _in_body(loop))
    renderer = Renderer(template=template, limits=Limits(seconds=3))
    plan = load_plan(PLAN)
    started = time.monotonic()
    with pytest.raises(TemplateError, match="longer than 3 s"):
        renderer.render_result(plan)
    assert time.monotonic() - started < 10
    # a template that broke a limit is not tried again: the next plan fails at once
    started = time.monotonic()
    with pytest.raises(TemplateError, match="not tried again"):
        renderer.render_result(plan)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "expression",
    [
        "{{ 'x' * 100000000 }}",
        "{{ 'x' * 10000 * 10000 }}",
        "{{ 9 ** 99999999 }}",
        "{% set s = 'x' * 900000 %}{{ s + s }}",
    ],
)
def test_template_that_builds_a_huge_value_is_refused(tmp_path: Path, expression: str) -> None:
    code, err, out = run_cli(tmp_path, make_template(tmp_path, _in_body(expression)))
    assert code == 2
    assert "long" in err or "large" in err
    assert not out.exists()


def test_huge_value_through_a_filter_hits_the_memory_limit(tmp_path: Path) -> None:
    template = make_template(tmp_path, _in_body("{{ 'x' | center(100000000) }}"))
    with pytest.raises(TemplateError, match="needed more than 256 MiB"):
        Renderer(template=template, limits=Limits(memory_bytes=256 * 1024 * 1024))


def test_plan_values_are_never_evaluated_and_come_out_literally(
    tmp_path: Path, phu_yen: object
) -> None:
    from planforge import Plan

    assert isinstance(phu_yen, Plan)
    tricky = "A & B < C > D \" E ' {{ 7*7 }} {% if 1 %}x{% endif %}"
    plan = phu_yen.model_copy(
        update={
            "place": f"Phú Yên {tricky}",
            "title": phu_yen.title.model_copy(update={"summary": [tricky]}),
        }
    )
    template = make_template(tmp_path, lambda parts: None, "plain.docx")
    out = tmp_path / "tricky.docx"
    render_quietly(plan, out, template=template)
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert tricky in texts
    assert any(f"Phú Yên {tricky}, ngày 23" in t for t in texts)
    assert not any("49" in t and "7*7" not in t for t in texts)
    assert doc.core_properties.title == tricky
    assert doc.core_properties.subject == "KẾ HOẠCH"


def test_a_user_template_with_a_syntax_error_names_part_and_text(tmp_path: Path) -> None:
    template = make_template(tmp_path, _in_body("{% if title.type_name %}{{ x }}"))
    code, err, out = run_cli(tmp_path, template)
    assert code == 2
    assert "syntax" in err and "word/document.xml" in err
    assert not out.exists()


def test_not_a_docx_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "fake.docx"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(TemplateError, match="not a Word document"):
        render_quietly(__import__("planforge").load_plan(PLAN), tmp_path / "o.docx", template=bad)
    assert not (tmp_path / "o.docx").exists()


def test_a_user_templates_renders_check_the_parts_made_from_the_plan_and_are_zipped_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template is checked whole once, in its child; each render then sends back only the
    parts it made from the plan, which are checked again here and zipped here: what is
    written is what was checked, and the template's own parts are not scanned again."""
    from planforge._word import render as word_render

    template = make_template(tmp_path, lambda parts: None)
    checked: list[set[str]] = []
    real = word_render.check_parts

    def spy(parts: dict[str, bytes], **kwargs: object) -> None:
        checked.append(set(parts))
        real(parts, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(word_render, "check_parts", spy)
    with Renderer(template=template) as renderer:
        plan = load_plan(PLAN)
        first = renderer.render_result(plan)
        second = renderer.render_result(plan)
    assert len(checked) == 2
    made = checked[0]
    assert "word/document.xml" in made
    assert not made & {"word/styles.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"}
    with zipfile.ZipFile(io.BytesIO(first.document)) as archive:
        members = set(archive.namelist())
        assert made < members  # the output holds the template's parts too
        assert archive.read("word/styles.xml") == _default_parts()["word/styles.xml"]
    assert first.document == second.document
