"""MON503 repeated-global: a global setting given twice, where the last silently wins.

What it detects
    Two `set daemon`, `set log`, `set pidfile`, `set idfile`, `set statefile`,
    `set mail-format`, `set eventqueue` or `set limits`, or two `check system`
    services. (`set httpd` statements merge, so they are not reported.)

Why it matters
    Monit keeps only the last one, with no warning; often a conf.d fragment
    overrides the main file without anyone noticing.

Bad
    set daemon 30
    ...
    set daemon 120

Good
    set daemon 30
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import ServiceType, SettingKind

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON503"
NAME = "repeated-global"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
CATEGORY = "Clarity"  # GitLab Code Quality (Code Climate) category, not its family's "Bug Risk"
SUMMARY = "a global setting (set daemon, check system ...) given twice: the last silently wins"

ONCE = {
    SettingKind.DAEMON,
    SettingKind.LOG,
    SettingKind.PIDFILE,
    SettingKind.IDFILE,
    SettingKind.STATEFILE,
    SettingKind.MAIL_FORMAT,
    SettingKind.EVENTQUEUE,
    SettingKind.LIMITS,
}


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report each repeated global setting at its later occurrence."""
    seen: dict[SettingKind, tuple[str, int]] = {}
    for setting in ctx.model.settings:
        if setting.kind not in ONCE:
            continue
        if setting.kind in seen:
            path, line = seen[setting.kind]
            yield rule.diagnostic(
                f"`set {setting.kind}` is repeated (first at {path}:{line}); Monit keeps only the last",
                setting.span,
                hint="keep one",
            )
        seen[setting.kind] = (setting.span.path, setting.span.line)
    systems = [s for s in ctx.model.services if s.type is ServiceType.SYSTEM]
    for service in systems[1:]:
        yield rule.diagnostic(
            f"a second `check system` ('{service.name}'; the first is '{systems[0].name}'); Monit uses only the "
            "last one",
            service.span,
            service=service.name,
            hint="keep one `check system` block",
        )
