"""Refuse unsafe Word packages by what they mean, not by how their bytes look.

Every part is read from the zip (with its size and checksum verified) and every XML part is
parsed with the hardened parser (no DTD, no entities, no network, any encoding XML allows), so a
character reference, another namespace prefix or a UTF-16 part disguises nothing. Refused:
macros and macro-enabled types, embedded and linked objects (OLE, ActiveX, altChunk, sub-
documents), any relationship to something outside the package (external or not), DTDs, links
in VML attributes, fields that pull in files (INCLUDETEXT, INCLUDEPICTURE, LINK, DDE, ...), and
zip-bomb proportions. The same checks run on a template before it is opened and on what a user
template renders, before it is written.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .._errors import TemplateError
from .._i18n import N_, _
from .reader import not_a_zip, parse_xml

__all__ = ["ArchiveLimits", "check_docx_archive", "check_parts"]


@dataclass(frozen=True)
class ArchiveLimits:
    """What a template may hold; the defaults are far above any real template."""

    max_entries: int = 1000
    max_total_bytes: int = 64 * 1024 * 1024  # uncompressed size of all parts
    max_part_bytes: int = 32 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed / compressed, for parts over 1 MiB
    max_file_bytes: int = 32 * 1024 * 1024  # the .docx itself
    max_template_braces: int = 20_000  # `{` in a part's text: a real template has a few hundred


_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
#: Words in a content type that mean code or an embedded program.
_CODE_TYPES = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject", "embeddedobject")
#: Relationship types (their last segment) that embed, import or run something.
_FORBIDDEN_RELATIONSHIPS = {
    "oleobject": N_("an embedded object (OLE)"),
    "package": N_("an embedded package"),
    "control": N_("an ActiveX control"),
    "activexcontrol": N_("an ActiveX control"),
    "activexcontrolbinary": N_("an ActiveX control"),
    "afchunk": N_("another document to import (altChunk)"),
    "vbaproject": N_("a macro project"),
    "wordvbadata": N_("macro data"),
    "keymapcustomizations": N_("macro key bindings"),
    "attachedtemplate": N_("an attached template"),
    "subdocument": N_("a subdocument"),
    "frame": N_("a web frame"),
}
#: Elements (by local name, in any namespace) that embed, import or run something.
_FORBIDDEN_ELEMENTS = {
    "altChunk": N_("part {member} imports another document (altChunk); paste its content instead"),
    "object": N_(
        "part {member} contains an embedded object; templates may hold text, tables and images only"
    ),
    "OLEObject": N_(
        "part {member} contains an embedded object (OLE); templates may hold text, tables and "
        "images"
    ),
    "control": N_(
        "part {member} contains an ActiveX control; templates may hold text, tables and images only"
    ),
    "ocx": N_(
        "part {member} contains an ActiveX control; templates may hold text, tables and images only"
    ),
    "subDoc": N_("part {member} includes a subdocument; paste its content instead"),
    "frameset": N_("part {member} contains web frames"),
}
#: Field instructions that pull content from outside the document.
_FORBIDDEN_FIELDS = {"INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO"}
#: Attributes that hold a location in VML and other markup (not relationship ids).
_LINK_ATTRIBUTES = {"src", "href"}
_SCHEME = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:|//|\\\\)")
_XML_TYPE = re.compile(r"[+/]xml$")


def check_docx_archive(
    data: bytes, *, name: str = "template", limits: ArchiveLimits | None = None
) -> None:
    """Raise TemplateError if *data* is not a .docx we are willing to open."""
    lim = limits or ArchiveLimits()
    if len(data) > lim.max_file_bytes:
        raise TemplateError(
            _("the file is {size} MiB; a template may be at most {limit} MiB").format(
                size=len(data) // 1_048_576, limit=lim.max_file_bytes // 1_048_576
            ),
            file=name,
        )
    other = other_format(data)
    if other is not None:
        raise TemplateError(other, file=name)
    parts = _read_parts(data, name, lim)
    check_parts(parts, name=name, limits=lim, whole=True)


_SAVE_AS_DOCX = N_(
    "open it in Word and choose File > Save As > Word Document (*.docx); in LibreOffice, "
    "File > Save As with the file type Word 2007-365 (.docx), and answer "
    "Use Word 2007-365! when asked which format to keep"
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": N_("an OpenDocument text (.odt)"),
    "application/vnd.oasis.opendocument.text-template": N_("an OpenDocument text template (.ott)"),
}


def other_format(data: bytes) -> str | None:
    """What to say of a file in another format than .docx that Word or LibreOffice can save
    as one (told by its content, whatever its name): a Word 97-2003 .doc, an OpenDocument
    .odt, an RTF file; None for anything else."""
    if data.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return _(
                "is protected with a password (encrypted), so it cannot be read; open it in "
                "Word, remove the password (File > Info > Protect Document > Encrypt with "
                "Password, and clear it) and save it as .docx"
            )
        return _(
            "is a Word 97-2003 document (.doc), not a .docx (Word 2007 or later); {how}"
        ).format(how=_(_SAVE_AS_DOCX))
    if data.lstrip()[:5] == b"{\\rtf":
        return _("is an RTF document, not a .docx; {how}").format(how=_(_SAVE_AS_DOCX))
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                info = archive.getinfo("mimetype") if "mimetype" in names else None
                if info is None or "[Content_Types].xml" in names or info.file_size > 200:
                    return None
                mimetype = archive.read(info).decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return None
        if mimetype.startswith("application/vnd.oasis.opendocument"):
            kind = (
                _(_ODF_KINDS[mimetype])
                if mimetype in _ODF_KINDS
                else _("an OpenDocument file ({mimetype})").format(mimetype=mimetype)
            )
            return _("is {kind}, not a Word document (.docx); {how}").format(
                kind=kind, how=_(_SAVE_AS_DOCX)
            )
    return None


def _read_parts(data: bytes, name: str, lim: ArchiveLimits) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise TemplateError(not_a_zip(name), file=name) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > lim.max_entries:
            raise TemplateError(
                _("holds {count} parts; a template may hold at most {limit}").format(
                    count=len(infos), limit=lim.max_entries
                ),
                file=name,
            )
        names = [info.filename for info in infos]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise TemplateError(
                _("holds two parts named {member}; save it again with Word or LibreOffice").format(
                    member=twice[0]
                ),
                file=name,
            )
        for info in infos:
            if info.file_size > lim.max_part_bytes:
                raise TemplateError(
                    _(
                        "part {member} would inflate to {size:,} bytes (limit {limit:,}); "
                        "remove or shrink it"
                    ).format(member=info.filename, size=info.file_size, limit=lim.max_part_bytes),
                    file=name,
                )
            if info.file_size > 1_048_576 and info.file_size > lim.max_ratio * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise TemplateError(
                    _(
                        "part {member} is compressed {ratio} to 1, which a real template never "
                        "is (a zip bomb?)"
                    ).format(member=info.filename, ratio=ratio),
                    file=name,
                )
            if info.flag_bits & 0x1:
                raise TemplateError(
                    _("part {member} is encrypted").format(member=info.filename), file=name
                )
        total = sum(info.file_size for info in infos)
        if total > lim.max_total_bytes:
            raise TemplateError(
                _("would inflate to {size:,} bytes (limit {limit:,})").format(
                    size=total, limit=lim.max_total_bytes
                ),
                file=name,
            )
        parts: dict[str, bytes] = {}
        for info in infos:
            try:
                # the stream stops at the declared size and its checksum is verified
                parts[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError,
                    NotImplementedError) as exc:  # fmt: skip
                raise TemplateError(
                    _(
                        "part {member} is damaged ({error}); save the file again with Word or "
                        "LibreOffice"
                    ).format(member=info.filename, error=exc),
                    file=name,
                ) from exc
    return parts


def check_parts(
    parts: Mapping[str, bytes],
    *,
    name: str,
    limits: ArchiveLimits | None = None,
    whole: bool = False,
) -> None:
    """Raise TemplateError for anything unsafe in *parts* (member name -> bytes).

    With *whole*, *parts* is a complete package: its content types and main part are checked
    too; otherwise they are parts a render has just made.
    """
    lim = limits or ArchiveLimits()
    types = _content_types(parts, name) if whole or "[Content_Types].xml" in parts else None
    if whole:
        _check_package(parts, types or {}, name)
    for member, blob in parts.items():
        kind = (types or {}).get(member, "")
        is_xml = member.lower().endswith((".xml", ".rels", ".vml")) or bool(_XML_TYPE.search(kind))
        if any(word in kind.lower() for word in _CODE_TYPES):
            raise TemplateError(
                _(
                    "part {member} is code or an embedded object ({kind}); save the template as "
                    "a plain .docx without macros or objects"
                ).format(member=member, kind=kind),
                file=name,
            )
        lower = member.lower()
        if lower.endswith(("vbaproject.bin", ".bin")) and ("vba" in lower or "activex" in lower):
            raise TemplateError(
                _(
                    "contains a macro project (vbaProject.bin); save the template as a plain "
                    ".docx without macros"
                ),
                file=name,
            )
        if lower.startswith(("word/embeddings/", "word/activex/")):
            raise TemplateError(
                _(
                    "contains an embedded object ({member}); templates may hold text, tables "
                    "and images only"
                ).format(member=member),
                file=name,
            )
        if is_xml:
            root = parse_xml(blob, part=member, name=name)
            if member.endswith(".rels"):
                _check_relationships(member, root, parts if whole else None, name)
            else:
                _check_xml(member, root, name, lim)


def _content_types(parts: Mapping[str, bytes], name: str) -> dict[str, str]:
    """{member: content type} from `[Content_Types].xml`."""
    blob = parts.get("[Content_Types].xml")
    if blob is None:
        raise TemplateError(_("is not a Word document (no [Content_Types].xml)"), file=name)
    root = parse_xml(blob, part="[Content_Types].xml", name=name)
    defaults = {
        str(el.get("Extension", "")).lower(): str(el.get("ContentType", ""))
        for el in root.iter(f"{{{_CT}}}Default")
    }
    overrides = {
        str(el.get("PartName", "")).lstrip("/"): str(el.get("ContentType", ""))
        for el in root.iter(f"{{{_CT}}}Override")
    }
    declared = [*defaults.values(), *overrides.values()]
    for kind in declared:
        if any(word in kind.lower() for word in _CODE_TYPES):
            raise TemplateError(
                _(
                    "declares code or embedded objects ({kind}); save it as a plain .docx "
                    "without macros or objects"
                ).format(kind=kind),
                file=name,
            )
    return {
        member: overrides.get(member, defaults.get(posixpath.splitext(member)[1][1:].lower(), ""))
        for member in parts
    }


def _check_package(parts: Mapping[str, bytes], types: dict[str, str], name: str) -> None:
    main = _main_part(parts, name)
    if main not in parts:
        raise TemplateError(
            _("is not a Word document (no {member})").format(member=main), file=name
        )
    if types.get(main) not in _MAIN_TYPES:
        kind = types.get(main)
        raise TemplateError(
            _("is not a plain Word document (its main part is {kind}); save it as .docx").format(
                kind=kind
            )
            if kind
            else _("is not a plain Word document (its main part is untyped); save it as .docx"),
            file=name,
        )


def _main_part(parts: Mapping[str, bytes], name: str) -> str:
    blob = parts.get("_rels/.rels")
    if blob is None:
        return "word/document.xml"
    root = parse_xml(blob, part="_rels/.rels", name=name)
    for rel in root.iter(f"{{{_PKG_RELS}}}Relationship"):
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            return str(rel.get("Target", "")).lstrip("/")
    return "word/document.xml"


def _check_relationships(
    member: str, root: Any, parts: Mapping[str, bytes] | None, name: str
) -> None:
    source_folder = posixpath.dirname(posixpath.dirname(member))  # word/_rels/x.rels -> word
    for rel in root.iter(f"{{{_PKG_RELS}}}Relationship", "Relationship"):
        target = str(rel.get("Target", ""))
        mode = rel.get("TargetMode")
        kind = str(rel.get("Type", "")).rstrip("/").rsplit("/", 1)[-1].lower()
        shown = target[:120]
        if mode is not None and str(mode).strip().lower() != "internal":
            raise TemplateError(
                _(
                    "part {member} links to an outside resource ({target}); templates may not "
                    "load anything from outside (embed images instead)"
                ).format(member=member, target=shown),
                file=name,
            )
        if _SCHEME.match(target) or "\\" in target:
            raise TemplateError(
                _(
                    "part {member} points outside the document ({target}); templates may not "
                    "load anything from outside (embed images instead)"
                ).format(member=member, target=shown),
                file=name,
            )
        if kind in _FORBIDDEN_RELATIONSHIPS:
            raise TemplateError(
                _(
                    "part {member} brings in {what}; templates may hold text, tables and images "
                    "only"
                ).format(member=member, what=_(_FORBIDDEN_RELATIONSHIPS[kind])),
                file=name,
            )
        resolved = posixpath.normpath(
            target.lstrip("/") if target.startswith("/") else posixpath.join(source_folder, target)
        )
        if resolved.startswith("../") or resolved == "..":
            raise TemplateError(
                _("part {member} points outside the document ({target})").format(
                    member=member, target=shown
                ),
                file=name,
            )


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _check_xml(member: str, root: Any, name: str, lim: ArchiveLimits) -> None:
    instructions: list[str] = []
    braces = 0
    for el in root.iter():
        local = _local(el.tag)
        if local in _FORBIDDEN_ELEMENTS:
            raise TemplateError(_(_FORBIDDEN_ELEMENTS[local]).format(member=member), file=name)
        if local == "instrText" and el.text:
            instructions.append(el.text)
        # Jinja reads the whole XML: braces count wherever they are
        braces += (el.text or "").count("{") + (el.tail or "").count("{")
        for attr, value in el.attrib.items():
            braces += str(value).count("{")
            attr_local = _local(attr)
            if attr_local == "instr":
                instructions.append(str(value))
            elif attr_local in _LINK_ATTRIBUTES and _SCHEME.match(str(value)):
                raise TemplateError(
                    _(
                        "part {member} links to an outside resource ({target}); templates may "
                        "not load anything from outside (embed images instead)"
                    ).format(member=member, target=str(value)[:120]),
                    file=name,
                )
    for field in _field_names(instructions):
        raise TemplateError(
            _(
                "part {member} has a {field} field, which pulls content from outside the "
                "document; remove the field"
            ).format(member=member, field=field),
            file=name,
        )
    if braces > lim.max_template_braces:
        raise TemplateError(
            _(
                "part {member} holds {count:,} template braces; a template holds a few hundred "
                "(limit {limit:,})"
            ).format(member=member, count=braces, limit=lim.max_template_braces),
            file=name,
        )


def _field_names(instructions: list[str]) -> Iterator[str]:
    """Forbidden field names in *instructions*, also when split across runs (`INCLUDE`+`TEXT`)
    or run into the instruction before them (`PAGE`+`LINK ...`)."""
    for joined in (" ".join(instructions), "".join(instructions)):
        for word in re.findall(r"[A-Za-z]+", joined):
            if word.upper() in _FORBIDDEN_FIELDS:
                yield word.upper()
