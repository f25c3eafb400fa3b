"""click's own messages (usage errors, help headings) in the language of planforge's messages."""

from __future__ import annotations

import gettext
import importlib
from collections.abc import Sequence

from . import _i18n
from ._i18n import N_

__all__ = [
    "CLICK_MESSAGES",
    "CLICK_MODULES",
    "CLICK_PLURAL_MESSAGES",
    "language_in_args",
    "translate_click",
]

#: The click modules that build their messages with the stdlib's `gettext` (bound as their
#: globals `_` and `ngettext`); `click._winconsole` does too, but exists only on Windows.
CLICK_MODULES = (
    "click._termui_impl",
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
)

#: click's messages (click 8.5), marked for planforge's catalogs: click asks for them itself.
CLICK_MESSAGES = (
    # click._termui_impl
    N_("d"),  # days in the time a progress bar has left: `2d 03:04:05`
    N_("{editor}: Editing failed"),
    N_("{editor}: Editing failed: {e}"),
    # click.core
    N_("Aborted!"),
    N_("deprecated"),
    N_("Options"),
    N_("Positional arguments"),
    N_("DeprecationWarning: The command {name!r} is deprecated.{extra_message}"),
    N_("Commands"),
    N_("Missing command."),
    N_("Value must be an iterable."),
    N_("DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}"),
    N_("Name '{name}' defined twice"),
    N_("Boolean option {decl!r} cannot use the same flag for true/false."),
    N_("Could not determine name for option with declarations {decls!r}"),
    N_(
        "No options defined but a name was passed ({name}). Did you mean to declare an argument "
        "instead? Did you mean to pass '--{name}'?"
    ),
    N_("env var: {var}"),
    N_("default: {default}"),
    N_("required"),  # `_(extra["required"])`: a msgid pybabel cannot see in click's code
    N_("(dynamic)"),
    N_("Arguments take exactly one parameter declaration, got {length}: {decls}."),
    # click.decorators
    N_("Do you want to continue?"),
    N_("Confirm the action without prompting."),
    N_("%(prog)s, version %(version)s"),
    N_("Show the version and exit."),
    N_("Show this message and exit."),
    # click.exceptions
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("unknown error"),
    N_("Could not open file {filename!r}: {message}"),
    # click.formatting
    N_("Usage:"),
    # click.parser
    N_("Invalid start character for option ({option})"),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Option {name!r} does not take a value."),
    # click.shell_completion
    N_("Shell completion is not supported for Bash versions older than 4.4."),
    N_("Couldn't detect Bash version, shell completion is not supported."),
    # click.termui
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
    N_("Unknown color {colour!r}"),
    N_("Press any key to continue..."),
    # click.types
    N_("Choose from:\n\t{choices}"),
    N_("Choice({choices})"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{value!r} is not a valid UUID."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not executable."),
    # click.utils
    N_("Unknown standard stream '{name}'"),
)


def _plural_messages() -> tuple[tuple[str, str], ...]:
    # this `ngettext` only marks each pair for pybabel, as N_ marks one message, and gives it
    # back as written: click asks for the form its count needs (see translate_click)
    def ngettext(singular: str, plural: str) -> tuple[str, str]:
        return singular, plural

    return (
        # click.core
        ngettext(
            "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"
        ),
        ngettext(
            "Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."
        ),
        # click.exceptions
        ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
        # click.parser
        ngettext(
            "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."
        ),
        # click.types
        ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
        ngettext(
            "{value!r} does not match the format {format}.",
            "{value!r} does not match the formats {formats}.",
        ),
        ngettext(
            "{len_type} values are required, but {len_value} was given.",
            "{len_type} values are required, but {len_value} were given.",
        ),
    )


#: click's messages with a plural form, as `(singular, plural)`.
CLICK_PLURAL_MESSAGES = _plural_messages()


def translate_click() -> None:
    """Make click speak the language of planforge's messages: its modules' `_`/`gettext` and
    `ngettext` (the stdlib's, which finds no catalog for click) become planforge's, which
    translate with planforge's catalog in the current language and give click's English for
    a message the catalog does not have. Only a global that is still the stdlib's function is
    replaced, so calling this again changes nothing, and a click that translates some other
    way is left as it is."""
    replacements = (
        ("_", gettext.gettext, _i18n._),
        ("gettext", gettext.gettext, _i18n._),
        ("ngettext", gettext.ngettext, _i18n.ngettext),
    )
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a click without this module: nothing of it to translate
            continue
        for attribute, stdlib, ours in replacements:
            if getattr(module, attribute, None) is stdlib:
                setattr(module, attribute, ours)


def language_in_args(args: Sequence[str]) -> str | None:
    """The language a `--lang LANG` (or `--lang=LANG`) among command-line *args* asks for,
    the last one winning as in click; None without one (or with a language planforge has no
    messages in: click refuses it then). Read before click parses *args*, so that click's
    errors about the other arguments, made before --lang is processed, speak it too."""
    chosen = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    return chosen if chosen in _i18n.LANGUAGES else None
