"""Checking the real process table, independently of what Monit says."""

from __future__ import annotations

import os
import re
from pathlib import Path

PROC = Path("/proc")


def pid_alive(pid: int | None) -> bool:
    """True when ``pid`` is a live (not zombie) process."""
    if pid is None or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return True  # no /proc: trust the signal test
    # The state follows the command name in parentheses, which may itself hold ')'.
    state = stat[stat.rfind(")") + 2 : stat.rfind(")") + 3]
    return state not in ("Z", "X")


def read_pidfile(path: str | None) -> int | None:
    """The pid a pidfile holds, or None when it is missing or unreadable."""
    if not path:
        return None
    try:
        text = Path(path).read_text(errors="replace").strip().split()
    except OSError:
        return None
    return int(text[0]) if text and text[0].isdigit() else None


def matching_pids(pattern: str) -> list[int]:
    """Pids whose command line matches ``pattern`` (as Monit's `matching` does), oldest first."""
    try:
        regex = re.compile(pattern)
    except re.error:
        return []
    me = os.getpid()
    found: list[int] = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if cmdline and regex.search(cmdline) and pid_alive(int(entry.name)):
            found.append(int(entry.name))
    return sorted(found)
