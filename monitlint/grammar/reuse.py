"""Kept parses: a long-running caller re-parses only the files, and in them the statements, an edit touched.

:class:`KeptParses` is the one seam for everything kept from one lint to the next (the language
server's workspace holds one): the parses of unchanged included files, whether each file of a large
include begins a statement, and the statement parses below.

The language server lints a document again on every keystroke, and most of its statements (the
chunks :func:`monitlint.grammar.parser.parse_chunk` parses one by one) are what they were.  While
:meth:`StatementReuse.active` is in effect, every chunk of a single file is looked up among the
chunks of that file's last parse; a chunk found is not parsed again: its results (model objects,
syntax errors, statement bounds) are added as they were, and the stream's error gate moves as it did.

A kept parse is reused only when it is provably what a fresh parse would give.  ``parse_chunk``
reads, of a chunk: each token's type, value, positions (line and column, and offsets for the raw
text), its file's path and whether that file may hold ``# monitlint:`` comments; of the token after
it (the follower) the same; and the error gate's state.  A chunk matches a kept one when:

* the file's text from the chunk's first token to the end of its last token (or of the follower, when
  that is in the same file) is the same, starting at the same line and column, so every offset in
  it has the same line and column, and the same raw text, in both;
* the tokens have the same values, types and offsets relative to the chunk's first token;
* the follower is the same (relative offsets in the same file; everything, raw text included, in
  another file; or none in both);
* the path, the directive flag and the gate's state (:meth:`_ErrorGate.state`) are the same.

A chunk spanning files (an ``include`` inside a block) is always parsed.  An edit that moves later
statements to other lines (a new line typed) makes those statements miss: their results would name
other lines.  Kept parses are those of the last lint only (per file), bounded in tokens.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from typing import Any

from monitlint.files.source import SourceFile
from monitlint.grammar.includes import first_items_kept
from monitlint.grammar.kept_scans import ScanReuse
from monitlint.grammar.parser import ParseResult, _ErrorGate, chunk_parser, include_parse_cache, parse_chunk
from monitlint.grammar.tokens import Token
from monitlint.runtime.records import record

_TYPE = operator.attrgetter("type")
_START = operator.attrgetter("start_pos")
_END = operator.attrgetter("end_pos")
_FILE = operator.attrgetter("file")

# Tokens kept over all files (about 150 bytes each with their records); past it the oldest files go.
MAX_KEPT_TOKENS = 500_000


@record(slots=True)
class _Identity:
    """What makes a chunk's parse what it is, besides its tokens' values and its text (see the module)."""

    types: list[str]
    starts: list[int]  # offsets relative to the first token's
    ends: list[int]
    follower: tuple[object, ...] | None
    directives: bool
    gate_in: tuple[Any, ...]


@record(eq=False)
class _Kept:
    """One parsed chunk: what makes its parse what it is, and what the parse added."""

    values: list[Token]  # the tokens themselves (compared as text: their values)
    identity: _Identity
    gate_out: tuple[Any, ...]
    services: list[Any]
    settings: list[Any]
    problems: list[Any]
    statements: list[tuple[int, int, bool]]
    omitted: dict[str, int]


def _follower_key(follower: Token | None, file: SourceFile, base: int) -> tuple[object, ...] | None:
    """What ``parse_chunk`` may read of the follower, relative to the chunk when it is in the same file."""
    if follower is None:
        return None
    if follower.file is file:
        return ("here", follower.type, str(follower), follower.start_pos - base, follower.end_pos - base)
    other = follower.file
    raw = other.text[follower.start_pos : follower.end_pos] if other is not None else None
    return (
        "other",
        follower.type,
        str(follower),
        follower.path,
        follower.start_pos,
        follower.end_pos,
        follower.line,
        follower.column,
        follower.end_line,
        follower.end_column,
        raw,
    )


class StatementReuse:
    """The chunks of each file's last parse, and the parser stand-in that reuses them."""

    def __init__(self, max_tokens: int = MAX_KEPT_TOKENS) -> None:
        self.max_tokens = max_tokens
        # By path, then by (text, line, column) of the chunk: the chunks of that file's last parse.
        self._kept: dict[str, dict[tuple[str, int, int], list[_Kept]]] = {}
        self._sizes: dict[str, int] = {}
        self.reused = 0  # chunks taken from the last parse (for tests and benchmarks)
        self.parsed = 0

    @contextmanager
    def active(self) -> Iterator[None]:
        """Parses made meanwhile reuse the kept chunks; on success, their chunks are the ones kept."""
        fresh: dict[str, dict[tuple[str, int, int], list[_Kept]]] = {}
        sizes: dict[str, int] = {}

        def parse(chunk: list[Token], result: ParseResult, follower: Token | None, gate: _ErrorGate) -> None:
            self._parse(chunk, result, follower, gate, fresh, sizes)

        with chunk_parser(parse):
            yield
        for path, chunks in fresh.items():
            self._kept.pop(path, None)  # re-inserted last: the oldest files are dropped first
            self._kept[path] = chunks
            self._sizes[path] = sizes[path]
        while sum(self._sizes.values()) > self.max_tokens and self._kept:
            oldest = next(iter(self._kept))
            del self._kept[oldest]
            del self._sizes[oldest]

    def _parse(
        self,
        chunk: list[Token],
        result: ParseResult,
        follower: Token | None,
        gate: _ErrorGate,
        fresh: dict[str, dict[tuple[str, int, int], list[_Kept]]],
        sizes: dict[str, int],
    ) -> None:
        first = chunk[0]
        file = first.file
        if file is None or len(set(map(_FILE, chunk))) != 1:  # (SourceFile compares by identity)
            parse_chunk(chunk, result, follower, gate)
            return
        base = first.start_pos
        follow = _follower_key(follower, file, base)
        starts = list(map(operator.sub, map(_START, chunk), repeat(base)))
        ends = list(map(operator.sub, map(_END, chunk), repeat(base)))
        stop = max(ends)
        if follow is not None and follow[0] == "here":
            stop = max(stop, follow[4])
        path = file.path
        key = (file.text[base : base + stop], first.line, first.column)
        identity = _Identity(list(map(_TYPE, chunk)), starts, ends, follow, file.may_have_directives, gate.state())
        kept = self._find(path, key, chunk, identity)
        if kept is None:
            kept = _record(chunk, result, follower, gate, identity)
            self.parsed += 1
        else:
            _replay(kept, result, gate)
            self.reused += 1
        fresh.setdefault(path, {}).setdefault(key, []).append(kept)
        sizes[path] = sizes.get(path, 0) + len(chunk)

    def _find(self, path: str, key: tuple[str, int, int], chunk: list[Token], identity: _Identity) -> _Kept | None:
        for kept in self._kept.get(path, {}).get(key, ()):
            if kept.identity == identity and kept.values == chunk:
                return kept
        return None


def _record(
    chunk: list[Token], result: ParseResult, follower: Token | None, gate: _ErrorGate, identity: _Identity
) -> _Kept:
    """Parse ``chunk`` into ``result`` and keep what the parse added."""
    config = result.config
    counts = (len(config.services), len(config.settings), len(result.problems))
    path = chunk[0].file.path  # type: ignore[union-attr]
    statements_before = len(result.statements.get(path, ()))
    omitted_before = dict(result.omitted)
    parse_chunk(chunk, result, follower, gate)
    omitted = {where: count - omitted_before.get(where, 0) for where, count in result.omitted.items()}
    return _Kept(
        values=chunk,
        identity=identity,
        gate_out=gate.state(),
        services=config.services[counts[0] :],
        settings=config.settings[counts[1] :],
        problems=result.problems[counts[2] :],
        statements=result.statements.get(path, [])[statements_before:],
        omitted={where: count for where, count in omitted.items() if count},
    )


def _replay(kept: _Kept, result: ParseResult, gate: _ErrorGate) -> None:
    """Add a kept chunk's results to ``result`` as its parse did, and move the gate as it moved."""
    config = result.config
    config.services.extend(kept.services)
    config.settings.extend(kept.settings)
    result.problems.extend(kept.problems)
    if kept.statements:
        result.statements.setdefault(kept.values[0].path, []).extend(kept.statements)
    for where, count in kept.omitted.items():
        result.omitted[where] = result.omitted.get(where, 0) + count
    gate.restore(kept.gate_out)


class KeptParses:
    """Everything a long-running caller keeps from one lint to the next (the language server's workspace).

    * the parses of unchanged included files (:func:`monitlint.grammar.parser.include_parse_cache`);
    * whether each file of a large include begins a statement, by its text
      (:func:`monitlint.grammar.includes.first_items_kept`);
    * the last scan of each changed file, moved past the edit (:mod:`monitlint.grammar.kept_scans`);
    * the parses of the unchanged statements of changed files (:class:`StatementReuse`).

    Each gives what a fresh parse gives (see there); ``tests/test_statement_reuse.py`` checks it.
    """

    def __init__(self) -> None:
        self.groups: dict[tuple[object, ...], ParseResult] = {}
        self.first_items: dict[tuple[str, str], Token | None] = {}
        self.scans = ScanReuse(MAX_KEPT_TOKENS)
        self.statements = StatementReuse()

    @contextmanager
    def active(self) -> Iterator[None]:
        """Parses made meanwhile use, and renew, what is kept."""
        with (
            include_parse_cache(self.groups),
            first_items_kept(self.first_items),
            self.scans.active(),
            self.statements.active(),
        ):
            yield
