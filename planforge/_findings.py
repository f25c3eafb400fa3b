"""Findings: what a plan check, an audit or a template check has to say, as plain values."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from ._i18n import N_, _

__all__ = ["Finding", "Severity"]

Severity = Literal["error", "warning"]

#: The word printed for each severity (the field keeps the English value, as data).
_SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning")}


@dataclass(frozen=True)
class Finding:
    """One thing found wrong (an error) or worth a look (a warning), located.

    The same type for every checker: plan checks (`check_plan`), the audit of a document
    (`audit_docx`, `planforge check`) and template checks (`planforge template check`).
    """

    rule: str  # what is checked: number, date, signature, recipients, margins, template, ...
    severity: Severity
    message: str
    source: str = ""  # the rule text it comes from, e.g. "ND30 Phụ lục I, mục II.4"
    where: str = ""  # a field path, a place in a document ("paragraph 12"), a template part
    context: str = ""  # the text around it, when that helps

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def describe(self) -> str:
        """`error: [date] paragraph 7: ... (ND30 Phụ lục I, mục II.4)`"""
        where = f" {self.where}:" if self.where else ""
        source = f" ({self.source})" if self.source else ""
        severity = _(_SEVERITY_WORDS.get(self.severity, self.severity))
        text = f"{severity}: [{self.rule}]{where} {self.message}{source}"
        return text + (
            "\n  " + _("in: {context}").format(context=self.context) if self.context else ""
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
