"""MON105 shell-syntax-without-shell: shell syntax in a program Monit runs without a shell.

What it detects
    Redirections (`>`, `>>`, `2>&1`, `<`), pipes (`|`), `&`, `&&`, `;`, `$VAR`,
    `$(...)`, backticks or a leading `~` in the arguments of a program that is not
    run through `sh -c` (or bash, dash ...).

Why it matters
    Monit splits the program string on spaces and executes it directly. The shell
    syntax is passed to the program as literal arguments: nothing is redirected,
    nothing runs in the background, and `java -jar a.jar > log 2>&1 &` gives java
    the arguments `>`, `log`, `2>&1` and `&`.

Bad
    start program = "/usr/bin/java -jar /opt/app.jar > /var/log/app.log 2>&1 &"

Good
    start program = "/bin/sh -c '/usr/bin/java -jar /opt/app.jar >> /var/log/app.log 2>&1 &'"
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import programs
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON105"
NAME = "shell-syntax-without-shell"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "shell syntax (>, |, &, $VAR, ~) in a program Monit runs without a shell"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 60

SHELLS = {"sh", "bash", "dash", "zsh", "ksh", "ash", "busybox"}
OPERATORS = {">", ">>", "<", "|", "||", "&", "&&", ";", "2>&1", "1>&2", ">&2", "2>", "&>"}
SHELLISH = re.compile(r"^(\d?>>?|<|\|)\S+|\$[A-Za-z_{(]|`|;$|^~")


QUOTED_SHELLISH = re.compile(r"\$[A-Za-z_{(]|`")


_BLANK = re.compile(r"\s")


def _shell_piece(arg: str) -> bool:
    if _BLANK.search(arg):  # came from a quoted group: only expansions stay unexpanded
        return bool(QUOTED_SHELLISH.search(arg))
    return arg in OPERATORS or bool(SHELLISH.search(arg))


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report programs whose arguments contain shell syntax but that do not run a shell."""
    for service in ctx.model.services:
        for label, program in programs(service):
            argv = program.argv
            if not argv or os.path.basename(argv[0]) in SHELLS:
                continue
            if os.path.basename(argv[0]) == "env" and any(os.path.basename(a) in SHELLS for a in argv[1:3]):
                continue
            pieces = [a for a in argv[1:] if _shell_piece(a)]
            if pieces:
                shown = " ".join(f"`{p}`" for p in pieces[:4])
                yield rule.diagnostic(
                    f"{label} of '{service.name}' contains shell syntax {shown}, but Monit runs it without a "
                    "shell: these are passed as literal arguments",
                    program.span,
                    service=service.name,
                    hint="wrap it: \"/bin/sh -c '...'\"",
                )
