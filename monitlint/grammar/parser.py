"""Parse monitrc files into the model, reporting every syntax error.

The token stream (with includes spliced in) is cut at each ``set`` and
``check`` token, which is exactly where Monit's top-level statements begin.
Each piece is parsed on its own with the LALR parser, so one broken block never
hides the others; inside a broken block the statements are retried one by one
so that every bad statement is reported and the good ones still reach the model.

The LALR tables are built once and cached in the user's cache directory.
"""

from __future__ import annotations

import functools
import operator
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import field
from typing import Any

from monitlint.diagnostics import Problem, ProblemKind
from monitlint.files.source import SourceError, SourceFile, read_source
from monitlint.grammar.includes import SLICE_BYTES, SPLIT_MIN_BYTES, IncludeExpander, SplitInclude, StreamEnd
from monitlint.grammar.keywords import BLOCK_STATEMENT_STARTS, SERVICE_TYPE_OF_CHECK, STATEMENT_STARTS
from monitlint.grammar.lalr import ParseFailure, Parser, load_tables
from monitlint.grammar.messages import TOP_LEVEL_WORDS, did_you_mean, syntax_message
from monitlint.grammar.tokens import Token
from monitlint.grammar.transformer import ModelBuilder, Node, token_span
from monitlint.model import Comment, ControlFile, Service, Setting, Span
from monitlint.runtime.budgets import ERROR_RECOVERY_SHIFTS, MAX_SYNTAX_ERRORS_KEPT
from monitlint.runtime.gc_pause import gc_paused
from monitlint.runtime.hooks import Hook
from monitlint.runtime.records import record
from monitlint.runtime.work import Runner

_FILE_OF = operator.attrgetter("file")


@functools.lru_cache(maxsize=1)
def get_parser() -> Parser:
    """The LALR parser, its tables loaded from the user's cache (built by Lark on first use)."""
    return Parser(load_tables(), ModelBuilder(), Node)


@record
class ParseResult:
    """A parsed control file, its syntax and include problems, comments and source texts."""

    config: ControlFile
    # What the parser and the include expander found; the engine names them (stamps their rule).
    problems: list[Problem] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    # Per file: (line, end line) of every statement; for a check block the end is the block's end.
    statements: dict[str, list[tuple[int, int, bool]]] = field(default_factory=dict)
    # Per file: syntax errors past MAX_SYNTAX_ERRORS_KEPT, counted, not kept (the engine says how many).
    omitted: dict[str, int] = field(default_factory=dict)


def parse_file(path: str, root: str | None = None, runner: Runner | None = None) -> ParseResult:
    """Parse a control file and everything it includes.

    With a ``runner`` (see :mod:`monitlint.runtime.work`), the files of a large include of the main
    file are parsed as independent groups handed to it (the result is the same).  Raises
    :class:`monitlint.files.source.SourceError` when the file itself cannot be read; problems with
    included files are findings.
    """
    # read_source gives a text read in place of the file (files/source.py's one seam: `check --diff`
    # linting its fixes in memory, an editor's unsaved buffer) instead of the disk.
    source = read_source(path)
    return parse_source(source, os.path.realpath(path), root, runner)


def parse_text(text: str, path: str = "<stdin>", root: str | None = None) -> ParseResult:
    """Parse control-file text that is not on disk (standard input, tests)."""
    return parse_source(SourceFile(path, text), os.path.realpath(path), root)


def parse_source(
    source: SourceFile, real_path: str, root: str | None = None, runner: Runner | None = None
) -> ParseResult:
    """Parse a loaded source file with its includes."""
    with gc_paused():
        return _parse_source(source, real_path, root, runner)


# Include groups parsed before, by what they read (see include_parse_cache); None: no cache.
_GROUP_CACHE: Hook[dict[tuple[object, ...], ParseResult]] = Hook("monitlint_include_parse_cache")
MAX_CACHED_GROUPS = 20_000


def include_parse_cache(cache: dict[tuple[object, ...], ParseResult]) -> AbstractContextManager[None]:
    """While active, the files of a main file's include are parsed one by one and kept in ``cache``.

    For a long-running caller that lints the same configuration again and again with one file
    changed (an editor's language server): a file whose text (and the texts of what it includes)
    is unchanged is not scanned and parsed again.  The parses are the ones a large include gets
    (each file parsed apart, merged in reading order: the same model and problems).
    """
    return _GROUP_CACHE.lent(cache)


# What parses one chunk of a token stream (``parse_chunk``, or a stand-in that keeps its results:
# grammar/reuse.py); None: parse_chunk.
ChunkParser = Callable[[list[Token], "ParseResult", "Token | None", "_ErrorGate"], None]
_CHUNK_PARSER: Hook[ChunkParser] = Hook("monitlint_chunk_parser")


def chunk_parser(parse: ChunkParser) -> AbstractContextManager[None]:
    """While active, every chunk (statement) of a token stream is parsed by ``parse`` instead of ``parse_chunk``.

    ``parse`` must add to the result and move the error gate exactly as ``parse_chunk`` would
    (grammar/reuse.py: the language server's kept parses of unchanged statements).
    """
    return _CHUNK_PARSER.lent(parse)


def _each_file(weights: Sequence[int], group: Callable[[int, int], Any], lead: float | None = None) -> list[Any]:
    """A runner that parses every file of an include on its own, in order."""
    return [group(index, index + 1) for index in range(len(weights))]


@record
class _GroupParse:
    """The parse of some slices of a split include, and whether it may be joined to the next slice's."""

    result: ParseResult
    # False when the group ends at a cut inside a file that its scan did not meet exactly (a `check`
    # token beginning there), or that it met with the error gate in another state than a fresh one's:
    # the next slice was not parsed as in one read, and the file is parsed again whole.
    joins: bool = True
    # The first slice's file as this process read it: (length, hash) of its text.  Only a file's first
    # slice sends the text itself (a large main file in 64 slices would send it 64 times).
    read: tuple[int, int] | None = None


def _cached_group(
    cache: dict[tuple[object, ...], ParseResult],
    split: SplitInclude,
    index: int,
    main_path: str,
    main_real: str,
    root: str | None,
) -> _GroupParse:
    """File ``index`` of ``split`` (never cut in slices), parsed, or its parse from ``cache`` when nothing it
    read has changed."""
    path = split.files[index]
    follower = split.first_tokens[index + 1] if index + 1 < len(split.files) else split.following
    try:
        text = read_source(path).text
    except SourceError:
        return _parse_group(split, index, index + 1, main_path, main_real, root)
    place = None if follower is None else (follower.type, str(follower), follower.line, follower.column)
    key = (main_path, main_real, root, path, text, place)
    found = cache.get(key)
    if found is not None and all(_unchanged(p, source.text) for p, source in found.sources.items() if p != path):
        return _GroupParse(found)
    found = _parse_group(split, index, index + 1, main_path, main_real, root).result
    if len(cache) >= MAX_CACHED_GROUPS:
        cache.clear()
    cache[key] = found
    return _GroupParse(found)


def _unchanged(path: str, text: str) -> bool:
    """Whether ``path`` still reads as ``text`` (a file a cached file includes)."""
    try:
        return read_source(path).text == text
    except SourceError:
        return False


def _parse_source(source: SourceFile, real_path: str, root: str | None, runner: Runner | None) -> ParseResult:
    cache = _GROUP_CACHE.get()
    if cache is not None and runner is None:
        runner = _each_file
    expander = IncludeExpander(
        root=root, split_includes=runner is not None, split_min_bytes=0 if cache is not None else SPLIT_MIN_BYTES
    )
    # Files are cut in slices only for a runner that shares them out (not for the cache's file by file).
    if runner is not None and cache is None:
        expander.slice_bytes = SLICE_BYTES
    # The files parsed in slices, read once per process; the main file is the one already read.
    slice_sources: dict[str, SourceFile] = {real_path: source}
    result = ParseResult(ControlFile(path=source.path))

    def parse_split(split: SplitInclude) -> None:
        def group(first: int, stop: int) -> _GroupParse:
            if cache is not None and runner is _each_file:
                return _cached_group(cache, split, first, source.path, real_path, root)
            return _parse_group(split, first, stop, source.path, real_path, root, slice_sources)

        assert runner is not None  # the expander splits only when there is one
        parts = runner([piece.weight for piece in split.slices], group)
        for part in _joined(split, parts, group):
            _merge(result, expander, part)

    _parse_stream(expander.tokens(source, real_path), result, StreamEnd(), parse_split)
    _finish(result, expander)
    return result


def _joined(
    split: SplitInclude, parts: list[_GroupParse], again: Callable[[int, int], _GroupParse]
) -> Iterator[ParseResult]:
    """The parses of a split include's slices, in order, each file's parsed ``again`` whole where its slices
    do not join (a cut not met exactly, or the file read differently by two processes)."""
    first = 0
    while first < len(parts):
        stop = first + split.slices[first].count
        own = parts[first:stop]
        read_alike = all(part.read is not None and part.read == own[0].read for part in own)
        if len(own) == 1 or (read_alike and all(part.joins for part in own[:-1])):
            yield from (part.result for part in own)
        else:
            yield again(first, stop).result
        first = stop


def _parse_group(
    split: SplitInclude,
    first: int,
    stop: int,
    main_path: str,
    main_real: str,
    root: str | None,
    slice_sources: dict[str, SourceFile] | None = None,
) -> _GroupParse:
    with gc_paused():
        expander = IncludeExpander(root=root, slice_sources=slice_sources)
        result = ParseResult(ControlFile(path=main_path))
        last = split.slices[stop - 1]
        following = split.first_tokens[last.file + 1] if last.file + 1 < len(split.files) else split.following
        end = StreamEnd(following)
        gate = _parse_stream(expander.group_tokens(main_real, split, first, stop, end), result, end, None)
        _finish(result, expander)
        head = split.slices[first]
        source = result.sources.get(split.files[head.file])
        read = None
        if head.count > 1 and source is not None:  # a file cut in slices: said how it was read
            read = (len(source.text), hash(source.text))
            if head.index > 0:
                del result.sources[source.path]  # the file's first slice sends it
        if not end.at_cut:
            return _GroupParse(result, read=read)
        shifted, discard_first, _, kept = gate.state()
        # The next slice was parsed with a fresh gate: joined only if this one ends as fresh (and no
        # error counted towards the cap, which one read counts over the whole file).
        fresh = shifted >= ERROR_RECOVERY_SHIFTS and not discard_first and kept == 0 and not result.omitted
        return _GroupParse(result, end.reached and fresh, read)


class _ErrorGate:
    """Which syntax errors of one token stream are reported: Bison's rule on each line, and a cap on those kept.

    Bison reports no new syntax error until ``ERROR_RECOVERY_SHIFTS`` tokens were shifted after
    the last one, and every error (reported or not) starts the count again.  So `if if if …`
    (each `if` begins a statement the next one breaks) is one error, not one per word.  Here a
    piece (a statement, or a block's statement) that parses counts all its tokens as shifted; one
    that fails counts those before the failing token.  A failure at the end of a piece means the
    bad token is the next piece's first, which is then not counted as shifted.  Unlike Bison, an
    error on another line than the last one is always reported: separate mistakes on separate
    lines are each worth a finding (the real-world corpus has many), and a flood of one per line
    is bounded by the cap on findings per rule instead.
    """

    __slots__ = ("discard_first", "kept", "last_line", "result", "shifted")

    def __init__(self, result: ParseResult) -> None:
        self.result = result
        self.shifted = ERROR_RECOVERY_SHIFTS  # the first error is always reported
        self.discard_first = False
        self.last_line: tuple[str, int | None] | None = None  # where the last error's bad token is
        self.kept = 0

    def accepted(self, count: int) -> None:
        """``count`` tokens were parsed without error."""
        if count and self.discard_first:
            count -= 1
        self.discard_first = False
        self.shifted += count

    def failed(self, index: int, piece: list[Token], after: Token | None) -> bool:
        """``piece`` fails at ``index`` (``after`` follows it); True when this error is to be reported."""
        shifted = index - 1 if self.discard_first and index else index
        bad = piece[index] if index < len(piece) else after
        line = (bad.path, bad.line) if bad is not None else None
        report = self.shifted + shifted >= ERROR_RECOVERY_SHIFTS or line != self.last_line or line is None
        self.shifted = 0
        self.discard_first = index >= len(piece)
        self.last_line = line
        if report and self.kept >= MAX_SYNTAX_ERRORS_KEPT:
            # Past the cap only counted, before its message is built: the engine says how many.
            where = bad.path if bad is not None else piece[-1].path
            self.result.omitted[where] = self.result.omitted.get(where, 0) + 1
            return False
        self.kept += report
        return report

    def keep(self, problem: Problem) -> None:
        """Add a reported syntax error to the result."""
        self.result.problems.append(problem)

    def state(self) -> tuple[int, bool, tuple[str, int | None] | None, int]:
        """What the gate's next decisions depend on (the shift count capped: past the rule's bound it is all one)."""
        return min(self.shifted, ERROR_RECOVERY_SHIFTS), self.discard_first, self.last_line, self.kept

    def restore(self, state: tuple[int, bool, tuple[str, int | None] | None, int]) -> None:
        """Take a state :meth:`state` gave (the gate then decides as it did after that)."""
        self.shifted, self.discard_first, self.last_line, self.kept = state


def _parse_stream(
    tokens: Iterator[list[Token] | SplitInclude],
    result: ParseResult,
    end: StreamEnd,
    parse_split: Callable[[SplitInclude], None] | None,
) -> _ErrorGate:
    """Parse a token stream chunk by chunk into ``result``; ``end`` says what follows it (read once the
    stream is done: a group ending at a cut finds its follower by scanning). Returns the error gate."""
    gate = _ErrorGate(result)
    parse = _CHUNK_PARSER.get() or parse_chunk
    previous: list[Token] | None = None
    for chunk in _chunks(tokens):
        if type(chunk) is SplitInclude:
            if previous is not None:
                parse(previous, result, chunk.first_tokens[0], gate)
            previous = None
            assert parse_split is not None
            parse_split(chunk)
            continue
        if previous is not None:
            parse(previous, result, chunk[0], gate)  # type: ignore[index]
        previous = chunk  # type: ignore[assignment]
    if previous is not None:
        parse(previous, result, end.follower, gate)
    return gate


def _finish(result: ParseResult, expander: IncludeExpander) -> None:
    config = result.config
    config.includes = expander.includes
    config.files = list(expander.sources)
    result.problems.extend(expander.diagnostics)
    result.comments = expander.comments
    result.sources = expander.sources


def _merge(result: ParseResult, expander: IncludeExpander, part: ParseResult) -> None:
    """Add a separately parsed include group, in reading order."""
    result.config.services.extend(part.config.services)
    result.config.settings.extend(part.config.settings)
    result.problems.extend(part.problems)
    for path, count in part.omitted.items():
        result.omitted[path] = result.omitted.get(path, 0) + count
    expander.comments.extend(part.comments)
    expander.includes.extend(part.config.includes)
    expander.sources.update(part.sources)
    for path, records in part.statements.items():
        result.statements.setdefault(path, []).extend(records)


def _chunks(pieces: Iterator[list[Token] | SplitInclude]) -> Iterator[list[Token] | SplitInclude]:
    """Join the scanner's pieces into statements: a new one at each `set` and `check`.

    A statement that does not begin with one is kept as its first token only: it is
    reported there, and the rest of it (a log file passed by mistake can be
    millions of words) would only take memory.
    """
    chunk: list[Token] = []
    orphan = False
    for piece in pieces:
        if type(piece) is SplitInclude:
            if chunk:
                yield chunk
                chunk = []
            yield piece
            continue
        if piece[0].type in STATEMENT_STARTS:  # type: ignore[index]
            if chunk:
                yield chunk
            chunk = piece  # type: ignore[assignment]
            orphan = False
        elif not chunk:
            chunk = piece[:1]  # type: ignore[index]
            orphan = True
        elif not orphan:
            chunk.extend(piece)  # type: ignore[arg-type]
    if chunk:
        yield chunk


def _add(result: ParseResult, item: object, chunk: list[Token]) -> None:
    if isinstance(item, Service):
        item.end = token_span(chunk[-1])
        result.config.services.append(item)
    elif isinstance(item, Setting):
        result.config.settings.append(item)


def _record_statements(chunk: list[Token], result: ParseResult) -> None:
    """Remember where statements start and end, for suppression comments."""
    first = chunk[0]
    starts = [0, *_segments(chunk)] if first.type in SERVICE_TYPE_OF_CHECK else [0]
    for index, start in enumerate(starts):
        tok = chunk[start]
        stop = starts[index + 1] if index + 1 < len(starts) else len(chunk)
        last = next((t for t in reversed(chunk[start:stop]) if t.file is tok.file), tok)
        block = start == 0 and first.type in SERVICE_TYPE_OF_CHECK
        end_line = last.end_line or tok.line or 1
        if block:
            end_line = max((t.end_line or 1) for t in chunk if t.file is tok.file)
        result.statements.setdefault(tok.path, []).append((tok.line or 1, end_line, block))


def parse_chunk(chunk: list[Token], result: ParseResult, follower: Token | None, gate: _ErrorGate) -> None:
    """Parse one statement (``chunk``) into ``result``; ``follower`` is the token after it, ``gate`` the stream's."""
    # Statement bounds only matter for suppression comments; skip the work for files without any.
    if any(f is not None and f.may_have_directives for f in set(map(_FILE_OF, chunk))):
        _record_statements(chunk, result)
    parser = get_parser()
    try:
        _add(result, parser.parse(chunk), chunk)
        gate.accepted(len(chunk))
        return
    except ParseFailure:
        pass
    first = chunk[0]
    if first.type not in STATEMENT_STARTS:
        if gate.failed(0, chunk, follower):
            gate.keep(_orphan(first))
        return
    if first.type == "SET":
        try:
            parser.parse(chunk, build=False)
            failure = (len(chunk), set[str]())  # unreachable: the full parse failed above
        except ParseFailure as exc:
            failure = (exc.index, exc.expected)
        if gate.failed(failure[0], chunk, follower):
            gate.keep(_error(chunk, 0, len(chunk), parser, None, follower=follower, failure=failure))
        _keep_cut_short_setting(chunk, result, parser, failure[0])
        return
    _recover_block(chunk, result, parser, follower, gate)


# How many tokens before the error a `set` statement cut short may end: the statement is
# usually whole up to the error, or a word or two short of it; the bound keeps this linear.
CUT_SHORT_TRIES = 8


def _keep_cut_short_setting(chunk: list[Token], result: ParseResult, parser: Parser, failed_at: int) -> None:
    """Keep the longest whole `set` statement that the broken one begins with, for the rules.

    ``set httpd unixsocket … allow localhost`` followed by a typo (``chek process …``) is
    still an httpd statement: dropping it would make MON501 claim there is no ``set httpd``.
    ``failed_at`` is where the whole statement fails to parse.
    """
    end = min(failed_at, len(chunk))
    for stop in range(end, max(1, end - CUT_SHORT_TRIES), -1):
        try:
            item = parser.parse(chunk[:stop])
        except ParseFailure:
            continue
        _add(result, item, chunk[:stop])
        return


def _orphan(first: Token) -> Problem:
    if first.type == "LEXERROR":
        message = str(first)
    elif _raw(first).startswith("\ufeff"):  # Monit refuses it too: "syntax error '\ufeffset'"
        word = _raw(first)[1:]
        message = (
            f"a byte-order mark (U+FEFF) is glued to `{word}`: Monit reads it as part of the word, "
            "so the statement is not recognised; save the file as UTF-8 without a byte-order mark"
        )
    elif (guess := did_you_mean(_raw(first), TOP_LEVEL_WORDS)) is not None:
        return Problem(
            ProblemKind.SYNTAX_ERROR,
            f"unexpected `{_raw(first)}`: did you mean `{guess}`?",
            token_span(first),
            f"write `{guess}`",
        )
    else:
        message = (
            f"`{_raw(first)}` outside a `check` block: a control file holds `set` statements and "
            "`check` blocks; tests and programs belong to a service"
        )
    return Problem(
        ProblemKind.SYNTAX_ERROR,
        message,
        token_span(first),
        "if this file is a fragment meant for inclusion inside a check block, lint the file that includes it",
    )


def _segments(chunk: list[Token]) -> list[int]:
    """Indexes where a block statement probably starts (used only to recover from errors)."""
    starts = []
    for i in range(1, len(chunk)):
        kind = chunk[i].type
        if kind not in BLOCK_STATEMENT_STARTS:
            continue
        # Some of these words also appear inside statements: tell by what is around them.
        prev = chunk[i - 1].type
        nxt = chunk[i + 1].type if i + 1 < len(chunk) else ""
        after_action = prev in ("THEN", "ELSE", "ONREBOOT", "REPEAT")
        if kind == "IF":
            begins = prev != "ELSE"  # `else if` continues the test
        elif kind in ("START", "STOP", "RESTART"):
            begins = not after_action and nxt in ("STRING", "PATH", "EQUAL")  # a program, not an action
        elif kind == "ALERT":
            begins = not after_action and nxt == "MAILADDR"  # a recipient, not an action
        elif kind == "EVERY":
            begins = prev != "REPEAT"  # not `repeat every N cycles`
        else:
            begins = True
        if begins:
            starts.append(i)
    return starts


def _recover_block(
    chunk: list[Token], result: ParseResult, parser: Parser, follower: Token | None, gate: _ErrorGate
) -> None:
    """Parse a broken block statement by statement, reporting each bad one (as Bison's rule allows)."""
    bounds = [*_segments(chunk), len(chunk)]
    service_type = SERVICE_TYPE_OF_CHECK.get(chunk[0].type)
    header_end = bounds[0]
    accepted: list[Token] = list(chunk[:header_end])
    walker = parser.walker()
    header_failure = walker.feed(accepted)
    if header_failure is not None:
        # The header itself is wrong: one finding for the whole block, as Monit would stop here.
        if gate.failed(header_failure[0], accepted, chunk[header_end] if header_end < len(chunk) else follower):
            gate.keep(_error(chunk, 0, header_end, parser, service_type, follower=follower))
        return
    gate.accepted(header_end)
    start = header_end
    dropped = 0
    for end in bounds[1:]:
        segment = chunk[start:end]
        failure = walker.feed(segment)
        if failure is None:
            accepted.extend(segment)
            gate.accepted(len(segment))
        else:
            dropped += 1
            if gate.failed(failure[0], segment, chunk[end] if end < len(chunk) else follower):
                where = (len(accepted) + failure[0], failure[1])  # counted from the start of the block
                gate.keep(
                    _error(chunk, start, end, parser, service_type, prefix=accepted, follower=follower, failure=where)
                )
        start = end
    item = parser.parse(accepted)
    if isinstance(item, Service):
        item.syntax_errors = dropped
    _add(result, item, chunk)


def _raw(tok: Token) -> str:
    file: SourceFile | None = getattr(tok, "file", None)
    if file is not None and tok.start_pos is not None and tok.end_pos is not None:
        return file.text[tok.start_pos : tok.end_pos]
    return str(tok)


def _error(
    chunk: list[Token],
    start: int,
    end: int,
    parser: Parser,
    service_type: str | None,
    prefix: list[Token] | None = None,
    follower: Token | None = None,
    failure: tuple[int, set[str]] | None = None,
) -> Problem:
    """Locate the first syntax error in chunk[start:end] and describe it.

    The tokens parsed are ``prefix`` (by default chunk[:start]) then chunk[start:end];
    ``failure`` is where and how they fail when the caller already knows it
    (see :class:`monitlint.grammar.lalr.Walker`), which spares parsing the prefix again.
    """
    head = prefix if prefix is not None else chunk[:start]
    total = len(head) + end - start

    def token_at(index: int) -> Token:
        return head[index] if index < len(head) else chunk[start + index - len(head)]

    bad: Token | None = None
    expected: set[str] = set()
    previous: Token | None = None
    lex_error = next((t for t in chunk[start:end] if t.type == "LEXERROR"), None)
    if failure is None:
        try:
            parser.parse(head + chunk[start:end], build=False)
        except ParseFailure as exc:
            failure = exc.index, exc.expected
    if failure is not None:
        index, expected = failure
        if index < total:
            bad = token_at(index)
            previous = token_at(index - 1) if index else None
        else:
            bad = Token("$END", "")
            previous = token_at(total - 1) if total else None
        if lex_error is not None and (bad.type == "$END" or (bad.start_pos or 0) >= (lex_error.start_pos or 0)):
            bad = lex_error
    if bad is None or bad.type == "$END":
        # Nothing left in this statement: the offending token is whatever follows it.
        following = chunk[end] if end < len(chunk) else follower
        if bad is None and lex_error is not None:
            bad = lex_error
        elif following is not None:
            bad = following
    if bad is None or bad.type == "$END":
        last = chunk[end - 1]
        span = Span(last.path, last.end_line or 1, last.end_column or 1, last.end_line or 1, last.end_column or 1)
        message, hint = syntax_message(Token("$END", ""), None, expected, previous, service_type)
        return Problem(ProblemKind.SYNTAX_ERROR, message, span, hint)
    if (
        bad.type == "EQUAL"
        and previous is not None
        and (guess := did_you_mean(_raw(previous), ("program",))) is not None
    ):
        # `start programm = …`: the grammar took the misspelled word for a plain word; point at it.
        return Problem(
            ProblemKind.SYNTAX_ERROR,
            f"unexpected `{_raw(previous)}`: did you mean `{guess}`?",
            token_span(previous),
            f"write `{guess}`",
        )
    message, hint = syntax_message(bad, _raw(bad), expected, previous, service_type)
    return Problem(ProblemKind.SYNTAX_ERROR, message, token_span(bad), hint)
