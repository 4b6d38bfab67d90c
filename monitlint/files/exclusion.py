"""Which paths ``exclude`` / ``extend-exclude`` leave out, the way ruff's settings do.

A pattern without a slash names a file or folder anywhere (``legacy`` leaves out every folder or
file named legacy, and everything below such a folder); a pattern with a slash is a path glob
relative to the configuration file's folder (``etc/monit/conf.d/old-*``), matched against the
path and each of its parent folders.  ``*`` and ``?`` are shell wildcards (``fnmatch``).
``exclude`` replaces the default list below, ``extend-exclude`` adds to it.
"""

from __future__ import annotations

import fnmatch
import os
from typing import TYPE_CHECKING

from monitlint.runtime.records import record

if TYPE_CHECKING:  # config.py reaches discovery, which reaches this module: no import at run time
    from monitlint.config import Config

# Folders no one means to lint: version control, virtual environments, caches and build output.
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)
# Left out without a note even under --verbose: version control's own folders.
QUIET = frozenset({".git", ".hg", ".svn", ".bzr"})


@record(frozen=True)
class Exclusion:
    """The exclude patterns of one configuration, and the folder its path patterns are relative to."""

    patterns: tuple[str, ...] = DEFAULT_EXCLUDE
    base: str = "."
    respect_gitignore: bool = True

    @classmethod
    def of(cls, config: Config) -> Exclusion:
        """The exclusion a configuration asks for (its ``exclude`` and ``extend-exclude``)."""
        patterns = tuple(DEFAULT_EXCLUDE if config.exclude is None else config.exclude) + tuple(config.extend_exclude)
        return cls(patterns, os.path.abspath(config.base), config.respect_gitignore)

    def why(self, path: str, below: str | None = None) -> str | None:
        """None when ``path`` (a file or folder) is not excluded, else which pattern leaves it out.

        With ``below`` (a folder named on the command line), only the part of ``path`` below it is
        judged: a folder named explicitly is searched even if its own name is excluded.
        """
        absolute = os.path.abspath(path)
        top = os.path.abspath(below) if below is not None else self.base
        inside = absolute == top or absolute.startswith(top.rstrip("/") + "/")
        relative = os.path.relpath(absolute, top) if inside else os.path.basename(absolute)
        names = relative.split("/") if relative != "." else []
        stop = top if inside else os.path.dirname(absolute)
        for pattern in self.patterns:
            if "/" not in pattern.rstrip("/"):
                name = pattern.rstrip("/")
                if any(fnmatch.fnmatchcase(part, name) for part in names):
                    return f"matches exclude pattern '{pattern}'"
                continue
            target = os.path.normpath(os.path.join(self.base, pattern))
            current = absolute
            while True:
                if fnmatch.fnmatchcase(current, target):
                    return f"matches exclude pattern '{pattern}'"
                parent = os.path.dirname(current)
                if parent == current or not parent.startswith(stop.rstrip("/") + "/"):
                    break
                current = parent
        return None

    def quiet(self, name: str) -> bool:
        """True for a folder left out without a note (``.git`` and the like, when excluded)."""
        return name in QUIET
