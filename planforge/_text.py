"""Text hygiene for Vietnamese input: NFC, trimmed, XML-safe, and not in a legacy encoding."""

from __future__ import annotations

import functools
import re
import unicodedata

from ._i18n import N_, _

__all__ = [
    "MOJIBAKE",
    "clean_text",
    "forbidden_input_chars",
    "forbidden_xml_chars",
    "legacy_encoding",
    "mojibake_message",
    "mojibake_repair",
    "name_encoding",
    "remove_forbidden_input_chars",
    "remove_forbidden_xml_chars",
    "tone_normal",
]

# XML 1.0 Char production: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# ... and what the YAML reader refuses besides: DEL and the C1 controls (U+0085, a line break
# to YAML, is read)
_INPUT_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)

# Letters only Unicode Vietnamese has (not â ê ô: VNI uses those as marks): their presence
# rules out a legacy encoding.
_VIETNAMESE = re.compile("[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")
# Every letter of Vietnamese that is not ASCII.
_VIETNAMESE_LETTER = re.compile("[àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9]")
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


def forbidden_input_chars(text: str) -> list[str]:
    """The distinct characters of *text* that a plan file cannot hold (those XML 1.0 cannot,
    and DEL and the C1 controls, which the YAML reader refuses), as U+XXXX codes."""
    return sorted({f"U+{ord(c):04X}" for c in _INPUT_FORBIDDEN.findall(text)})


def remove_forbidden_input_chars(text: str) -> str:
    """*text* without the characters `forbidden_input_chars` names."""
    return _INPUT_FORBIDDEN.sub("", text)


def _cp1252_bytes(text: str) -> bytes | None:
    """The bytes *text* was read from, if it was read as Windows-1252 (or Latin-1)."""
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        pass
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            # the bytes Windows-1252 leaves undefined (0x81 ...) come through as U+0081 ...,
            # and Latin-1 reads every byte 0x80-0x9F as such a C1 control
            if not 0x80 <= ord(char) <= 0x9F:
                return None
            out.append(ord(char))
    return bytes(out)


def mojibake_repair(text: str) -> str | None:
    """*text* repaired, if it is UTF-8 Vietnamese that was read as Windows-1252 and saved
    again (`Sá»Ÿ Y Táº¿` for `Sở Y Tế`); None if it is not."""
    if text.isascii():
        return None
    raw = _cp1252_bytes(text)
    if raw is None:
        return None
    try:
        repaired = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = {c for c in repaired if not c.isascii()}
    if repaired == text or not letters or not all(_VIETNAMESE_LETTER.match(c) for c in letters):
        return None
    return unicodedata.normalize("NFC", repaired)


def _utf16_without_bom(raw: bytes) -> str | None:
    """`UTF-16LE` or `UTF-16BE` when every other byte of *raw* is NUL (the ASCII of a plan
    file saved as UTF-16 without a byte order mark)."""
    head = raw[:4096]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.3 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "UTF-16LE"
    if even.count(0) >= 0.3 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "UTF-16BE"
    return None


def name_encoding(raw: bytes) -> str | None:
    """What *raw* (bytes that are not UTF-8) is most likely saved in: `UTF-16LE`,
    `UTF-16BE`, `VNI`, `Windows-1258` (Vietnamese code page), `TCVN3` or `Windows-1252`
    (Western code page), or None when it looks like none of them (a binary file)."""
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        return utf16
    if raw.count(0) > 0:
        return None
    western = raw.decode("cp1252", "replace")
    legacy = legacy_encoding(western)
    if legacy == "VNI":
        return legacy
    vietnamese = unicodedata.normalize("NFC", raw.decode("cp1258", "replace"))
    if (
        _VIETNAMESE.search(vietnamese)
        # the tone marks Windows-1258 writes after a letter all combine with it ...
        and not any(unicodedata.combining(c) for c in vietnamese)
        # ... and TCVN3's most frequent letters (á à ả ã ạ) are not among them
        and not re.search("[¸µ¶·¹]", vietnamese)
    ):
        return "Windows-1258"
    return "TCVN3" if legacy == "TCVN3" else "Windows-1252"


#: What `legacy_encoding` calls UTF-8 text that was read as Windows-1252 and saved again.
MOJIBAKE = "UTF-8 read as Windows-1252"


def legacy_encoding(text: str) -> str | None:
    """The wrong encoding *text* looks typed in: a legacy Vietnamese one (`TCVN3`, `VNI`), or
    UTF-8 read as Windows-1252 and saved again (`MOJIBAKE`: `Sá»Ÿ Y Táº¿` for `Sở Y Tế`, which
    `mojibake_repair` repairs); None for Unicode text."""
    if _VIETNAMESE.search(text):
        return None
    if mojibake_repair(text) is not None:
        return MOJIBAKE
    tcvn3 = len(_TCVN3.findall(text))
    vni = len(_VNI.findall(text))
    if tcvn3 >= 2 and tcvn3 >= vni:
        return "TCVN3"
    if vni >= 3:  # a foreign word or two (naïve, coöperation) is not an encoding
        return "VNI"
    return None


_LEGACY_HELP = {
    "TCVN3": N_("the TCVN3 (ABC) encoding of the .VnTime fonts"),
    "VNI": N_("the VNI encoding of the VNI-Times fonts"),
}


def clean_text(text: str) -> str:
    """NFC, trimmed; ValueError on characters XML cannot hold or on legacy-encoded text."""
    bad = forbidden_xml_chars(text)
    if bad:
        raise ValueError(
            _(
                "contains characters a Word document cannot hold ({characters}); "
                "remove them (they usually come from copying out of another program), or pass "
                "--remove-invalid-chars"
            ).format(characters=", ".join(bad))
        )
    text = unicodedata.normalize("NFC", text).strip()
    repaired = mojibake_repair(text)
    if repaired is not None:
        raise ValueError(mojibake_message(text, repaired))
    encoding = legacy_encoding(text)
    if encoding in _LEGACY_HELP:
        raise ValueError(
            _(
                "looks like text typed in {encoding_name}, not Unicode ({text}); convert it to "
                "Unicode (for example with UniKey's converter, {encoding} → Unicode) and paste "
                "it again"
            ).format(
                encoding_name=_(_LEGACY_HELP[encoding]), text=repr(text[:40]), encoding=encoding
            )
        )
    return text


def _shortened(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 4] + " ..."


def mojibake_message(text: str, repaired: str) -> str:
    """What to say of UTF-8 text that was read as Windows-1252 and saved again."""
    return _(
        "`{text}` is Vietnamese text that was opened in the wrong encoding "
        "(UTF-8 read as Windows-1252) and saved again; it should read "
        "`{repaired}`: replace it with that text (or open the original file and "
        "save it as UTF-8)"
    ).format(text=_shortened(text), repaired=_shortened(repaired))


# tone marks (dấu thanh) move within a syllable between spellings: ỦY and UỶ, HÒA and HOÀ
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


@functools.lru_cache(maxsize=16384)  # the same words and names come again and again
def tone_normal(text: str) -> str:
    """Upper case, single spaces, each syllable's tone mark moved to its end: `Thanh Hoá` and
    `THANH HÓA` compare equal; `QUẬN` and `QUÂN`, `SỐ` and `SỞ` do not."""
    words = []
    for word in unicodedata.normalize("NFD", text.upper()).split():
        tones = "".join(c for c in word if c in _TONES)
        words.append("".join(c for c in word if c not in _TONES) + tones)
    return unicodedata.normalize("NFC", " ".join(words))
