"""An Ansible role: its values, the ``template`` tasks that write Monit files, each rendered per loop item.

Values, lowest first (Ansible's order for what a role sees): ``defaults/main``, the inventory's
layers (``inventory.py``: group vars by depth, then ``host_vars``), host facts (``facts.py``),
``vars/main``, the ``vars/`` file named after the host's OS family or distribution (what
``include_vars`` by OS usually loads), the inventory's magic variables (``inventory_hostname``,
``group_names``, ``groups``), the task's ``vars``, then each ``--template-vars FILE`` as extra
vars, which always win.  A task's ``when`` is
evaluated; a false one skips it (said under ``-v``), one that cannot be evaluated renders anyway.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from monitlint.runtime.records import record
from monitlint.templates.inventory import InventoryValues
from monitlint.templates.origins import RenderedFile
from monitlint.templates.render_result import RenderFailure
from monitlint.templates.values import ValuesError, facts_variables, read_mapping

TEMPLATE_MODULES = ("template", "ansible.builtin.template", "ansible.legacy.template")
LOOP_KEYS = ("loop", "with_items", "with_list", "with_dict", "with_fileglob", "with_nested", "with_subelements")
MAX_TASK_FILES = 500
MAX_LOOP_ITEMS = 2000
# Destinations that are not Monit's even with "monit" in their path.
_NOT_MONIT_DEST = re.compile(
    r"(^|/)(pam\.d|logrotate\.d|systemd|init\.d|init|facts\.d|default|sysconfig|sudoers\.d|cron\.d)(/|$)"
    r"|\.(sh|rb|py|pl|pem|crt|key|fact|service|json|ya?ml|timer|socket)$"
)
_MONIT_DEST = re.compile(r"monit", re.IGNORECASE)
_KV = re.compile(r"""(\w+)=("[^"]*"|'[^']*'|\S+)""")


@record
class TemplateTask:
    """One ``template`` task of the role."""

    tasks_file: str
    name: str
    src: str
    dest: str
    loop: Any = None  # the loop expression or list, None for no loop
    loop_kind: str = ""
    loop_var: str = "item"
    label: Any = None
    when: list[Any] | None = None
    task_vars: dict[str, Any] | None = None
    options: dict[str, Any] | None = None  # the template action's own: trim_blocks, lstrip_blocks, markers


# The template action's arguments that change how Jinja reads the template (ansible's action/template.py).
TEMPLATE_OPTIONS = (
    "trim_blocks",
    "lstrip_blocks",
    "variable_start_string",
    "variable_end_string",
    "block_start_string",
    "block_end_string",
    "comment_start_string",
    "comment_end_string",
)


@record
class RoleRun:
    """What rendering a role gave: Monit files, failures, and notes (skipped templates, with why)."""

    files: list[RenderedFile]
    failures: list[RenderFailure]
    notes: list[str]


def _task_args(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:  # ansible's own reading of `src=a.j2 dest={{ x }}/y mode=0600`
            from ansible.parsing.splitter import parse_kv

            return dict(parse_kv(value))
        except Exception:
            return {k: v.strip("\"'") for k, v in _KV.findall(value)}
    return {}


def _walk_tasks(tasks: Any, path: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every task (with the ``vars`` and ``when`` of the blocks around it) in a tasks list."""
    if not isinstance(tasks, list):
        return
    for task in tasks:
        if not isinstance(task, dict):
            continue
        for key in ("block", "rescue", "always"):
            if isinstance(task.get(key), list):
                for inner, context in _walk_tasks(task[key], path):
                    merged = {**_as_dict(task.get("vars")), **context}
                    yield inner, merged
        yield task, {}


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def template_tasks(role: str) -> tuple[list[TemplateTask], list[str]]:
    """The role's ``template`` tasks, and notes on task files that could not be read."""
    found: list[TemplateTask] = []
    notes: list[str] = []
    tasks_dir = os.path.join(role, "tasks")
    files: list[str] = []
    for folder, dirs, names in os.walk(tasks_dir):
        dirs.sort()
        files.extend(os.path.join(folder, n) for n in sorted(names) if n.endswith((".yml", ".yaml")))
        if len(files) > MAX_TASK_FILES:
            break
    for path in files[:MAX_TASK_FILES]:
        if os.path.islink(path):
            continue
        try:
            from ansible.parsing.dataloader import DataLoader

            data = DataLoader().load_from_file(path, cache="none", trusted_as_template=True)
        except ImportError:
            try:
                import yaml

                with open(path, encoding="utf-8") as handle:
                    data = yaml.safe_load(handle)
            except Exception as exc:
                notes.append(f"{path}: not read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
                continue
        except Exception as exc:
            notes.append(f"{path}: not read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
            continue
        for task, context in _walk_tasks(data, path):
            module = next((m for m in TEMPLATE_MODULES if m in task), None)
            if module is None:
                continue
            args = _task_args(task[module])
            if not args.get("src") or not args.get("dest"):
                continue
            loop_kind = next((k for k in LOOP_KEYS if k in task), "")
            control = _as_dict(task.get("loop_control"))
            when = task.get("when")
            found.append(
                TemplateTask(
                    tasks_file=path,
                    name=str(task.get("name", "")),
                    src=str(args["src"]),
                    dest=str(args["dest"]),
                    loop=task.get(loop_kind) if loop_kind else None,
                    loop_kind=loop_kind,
                    loop_var=str(control.get("loop_var", "item")),
                    label=control.get("label"),
                    when=None if when is None else (when if isinstance(when, list) else [when]),
                    task_vars={**context, **_as_dict(task.get("vars"))},
                    options={k: args[k] for k in TEMPLATE_OPTIONS if k in args},
                )
            )
    return found, notes


def _first_file(folder: str, stem: str) -> str | None:
    for ext in (".yml", ".yaml", ".json", ""):
        path = os.path.join(folder, stem + ext)
        if os.path.isfile(path) and not os.path.islink(path):
            return path
    return None


def _load(path: str | None, values: dict[str, Any], failures: list[RenderFailure]) -> None:
    if path is None:
        return
    try:
        values.update(read_mapping(path, trusted_as_template=True))
    except ValuesError as exc:
        failures.append(RenderFailure(path, 0, str(exc)))


def role_values(
    role: str,
    facts: dict[str, Any],
    extra_files: list[str],
    notes: list[str],
    inventory: InventoryValues | None = None,
) -> tuple[dict[str, Any], dict[str, Any], list[RenderFailure]]:
    """The values the role's templates see below the task's ``vars``, and the extra vars above them.

    See the module's docstring for the order; ``inventory`` gives the inventory's layers.
    """
    values: dict[str, Any] = {}
    failures: list[RenderFailure] = []
    _load(_first_file(os.path.join(role, "defaults"), "main"), values, failures)
    inventory = inventory or InventoryValues()
    for _name, layer in inventory.layers:
        values.update(layer)
    failures.extend(inventory.failures)
    fact_values = facts_variables(facts)
    values.update(fact_values)
    _load(_first_file(os.path.join(role, "vars"), "main"), values, failures)
    loaded = {_first_file(os.path.join(role, "vars"), "main")}
    for key in ("ansible_distribution", "ansible_os_family"):
        name = str(fact_values.get(key, ""))
        for stem in (name, name.lower()):
            path = _first_file(os.path.join(role, "vars"), stem) if stem else None
            if path is not None and path not in loaded:
                loaded.add(path)
                _load(path, values, failures)
                break
    values.update(inventory.magic)
    extra: dict[str, Any] = {}
    for path in extra_files:
        _load(path, extra, failures)
    values.setdefault("inventory_hostname", str(fact_values.get("ansible_hostname", "localhost")))
    values.setdefault("inventory_hostname_short", values["inventory_hostname"].split(".")[0])
    values.setdefault("group_names", [])
    values.setdefault("role_path", os.path.abspath(role))
    values.setdefault("playbook_dir", os.path.abspath(role))
    return values, extra, failures


def is_monit_dest(dest: str) -> bool:
    """True when a destination path is where Monit reads its control file or fragments."""
    return bool(_MONIT_DEST.search(dest)) and not _NOT_MONIT_DEST.search(dest)
