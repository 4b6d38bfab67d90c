"""``check --add-noqa``: a suppression comment for each finding, where the suppression reader honours it.

Each finding gets ``# monitlint: disable=CODE`` at the end of its first line (its last, when the
first ends inside a quoted program continued with ``\\``): there it covers the statement around
that line (the ``check`` line only, for a finding on a ``check`` line), as
:mod:`monitlint.linter.suppressions` reads it.  Codes of one line share one comment; a comment
another one already covers (two findings of one statement) is left out; a ``disable=`` comment
already on the line gets the new codes added to it; an other comment on the line is kept, the
directive follows it.  What cannot be suppressed (what Monit refuses, and the rules about
suppressions themselves) gets no comment.  Each file's new text is proven to parse to the same
model before it is written, so a comment can never change what Monit reads (a line where it
would, after a syntax error, is named in a warning); a second run adds nothing.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from monitlint.files.source import SourceFile
from monitlint.fixes.edits import Edit, Fix, offset
from monitlint.runtime.records import record
from monitlint.span import Span

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.grammar.parser import ParseResult
    from monitlint.model import Comment

# A `disable=` directive (never `disable-file=`) and where its list of codes ends.
_DISABLE = re.compile(r"#\s*monitlint\s*:\s*disable\s*=\s*(?P<codes>[^#]*?)\s*(#.*)?$", re.IGNORECASE)


def _line_end(source: SourceFile, line: int) -> int:
    """The offset just after the last character of ``line`` (before its ``\\r\\n`` or ``\\n``)."""
    if line < len(source.line_starts):
        end = source.line_starts[line] - 1
        return end - 1 if end > 0 and source.text[end - 1] == "\r" else end
    return len(source.text)


def edits_for(source: SourceFile, wanted: dict[int, list[str]], comments: list[Comment]) -> list[Edit]:
    """The edits that put ``wanted`` codes (by line) in suppression comments of ``source``."""
    by_line: dict[int, list[Comment]] = {}
    for comment in comments:
        by_line.setdefault(comment.line, []).append(comment)
    edits: list[Edit] = []
    for line, codes in sorted(wanted.items()):
        existing = None
        for comment in by_line.get(line, []):
            match = _DISABLE.search(comment.text)
            if match is not None:
                existing = (comment, match)
        if existing is not None:
            comment, match = existing
            written = {c.upper() for c in re.split(r"[,\s]+", match.group("codes")) if c}
            missing = [code for code in codes if code not in written]
            if not missing:
                continue
            at = offset(source, line, comment.column) + match.end("codes")
            separator = "," if match.group("codes") else ""
            edits.append(Edit(_point(source, at), separator + ",".join(missing)))
            continue
        at = _line_end(source, line)
        edits.append(Edit(_point(source, at), f"  # monitlint: disable={','.join(codes)}"))
    return edits


def _point(source: SourceFile, at: int) -> Span:
    line, column = source.position(at)
    return Span(source.path, line, column, line, column)


@record(frozen=True)
class _Wanted:
    """One finding to suppress: its code, its line, and the line its comment goes on."""

    code: str
    line: int
    end_line: int
    at: int


def _by_line(found: list[_Wanted]) -> dict[int, list[str]]:
    lines: dict[int, list[str]] = {}
    for item in sorted(found, key=lambda w: (w.at, w.code)):
        codes = lines.setdefault(item.at, [])
        if item.code not in codes:
            codes.append(item.code)
    return lines


class _File:
    """The suppression comments of one file, proven before they are written."""

    def __init__(self, name: str, source: SourceFile, comments: list[Comment], main: str, root: str | None) -> None:
        self.name, self.source, self.comments, self.main, self.root = name, source, comments, main, root

    def prove(self, found: list[_Wanted]) -> tuple[str, ParseResult] | None:
        from monitlint.fixes.verify import proven_with_parse

        edits = edits_for(self.source, _by_line(found), self.comments)
        if not edits:
            return None
        # Comments never change the model: proven like a fix whose intended change is none.
        return proven_with_parse(Fix(tuple(edits), lambda _model: True), self.name, self.main, self.root, {})

    def placed(self, found: list[_Wanted]) -> tuple[list[_Wanted], list[str]]:
        """The findings whose comments can be added (each line proven on its own when all at once fails)."""
        if self.prove(found) is not None:
            return found, []
        kept: list[_Wanted] = []
        problems: list[str] = []
        for line, group in itertools.groupby(sorted(found, key=lambda w: w.at), key=lambda w: w.at):
            items = list(group)
            if self.prove([*kept, *items]) is not None:
                kept.extend(items)
                continue
            # The end of a statement's first line may lie inside a quoted program continued with `\`:
            # the comment then goes at the end of the finding's last line, in the same statement.
            moved = [replace(w, at=w.end_line) for w in items]
            if any(w.end_line != line for w in items) and self.prove([*kept, *moved]) is not None:
                kept.extend(moved)
                continue
            problems.append(
                f"{self.name}:{line}: a suppression comment there would change what Monit reads: none added"
            )
        return kept, problems

    def pruned(self, found: list[_Wanted], after: ParseResult) -> list[_Wanted]:
        """Without the comments another one added for the same code already covers (one statement, two findings)."""
        from monitlint.linter.suppressions import trailing_scopes

        real = os.path.realpath(self.name)
        statements = next((s for path, s in after.statements.items() if os.path.realpath(path) == real), [])
        text = after.sources.get(self.name) or SourceFile(self.name, self.source.text)
        scopes = trailing_scopes(text, statements, {w.at for w in found})
        kept: list[_Wanted] = []
        for item in sorted(found, key=lambda w: (w.code, w.at)):
            if not any(k.code == item.code and scopes[k.at][0] <= item.line <= scopes[k.at][1] for k in kept):
                kept.append(item)
        return kept


def add_noqa(
    report: Report,
    root_for: Callable[[str], str | None],
    write: Callable[[str, str, str], str | None],
    protected: frozenset[str],
) -> tuple[int, int, list[str]]:
    """Add suppression comments for the findings of ``report`` (linted without the cache), but for ``protected`` codes.

    ``write(name, old, new)`` writes a file (None, or why not). Returns how many comments were
    added or extended, in how many files, and one-line problems.
    """
    from monitlint.files.source import SourceError, read_source

    wanted: dict[str, list[_Wanted]] = {}  # real path -> findings
    names: dict[str, str] = {}
    for diag in report.findings:
        if diag.code in protected or diag.span.path.startswith("<"):
            continue
        real = os.path.realpath(diag.span.path)
        names.setdefault(real, diag.span.path)
        wanted.setdefault(real, []).append(_Wanted(diag.code, diag.span.line, diag.span.end_line, diag.span.line))
    mains: dict[str, str] = {}  # real path -> a control file whose parse read it
    comments: dict[str, list[Comment]] = {}
    for result in report.results:
        if result.parse is None:
            continue
        for path in result.parse.sources:
            mains.setdefault(os.path.realpath(path), result.parse.config.path)
        for comment in result.parse.comments:
            real = os.path.realpath(comment.path)
            if comment not in comments.setdefault(real, []):
                comments[real].append(comment)
    added = files = 0
    problems: list[str] = []
    for real, found in sorted(wanted.items()):
        name = names[real]
        try:
            source = read_source(name)
        except SourceError as exc:
            problems.append(str(exc))
            continue
        main = mains.get(real, name)
        file = _File(name, source, comments.get(real, []), main, root_for(main))
        placed, trouble = file.placed(found)
        problems.extend(trouble)
        proof = file.prove(placed) if placed else None
        if proof is None:
            continue
        fewer = file.pruned(placed, proof[1])
        if len(fewer) < len(placed):
            proof = file.prove(fewer) or proof
            placed = fewer if proof is not None else placed
        problem = write(name, source.text, proof[0])
        if problem is not None:
            problems.append(f"{name}: {problem}")
            continue
        added += len(edits_for(source, _by_line(placed), file.comments))
        files += 1
    return added, files, problems
