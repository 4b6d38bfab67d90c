"""MON301 control-file-permissions: a main control file Monit will refuse to read.

What it detects
    The main control file (an entrypoint, or a file with `set daemon`) with any
    group or other permission bit (more open than 0700), or owned by another
    user than the one running monitlint. Only installed files are checked (under
    /etc, /usr/local/etc, /opt, or ~/.monitrc, and not inside a git checkout): in a
    repository the mode is set when the file is deployed.

Why it matters
    Monit refuses to start, and every `monit` command fails: "The control file
    '/etc/monit/monitrc' permission 0644 is wrong, maximum 0700 allowed".

Bad
    -rw-r--r-- root root /etc/monit/monitrc

Good
    -rw------- root root /etc/monit/monitrc
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import Span

if TYPE_CHECKING:
    from monitlint.grammar.parser import ParseResult

CODE = "MON301"
NAME = "control-file-permissions"
SEVERITY = Severity.ERROR
SUMMARY = "main control file more open than 0700 or owned by someone else: Monit refuses to start"
SCOPE = "config"


INSTALLED_PREFIXES = ("/etc/", "/usr/local/etc/", "/opt/", "/usr/etc/")


def installed(path: str) -> bool:
    """True for a control file as deployed (under /etc, /usr/local/etc, /opt, or ~/.monitrc), not in a checkout."""
    real = os.path.realpath(path)
    deployed = real.startswith(INSTALLED_PREFIXES) or os.path.basename(real) == ".monitrc"
    return deployed and not in_checkout(real)


def in_checkout(path: str) -> bool:
    """True when ``path`` lies inside a git (or hg) working tree."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if os.path.exists(os.path.join(folder, ".git")) or os.path.exists(os.path.join(folder, ".hg")):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent


def check(result: ParseResult, rule: Rule) -> Iterator[Diagnostic]:
    """Report a main control file whose mode or owner Monit rejects."""
    path = result.config.path
    if path.startswith("<") or not installed(path):
        return
    try:
        info = os.stat(path)
    except OSError:
        return
    span = Span(path, 1, 1, 1, 1)
    mode = info.st_mode & 0o777
    if mode & 0o077:
        yield rule.diagnostic(
            f"control file permission {mode:04o} is too open: Monit requires 0700 or stricter and will refuse to start",
            span,
            hint=f"chmod 600 {path}",
        )
    if info.st_uid != os.geteuid():
        yield rule.diagnostic(
            f"control file is owned by uid {info.st_uid}, not by the user running Monit (uid {os.geteuid()})",
            span,
            hint=f"chown it to the user that runs monit (chown root {path})",
        )
