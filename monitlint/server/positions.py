"""Positions between monitlint's spans and LSP's: 1-based character columns to 0-based UTF-16 ones.

A :class:`~monitlint.span.Span` counts lines from 1 and columns in characters from 1 (a tab is one
column, ``é`` is one column); LSP counts both from 0 and its columns in UTF-16 code units (the
default ``positionEncoding``), so a character outside the Basic Multilingual Plane is two units.
Pure functions over text: no LSP types here, so they are tested without a client.
"""

from __future__ import annotations

from collections.abc import Sequence


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes."""
    # Only characters above U+FFFF take two units; most lines have none, so count them rather than encode.
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def to_utf16(line_text: str, column: int) -> int:
    """The 0-based UTF-16 column of the 1-based character ``column`` in ``line_text`` (past the end: clamped)."""
    index = max(column - 1, 0)
    return utf16_length(line_text[:index]) + max(index - len(line_text), 0)


def from_utf16(line_text: str, character: int) -> int:
    """The 0-based character index of the 0-based UTF-16 ``character`` in ``line_text`` (clamped to the line)."""
    units = 0
    for index, char in enumerate(line_text):
        if units >= character:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line_text)


def line_of(lines: Sequence[str], line: int) -> str:
    """The text of 1-based ``line`` (empty past the end)."""
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def lsp_range(
    lines: Sequence[str], line: int, column: int, end_line: int, end_column: int
) -> tuple[int, int, int, int]:
    """A span's (start line, start character, end line, end character) in LSP's 0-based UTF-16 terms."""
    start = (max(line - 1, 0), to_utf16(line_of(lines, line), column))
    end = (max(end_line - 1, 0), to_utf16(line_of(lines, end_line), end_column))
    if end < start:
        end = start
    return start[0], start[1], end[0], end[1]


def word_at(line_text: str, index: int, extra: str = "-_.") -> tuple[int, int]:
    """The bounds (start, end) of the word around character ``index`` of ``line_text`` (empty when none)."""
    start = index
    while start > 0 and (line_text[start - 1].isalnum() or line_text[start - 1] in extra):
        start -= 1
    end = index
    while end < len(line_text) and (line_text[end].isalnum() or line_text[end] in extra):
        end += 1
    return start, end
