"""Writing output files safely: atomically, never over an existing file without force."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ._errors import OutputError
from ._i18n import _, ngettext

__all__ = ["refuse_existing", "write_atomic"]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def refuse_existing(paths: Iterable[Path], *, force: bool) -> None:
    """Before any work: none of *paths* is there, unless *force*; the first one there is
    named, and how many more. (A file that appears during the work is still refused by
    write_atomic.)"""
    if force:
        return
    there = [path for path in paths if path.exists()]
    if len(there) == 1:
        raise OutputError(_("exists already; pass force=True to replace it"), file=there[0])
    if there:
        more = len(there) - 1
        raise OutputError(
            ngettext(
                "exists already, as does {count} more of the files this run would write; pass "
                "force=True to replace them",
                "exists already, as do {count} more of the files this run would write; pass "
                "force=True to replace them",
                more,
            ).format(count=more),
            file=there[0],
        )


def write_atomic(
    path: str | Path, data: bytes, *, force: bool = False, parents: bool = False
) -> Path:
    """Write *data* to *path* through a temporary file in the same folder, then rename.

    A reader never sees a half-written file, and a failure leaves no file behind.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        if folder.exists():
            raise OutputError(_("{folder} is not a folder").format(folder=folder), file=target)
        if not parents:
            raise OutputError(
                _("the folder does not exist; create it, or pass parents=True"),
                file=target,
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                _("cannot make the folder {folder} ({reason})").format(
                    folder=folder, reason=exc.strerror
                ),
                file=target,
            ) from exc
    if target.is_dir():
        raise OutputError(_("is a folder; give a file name"), file=target)
    refuse_existing([target], force=force)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:64]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            _("cannot write in {folder} ({reason}); choose another output folder").format(
                folder=folder, reason=exc.strerror
            ),
            file=target,
        ) from exc
    try:
        # mkstemp makes the file 0600: give it the mode a plain open() would (or the old file's)
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        Path(tmp).chmod(mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if not force and target.exists():
            raise OutputError(
                _("appeared while writing; pass force=True to replace it"), file=target
            )
        Path(tmp).replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise OutputError(
            _("cannot be written ({reason})").format(reason=exc.strerror), file=target
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    return target
