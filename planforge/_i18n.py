"""Messages in the reader's language: English as written in the code, Vietnamese from catalogs."""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "_",
    "current_language",
    "decimal",
    "language_from_environment",
    "ngettext",
    "set_language",
    "using_language",
]

#: The gettext domain: `planforge/locale/<lang>/LC_MESSAGES/planforge.po` (and its `.mo`).
DOMAIN = "planforge"
#: The languages messages are written in: English in the code, the others in catalogs.
LANGUAGES = ("en", "vi")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# One language for the whole process, not a context variable: the threads of an executor
# must speak the language the command was given; worker processes are told it explicitly.
_chosen: str | None = None


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for, as gettext reads it: the first of `LANGUAGE`,
    `LC_ALL`, `LC_MESSAGES` and `LANG` that is set (`vi_VN.UTF-8` → `vi`); English otherwise."""
    environ = os.environ if environ is None else environ
    for entry in environ.get("LANGUAGE", "").split(":"):
        # a priority list: the first language we have messages in wins
        if _code(entry) in LANGUAGES:
            return _code(entry)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(variable):
            code = _code(environ[variable])
            return code if code in LANGUAGES else "en"  # C, POSIX, fr_FR: the code's English
    return "en"


def _code(locale: str) -> str:
    return locale.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()


def normalise_language(language: str) -> str:
    """`vi`, `vi_VN`, `vi-VN.UTF-8` → `vi`; a ValueError naming the choices for others."""
    code = _code(language)
    if code not in LANGUAGES:
        raise ValueError(f"no messages in {language!r}; the languages are {', '.join(LANGUAGES)}")
    return code


def set_language(language: str | None) -> None:
    """Speak *language* (`"vi"` or `"en"`) in every message from now on; None goes back to
    the locale of the environment (`LANG=vi_VN.UTF-8` → Vietnamese)."""
    global _chosen
    _chosen = None if language is None else normalise_language(language)


def current_language() -> str:
    """The language messages are written in now."""
    return _chosen if _chosen is not None else language_from_environment()


@contextmanager
def using_language(language: str | None) -> Iterator[None]:
    """Speak *language* inside the block (documents generated for the repository: English)."""
    global _chosen
    before = _chosen
    set_language(language)
    try:
        yield
    finally:
        _chosen = before


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The messages of *language*: its compiled `.mo` (made by the build), or its `.po` read
    directly when the `.mo` is missing or older (a source checkout being edited)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    compiled, source = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if compiled.is_file() and (
        not source.is_file() or compiled.stat().st_mtime >= source.stat().st_mtime
    ):
        with compiled.open("rb") as file:
            return gettext.GNUTranslations(file)
    if source.is_file():
        return _read_po(source)
    return gettext.NullTranslations()


def _read_po(path: Path) -> gettext.NullTranslations:
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        messages = read_po(file)
    buffer = BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """*message* (English, with `{name}` fields to `.format`) in the current language."""
    language = current_language()
    if language == "en":
        return message
    return catalog(language).gettext(message)


def decimal(value: float, digits: int) -> str:
    """*value* with *digits* decimals, as the current language writes numbers (`0.25` in
    English, `0,25` in Vietnamese)."""
    from babel.numbers import format_decimal

    pattern = "0." + "0" * digits if digits else "0"
    return str(format_decimal(value, format=pattern, locale=current_language()))


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for *count* things, in the current language."""
    language = current_language()
    if language == "en":
        return singular if count == 1 else plural
    return catalog(language).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks *message* for the catalogs where it is defined (a table made at import time);
    `_()` translates it where it is shown."""
    return message
