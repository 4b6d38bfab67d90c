"""Positions between monitlint's spans and LSP's: 1-based character columns to 0-based code units.

A :class:`~monitlint.span.Span` counts lines from 1 and columns in characters from 1 (a tab is one
column, ``é`` is one column); LSP counts both from 0 and its columns in code units of the
negotiated ``positionEncoding``: UTF-16 by default (a character outside the Basic Multilingual
Plane is two units), or UTF-8 or UTF-32 when the client prefers it (:func:`use_encoding`, once the
session is initialised).  Pure functions over text: no LSP types here, so they are tested without
a client.
"""

from __future__ import annotations

from collections.abc import Sequence

_ENCODING = ["utf-16"]  # the session's position encoding (one client per server process)


def use_encoding(name: str) -> None:
    """Count LSP columns in ``name`` code units from now on ("utf-8", "utf-16" or "utf-32")."""
    _ENCODING[0] = name if name in ("utf-8", "utf-16", "utf-32") else "utf-16"


def _units(char: str) -> int:
    """How many code units one character takes in the session's encoding."""
    code = ord(char)
    encoding = _ENCODING[0]
    if encoding == "utf-16":
        return 2 if code > 0xFFFF else 1
    if encoding == "utf-8":
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    return 1


def lsp_length(text: str) -> int:
    """How many code units ``text`` takes in the session's encoding (UTF-16 unless negotiated otherwise)."""
    if text.isascii() or _ENCODING[0] == "utf-32":
        return len(text)
    return sum(map(_units, text))


def lsp_column(line_text: str, column: int) -> int:
    """The 0-based LSP column (code units) of the 1-based character ``column`` in ``line_text``."""
    index = max(column - 1, 0)
    return lsp_length(line_text[:index]) + max(index - len(line_text), 0)


def char_index(line_text: str, character: int) -> int:
    """The 0-based character index of the 0-based LSP column ``character`` in ``line_text`` (clamped to the line)."""
    units = 0
    for index, char in enumerate(line_text):
        if units >= character:
            return index
        units += _units(char)
    return len(line_text)


def line_of(lines: Sequence[str], line: int) -> str:
    """The text of 1-based ``line`` (empty past the end)."""
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def lsp_range(
    lines: Sequence[str], line: int, column: int, end_line: int, end_column: int
) -> tuple[int, int, int, int]:
    """A span's (start line, start character, end line, end character) in LSP's 0-based terms."""
    start = (max(line - 1, 0), lsp_column(line_of(lines, line), column))
    end = (max(end_line - 1, 0), lsp_column(line_of(lines, end_line), end_column))
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
