"""Small helpers that rules share for walking the model."""

from __future__ import annotations

from collections.abc import Iterator

from monitlint.model import Action, ControlFile, Program, Service, Setting, Test

BYTE_UNITS = {"BYTE", "KILOBYTE", "MEGABYTE", "GIGABYTE"}


def actions(test: Test) -> Iterator[Action]:
    """The action of a test and its `else` action."""
    if test.action is not None:
        yield test.action
    if test.else_action is not None:
        yield test.else_action


def programs(service: Service) -> Iterator[tuple[str, Program]]:
    """Every program a service can run: methods, the checked program, and `exec` actions."""
    for kind in ("start", "stop", "restart"):
        program = getattr(service, kind)
        if program is not None:
            yield f"{kind} program", program
    if service.program is not None:
        yield "program", service.program
    for test in service.tests:
        for action in actions(test):
            if action.program is not None:
                yield "exec", action.program


def settings(config: ControlFile, kind: str) -> list[Setting]:
    """Every ``set`` statement of one kind, in order."""
    return [s for s in config.settings if s.kind == kind]


def has_alert_recipient(config: ControlFile) -> bool:
    """True when some alert (global or per service) can reach someone."""
    return bool(settings(config, "alert")) or any(s.alerts for s in config.services)
