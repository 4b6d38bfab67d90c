"""Code actions: the providers' fixes for the findings in the asked range, each kept only if re-linting agrees."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from lsprotocol import types

from monitlint.diagnostics import Diagnostic
from monitlint.model import Span
from monitlint.server import actions, convert
from monitlint.server.workspace import Document

if TYPE_CHECKING:
    from monitlint.server.protocol import MonitServer

MAX_CHECKED_FIXES = 12  # each is one lint of the edited text


def _in_range(diag: Diagnostic, rng: types.Range) -> bool:
    first, last = rng.start.line + 1, rng.end.line + 1
    return diag.span.line <= last and diag.span.end_line >= first


async def code_actions(ls: MonitServer, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The verified quick fixes for the findings of ``doc`` that touch the requested range."""
    if doc.large or doc.result is None:
        return []
    only = params.context.only
    if only and not any(str(getattr(kind, "value", kind)).startswith("quickfix") for kind in only):
        return []
    before = ls.monit.own_findings(doc)
    model = doc.result.parse.config if doc.result.parse is not None else None
    text, path = doc.text, doc.path
    proposed: list[actions.Fix] = []
    for diag in before:
        if _in_range(diag, params.range):
            request = actions.FixRequest(path, doc.lines, diag, model, {"parse": doc.result.parse})
            proposed.extend(actions.proposals(request))
    loop = asyncio.get_running_loop()
    found: list[types.CodeAction] = []
    for fix in proposed[:MAX_CHECKED_FIXES]:
        edited = actions.apply_edits(text, fix.edits)
        try:
            after = await ls.in_worker(loop, _own_findings_of, ls, path, edited)
        except Exception:
            continue
        if not actions.verified(fix, before, after):
            continue
        found.append(_code_action(fix, params.text_document.uri, doc))
    return found


def _own_findings_of(ls: MonitServer, path: str, text: str) -> list[Diagnostic]:
    result = ls.monit.lint(path, text)
    real = os.path.realpath(path)
    return [d for d in result.diagnostics if d.span.path == path or os.path.realpath(d.span.path) == real]


def _code_action(fix: actions.Fix, uri: str, doc: Document) -> types.CodeAction:
    edits = [
        types.TextEdit(
            range=convert.to_range(
                Span(doc.path, e.line, e.column, e.end_line, e.end_column),
                doc.lines,
            ),
            new_text=e.text,
        )
        for e in fix.edits
    ]
    diagnostic = convert.to_lsp(fix.diagnostic, doc.lines, None, lambda _path: doc.lines)
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=fix.preferred or None,
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )
