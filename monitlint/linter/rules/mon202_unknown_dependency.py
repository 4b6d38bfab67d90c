"""MON202 unknown-dependency: `depends on` a service that is not defined.

What it detects
    A name in `depends on` that no `check` in the whole control file defines
    (compared without regard to case, as Monit does). Only checked when the whole
    control file is linted, not a conf.d fragment alone.

Why it matters
    Monit refuses to start: "Depending service 'NAME' is not defined in the
    control file", without saying where.

Bad
    check process web with pidfile /run/web.pid
        depends on databse

Good
    check process web with pidfile /run/web.pid
        depends on database
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import Budget, CloseMatcher
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON202"
NAME = "unknown-dependency"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "SERVICE-DEPENDENCIES"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "depends on a service that is not defined: Monit refuses to start"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 8
SCOPE = "config"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report dependencies on undefined services, suggesting a close name."""
    names = {s.name.lower(): s.name for s in ctx.model.services}
    # The suggestion is difflib's closest name, found in time linear in the config (see similar.py).
    matcher = CloseMatcher(list(names), Budget(len(ctx.model.services)))
    for service in ctx.model.services:
        for dep in service.depends:
            if dep.value.lower() in names:
                continue
            close = matcher.best(dep.value.lower())
            yield rule.diagnostic(
                f"'{service.name}' depends on '{dep.value}', which is not defined",
                dep.span,
                service=service.name,
                hint=f"did you mean '{names[close]}'?" if close is not None else "define it, or remove the dependency",
            )
