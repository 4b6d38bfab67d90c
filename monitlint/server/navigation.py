"""Navigation over the model: what is at a position, where a service is defined and used, the outline.

Positions here are monitlint's (1-based line, 1-based character column); the model is the last
lint's (for a file an entrypoint reaches, the entrypoint's whole configuration, so a name defined in
another include is found).  No LSP types: :mod:`monitlint.server.features` converts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from enum import Enum
from functools import lru_cache

from monitlint.model import ControlFile, Include, Name, Service, Setting, Span
from monitlint.runtime.records import record


@lru_cache(maxsize=4096)
def _real(path: str) -> str:
    return os.path.realpath(path)


def in_file(span: Span, path: str) -> bool:
    """Whether ``span`` lies in the file ``path`` (compared by real path)."""
    return span.path == path or _real(span.path) == _real(path)


def contains(span: Span, line: int, column: int) -> bool:
    """Whether (line, column) lies within ``span`` (its end included: a cursor just after a word is on it)."""
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def services_named(model: ControlFile, name: str) -> list[Service]:
    """Every service named ``name`` (Monit compares names without regard to case)."""
    key = name.lower()
    return [s for s in model.services if s.name.lower() == key]


def dependencies(model: ControlFile) -> Iterator[tuple[Service, Name]]:
    """Every ``depends on`` name, with the service it is written in."""
    for service in model.services:
        for dep in service.depends:
            yield service, dep


@record(frozen=True)
class Target:
    """What the cursor is on: a service name (its definition or a ``depends on``), or an include."""

    name: str | None = None
    include: Include | None = None
    span: Span | None = None


def target_at(model: ControlFile, path: str, line: int, column: int) -> Target | None:
    """The service name or include at (line, column) of ``path``."""
    for service in model.services:
        if in_file(service.name_span, path) and contains(service.name_span, line, column):
            return Target(name=service.name, span=service.name_span)
    for _service, dep in dependencies(model):
        if in_file(dep.span, path) and contains(dep.span, line, column):
            return Target(name=dep.value, span=dep.span)
    for include in model.includes:
        if in_file(include.span, path) and include.span.line <= line <= include.span.end_line:
            return Target(include=include, span=include.span)
    return None


def definition(model: ControlFile, path: str, line: int, column: int) -> list[Span]:
    """Where the thing at the cursor is defined: a service's ``check`` name, or the files an include reads."""
    target = target_at(model, path, line, column)
    if target is None:
        return []
    if target.include is not None:
        return [Span(f, 1, 1, 1, 1) for f in target.include.files]
    assert target.name is not None
    return [s.name_span for s in services_named(model, target.name)]


def references(model: ControlFile, path: str, line: int, column: int, declaration: bool) -> list[Span]:
    """Every ``depends on`` that names the service at the cursor (and its definitions, if asked)."""
    target = target_at(model, path, line, column)
    if target is None or target.name is None:
        return []
    key = target.name.lower()
    found = [s.name_span for s in services_named(model, target.name)] if declaration else []
    found.extend(dep.span for _service, dep in dependencies(model) if dep.value.lower() == key)
    return found


class OutlineKind(Enum):
    """What an outline entry is."""

    SETTING = "setting"
    SERVICE_TYPE = "service type"  # the services of one type, grouped
    SERVICE = "service"
    TEST = "test"


@record(frozen=True)
class Symbol:
    """An outline entry: a setting, a service (with its tests as children), or a test."""

    name: str
    detail: str
    kind: OutlineKind
    span: Span
    selection: Span
    children: tuple[Symbol, ...] = ()


def outline(model: ControlFile, path: str) -> list[Symbol]:
    """The outline of ``path``: its settings, and its services grouped by type with their tests."""
    symbols: list[Symbol] = []
    for setting in model.settings:
        if in_file(setting.span, path):
            symbols.append(_setting_symbol(setting))
    by_type: dict[str, list[Symbol]] = {}
    for service in model.services:
        if not in_file(service.span, path):
            continue
        end = service.end if service.end is not None and in_file(service.end, path) else service.span
        whole = Span(service.span.path, service.span.line, service.span.column, end.end_line, end.end_column)
        tests = tuple(
            Symbol(test.condition or str(test.kind), str(test.kind), OutlineKind.TEST, test.span, test.span)
            for test in service.tests
            if in_file(test.span, path)
        )
        by_type.setdefault(str(service.type), []).append(
            Symbol(service.name, f"check {service.type}", OutlineKind.SERVICE, whole, service.name_span, tests)
        )
    for kind, services in by_type.items():
        first, last = services[0].span, services[-1].span
        group = Span(first.path, first.line, first.column, last.end_line, last.end_column)
        symbols.append(
            Symbol(
                f"check {kind}", f"{len(services)} service(s)", OutlineKind.SERVICE_TYPE, group, first, tuple(services)
            )
        )
    return symbols


def _setting_symbol(setting: Setting) -> Symbol:
    return Symbol(f"set {setting.kind}", "setting", OutlineKind.SETTING, setting.span, setting.span)
