"""What a fix is: text edits (a span and its replacement) and the model change they are meant to make.

A fix never says "trust me": :mod:`monitlint.fixes.verify` parses the file before and after the
edits and requires the models to differ by exactly :attr:`Fix.change` (spans aside).  This module
imports nothing from the linter, so rule modules can build fixes.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from monitlint.files.source import SourceFile
from monitlint.model import ControlFile
from monitlint.runtime.records import record
from monitlint.span import Span


@record(frozen=True)
class Edit:
    """Replace the text at ``span`` (end column exclusive; an empty span inserts) with ``replacement``."""

    span: Span
    replacement: str


@record(frozen=True)
class Fix:
    """A rule's fix of one finding.

    ``edits`` change the text of the finding's file only; ``change`` makes the intended change on a
    copy of the model parsed before the edits (it finds its target by span, returns False when it
    cannot): the fix is applied only if the model parsed after the edits equals that copy.
    """

    edits: tuple[Edit, ...]
    change: Callable[[ControlFile], bool]


def offset(source: SourceFile, line: int, column: int) -> int:
    """The character offset of a 1-based (line, column) in ``source``."""
    return source.line_starts[line - 1] + column - 1


def apply_edits(source: SourceFile, edits: tuple[Edit, ...] | list[Edit]) -> str | None:
    """``source``'s text with ``edits`` made, or None when two of them overlap or one lies outside it."""
    ranges = []
    for edit in edits:
        span = edit.span
        if not (1 <= span.line <= span.end_line <= len(source.line_starts)):
            return None
        start, end = offset(source, span.line, span.column), offset(source, span.end_line, span.end_column)
        if not 0 <= start <= end <= len(source.text):
            return None
        ranges.append((start, end, edit.replacement))
    ranges.sort(key=lambda item: (item[0], item[1]))
    for (_s1, end1, _r1), (start2, _e2, _r2) in itertools.pairwise(ranges):
        if start2 < end1:
            return None
    text = source.text
    for start, end, replacement in reversed(ranges):
        text = text[:start] + replacement + text[end:]
    return text


# A word of a control file as Monit's scanner cuts it, roughly: a quoted string, or a run of
# characters up to a blank, a quote or a comment.  Only used to place edits; the proof is the parse.
_WORD = re.compile(r"\"[^\"]*\"|'[^']*'|#[^\n]*|[^\s\"'#{}]+|[{}]")


@record(frozen=True)
class Word:
    """A word of the text with its offsets (``text`` as written)."""

    text: str
    start: int
    end: int


def words(text: str, start: int, end: int | None = None) -> Iterator[Word]:
    """The words of ``text`` from offset ``start`` (to ``end``), comments left out."""
    for match in _WORD.finditer(text, start, len(text) if end is None else end):
        if not match.group().startswith("#"):
            yield Word(match.group(), match.start(), match.end())


def span_at(source: SourceFile, start: int, end: int) -> Span:
    """The span of the offsets ``start``..``end`` of ``source``."""
    line, column = source.position(start)
    end_line, end_column = source.position(end)
    return Span(source.path, line, column, end_line, end_column)


@lru_cache(maxsize=4096)
def real_path(path: str) -> str:
    """``os.path.realpath(path)``, remembered (fixes compare the same few paths many times)."""
    return os.path.realpath(path)


def same_place(span: Span, other: Span) -> bool:
    """Whether two spans are the same text of the same file (named alike or not)."""
    return (span.line, span.column, span.end_line, span.end_column) == (
        other.line,
        other.column,
        other.end_line,
        other.end_column,
    ) and (span.path == other.path or real_path(span.path) == real_path(other.path))
