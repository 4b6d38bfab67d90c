"""MON502 alert-without-mailserver: alerts with no mail server to send them.

What it detects
    A complete control file with `set alert` or a service `alert`, but no
    `set mailserver`.

Why it matters
    Monit then tries `localhost:25`. On most servers nothing listens there, so
    every alert is lost and the log fills with "Cannot open a connection to the
    mailserver".

Bad
    set alert ops@example.com

Good
    set mailserver smtp.example.com port 587 username "monit" password "..." using tls
    set alert ops@example.com
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import settings_of
from monitlint.linter.registry import Rule
from monitlint.model import AlertSetting, MailServerSetting

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON502"
NAME = "alert-without-mailserver"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "Setting-a-mail-server-for-alert-delivery"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "alert recipients but no `set mailserver`: alerts go to localhost:25"
SCOPE = "config"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report the first alert of a file that has no mail server."""
    config = ctx.model
    if settings_of(config, MailServerSetting):
        return
    alerts = settings_of(config, AlertSetting)
    span = alerts[0].span if alerts else next((a.span for s in config.services for a in s.alerts), None)
    if span is not None:
        yield rule.diagnostic(
            "alerts are configured but there is no `set mailserver`: Monit sends them to localhost:25",
            span,
            hint="add `set mailserver <host> port 587 ...`",
        )
