"""`planforge template check`: find what would break a template, in every part, all at once."""

from __future__ import annotations

import datetime as _dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .._context import build_context
from .._errors import TemplateError
from .._findings import Finding
from .._i18n import N_, _
from .._models import IssuerKind
from .._profiles import Profile, default_profile
from .._reference import Shape, context_shape, reference_plan
from .engine import READS_NOTHING
from .isolation import Limits, run_limited
from .jinja import sandboxed_environment
from .safety import check_docx_archive

__all__ = ["check_template"]

_HEADER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PROPERTIES = (
    "author", "category", "comments", "content_status", "identifier", "keywords", "language",
    "last_modified_by", "subject", "title", "version",
)  # fmt: skip
#: Elements a plan must show, and the variable that shows each.
_REQUIRED = {
    "signatures": N_("no signature block: the template never uses `signatures`"),
    "recipients": N_("no recipients list: the template never uses `recipients`"),
    "title": N_("no title: the template never uses `title`"),
}


@dataclass
class _Source:
    where: str
    text: str  # Jinja source as docxtpl renders it: one paragraph a line
    is_xml: bool = True


def check_template(
    data: bytes,
    *,
    name: str = "template",
    profile: Profile | None = None,
    limits: Limits | None = None,
) -> list[Finding]:
    """Every finding for the .docx *data*: syntax, unknown variables, missing elements.

    The whole check runs in a child process under *limits*. A template that is unsafe (or that
    breaks a limit) is refused with TemplateError: there is nothing to check in it. When the
    static checks find no error, a plan that uses every field is rendered with the template
    (under *profile*, default the state profile in force today) to catch what only shows at
    run time.
    """
    return run_limited(
        lambda: _check(data, name, profile),
        limits=limits or Limits(),
        name=name,
        what=_("checking the template"),
    )


def _check(data: bytes, name: str, profile: Profile | None) -> list[Finding]:
    from docxtpl import DocxTemplate

    check_docx_archive(data, name=name)
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
    except Exception as exc:  # python-docx's errors for a broken package vary
        raise TemplateError(
            _("cannot be opened as a Word document: {error}").format(error=exc), file=name
        ) from exc
    env = sandboxed_environment()
    findings: list[Finding] = []
    used: set[str] = set()
    for source in _sources(tpl):
        try:
            ast = env.parse(source.text)
        except RecursionError as exc:
            raise TemplateError(
                _("the template nests its tags or expressions too deeply; simplify the nesting"),
                file=name,
                part=source.where,
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            findings.append(
                Finding(
                    "syntax",
                    "error",
                    _("template syntax error: {error}").format(error=exc.message),
                    where=source.where,
                    context=_paragraph(source, exc.lineno),
                )
            )
            continue
        checker = _Checker(env, source, findings)
        checker.visit(ast, dict(_root_scope()))
        used |= checker.used_roots
    if used and not any(f.severity == "error" for f in findings):
        findings.extend(_trial_render(data, name, profile))
    unparsed = any(f.rule == "syntax" for f in findings)
    if not used and not unparsed:
        findings.append(Finding("element", "error", _(READS_NOTHING), where=_("template")))
    for root, message in _REQUIRED.items():
        if root not in used and not unparsed:
            findings.append(Finding("element", "warning", _(message), where=_("template")))
    return findings


def _trial_render(data: bytes, name: str, profile: Profile | None) -> list[Finding]:
    from .engine import CompiledTemplate
    from .render import check_rendered

    chosen = profile or default_profile(IssuerKind.STATE, _dt.date.today())
    # already in the limited child: compile and render here. What cannot compile (after the
    # syntax passed above: nesting beyond any limit) is refused, as is an unsafe output; what
    # fails while rendering the plan is a finding.
    compiled = CompiledTemplate(data, name)
    try:
        rendered = compiled.render_parts(build_context(reference_plan(), chosen), chosen)
    except TemplateError as exc:
        return [
            Finding(
                "render",
                "error",
                _("a trial render failed: {error}").format(error=exc.message),
                where=exc.part or _("render"),
                context=exc.context,
            )
        ]
    check_rendered(rendered, name=name)
    return []


def _sources(tpl: Any) -> Iterator[_Source]:
    def prepared(xml: str) -> str:
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))

    yield _Source(_("body"), prepared(tpl.get_xml()))
    for uri, where in ((_HEADER_URI, N_("header ({part})")), (_FOOTER_URI, N_("footer ({part})"))):
        for _rel, part in tpl.get_headers_footers(uri):
            yield _Source(
                _(where).format(part=str(part.partname).lstrip("/")),
                prepared(tpl.get_part_xml(part)),
            )
    for part in tpl.docx.part.package.parts:
        if part.content_type == _FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield _Source(
                _("footnote ({part})").format(part=str(part.partname).lstrip("/")), prepared(blob)
            )
    props = tpl.docx.core_properties
    for prop in _PROPERTIES:
        value = getattr(props, prop)
        if isinstance(value, str) and value:
            yield _Source(_("document property {name}").format(name=prop), value, is_xml=False)


def _paragraph(source: _Source, lineno: int | None) -> str:
    if lineno is None:
        return ""
    lines = source.text.splitlines()
    if not 1 <= lineno <= len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1]) if source.is_xml else lines[lineno - 1]
    return re.sub(r"\s+", " ", text).strip()[:200]


_ANY = "any"


def _root_scope() -> dict[str, Shape]:
    scope: dict[str, Shape] = dict(context_shape())
    for name in ("range", "lipsum", "dict", "cycler", "joiner", "namespace"):
        scope[name] = _ANY
    return scope


class _Checker:
    """Walk a template's AST with scopes, resolving each variable against the context shape."""

    def __init__(
        self, env: ImmutableSandboxedEnvironment, source: _Source, findings: list[Finding]
    ) -> None:
        self.env = env
        self.source = source
        self.findings = findings
        self.used_roots: set[str] = set()
        self.reported: set[str] = set()

    def report(self, node: nodes.Node, message: str) -> None:
        key = f"{message}@{node.lineno}"
        if key in self.reported:
            return
        self.reported.add(key)
        self.findings.append(
            Finding(
                "variable",
                "error",
                message,
                where=self.source.where,
                context=_paragraph(self.source, node.lineno),
            )
        )

    # -- expressions -------------------------------------------------------------------------

    def shape_of(self, node: nodes.Node, scope: dict[str, Shape]) -> Shape:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                if node.name in context_shape():
                    self.used_roots.add(node.name)
                return scope[node.name]
            self.report(
                node,
                _("`{name}` is not a variable the plan provides (top-level names: {names})").format(
                    name=node.name, names=", ".join(sorted(context_shape()))
                ),
            )
            return _ANY
        if isinstance(node, nodes.Getattr):
            return self.member(node, self.shape_of(node.node, scope), node.attr, scope)
        if isinstance(node, nodes.Getitem):
            base = self.shape_of(node.node, scope)
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                return self.member(node, base, arg.value, scope)
            self.visit(arg, scope)
            if isinstance(base, list):
                return base[0] if base else _ANY
            return _ANY
        self.visit(node, scope)
        return _ANY

    def member(self, node: nodes.Node, base: Shape, key: str, scope: dict[str, Shape]) -> Shape:
        if isinstance(base, dict):
            if key in base:
                return base[key]  # type: ignore[no-any-return]
            fields = ", ".join(f"`{k}`" for k in base)
            message = (
                _("`{name}` is not provided: it has {fields}")
                if fields
                else _("`{name}` is not provided: it has no fields")
            )
            self.report(node, message.format(name=_dotted(node), fields=fields))
            return _ANY
        if isinstance(base, list) or base != _ANY:
            # lists and strings have methods (`items`, `upper`); the sandbox vets them
            return _ANY
        return _ANY

    # -- statements ----------------------------------------------------------------------------

    def visit(self, node: nodes.Node, scope: dict[str, Shape]) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self.shape_of(node, scope)
            return
        if isinstance(node, nodes.For):
            iterable = self.shape_of(node.iter, scope)
            inner = dict(scope)
            item = iterable[0] if isinstance(iterable, list) and iterable else _ANY
            self.bind(node.target, item, inner)
            inner["loop"] = _ANY
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            if isinstance(node, nodes.Assign):
                self.visit(node.node, scope)
            else:
                for child in node.body:
                    self.visit(child, scope)
            self.bind(node.target, _ANY, scope)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in node.args:
                self.bind(arg, _ANY, inner)
            for name in ("varargs", "kwargs", "caller"):
                inner[name] = _ANY
            if isinstance(node, nodes.Macro):
                scope[node.name] = _ANY
            else:
                self.visit(node.call, scope)
            for child in node.body:
                self.visit(child, inner)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=True):
                self.visit(value, scope)
                self.bind(target, _ANY, inner)
            for child in node.body:
                self.visit(child, inner)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def bind(self, target: nodes.Node, shape: Shape, scope: dict[str, Shape]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, _ANY, scope)


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg
        key = arg.value if isinstance(arg, nodes.Const) else "…"
        return f"{_dotted(node.node)}.{key}" if isinstance(key, str) else f"{_dotted(node.node)}[]"
    return "…"
