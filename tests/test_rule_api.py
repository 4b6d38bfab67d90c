"""A rule written against the documented API (ARCHITECTURE.md "Writing a rule"), outside the package."""

from __future__ import annotations

import types
from collections.abc import Iterator

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.catalog import find_rule
from monitlint.linter.context import LintContext
from monitlint.linter.registry import Rule, rule_from_module
from monitlint.model import ResourceTest, Subject


def _check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    for service in ctx.model.services:
        if service.type != "process":
            continue
        for test in service.tests:
            if isinstance(test, ResourceTest) and any(c.subject is Subject.CPU for c in test.conditions):
                yield rule.diagnostic(f"'{service.name}' watches cpu", test.span, service=service.name)


def make_module() -> types.ModuleType:
    module = types.ModuleType("mon999_cpu_watched", "MON999 cpu-watched: a process test on cpu (an example).")
    module.CODE = "MON999"  # type: ignore[attr-defined]
    module.NAME = "cpu-watched"  # type: ignore[attr-defined]
    module.SEVERITY = Severity.INFO  # type: ignore[attr-defined]
    module.SUMMARY = "a process test on cpu"  # type: ignore[attr-defined]
    module.check = _check  # type: ignore[attr-defined]
    return module


TEXT = "check process web with pidfile /run/web.pid\n  if cpu usage > 90% for 3 cycles then alert\n"


def test_a_rule_module_runs_on_a_context_from_text() -> None:
    rule = rule_from_module(make_module())
    assert (rule.code, rule.name, rule.severity, rule.scope, rule.always_on) == (
        "MON999",
        "cpu-watched",
        Severity.INFO,
        "file",
        False,
    )
    assert rule.doc.startswith("MON999 cpu-watched")
    assert rule.check is not None
    found = list(rule.check(LintContext.from_text(TEXT), rule))
    assert [(d.code, d.span.line, d.service) for d in found] == [("MON999", 2, "web")]


def test_a_registered_rule_runs_the_same_way() -> None:
    rule = find_rule("missing-stop-program")
    assert rule is not None and rule.check is not None
    found = list(rule.check(LintContext.from_text(TEXT), rule))
    assert [(d.code, d.span.line) for d in found] == [(rule.code, 1)]
