"""MON401 unitless-threshold: a memory, swap or size limit without a unit, meaning bytes.

What it detects
    `if memory > 200 then ...`, `if swap > 512 ...`, `if total memory > 1024 ...`
    or `if size > 100 then ...` with neither a unit (B, KB, MB, GB) nor `%`.

Why it matters
    Monit reads a bare number as bytes: `memory > 200` fires on every process
    that uses more than 200 bytes, that is always.

Bad
    if memory > 200 then restart

Good
    if memory > 200 MB then restart
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import ResourceTest, SizeTest, Subject

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON401"
NAME = "unitless-threshold"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "RESOURCE-TESTS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a memory, swap or size threshold without a unit: Monit reads it as bytes"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 18

SUBJECTS = {Subject.MEMORY, Subject.TOTAL_MEMORY, Subject.SWAP}


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report byte thresholds written without a unit."""
    for service in ctx.model.services:
        for test in service.tests:
            if isinstance(test, ResourceTest):
                for condition in test.conditions:
                    value = condition.value
                    if condition.subject in SUBJECTS and value is not None and value.written_unit is None:
                        yield rule.diagnostic(
                            f"`{condition.written} ... {value.written}` has no unit: Monit reads {value.written} bytes",
                            condition.span,
                            service=service.name,
                            hint=f"write `{value.written} MB` (or `%`)",
                        )
            elif isinstance(test, SizeTest) and test.limit is not None:
                size = test.limit.value
                if size is not None and size.written_unit is None:
                    yield rule.diagnostic(
                        f"`size ... {size.written}` has no unit: Monit reads {size.written} bytes",
                        test.span,
                        service=service.name,
                        hint=f"write `{size.written} MB` if that is what you mean",
                    )
