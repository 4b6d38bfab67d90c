"""MON602 unknown-group: a group or gid that does not exist on the machine (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): a
    group name or gid that the machine's group database does not know, in a `gid`
    test, a program's `as gid`, or `set httpd unixsocket ... gid`. Under `--root DIR`
    the groups are those of `DIR/etc/group`; with `--host` on a host (outside any
    checkout) the live system's; in a checkout without a root, none are looked up.

Why it matters
    Monit looks every group up when it reads the control file: `monit -t` and the
    daemon refuse the whole file ("Requested group not found on the system").
    Note: Monit also refuses `as gid` unless it runs as root ("GID statement
    requires root privileges"); that depends on who runs the daemon and is not checked.

    A number in quotes is a name to Monit: `gid "0"` looks up a group named "0"; `gid 0`
    is root's group.

Bad
    if failed gid www-data then alert      # on a machine without www-data
    if failed gid "0" then alert           # the group named "0", not gid 0

Good
    if failed gid root then alert
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import unknown_accounts
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON602"
NAME = "unknown-group"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "GID-TEST"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a group or gid this machine does not have: monit -t refuses the file"
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report groups and gids the host's group database does not know."""
    yield from unknown_accounts(ctx, rule, "group")
