"""Command-line options shared by ``check`` (:mod:`monitlint.cli`) and ``service`` (the provider's command).

A module of its own so that neither command module imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

_Command = TypeVar("_Command", bound=Callable[..., Any])


def config_file_option(help_text: str) -> Callable[[_Command], _Command]:
    """The ``--config FILE`` option, for ``check`` and ``service`` (which differ only in what it means)."""
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, readable=False),
        default=None,
        help=help_text,
    )
