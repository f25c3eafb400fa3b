"""`audit_docx`: check any Word document against a profile (the engine lives in _word.audit)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ._profiles import Profile

__all__ = ["AuditFinding", "audit_docx"]


@dataclass(frozen=True)
class AuditFinding:
    """A place where a document breaks a rule."""

    rule: str  # paper, margins, font, motto, issuer, number, date, title, signature, ...
    severity: Literal["error", "warning"]
    message: str
    source: str  # where the rule comes from, e.g. "ND30 Phụ lục I, mục II.4"
    where: str  # "paragraph 12", "table 1, row 2, cell 1: paragraph 7", "section 1"

    def describe(self) -> str:
        return f"{self.severity}: [{self.rule}] {self.where}: {self.message} ({self.source})"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def audit_docx(
    document: bytes | str | Path, *, profile: Profile | str | Path | None = None
) -> list[AuditFinding]:
    """Every finding for a .docx (its bytes or its path) under *profile*.

    Without a profile, the document's motto picks one (ĐẢNG CỘNG SẢN VIỆT NAM: hd36-2018).
    Raises TemplateError (exit status 2) for a file that is not a readable Word document.
    """
    from ._profiles import Profile, load_profile
    from ._word.audit import audit_document

    name = "document"
    if not isinstance(document, bytes):
        name = str(document)
        try:
            document = Path(document).read_bytes()
        except OSError as exc:
            from ._errors import TemplateError

            raise TemplateError(f"cannot read ({exc.strerror})", file=name) from exc
    chosen = profile if isinstance(profile, Profile) or profile is None else load_profile(profile)
    return audit_document(document, profile=chosen, name=name)
