"""PDF and page images through LibreOffice (headless) and poppler's pdftoppm."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from ._errors import OutputError, PlanInputError, Problem, RenderError, ToolMissingError

__all__ = ["convert_to_pdf", "pdf_seconds", "pdf_to_pngs"]

#: Documents handed to one LibreOffice start (its command line has a length limit).
BATCH = 200
#: Set in LibreOffice's environment: every process of a conversion carries it, so that all of
#: them can be found and stopped, whatever session they put themselves in.
_MARK = "PLANFORGE_CONVERSION"
_INSTALL = "apt-get install libreoffice-writer-nogui fonts-liberation2"


def _soffice() -> str:
    found = os.environ.get("PLANFORGE_SOFFICE") or shutil.which("soffice")
    found = found or shutil.which("libreoffice")
    if not found:
        raise ToolMissingError(
            "LibreOffice is needed for PDF output and previews but is not installed; install "
            f"it (Debian/Ubuntu: {_INSTALL}) or set PLANFORGE_SOFFICE to its soffice program"
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
            [Problem(f"cannot convert: no such file ({', '.join(missing)})")], file=missing[0]
        )
    stems = [p.stem for p in sources]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice:
        raise OutputError(
            f"two documents would both become {twice[0]}.pdf; give them different names",
            file=target,
        )
    if not target.is_dir():
        raise OutputError("the output folder does not exist", file=target)
    results = [target / f"{p.stem}.pdf" for p in sources]
    existing = [r for r in results if r.exists()]
    if existing and not force:
        raise OutputError("exists already; pass force=True to replace it", file=existing[0])
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
                raise RenderError(f"LibreOffice did not convert {source} (is it a .docx?)")
            made.replace(result)
    return results


def _run_soffice(
    soffice: str, profile: Path, outdir: Path, batch: Sequence[Path], deadline: float, limit: float
) -> None:
    command = [
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
    log = outdir.parent / "soffice.log"
    # output to a file, not a pipe: a helper that outlives soffice cannot hold us on a pipe;
    # its own session, so that the whole group can be killed
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, _MARK: str(profile.resolve())},
        )
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _kill_conversion(proc.pid, profile)
            proc.wait()
            raise RenderError(
                f"LibreOffice did not finish converting {len(batch)} document(s) within the "
                f"time limit of {limit:g} s and was stopped"
            ) from None
        finally:
            _kill_conversion(proc.pid, profile)  # helpers it left running
    if proc.returncode != 0:
        err = log.read_bytes()[-500:].decode(errors="replace")
        raise RenderError(f"LibreOffice failed (exit {proc.returncode}): {err}")


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


def pdf_to_pngs(pdf: Path, outdir: Path, *, prefix: str, dpi: int = 100) -> list[Path]:
    """One PNG a page of *pdf* in *outdir*: PREFIX-1.png, PREFIX-2.png, ..."""
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise ToolMissingError(
            "pdftoppm is needed for page previews but is not installed; install it "
            "(Debian/Ubuntu: apt-get install poppler-utils)"
        )
    try:
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-png", str(pdf), str(outdir / prefix)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    except subprocess.CalledProcessError as exc:
        raise RenderError(f"pdftoppm failed: {exc.stderr.decode(errors='replace')[:300]}") from exc
    pages = sorted(outdir.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    # pdftoppm pads page numbers to the page count's width (-01, -02): name them plainly
    renamed = []
    for page in pages:
        plain = outdir / f"{prefix}-{int(page.stem.rsplit('-', 1)[1])}.png"
        page.replace(plain)
        renamed.append(plain)
    return renamed
