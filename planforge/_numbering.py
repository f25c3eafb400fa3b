"""Numbering labels computed from the structure (Word lists cannot count a b c d đ e g ...)."""

from __future__ import annotations

from ._i18n import _
from ._models import ListStyle
from ._profiles import Numbering

__all__ = ["label", "roman"]

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def roman(n: int) -> str:
    """1 -> I, 4 -> IV, 2026 -> MMXXVI."""
    if n < 1:
        raise ValueError(_("Roman numerals start at 1"))
    out = []
    for value, digits in _ROMAN:
        count, n = divmod(n, value)
        out.append(digits * count)
    return "".join(out)


def letter(n: int, letters: list[str]) -> str:
    """1 -> a, 6 -> e (after đ), past the last letter: aa, ab, ... (bijective base)."""
    if n < 1:
        raise ValueError(_("letters start at 1"))
    base = len(letters)
    out = []
    while n:
        n, rem = divmod(n - 1, base)
        out.append(letters[rem])
    return "".join(reversed(out))


def label(style: ListStyle, n: int, parent_number: str, rule: Numbering) -> tuple[str, str]:
    """The label of the n-th item (1-based) and the number its nested children build on.

    `parent_number` is the dotted number of the nearest numbered ancestor (`1.`, `1.2.`),
    or '' at the top.
    """
    fmt = rule.formats[style]
    if style is ListStyle.NESTED:
        number = f"{parent_number}{n}."
        return fmt.format(parent=parent_number, n=n), number
    text = fmt.format(n=n, roman=roman(n), letter=letter(n, rule.letters), parent=parent_number)
    if style is ListStyle.DECIMAL:
        return text, f"{n}."
    return text, parent_number
