"""SARIF 2.1.0, for GitHub code scanning and other SARIF consumers."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from monitlint import __version__
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.links import REPOSITORY, rule_doc_url
from monitlint.output.sanitize import message, not_utf8_escaped

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.output import FormatOptions

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def fingerprint(diag: Diagnostic, line_text: str = "") -> str:
    """A stable identity for a finding: rule, file, service and the text of its line (not its number).

    The file is taken relative to the current directory, as in the report's locations, so the same
    finding keeps its fingerprint whether the file was named by a relative or an absolute path.
    """
    key = "\0".join([diag.code, relative_uri(diag.span.path), diag.service or "", line_text.strip()])
    # surrogatepass: a file name that is not UTF-8 hashes by its own bytes, never raises.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def relative_uri(path: str) -> str:
    """A path as every format names it, with forward slashes: relative to the current folder when it
    lies below it, else as given (an absolute path stays absolute), as in the text output.

    Bytes of the name that are not UTF-8 are shown as ``\\xNN`` (see ``sanitize.not_utf8_escaped``),
    the one way every format shows them."""
    absolute = os.path.abspath(path)
    here = os.getcwd()
    if absolute == here or absolute.startswith(here.rstrip(os.sep) + os.sep):
        path = os.path.relpath(absolute, here)
    return not_utf8_escaped(path.replace(os.sep, "/"))


def artifact_uri(path: str) -> str:
    """A path as a percent-encoded URI reference relative to the current directory (``%SRCROOT%``)."""
    return quote(relative_uri(path))


def _artifact_location(path: str) -> dict[str, str]:
    """A SARIF artifactLocation: relative to ``%SRCROOT%``, or a ``file://`` URI for an absolute path outside it."""
    shown = relative_uri(path)
    if os.path.isabs(shown):
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown), "uriBaseId": "%SRCROOT%"}


def _base_uri() -> str:
    uri = Path(not_utf8_escaped(os.getcwd())).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def plain_text(text: str) -> str:
    """A SARIF plain-text message: sanitised, with ``[`` and ``]`` escaped as ``\\[`` ``\\]`` (SARIF 2.1.0 §3.11.6).

    Viewers read ``[text](url)`` in a message as an embedded link: unescaped, a service named
    ``[Security fix](https://evil.example/fix.sh)`` would become a live link in the report.
    (The rules' own descriptions are monitlint's text and are left as written.)
    """
    return message(text).replace("[", "\\[").replace("]", "\\]")


def _notification(level: str, item: dict[str, str]) -> dict[str, object]:
    return {
        "level": level,
        "message": {"text": plain_text(item["message"])},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(item["path"])}}],
    }


def render(
    diagnostics: Sequence[Diagnostic],
    line_texts: Sequence[str],
    errors: Sequence[dict[str, str]] = (),
    warnings: Sequence[dict[str, str]] = (),
) -> str:
    """The SARIF log for a run.

    Files that could not be checked (``errors``) are tool execution notifications of level
    ``error`` and make ``executionSuccessful`` false; files left out (``warnings``) are
    notifications of level ``warning``.
    """
    from monitlint.linter.catalog import all_rules

    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for diag, text in zip(diagnostics, line_texts, strict=True):
        results.append(
            {
                "ruleId": diag.code,
                "ruleIndex": index.get(diag.code, 0),
                "level": _LEVELS[diag.severity],
                "message": {"text": plain_text(diag.message + (f" (hint: {diag.hint})" if diag.hint else ""))},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact_location(diag.span.path),
                            "region": {
                                "startLine": diag.span.line,
                                "startColumn": diag.span.column,
                                "endLine": diag.span.end_line,
                                "endColumn": diag.span.end_column,
                            },
                        },
                    }
                ],
                "partialFingerprints": {"monitlint/v1": fingerprint(diag, text)},
            }
        )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "monitlint",
                        "version": __version__,
                        "informationUri": REPOSITORY,
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.name,
                                "shortDescription": {"text": rule.summary},
                                "fullDescription": {"text": rule.doc.split("\n\n")[0]},
                                "help": {"text": rule.doc},
                                "helpUri": rule_doc_url(rule.code, rule.name),
                                "defaultConfiguration": {"level": _LEVELS[rule.severity]},
                            }
                            for rule in rules
                        ],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _base_uri()}},
                "invocations": [
                    {
                        "executionSuccessful": not errors,
                        "toolExecutionNotifications": [
                            *(_notification("error", item) for item in errors),
                            *(_notification("warning", item) for item in warnings),
                        ],
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)


def format_report(report: Report, options: FormatOptions) -> str:
    """The registry's entry point (see :mod:`monitlint.output`)."""
    from monitlint.output import as_items, line_texts

    return render(report.findings, line_texts(report), as_items(report.errors), as_items(report.warnings))
