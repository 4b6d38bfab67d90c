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
from monitlint.linter.helpers import BYTE_UNITS
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON401"
NAME = "unitless-threshold"
SEVERITY = Severity.WARNING
SUMMARY = "a memory, swap or size threshold without a unit: Monit reads it as bytes"
# Relative run time at 20,000 services (the others count 1), to share the rules between processes.
COST = 5

SUBJECTS = {"memory", "mem", "swap", "totalmem", "totalmemory", "total memory", "total mem"}


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report byte thresholds written without a unit."""
    for service in ctx.model.services:
        for test in service.tests:
            for condition in test.conditions:
                if condition.subject in SUBJECTS and condition.unit is None and condition.value is not None:
                    yield rule.diagnostic(
                        f"`{condition.subject} ... {condition.value}` has no unit: Monit reads {condition.value} bytes",
                        condition.span,
                        service=service.name,
                        hint=f"write `{condition.value} MB` (or `%`)",
                    )
            kinds = [kind for kind, _ in test.tokens]
            if test.kind == "size" and "NUMBER" in kinds and not set(kinds) & BYTE_UNITS:
                value = next(text for kind, text in test.tokens if kind == "NUMBER")
                yield rule.diagnostic(
                    f"`size ... {value}` has no unit: Monit reads {value} bytes",
                    test.span,
                    service=service.name,
                    hint=f"write `{value} MB` if that is what you mean",
                )
