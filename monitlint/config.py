"""Project configuration: ``[tool.monitlint]`` in pyproject.toml, or ``.monitlint.toml``.

The file is found by walking up from the current directory; ``--config FILE``
names one, ``--isolated`` ignores all.  Paths in it (``root``, ``entrypoints``,
``per-file-ignores`` patterns) are relative to the folder of the file.

This module only reads the file (TOML, types, paths): which rules those selectors pick, and
what the command line overrides, is :class:`monitlint.selection.RuleSelection`.
"""

from __future__ import annotations

import os
import stat
from dataclasses import field
from typing import Any

from monitlint.diagnostics import Severity
from monitlint.runtime.records import record

MAX_CONFIG_BYTES = 16 * 1024 * 1024
KNOWN_KEYS = {"select", "ignore", "severity", "per-file-ignores", "root", "entrypoints", "fail-on", "host"}
KNOWN_KEYS |= {"baseline"}  # the findings `check` leaves out (see monitlint.baseline)
# Rendering templates (monitlint/templates/): values files, facts, Puppet's manifest and module path.
TEMPLATE_KEYS = {"template-vars", "facts", "manifest", "modulepath"}
# Ansible inventory for templates: its sources (inside the project) and the host rendered for.
INVENTORY_KEYS = {"inventory", "template-host"}
KNOWN_KEYS |= TEMPLATE_KEYS | INVENTORY_KEYS
# Which files folder discovery leaves out (see monitlint.files.exclusion).
KNOWN_KEYS |= {"exclude", "extend-exclude", "force-exclude", "respect-gitignore"}
# The Monit releases to lint for (see monitlint.monit_versions): one, or a list for a fleet.
KNOWN_KEYS |= {"target-version", "target-versions"}


class ConfigError(Exception):
    """The configuration file is wrong; the message is one line for users."""


@record
class Config:
    """What a configuration file says (the defaults without one); not changed once read.

    The rules it selects, with the command line's overrides, are a
    :class:`~monitlint.selection.RuleSelection` built from it.
    """

    source: str | None = None  # the file they came from
    base: str = "."  # folder that relative paths are resolved against
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)  # selector (code, prefix, name) -> severity
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    root: str | None = None
    entrypoints: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.WARNING  # infos never fail by default: a stock tree passes
    # Host checks (MON6xx) asked for by the command line (--host) or by code: they may read this machine
    # (outside a checkout, without ``root``), see monitlint.host.view.view_for.
    host: bool = False
    # Host checks selected by a configuration file (`host = true`): a file, perhaps a stranger's, may
    # turn them on but never make the machine be read: only ``root`` or the checked tree.
    host_selected: bool = False
    baseline: str | None = None  # a baseline file (`baseline = "…"`, like --baseline): its findings are left out
    # Templates (`check` on an Ansible role or a Puppet module): paths inside the project, resolved.
    template_vars: list[str] = field(default_factory=list)  # YAML values files, as `-e @FILE`
    facts: str | None = None  # JSON or YAML facts pinned for rendering
    manifest: str | None = None  # Puppet manifest declaring the module's classes
    modulepath: list[str] = field(default_factory=list)  # Puppet module folders for dependencies
    inventory: list[str] = field(default_factory=list)  # Ansible inventory files or folders for templates
    template_host: str | None = None  # the inventory host templates are rendered for
    # Files left out (monitlint.files.exclusion): ``exclude`` replaces the default list (None: the
    # default), ``extend-exclude`` adds to it; ``force-exclude`` applies them to files named on the
    # command line too; ``respect-gitignore`` leaves out what git ignores in folder discovery.
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    force_exclude: bool = False
    respect_gitignore: bool = True
    # The Monit releases (minor versions) to lint for; () means the default (monit_versions.DEFAULT_TARGET).
    target_versions: tuple[tuple[int, int], ...] = ()

    def resolve(self, path: str) -> str:
        """A configured path, made absolute against the configuration file's folder."""
        return path if os.path.isabs(path) else os.path.normpath(os.path.join(self.base, path))


def trusted_owners() -> set[int]:
    """The users whose configuration files ``check`` believes: the caller and root (and, under sudo, its caller).

    As git's ``safe.directory``: a file another local user owns may have been planted
    (a ``.monitlint.toml`` in a shared ``/tmp`` folder saying ``ignore = ["ALL"]``).
    """
    owners = {os.geteuid(), 0}
    sudo_uid = os.environ.get("SUDO_UID", "")
    if os.geteuid() == 0 and sudo_uid.isdigit():  # `sudo monitlint check .` in one's own checkout, as git allows
        owners.add(int(sudo_uid))
    return owners


def untrusted_because(info: os.stat_result) -> str | None:
    """Why a configuration file with this ``stat`` cannot be believed, or None when it can."""
    if info.st_uid not in trusted_owners():
        return f"owned by uid {info.st_uid}, not by you (uid {os.geteuid()}) or root"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"others can write it (mode {info.st_mode & 0o7777:04o})"
    return None


def _untrusted_config(path: str) -> str | None:
    """Why the configuration file at ``path`` (and the symbolic link to it, if any) cannot be believed."""
    try:
        link = os.lstat(path)
        target = os.stat(path)
    except OSError:
        return None  # gone or unreadable: reading it reports that
    if stat.S_ISLNK(link.st_mode) and link.st_uid not in trusted_owners():
        return f"a symbolic link owned by uid {link.st_uid}, not by you (uid {os.geteuid()}) or root"
    return untrusted_because(target)


def find_config_file(start: str | None = None, untrusted: list[str] | None = None) -> str | None:
    """The nearest ``.monitlint.toml`` or pyproject.toml with ``[tool.monitlint]``, walking up.

    With ``untrusted`` (``check``'s way), a file owned by another user or writable by others
    is passed over as if it were not there, and a one-line reason for it is appended.
    """
    from monitlint.files.safe_fs import read_bounded

    def believed(path: str) -> bool:
        why = _untrusted_config(path) if untrusted is not None else None
        if why is not None and untrusted is not None:
            untrusted.append(f"ignoring the configuration file {path}: {why}")
        return why is None

    # os.path rather than pathlib: pathlib (and the urllib.parse it imports) is a tenth of the start-up.
    candidate = os.path.realpath(start or os.getcwd())
    while True:
        dedicated = os.path.join(candidate, ".monitlint.toml")
        if os.path.isfile(dedicated) and believed(dedicated):
            return dedicated
        pyproject = os.path.join(candidate, "pyproject.toml")
        if os.path.isfile(pyproject):
            try:
                # Bounded and never blocking: a pull request can commit a pyproject.toml -> /dev/zero.
                text = read_bounded(pyproject, MAX_CONFIG_BYTES).decode("utf-8", "replace")
            except OSError:
                text = ""
            if "[tool.monitlint" in text and believed(pyproject):
                return pyproject
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return None
        candidate = parent


def _read_trusted(path: str) -> str:
    """The text of a discovered configuration file, its owner and mode checked on the descriptor read.

    Checked again here, not only when it was found: between the two, a file in a folder
    others can write may have been swapped.
    """
    from monitlint.files.safe_fs import open_regular, read_fd_bounded
    from monitlint.files.source import SourceError, decode_text, read_source

    try:
        fd = open_regular(path)
    except OSError:
        return read_source(path).text  # the one-line reason (missing, a FIFO ...) as for any file
    try:
        why = untrusted_because(os.fstat(fd))
        if why is not None:
            raise ConfigError(f"{path}: not used as a configuration: {why}")
        data = read_fd_bounded(fd, MAX_CONFIG_BYTES)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: too large (over {MAX_CONFIG_BYTES} bytes)")
    try:
        return decode_text(data, path)
    except SourceError as exc:
        raise ConfigError(str(exc)) from None


def _string_list(value: Any, key: str, path: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return list(value)


def load_config(path: str | None, *, trusted_only: bool = False) -> Config:
    """Read a configuration file (None: the defaults).

    ``trusted_only`` (a file ``check`` found rather than one named on the command line):
    a file owned by another user, or that others can write, is a :class:`ConfigError`.
    """
    if path is None:
        return Config()
    import tomllib

    from monitlint.files.source import SourceError, read_source

    try:
        # The same checks as for control files: one-line errors, and a FIFO never blocks.
        data = tomllib.loads(_read_trusted(path) if trusted_only else read_source(path).text)
    except SourceError as exc:
        raise ConfigError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("monitlint", {})
    elif "tool" in data and "monitlint" in data["tool"]:
        data = data["tool"]["monitlint"]
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.monitlint] must be a table")
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    config = Config(source=path, base=os.path.dirname(os.path.abspath(path)))
    if "select" in data:
        config.select = _string_list(data["select"], "select", path)
    if "ignore" in data:
        config.ignore = _string_list(data["ignore"], "ignore", path)
    if "severity" in data:
        if not isinstance(data["severity"], dict):
            raise ConfigError(f"{path}: 'severity' must be a table of CODE = \"error|warning|info\"")
        # by code, prefix or name, like select and ignore; later entries win (see monitlint.selection)
        config.severity = {
            key: _severity(level, f"{path}: severity of {key}") for key, level in data["severity"].items()
        }
    if "per-file-ignores" in data:
        table = data["per-file-ignores"]
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: 'per-file-ignores' must be a table of \"glob\" = [codes]")
        config.per_file_ignores = {k: _string_list(v, f"per-file-ignores.{k}", path) for k, v in table.items()}
    if "root" in data:
        if not isinstance(data["root"], str):
            raise ConfigError(f"{path}: 'root' must be a string")
        config.root = _inside_project(config.resolve(data["root"]), "root", path)
        if not os.path.isdir(config.root):
            raise ConfigError(f"{path}: 'root' is not a folder: {config.root}")
    if "entrypoints" in data:
        config.entrypoints = [
            _inside_project(entry, "entrypoints", path)
            for pattern in _string_list(data["entrypoints"], "entrypoints", path)
            for entry in _entrypoint_files(config, pattern, path)
        ]
    if "fail-on" in data:
        config.fail_on = _severity(data["fail-on"], f"{path}: fail-on")
    if "target-version" in data or "target-versions" in data:
        config.target_versions = _target_versions(data, path)
    if "host" in data:
        if not isinstance(data["host"], bool):
            raise ConfigError(f"{path}: 'host' must be true or false (check users, groups and files on this machine)")
        config.host_selected = data["host"]
    if "baseline" in data:
        if not isinstance(data["baseline"], str):
            raise ConfigError(f"{path}: 'baseline' must be a string (a file written by --write-baseline)")
        config.baseline = _inside_project(config.resolve(data["baseline"]), "baseline", path)
    _template_keys(config, data, path)
    _read_exclusion(config, data, path)
    return config


def _read_exclusion(config: Config, data: dict[str, Any], path: str) -> None:
    """``exclude``, ``extend-exclude``, ``force-exclude`` and ``respect-gitignore`` (see files/exclusion.py)."""
    if "exclude" in data:
        config.exclude = _string_list(data["exclude"], "exclude", path)
    if "extend-exclude" in data:
        config.extend_exclude = _string_list(data["extend-exclude"], "extend-exclude", path)
    for key in ("force-exclude", "respect-gitignore"):
        if key in data:
            if not isinstance(data[key], bool):
                raise ConfigError(f"{path}: '{key}' must be true or false")
            setattr(config, key.replace("-", "_"), data[key])


def _template_keys(config: Config, data: dict[str, Any], path: str) -> None:
    """The template keys: files and folders inside the project (a stranger's file must not name /etc/shadow)."""
    for key in ("template-vars", "modulepath", "inventory"):
        if key in data:
            values = [_inside_project(config.resolve(v), key, path) for v in _string_list(data[key], key, path)]
            setattr(config, key.replace("-", "_"), values)
    for key in ("facts", "manifest"):
        if key in data:
            if not isinstance(data[key], str):
                raise ConfigError(f"{path}: '{key}' must be a string (a file path)")
            setattr(config, key, _inside_project(config.resolve(data[key]), key, path))
    if "template-host" in data:
        if not isinstance(data["template-host"], str) or not data["template-host"]:
            raise ConfigError(f"{path}: 'template-host' must be a string (an inventory host name)")
        config.template_host = data["template-host"]


def _entrypoint_files(config: Config, pattern: str, path: str) -> list[str]:
    """The control files an ``entrypoints`` entry names: one file, or a glob's matches (sorted).

    A missing file, a folder, or a glob that matches no file is a configuration error: an entrypoint
    that silently names nothing would lint every file as a fragment and pass what should fail.
    """
    import glob

    resolved = config.resolve(pattern)
    if glob.has_magic(pattern):
        # The include walker, not glob.glob: a committed `a/l0 -> .` would make `a/*/*/*/*/*/monitrc`
        # walk every path through the loop.  It skips loops and folders leading out of the project,
        # and its folder visits come from the run's one expansion budget.
        from monitlint.files.discovery import match_base
        from monitlint.grammar.include_glob import expand_include
        from monitlint.runtime import budgets

        project = os.path.realpath(match_base(os.path.dirname(os.path.abspath(path))))
        budget = budgets.current().expansion
        expansion = expand_include(resolved, trees=[project], budget=budget)
        if budget.exhausted:
            raise ConfigError(
                f"{path}: 'entrypoints' pattern '{pattern}': stopped after {budgets.MAX_DIR_VISITS} folder visits "
                "in this run (symlink loops or too many folders); name the entrypoints more precisely"
            )
        outside = [note for note in expansion.notes if "outside the checked tree" in note]
        if outside:
            raise ConfigError(f"{path}: 'entrypoints' leads outside the project ({project}): {outside[0]}")
        files = sorted(m for m in expansion.files if os.path.isfile(m))
        if not files:
            raise ConfigError(f"{path}: 'entrypoints' pattern '{pattern}' matches no file")
        return files
    if os.path.isdir(resolved):
        raise ConfigError(f"{path}: 'entrypoints' entry '{pattern}' is a folder, not a control file")
    if not os.path.isfile(resolved):
        raise ConfigError(f"{path}: 'entrypoints' entry '{pattern}' does not exist ({resolved})")
    return [resolved]


def _inside_project(target: str, key: str, path: str) -> str:
    """``target`` if it lies inside the configuration file's working tree, else a ConfigError.

    The configuration file may come from a stranger's pull request: ``root = "/"``
    would let its includes read the whole machine (see include_glob.checked_trees).
    """
    from monitlint.files.discovery import working_tree
    from monitlint.files.safe_fs import within

    # The working tree, or outside any checkout the file's own folder (never all of "/": a file
    # in a shared folder would otherwise reach any entrypoint or root on the machine).
    folder = os.path.dirname(os.path.abspath(path))
    project = os.path.realpath(working_tree(folder) or folder)
    if not within(os.path.realpath(target), [project]):
        raise ConfigError(f"{path}: '{key}' leads outside the project ({project}): {target}")
    return target


def _severity(value: Any, what: str) -> Severity:
    try:
        return Severity.parse(str(value))
    except KeyError:
        raise ConfigError(f"{what}: '{value}' is not one of error, warning, info") from None


def _target_versions(data: dict[str, Any], path: str) -> tuple[tuple[int, int], ...]:
    """``target-version = "5.33"`` and/or ``target-versions = ["5.27", "5.33"]``, checked."""
    from monitlint.monit_versions import TargetVersionError, parse_targets

    items: list[str] = []
    if "target-version" in data:
        if not isinstance(data["target-version"], str):
            raise ConfigError(f"{path}: 'target-version' must be a string such as \"5.33\"")
        items.append(data["target-version"])
    if "target-versions" in data:
        items.extend(_string_list(data["target-versions"], "target-versions", path))
    try:
        targets = parse_targets(items)
    except TargetVersionError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not targets:
        raise ConfigError(f"{path}: 'target-versions' is empty: name at least one Monit release")
    return targets
