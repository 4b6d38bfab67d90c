"""MON404 noise-word-trap: words Monit throws away, so the line means something else.

What it detects
    `without pidfile` (Monit drops `without` and reads `with pidfile`), and
    `depends onNAME` with no space after `on` (Monit reads a dependency on the
    rest of the word: `depends onion` depends on `ion`).

Why it matters
    The file says one thing and Monit does another, with no warning.

Bad
    check process app without pidfile /run/app.pid
    depends onnginx

Good
    check process app with pidfile /run/app.pid
    depends on nginx

Fix
    `check --fix` writes what Monit reads: `with pidfile` for `without pidfile`, and a space
    after `on` (`depends on nginx`). The file then says what it already did; if that is not
    what was meant, the statement needs a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import Span

if TYPE_CHECKING:
    from monitlint.files.source import SourceFile
    from monitlint.fixes.edits import Fix
    from monitlint.linter.context import LintContext

CODE = "MON404"
NAME = "noise-word-trap"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a noise word changes the meaning (`without pidfile`, `depends onNAME`)"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 16
FIX = "writes what Monit reads: `with pidfile` for `without pidfile`, `depends on NAME` for `depends onNAME`"

# Each trap begins with a literal word, found first with str.find (far faster than a
# case-insensitive regex scan of a large file); the pattern is then tried there.
WITHOUT = ("without", re.compile(r"without[^\S\n]+(pidfile|path|timeout)\b", re.IGNORECASE))
GLUED_ON = ("depend", re.compile(r"depends?[ \t]+on(?=[^\s,;()])", re.IGNORECASE))


def _outside_comments(source: SourceFile, trap: tuple[str, re.Pattern[str]]) -> Iterator[tuple[int, re.Match[str]]]:
    """(line, match) of each match that starts a word and is not in a comment."""
    word, pattern = trap
    text = source.text
    # Lowering keeps offsets only for ASCII text; otherwise fall back to a full regex scan.
    lowered = text.lower() if text.isascii() else None
    if lowered is None:
        candidates: Iterator[int] = (m.start() for m in re.finditer(re.escape(word), text, re.IGNORECASE))
    else:
        candidates = _occurrences(lowered, word)
    # The first `#` of the current line, found once per line: looking again for each match
    # was quadratic on a long line full of traps (a 2 MB comment line took minutes).
    hash_line, first_hash = 0, -1
    starts = source.line_starts
    for index in candidates:
        if index and (text[index - 1].isalnum() or text[index - 1] == "_"):
            continue
        match = pattern.match(text, index)
        if match is None:
            continue
        line, _column = source.position(index)
        if line != hash_line:
            line_end = starts[line] if line < len(starts) else len(text)
            hash_line, first_hash = line, text.find("#", starts[line - 1], line_end)
        if first_hash == -1 or first_hash >= index:
            yield line, match


def _occurrences(text: str, word: str) -> Iterator[int]:
    index = text.find(word)
    while index != -1:
        yield index
        index = text.find(word, index + 1)


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report noise-word traps, found in the source text of each file."""
    for path, source in ctx.sources.items():
        for number, match in _outside_comments(source, WITHOUT):
            column = match.start() - source.line_starts[number - 1] + 1
            yield rule.diagnostic(
                f"`without {match.group(1)}` means `with {match.group(1)}`: Monit ignores the word 'without'",
                Span(path, number, column, number, column + len(match.group())),
                hint=f"write `with {match.group(1)}` (or remove the statement)",
            )
        for number, match in _outside_comments(source, GLUED_ON):
            column = match.start() - source.line_starts[number - 1] + 1
            yield rule.diagnostic(
                "`depends on` is glued to the name: Monit reads a dependency on the text after 'on'",
                Span(path, number, column, number, column + len(match.group())),
                hint="put a space after `on`",
            )


def fix(ctx: LintContext, diagnostic: Diagnostic) -> Fix | None:
    """Write the words Monit reads in place of the trap; the model must come out unchanged."""
    from monitlint.fixes.edits import Edit, Fix, offset, same_place

    span = diagnostic.span
    source = next((s for path, s in ctx.sources.items() if same_place(Span(path, *_position(span)), span)), None)
    if source is None or span.line != span.end_line:
        return None
    start, end = offset(source, span.line, span.column), offset(source, span.end_line, span.end_column)
    text = source.text[start:end]
    if WITHOUT[1].fullmatch(text):
        edit = Edit(Span(span.path, span.line, span.column, span.line, span.column + len("without")), "with")
    elif (glued := GLUED_ON[1].match(source.text, start)) is not None and glued.end() == end:
        edit = Edit(Span(span.path, span.line, span.end_column, span.line, span.end_column), " ")
    else:
        return None
    return Fix((edit,), lambda _model: True)  # what Monit reads does not change at all


def _position(span: Span) -> tuple[int, int, int, int]:
    return span.line, span.column, span.end_line, span.end_column
