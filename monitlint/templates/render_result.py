"""What rendering one template gives: its text with each line's origin, or a failure at a template line."""

from __future__ import annotations

import re

from monitlint.runtime.records import record
from monitlint.templates.origins import LineOrigin

_UNDEFINED = re.compile(r"'([A-Za-z_][\w]*)' is undefined|undefined variable[: ]+'?([A-Za-z_]\w*)")


@record
class Rendered:
    """A template's rendered text and the origin of each rendered line."""

    text: str
    origins: list[LineOrigin | None]


@record
class RenderFailure:
    """Rendering stopped: the template line (0 when unknown), a one-line message, and what to do."""

    path: str
    line: int
    message: str
    hint: str | None = None


def undefined_name(message: str) -> str | None:
    """The variable a rendering error says is undefined, if it says so."""
    match = _UNDEFINED.search(message)
    if match is None:
        return None
    return match.group(1) or match.group(2)


def first_line(text: str) -> str:
    """The first non-blank line of an error text, without ansible's `<<< caused by >>>` tail."""
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()
    return str(text).strip() or "rendering failed"
