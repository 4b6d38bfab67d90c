"""What a rule is: :class:`Rule`, read from a rule module's declarations, and how selectors name rules.

This module imports no rule (every rule module imports :class:`Rule` from here); the
catalogue of every rule, and the lookups over it, are in :mod:`monitlint.linter.catalog`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, ProblemKind, Severity, bounded
from monitlint.runtime.records import record

if TYPE_CHECKING:
    from monitlint.fixes.edits import Fix
    from monitlint.linter.context import LintContext


@record(frozen=True)
class Rule:
    """A lint rule: identity, default severity, documentation and its check."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    check: Callable[[LintContext, Rule], Iterator[Diagnostic]] | None
    scope: str = "file"  # "config": needs the whole control file, skipped for fragments
    # What Monit itself refuses: never deselected, ignored, lowered or suppressed (as ruff treats syntax errors).
    always_on: bool = False
    # The problem kinds other producers report for this rule, each with its severity (``KINDS``).
    kinds: tuple[tuple[ProblemKind, Severity], ...] = ()
    cost: int = 1  # CPU milliseconds at 20,000 services, to share the rules between processes (``COST``)
    # A safe fix of a finding (``fix(ctx, diagnostic)``, see monitlint.fixes) and what it does (``FIX``).
    fix: Callable[[LintContext, Diagnostic], Fix | None] | None = None
    fix_summary: str | None = None
    manual: str | None = None  # the anchor of the Monit manual's section it is about (``MANUAL_SECTION``)
    since: str = ""  # the monitlint version it appeared in (``SINCE``)
    category: str | None = None  # its Code Climate category when not its family's (``CATEGORY``, output/gitlab.py)

    def diagnostic(self, message: str, span: object, service: str | None = None, hint: str | None = None) -> Diagnostic:
        """Build a finding of this rule at its default severity."""
        from monitlint.model import Span

        assert isinstance(span, Span)
        # Clipped where it is made: thousands of findings each echoing a 250 KB name must not all be kept.
        return bounded(Diagnostic(self.code, self.name, self.severity, message, span, service, hint))


def rule_from_module(module: ModuleType) -> Rule:
    """The rule a rule module declares: ``CODE``, ``NAME``, ``SEVERITY``, ``SUMMARY``, its docstring,
    ``check``, ``MANUAL_SECTION`` (the Monit manual's section), ``SINCE`` (the version it appeared in) and,
    optionally, ``SCOPE``, ``ALWAYS_ON``, ``KINDS``, ``COST``, and ``fix`` with ``FIX``."""
    return Rule(
        code=module.CODE,
        name=module.NAME,
        severity=module.SEVERITY,
        summary=module.SUMMARY,
        doc=(getattr(module, "__doc__", None) or "").strip(),
        check=getattr(module, "check", None),
        scope=getattr(module, "SCOPE", "file"),
        always_on=getattr(module, "ALWAYS_ON", False),
        kinds=tuple(getattr(module, "KINDS", {}).items()),
        cost=getattr(module, "COST", 1),
        fix=getattr(module, "fix", None),
        fix_summary=getattr(module, "FIX", None),
        manual=getattr(module, "MANUAL_SECTION", None),
        since=getattr(module, "SINCE", ""),
        category=getattr(module, "CATEGORY", None),
    )


def selector_matches(rule: Rule, selector: str) -> bool:
    """True when a selector (``ALL``, a code, a code prefix such as ``MON1``, or a name) picks ``rule``."""
    wanted = selector.strip()
    if wanted.upper() == "ALL":
        return True
    if wanted.lower() == rule.name:
        return True
    return rule.code.startswith(wanted.upper()) and wanted[:3].upper() == "MON"
