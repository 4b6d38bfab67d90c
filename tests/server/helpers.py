"""What the LSP tests share: opening a document and waiting for its diagnostics, applying edits."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

TIMEOUT = 60  # seconds: a bound for a hung server, not a timing assertion


async def diagnostics_for(client: LanguageClient, uri: str, version: int | None = None) -> list[types.Diagnostic]:
    """The next diagnostics the server publishes for ``uri`` (of ``version`` when given).

    Call it right after the notification that causes them: the wait is registered before the
    client reads another message.
    """

    async def wait() -> list[types.Diagnostic]:
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and (version is None or params.version == version):
                return list(params.diagnostics)

    return await asyncio.wait_for(wait(), TIMEOUT)


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    """Send didOpen for ``path`` with ``text``; the document's URI."""
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
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
