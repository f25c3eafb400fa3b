"""Estimate how wide a line of Times New Roman text is, to size the rules drawn under it."""

from __future__ import annotations

import functools
import json
import unicodedata
from importlib import resources

__all__ = ["text_width_pt"]

_FALLBACK = 500  # 1/1000 em, for characters the table does not know


@functools.cache
def _metrics() -> dict[str, dict[str, int]]:
    raw = resources.files("planforge._word").joinpath("font_metrics.json").read_text("utf-8")
    data: dict[str, dict[str, int]] = json.loads(raw)
    return data


def _advance(ch: str, table: dict[str, int]) -> int:
    if ch in table:
        return table[ch]
    base = unicodedata.normalize("NFD", ch)[:1]
    return table.get(base, _FALLBACK)


def text_width_pt(text: str, size_pt: float, *, bold: bool) -> float:
    """Width in points of *text* set on one line at *size_pt*."""
    table = _metrics()["bold" if bold else "regular"]
    units = sum(_advance(ch, table) for ch in unicodedata.normalize("NFC", text))
    return units * size_pt / 1000
