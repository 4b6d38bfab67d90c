"""MON610 missing-program: a start, stop, restart or `exec` program that does not exist (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): the
    executable (first word) of a start, stop or restart program or of an `exec`
    action, written as an absolute path, that does not exist on the machine (under
    `--root DIR` when given). Relative paths are the relative-program-path rule's.

Why it matters
    Monit only warns ("Program does not exist:") and accepts the file; the first
    time it needs the program (a restart at 3 a.m.), the action fails.

Bad
    start program = "/etc/init.d/ngnix start"     # a typo

Good
    start program = "/etc/init.d/nginx start"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON610"
NAME = "missing-program"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a start/stop/restart/exec program that does not exist on this machine"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report absolute program paths that do not exist."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import method_programs  # only with host checks on: keeps start-up short

    for ref in method_programs(ctx.model):
        if not ref.path.startswith("/"):
            continue
        entry = host.lookup(ref.path)
        if entry is not None and not entry.exists:
            yield rule.diagnostic(
                f"{ref.what} '{ref.path}' does not exist on this machine ({entry.reason}): "
                "Monit warns (Program does not exist) and the action will fail",
                ref.span,
                service=ref.service,
                hint="install the program, or fix the path",
            )
