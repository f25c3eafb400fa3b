"""click's own messages (usage errors, `--help` headings) in the language of planforge's
messages: Vietnamese with `LANG=vi_VN.UTF-8` or `--lang vi`, click's English otherwise."""

from __future__ import annotations

import gettext
import importlib
import os
import subprocess
import sys
import types

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from click.testing import CliRunner, Result

from planforge import _cli, _i18n
from planforge._click_i18n import (
    CLICK_MESSAGES,
    CLICK_MODULES,
    CLICK_PLURAL_MESSAGES,
    translate_click,
)

from .conftest import ROOT

# only LANG speaks: a LC_ALL, LC_MESSAGES or LANGUAGE of the machine would outvote it
_UNSET: dict[str, str | None] = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
VIETNAMESE = {**_UNSET, "LANG": "vi_VN.UTF-8"}
ENGLISH = {**_UNSET, "LANG": "C.UTF-8"}


def generate(*args: str, env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(_cli.generate_plan, list(args), env=env, prog_name="generate-plan")


def planforge(*args: str, env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(_cli.planforge, list(args), env=env, prog_name="planforge")


# -- the messages --------------------------------------------------------------------------------


def test_every_message_of_the_installed_click_is_listed() -> None:
    """A click that adds or rewords a message shows it here: list it in _click_i18n and
    translate it (scripts/messages.sh)."""
    listed = set(CLICK_MESSAGES) | set(CLICK_PLURAL_MESSAGES)
    unlisted = []
    for name in CLICK_MODULES:
        source = importlib.import_module(name).__file__
        assert source is not None
        for line, message, _comments, _context in extract_from_file(
            "python", source, keywords=DEFAULT_KEYWORDS
        ):
            if message not in listed:
                unlisted.append(f"{name}:{line}: {message!r}")
    assert not unlisted, "click's messages missing from planforge/_click_i18n.py:\n" + "\n".join(
        unlisted
    )


def test_click_asks_planforge_for_its_messages() -> None:
    import click.core
    import click.exceptions
    import click.types

    assert click.core._ is _i18n._
    assert click.core.ngettext is _i18n.ngettext
    assert click.exceptions.ngettext is _i18n.ngettext
    assert click.types._ is _i18n._


def test_translate_click_replaces_only_the_stdlibs_gettext(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import click.formatting
    import click.parser

    def own(message: str) -> str:
        return message

    monkeypatch.setattr(click.parser, "_", own)  # a click that translates its own way
    monkeypatch.setattr(click.formatting, "_", gettext.gettext)  # as click imports it
    translate_click()
    translate_click()  # again: nothing more changes
    assert click.parser._ is own
    assert click.formatting._ is _i18n._
    assert click.core._ is _i18n._


def test_a_message_the_catalog_lacks_stays_clicks_english() -> None:
    import click.core

    with _i18n.using_language("vi"):
        assert click.core._("Options") == "Tùy chọn"
        assert click.core._("A message of a newer click.") == "A message of a newer click."
        assert click.core.ngettext("{n} new thing", "{n} new things", 2) == "{n} new things"


# -- in Vietnamese -------------------------------------------------------------------------------


def test_an_unknown_option_in_vietnamese() -> None:
    result = generate("--no-such-option", env=VIETNAMESE)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "Cách dùng: generate-plan [TÙY CHỌN] PLAN...",
        "Hãy chạy 'generate-plan --help' để xem hướng dẫn.",
    ]
    assert "Lỗi: Không có tùy chọn '--no-such-option'." in result.stderr
    assert "Usage" not in result.stderr and "Error" not in result.stderr


def test_a_missing_argument_in_vietnamese() -> None:
    result = generate(env=VIETNAMESE)
    assert result.exit_code == 2
    assert "Lỗi: Còn thiếu đối số 'PLAN...'." in result.stderr
    assert "Cách dùng: generate-plan" in result.stderr


def test_a_bad_choice_in_vietnamese() -> None:
    result = planforge("new", "x.yaml", "--kind", "foo", env=VIETNAMESE)
    assert result.exit_code == 2
    assert (
        "Lỗi: Giá trị không hợp lệ cho '--kind': 'foo' không thuộc các lựa chọn "
        "'state', 'party', 'joint'."
    ) in result.stderr
    assert "Hãy chạy 'planforge new --help' để xem hướng dẫn." in result.stderr


def test_an_unknown_command_and_an_option_without_its_value_in_vietnamese() -> None:
    result = planforge("nosuchcommand", env=VIETNAMESE)
    assert result.exit_code == 2
    assert "Lỗi: Không có lệnh 'nosuchcommand'." in result.stderr
    result = generate("plan.yaml", "--profile", env=VIETNAMESE)
    assert result.exit_code == 2
    assert "Lỗi: Tùy chọn '--profile' cần có đối số." in result.stderr


def test_help_headings_in_vietnamese() -> None:
    result = planforge("--help", env=VIETNAMESE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Cách dùng: planforge [TÙY CHỌN] LỆNH [THAM SỐ]...")
    assert "Tùy chọn:" in lines and "Lệnh:" in lines
    result = generate("--help", env=VIETNAMESE)
    assert "[mặc định: 1; 1<=x<=64]" in " ".join(result.stdout.split())  # -j, --jobs


def test_help_of_a_new_process_in_vietnamese() -> None:
    """The help of `--help` and `--version` is made once, when first needed (`--version`:
    when the commands are built): a process started in Vietnamese has them in Vietnamese."""
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    env["LANG"] = "vi_VN.UTF-8"
    shown = subprocess.run(
        [sys.executable, "-m", "planforge", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        check=True,
    ).stdout
    assert "Hiện hướng dẫn này rồi thoát." in shown
    assert "Hiện phiên bản rồi thoát." in shown


# -- in English ----------------------------------------------------------------------------------


def test_click_speaks_its_english_otherwise() -> None:
    result = generate("--no-such-option", env=ENGLISH)
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: generate-plan [OPTIONS] PLAN...\n"
        "Try 'generate-plan --help' for help.\n"
        "\n"
        "Error: No such option '--no-such-option'.\n"
    )
    result = generate(env=ENGLISH)
    assert "Error: Missing argument 'PLAN...'." in result.stderr
    result = planforge("new", "x.yaml", "--kind", "foo", env=ENGLISH)
    assert (
        "Error: Invalid value for '--kind': 'foo' is not one of 'state', 'party', 'joint'."
    ) in result.stderr
    result = planforge("--help", env=ENGLISH)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Usage: planforge [OPTIONS] COMMAND [ARGS]...")
    assert "Options:" in lines and "Commands:" in lines


# -- with --lang ---------------------------------------------------------------------------------


def test_lang_vi_before_a_bad_choice_speaks_vietnamese_in_the_message() -> None:
    # --lang is read first (eager), so the value's message is built in Vietnamese
    result = planforge("--lang", "vi", "new", "x.yaml", "--kind", "foo", env=ENGLISH)
    assert result.exit_code == 2
    assert "'foo' không thuộc các lựa chọn 'state', 'party', 'joint'." in result.stderr


def test_lang_vi_help_headings() -> None:
    result = planforge("--lang", "vi", "--help", env=ENGLISH)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Cách dùng: planforge")
    assert "Tùy chọn:" in lines and "Lệnh:" in lines


@pytest.mark.parametrize(
    "args",
    [
        ("--lang", "vi", "--no-such-option"),
        ("--lang", "vi"),  # a missing argument
    ],
)
def test_lang_vi_usage_errors_in_vietnamese(args: tuple[str, ...]) -> None:
    result = generate(*args, env=ENGLISH)
    assert result.exit_code == 2
    assert "Cách dùng: generate-plan" in result.stderr
    assert "Lỗi: " in result.stderr


def test_no_click_module_is_left_with_the_stdlibs_gettext() -> None:
    for name in CLICK_MODULES:
        module: types.ModuleType = importlib.import_module(name)
        for attribute in ("_", "gettext", "ngettext"):
            assert getattr(module, attribute, None) not in (gettext.gettext, gettext.ngettext), (
                f"{name}.{attribute}"
            )
