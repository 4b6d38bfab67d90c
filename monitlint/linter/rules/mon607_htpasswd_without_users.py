"""MON607 htpasswd-without-users: an htpasswd file that gives Monit no usable credentials (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): an
    `allow FILE` of `set httpd` whose file (read on the machine, under `--root DIR` when
    given) has no `user:password` line, or has none for a user named after it
    (`allow md5 FILE admin`); a user credited already (by `allow admin:secret`) does
    not count, as Monit ignores it.

Why it matters
    Monit warns ("htpasswd file (...) has no usable credentials") and starts without
    those logins: the web interface and the `monit` CLI may then refuse everyone.

Bad
    allow md5 /etc/monit/htpasswd admin      # the file has no line for admin

Good
    allow md5 /etc/monit/htpasswd admin      # admin:$1$... in the file
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON607"
NAME = "htpasswd-without-users"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "Basic-Authentication"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) an htpasswd file with no usable credentials (or none for the users named)"

MAX_HTPASSWD_BYTES = 16 * 1024 * 1024
LINE_BYTES = 255  # Monit reads the file with fgets into a 256-byte buffer


def users_in(data: bytes) -> list[str]:
    """The user names of an htpasswd file, as Monit reads them (comments after `#` cut, a `:` needed)."""
    names: list[str] = []
    for line in data.split(b"\n"):
        for start in range(0, max(len(line), 1), LINE_BYTES):
            piece = line[start : start + LINE_BYTES].split(b"\0", 1)[0].split(b"#", 1)[0].rstrip()
            if b":" in piece:
                names.append(piece.split(b":", 1)[0].decode("utf-8", "surrogateescape"))
    return names


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report htpasswd files that credit nobody (or not the users named)."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import htpasswd_files  # only with host checks on: keeps start-up short

    for ref, credited in htpasswd_files(ctx.model):
        entry = host.lookup(ref.path)
        if entry is None or not entry.is_file:
            continue  # unreadable: the error of the unreadable-htpasswd rule
        try:
            names = users_in(host.read(entry, MAX_HTPASSWD_BYTES))
        except OSError:
            continue
        usable = [n for n in names if n not in credited]
        if not ref.users and not usable:
            yield rule.diagnostic(
                f"htpasswd file ({ref.path}) has no usable credentials: nobody can log in with it",
                ref.span,
                hint="add user:password lines (htpasswd -B FILE USER)",
            )
        for user in ref.users:
            if user not in usable:
                yield rule.diagnostic(
                    f"htpasswd file ({ref.path}) has no usable credentials for user {user}",
                    ref.span,
                    hint=f"add a line for {user} (htpasswd FILE {user})",
                )
