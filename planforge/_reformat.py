"""`reformat_docx`: read a plan out of a Word document and print it again by its profile."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import DocumentError, OutputError
from ._files import read_word_file
from ._findings import Finding
from ._i18n import _
from ._import import import_with_reading
from ._output import refuse_existing, write_atomic
from ._profiles import Profile, load_profile, resolve_profile

if TYPE_CHECKING:
    from ._models import Plan
    from ._word.isolation import Limits

__all__ = ["ReformatResult", "reformat_docx"]


@dataclass(frozen=True)
class ReformatResult:
    """What `reformat_docx` made and found.

    `fixed` are the findings of the audit of the input that the output no longer has (what
    changed: margins, fonts, sizes, rules, the date, the number, prefixes, recipients);
    `remaining` the findings of the audit of the output and of the plan checks; `not_placed`
    the findings of the import (text it could not place, places it guessed).
    """

    document: bytes
    plan: Plan
    profile: Profile
    fixed: tuple[Finding, ...]
    remaining: tuple[Finding, ...]
    not_placed: tuple[Finding, ...]

    @property
    def changes(self) -> dict[str, int]:
        """How many fixes of each kind (rule): `{"margins": 2, "fonts": 14}`."""
        return dict(Counter(f.rule for f in self.fixed))

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.remaining)


def _key(finding: Finding) -> tuple[str, str, str]:
    return finding.rule, finding.where, finding.message


def reformat_docx(
    source: bytes | str | Path,
    output: str | Path | None = None,
    *,
    profile: Profile | str | Path | None = None,
    template: str | Path | None = None,
    force: bool = False,
    parents: bool = False,
    limits: Limits | None = None,
) -> ReformatResult:
    """Import the plan *source* holds and render it by *profile* (default: the rules its
    motto and date point to), with *template* if given; with *output*, write it there
    (atomically; an existing file is kept unless *force*).

    Raises DocumentError (exit status 2) for a file that is not a Word document or not a
    plan, PlanInputError when what it holds breaks a rule that stops a render (a Party
    signature `T/UQ`, ...), OutputError when *output* cannot be written.
    """
    from ._audit import audit_report
    from ._render import Renderer

    if output is not None and Path(output).suffix.lower() != ".docx":
        raise OutputError(
            _("a reformatted document is a Word document: name it {stem}.docx").format(
                stem=Path(output).stem
            ),
            file=output,
        )
    if output is not None:
        refuse_existing([Path(output)], force=force)  # before the work, not after
    # read once here, so that what is imported is what is audited
    data, name = read_word_file(source, error=DocumentError)
    given = resolve_profile(profile)
    plan, reading = import_with_reading(data, profile=given, limits=limits, name=name)
    chosen = given or load_profile(reading.profile)
    _report, before = audit_report(data, profile=chosen, limits=limits)
    with Renderer(template=template, profile=chosen, check=True, limits=limits) as renderer:
        result = renderer.render_result(plan)
    after = {_key(f) for f in result.audit}
    fixed = tuple(f for f in before if _key(f) not in after)
    if output is not None:
        write_atomic(output, result.document, force=force, parents=parents)
    return ReformatResult(
        result.document,
        plan,
        chosen,
        fixed,
        tuple(result.all_findings()),
        plan.import_findings,
    )
