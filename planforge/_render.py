"""render_plan: a Plan in, a .docx out — profile, checks, context, Word, and the output file."""

from __future__ import annotations

import warnings
from pathlib import Path

from ._context import build_context
from ._errors import PlanWarning, TemplateError
from ._models import Plan
from ._output import write_atomic
from ._profiles import Profile, resolve_profile
from ._rules import plan_warnings

__all__ = ["render_plan"]


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
    from ._word.render import render_docx  # python-docx/docxtpl load only when rendering

    chosen = resolve_profile(profile, plan.profile, plan.issuers[0].kind)
    for warning in plan_warnings(plan, chosen):
        warnings.warn(warning, stacklevel=2)
    source: bytes | None = None
    name = ""
    if template is not None:
        path = Path(template)
        try:
            source = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read the template ({exc.strerror})", file=path) from exc
        name = str(path)
    if output is not None and Path(output).exists() and not force:
        # fail before the work, not after it
        write_atomic(output, b"", force=False)
    data = render_docx(build_context(plan, chosen), chosen, template=source, template_name=name)
    if check:
        from ._word.audit import audit_document

        for finding in audit_document(data, profile=chosen, name=name or "rendered plan"):
            warnings.warn(
                PlanWarning(
                    f"{finding.severity} in the rendered document: {finding.message}",
                    field=finding.where,
                    rule=finding.source,
                ),
                stacklevel=2,
            )
    if output is not None:
        write_atomic(output, data, force=force, parents=parents)
    return data
