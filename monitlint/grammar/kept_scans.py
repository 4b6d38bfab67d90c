"""Kept scans: after an edit, a file is scanned from where its last scan must change, and the rest of it
is the last scan's tokens, moved.

Part of :class:`monitlint.grammar.reuse.KeptParses` (the language server's kept parses).  A file's
last scan is kept: its text, its items (the token lists and include requests of
:meth:`monitlint.grammar.lexer.Scanner.pieces`) and its comments.  The next scan of that file
compares the texts: the common beginning and the common end.  It rescans from the beginning of the
file, and once it is past the changed text it watches the pieces it makes: when one begins with a
``check`` at the offset where a piece of the last scan began with a ``check`` (moved by the edit's
length), on a line that begins after the changed text, it stops and hands out the last scan's items
from there, moved to their new offsets and lines.

Why that is exactly a fresh scan's result: a ``check`` sets the scanner's whole state (its service
kind; nothing else carries over from one lexeme to the next but the position), and the scanner
reads forward only, but for a comment, which looks back to the start of its line to know whether it
stands alone: from that line on the text is the last scan's, so every lexeme, every decision and
every search made from there (a closing quote sought to the end of the file included) sees the
same text, only moved.  Columns do not change (the line began after the edit).  The tokens are
made anew (their file is the new text's) at the moved offsets and lines.

The text before the edit is rescanned: a lexeme there may have looked ahead into the edited text
(a quote sought to the end of the file, a URL's ``@`` on a later line), so keeping it would need
more than the texts to prove.  ``tests/test_statement_reuse.py`` compares kept scans with fresh
ones over random edits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from monitlint.files.source import SourceFile
from monitlint.grammar.keywords import CHECK_TYPES
from monitlint.grammar.lexer import Comment, IncludeRequest, Scanner, moved_tokens, scanners_from
from monitlint.grammar.tokens import Token
from monitlint.runtime.records import record

_CHECKS = frozenset(CHECK_TYPES.values()) | {"CHECKPROC"}

Item = list[Token] | IncludeRequest


@record(eq=False)
class _Scan:
    """A file's last scan: its text, its items, where each began with a ``check`` (-1: not), its comments."""

    text: str
    items: list[Item]
    checks: list[int]
    comments: list[Comment]
    tokens: int


def _check_at(item: Item) -> int:
    """The offset of the ``check`` an item begins with, or -1."""
    if type(item) is list and item and item[0].type in _CHECKS:
        return item[0].start_pos
    return -1


# Texts are compared a block at a time, then within the first block that differs: linear in the
# text (one comparison of slices per block, in C), however long a document is.
_BLOCK = 4096


def common_prefix(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` begin with alike."""
    most = min(len(a), len(b))
    low = 0
    while low < most and a[low : low + _BLOCK] == b[low : low + _BLOCK]:
        low += _BLOCK
    if low >= most:
        return most
    high = min(low + _BLOCK, most)  # they differ before here
    while low < high:  # the longest alike start of this block
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def common_suffix(a: str, b: str, most: int) -> int:
    """How many characters (at most ``most``) ``a`` and ``b`` end with alike."""
    most = min(most, len(a), len(b))
    return common_prefix(a[len(a) - most :][::-1], b[len(b) - most :][::-1])


def _moved(item: Item, source: SourceFile, delta: int, lines: int) -> Item:
    """``item`` of the last scan, in ``source``: offsets moved by ``delta``, lines by ``lines``."""
    if type(item) is list:
        return moved_tokens(item, source, delta, lines)
    assert isinstance(item, IncludeRequest)
    return IncludeRequest(source, item.pattern, item.line + lines, item.column, item.end_line + lines, item.end_column)


class ScanReuse:
    """The last scan of each file, and the scanner stand-in that rescans only what an edit changed."""

    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens
        self._kept: dict[str, _Scan] = {}
        self.moved = 0  # items taken from a last scan (for tests and benchmarks)

    @contextmanager
    def active(self) -> Iterator[None]:
        """Scans made meanwhile (by the include expander) keep, and use, the files' last scans."""
        with scanners_from(self._scanner):
            yield

    def _scanner(self, source: SourceFile) -> Scanner:
        return _KeptScanner(source, self._kept.pop(source.path, None), self)

    def keep(self, path: str, scan: _Scan) -> None:
        """Keep ``scan`` as the last scan of ``path`` (the oldest files go past ``max_tokens``)."""
        self._kept[path] = scan
        while sum(s.tokens for s in self._kept.values()) > self.max_tokens and self._kept:
            del self._kept[next(iter(self._kept))]  # the oldest first


class _KeptScanner(Scanner):
    """A scanner of one file that hands out its last scan's items past the edited text (see the module)."""

    def __init__(self, source: SourceFile, last: _Scan | None, owner: ScanReuse) -> None:
        super().__init__(source)
        self._last = last
        self._owner = owner

    def pieces(self, start: int = 0) -> Iterator[list[Token] | IncludeRequest]:
        """The file's items, as :meth:`Scanner.pieces` yields them; kept for the next scan once all are read."""
        items: list[Item] = []
        checks: list[int] = []
        for item in self._items(start):
            items.append(item)
            checks.append(_check_at(item))
            yield item
        tokens = sum(len(item) for item in items if type(item) is list)
        self._owner.keep(self.source.path, _Scan(self.text, items, checks, list(self.comments), tokens))

    def _items(self, start: int) -> Iterator[Item]:
        last = self._last
        fresh = Scanner.pieces(self, start)
        if last is None or start:
            yield from fresh
            return
        text, before = self.text, last.text
        prefix = common_prefix(before, text)
        suffix = common_suffix(before, text, min(len(before), len(text)) - prefix)
        delta = len(text) - len(before)
        # The edited text is [prefix, changed_end) now; an unchanged file is all kept from its first check.
        changed_end = 0 if prefix == len(before) == len(text) else len(text) - suffix
        lines = text.count("\n", prefix, changed_end) - before.count("\n", prefix, len(before) - suffix)
        last_checks = {at: index for index, at in enumerate(last.checks) if at >= 0}
        for item in fresh:
            at = _check_at(item)
            index = last_checks.get(at - delta) if at >= changed_end else None
            if index is None or text.rfind("\n", 0, at) + 1 < changed_end:
                yield item
                continue
            # From here on the last scan's items, moved; and its comments from the same place.
            line, column = item[0].line, item[0].column  # type: ignore[index]
            self.comments[:] = [c for c in self.comments if (c.line, c.column) < (line, column)]
            old_line = line - lines
            self.comments.extend(
                Comment(c.path, c.line + lines, c.column, c.text, c.own_line)
                for c in last.comments
                if (c.line, c.column) >= (old_line, column)
            )
            self._owner.moved += len(last.items) - index
            for kept in last.items[index:]:
                yield _moved(kept, self.source, delta, lines)
            return
