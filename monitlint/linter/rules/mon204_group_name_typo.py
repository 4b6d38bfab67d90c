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
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import MAX_COMPARED_LENGTH, Budget
from monitlint.linter.registry import Rule

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON204"
NAME = "group-name-typo"
SEVERITY = Severity.INFO
MANUAL_SECTION = "SERVICE-GROUPS"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
CATEGORY = "Clarity"  # GitLab Code Quality (Code Climate) category, not its family's "Bug Risk"
SUMMARY = "a group used once while a near-identical group name is used elsewhere"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 8


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report single-use group names that look like a typo of a more common one."""
    counts = Counter(g.value for s in ctx.model.services for g in s.groups)
    # The groups used twice or more, most used first (ties in order of first use): the
    # suggestion is the first similar one in this order, as max() over them would pick.
    common = sorted((g for g in counts if counts[g] >= 2), key=lambda g: -counts[g])
    by_lower: dict[str, int] = {}  # lower-cased name -> rank of its first common group
    by_length: dict[int, list[tuple[int, str]]] = defaultdict(list)  # length -> (rank, lower-cased name)
    for rank, name in enumerate(common):
        lower = name.lower()
        by_lower.setdefault(lower, rank)
        if len(name) <= MAX_COMPARED_LENGTH:
            by_length[len(name)].append((rank, lower))
    # Pairwise by nature: names over 128 characters are only compared without regard to case,
    # and a config of thousands of made-up names gets characters compared in proportion to its size.
    budget = Budget(sum(counts.values()))
    matcher = difflib.SequenceMatcher()
    for service in ctx.model.services:
        for group in service.groups:
            value = group.value
            if counts[value] != 1 or len(value) < 3:
                continue
            lower = value.lower()
            found = by_lower.get(lower, len(common))  # the best rank so far
            if len(value) <= MAX_COMPARED_LENGTH:
                matcher.set_seq2(lower)
                # Only names at most two letters longer or shorter qualify; visit them by rank and stop at
                # the first similar one, or at the rank already found.
                candidates = heapq.merge(*(by_length.get(len(value) + d, ()) for d in range(-2, 3)))
                size = len(value)
                for rank, other in candidates:
                    # The budget counts characters compared (see helpers.Budget): a sum to screen, a product to score.
                    if rank >= found or not budget.spend(len(other) + size):
                        break
                    matcher.set_seq1(other)
                    if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8:
                        if not budget.spend(len(other) * size):
                            break
                        if matcher.ratio() >= 0.8:
                            found = rank
                            break
            if found < len(common):
                best = common[found]
                yield rule.diagnostic(
                    f"group '{value}' is used only here, while '{best}' is used by {counts[best]} "
                    f"service{'s' if counts[best] != 1 else ''}",
                    group.span,
                    service=service.name,
                    hint=f"did you mean `group {best}`?",
                )
