"""MON101 missing-stop-program: a process service without a `stop program`.

What it detects
    A `check process` block that has no `stop program` statement (a `restart
    program` alone does not count).

Why it matters
    `monit -t` accepts it silently. At runtime `monit stop NAME` exits 0, marks
    the service "Not monitored" and leaves the process running; Monit does not
    even log an error. Deploy scripts and configuration-management tools then
    report a stop that never happened.

Bad
    check process myapp with pidfile /run/myapp.pid
        start program = "/usr/local/bin/myapp --daemon"

Good
    check process myapp with pidfile /run/myapp.pid
        start program = "/usr/local/bin/myapp --daemon"
        stop program  = "/usr/local/bin/myapp --stop" with timeout 30 seconds
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import ServiceType

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON101"
NAME = "missing-stop-program"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "process service without a stop program: `monit stop` silently leaves it running"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 3


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report every process service that has no stop program."""
    for service in ctx.model.services:
        if service.syntax_errors:
            continue  # a broken statement may be the very program; MON001 already says so
        if service.type is not ServiceType.PROCESS or service.stop is not None:
            continue
        yield rule.diagnostic(
            f"process service '{service.name}' has no stop program: `monit stop {service.name}` "
            "will exit 0 and mark it 'Not monitored' but leave the process running",
            service.span,
            service=service.name,
            hint='add `stop program = "/absolute/path/to/stop-command"` to this check block',
        )
