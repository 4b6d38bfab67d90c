"""Splicing ``include`` files into the token stream, the way Monit reads them.

Monit treats ``include`` as a lexical splice: the included text replaces the
statement wherever it stands, even inside a service block.  A glob's matches
are pushed on the include stack in sorted order, so they are *read* in reverse
sorted order; directories and names ending in ``~`` are skipped; a file that
is already being read (a cycle) is skipped with a warning; nesting stops at
1024 files.

Unlike Monit, a relative pattern is resolved against the including file's
folder (Monit uses its working directory, usually ``/``), and with ``root`` an
absolute pattern is looked up under that folder, so a repository checkout can
be linted as if it were installed.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import field

from monitlint.diagnostics import Problem, ProblemKind
from monitlint.files.safe_fs import open_regular, read_fd_bounded
from monitlint.files.source import (
    BinarySourceError,
    SourceError,
    SourceFile,
    read_source,
    text_in_place,
)
from monitlint.grammar.include_glob import checked_trees, expand_include, resolve_pattern
from monitlint.grammar.include_root import outside_hint
from monitlint.grammar.keywords import SERVICE_TYPE_OF_CHECK, STATEMENT_STARTS
from monitlint.grammar.lexer import Comment, IncludeRequest, Scanner, scanner_for
from monitlint.grammar.tokens import Token
from monitlint.model import Include, Span
from monitlint.runtime import budgets
from monitlint.runtime.budgets import ExpansionBudget
from monitlint.runtime.hooks import Hook
from monitlint.runtime.records import record

MAX_INCLUDE_DEPTH = 1024  # Monit's own limit (src/l.l)
SPLIT_MIN_BYTES = 256 * 1024  # below this, parsing apart costs more than it saves
FIRST_TOKEN_WINDOW = 4096
# A file of a split include larger than this is parsed in slices of about this size, cut where a
# `check` begins a line, so that processes' shares can balance when the include has few files
# (benchmarks/run.py's four files of 500 services: two processes' shares were 145 and 172 ms of CPU).
SLICE_BYTES = 32 * 1024
MAX_SLICES_PER_FILE = 64


def _span(request: IncludeRequest) -> Span:
    return Span(request.file.path, request.line, request.column, request.end_line, request.end_column)


def _unreadable_include_consequence(path: str, error: SourceError) -> tuple[ProblemKind, str]:
    """What Monit does with an include it cannot read as a file (tested with `monit -t` 5.33)."""
    if isinstance(error, BinarySourceError):
        # Measured: `monit -t` says "syntax OK" and ignores every statement after the NUL,
        # in the included file, in the includer and in every later include.
        return ProblemKind.INCLUDE_UNREADABLE, (
            "Monit stops reading the whole configuration at a NUL byte, silently: every statement "
            "after it, in any file, is ignored; remove the file from the include"
        )
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ProblemKind.INCLUDE_UNREADABLE, "Monit refuses to start when an included file cannot be read"
    if stat.S_ISFIFO(mode):
        return ProblemKind.INCLUDE_UNREADABLE, (
            "Monit blocks reading a FIFO: it hangs at start until something writes to it"
        )
    if not stat.S_ISREG(mode):
        return ProblemKind.INCLUDE_READS_NOTHING, (
            "Monit accepts it but reads no statements from a device or socket: remove the include"
        )
    return ProblemKind.INCLUDE_UNREADABLE, "Monit refuses to start when an included file cannot be read"


@record
class _Frame:
    scanner: Scanner | None  # None: a stand-in for a file read elsewhere
    tokens: Iterator[list[Token] | IncludeRequest]
    real: str


@record
class FileSlice:
    """Slice ``index`` of the ``count`` a file of a split include is cut into (see :func:`slice_bounds`)."""

    file: int  # the file's index in SplitInclude.files
    index: int
    count: int
    weight: int  # about how many bytes it holds


@record
class SplitInclude:
    """A large include of the main file whose files can be parsed apart (see IncludeExpander.tokens)."""

    request: IncludeRequest | None  # None: the main file itself, parsed in slices (see IncludeExpander.tokens)
    files: list[str]  # in Monit's reading order
    sizes: list[int]
    first_tokens: list[Token]  # each file's first token: a `set` or `check`
    following: Token | None  # the main file's next token after the include, None at its end
    slices: list[FileSlice]  # what is parsed apart, in reading order: each file whole, or cut in slices


_CHECK_LINE = re.compile(r"^[ \t]*(check)[ \t]", re.MULTILINE | re.IGNORECASE)
_INCLUDE_WORD = re.compile("include", re.IGNORECASE)  # anywhere, even in a comment: then the main file is read in order


def slice_bounds(text: str, count: int) -> list[int]:
    """Where ``count`` slices of ``text`` begin, and its end: each cut at a `check` beginning a line.

    A cut is only a guess (the word may be inside a quoted string, a block may run past it): the
    parse of the slice before it checks that its scan reaches the cut exactly, at a `check` token,
    and the file is parsed whole otherwise.  Slices may be empty.
    """
    bounds = [0]
    for index in range(1, count):
        found = _CHECK_LINE.search(text, max(len(text) * index // count, bounds[-1]))
        bounds.append(found.start(1) if found is not None else len(text))
    bounds.append(len(text))
    return bounds


@record
class _Window:
    """The slices ``first``..``stop - 1`` of a file cut in ``count`` that a group reads."""

    first: int
    stop: int
    count: int


def _reach(text: str, window: _Window | None) -> tuple[int, int | None]:
    """Where a group reading ``window`` of ``text`` starts, and the cut it stops at (None: the end)."""
    if window is None:
        return 0, None
    bounds = slice_bounds(text, window.count)
    return bounds[window.first], bounds[window.stop] if window.stop < window.count else None


# A file waiting on the include stack: its path, the include naming it, which of its slices are read.
_Pending = tuple[str, IncludeRequest, _Window | None]


@record
class StreamEnd:
    """What follows a token stream: the token after it, and for a group that ends at a cut inside a
    file, whether its scan met the cut exactly (see IncludeExpander.group_tokens)."""

    follower: Token | None = None  # None: the end of the main file
    at_cut: bool = False  # the stream ends at a cut (the follower is then found by the scan)
    reached: bool = False  # with at_cut: a piece began exactly at the cut, with a `check`


# First tokens found before, by (path, text read): see first_items_kept; None: none kept.
_FIRST_ITEMS: Hook[dict[tuple[str, str], Token | None]] = Hook("monitlint_first_items")
MAX_KEPT_FIRST_ITEMS = 20_000


def first_items_kept(kept: dict[tuple[str, str], Token | None]) -> AbstractContextManager[None]:
    """While active, a file's first token is scanned once per text read and then taken from ``kept``.

    For a long-running caller (an editor's language server) that checks, on every lint, whether each
    file of a large include begins a statement: the answer is a function of the path and the text
    read (the token's every attribute comes from them), so it is the same token.
    """
    return _FIRST_ITEMS.lent(kept)


def _first_item(path: str) -> Token | None:
    """The first token of a file when it starts a statement; None when it does not (or may not)."""
    in_place = text_in_place(path)  # an editor's unsaved buffer is what will be read
    if in_place is not None:
        text = in_place[:FIRST_TOKEN_WINDOW]
    else:
        try:
            # Never a plain open(): a committed `conf.d/zz -> /dev/stderr` would block this read forever.
            fd = open_regular(path)
        except OSError:
            return None
        try:
            head = read_fd_bounded(fd, FIRST_TOKEN_WINDOW)[:FIRST_TOKEN_WINDOW]
        except OSError:
            return None
        finally:
            os.close(fd)
        text = head.decode("utf-8", "replace")
    kept = _FIRST_ITEMS.get()
    if kept is None:
        return _first_of(path, text)
    key = (path, text)
    if key not in kept:
        if len(kept) >= MAX_KEPT_FIRST_ITEMS:
            kept.clear()
        kept[key] = _first_of(path, text)
    return kept[key]


def _first_of(path: str, text: str) -> Token | None:
    """The first token of ``text`` (the head of file ``path``) when it starts a statement, else None."""
    first = next(Scanner(SourceFile(path, text)).scan(), None)
    if first is None or type(first) is IncludeRequest or first.type not in STATEMENT_STARTS:  # type: ignore[union-attr]
        return None
    # A token that reaches the end of the window may go on beyond it.
    if first.end_pos >= len(text) - 1 or "\ufffd" in text[: first.end_pos + 1]:  # type: ignore[union-attr]
        return None
    return first  # type: ignore[return-value]


@record
class IncludeExpander:
    """Yields the tokens of a main file with every include spliced in."""

    root: str | None = None
    diagnostics: list[Problem] = field(default_factory=list)  # named by the engine's rule registry
    comments: list[Comment] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    split_includes: bool = False
    split_min_bytes: int = (
        SPLIT_MIN_BYTES  # a smaller include is read in order (0: any, see parser.include_parse_cache)
    )
    trees: list[str] | None = None  # the real folders includes may read from (see checked_trees)
    # Split files larger than this are cut in slices (see SLICE_BYTES); None: each file is parsed whole.
    slice_bytes: int | None = None
    # The sources of files cut in slices, by real path, shared by the groups one process parses.
    slice_sources: dict[str, SourceFile] | None = None
    # The run's budget (files, bytes and tokens spliced, folder visits), shared by every file it lints.
    budget: ExpansionBudget = field(default_factory=lambda: budgets.current().expansion)
    told_spent: bool = False  # the spent budget was reported (once per file linted)
    _stream_end: StreamEnd | None = None  # where a group that ends inside a file says how it met the cut

    def tokens(self, main: SourceFile, main_real: str) -> Iterator[list[Token] | SplitInclude]:
        """Yield the main file's tokens, reading included files where they are included.

        With ``split_includes`` set, a large include of the main file whose files
        can be parsed on their own is not read here: a :class:`SplitInclude`
        stands in the stream for it, and the caller parses those files.
        """
        self.sources[main.path] = main
        if self.trees is None:
            self.trees = checked_trees(main_real, self.root)
        whole = self._main_split(main)
        if whole is not None:
            return iter([whole])
        return self._drain([self._frame(main, main_real)], 0)

    def _main_split(self, main: SourceFile) -> SplitInclude | None:
        """The main file itself, to be parsed in slices: when it is large and includes nothing, else None.

        (A main file that includes files is read in order, its large includes split as above.)
        """
        size = len(main.text)
        count = self._slice_count(size)
        if not self.split_includes or count < 2 or size < self.split_min_bytes or _INCLUDE_WORD.search(main.text):
            return None
        first = _first_of(main.path, main.text[:FIRST_TOKEN_WINDOW])
        if first is None:
            return None
        return SplitInclude(
            None, [main.path], [size], [first], None, [FileSlice(0, i, count, size // count) for i in range(count)]
        )

    def group_tokens(
        self, main_real: str, split: SplitInclude, first: int, stop: int, end: StreamEnd | None = None
    ) -> Iterator[list[Token] | SplitInclude]:
        """The tokens of ``split.slices[first:stop]`` as if read in the main file's place.

        The include stack is rebuilt as Monit would hold it at that point (the
        main file, then the files still waiting), so cycle detection and the
        1024-file limit see what they would see in one sequential read.  A group that
        ends inside a file stops at the next slice's cut, and says in ``end`` how it met it.
        """
        if self.trees is None:
            self.trees = checked_trees(main_real, self.root)
        head, last = split.slices[first], split.slices[stop - 1]
        if end is not None:
            end.at_cut = last.index < last.count - 1
        self._stream_end = end
        if split.request is None:  # slices of the main file itself: the bottom of the stack
            path = split.files[0]
            whole = head.index == 0 and last.index == last.count - 1
            window = None if whole else _Window(head.index, last.index + 1, last.count)
            source = self._read(path, main_real)
            self.sources[source.path] = source
            return self._drain([self._frame(source, main_real, *_reach(source.text, window))], 0)
        main = _Frame(None, iter(()), main_real)
        waiting: list[_Frame | _Pending] = [
            (path, split.request, None) for path in reversed(split.files[last.file + 1 :])
        ]
        reading: list[_Frame | _Pending] = []
        for index in range(head.file, last.file + 1):
            count = head.count if index == head.file else last.count
            first_slice = head.index if index == head.file else 0
            stop_slice = last.index + 1 if index == last.file else count
            whole = first_slice == 0 and stop_slice == count
            window = None if whole else _Window(first_slice, stop_slice, count)
            reading.append((split.files[index], split.request, window))
        stack: list[_Frame | _Pending] = [main, *waiting, *reversed(reading)]
        return self._drain(stack, 1 + len(waiting))

    def _drain(self, stack: list[_Frame | _Pending], floor: int) -> Iterator[list[Token] | SplitInclude]:
        """Read the frames above ``floor`` to the end, in pieces of tokens (see Scanner.pieces).

        The include stack is kept by hand (not by recursion) so that Monit's
        1024-level nesting cannot exhaust Python's recursion limit.
        """
        while len(stack) > floor:
            top = stack[-1]
            if isinstance(top, tuple):
                stack.pop()
                frame = self._open(top[0], top[1], stack, top[2])
                if frame is not None:
                    stack.append(frame)
                continue
            for item in top.tokens:  # resumes where the last include interrupted it
                if type(item) is IncludeRequest:
                    files = self._within_limit(self._expand(item, len(stack) - 1), len(stack) - 1, item)
                    if self.split_includes and len(stack) == 1:
                        split = self._split_candidate(item, files, top)
                        if split is not None:
                            yield split
                            break
                    for path in reversed(files):
                        stack.append((path, item, None))
                    break
                if top.scanner is not None and len(stack) > 1:
                    self.budget.tokens -= len(item)  # type: ignore[arg-type]
                yield item  # type: ignore[misc]
            else:
                if top.scanner is not None:
                    self.comments.extend(top.scanner.comments)
                stack.pop()

    def _split_candidate(self, request: IncludeRequest, files: list[str], main: _Frame) -> SplitInclude | None:
        """A SplitInclude when the files are worth parsing apart and can be, else None.

        They can when each file begins with a `set` or `check` (so no statement
        runs across a file boundary) and the main file goes on with one, or ends.
        """
        sizes = []
        for path in files:
            try:
                info = os.stat(path)
            except OSError:
                return None
            if not stat.S_ISREG(info.st_mode):  # a device or FIFO is reported when read in order, never probed
                return None
            sizes.append(info.st_size)
        if len(files) < 2 or sum(sizes) < self.split_min_bytes:
            return None
        firsts: list[Token] = []
        for path in files:
            first = _first_item(path)
            if first is None or os.path.realpath(path) == main.real:
                return None
            firsts.append(first)
        slices = [
            FileSlice(file, index, count, size // count)
            for file, size in enumerate(sizes)
            for count in [self._slice_count(size)]
            for index in range(count)
        ]
        following = next(main.tokens, None)
        if following is None:
            return SplitInclude(request, files, sizes, firsts, None, slices)
        main.tokens = itertools.chain([following], main.tokens)
        if type(following) is IncludeRequest or following[0].type not in STATEMENT_STARTS:  # type: ignore[index]
            return None
        return SplitInclude(request, files, sizes, firsts, following[0], slices)  # type: ignore[index]

    def _slice_count(self, size: int) -> int:
        """How many slices a file of ``size`` bytes is parsed in."""
        if self.slice_bytes is None:
            return 1
        return max(1, min(size // self.slice_bytes, MAX_SLICES_PER_FILE))

    def _frame(self, source: SourceFile, real: str, start: int = 0, cut: int | None = None) -> _Frame:
        """The frame reading ``source`` from offset ``start`` to its end, or to the next slice's ``cut``."""
        scanner = scanner_for(source)
        pieces = scanner.pieces(start)
        if cut is not None:
            pieces = self._until(scanner, pieces, cut)
        return _Frame(scanner, pieces, real)

    def _expand(self, request: IncludeRequest, waiting: int) -> list[str]:
        """The files of one include, at most one more than fit on the include stack (see _within_limit)."""
        including_dir = os.path.dirname(request.file.path)
        resolved = resolve_pattern(request.pattern, including_dir, self.root)
        room = max(MAX_INCLUDE_DEPTH - waiting, 0)
        # One match past the room is enough to know the limit is reached: never expand further.
        expansion = expand_include(
            resolved, limit=room + 1, trees=self.trees, budget=self.budget, written=request.pattern
        )
        files = expansion.files
        self.includes.append(Include(request.pattern, _span(request), resolved, list(files)))
        if expansion.outside:
            # Not read by policy (it may exist on the host): said apart from a missing file, with the fix.
            tree = self.trees[0] if self.trees else None
            hint = outside_hint(request.pattern, os.path.realpath(request.file.path), tree)
            for message in [expansion.problem] if expansion.problem else expansion.notes:
                self._report(ProblemKind.INCLUDE_OUTSIDE_TREE, message, request, hint)
            return files
        for message in [expansion.problem] if expansion.problem else expansion.notes:
            self._report(
                ProblemKind.INCLUDE_NOT_FOUND,
                message,
                request,
                "fix the path, or remove the include; Monit silently includes nothing"
                if expansion.problem
                else "keep included files inside the checked tree, without symlink loops",
            )
        return files

    def _within_limit(self, files: list[str], waiting: int, request: IncludeRequest) -> list[str]:
        """The files of one include that fit on Monit's include stack.

        Monit pushes every file a glob matches at once, and its stack of
        suspended and waiting files holds at most 1024, so the limit counts
        pending matches as well as nesting.  ``waiting`` is that count before
        this include; ``files`` are in read order (the last is pushed first).
        """
        room = max(MAX_INCLUDE_DEPTH - waiting, 0)
        if len(files) <= room:
            return files
        self._report(
            ProblemKind.SYNTAX_ERROR,
            f"include files limit reached: Monit holds at most {MAX_INCLUDE_DEPTH} included files open or waiting, "
            f"and this include brings it past that",
            request,
            "include fewer files, or nest them less deeply",
        )
        return files[len(files) - room :]

    def _open(
        self, path: str, request: IncludeRequest, stack: list[_Frame | _Pending], window: _Window | None = None
    ) -> _Frame | None:
        real = os.path.realpath(path)
        active = [f.real for f in stack if isinstance(f, _Frame)]
        if real in active:
            self._report(
                ProblemKind.INCLUDE_CYCLE,
                f"include cycle: '{path}' is already being read; Monit skips it",
                request,
                "remove the include that leads back to a file being included",
            )
            return None
        if self.budget.spent is not None:
            self._report_spent(request)
            return None
        try:
            source = self._read(path, real)
        except SourceError as exc:
            kind, hint = _unreadable_include_consequence(path, exc)
            self._report(kind, f"cannot include file: {exc}", request, hint)
            return None
        # Each include is a new read, as in Monit: `include l0` twice per level doubles per level.
        # A group reading slices of a file spends what they hold.
        start, cut = _reach(source.text, window)
        if not self.budget.open_file((len(source.text) if cut is None else cut) - start):
            self._report_spent(request)
            return None
        self.sources[source.path] = source
        return self._frame(source, real, start, cut)

    def _read(self, path: str, real: str) -> SourceFile:
        """A file's source; with ``slice_sources``, read once by the groups one process parses (a file cut
        in slices is read whole by each: the first read serves them all, and a parse again whole)."""
        if self.slice_sources is None:
            return read_source(path, real=real)
        source = self.slice_sources.get(real)
        if source is None or source.path != path:
            source = self.slice_sources[real] = read_source(path, real=real)
        return source

    def _until(
        self, scanner: Scanner, pieces: Iterator[list[Token] | IncludeRequest], cut: int
    ) -> Iterator[list[Token] | IncludeRequest]:
        """``pieces`` up to the first one at or past offset ``cut``; the group's StreamEnd says how the cut was met."""
        end = self._stream_end if self._stream_end is not None else StreamEnd()
        for item in pieces:
            if type(item) is list and item[0].start_pos >= cut:
                first = item[0]
                end.reached = first.start_pos == cut and first.type in SERVICE_TYPE_OF_CHECK
                end.follower = first
                # Comments the scan met after the cut (inside the block it began) are the next slice's.
                comments = scanner.comments
                keep = len(comments)
                while keep and (comments[keep - 1].line, comments[keep - 1].column) >= (first.line, first.column):
                    keep -= 1
                del comments[keep:]
                return
            yield item

    def _report_spent(self, request: IncludeRequest) -> None:
        """Say once per file linted that the run's include budget is spent (later includes are not read)."""
        if self.told_spent:
            return
        self.told_spent = True
        self._report(
            ProblemKind.INCLUDE_NOT_FOUND,
            f"not read: this run's include budget is spent ({self.budget.spent}); "
            "this include and every later one are not checked",
            request,
            "include fewer files, or the same file fewer times (each include reads it again, as Monit does)",
        )

    def _report(self, kind: ProblemKind, message: str, request: IncludeRequest, hint: str | None) -> None:
        self.diagnostics.append(Problem(kind, message, _span(request), hint))
