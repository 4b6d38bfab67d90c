"""The rule registry: every rule declared once, beside its check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from monitlint.grammar.parser import ParseResult


@dataclass(frozen=True)
class Rule:
    """A lint rule: identity, default severity, documentation and its check."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    check: Callable[[ParseResult, Rule], Iterator[Diagnostic]] | None
    scope: str = "file"  # "config": needs the whole control file, skipped for fragments
    # What Monit itself refuses: never deselected, ignored, lowered or suppressed (as ruff treats syntax errors).
    always_on: bool = False

    def diagnostic(self, message: str, span: object, service: str | None = None, hint: str | None = None) -> Diagnostic:
        """Build a finding of this rule at its default severity."""
        from monitlint.model import Span

        assert isinstance(span, Span)
        return Diagnostic(self.code, self.name, self.severity, message, span, service, hint)


def all_rules() -> list[Rule]:
    """Every rule, in code order."""
    from monitlint.linter.rules import RULES

    return sorted(RULES, key=lambda r: r.code)


def selector_matches(rule: Rule, selector: str) -> bool:
    """True when a selector (``ALL``, a code, a code prefix such as ``MON1``, or a name) picks ``rule``."""
    wanted = selector.strip()
    if wanted.upper() == "ALL":
        return True
    if wanted.lower() == rule.name:
        return True
    return rule.code.startswith(wanted.upper()) and wanted[:3].upper() == "MON"


def always_on_codes() -> frozenset[str]:
    """The codes of the rules that cannot be turned off (declared ``ALWAYS_ON`` in their module)."""
    return frozenset(rule.code for rule in all_rules() if rule.always_on)


def find_rule(key: str) -> Rule | None:
    """Look a rule up by code (``MON101``) or name (``missing-stop-program``)."""
    wanted = key.strip().lower()
    for rule in all_rules():
        if rule.code.lower() == wanted or rule.name == wanted:
            return rule
    return None
