"""MON104 relative-program-path: a program whose first word is not an absolute path.

What it detects
    A start, stop, restart or `exec` program, or a `check program` path, whose
    executable is not an absolute path (`start program = "nginx"`).

Why it matters
    Monit runs programs directly, with no shell and no PATH search, from the
    folder `/`. A relative name is looked up as `/nginx` and fails at runtime.

Bad
    start program = "service nginx start"

Good
    start program = "/usr/sbin/service nginx start"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import programs
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON104"
NAME = "relative-program-path"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a program that is not an absolute path: Monit runs it with no PATH, from /"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 16


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report programs whose executable is not absolute."""
    for service in ctx.model.services:
        for label, program in programs(service):
            if program.argv and not program.argv[0].startswith("/"):
                yield rule.diagnostic(
                    f"{label} '{program.argv[0]}' is not an absolute path: Monit runs it without a PATH search",
                    program.span,
                    service=service.name,
                    hint=f"write the full path, e.g. /usr/bin/{program.argv[0].split('/')[-1]}",
                )
