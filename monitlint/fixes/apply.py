"""``check --fix`` and ``check --diff``: the safe fixes of a lint report, proven, then shown or written.

A round takes every finding of the report whose rule declares a fix, asks the rule for its
edits in the context the finding was found in (the whole control file that read its file), and
keeps each fix only when :func:`monitlint.fixes.verify.proven` shows the file then means the
same to Monit but for the intended change.  Fixes of one file are made from its end backwards,
so a fix never moves the text another one edits.  :func:`to_fixed_point` lints again with the
fixed texts read in place of the files (``files.source.texts_in_place_of``) until nothing more is fixed (at most
:data:`MAX_ROUNDS` rounds); then ``--fix`` writes each file once and ``--diff`` shows the result.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import field
from typing import TYPE_CHECKING

from monitlint.fixes.edits import real_path as _real
from monitlint.runtime.records import record

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.diagnostics import Diagnostic
    from monitlint.fixes.edits import Fix
    from monitlint.linter.context import LintContext
    from monitlint.model import ControlFile

MAX_ROUNDS = 10  # a file reports at most 100 findings of a rule: 1,000 fixes of one rule per file, then stop


@record
class FixRound:
    """What one round fixed: the new text of each file (by its shown name), and how many fixes each got."""

    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (old text, new text)
    applied: dict[str, int] = field(default_factory=dict)  # name -> fixes made
    refused: int = 0  # fixable findings whose fix could not be proven safe


def _fragment(context: LintContext) -> bool:
    # A block fragment is linted inside a stand-in check block: its parse is not the file's text.
    return any(service.name == "__fragment__" for service in context.model.services)


def plan(report: Report, root_for: Callable[[str], str | None], overlay: dict[str, str] | None = None) -> FixRound:
    """One round of safe fixes over ``report`` (linted without the result cache), in memory.

    ``overlay`` holds the texts fixed so far, by real path (``report`` was linted with them in
    place); this round's fixes are added to it.
    """
    from monitlint.api import display_name
    from monitlint.files.source import SourceError, read_source
    from monitlint.fixes.verify import proven
    from monitlint.linter.catalog import find_rule
    from monitlint.linter.context import LintContext

    outcome = FixRound()
    # (real path of the finding's file) -> [(finding, main file, its context)], each finding once.
    wanted: dict[str, list[tuple[Diagnostic, str, LintContext]]] = {}
    seen: set[tuple[object, ...]] = set()
    for result in report.results:
        if result.parse is None:
            continue
        context: LintContext | None = None
        for diag in result.diagnostics:
            rule = find_rule(diag.code)
            if rule is None or rule.fix is None:
                continue
            real = _real(diag.span.path)
            key = (real, diag.span.line, diag.span.column, diag.span.end_line, diag.span.end_column, diag.code)
            if key in seen:
                continue
            seen.add(key)
            if context is None:
                context = LintContext.of(result.parse)
            if _fragment(context):
                outcome.refused += 1
                continue
            wanted.setdefault(real, []).append((diag, result.parse.config.path, context))
    overlay = {} if overlay is None else overlay
    for real, found in wanted.items():
        name = display_name(found[0][0].span.path)
        try:
            old = overlay[real] if real in overlay else read_source(name).text
        except SourceError:
            outcome.refused += len(found)
            continue
        found.sort(key=lambda item: (item[0].span.line, item[0].span.column), reverse=True)
        fixes: list[tuple[Fix | None, str]] = []
        for diag, main, context in found:
            rule = find_rule(diag.code)
            assert rule is not None and rule.fix is not None
            fixes.append((rule.fix(context, diag), main))
        made = _all_at_once(fixes, name, real, root_for, overlay)
        if made is None:  # one of them is not safe: each on its own, from the end of the file backwards
            made = 0
            for fix, main in fixes:
                new = None if fix is None else proven(fix, name, main, root_for(main), overlay)
                if new is not None:
                    overlay[real] = new
                    made += 1
        outcome.refused += len(found) - made
        if made:
            outcome.texts[name] = (old, overlay[real])
            outcome.applied[name] = made
    return outcome


def to_fixed_point(
    report: Report, relint: Callable[[], Report], root_for: Callable[[str], str | None]
) -> tuple[FixRound, Report]:
    """Fix, lint again with the fixed texts in place, until nothing more is fixed (at most ``MAX_ROUNDS``).

    Nothing is written: the result holds each changed file's text as read and as fixed, and the
    report of the last lint, which is what the files will give once written.
    """
    from monitlint.files.source import SourceError, read_source, texts_in_place_of

    overlay: dict[str, str] = {}
    total = FixRound()
    originals: dict[str, str] = {}  # name -> the text on disk
    for _round in range(MAX_ROUNDS):
        found = plan(report, root_for, overlay)
        total.refused = found.refused
        if not found.applied:
            break
        for name, count in found.applied.items():
            total.applied[name] = total.applied.get(name, 0) + count
            if name not in originals:
                try:
                    originals[name] = read_source(name).text
                except SourceError:
                    originals[name] = found.texts[name][0]
        with texts_in_place_of(overlay):
            report = relint()
    total.texts = {name: (text, overlay[_real(name)]) for name, text in originals.items()}
    return total, report


def _all_at_once(
    fixes: list[tuple[Fix | None, str]],
    name: str,
    real: str,
    root_for: Callable[[str], str | None],
    overlay: dict[str, str],
) -> int | None:
    """Every fix of one file proven in one parse (the common case: two parses, not two per fix), or None."""
    from monitlint.fixes.verify import proven

    mains = {main for _fix, main in fixes}
    made = [fix for fix, _main in fixes if fix is not None]
    if len(made) != len(fixes) or len(mains) != 1:
        return None
    (main,) = mains

    def change(model: ControlFile) -> bool:
        return all(fix.change(model) for fix in made)

    from monitlint.fixes.edits import Fix

    new = proven(Fix(tuple(edit for fix in made for edit in fix.edits), change), name, main, root_for(main), overlay)
    if new is None:
        return None
    overlay[real] = new
    return len(made)


def unified_diff(fixes: FixRound) -> str:
    """The round's changes as a unified diff (``a/NAME`` → ``b/NAME``), every line made printable."""
    from monitlint.output.sanitize import printable

    out: list[str] = []
    for name in sorted(fixes.texts):
        old, new = fixes.texts[name]
        shown = printable(name)
        for line in difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"a/{shown.lstrip('/')}",
            f"b/{shown.lstrip('/')}",
        ):
            body = line[:-1] if line.endswith("\n") else line
            out.append(printable(body, keep="\t"))
            if not line.endswith("\n") and line[:1] in " +-":
                out.append("\\ No newline at end of file")
    return "\n".join(out)
