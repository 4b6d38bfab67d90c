"""MON403 only-last-condition-counts: several conditions in one `if`, of which Monit keeps the last.

What it detects
    `if cpu > 80% or memory > 200 MB then restart`: more than one resource
    condition in a single test (`or` and `and` are noise words to Monit).

Why it matters
    Monit parses it but keeps only the last condition: the cpu limit above is
    silently dropped.

Bad
    if cpu > 80% or memory > 200 MB then restart

Good
    if cpu > 80% then restart
    if memory > 200 MB then restart
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import ResourceTest

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON403"
NAME = "only-last-condition-counts"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "GENERAL-SYNTAX"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "several conditions in one `if`: Monit silently keeps only the last"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 4


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report tests with more than one resource condition."""
    for service in ctx.model.services:
        for test in service.tests:
            if isinstance(test, ResourceTest) and len(test.conditions) > 1:
                dropped = ", ".join(f"`{c.written}`" for c in test.conditions[:-1])
                yield rule.diagnostic(
                    f"only the last condition (`{test.conditions[-1].written}`) counts: Monit ignores {dropped}",
                    test.span,
                    service=service.name,
                    hint="write one `if ... then ...` per condition",
                )
