"""``check --add-noqa``: a suppression comment for each finding, where the suppression reader honours it.

Each finding gets ``# monitlint: disable=CODE`` at the end of its first line: there it covers the
statement around that line (the ``check`` line only, for a finding on a ``check`` line), as
:mod:`monitlint.linter.suppressions` reads it.  Codes of one line share one comment; a
``disable=`` comment already on the line gets the new codes added to it; an other comment on the
line is kept, the directive follows it.  What cannot be suppressed (what Monit refuses, MON001,
MON006 …, and the suppression rules MON9xx themselves) gets no comment.  Each file's new text is
proven to parse to the same model before it is written, so a comment can never change what Monit
reads; a second run adds nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from monitlint.files.source import SourceFile
from monitlint.fixes.edits import Edit, Fix, offset
from monitlint.span import Span

if TYPE_CHECKING:
    from monitlint.api import Report
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
    from monitlint.fixes.verify import proven

    wanted: dict[str, dict[int, list[str]]] = {}  # real path -> line -> codes
    names: dict[str, str] = {}
    for diag in report.findings:
        if diag.code in protected or diag.span.path.startswith("<"):
            continue
        real = os.path.realpath(diag.span.path)
        names.setdefault(real, diag.span.path)
        codes = wanted.setdefault(real, {}).setdefault(diag.span.line, [])
        if diag.code not in codes:
            codes.append(diag.code)
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
    for real, lines in sorted(wanted.items()):
        name = names[real]
        try:
            source = read_source(name)
        except SourceError as exc:
            problems.append(str(exc))
            continue
        edits = edits_for(source, lines, comments.get(real, []))
        if not edits:
            continue
        main = mains.get(real, name)
        # Comments never change the model: proven like a fix whose intended change is none.
        new = proven(Fix(tuple(edits), lambda _model: True), name, main, root_for(main), {})
        if new is None:
            problems.append(f"{name}: a suppression comment would change what Monit reads here: none added")
            continue
        problem = write(name, source.text, new)
        if problem is not None:
            problems.append(f"{name}: {problem}")
            continue
        added += len(edits)
        files += 1
    return added, files, problems
