"""Completion: the keywords Monit accepts at the cursor (the parser's own expected-token sets), and
service names after ``depends on``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitlint.model import ControlFile

_DEPENDS = re.compile(r"\bdepends\s+on\s+(?:[^\s,]+\s*,\s*)*(?P<partial>[^\s,]*)$", re.IGNORECASE)
_STATEMENT_LINE = re.compile(r"^\s*(check|set)\b", re.IGNORECASE)
_PARTIAL = re.compile(r"[A-Za-z0-9_-]*$")
MAX_STATEMENT_LINES = 2000  # looked back for the statement's `check` or `set`: beyond, offer nothing


def completions(lines: Sequence[str], line: int, index: int, model: ControlFile | None) -> list[tuple[str, bool]]:
    """What may be typed at character ``index`` of 1-based ``line``: (text, is a service name) pairs."""
    current = lines[line - 1][:index] if 1 <= line <= len(lines) else ""
    depends = _DEPENDS.search(current)
    if depends is not None:
        if model is None:
            return []
        names = sorted({s.name for s in model.services}, key=str.lower)
        return [(name, True) for name in names]
    from monitlint.grammar.expect import expected_terminals, keywords_for

    first = line
    while first > 1 and line - first < MAX_STATEMENT_LINES and not _STATEMENT_LINE.match(lines[first - 1]):
        first -= 1
    partial = _PARTIAL.search(current)
    cut = len(current) - (len(partial.group(0)) if partial is not None else 0)
    prefix = "\n".join([*lines[first - 1 : line - 1], current[:cut]])
    try:
        expected = expected_terminals(prefix)
    except RecursionError:
        return []
    return [(word, False) for word in keywords_for(expected or set())]
