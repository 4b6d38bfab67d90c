"""MON302 default-credentials: the web interface still accepts `admin:monit`.

What it detects
    `allow admin:monit` in `set httpd`, the credentials of Monit's sample
    configuration.

Why it matters
    Anyone who reaches the port can stop, start and unmonitor every service with
    a password printed in the manual.

Bad
    set httpd port 2812
        allow admin:monit

Good
    set httpd port 2812 use address 127.0.0.1
        allow admin:"a-long-random-password"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import settings_of
from monitlint.linter.registry import Rule
from monitlint.model import AllowUser, HttpdSetting

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON302"
NAME = "default-credentials"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "Basic-Authentication"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "the httpd accepts Monit's sample credentials admin:monit"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report `allow admin:monit`."""
    for setting in settings_of(ctx.model, HttpdSetting):
        for allow in setting.allow:
            if isinstance(allow, AllowUser) and allow.user == "admin" and allow.password == "monit":
                yield rule.diagnostic(
                    "the web interface accepts the default credentials admin:monit",
                    allow.span,
                    hint="use a long random password, and read-only users where possible",
                )
