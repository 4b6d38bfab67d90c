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

import contextlib
import hashlib
import json
import os
import stat
from typing import Any

from monitlint import __version__
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.span import Span

CACHE_FORMAT = 2  # 2: entries record the checked trees and each include's notes


MAX_ENTRY_BYTES = 64 * 1024 * 1024  # an entry holds findings; larger is not one monitlint wrote (nor writes)
MAX_CACHE_BYTES = 256 * 1024 * 1024  # the whole results folder; past it the oldest entries are removed
_ENTRY_SUFFIX = ".json"

# Bytes in the results folder as this process last measured them plus what it wrote since; None
# until measured.  Measured once per process (a scan per store would cost a pre-commit run dearly).
_folder_bytes: int | None = None


def cache_dir() -> str | None:
    """Where results are kept (``<cache root>/results``, see :func:`monitlint.files.safe_fs.cache_root`), or None."""
    from monitlint.files.safe_fs import cache_root, private_dir

    root = cache_root()
    if root is None:
        return None
    try:
        return private_dir(os.path.join(root, "results"))
    except OSError:
        return None


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
    """Hash, mode and owner of a file, read like a control file (bounded, never blocking); None if unreadable."""
    from monitlint.files.safe_fs import open_regular, read_fd_bounded
    from monitlint.files.source import MAX_FILE_BYTES

    try:
        fd = open_regular(path)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        data = read_fd_bounded(fd, MAX_FILE_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return None
    return [hashlib.sha256(data).hexdigest(), info.st_mode & 0o7777, info.st_uid]


def _expansion_state(resolved_pattern: str, files: list[str], trees: list[str]) -> list[Any] | None:
    """An include pattern's matches and notes now, expanded as the parser expands it; None if over budget.

    One match more than were recorded is asked for, so a new match is a miss.
    """
    from monitlint.grammar.include_glob import expand_include

    expansion = expand_include(resolved_pattern, limit=len(files) + 1, trees=trees)
    if expansion.truncated or any("folder visits" in note for note in expansion.notes):
        return None
    return [expansion.files, expansion.problem, expansion.notes]


def lookup(key: str, path: str = "", root: str | None = None, read: list[str] | None = None) -> list[Diagnostic] | None:
    """The stored findings for ``key`` if every file and include is unchanged, else None.

    The entry is read only from a private folder, as a file owned by the caller
    (see :func:`monitlint.files.safe_fs.read_private`); its files are re-read with the
    same bounded reads as the linter's, so a file swapped for ``/dev/zero`` or a
    FIFO since the last run is a miss, not a hang.  On a hit, ``read`` (when given) receives the
    files the stored lint read.
    """
    from monitlint.files.safe_fs import read_private
    from monitlint.grammar.include_glob import checked_trees

    folder = cache_dir()
    if folder is None:
        return None
    data = read_private(folder, key + ".json", MAX_ENTRY_BYTES)
    if data is None:
        return None
    try:
        entry = json.loads(data)
        trees = entry["trees"]
        if path and trees != checked_trees(os.path.realpath(path), root):
            return None
        for file_path, state in entry["files"].items():
            if _file_state(file_path) != state:
                return None
        for pattern, state in entry["includes"].items():
            if _expansion_state(pattern, state[0], trees) != state:
                return None
        found = [_diagnostic(d) for d in entry["diagnostics"]]
        if read is not None:
            read.extend(entry["files"])
        # A hit makes the entry young again: eviction removes the least recently used first.
        with contextlib.suppress(OSError):
            os.utime(os.path.join(folder, key + _ENTRY_SUFFIX))
        return found
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def store(
    key: str,
    files: list[str],
    includes: dict[str, list[str]],
    diagnostics: list[Diagnostic],
    path: str = "",
    root: str | None = None,
) -> None:
    """Record a result; silently does nothing when the cache cannot be written."""
    from monitlint.files.safe_fs import write_private
    from monitlint.grammar.include_glob import checked_trees

    folder = cache_dir()
    if folder is None:
        return
    states = {}
    for file_path in files:
        state = _file_state(file_path)
        if state is None:
            return  # the file changed or vanished while being checked: do not cache
        states[file_path] = state
    trees = checked_trees(os.path.realpath(path or "."), root)
    expansions = {}
    for pattern, matched in includes.items():
        expansion = _expansion_state(pattern, matched, trees)
        if expansion is None or expansion[0] != matched:
            return  # over the limit or the budget, or changed meanwhile: not worth caching
        expansions[pattern] = expansion
    entry = {
        "trees": trees,
        "files": states,
        "includes": expansions,
        "diagnostics": [d.to_dict() for d in diagnostics],
    }
    data = json.dumps(entry).encode("utf-8")
    if len(data) > MAX_ENTRY_BYTES:
        return  # lookup would refuse it: never write an entry that is never read back
    _make_room(folder, len(data))
    if write_private(folder, key + _ENTRY_SUFFIX, data):
        global _folder_bytes
        _folder_bytes = (_folder_bytes or 0) + len(data)


def _make_room(folder: str, incoming: int) -> None:
    """Remove the oldest entries until the folder and ``incoming`` bytes fit in ``MAX_CACHE_BYTES``.

    Only entries this module names (``<sha256>.json``, regular files) are counted and removed; they
    go down to three quarters of the cap, so a full cache is not scanned again on every store.
    """
    global _folder_bytes
    if _folder_bytes is not None and _folder_bytes + incoming <= MAX_CACHE_BYTES:
        return
    entries: list[tuple[int, str, int]] = []
    total = 0
    try:
        with os.scandir(folder) as listing:
            for item in listing:
                name = item.name
                if not name.endswith(_ENTRY_SUFFIX) or len(name) != 64 + len(_ENTRY_SUFFIX):
                    continue
                try:
                    info = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    entries.append((info.st_mtime_ns, name, info.st_size))
                    total += info.st_size
    except OSError:
        return
    if total + incoming > MAX_CACHE_BYTES:
        target = MAX_CACHE_BYTES * 3 // 4
        for _mtime, name, size in sorted(entries):
            if total + incoming <= target:
                break
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
                total -= size
    _folder_bytes = total


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
