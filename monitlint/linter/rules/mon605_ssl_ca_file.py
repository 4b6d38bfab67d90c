"""MON605 ssl-ca-file: a CA certificates file or folder that is missing or of the wrong kind (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): a
    `cacertificatefile` that does not exist or is not a regular file, or a
    `cacertificatepath` that does not exist or is not a folder, on the machine (under
    `--root DIR` when given), in `set ssl`, `set httpd`, `set mailserver`, `set mmonit`
    or a port test.

Why it matters
    Monit refuses the whole control file: "SSL CA certificates file doesn't exist",
    "SSL CA certificates directory is not a directory". Monit also needs to read it:
    root always can; a daemon running as another user needs read permission, which is
    not checked.

Bad
    set ssl { cacertificatepath: /etc/ssl/certs/ca-certificates.crt }   # a file, not a folder

Good
    set ssl { cacertificatefile: /etc/ssl/certs/ca-certificates.crt }
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON605"
NAME = "ssl-ca-file"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "SSL-OPTIONS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a CA certificates file or folder that is missing or of the wrong kind: monit -t refuses it"
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report CA files that are not files and CA folders that are not folders."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import ssl_files  # only with host checks on: keeps start-up short

    for ref in ssl_files(ctx.model):
        if ref.option == "cacertificatefile":
            description, wanted, other = "SSL CA certificates file", "file", "cacertificatepath"
        elif ref.option == "cacertificatepath":
            description, wanted, other = "SSL CA certificates directory", "directory", "cacertificatefile"
        else:
            continue
        entry = host.lookup(ref.path)
        if entry is None:
            continue  # outside the checked tree: not looked at (see HostView.lookup)
        right = entry.is_file if wanted == "file" else entry.is_dir
        if not entry.exists:
            message = f"{description} doesn't exist '{ref.path}' ({entry.reason}): monit -t refuses the file"
        elif not right:
            message = f"{description} is not a {wanted} '{ref.path}' (a {entry.kind}): monit -t refuses the file"
        else:
            continue
        hint = f"use {other} for a {entry.kind}" if entry.is_dir or entry.is_file else "install it, or fix the path"
        yield rule.diagnostic(message, ref.span, service=ref.service, hint=hint)
