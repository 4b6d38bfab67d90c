"""GitHub Actions workflow commands: annotations on the pull request's files."""

from __future__ import annotations

from collections.abc import Sequence

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.output.sarif import relative_uri

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(diagnostics: Sequence[Diagnostic]) -> str:
    """One ``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` line per finding."""
    lines = []
    for diag in diagnostics:
        span = diag.span
        props = (
            f"file={_escape_property(relative_uri(span.path))},line={span.line},col={span.column},"
            f"endLine={span.end_line},endColumn={span.end_column},"
            f"title={_escape_property(f'{diag.code} {diag.rule}')}"
        )
        message = diag.message + (f" (hint: {diag.hint})" if diag.hint else "")
        lines.append(f"::{_COMMANDS[diag.severity]} {props}::{_escape_data(message)}")
    return "\n".join(lines)
