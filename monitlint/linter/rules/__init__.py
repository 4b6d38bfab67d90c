"""All rules, imported in a fixed order so registration is deterministic.

A rule is a module named after its code and name, declaring CODE, NAME,
SEVERITY, SUMMARY (and SCOPE = "config" for whole-config rules) beside an
optional ``check(result, rule)`` generator; its docstring is its documentation.
"""

from __future__ import annotations

from types import ModuleType

from monitlint.linter.registry import Rule
from monitlint.linter.rules import (
    mon001_syntax_error,
    mon002_include_not_found,
    mon003_include_cycle,
    mon101_missing_stop_program,
    mon901_unused_suppression,
    mon902_bad_suppression,
)

MODULES: list[ModuleType] = [
    mon001_syntax_error,
    mon002_include_not_found,
    mon003_include_cycle,
    mon101_missing_stop_program,
    mon901_unused_suppression,
    mon902_bad_suppression,
]


def _rule(module: ModuleType) -> Rule:
    """Build a rule from a rule module's declarations and docstring."""
    return Rule(
        code=module.CODE,
        name=module.NAME,
        severity=module.SEVERITY,
        summary=module.SUMMARY,
        doc=(module.__doc__ or "").strip(),
        check=getattr(module, "check", None),
        scope=getattr(module, "SCOPE", "file"),
    )


RULES: list[Rule] = [_rule(m) for m in MODULES]
