"""The token type shared by the scanner, the parser and the model builder.

A str subclass (like Lark's ``Token``) so that values compare and convert as
text, with the positions and the source file each token came from.  Keeping
our own class means the parser runs without importing Lark at all once its
tables are cached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitlint.files.source import SourceFile


class Token(str):
    """A token: its type, its text or value, 1-based positions and its file."""

    __slots__ = ("column", "end_column", "end_line", "end_pos", "file", "line", "start_pos", "type")

    type: str
    start_pos: int
    end_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    file: SourceFile | None

    def __new__(
        cls,
        type_: str,
        value: str,
        start_pos: int = 0,
        line: int = 1,
        column: int = 1,
        end_line: int = 1,
        end_column: int = 1,
        end_pos: int = 0,
        file: SourceFile | None = None,
    ) -> Token:
        self = str.__new__(cls, value)
        self.type = type_
        self.start_pos = start_pos
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.end_pos = end_pos
        self.file = file
        return self

    @property
    def path(self) -> str:
        """The path of the file the token came from, as shown to users."""
        return self.file.path if self.file is not None else "<input>"

    @property
    def value(self) -> str:
        """The token's text (or processed value, for quoted strings)."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str.__repr__(self)})"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            Token,
            (
                self.type,
                self.value,
                self.start_pos,
                self.line,
                self.column,
                self.end_line,
                self.end_column,
                self.end_pos,
                None,
            ),
        )
