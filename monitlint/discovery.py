"""Which files under a folder are Monit control files (the same patterns as the pre-commit hook)."""

from __future__ import annotations

import os
import re

# Keep in sync with `files:` in .pre-commit-hooks.yaml (a test checks they are equal).
MONIT_FILES = re.compile(
    r"(^|/)(\.?monitrc|[^/]+\.monitrc)$"
    r"|(^|/)(monit|monit\.d|monitrc\.d)/"
)
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def is_monit_config(relative_path: str) -> bool:
    """True for paths such as ``monitrc``, ``x.monitrc``, ``etc/monit/conf.d/nginx``, ``monit.d/app``."""
    path = relative_path.replace(os.sep, "/")
    return bool(MONIT_FILES.search(path)) and not path.endswith("~")


def match_base(folder: str) -> str:
    """The folder that paths below ``folder`` are matched relative to, as pre-commit would see them.

    That is the enclosing git (or hg) working tree, so a checkout named ``monit`` does not make every
    file in it a Monit config; outside any working tree it is ``/``, so ``/etc/monit/conf.d`` passed
    on its own still counts as a Monit folder.
    """
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")) or os.path.exists(os.path.join(current, ".hg")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return current
        current = parent


def discover(folder: str) -> list[str]:
    """Monit control files below ``folder``, sorted (those leading outside it left out; see discover_files)."""
    return discover_files(folder)[0]


def discover_files(folder: str) -> tuple[list[str], list[str]]:
    """Monit control files below ``folder``, sorted, and one message for each file left out.

    A found file is followed to its real path, which must lie inside ``folder``
    (like an include inside the checked tree): a committed symlink
    ``monit.d/x -> /etc/passwd`` is left out, so no line of it is ever shown.
    Symlinked folders are not descended into.
    """
    from monitlint.safe_fs import within

    found: list[str] = []
    skipped: list[str] = []
    base = match_base(folder)
    tree = [os.path.realpath(folder)]
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            path = os.path.join(current, name)
            if not is_monit_config(os.path.relpath(os.path.abspath(path), base)):
                continue
            if within(os.path.realpath(path), tree):
                found.append(path)
            else:
                skipped.append(f"{path}: a symlink to a file outside {folder}: not checked")
    return found, skipped
