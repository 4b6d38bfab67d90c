"""Navigation, hover and completion handlers (registered on the server by :func:`register`).

Each reads the document's last lint (its model); a document past
:data:`~monitlint.server.workspace.LARGE_DOCUMENT_CHARS` gets none of them (diagnostics only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types

from monitlint.model import ControlFile, Span
from monitlint.server import convert, navigation
from monitlint.server.positions import char_index, line_of, word_at
from monitlint.server.workspace import Document

if TYPE_CHECKING:
    from monitlint.server.protocol import MonitServer

_SYMBOL_KIND = {
    navigation.OutlineKind.SETTING: types.SymbolKind.Property,
    navigation.OutlineKind.SERVICE_TYPE: types.SymbolKind.Namespace,
    navigation.OutlineKind.SERVICE: types.SymbolKind.Class,
    navigation.OutlineKind.TEST: types.SymbolKind.Event,
}


def _at(ls: MonitServer, uri: str, position: types.Position) -> tuple[Document, ControlFile | None, int, int] | None:
    """The document, its model and the 1-based (line, column) of an LSP position; None when not served."""
    doc = ls.document(uri)
    if doc is None or doc.large:
        return None
    line = position.line + 1
    column = char_index(line_of(doc.lines, line), position.character) + 1
    model = doc.result.parse.config if doc.result is not None and doc.result.parse is not None else None
    return doc, model, line, column


def _locations(
    ls: MonitServer,
    uri: str,
    position: types.Position,
    find: Callable[[ControlFile, str, int, int], list[Span]],
) -> list[types.Location] | None:
    """The places ``find`` gives for the cursor, as LSP locations (None when there are none)."""
    found = _at(ls, uri, position)
    if found is None:
        return None
    doc, model, line, column = found
    if model is None:
        return None
    return [convert.to_location(span, ls.lines_of) for span in find(model, doc.path, line, column)] or None


def _hierarchical_symbols(ls: MonitServer) -> bool:
    """Whether the client takes the outline as a tree (``DocumentSymbol``) rather than a flat list."""
    document = ls.client_capabilities.text_document
    symbols = document.document_symbol if document is not None else None
    return bool(symbols is not None and symbols.hierarchical_document_symbol_support)


def _flat(outline: list[navigation.Symbol], uri: str, doc: Document) -> list[types.SymbolInformation]:
    """The outline as a flat list, each entry naming its container (for clients without the tree)."""
    flat: list[types.SymbolInformation] = []

    def add(symbol: navigation.Symbol, container: str | None) -> None:
        flat.append(
            types.SymbolInformation(
                name=symbol.name or "?",
                kind=_SYMBOL_KIND[symbol.kind],
                location=types.Location(uri, convert.to_range(symbol.span, doc.lines)),
                container_name=container,
            )
        )
        for child in symbol.children:
            add(child, symbol.name)

    for symbol in outline:
        add(symbol, None)
    return flat


def register(server: MonitServer) -> None:
    """Register definition, references, symbols, hover and completion on ``server``."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: MonitServer, params: types.DefinitionParams) -> list[types.Location] | None:
        """Where the service named at the cursor is defined, or the files of the include there."""
        return _locations(ls, params.text_document.uri, params.position, navigation.definition)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: MonitServer, params: types.ReferenceParams) -> list[types.Location] | None:
        """Every `depends on` naming the service at the cursor (and its definitions if asked)."""
        declaration = params.context.include_declaration

        def find(model: ControlFile, path: str, line: int, column: int) -> list[Span]:
            return navigation.references(model, path, line, column, declaration)

        return _locations(ls, params.text_document.uri, params.position, find)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: MonitServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
        """The outline: settings, and services by type with their tests."""
        doc = ls.document(params.text_document.uri)
        if doc is None or doc.large or doc.result is None or doc.result.parse is None:
            return None

        def convert_symbol(symbol: navigation.Symbol) -> types.DocumentSymbol:
            return types.DocumentSymbol(
                name=symbol.name or "?",
                detail=symbol.detail,
                kind=_SYMBOL_KIND[symbol.kind],
                range=convert.to_range(symbol.span, doc.lines),
                selection_range=convert.to_range(symbol.selection, doc.lines),
                children=[convert_symbol(child) for child in symbol.children] or None,
            )

        outline = navigation.outline(doc.result.parse.config, doc.path)
        if not _hierarchical_symbols(ls):
            return _flat(outline, params.text_document.uri, doc)
        return [convert_symbol(s) for s in outline]

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: MonitServer, params: types.HoverParams) -> types.Hover | None:
        """What Monit does with the keyword at the cursor, or the documentation of the rule named there."""
        from monitlint.server.hover import keyword_hover, rule_hover

        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        doc, _model, line, column = found
        text = line_of(doc.lines, line)
        start, end = word_at(text, column - 1, extra="-_")
        word = text[start:end]
        if not word:
            return None
        markdown = rule_hover(word) or keyword_hover(word)
        if markdown is None:
            return None
        rng = convert.to_range(Span(doc.path, line, start + 1, line, end + 1), doc.lines)
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, markdown), rng)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", ","]))
    def completion(ls: MonitServer, params: types.CompletionParams) -> types.CompletionList | None:
        """The keywords Monit accepts at the cursor, or service names after `depends on`."""
        from monitlint.server.completion import completions

        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        doc, model, line, column = found
        items = [
            types.CompletionItem(
                label=text,
                kind=types.CompletionItemKind.Reference if is_name else types.CompletionItemKind.Keyword,
                detail="service" if is_name else "Monit keyword",
            )
            for text, is_name in completions(doc.lines, line, column - 1, model)
        ]
        return types.CompletionList(is_incomplete=False, items=items)
