"""The workspace-wide pass on request (`monitlint.checkWorkspace`): files never opened get their diagnostics."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed: pip install -e '.[test]'")
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.server.helpers import TIMEOUT

pytestmark = pytest.mark.slow


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "monitlint", "server"]))
async def folder_client(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    """A session whose workspace folder is the test's ``monit`` folder (the test gets the client)."""
    monit = tmp_path / "monit"
    monit.mkdir()
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("neovim"),
            workspace_folders=[types.WorkspaceFolder(uri=monit.as_uri(), name="monit")],
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_check_workspace_publishes_unopened_files(folder_client: LanguageClient, tmp_path: Path) -> None:
    lsp_client = folder_client
    monit = tmp_path / "monit"
    (monit / "monitrc").write_text('check process web with pidfile /run/web.pid\n  start program = "/bin/web"\n')
    (monit / "clean.monitrc").write_text("check file a with path /etc/a\n")
    (monit / "notes.txt").write_text("not a monit file\n")
    count = await asyncio.wait_for(
        lsp_client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="monitlint.checkWorkspace", arguments=[])
        ),
        TIMEOUT,
    )
    # The server publishes before it answers, on the same stream: the client has them all by now.
    seen = lsp_client.diagnostics
    assert count == 2
    assert {str(d.code) for d in seen[(monit / "monitrc").as_uri()]} >= {"MON101"}
    assert list(seen[(monit / "clean.monitrc").as_uri()]) == []
