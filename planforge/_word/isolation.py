"""Run what touches an untrusted template in a child process with a time and a memory limit.

A user's template is checked, opened, patched, parsed, compiled and rendered in a forked child
whose address space is capped; every request to it has a deadline, after which the child is
killed. A template that breaks a limit once is not tried again: every later render with it fails
at once with the same message.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from .._errors import PlanforgeError, RenderError, TemplateError
from .._i18n import N_, _

if TYPE_CHECKING:
    from .engine import PackageLayout

__all__ = ["TEMPLATE_MEMORY_BYTES", "TEMPLATE_SECONDS", "Limits", "TemplateWorker", "run_limited"]

T = TypeVar("T")

#: Seconds a user template may take to be checked and compiled, and to render one plan.
TEMPLATE_SECONDS = 20.0
#: Memory (address space) the process working on a user template may add to its parent's.
TEMPLATE_MEMORY_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits on working with an untrusted template (or document): each step's time and the
    memory the child process may add. The defaults are `TEMPLATE_SECONDS` and
    `TEMPLATE_MEMORY_BYTES`; a server may lower them (`Renderer(limits=Limits(seconds=5))`)."""

    seconds: float = TEMPLATE_SECONDS
    memory_bytes: int = TEMPLATE_MEMORY_BYTES

    def __post_init__(self) -> None:
        if not self.seconds > 0 or self.memory_bytes < 16 * 1024 * 1024:
            raise ValueError(_("limits need a positive time and at least 16 MiB of memory"))


def _address_space() -> int | None:
    try:
        statm = Path("/proc/self/statm").read_text(encoding="ascii")
        return int(statm.split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _cap_memory(memory_bytes: int) -> None:
    import resource

    current = _address_space()
    if current is not None:
        cap = current + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _answer(conn: Connection, fn: Callable[[], Any]) -> bool:
    """Send fn()'s result or what went wrong; False when the child must stop (memory)."""
    try:
        conn.send(("ok", fn()))
    except MemoryError:
        conn.send(("memory",))
        return False
    except PlanforgeError as exc:
        conn.send(("planforge", exc))
    except RecursionError:
        conn.send(("deep",))
    except BaseException as exc:  # the parent reports it; a child must never die silently
        conn.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    return True


def _one_shot(conn: Connection, fn: Callable[[], Any], memory_bytes: int) -> None:
    try:
        _cap_memory(memory_bytes)
        _answer(conn, fn)
    finally:
        conn.close()


def _fork_context() -> Any | None:
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        return None
    return multiprocessing.get_context("fork")


#: What is done in a child (`what=`), named in the messages about it: the callers' steps.
#: A caller may pass its step translated already (`what=_("checking the document")`); a step
#: given in English is translated here.
_STEPS = (
    N_("rendering"),
    N_("checking the template"),
    N_("checking and compiling the template"),
    N_("checking the document"),
    N_("reading the document"),
)


def _step(what: str) -> str:
    """*what* in the reader's language (a step already translated is left as it is)."""
    return _(what)


def _timed_out(what: str, seconds: float) -> str:
    return _(
        "{what} took longer than {seconds:g} s and was stopped (a template loop that does not end?)"
    ).format(what=_step(what), seconds=seconds)


def _died(what: str) -> str:
    return _("the process {what} died (it ran out of memory or was killed)").format(
        what=_step(what)
    )


def _outcome(message: tuple[Any, ...], limits: Limits, name: str, what: str) -> Any:
    kind = message[0]
    if kind == "ok":
        return message[1]
    if kind == "memory":
        raise TemplateError(
            _("{what} needed more than {size} MiB and was stopped").format(
                what=_step(what), size=limits.memory_bytes // 1_048_576
            ),
            file=name,
        )
    if kind == "deep":
        raise TemplateError(
            _("{what} stopped: the template nests too deeply").format(what=_step(what)),
            file=name,
        )
    if kind == "planforge":
        raise message[1]
    raise RenderError(_("{what} failed: {error}").format(what=_step(what), error=message[1]))


def run_limited(
    fn: Callable[[], T], *, limits: Limits, name: str, what: str = N_("rendering")
) -> T:
    """Call *fn* in a forked child under *limits*; its (picklable) result, or a TemplateError
    when it breaks a limit."""
    ctx = _fork_context()
    if ctx is None:  # pragma: no cover - spawn cannot ship closures
        return fn()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_one_shot, args=(child, fn, limits.memory_bytes), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(limits.seconds):
            raise TemplateError(_timed_out(what, limits.seconds), file=name)
        try:
            message: tuple[Any, ...] = parent.recv()
        except EOFError:
            raise TemplateError(_died(what), file=name) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    result: T = _outcome(message, limits, name, what)
    return result


# -- a user template's own process ---------------------------------------------------------------


def _serve(conn: Connection, data: bytes, name: str, memory_bytes: int) -> None:
    """The child: check and compile the template, then render contexts until told to stop."""
    from .engine import CompiledTemplate
    from .safety import check_docx_archive

    compiled: list[CompiledTemplate] = []

    def prepare() -> tuple[list[str], dict[str, bytes]]:
        check_docx_archive(data, name=name)
        compiled.append(CompiledTemplate(data, name))
        # what the parent needs to put rendered parts together: the members' order and the
        # parts every output shares (checked above, with the whole template)
        return compiled[0].layout.order, compiled[0].layout.fixed

    try:
        _cap_memory(memory_bytes)
        if not _answer(conn, prepare) or not compiled:
            return
        while True:
            request = conn.recv()
            if request is None:
                return
            # (context, profile): the parts made from the plan; the parent checks and zips them
            render = functools.partial(compiled[0].render_parts, *request)
            if not _answer(conn, render):
                return
    except (EOFError, OSError, KeyboardInterrupt):
        return
    finally:
        conn.close()


class TemplateWorker:
    """A user template in its own limited child process: checked and compiled once, then used
    for every render. Safe to share between threads (requests take turns) and across a fork
    (a forked process starts its own child)."""

    def __init__(self, data: bytes, name: str, limits: Limits) -> None:
        self.data = data
        self.name = name
        self.limits = limits
        self._lock = threading.Lock()
        self._proc: Any = None
        self._conn: Connection | None = None
        self._owner = -1
        self._broken: TemplateError | None = None
        #: how rendered parts make a .docx: the order of the members, the fixed parts
        self.layout: PackageLayout | None = None
        with self._lock:
            self._start()

    def _start(self) -> None:
        ctx = _fork_context()
        if ctx is None:  # pragma: no cover
            raise TemplateError(_("user templates need a system with fork()"), file=self.name)
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=_serve, args=(child, self.data, self.name, self.limits.memory_bytes), daemon=True
        )
        proc.start()
        child.close()
        self._proc, self._conn, self._owner = proc, parent, os.getpid()
        from .engine import PackageLayout

        try:
            order, fixed = self._exchange(None, N_("checking and compiling the template"))
            if self.layout is None:
                self.layout = PackageLayout(order, fixed)
        except PlanforgeError as exc:
            self._broken = exc if isinstance(exc, TemplateError) else None
            self._stop()
            raise

    def _exchange(self, request: Any, what: str) -> Any:
        conn = self._conn
        assert conn is not None
        try:
            if request is not None:
                conn.send(request)
            if not conn.poll(self.limits.seconds):
                self._fail(_timed_out(what, self.limits.seconds))
            message: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._fail(_died(what))
        try:
            return _outcome(message, self.limits, self.name, what)
        except TemplateError as exc:
            if message[0] in ("memory", "deep"):  # a limit: the child is gone or unusable
                self._broken = exc
                self._stop()
            raise

    def _fail(self, message: str) -> NoReturn:
        self._broken = TemplateError(message, file=self.name)
        self._stop()
        raise self._broken

    def _stop(self) -> None:
        if self._proc is not None and self._owner == os.getpid():
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def render(self, context: dict[str, Any], profile: Any) -> dict[str, bytes]:
        """The parts made from *context* (member → content), rendered in the child; check them
        (`check_rendered`) and zip them with `layout.assemble`."""
        with self._lock:
            if self._broken is not None:
                raise TemplateError(
                    _("{message} (not tried again for this template)").format(
                        message=self._broken.message
                    ),
                    file=self.name,
                )
            if self._owner != os.getpid():  # forked: the parent's child is not ours to use
                self._conn = self._proc = None
                self._start()
            parts = self._exchange((context, profile), N_("rendering"))
            assert self.layout is not None
            templated = self.layout.templated
            if not (
                isinstance(parts, dict)
                and all(m in templated and isinstance(b, bytes) for m, b in parts.items())
            ):  # pragma: no cover - our own child answers with our own engine's parts
                raise TemplateError(_("the template's process answered wrongly"), file=self.name)
            return parts

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._owner == os.getpid():
                with contextlib.suppress(OSError):
                    self._conn.send(None)
            self._stop()

    def __getstate__(self) -> dict[str, Any]:
        # sent to another process (an executor): the template travels, its child does not
        return {
            "data": self.data,
            "name": self.name,
            "limits": self.limits,
            "broken": self._broken,
            "layout": self.layout,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.data, self.name, self.limits = state["data"], state["name"], state["limits"]
        self._lock = threading.Lock()
        self._proc = self._conn = None
        self._owner = -1  # a child is started at the first render
        self._broken = state["broken"]
        self.layout = state["layout"]

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()
