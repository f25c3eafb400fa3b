"""Refuse unsafe Word files before python-docx opens them (it inflates every part up front)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .._errors import TemplateError

__all__ = ["ArchiveLimits", "check_docx_archive"]


@dataclass(frozen=True)
class ArchiveLimits:
    """What a template may hold; the defaults are far above any real template."""

    max_entries: int = 1000
    max_total_bytes: int = 64 * 1024 * 1024  # declared uncompressed size of all parts
    max_part_bytes: int = 32 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed / compressed, for parts over 1 MiB
    max_file_bytes: int = 32 * 1024 * 1024  # the .docx itself


_MACRO_CONTENT = re.compile(rb"macroEnabled|vbaProject|vbaData", re.IGNORECASE)
_EXTERNAL = re.compile(rb"""TargetMode\s*=\s*["']External["']""", re.IGNORECASE)
_ALT_CHUNK = re.compile(rb"<(?:\w+:)?altChunk\b|/aFChunk[\"']", re.IGNORECASE)
_EMBEDDED = re.compile(
    rb"<(?:\w+:)?(?:object|OLEObject|oleObject|control)\b|/(?:oleObject|package|control)[\"']",
)
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_SCANNED = (".xml", ".rels", ".vml")


def check_docx_archive(
    data: bytes, *, name: str = "template", limits: ArchiveLimits | None = None
) -> None:
    """Raise TemplateError if *data* is not a .docx we are willing to open."""
    lim = limits or ArchiveLimits()
    if len(data) > lim.max_file_bytes:
        raise TemplateError(
            f"the file is {len(data) // 1_048_576} MiB; a template may be at most "
            f"{lim.max_file_bytes // 1_048_576} MiB",
            file=name,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise TemplateError("is not a Word document (.docx is a zip archive)", file=name) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > lim.max_entries:
            raise TemplateError(
                f"holds {len(infos)} parts; a template may hold at most {lim.max_entries}",
                file=name,
            )
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > lim.max_part_bytes:
                raise TemplateError(
                    f"part {info.filename} would inflate to {info.file_size:,} bytes "
                    f"(limit {lim.max_part_bytes:,}); remove or shrink it",
                    file=name,
                )
            if info.file_size > 1_048_576 and info.file_size > lim.max_ratio * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise TemplateError(
                    f"part {info.filename} is compressed {ratio} to 1, which a real template "
                    "never is (a zip bomb?)",
                    file=name,
                )
            lower = info.filename.lower()
            if lower.endswith("vbaproject.bin") or "vbadata" in lower:
                raise TemplateError(
                    "contains a macro project (vbaProject.bin); save the template as a plain "
                    ".docx without macros",
                    file=name,
                )
            if lower.startswith("word/embeddings/") or lower.startswith("word/activex/"):
                raise TemplateError(
                    f"contains an embedded object ({info.filename}); templates may hold text, "
                    "tables and images only",
                    file=name,
                )
        if total > lim.max_total_bytes:
            raise TemplateError(
                f"would inflate to {total:,} bytes (limit {lim.max_total_bytes:,})", file=name
            )
        if "word/document.xml" not in archive.namelist():
            raise TemplateError("is not a Word document (no word/document.xml)", file=name)
        for info in infos:
            if not info.filename.lower().endswith(_SCANNED) and info.filename != (
                "[Content_Types].xml"
            ):
                continue
            blob = archive.read(info)
            _scan_part(info.filename, blob, name)


def _scan_part(part: str, blob: bytes, name: str) -> None:
    if _DTD.search(blob):
        raise TemplateError(
            f"part {part} declares a DTD or entities (an XXE attempt?); Word never writes them",
            file=name,
        )
    if part == "[Content_Types].xml" and _MACRO_CONTENT.search(blob):
        raise TemplateError(
            "is macro-enabled (.docm/.dotm); save it as a plain .docx without macros", file=name
        )
    if part.endswith(".rels") and _EXTERNAL.search(blob):
        target = re.search(rb"""Target\s*=\s*["']([^"']*)["'][^>]*TargetMode""", blob)
        shown = target.group(1).decode("utf-8", "replace")[:120] if target else ""
        raise TemplateError(
            f"part {part} links to an outside resource{f' ({shown})' if shown else ''}; "
            "templates may not load anything from outside (embed images instead)",
            file=name,
        )
    if _ALT_CHUNK.search(blob):
        raise TemplateError(
            f"part {part} imports another document (altChunk); paste its content instead",
            file=name,
        )
    if part.endswith(".xml") and _EMBEDDED.search(blob):
        raise TemplateError(
            f"part {part} contains an embedded object or control; templates may hold text, "
            "tables and images only",
            file=name,
        )
