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
# Code Climate categories by rule family (the code's first digit); a rule may name its own (``CATEGORY``).
_FAMILIES = {
    "MON0": "Bug Risk",  # files, includes, syntax: what Monit reads
    "MON1": "Bug Risk",  # programs: start, stop, restart
    "MON2": "Bug Risk",  # services and dependencies
    "MON3": "Security",  # permissions, credentials, an exposed httpd, readable secrets
    "MON4": "Bug Risk",  # values and thresholds Monit reads otherwise than written
    "MON5": "Bug Risk",  # settings: the CLI, alerts, repeated globals
    "MON6": "Bug Risk",  # host checks: what `monit -t` refuses on this machine
    "MON9": "Style",  # suppression comments
}


def category(code: str) -> str:
    """The Code Quality category of a rule: its own (a rule module's ``CATEGORY``), else by its family."""
    from monitlint.linter.catalog import find_rule

    rule = find_rule(code)
    own = rule.category if rule is not None else None
    return own or _FAMILIES.get(code[:4], "Bug Risk")


def render(diagnostics: Sequence[Diagnostic], line_texts: Sequence[str]) -> str:
    """The Code Quality report: description, check_name, fingerprint, severity, location.lines.begin.

    Each issue also carries Code Climate's ``type`` and ``categories`` (by rule family: see :func:`category`).
    """
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
                "categories": [category(diag.code)],
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
