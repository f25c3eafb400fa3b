"""`planforge template export`: the default templates and a README, for offices to customize."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .._errors import OutputError
from .._i18n import _
from .._output import write_atomic
from .._profiles import builtin_profiles, load_profile
from .render import default_template

__all__ = ["export_templates"]


def export_templates(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Write every built-in template and a README into *directory*; return the files written."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise OutputError(_("is not a folder"), file=target)
    target.mkdir(parents=True, exist_ok=True)
    files = {f"{name}.docx": default_template(load_profile(name)) for name in builtin_profiles()}
    readme = resources.files("planforge._word").joinpath("TEMPLATES-README.md")
    files["README.md"] = readme.read_bytes()
    existing = [n for n in files if (target / n).exists()]
    if existing and not force:
        raise OutputError(
            _("already holds {names}; pass force=True to replace them").format(
                names=", ".join(existing)
            ),
            file=target,
        )
    return [write_atomic(target / name, data, force=force) for name, data in files.items()]
