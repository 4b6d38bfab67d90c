"""Suppression comments: ``# monitlint: disable=CODE[,CODE]`` and ``# monitlint: disable-file=CODE``.

- At the end of a line, ``disable`` covers the statement on that line.
- On a line of its own, it covers the next statement, or the whole service
  when the next statement is a ``check`` line.
- ``disable-file`` covers the whole file it is written in.

Codes may be written as codes (``MON105``) or names (``shell-syntax-without-shell``).
Directives that name unknown rules (MON902) or suppress nothing (MON901) are reported.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.grammar.lexer import Comment
from monitlint.model import Span

_DIRECTIVE = re.compile(r"#\s*monitlint\s*:\s*(?P<body>.*)$", re.IGNORECASE)
_BODY = re.compile(r"(?P<kind>disable-file|disable)\s*=\s*(?P<codes>[^#]*)(#.*)?$", re.IGNORECASE)


@dataclass
class Directive:
    """One parsed suppression comment and what it covers."""

    comment: Comment
    codes: list[str]  # canonical rule codes
    path: str
    first_line: int
    last_line: int
    used: set[str] = field(default_factory=set)

    def covers(self, diag: Diagnostic) -> bool:
        """True when this directive suppresses ``diag``."""
        return (
            diag.code in self.codes
            and diag.span.path == self.path
            and self.first_line <= diag.span.line <= self.last_line
        )


def _span(comment: Comment) -> Span:
    return Span(comment.file.path, comment.line, comment.column, comment.line, comment.column + len(comment.text))


_INCLUDE_LINE = re.compile(r"\s*include\s", re.IGNORECASE)


def _next_code_line(comment: Comment) -> int | None:
    """The first line after an own-line comment that is neither blank nor a comment."""
    source = comment.file
    for line in range(comment.line + 1, len(source.line_starts) + 1):
        text = source.line_text(line).strip()
        if text and not text.startswith("#"):
            return line
    return None


def _scope(comment: Comment, statements: list[tuple[int, int, bool]]) -> tuple[int, int] | None:
    """The lines a ``disable`` directive covers, or None when nothing follows it.

    An ``include`` is spliced in by the scanner and is not among the parsed statements, so a
    directive on an include line, or right above one, covers that line only.
    """
    line = comment.line
    if comment.own_line:
        code_line = _next_code_line(comment)
        if code_line is not None and _INCLUDE_LINE.match(comment.file.line_text(code_line)):
            return code_line, code_line
    elif _INCLUDE_LINE.match(comment.file.line_text(line)):
        return line, line
    if not comment.own_line:
        containing = [s for s in statements if s[0] <= line <= s[1]]
        if not containing:
            return line, line
        start, end, block = max(containing, key=lambda s: (s[0], not s[2]))
        return (line, line) if block and start == line else (start, end)
    starts = [s[0] for s in statements]
    index = bisect_right(starts, line)
    if index >= len(statements):
        return None
    start, end, block = statements[index]
    if block:
        return start, end
    following = [s[0] for s in statements[index + 1 :] if s[0] > start]
    return start, (following[0] - 1 if following else end)


def parse_directives(
    comments: list[Comment], statements: dict[str, list[tuple[int, int, bool]]], resolve: dict[str, str]
) -> tuple[list[Directive], list[Diagnostic]]:
    """Read every suppression comment; return the directives and MON902 findings for bad ones.

    ``resolve`` maps codes and names (lower case) to canonical codes.
    """
    directives: list[Directive] = []
    problems: list[Diagnostic] = []
    for comment in comments:
        match = _DIRECTIVE.search(comment.text)
        if not match:
            continue
        body = _BODY.match(match.group("body").strip())
        if not body:
            problems.append(
                _bad(
                    comment,
                    "malformed suppression: write `# monitlint: disable=CODE[,CODE]` "
                    "or `# monitlint: disable-file=CODE`",
                )
            )
            continue
        codes: list[str] = []
        for raw in re.split(r"[,\s]+", body.group("codes").strip()):
            if not raw:
                continue
            code = resolve.get(raw.lower())
            if code is None:
                problems.append(_bad(comment, f"unknown rule '{raw}' in suppression comment"))
            else:
                codes.append(code)
        if not codes:
            if not problems or problems[-1].span.line != comment.line:
                problems.append(_bad(comment, "suppression comment names no rule"))
            continue
        file_statements = sorted(statements.get(comment.file.path, []))
        if body.group("kind").lower() == "disable-file":
            scope: tuple[int, int] | None = (1, len(comment.file.line_starts) + 1)
        else:
            scope = _scope(comment, file_statements)
        if scope is None:
            scope = (comment.line, comment.line)
        directives.append(Directive(comment, codes, comment.file.path, scope[0], scope[1]))
    return directives, problems


def _bad(comment: Comment, message: str) -> Diagnostic:
    return Diagnostic(
        "MON902",
        "bad-suppression",
        Severity.WARNING,
        message,
        _span(comment),
        None,
        "`monitlint rules` lists the rule codes and names",
    )


def apply_suppressions(
    diagnostics: list[Diagnostic], directives: list[Directive], enabled: Callable[[str], set[str]]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Drop suppressed findings; return (kept, MON901 findings for directives that suppressed nothing)."""
    kept: list[Diagnostic] = []
    for diag in diagnostics:
        covering = next((d for d in directives if d.covers(diag)), None)
        if covering is None:
            kept.append(diag)
        else:
            covering.used.add(diag.code)
    unused: list[Diagnostic] = []
    for directive in directives:
        idle = [c for c in directive.codes if c not in directive.used and c in enabled(directive.path)]
        if idle:
            unused.append(
                Diagnostic(
                    "MON901",
                    "unused-suppression",
                    Severity.WARNING,
                    f"suppression of {', '.join(idle)} suppresses nothing here",
                    _span(directive.comment),
                    None,
                    "remove it, or move it next to the finding it is meant for",
                )
            )
    return kept, unused
