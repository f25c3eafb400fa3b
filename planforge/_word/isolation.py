"""Run an untrusted template's render in a child process with a time and a memory limit."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .._errors import PlanforgeError, RenderError, TemplateError

__all__ = ["RenderLimits", "run_limited"]


@dataclass(frozen=True)
class RenderLimits:
    """Limits on rendering one plan with a user's template."""

    seconds: float = 60.0
    memory_bytes: int = 1024 * 1024 * 1024  # address space the child may add to its parent's


def _address_space() -> int | None:
    try:
        statm = Path("/proc/self/statm").read_text(encoding="ascii")
        return int(statm.split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _child(conn: Connection, fn: Callable[[], bytes], memory_bytes: int) -> None:
    try:
        import resource

        current = _address_space()
        if current is not None:
            cap = current + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        conn.send(("ok", fn()))
    except MemoryError:
        conn.send(("memory", "", {}))
    except PlanforgeError as exc:
        conn.send(("planforge", exc))
    except BaseException as exc:  # the parent reports it; a child must never die silently
        conn.send(("error", f"{type(exc).__name__}: {exc}", {"tb": traceback.format_exc()}))
    finally:
        conn.close()


def run_limited(fn: Callable[[], bytes], *, limits: RenderLimits, name: str) -> bytes:
    """Call *fn* in a forked child; its result, or a TemplateError when it breaks a limit."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" not in methods:  # pragma: no cover - Windows/macOS spawn cannot ship closures
        return fn()
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, limits.memory_bytes), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(limits.seconds):
            raise TemplateError(
                f"rendering took longer than {limits.seconds:g} s and was stopped "
                "(a template loop that does not end?)",
                file=name,
            )
        try:
            message: tuple[Any, ...] = parent.recv()
        except EOFError:
            raise TemplateError(
                "the render process died (it ran out of memory or was killed)", file=name
            ) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    kind = message[0]
    if kind == "ok":
        result: bytes = message[1]
        return result
    if kind == "memory":
        raise TemplateError(
            f"rendering needed more than {limits.memory_bytes // 1_048_576} MiB and was stopped",
            file=name,
        )
    if kind == "planforge":
        raise message[1]
    raise RenderError(f"rendering failed: {message[1]}")
