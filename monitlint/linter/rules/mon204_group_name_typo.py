"""MON204 group-name-typo: a group used once while a near-identical one is used elsewhere.

What it detects
    A `group` name used by a single service when another group name differing by
    one or two letters (or only by case) is used by several other services.

Why it matters
    `monit -g www stop` silently skips the service in group `ww` or `WWW`.

Bad
    check process nginx with pidfile /run/nginx.pid
        group www
    check process varnish with pidfile /run/varnish.pid
        group www
    check process php with pidfile /run/php.pid
        group wwww

Good
    (all three in group www)
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.grammar.parser import ParseResult

CODE = "MON204"
NAME = "group-name-typo"
SEVERITY = Severity.INFO
SUMMARY = "a group used once while a near-identical group name is used elsewhere"


def check(result: ParseResult, rule: Rule) -> Iterator[Diagnostic]:
    """Report single-use group names that look like a typo of a more common one."""
    counts = Counter(g.value for s in result.config.services for g in s.groups)
    for service in result.config.services:
        for group in service.groups:
            if counts[group.value] != 1:
                continue
            others = [g for g in counts if g != group.value and counts[g] >= 2]
            similar = [
                g
                for g in others
                if g.lower() == group.value.lower()
                or (
                    abs(len(g) - len(group.value)) <= 2
                    and difflib.SequenceMatcher(None, g.lower(), group.value.lower()).ratio() >= 0.8
                )
            ]
            if similar and len(group.value) >= 3:
                best = max(similar, key=lambda g: counts[g])
                yield rule.diagnostic(
                    f"group '{group.value}' is used only here, while '{best}' is used by {counts[best]} "
                    f"service{'s' if counts[best] != 1 else ''}",
                    group.span,
                    service=service.name,
                    hint=f"did you mean `group {best}`?",
                )
