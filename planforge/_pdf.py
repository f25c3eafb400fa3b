"""PDF and page images through LibreOffice (headless) and poppler's pdftoppm."""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ._errors import OutputError, PlanInputError, Problem, RenderError, ToolMissingError
from ._i18n import _, ngettext

__all__ = ["PdfConverters", "PdfResult", "convert_to_pdf", "pdf_seconds", "pdf_to_pngs"]

#: Documents handed to one LibreOffice start (its command line has a length limit).
BATCH = 200
#: Most documents one of `PdfConverters`' LibreOffice starts takes at once. Each start costs
#: about a second and each document a few hundredths: on 200 plans, batches of 100 took 12 s
#: with one process where batches of 16 took 21 s. Below this, a process takes its share of
#: the work (see `PdfConverters`), so that the processes end together and few starts are paid.
STREAM_BATCH = 100
#: Set in LibreOffice's environment: every process of a conversion carries it, so that all of
#: them can be found and stopped, whatever session they put themselves in.
_MARK = "PLANFORGE_CONVERSION"
_INSTALL = "apt-get install libreoffice-writer-nogui fonts-liberation2"


def _soffice() -> str:
    chosen = os.environ.get("PLANFORGE_SOFFICE")
    if chosen:
        program = shutil.which(chosen)  # a path, or a name looked up on PATH
        if program is None:
            raise ToolMissingError(
                _(
                    "PLANFORGE_SOFFICE={program}: no such program (or it is not executable); "
                    "set it to LibreOffice's soffice program, or unset it to use the soffice "
                    "on PATH"
                ).format(program=chosen)
            )
        return program
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ToolMissingError(
            _(
                "LibreOffice is needed for PDF output and previews but is not installed; "
                "install it (Debian/Ubuntu: {command}) or set PLANFORGE_SOFFICE to its soffice "
                "program"
            ).format(command=_INSTALL)
        )
    return found


def pdf_seconds(documents: int) -> float:
    """The time one conversion of *documents* documents may take: 60 s and 5 s a document."""
    return 60.0 + 5.0 * documents


def convert_to_pdf(
    paths: Iterable[str | Path],
    outdir: str | Path,
    *,
    force: bool = False,
    timeout: float | None = None,
) -> list[Path]:
    """Convert .docx files to PDF in *outdir* with one LibreOffice start per 200 documents.

    Each run gets a private LibreOffice profile, so it never clashes with a desktop LibreOffice
    or a parallel run. PDFs appear only when complete; an existing PDF is kept unless *force*.
    *timeout* (seconds, for the whole conversion) defaults to `pdf_seconds(len(paths))`; when it
    passes, every process of the conversion is killed and RenderError says so. When the
    conversion fails, no PDF is written; the .docx files given are left as they are.
    """
    sources = [Path(p) for p in paths]
    target = Path(outdir)
    if not sources:
        return []
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise PlanInputError(
            [Problem(_("cannot convert: no such file ({files})").format(files=", ".join(missing)))],
            file=missing[0],
        )
    stems = [p.stem for p in sources]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice:
        raise OutputError(
            _("two documents would both become {name}; give them different names").format(
                name=twice[0] + ".pdf"
            ),
            file=target,
        )
    if not target.is_dir():
        raise OutputError(_("the output folder does not exist; create it first"), file=target)
    results = [target / f"{p.stem}.pdf" for p in sources]
    existing = [r for r in results if r.exists()]
    if existing and not force:
        raise OutputError(_("exists already; pass force=True to replace it"), file=existing[0])
    soffice = _soffice()
    limit = timeout if timeout is not None else pdf_seconds(len(sources))
    deadline = time.monotonic() + limit
    with tempfile.TemporaryDirectory(prefix=".planforge-pdf-", dir=target) as work:
        profile = Path(work) / "profile"
        converted = Path(work) / "out"
        converted.mkdir()
        for start in range(0, len(sources), BATCH):
            batch = sources[start : start + BATCH]
            _run_soffice(soffice, profile, converted, batch, deadline, limit)
        for source, result in zip(sources, results, strict=True):
            made = converted / f"{source.stem}.pdf"
            if not made.is_file() or made.stat().st_size == 0:
                raise RenderError(
                    _("LibreOffice did not convert {file} (is it a .docx?)").format(file=source)
                )
            made.replace(result)
    return results


def _run_soffice(
    soffice: str, profile: Path, outdir: Path, batch: Sequence[Path], deadline: float, limit: float
) -> None:
    command = _command(soffice, profile, outdir, batch)
    log = outdir.parent / "soffice.log"
    with log.open("wb") as out:
        proc = _start_soffice(command, profile, out)
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _kill_conversion(proc.pid, profile)
            proc.wait()
            raise RenderError(_timed_out(len(batch), limit)) from None
        finally:
            _kill_conversion(proc.pid, profile)  # helpers it left running
    if proc.returncode != 0:
        err = log.read_bytes()[-500:].decode(errors="replace")
        raise RenderError(_failed(proc.returncode, err))


def _timed_out(documents: int, limit: float) -> str:
    return ngettext(
        "LibreOffice did not finish converting {documents} document within the time limit "
        "of {limit:g} s and was stopped",
        "LibreOffice did not finish converting {documents} documents within the time limit "
        "of {limit:g} s and was stopped",
        documents,
    ).format(documents=documents, limit=limit)


def _failed(code: int, log: str) -> str:
    return _("LibreOffice failed (exit {code}): {log}").format(code=code, log=log)


def _command(soffice: str, profile: Path, outdir: Path, batch: Sequence[Path]) -> list[str]:
    """LibreOffice's command line converting *batch* into *outdir* with the private *profile*."""
    return [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(outdir),
        *(str(p.resolve()) for p in batch),
    ]


def _start_soffice(
    command: list[str], profile: Path, log: IO[bytes], cpu: int | None = None
) -> subprocess.Popen[bytes]:
    """Start LibreOffice; on *cpu* alone (it and every thread and process it starts), when
    given."""
    before = None
    if cpu is not None:
        # a process inherits the CPUs of the thread that starts it: this thread's are set for
        # the start (on Linux, to the calling thread only), then put back
        try:
            before = os.sched_getaffinity(0)
            os.sched_setaffinity(0, {cpu})
        except OSError:  # the CPU went offline, or is no longer ours: start it anywhere
            before = None
    try:
        # output to a file, not a pipe: a helper that outlives soffice cannot hold us on a
        # pipe; its own session, so that the whole group can be killed
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, _MARK: str(profile.resolve())},
        )
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)


def _kill_conversion(pid: int, profile: Path) -> None:
    """Kill the conversion's process group, and every process that carries the conversion's
    mark in its environment: helpers that started sessions of their own inherit it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    marker = f"{_MARK}={profile.resolve()}".encode()
    proc_root = Path("/proc")
    if not proc_root.is_dir():  # pragma: no cover - not Linux
        return
    for entry in proc_root.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


# -- many LibreOffice processes, fed as documents arrive --------------------------------------


@dataclass(frozen=True)
class PdfResult:
    """One document's conversion: its PDF, or why there is none."""

    source: Path
    pdf: Path | None
    error: str | None = None


class _Slot:
    """One LibreOffice process of `PdfConverters`, with its private profile and output folder."""

    def __init__(self, folder: Path, cpu: int | None = None) -> None:
        self.cpu = cpu
        self.profile = folder / "profile"
        self.out = folder / "out"
        self.log_path = folder / "soffice.log"
        self.out.mkdir(parents=True)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log: IO[bytes] | None = None
        self.batch: list[Path] = []
        self.deadline = 0.0
        self.limit = 0.0

    def start(self, soffice: str, batch: list[Path], limit: float) -> None:
        for stale in self.out.iterdir():
            stale.unlink()
        self.batch, self.limit = batch, limit
        self.deadline = time.monotonic() + limit
        self.log = self.log_path.open("wb")
        try:
            self.proc = _start_soffice(
                _command(soffice, self.profile, self.out, batch), self.profile, self.log, self.cpu
            )
        except OSError:
            self.log.close()
            self.log = None
            raise

    def stop(self) -> None:
        """Kill the conversion under way, if any (and every process it started)."""
        if self.proc is not None:
            _kill_conversion(self.proc.pid, self.profile)
            self.proc.wait()
            self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def reap(self) -> str | bool | None:
        """False while the conversion runs; then None when it ended well, or its error."""
        proc = self.proc
        assert proc is not None
        if proc.poll() is None:
            if time.monotonic() < self.deadline:
                return False
            self.stop()
            return _timed_out(len(self.batch), self.limit)
        code = proc.returncode
        self.stop()  # helpers it left running
        if code != 0:
            err = self.log_path.read_bytes()[-500:].decode(errors="replace")
            return _failed(code, err)
        return None


def _allowed_cpus() -> list[int]:
    """The CPUs this process may run on (none known off Linux)."""
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return []


def _cpus_for(jobs: int) -> list[int | None]:
    """The CPU each of *jobs* LibreOffice processes runs on, or None (anywhere).

    Several at once each get a CPU of their own when there are enough: left to move between
    CPUs (with their threads), two conversions took 5.2 s where pinned they took 4.9 s, as
    long as one alone (100 plans on a 2-core machine). One process, or more processes than
    CPUs, run anywhere."""
    allowed = _allowed_cpus()
    if jobs < 2 or jobs > len(allowed):
        return [None] * jobs
    return list(allowed[:jobs])


class PdfConverters:
    """Converts .docx files to PDF in *outdir* with up to *jobs* LibreOffice processes at once,
    fed while the documents are still being made: `add` a document as soon as it is written.

    Each process has its private profile (`-env:UserInstallation`), runs on a CPU of its own
    when there are at least *jobs* (on Linux; see `_cpus_for`), and takes its share of the
    work, at most `STREAM_BATCH` documents: the documents waiting and those still *expected*
    (when the caller says how many it will add), divided among the free processes, so that
    the processes end together instead of paying a start for each smaller and smaller batch
    at the end. A free process starts as soon as its share is waiting (or nothing more is to
    come), so conversion runs while later documents are still being made. Each start has its
    own time limit, `pdf_seconds(len(batch))` unless *timeout* (seconds a start) is given;
    when it passes, every process of that start is killed. A start that fails is retried one
    document at a time, so that only the documents LibreOffice cannot convert fail; they are
    reported in the results, and the others go on. PDFs appear in *outdir* only when complete
    (renamed into place); an existing PDF is kept unless *force* (its document then fails).

    There are no threads: the caller drives the processes with `pump` (cheap, never blocks)
    and collects every result with `finish`; safe to use around a fork()ing process pool.
    Raises ToolMissingError at once when LibreOffice is not installed.
    """

    def __init__(
        self,
        outdir: str | Path,
        *,
        jobs: int = 1,
        force: bool = False,
        timeout: float | None = None,
        batch: int = STREAM_BATCH,
        expected: int | None = None,
    ) -> None:
        self.outdir = Path(outdir)
        if not self.outdir.is_dir():
            raise OutputError(
                _("the output folder does not exist; create it first"), file=self.outdir
            )
        self.soffice = _soffice()
        self.jobs = max(1, jobs)
        self.force = force
        self.timeout = timeout
        self.batch = max(1, batch)
        self.starts = 0  # LibreOffice starts so far
        self.expected = expected  # how many documents the caller will add, when it knows
        self._added = 0
        self._closed = False  # finish() was called: nothing more will be added
        self._work = Path(tempfile.mkdtemp(prefix=".planforge-pdf-", dir=self.outdir))
        cpus = _cpus_for(self.jobs)
        self._slots = [_Slot(self._work / str(n), cpus[n]) for n in range(self.jobs)]
        self._waiting: deque[Path] = deque()
        self._alone: deque[Path] = deque()  # of a failed batch: each is tried by itself
        self._results: list[PdfResult] = []

    def __enter__(self) -> PdfConverters:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, docx: str | Path) -> None:
        """Queue a written .docx; its PDF will be `outdir/<stem>.pdf`."""
        self._waiting.append(Path(docx))
        self._added += 1
        self.pump()

    @property
    def busy(self) -> bool:
        """Whether documents wait or are being converted."""
        return bool(self._waiting or self._alone or any(s.proc for s in self._slots))

    def pump(self) -> None:
        """Collect the conversions that ended (or overran their time), and start LibreOffice
        on waiting documents wherever a process is free. Never blocks."""
        for slot in self._slots:
            if slot.proc is not None:
                self._collect(slot)
        for slot in self._slots:
            if slot.proc is None and (
                self._alone
                or (
                    self._waiting and (len(self._waiting) >= self._share() or not self._more_coming)
                )
            ):
                self._start(slot)

    @property
    def _more_coming(self) -> bool:
        return not self._closed and self.expected is not None and self._added < self.expected

    def _share(self) -> int:
        """What a free process takes: the documents not handed out yet (waiting, and still to
        come) divided among the free processes, at most `batch`."""
        coming = self.expected - self._added if self._more_coming and self.expected else 0
        free = sum(1 for slot in self._slots if slot.proc is None)
        return max(1, min(self.batch, math.ceil((len(self._waiting) + coming) / max(1, free))))

    def finish(self, poll: float = 0.05) -> list[PdfResult]:
        """Wait until every document added is converted or failed; the results so far, in the
        order they ended."""
        self._closed = True
        self.pump()
        while self.busy:
            time.sleep(poll)
            self.pump()
        return list(self._results)

    def close(self) -> None:
        """Kill what still runs and remove the work folder (documents not converted yet are
        dropped: call `finish` first)."""
        for slot in self._slots:
            slot.stop()
        self._waiting.clear()
        self._alone.clear()
        shutil.rmtree(self._work, ignore_errors=True)

    def _start(self, slot: _Slot) -> None:
        if self._alone:
            batch = [self._alone.popleft()]
        else:
            share = min(self._share(), len(self._waiting))
            batch = [self._waiting.popleft() for _n in range(share)]
        limit = self.timeout if self.timeout is not None else pdf_seconds(len(batch))
        try:
            slot.start(self.soffice, batch, limit)
        except OSError as exc:
            error = _("cannot start LibreOffice: {error}").format(error=exc)
            self._results += [PdfResult(d, None, error) for d in batch]
            return
        self.starts += 1

    def _collect(self, slot: _Slot) -> None:
        error = slot.reap()
        if error is False:
            return
        batch, slot.batch = slot.batch, []
        if error is not None:
            for stale in slot.out.iterdir():  # nothing half-written stays behind
                stale.unlink()
            shutil.rmtree(slot.profile, ignore_errors=True)  # a killed run may leave it broken
            if len(batch) > 1:
                self._alone.extend(batch)  # which of them fails? each goes by itself
            else:
                self._results.append(PdfResult(batch[0], None, str(error)))
            return
        for source in batch:
            self._results.append(self._place(slot.out / f"{source.stem}.pdf", source))

    def _place(self, made: Path, source: Path) -> PdfResult:
        target = self.outdir / f"{source.stem}.pdf"
        try:
            if not made.is_file() or made.stat().st_size == 0:
                error = _("LibreOffice did not convert {file}").format(file=source)
                return PdfResult(source, None, error)
            if target.exists() and not self.force:
                error = _("exists already; pass force=True to replace it")
                return PdfResult(source, None, f"{target}: {error}")
            made.replace(target)
        except OSError as exc:
            error = _("cannot be written ({reason})").format(reason=exc.strerror)
            return PdfResult(source, None, f"{target}: {error}")
        finally:
            made.unlink(missing_ok=True)
        return PdfResult(source, target, None)


def pdf_to_pngs(pdf: Path, outdir: Path, *, prefix: str, dpi: int = 100) -> list[Path]:
    """One PNG a page of *pdf* in *outdir*: PREFIX-1.png, PREFIX-2.png, ..."""
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise ToolMissingError(
            _(
                "pdftoppm is needed for page previews but is not installed; install it "
                "(Debian/Ubuntu: {command})"
            ).format(command="apt-get install poppler-utils")
        )
    try:
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-png", str(pdf), str(outdir / prefix)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    except subprocess.CalledProcessError as exc:
        error = exc.stderr.decode(errors="replace")[:300]
        raise RenderError(_("pdftoppm failed: {error}").format(error=error)) from exc
    pages = sorted(outdir.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    # pdftoppm pads page numbers to the page count's width (-01, -02): name them plainly
    renamed = []
    for page in pages:
        plain = outdir / f"{prefix}-{int(page.stem.rsplit('-', 1)[1])}.png"
        page.replace(plain)
        renamed.append(plain)
    return renamed
