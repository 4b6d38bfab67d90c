"""MON606 unreadable-htpasswd: an htpasswd file of `set httpd` that Monit cannot read (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): an
    `allow [cleartext|md5|crypt] FILE` of `set httpd` whose file does not exist on the
    machine (under `--root DIR` when given) or is not a regular file.

Why it matters
    A missing file makes Monit refuse the whole control file ("Cannot read htpasswd").
    A folder or a FIFO is worse: Monit 5.33 loops forever on a folder and blocks on a
    FIFO, so `monit -t` and the daemon never finish starting. Root reads any regular
    file; a daemon running as another user also needs read permission (not checked).

Bad
    allow md5 /etc/monit/htpasswd     # not on this machine

Good
    allow md5 /etc/monit/htpasswd     # after installing it
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON606"
NAME = "unreadable-htpasswd"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "Basic-Authentication"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) an htpasswd file that is missing or not a regular file: monit -t refuses it or never ends"
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report htpasswd files Monit cannot read."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import htpasswd_files  # only with host checks on: keeps start-up short

    for ref, _credited in htpasswd_files(ctx.model):
        entry = host.lookup(ref.path)
        if entry is None:
            continue  # outside the checked tree: not looked at (see HostView.lookup)
        if not entry.exists:
            message = f"Cannot read htpasswd ({ref.path}): {entry.reason}; monit -t refuses the file"
        elif not entry.is_file:
            message = (
                f"the htpasswd file '{ref.path}' is a {entry.kind}, not a regular file: "
                "Monit 5.33 reads it forever (monit -t never finishes)"
            )
        else:
            continue
        yield rule.diagnostic(message, ref.span, hint="install the htpasswd file, or fix the path")
