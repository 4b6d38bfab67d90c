"""Suppression comments: ``# monitlint: disable=CODE[,CODE]`` and ``# monitlint: disable-file=CODE``.

- At the end of a line, ``disable`` covers the statement on that line.
- On a line of its own, it covers the next statement, or the whole service
  when the next statement is a ``check`` line.
- ``disable-file`` covers the whole file it is written in.

Codes may be written as codes (``MON105``) or names (``shell-syntax-without-shell``).
Directives that name unknown rules, or rules that cannot be turned off (bad suppressions), and
directives that suppress nothing (unused suppressions) are reported as problems the engine names.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Mapping
from dataclasses import field

from monitlint.diagnostics import Diagnostic, Problem, ProblemKind
from monitlint.files.source import SourceFile
from monitlint.model import Comment, Span
from monitlint.runtime.records import record

_DIRECTIVE = re.compile(r"#\s*monitlint\s*:\s*(?P<body>.*)$", re.IGNORECASE)
_BODY = re.compile(r"(?P<kind>disable-file|disable)\s*=\s*(?P<codes>[^#]*)(#.*)?$", re.IGNORECASE)


@record
class Directive:
    """One parsed suppression comment and what it covers."""

    comment: Comment
    codes: list[str]  # canonical rule codes
    path: str
    first_line: int
    last_line: int
    used: set[str] = field(default_factory=set)


def _span(comment: Comment) -> Span:
    return Span(comment.path, comment.line, comment.column, comment.line, comment.column + len(comment.text))


_INCLUDE_LINE = re.compile(r"\s*include\s", re.IGNORECASE)


class _Lines:
    """Line lookups of one source file for its directives, each answered once.

    A run of thousands of comment lines shares one next code line, and that line
    may be long: both are found once, not once per comment (which was quadratic).
    """

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        # The last run scanned: every line in [first, stop) has ``found`` as its next code line.
        self._run: tuple[int, int, int | None] = (0, 0, None)
        self._include_lines: dict[int, bool] = {}

    def next_code_line(self, line: int) -> int | None:
        """The first line after ``line`` that is neither blank nor a comment."""
        first, stop, found = self._run
        if first <= line < stop:
            return found
        source = self.source
        last = len(source.line_starts)
        for number in range(line + 1, last + 1):
            text = source.line_text(number).strip()
            if text and not text.startswith("#"):
                self._run = (line, number, number)
                return number
        self._run = (line, last + 1, None)
        return None

    def is_include(self, line: int) -> bool:
        """Whether ``line`` is an ``include`` statement."""
        known = self._include_lines.get(line)
        if known is None:
            known = self._include_lines[line] = _INCLUDE_LINE.match(self.source.line_text(line)) is not None
        return known


class _Statements:
    """One file's statement bounds, sorted once, for the scopes of its directives.

    Sorting them (and scanning them) once per directive was quadratic in a file
    of many statements and many directives; here each query is logarithmic.
    A file included several times has one list for all its inclusions, as before.
    """

    def __init__(self, statements: list[tuple[int, int, bool]]) -> None:
        self.statements = sorted(statements)
        self.starts = [s[0] for s in self.statements]
        self._containing: dict[int, tuple[int, int, bool] | None] | None = None
        self._pending: list[int] = []

    def want_containing(self, line: int) -> None:
        """Announce a trailing comment's line, to be answered by :meth:`containing`."""
        self._pending.append(line)

    def containing(self, line: int) -> tuple[int, int, bool] | None:
        """The innermost statement around ``line``: the latest start, a plain statement before a block.

        Ties go to the first in sorted order (the shortest), as ``max`` over the sorted
        statements would pick.  All announced lines are answered in one sweep: the
        statements are added in order of their start, and those ending before the
        current line are dropped for good, since the lines come in ascending order.
        """
        if self._containing is None:
            answers: dict[int, tuple[int, int, bool] | None] = {}
            heap: list[tuple[int, bool, int]] = []
            statements = self.statements
            index = 0
            for query in sorted(set(self._pending)):
                while index < len(statements) and statements[index][0] <= query:
                    start, end, block = statements[index]
                    heapq.heappush(heap, (-start, block, end))
                    index += 1
                while heap and heap[0][2] < query:
                    heapq.heappop(heap)
                answers[query] = (-heap[0][0], heap[0][2], heap[0][1]) if heap else None
            self._containing = answers
        return self._containing[line]

    def following_start(self, start: int) -> int | None:
        """The first statement start after ``start``."""
        index = bisect_right(self.starts, start)
        return self.starts[index] if index < len(self.starts) else None


def _scope(comment: Comment, lines: _Lines, scopes: _Statements) -> tuple[int, int] | None:
    """The lines a ``disable`` directive covers, or None when nothing follows it.

    An ``include`` is spliced in by the scanner and is not among the parsed statements, so a
    directive on an include line, or right above one, covers that line only.
    """
    line = comment.line
    if comment.own_line:
        code_line = lines.next_code_line(line)
        if code_line is not None and lines.is_include(code_line):
            return code_line, code_line
    elif lines.is_include(line):
        return line, line
    if not comment.own_line:
        innermost = scopes.containing(line)
        if innermost is None:
            return line, line
        start, end, block = innermost
        return (line, line) if block and start == line else (start, end)
    statements = scopes.statements
    index = bisect_right(scopes.starts, line)
    if index >= len(statements):
        return None
    start, end, block = statements[index]
    if block:
        return start, end
    following = scopes.following_start(start)
    return start, (following - 1 if following is not None else end)


def parse_directives(
    comments: list[Comment],
    statements: dict[str, list[tuple[int, int, bool]]],
    resolve: dict[str, str],
    protected: Collection[str],
    sources: Mapping[str, SourceFile],
) -> tuple[list[Directive], list[Problem]]:
    """Read every suppression comment; return the directives and the problems of bad ones.

    ``resolve`` maps codes and names (lower case) to canonical codes.  Naming a ``protected``
    code (what Monit itself refuses) is a bad suppression: it is reported and suppresses nothing.
    ``sources`` holds the text of each file, by path, to find what a directive covers.
    """
    problems: list[Problem] = []
    pending: list[tuple[Comment, list[str], bool]] = []  # (comment, codes, whole file)
    lines: dict[str, _Lines] = {}  # by path of the source file
    scopes: dict[str, _Statements] = {}  # by path, as the statements are recorded
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
            elif code in protected:
                problems.append(
                    _bad(
                        comment,
                        f"{code} cannot be disabled: Monit refuses this file",
                        "fix what Monit refuses; a comment cannot make Monit accept it",
                    )
                )
            else:
                codes.append(code)
        if not codes:
            if not problems or problems[-1].span.line != comment.line:
                problems.append(_bad(comment, "suppression comment names no rule"))
            continue
        whole_file = body.group("kind").lower() == "disable-file"
        pending.append((comment, codes, whole_file))
        if not whole_file:
            path = comment.path
            file_scopes = scopes.get(path)
            if file_scopes is None:
                file_scopes = scopes[path] = _Statements(statements.get(path, []))
            if path not in lines:
                lines[path] = _Lines(sources[path])
            if not comment.own_line:
                file_scopes.want_containing(comment.line)
    directives: list[Directive] = []
    for comment, codes, whole_file in pending:
        if whole_file:
            scope: tuple[int, int] | None = (1, len(sources[comment.path].line_starts) + 1)
        else:
            scope = _scope(comment, lines[comment.path], scopes[comment.path])
        if scope is None:
            scope = (comment.line, comment.line)
        directives.append(Directive(comment, codes, comment.path, scope[0], scope[1]))
    return directives, problems


def _bad(comment: Comment, message: str, hint: str = "`monitlint rules` lists the rule codes and names") -> Problem:
    return Problem(ProblemKind.BAD_SUPPRESSION, message, _span(comment), hint)


def _covering(diagnostics: list[Diagnostic], directives: list[Directive]) -> list[int | None]:
    """For each finding, the index of the first directive that covers it (None if none does).

    Findings and directives are grouped by (file, code), then each group is swept in
    line order: a directive joins a heap (keyed by its index) when the sweep reaches
    its first line and leaves it once the sweep passes its last line.  That keeps
    many findings under many directives at n log n, not a scan of every directive
    for every finding.
    """
    by_key: dict[tuple[str, str], list[int]] = {}
    for index, directive in enumerate(directives):
        for code in dict.fromkeys(directive.codes):
            by_key.setdefault((directive.path, code), []).append(index)
    findings_by_key: dict[tuple[str, str], list[int]] = {}
    for index, diag in enumerate(diagnostics):
        key = (diag.span.path, diag.code)
        if key in by_key:
            findings_by_key.setdefault(key, []).append(index)
    covering: list[int | None] = [None] * len(diagnostics)
    for key, findings in findings_by_key.items():
        candidates = sorted(by_key[key], key=lambda i: directives[i].first_line)
        findings.sort(key=lambda i: diagnostics[i].span.line)
        heap: list[tuple[int, int]] = []  # (directive index, last line)
        next_candidate = 0
        for finding in findings:
            line = diagnostics[finding].span.line
            while next_candidate < len(candidates) and directives[candidates[next_candidate]].first_line <= line:
                index = candidates[next_candidate]
                heapq.heappush(heap, (index, directives[index].last_line))
                next_candidate += 1
            while heap and heap[0][1] < line:  # ended above this line, so above every later one too
                heapq.heappop(heap)
            if heap:
                covering[finding] = heap[0][0]
    return covering


def apply_suppressions(
    diagnostics: list[Diagnostic], directives: list[Directive], enabled: Callable[[str], Collection[str]]
) -> tuple[list[Diagnostic], list[Problem]]:
    """Drop suppressed findings; return (kept, problems for the directives that suppressed nothing)."""
    covering = _covering(diagnostics, directives)
    kept: list[Diagnostic] = []
    for diag, index in zip(diagnostics, covering, strict=True):
        if index is None:
            kept.append(diag)
        else:
            directives[index].used.add(diag.code)
    unused: list[Problem] = []
    for directive in directives:
        idle = [c for c in directive.codes if c not in directive.used and c in enabled(directive.path)]
        if idle:
            unused.append(
                Problem(
                    ProblemKind.UNUSED_SUPPRESSION,
                    f"suppression of {', '.join(idle)} suppresses nothing here",
                    _span(directive.comment),
                    "remove it, or move it next to the finding it is meant for",
                )
            )
    return kept, unused


def trailing_scopes(
    source: SourceFile, statements: list[tuple[int, int, bool]], lines: Collection[int]
) -> dict[int, tuple[int, int]]:
    """The lines a ``disable`` comment at the end of each of ``lines`` of ``source`` covers (for ``--add-noqa``)."""
    text_lines, scopes = _Lines(source), _Statements(statements)
    for line in lines:
        scopes.want_containing(line)
    return {
        line: _scope(Comment(source.path, line, 1, "#", False), text_lines, scopes) or (line, line) for line in lines
    }
