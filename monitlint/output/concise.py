"""One line per finding, ``path:line:col: CODE severity: message``, for editors' quickfix lists and grep.

No source line, no hint, no summary: each line stands alone (Vim's and Emacs's default error formats
read it as is).  Paths and messages pass through the sanitiser, so a newline or an escape sequence in
a file name or message cannot start a line of its own or reach the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitlint.output.sanitize import message

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.output import FormatOptions


def format_report(report: Report, options: FormatOptions) -> str:
    """The registry's entry point: one line per finding, in file, line, column and code order."""
    return "\n".join(
        f"{message(d.span.path)}:{d.span.line}:{d.span.column}: {d.code} {d.severity}: {message(d.message)}"
        for d in report.diagnostics
    )
