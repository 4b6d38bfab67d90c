"""MON005 include-picks-backup: an include glob that also reads backup or package-manager leftovers.

What it detects
    An `include` glob whose matches include files such as `nginx.conf.dpkg-old`,
    `app.conf.bak`, `app.conf.orig`, `app.conf.rpmsave`, `app.conf.rpmnew`,
    `.app.conf.swp` or `app.conf.old`. Monit skips only names ending in `~`.

Why it matters
    The old copy defines the same services again: Monit refuses to start with
    "Service name conflict", or, when the names changed, monitors stale services.

Bad
    include /etc/monit/conf.d/*          # also reads nginx.dpkg-old

Good
    include /etc/monit/conf.d/*.conf
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON005"
NAME = "include-picks-backup"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "INCLUDE-FILES"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "an include glob that also reads backup files (*.dpkg-old, *.bak, *.orig, *.rpmsave ...)"

BACKUP = re.compile(
    r"(\.(dpkg-old|dpkg-dist|dpkg-new|dpkg-bak|ucf-old|ucf-dist|bak|orig|rej|old|rpmsave|rpmnew|rpmorig|swp|swo|tmp|save)$)|(^#.*#$)"
)


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report includes that matched backup-looking files."""
    for include in ctx.model.includes:
        backups = [f for f in include.files if BACKUP.search(os.path.basename(f))]
        if backups:
            names = ", ".join(os.path.basename(f) for f in backups[:3]) + (" ..." if len(backups) > 3 else "")
            yield rule.diagnostic(
                f"include '{include.pattern}' also reads backup file(s): {names}",
                include.span,
                hint="narrow the glob (for example `*.conf`) or delete the leftovers",
            )
