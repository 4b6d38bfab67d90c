"""MON611 program-not-executable: a start, stop, restart or `exec` program with no execute bit (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): the
    executable (first word) of a start, stop or restart program or of an `exec`
    action that exists on the machine (under `--root DIR` when given) but has no
    execute bit. Executable means `access(X_OK)` as root (any execute bit, or a
    folder); a daemon running as another user needs that user's permission, which is
    not modelled.

Why it matters
    Monit only warns ("Program is not executable:") and accepts the file; the action
    fails with "Permission denied" when Monit needs it.

Bad
    start program = "/usr/local/bin/start-app.sh"     # -rw-r--r--

Good
    start program = "/usr/local/bin/start-app.sh"     # -rwxr-xr-x
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON611"
NAME = "program-not-executable"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a start/stop/restart/exec program without an execute bit"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report programs that exist but cannot be executed."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import method_programs  # only with host checks on: keeps start-up short

    for ref in method_programs(ctx.model):
        if not ref.path.startswith("/"):
            continue
        entry = host.lookup(ref.path)
        if entry is not None and entry.exists and not entry.executable_by_root:
            yield rule.diagnostic(
                f"{ref.what} '{ref.path}' is not executable (mode {entry.mode & 0o7777:04o}): "
                "Monit warns (Program is not executable) and the action will fail",
                ref.span,
                service=ref.service,
                hint=f"chmod +x {ref.path}",
            )
