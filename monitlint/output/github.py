"""GitHub Actions workflow commands: annotations on the pull request's files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.output.sanitize import clip, printable
from monitlint.output.sarif import relative_uri

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.output import FormatOptions

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    """A command's message: control characters made visible, then GitHub's own escapes.

    Newlines and CRs are kept for GitHub's ``%0A``/``%0D`` (the runner turns them back
    into the file name's real characters); every other control character is shown as
    ``\\xNN``, so no string from a config can end the command or start another.
    """
    return printable(clip(text), keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_errors(errors: Sequence[dict[str, str]]) -> str:
    """One ``::error file=…,title=monitlint::message`` line per file that could not be checked."""
    return "\n".join(_file_command("error", error) for error in errors)


def render_warnings(warnings: Sequence[dict[str, str]]) -> str:
    """One ``::warning file=…,title=monitlint::message`` line per file left out (outside the checked folder)."""
    return "\n".join(_file_command("warning", item) for item in warnings)


def _file_command(command: str, item: dict[str, str]) -> str:
    path = _escape_property(relative_uri(item["path"]))
    return f"::{command} file={path},title=monitlint::{_escape_data(item['message'])}"


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


def format_report(report: Report, options: FormatOptions) -> str:
    """The registry's entry point: files that could not be checked are annotations too (a CI log is read for those)."""
    from monitlint.output import as_items

    errors, warnings = as_items(report.errors), as_items(report.warnings)
    blocks = (render_errors(errors), render_warnings(warnings), render(report.findings))
    return "\n".join(block for block in blocks if block)
