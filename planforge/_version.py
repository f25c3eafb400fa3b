"""The one source of planforge's version."""

__version__ = "0.1.0"
