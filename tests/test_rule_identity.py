"""Rule identity lives in the registry: producers report problem kinds, the registry names them."""

from __future__ import annotations

import re

from monitlint.diagnostics import Problem, ProblemKind, Severity
from monitlint.linter.catalog import all_rules, rule_for, stamp
from monitlint.model import Span
from tests.conftest import REPO

# Files that may still spell rule codes (none: every producer reports problem kinds).
NOT_YET_MOVED: set[str] = set()
_CODE = re.compile(r"""["']MON\d{3}["']""")


def test_every_problem_kind_belongs_to_exactly_one_rule() -> None:
    owners = {kind: [r.code for r in all_rules() if kind in dict(r.kinds)] for kind in ProblemKind}
    assert {kind: codes for kind, codes in owners.items() if len(codes) != 1} == {}


def test_rules_with_problem_kinds_have_no_check() -> None:
    assert [r.code for r in all_rules() if r.kinds and r.check is not None] == []


def test_stamping_names_the_rule_and_its_declared_severity() -> None:
    span = Span("monitrc", 1, 1, 1, 2)
    found = stamp(Problem(ProblemKind.INCLUDE_UNREADABLE, "cannot include file", span, "fix it"))
    assert (found.code, found.rule, found.severity, found.hint) == (
        "MON002",
        "include-not-found",
        Severity.ERROR,
        "fix it",
    )
    assert stamp(Problem(ProblemKind.INCLUDE_NOT_FOUND, "m", span)).severity == Severity.WARNING
    assert rule_for(ProblemKind.SYNTAX_ERROR).code == "MON001"


def test_no_rule_code_is_spelt_outside_the_rule_modules() -> None:
    spelt = []
    for path in sorted((REPO / "monitlint").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if relative.startswith("monitlint/linter/rules/") or relative in NOT_YET_MOVED:
            continue
        spelt += [f"{relative}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1) if _CODE.search(line)]
    assert spelt == []
