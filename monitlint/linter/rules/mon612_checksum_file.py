"""MON612 checksum-file: a checksum test on a file that is not there to checksum (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): an
    `if failed checksum` or `if changed checksum` test with no `expect` value in a
    `check file` block whose file does not exist on the machine (under `--root DIR`
    when given) or is not a regular file.

Why it matters
    Monit computes the reference checksum when it reads the control file. It only
    warns ("Cannot compute a checksum for file ...") and starts with a dummy value, so
    the first real checksum is reported as a change (or a failure).

Bad
    check file app with path /opt/app/bin/app      # not installed yet
        if changed checksum then alert

Good
    check file app with path /opt/app/bin/app
        if failed checksum expect 8f2c... then alert
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON612"
NAME = "checksum-file"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "FILE-CHECKSUM-TEST"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a checksum test without `expect` on a file that is not there: Monit starts with a dummy"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report checksum tests whose file cannot be checksummed when Monit starts."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import checksum_files  # only with host checks on: keeps start-up short

    for service, test in checksum_files(ctx.model):
        assert service.target is not None
        entry = host.lookup(service.target)
        if entry is None or entry.is_file:
            continue
        state = f"does not exist ({entry.reason})" if not entry.exists else f"is a {entry.kind}"
        yield rule.diagnostic(
            f"Cannot compute a checksum for file {service.target}: it {state}; "
            "Monit warns and starts from a dummy checksum",
            test.span,
            service=service.name,
            hint="install the file before Monit starts, or give the checksum with `expect`",
        )
