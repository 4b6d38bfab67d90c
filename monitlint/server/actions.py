"""Quick fixes: providers propose text edits for a finding; each is checked by linting the edited text.

A provider is a function ``(FixRequest) -> Iterable[Fix]``; :data:`PROVIDERS` lists them, in the
order their fixes are offered.  ``--fix``'s fixes (edits attached to findings) join with one more
line there.  No LSP types here: edits are in monitlint's terms (1-based lines, character columns)
and :mod:`monitlint.server.protocol` turns them into a ``WorkspaceEdit``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.model import ControlFile, Service, ServiceType, TargetKind
from monitlint.runtime.records import record


@record(frozen=True)
class Edit:
    """Replace the text from (line, column) up to (end_line, end_column) — 1-based, end exclusive — by ``text``."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@record(frozen=True)
class Fix:
    """A proposed change to one file, for one finding."""

    title: str
    diagnostic: Diagnostic
    edits: tuple[Edit, ...]
    preferred: bool = False


@record
class FixRequest:
    """What a provider is given: the file's lines, one finding in it and the model it was found in."""

    path: str
    lines: Sequence[str]
    diagnostic: Diagnostic
    model: ControlFile | None
    extra: dict[str, object] = field(default_factory=dict)


Provider = Callable[[FixRequest], Iterable[Fix]]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied (they must not overlap)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int:
        if line > len(lines):
            return len(text)
        index = max(line, 1) - 1
        return starts[index] + min(max(column, 1) - 1, len(lines[index]))

    out = text
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        out = out[: offset(edit.line, edit.column)] + edit.text + out[offset(edit.end_line, edit.end_column) :]
    return out


def suppression_comment(request: FixRequest) -> Iterable[Fix]:
    """``# monitlint: disable=CODE`` at the end of the finding's line (on a line above when it has a comment)."""
    from monitlint.linter.catalog import find_rule

    diag = request.diagnostic
    rule = find_rule(diag.code)
    if rule is None or rule.always_on:
        return  # what Monit refuses cannot be suppressed (MON902)
    line = diag.span.line
    text = request.lines[line - 1] if 1 <= line <= len(request.lines) else ""
    comment = f"# monitlint: disable={diag.code}"
    if "#" not in text:
        end = len(text.rstrip("\r")) + 1
        edit = Edit(line, end, line, end, f"  {comment}" if text.strip() else comment)
    else:
        indent = text[: len(text) - len(text.lstrip())]
        edit = Edit(line, 1, line, 1, f"{indent}{comment}\n")
    yield Fix(f"Add a suppression comment for {diag.code} ({diag.rule})", diag, (edit,))


_SAFE_ARGUMENT = re.compile(r"^[A-Za-z0-9_./@%+=:,-]+$")


def stop_program_skeleton(request: FixRequest) -> Iterable[Fix]:
    """For MON101: a ``stop program`` line in the service's block, after its start program."""
    from monitlint.linter.rules import mon101_missing_stop_program as missing_stop

    diag = request.diagnostic
    if diag.code != missing_stop.CODE or request.model is None or diag.service is None:
        return
    service = next(
        (
            s
            for s in request.model.services
            if s.name == diag.service and s.type is ServiceType.PROCESS and s.span == diag.span
        ),
        None,
    )
    if service is None or service.span.path != diag.span.path:
        return
    anchor = service.start.span if service.start is not None else service.span
    if anchor.path != diag.span.path:
        return
    after = anchor.end_line
    indent = _block_indent(request.lines, service)
    line = f'{indent}stop program = "{_stop_command(service)}" with timeout 30 seconds'
    end = len(request.lines[after - 1].rstrip("\r")) + 1 if after <= len(request.lines) else 1
    yield Fix(
        f"Add a stop program to '{service.name}'",
        diag,
        (Edit(after, end, after, end, f"\n{line}"),),
        preferred=True,
    )


def _stop_command(service: Service) -> str:
    """A command that stops the service's process: by its pidfile, or by its match pattern."""
    target = service.target or ""
    if service.target_kind in (TargetKind.PIDFILE, TargetKind.PATH) and _SAFE_ARGUMENT.match(target):
        # Monit runs a program without a shell: the shell is named to read the pidfile.
        return f"/bin/sh -c 'kill $(cat {target})'"
    if service.target_kind is TargetKind.MATCHING and _SAFE_ARGUMENT.match(target):
        return f"/usr/bin/pkill -f {target}"
    return "/path/to/stop-command"


def _block_indent(lines: Sequence[str], service: Service) -> str:
    """The indentation of the block's first statement (two spaces when it has none)."""
    line = service.span.end_line + 1
    end = service.end.end_line if service.end is not None else line
    for number in range(line, min(end, len(lines)) + 1):
        text = lines[number - 1]
        if text.strip() and not text.lstrip().startswith("#"):
            return text[: len(text) - len(text.lstrip())] or "  "
    return "  "


def rule_fix(request: FixRequest) -> Iterable[Fix]:
    """The rule's own safe fix, the one `check --fix` makes (MON107, MON404, MON504), when it edits only this file.

    Needs the parse the finding came from (``extra["parse"]``): a rule's fix reads the model it was found in.
    """
    from monitlint.grammar.parser import ParseResult
    from monitlint.linter.catalog import find_rule
    from monitlint.linter.context import LintContext

    diag = request.diagnostic
    rule = find_rule(diag.code)
    parsed = request.extra.get("parse")
    if rule is None or rule.fix is None or not isinstance(parsed, ParseResult):
        return
    made = rule.fix(LintContext.of(parsed), diag)
    if made is None or any(edit.span.path != diag.span.path for edit in made.edits):
        return
    edits = tuple(
        Edit(e.span.line, e.span.column, e.span.end_line, e.span.end_column, e.replacement) for e in made.edits
    )
    yield Fix(f"Fix: {rule.fix_summary or rule.name}", diag, edits, preferred=True)


# Every quick-fix provider, in the order their fixes are offered.
PROVIDERS: list[Provider] = [rule_fix, stop_program_skeleton, suppression_comment]


def proposals(request: FixRequest, providers: Sequence[Provider] = PROVIDERS) -> list[Fix]:
    """Every provider's fixes for one finding (a provider that fails is skipped, never the request)."""
    found: list[Fix] = []
    for provider in providers:
        try:
            found.extend(provider(request))
        except Exception:  # a provider's bug must not cost the other fixes
            continue
    return found


def verified(fix: Fix, before: Sequence[Diagnostic], after: Sequence[Diagnostic]) -> bool:
    """Whether a fix did what it says: its finding is gone and no new error or warning appeared."""
    target = fix.diagnostic

    def same(d: Diagnostic) -> bool:
        return d.code == target.code and d.service == target.service and d.message == target.message

    if any(same(d) for d in after):
        return False
    serious = (Severity.ERROR, Severity.WARNING)
    was = Counter(d.code for d in before if d.severity in serious)
    now = Counter(d.code for d in after if d.severity in serious)
    return all(now[code] <= was[code] for code in now)
