"""MON614 id-file: a `set idfile` Monit cannot create or read (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): the
    file of the last `set idfile` when it is not a regular file, is empty, or does not
    exist in a folder that does not exist either, on the machine (under `--root DIR`
    when given).

Why it matters
    Monit reads its unique id from this file after the control file (and creates it
    with a new id when missing, even for `monit -t`). It prints an error ("Error
    opening the idfile", "idfile '...' is not a regular file", "Error reading id from
    file") but goes on without an id: M/Monit cannot tell this host's reports apart.

Bad
    set idfile /var/lib/monit/id       # /var/lib/monit does not exist

Good
    set idfile /var/lib/monit.id
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON614"
NAME = "id-file"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "FILES"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a `set idfile` that is not a file, is empty, or cannot be created"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report an id file Monit cannot read or create."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import id_file  # only with host checks on: keeps start-up short

    found = id_file(ctx.model)
    if found is None:
        return
    path, span = found
    entry = host.lookup(path)
    if entry is None:
        return  # outside the checked tree: not looked at (see HostView.lookup)
    if entry.exists and not entry.is_file:
        message = f"idfile '{path}' is not a regular file (a {entry.kind}): Monit runs without an id"
    elif entry.exists:
        try:
            empty = not host.read(entry, 4096).split()
        except OSError:
            return
        if not empty:
            return
        message = f"Error reading id from file '{path}': it is empty; Monit runs without an id"
    else:
        folder = host.parent(path)
        if folder is None or folder.is_dir:
            return  # Monit creates it
        reason = folder.reason if not folder.exists else "Not a directory"
        message = f"Error opening the idfile '{path}' -- {reason}: Monit cannot create it and runs without an id"
    yield rule.diagnostic(message, span, hint="create the folder, or point idfile at an existing one")
