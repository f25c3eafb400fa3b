"""The exception hierarchy: one root, subclasses carrying where the problem is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._findings import Finding
from ._i18n import _

#: How a message names an option of the API (`pass force=True`): the command line shows the
#: flag instead (`pass --force`).
_OPTION = re.compile(r"\b([a-z][a-z_]*)=True\b")


class PlanforgeError(Exception):
    """Root of every error planforge raises on purpose.

    Messages speak the API's language: a way out is named as its keyword (`pass force=True`);
    `for_command_line()` gives the same message with the command line's flags (`--force`).
    """

    #: CLI exit status: 2 for bad input or usage, 1 for a failure while doing the work.
    exit_code: int = 1

    @property
    def options(self) -> tuple[str, ...]:
        """The keyword options the message suggests (`("force",)`)."""
        return tuple(_OPTION.findall(str(self)))

    def for_command_line(self) -> str:
        """The message with each suggested option as its flag: `pass --force`."""
        return with_flags(str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # subclasses take keyword context in __init__: pickle the finished message and state
        return (_restore, (type(self), str(self), self.__dict__))


def with_flags(message: str) -> str:
    """*message* with each keyword option it suggests (`force=True`) as its flag (`--force`)."""
    return _OPTION.sub(lambda m: "--" + m.group(1).replace("_", "-"), message)


def _restore(cls: type[PlanforgeError], text: str, state: dict[str, Any]) -> PlanforgeError:
    error = cls.__new__(cls)
    Exception.__init__(error, text)
    error.__dict__.update(state)
    return error


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    field: str = ""
    line: int | None = None
    column: int | None = None

    def describe(self) -> str:
        where = []
        if self.field:
            where.append(self.field)
        if self.line is not None:
            where.append(
                _("line {line}, column {column}").format(line=self.line, column=self.column)
                if self.column
                else _("line {line}").format(line=self.line)
            )
        return f"{' · '.join(where)}: {self.message}" if where else self.message


class PlanInputError(PlanforgeError):
    """A plan file (or plan data) cannot be read or is not a valid plan."""

    exit_code = 2

    def __init__(self, problems: Sequence[Problem], *, file: Path | str | None = None) -> None:
        self.problems = list(problems)
        self.file = Path(file) if file is not None else None
        head = f"{self.file}: " if self.file else ""
        if len(self.problems) == 1:
            text = head + self.problems[0].describe()
        else:
            lines = [head + _("{count} problems:").format(count=len(self.problems))]
            lines += [f"  - {p.describe()}" for p in self.problems]
            text = "\n".join(lines)
        super().__init__(text)

    @property
    def field(self) -> str:
        """The field path of the first problem ('' when the whole file is at fault)."""
        return self.problems[0].field if self.problems else ""

    @property
    def line(self) -> int | None:
        return self.problems[0].line if self.problems else None


class ProfileError(PlanforgeError):
    """A profile name is unknown or a profile file is invalid."""

    exit_code = 2

    def __init__(self, message: str, *, file: Path | str | None = None, field: str = "") -> None:
        self.file = Path(file) if file is not None else None
        self.field = field
        where = ": ".join(x for x in (str(self.file) if self.file else "", field) if x)
        super().__init__(f"{where}: {message}" if where else message)


class TemplateError(PlanforgeError):
    """A Word template is unreadable, unsafe, or fails to render."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        part: str = "",
        line: int | None = None,
        context: str = "",
    ) -> None:
        self.message = message
        self.file = Path(file) if file is not None else None
        self.part = part
        self.line = line
        self.context = context
        where = [str(self.file) if self.file else _("template")]
        if part:
            where.append(part)
        if line is not None:
            where.append(_("line {line}").format(line=line))
        text = f"{', '.join(where)}: {message}"
        if context:
            text += "\n  " + _("near: {context}").format(context=context)
        super().__init__(text)


class UnreadableDocumentError(TemplateError):
    """A document to check (`planforge check`) is not a Word document planforge can read."""


class DocumentError(PlanforgeError):
    """A Word document does not read as a plan (`planforge import`, `reformat`, `check --fix`).

    Carries where planforge looked (`where`: a place in the document, or the field of the plan
    read from it) and what would make it readable (`hint`).
    """

    exit_code = 2

    def __init__(
        self, message: str, *, file: Path | str | None = None, where: str = "", hint: str = ""
    ) -> None:
        self.message = message
        self.file = Path(file) if file is not None else None
        self.where = where
        self.hint = hint
        head = ": ".join(x for x in (str(self.file) if self.file else "", where) if x)
        text = f"{head}: {message}" if head else message
        super().__init__(text + ("\n  " + _("hint: {hint}").format(hint=hint) if hint else ""))


class OutputError(PlanforgeError):
    """The output file cannot be written (exists already, folder missing, not writable)."""

    exit_code = 2

    def __init__(self, message: str, *, file: Path | str) -> None:
        self.file = Path(file)
        super().__init__(f"{self.file}: {message}")


class RenderError(PlanforgeError):
    """Rendering failed for a reason that is not the input's fault."""

    exit_code = 1


class ToolMissingError(RenderError):
    """A program planforge needs for PDF or previews (LibreOffice, pdftoppm) is not installed."""


class PlanWarning(UserWarning):
    """A finding issued as a Python warning: a deviation the user may intend, never refused.

    Every API that issues these also returns the findings as values (`check_plan`,
    `Renderer.render_result`, `RenderReport.findings`).
    """

    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        self.message = finding.message
        self.field = finding.where
        self.rule = finding.rule  # what is checked, as Finding.rule: `signature`, `date`, ...
        self.source = finding.source  # the rule text it comes from
        text = f"{finding.where}: {finding.message}" if finding.where else finding.message
        super().__init__(f"{text} [{finding.source}]" if finding.source else text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PlanWarning, (self.finding,))
