"""MON601 unknown-user: a user or uid that does not exist on the machine (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): a
    user name or uid that the machine's user database does not know, in a `uid` or
    `euid` test, a program's `as uid`, or `set httpd unixsocket ... uid`. Under
    `--root DIR` the users are those of `DIR/etc/passwd`; with `--host` on a host (outside
    any checkout) the live system's; in a checkout without a root, none are looked up.

Why it matters
    Monit looks every user up when it reads the control file: `monit -t` and the
    daemon refuse the whole file ("Requested user not found on the system").
    Note: Monit also refuses `as uid` unless it runs as root ("UID statement
    requires root privileges"); that depends on who runs the daemon and is not checked.

    A number in quotes is a name to Monit: `uid "0"` looks up a user named "0" (usually
    missing, from templates such as `uid "{{ uid }}"`); `uid 0` is root.

Bad
    if failed uid www-data then alert      # on a machine without www-data
    if failed uid "0" then alert           # the user named "0", not uid 0

Good
    if failed uid root then alert
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import unknown_accounts
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON601"
NAME = "unknown-user"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "UID-TEST"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a user or uid this machine does not have: monit -t refuses the file"
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report users and uids the host's user database does not know."""
    yield from unknown_accounts(ctx, rule, "user")
