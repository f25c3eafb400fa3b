"""Text hygiene for Vietnamese input: NFC, trimmed, XML-safe, and not in a legacy encoding."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "clean_text",
    "forbidden_xml_chars",
    "legacy_encoding",
    "remove_forbidden_xml_chars",
    "tone_normal",
]

# XML 1.0 Char production: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Letters only Unicode Vietnamese has (not â ê ô: VNI uses those as marks): their presence
# rules out a legacy encoding.
_VIETNAMESE = re.compile("[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")
# TCVN3 (ABC, the .VnTime fonts) puts Vietnamese letters on Latin-1 code points that Vietnamese
# text never uses: á=¸ à=µ ả=¶ ã=· ạ=¹ ă=¨ â=© ê=ª ô=« ơ=¬ đ=® Đ=§, and lower-case letters on
# capitals (ệ=Ö ĩ=Ü ậ=Ë ế=Õ), which then stand inside a word: ViÖt, nghÜa, KÕ.
_TCVN3 = re.compile(r"[¸µ¶·¹¨©ª«¬®§]|[a-z][\xc0-\xde]|\b[A-Z][\xc0-\xde](?![A-Z\xc0-\xde])")
# VNI (the VNI-Times fonts) writes a base letter followed by a Latin-1 mark: ộ=oä ò=oø ã=aõ
# ủ=uû ĩ=ió ư=ö ạ=aï ê=eâ ế=eá đ=ñ (Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam): sequences
# Unicode Vietnamese never has.
_VNI = re.compile(
    r"[aeiouyôAEIOUYÔ][øûïäöüåæëØÛÏÄÖÜ]|[aeiouyAEIOUY][ùõ]|[aeoAEO][âÂ]|[aeAE][áàã]"
    r"|[ñÑ][aeiouyAEIOUY]"
)


def forbidden_xml_chars(text: str) -> list[str]:
    """The distinct characters of *text* that XML 1.0 cannot hold, as U+XXXX codes."""
    return sorted({f"U+{ord(c):04X}" for c in _XML_FORBIDDEN.findall(text)})


def remove_forbidden_xml_chars(text: str) -> str:
    """*text* without the characters XML 1.0 cannot hold."""
    return _XML_FORBIDDEN.sub("", text)


def legacy_encoding(text: str) -> str | None:
    """The legacy Vietnamese encoding *text* looks typed in (`TCVN3`, `VNI`), or None."""
    if _VIETNAMESE.search(text):
        return None
    tcvn3 = len(_TCVN3.findall(text))
    vni = len(_VNI.findall(text))
    if tcvn3 >= 2 and tcvn3 >= vni:
        return "TCVN3"
    if vni >= 3:  # a foreign word or two (naïve, coöperation) is not an encoding
        return "VNI"
    return None


_LEGACY_HELP = {
    "TCVN3": "the TCVN3 (ABC) encoding of the .VnTime fonts",
    "VNI": "the VNI encoding of the VNI-Times fonts",
}


def clean_text(text: str) -> str:
    """NFC, trimmed; ValueError on characters XML cannot hold or on legacy-encoded text."""
    bad = forbidden_xml_chars(text)
    if bad:
        raise ValueError(
            f"contains characters a Word document cannot hold ({', '.join(bad)}); "
            "remove them (they usually come from copying out of another program), or pass "
            "--remove-invalid-chars"
        )
    text = unicodedata.normalize("NFC", text).strip()
    encoding = legacy_encoding(text)
    if encoding is not None:
        raise ValueError(
            f"looks like text typed in {_LEGACY_HELP[encoding]}, not Unicode "
            f"({text[:40]!r}); convert it to Unicode (for example with UniKey's converter, "
            f"{encoding} → Unicode) and paste it again"
        )
    return text


# tone marks (dấu thanh) move within a syllable between spellings: ỦY and UỶ, HÒA and HOÀ
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def tone_normal(text: str) -> str:
    """Upper case, single spaces, each syllable's tone mark moved to its end: `Thanh Hoá` and
    `THANH HÓA` compare equal; `QUẬN` and `QUÂN`, `SỐ` and `SỞ` do not."""
    words = []
    for word in unicodedata.normalize("NFD", text.upper()).split():
        tones = "".join(c for c in word if c in _TONES)
        words.append("".join(c for c in word if c not in _TONES) + tones)
    return unicodedata.normalize("NFC", " ".join(words))
