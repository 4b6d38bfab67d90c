"""A position in a control file: the one model class every stage shares.

Apart from the model (which re-exports it as ``monitlint.model.Span``) so that findings,
the result cache and the report can be handled without importing the model's ~60 classes:
a run answered from the result cache builds no model.
"""

from __future__ import annotations

from typing import Any

from monitlint.runtime.records import record


@record(slots=True)
class Span:
    """A source range: 1-based lines and columns; ``end_column`` is exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to_dict(self) -> dict[str, Any]:
        """Return the span as plain data."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }
