"""Messages in Vietnamese: every message of the code has its translation, and the language is
the one the locale or `--lang` asks for."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from planforge import _i18n
from planforge._i18n import (
    LANGUAGES,
    _,
    current_language,
    language_from_environment,
    ngettext,
    set_language,
    using_language,
)

from .conftest import ROOT

PACKAGE = ROOT / "planforge"
CATALOGS = {lang: PACKAGE / "locale" / lang / "LC_MESSAGES" / "planforge.po" for lang in LANGUAGES}
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
_FIELD = re.compile(r"\{[^{}]*\}")
_OPTION = re.compile(r"\b[a-z][a-z_]*=True\b")
_GETTEXT_CALLS = {"_", "N_", "ngettext"}


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def extracted() -> dict[str, list[str]]:
    """msgid → where it is, for every message the code marks, as `pybabel extract` finds them
    with the mapping in pyproject.toml."""
    found: dict[str, list[str]] = {}
    # pybabel skips folders named `_...` unless given (scripts/messages.sh names them): every one
    for folder in [
        PACKAGE,
        *(p for p in PACKAGE.rglob("_*") if p.is_dir() and p.name != "__pycache__"),
    ]:
        for filename, line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=[("*.py", "python")], keywords=DEFAULT_KEYWORDS
        ):
            found.setdefault(_key(message), []).append(f"{folder.name}/{filename}:{line}")
    return found


def catalog(language: str) -> Catalog:
    with CATALOGS[language].open("rb") as file:
        return read_po(file, abort_invalid=True)


def test_messages_are_marked_in_the_code() -> None:
    # the catalogs hold hundreds of messages: a regression that unwraps them all would not hide
    assert len(extracted()) > 300


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_its_translation(language: str) -> None:
    messages = {_key(m.id): m for m in catalog(language) if m.id}
    code = extracted()
    missing = sorted(
        f"{places[0]}: {msgid!r}" for msgid, places in code.items() if msgid not in messages
    )
    unfinished = sorted(
        repr(msgid)
        for msgid, m in messages.items()
        if msgid in code
        and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    )
    stale = sorted(repr(msgid) for msgid in messages if msgid not in code)
    assert not missing, "messages without a translation (run scripts/messages.sh):\n" + "\n".join(
        missing
    )
    assert not unfinished, "translations left empty or fuzzy:\n" + "\n".join(unfinished)
    assert not stale, "translations of messages the code no longer has:\n" + "\n".join(stale)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_fields_options_and_nfc(language: str) -> None:
    wrong = []
    for m in catalog(language):
        if not m.id:
            continue
        source = _key(m.id)
        for text in m.string if isinstance(m.string, tuple) else (m.string,):
            if sorted(set(_FIELD.findall(text))) != sorted(set(_FIELD.findall(source))):
                wrong.append(f"fields differ: {source!r} → {text!r}")
            if sorted(_OPTION.findall(text)) != sorted(_OPTION.findall(source)):
                wrong.append(f"options (x=True) differ: {source!r} → {text!r}")
            if unicodedata.normalize("NFC", text) != text:
                wrong.append(f"not NFC: {text!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_header_says_its_language_and_plural_forms(language: str) -> None:
    messages = catalog(language)
    assert str(messages.locale) == language
    assert messages.num_plurals == 1  # Vietnamese: one form


def test_gettext_calls_take_literals_only() -> None:
    """babel extracts only literal strings: `_(f"...")` or `_(variable)` would never be
    translated (a table marked with N_ is translated with `_(TABLE[key])`, which this allows
    only where the value was marked)."""
    wrong = []
    for module in PACKAGE.rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in _GETTEXT_CALLS
            ):
                continue
            literal_args = node.args[:2] if node.func.id == "ngettext" else node.args[:1]
            for arg in literal_args:
                if isinstance(arg, ast.JoinedStr) or (
                    node.func.id == "N_" and not isinstance(arg, ast.Constant)
                ):
                    wrong.append(f"{module.relative_to(ROOT)}:{node.lineno}")
    assert not wrong, "gettext calls with a computed message:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "vi_VN"}, "vi"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
        ({"LC_ALL": "C", "LANG": "vi_VN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "vi_VN.UTF-8", "LANG": "C"}, "vi"),
        ({"LANGUAGE": "fr:vi", "LANG": "C"}, "vi"),
        ({"LANGUAGE": "en:vi", "LANG": "vi_VN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr", "LANG": "vi_VN.UTF-8"}, "vi"),
        ({}, "en"),
    ],
)
def test_the_language_comes_from_the_locale_as_gettext_reads_it(
    environ: dict[str, str], language: str
) -> None:
    assert language_from_environment(environ) == language


def test_set_language_refuses_a_language_without_messages() -> None:
    with pytest.raises(ValueError, match="the languages are en, vi"):
        set_language("fr")


def test_using_language_restores_the_one_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    set_language(None)
    assert current_language() == "en"
    with using_language("vi_VN"):
        assert current_language() == "vi"
        with using_language("en"):
            assert current_language() == "en"
        assert current_language() == "vi"
    assert current_language() == "en"
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    assert current_language() == "vi"  # no choice made: the environment decides, when asked


def test_a_message_reads_in_vietnamese_and_keeps_its_fields() -> None:
    message = next(
        _key(m.id) for m in catalog("vi") if m.id and "{" in _key(m.id) and not m.pluralizable
    )
    with using_language("vi"):
        translated = _(message)
    assert translated != message
    assert set(_FIELD.findall(translated)) == set(_FIELD.findall(message))
    assert _(message) == message  # English is the code's own text


def test_plural_forms_in_english_and_vietnamese() -> None:
    assert ngettext("{count} file", "{count} files", 1) == "{count} file"
    assert ngettext("{count} file", "{count} files", 2) == "{count} files"


def test_the_compiled_catalog_is_read_when_it_is_current(tmp_path: Path) -> None:
    """The build compiles .po to .mo (hatch_build.py); a .mo older than its .po (a catalog
    being edited in a checkout) is not trusted: the .po is read instead."""
    import os
    import shutil

    from babel.messages.mofile import write_mo

    folder = tmp_path / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    source = folder / "planforge.po"
    shutil.copy(CATALOGS["vi"], source)
    messages = catalog("vi")
    message = next(m for m in messages if m.id and not m.pluralizable)
    message.string = "BẢN ĐÃ DỊCH CŨ"
    with (folder / "planforge.mo").open("wb") as file:
        write_mo(file, messages)
    old = source.stat().st_mtime
    original_dir = _i18n.LOCALE_DIR
    try:
        _i18n.LOCALE_DIR = tmp_path
        os.utime(folder / "planforge.mo", (old + 10, old + 10))
        _i18n.catalog.cache_clear()
        assert _i18n.catalog("vi").gettext(_key(message.id)) == "BẢN ĐÃ DỊCH CŨ"
        os.utime(folder / "planforge.mo", (old - 10, old - 10))
        _i18n.catalog.cache_clear()
        assert _i18n.catalog("vi").gettext(_key(message.id)) != "BẢN ĐÃ DỊCH CŨ"
    finally:
        _i18n.LOCALE_DIR = original_dir
        _i18n.catalog.cache_clear()


def test_no_function_hides_the_translation_function() -> None:
    """`for _, x in ...` or `a, _ = ...` makes `_` a local name of the whole function: a
    `_("...")` in it then fails at run time, in whichever message path the tests missed."""
    wrong = []
    for module in PACKAGE.rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            calls = any(
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                for node in ast.walk(function)
            )
            binds = any(
                isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
                for node in ast.walk(function)
            ) or any(isinstance(node, ast.arg) and node.arg == "_" for node in ast.walk(function))
            if calls and binds:
                wrong.append(f"{module.relative_to(ROOT)}:{function.lineno}")
    assert not wrong, "functions that both bind `_` and call `_()`:\n" + "\n".join(wrong)


def test_numbers_in_messages_are_written_as_the_language_writes_them() -> None:
    from planforge._i18n import decimal, using_language

    with using_language("vi"):
        assert decimal(1234.5, 2) == "1234,50" and decimal(30.94, 1) == "30,9"
    with using_language("en"):
        assert decimal(1234.5, 2) == "1234.50" and decimal(0.0, 0) == "0"
