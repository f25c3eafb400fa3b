"""Render a context into a .docx with a compiled template; user templates in a limited child."""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .._profiles import Profile, builtin_profiles, load_profile
from .builder import build_template
from .engine import compile_template
from .isolation import RenderLimits, run_limited
from .safety import check_docx_archive

__all__ = ["default_template", "render_docx", "templates_dir"]


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


def render_docx(
    context: dict[str, Any],
    profile: Profile,
    *,
    template: bytes | None = None,
    template_name: str = "",
    limits: RenderLimits | None = None,
) -> bytes:
    """Fill *template* (default: the profile's) with *context* and return the .docx bytes.

    A template from a user is checked before it is opened and rendered in a child process
    with a time and a memory limit.
    """
    if template is None:
        compiled = compile_template(default_template(profile), name=f"built-in {profile.name}")
        return compiled.render(context, profile)
    name = template_name or "template"
    check_docx_archive(template, name=name)
    user = compile_template(template, name=name)
    return run_limited(
        lambda: user.render(context, profile), limits=limits or RenderLimits(), name=name
    )
