"""Reading input files from users: regular files only, never more than a limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ._errors import DocumentError, TemplateError
from ._i18n import N_, _, ngettext

__all__ = ["MAX_DOCUMENT_BYTES", "InputFileError", "read_input", "read_word_file"]

#: Largest Word document planforge reads (`check`, `import`, `reformat`): as large as a template.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024


#: What `read_input` callers call their file (`what=`), as the messages name it.
_WHAT = {
    "plan": N_("plan"),
    "profile": N_("profile"),
    "template": N_("template"),
    "Word document": N_("Word document"),
}


def _what(what: str) -> str:
    return _(_WHAT[what]) if what in _WHAT else what


class InputFileError(Exception):
    """A file that cannot be read as input; the message says why, in plain words."""


def read_input(path: str | Path, *, limit: int, what: str) -> bytes:
    """The bytes of the regular file *path*, refusing anything larger than *limit* bytes.

    A FIFO, a device (`/dev/zero`), a folder or a socket is refused before it is read, and the
    read itself stops after *limit* bytes, so nothing a user names can make planforge read
    without end.
    """
    file = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang; its type is refused below
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputFileError(
            _("cannot read the file ({reason})").format(reason=exc.strerror)
        ) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            message = (
                _("is a folder; give the {what} file itself")
                if stat.S_ISDIR(info.st_mode)
                else _("is not a regular file; give the {what} file itself")
            )
            raise InputFileError(message.format(what=_what(what)))
        if info.st_size > limit:
            raise InputFileError(
                _("is {size}; a {what} file may be at most {limit}").format(
                    size=_size(info.st_size), what=_what(what), limit=_size(limit)
                )
            )
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise InputFileError(
            _("cannot read the file ({reason})").format(reason=exc.strerror)
        ) from exc
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read it
        raise InputFileError(
            _("is larger than {limit}; a {what} file may be no larger").format(
                limit=_size(limit), what=_what(what)
            )
        )
    return data


def _size(count: int) -> str:
    if count >= 1 << 20:
        return f"{count / (1 << 20):.1f} MiB"
    if count >= 1 << 10:
        return f"{count / (1 << 10):.0f} KiB"
    return ngettext("{count} byte", "{count} bytes", count).format(count=count)


def read_word_file(
    source: bytes | str | Path, *, error: type[DocumentError | TemplateError]
) -> tuple[bytes, str]:
    """A Word document given as bytes or as a path read as untrusted input, and the name
    messages call it; a file that cannot be read raises *error* naming it."""
    if isinstance(source, bytes):
        return source, "document"
    try:
        return read_input(source, limit=MAX_DOCUMENT_BYTES, what="Word document"), str(source)
    except InputFileError as exc:
        raise error(str(exc), file=source) from exc
