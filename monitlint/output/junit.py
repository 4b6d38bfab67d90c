"""JUnit XML: a test case per checked file (failing when it has findings), an error case per unreadable file."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
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


def render(diagnostics: Sequence[Diagnostic], files: Sequence[str], errors: Sequence[dict[str, str]] = ()) -> str:
    """A ``testsuites`` document.

    Each checked file is one test case: passing without findings, else failing with one
    ``<failure>`` per finding (the ``failures`` counts are of failing files).  A file that could
    not be read is a test case with an ``<error>``.
    """
    by_file: dict[str, list[Diagnostic]] = {path: [] for path in files}
    # A file linted in an entrypoint's context reports its findings under the entrypoint's spelling
    # of its path: file them under the name it was checked by, not as a second test case.
    checked_as = {os.path.realpath(path): path for path in files if not path.startswith("<")}
    for diag in diagnostics:
        name = diag.span.path if diag.span.path in by_file else checked_as.get(os.path.realpath(diag.span.path))
        by_file.setdefault(name or diag.span.path, []).append(diag)
    unreadable = [error for error in errors if error["path"] not in by_file]
    tests = str(len(by_file) + len(unreadable))
    failures = str(sum(1 for diags in by_file.values() if diags))
    suites = ElementTree.Element(
        "testsuites", name="monitlint", tests=tests, failures=failures, errors=str(len(unreadable))
    )
    suite = ElementTree.SubElement(
        suites, "testsuite", name="monitlint", tests=tests, failures=failures, errors=str(len(unreadable))
    )
    for path, diags in by_file.items():
        case = ElementTree.SubElement(suite, "testcase", classname="monitlint", name=_xml_safe(path))
        for diag in diags:
            failure = ElementTree.SubElement(
                case, "failure", type=diag.code, message=_xml_safe(f"{diag.code} {diag.rule}: {diag.message}")
            )
            failure.text = _xml_safe(
                f"{path}:{diag.span.line}:{diag.span.column}: {diag.code} {diag.severity}: {diag.message}"
            )
    for error in unreadable:
        case = ElementTree.SubElement(suite, "testcase", classname="monitlint", name=_xml_safe(error["path"]))
        element = ElementTree.SubElement(case, "error", type="unreadable", message=_xml_safe(error["message"]))
        element.text = _xml_safe(error["message"])
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode")


def format_report(report: Report, options: FormatOptions) -> str:
    """The registry's entry point (see :mod:`monitlint.output`)."""
    from monitlint.output import as_items

    return render(report.findings, report.checked, as_items(report.errors))
