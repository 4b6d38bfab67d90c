"""MON106 silent-unmonitor: monitoring can stop with nobody told.

What it detects
    A restart limit (or any test) whose action is `unmonitor`, or the legacy
    `timeout`, in a control file where no alert reaches anyone: no `set alert`, no
    `set mmonit`, and in the service neither an `alert` nor an `exec` action (an
    alert script).

Why it matters
    After the limit is hit Monit stops monitoring the service for good. Without
    an alert recipient, the service stays down and unmonitored until someone
    happens to look.

Bad
    check process api with pidfile /run/api.pid
        if 3 restarts within 5 cycles then unmonitor      # and no `set alert` anywhere

Good
    set alert ops@example.com
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import actions, settings_of
from monitlint.linter.registry import Rule
from monitlint.model import ActionKind, AlertSetting, MMonitSetting

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON106"
NAME = "silent-unmonitor"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "ALERT-MESSAGES"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a test that can stop monitoring (unmonitor, timeout) while no alert reaches anyone"
SCOPE = "config"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report unmonitor/timeout actions when no alert recipient exists for the service."""
    config = ctx.model
    if any(settings_of(config, cls) for cls in (AlertSetting, MMonitSetting)):
        return  # mail alerts, or M/Monit receiving every event
    for service in config.services:
        if service.alerts or any(a.kind is ActionKind.EXEC for t in service.tests for a in actions(t)):
            continue  # its own recipient, or an alert script
        for test in service.tests:
            for action in actions(test):
                if action.kind in (ActionKind.UNMONITOR, ActionKind.TIMEOUT):
                    yield rule.diagnostic(
                        f"'{service.name}' can stop being monitored (`then {action.kind}`) and no alert "
                        "recipient will be told",
                        action.span,
                        service=service.name,
                        hint="add `set alert you@example.com` (with a `set mailserver`), or `alert` in the block",
                    )
