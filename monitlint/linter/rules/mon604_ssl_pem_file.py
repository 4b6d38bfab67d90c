"""MON604 ssl-pem-file: a PEM file that is missing, not a file, or too open for `set httpd` (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): a
    `pemfile`, `pemchain`, `pemkey` or `clientpemfile` (in `set ssl`, `set httpd`,
    `set mailserver`, `set mmonit` or a port test) that does not exist on the machine
    (under `--root DIR` when given) or is not a regular file; and the server's own PEM
    file of `set httpd` (its `pemfile`, else its `pemkey`) when it is more open than
    0750 or not owned by the owner of the control file (the user Monit runs as).

Why it matters
    Monit refuses the whole control file: "SSL server PEM file doesn't exist",
    "... is not a file", "The SSL server PEM file '...' permission 0644 is wrong,
    maximum 0750 allowed". Monit also needs to read the file: root always can; a
    daemon running as another user needs read permission, which is not checked.

Bad
    set httpd port 2812 with ssl { pemfile: /etc/ssl/monit.pem }   # not on this machine

Good
    set httpd port 2812 with ssl { pemfile: /etc/monit/monit.pem }  # -rw------- root
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON604"
NAME = "ssl-pem-file"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "SSL-OPTIONS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = (
    "(host check) an SSL PEM file that is missing, not a file, or (httpd) more open than 0750: monit -t refuses it"
)
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True

# Monit's own words for each option.
DESCRIPTIONS = {
    "pemfile": "SSL server PEM file",
    "pemchain": "SSL certificate chain PEM file",
    "pemkey": "SSL server private key PEM file",
    "clientpemfile": "SSL client PEM file",
}
MAX_SERVER_PEM_MODE = 0o750


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report PEM files Monit cannot use."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import control_file_owner, ssl_files  # only with host checks on: keeps start-up short

    refs = [r for r in ssl_files(ctx.model) if r.option in DESCRIPTIONS]
    # The server's own key file gets Monit's permission check: pemfile, or pemkey when it comes with pemchain.
    httpd_options = {r.option for r in refs if r.httpd}
    server_option = "pemfile" if "pemfile" in httpd_options else "pemkey"
    owner = control_file_owner(ctx.model)
    for ref in refs:
        description = DESCRIPTIONS[ref.option]
        entry = host.lookup(ref.path)
        if entry is None:
            continue  # outside the checked tree: not looked at (see HostView.lookup)
        if not entry.exists:
            message = f"{description} doesn't exist '{ref.path}' ({entry.reason}): monit -t refuses the file"
        elif not entry.is_file:
            message = f"{description} is not a file '{ref.path}' (a {entry.kind}): monit -t refuses the file"
        elif ref.httpd and ref.option == server_option and entry.mode & 0o777 & ~MAX_SERVER_PEM_MODE:
            message = (
                f"the {description} '{ref.path}' permission {entry.mode & 0o777:04o} is wrong, maximum 0750 allowed: "
                "monit -t refuses the file"
            )
        elif ref.httpd and ref.option == server_option and owner is not None and entry.uid != owner:
            message = (
                f"the {description} '{ref.path}' is owned by uid {entry.uid}, not by the owner of the control file "
                f"(uid {owner}, the user Monit runs as): monit -t refuses the file (must be owned by you)"
            )
        else:
            continue
        yield rule.diagnostic(
            message, ref.span, service=ref.service, hint="install the file, or fix the path or its mode"
        )
