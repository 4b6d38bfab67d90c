"""monitlint's findings and spans as LSP values: ranges in UTF-16, severities, rule links, related places."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Sequence
from functools import cache

from lsprotocol import types

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.model import ControlFile, Service, Span
from monitlint.server.positions import lsp_range

SOURCE = "monitlint"
# Where the rules' documentation is published; a checkout's own docs/rules.md is linked when it is there.
DOCS_URL = "https://example.com/monitlint/monitlint/blob/main/docs/rules.md"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}

# The lines of a file by path (the open document's, else the disk's; empty when unreadable).
LinesOf = Callable[[str], Sequence[str]]


def to_range(span: Span, lines: Sequence[str]) -> types.Range:
    """A span as an LSP range over the file's ``lines``."""
    line, character, end_line, end_character = lsp_range(lines, span.line, span.column, span.end_line, span.end_column)
    return types.Range(types.Position(line, character), types.Position(end_line, end_character))


def to_location(span: Span, lines_of: LinesOf) -> types.Location:
    """A span as an LSP location (its file's URI and range)."""
    return types.Location(uri_of(span.path), to_range(span, lines_of(span.path)))


def uri_of(path: str) -> str:
    """The ``file:`` URI of a path."""
    from pygls.uris import from_fs_path

    return from_fs_path(os.path.abspath(path)) or f"file://{os.path.abspath(path)}"


@cache
def rule_doc_url(code: str, name: str) -> str:
    """The link to a rule's documentation (the section of docs/rules.md)."""
    anchor = f"#{code.lower()}-{name}"
    local = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs")
    rules_md = os.path.join(local, "rules.md")
    if os.path.isfile(rules_md):
        return uri_of(rules_md) + anchor
    return DOCS_URL + anchor


def to_lsp(diag: Diagnostic, lines: Sequence[str], model: ControlFile | None, lines_of: LinesOf) -> types.Diagnostic:
    """A finding as an LSP diagnostic: code, severity, range, rule link, hint and related places."""
    message = diag.message if not diag.hint else f"{diag.message}\nhint: {diag.hint}"
    related = related_places(diag, model, lines_of) if model is not None else []
    return types.Diagnostic(
        range=to_range(diag.span, lines),
        message=message,
        severity=_SEVERITY[diag.severity],
        code=diag.code,
        code_description=types.CodeDescription(href=rule_doc_url(diag.code, diag.rule)),
        source=SOURCE,
        related_information=related or None,
        data={"rule": diag.rule, "service": diag.service},
    )


_CYCLE = re.compile(r"^dependency cycle: (?P<loop>.*)$")


def related_places(diag: Diagnostic, model: ControlFile, lines_of: LinesOf) -> list[types.DiagnosticRelatedInformation]:
    """The other places a finding involves: the first definition of a duplicate name, each step of a cycle."""
    from monitlint.linter.rules import (
        mon201_duplicate_service_name as duplicate,
    )
    from monitlint.linter.rules import (
        mon202_unknown_dependency as unknown,
    )
    from monitlint.linter.rules import (
        mon203_dependency_cycle as cycle,
    )

    places: list[tuple[Span, str]] = []
    if diag.code == duplicate.CODE and diag.service is not None:
        key = diag.service.lower()
        for service in model.services:
            if service.name.lower() == key and service.name_span != diag.span:
                places.append((service.name_span, f"'{service.name}' is defined here too"))
                break
    elif diag.code == cycle.CODE:
        match = _CYCLE.match(diag.message)
        if match is not None:
            places.extend(_cycle_steps(match["loop"].split(" -> "), model))
    elif diag.code == unknown.CODE and diag.hint and diag.hint.startswith("did you mean '"):
        close = diag.hint[len("did you mean '") :].rstrip("'?")
        target = find_service(model, close)
        if target is not None:
            places.append((target.name_span, f"'{target.name}' is defined here"))
    return [
        types.DiagnosticRelatedInformation(to_location(span, lines_of), message)
        for span, message in places[:_MAX_RELATED]
    ]


_MAX_RELATED = 50


def _cycle_steps(names: list[str], model: ControlFile) -> list[tuple[Span, str]]:
    """Each `depends on` of the loop ``names`` (a -> b -> a), where it is written."""
    steps: list[tuple[Span, str]] = []
    for source, target in itertools.pairwise(names):
        service = find_service(model, source)
        if service is None:
            continue
        for dep in service.depends:
            if dep.value.lower() == target.lower():
                steps.append((dep.span, f"'{service.name}' depends on '{target}'"))
                break
    return steps


def find_service(model: ControlFile, name: str) -> Service | None:
    """The first service named ``name`` (Monit compares names without regard to case)."""
    key = name.lower()
    return next((s for s in model.services if s.name.lower() == key), None)
