"""MON304 cleartext-secret-readable: a password in a file that others can read.

What it detects
    A password (`allow user:password`, a mail server password, credentials in a
    `set mmonit` URL) in a control file or included file that is readable by its
    group or by everyone. Monit checks the mode of the main file only; included
    files may be 0644. Only installed files are checked (see MON301).

Why it matters
    Any local user can read the password and use the web interface or the mail
    account.

Bad
    -rw-r--r-- /etc/monit/conf.d/httpd.conf   containing  allow admin:"s3cret"

Good
    -rw------- /etc/monit/conf.d/httpd.conf
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import installed
from monitlint.linter.registry import Rule
from monitlint.model import AllowUser, HttpdSetting, MailServerSetting, MMonitSetting, Span

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON304"
NAME = "cleartext-secret-readable"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "Authentication"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a password in a file readable by group or others"


def _secrets(ctx: LintContext) -> Iterator[tuple[Span, str]]:
    for setting in ctx.model.settings:
        if isinstance(setting, HttpdSetting):
            for allow in setting.allow:
                if isinstance(allow, AllowUser):
                    yield allow.span, f"the password of httpd user '{allow.user}'"
        elif isinstance(setting, MailServerSetting):
            if any(server.password is not None for server in setting.servers):
                yield setting.span, "the mail server password"
        elif isinstance(setting, MMonitSetting) and any(
            "@" in server.url.split("//", 1)[-1].split("/", 1)[0] for server in setting.servers
        ):
            yield setting.span, "the M/Monit credentials"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report secrets stored in group- or world-readable files."""
    modes: dict[str, int | None] = {}
    for span, what in _secrets(ctx):
        if span.path not in modes:
            try:
                modes[span.path] = os.stat(span.path).st_mode & 0o777 if installed(span.path) else None
            except OSError:
                modes[span.path] = None
        mode = modes[span.path]
        if mode is not None and mode & 0o044:
            yield rule.diagnostic(
                f"{what} is stored in clear text in a file with mode {mode:04o}, readable by other users",
                span,
                hint=f"chmod 600 {span.path}",
            )
