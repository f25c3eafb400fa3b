"""Regenerate planforge/_word/font_metrics.json from Liberation Serif (metric-compatible with
Times New Roman): advance widths in 1/1000 em of every character planforge is likely to set.

usage: python scripts/make_font_metrics.py [FONT_DIR]   (needs fonttools and fonts-liberation2)
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

CHARS = [chr(c) for c in range(0x20, 0x7F)]
CHARS += [chr(c) for c in range(0xC0, 0x250)]
CHARS += [chr(c) for c in range(0x1EA0, 0x1F00)]
CHARS += list("–—‘’“”…•")


def widths(path: Path) -> dict[str, int]:
    font = TTFont(str(path))
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    upem = font["head"].unitsPerEm
    out = {}
    for ch in CHARS:
        glyph = cmap.get(ord(ch))
        if glyph is not None and unicodedata.category(ch)[0] != "C":
            out[ch] = round(hmtx[glyph][0] * 1000 / upem)
    return out


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/liberation2")
    data = {
        "font": "Liberation Serif (metrics of Times New Roman)",
        "regular": widths(folder / "LiberationSerif-Regular.ttf"),
        "bold": widths(folder / "LiberationSerif-Bold.ttf"),
    }
    target = Path(__file__).resolve().parent.parent / "planforge" / "_word" / "font_metrics.json"
    target.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(data['regular'])} characters)")


if __name__ == "__main__":
    main()
