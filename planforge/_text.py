"""Text hygiene for Vietnamese input: NFC, trimmed, only characters XML 1.0 can hold."""

from __future__ import annotations

import re
import unicodedata

# XML 1.0 Char production: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def forbidden_xml_chars(text: str) -> list[str]:
    """The distinct characters of *text* that XML 1.0 cannot hold, as U+XXXX codes."""
    return sorted({f"U+{ord(c):04X}" for c in _XML_FORBIDDEN.findall(text)})


def clean_text(text: str) -> str:
    """Normalise to NFC and trim the ends; raise ValueError on characters XML cannot hold."""
    bad = forbidden_xml_chars(text)
    if bad:
        raise ValueError(
            f"contains characters a Word document cannot hold ({', '.join(bad)}); "
            "remove them (they usually come from copying out of another program)"
        )
    return unicodedata.normalize("NFC", text).strip()
