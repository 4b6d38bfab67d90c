"""MON603 missing-check-program: a `check program` whose program does not exist or cannot be run (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): the
    program of a `check program ... with path` block that does not exist on the
    machine (under `--root DIR` when given), or has no execute bit. A relative path is
    looked up from `/`, where the daemon runs.

Why it matters
    Monit refuses the whole control file ("A 'check program' statement requires the
    program to exist"). Executable means `access(X_OK)` as Monit's user: for root, any
    execute bit (or a folder); a daemon running as another user also needs that user's
    execute permission, which this check does not model.

Bad
    check program backup with path /usr/local/bin/bakup.sh    # a typo: no such file

Good
    check program backup with path /usr/local/bin/backup.sh
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON603"
NAME = "missing-check-program"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "Program"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a `check program` whose program is missing or not executable: monit -t refuses the file"
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report `check program` paths that do not exist or have no execute bit."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import checked_programs  # only with host checks on: keeps start-up short

    for ref in checked_programs(ctx.model):
        entry = host.lookup(ref.path)
        if entry is None:
            continue  # outside the checked tree: not looked at (see HostView.lookup)
        if not entry.exists:
            problem = f"does not exist ({entry.reason})"
        elif not entry.executable_by_root:
            problem = f"is not executable (mode {entry.mode & 0o7777:04o})"
        else:
            continue
        yield rule.diagnostic(
            f"check program '{ref.service}': '{ref.path}' {problem}: monit -t refuses the file "
            "(A 'check program' statement requires the program to exist)",
            ref.span,
            service=ref.service,
            hint="install the script, fix the path, or chmod +x it",
        )
