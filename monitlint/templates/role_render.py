"""Render every Monit file an Ansible role installs: each ``template`` task, once per loop item."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from monitlint.grammar.keywords import BLOCK_STATEMENT_STARTS, STATEMENT_STARTS
from monitlint.templates.ansible_role import (
    MAX_LOOP_ITEMS,
    RoleRun,
    TemplateTask,
    is_monit_dest,
    role_values,
    template_tasks,
)
from monitlint.templates.evaluate import Evaluator
from monitlint.templates.inventory import InventoryValues
from monitlint.templates.jinja_render import plain_note, render_ansible, render_plain
from monitlint.templates.origins import RenderedFile, clip_value
from monitlint.templates.render_result import Rendered, RenderFailure, first_line

_STARTS = {word.lower() for word in STATEMENT_STARTS | BLOCK_STATEMENT_STARTS} | {"set", "check", "include"}


def reads_as_monit(text: str) -> bool:
    """True when a rendered text's first word is a Monit statement (or it holds only comments)."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return stripped.split()[0].lower() in _STARTS
    return True


def _loop_items(task: TemplateTask, evaluator: Evaluator) -> list[Any]:
    value = evaluator.value(task.loop)
    if task.loop_kind == "with_dict" and isinstance(value, dict):
        return [{"key": k, "value": v} for k, v in value.items()]
    if isinstance(value, dict):
        return [value]
    if isinstance(value, str | bytes) or value is None:
        return [] if value in (None, "") else [value]
    return list(value)[:MAX_LOOP_ITEMS]


def _label(task: TemplateTask, item: Any, evaluator: Evaluator) -> str:
    if task.label is not None:
        try:
            return clip_value(evaluator.value(task.label))
        except Exception:
            pass
    if isinstance(item, dict):
        for key in ("name", "key", "id"):
            if key in item:
                return f"{key}={clip_value(item[key])}"
    return clip_value(item)


def render_role(
    role: str,
    shown: Callable[[str], str],
    facts: dict[str, Any],
    template_vars: list[str],
    use_ansible: bool,
    inventory: InventoryValues | None = None,
) -> RoleRun:
    """Render the role's Monit templates; ``shown`` names a path as findings name it."""
    run = RoleRun([], [], [])
    tasks, notes = template_tasks(role)
    run.notes.extend(notes)
    base, extra, failures = role_values(role, facts, template_vars, run.notes, inventory)
    run.failures.extend(failures)
    if not use_ansible:
        run.notes.append(f"{shown(role)}: {plain_note()}")
    where = f"in {shown(os.path.join(role, 'defaults', 'main.yml'))}"
    used: set[str] = set()
    seen_failures: set[tuple[str, int, str]] = set()
    for task in tasks:
        task_name = f"{shown(task.tasks_file)}: task {task.name!r}" if task.name else shown(task.tasks_file)
        if "{{" in task.src or "{%" in task.src:
            run.notes.append(f"{task_name}: skipped: its template is chosen at run time ({task.src})")
            continue
        path = os.path.join(role, "templates", task.src)
        if not os.path.isfile(path):
            path = os.path.join(role, task.src)
        real_role = os.path.realpath(role)
        if not os.path.isfile(path) or not os.path.realpath(path).startswith(real_role + os.sep):
            run.notes.append(f"{task_name}: skipped: template {task.src} is not in the role")
            continue
        used.add(os.path.realpath(path))
        values = {**base, **(task.task_vars or {}), **extra}  # extra vars always win
        try:
            evaluator = Evaluator(values, use_ansible)
            items: list[Any] = [None] if task.loop is None else _loop_items(task, evaluator)
        except Exception as exc:
            run.failures.append(
                RenderFailure(shown(task.tasks_file), 0, f"task {task.name!r}: its loop: {first_line(str(exc))}")
            )
            continue
        for item in items:
            item_values = dict(values) if task.loop is None else {**values, task.loop_var: item}
            evaluator = Evaluator(item_values, use_ansible)
            label = None if task.loop is None else _label(task, item, evaluator)
            about = f"{task_name}{f' (item {label})' if label else ''}"
            if task.when:
                try:
                    if not all(evaluator.condition(c) for c in task.when):
                        run.notes.append(f"{about}: skipped: `when` is false ({' and '.join(map(str, task.when))})")
                        continue
                except Exception:
                    pass  # a condition that cannot be evaluated here: render anyway
            try:
                dest = str(evaluator.value(task.dest))
            except Exception as exc:
                dest = task.dest
                run.notes.append(f"{about}: destination {task.dest!r} not known here: {first_line(str(exc))}")
            if not is_monit_dest(dest):
                run.notes.append(f"{about}: skipped: {task.src} is written to {dest}, not a Monit file")
                continue
            searchpath = [os.path.join(role, "templates"), role]
            if use_ansible:
                result: Rendered | RenderFailure = render_ansible(
                    path, shown(path), item_values, searchpath, dest, where, task.options
                )
            else:
                result = render_plain(path, shown(path), item_values, searchpath, where)
            if isinstance(result, RenderFailure):
                key = (result.path, result.line, result.message)
                if key not in seen_failures:
                    seen_failures.add(key)
                    if label:
                        result.message = f"{result.message} [item {label}]"
                    run.failures.append(result)
                continue
            if not reads_as_monit(result.text):
                run.notes.append(f"{about}: skipped: its output does not read as a Monit file")
                continue
            rendered = RenderedFile(shown(path), os.path.normpath("/" + dest.lstrip("/")), result.text, result.origins)
            rendered.label = label
            run.files.append(rendered)
    templates = os.path.join(role, "templates")
    for folder, dirs, names in os.walk(templates):
        dirs.sort()
        for name in sorted(names):
            full = os.path.join(folder, name)
            if os.path.realpath(full) not in used:
                run.notes.append(f"{shown(full)}: skipped: no template task of the role installs it")
    return run
