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
from monitlint.linter.helpers import installed
from monitlint.linter.registry import Rule
from monitlint.model import Span

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON301"
NAME = "control-file-permissions"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "main control file more open than 0700 or owned by someone else: Monit refuses to start"
SCOPE = "config"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report a main control file whose mode or owner Monit rejects."""
    path = ctx.model.path
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
