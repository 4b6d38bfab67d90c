"""GitLab Code Quality report (a JSON array of issues)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.output.sanitize import message
from monitlint.output.sarif import fingerprint, relative_uri

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.output import FormatOptions

_SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def render(diagnostics: Sequence[Diagnostic], line_texts: Sequence[str]) -> str:
    """The Code Quality report: description, check_name, fingerprint, severity, location.lines.begin."""
    issues = []
    seen: dict[str, int] = {}
    for diag, text in zip(diagnostics, line_texts, strict=True):
        base = fingerprint(diag, text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        issues.append(
            {
                "type": "issue",
                "description": message(f"{diag.code} {diag.message}"),
                "check_name": f"{diag.code} {diag.rule}",
                "fingerprint": base if count == 0 else f"{base}-{count}",
                "severity": _SEVERITIES[diag.severity],
                "categories": ["Bug Risk"] if diag.severity == Severity.ERROR else ["Style"],
                "location": {
                    "path": relative_uri(diag.span.path),
                    "lines": {"begin": diag.span.line, "end": diag.span.end_line},
                },
            }
        )
    return json.dumps(issues, indent=2)


def format_report(report: Report, options: FormatOptions) -> str:
    """The registry's entry point (see :mod:`monitlint.output`)."""
    from monitlint.output import line_texts

    return render(report.findings, line_texts(report))
