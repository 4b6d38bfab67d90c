r"""MON608 pattern-file: a file of content patterns that is missing, unreadable, or holds a bad regex (host check).

What it detects
    With host checks on (`--host`, `host = true`, always in the provider's gate): the
    file of an `if content = FILE`, `ignore content = FILE` or `if match FILE` test
    that does not exist on the machine (under `--root DIR` when given) or is not a
    regular file, and each line of it that is not a POSIX extended regular expression.

Why it matters
    Monit reads the patterns when it reads the control file and refuses the whole file
    ("Cannot read regex match file", "Regex parsing error: ... on line 2 of ...").
    A folder or a FIFO is worse: Monit 5.33 loops forever on a folder and blocks on a
    FIFO. Root reads any regular file; a daemon running as another user also needs
    read permission (not checked).

Bad
    if content = /etc/monit/patterns then alert    # a line `error (` in it

Good
    if content = /etc/monit/patterns then alert    # `error \(` instead
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.posix_regex import RegexBudgetSpent, posix_regex_error

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON608"
NAME = "pattern-file"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "FILE-CONTENT-TEST"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "(host check) a content pattern file that is missing, not a file, or holds a bad regex: monit -t refuses it"
# What Monit refuses on this host: with host checks on, no selection, ignore or suppression turns it off.
ALWAYS_ON = True

MAX_PATTERN_FILE_BYTES = 4 * 1024 * 1024
LINE_BYTES = 2047  # Monit reads the file with fgets into a 2048-byte buffer
MAX_REPORTED = 10  # bad lines reported per file


def patterns(data: bytes) -> Iterator[tuple[int, str]]:
    """(line number, pattern) as Monit reads them: fgets pieces, empty lines skipped, the newline cut."""
    number = 0
    start = 0
    size = len(data)
    while start < size:
        newline = data.find(b"\n", start, start + LINE_BYTES)
        end = newline + 1 if newline != -1 else min(start + LINE_BYTES, size)
        number += 1
        piece = data[start:end].split(b"\0", 1)[0]
        start = end
        if not piece or piece.startswith(b"\n"):
            continue
        yield number, piece.rstrip(b"\n").decode("utf-8", "surrogateescape")


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report pattern files Monit cannot read, and the patterns in them it cannot compile."""
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import pattern_files  # only with host checks on: keeps start-up short

    for ref in pattern_files(ctx.model):
        entry = host.lookup(ref.path)
        if entry is None:
            continue  # outside the checked tree: not looked at (see HostView.lookup)
        if not entry.exists:
            yield rule.diagnostic(
                f"Cannot read regex match file ({ref.path}): {entry.reason}; monit -t refuses the file",
                ref.span,
                service=ref.service,
                hint="install the pattern file, or fix the path",
            )
            continue
        if not entry.is_file:
            yield rule.diagnostic(
                f"the pattern file '{ref.path}' is a {entry.kind}, not a regular file: "
                "Monit 5.33 reads it forever (monit -t never finishes)",
                ref.span,
                service=ref.service,
            )
            continue
        try:
            data = host.read(entry, MAX_PATTERN_FILE_BYTES)
        except OSError:
            continue  # too large to check here
        reported = 0
        for number, pattern in patterns(data):
            try:
                error = posix_regex_error(pattern)
            except RegexBudgetSpent as spent:
                yield rule.diagnostic(
                    f"the patterns of '{ref.path}' from line {number} on were {spent}",
                    ref.span,
                    service=ref.service,
                    hint="run `monit -t` to know whether Monit accepts them",
                )
                break
            if error is None:
                continue
            yield rule.diagnostic(
                f"Regex parsing error: {error} on line {number} of '{ref.path}' ('{pattern[:80]}'): "
                "monit -t refuses the file",
                ref.span,
                service=ref.service,
                hint="escape the special character (\\( \\[ \\{ \\*) or fix the pattern",
            )
            reported += 1
            if reported >= MAX_REPORTED:
                break
