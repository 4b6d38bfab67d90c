"""MON201 duplicate-service-name: two services with the same name (Monit ignores case).

What it detects
    A `check` whose name was already used by another service in the control file
    or its includes; names are compared without regard to case, as Monit does.

Why it matters
    Monit refuses to start: "Service name conflict, NAME already defined". It
    often comes from a copied block, or an include glob that reads a backup copy.

Bad
    check process web with pidfile /run/web.pid
    check file web with path /etc/web.conf

Good
    check process web with pidfile /run/web.pid
    check file web_conf with path /etc/web.conf
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import Service

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON201"
NAME = "duplicate-service-name"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "Service-checks"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a service name used twice (case-insensitive): Monit refuses to start"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 5


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report each later definition of a name, pointing at the first."""
    first: dict[str, Service] = {}
    for service in ctx.model.services:
        key = service.name.lower()
        if key in first:
            previous = first[key]
            yield rule.diagnostic(
                f"service name '{service.name}' is already defined at {previous.span.path}:{previous.span.line} "
                f"(check {previous.type} '{previous.name}')",
                service.name_span,
                service=service.name,
                hint="rename one of them; Monit compares service names without regard to case",
            )
        else:
            first[key] = service
