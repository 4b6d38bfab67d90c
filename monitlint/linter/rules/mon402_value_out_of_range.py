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

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON402"
NAME = "value-out-of-range"
SEVERITY = Severity.WARNING
SUMMARY = "a port outside 1-65535, a percentage above 100, or `set daemon` >= 2148 s"
# Relative run time at 20,000 services (the others count 1), to share the rules between processes.
COST = 4

# Process cpu can pass 100% on several cores, so only memory-like percentages are bounded.
PERCENT_TESTS = {"memory", "mem", "swap", "totalmemory", "total memory", "totalmem"}


def _bad_port(value: object) -> bool:
    try:
        return not 1 <= int(str(value)) <= 65535
    except ValueError:
        return False


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report out-of-range ports, percentages and poll intervals."""
    config = ctx.model
    for setting in config.settings:
        if setting.kind == "daemon" and setting.values.get("interval", 0) >= 2148:
            yield rule.diagnostic(
                f"`set daemon {setting.values['interval']}`: Monit before 5.35 hangs with a poll interval of "
                "2148 seconds or more",
                setting.span,
                hint="use a shorter interval and `every N cycles` for slow checks",
            )
        if setting.kind == "httpd" and "port" in setting.values and _bad_port(setting.values["port"]):
            yield rule.diagnostic(f"httpd port {setting.values['port']} is outside 1-65535", setting.span)
        if setting.kind == "mailserver":
            for server in setting.values.get("servers", []):
                if "port" in server and _bad_port(server["port"]):
                    yield rule.diagnostic(f"mail server port {server['port']} is outside 1-65535", setting.span)
    for service in config.services:
        for test in service.tests:
            if "port" in test.options and _bad_port(test.options["port"]):
                yield rule.diagnostic(
                    f"port {test.options['port']} is outside 1-65535", test.span, service=service.name
                )
            for condition in test.conditions:
                if (
                    condition.subject in PERCENT_TESTS
                    and condition.unit == "percent"
                    and condition.value
                    and float(condition.value) > 100
                ):
                    yield rule.diagnostic(
                        f"`{condition.subject} ... {condition.value}%` can never be reached",
                        condition.span,
                        service=service.name,
                    )
            if test.kind in ("space", "inode", "saturation"):
                kinds = [kind for kind, _ in test.tokens]
                if "PERCENT" in kinds:
                    value = next((text for kind, text in test.tokens if kind in ("NUMBER", "REAL")), "0")
                    if float(value) > 100:
                        yield rule.diagnostic(
                            f"`{test.kind} ... {value}%` can never be reached", test.span, service=service.name
                        )
