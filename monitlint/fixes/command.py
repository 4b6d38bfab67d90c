"""The ``check --fix`` and ``check --diff`` steps of the command line (messages on stderr, diff on stdout)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from monitlint.fixes.apply import to_fixed_point, unified_diff
from monitlint.fixes.write import checked_trees, write_fixed

if TYPE_CHECKING:
    from monitlint.api import Report


def _say(text: str, kind: str) -> None:
    from monitlint.output.sanitize import message

    click.echo(f"monitlint: {kind}: {message(text)}", err=True)


def fix_files(
    report: Report, relint: Callable[[], Report], root_for: Callable[[str], str | None], paths: list[str]
) -> Report:
    """Fix to a fixed point in memory, write each fixed file once; the report of what is left."""
    trees = checked_trees(paths)
    found, after = to_fixed_point(report, relint, root_for)
    fixed = files = 0
    failed = False
    for name, (old, new) in sorted(found.texts.items()):
        problem = write_fixed(name, old, new, trees)
        if problem is None:
            fixed += found.applied[name]
            files += 1
        else:
            failed = True
            _say(f"{name}: {problem}", "warning")
    if fixed:
        _say(f"fixed {fixed} finding(s) in {files} file(s); what is left is reported below", "note")
    if found.refused:
        _say(
            f"{found.refused} finding(s) of rules with a fix left as they are: the fix would not be sure to keep "
            "the meaning there",
            "note",
        )
    # What the files give now: the last lint, unless a file could not be written.
    return relint() if failed else after


def show_diff(report: Report, relint: Callable[[], Report], root_for: Callable[[str], str | None]) -> bool:
    """Print the safe fixes (to their fixed point) as a unified diff on stdout; whether there is any."""
    found, _after = to_fixed_point(report, relint, root_for)
    text = unified_diff(found)
    if text:
        click.echo(text)
    return bool(found.texts)


def suppress_findings(
    report: Report, relint: Callable[[], Report], root_for: Callable[[str], str | None], paths: list[str]
) -> Report:
    """Add suppression comments for the findings of ``report``, then lint again; the new report."""
    from monitlint.diagnostics import ProblemKind
    from monitlint.fixes.noqa import add_noqa
    from monitlint.linter.catalog import always_on_codes, rule_for

    trees = checked_trees(paths)
    # What cannot be suppressed, and the rules about suppressions (a comment about comments helps no one).
    about_comments = {rule_for(kind).code for kind in (ProblemKind.UNUSED_SUPPRESSION, ProblemKind.BAD_SUPPRESSION)}
    protected = always_on_codes() | about_comments
    added, files, problems = add_noqa(
        report, root_for, lambda name, old, new: write_fixed(name, old, new, trees), protected
    )
    for problem in problems:
        _say(problem, "warning")
    if not added:
        return report
    _say(f"added {added} suppression comment(s) in {files} file(s); what is left is reported below", "note")
    return relint()
