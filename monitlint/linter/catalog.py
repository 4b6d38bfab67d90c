"""The rule catalogue: every rule (``RULE_MODULES``), and the lookups over it.

Rule identity lives only in the rule modules: the parser, the include expander and the
suppression reader report a typed :class:`~monitlint.diagnostics.Problem`; :func:`stamp`
adds the code, name and severity its rule declares for its kind (``KINDS``).
"""

from __future__ import annotations

import functools

from monitlint.diagnostics import Diagnostic, Problem, ProblemKind, Severity, bounded
from monitlint.linter.registry import Rule


def all_rules() -> list[Rule]:
    """Every rule, in code order."""
    from monitlint.linter.rules import RULES

    return sorted(RULES, key=lambda r: r.code)


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


def stamp(problem: Problem) -> Diagnostic:
    """The finding for a producer's problem: its rule's code and name, and the severity declared for its kind."""
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
