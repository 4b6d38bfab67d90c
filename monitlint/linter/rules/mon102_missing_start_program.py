"""MON102 missing-start-program: a process service without a `start program`.

What it detects
    A `check process` block with no `start program`, unless it is `mode passive`
    (monitoring only, which Monit never starts or restarts).

Why it matters
    Monit adds an implicit `if does not exist then restart` to every process
    service. Without a start program, a crashed process is never started again:
    Monit logs "trying to restart" on every cycle and `monit start NAME` does
    nothing at all.

Bad
    check process worker with pidfile /run/worker.pid
        stop program = "/usr/bin/worker --stop"

Good
    check process worker with pidfile /run/worker.pid
        start program = "/usr/bin/worker --daemon" with timeout 60 seconds
        stop program  = "/usr/bin/worker --stop"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import ServiceType

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON102"
NAME = "missing-start-program"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "process service without a start program: Monit can never start it"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 3


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report process services with no start program."""
    for service in ctx.model.services:
        if service.syntax_errors:
            continue  # a broken statement may be the very program; MON001 already says so
        if service.type is ServiceType.PROCESS and service.start is None and service.mode != "passive":
            yield rule.diagnostic(
                f"process service '{service.name}' has no start program: Monit cannot start or restart it",
                service.span,
                service=service.name,
                hint='add `start program = "/absolute/path/to/start-command"`',
            )
