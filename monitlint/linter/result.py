"""What linting one control file gives: its findings and its parse (light: a cache hit needs no parser)."""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic
from monitlint.runtime.records import record

if TYPE_CHECKING:
    from monitlint.grammar.parser import ParseResult


@record
class LintResult:
    """The findings for one control file (with its includes) and its parse (None when answered from the cache)."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    parse: ParseResult | None = None
    complete: bool = True  # linted as a whole control file (not a fragment)
