"""Navigation, hover and completion handlers (registered on the server by :func:`register`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitlint.server.protocol import MonitServer


def register(server: MonitServer) -> None:
    """Register definition, references, symbols, hover and completion on ``server``."""
