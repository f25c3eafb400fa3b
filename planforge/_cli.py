"""Command-line adapter: parse arguments, call the API, report errors in one place."""

from __future__ import annotations

import json
import sys
import tempfile
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ._audit import audit_report
from ._bulk import PlanSource, RenderReport, _is_collection, collect_sources, render_plans
from ._click_i18n import language_in_args, translate_click
from ._context import template_context
from ._errors import (
    OutputError,
    PlanforgeError,
    PlanInputError,
    PlanWarning,
    Problem,
    with_flags,
)
from ._findings import Finding
from ._i18n import N_, _, ngettext, using_language
from ._loading import load_plan
from ._models import Plan
from ._output import refuse_existing, write_atomic
from ._pdf import convert_to_pdf
from ._preview import preview_pages
from ._profiles import Profile, builtin_profiles, load_profile, resolve_profile
from ._render import Renderer, RenderResult, read_template
from ._rules import plan_findings, raise_for_errors
from ._schema import schema_text, starter_kinds, starter_plan
from ._version import __version__

# before the commands are built: click's own messages (usage errors, help headings) then
# speak the language of planforge's messages
translate_click()

__all__ = ["generate_plan_main", "planforge_main"]

T = TypeVar("T")

_PLAN_ARG = click.Path(dir_okay=False, path_type=Path)


def _out(text: str, *, one_line: bool = False) -> str:
    """Text for the terminal: Rich markup escaped, and control characters (escape sequences,
    bidi overrides, and line breaks in names when *one_line*) shown as codes, so that a name
    from input can neither move the cursor nor fake a line of output."""
    shown = "".join(
        c
        if (c in "\n\t" and not one_line)
        or unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Cs")
        else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in text
    )
    return escape(shown)


#: Severity words as printed (a finding's `severity` keeps its English value).
_SEVERITY = {"error": N_("error"), "warning": N_("warning")}


def _severity(word: str) -> str:
    """*word* (`error`, `warning`) in the language of the messages, escaped for Rich."""
    return _out(_(_SEVERITY[word]) if word in _SEVERITY else word)


def _context(finding: Finding, *, one_line: bool = False) -> str:
    """The text around a finding, on a line of its own (`  in: ...`); nothing without it."""
    if not finding.context:
        return ""
    return "\n  " + _out(_("in: {context}").format(context=finding.context), one_line=one_line)


def _stderr() -> Console:
    # made per call: tests swap sys.stderr, and a terminal may come and go
    # no emoji codes: an unknown field `:a:` is shown as typed
    return Console(file=sys.stderr, highlight=False, soft_wrap=True, emoji=False)


@contextmanager
def _reported(debug: bool) -> Iterator[None]:
    """The one place errors become messages and exit statuses; warnings are printed too."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlanWarning)
        try:
            yield
        except PlanforgeError as exc:
            _print_warnings(caught)
            if debug:
                raise
            _stderr().print(f"[bold red]{_severity('error')}:[/] {_out(exc.for_command_line())}")
            raise click.exceptions.Exit(exc.exit_code) from exc
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            _print_warnings(caught)
            if debug:
                raise
            text = _(
                "unexpected failure: {kind}: {message}\n"
                "(run again with --debug for the traceback, and report it)"
            ).format(kind=type(exc).__name__, message=str(exc))
            _stderr().print(f"[bold red]{_severity('error')}:[/] {_out(text)}")
            raise click.exceptions.Exit(1) from exc
    _print_warnings(caught)


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        if isinstance(w.message, PlanWarning):
            _print_findings([w.message.finding])
        else:
            _stderr().print(f"[yellow]{_severity('warning')}:[/] {_out(str(w.message))}")


def _finding_line(finding: Finding, label: str = "", *, check: bool = False) -> str:
    """One finding as a line: `warning: signatures[1]: ... [source]`, coloured by severity;
    a finding of the audit of a rendered document says so (`check: error: [margins] ...`)."""
    colour = "bold red" if finding.is_error else "yellow"
    where = f"{finding.where}: " if finding.where else ""
    source = f" [{finding.source}]" if finding.source else ""
    head = f"{_out(label, one_line=True)}: " if label else ""
    rule = f"[{finding.rule}] " if check else ""
    text = head + _out(rule + where + finding.message + source, one_line=True)
    audited = _out(_("check:")) + " " if check else ""
    return f"{audited}[{colour}]{_severity(finding.severity)}:[/] {text}"


def _print_findings(findings: list[Finding] | tuple[Finding, ...], *, check: bool = False) -> None:
    console = _stderr()
    for finding in findings:
        console.print(_finding_line(finding, check=check))


class ProfileParam(click.ParamType):  # type: ignore[type-arg]
    """`--profile NAME|FILE`: a built-in profile's name or a profile file, loaded once when
    the command line is read (a bad one is a usage error, exit status 2)."""

    name = "profile"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Profile):
            return value
        try:
            return load_profile(value)
        except PlanforgeError as exc:
            self.fail(str(exc), param, ctx)


class _ShownHelp:
    """The help of a command or parameter, written in English and marked with `N_` where it is
    given, shown in the language of the messages: translated each time click reads it (the
    usage, the help page, a group's list of commands), since the language is chosen for each
    run, after the commands are built. `help_fields` fill its `{name}` fields after that."""

    help_msgid: str | None = None
    help_fields: dict[str, str] | None = None

    @property
    def help(self) -> str | None:
        if not self.help_msgid:
            return self.help_msgid
        text = _(self.help_msgid)
        return text.format(**self.help_fields) if self.help_fields else text

    @help.setter
    def help(self, text: str | None) -> None:
        self.help_msgid = text


class _Option(_ShownHelp, click.Option):
    """An option of planforge's commands (made by `_option`)."""

    def __init__(self, *args: Any, help_fields: dict[str, str] | None = None, **attrs: Any) -> None:
        super().__init__(*args, **attrs)
        self.help_fields = help_fields


class _Argument(_ShownHelp, click.Argument):
    """An argument of planforge's commands (made by `_argument`)."""


class _Command(_ShownHelp, click.Command):
    """A command of planforge: the commands of `planforge` (its `command_class`) and their base."""

    # the usage line's `[OPTIONS]`, in the language of the run (click sets it when the
    # command is made, before any language is chosen)
    @property
    def options_metavar(self) -> str:
        return _("[OPTIONS]")

    @options_metavar.setter
    def options_metavar(self, value: str | None) -> None:
        pass

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click makes `--help` once, its help in the language of that first run: said again
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


class _Group(_Command, click.Group):
    """A group of planforge's commands, whose commands are `_Command`s."""

    command_class = _Command

    @property
    def subcommand_metavar(self) -> str:
        return _("COMMAND [ARGS]...")

    @subcommand_metavar.setter
    def subcommand_metavar(self, value: str | None) -> None:
        pass


def _option(*decls: str, **attrs: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """`click.option` with its help shown in the language of the messages."""
    return click.option(*decls, cls=_Option, **attrs)


def _argument(*decls: str, **attrs: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """`click.argument` with its help (if given) shown in the language of the messages."""
    return click.argument(*decls, cls=_Argument, **attrs)


_version_option = click.version_option(
    __version__, prog_name="planforge", cls=_Option, help=N_("Show the version and exit.")
)


def _profile_option(
    help_text: str, **fields: str
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    return _option(
        "--profile",
        type=ProfileParam(),
        metavar="NAME|FILE",
        help=help_text,
        help_fields=fields or None,
    )


def _errors_text(count: int) -> str:
    """`1 error`, `3 errors`, in the language of the messages."""
    return ngettext("{count} error", "{count} errors", count).format(count=count)


def _warnings_text(count: int) -> str:
    return ngettext("{count} warning", "{count} warnings", count).format(count=count)


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # eager: chosen before the other arguments are read, so that their errors speak it too;
    # a resource of the context: it ends with the command (see _LanguageCommand)
    if value is not None and not ctx.resilient_parsing:
        ctx.with_resource(using_language(value))


_lang_option = _option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    is_eager=True,
    expose_value=False,
    callback=_choose_language,
    help=N_(
        "language of messages: vi (tiếng Việt) or en; default: from the locale, "
        "LANG=vi_VN.UTF-8 gives Vietnamese"
    ),
)


class _LanguageFirst:
    """A command whose `--lang` speaks from the start: click refuses an unknown option before
    any option is processed, and writes the usage and `Error:` lines of a usage error after
    the command's context has ended."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        language = language_in_args(sys.argv[1:] if args is None else args)
        with nullcontext() if language is None else using_language(language):
            return super().main(args, *rest, **extra)  # type: ignore[misc]


class _LanguageCommand(_LanguageFirst, _Command):
    """A command with `--lang` (given it when it has none): the language it chose ends with
    it, even when its arguments are refused (click does not close a context whose arguments
    failed to parse)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any(param.name == "lang" for param in self.params):
            _lang_option(self)  # `planforge check X --lang vi`, as `planforge --lang vi check X`

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except BaseException:
            ctx.close()
            raise


class _LanguageGroup(_LanguageCommand, _Group):
    """A group of commands with `--lang`, its own and each of its commands'."""

    command_class = _LanguageCommand
    group_class = type


_debug_option = _option("--debug", is_flag=True, help=N_("Show the Python traceback of an error."))
_remove_option = _option(
    "--remove-invalid-chars",
    is_flag=True,
    help=N_("Remove characters a Word document cannot hold (with a warning) instead of refusing."),
)


def _render_options(fn: Callable[..., T]) -> Callable[..., T]:
    options: list[Callable[[Callable[..., T]], Callable[..., T]]] = [
        _argument(
            "plan_files",
            metavar="PLAN...",
            nargs=-1,
            required=True,
            type=click.Path(path_type=Path),
        ),
        _option(
            "-o",
            "--output",
            metavar="OUT.docx|OUT.pdf|DIR/",
            help=N_(
                "For one plan: the .docx (a .pdf: the PDF alone; a folder: <plan>.docx in "
                "it; default: <plan>.docx in the current folder). For many: the output folder."
            ),
        ),
        _option(
            "-j",
            "--jobs",
            type=click.IntRange(1, 64),
            default=1,
            show_default=True,
            help=N_("Processes rendering at once (many plans)."),
        ),
        _profile_option(
            N_("Format profile: {profiles}, or a profile file."),
            profiles=", ".join(builtin_profiles()),
        ),
        _option(
            "--template",
            type=click.Path(dir_okay=False, path_type=Path),
            help=N_("A customized Word template to render with."),
        ),
        _option("--force", is_flag=True, help=N_("Replace the output file if it exists.")),
        _option("--parents", is_flag=True, help=N_("Create the output folder if it is missing.")),
        _option("--pdf", is_flag=True, help=N_("Also write a PDF beside the .docx.")),
        _option("--pdf-only", is_flag=True, help=N_("Write only the PDF (-o may end in .pdf).")),
        _option(
            "--no-check",
            is_flag=True,
            help=N_("Do not audit the rendered document (planforge check)."),
        ),
        _remove_option,
        _debug_option,
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _render(
    plan_files: tuple[Path, ...],
    output: str | None,
    profile: Profile | None,
    template: Path | None,
    jobs: int,
    options: dict[str, bool],
) -> None:
    single = (
        len(plan_files) == 1 and not plan_files[0].is_dir() and not _is_collection(plan_files[0])
    )
    if not single:
        _render_many(plan_files, output, profile, template, jobs, options)
        return
    with _reported(options["debug"]):
        plan = load_plan(plan_files[0], remove_invalid_chars=options["remove_invalid_chars"])
        chosen = profile
        written = _write_outputs(plan, plan_files[0], output, chosen, template, options)
    for path in written:
        _stderr().print(_out(_("wrote {path}").format(path=path), one_line=True))


def _render_many(
    plan_files: tuple[Path, ...],
    output: str | None,
    profile: Profile | None,
    template: Path | None,
    jobs: int,
    options: dict[str, bool],
) -> None:
    console = _stderr()
    outdir = Path(output) if output is not None else Path()
    made: list[Path] = []  # the folders --parents made: removed again if nothing is written
    with _reported(options["debug"]), _removed_if_empty(made):
        if outdir.exists() and not outdir.is_dir():
            raise OutputError(
                _("is a file; with many plans, -o names the output folder"), file=outdir
            )
        if not outdir.exists():
            if outdir.suffix.lower() in _OUTPUT_SUFFIXES:
                raise click.UsageError(
                    _(
                        "-o {output}: with many plans, -o names the folder their documents "
                        "go into, not a {suffix} file (for example -o {folder}/)"
                    ).format(output=output, suffix=outdir.suffix, folder=outdir.stem or "out")
                )
            if not options["parents"]:
                raise OutputError(
                    _("the output folder does not exist; create it, or pass --parents"),
                    file=outdir,
                )
            missing = [outdir, *(p for p in outdir.parents if not p.exists())]
            outdir.mkdir(parents=True)
            made.extend(missing)
        sources = collect_sources(plan_files)
        if not sources:
            raise PlanInputError(
                [Problem(_("no plan files (.yaml, .yml, .json) found"))], file=plan_files[0]
            )
        chosen = profile
        pdf = options["pdf"] or options["pdf_only"]
        with tempfile.TemporaryDirectory(prefix="planforge-", dir=outdir) as tmp:
            docx_dir = Path(tmp) if options["pdf_only"] else outdir
            report = _with_progress(
                console,
                len(sources),
                # with --pdf-only the document is made in a work folder, then its PDF
                (lambda path: outdir / f"{path.stem}.pdf") if options["pdf_only"] else None,
                lambda progress: render_plans(
                    sources,
                    docx_dir,
                    jobs=jobs,
                    template=template,
                    profile=chosen,
                    force=options["force"],
                    check=not options["no_check"],
                    progress=progress,
                    pdf=pdf,
                    pdf_outdir=outdir,
                ),
            )
        if pdf and (report.pdfs or report.pdf_failed):
            processes, documents = report.pdf_processes, len(report.pdfs)
            converted = ngettext(
                "converted {documents} document to PDF",
                "converted {documents} documents to PDF",
                documents,
            ).format(documents=documents)
            at_once = ngettext(
                "{converted} with {processes} LibreOffice process at once",
                "{converted} with {processes} LibreOffice processes at once",
                processes,
            )
            console.print(_out(at_once.format(converted=converted, processes=processes)))
    for found, check in ((report.findings, False), (report.audit, True)):
        counts = Counter(finding for _plan, finding in found)
        first_plan = {finding: label for label, finding in reversed(found)}
        for finding, count in counts.items():
            where = _("{count} plans").format(count=count) if count > 1 else first_plan[finding]
            console.print(_finding_line(finding, where, check=check))
    failed, pdf_failed = _out(_("failed:")), _out(_("PDF failed:"))
    for label, error in report.failed:
        console.print(
            f"[bold red]{failed}[/] {_out(label, one_line=True)}: {_out(with_flags(error))}"
        )
    for label, error in report.pdf_failed:
        console.print(
            f"[bold red]{pdf_failed}[/] {_out(label, one_line=True)}: {_out(with_flags(error))}"
        )
    console.print(_out(report.summary()))
    if not report.ok:
        raise click.exceptions.Exit(1)


def _with_progress(
    console: Console,
    total: int,
    pdf_of: Callable[[Path], Path] | None,
    run: Callable[[Callable[[str, Path | None, str | None], None]], RenderReport],
) -> RenderReport:
    """A progress bar on a terminal; otherwise a plain line a plan (*pdf_of*: the PDF a
    document written in a work folder becomes, named instead of the document)."""
    if console.is_terminal:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(_out(_("rendering")), total=total)
            return run(lambda label, path, error: bar.advance(task))
    done = 0

    def line(label: str, path: Path | None, error: str | None) -> None:
        nonlocal done
        done += 1
        if path is None:
            state = _("failed")
        elif pdf_of is not None:
            state = _("rendered; its PDF comes next: {path}").format(path=pdf_of(path))
        else:
            state = _("wrote {path}").format(path=path)
        console.print(
            f"[{done}/{total}] {_out(label, one_line=True)}: {_out(state, one_line=True)}",
            highlight=False,
        )

    return run(line)


@contextmanager
def _removed_if_empty(folders: list[Path]) -> Iterator[None]:
    """Remove *folders* (made for the run, innermost first) again when the run fails and
    leaves them empty: a refused run leaves nothing behind."""
    try:
        yield
    except BaseException:
        for folder in folders:
            with suppress(OSError):
                folder.rmdir()  # only when empty
        raise


#: What `-o` may name for one plan: the document, or its PDF alone.
_OUTPUT_SUFFIXES = (".docx", ".pdf")


def _output_target(output: str | None, plan_file: Path, options: dict[str, bool]) -> Path:
    """The file `-o` means for one plan: a folder (existing, or written with a trailing `/`)
    gets `<plan>.docx` (`.pdf` with --pdf-only) in it; a `.pdf` is the PDF alone; any other
    suffix is refused, since planforge writes only .docx and .pdf."""
    default = plan_file.stem + (".pdf" if options["pdf_only"] else ".docx")
    if output is None:
        return Path(default)
    target = Path(output)
    if output.endswith(("/", "\\")) or target.is_dir():
        return target / default
    suffix = target.suffix.lower()
    if suffix not in _OUTPUT_SUFFIXES:
        named = (
            _("`{suffix}` files").format(suffix=target.suffix)
            if target.suffix
            else _("files without a suffix")
        )
        raise click.UsageError(
            _(
                "-o {output}: planforge writes .docx documents (and their .pdf), not {named}. "
                "Name it {docx} or {pdf}, or give a folder ending in /"
            ).format(
                output=output,
                named=named,
                docx=target.with_suffix(".docx").name,
                pdf=target.with_suffix(".pdf").name,
            )
        )
    if suffix == ".docx" and options["pdf_only"]:
        raise click.UsageError(
            _("-o {output}: --pdf-only writes a .pdf; name it {pdf}").format(
                output=output, pdf=target.with_suffix(".pdf").name
            )
        )
    return target


def _write_outputs(
    plan: Plan,
    plan_file: Path,
    output: str | None,
    profile: Profile | None,
    template: Path | None,
    options: dict[str, bool],
) -> list[Path]:
    force, parents = options["force"], options["parents"]
    target = _output_target(output, plan_file, options)
    renderer = Renderer(template=template, profile=profile, check=not options["no_check"])

    def report(result: RenderResult) -> None:
        _print_findings(result.findings)
        _print_findings(result.audit, check=True)

    if target.suffix.lower() == ".pdf":
        report(renderer.render_pdf_to(plan, target, force=force, parents=parents))
        return [target]
    if not options["pdf"]:
        report(renderer.render_to(plan, target, force=force, parents=parents))
        return [target]
    pdf_target = target.with_suffix(".pdf")
    refuse_existing([target, pdf_target], force=force)  # before any work: nothing half done
    report(renderer.render_to(plan, target, force=force, parents=parents))
    return [target, *convert_to_pdf([target], target.parent, force=force)]


@click.command(
    cls=_LanguageCommand,
    name="generate-plan",
    help=N_(
        "Render plans (YAML or JSON) as Word documents: one plan file, or many files, folders "
        "and collection files (`plans:`, or `base:` and `units:`) into the folder -o.\n\n"
        "Exit status: 0 done, 1 failure (with many plans: any failed), 2 bad input or usage."
    ),
)
@_version_option
@_render_options
@_lang_option
def generate_plan(
    plan_files: tuple[Path, ...],
    output: str | None,
    profile: Profile | None,
    template: Path | None,
    jobs: int,
    **options: bool,
) -> None:
    _render(plan_files, output, profile, template, jobs, options)


@click.group(
    cls=_LanguageGroup, help=N_("planforge: Vietnamese coordination plans as Word documents.")
)
@_version_option
@_lang_option
def planforge() -> None:
    pass


# `planforge render` is `generate-plan` under the group
planforge.add_command(generate_plan, name="render")


@planforge.command(
    name="validate",
    help=N_(
        "Check plans without rendering them: every error and warning of each plan file, "
        "folder of plan files and collection file (as generate-plan reads them). "
        "Exit status: 0 all valid, 2 any has errors."
    ),
)
@_argument(
    "plan_files", metavar="PLAN...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@_profile_option(N_("Format profile name or file."))
@_remove_option
@_debug_option
def validate_command(
    plan_files: tuple[Path, ...], profile: Profile | None, remove_invalid_chars: bool, debug: bool
) -> None:
    console = _stderr()
    failed = total = 0
    for plan_file in plan_files:
        if plan_file.is_dir() or _is_collection(plan_file):
            # every plan generate-plan would render from it, each by its label
            with _reported(debug):
                sources = collect_sources([plan_file])
                if not sources:
                    raise PlanInputError(
                        [Problem(_("no plan files (.yaml, .yml, .json) found"))], file=plan_file
                    )
        else:
            sources = [PlanSource(plan_file.stem, str(plan_file), file=plan_file)]
        for source in sources:
            total += 1
            try:
                with _reported(debug):
                    if source.error is not None:
                        raise PlanInputError([Problem(source.error)], file=source.label)
                    plan = source.plan or load_plan(
                        source.file or plan_file, remove_invalid_chars=remove_invalid_chars
                    )
                    chosen = resolve_profile(profile, plan)
                    findings = plan_findings(plan, chosen)
                    _print_findings([f for f in findings if not f.is_error])
                    try:
                        raise_for_errors(findings, plan)
                    except PlanInputError as exc:
                        if source.plan is None:
                            raise
                        # a collection's plan: its errors named by the unit they are in
                        raise PlanInputError(exc.problems, file=source.label) from exc
            except click.exceptions.Exit:
                failed += 1
                continue
            valid = _("{file}: valid (profile {profile})")
            console.print(_out(valid.format(file=source.label, profile=chosen.name), one_line=True))
    if failed:
        if total > 1:  # of one plan, its errors say it all
            console.print(
                ngettext(
                    "{failed} of {total} plans has errors",
                    "{failed} of {total} plans have errors",
                    failed,
                ).format(failed=failed, total=total)
            )
        raise click.exceptions.Exit(2)


@planforge.command(
    name="check",
    help=N_(
        "Audit Word documents (made by planforge, Word or LibreOffice) against the format "
        "rules. Exit status: 0 no error, 1 errors found, 2 a file unreadable."
    ),
)
@_argument(
    "documents",
    metavar="FILE.docx...",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@_profile_option(N_("Rules to check (default: by the motto)."))
@_option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help=N_(
        "json: a list of findings on standard output, for systems that call it (with several "
        "documents: an object for each, with its document, profile and findings, or error)."
    ),
)
@_option(
    "--fix",
    is_flag=True,
    help=N_(
        "Rebuild the document by the rules (as `planforge reformat`): into -o FILE, or in "
        "place with --force."
    ),
)
@_option(
    "-o",
    "--output",
    metavar="OUT.docx|DIR/",
    help=N_("With --fix: where to write the fixed document."),
)
@_option("--force", is_flag=True, help=N_("With --fix: replace an existing file."))
@_option("--parents", is_flag=True, help=N_("With --fix: create the folder of -o if missing."))
@_debug_option
def check_command(
    documents: tuple[Path, ...],
    profile: Profile | None,
    output_format: str,
    fix: bool,
    output: str | None,
    force: bool,
    parents: bool,
    debug: bool,
) -> None:
    if not fix and (output is not None or force or parents):
        raise click.UsageError(_("-o/--output, --force and --parents go with --fix"))
    if fix and len(documents) > 1:
        raise click.UsageError(_("--fix rebuilds one document at a time; give one FILE.docx"))
    if len(documents) > 1:
        _check_many(documents, profile, output_format, debug)
        return
    document = documents[0]
    if fix:
        if output_format != "text":
            raise click.UsageError(_("--fix reports as text; leave out --format json"))
        if output is None and not force:
            raise click.UsageError(
                _(
                    "--fix writes a new document: give -o FILE.docx, or --force to replace "
                    "{document} itself"
                ).format(document=document)
            )
        target = _file_target(output, Path(document.name), (".docx",), _("a document"))
        _reformat(
            document,
            document if output is None else target,
            profile,
            None,
            force=True if output is None else force,
            parents=parents,
            debug=debug,
        )
        return
    with _reported(debug):
        chosen, findings = audit_report(document, profile=profile)
    errors = sum(f.severity == "error" for f in findings)
    if output_format == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_audit(document, chosen, findings)
    if errors:
        raise click.exceptions.Exit(1)


def _print_audit(document: Path, chosen: Profile, findings: list[Finding]) -> None:
    """The findings of a document's audit, and the line that sums them up."""
    console = _stderr()
    for finding in findings:
        colour = "red" if finding.severity == "error" else "yellow"
        console.print(f"[{colour}]{_out(finding.describe())}[/]")
    errors = sum(f.severity == "error" for f in findings)
    summary = _("{document}: {errors}, {warnings} under {profile} ({title})")
    console.print(
        summary.format(
            document=_out(str(document), one_line=True),
            errors=_errors_text(errors),
            warnings=_warnings_text(len(findings) - errors),
            profile=_out(chosen.name),
            title=_out(chosen.title),
        )
    )


def _check_many(
    documents: tuple[Path, ...], profile: Profile | None, output_format: str, debug: bool
) -> None:
    """`check` of several documents: each reported as one is, then how many have errors; an
    unreadable one is reported and the others still checked (exit 2 then)."""
    console = _stderr()
    results: list[dict[str, Any]] = []
    with_errors = unreadable = 0
    for document in documents:
        error = _("unexpected failure")
        try:
            with _reported(debug):
                try:
                    chosen, findings = audit_report(document, profile=profile)
                except PlanforgeError as exc:
                    error = exc.for_command_line()
                    raise
        except click.exceptions.Exit:
            unreadable += 1
            results.append({"document": str(document), "error": error})
            continue
        errors = sum(f.severity == "error" for f in findings)
        with_errors += bool(errors)
        results.append(
            {
                "document": str(document),
                "profile": chosen.name,
                "findings": [f.as_dict() for f in findings],
            }
        )
        if output_format == "text":
            _print_audit(document, chosen, findings)
    if output_format == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        total = len(documents)
        line = ngettext(
            "{count} of {total} documents has errors",
            "{count} of {total} documents have errors",
            with_errors,
        ).format(count=with_errors, total=total)
        if unreadable:
            line += ngettext(
                ", {count} could not be read", ", {count} could not be read", unreadable
            ).format(count=unreadable)
        console.print(_out(line))
    if unreadable:
        raise click.exceptions.Exit(2)
    if with_errors:
        raise click.exceptions.Exit(1)


def _file_target(output: str | None, default: Path, suffixes: tuple[str, ...], what: str) -> Path:
    """The file `-o` means: *default* when not given, `<folder>/<default's name>` for a folder
    (an existing one, or any path ending in `/`), else the file, whose suffix must be one of
    *suffixes*."""
    if output is None:
        return default
    target = Path(output)
    if output.endswith(("/", "\\")) or target.is_dir():
        return target / default.name
    if target.suffix.lower() not in suffixes:
        raise click.UsageError(
            _(
                "-o {output}: {what} is written as {suffixes}; name it {name}, "
                "or give a folder ending in /"
            ).format(
                output=output,
                what=what,
                suffixes=_either(suffixes),
                name=(target.stem or "out") + suffixes[0],
            )
        )
    return target


def _either(choices: tuple[str, ...]) -> str:
    """`.yaml or .yml`, in the language of the messages."""
    text = choices[0]
    for choice in choices[1:]:
        text = _("{first} or {second}").format(first=text, second=choice)
    return text


def _import_findings_report(findings: tuple[Finding, ...] | list[Finding]) -> None:
    console = _stderr()
    for finding in findings:
        where = f"{finding.where}: " if finding.where else ""
        context = _context(finding, one_line=True)
        console.print(
            f"[yellow]{_severity(finding.severity)}:[/] "
            f"{_out(where + finding.message, one_line=True)}{context}"
        )


@planforge.command(
    name="import",
    help=N_(
        "Read a plan out of a Word document (made by planforge, Word or LibreOffice) and "
        "write it as YAML. Exit status: 0 read (with notes on what to check), 2 not a plan."
    ),
)
@_argument("document", metavar="FILE.docx", type=click.Path(dir_okay=False, path_type=Path))
@_option(
    "-o",
    "--output",
    metavar="PLAN.yaml|-",
    help=N_(
        "Where to write the plan (default: FILE.yaml beside the document; - for standard output)."
    ),
)
@_profile_option(N_("Rules to read it by (default: by the motto)."))
@_option("--force", is_flag=True, help=N_("Replace an existing plan file."))
@_option("--parents", is_flag=True, help=N_("Create the output folder if it is missing."))
@_debug_option
def import_command(
    document: Path,
    output: str | None,
    profile: Profile | None,
    force: bool,
    parents: bool,
    debug: bool,
) -> None:
    from ._import import import_with_reading
    from ._plan_yaml import plan_to_yaml

    default = Path(document.stem + ".yaml") if output else document.with_suffix(".yaml")
    target = (
        None if output == "-" else _file_target(output, default, (".yaml", ".yml"), _("a plan"))
    )
    with _reported(debug):
        # (a plan file given for the document would be its own target: reading it says why)
        if target is not None and target.resolve() != document.resolve():
            refuse_existing([target], force=force)  # before the work
        plan, reading = import_with_reading(document, profile=profile)
        header = _(
            "Read from {document} by planforge import (profile {profile}).\n"
            "Lines marked `check:` are places to look at before rendering."
        ).format(document=document.name, profile=reading.profile)
        text = plan_to_yaml(plan, reading.notes, header=header)
        if target is None:
            click.echo(text, nl=False)
        else:
            write_atomic(target, text.encode("utf-8"), force=force, parents=parents)
    _import_findings_report(reading.findings)
    parts = len(plan.parts)
    where = _("standard output") if target is None else str(target)
    summary = _("{document}: {issuers}, {parts}, {signatures}, {notes} under {profile} -> {target}")
    issuers, signatures, notes = len(plan.issuers), len(plan.signatures), len(reading.findings)
    _stderr().print(
        summary.format(
            document=_out(str(document), one_line=True),
            issuers=ngettext("{count} issuing body", "{count} issuing bodies", issuers).format(
                count=issuers
            ),
            parts=ngettext("{count} part", "{count} parts", parts).format(count=parts),
            signatures=ngettext(
                "{count} signature block", "{count} signature blocks", signatures
            ).format(count=signatures),
            notes=ngettext("{count} note", "{count} notes", notes).format(count=notes),
            profile=_out(reading.profile),
            target=_out(where, one_line=True),
        )
    )


@planforge.command(
    name="reformat",
    help=N_(
        "Rebuild a Word document by the rules: read the plan it holds, render it by its "
        "profile and report what changed and what could not be placed. Exit status: 0 done, "
        "1 the result still has errors, 2 not a plan or bad input."
    ),
)
@_argument("document", metavar="FILE.docx", type=click.Path(dir_okay=False, path_type=Path))
@_option(
    "-o",
    "--output",
    metavar="OUT.docx|DIR/",
    help=N_(
        "The new document (default: FILE.reformatted.docx beside the document; a folder: "
        "FILE.reformatted.docx in it)."
    ),
)
@_profile_option(N_("Rules to apply (default: by the motto)."))
@_option("--template", metavar="FILE", help=N_("Word template (default: the built-in one)."))
@_option("--force", is_flag=True, help=N_("Replace an existing file."))
@_option("--parents", is_flag=True, help=N_("Create the output folder if it is missing."))
@_debug_option
def reformat_command(
    document: Path,
    output: str | None,
    profile: Profile | None,
    template: str | None,
    force: bool,
    parents: bool,
    debug: bool,
) -> None:
    default = document.with_name(document.stem + ".reformatted.docx")
    target = _file_target(
        output, Path(default.name) if output else default, (".docx",), _("a document")
    )
    _reformat(document, target, profile, template, force=force, parents=parents, debug=debug)


def _reformat(
    document: Path,
    target: Path,
    profile: Profile | None,
    template: str | None,
    *,
    force: bool,
    parents: bool,
    debug: bool,
) -> None:
    from ._reformat import reformat_docx

    with _reported(debug):
        result = reformat_docx(
            document, target, profile=profile, template=template, force=force, parents=parents
        )
    console = _stderr()
    changes = result.changes
    if changes:
        console.print(_out(_("changed:")))
        for rule, count in sorted(changes.items(), key=lambda kv: -kv[1]):
            example = next(f for f in result.fixed if f.rule == rule)
            line = ngettext(
                "  {rule}: {count} place, e.g. {example}",
                "  {rule}: {count} places, e.g. {example}",
                count,
            ).format(
                rule=_out(rule),
                count=count,
                example=_out(example.where + ": " if example.where else "", one_line=True)
                + _out(example.message, one_line=True),
            )
            console.print(line)
    else:
        console.print(_out(_("changed: nothing the rules check (the text was rebuilt as read)")))
    if result.not_placed:
        console.print(_out(_("to check (the import could not place or had to guess):")))
        _import_findings_report(result.not_placed)
    if result.remaining:
        console.print(_out(_("still found in the new document:")))
        _print_findings(result.remaining)
    errors = sum(f.is_error for f in result.remaining)
    summary = _("{document} -> {target}: {fixes}, {notes}, {errors} left, under {profile}")
    fixes, notes = sum(changes.values()), len(result.not_placed)
    console.print(
        summary.format(
            document=_out(str(document), one_line=True),
            target=_out(str(target), one_line=True),
            fixes=ngettext("{count} fix", "{count} fixes", fixes).format(count=fixes),
            notes=ngettext("{count} note", "{count} notes", notes).format(count=notes),
            errors=_errors_text(errors),
            profile=_out(result.profile.name),
        )
    )
    if errors:
        raise click.exceptions.Exit(1)


@planforge.command(
    name="preview",
    help=N_("Write one PNG a page of a plan (YAML/JSON, rendered first) or a .docx into DIR."),
)
@_argument("source", metavar="PLAN|DOCX", type=click.Path(dir_okay=False, path_type=Path))
@_option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=N_("Folder for the PNGs."),
)
@_profile_option(N_("Format profile (for a plan)."))
@_option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("A customized Word template (for a plan)."),
)
@_option("--dpi", type=click.IntRange(30, 600), default=100, show_default=True)
@_option("--force", is_flag=True, help=N_("Replace PNGs already in DIR."))
@_debug_option
def preview_command(
    source: Path,
    outdir: Path,
    profile: Profile | None,
    template: Path | None,
    dpi: int,
    force: bool,
    debug: bool,
) -> None:
    with _reported(debug):
        pages = preview_pages(
            source, outdir, profile=profile, template=template, dpi=dpi, force=force
        )
    for page in pages:
        _stderr().print(_out(_("wrote {path}").format(path=page), one_line=True))


@planforge.command(
    name="new",
    help=N_(
        "Write a starter plan to fill in: every field shown once, with a Vietnamese comment, "
        "valid and renderable as it is. Editors with a YAML extension check and complete it "
        "through the JSON Schema its first line names."
    ),
)
@_argument("plan_file", metavar="PLAN.yaml", type=click.Path(dir_okay=False, path_type=Path))
@_option(
    "--kind",
    type=click.Choice(list(starter_kinds())),
    default="state",
    show_default=True,
    help=N_(
        "state: one state body (ND30); party: one Party body; joint: a state and a Party body."
    ),
)
@_option("--force", is_flag=True, help=N_("Replace an existing file."))
@_debug_option
def new_command(plan_file: Path, kind: str, force: bool, debug: bool) -> None:
    if plan_file.suffix.lower() not in (".yaml", ".yml"):
        raise click.UsageError(
            _("{file}: a starter plan is YAML; name it {name}").format(
                file=plan_file, name=plan_file.stem + ".yaml"
            )
        )
    with _reported(debug):
        write_atomic(plan_file, starter_plan(kind).encode("utf-8"), force=force)
    wrote = _("wrote {file} ({kind}); fill it in, then: generate-plan {file}")
    _stderr().print(wrote.format(file=_out(str(plan_file), one_line=True), kind=_out(kind)))


@planforge.command(
    name="schema",
    help=N_(
        "Print the JSON Schema of plan files (or, with --profile, of profile files), for "
        "editors and systems that check plans before sending them."
    ),
)
@_option("--profile", "of_profile", is_flag=True, help=N_("The schema of profile files."))
def schema_command(of_profile: bool) -> None:
    click.echo(schema_text("profile" if of_profile else "plan"), nl=False)


@planforge.command(
    name="profiles",
    help=N_(
        "List the built-in format profiles: the kind of issuer each serves, when it is in "
        "force, and the rules it follows. A plan without a profile gets, for its first issuer's "
        "kind, the one in force on its date."
    ),
)
def profiles_command() -> None:
    rows = [(_("PROFILE"), _("KIND"), _("IN FORCE"), _("RULES"))]
    for name in builtin_profiles():
        p = load_profile(name)
        kind = ", ".join(p.default_for) or "-"
        rows.append((name, kind, p.period() or _("undated"), p.source))
    widths = [max(len(row[n]) for row in rows) for n in range(3)]
    for row in rows:
        click.echo(
            "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        )


@planforge.command(
    name="context",
    help=N_("Print, as JSON, exactly the variables a template sees for PLAN."),
)
@_argument("plan_file", metavar="PLAN", type=_PLAN_ARG)
@_profile_option(N_("Format profile name or file."))
@_debug_option
def context_command(plan_file: Path, profile: Profile | None, debug: bool) -> None:
    with _reported(debug):
        data: Any = template_context(load_plan(plan_file), profile=profile)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@planforge.group(
    name="template", cls=_LanguageGroup, help=N_("Export, customize and check Word templates.")
)
def template_group() -> None:
    pass


@template_group.command(
    name="export", help=N_("Write the default templates and a README of what may be changed.")
)
@_argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_option("--force", is_flag=True, help=N_("Replace templates already in DIRECTORY."))
@_debug_option
def template_export_command(directory: Path, force: bool, debug: bool) -> None:
    from ._word.export import export_templates

    with _reported(debug):
        written = export_templates(directory, force=force)
    for path in written:
        _stderr().print(_out(_("wrote {path}").format(path=path), one_line=True))


@template_group.command(
    name="check",
    help=N_(
        "Report every problem of a template: unsafe content, Jinja syntax errors, variables "
        "the plan does not provide, missing elements. Exit 1 on errors."
    ),
)
@_argument("template_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@_profile_option(N_("Profile of the trial render."))
@_debug_option
def template_check_command(template_file: Path, profile: Profile | None, debug: bool) -> None:
    from ._word.check import check_template

    with _reported(debug):
        data = read_template(template_file)
        chosen = profile
        findings = check_template(data, name=str(template_file), profile=chosen)
    console = _stderr()
    for finding in findings:
        colour = "red" if finding.is_error else "yellow"
        text = _out(f"{finding.where}: {finding.message}")
        context = _context(finding)
        console.print(f"[{colour}]{_severity(finding.severity)}:[/] {text}{context}")
    errors = sum(f.severity == "error" for f in findings)
    warnings_count = len(findings) - errors
    summary = _("{file}: {errors}, {warnings}").format(
        file=template_file, errors=_errors_text(errors), warnings=_warnings_text(warnings_count)
    )
    console.print(_out(summary))
    if errors:
        raise click.exceptions.Exit(1)


def generate_plan_main(argv: list[str] | None = None) -> None:
    """Console script `generate-plan`."""
    generate_plan.main(args=argv, prog_name="generate-plan")


def planforge_main(argv: list[str] | None = None) -> None:
    """Console script `planforge`."""
    planforge.main(args=argv, prog_name="planforge")
