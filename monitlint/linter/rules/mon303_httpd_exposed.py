"""MON303 httpd-exposed: the web interface listens on every interface without TLS.

What it detects
    `set httpd port N` with no `use address` (Monit then listens on all
    interfaces) or with `address 0.0.0.0` / `::`, and without `ssl`/`tls`; or an
    `allow 0.0.0.0/0` (any host) without TLS.

Why it matters
    The interface can stop and start services; its passwords travel in clear text.

Bad
    set httpd port 2812
        allow 0.0.0.0/0
        allow admin:"secret"

Good
    set httpd port 2812 use address 127.0.0.1
        allow localhost
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import settings_of
from monitlint.linter.registry import Rule
from monitlint.model import AllowHost, HttpdSetting

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON303"
NAME = "httpd-exposed"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "Host-and-network-allow-list"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "the web interface listens on all interfaces or allows any host, without TLS"

ANY_ADDRESS = {"0.0.0.0", "::", "*", "[::]"}
ANY_HOST = {"0.0.0.0/0", "0/0", "::/0", "0.0.0.0/0.0.0.0"}


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report a TCP httpd bound to every interface, or open to any host, without TLS."""
    httpd = settings_of(ctx.model, HttpdSetting)
    if not httpd or any(s.ssl is not None for s in httpd):
        return
    with_port = [s for s in httpd if s.port is not None]
    address = next((s.address for s in reversed(httpd) if s.address is not None), None)
    if with_port and (address is None or address in ANY_ADDRESS):
        where = "on every interface" if address is None else f"on {address}"
        yield rule.diagnostic(
            f"the web interface (port {with_port[-1].port}) listens {where} without TLS",
            with_port[-1].span,
            hint="add `use address 127.0.0.1` (or a private address), or `with ssl { pemfile: ... }`",
        )
    for setting in httpd:
        for allow in setting.allow:
            if isinstance(allow, AllowHost) and allow.host in ANY_HOST:
                yield rule.diagnostic(
                    f"`allow {allow.host}` lets any host reach the web interface, without TLS",
                    allow.span,
                    hint="allow only the hosts or networks that need it",
                )
