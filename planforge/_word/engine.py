"""A template compiled once and rendered many times: only the parts that change are re-made.

docxtpl reopens, re-patches and re-compiles a whole template on every render, then writes every
part again. Here a template is opened once per process (cached by its content hash): each part
with tags becomes a compiled Jinja template, every other part is kept compressed and copied into
each output zip as it is. docxtpl's own steps (tag patching, listing, table fixing, picture ids)
are reused as they are, so templates behave exactly as under docxtpl.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta
from jinja2.exceptions import SecurityError
from lxml import etree

from .._errors import TemplateError
from .._i18n import N_, _
from .._profiles import Profile
from .jinja import MAX_VALUE_LENGTH, properties_environment, sandboxed_environment
from .layout import lay_out, mark_tables
from .reader import StyleSheet, W, parse_xml

__all__ = [
    "CompiledTemplate",
    "PackageLayout",
    "RenderedPackage",
    "compile_template",
]
#: Largest XML a template part may render to (a whole plan's body is a few hundred KiB).
MAX_RENDERED_PART = 16 * 1024 * 1024
_CACHE_SIZE = 16
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
_BRACE_ESCAPES = {"{_{": "{{", "}_}": "}}", "{_%": "{%", "%_}": "%}"}
_LISTING = re.compile("[\t\a\n\f]")  # what docxtpl's resolve_listing turns into Word runs


# -- zip entries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One zip member, compressed, without its offset: the same bytes in every output."""

    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate
    time: int
    date: int
    flags: int

    @classmethod
    def make(cls, name: str, content: bytes) -> _Entry:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        encoded = name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0
        # 1980-01-01 00:00: outputs do not depend on when they were made
        return cls(
            encoded, zlib.crc32(content), len(content), data, 0, (0 << 9) | (1 << 5) | 1, flags
        )

    def local(self) -> bytes:
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, self.flags, 8, self.time, self.date, self.crc,
            len(self.data), self.size, len(self.name), 0,
        )  # fmt: skip
        return header + self.name + self.data

    def central(self, offset: int) -> bytes:
        header = struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, self.flags, 8, self.time, self.date,
            self.crc, len(self.data), self.size, len(self.name), 0, 0, 0, 0, 0o644 << 16, offset,
        )  # fmt: skip
        return header + self.name


def _zip(entries: list[_Entry]) -> bytes:
    out = io.BytesIO()
    offsets = []
    for entry in entries:
        offsets.append(out.tell())
        out.write(entry.local())
    start = out.tell()
    for entry, offset in zip(entries, offsets, strict=True):
        out.write(entry.central(offset))
    end = out.tell()
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - start, start, 0
        )
    )
    return out.getvalue()


# -- the compiled template -----------------------------------------------------------------------


class PackageLayout:
    """The members of a template's output in their order, and the content of those every
    output shares: what puts rendered parts together into a .docx (the one zip writer)."""

    def __init__(self, order: list[str], fixed: dict[str, bytes]) -> None:
        self.order = order
        #: the parts every output shares, as bytes: handed with each output to the audit,
        #: which then reads no zip (and hashes each of them once: they are the same objects)
        self.fixed = fixed
        self._entries = {member: _Entry.make(member, content) for member, content in fixed.items()}

    @property
    def templated(self) -> set[str]:
        """The members made from the plan."""
        return set(self.order) - set(self.fixed)

    def assemble(
        self, rendered: dict[str, bytes], trees: dict[str, Any] | None = None
    ) -> RenderedPackage:
        """The .docx holding *rendered* (member → content) and the fixed parts; *trees*: the
        parsed roots of rendered parts, when the render has them."""
        entries = [
            _Entry.make(member, rendered[member]) if member in rendered else self._entries[member]
            for member in self.order
            if member in rendered or member in self._entries
        ]
        return RenderedPackage(
            _zip(entries), {**self.fixed, **rendered}, set(rendered), dict(trees or {})
        )


@dataclass(frozen=True)
class RenderedPackage:
    """A rendered .docx: its bytes, and the content of each of its parts as it was zipped
    (the audit reads these instead of unzipping *data* again)."""

    data: bytes
    parts: dict[str, bytes]
    #: the parts made from the plan (the others are the template's, checked when it was)
    rendered: set[str]
    #: the element trees of rendered parts the render built anyway (the document's): the
    #: audit reads them instead of parsing their bytes again
    trees: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Part:
    member: str
    template: jinja2.Template
    prefix: str = ""  # document.xml around its body
    suffix: str = ""


#: What a template that reads none of the plan's variables is told (render and template check).
READS_NOTHING = N_(
    "reads nothing of the plan (no tag such as `{{ title.summary }}` or `{% for part in parts "
    "%}`): it would print the same text for every plan. Is it a rendered document? Start from "
    "the default templates: planforge template export DIR"
)


def _undefined(message: str) -> str:
    """Jinja's words for a missing variable (`'dict object' has no attribute 'summry'`) as a
    template's author reads them."""
    field = re.fullmatch(r"'[^']*' has no attribute '([^']*)'", message)
    if field is not None:
        return _("a field the plan does not have: `{name}`").format(name=field[1])
    name = re.fullmatch(r"'([^']*)' is undefined", message)
    if name is not None:
        return _("a variable the plan does not provide: `{name}`").format(name=name[1])
    return _("a variable the plan does not provide ({error})").format(error=message)


class CompiledTemplate:
    """A .docx template ready to render plans; safe to share between threads."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self._tpl = DocxTemplate(io.BytesIO(data))
            self._tpl.init_docx()
        except Exception as exc:  # python-docx's errors for a broken package vary
            raise TemplateError(
                _(
                    "cannot be opened as a Word document ({kind}: {error}); save it again with "
                    "Word or LibreOffice"
                ).format(kind=type(exc).__name__, error=exc),
                file=name,
            ) from exc
        doc = self._tpl.docx
        mark_tables(doc.element.body)
        env = sandboxed_environment()
        self._reads: set[str] = set()  # the names the template's tags read
        self.parts: list[_Part] = []
        body_member = str(doc.part.partname).lstrip("/")
        whole = etree.tostring(doc.element, encoding="unicode")
        start = whole.index("<w:body")
        end = whole.rindex("</w:body>") + len("</w:body>")
        self.body = _Part(
            body_member,
            self._compile(env, self._tpl.get_xml(), body_member),
            _DECLARATION + whole[:start],
            whole[end:],
        )
        for uri in (_HEADER, _FOOTER):
            for _rel, part in self._tpl.get_headers_footers(uri):
                member = str(part.partname).lstrip("/")
                xml = self._tpl.get_part_xml(part)
                self.parts.append(_Part(member, self._compile(env, xml, member), _DECLARATION))
        self.core: tuple[str, Any, dict[str, jinja2.Template]] | None = None
        for part in doc.part.package.parts:
            member = str(part.partname).lstrip("/")
            if part.content_type == _FOOTNOTES:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                self.parts.append(_Part(member, self._compile(env, blob, member)))
            elif part.content_type == _CORE:
                self.core = self._compile_core(member, part.blob)
        # a name the tags read that no tag sets and Jinja does not give (`range`, ...) can
        # only come from the plan: none at all, and the template prints the same every time
        if not self._reads - set(env.globals):
            raise TemplateError(_(READS_NOTHING), file=name)
        self.styles = StyleSheet(
            parse_xml(doc.part._styles_part.blob, part="word/styles.xml", name=name), {}
        )
        templated = {self.body.member, *(p.member for p in self.parts)}
        if self.core:
            templated.add(self.core[0])
        order: list[str] = []
        fixed: dict[str, bytes] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                order.append(info.filename)
                if info.filename not in templated:
                    fixed[info.filename] = archive.read(info)
        order.extend(sorted(templated - set(order)))  # parts python-docx adds (core properties)
        self.layout = PackageLayout(order, fixed)
        # document.xml without its body: each render's tree is this with the rendered body
        self._skeleton = etree.fromstring(
            (self.body.prefix + "<w:body/>" + self.body.suffix).encode("utf-8")
        )
        self._body_at = next(
            n for n, child in enumerate(self._skeleton) if child.tag == f"{{{W}}}body"
        )
        self._lock = threading.Lock()

    def _compile(self, env: jinja2.Environment, xml: str, member: str) -> jinja2.Template:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", self._tpl.patch_xml(xml))
        # docxtpl's escapes for literal braces ({_{ prints {{), applied to the template's own
        # text only: docxtpl undoes them in the rendered XML, which changes plan text too
        for escape, literal in _BRACE_ESCAPES.items():
            source = source.replace(escape, '{{ "' + literal + '" }}')
        try:
            ast = env.parse(source)
            self._reads |= meta.find_undeclared_variables(ast)
            return env.from_string(ast)
        except (RecursionError, SyntaxError) as exc:
            # Jinja's parser recurses; Python refuses code with over 20 nested blocks
            raise TemplateError(
                _(
                    "the template nests its tags or expressions too deeply ({kind}: {error}); "
                    "simplify the nesting"
                ).format(kind=type(exc).__name__, error=exc),
                file=self.name,
                part=member,
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            lines = source.splitlines()
            near = ""
            if exc.lineno and 1 <= exc.lineno <= len(lines):
                window = lines[max(exc.lineno - 2, 0) : exc.lineno + 1]
                near = " ".join(re.sub(r"<[^>]+>", "", line).strip() for line in window)
            raise TemplateError(
                _("template syntax error: {error}").format(error=exc.message),
                file=self.name,
                part=member,
                context=re.sub(r"\s+", " ", near).strip()[:300],
            ) from exc

    def _compile_core(
        self, member: str, blob: bytes
    ) -> tuple[str, Any, dict[str, jinja2.Template]]:
        env = properties_environment()
        root = etree.fromstring(blob)
        templates = {}
        for child in root:
            text = child.text or ""
            if "{{" in text or "{%" in text:
                try:
                    ast = env.parse(text)
                    self._reads |= meta.find_undeclared_variables(ast)
                    templates[child.tag] = env.from_string(ast)
                except (RecursionError, SyntaxError) as exc:
                    raise TemplateError(
                        _("the template nests its tags or expressions too deeply; simplify it"),
                        file=self.name,
                        part=_("document property {name}").format(
                            name=etree.QName(child).localname
                        ),
                    ) from exc
                except jinja2.TemplateSyntaxError as exc:
                    raise TemplateError(
                        _("template syntax error: {error}").format(error=exc.message),
                        file=self.name,
                        part=_("document property {name}").format(
                            name=etree.QName(child).localname
                        ),
                        context=text,
                    ) from exc
        return member, root, templates

    # -- rendering -----------------------------------------------------------------------------

    def render(self, context: dict[str, Any], profile: Profile) -> bytes:
        """The .docx of *context*: every templated part rendered, the rest copied."""
        return self.render_package(context, profile).data

    def render_package(self, context: dict[str, Any], profile: Profile) -> RenderedPackage:
        """The .docx of *context*, with the parts it holds (what the audit reads)."""
        rendered, document = self._render(context, profile)
        return self.layout.assemble(rendered, {self.body.member: document})

    def render_parts(self, context: dict[str, Any], profile: Profile) -> dict[str, bytes]:
        """The parts made from *context* (member name → content); the others are fixed."""
        return self._render(context, profile)[0]

    def _render(self, context: dict[str, Any], profile: Profile) -> tuple[dict[str, bytes], Any]:
        try:
            body, document = self._document(context, profile)
            rendered = {self.body.member: body}
            for part in self.parts:
                xml = self._render_part(part, context)
                rendered[part.member] = (part.prefix + xml).encode("utf-8")
            if self.core is not None:
                rendered[self.core[0]] = self._properties(context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                _(
                    "the template uses {what} (planforge template check FILE names where, and "
                    "the fields there are)"
                ).format(what=_undefined(exc.message or "")),
                file=self.name,
            ) from exc
        except SecurityError as exc:
            raise TemplateError(
                _("refused by the sandbox: {error}").format(error=exc), file=self.name
            ) from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(
                _("template error: {error}").format(error=exc), file=self.name
            ) from exc
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                _("the template renders XML that is not well-formed ({error})").format(error=exc),
                file=self.name,
            ) from exc
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
            # what a template's own expressions raise (a range too large, a division by zero)
            raise TemplateError(
                _("the template failed while rendering ({kind}: {error})").format(
                    kind=type(exc).__name__, error=exc
                ),
                file=self.name,
            ) from exc
        return rendered, document

    def _render_part(self, part: _Part, context: dict[str, Any]) -> str:
        xml = part.template.render(context)
        if len(xml) > MAX_RENDERED_PART:
            raise TemplateError(
                _("renders to {size} MiB of XML (limit {limit} MiB)").format(
                    size=len(xml) // 1_048_576, limit=MAX_RENDERED_PART // 1_048_576
                ),
                file=self.name,
                part=part.member,
            )
        # the step docxtpl's render_xml_part takes after Jinja (its brace escapes are
        # resolved at compile time)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        if _LISTING.search(xml):
            xml = self._tpl.resolve_listing(xml)
        return xml

    def _document(self, context: dict[str, Any], profile: Profile) -> tuple[bytes, Any]:
        """document.xml of *context*, and its element tree (the skeleton around the body)."""
        xml = self._render_part(self.body, context)
        with self._lock:  # docxtpl's helpers keep a counter on the instance
            tree = self._tpl.fix_tables(xml)
            self._tpl.docx_ids_index = 1000
            self._tpl.fix_docpr_ids(tree)
        lay_out(tree, profile, self.styles, context)
        body = etree.tostring(tree, encoding="unicode")
        document = copy.deepcopy(self._skeleton)
        document.replace(document[self._body_at], tree)
        return (self.body.prefix + body + self.body.suffix).encode("utf-8"), document

    def _properties(self, context: dict[str, Any]) -> bytes:
        assert self.core is not None
        _member, root, templates = self.core
        tree = copy.deepcopy(root)
        for child in tree:
            template = templates.get(child.tag)
            if template is not None:
                value = template.render(context)
                if len(value) > MAX_VALUE_LENGTH:
                    raise TemplateError(
                        _("document property {name} renders too long").format(name=child.tag),
                        file=self.name,
                    )
                child.text = value
        return _DECLARATION.encode() + etree.tostring(tree, encoding="utf-8")


_cache: OrderedDict[str, CompiledTemplate] = OrderedDict()
_cache_lock = threading.Lock()


def compile_template(data: bytes, *, name: str) -> CompiledTemplate:
    """The compiled form of template *data*, made once per process for the same bytes."""
    digest = hashlib.sha256(data).hexdigest()
    with _cache_lock:
        found = _cache.get(digest)
        if found is not None:
            _cache.move_to_end(digest)
            return found
    compiled = CompiledTemplate(data, name)
    with _cache_lock:
        _cache[digest] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled
