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
from monitlint.grammar.keywords import STATEMENT_STARTS
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
class SplitInclude:
    """A large include of the main file whose files can be parsed apart (see IncludeExpander.tokens)."""

    request: IncludeRequest
    files: list[str]  # in Monit's reading order
    sizes: list[int]
    first_tokens: list[Token]  # each file's first token: a `set` or `check`
    following: Token | None  # the main file's next token after the include, None at its end


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
    # The run's budget (files, bytes and tokens spliced, folder visits), shared by every file it lints.
    budget: ExpansionBudget = field(default_factory=lambda: budgets.current().expansion)
    told_spent: bool = False  # the spent budget was reported (once per file linted)

    def tokens(self, main: SourceFile, main_real: str) -> Iterator[list[Token] | SplitInclude]:
        """Yield the main file's tokens, reading included files where they are included.

        With ``split_includes`` set, a large include of the main file whose files
        can be parsed on their own is not read here: a :class:`SplitInclude`
        stands in the stream for it, and the caller parses those files.
        """
        self.sources[main.path] = main
        if self.trees is None:
            self.trees = checked_trees(main_real, self.root)
        return self._drain([self._frame(main, main_real)], 0)

    def group_tokens(
        self, main_real: str, split: SplitInclude, first: int, stop: int
    ) -> Iterator[list[Token] | SplitInclude]:
        """The tokens of ``split.files[first:stop]`` as if read in the main file's place.

        The include stack is rebuilt as Monit would hold it at that point (the
        main file, then the files still waiting), so cycle detection and the
        1024-file limit see what they would see in one sequential read.
        """
        if self.trees is None:
            self.trees = checked_trees(main_real, self.root)
        main = _Frame(None, iter(()), main_real)
        waiting = [(path, split.request) for path in reversed(split.files[stop:])]
        reading = [(path, split.request) for path in reversed(split.files[first:stop])]
        stack: list[_Frame | tuple[str, IncludeRequest]] = [main, *waiting, *reading]
        return self._drain(stack, 1 + len(waiting))

    def _drain(
        self, stack: list[_Frame | tuple[str, IncludeRequest]], floor: int
    ) -> Iterator[list[Token] | SplitInclude]:
        """Read the frames above ``floor`` to the end, in pieces of tokens (see Scanner.pieces).

        The include stack is kept by hand (not by recursion) so that Monit's
        1024-level nesting cannot exhaust Python's recursion limit.
        """
        while len(stack) > floor:
            top = stack[-1]
            if isinstance(top, tuple):
                stack.pop()
                frame = self._open(top[0], top[1], stack)
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
                        stack.append((path, item))
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
        following = next(main.tokens, None)
        if following is None:
            return SplitInclude(request, files, sizes, firsts, None)
        main.tokens = itertools.chain([following], main.tokens)
        if type(following) is IncludeRequest or following[0].type not in STATEMENT_STARTS:  # type: ignore[index]
            return None
        return SplitInclude(request, files, sizes, firsts, following[0])  # type: ignore[index]

    def _frame(self, source: SourceFile, real: str) -> _Frame:
        scanner = scanner_for(source)
        return _Frame(scanner, scanner.pieces(), real)

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
        self, path: str, request: IncludeRequest, stack: list[_Frame | tuple[str, IncludeRequest]]
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
            source = read_source(path, real=real)
        except SourceError as exc:
            kind, hint = _unreadable_include_consequence(path, exc)
            self._report(kind, f"cannot include file: {exc}", request, hint)
            return None
        # Each include is a new read, as in Monit: `include l0` twice per level doubles per level.
        if not self.budget.open_file(len(source.text)):
            self._report_spent(request)
            return None
        self.sources[source.path] = source
        return self._frame(source, real)

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
