"""MON107 program-timeout-default: a start or stop program without `with timeout`.

What it detects
    A start or stop program that relies on Monit's default timeout of 30 seconds.

Why it matters
    Monit's check loop is single-threaded: a slow or hanging program holds up
    every other service for the whole timeout. A program that needs longer than
    30 seconds is reported as failed although it is still working. An explicit
    timeout documents the expectation.

Bad
    start program = "/usr/bin/pg_ctlcluster 15 main start"

Good
    start program = "/usr/bin/pg_ctlcluster 15 main start" with timeout 120 seconds
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON107"
NAME = "program-timeout-default"
SEVERITY = Severity.INFO
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
CATEGORY = "Clarity"  # GitLab Code Quality (Code Climate) category, not its family's "Bug Risk"
SUMMARY = "start or stop program without an explicit timeout (Monit's default is 30 s)"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report start and stop programs without `with timeout`."""
    for service in ctx.model.services:
        for kind in ("start", "stop"):
            program = getattr(service, kind)
            if program is not None and program.timeout is None:
                yield rule.diagnostic(
                    f"{kind} program of '{service.name}' has no timeout: Monit waits 30 seconds by default",
                    program.span,
                    service=service.name,
                    hint="add `with timeout N seconds`",
                )
