"""Diagnostics through a real LSP client: the same findings and ranges as `check`, in UTF-16 columns."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed: pip install -e '.[test]'")
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.helpers import apply, diagnostics_for, open_document

pytestmark = pytest.mark.slow  # each test starts the server

NO_STOP = 'check process web with pidfile /run/web.pid\n  start program = "/bin/web" with timeout 5 seconds\n'


def _by_code(found: list[types.Diagnostic]) -> dict[str, types.Diagnostic]:
    return {str(d.code): d for d in found}


def _range(d: types.Diagnostic) -> tuple[int, int, int, int]:
    return (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)


@pytest.mark.asyncio
async def test_open_publishes_check_findings_with_exact_ranges(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text(NO_STOP)
    uri = open_document(client, path, NO_STOP)
    found = _by_code(await diagnostics_for(client, uri))
    check = subprocess.run(
        [sys.executable, "-m", "monitlint", "check", "--isolated", "--no-cache", "--format", "json", str(path)],
        capture_output=True,
        text=True,
    )
    expected = {d["code"]: d for d in json.loads(check.stdout)["diagnostics"]}
    assert set(found) == set(expected) == {"MON101"}
    mon101 = found["MON101"]
    assert _range(mon101) == (0, 0, 0, len("check process web"))
    assert mon101.severity == types.DiagnosticSeverity.Error
    assert mon101.source == "monitlint"
    assert mon101.code_description is not None
    assert mon101.code_description.href.endswith("#mon101-missing-stop-program")
    assert expected["MON101"]["message"] in mon101.message


@pytest.mark.asyncio
async def test_change_updates_the_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    uri = open_document(client, path, NO_STOP)
    assert "MON101" in _by_code(await diagnostics_for(client, uri))
    fixed = NO_STOP + '  stop program = "/bin/web stop" with timeout 5 seconds\n'
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    assert await diagnostics_for(client, uri, version=2) == []


@pytest.mark.asyncio
async def test_tabs_and_non_ascii_columns_are_utf16(client: LanguageClient, tmp_path: Path) -> None:
    # A tab is one column, `é` one UTF-16 unit, `𝔞` (outside the BMP) two.
    text = (
        'check process w𝔞b with pidfile /run/w.pid\n\tstart program = "/bin/w" with timeout 5 seconds\n'
        '\tstop program = "/bin/w" with timeout 5 seconds\n\tdepends on néant\n'
    )
    uri = open_document(client, tmp_path / "monitrc", text)
    found = _by_code(await diagnostics_for(client, uri))
    assert _range(found["MON202"]) == (3, len("\tdepends on "), 3, len("\tdepends on néant"))
    text2 = 'check process w𝔞b with pidfile /run/w.pid\n\tstart program = "/bin/w" with timeout 5 seconds\n'
    uri2 = open_document(client, tmp_path / "other", text2)
    found2 = _by_code(await diagnostics_for(client, uri2))
    assert _range(found2["MON101"]) == (0, 0, 0, len("check process w") + 2 + len("b"))


@pytest.mark.asyncio
async def test_columns_are_utf8_when_the_client_prefers_it(utf8_client: LanguageClient, tmp_path: Path) -> None:
    text = (
        'check process w with pidfile /run/w.pid\n\tstart program = "/bin/w" with timeout 5 seconds\n'
        '\tstop program = "/bin/w" with timeout 5 seconds\n\tdepends on n\u00e9ant\n'
    )
    uri = open_document(utf8_client, tmp_path / "monitrc", text)
    found = _by_code(await diagnostics_for(utf8_client, uri))
    start = len(b"\tdepends on ")
    assert _range(found["MON202"]) == (3, start, 3, start + len("néant".encode()))


@pytest.mark.asyncio
async def test_duplicate_service_points_at_the_first(client: LanguageClient, tmp_path: Path) -> None:
    text = "check file a with path /etc/a\ncheck file A with path /etc/b\n"
    uri = open_document(client, tmp_path / "monitrc", text)
    dup = _by_code(await diagnostics_for(client, uri))["MON201"]
    assert dup.related_information is not None
    assert dup.related_information[0].location.uri == uri
    assert dup.related_information[0].location.range.start == types.Position(0, len("check file "))


@pytest.mark.asyncio
async def test_a_file_is_linted_in_its_entrypoints_context_with_unsaved_texts(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / ".monitlint.toml").write_text('[tool.monitlint]\nentrypoints = ["monitrc"]\n')
    (tmp_path / "conf.d").mkdir()
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {tmp_path}/conf.d/*\n")
    part = tmp_path / "conf.d" / "web"
    part_text = "check file web with path /etc/web\n  depends on db\n"
    part.write_text(part_text)
    uri = open_document(client, part, part_text)
    assert "MON202" in _by_code(await diagnostics_for(client, uri))  # db is defined nowhere
    # Defined in the entrypoint's unsaved buffer: the included file's finding goes away, without
    # touching the included file (other open documents are linted again when typing pauses).
    main_uri = open_document(client, main, main.read_text())
    await diagnostics_for(client, main_uri)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=main_uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(
                    text=f"set daemon 30\ninclude {tmp_path}/conf.d/*\ncheck file db with path /etc/db\n"
                )
            ],
        )
    )
    assert "MON202" not in _by_code(await diagnostics_for(client, uri, version=1))
    assert main.read_text() == f"set daemon 30\ninclude {tmp_path}/conf.d/*\n"  # nothing was saved


@pytest.mark.asyncio
async def test_code_action_adds_a_stop_program_that_lints_clean(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "monitrc", NO_STOP)
    mon101 = _by_code(await diagnostics_for(client, uri))["MON101"]
    offered = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=mon101.range,
            context=types.CodeActionContext(diagnostics=[mon101]),
        )
    )
    assert offered is not None
    titles = [a.title for a in offered if isinstance(a, types.CodeAction)]
    assert "Add a stop program to 'web'" in titles
    assert "Add a suppression comment for MON101 (missing-stop-program)" in titles
    for action in offered:
        assert isinstance(action, types.CodeAction) and action.edit is not None and action.edit.changes is not None
        fixed = apply(NO_STOP, list(action.edit.changes[uri]))
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
            )
        )
        assert "MON101" not in _by_code(await diagnostics_for(client, uri, version=3)), action.title
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=4),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=NO_STOP)],
            )
        )
        await diagnostics_for(client, uri, version=4)


@pytest.mark.asyncio
async def test_no_suppression_is_offered_for_what_monit_refuses(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "monitrc", "set daemon 30\ncheck process\n")
    mon001 = _by_code(await diagnostics_for(client, uri))["MON001"]
    offered = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=mon001.range,
            context=types.CodeActionContext(diagnostics=[mon001]),
        )
    )
    assert not [a for a in offered or [] if "MON001" in a.title]


@pytest.mark.asyncio
async def test_binary_text_and_unreadable_include_do_not_end_the_server(client: LanguageClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("check file s with path /etc/s\n")
    secret.chmod(0)
    binary = tmp_path / "blob"
    binary.write_bytes(b"check file b with path /x\n\0\0\0")
    text = f"set daemon 30\ninclude {secret}\ninclude {binary}\n"
    uri = open_document(client, tmp_path / "monitrc", text)
    codes = {str(d.code) for d in await diagnostics_for(client, uri)}
    assert "MON002" in codes
    uri2 = open_document(client, tmp_path / "nul", "check file a with path /etc/a\n\0\0garbage\n")
    await diagnostics_for(client, uri2)
    # Still serving.
    uri3 = open_document(client, tmp_path / "again", NO_STOP)
    assert "MON101" in _by_code(await diagnostics_for(client, uri3))


NO_TIMEOUT = (
    "check process web with pidfile /run/web.pid\n"
    '  start program = "/usr/bin/web start"\n'
    '  stop program = "/usr/bin/web stop" with timeout 10 seconds\n'
)


@pytest.mark.asyncio
async def test_code_action_offers_the_rules_own_fix(client: LanguageClient, tmp_path: Path) -> None:
    """MON107's `check --fix` fix is a preferred quick fix, and applying it clears the finding."""
    uri = open_document(client, tmp_path / "monitrc", NO_TIMEOUT)
    mon107 = _by_code(await diagnostics_for(client, uri))["MON107"]
    offered = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=mon107.range,
            context=types.CodeActionContext(diagnostics=[mon107]),
        )
    )
    assert offered is not None
    [fix] = [a for a in offered if isinstance(a, types.CodeAction) and a.title.startswith("Fix: ")]
    assert fix.is_preferred and fix.edit is not None and fix.edit.changes is not None
    fixed = apply(NO_TIMEOUT, list(fix.edit.changes[uri]))
    assert '  start program = "/usr/bin/web start" with timeout 30 seconds\n' in fixed
