"""Output formats for a lint :class:`~monitlint.api.Report`, from one registry with one signature.

Every format is a module here with ``format_report(report, options) -> str``; :data:`FORMATS`
names them, and each module is imported only when chosen.  Adding a format = one module with
that function + a line in :data:`FORMATS`.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from monitlint.runtime.records import record

if TYPE_CHECKING:
    from monitlint.api import Report

# Format name -> the module that renders it.
FORMATS: dict[str, str] = {
    "text": "monitlint.output.text",
    "json": "monitlint.output.json_format",
    "sarif": "monitlint.output.sarif",
    "github": "monitlint.output.github",
    "gitlab": "monitlint.output.gitlab",
    "junit": "monitlint.output.junit",
    "concise": "monitlint.output.concise",
}
# Formats that can show a count of findings per rule (`check --statistics`).
WITH_STATISTICS = ("text", "json")


@record(frozen=True)
class FormatOptions:
    """How to render: ANSI colours (text only) and a count per rule instead of, or beside, the findings."""

    colour: bool = False
    statistics: bool = False


Formatter = Callable[["Report", FormatOptions], str]


def formatter(name: str) -> Formatter:
    """The ``format_report`` function of format ``name`` (a key of :data:`FORMATS`)."""
    module = importlib.import_module(FORMATS[name])
    function: Formatter = module.format_report
    return function


def render(name: str, report: Report, options: FormatOptions | None = None) -> str:
    """The report in format ``name``; an empty string when that format has nothing to say."""
    return formatter(name)(report, options or FormatOptions())


def statistics(report: Report) -> list[tuple[str, str, int]]:
    """(code, rule, count) per rule, the most frequent first."""
    counts = Counter((d.code, d.rule) for d in report.findings)
    return [(code, rule, count) for (code, rule), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def as_items(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Errors or warnings as the formats write them: ``{"path", "message"}``."""
    return [{"path": path, "message": message} for path, message in pairs]


def line_texts(report: Report) -> list[str]:
    """The source line of each finding, in order (a file not read by the lint is read here)."""
    import contextlib

    from monitlint.files.source import SourceError, read_source

    sources = report.sources
    texts: dict[tuple[str, int], str] = {}  # one string per line, shared: a 100 KB line with 33,000 findings
    for diag in report.findings:
        where = (diag.span.path, diag.span.line)
        if where in texts:
            continue
        if diag.span.path not in sources:
            with contextlib.suppress(SourceError):
                sources[diag.span.path] = read_source(diag.span.path)
        source = sources.get(diag.span.path)
        texts[where] = source.line_text(diag.span.line) if source is not None else ""
    return [texts[(d.span.path, d.span.line)] for d in report.findings]
