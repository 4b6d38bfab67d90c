"""MON203 dependency-cycle: services that depend on each other in a loop.

What it detects
    A chain of `depends on` that leads back to where it started, including a
    service that depends on itself. The whole cycle is named.

Why it matters
    Monit refuses to start: "Found a depend loop in the control file involving
    the service NAME".

Bad
    check process a with pidfile /run/a.pid
        depends on b
    check process b with pidfile /run/b.pid
        depends on a

Good
    check process a with pidfile /run/a.pid
        depends on b
    check process b with pidfile /run/b.pid
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import Name, Service

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON203"
NAME = "dependency-cycle"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "SERVICE-DEPENDENCIES"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a loop of `depends on`: Monit refuses to start"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 16
SCOPE = "config"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report each dependency cycle once, at the dependency that closes it.

    A depth-first search with an explicit stack: chains of thousands of
    `depends on` are normal in generated configs and must not hit Python's
    recursion limit.
    """
    services = {s.name.lower(): s for s in ctx.model.services}
    reported: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[Service] = []
    position: dict[str, int] = {}  # index in ``path`` of each service on it
    # Each frame: a service on the path and an iterator over its remaining dependencies.
    frames: list[tuple[Service, Iterator[Name]]] = []

    def enter(service: Service) -> None:
        key = service.name.lower()
        state[key] = 1
        position[key] = len(path)
        path.append(service)
        frames.append((service, iter(service.depends)))

    for root in ctx.model.services:
        if root.name.lower() in state:
            continue
        enter(root)
        while frames:
            service, deps = frames[-1]
            dep = next(deps, None)
            if dep is None:
                frames.pop()
                path.pop()
                key = service.name.lower()
                del position[key]
                state[key] = 2
                continue
            target = services.get(dep.value.lower())
            if target is None:
                continue
            tkey = target.name.lower()
            if state.get(tkey) == 1:
                cycle = [s.name for s in path[position[tkey] :]]
                members = frozenset(n.lower() for n in cycle)
                if members not in reported:
                    reported.add(members)
                    loop = " -> ".join([*cycle, target.name])
                    yield rule.diagnostic(
                        f"dependency cycle: {loop}",
                        dep.span,
                        service=service.name,
                        hint="remove one of these `depends on`",
                    )
            elif tkey not in state:
                enter(target)
