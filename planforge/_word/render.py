"""The built-in templates: shipped or built from a profile, compiled once, filled in-process."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .._errors import TemplateError
from .._i18n import _
from .._profiles import Profile, builtin_profiles, load_profile
from .builder import build_template
from .engine import RenderedPackage, compile_template
from .safety import check_parts

__all__ = [
    "check_rendered",
    "default_template",
    "render_docx",
    "render_package",
    "templates_dir",
]


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
    return render_package(context, profile).data


def render_package(context: dict[str, Any], profile: Profile) -> RenderedPackage:
    """`render_docx`, with the content of each part of the .docx (what the audit reads)."""
    name = _("built-in {profile}").format(profile=profile.name)
    return compile_template(default_template(profile), name=name).render_package(context, profile)


def check_rendered(parts: Mapping[str, bytes], *, name: str) -> None:
    """Refuse what a user template rendered if it holds anything a template may not: the
    checks a template passes before it is opened, run again on the parts made from the plan
    (the others are the template's own, checked with it)."""
    try:
        check_parts(parts, name=name)
    except TemplateError as exc:
        raise TemplateError(
            _("what the template rendered is refused: {error}").format(error=exc.message),
            file=name,
        ) from exc
