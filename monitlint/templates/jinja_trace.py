"""Which template line produced each rendered line, read from Jinja's own compiled code.

Jinja compiles a template to a Python generator and records, in the generated module's
``debug_info``, which template line each Python line came from.  Rendering by iterating that
generator ourselves, we look at the innermost Jinja frame each time a piece of output is
yielded (following ``yield from`` into blocks and includes): its line, mapped through
``debug_info``, is the template line of that piece, and its loop variables (``l_1_rule``: the
loop one level down) are the iteration's values.

A literal piece may span several template lines and its recorded line is where the lexer
token began (before a trimmed newline), so a line made only of literal text is confirmed
against the template's own lines nearby (see :func:`line_origins`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import Any

from monitlint.runtime.records import record
from monitlint.templates.origins import LineOrigin, clip_value

_LOOP_LOCAL = re.compile(r"l_([1-9]\d*)_(\w+)$")
# Loop helpers Jinja keeps beside the loop target: not values the user wrote.
_NOT_VALUES = {"loop", "caller", "varargs", "kwargs"}


@record
class Piece:
    """One yielded piece of output, the template line it came from, and the loop values then."""

    text: str
    name: str | None
    line: int
    loop: tuple[tuple[str, str], ...]


def _debug_pairs(frame: FrameType) -> list[tuple[int, int]]:
    info = frame.f_globals.get("debug_info", "")
    pairs = []
    for part in str(info).split("&"):
        template_line, _, code_line = part.partition("=")
        if template_line.isdigit() and code_line.isdigit():
            pairs.append((int(template_line), int(code_line)))
    return pairs


def template_line(frame: FrameType) -> int | None:
    """The template line of a Jinja frame's current Python line (``Template.get_corresponding_lineno``)."""
    pairs = _debug_pairs(frame)
    for template, code in reversed(pairs):
        if code <= frame.f_lineno:
            return template
    # Output before Jinja's first line mark is the template's opening text.
    return 1 if "debug_info" in frame.f_globals else None


def _loop_values(frame: FrameType) -> tuple[tuple[str, str], ...]:
    values = []
    for key, value in frame.f_locals.items():
        match = _LOOP_LOCAL.match(key)
        if match and match.group(2) not in _NOT_VALUES and not match.group(2).startswith("t_"):
            values.append((match.group(2), clip_value(value)))
    return tuple(values[:4])


def innermost(generator: Any) -> tuple[str | None, int, tuple[tuple[str, str], ...]] | None:
    """The innermost Jinja frame of a suspended render generator: template name, line and loop values."""
    found = None
    while generator is not None:
        frame = getattr(generator, "gi_frame", None)
        if frame is None:
            break
        if "debug_info" in frame.f_globals:
            line = template_line(frame)
            if line is not None:
                found = (frame.f_globals.get("name"), line, _loop_values(frame))
        generator = getattr(generator, "gi_yieldfrom", None)
    return found


def error_line(exc: BaseException) -> int | None:
    """The template line where rendering failed: the innermost Jinja frame of the exception's traceback."""
    line = None
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            if "debug_info" in tb.tb_frame.f_globals:
                for template, code in reversed(_debug_pairs(tb.tb_frame)):
                    if code <= tb.tb_lineno:
                        line = template
                        break
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    return line


# A rendered Monit file is kilobytes; a stranger's template looping a billion times is stopped here.
MAX_RENDERED_CHARS = 2 * 1024 * 1024


class OutputTooLarge(Exception):
    """A template rendered more than :data:`MAX_RENDERED_CHARS` characters."""


# (value, where) of the piece an included template's render just yielded: Jinja includes with a
# `for` loop, not `yield from`, so the including frame cannot see into it (see :func:`tracing_class`).
_INNER: list[tuple[Any, tuple[str | None, int, tuple[tuple[str, str], ...]] | None]] = []


def tracing_class(base: type[Any]) -> type[Any]:
    """A Jinja ``Template`` class whose render functions say where each piece came from (includes too)."""

    class TracingTemplate(base):  # type: ignore[misc,valid-type]
        @classmethod
        def from_code(cls, environment: Any, code: Any, globals: Any, uptodate: Any = None) -> Any:
            template = super().from_code(environment, code, globals, uptodate)
            inner = template.root_render_func

            def root(context: Any) -> Iterator[Any]:
                generator = inner(context)
                for value in generator:
                    if not (_INNER and _INNER[-1][0] is value):  # the deepest include records first
                        _INNER.append((value, innermost(generator)))
                    yield value

            template.root_render_func = root
            return template

    return TracingTemplate


def traced(generator: Iterator[Any], pieces: list[Piece]) -> Iterator[Any]:
    """Yield what ``generator`` yields, recording each piece's origin in ``pieces`` (output bounded)."""
    total = 0
    _INNER.clear()
    for value in generator:
        total += len(str(value))
        if total > MAX_RENDERED_CHARS:
            raise OutputTooLarge(f"the template renders more than {MAX_RENDERED_CHARS} characters")
        recorded = _INNER.pop() if _INNER and _INNER[-1][0] is value else None
        _INNER.clear()
        where = recorded[1] if recorded is not None else innermost(generator)
        if where is not None:
            pieces.append(Piece(str(value), where[0], where[1], where[2]))
        else:
            pieces.append(Piece(str(value), None, 0, ()))
        yield value


def line_origins(
    pieces: Iterable[Piece],
    rendered: str,
    source: str,
    path: str,
    load: Callable[[str], tuple[str, str] | None] | None = None,
) -> list[LineOrigin | None]:
    """Each rendered line's origin, from the pieces that made it (the text of ``pieces`` must be ``rendered``).

    A line's origin is the latest template line among its pieces that carry text (a literal
    piece's line advanced by the newlines before that part of it); when the line's literal text
    is not on that template line, the closest line within a few that holds it is taken.  A piece
    written by an included template (``{% include %}``, a block of a parent) is placed in that
    template: ``load`` gives its shown path and text from its Jinja name.
    """
    known: dict[str | None, tuple[str, str] | None] = {None: (path, source)}

    def template_of(name: str | None) -> tuple[str, str] | None:
        if name not in known:
            known[name] = load(name) if load is not None and name is not None else None
        return known[name]

    placed = []
    for piece in pieces:
        found = template_of(piece.name)
        placed.append(_placed(piece, found[1]) if found is not None else piece)
    origins: list[LineOrigin | None] = []
    best: tuple[int, tuple[tuple[str, str], ...], str | None] | None = None
    current_text: list[str] = []

    def finish() -> LineOrigin | None:
        if best is None:
            return None
        found = template_of(best[2]) or (path, "")
        return _confirmed((best[0], best[1]), "".join(current_text), found[1].splitlines(), found[0])

    for piece in placed:
        parts = piece.text.split("\n")
        for index, part in enumerate(parts):
            if index:  # a newline ends the current rendered line
                origins.append(finish())
                best, current_text = None, []
            if part.strip() and piece.line:
                line = piece.line + index
                if best is None or best[2] != piece.name or line >= best[0]:
                    best = (line, piece.loop, piece.name)
            current_text.append(part)
    if current_text and "".join(current_text):
        origins.append(finish())
    expected = len(rendered.splitlines())
    return (origins + [None] * expected)[:expected]


# Occurrences of a literal piece looked at, at most: a short piece may occur very often.
_MAX_OCCURRENCES = 64


def _placed(piece: Piece, source: str) -> Piece:
    """A literal piece placed where its text stands in the template (Jinja's line for it can be far off).

    Only pieces spanning lines are placed this way (a short value may occur anywhere by chance);
    among several occurrences the one closest to Jinja's own line is taken.
    """
    if "\n" not in piece.text.strip("\n"):
        return piece
    text = piece.text.lstrip("\n")
    skipped = len(piece.text) - len(text)
    best: int | None = None
    start = source.find(text)
    seen = 0
    while start >= 0 and seen < _MAX_OCCURRENCES:
        line = source.count("\n", 0, start) + 1 - skipped
        if best is None or abs(line - piece.line) < abs(best - piece.line):
            best = line
        start = source.find(text, start + 1)
        seen += 1
    return piece if best is None else Piece(piece.text, piece.name, max(best, 1), piece.loop)


def _confirmed(
    best: tuple[int, tuple[tuple[str, str], ...]] | None, text: str, template_lines: list[str], path: str
) -> LineOrigin | None:
    if best is None:
        return None
    line, loop = best
    words = text.strip()
    if not words or not template_lines:
        return LineOrigin(path, line, loop)

    def holds(number: int) -> bool:
        return 1 <= number <= len(template_lines) and _literal_match(words, template_lines[number - 1])

    if holds(line):
        return LineOrigin(path, line, loop)
    for distance in range(1, 4):
        for candidate in (line + distance, line - distance):
            if holds(candidate):
                return LineOrigin(path, candidate, loop)
    return LineOrigin(path, min(max(line, 1), len(template_lines)), loop)


def _literal_match(rendered: str, template: str) -> bool:
    """True when the template line reads like the rendered one (its first word, outside any markup)."""
    first = rendered.split()[0]
    stripped = template.strip()
    return bool(first) and stripped.startswith(first) and "{%" not in stripped[: len(first)]
