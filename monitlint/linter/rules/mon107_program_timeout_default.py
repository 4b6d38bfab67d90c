"""MON107 program-timeout-default: a start or stop program without `with timeout`.

What it detects
    A start or stop program that relies on Monit's default timeout of 30 seconds.

Why it matters
    Monit's check loop is single-threaded: a slow or hanging program holds up
    every other service for the whole timeout. A program that needs longer than
    30 seconds is reported as failed although it is still working. An explicit
    timeout documents the expectation.

Bad
    start program = "/usr/bin/pg_ctlcluster 15 main start"

Good
    start program = "/usr/bin/pg_ctlcluster 15 main start" with timeout 120 seconds

Fix
    `check --fix` writes Monit's default explicitly, `with timeout 30 seconds`, after the
    program (and its `as uid`/`gid` options), so the file means the same to Monit; raise the
    number where the program needs longer. Not made when a `set limits` changes the default
    (`startTimeout`, `stopTimeout`): that default depends on where the statement stands.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import ControlFile, LimitsSetting, Program

if TYPE_CHECKING:
    from monitlint.fixes.edits import Fix
    from monitlint.linter.context import LintContext

CODE = "MON107"
NAME = "program-timeout-default"
SEVERITY = Severity.INFO
MANUAL_SECTION = "SERVICE-METHODS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
CATEGORY = "Clarity"  # GitLab Code Quality (Code Climate) category, not its family's "Bug Risk"
SUMMARY = "start or stop program without an explicit timeout (Monit's default is 30 s)"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 3
FIX = "writes Monit's default, `with timeout 30 seconds`, after the program"

DEFAULT_TIMEOUT = 30  # seconds: LIMIT_STARTTIMEOUT and LIMIT_STOPTIMEOUT in Monit's monit.h
_LIMIT = {"start": "startTimeout", "stop": "stopTimeout"}  # `set limits` names that change the default
_USER_OPTION = {"uid", "gid"}
_NOISE = {"as", "and", "with", "is", "the", "using"}  # noise words Monit's scanner drops


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report start and stop programs without `with timeout`."""
    for service in ctx.model.services:
        for kind in ("start", "stop"):
            program = getattr(service, kind)
            if program is not None and program.timeout is None:
                yield rule.diagnostic(
                    f"{kind} program of '{service.name}' has no timeout: Monit waits 30 seconds by default",
                    program.span,
                    service=service.name,
                    hint="add `with timeout N seconds`",
                )


def _programs(model: ControlFile) -> Iterator[tuple[str, Program]]:
    for service in model.services:
        for kind in ("start", "stop"):
            program = getattr(service, kind)
            if program is not None:
                yield kind, program


def fix(ctx: LintContext, diagnostic: Diagnostic) -> Fix | None:
    """Insert `with timeout 30 seconds` after the program and its user options (None when not safe)."""
    from monitlint.fixes.edits import Edit, Fix, offset, same_place, span_at, words

    found = [(kind, p) for kind, p in _programs(ctx.model) if same_place(p.span, diagnostic.span)]
    if len(found) != 1 or found[0][1].timeout is not None:
        return None
    kind, program = found[0]
    for setting in ctx.model.settings:
        if isinstance(setting, LimitsSetting) and any(limit.name == _LIMIT[kind] for limit in setting.limits):
            return None
    source = ctx.sources.get(program.span.path)
    if source is None:
        return None
    end = offset(source, program.span.end_line, program.span.end_column)
    # The timeout follows the program's last word (a span may stop before its closing quote) and
    # its user options (`as uid www and gid www`), as Monit's grammar wants it.
    expect_value = False
    for word in words(source.text, offset(source, program.span.line, program.span.column)):
        lowered = word.text.lower()
        if word.start < end:
            end = max(end, word.end)
        elif expect_value:
            end, expect_value = word.end, False
        elif lowered in _USER_OPTION:
            expect_value = True
        elif lowered not in _NOISE:
            break
    target = program.span

    def change(model: ControlFile) -> bool:
        for _kind, candidate in _programs(model):
            if candidate.span == target:
                candidate.timeout = DEFAULT_TIMEOUT
                return True
        return False

    return Fix((Edit(span_at(source, end, end), f" with timeout {DEFAULT_TIMEOUT} seconds"),), change)
