"""The LSP glue: a pygls ``LanguageServer`` whose handlers call the workspace, the fixes and navigation.

Diagnostics: a document is linted on open and save at once, and on change at most once per window
(the first change of a quiet spell at once, the ones that come while it is linted coalesced into
one more lint, which starts as soon as that lint ends; past ``LONG_LINT`` the window grows with
the last lint's time, so a huge document is not re-linted back to back and the editor stays
served).  Lints run one at a time on a worker thread, so requests are answered meanwhile; every
handler's failure is logged and answered empty, never fatal.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from monitlint import __version__
from monitlint.server import convert
from monitlint.server.workspace import Document, Workspace

log = logging.getLogger("monitlint.server")

# Seconds between the start of two lints of one document while it is being typed, at least, and as a share
# of the last lint's time: changes that come while a lint runs are coalesced into the next one.
MIN_WINDOW = 0.02
# Other open documents (an entrypoint and its includes see each other's unsaved texts) are linted again
# once changes pause this long.
OTHERS_PAUSE = 0.4
CHECK_WORKSPACE = "monitlint.checkWorkspace"  # workspace/executeCommand: the workspace-wide pass
WINDOW_SHARE = 1.5
# Lints shorter than this (seconds, the whole of a 1,000-line file's) follow each other at once while
# changes come: a window of WINDOW_SHARE times them would only add to what the editor waits for.
LONG_LINT = 0.1
T = TypeVar("T")


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, answering a request it cannot read with an error instead of leaving the client waiting."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        """The message as lsprotocol's types; a request whose params are wrong is answered with the error."""
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "method" in data and isinstance(data.get("id"), (int, str)):
                self._send_response(data["id"], error=exc.to_response_error())
            raise


class MonitServer(LanguageServer):
    """The language server: pygls's, with monitlint's workspace and lint scheduling."""

    def __init__(self) -> None:
        super().__init__(
            "monitlint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.monit = Workspace()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitlint-lint")
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._dirty: set[str] = set()
        self._last: dict[str, tuple[float, float]] = {}  # uri -> (start, duration) of its last lint
        self._not_before: dict[str, float] = {}  # uri -> when it may be linted (others after a change)

    def path_of(self, uri: str) -> str | None:
        """The file system path of a ``file:`` URI (None for other schemes)."""
        if not uri.startswith("file:"):
            return None
        path = to_fs_path(uri)
        return os.path.abspath(path) if path else None

    def document(self, uri: str) -> Document | None:
        """The open document of ``uri``."""
        path = self.path_of(uri)
        return self.monit.get(path) if path is not None else None

    def sync(self, uri: str) -> Document | None:
        """Take the editor's current text of ``uri`` into the workspace."""
        path = self.path_of(uri)
        if path is None:
            return None
        text_doc = self.workspace.get_text_document(uri)
        return self.monit.open(path, text_doc.source, text_doc.version)

    def schedule(self, uri: str, at_once: bool = False, after: float = 0.0) -> None:
        """Lint ``uri`` soon (not before ``after`` seconds) and publish its diagnostics.

        Changes that come meanwhile are coalesced into that lint.
        """
        self._dirty.add(uri)
        if at_once:
            self._last.pop(uri, None)
        if after:
            self._not_before[uri] = time.monotonic() + after
        task = self._pending.get(uri)
        if task is None or task.done():
            self._pending[uri] = asyncio.ensure_future(self._lint_loop(uri))

    async def _lint_loop(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        while uri in self._dirty:
            while True:  # a pause pushed later meanwhile is waited for too
                start, duration = self._last.get(uri, (0.0, 0.0))
                window = max(MIN_WINDOW, WINDOW_SHARE * duration) if duration >= LONG_LINT else MIN_WINDOW
                ready = max(start + window, self._not_before.get(uri, 0.0))
                wait = ready - time.monotonic()
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._dirty.discard(uri)
            begun = time.monotonic()
            try:
                found = await self.in_worker(loop, self._lint, uri)
            except Exception:
                log.exception("linting %s failed", uri)
                found = None
            self._last[uri] = (begun, time.monotonic() - begun)
            if found is not None and self.document(uri) is not None:
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=uri, diagnostics=found[1], version=found[0])
                )
            self._say()

    async def check_workspace(self) -> int:
        """The workspace-wide pass (command ``monitlint.checkWorkspace``): publish every Monit file's findings."""
        folders = [f.uri for f in (self.workspace.folders or {}).values()] or (
            [self.workspace.root_uri] if self.workspace.root_uri else []
        )
        loop = asyncio.get_running_loop()
        published = 0
        for folder_uri in folders:
            folder = self.path_of(folder_uri)
            if folder is None or not os.path.isdir(folder):
                continue
            found = await self.in_worker(loop, self.monit.lint_tree, folder)
            for path, diags in sorted(found.items()):
                lines = self.lines_of(path)
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(
                        uri=convert.uri_of(path),
                        diagnostics=[convert.to_lsp(d, lines, None, self.lines_of) for d in diags],
                    )
                )
                published += 1
        return published

    def schedule_others(self, uri: str) -> None:
        """Lint every other open document once typing in ``uri`` pauses (its text may change their findings)."""
        for other in list(self.workspace.text_documents):
            if other != uri and self.document(other) is not None:
                self.schedule(other, after=OTHERS_PAUSE)

    async def in_worker(self, loop: asyncio.AbstractEventLoop, function: Callable[..., T], *args: Any) -> T:
        """Run ``function`` on the lint thread (one at a time: the overlay of open documents is process-wide)."""
        return await loop.run_in_executor(self.executor, function, *args)

    def _lint(self, uri: str) -> tuple[int | None, list[types.Diagnostic]] | None:
        path = self.path_of(uri)
        doc = self.monit.refresh(path) if path is not None else None
        if doc is None:
            return None
        version = doc.version  # of the text just linted (a change may have come meanwhile: it is linted next)
        if doc.error is not None:
            return version, [
                types.Diagnostic(
                    range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                    message=doc.error,
                    severity=types.DiagnosticSeverity.Error,
                    source=convert.SOURCE,
                )
            ]
        model = doc.result.parse.config if doc.result is not None and doc.result.parse is not None else None
        lines_of = self.lines_of
        return version, [convert.to_lsp(d, doc.lines, model, lines_of) for d in self.monit.own_findings(doc)]

    def lines_of(self, path: str) -> Sequence[str]:
        """The lines of ``path``: the open document's, else the file's (none when unreadable)."""
        source = self.monit.text_of(path)
        return source.text.split("\n") if source is not None else []

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log what went wrong outside a request (a malformed message, say); the user is not interrupted."""
        log.warning("%s: %s", type(error).__name__, error)

    def _say(self) -> None:
        while self.monit.messages:
            text = self.monit.messages.pop(0)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=text))


def create_server() -> MonitServer:
    """A server with every feature registered."""
    server = MonitServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: MonitServer, params: types.InitializedParams) -> None:
        """Count columns in the position encoding the session settled on."""
        from monitlint.server.positions import use_encoding

        # pygls takes the client's preferred encoding (UTF-8 for some): count columns in it.
        use_encoding(str(ls.server_capabilities.position_encoding or "utf-16"))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MonitServer, params: types.DidOpenTextDocumentParams) -> None:
        """Take the document's text and lint it at once."""
        if ls.sync(params.text_document.uri) is not None:
            ls.schedule(params.text_document.uri, at_once=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MonitServer, params: types.DidChangeTextDocumentParams) -> None:
        """Take the new text; lint it soon, and the other open documents when typing pauses."""
        if ls.sync(params.text_document.uri) is not None:
            ls.schedule(params.text_document.uri)
            ls.schedule_others(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: MonitServer, params: types.DidSaveTextDocumentParams) -> None:
        """Lint at once (a configuration or include may have changed on disk too)."""
        if ls.sync(params.text_document.uri) is not None:
            ls.schedule(params.text_document.uri, at_once=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MonitServer, params: types.DidCloseTextDocumentParams) -> None:
        """Forget the document, clear its diagnostics; the others now read the file on disk."""
        path = ls.path_of(params.text_document.uri)
        if path is not None:
            ls.monit.close(path)
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
            )
            ls.schedule_others(params.text_document.uri)  # they now read the file on disk

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(ls: MonitServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        """The verified quick fixes for the findings in the requested range."""
        from monitlint.server.fixes import code_actions

        doc = ls.document(params.text_document.uri)
        if doc is None or doc.result is None:
            return None
        return await code_actions(ls, doc, params)

    @server.command(CHECK_WORKSPACE)
    async def check_workspace(ls: MonitServer, *args: Any) -> int:
        """Lint every Monit file of the workspace folders and publish their diagnostics; how many files."""
        return await ls.check_workspace()

    from monitlint.server import features

    features.register(server)
    return server


def run() -> None:
    """Serve LSP over standard input and output until the client says exit."""
    import gc

    gc.enable()  # the CLI turns the cyclic collector off for short runs; a server runs for hours
    handler = logging.StreamHandler()
    handler.setFormatter(_OneLine("monitlint server: %(levelname)s: %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    create_server().start_io()


class _OneLine(logging.Formatter):
    """Log records on one line each: the exception's type and message, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record's line, with its exception (if any) summed up at the end."""
        exc = record.exc_info[1] if record.exc_info else None
        record.exc_info = None
        record.exc_text = None
        from monitlint.output.sanitize import message

        # The first line only: pygls puts a formatted traceback into some messages themselves.
        line = super().format(record).split("\n", 1)[0]
        if exc is not None:
            line = f"{line} ({type(exc).__name__}: {exc})"
        return message(line)  # an exception's text may quote a control file: made printable, clipped
