"""MON609 log-file: a `set log` file Monit cannot open for writing (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): the
    file of the last `set log` statement (the one Monit uses) when its folder does not
    exist on the machine (under `--root DIR` when given), is not a folder, or the path
    itself is a folder.

Why it matters
    Monit opens its log right after reading the control file; `monit -t` and the
    daemon exit with "Error opening the log file '...' for writing -- No such file or
    directory". (`monit -t` creates the log file when it can.) Root can write
    anywhere on a writable file system; a daemon running as another user also needs
    write permission on the folder, and a read-only file system fails too (not checked).

Bad
    set log /var/log/monit/monit.log     # /var/log/monit does not exist

Good
    set log /var/log/monit.log
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON609"
NAME = "log-file"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "LOGGING"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a `set log` file whose folder is missing, or that is a folder: Monit exits"
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report a log file Monit cannot open for appending."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import log_file  # only with host checks on: keeps start-up short

    found = log_file(ctx.model)
    if found is None:
        return
    path, span = found
    entry = host.lookup(path)
    if entry is None:
        return  # outside the checked tree: not looked at (see HostView.lookup)
    if entry.exists:
        if not entry.is_dir:
            return
        reason = "Is a directory"
    else:
        folder = host.parent(path)
        if folder is None or folder.is_dir:
            return  # Monit creates the file
        reason = folder.reason if not folder.exists else "Not a directory"
    yield rule.diagnostic(
        f"Error opening the log file '{path}' for writing -- {reason}: monit -t and the daemon exit",
        span,
        hint="create the folder (install -d), or log to an existing one or to syslog",
    )
