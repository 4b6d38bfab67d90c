"""Run the parser and the rules over a control file."""

from __future__ import annotations

from dataclasses import dataclass, field

from monitlint.diagnostics import Diagnostic
from monitlint.grammar.parser import ParseResult, parse_file, parse_text


@dataclass
class LintResult:
    """The findings for one control file (with its includes) and its parse."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    parse: ParseResult | None = None


def lint_parsed(result: ParseResult) -> list[Diagnostic]:
    """Run every rule over a parsed file; return all findings, sorted."""
    from monitlint.linter.registry import all_rules

    found = list(result.diagnostics)
    for rule in all_rules():
        if rule.check is not None:
            found.extend(rule.check(result, rule))
    found.sort(key=Diagnostic.sort_key)
    return found


def lint_file(path: str, root: str | None = None) -> LintResult:
    """Lint a control file from disk (raises SourceError if it cannot be read)."""
    parsed = parse_file(path, root=root)
    return LintResult(path, lint_parsed(parsed), parsed)


def lint_text(text: str, path: str = "<stdin>", root: str | None = None) -> LintResult:
    """Lint control-file text."""
    parsed = parse_text(text, path, root=root)
    return LintResult(path, lint_parsed(parsed), parsed)
