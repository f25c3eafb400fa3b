"""Many plans at once: plan files, folders and collections, in one process, a pool or any
executor; their PDFs through LibreOffice processes fed as the documents are written."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import gc
import hashlib
import multiprocessing
import pickle
import re
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._errors import OutputError, PlanforgeError, PlanInputError, Problem
from ._files import InputFileError, read_input
from ._findings import Finding
from ._i18n import _, current_language, decimal, ngettext, set_language
from ._loading import MAX_PLAN_BYTES, load_plan, parse_plan_file, plan_from_data
from ._models import Plan
from ._output import refuse_existing
from ._pdf import PdfConverters
from ._profiles import Profile
from ._render import Renderer
from ._word.isolation import Limits

__all__ = [
    "PlanSource",
    "RenderReport",
    "RenderSettings",
    "collect_sources",
    "render_in_worker",
    "render_plans",
]

_PLAN_SUFFIXES = {".yaml", ".yml", ".json"}
_SAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)
_COLLECTION_KEYS = re.compile(r"^(base|units|plans)\s*:", re.MULTILINE)


@dataclass(frozen=True)
class PlanSource:
    """One plan to render: already loaded, or a file a worker loads, or what went wrong."""

    name: str  # the output file's stem
    label: str  # how messages call it
    plan: Plan | None = None
    file: Path | None = None
    error: str | None = None


@dataclass
class RenderReport:
    """What a bulk render did."""

    rendered: list[Path] = field(default_factory=list)  # in the order the plans were given
    failed: list[tuple[str, str]] = field(default_factory=list)  # (plan, message)
    findings: list[tuple[str, Finding]] = field(default_factory=list)  # (plan, plan check)
    audit: list[tuple[str, Finding]] = field(default_factory=list)  # (plan, audit finding)
    pdfs: list[Path] = field(default_factory=list)  # with pdf=True
    pdf_failed: list[tuple[str, str]] = field(default_factory=list)  # (plan, message)
    pdf_processes: int = 0  # LibreOffice processes at once, with pdf=True
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.pdf_failed

    @property
    def total(self) -> int:
        return len(self.rendered) + len(self.failed)

    def summary(self) -> str:
        """`rendered 3 of 4 plans in 1.20 s (300.0 ms a plan), 1 failed`, in the language
        of the messages."""
        per = (
            _(" ({ms} ms a plan)").format(ms=decimal(self.seconds / self.total * 1000, 1))
            if self.total
            else ""
        )
        failed = _(", {count} failed").format(count=len(self.failed)) if self.failed else ""
        pdfs = ""
        if self.pdf_processes:
            pdf_failed = (
                _(" ({count} failed)").format(count=len(self.pdf_failed)) if self.pdf_failed else ""
            )
            pdfs = ngettext(
                ", {count} PDF{failed}", ", {count} PDFs{failed}", len(self.pdfs)
            ).format(count=len(self.pdfs), failed=pdf_failed)
        return ngettext(
            "rendered {rendered} of {total} plan{pdfs} in {seconds} s{per}{failed}",
            "rendered {rendered} of {total} plans{pdfs} in {seconds} s{per}{failed}",
            self.total,
        ).format(
            rendered=len(self.rendered),
            total=self.total,
            pdfs=pdfs,
            seconds=decimal(self.seconds, 2),
            per=per,
            failed=failed,
        )


# -- where plans come from ------------------------------------------------------------------------


#: Longest output file name made from a unit's name (file systems allow 255 bytes).
MAX_NAME = 80


def _safe(name: str) -> str:
    """A file name from a unit's name: letters, digits, `.`, `-`, `_`; a long name is cut and
    keeps a short digest of the whole, so that two long names stay apart."""
    cleaned = _SAFE_NAME.sub("-", name).strip("-.")
    if len(cleaned.encode("utf-8")) > MAX_NAME:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        cut = cleaned.encode("utf-8")[: MAX_NAME - 9].decode("utf-8", "ignore").rstrip("-.")
        cleaned = f"{cut}-{digest}"
    return cleaned or "plan"


def _merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key; anything else (lists too) is replaced."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        out = dict(base)
        for key, value in override.items():
            out[key] = _merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


def _is_collection(path: Path) -> bool:
    try:
        head = read_input(path, limit=MAX_PLAN_BYTES, what="plan").decode("utf-8-sig", "replace")
    except InputFileError:
        return False  # reported when the file is loaded as a plan
    if path.suffix.lower() == ".json":
        return re.match(r'\s*\{\s*"(base|units|plans)"', head) is not None
    return _COLLECTION_KEYS.search(head) is not None


def load_collection(path: Path) -> list[PlanSource]:
    """The plans of a collection file: `plans:` (a list of plans) or `base:` and `units:`
    (one plan, and per unit a `name` and the fields that differ)."""
    data, _format = parse_plan_file(path)
    if not isinstance(data, Mapping) or not (
        {"plans"} <= set(data) or {"base", "units"} <= set(data)
    ):
        raise PlanInputError(
            [Problem(_("a collection has `plans:` (a list of plans), or `base:` and `units:`"))],
            file=path,
        )
    unknown = sorted(set(data) - {"plans", "base", "units"})
    if unknown:
        raise PlanInputError(
            [Problem(_("unknown field `{field}` in a collection").format(field=unknown[0]))],
            file=path,
        )
    sources: list[PlanSource] = []
    if "plans" in data:
        entries = data["plans"] if isinstance(data["plans"], list) else []
        width = max(3, len(str(len(entries))))
        for n, entry in enumerate(entries):
            sources.append(
                _source(
                    f"{path.stem}-{n + 1:0{width}}",
                    f"{path}: plans[{n}]",
                    entry,
                    path,
                    f"plans[{n}]",
                )
            )
    if "base" in data:
        units = data["units"] if isinstance(data["units"], list) else []
        for n, unit in enumerate(units):
            label = f"{path}: units[{n}]"
            if not isinstance(unit, Mapping) or not isinstance(unit.get("name"), str):
                sources.append(
                    PlanSource(
                        f"{path.stem}-{n + 1}",
                        label,
                        error=_("a unit needs a `name` (its output file name)"),
                    )
                )
                continue
            overrides = {k: v for k, v in unit.items() if k != "name"}
            sources.append(
                _source(
                    _safe(unit["name"]),
                    f"{label} ({unit['name']})",
                    _merge(data["base"], overrides),
                    path,
                    f"units[{n}]",
                )
            )
    return sources


def _source(name: str, label: str, data: Any, path: Path, where: str) -> PlanSource:
    try:
        return PlanSource(name, label, plan=plan_from_data(data, file=path))
    except PlanInputError as exc:
        details = "; ".join(
            f"{where}.{p.field}: {p.message}" if p.field else p.message for p in exc.problems
        )
        return PlanSource(name, label, error=details)


def collect_sources(inputs: Iterable[str | Path]) -> list[PlanSource]:
    """Plan files, folders (their plan files) and collection files, as plans to render."""
    sources: list[PlanSource] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in _PLAN_SUFFIXES)
        else:
            files = [path]
        for file in files:
            if file.is_file() and file.suffix.lower() in _PLAN_SUFFIXES and _is_collection(file):
                try:
                    sources.extend(load_collection(file))
                except PlanforgeError as exc:
                    sources.append(PlanSource(file.stem, str(file), error=str(exc)))
            else:
                sources.append(PlanSource(_safe(file.stem), str(file), file=file))
    return sources


# -- rendering many --------------------------------------------------------------------------------

_worker: Renderer | None = None


def _init_worker(renderer: Renderer, language: str) -> None:
    global _worker  # one renderer a worker process, made once
    _worker = renderer
    set_language(language)  # a spawned worker does not inherit the parent's choice


@dataclass(frozen=True)
class _Outcome:
    label: str
    path: Path | None
    error: str | None
    findings: tuple[Finding, ...] = ()
    audit: tuple[Finding, ...] = ()


def _render_one(
    source: PlanSource, outdir: Path, force: bool, renderer: Renderer | None = None
) -> _Outcome:
    chosen = renderer or _worker
    assert chosen is not None
    if source.error is not None:
        return _Outcome(source.label, None, source.error)
    target = outdir / f"{source.name}.docx"
    try:
        plan = source.plan if source.plan is not None else load_plan(source.file or "")
        result = chosen.render_to(plan, target, force=force)
    except PlanforgeError as exc:
        # the error names the plan file, as the label does: said once
        error = str(exc).removeprefix(f"{source.label}: ")
        return _Outcome(source.label, None, error)
    except Exception as exc:  # one broken plan must not stop the others
        failure = _("unexpected failure: {kind}: {message}")
        return _Outcome(source.label, None, failure.format(kind=type(exc).__name__, message=exc))
    return _Outcome(source.label, target, None, result.findings, result.audit)


@dataclass(frozen=True)
class RenderSettings:
    """What a worker of any executor needs to make the renderer of a bulk run: plain values
    that pickle (the template's bytes, not a path only the caller may see), and the language
    its messages are written in (the caller's: a fresh worker process knows only its own
    environment's)."""

    template: bytes | None = None
    template_name: str = ""
    profile: Profile | None = None
    check: bool = False
    limits: Limits | None = None
    force: bool = False
    language: str = field(default_factory=current_language)

    def key(self) -> bytes:
        digest = hashlib.sha256(self.template).digest() if self.template is not None else b""
        settings = (self.template_name, self.profile, self.check, self.limits)
        return digest + pickle.dumps(settings)

    def renderer(self) -> Renderer:
        renderer = Renderer(
            template=self.template, profile=self.profile, check=self.check, limits=self.limits
        )
        if self.template is not None:
            renderer.template_name = self.template_name or renderer.template_name
        return renderer


#: The renderers a worker process made for `render_in_worker`, by their settings (a few).
_renderers: dict[bytes, Renderer] = {}
_KEEP_RENDERERS = 4


def render_in_worker(source: PlanSource, outdir: str, settings: RenderSettings) -> _Outcome:
    """Render one plan into the folder *outdir*, in whatever process an executor runs it:
    the function `render_plans(executor=...)` submits. The renderer is made once per process
    and settings, and kept; the document is written by this process, so *outdir* must be the
    same folder for it as for the caller (a shared file system). Returns what happened, in
    the caller's language (`settings.language`)."""
    if current_language() != settings.language:
        # only when it differs: a thread of the caller's own process changes nothing
        set_language(settings.language)
    key = settings.key()
    renderer = _renderers.get(key)
    if renderer is None:
        try:
            renderer = settings.renderer()
        except PlanforgeError as exc:
            return _Outcome(source.label, None, str(exc))
        while len(_renderers) >= _KEEP_RENDERERS:
            _renderers.pop(next(iter(_renderers))).close()
        _renderers[key] = renderer
    return _render_one(source, Path(outdir), settings.force, renderer)


def render_plans(
    plans: Iterable[Plan | tuple[str, Plan] | PlanSource | str | Path] | Mapping[str, Plan],
    outdir: str | Path,
    *,
    jobs: int = 1,
    template: str | Path | None = None,
    profile: Profile | str | Path | None = None,
    force: bool = False,
    parents: bool = False,
    check: bool = False,
    limits: Limits | None = None,
    progress: Callable[[str, Path | None, str | None], None] | None = None,
    pdf: bool = False,
    pdf_outdir: str | Path | None = None,
    executor: Executor | None = None,
) -> RenderReport:
    """Render many plans into *outdir*; a plan that fails is reported and the rest go on.

    *plans*: Plan objects (named plan-0001, ...), (name, Plan) pairs, a mapping of names to
    plans, or plan files. *jobs* > 1 renders in that many processes. *progress* is called after
    each plan with its label and its output path or error message. A missing *outdir* is an
    error unless *parents*.

    With *pdf*, each document is also converted to PDF (into *pdf_outdir*, by default
    *outdir*) while the others are still rendering, by *jobs* LibreOffice processes at once
    (see `PdfConverters`); `report.pdfs` lists the PDFs and `report.pdf_failed` the documents
    that could not be converted. An existing PDF is an error before any work unless *force*.

    *executor* (any `concurrent.futures.Executor`: a `ProcessPoolExecutor`, Dask's
    `Client.get_executor()`, Ray's) renders the plans instead of the built-in pool: each plan
    is submitted as `render_in_worker(source, outdir, settings)`, which pickles, and the worker
    writes the document into *outdir* itself, so *outdir* must be on a file system the
    workers share with the caller, at the same path. *jobs* then counts only LibreOffice
    processes. A user template reaches the workers as bytes; it runs in a child process of
    the worker, which must be allowed children (Dask: `distributed.worker.daemon: False`).
    """
    started = time.perf_counter()
    folder = Path(outdir)
    if folder.exists() and not folder.is_dir():
        raise OutputError(_("is a file, not a folder for the documents"), file=folder)
    if not folder.is_dir() and not parents:
        raise OutputError(
            _("the output folder does not exist; create it, or pass parents=True"), file=folder
        )
    sources = list(_sources(plans))
    names = [s.name for s in sources]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        first, second = [s.label for s in sources if s.name == twice[0]][:2]
        raise OutputError(
            _(
                "{first} and {second} would both be written to {name}; give them different "
                "names (rename a plan file, or change a unit's `name`)"
            ).format(first=first, second=second, name=twice[0] + ".docx"),
            file=folder,
        )
    pdf_folder = folder if pdf_outdir is None else Path(pdf_outdir)
    if pdf and pdf_outdir is not None and not pdf_folder.is_dir():
        raise OutputError(_("the folder for the PDFs does not exist"), file=pdf_folder)
    named = [source.name for source in sources if source.error is None]
    refuse_existing([folder / f"{name}.docx" for name in named], force=force)
    if pdf:
        refuse_existing([pdf_folder / f"{name}.pdf" for name in named], force=force)
    folder.mkdir(parents=True, exist_ok=True)  # only now: a refused run makes nothing
    renderer = Renderer(template=template, profile=profile, check=check, limits=limits)
    report = RenderReport()
    labels: dict[Path, str] = {}
    with contextlib.ExitStack() as stack:
        stack.callback(renderer.close)
        converters: PdfConverters | None = None
        if pdf:
            converters = stack.enter_context(
                PdfConverters(pdf_folder, jobs=jobs, force=force, expected=len(sources))
            )
            report.pdf_processes = converters.jobs
        idle = converters.pump if converters is not None else None
        if executor is not None:
            settings = RenderSettings(
                renderer.template,
                renderer.template_name,
                renderer.profile,
                check,
                limits,
                force,
                current_language(),
            )
            outcomes = _executor_outcomes(executor, sources, folder, settings, jobs, idle)
        else:
            outcomes = _outcomes(sources, folder, force, renderer, jobs, idle)
        for outcome in outcomes:
            if outcome.path is not None:
                report.rendered.append(outcome.path)
                if converters is not None:
                    labels[outcome.path] = outcome.label
                    converters.add(outcome.path)
            else:
                report.failed.append((outcome.label, outcome.error or _("failed")))
            report.findings.extend((outcome.label, f) for f in outcome.findings)
            report.audit.extend((outcome.label, f) for f in outcome.audit)
            if progress is not None:
                progress(outcome.label, outcome.path, outcome.error)
        if converters is not None:
            for result in converters.finish():
                if result.pdf is not None:
                    report.pdfs.append(result.pdf)
                else:
                    label = labels.get(result.source, str(result.source))
                    report.pdf_failed.append((label, result.error or _("not converted")))
    # in the order the plans were given, whichever process ended first
    order = {source.name: n for n, source in enumerate(sources)}
    at = {source.label: n for n, source in enumerate(sources)}
    report.rendered.sort(key=lambda path: order.get(path.stem, len(order)))
    report.pdfs.sort(key=lambda path: order.get(path.stem, len(order)))
    report.failed.sort(key=lambda failure: at.get(failure[0], len(at)))
    report.pdf_failed.sort(key=lambda failure: at.get(failure[0], len(at)))
    report.seconds = time.perf_counter() - started
    return report


def _sources(
    plans: Iterable[Plan | tuple[str, Plan] | PlanSource | str | Path] | Mapping[str, Plan],
) -> Iterator[PlanSource]:
    if isinstance(plans, Mapping):
        for name, plan in plans.items():
            yield PlanSource(_safe(name), name, plan=plan)
        return
    for n, item in enumerate(plans, 1):
        if isinstance(item, PlanSource):
            yield item
        elif isinstance(item, Plan):
            yield PlanSource(f"plan-{n:04}", _("plan {number}").format(number=n), plan=item)
        elif isinstance(item, tuple):
            yield PlanSource(_safe(item[0]), item[0], plan=item[1])
        elif isinstance(item, (str, Path)):
            yield from collect_sources([item])
        else:  # a dict of form data, ...: reported as that plan's failure, the others go on
            label = _("plan {number}").format(number=n)
            error = _(
                "expected a planforge.Plan, a plan file or a folder, not a {kind}: make a plan "
                "with parse_plan(data)"
            ).format(kind=type(item).__name__)
            yield PlanSource(f"plan-{n:04}", label, error=error)


def _warm_default_templates() -> None:
    from ._profiles import builtin_profiles, load_profile
    from ._word.engine import compile_template
    from ._word.render import default_template

    for name in builtin_profiles():
        compile_template(default_template(load_profile(name)), name=f"built-in {name}")


#: Plans handed to each worker ahead of time, so that none waits for the next one.
_WINDOW = 4
#: Plans in flight at once on a caller's executor (whose size is not known).
_EXECUTOR_WINDOW = 256
#: How often (seconds) *idle* is called while renders run elsewhere: PDF conversions that
#: end are followed by the next at once, not when the next plan happens to finish.
_TICK = 0.05


def _outcomes(
    sources: list[PlanSource],
    outdir: Path,
    force: bool,
    renderer: Renderer,
    jobs: int,
    idle: Callable[[], None] | None = None,
) -> Iterator[_Outcome]:
    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            yield _render_one(source, outdir, force, renderer)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if renderer.template is None:
        _warm_default_templates()  # compiled once here, inherited by every forked worker
    # forked workers share the parent's objects copy-on-write; frozen, the collector leaves
    # them alone, so the workers neither walk nor copy the parent's whole heap
    gc.freeze()
    started = time.time()
    try:
        queue: deque[PlanSource] = deque(sources)
        suspects: deque[PlanSource] = deque()  # in flight when a worker died
        while queue or suspects:
            # after a crash, the plans that were in flight go one at a time: the one that
            # crashes again is the culprit, and only it fails
            isolating = bool(suspects)
            todo = suspects if isolating else queue
            workers = 1 if isolating else jobs
            with ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(renderer, current_language()),
            ) as pool:
                window = workers * (1 if isolating else _WINDOW)
                crashed = yield from _drain(pool, todo, window, outdir, force, started, idle)
            for source in crashed:  # a killed worker leaves its half-written file behind
                for stray in outdir.glob(f".{source.name}.docx*.tmp"):
                    stray.unlink(missing_ok=True)
            if crashed and isolating:
                yield _Outcome(
                    crashed[0].label,
                    None,
                    _(
                        "the process rendering this plan crashed (a fault, or killed by the "
                        "system); the other plans were rendered"
                    ),
                )
                suspects.extendleft(reversed(crashed[1:]))
            else:
                suspects.extend(crashed)
    finally:
        gc.unfreeze()


def _drain(
    pool: ProcessPoolExecutor,
    todo: deque[PlanSource],
    window: int,
    outdir: Path,
    force: bool,
    started: float,
    idle: Callable[[], None] | None = None,
) -> Generator[_Outcome, None, list[PlanSource]]:
    """Render *todo* on *pool*, *window* plans in flight; return the plans lost when a worker
    died (the pool is then broken and unusable).

    A lost plan may have been written just before its worker was stopped: a file made since
    *started* is this run's own, and is replaced when the plan is rendered again.
    """
    in_flight: dict[Future[_Outcome], PlanSource] = {}
    lost: list[PlanSource] = []
    while todo or in_flight:
        while todo and len(in_flight) < window and not lost:
            source = todo.popleft()
            try:
                target = outdir / f"{source.name}.docx"
                ours = target.exists() and target.stat().st_mtime >= started
                in_flight[pool.submit(_render_one, source, outdir, force or ours)] = source
            except BrokenProcessPool:
                lost.append(source)
        if not in_flight:
            break
        done, _pending = wait(
            in_flight, timeout=_TICK if idle else None, return_when=FIRST_COMPLETED
        )
        if idle is not None:
            idle()
        for future in done:
            source = in_flight.pop(future)
            try:
                yield future.result()
            except BrokenProcessPool:
                lost.append(source)
            except Exception as exc:  # one broken plan must not stop the others
                failure = _("unexpected failure: {kind}").format(kind=type(exc).__name__)
                yield _Outcome(source.label, None, failure)
        if lost:  # the pool is broken: whatever is still in flight is lost with it
            lost.extend(in_flight.values())
            break
    return lost


def _executor_outcomes(
    executor: Executor,
    sources: list[PlanSource],
    outdir: Path,
    settings: RenderSettings,
    jobs: int,
    idle: Callable[[], None] | None = None,
) -> Iterator[_Outcome]:
    """Render *sources* on a caller's *executor*, a window of them in flight, in the order
    they end. A plan whose task fails (its worker died, the executor refused it) is reported
    as failed; the others go on."""
    window = max(_EXECUTOR_WINDOW, jobs * _WINDOW)
    todo = deque(sources)
    in_flight: dict[Future[_Outcome], PlanSource] = {}
    where = str(outdir.resolve())
    try:
        while todo or in_flight:
            while todo and len(in_flight) < window:
                source = todo.popleft()
                if source.error is not None:  # nothing to send
                    yield _Outcome(source.label, None, source.error)
                    continue
                if source.file is not None:  # the worker's working folder may be another
                    source = dataclasses.replace(source, file=source.file.resolve())
                try:
                    in_flight[executor.submit(render_in_worker, source, where, settings)] = source
                except Exception as exc:  # a closed executor, an object that does not pickle
                    yield _failed_task(source, exc)
            if not in_flight:
                break
            timeout = _TICK if idle else None
            done, _pending = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
            if idle is not None:
                idle()
            for future in done:
                source = in_flight.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # one broken plan must not stop the others
                    outcome = _failed_task(source, exc)
                if outcome.path is not None:  # the worker's path: the caller's file
                    outcome = dataclasses.replace(outcome, path=outdir / outcome.path.name)
                yield outcome
    finally:
        for future in in_flight:
            future.cancel()


def _failed_task(source: PlanSource, exc: BaseException) -> _Outcome:
    return _Outcome(
        source.label,
        None,
        _("the executor did not render this plan: {kind}: {message}").format(
            kind=type(exc).__name__, message=exc
        ),
    )
