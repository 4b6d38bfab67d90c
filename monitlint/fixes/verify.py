"""The proof of a fix: the model parsed after the edits equals the model before with the intended change.

Spans (positions) are left out of the comparison, and so is nothing else: every setting,
service, test, program and include must come out the same, and the parser and include expander
must report the same problems, or the fix is not applied and its finding stays.
"""

from __future__ import annotations

import copy
import os
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from monitlint.files.source import SourceError, SourceFile, read_source, texts_in_place_of
from monitlint.fixes.edits import Fix, apply_edits
from monitlint.grammar.parser import ParseResult, parse_file, parse_source
from monitlint.span import Span


def shape(value: Any) -> Any:
    """A model as plain, comparable data without its positions (every :class:`Span` left out)."""
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return tuple(shape(item) for item in value if not isinstance(item, Span))
    if isinstance(value, dict):
        return tuple(sorted((str(key), shape(item)) for key, item in value.items()))
    if is_dataclass(value):
        return (
            type(value).__name__,
            tuple(
                (f.name, shape(getattr(value, f.name)))
                for f in fields(value)
                if not isinstance(getattr(value, f.name), Span)
            ),
        )
    return repr(value)


def parse_with(main: str, root: str | None, overlay: dict[str, str]) -> ParseResult:
    """Parse the control file ``main`` as it would read with the texts of ``overlay`` (by real path) in its files."""
    real = os.path.realpath(main)
    with texts_in_place_of(overlay):
        if real in overlay:
            return parse_source(SourceFile(main, overlay[real]), real, root)
        return parse_file(main, root=root)


def _problems(parsed: ParseResult) -> list[tuple[str, str]]:
    return sorted((problem.kind.value, os.path.realpath(problem.span.path)) for problem in parsed.problems)


def proven(fix: Fix, path: str, main: str, root: str | None, overlay: dict[str, str]) -> str | None:
    """The new text of ``path`` when ``fix`` provably changes only what it means to, else None.

    ``main`` is the control file whose lint found the finding (``path`` itself or a file including
    it), parsed before and after with ``overlay`` (texts already fixed, by real path) in place.
    """
    found = proven_with_parse(fix, path, main, root, overlay)
    return None if found is None else found[0]


def proven_with_parse(
    fix: Fix, path: str, main: str, root: str | None, overlay: dict[str, str]
) -> tuple[str, ParseResult] | None:
    """As :func:`proven`, with the parse of ``main`` after the edits."""
    real = os.path.realpath(path)
    try:
        text = overlay[real] if real in overlay else read_source(path).text
        before = parse_with(main, root, overlay)
    except SourceError:
        return None
    if any(os.path.realpath(edit.span.path) != real for edit in fix.edits):
        return None  # a fix edits the file of its finding, nothing else
    new_text = apply_edits(SourceFile(path, text), fix.edits)
    if new_text is None or new_text == text:
        return None
    expected = copy.deepcopy(before.config)
    if not fix.change(expected):
        return None
    try:
        after = parse_with(main, root, {**overlay, real: new_text})
    except SourceError:
        return None
    if shape(after.config) != shape(expected) or _problems(after) != _problems(before):
        return None
    return new_text, after
