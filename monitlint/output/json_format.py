"""The machine format: one JSON document with every finding and a summary."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.output.sanitize import not_utf8_escaped

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.output import FormatOptions

JSON_VERSION = 1


def summary(diagnostics: Sequence[Diagnostic], files: int, errors: Sequence[dict[str, str]]) -> dict[str, int]:
    """Counts by severity, files checked and files that could not be read."""
    return {
        "files": files,
        "total": len(diagnostics),
        "errors": sum(1 for d in diagnostics if d.severity == Severity.ERROR),
        "warnings": sum(1 for d in diagnostics if d.severity == Severity.WARNING),
        "infos": sum(1 for d in diagnostics if d.severity == Severity.INFO),
        "unreadable": len(errors),
    }


def render(
    diagnostics: Sequence[Diagnostic],
    files: int,
    errors: Sequence[dict[str, str]],
    statistics: Sequence[tuple[str, str, int]] | None = None,
) -> str:
    """The JSON report: ``{"version", "diagnostics", "summary", "errors"}``.

    With ``statistics`` (``check --statistics``) the summary also holds
    ``"statistics": [{"code", "rule", "count"}]``, the most frequent rule first.
    """
    report: dict[str, object] = dict(summary(diagnostics, files, errors))
    if statistics is not None:
        report["statistics"] = [{"code": code, "rule": rule, "count": count} for code, rule, count in statistics]
    document = {
        "version": JSON_VERSION,
        "diagnostics": [d.to_dict() for d in diagnostics],
        "summary": report,
        "errors": list(errors),
    }
    return json.dumps(_utf8(document), indent=2)


def _utf8(value: object) -> object:
    """``value`` with every string in it valid UTF-8 (see :func:`~monitlint.output.sanitize.not_utf8_escaped`).

    JSON escapes control characters itself, so names stay exact but for bytes that are not UTF-8.
    """
    if isinstance(value, str):
        return not_utf8_escaped(value)
    if isinstance(value, dict):
        return {key: _utf8(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_utf8(item) for item in value]
    return value


def format_report(report: Report, options: FormatOptions) -> str:
    """The registry's entry point (see :mod:`monitlint.output`)."""
    from monitlint.output import as_items, statistics

    counts = statistics(report) if options.statistics else None
    return render(report.findings, len(report.checked), as_items(report.errors), counts)
