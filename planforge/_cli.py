"""Command-line adapter: parse arguments, call the API, report errors in one place."""

from __future__ import annotations

import json
import sys
import tempfile
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ._audit import audit_report
from ._bulk import RenderReport, _is_collection, collect_sources, render_plans
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
from ._loading import load_plan
from ._models import Plan
from ._output import write_atomic
from ._pdf import convert_to_pdf
from ._preview import preview_pages
from ._profiles import Profile, builtin_profiles, load_profile, resolve_profile
from ._render import Renderer, RenderResult, read_template
from ._rules import plan_findings, raise_for_errors
from ._schema import schema_text, starter_kinds, starter_plan
from ._version import __version__

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
            _stderr().print(f"[bold red]error:[/] {_out(exc.for_command_line())}")
            raise click.exceptions.Exit(exc.exit_code) from exc
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            _print_warnings(caught)
            if debug:
                raise
            _stderr().print(
                f"[bold red]error:[/] unexpected failure: {_out(type(exc).__name__)}: "
                f"{_out(str(exc))}\n(run again with --debug for the traceback, and report it)"
            )
            raise click.exceptions.Exit(1) from exc
    _print_warnings(caught)


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        if isinstance(w.message, PlanWarning):
            _print_findings([w.message.finding])
        else:
            _stderr().print(f"[yellow]warning:[/] {_out(str(w.message))}")


def _finding_line(finding: Finding, label: str = "", *, check: bool = False) -> str:
    """One finding as a line: `warning: signatures[1]: ... [source]`, coloured by severity;
    a finding of the audit of a rendered document says so (`check: error: [margins] ...`)."""
    colour = "bold red" if finding.is_error else "yellow"
    where = f"{finding.where}: " if finding.where else ""
    source = f" [{finding.source}]" if finding.source else ""
    head = f"{_out(label, one_line=True)}: " if label else ""
    rule = f"[{finding.rule}] " if check else ""
    text = head + _out(rule + where + finding.message + source, one_line=True)
    return f"{'check: ' if check else ''}[{colour}]{finding.severity}:[/] {text}"


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


def _profile_option(help_text: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    return click.option("--profile", type=ProfileParam(), metavar="NAME|FILE", help=help_text)


_debug_option = click.option("--debug", is_flag=True, help="Show the Python traceback of an error.")
_remove_option = click.option(
    "--remove-invalid-chars",
    is_flag=True,
    help="Remove characters a Word document cannot hold (with a warning) instead of refusing.",
)


def _render_options(fn: Callable[..., T]) -> Callable[..., T]:
    options: list[Callable[[Callable[..., T]], Callable[..., T]]] = [
        click.argument(
            "plan_files",
            metavar="PLAN...",
            nargs=-1,
            required=True,
            type=click.Path(path_type=Path),
        ),
        click.option(
            "-o",
            "--output",
            metavar="OUT.docx|OUT.pdf|DIR/",
            help="For one plan: the .docx (a .pdf: the PDF alone; a folder: <plan>.docx in "
            "it; default: <plan>.docx in the current folder). For many: the output folder.",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(1, 64),
            default=1,
            show_default=True,
            help="Processes rendering at once (many plans).",
        ),
        _profile_option(f"Format profile: {', '.join(builtin_profiles())}, or a profile file."),
        click.option(
            "--template",
            type=click.Path(dir_okay=False, path_type=Path),
            help="A customized Word template to render with.",
        ),
        click.option("--force", is_flag=True, help="Replace the output file if it exists."),
        click.option("--parents", is_flag=True, help="Create the output folder if it is missing."),
        click.option("--pdf", is_flag=True, help="Also write a PDF beside the .docx."),
        click.option("--pdf-only", is_flag=True, help="Write only the PDF (-o may end in .pdf)."),
        click.option(
            "--no-check", is_flag=True, help="Do not audit the rendered document (planforge check)."
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
        _stderr().print(f"wrote {_out(str(path), one_line=True)}")


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
    with _reported(options["debug"]):
        if outdir.exists() and not outdir.is_dir():
            raise OutputError("is a file; with many plans, -o names the output folder", file=outdir)
        if not outdir.exists():
            if not options["parents"]:
                raise OutputError(
                    "the output folder does not exist; create it, or pass --parents", file=outdir
                )
            outdir.mkdir(parents=True)
        sources = collect_sources(plan_files)
        if not sources:
            raise PlanInputError(
                [Problem("no plan files (.yaml, .yml, .json) found")], file=plan_files[0]
            )
        chosen = profile
        pdf = options["pdf"] or options["pdf_only"]
        with tempfile.TemporaryDirectory(prefix="planforge-", dir=outdir) as tmp:
            docx_dir = Path(tmp) if options["pdf_only"] else outdir
            report = _with_progress(
                console,
                len(sources),
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
        if pdf:
            processes = report.pdf_processes
            console.print(
                f"converted {len(report.pdfs)} document(s) to PDF with {processes} "
                f"LibreOffice process{'es' if processes != 1 else ''} at once"
            )
    for found, check in ((report.findings, False), (report.audit, True)):
        counts = Counter(finding for _, finding in found)
        first_plan = {finding: label for label, finding in reversed(found)}
        for finding, count in counts.items():
            where = f"{count} plans" if count > 1 else first_plan[finding]
            console.print(_finding_line(finding, where, check=check))
    for label, error in report.failed:
        console.print(
            f"[bold red]failed:[/] {_out(label, one_line=True)}: {_out(with_flags(error))}"
        )
    for label, error in report.pdf_failed:
        console.print(
            f"[bold red]PDF failed:[/] {_out(label, one_line=True)}: {_out(with_flags(error))}"
        )
    console.print(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(1)


def _with_progress(
    console: Console,
    total: int,
    run: Callable[[Callable[[str, Path | None, str | None], None]], RenderReport],
) -> RenderReport:
    """A progress bar on a terminal; otherwise a plain line a plan."""
    if console.is_terminal:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("rendering", total=total)
            return run(lambda label, path, error: bar.advance(task))
    done = 0

    def line(label: str, path: Path | None, error: str | None) -> None:
        nonlocal done
        done += 1
        state = f"wrote {path}" if path is not None else "failed"
        console.print(
            f"[{done}/{total}] {_out(label, one_line=True)}: {_out(state, one_line=True)}",
            highlight=False,
        )

    return run(line)


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
        named = f"`{target.suffix}` files" if target.suffix else "files without a suffix"
        raise click.UsageError(
            f"-o {output}: planforge writes .docx documents (and their .pdf), not {named}. "
            f"Name it {target.with_suffix('.docx').name} or "
            f"{target.with_suffix('.pdf').name}, or give a folder ending in /"
        )
    if suffix == ".docx" and options["pdf_only"]:
        raise click.UsageError(
            f"-o {output}: --pdf-only writes a .pdf; name it {target.with_suffix('.pdf').name}"
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
    _refuse_existing([target, pdf_target], force)  # before any work, so nothing is half done
    report(renderer.render_to(plan, target, force=force, parents=parents))
    return [target, *convert_to_pdf([target], target.parent, force=force)]


def _refuse_existing(paths: list[Path], force: bool) -> None:
    for path in paths:
        if path.exists() and not force:
            raise OutputError("exists already; pass force=True to replace it", file=path)


@click.command(
    name="generate-plan",
    help="Render plans (YAML or JSON) as Word documents: one plan file, or many files, folders "
    "and collection files (`plans:`, or `base:` and `units:`) into the folder -o.\n\n"
    "Exit status: 0 done, 1 failure (with many plans: any failed), 2 bad input or usage.",
)
@click.version_option(__version__, prog_name="planforge")
@_render_options
def generate_plan(
    plan_files: tuple[Path, ...],
    output: str | None,
    profile: Profile | None,
    template: Path | None,
    jobs: int,
    **options: bool,
) -> None:
    _render(plan_files, output, profile, template, jobs, options)


@click.group(help="planforge: Vietnamese coordination plans as Word documents.")
@click.version_option(__version__, prog_name="planforge")
def planforge() -> None:
    pass


# `planforge render` is `generate-plan` under the group
planforge.add_command(generate_plan, name="render")


@planforge.command(
    name="validate",
    help="Check plans without rendering them: every error and warning of each. "
    "Exit status: 0 all valid, 2 any has errors.",
)
@click.argument("plan_files", metavar="PLAN...", nargs=-1, required=True, type=_PLAN_ARG)
@_profile_option("Format profile name or file.")
@_remove_option
@_debug_option
def validate_command(
    plan_files: tuple[Path, ...], profile: Profile | None, remove_invalid_chars: bool, debug: bool
) -> None:
    console = _stderr()
    failed = 0
    for plan_file in plan_files:
        try:
            with _reported(debug):
                plan = load_plan(plan_file, remove_invalid_chars=remove_invalid_chars)
                chosen = resolve_profile(profile, plan)
                findings = plan_findings(plan, chosen)
                _print_findings([f for f in findings if not f.is_error])
                raise_for_errors(findings, plan)
        except click.exceptions.Exit:
            failed += 1
            continue
        console.print(f"{_out(str(plan_file), one_line=True)}: valid (profile {chosen.name})")
    if failed:
        console.print(f"{failed} of {len(plan_files)} plan(s) have errors")
        raise click.exceptions.Exit(2)


@planforge.command(
    name="check",
    help="Audit a Word document (made by planforge, Word or LibreOffice) against the format "
    "rules. Exit status: 0 no error, 1 errors found, 2 unreadable file.",
)
@click.argument("document", metavar="FILE.docx", type=click.Path(dir_okay=False, path_type=Path))
@_profile_option("Rules to check (default: by the motto).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="json: a list of findings on standard output, for systems that call it.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Rebuild the document by the rules (as `planforge reformat`): into -o FILE, or in "
    "place with --force.",
)
@click.option(
    "-o",
    "--output",
    metavar="OUT.docx|DIR/",
    help="With --fix: where to write the fixed document.",
)
@click.option("--force", is_flag=True, help="With --fix: replace an existing file.")
@_debug_option
def check_command(
    document: Path,
    profile: Profile | None,
    output_format: str,
    fix: bool,
    output: str | None,
    force: bool,
    debug: bool,
) -> None:
    if not fix and (output is not None or force):
        raise click.UsageError("-o/--output and --force go with --fix")
    if fix:
        if output_format != "text":
            raise click.UsageError("--fix reports as text; leave out --format json")
        if output is None and not force:
            raise click.UsageError(
                f"--fix writes a new document: give -o FILE.docx, or --force to replace "
                f"{document} itself"
            )
        target = _file_target(output, Path(document.name), (".docx",), "a document")
        _reformat(
            document,
            document if output is None else target,
            profile,
            None,
            force=True if output is None else force,
            parents=False,
            debug=debug,
        )
        return
    with _reported(debug):
        chosen, findings = audit_report(document, profile=profile)
    errors = sum(f.severity == "error" for f in findings)
    if output_format == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        console = _stderr()
        for finding in findings:
            colour = "red" if finding.severity == "error" else "yellow"
            console.print(f"[{colour}]{_out(finding.describe())}[/]")
        console.print(
            f"{_out(str(document), one_line=True)}: {errors} error(s), "
            f"{len(findings) - errors} warning(s) "
            f"under {_out(chosen.name)} ({_out(chosen.title)})"
        )
    if errors:
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
            f"-o {output}: {what} is written as {' or '.join(suffixes)}; name it "
            f"{target.stem or 'out'}{suffixes[0]}, or give a folder ending in /"
        )
    return target


def _import_findings_report(findings: tuple[Finding, ...] | list[Finding]) -> None:
    console = _stderr()
    for finding in findings:
        where = f"{finding.where}: " if finding.where else ""
        context = f"\n  in: {_out(finding.context, one_line=True)}" if finding.context else ""
        console.print(
            f"[yellow]{finding.severity}:[/] {_out(where + finding.message, one_line=True)}"
            + context
        )


@planforge.command(
    name="import",
    help="Read a plan out of a Word document (made by planforge, Word or LibreOffice) and "
    "write it as YAML. Exit status: 0 read (with notes on what to check), 2 not a plan.",
)
@click.argument("document", metavar="FILE.docx", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    metavar="PLAN.yaml|-",
    help="Where to write the plan (default: FILE.yaml beside the document; - for standard output).",
)
@_profile_option("Rules to read it by (default: by the motto).")
@click.option("--force", is_flag=True, help="Replace an existing plan file.")
@click.option("--parents", is_flag=True, help="Create the output folder if it is missing.")
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
    target = None if output == "-" else _file_target(output, default, (".yaml", ".yml"), "a plan")
    with _reported(debug):
        if target is not None and target.exists() and not force:
            write_atomic(target, b"", force=False)  # raises: fail before the work
        plan, reading = import_with_reading(document, profile=profile)
        header = (
            f"Read from {document.name} by planforge import (profile {reading.profile}).\n"
            "Lines marked `check:` are places to look at before rendering."
        )
        text = plan_to_yaml(plan, reading.notes, header=header)
        if target is None:
            click.echo(text, nl=False)
        else:
            write_atomic(target, text.encode("utf-8"), force=force, parents=parents)
    _import_findings_report(reading.findings)
    parts = len(plan.parts)
    where = "standard output" if target is None else str(target)
    _stderr().print(
        f"{_out(str(document), one_line=True)}: {len(plan.issuers)} issuing body(ies), "
        f"{parts} part(s), {len(plan.signatures)} signature block(s), "
        f"{len(reading.findings)} note(s) under {_out(reading.profile)} -> "
        f"{_out(where, one_line=True)}"
    )


@planforge.command(
    name="reformat",
    help="Rebuild a Word document by the rules: read the plan it holds, render it by its "
    "profile and report what changed and what could not be placed. Exit status: 0 done, "
    "1 the result still has errors, 2 not a plan or bad input.",
)
@click.argument("document", metavar="FILE.docx", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    metavar="OUT.docx|DIR/",
    help="The new document (default: FILE.reformatted.docx beside the document; a folder: "
    "FILE.reformatted.docx in it).",
)
@_profile_option("Rules to apply (default: by the motto).")
@click.option("--template", metavar="FILE", help="Word template (default: the built-in one).")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.option("--parents", is_flag=True, help="Create the output folder if it is missing.")
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
        output, Path(default.name) if output else default, (".docx",), "a document"
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
        console.print("changed:")
        for rule, count in sorted(changes.items(), key=lambda kv: -kv[1]):
            example = next(f for f in result.fixed if f.rule == rule)
            console.print(
                f"  {_out(rule)}: {count} place(s), e.g. "
                f"{_out(example.where + ': ' if example.where else '', one_line=True)}"
                f"{_out(example.message, one_line=True)}"
            )
    else:
        console.print("changed: nothing the rules check (the text was rebuilt as read)")
    if result.not_placed:
        console.print("to check (the import could not place or had to guess):")
        _import_findings_report(result.not_placed)
    if result.remaining:
        console.print("still found in the new document:")
        _print_findings(result.remaining)
    errors = sum(f.is_error for f in result.remaining)
    console.print(
        f"{_out(str(document), one_line=True)} -> {_out(str(target), one_line=True)}: "
        f"{sum(changes.values())} fix(es), {len(result.not_placed)} note(s), "
        f"{errors} error(s) left, under {_out(result.profile.name)}"
    )
    if errors:
        raise click.exceptions.Exit(1)


@planforge.command(
    name="preview",
    help="Write one PNG a page of a plan (YAML/JSON, rendered first) or a .docx into DIR.",
)
@click.argument("source", metavar="PLAN|DOCX", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PNGs.",
)
@_profile_option("Format profile (for a plan).")
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A customized Word template (for a plan).",
)
@click.option("--dpi", type=click.IntRange(30, 600), default=100, show_default=True)
@click.option("--force", is_flag=True, help="Replace PNGs already in DIR.")
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
        _stderr().print(f"wrote {_out(str(page), one_line=True)}")


@planforge.command(
    name="new",
    help="Write a starter plan to fill in: every field shown once, with a Vietnamese comment, "
    "valid and renderable as it is. Editors with a YAML extension check and complete it "
    "through the JSON Schema its first line names.",
)
@click.argument("plan_file", metavar="PLAN.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(list(starter_kinds())),
    default="state",
    show_default=True,
    help="state: one state body (ND30); party: one Party body; joint: a state and a Party body.",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
@_debug_option
def new_command(plan_file: Path, kind: str, force: bool, debug: bool) -> None:
    if plan_file.suffix.lower() not in (".yaml", ".yml"):
        raise click.UsageError(
            f"{plan_file}: a starter plan is YAML; name it {plan_file.stem}.yaml"
        )
    with _reported(debug):
        write_atomic(plan_file, starter_plan(kind).encode("utf-8"), force=force)
    _stderr().print(
        f"wrote {_out(str(plan_file), one_line=True)} ({kind}); fill it in, then: "
        f"generate-plan {_out(str(plan_file), one_line=True)}"
    )


@planforge.command(
    name="schema",
    help="Print the JSON Schema of plan files (or, with --profile, of profile files), for "
    "editors and systems that check plans before sending them.",
)
@click.option("--profile", "of_profile", is_flag=True, help="The schema of profile files.")
def schema_command(of_profile: bool) -> None:
    click.echo(schema_text("profile" if of_profile else "plan"), nl=False)


@planforge.command(
    name="profiles",
    help="List the built-in format profiles: the kind of issuer each serves, when it is in "
    "force, and the rules it follows. A plan without a profile gets, for its first issuer's "
    "kind, the one in force on its date.",
)
def profiles_command() -> None:
    rows = [("PROFILE", "KIND", "IN FORCE", "RULES")]
    for name in builtin_profiles():
        p = load_profile(name)
        kind = ", ".join(p.default_for) or "-"
        rows.append((name, kind, p.period() or "undated", p.source))
    widths = [max(len(row[n]) for row in rows) for n in range(3)]
    for row in rows:
        click.echo(
            "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        )


@planforge.command(
    name="context",
    help="Print, as JSON, exactly the variables a template sees for PLAN.",
)
@click.argument("plan_file", metavar="PLAN", type=_PLAN_ARG)
@_profile_option("Format profile name or file.")
@_debug_option
def context_command(plan_file: Path, profile: Profile | None, debug: bool) -> None:
    with _reported(debug):
        data: Any = template_context(load_plan(plan_file), profile=profile)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@planforge.group(name="template", help="Export, customize and check Word templates.")
def template_group() -> None:
    pass


@template_group.command(
    name="export", help="Write the default templates and a README of what may be changed."
)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace templates already in DIRECTORY.")
@_debug_option
def template_export_command(directory: Path, force: bool, debug: bool) -> None:
    from ._word.export import export_templates

    with _reported(debug):
        written = export_templates(directory, force=force)
    for path in written:
        _stderr().print(f"wrote {_out(str(path), one_line=True)}")


@template_group.command(
    name="check",
    help="Report every problem of a template: unsafe content, Jinja syntax errors, variables "
    "the plan does not provide, missing elements. Exit 1 on errors.",
)
@click.argument("template_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@_profile_option("Profile of the trial render.")
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
        context = f"\n  in: {_out(finding.context)}" if finding.context else ""
        console.print(f"[{colour}]{finding.severity}:[/] {text}{context}")
    errors = sum(f.severity == "error" for f in findings)
    warnings_count = len(findings) - errors
    console.print(f"{template_file}: {errors} error(s), {warnings_count} warning(s)")
    if errors:
        raise click.exceptions.Exit(1)


def generate_plan_main(argv: list[str] | None = None) -> None:
    """Console script `generate-plan`."""
    generate_plan.main(args=argv, prog_name="generate-plan")


def planforge_main(argv: list[str] | None = None) -> None:
    """Console script `planforge`."""
    planforge.main(args=argv, prog_name="planforge")
