"""monitlint: a linter and a safe start/stop provider for Monit control files.

``monitlint.lint(paths_or_sources, config) -> Report`` runs the engine (see :mod:`monitlint.api`).
It is loaded on first use, so that ``import monitlint`` stays cheap (the CLI's start-up and
the provider import this package).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0.dev0"  # main between releases: the next release, in development
__all__ = ["Report", "Text", "__version__", "lint"]

if TYPE_CHECKING:
    from monitlint.api import Report, Text, lint


def __getattr__(name: str) -> Any:
    """Load the engine API on first use."""
    if name in ("lint", "Report", "Text"):
        from monitlint import api

        return getattr(api, name)
    raise AttributeError(f"module 'monitlint' has no attribute {name!r}")
