"""The Jinja environment every template renders in: sandboxed, immutable, autoescaping, strict."""

from __future__ import annotations

import functools

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = ["sandboxed_environment"]


@functools.cache
def sandboxed_environment() -> ImmutableSandboxedEnvironment:
    """One shared environment: its compiled-template cache is reused across renders."""
    return ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        cache_size=64,
    )
