"""All rules, imported in a fixed order so registration is deterministic."""

from __future__ import annotations

from monitlint.linter.registry import Rule
from monitlint.linter.rules import mon001_syntax_error, mon101_missing_stop_program


def _rule(module: object) -> Rule:
    """Build a rule from a rule module's declarations and docstring."""
    doc = (module.__doc__ or "").strip()
    return Rule(
        code=module.CODE,  # type: ignore[attr-defined]
        name=module.NAME,  # type: ignore[attr-defined]
        severity=module.SEVERITY,  # type: ignore[attr-defined]
        summary=module.SUMMARY,  # type: ignore[attr-defined]
        doc=doc,
        check=getattr(module, "check", None),
    )


RULES: list[Rule] = [_rule(m) for m in (mon001_syntax_error, mon101_missing_stop_program)]
