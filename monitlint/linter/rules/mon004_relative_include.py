"""MON004 relative-include: an `include` with a relative path.

What it detects
    `include conf.d/*` or any include pattern that does not start with `/`.

Why it matters
    Monit resolves a relative include against its own working directory (usually
    `/` when started by systemd or init), not against the folder of the including
    file. The same file then includes different things depending on how the daemon
    was started, often nothing at all. monitlint itself resolves it against the
    including file's folder, which is what the author usually meant.

Bad
    include conf.d/*.conf

Good
    include /etc/monit/conf.d/*.conf
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON004"
NAME = "relative-include"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "INCLUDE-FILES"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a relative include path, which Monit resolves against its working directory"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report includes whose pattern is not absolute."""
    for include in ctx.model.includes:
        if not include.pattern.startswith("/"):
            yield rule.diagnostic(
                f"relative include '{include.pattern}': Monit resolves it against its working directory "
                "(usually /), not against this file's folder",
                include.span,
                hint="use an absolute path",
            )
