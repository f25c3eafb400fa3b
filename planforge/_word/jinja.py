"""The Jinja environments templates render in: sandboxed, immutable, strict, size-guarded."""

from __future__ import annotations

import functools
import operator
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .._i18n import _

__all__ = ["MAX_VALUE_LENGTH", "properties_environment", "sandboxed_environment"]

#: Longest string or list a template expression may build (a whole plan is far shorter).
MAX_VALUE_LENGTH = 1_000_000
_MAX_EXPONENT = 64

_OPERATORS: dict[str, Any] = {
    "*": operator.mul,
    "**": operator.pow,
    "+": operator.add,
    "%": operator.mod,
}


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


class _GuardedSandbox(ImmutableSandboxedEnvironment):
    """A sandbox whose arithmetic cannot build huge strings or numbers."""

    intercepted_binops = frozenset(_OPERATORS)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > _MAX_EXPONENT:
            raise SecurityError(
                _("exponent {exponent} is too large for a template").format(exponent=right)
            )
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if _size(seq) and isinstance(count, int) and _size(seq) * count > MAX_VALUE_LENGTH:
                    raise SecurityError(_("a template may not build values this long"))
        if operator == "+" and _size(left) + _size(right) > MAX_VALUE_LENGTH:
            raise SecurityError(_("a template may not build values this long"))
        result = _OPERATORS[operator](left, right)
        if _size(result) > MAX_VALUE_LENGTH:
            raise SecurityError(_("a template may not build values this long"))
        return result


def _make(autoescape: bool) -> _GuardedSandbox:
    return _GuardedSandbox(
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


@functools.cache
def sandboxed_environment() -> ImmutableSandboxedEnvironment:
    """For XML parts: values are escaped into the XML, so `&` and `<` stay text."""
    return _make(autoescape=True)


@functools.cache
def properties_environment() -> ImmutableSandboxedEnvironment:
    """For document properties: python-docx escapes them on save, so no escaping here."""
    return _make(autoescape=False)
