"""Renderer and render_plan: a Plan in, a .docx out — profile, checks, context, Word, file."""

from __future__ import annotations

import warnings
from pathlib import Path

from ._context import build_context
from ._errors import PlanWarning, TemplateError
from ._models import Plan
from ._output import write_atomic
from ._profiles import Profile, load_profile, resolve_profile
from ._rules import plan_warnings

__all__ = ["Renderer", "render_plan"]


class Renderer:
    """Renders plans with one template and profile, prepared once; for systems that render on
    demand. The template is read, checked and compiled when the renderer is made; each render
    only fills it. Safe to share between threads.

    *profile* fixes the rules for every plan; without it each plan gets its own (its `profile`
    field, else its first issuer's kind). With *check*, each rendered document is audited as
    `planforge check` does, and what it finds is issued as `PlanWarning`s.
    """

    def __init__(
        self,
        *,
        template: str | Path | bytes | None = None,
        profile: Profile | str | Path | None = None,
        check: bool = False,
    ) -> None:
        from ._word.engine import compile_template
        from ._word.safety import check_docx_archive

        self.profile = (
            profile if isinstance(profile, Profile) or profile is None else load_profile(profile)
        )
        self.check = check
        self.template: bytes | None = None
        self.template_name = ""
        if template is not None:
            if isinstance(template, bytes):
                self.template, self.template_name = template, "template"
            else:
                path = Path(template)
                try:
                    self.template = path.read_bytes()
                except OSError as exc:
                    raise TemplateError(
                        f"cannot read the template ({exc.strerror})", file=path
                    ) from exc
                self.template_name = str(path)
            check_docx_archive(self.template, name=self.template_name)
            compile_template(self.template, name=self.template_name)

    def profile_for(self, plan: Plan) -> Profile:
        """The rules *plan* is rendered under."""
        return resolve_profile(self.profile, plan.profile, plan.issuers[0].kind)

    def render(self, plan: Plan) -> bytes:
        """The .docx of *plan*; rule deviations are issued as `PlanWarning`s."""
        return self._render(plan, stacklevel=3)

    def render_to(
        self, plan: Plan, output: str | Path, *, force: bool = False, parents: bool = False
    ) -> Path:
        """Render *plan* into the file *output*, atomically; an existing file is kept unless
        *force*, a missing folder is an error unless *parents*."""
        self._write(plan, output, force=force, parents=parents, stacklevel=3)
        return Path(output)

    def _write(
        self, plan: Plan, output: str | Path, *, force: bool, parents: bool, stacklevel: int
    ) -> bytes:
        if Path(output).exists() and not force:
            write_atomic(output, b"", force=False)  # raises: fail before the work, not after
        data = self._render(plan, stacklevel=stacklevel + 1)
        write_atomic(output, data, force=force, parents=parents)
        return data

    def _render(self, plan: Plan, *, stacklevel: int) -> bytes:
        # stacklevel: warnings point at the caller of the public function
        from ._word.render import render_docx

        chosen = self.profile_for(plan)
        for warning in plan_warnings(plan, chosen):
            warnings.warn(warning, stacklevel=stacklevel)
        data = render_docx(
            build_context(plan, chosen),
            chosen,
            template=self.template,
            template_name=self.template_name,
        )
        if self.check:
            from ._word.audit import audit_document

            for finding in audit_document(
                data, profile=chosen, trusted=True, name=self.template_name or "rendered plan"
            ):
                warnings.warn(
                    PlanWarning(
                        f"{finding.severity} in the rendered document: {finding.message}",
                        field=finding.where,
                        rule=finding.source,
                    ),
                    stacklevel=stacklevel,
                )
        return data


def render_plan(
    plan: Plan,
    output: str | Path | None = None,
    *,
    template: str | Path | None = None,
    profile: Profile | str | Path | None = None,
    force: bool = False,
    parents: bool = False,
    check: bool = False,
) -> bytes:
    """Render *plan* to .docx bytes; with *output*, also write them there (atomically).

    Deviations the user may intend are issued as `PlanWarning`s. An existing *output* is kept
    unless *force* is true; a missing output folder is an error unless *parents* is true.
    With *check*, the rendered document is audited as `planforge check` does, and what it
    finds is issued as `PlanWarning`s too.
    """
    renderer = Renderer(template=template, profile=profile, check=check)
    if output is None:
        return renderer._render(plan, stacklevel=3)
    return renderer._write(plan, output, force=force, parents=parents, stacklevel=3)
