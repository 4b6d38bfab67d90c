"""Resolving and expanding include patterns the way Monit does (no parser needed, so the cache can use it)."""

from __future__ import annotations

import glob
import os


def resolve_pattern(pattern: str, including_dir: str, root: str | None) -> str:
    """Where an include pattern points: under ``root`` if absolute, else beside the includer."""
    if os.path.isabs(pattern):
        if root:
            return os.path.join(root, pattern.lstrip("/"))
        return pattern
    return os.path.normpath(os.path.join(including_dir, pattern)) if including_dir else pattern


def expand_pattern(resolved: str) -> tuple[list[str], str | None]:
    """Expand a resolved include pattern to files in Monit's reading order.

    Returns the files and, when nothing can be included because a plain file
    or a glob's folder is missing, or a plain path names a folder, a message saying so.
    """
    if glob.has_magic(resolved):
        matches = sorted(glob.glob(resolved))
        if not matches:
            folder = os.path.dirname(resolved) or "."
            if not glob.has_magic(folder) and not os.path.isdir(folder):
                return [], f"include folder '{folder}' does not exist"
            return [], None
    else:
        if not os.path.lexists(resolved):
            return [], f"included file '{resolved}' does not exist"
        if os.path.isdir(resolved):
            return [], f"'{resolved}' is a folder: Monit includes nothing from it (write '{resolved.rstrip('/')}/*')"
        matches = [resolved]
    files = [m for m in matches if not m.endswith("~") and not os.path.isdir(m)]
    files.reverse()  # Monit pushes each match on its include stack, so the last is read first
    return files, None
