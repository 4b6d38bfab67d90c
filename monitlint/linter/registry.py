"""The rule registry: every rule declared once, beside its check."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Problem, ProblemKind, Severity, bounded
from monitlint.records import record

if TYPE_CHECKING:
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
    cost: int = 1  # relative run time, to share the rules between processes (``COST``)

    def diagnostic(self, message: str, span: object, service: str | None = None, hint: str | None = None) -> Diagnostic:
        """Build a finding of this rule at its default severity."""
        from monitlint.model import Span

        assert isinstance(span, Span)
        # Clipped where it is made: thousands of findings each echoing a 250 KB name must not all be kept.
        return bounded(Diagnostic(self.code, self.name, self.severity, message, span, service, hint))


def rule_from_module(module: ModuleType) -> Rule:
    """The rule a rule module declares: ``CODE``, ``NAME``, ``SEVERITY``, ``SUMMARY``, its docstring,
    ``check`` and, optionally, ``SCOPE``, ``ALWAYS_ON``, ``KINDS`` and ``COST``."""
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
    )


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


@functools.lru_cache(maxsize=1)
def _by_kind() -> dict[ProblemKind, tuple[Rule, Severity]]:
    index: dict[ProblemKind, tuple[Rule, Severity]] = {}
    for rule in all_rules():
        for kind, severity in rule.kinds:
            if kind in index:
                raise RuntimeError(f"{kind} is declared by {index[kind][0].code} and {rule.code}")
            index[kind] = (rule, severity)
    return index


def rule_for(kind: ProblemKind) -> Rule:
    """The rule that reports problems of ``kind``."""
    return _by_kind()[kind][0]


def stamp(problem: Problem | Diagnostic) -> Diagnostic:
    """The finding for a producer's problem: its rule's code and name, and the severity declared for its kind.

    A :class:`Diagnostic` passes through: producers not yet moved to problems build their own.
    """
    if isinstance(problem, Diagnostic):
        return bounded(problem)
    rule, severity = _by_kind()[problem.kind]
    return bounded(
        Diagnostic(rule.code, rule.name, severity, problem.message, problem.span, problem.service, problem.hint)
    )


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
