"""A hostile corpus, made by code: templates, plan files, profiles and documents that try to
read local files, run code, or exhaust the machine. Each is refused with exit status 2 and a
clear message, nothing runs, no local file's bytes reach any output, and each command ends
within 60 s and 1.5 GB for its whole process tree."""

from __future__ import annotations

import faulthandler
import io
import os
import re
import signal
import stat
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planforge import Limits, Renderer, TemplateError, load_plan, load_profile
from planforge import _bulk as _bulk_module
from planforge._cli import generate_plan
from planforge._cli import planforge as planforge_cli
from planforge._word.builder import build_template

from .conftest import EXAMPLES

PLAN = EXAMPLES / "thanh-hoa-2023.yaml"
_REAL_RENDER_ONE = _bulk_module._render_one
SECRET = b"planforge-local-secret-5d1c"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
Parts = dict[str, bytes]
Patch = Callable[[Parts], None]


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local file the attacks point at; its bytes must reach no output."""
    path = tmp_path_factory.mktemp("secret") / "secret.png"
    path.write_bytes(SECRET)
    return path


def default_parts() -> Parts:
    data = build_template(load_profile("nd30-2020"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def zipped(parts: Parts) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    return buf.getvalue()


# -- disguises ---------------------------------------------------------------------------------


def utf16(blob: bytes) -> bytes:
    """The same XML part saved as UTF-16 (with its byte order mark and declaration)."""
    text = blob.decode("utf-8")
    text = re.sub(r'encoding="[^"]*"', 'encoding="UTF-16"', text, count=1)
    return text.encode("utf-16")


def char_refs(word: str) -> str:
    """`External` -> `&#69;&#120;...`: the same value, spelled with character references."""
    return "".join(f"&#{ord(c)};" for c in word)


def _swap(part: str, old: bytes, new: bytes) -> Patch:
    def patch(parts: Parts) -> None:
        assert old in parts[part], (part, old)
        parts[part] = parts[part].replace(old, new, 1)

    return patch


def _body(xml: str) -> Patch:
    """Put *xml* (a paragraph-level element) right after the type name's paragraph."""

    def patch(parts: Parts) -> None:
        doc = parts["word/document.xml"]
        end = doc.index(b"</w:p>", doc.index(b"{{ title.type_name }}")) + len(b"</w:p>")
        parts["word/document.xml"] = doc[:end] + xml.encode() + doc[end:]

    return patch


def _relationship(rel_type: str, target: str, mode: str | None = "External") -> Patch:
    attr = f' TargetMode="{mode}"' if mode is not None else ""
    return _swap(
        "word/_rels/document.xml.rels",
        b"</Relationships>",
        f'<Relationship Id="rIdX" Type="{REL}/{rel_type}" Target="{target}"{attr}/>'
        "</Relationships>".encode(),
    )


def _both(*patches: Patch) -> Patch:
    def patch(parts: Parts) -> None:
        for each in patches:
            each(parts)

    return patch


def _encoded(part: str, patch: Patch) -> Patch:
    """*patch*, then *part* saved as UTF-16."""

    def both(parts: Parts) -> None:
        patch(parts)
        parts[part] = utf16(parts[part])

    return both


def _dtd(part: str) -> Patch:
    def patch(parts: Parts) -> None:
        blob = parts[part]
        end = blob.index(b"?>") + 2
        root = re.search(rb"<([\w:]+)", blob[end:])
        assert root is not None
        dtd = f'<!DOCTYPE {root.group(1).decode()} [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        parts[part] = blob[:end] + dtd.encode() + blob[end:]

    return patch


def _field(instruction_runs: list[str], part: str = "word/document.xml") -> Patch:
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'
        for text in instruction_runs
    )
    xml = (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    return _body(xml)


def _safe_output(xml: str) -> Patch:
    """`{{ '<markup>'|safe }}` in the body: docxtpl unescapes a tag's text, so the markup,
    written escaped in the template, comes out as XML when it renders."""
    payload = "{{ '" + xml + "'|safe }}"
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;")
    return _swap(
        "word/document.xml",
        b"{{ title.type_name }}",
        b"{{ title.type_name }}" + escaped.encode(),
    )


def _header_field(instruction: str) -> Patch:
    def patch(parts: Parts) -> None:
        header = next(p for p in parts if p.startswith("word/header") and b"PAGE" in parts[p])
        parts[header] = parts[header].replace(b" PAGE ", f" {instruction} ".encode(), 1)

    return patch


# -- the corpus: templates --------------------------------------------------------------------


def template_corpus(secret: Path) -> dict[str, Patch]:
    """Every class of unsafe template, in every part, encoding and disguise."""
    url = secret.as_uri()
    rels = "word/_rels/document.xml.rels"
    corpus: dict[str, Patch] = {
        # a local file pulled in: external targets of any kind, however spelled
        "external-image": _relationship("image", url),
        "external-image-charref": _relationship("image", url, char_refs("External")),
        "external-image-upper": _relationship("image", url, "EXTERNAL"),
        "external-image-utf16-rels": _encoded(rels, _relationship("image", url)),
        "external-image-prefixed-rels": _both(
            _relationship("image", url),
            lambda parts: parts.__setitem__(
                rels,
                parts[rels]
                .replace(b"<Relationships xmlns=", b"<pr:Relationships xmlns:pr=")
                .replace(b"<Relationship ", b"<pr:Relationship ")
                .replace(b"</Relationships>", b"</pr:Relationships>"),
            ),
        ),
        "internal-mode-url": _relationship("image", url, None),
        "internal-mode-unc": _relationship("image", "\\\\server\\share\\x.png", None),
        "internal-mode-network-path": _relationship("image", "//server/share/x.png", None),
        "outside-the-package": _relationship("image", "../../../../etc/passwd", None),
        "external-hyperlink": _relationship("hyperlink", "http://x.invalid/", "External"),
        "external-header-image": lambda parts: parts.__setitem__(
            "word/_rels/header2.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="a" '
            f'Type="{REL}/image" Target="{url}" TargetMode="External"/></Relationships>'.encode(),
        ),
        "vml-imagedata-src": _body(
            '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
            f'<v:imagedata src="{url}"/></v:shape></w:pict></w:r></w:p>'
        ),
        "vml-o-href": _body(
            '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
            f'xmlns:o="urn:schemas-microsoft-com:office:office" o:href="{url}"/></w:pict>'
            "</w:r></w:p>"
        ),
        # DTDs, in every kind of part and encoding
        "dtd-document": _dtd("word/document.xml"),
        "dtd-document-utf16": _encoded("word/document.xml", _dtd("word/document.xml")),
        "dtd-styles-utf16": _encoded("word/styles.xml", _dtd("word/styles.xml")),
        "dtd-content-types": _dtd("[Content_Types].xml"),
        "dtd-rels-utf16": _encoded(rels, _dtd(rels)),
        "dtd-core-properties": _dtd("docProps/core.xml"),
        # documents imported whole, objects and controls: any prefix, any namespace spelling
        "altchunk": _both(
            _body('<w:altChunk r:id="rIdX"/>'), _relationship("aFChunk", "x.docx", None)
        ),
        "altchunk-other-prefix": _body(f'<q:altChunk xmlns:q="{W}"/>'),
        "altchunk-strict-namespace": _body(f'<q:altChunk xmlns:q="{W_STRICT}"/>'),
        "altchunk-utf16": _encoded("word/document.xml", _body('<w:altChunk r:id="rIdX"/>')),
        "afchunk-relationship": _relationship("aFChunk", "chunk.html", None),
        "ole-object": _body('<w:p><w:r><w:object w:dxaOrig="1" w:dyaOrig="1"/></w:r></w:p>'),
        "ole-oleobject": _body(
            '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
            'ProgID="Package"/></w:object></w:r></w:p>'
        ),
        "ole-relationship": _relationship("oleObject", "embeddings/x.bin", None),
        "ole-part": lambda parts: parts.__setitem__("word/embeddings/oleObject1.bin", b"\xd0\xcf"),
        "activex-control": _body(f'<w:p><w:r><w:control xmlns:w="{W}" r:id="rIdX"/></w:r></w:p>'),
        "activex-part": lambda parts: parts.__setitem__("word/activeX/activeX1.xml", b"<x/>"),
        "subdocument": _relationship("subDocument", "other.docx", None),
        "attached-template": _relationship("attachedTemplate", "t.dotm", None),
        # macros
        "macro-project": lambda parts: parts.__setitem__("word/vbaProject.bin", b"\xd0\xcf\x11"),
        "macro-content-type": _swap(
            "[Content_Types].xml",
            b"wordprocessingml.document.main+xml",
            b"ms-word.document.macroEnabled.main+xml",
        ),
        "macro-content-type-charref": _swap(
            "[Content_Types].xml",
            b"wordprocessingml.document.main+xml",
            f"ms-word.document.macro{char_refs('Enabled')}.main+xml".encode(),
        ),
        "vba-relationship": _relationship("vbaProject", "vbaProject.bin", None),
        # fields that include files
        "field-includetext": _field([f'INCLUDETEXT "{url}"']),
        "field-includetext-split": _field(["INCLU", f'DETEXT "{url}"']),
        "field-includepicture": _field([f'INCLUDEPICTURE "{url}" \\d']),
        "field-link": _field([f'LINK Word.Document.12 "{secret}" ""']),
        "field-ddeauto": _field(['DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"']),
        "field-in-header": _header_field(f'INCLUDETEXT "{url}"'),
        "field-fldsimple": _body(
            f'<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;{url}&quot; "/></w:p>'
        ),
        # made only when the template renders
        "render-time-dtd": lambda parts: parts.__setitem__(
            "word/footnotes.xml",
            b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOC{##}TYPE w:footnotes [<!ENTITY x '
            b'SYSTEM "file:///etc/passwd">]><w:footnotes xmlns:w="' + W.encode() + b'"/>',
        ),
        "render-time-altchunk": _safe_output(
            '</w:t></w:r></w:p><w:altChunk r:id="rIdX"/><w:p><w:r><w:t>'
        ),
        "render-time-object": _safe_output("</w:t><w:object/><w:t>"),
        "render-time-field": _field(["{{ 'INCLU' ~ 'DETEXT' }}", f' "{url}"']),
        # exhaustion: every stage of a template is limited
        "center-2e9-body": _swap(
            "word/document.xml", b"{{ title.type_name }}", b"{{ 'a'|center(2000000000) }}"
        ),
        "center-2e9-properties": _swap(
            "docProps/core.xml", b"{{ title.type_name }}", b"{{ 'a'|center(2000000000) }}"
        ),
        "many-tags": _swap(
            "word/document.xml", b"{{ title.type_name }}", b"{{ " * 100_000 + b"x }}"
        ),
        "many-distinct-tags": _swap(
            "word/document.xml",
            b"{{ title.type_name }}",
            "".join(f"{{{{ v{n} }}}}" for n in range(240_000)).encode(),
        ),
        "nested-for": _swap(
            "word/document.xml",
            b"{{ title.type_name }}",
            b"{% for a in [1] %}" * 25 + b"x" + b"{% endfor %}" * 25,
        ),
        "nested-if": _swap(
            "word/document.xml",
            b"{{ title.type_name }}",
            b"{% if 1 %}" * 120 + b"x" + b"{% endif %}" * 120,
        ),
        "parentheses": _swap(
            "word/document.xml",
            b"{{ title.type_name }}",
            b"{{ " + b"(" * 3000 + b"1" + b")" * 3000 + b" }}",
        ),
    }
    return corpus


def _duplicate_zip(parts: Parts) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # zipfile warns; the point is to do it
            z.writestr("word/document.xml", parts["word/document.xml"])  # a second one
    return buf.getvalue()


def _bad_crc(parts: Parts) -> bytes:
    data = bytearray(zipped(parts))
    at = data.index(b"word/document.xml") + len(b"word/document.xml") + 40
    data[at] ^= 0xFF  # a byte of the compressed stream: its checksum no longer matches
    return bytes(data)


ZIPS: dict[str, Callable[[Parts], bytes]] = {
    "zip-duplicate-names": _duplicate_zip,
    "zip-bad-crc": _bad_crc,
    "zip-truncated": lambda parts: zipped(parts)[:-200],
    "zip-not-a-zip": lambda parts: b"PK\x03\x04 not really a zip",
}


def make(tmp_path: Path, name: str, secret: Path) -> Path:
    parts = default_parts()
    if name in ZIPS:
        data = ZIPS[name](parts)
    else:
        template_corpus(secret)[name](parts)
        data = zipped(parts)
    path = tmp_path / f"{name}.docx"
    path.write_bytes(data)
    return path


CORPUS_NAMES = sorted([*template_corpus(Path("/x")), *ZIPS])


# -- measuring a command ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int


def _tree_rss(root: int) -> int:
    """The summed resident memory of *root* and every process below it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(statm[1]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_measured(*args: str | Path, cwd: Path | None = None, timeout: float = 90) -> Run:
    """`python -m planforge ARGS` in a process of its own: exit status, output, time and the
    peak memory of its whole process tree."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "planforge", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        start_new_session=True,
    )
    peak = 0
    try:
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            if time.monotonic() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail(f"planforge {args} ran longer than {timeout} s")
            time.sleep(0.02)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return Run(proc.returncode, out.decode(), err.decode(), time.monotonic() - started, peak)


def _no_secret_in(where: Path) -> None:
    """No output under *where* (a folder or a file) holds the secret, whole or inside a part."""
    paths = [where] if where.is_file() else list(where.rglob("*")) if where.exists() else []
    for path in paths:
        if path.is_file() and path.suffix in (".docx", ".pdf"):
            data = path.read_bytes()
            assert SECRET not in data, path
            if path.suffix == ".docx":
                with zipfile.ZipFile(path) as z:
                    assert all(SECRET not in z.read(n) for n in z.namelist()), path


# -- the templates, through every door ---------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_a_hostile_template_is_refused_by_generate_plan(
    tmp_path: Path, secret_file: Path, name: str
) -> None:
    template = make(tmp_path, name, secret_file)
    out = tmp_path / "out"
    run = run_measured(
        "render", PLAN, "-o", out / "plan.docx", "--parents", "--pdf", "--template", template
    )
    assert run.code == 2, run.stderr
    assert "error:" in run.stderr and "unexpected" not in run.stderr
    assert f"{name}.docx" in run.stderr  # the message names the template
    assert "Traceback" not in run.stderr
    assert not (out / "plan.docx").exists() and not (out / "plan.pdf").exists()
    _no_secret_in(out)
    assert run.seconds < 60, run.seconds
    assert run.peak_bytes < 1.5 * 1024**3, run.peak_bytes


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_a_hostile_template_is_refused_by_template_check(
    tmp_path: Path, secret_file: Path, name: str
) -> None:
    template = make(tmp_path, name, secret_file)
    result = CliRunner().invoke(
        planforge_cli, ["template", "check", str(template)], catch_exceptions=False
    )
    assert result.exit_code == 2, result.stderr
    assert "unexpected" not in result.stderr


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("external-image-charref", "outside"),
        ("external-image-utf16-rels", "outside"),
        ("internal-mode-url", "points outside the document"),
        ("dtd-document-utf16", "DTD"),
        ("altchunk-other-prefix", "altChunk"),
        ("altchunk-strict-namespace", "altChunk"),
        ("macro-content-type-charref", "code or embedded objects"),
        ("field-includetext-split", "INCLUDETEXT field"),
        ("render-time-altchunk", "what the template rendered is refused"),
        ("render-time-field", "what the template rendered is refused"),
        ("render-time-dtd", "not well-formed"),
        ("zip-bad-crc", "damaged"),
        ("zip-duplicate-names", "two parts named word/document.xml"),
        ("many-tags", "template braces"),
        ("nested-for", "nests"),
        ("parentheses", "nests"),
        ("center-2e9-body", "MiB"),
        ("center-2e9-properties", "MiB"),
    ],
)
def test_refusals_say_what_they_refuse(
    tmp_path: Path, secret_file: Path, name: str, words: str
) -> None:
    template = make(tmp_path, name, secret_file)
    with pytest.raises(TemplateError) as info:
        Renderer(template=template, limits=Limits(seconds=10)).render_result(load_plan(PLAN))
    assert words in str(info.value), str(info.value)
    assert info.value.exit_code == 2


def test_a_template_that_loops_costs_its_limit_once_in_a_bulk_run(tmp_path: Path) -> None:
    parts = default_parts()
    _swap(
        "word/document.xml",
        b"{{ title.type_name }}",
        b"{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
    )(parts)
    template = tmp_path / "loop.docx"
    template.write_bytes(zipped(parts))
    plans = [load_plan(PLAN)] * 6
    started = time.monotonic()
    from planforge import render_plans

    out = tmp_path / "out"
    out.mkdir()
    renderer_limits = Limits(seconds=3)
    report = render_plans(
        [(f"x{n}", p) for n, p in enumerate(plans)], out, template=template, limits=renderer_limits
    )
    assert time.monotonic() - started < 3 * 2 + 5
    assert len(report.failed) == 6 and not report.rendered
    messages = [m for _, m in report.failed]
    assert all("longer than 3 s" in m for m in messages)
    assert ["not tried again" in m for m in messages] == [False] + [True] * 5


def test_a_benign_template_still_renders_and_has_no_secret(
    tmp_path: Path, secret_file: Path
) -> None:
    template = tmp_path / "plain.docx"
    template.write_bytes(zipped(default_parts()))
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(
        generate_plan, [str(PLAN), "-o", str(out), "--template", str(template)]
    )
    assert result.exit_code == 0, result.stderr
    _no_secret_in(out.parent / "out.docx")


def test_a_non_numeric_size_in_a_style_is_a_clear_answer(tmp_path: Path) -> None:
    parts = default_parts()
    parts["word/styles.xml"] = re.sub(
        rb'<w:sz w:val="\d+"/>', b'<w:sz w:val="big"/>', parts["word/styles.xml"], count=3
    )
    template = tmp_path / "odd-sizes.docx"
    template.write_bytes(zipped(parts))
    result = CliRunner().invoke(
        generate_plan, [str(PLAN), "-o", str(tmp_path / "o.docx"), "--template", str(template)]
    )
    assert result.exit_code in (0, 2), result.stderr
    assert "unexpected" not in result.stderr


# -- plan files --------------------------------------------------------------------------------


def _laughs() -> str:
    lines = ["l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    for n in range(1, 10):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\nissuers: *l9\n"


PLAN_FILES: dict[str, tuple[str, str]] = {
    "billion-laughs": (_laughs(), "expands to more than"),
    "deep-flow-list": ("issuers: " + "[" * 30_000 + "]" * 30_000 + "\n", "nested more than"),
    "deep-block-list": ("issuers:\n" + "- " * 30_000 + "x\n", "nested more than"),
    "self-reference": ("issuers: &a [*a]\n", "refers to itself"),
    "deep-json": ('{"issuers": ' + "[" * 30_000 + "]" * 30_000 + "}", "nested more than"),
}


@pytest.mark.parametrize("name", sorted(PLAN_FILES))
@pytest.mark.parametrize("command", ["render", "validate"])
def test_a_hostile_plan_file_is_refused(tmp_path: Path, name: str, command: str) -> None:
    text, words = PLAN_FILES[name]
    plan = tmp_path / (f"{name}.json" if name.endswith("json") else f"{name}.yaml")
    plan.write_text(text, encoding="utf-8")
    args = [command, plan] + (["-o", tmp_path / "o.docx"] if command == "render" else [])
    run = run_measured(*args)
    assert run.code == 2, run.stderr
    assert words in run.stderr and plan.name in run.stderr
    assert run.seconds < 60 and run.peak_bytes < 1.5 * 1024**3


def test_a_folder_of_plans_survives_a_fifo_a_device_link_and_a_deep_file(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "good.yaml").write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "deep.yaml").write_text(PLAN_FILES["deep-flow-list"][0], encoding="utf-8")
    out = tmp_path / "out"
    run = run_measured("render", folder, "-o", out, "--parents", "--jobs", "2")
    assert run.code == 1, run.stderr  # some plans failed; the good one rendered
    assert (out / "good.docx").is_file()
    assert "not a regular file" in run.stderr
    assert "nested more than" in run.stderr
    assert "rendered 1 of 4 plans" in run.stderr
    assert run.seconds < 60 and run.peak_bytes < 1.5 * 1024**3
    assert sorted(p.name for p in out.iterdir()) == ["good.docx"]  # no temp files


def test_a_plan_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from planforge._loading import MAX_PLAN_BYTES

    plan = tmp_path / "huge.yaml"
    with plan.open("wb") as f:
        f.truncate(MAX_PLAN_BYTES + 1)
    result = CliRunner().invoke(planforge_cli, ["validate", str(plan)])
    assert result.exit_code == 2
    assert "a plan file may be at most 16.0 MiB" in result.stderr


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{number:>1500000000}", "is not allowed"),
        ("{number.__class__}", "uses `{number.__class__}`"),
        ("{number[0]}", "uses `{number[0]}`"),
        ("{numero}", "uses `{numero}`; this format may use only {number}, {type}, {symbols}"),
        ("{number!r}", "is not allowed"),
    ],
)
def test_profile_formats_are_data_not_code(tmp_path: Path, template: str, words: str) -> None:
    profile = tmp_path / "office.yaml"
    profile.write_text(
        f'extends: nd30-2020\nnumber: {{template: "Số: {template}/{{type}}-{{symbols}}"}}\n',
        encoding="utf-8",
    )
    run = run_measured("render", PLAN, "-o", tmp_path / "o.docx", "--profile", profile)
    assert run.code == 2, run.stderr
    assert words in run.stderr and "number.template" in run.stderr
    assert run.seconds < 60 and run.peak_bytes < 1.5 * 1024**3


# -- output, names and the terminal ---------------------------------------------------------------


def _collection(tmp_path: Path, names: list[str]) -> Path:
    import yaml

    base = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    units = [{"name": n, "number": {"number": k + 1}} for k, n in enumerate(names)]
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump({"base": base, "units": units}, allow_unicode=True), "utf-8")
    return path


def test_names_from_input_cannot_fake_terminal_output(tmp_path: Path) -> None:
    fake = "x\nrendered 99 of 99 plans in 0.01 s\x1b[2J\u202e"
    result = CliRunner().invoke(
        generate_plan,
        [str(_collection(tmp_path, [fake])), "-o", str(tmp_path / "out"), "--parents"],
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert not any(line.startswith("rendered 99") for line in lines)
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "\\x1b" in result.stderr and "\\x0a" in result.stderr


def test_a_300_character_unit_name_gets_a_shortened_file_name(tmp_path: Path) -> None:
    names = ["Xã " + "Hòa An " * 43, "Xã " + "Hòa An " * 43 + "khác"]
    result = CliRunner().invoke(
        generate_plan, [str(_collection(tmp_path, names)), "-o", str(tmp_path / "out"), "--parents"]
    )
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(files) == 2 and all(len(f.encode()) <= 90 for f in files)


def test_a_read_only_output_folder_is_a_clear_answer(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = CliRunner().invoke(generate_plan, [str(PLAN), "-o", str(folder / "o.docx")])
        assert result.exit_code == 2
        assert "cannot write in" in result.stderr
    finally:
        folder.chmod(stat.S_IRWXU)


def test_an_output_that_cannot_be_written_is_a_clear_answer(tmp_path: Path) -> None:
    # a path through a file (not a folder): no permission games needed, also as root
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(
        generate_plan, [str(PLAN), "-o", str(blocker / "sub" / "o.docx"), "--parents"]
    )
    assert result.exit_code == 2, result.stderr
    assert "unexpected" not in result.stderr


def test_check_of_a_document_without_a_page_size_answers_in_json(tmp_path: Path) -> None:
    from .conftest import render_quietly

    data = render_quietly(load_plan(PLAN))
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            parts[name] = z.read(name)
    parts["word/document.xml"] = re.sub(rb"<w:pgSz[^>]*/>", b"", parts["word/document.xml"])
    doc = tmp_path / "no-size.docx"
    doc.write_bytes(zipped(parts))
    result = CliRunner().invoke(planforge_cli, ["check", str(doc), "--format", "json"])
    assert result.exit_code == 1  # an error found, reported as a finding
    import json

    findings = json.loads(result.stdout)
    assert [f["rule"] for f in findings] == ["paper"]
    assert "not set" in findings[0]["message"]


def test_check_of_a_damaged_document_is_exit_2(tmp_path: Path) -> None:
    from .conftest import render_quietly

    doc = tmp_path / "damaged.docx"
    doc.write_bytes(_bad_crc(dict(_parts_of(render_quietly(load_plan(PLAN))))))
    result = CliRunner().invoke(planforge_cli, ["check", str(doc), "--format", "json"])
    assert result.exit_code == 2
    assert "damaged" in result.stderr


def _parts_of(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


# -- a worker that dies ----------------------------------------------------------------------------


def _crashing_render(source: Any, *args: Any) -> Any:
    """`_render_one`, except that unit-3 kills its process as a fault in C code would."""

    if source.name == "unit-3":
        faulthandler.disable()  # pytest's would print the dying worker's stack
        os.kill(os.getpid(), signal.SIGSEGV)
    return _REAL_RENDER_ONE(source, *args)


def test_a_bulk_run_survives_a_worker_that_crashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planforge import _bulk

    # a module-level function: the pool sends it to its workers by name
    monkeypatch.setattr(_bulk, "_render_one", _crashing_render)
    plan = load_plan(PLAN)
    out = tmp_path / "out"
    out.mkdir()
    report = _bulk.render_plans([(f"unit-{n}", plan) for n in range(8)], out, jobs=2)
    expected = [f"unit-{n}.docx" for n in range(8) if n != 3]
    assert sorted(p.name for p in report.rendered) == expected
    assert [label for label, _ in report.failed] == ["unit-3"]
    assert "crashed" in report.failed[0][1]
    assert sorted(p.name for p in out.iterdir()) == expected  # no half-written files


# -- LibreOffice under a watchdog -----------------------------------------------------------


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def test_libreoffice_that_hangs_with_a_helper_is_stopped_on_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planforge import RenderError, convert_to_pdf

    # a helper in a session of its own holds stdout open; the main process hangs too
    pid_file = tmp_path / "helper.pid"
    fake = _fake_soffice(tmp_path, f"setsid sleep 300 &\necho $! > {pid_file}\nexec sleep 300")
    monkeypatch.setenv("PLANFORGE_SOFFICE", str(fake))
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"PK")
    started = time.monotonic()
    with pytest.raises(RenderError, match="within the time limit of 2 s"):
        convert_to_pdf([doc], tmp_path, timeout=2)
    assert time.monotonic() - started < 10
    # the helper that set up a session of its own is gone too
    helper = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and Path(f"/proc/{helper}").exists():
        if "Z" in Path(f"/proc/{helper}/stat").read_text().rsplit(")", 1)[1].split()[0]:
            break  # killed, waiting for init to collect it
        time.sleep(0.05)
    assert (
        not Path(f"/proc/{helper}").exists()
        or "Z" in Path(f"/proc/{helper}/stat").read_text().rsplit(")", 1)[1].split()[0]
    )


def test_libreoffice_helpers_that_keep_the_output_open_do_not_hold_planforge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planforge import RenderError, convert_to_pdf

    fake = _fake_soffice(tmp_path, "(sleep 300 &) ; exit 0")
    monkeypatch.setenv("PLANFORGE_SOFFICE", str(fake))
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"PK")
    started = time.monotonic()
    with pytest.raises(RenderError, match="did not convert"):
        convert_to_pdf([doc], tmp_path, timeout=30)
    assert time.monotonic() - started < 5
