"""Renderer and render_plan: a Plan in, a .docx out — profile, checks, context, Word, file."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from ._context import build_context
from ._errors import OutputError, PlanInputError, PlanWarning, Problem, TemplateError
from ._files import InputFileError, read_input
from ._findings import Finding
from ._i18n import N_, _
from ._models import Plan
from ._output import refuse_existing, write_atomic
from ._profiles import Profile, resolve_profile
from ._rules import plan_findings, raise_for_errors
from ._word.isolation import Limits, TemplateWorker

__all__ = ["RenderResult", "Renderer", "read_template", "render_plan"]


@dataclass(frozen=True)
class RenderResult:
    """A rendered plan: the .docx, what the plan checks found, what the audit of the document
    found (with *check*), and the rules it was laid out by."""

    document: bytes
    findings: tuple[Finding, ...]
    audit: tuple[Finding, ...]
    profile: Profile

    def all_findings(self) -> tuple[Finding, ...]:
        return self.findings + self.audit


class Renderer:
    """Renders plans with one template and profile, prepared once; for systems that render on
    demand. The template is read, checked and compiled when the renderer is made; each render
    only fills it. Safe to share between threads: `render_result` returns the findings as
    values and touches no process-wide state.

    *profile* fixes the rules for every plan; without it each plan gets its own (its `profile`
    field, else the profile in force on its date for its first issuer's kind). With *check*,
    each rendered document is also audited as `planforge check` does.
    """

    def __init__(
        self,
        *,
        template: str | Path | bytes | None = None,
        profile: Profile | str | Path | None = None,
        check: bool = False,
        limits: Limits | None = None,
    ) -> None:
        self.profile = resolve_profile(profile)
        self.check = check
        self.limits = limits or Limits()
        self.template: bytes | None = None
        self.template_name = ""
        self._worker: TemplateWorker | None = None
        if template is not None:
            if isinstance(template, bytes):
                self.template, self.template_name = template, "template"
            else:
                self.template, self.template_name = read_template(template), str(template)
            # checked, opened and compiled once, in its own limited process
            self._worker = TemplateWorker(self.template, self.template_name, self.limits)

    def close(self) -> None:
        """Stop the process of a user template (it also stops when the renderer is dropped)."""
        if self._worker is not None:
            self._worker.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def profile_for(self, plan: Plan) -> Profile:
        """The rules *plan* is rendered under."""
        return resolve_profile(self.profile, plan)

    def render_result(self, plan: Plan) -> RenderResult:
        """The .docx of *plan* with every finding of the plan checks (and of the audit, with
        *check*). Raises PlanInputError when a check finds an error (nothing is rendered)."""
        from ._word.render import check_rendered, render_package

        if not isinstance(plan, Plan):
            raise PlanInputError([Problem(_(_NOT_A_PLAN).format(kind=type(plan).__name__))])
        chosen = self.profile_for(plan)
        findings = plan_findings(plan, chosen)
        raise_for_errors(findings, plan)
        context = build_context(plan, chosen)
        if self._worker is None:
            package = render_package(context, chosen)
        else:
            parts = self._worker.render(context, chosen)
            # nothing made at render time escapes: the parts made from the plan are checked
            # (the template's own were, once, with it), and zipped here, as checked
            check_rendered(parts, name=self.template_name)
            assert self._worker.layout is not None
            package = self._worker.layout.assemble(parts)
        audit: list[Finding] = []
        if self.check:
            from ._word.audit import audit_document

            audit = audit_document(
                package.data,
                profile=chosen,
                trusted=True,
                name=self.template_name or _("rendered plan"),
                parts=package.parts,
                trees=package.trees,
            )
        return RenderResult(package.data, tuple(findings), tuple(audit), chosen)

    def render(self, plan: Plan) -> bytes:
        """The .docx of *plan*; findings are issued as `PlanWarning`s."""
        return self._render(plan, stacklevel=3)

    def render_to(
        self, plan: Plan, output: str | Path, *, force: bool = False, parents: bool = False
    ) -> RenderResult:
        """Render *plan* into the file *output*, atomically; an existing file is kept unless
        *force*, a missing folder is an error unless *parents*. Issues no warnings: the
        findings are in the result. *output* ends in `.docx` (its PDF: `render_pdf_to`)."""
        _refuse_suffix(output, ".docx")
        refuse_existing([Path(output)], force=force)  # before the work, not after
        result = self.render_result(plan)
        write_atomic(output, result.document, force=force, parents=parents)
        return result

    def render_pdf_to(
        self, plan: Plan, output: str | Path, *, force: bool = False, parents: bool = False
    ) -> RenderResult:
        """Render *plan* and write only its PDF to *output* (through LibreOffice); the .docx
        is made in a temporary folder and removed. Same rules as `render_to`; *output* ends in
        `.pdf`."""
        import tempfile

        from ._pdf import convert_to_pdf

        _refuse_suffix(output, ".pdf")
        target = Path(output)
        refuse_existing([target], force=force)  # before the work, not after
        result = self.render_result(plan)
        with tempfile.TemporaryDirectory(prefix="planforge-") as tmp:
            docx = Path(tmp) / f"{target.stem or 'plan'}.docx"
            docx.write_bytes(result.document)
            (pdf,) = convert_to_pdf([docx], tmp)
            write_atomic(target, pdf.read_bytes(), force=force, parents=parents)
        return result

    def _render(self, plan: Plan, *, stacklevel: int) -> bytes:
        # stacklevel: warnings point at the caller of the public function
        result = self.render_result(plan)
        issue_warnings(result.all_findings(), stacklevel=stacklevel)
        return result.document


#: What a function that renders a Plan says of anything else (a dict of form data, ...).
_NOT_A_PLAN = N_(
    "expected a planforge.Plan, not a {kind}: make one with parse_plan(data) or load_plan(path)"
)


def _refuse_suffix(output: str | Path, suffix: str) -> None:
    """A file named for another format is refused: its bytes would not be what its name says."""
    found = Path(output).suffix.lower()
    if found == suffix:
        return
    if suffix == ".docx" and found == ".pdf":
        message = _("is named .pdf, and a document is a .docx: for its PDF, use render_pdf_to")
    elif suffix == ".pdf" and found == ".docx":
        message = _(
            "is named .docx, and render_pdf_to writes a PDF: for the document, use render_to"
        )
    else:
        message = _("must be named {suffix} (what is written there is a {suffix} file)").format(
            suffix=suffix
        )
    raise OutputError(message, file=output)


def read_template(path: str | Path) -> bytes:
    """The bytes of a template file, read as untrusted input (regular file, bounded size)."""
    from ._word.safety import ArchiveLimits

    try:
        return read_input(path, limit=ArchiveLimits().max_file_bytes, what="template")
    except InputFileError as exc:
        raise TemplateError(str(exc), file=path) from exc


def issue_warnings(findings: tuple[Finding, ...] | list[Finding], *, stacklevel: int) -> None:
    """Issue each finding as a `PlanWarning` (for callers who watch Python warnings);
    *stacklevel* counts from the function calling this one, as `warnings.warn` would."""
    for finding in findings:
        warnings.warn(PlanWarning(finding), stacklevel=stacklevel + 1)


def render_plan(
    plan: Plan,
    output: str | Path | None = None,
    *,
    template: str | Path | None = None,
    profile: Profile | str | Path | None = None,
    force: bool = False,
    parents: bool = False,
    check: bool = False,
    limits: Limits | None = None,
) -> bytes:
    """Render *plan* to .docx bytes; with *output*, also write them there (atomically).

    What the plan checks find is issued as `PlanWarning`s (use `check_plan`, or
    `Renderer.render_result`, for the findings as values); a check that finds an error raises
    PlanInputError. An existing *output* is kept unless *force* is true; a missing output
    folder is an error unless *parents* is true. With *check*, the rendered document is
    audited as `planforge check` does, and what it finds is issued as `PlanWarning`s too.
    """
    with Renderer(template=template, profile=profile, check=check, limits=limits) as renderer:
        if output is None:
            return renderer._render(plan, stacklevel=3)
        result = renderer.render_to(plan, output, force=force, parents=parents)
    issue_warnings(result.all_findings(), stacklevel=2)
    return result.document
