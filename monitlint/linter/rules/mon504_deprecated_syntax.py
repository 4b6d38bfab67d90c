"""MON504 deprecated-syntax: forms Monit 5.33 or 6.x deprecates or removed.

What it detects
    `set expectbuffer` (use `set limits { sendExpectBuffer: ... }`), `mode manual`
    (use `onreboot laststate`), `if failed link` (use `if link down`), `if match`
    and `ignore match` (use `if content =` / `ignore content =`), the pre-5.21
    `set httpd` options `pemfile`, `clientpemfile` and `allowselfcertification`
    (use `with ssl { ... }`), and `certmd5` (use `certificate checksum`).

Why it matters
    They still parse in 5.33, but newer Monit versions warn or refuse them: an
    upgrade turns them into start-up failures.

Bad
    mode manual

Good
    onreboot laststate
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import LinkState, LinkTest

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON504"
NAME = "deprecated-syntax"
SEVERITY = Severity.INFO
SUMMARY = "syntax that Monit deprecates (set expectbuffer, mode manual, if match ...)"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report deprecated statements with their replacement."""
    for setting in ctx.model.settings:
        if setting.kind == "expectbuffer":
            yield rule.diagnostic(
                "`set expectbuffer` is deprecated", setting.span, hint="use `set limits { sendExpectBuffer: N kB }`"
            )
    for service in ctx.model.services:
        if service.mode == "manual":
            yield rule.diagnostic(
                "`mode manual` is deprecated", service.span, service=service.name, hint="use `onreboot laststate`"
            )
        for test in service.tests:
            if isinstance(test, LinkTest) and test.state is LinkState.FAILED:
                yield rule.diagnostic(
                    "`if failed link` is deprecated", test.span, service=service.name, hint="use `if link down`"
                )
            if test.kind in ("match", "ignore_match"):
                yield rule.diagnostic(
                    f"`{'ignore' if test.kind == 'ignore_match' else 'if'} match` is deprecated",
                    test.span,
                    service=service.name,
                    hint="use `content =` / `content !=`",
                )
