"""Reading plan files (YAML or JSON) into a validated Plan, with errors that point at the file."""

from __future__ import annotations

import calendar
import codecs
import datetime as _dt
import difflib
import json
import re
import typing
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ._errors import PlanInputError, PlanWarning, Problem, ProfileError
from ._files import InputFileError, read_input
from ._findings import Finding
from ._i18n import N_, _, ngettext
from ._models import PROFILE_SUFFIXES, AuthorityType, Plan, line_fields, validate_raw
from ._profiles import Profile, builtin_profiles, default_profile, load_profile
from ._text import (
    forbidden_input_chars,
    forbidden_xml_chars,
    mojibake_message,
    mojibake_repair,
    name_encoding,
    remove_forbidden_input_chars,
    remove_forbidden_xml_chars,
)
from ._yaml import USES_LIBYAML, PlanLoader, key_of, keys_twice

_YAML_SUFFIXES = {".yaml", ".yml"}
_JSON_SUFFIXES = {".json"}

PathKey = tuple[str | int, ...]
#: Deepest nesting a plan file may have (parts and items nest far less).
MAX_DEPTH = 64
#: Largest plan (or collection) file read; a plan is a few KiB, a collection of every commune
#: of the country a few MiB.
MAX_PLAN_BYTES = 16 * 1024 * 1024
#: Most values a YAML file may expand to, each use of an alias counted in full (a "billion
#: laughs" file expands to billions).
MAX_VALUES = 500_000
_NESTED = N_("is nested more than {depth} levels deep; no plan is")


def load_plan(path: str | Path, *, remove_invalid_chars: bool = False) -> Plan:
    """Read a plan from a `.yaml`, `.yml` or `.json` file and validate it.

    With *remove_invalid_chars*, characters a Word document cannot hold are removed (each
    removal is a `PlanWarning`) instead of refused.
    """
    file = Path(path)
    data, lines = parse_plan_file(file, remove_invalid_chars=remove_invalid_chars)
    if remove_invalid_chars:
        data = _strip_invalid(data, (), file, lines)
    return plan_from_data(data, file=file, lines=lines)


def parse_plan(data: Mapping[str, Any] | str | bytes, *, source: str | Path | None = None) -> Plan:
    """Validate a plan given as data: a mapping, or the text (or bytes) of a YAML or JSON plan.

    Errors are the `PlanInputError`s `load_plan` raises, with the same field paths, lines and
    advice; *source* names the plan in them (default `<plan>`), and when it ends in `.json`
    the text is read as JSON (otherwise as YAML, which JSON is a part of). Nothing is read
    from the file system but a profile file the plan names, relative to *source*'s folder.
    """
    file = Path(source) if source is not None else Path("<plan>")
    if isinstance(data, Mapping):
        _check_shape(data, file, {})
        return plan_from_data(data, file=file)
    if isinstance(data, (bytes, bytearray)):
        if len(data) > MAX_PLAN_BYTES:
            raise PlanInputError(
                [
                    Problem(
                        _("is larger than {size} MiB; no plan is").format(
                            size=MAX_PLAN_BYTES // (1 << 20)
                        )
                    )
                ],
                file=file,
            )
        text = _decode(bytes(data), file)
    elif isinstance(data, str):
        text = data
    else:
        raise PlanInputError(
            [Problem(_("a plan must be a mapping of fields (issuers, title, parts, ...)"))],
            file=file,
        )
    parsed, lines = _parse_text(text, file, as_json=file.suffix.lower() in _JSON_SUFFIXES)
    return plan_from_data(parsed, file=file, lines=lines)


def parse_plan_file(
    file: Path, *, remove_invalid_chars: bool = False
) -> tuple[Any, dict[PathKey, int]]:
    """The parsed data of a plan (or collection) file, and the line of each field path."""
    suffix = file.suffix.lower()
    if suffix == ".docx":
        raise PlanInputError(
            [
                Problem(
                    _(
                        "is a Word document, not a plan file (.yaml, .yml or .json); to read "
                        "the plan it holds, run: planforge import {file}"
                    ).format(file=file.name)
                )
            ],
            file=file,
        )
    if suffix == ".doc":
        raise PlanInputError([Problem(_(_OLD_WORD))], file=file)
    if suffix not in _YAML_SUFFIXES | _JSON_SUFFIXES:
        raise PlanInputError(
            [Problem(_("a plan file must end in .yaml, .yml or .json"))], file=file
        )
    try:
        raw = read_input(file, limit=MAX_PLAN_BYTES, what="plan")
    except InputFileError as exc:
        raise PlanInputError([Problem(str(exc))], file=file) from exc
    text = _decode(raw, file)
    return _parse_text(
        text, file, as_json=suffix in _JSON_SUFFIXES, remove_invalid_chars=remove_invalid_chars
    )


def _parse_text(
    text: str, file: Path, *, as_json: bool, remove_invalid_chars: bool = False
) -> tuple[Any, dict[PathKey, int]]:
    _check_mojibake(text, file)
    if as_json:
        return _parse_json(text, file), {}
    if remove_invalid_chars:
        text = _strip_invalid_text(text, file)
    return _parse_yaml(text, file)


# -- encodings -----------------------------------------------------------------------------------

_SAVE_AS_UTF8 = N_("open it in Notepad and save it again with File > Save As, Encoding: UTF-8")
_ENCODING_NAMES = {
    "UTF-16LE": N_("is saved as UTF-16 (without a byte order mark), not UTF-8"),
    "UTF-16BE": N_("is saved as UTF-16 (big-endian, without a byte order mark), not UTF-8"),
    "Windows-1258": N_("is saved in the Windows Vietnamese code page (Windows-1258), not UTF-8"),
    "Windows-1252": N_(
        'is saved in a Windows "ANSI" code page (Windows-1252 or Windows-1258), not UTF-8'
    ),
    "TCVN3": N_("is saved in the TCVN3 (ABC) encoding of the .VnTime fonts, not Unicode"),
    "VNI": N_("is saved in the VNI encoding of the VNI-Times fonts, not Unicode"),
}
#: Byte order marks and the encodings they announce (UTF-32's first: it starts like UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


_OLD_WORD = N_(
    "is an old Word document (.doc), not a plan written in YAML or JSON; open it in Word, save "
    "it as .docx, then run: planforge import FILE.docx"
)


def _refuse_documents(raw: bytes, file: Path) -> None:
    """A Word document or a PDF given (or renamed) as a plan file: say what it is, and what
    reads a plan out of it, instead of calling it text in the wrong encoding."""
    if raw.startswith(b"PK\x03\x04"):
        message = _(
            "is a Word document (or another zip file), not a plan written in YAML or JSON; to "
            "read the plan a Word document holds, name it {name} and run: planforge import "
            "{name}"
        ).format(name=file.with_suffix(".docx").name)
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        message = _(_OLD_WORD)
    elif raw.startswith(b"%PDF-"):
        message = _("is a PDF, not a plan written in YAML or JSON")
    else:
        return
    raise PlanInputError([Problem(message)], file=file)


def _decode(raw: bytes, file: Path) -> str:
    """The text of a plan file: UTF-8 (with or without a byte order mark), or UTF-16 or UTF-32
    with one (read, with a warning); any other encoding is named in the error."""
    _refuse_documents(raw, file)
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise PlanInputError(
                    [
                        Problem(
                            _("is saved as {encoding}, and part of it is damaged; {advice}").format(
                                encoding=name, advice=_(_SAVE_AS_UTF8)
                            )
                        )
                    ],
                    file=file,
                ) from exc
            finding = Finding(
                "text",
                "warning",
                _(
                    "is saved as {encoding}; read as {encoding}, but save it as UTF-8, which "
                    "every tool reads ({advice})"
                ).format(encoding=name, advice=_(_SAVE_AS_UTF8)),
                where=str(file),
            )
            warnings.warn(PlanWarning(finding), stacklevel=4)
            return text
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8-sig", "replace")
        line: int | None = before.count("\n") + 1
        column: int | None = len(before.rsplit("\n", 1)[-1]) + 1
        encoding = name_encoding(raw)
        if encoding is None:
            message = _("is not UTF-8 text (it may not be a text file at all); {advice}").format(
                advice=_(_SAVE_AS_UTF8)
            )
        elif encoding in ("TCVN3", "VNI"):
            message = _(
                "{saved_in}: convert it to Unicode (for example with UniKey's converter, "
                "{encoding} → Unicode) and save it as UTF-8"
            ).format(saved_in=_(_ENCODING_NAMES[encoding]), encoding=encoding)
        else:
            message = _("{saved_in}: {advice}").format(
                saved_in=_(_ENCODING_NAMES[encoding]), advice=_(_SAVE_AS_UTF8)
            )
        if encoding is not None and encoding.startswith("UTF-16"):
            line = column = None  # the first byte already is not UTF-8: no place to name
        raise PlanInputError([Problem(message, line=line, column=column)], file=file) from exc


def _check_mojibake(text: str, file: Path) -> None:
    """Refuse lines of UTF-8 text that was read as Windows-1252 and saved again, where they hold
    the C1 controls such text has (the YAML reader would refuse those unexplained, and
    --remove-invalid-chars would lose what the repair needs); the rest of such text is found,
    field by field, when the plan is validated."""
    if _C1.search(text) is None:
        return
    problems = []
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        if _C1.search(line) is None:
            continue
        repaired = mojibake_repair(line.strip())
        if repaired is not None:
            problems.append(Problem(mojibake_message(line.strip(), repaired), line=number))
    if problems:
        raise PlanInputError(problems, file=file)


_C1 = re.compile("[\x80-\x9f]")
# where YAML (and so the line numbers of its errors) breaks lines
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _removed(characters: list[str], where: str) -> None:
    finding = Finding(
        "text",
        "warning",
        _("removed characters a Word document cannot hold ({characters})").format(
            characters=", ".join(characters)
        ),
        where=where,
    )
    warnings.warn(PlanWarning(finding), stacklevel=5)  # at the caller of load_plan


def _strip_invalid_text(text: str, file: Path) -> str:
    """Remove what XML cannot hold from YAML text (the YAML reader refuses it, unlocated)."""
    for number, line in enumerate(_LINE_BREAK.split(text), 1):  # not splitlines: \v breaks
        bad = forbidden_input_chars(line)
        if bad:
            _removed(bad, f"{file}: " + _("line {line}").format(line=number))
    return remove_forbidden_input_chars(text)


def _strip_invalid(data: Any, path: PathKey, file: Path, lines: Mapping[PathKey, int]) -> Any:
    if isinstance(data, str):
        bad = forbidden_xml_chars(data)
        if not bad:
            return data
        where = field_path(path)
        line = _nearest_line(path, lines)
        at = " (" + _("line {line}").format(line=line) + ")" if line else ""
        _removed(bad, f"{file}: {where}{at}")
        return remove_forbidden_xml_chars(data)
    if isinstance(data, dict):
        return {k: _strip_invalid(v, (*path, str(k)), file, lines) for k, v in data.items()}
    if isinstance(data, list):
        return [_strip_invalid(v, (*path, n), file, lines) for n, v in enumerate(data)]
    return data


def plan_from_data(
    data: Any, *, file: Path | None = None, lines: Mapping[PathKey, int] | None = None
) -> Plan:
    """Validate already-parsed plan data; errors name each field path (and line, if known)."""
    if not isinstance(data, Mapping):
        raise PlanInputError(
            [Problem(_("a plan must be a mapping of fields (issuers, title, parts, ...)"))],
            file=file,
        )
    lines = lines or {}
    data, refused = _read_printed_authorities(data, file, lines)
    try:
        plan = validate_raw(Plan, data)
    except ValidationError as exc:
        problems = refused + [
            p
            for p in _problems(exc, lines, data)
            if not any(re.match(rf"{re.escape(r.field)}(?:$|[.\[])", p.field) for r in refused)
        ]
        raise PlanInputError(_in_file_order(problems), file=file) from exc
    if refused:
        raise PlanInputError(_in_file_order(refused), file=file)
    plan._source = file
    plan._lines = dict(lines or {})
    if plan.profile is not None and plan.profile not in builtin_profiles():
        if file is not None:
            plan._base_dir = file.parent
        if plan.profile_file() is None:
            named_file = plan.profile.lower().endswith(PROFILE_SUFFIXES)
            message = (
                _(
                    "no profile file `{profile}` in the plan's folder; a plan may name a "
                    "profile file beside it (or in a folder below it)"
                ).format(profile=plan.profile)
                if named_file
                else _(
                    "no built-in profile `{profile}` (built-in: {builtin}); leave it out, name "
                    "a profile file beside the plan (`my-office.yaml`), or pass one with "
                    "--profile"
                ).format(profile=plan.profile, builtin=", ".join(builtin_profiles()))
            )
            raise PlanInputError(
                [Problem(message, field="profile", line=lines.get(("profile",)))],
                file=file,
            )
    return plan


# -- authority lines in their printed form: `TM. ỦY BAN NHÂN DÂN`, `K/T BÍ THƯ` ----------------

#: What each authority means, for clerks who know the prefixes by their Vietnamese names.
_AUTHORITY_WORDS = {
    AuthorityType.COLLECTIVE: "thay mặt",
    AuthorityType.DEPUTY: "ký thay",
    AuthorityType.ACTING: "quyền",
    AuthorityType.BY_ORDER: "thừa lệnh",
    AuthorityType.BY_AUTHORIZATION: "thừa ủy quyền",
}
# what a prefix looks like: a few letters with a dot or a slash (`XY.`, `A/B`)
_PREFIX_LIKE = re.compile(
    r"\s*([A-Za-z]{1,4}(?:[./][A-Za-z]{1,4})*[./]|[A-Za-z]{1,4}/[A-Za-z]{1,4})"
)


_KIND_NAMES = {"party": N_("Party"), "state": N_("state"), "organisation": N_("organisation")}


def _prefix_key(spelling: str) -> str:
    """`T/M`, `TM.`, `tm.`, `T.M.` -> `TM`: a prefix without its dots, slashes and case."""
    return re.sub(r"[\s./]", "", spelling).upper()


def _builtin_spellings() -> dict[str, AuthorityType]:
    """Every prefix of the built-in profiles, as `_prefix_key`, and what it means."""
    out: dict[str, AuthorityType] = {}
    for name in builtin_profiles():
        for prefixes in load_profile(name).signature.prefixes.values():
            for kind, spelling in prefixes.items():
                out.setdefault(_prefix_key(spelling), kind)
    return out


def _builtin_prefixes(kind: str) -> dict[AuthorityType, str]:
    """The prefixes of a body of *kind* in the first built-in profile that lists the kind
    (those of a state body if none does)."""
    profiles = [load_profile(name) for name in builtin_profiles()]
    for profile in profiles:
        if kind in profile.signature.prefixes:
            return profile.signature.prefixes[kind]
    return profiles[0].signature.prefixes_for("state", []) if profiles else {}


def _plan_profile(data: Mapping[str, Any], file: Path | None) -> Profile | None:
    """The profile a render of *data* would use (as `resolve_profile` finds it for a plan),
    or None when it cannot be told before the plan is validated."""
    try:
        name = data.get("profile")
        if isinstance(name, str) and name.strip():
            name = name.strip()
            if name in builtin_profiles():
                return load_profile(name)
            if not name.lower().endswith(PROFILE_SUFFIXES):
                return None
            base = (file.parent if file is not None else Path.cwd()).resolve()
            relative = Path(name)
            if relative.is_absolute() or ".." in relative.parts:
                return None
            target = (base / relative).resolve()
            if not target.is_relative_to(base) or not target.is_file():
                return None
            return load_profile(target)
        issuers = data.get("issuers")
        kind = issuers[0]["kind"].strip().lower()  # type: ignore[index]
        day = data.get("date")
        if isinstance(day, str):
            day = _dt.date.fromisoformat(day.strip())
        if not isinstance(day, _dt.date):
            day = _dt.date.today()
        return default_profile(kind, day)
    except (ProfileError, PlanInputError, LookupError, TypeError, ValueError, AttributeError):
        return None


def _signing_kind(data: Mapping[str, Any], index: int, signature: Mapping[str, Any]) -> str:
    """The kind of the body signature block *index* signs for (as `Plan.signing_issuer`)."""
    issuers = [i for i in data.get("issuers") or [] if isinstance(i, Mapping)]
    if not issuers:
        return ""
    chosen = (
        next((i for i in issuers if i.get("abbreviation") == signature.get("issuer")), None)
        if signature.get("issuer") is not None
        else None
    )
    issuer = chosen or issuers[min(index, len(issuers) - 1)]
    kind = issuer.get("kind")
    return kind.strip().lower() if isinstance(kind, str) else ""


def _read_printed_authorities(
    data: Mapping[str, Any], file: Path | None, lines: Mapping[PathKey, int]
) -> tuple[Mapping[str, Any], list[Problem]]:
    """*data* with each authority line written as printed (`TM. ỦY BAN NHÂN DÂN`, `K/T BÍ
    THƯ`, `Q.CHỦ TỊCH`) turned into its mapping (`{collective: ỦY BAN NHÂN DÂN}`), read by
    the prefixes of the plan's profile for the kind of body that signs (any spelling of the
    built-in profiles also counts); the lines that cannot be read, as problems."""
    signatures = data.get("signatures")
    if not isinstance(signatures, list) or not any(
        isinstance(s, Mapping) and _has_printed(s.get("authority")) for s in signatures
    ):
        return data, []  # nothing to read: no profile to look for
    profile = _plan_profile(data, file)
    fallback = _builtin_spellings()
    problems: list[Problem] = []
    converted: list[Any] = []
    for n, signature in enumerate(signatures):
        authority = signature.get("authority") if isinstance(signature, Mapping) else None
        if not isinstance(authority, (str, list)):
            converted.append(signature)
            continue
        kind = _signing_kind(data, n, signature)
        own = (
            profile.signature.prefixes_for(kind, profile.default_for)
            if profile is not None
            else _builtin_prefixes(kind)
        )
        single = isinstance(authority, str)
        entries: list[Any] = [authority] if single else list(authority)
        for k, entry in enumerate(entries):
            if not isinstance(entry, str):
                continue
            loc: PathKey = (
                ("signatures", n, "authority") if single else ("signatures", n, "authority", k)
            )
            read = _printed_authority(entry, own, fallback)
            if isinstance(read, str):
                problems.append(
                    Problem(read, field=field_path(loc), line=_nearest_line(loc, lines))
                )
                continue
            entries[k] = {"type": read[0].value, "of": read[1]}
            written, meant = read[2], own.get(read[0])
            if profile is not None and meant is not None and written != meant.upper():
                finding = Finding(
                    "signature",
                    "warning",
                    _(
                        "`{entry}` is printed `{prefix} {body}`: {kind} documents under "
                        "{profile} spell this prefix `{prefix}`"
                    ).format(
                        entry=entry.strip(),
                        prefix=meant,
                        body=read[1],
                        kind=_(_KIND_NAMES[kind]) if kind in _KIND_NAMES else kind,
                        profile=profile.name,
                    ),
                    where=field_path(loc),
                )
                warnings.warn(PlanWarning(finding), stacklevel=4)
        converted.append({**signature, "authority": entries})
    return {**data, "signatures": converted}, problems


def _has_printed(authority: Any) -> bool:
    return isinstance(authority, str) or (
        isinstance(authority, list) and any(isinstance(a, str) for a in authority)
    )


def _printed_authority(
    text: str, own: Mapping[AuthorityType, str], fallback: Mapping[str, AuthorityType]
) -> tuple[AuthorityType, str, str] | str:
    """(type, body or post, the prefix as written in capitals) of `TM. ỦY BAN NHÂN DÂN`, or
    what is wrong with it."""
    meanings = {_prefix_key(p): t for t, p in own.items()} | {
        k: t for k, t in fallback.items() if k not in {_prefix_key(p) for p in own.values()}
    }
    for key in sorted(meanings, key=len, reverse=True):
        if not key:
            continue
        pattern = (
            "".join(f"{re.escape(c)}[./]?[ ]?" for c in key[:-1]) + f"{re.escape(key[-1])}\\.?"
        )
        match = re.match(rf"\s*({pattern})", text, re.IGNORECASE)
        if match is None or not re.search(r"[./]", match[1]):
            continue
        rest = text[match.end() :]
        if match[1][-1].isalpha() and rest[:1].isalpha() and "/" not in match[1]:
            continue  # `TMX.` is not `TM.`; `T/MBAN` is `T/M BAN`
        of = rest.strip()
        if not of:
            return _("`{text}` names no body or post after its prefix").format(text=text.strip())
        return meanings[key], of, re.sub(r"\s", "", match[1]).upper()
    listing = ", ".join(f"`{p}` ({t.value}: {_AUTHORITY_WORDS[t]})" for t, p in own.items())
    example = own.get(AuthorityType.COLLECTIVE, "TM.")
    first, _space, after = text.strip().partition(" ")
    typed = next(
        (p for t, p in own.items() if _prefix_key(p) == _prefix_key(first) and after.strip()),
        None,
    )
    if typed is not None:  # `KT GIÁM ĐỐC`: the prefix without its dot or slash
        return _(
            "`{text}` has no authority prefix: did you mean `{typed} {after}`? "
            "(a prefix is written with its dot or slash); the prefixes are {listing}"
        ).format(text=text.strip(), typed=typed, after=after.strip(), listing=listing)
    looks = _PREFIX_LIKE.match(text)
    if looks is not None:
        return _(
            "`{prefix}` is not an authority prefix (in `{text}`); the prefixes are {listing}"
        ).format(prefix=looks[1].strip(), text=text.strip(), listing=listing)
    return _(
        "`{text}` has no authority prefix: write one before the body or post (e.g. "
        "`{example} ỦY BAN NHÂN DÂN`); the prefixes are {listing}; a body that signs "
        "without a prefix goes in `body:`"
    ).format(text=text.strip(), example=example, listing=listing)


def field_path(loc: tuple[str | int, ...]) -> str:
    """`('parts', 1, 'items', 3, 'task', 'lead')` -> `parts[1].items[3].task.lead`."""
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems by their line in the file (those of no line last), else as found."""
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def _problems(
    exc: ValidationError, lines: Mapping[PathKey, int], data: Any = None
) -> list[Problem]:
    errors = []
    for err in exc.errors(include_url=False):
        # pydantic puts validator names (function-after[...]) into loc for annotated types
        loc = tuple(k for k in err["loc"] if isinstance(k, int) or not _VALIDATOR.match(k))
        errors.append((loc, err))
    # a misspelt required field shows up twice: unknown `abreviation`, missing `abbreviation`;
    # the "did you mean" says it all
    misspelt = set()
    # a text holding `: ` read as a mapping: one problem at the text, none for its fields
    texts: dict[PathKey, Problem] = {}
    for loc, err in errors:
        colon = _colon_in_text(err, loc, data, lines)
        if colon is not None:
            texts.setdefault(colon[0], colon[1])
        elif err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(loc[-1]), _known_fields(loc[:-1]), 1, 0.6)
            misspelt |= {(*loc[:-1], c) for c in close}
    problems = list(texts.values())
    for loc, err in errors:
        if err["type"] == "missing" and loc in misspelt:
            continue
        if any(loc[: len(owner)] == owner for owner in texts):
            continue
        problems.append(
            Problem(_message(err, loc), field=field_path(loc), line=_nearest_line(loc, lines))
        )
    return _in_file_order(problems)


def _at(data: Any, loc: PathKey) -> Any:
    """The value at *loc* in *data*, or None."""
    for key in loc:
        in_list = isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data)
        if in_list or (isinstance(data, Mapping) and key in data):
            data = data[key]
        else:
            return None
    return data


def _colon_in_text(
    err: Mapping[str, Any], loc: PathKey, data: Any, lines: Mapping[PathKey, int]
) -> tuple[PathKey, Problem] | None:
    """A mapping of one entry where a text (or an item) was expected, whose key is text
    (`- Mục đích: Nâng cao ...`): YAML read a text holding `: ` as a field."""
    if err["type"] == "string_type":
        owner, mapping, known = loc, err.get("input"), []
    elif err["type"] == "extra_forbidden" and loc:
        owner, mapping, known = loc[:-1], _at(data, loc[:-1]), _known_fields(loc[:-1])
    else:
        return None
    if not owner or not isinstance(mapping, Mapping) or len(mapping) != 1:
        return None
    ((key, value),) = mapping.items()
    if not _looks_like_text(key, known) or isinstance(value, (Mapping, list)):
        return None
    shown = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    text = f"{key}: {shown}".rstrip()
    head = "- " if isinstance(owner[-1], int) else f"{owner[-1]}: "
    fixed = _shown_fix(head + _quoted(text))
    problem = Problem(
        _(
            "the text holds `: ` (a colon and a space), which YAML reads as the start of a "
            "field, so `{key}` was read as a field name: put the text in quotes, `{fixed}`, or "
            "write `>-` after the colon and the text on the next line, indented"
        ).format(key=key, fixed=fixed),
        field=field_path(owner),
        line=_nearest_line(loc, lines),
    )
    return owner, problem


def _looks_like_text(key: Any, known: list[str]) -> bool:
    """Whether a mapping key is text (spaces, Vietnamese letters, capitals) rather than the
    name of a field (lower-case ASCII); `Title` is a field spelt with a capital."""
    if not isinstance(key, str) or re.fullmatch(r"[a-z_][a-z0-9_]*", key):
        return False
    if key.isascii() and not re.search(r"\s", key):
        return not difflib.get_close_matches(key.lower(), known, 1, 0.8)
    return True


# pydantic puts the names of annotated validators into locations: function-after[_line(), str]
_VALIDATOR = re.compile(r"function-(?:after|before|wrap|plain)\[")

_TYPE_WORDS = {
    "string_type": N_("must be text, not {given}"),
    "int_type": N_("must be a whole number, not {given}"),
    "int_parsing": N_("must be a whole number, not {given}"),
    "int_from_float": N_("must be a whole number, not {given}"),
    "bool_type": N_("must be true or false, not {given}"),
    "list_type": N_("must be a list (lines starting with `- ` in YAML), not {given}"),
    "dict_type": N_("must be a mapping of fields (`key: value` lines in YAML), not {given}"),
    "model_type": N_("must be a mapping of fields (`key: value` lines in YAML), not {given}"),
    "model_attributes_type": N_(
        "must be a mapping of fields (`key: value` lines in YAML), not {given}"
    ),
    "missing": N_("is required but missing"),
}


def _message(err: Mapping[str, Any], loc: PathKey) -> str:
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        if close:
            return _("unknown field `{field}`; did you mean `{close}`?").format(
                field=loc[-1], close=close[0]
            )
        if known:
            return _("unknown field `{field}` (fields here: {fields})").format(
                field=loc[-1], fields=", ".join(known)
            )
        return _("unknown field `{field}`").format(field=loc[-1])
    if kind in _TYPE_WORDS:
        return _(_TYPE_WORDS[kind]).format(given=_shown(given))
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "kind":
        return _(
            "must be a kind of body in lower-case letters (state, party, organisation), not {given}"
        ).format(given=_shown(given))
    if kind == "enum":
        return _("must be one of {choices}, not {given}").format(
            choices=_one_of(str(err.get("ctx", {}).get("expected", ""))), given=_shown(given)
        )
    if kind in {
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    }:
        return _date_message(given)
    if kind == "too_short":
        minimum = err.get("ctx", {}).get("min_length", 1)
        return ngettext(
            "needs at least {minimum} entry", "needs at least {minimum} entries", minimum
        ).format(minimum=minimum)
    ctx = err.get("ctx", {})
    if kind == "greater_than_equal":
        return _("must be {minimum} or more, not {given}").format(
            minimum=ctx.get("ge"), given=_shown(given)
        )
    if kind == "less_than_equal":
        return _("must be {maximum} or less, not {given}").format(
            maximum=ctx.get("le"), given=_shown(given)
        )
    return str(err["msg"]).removeprefix("Value error, ")


def _shown(value: Any) -> str:
    if value is None:
        return _("empty")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    text = repr(value) if not isinstance(value, str) else f"`{value}`"
    return text if len(text) <= 60 else text[:57] + "...`"


def _one_of(expected: str) -> str:
    """pydantic's `'a', 'b' or 'c'` with the reader's word for "or"."""
    values = [f"'{value}'" for value in re.findall(r"'([^']*)'", expected)]
    if len(values) < 2:
        return expected
    return _("{first} or {second}").format(first=", ".join(values[:-1]), second=values[-1])


def _date_message(given: Any) -> str:
    text = str(given)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if month == 2 and day == 29 and not calendar.isleap(year):
            return _(
                "{date} does not exist: {year} is not a leap year (February has 28 days)"
            ).format(date=text, year=year)
        if not 1 <= month <= 12:
            return _("{date} is not a date: there is no month {month}").format(
                date=text, month=month
            )
        last = calendar.monthrange(year, month)[1]
        return _("{date} is not a date: month {month} of {year} has {days} days").format(
            date=text, month=month, year=year, days=last
        )
    return _("must be a date written YYYY-MM-DD (e.g. 2023-03-03), not {given}").format(
        given=_shown(given)
    )


def _known_fields(loc: PathKey) -> list[str]:
    """Field names of the model at *loc* (for "did you mean"), [] if not a model."""
    model: Any = Plan
    for key in loc:
        if isinstance(key, int):
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or key not in fields:
            return []
        model = _model_of(fields[key].annotation)
    fields = getattr(model, "model_fields", None)
    return list(fields) if fields else []


def _model_of(annotation: Any) -> Any:
    """The pydantic model inside `list[Annotated[Item, ...]] | None` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _nearest_line(loc: PathKey, lines: Mapping[PathKey, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _parse_json(text: str, file: Path) -> Any:
    if not text.strip():
        raise PlanInputError([Problem(_(_EMPTY))], file=file)
    twice: list[str] = []

    def no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        # JSON allows a key once per object; json.loads would keep the last silently
        keys = [key for key, _value in pairs]
        twice.extend(key for n, key in enumerate(keys) if key in keys[:n])
        return dict(pairs)

    try:
        data = json.loads(text, object_pairs_hook=no_key_twice)
    except RecursionError as exc:
        raise PlanInputError([Problem(_(_NESTED).format(depth=MAX_DEPTH))], file=file) from exc
    except json.JSONDecodeError as exc:
        raise PlanInputError(
            [
                Problem(
                    _("invalid JSON: {problem}").format(problem=exc.msg),
                    line=exc.lineno,
                    column=exc.colno,
                )
            ],
            file=file,
        ) from exc
    if twice:
        raise PlanInputError(
            [
                Problem(
                    _(
                        "`{key}` is given twice in one object; JSON keeps only the last: keep one"
                    ).format(key=key)
                )
                for key in dict.fromkeys(twice)
            ],
            file=file,
        )
    _check_shape(data, file, {})
    return data


def _parse_yaml(text: str, file: Path) -> tuple[Any, dict[PathKey, int]]:
    try:
        # first the events alone (libyaml's parser keeps its own stack): depth, aliases and
        # their expanded size are checked before any recursive code builds the data
        _check_events(text, file)
        loader = PlanLoader(text)
        try:
            node = loader.get_single_node()  # one parse: the nodes give data and lines
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except RecursionError as exc:
        raise PlanInputError([Problem(_(_NESTED).format(depth=MAX_DEPTH))], file=file) from exc
    except yaml.MarkedYAMLError as exc:
        raise PlanInputError([_yaml_problem(exc, text)], file=file) from exc
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes of UTF-8, PyYAML's own reader characters
        position = exc.position
        if USES_LIBYAML:
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        before = text[:position]
        line, column = before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        problem = Problem(
            _(
                "contains the character {code}, which a plan cannot hold; remove it "
                "(it usually comes from copying out of another program) or pass "
                "--remove-invalid-chars"
            ).format(code=f"U+{ord(char):04X}"),
            line=line,
            column=column,
        )
        raise PlanInputError([problem], file=file) from exc
    except yaml.YAMLError as exc:
        raise PlanInputError(
            [Problem(_("invalid YAML: {problem}").format(problem=exc))], file=file
        ) from exc
    if node is None:
        raise PlanInputError([Problem(_(_EMPTY))], file=file)
    lines: dict[PathKey, int] = {}
    twice, pieces = _read_nodes(node, lines)
    if twice:
        raise PlanInputError(twice, file=file)
    for finding in pieces:
        warnings.warn(PlanWarning(finding), stacklevel=5)  # at the caller of load_plan
    return data, lines


def _pieces(node: yaml.SequenceNode, path: PathKey) -> list[tuple[int, Finding]]:
    """The warnings (each with its line) for one `[ ... ]` list: an item followed by pieces of
    it, items written without quotes that start in lower case (items, recipients and units
    start with a capital)."""
    found: list[tuple[int, Finding]] = []
    items = node.value
    n = 1
    while n < len(items):
        before = items[n - 1]
        if not (_is_piece(items[n]) and str(getattr(before, "value", ""))[:1].isalpha()):
            n += 1
            continue
        start, end = n - 1, n
        while end + 1 < len(items) and _is_piece(items[end + 1]):
            end += 1
        texts = [str(getattr(item, "value", "")) for item in items[start : end + 1]]
        message = _(
            "{items} are read as {count} items: in [ ... ] each comma starts a new item; if "
            'they are one, put it in quotes: "{joined}"'
        ).format(
            items=", ".join(f"`{text}`" for text in texts),
            count=len(texts),
            joined=", ".join(texts),
        )
        line = items[start].start_mark.line + 1
        where = "{field} · {line}".format(
            field=field_path((*path, start)), line=_("line {line}").format(line=line)
        )
        found.append((line, Finding("text", "warning", message, where=where)))
        n = end + 1
    return found


def _is_piece(item: yaml.Node) -> bool:
    """An item written without quotes (None, or "" from libyaml) that starts in lower case."""
    return isinstance(item, yaml.ScalarNode) and not item.style and item.value[:1].islower()


_EMPTY = N_("""is empty (it holds no fields, only blank lines or comments); a plan starts like this:
    issuers:
      - {name: SỞ Y TẾ, kind: state, abbreviation: SYT}
    place: Hà Nội
    date: 2024-05-06
    title: {summary: Phối hợp thực hiện nhiệm vụ năm 2024}
    signatures: [{signer: Nguyễn Văn A}]
(the examples folder holds whole plans; `planforge import` reads one out of a Word document)""")


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> Problem:
    """What to say of a YAML syntax error: the usual slips of a clerk (a tab, a text holding
    `: `) explained and fixed, anything else as the YAML reader words it."""
    mark = exc.problem_mark or exc.context_mark
    problem = str(exc.problem or exc.context)
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    if "nesting depth" in problem:  # libyaml's own limit, far above ours
        return Problem(_(_NESTED).format(depth=MAX_DEPTH), line=line)
    if mark is not None:
        rows = _LINE_BREAK.split(text)
        found = _tab_problem(problem, rows, mark.line, mark.column) or _colon_problem(
            problem, rows, mark.line, mark.column
        )
        if found is not None:
            return found
    return Problem(_("invalid YAML: {problem}").format(problem=problem), line=line, column=column)


def _indent(row: str) -> str:
    return row[: len(row) - len(row.lstrip(" \t"))]


def _tab_problem(problem: str, rows: list[str], row: int, column: int) -> Problem | None:
    """A tab where YAML wants spaces: located, with every line indented by one."""
    current = rows[row] if row < len(rows) else ""
    if current[column : column + 1] == "\t":
        at = (row, column)
    elif "\t" in _indent(current):
        at = (row, _indent(current).index("\t"))
    elif "tab" in problem:
        above = [n for n in range(min(row, len(rows) - 1), -1, -1) if "\t" in _indent(rows[n])]
        if not above:
            return None
        at = (above[0], _indent(rows[above[0]]).index("\t"))
    else:
        return None
    tabbed = [n + 1 for n, r in enumerate(rows) if "\t" in _indent(r)]
    others = [n for n in tabbed if n != at[0] + 1]
    also = ""
    if others:
        shown = ", ".join(str(n) for n in others[:10]) + (", ..." if len(others) > 10 else "")
        also = ngettext(
            " (line {lines} also starts with a tab)",
            " (lines {lines} also start with a tab)",
            len(others),
        ).format(lines=shown)
    return Problem(
        _(
            "the file uses a tab here, at the start of a line; YAML indents with spaces only: "
            "replace each tab at the start of a line with spaces, two for each level, lined up "
            "with the lines above{also}"
        ).format(also=also),
        line=at[0] + 1,
        column=at[1] + 1,
    )


# the start of a line of a block: indentation, list dashes, and a field name with its colon
_LINE_HEAD = re.compile(
    r"(?P<indent>[ ]*)(?P<dashes>(?:-[ ]+)*)(?:(?P<key>[a-z_][a-z0-9_]*)[ ]*:[ ]+)?(?P<value>.*)"
)
_FIELD_HEAD = re.compile(r"[ ]*(?:-[ ]+)*(?P<key>[a-z_][a-z0-9_]*)[ ]*:(?:[ ]|$)")


def _quoted(text: str) -> str:
    """*text* as a quoted YAML scalar (single quotes when it holds double ones)."""
    if '"' in text and "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shown_fix(line: str) -> str:
    line = line.strip()
    return line if len(line) <= 90 else line[:80] + ' ..."'


def _colon_problem(problem: str, rows: list[str], row: int, column: int) -> Problem | None:
    """A text holding `: ` that YAML took for a field: the line shown fixed (quoted)."""
    current = rows[row].rstrip() if row < len(rows) else ""
    at_colon = current[column : column + 1] == ":" and current[column + 1 : column + 2] in (" ", "")
    if "mapping values are not allowed" in problem:
        pass
    elif "did not find expected ','" in problem and at_colon and _open_flow(current[:column]):
        return _flow_colon_problem(current, row, column)
    else:
        return None
    head = _LINE_HEAD.fullmatch(current)
    if head is None:  # pragma: no cover - the pattern matches any line
        return None
    value = head["value"]
    comment = ""
    if " #" in value:
        value, _hash, rest = value.partition(" #")
        comment = " #" + rest
    if not head["dashes"] and not head["key"]:
        # the text goes on from a line above: name the field it belongs to
        field = next(
            (
                m["key"]
                for n in range(row - 1, -1, -1)
                if len(_indent(rows[n])) < len(head["indent"])
                and (m := _FIELD_HEAD.match(rows[n])) is not None
            ),
            "text",
        )
        return Problem(
            _(
                "the text holds `: ` (a colon and a space), which YAML reads as the start of a "
                "field; this text goes on over several lines: write `{field}: >-` and the text "
                "on the lines below it, indented (then `: ` is only text)"
            ).format(field=field),
            line=row + 1,
            column=column + 1,
        )
    if not value or value[0] in "\"'{[|>&*!%@`":
        return Problem(
            _(
                "the text holds `: ` (a colon and a space), which YAML reads as the start of a "
                "field: put the whole text in quotes, or write `>-` after the field's colon and "
                "the text on the next line, indented"
            ),
            line=row + 1,
            column=column + 1,
        )
    key = f"{head['key']}: " if head["key"] else ""
    fixed = f"{head['dashes']}{key}{_quoted(value.rstrip())}{comment}"
    return Problem(
        _(
            "the text holds `: ` (a colon and a space), which YAML reads as the start of a "
            "field: put the text in quotes, `{fixed}`, or write `>-` after the colon and the "
            "text on the next line, indented"
        ).format(fixed=_shown_fix(fixed)),
        line=row + 1,
        column=column + 1,
    )


def _open_flow(text: str) -> bool:
    """Whether *text* opens a `{...}` or `[...]` it does not close (quotes aside)."""
    plain = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", text)
    return plain.count("{") + plain.count("[") > plain.count("}") + plain.count("]")


def _flow_colon_problem(current: str, row: int, column: int) -> Problem:
    """A text holding `: ` inside `{...}` or `[...]`: that text shown quoted."""
    start = max(current.rfind(c, 0, column) for c in "{[,") + 1
    ends = [i for i in (current.find(c, column) for c in ",}]") if i >= 0]
    end = min(ends) if ends else len(current)
    segment = current[start:end]
    lead = segment[: len(segment) - len(segment.lstrip())]
    body = segment.strip()
    key = _FIELD_HEAD.match(body)
    keypart = body[: key.end()] if key is not None and key.end() < len(body) else ""
    value = body[len(keypart) :].strip()
    fixed = (
        current[:start] + lead + keypart + (" " if keypart and not keypart.endswith(" ") else "")
    )
    fixed += _quoted(value) + current[end:].rstrip()
    return Problem(
        _(
            "the text holds `: ` (a colon and a space), which YAML reads as the start of a "
            "field: put the text in quotes, `{fixed}`"
        ).format(fixed=_shown_fix(fixed)),
        line=row + 1,
        column=column + 1,
    )


def _check_events(text: str, file: Path) -> None:
    """Refuse YAML nested deeper than any plan, holding itself, or expanding (through its
    aliases) to more values than any plan has; read as events, with no recursion."""
    loader = PlanLoader(text)
    try:
        depth = 0
        expanded = 0
        opened: list[tuple[str | None, int]] = []  # anchor and count at each open collection
        sizes: dict[str, int] = {}
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                expanded += 1
                if depth > MAX_DEPTH:
                    raise PlanInputError(
                        [Problem(_(_NESTED).format(depth=MAX_DEPTH), line=line)],
                        file=file,
                    )  # fmt: skip
                opened.append((event.anchor, expanded))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                anchor, start = opened.pop()
                if anchor is not None:
                    sizes[anchor] = expanded - start + 1
            elif isinstance(event, yaml.ScalarEvent):
                expanded += 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _start in opened):
                    raise PlanInputError(
                        [Problem(_("refers to itself (a YAML alias inside its own anchor)"),
                                 line=line)],
                        file=file,
                    )  # fmt: skip
                expanded += sizes.get(event.anchor or "", 1)
            if expanded > MAX_VALUES:
                raise PlanInputError(
                    [
                        Problem(
                            _(
                                "expands to more than {count:,} values through its aliases "
                                "(`*name`), far more than any plan; write the values out, or "
                                "use fewer aliases"
                            ).format(count=MAX_VALUES),
                            line=line,
                        )
                    ],
                    file=file,
                )
    finally:
        loader.dispose()


def _read_nodes(root: yaml.Node, lines: dict[PathKey, int]) -> tuple[list[Problem], list[Finding]]:
    """In one walk of the nodes (iterative, each node once: aliases may form cycles): the
    line of every field path; a problem for each field given twice in one mapping; and a
    warning for each item of a `[ ... ]` list followed by items that look like its rest (in
    `[Các sở, ban, ngành]` YAML reads three items, where Vietnamese reads one)."""
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    seen: set[int] = set()
    twice: list[Problem] = []
    pieces: list[tuple[int, Finding]] = []
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen or len(path) > MAX_DEPTH:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, message in keys_twice(node):
                line = key_node.start_mark.line + 1
                field = field_path((*path, key_of(key_node)))
                twice.append(Problem(message, field=field, line=line))
            for key_node, value_node in node.value:
                key = key_of(key_node)
                lines[(*path, key)] = key_node.start_mark.line + 1
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, (*path, n)) for n, child in enumerate(node.value))
            # (the lines of one text, `summary: [thực hiện ..., giữa ...]`, may go on in
            # lower case: only lists of items are looked at)
            if node.flow_style and not (path and path[-1] in line_fields()):
                pieces.extend(_pieces(node, path))
    by_line = [finding for _line, finding in sorted(pieces, key=lambda pair: pair[0])]
    return sorted(twice, key=lambda problem: problem.line or 0), by_line


def _check_shape(data: Any, file: Path, lines: Mapping[PathKey, int]) -> None:
    """Refuse data nested deeper than any plan is, or holding itself (a YAML alias cycle)."""
    stack: list[tuple[Any, PathKey, frozenset[int]]] = [(data, (), frozenset())]
    while stack:
        value, path, above = stack.pop()
        if not isinstance(value, (dict, list)):
            continue
        if id(value) in above:
            raise PlanInputError(
                [
                    Problem(
                        _("refers to itself (a YAML alias inside its own anchor)"),
                        field=field_path(path),
                        line=_nearest_line(path, lines),
                    )
                ],
                file=file,
            )
        if len(path) > MAX_DEPTH:
            raise PlanInputError(
                [
                    Problem(
                        _(_NESTED).format(depth=MAX_DEPTH),
                        field=field_path(path[:MAX_DEPTH]),
                        line=_nearest_line(path, lines),
                    )
                ],
                file=file,
            )
        inner = above | {id(value)}
        children = value.items() if isinstance(value, dict) else enumerate(value)
        stack.extend((child, (*path, key), inner) for key, child in children)
