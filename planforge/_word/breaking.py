"""Break a name that does not fit its column, as offices break them: by measured widths."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .._text import tone_normal

__all__ = ["BreakRules", "break_line"]

#: Most lines one name is broken into (beyond that, the column is the problem).
_MOST_LINES = 6
#: Most pieces tried exhaustively; longer names are broken greedily.
_MOST_UNITS = 24


@dataclass(frozen=True)
class BreakRules:
    """Where a name may and may best be broken (from the profile's `layout`)."""

    keep_with_name: Sequence[str] = ()  # TỈNH, THÀNH PHỐ, XÃ: the place name after them stays
    keep_together: Sequence[str] = ()  # BAN THƯỜNG VỤ, ỦY BAN NHÂN DÂN: never parted
    break_before: Sequence[str] = ()  # VÀ, ỦY BAN: a line may best start with them
    glue_first: bool = False  # an authority prefix (TM., K/T) stays with the word after it


def _words_match(words: list[str], at: int, phrase: list[str]) -> bool:
    return [tone_normal(w) for w in words[at : at + len(phrase)]] == phrase


def _units(words: list[str], rules: BreakRules) -> list[str]:
    """The words joined into pieces no break may split."""
    keeps = [tone_normal(k).split() for k in rules.keep_with_name]
    together = [tone_normal(k).split() for k in rules.keep_together]
    befores = {tone_normal(b).split()[0] for b in rules.break_before}
    units: list[str] = []
    n = 0
    while n < len(words):
        phrase = next((k for k in keeps if _words_match(words, n, k)), None)
        if phrase is not None:
            # the keep word and the place name after it, up to a comma, a VÀ or the end
            end = n + len(phrase)
            while end < len(words) and tone_normal(words[end]) not in befores:
                end += 1
                if words[end - 1].endswith((",", ";")):
                    break
            units.append(" ".join(words[n:end]))
            n = end
            continue
        phrase = next((k for k in together if _words_match(words, n, k)), None)
        size = len(phrase) if phrase is not None else 1
        units.append(" ".join(words[n : n + size]))
        n += size
    if rules.glue_first and len(units) > 1:
        units[:2] = [f"{units[0]} {units[1]}"]
    # a lone separator (the ` -` of a joint header) stays with the word before it
    glued: list[str] = []
    for unit in units:
        if glued and unit in ("-", "–", "—", ","):
            glued[-1] = f"{glued[-1]} {unit}"
        else:
            glued.append(unit)
    return glued


def _cost(lines: list[str], widths: list[float], width: float, rules: BreakRules) -> float:
    starts = [tone_normal(b).split() for b in (*rules.break_before, *rules.keep_with_name)]
    lone = sum(1 for line in lines if len(line.split()) == 1)
    unpreferred = 0
    for line, following in itertools.pairwise(lines):
        after_comma = line.endswith((",", ";"))
        words = following.split()
        if not (after_comma or any(_words_match(words, 0, s) for s in starts)):
            unpreferred += 1
    imbalance = (max(widths) - min(widths)) / width
    # a word alone on a line only when nothing else fits; a break where offices do not break
    # (not after a comma, not before VÀ or a place) costs more than one more line; then
    # lines as even as they can be
    return lone * 100 + len(lines) + unpreferred * 1.5 + imbalance


def break_line(
    text: str, width: float, measure: Callable[[str], float], rules: BreakRules
) -> list[str]:
    """*text* as lines no wider than *width* (measured by *measure*), broken at spaces.

    Fewest lines first; among those, no word left alone on a line when another break fits,
    breaks after a comma or before `VÀ` where they fit, and lines as even as they can be.
    A piece wider than the column on its own is given its own line.
    """
    if measure(text) <= width:
        return [text]
    units = _units(text.split(), rules)
    if any(measure(unit) > width for unit in units):
        # a place kept with its TỈNH or THÀNH PHỐ is wider than the column: the place may go
        # on the next line, its phrases (THÀNH PHỐ, HỒ CHÍ MINH) still whole
        units = _units(
            text.split(),
            BreakRules(
                keep_together=rules.keep_together,
                break_before=rules.break_before,
                glue_first=rules.glue_first,
            ),
        )
    if any(measure(unit) > width for unit in units):
        # a kept phrase is wider than the column on its own: its words may part after all
        units = _units(text.split(), BreakRules(glue_first=rules.glue_first))
    if len(units) > _MOST_UNITS:
        return _greedy(units, width, measure)
    best: tuple[float, list[str]] | None = None
    fewest = None
    for count in range(2, min(len(units), _MOST_LINES) + 1):
        if fewest is not None and count > fewest + 1:
            break  # one line more than the fewest is as far as a better break may go
        for cuts in itertools.combinations(range(1, len(units)), count - 1):
            bounds = (0, *cuts, len(units))
            lines = [" ".join(units[a:b]) for a, b in itertools.pairwise(bounds)]
            widths = [measure(line) for line in lines]
            if max(widths) > width:
                continue
            fewest = count if fewest is None else fewest
            cost = _cost(lines, widths, width, rules)
            if best is None or cost < best[0]:
                best = (cost, lines)
    return best[1] if best is not None else _greedy(units, width, measure)


def _greedy(units: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    for unit in units:
        if lines and measure(f"{lines[-1]} {unit}") <= width:
            lines[-1] = f"{lines[-1]} {unit}"
        else:
            lines.append(unit)
    return lines
