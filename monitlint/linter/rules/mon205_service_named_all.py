"""MON205 service-named-all: a service named `all`, which `monit ACTION all` cannot address alone.

What it detects
    A `check` whose name is `all` in any case (`all`, `ALL`, `All`).

Why it matters
    Monit accepts the name, but on its command line `all` means every service:
    `monit stop all` stops every service of the daemon, and `monit start all`
    also starts services marked `onreboot nostart`.  The service itself can
    only be acted on through the web interface or as part of everything;
    a person, a script or a configuration tool that means this one service
    acts on all of them.  monitlint's provider refuses the name.

Bad
    check process all with pidfile /run/all.pid

Good
    check process all_jobs with pidfile /run/all.pid
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON205"
NAME = "service-named-all"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "Arguments"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a service named `all`: `monit stop all` acts on every service"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report every service whose name Monit's command line reads as `all`."""
    for service in ctx.model.services:
        if service.name.lower() == "all":
            yield rule.diagnostic(
                f"service name '{service.name}' means every service on Monit's command line: "
                f"`monit stop {service.name}` stops all of them",
                service.name_span,
                service=service.name,
                hint="rename the service (for example 'all_jobs')",
            )
