"""The human format: ``path:line:col: CODE severity: message`` with the source line and a caret."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.files.source import SourceFile
from monitlint.output.sanitize import clip_line, message

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.output import FormatOptions

_COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.INFO: "\x1b[1;36m"}
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_RESET = "\x1b[0m"


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{_RESET}" if colour else text


def render_diagnostic(diag: Diagnostic, sources: Mapping[str, SourceFile], colour: bool = False) -> str:
    """Render one finding: the header line, the source line, a caret line and the hint.

    Every string from the checked files is sanitised (see monitlint.output.sanitize),
    and the source line is clipped to a window around the finding.
    """
    span = diag.span
    header = (
        f"{_paint(f'{message(span.path)}:{span.line}:{span.column}:', _BOLD, colour)} "
        f"{_paint(diag.code, _COLOURS[diag.severity], colour)} "
        f"{_paint(str(diag.severity), _COLOURS[diag.severity], colour)}: {message(diag.message)}"
    )
    lines = [header]
    source = sources.get(span.path)
    if source is not None:
        text = source.line_text(span.line)
        if text or span.line <= len(source.line_starts):
            gutter = " " * len(str(span.line))
            end = span.end_column if span.end_line == span.line else len(text) + 1
            shown, offset, width = clip_line(text, span.column, end)
            lines.append(f"{_paint(f'{span.line} |', _DIM, colour)} {shown}")
            lines.append(
                f"{_paint(f'{gutter} |', _DIM, colour)} {' ' * offset}"
                f"{_paint('^' * width, _COLOURS[diag.severity], colour)}"
            )
    if diag.hint:
        lines.append(f"  = hint: {message(diag.hint)}")
    return "\n".join(lines)


def render_summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """One closing line: how many findings of each severity, in how many files."""
    if not diagnostics:
        return f"No problems found in {files} file{'s' if files != 1 else ''}."
    counts = {sev: sum(1 for d in diagnostics if d.severity == sev) for sev in Severity}
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in sorted(Severity, reverse=True) if counts[s]]
    total = len(diagnostics)
    plural = "s" if total != 1 else ""
    return f"Found {total} problem{plural} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}."


def format_report(report: Report, options: FormatOptions) -> str:
    """The registry's entry point: each finding and a blank line, then the summary (or the counts per rule)."""
    from monitlint.output import line_texts, statistics

    if options.statistics:
        return "\n".join(f"{count:6d}  {code}  {rule}" for code, rule, count in statistics(report))
    line_texts(report)  # reads the files a finding points into that the lint did not keep
    parts = [render_diagnostic(diag, report.sources, options.colour) + "\n" for diag in report.findings]
    if report.checked:
        parts.append(render_summary(report.findings, len(report.checked)))
    return "\n".join(parts)
