"""MON103 action-without-program: a `then restart|start|stop` with no program to run.

What it detects
    A test whose action (or `else` action) is `restart` in a service with neither
    a restart program nor a start program, `start` without a start program, or
    `stop` without a stop program.

Why it matters
    Monit accepts it, then on every event logs "trying to restart" (or start, or
    stop) and does nothing: the check looks protective and protects nothing.

Bad
    check process api with pidfile /run/api.pid
        if failed port 8080 then restart

Good
    check process api with pidfile /run/api.pid
        start program = "/usr/bin/api --daemon"
        stop program  = "/usr/bin/api --stop"
        if failed port 8080 then restart
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import ActionKind, Service, ServiceType

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON103"
NAME = "action-without-program"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a restart, start or stop action in a service without the program it needs"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 24


_NEEDS = frozenset({ActionKind.RESTART, ActionKind.START, ActionKind.STOP})


def _missing(service: Service, kind: ActionKind) -> str | None:
    if kind is ActionKind.RESTART and service.restart is None and service.start is None:
        return "a restart program or a start program"
    if kind is ActionKind.START and service.start is None:
        return "a start program"
    if kind is ActionKind.STOP and service.stop is None:
        return "a stop program"
    return None


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report actions that have no program to run."""
    for service in ctx.model.services:
        if service.syntax_errors:
            continue  # a broken statement may be the very program; MON001 already says so
        if service.type is ServiceType.SYSTEM:
            continue
        for test in service.tests:
            for action in (test.action, test.else_action):
                # Most actions are `alert`: only the three that need a program are looked into.
                if action is None or action.kind not in _NEEDS:
                    continue
                needed = _missing(service, action.kind)
                if needed:
                    yield rule.diagnostic(
                        f"`then {action.kind}` but '{service.name}' has no {needed}: Monit will log "
                        f"'trying to {action.kind}' and do nothing",
                        action.span,
                        service=service.name,
                        hint=f"add {needed} to the block, or use `then alert`",
                    )
