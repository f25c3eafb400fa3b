"""`audit_docx`: check any Word document against a profile (the engine lives in _word.audit)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import TemplateError
from ._findings import Finding

if TYPE_CHECKING:
    from ._profiles import Profile

__all__ = ["audit_docx", "audit_report"]


def audit_docx(
    document: bytes | str | Path, *, profile: Profile | str | Path | None = None
) -> list[Finding]:
    """Every finding for a .docx (its bytes or its path) under *profile*.

    Without a profile, the document's own header picks one: its motto tells the kind of
    document (state, Party) and its date which rules were in force (a draft: today's).
    Raises TemplateError (exit status 2) for a file that is not a readable Word document.
    """
    return audit_report(document, profile=profile)[1]


def audit_report(
    document: bytes | str | Path, *, profile: Profile | str | Path | None = None
) -> tuple[Profile, list[Finding]]:
    """The profile a document is judged by, and every finding under it."""
    from ._profiles import Profile, load_profile
    from ._word.audit import audit_with_profile

    name = "document"
    if not isinstance(document, bytes):
        name = str(document)
        try:
            document = Path(document).read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read ({exc.strerror})", file=name) from exc
    chosen = profile if isinstance(profile, Profile) or profile is None else load_profile(profile)
    return audit_with_profile(document, profile=chosen, name=name)
