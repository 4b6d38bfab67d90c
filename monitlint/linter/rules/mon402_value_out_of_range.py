"""MON402 value-out-of-range: a number that cannot mean what it says.

What it detects
    A port outside 1 to 65535 (tests, `set httpd port`, mail servers); a
    percentage above 100 for memory, swap, space, inode or saturation tests;
    `set daemon` of 2148 seconds or more, which makes Monit older than 5.35 hang.

Why it matters
    The test can never fire, or fires on something else than intended; the long
    poll interval stops all monitoring on affected versions.

Bad
    if failed port 80800 then restart
    if memory > 150% then alert

Good
    if failed port 8080 then restart
    if memory > 90% then alert
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import (
    DaemonSetting,
    HttpdSetting,
    InodeTest,
    MailServerSetting,
    PortTest,
    ResourceTest,
    SaturationTest,
    SpaceTest,
    Subject,
    Unit,
)

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON402"
NAME = "value-out-of-range"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "SERVICE-TESTS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a port outside 1-65535, a percentage above 100, or `set daemon` >= 2148 s"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 16

# Process cpu can pass 100% on several cores, so only memory-like percentages are bounded.
PERCENT_SUBJECTS = {Subject.MEMORY, Subject.TOTAL_MEMORY, Subject.SWAP}


def _bad_port(value: int) -> bool:
    return not 1 <= value <= 65535


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report out-of-range ports, percentages and poll intervals."""
    config = ctx.model
    for setting in config.settings:
        if isinstance(setting, DaemonSetting) and setting.interval >= 2148:
            yield rule.diagnostic(
                f"`set daemon {setting.interval}`: Monit before 5.35 hangs with a poll interval of "
                "2148 seconds or more",
                setting.span,
                hint="use a shorter interval and `every N cycles` for slow checks",
            )
        if isinstance(setting, HttpdSetting) and setting.port is not None and _bad_port(setting.port):
            yield rule.diagnostic(f"httpd port {setting.port} is outside 1-65535", setting.span)
        if isinstance(setting, MailServerSetting):
            for server in setting.servers:
                if server.port is not None and _bad_port(server.port):
                    yield rule.diagnostic(f"mail server port {server.port} is outside 1-65535", setting.span)
    for service in config.services:
        for test in service.tests:
            if isinstance(test, PortTest) and _bad_port(test.port):
                yield rule.diagnostic(f"port {test.port} is outside 1-65535", test.span, service=service.name)
            elif isinstance(test, ResourceTest):
                for condition in test.conditions:
                    value = condition.value
                    if (
                        condition.subject in PERCENT_SUBJECTS
                        and value is not None
                        and value.unit is Unit.PERCENT
                        and value.value > 100
                    ):
                        yield rule.diagnostic(
                            f"`{condition.written} ... {value.written}%` can never be reached",
                            condition.span,
                            service=service.name,
                        )
            elif isinstance(test, (SpaceTest, InodeTest, SaturationTest)) and test.limit is not None:
                value = test.limit.value
                if value is not None and value.unit is Unit.PERCENT and value.value > 100:
                    yield rule.diagnostic(
                        f"`{test.kind} ... {value.written}%` can never be reached", test.span, service=service.name
                    )
