"""A real LSP client (pytest-lsp) talking to `monitlint server` as a subprocess over stdio.

The client fixtures exist where pytest-lsp and the server extra are installed (the test extra has
both); the tests that use them skip with the reason otherwise, and the LSP-free unit tests run anyway.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator

HAVE_LSP = all(importlib.util.find_spec(name) is not None for name in ("pygls", "pytest_lsp"))

if HAVE_LSP:
    import pytest_lsp
    from lsprotocol import types
    from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

    SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "monitlint", "server"])

    @pytest_lsp.fixture(config=SERVER)
    async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
        """An initialised session (VS Code's capabilities: positions in UTF-16); shut down after the test."""
        await lsp_client.initialize_session(
            types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
        )
        yield
        await lsp_client.shutdown_session()

    @pytest_lsp.fixture(config=SERVER)
    async def utf8_client(lsp_client: LanguageClient) -> AsyncIterator[None]:
        """A session with Neovim 0.11's capabilities, which prefer positions in UTF-8."""
        await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("neovim")))
        yield
        await lsp_client.shutdown_session()

    @pytest_lsp.fixture(config=SERVER)
    async def bare_client(lsp_client: LanguageClient) -> AsyncIterator[None]:
        """A session with a client that declares no capabilities at all (UTF-16, flat outline …)."""
        await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
        yield
        await lsp_client.shutdown_session()
