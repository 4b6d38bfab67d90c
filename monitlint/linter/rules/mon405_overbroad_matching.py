"""MON405 overbroad-matching: a `matching` pattern that matches unrelated processes.

What it detects
    `check process ... matching PATTERN` where the pattern is shorter than four
    characters, is only a wildcard, or names a bare interpreter or common tool
    (`python`, `java`, `node`, `ruby`, `php`, `perl`, `sh`, `bash`, `sleep` ...).

Why it matters
    Monit picks the first process whose command line matches. Another program
    started with the same interpreter then counts as "running", and Monit's stop
    may act on the wrong process.

Bad
    check process api matching "java"

Good
    check process api matching "java .*-jar /opt/api/api.jar"
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import TargetKind

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON405"
NAME = "overbroad-matching"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "Process"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a `matching` pattern so short or generic it matches unrelated processes"

GENERIC = {
    "python",
    "python2",
    "python3",
    "java",
    "node",
    "nodejs",
    "ruby",
    "php",
    "php-fpm",
    "perl",
    "sh",
    "bash",
    "sleep",
    "sudo",
    "screen",
    "tmux",
    "docker",
    "npm",
    "uwsgi",
    "gunicorn",
    "celery",
}


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report process services matched by a short or generic pattern."""
    for service in ctx.model.services:
        if service.target_kind is not TargetKind.MATCHING or not service.target:
            continue
        pattern = service.target
        core = re.sub(r"^\^|\$$", "", pattern)
        literal = re.sub(r"[.*+?()\[\]{}|\\^$]", "", core)
        if len(literal) < 4 or core.strip(".*") == "" or core.lower() in GENERIC:
            yield rule.diagnostic(
                f"matching '{pattern}' is so generic it can match unrelated processes",
                service.span,
                service=service.name,
                hint="match a distinctive part of the command line, or use `with pidfile`",
            )
