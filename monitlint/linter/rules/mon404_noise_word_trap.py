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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import Span

if TYPE_CHECKING:
    from monitlint.grammar.parser import ParseResult

CODE = "MON404"
NAME = "noise-word-trap"
SEVERITY = Severity.WARNING
SUMMARY = "a noise word changes the meaning (`without pidfile`, `depends onNAME`)"

WITHOUT = re.compile(r"\bwithout\s+(pidfile|path|timeout)\b", re.IGNORECASE)
GLUED_ON = re.compile(r"\bdepends?[ \t]+on(?=[^\s,;()])", re.IGNORECASE)


def check(result: ParseResult, rule: Rule) -> Iterator[Diagnostic]:
    """Report noise-word traps, found in the source text of each file."""
    for path, source in result.sources.items():
        for number in range(1, len(source.line_starts) + 1):
            code = source.line_text(number).split("#", 1)[0]
            for match in WITHOUT.finditer(code):
                yield rule.diagnostic(
                    f"`without {match.group(1)}` means `with {match.group(1)}`: Monit ignores the word 'without'",
                    Span(path, number, match.start() + 1, number, match.end() + 1),
                    hint=f"write `with {match.group(1)}` (or remove the statement)",
                )
            for match in GLUED_ON.finditer(code):
                yield rule.diagnostic(
                    "`depends on` is glued to the name: Monit reads a dependency on the text after 'on'",
                    Span(path, number, match.start() + 1, number, match.end() + 1),
                    hint="put a space after `on`",
                )
