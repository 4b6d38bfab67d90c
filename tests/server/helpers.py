"""What the LSP tests share: opening a document and waiting for its diagnostics, applying edits."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

TIMEOUT = 60  # seconds: a bound for a hung server, not a timing assertion


def published(client: LanguageClient) -> list[types.PublishDiagnosticsParams]:
    """Every publishDiagnostics the client receives from now on, in order (installed once per client).

    pytest-lsp keeps one waiter per method, and two notifications read in one go would resolve
    it once: the recorder re-arms itself inside the waiter's callback, before the next message.
    """
    log: list[types.PublishDiagnosticsParams] | None = getattr(client, "_monitlint_published", None)
    if log is None:
        log = []
        client._monitlint_published = log  # type: ignore[attr-defined]

        def arm(params: types.PublishDiagnosticsParams | None = None) -> None:
            if params is not None:
                log.append(params)
            client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, callback=arm)

        arm()
    return log


async def diagnostics_for(client: LanguageClient, uri: str, version: int | None = None) -> list[types.Diagnostic]:
    """The next diagnostics the server publishes for ``uri`` (of ``version`` when given).

    Call it right after the notification that causes them (no await between): what the client
    receives later is looked at.
    """
    log = published(client)
    first = len(log)

    async def wait() -> list[types.Diagnostic]:
        seen = first
        while True:
            for params in log[seen:]:
                if params.uri == uri and (version is None or params.version == version):
                    return list(params.diagnostics)
            seen = len(log)
            await asyncio.sleep(0.005)  # polls the condition above; the bound is TIMEOUT

    return await asyncio.wait_for(wait(), TIMEOUT)


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    """Send didOpen for ``path`` with ``text``; the document's URI."""
    uri = path.as_uri()
    published(client)  # recording before the server can answer
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="monitrc", version=version, text=text)
        )
    )
    return uri


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits applied (UTF-16 positions)."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return before + index
            units += 2 if ord(char) > 0xFFFF else 1
        return before + len(line)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text
