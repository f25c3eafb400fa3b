"""`audit_docx`: check any Word document against a profile (the engine lives in _word.audit)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import UnreadableDocumentError
from ._files import read_word_file
from ._findings import Finding
from ._i18n import _

if TYPE_CHECKING:
    from ._profiles import Profile
    from ._word.isolation import Limits

__all__ = ["audit_docx", "audit_report"]


def audit_docx(
    document: bytes | str | Path,
    *,
    profile: Profile | str | Path | None = None,
    limits: Limits | None = None,
) -> list[Finding]:
    """Every finding for a .docx (its bytes or its path) under *profile*.

    Without a profile, the document's own header picks one: its motto tells the kind of
    document (state, Party) and its date which rules were in force (a draft: today's).
    Raises UnreadableDocumentError (a TemplateError, exit status 2) for a file that is missing
    or not a readable Word document. The
    document is read in a child process under *limits* (default: `Limits()`).
    """
    return audit_report(document, profile=profile, limits=limits)[1]


def audit_report(
    document: bytes | str | Path,
    *,
    profile: Profile | str | Path | None = None,
    limits: Limits | None = None,
) -> tuple[Profile, list[Finding]]:
    """The profile a document is judged by, and every finding under it."""
    from ._profiles import resolve_profile
    from ._word.audit import audit_with_profile
    from ._word.isolation import Limits, run_limited

    data, name = read_word_file(document, error=UnreadableDocumentError)
    chosen = resolve_profile(profile)
    # a document from anyone is read in a child process, under the same limits as a template
    return run_limited(
        lambda: audit_with_profile(data, profile=chosen, name=name),
        limits=limits or Limits(),
        name=name,
        what=_("checking the document"),
    )
