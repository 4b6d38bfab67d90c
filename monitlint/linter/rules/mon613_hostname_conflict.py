"""MON613 hostname-conflict: a service named like the machine, which Monit's own `check system` needs (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate), in a
    whole control file: a service named like the machine's host name (any case) when
    there is no `check system` block; or a `check system` name with `$HOST` that,
    expanded, is the name of another service. The host name is the live system's (with
    `--host` on a host, outside any checkout), or the first word of `DIR/etc/hostname`
    under `--root DIR` (no check when unknown, as in a checkout without a root).

Why it matters
    Without `check system`, Monit adds one named after the host: a service already
    named so makes `monit -t` refuse the file ("'check system' not defined in control
    file, failed to add automatic configuration (service name web1 is used already)").
    `check system $HOST` next to `check file web1` is a service name conflict.

Bad
    check file web1 with path /etc/hosts       # on the machine web1, no check system

Good
    check system web1
    check file hosts with path /etc/hosts
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON613"
NAME = "hostname-conflict"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "System"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a service named like the host without `check system`, or `$HOST` clashing: monit -t refuses it"
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True
SCOPE = "config"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report services whose name the host's own system service needs."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import service_names  # only with host checks on: keeps start-up short

    hostname = host.hostname
    if not hostname:
        return
    services, systems = service_names(ctx.model)
    if not systems:
        for service in services:
            if service.name.lower() == hostname.lower():
                yield rule.diagnostic(
                    f"service '{service.name}' is named like this host ({hostname}) and there is no `check system`: "
                    "monit -t refuses the file (failed to add automatic configuration)",
                    service.name_span,
                    service=service.name,
                    hint=f"add `check system {hostname}` or rename the service",
                )
        return
    for system in systems:
        if "$HOST" not in system.name:
            continue
        expanded = system.name.replace("$HOST", hostname).lower()
        for service in services:
            if service.name.lower() == expanded:
                yield rule.diagnostic(
                    f"service '{service.name}' has the name `check system {system.name}` takes on this host: "
                    "monit -t refuses the file (Service name conflict)",
                    service.name_span,
                    service=service.name,
                    hint="rename the service",
                )
