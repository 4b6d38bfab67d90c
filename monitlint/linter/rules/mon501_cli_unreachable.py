"""MON501 cli-unreachable: `monit status/start/stop` cannot talk to the daemon.

What it detects
    A complete control file with no `set httpd`, or whose `set httpd` has neither
    a `port` nor a `unixsocket`, or has no `allow` at all.

Why it matters
    The Monit command line talks to the daemon over its HTTP interface. Without
    one, `monit status` fails ("the monit HTTP interface is not enabled") and,
    worse, `monit start|stop NAME` with the daemon's interface missing runs the
    programs itself while the daemon is never told. monitlint's provider cannot
    work either.

Bad
    set daemon 30
    check process app with pidfile /run/app.pid

Good
    set daemon 30
    set httpd unixsocket /run/monit/monit.sock
        allow localhost
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import settings_of
from monitlint.linter.registry import Rule
from monitlint.model import DaemonSetting, HttpdSetting

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON501"
NAME = "cli-unreachable"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "MONIT-HTTPD"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "no usable `set httpd`: the monit CLI (and monitlint's provider) cannot reach the daemon"
SCOPE = "config"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report a control file whose daemon the CLI cannot reach."""
    config = ctx.model
    httpd = settings_of(config, HttpdSetting)
    daemon = settings_of(config, DaemonSetting)
    if not httpd:
        anchor = daemon[0].span if daemon else (config.settings[0].span if config.settings else None)
        if anchor is not None:
            yield rule.diagnostic(
                "no `set httpd`: `monit status`, `monit start|stop NAME` and monitlint's provider cannot reach "
                "the daemon",
                anchor,
                hint="add `set httpd unixsocket /run/monit/monit.sock allow localhost`",
            )
        return
    if not any(s.port is not None or s.unixsocket is not None for s in httpd):
        yield rule.diagnostic(
            "`set httpd` has neither a port nor a unixsocket: Monit starts no interface",
            httpd[0].span,
            hint="add `unixsocket /run/monit/monit.sock` or `port 2812`",
        )
    elif not any(s.allow for s in httpd):
        yield rule.diagnostic(
            "`set httpd` allows no one: the monit command line cannot authenticate",
            httpd[0].span,
            hint="add `allow localhost`",
        )
