"""A content-hash cache of lint results, so that re-checking unchanged files costs almost nothing.

An entry is keyed by the monitlint version and code, the effective configuration, the
working folder and the checked path.  It records every file the lint read
(content hash, mode and owner, since permission rules look at those) and every
include pattern with the files it matched.  On a hit all of that is checked
again (files re-hashed, globs re-expanded) before the stored findings are
reused, so any change to any file, any new or removed include match, or any
change of mode or owner is a miss.

Entries are written under a private name and renamed into place, so several
monitlint processes (pre-commit runs them in parallel) never read a half
written entry.  This module imports neither the parser nor Lark.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from monitlint import __version__
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.model import Span

CACHE_FORMAT = 1


def cache_dir() -> str:
    """Where results are kept: ``$XDG_CACHE_HOME/monitlint/results`` (or ``~/.cache/...``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "monitlint", "results")


def _code_fingerprint() -> str:
    """Size and mtime of every file of the installed package: a changed rule or grammar is a miss.

    (Cheaper than hashing the sources on every run; the version alone would not catch an editable install.)
    """
    parts: list[str] = []
    stack = [os.path.dirname(os.path.abspath(__file__))]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append(entry.path)
            elif entry.name.endswith((".py", ".lark")):
                info = entry.stat()
                parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def entry_key(path: str, settings: str) -> str:
    """The cache key of one checked path under given settings (a string describing the configuration)."""
    raw = "\0".join([str(CACHE_FORMAT), __version__, _code_fingerprint(), os.getcwd(), path, settings])
    return hashlib.sha256(raw.encode()).hexdigest()


def _file_state(path: str) -> list[Any] | None:
    try:
        info = os.stat(path)
        with open(path, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None
    return [digest, info.st_mode & 0o7777, info.st_uid]


def _expand(resolved_pattern: str) -> list[str]:
    from monitlint.include_glob import expand_pattern

    files, _problem = expand_pattern(resolved_pattern)
    return files


def lookup(key: str) -> list[Diagnostic] | None:
    """The stored findings for ``key`` if every file and include is unchanged, else None."""
    try:
        with open(os.path.join(cache_dir(), key + ".json"), encoding="utf-8") as handle:
            entry = json.load(handle)
        for path, state in entry["files"].items():
            if _file_state(path) != state:
                return None
        for pattern, files in entry["includes"].items():
            if _expand(pattern) != files:
                return None
        return [_diagnostic(d) for d in entry["diagnostics"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(key: str, files: list[str], includes: dict[str, list[str]], diagnostics: list[Diagnostic]) -> None:
    """Record a result; silently does nothing when the cache cannot be written."""
    states = {}
    for path in files:
        state = _file_state(path)
        if state is None:
            return  # the file changed or vanished while being checked: do not cache
        states[path] = state
    entry = {"files": states, "includes": includes, "diagnostics": [d.to_dict() for d in diagnostics]}
    import tempfile

    folder = cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle)
            os.replace(tmp, os.path.join(folder, key + ".json"))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    span = Span(data["path"], data["line"], data["column"], data["end_line"], data["end_column"])
    return Diagnostic(
        data["code"],
        data["rule"],
        Severity.parse(data["severity"]),
        data["message"],
        span,
        data["service"],
        data["hint"],
    )
