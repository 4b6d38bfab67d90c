"""Puppet modules: placeholder until the compiler step lands."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from monitlint.templates.origins import RenderedFile
from monitlint.templates.render_result import RenderFailure

if TYPE_CHECKING:
    from monitlint.templates.run import TemplateOptions


def render_module(
    module: str, shown: Callable[[str], str], options: TemplateOptions
) -> tuple[list[RenderedFile], list[RenderFailure], list[str]]:
    """Not yet: a note that the module was not compiled."""
    return [], [], [f"{shown(module)}: skipped: Puppet modules are not compiled yet"]
