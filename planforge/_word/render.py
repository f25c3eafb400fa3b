"""The built-in templates: shipped or built from a profile, compiled once, filled in-process."""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .._errors import TemplateError
from .._profiles import Profile, builtin_profiles, load_profile
from .builder import build_template
from .engine import compile_template
from .safety import check_docx_archive

__all__ = ["check_rendered", "default_template", "render_docx", "templates_dir"]


def templates_dir() -> Traversable | Path:
    """Where the default templates are: inside the installed package, or the source tree's."""
    packaged = resources.files("planforge").joinpath("templates")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@functools.cache
def _built(profile_json: str) -> bytes:
    return build_template(Profile.model_validate_json(profile_json))


@functools.cache
def _shipped(name: str) -> bytes | None:
    shipped = templates_dir().joinpath(f"{name}.docx")
    return shipped.read_bytes() if shipped.is_file() else None


def default_template(profile: Profile) -> bytes:
    """The shipped template of a built-in profile, or one built for a customized profile."""
    if profile.name in builtin_profiles() and profile == load_profile(profile.name):
        shipped = _shipped(profile.name)
        if shipped is not None:
            return shipped
    return _built(profile.model_dump_json())


def render_docx(context: dict[str, Any], profile: Profile) -> bytes:
    """Fill the profile's own template (trusted: built by planforge) with *context*."""
    compiled = compile_template(default_template(profile), name=f"built-in {profile.name}")
    return compiled.render(context, profile)


def check_rendered(data: bytes, *, name: str) -> None:
    """Refuse what a user template rendered if it holds anything a template may not: the
    checks a template passes before it is opened, run again on the output."""
    try:
        check_docx_archive(data, name=name)
    except TemplateError as exc:
        raise TemplateError(
            f"what the template rendered is refused: {exc.message}", file=name
        ) from exc
