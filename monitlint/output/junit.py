"""JUnit XML: a test case per checked file (one failure carrying its findings), an error case per unreadable file."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from monitlint.diagnostics import Diagnostic
from monitlint.output.sanitize import message

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.output import FormatOptions

# Characters XML 1.0 cannot carry at all, not even escaped (after sanitising only U+FFFE/U+FFFF remain).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(text: str) -> str:
    """``text`` sanitised for output (no control characters, no raw newlines) and valid in XML 1.0.

    A raw newline in a text node would put the rest of a file name on a line of
    its own in a CI log, where ``::add-mask::`` at the start of a line is obeyed.
    """
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", message(text))


def _seconds(value: float) -> str:
    """A JUnit ``time``: seconds with three decimals, the form every JUnit schema accepts."""
    return f"{max(value, 0.0):.3f}"


def _failure(case: ElementTree.Element, path: str, diags: Sequence[Diagnostic]) -> None:
    """The one ``<failure>`` of a failing file: the count and worst finding in ``message``, all of them in its text.

    The common JUnit schemas allow one failure per test case, so the findings are lines of one text.
    """
    worst = max(diags, key=lambda d: d.severity)
    count = f"{len(diags)} finding{'s' if len(diags) != 1 else ''}"
    failure = ElementTree.SubElement(
        case,
        "failure",
        type=worst.code if len({d.code for d in diags}) == 1 else "monitlint",
        message=_xml_safe(f"{count}, the first: {diags[0].code} {diags[0].rule}: {diags[0].message}"),
    )
    failure.text = "\n".join(_line(path, d) for d in diags)


def _line(path: str, diag: Diagnostic) -> str:
    return _xml_safe(f"{path}:{diag.span.line}:{diag.span.column}: {diag.code} {diag.severity}: {diag.message}")


def _fails(path: str, failing: Collection[str] | None) -> bool:
    return failing is None or path in failing


def render(
    diagnostics: Sequence[Diagnostic],
    files: Sequence[str],
    errors: Sequence[dict[str, str]] = (),
    seconds: Mapping[str, float] | None = None,
    total: float = 0.0,
    failing: Collection[str] | None = None,
) -> str:
    """A ``testsuites`` document, valid against the common JUnit schemas (Jenkins' and Ant's).

    Each checked file is one test case: passing without findings, else failing with one
    ``<failure>`` carrying all its findings (the ``failures`` counts are of failing files).  A file
    that could not be read is a test case with an ``<error>``.  ``seconds`` per file and ``total``
    give the ``time`` attributes.  With ``failing`` (the files whose findings fail ``check``), a file
    whose findings do not (infos, below ``fail-on``) passes, its findings listed in the suite's
    ``<system-out>``, so the report fails exactly when ``check`` does.
    """
    seconds = seconds or {}
    by_file: dict[str, list[Diagnostic]] = {path: [] for path in files}
    # A file linted in an entrypoint's context reports its findings under the entrypoint's spelling
    # of its path: file them under the name it was checked by, not as a second test case.
    checked_as = {os.path.realpath(path): path for path in files if not path.startswith("<")}
    for diag in diagnostics:
        name = diag.span.path if diag.span.path in by_file else checked_as.get(os.path.realpath(diag.span.path))
        by_file.setdefault(name or diag.span.path, []).append(diag)
    unreadable = [error for error in errors if error["path"] not in by_file]
    counts = {
        "tests": str(len(by_file) + len(unreadable)),
        "failures": str(sum(1 for path, diags in by_file.items() if diags and _fails(path, failing))),
        "errors": str(len(unreadable)),
    }
    suites = ElementTree.Element("testsuites", {"name": "monitlint", **counts, "time": _seconds(total)})
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        {
            "name": "monitlint",
            **counts,
            "skipped": "0",
            "time": _seconds(total),
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "hostname": "localhost",  # the runner's name is not the report's business
            "id": "0",
            "package": "monitlint",
        },
    )
    ElementTree.SubElement(suite, "properties")
    passing: list[str] = []  # findings of files that pass (below fail-on)
    for path, diags in by_file.items():
        case = ElementTree.SubElement(
            suite, "testcase", classname="monitlint", name=_xml_safe(path), time=_seconds(seconds.get(path, 0.0))
        )
        if diags and _fails(path, failing):
            _failure(case, path, diags)
        elif diags:
            passing.extend(_line(path, d) for d in diags)
    for error in unreadable:
        case = ElementTree.SubElement(
            suite, "testcase", classname="monitlint", name=_xml_safe(error["path"]), time=_seconds(0.0)
        )
        element = ElementTree.SubElement(case, "error", type="unreadable", message=_xml_safe(error["message"]))
        element.text = _xml_safe(error["message"])
    ElementTree.SubElement(suite, "system-out").text = "\n".join(passing) or None
    ElementTree.SubElement(suite, "system-err")
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode")


def format_report(report: Report, options: FormatOptions) -> str:
    """The registry's entry point (see :mod:`monitlint.output`)."""
    from monitlint.output import as_items

    return render(
        report.findings, report.checked, as_items(report.errors), report.seconds, report.total_seconds, report.failing
    )
