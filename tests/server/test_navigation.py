"""Definition, references, symbols, hover and completion through a real LSP client."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed: pip install -e '.[test]'")
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.helpers import diagnostics_for, open_document

pytestmark = pytest.mark.slow  # each test starts the server


def _workspace(tmp_path: Path) -> tuple[Path, Path, str]:
    """An entrypoint that includes conf.d/*; conf.d/web depends on db, defined in conf.d/db."""
    (tmp_path / ".monitlint.toml").write_text('[tool.monitlint]\nentrypoints = ["monitrc"]\n')
    (tmp_path / "conf.d").mkdir()
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\nset log syslog\ninclude {tmp_path}/conf.d/*\n")
    (tmp_path / "conf.d" / "db").write_text("check file db with path /etc/db\n")
    web = tmp_path / "conf.d" / "web"
    text = "check file web with path /etc/web\n  if changed checksum then alert\n  depends on db\n"
    web.write_text(text)
    return main, web, text


@pytest.mark.asyncio
async def test_definition_of_a_dependency_is_in_another_include(client: LanguageClient, tmp_path: Path) -> None:
    _main, web, text = _workspace(tmp_path)
    uri = open_document(client, web, text)
    await diagnostics_for(client, uri)
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri), position=types.Position(2, len("  depends on d"))
        )
    )
    assert isinstance(found, list) and len(found) == 1
    assert found[0].uri == (tmp_path / "conf.d" / "db").as_uri()
    assert found[0].range.start == types.Position(0, len("check file "))


@pytest.mark.asyncio
async def test_definition_of_an_include_is_its_files(client: LanguageClient, tmp_path: Path) -> None:
    main, _web, _text = _workspace(tmp_path)
    uri = open_document(client, main, main.read_text())
    await diagnostics_for(client, uri)
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri), position=types.Position(2, 3))
    )
    assert isinstance(found, list)
    assert {loc.uri for loc in found} == {(tmp_path / "conf.d" / n).as_uri() for n in ("db", "web")}


@pytest.mark.asyncio
async def test_references_of_a_service(client: LanguageClient, tmp_path: Path) -> None:
    _main, web, _text = _workspace(tmp_path)
    db = tmp_path / "conf.d" / "db"
    uri = open_document(client, db, db.read_text())
    await diagnostics_for(client, uri)
    found = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=False),
            text_document=types.TextDocumentIdentifier(uri),
            position=types.Position(0, len("check file d")),
        )
    )
    assert found is not None and [(loc.uri, loc.range.start) for loc in found] == [
        (web.as_uri(), types.Position(2, len("  depends on ")))
    ]


@pytest.mark.asyncio
async def test_document_symbols_outline(client: LanguageClient, tmp_path: Path) -> None:
    main, web, text = _workspace(tmp_path)
    uri = open_document(client, main, main.read_text())
    await diagnostics_for(client, uri)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri))
    )
    assert symbols is not None
    assert [s.name for s in symbols] == ["set daemon", "set log"]
    uri2 = open_document(client, web, text)
    await diagnostics_for(client, uri2)
    symbols2 = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri2))
    )
    assert symbols2 is not None and len(symbols2) == 1
    group = symbols2[0]
    assert isinstance(group, types.DocumentSymbol) and group.name == "check file"
    assert group.children is not None and group.children[0].name == "web"
    tests = group.children[0].children
    assert tests is not None and len(tests) == 1 and tests[0].range.start.line == 1


@pytest.mark.asyncio
async def test_hover_on_a_keyword_and_a_rule_code(client: LanguageClient, tmp_path: Path) -> None:
    text = "check file a with path /etc/a  # monitlint: disable=MON204\n  depends on b\n"
    uri = open_document(client, tmp_path / "monitrc", text)
    await diagnostics_for(client, uri)
    keyword = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri), position=types.Position(1, 4))
    )
    assert keyword is not None and isinstance(keyword.contents, types.MarkupContent)
    assert "depends on" in keyword.contents.value
    code = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri), position=types.Position(0, text.index("MON204") + 2)
        )
    )
    assert code is not None and isinstance(code.contents, types.MarkupContent)
    assert "MON204 group-name-typo" in code.contents.value


@pytest.mark.asyncio
async def test_completion_of_keywords_and_service_names(client: LanguageClient, tmp_path: Path) -> None:
    text = "check process web with pidfile /run/web.pid\n  if \n  depends on \ncheck file db with path /etc/db\n"
    uri = open_document(client, tmp_path / "monitrc", text)
    await diagnostics_for(client, uri)
    after_if = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri), position=types.Position(1, 5))
    )
    assert isinstance(after_if, types.CompletionList)
    labels = {item.label for item in after_if.items}
    assert {"cpu", "memory", "children", "totalmemory"} <= labels
    assert "check process" not in labels
    after_depends = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri), position=types.Position(2, len("  depends on "))
        )
    )
    assert isinstance(after_depends, types.CompletionList)
    assert {item.label for item in after_depends.items} == {"web", "db"}


@pytest.mark.asyncio
async def test_a_huge_document_gets_diagnostics_only(client: LanguageClient, tmp_path: Path) -> None:
    from monitlint.server.workspace import LARGE_DOCUMENT_CHARS

    block = "check file f{} with path /etc/f{}\n  if changed checksum then alert\n"
    text = "".join(block.format(i, i) for i in range(LARGE_DOCUMENT_CHARS // len(block) + 10))
    text += "check file f1 with path /etc/again\n"  # a duplicate at the end
    assert len(text) > LARGE_DOCUMENT_CHARS
    uri = open_document(client, tmp_path / "monitrc", text)
    codes = {str(d.code) for d in await diagnostics_for(client, uri)}
    assert "MON201" in codes
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri))
    )
    assert not symbols


@pytest.mark.asyncio
async def test_a_client_without_the_tree_gets_a_flat_outline(bare_client: LanguageClient, tmp_path: Path) -> None:
    _main, web, text = _workspace(tmp_path)
    uri = open_document(bare_client, web, text)
    await diagnostics_for(bare_client, uri)
    symbols = await bare_client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri))
    )
    assert symbols is not None
    assert [(s.name, getattr(s, "container_name", None)) for s in symbols] == [
        ("check file", None),
        ("web", "check file"),
        ("changed checksum", "web"),
    ]
