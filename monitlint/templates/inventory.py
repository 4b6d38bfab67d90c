"""A repository's Ansible inventory: hosts, groups, and their ``group_vars``/``host_vars`` as Ansible layers them.

The inventory is ``--inventory PATH`` (or the ``inventory`` key) when given, else the one the
repository's ``ansible.cfg`` names (its ``[defaults] inventory``, read as data, inside the
repository), else the first of the layouts repositories use beside ``roles/``: ``inventory`` (a
file or a folder), the one folder of ``inventories/<env>/``, ``hosts``, ``hosts.ini``,
``hosts.yml``.  Its files are parsed by
ansible-core's own ``ini``, ``yaml`` and ``toml`` inventory plugins, which only read data; a
script inventory (an executable file), a YAML file naming an inventory plugin, and every vars
plugin are never run.  Files outside the inventory's tree (the repository, or the folder given),
symbolic links out of it, special files and files over 4 MiB are refused, each with one line.

Layers, lowest first (ansible-core's default ``VARIABLE_PRECEDENCE``; groups sorted by depth,
``ansible_group_priority``, then name): the inventory file's vars of ``all``, then of each of the
host's groups; ``group_vars/all`` beside each inventory source, then beside the playbooks (the
repository); ``group_vars/<group>`` of every group beside the inventory, then of every group beside
the playbooks (so the playbooks' ``group_vars/web`` wins over the inventory's ``group_vars/eu_web``,
as in Ansible); the inventory file's host vars; ``host_vars/<host>`` beside the inventory, then
beside the playbooks.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import field
from typing import Any

from monitlint.files.safe_fs import within
from monitlint.runtime.records import record
from monitlint.templates.render_result import RenderFailure, first_line
from monitlint.templates.values import MAX_VALUES_BYTES, ValuesError, read_mapping

# Where repositories keep their inventory, beside roles/ (the first that exists is used): `inventory`
# a file or a folder, the others files only (a `hosts/` folder is more often one of host trees).
INVENTORY_NAMES = ("inventory", "hosts", "hosts.ini", "hosts.yml", "hosts.yaml", "inventory.ini", "inventory.yml")
VARS_EXTENSIONS = (".yml", ".yaml", ".json")
# What ansible-core's inventory manager skips in an inventory folder (INVENTORY_IGNORE_EXTS, IGNORED_ALWAYS).
_IGNORED_NAMES = {"group_vars", "host_vars", "vars_plugins"}
_IGNORED_EXTS = (".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg", ".retry")
Shown = Callable[[str], str]  # how a path is named in findings and notes
MAX_INVENTORY_FILES = 200
MAX_VARS_FILES = 500
MAX_FOLDERS = 1000  # folders walked per inventory or vars folder: a tree of empty folders stays cheap
MAX_CFG_BYTES = 256 * 1024
# Variables an inventory plugin sets on a host that are not the inventory's values.
_MAGIC = {"inventory_file", "inventory_dir", "inventory_hostname", "inventory_hostname_short", "group_names"}


class InventoryError(Exception):
    """A file of the inventory that is refused or cannot be parsed; the message is one line."""


class _Unparsed(InventoryError):
    """A file no data-only inventory plugin can parse."""


@record
class InventoryValues:
    """What the inventory gives a role's templates: value layers (lowest first), magic variables, notes."""

    layers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    magic: dict[str, Any] = field(default_factory=dict)
    host: str | None = None
    notes: list[str] = field(default_factory=list)
    failures: list[RenderFailure] = field(default_factory=list)


@record
class _Source:
    """One inventory source: a file or a folder, and the tree its files must stay in."""

    path: str
    tree: str


def repository_of(role: str) -> str | None:
    """The repository holding a role (the folder above ``roles/``), if the role is in one."""
    parent = os.path.dirname(os.path.abspath(role))
    return os.path.dirname(parent) if os.path.basename(parent) == "roles" else None


def _inside(path: str, tree: str) -> bool:
    return within(os.path.realpath(path), [tree])


def checked_file(path: str, tree: str, shown: str) -> None:
    """Raise InventoryError unless ``path`` is a regular file inside ``tree`` (symlinks followed) of a sane size."""
    if not _inside(path, tree):
        raise InventoryError(f"{shown}: not read: it leads outside {tree} (a symbolic link out of the tree)")
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InventoryError(f"{shown}: cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InventoryError(f"{shown}: not read: not a regular file")
    if info.st_size > MAX_VALUES_BYTES:
        raise InventoryError(f"{shown}: not read: larger than {MAX_VALUES_BYTES} bytes")


def _configured(repository: str) -> tuple[list[str], list[str]]:
    """The ``inventory`` of the repository's ``ansible.cfg`` (``[defaults]``), read as data; and notes."""
    import configparser

    from monitlint.files.safe_fs import read_bounded

    path = os.path.join(repository, "ansible.cfg")
    if not os.path.isfile(path) or not _inside(path, os.path.realpath(repository)):
        return [], []
    try:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read_string(read_bounded(path, MAX_CFG_BYTES).decode("utf-8", errors="replace"))
        value = parser.get("defaults", "inventory", fallback="")
    except (OSError, configparser.Error) as exc:
        return [], [f"{path}: not read for its inventory: {first_line(str(exc))}"]
    sources: list[str] = []
    notes: list[str] = []
    for entry in (e.strip() for e in value.split(",")):
        if not entry:
            continue
        source = os.path.normpath(os.path.join(repository, entry))  # `~` or `/etc`: outside
        if not os.path.exists(source) or not _inside(source, os.path.realpath(repository)):
            notes.append(f"{path}: inventory {entry[:200]!r} is not in the repository: not read")
            continue
        sources.append(source)
    return sources, notes


def discover(repository: str) -> tuple[list[str], list[str]]:
    """The repository's inventory sources: its ``ansible.cfg``'s, else the usual layouts; and notes."""
    sources, notes = _configured(repository)
    if sources or notes:  # what Ansible would read: none of the layouts is guessed past it
        return sources, notes
    for name in INVENTORY_NAMES:
        path = os.path.join(repository, name)
        if os.path.isfile(path) or (name == "inventory" and os.path.isdir(path)):
            return [path], notes
    folder = os.path.join(repository, "inventories")
    if os.path.isdir(folder):
        envs = sorted(n for n in os.listdir(folder) if os.path.isdir(os.path.join(folder, n)) and not n.startswith("."))
        if len(envs) == 1:
            return [os.path.join(folder, envs[0])], notes
        if envs:
            return [], [
                *notes,
                f"{folder}: {len(envs)} inventories ({', '.join(envs[:5])}): none read; name one with "
                "--inventory PATH (or `inventory` in the configuration)",
            ]
    return [], notes


def _inventory_files(source: _Source, shown: Shown, notes: list[str]) -> list[str]:
    """The files of one inventory source, in the order ansible-core's inventory manager reads them."""
    if not os.path.isdir(source.path):
        return [source.path]
    found: list[str] = []
    for visited, (folder, dirs, names) in enumerate(os.walk(source.path)):
        if visited >= MAX_FOLDERS:
            notes.append(f"{shown(source.path)}: over {MAX_FOLDERS} folders: the rest not read")
            break
        dirs[:] = sorted(d for d in dirs if d not in _IGNORED_NAMES and not d.startswith("."))
        kept = [d for d in dirs if _inside(os.path.join(folder, d), source.tree)]
        for refused in sorted(set(dirs) - set(kept)):
            notes.append(f"{shown(os.path.join(folder, refused))}: not read: it leads outside {source.tree}")
        dirs[:] = kept
        for name in sorted(names):
            if name.startswith(".") or name.endswith(_IGNORED_EXTS):
                continue
            found.append(os.path.join(folder, name))
            if len(found) >= MAX_INVENTORY_FILES:
                notes.append(f"{shown(source.path)}: over {MAX_INVENTORY_FILES} inventory files: the rest not read")
                return found
    return found


def _parse(inventory: Any, loader: Any, path: str, source: _Source, shown: str) -> None:
    """Parse one inventory file with ansible-core's data-only plugin for its kind; never a script or a plugin."""
    checked_file(path, source.tree, shown)
    if os.access(path, os.X_OK):
        raise InventoryError(f"{shown}: not read: an executable file is a script inventory, which is never run")
    from ansible.plugins.loader import inventory_loader

    kind = "yaml" if path.endswith(VARS_EXTENSIONS) else "toml" if path.endswith(".toml") else "ini"
    if kind == "yaml":
        try:  # a YAML file naming `plugin:` configures code (an inventory plugin): not run
            data = read_mapping(path)
        except ValuesError as exc:
            raise _Unparsed(str(exc)) from None
        if "plugin" in data:
            raise InventoryError(f"{shown}: not read: it configures the inventory plugin {str(data['plugin'])[:80]!r}")
    plugin = inventory_loader.get(kind)
    import ansible

    # Only ansible-core's own plugin file: never one a plugin path or the repository could provide.
    if plugin is None or not str(getattr(plugin, "_original_path", "")).startswith(os.path.dirname(ansible.__file__)):
        raise InventoryError(f"{shown}: not read: ansible-core's {kind} inventory plugin is not available")
    try:
        plugin.parse(inventory, loader, path, cache=False)
    except Exception as exc:  # a stranger's file: one line, never a traceback
        raise _Unparsed(f"{shown}: not a valid {kind} inventory: {first_line(str(exc))}") from None


def _vars_files(folder: str, name: str, tree: str, shown: Shown, failures: list[RenderFailure]) -> list[str]:
    """``folder/name`` as a vars file (no extension, .yml, .yaml, .json) or a folder of them, as Ansible finds it."""
    base = os.path.join(folder, name)
    for ext in ("", *VARS_EXTENSIONS):
        path = base + ext
        if not os.path.lexists(path):
            continue
        if not _inside(path, tree):
            failures.append(RenderFailure(shown(path), 0, f"{shown(path)}: not read: it leads outside {tree}"))
            return []
        if not os.path.isdir(path):
            return [path]
        found: list[str] = []
        for visited, (sub, dirs, names) in enumerate(os.walk(path)):
            if visited >= MAX_FOLDERS:
                failures.append(
                    RenderFailure(shown(path), 0, f"{shown(path)}: over {MAX_FOLDERS} folders: the rest not read")
                )
                break
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.splitext(d)[1])
            for refused in [d for d in dirs if not _inside(os.path.join(sub, d), tree)]:
                where = shown(os.path.join(sub, refused))
                failures.append(RenderFailure(where, 0, f"{where}: not read: it leads outside {tree}"))
                dirs.remove(refused)
            for file in sorted(names):
                ext_of = os.path.splitext(file)[1]
                if file.startswith(".") or file.endswith("~") or (ext_of and ext_of not in VARS_EXTENSIONS):
                    continue
                found.append(os.path.join(sub, file))
                if len(found) >= MAX_VARS_FILES:
                    return found
        # os.walk lists a folder's files before its subfolders' files; Ansible sorts the names together.
        return sorted(found, key=lambda p: os.path.relpath(p, path).split(os.sep))
    return []


def _load_vars(folder: str, name: str, tree: str, shown: Shown, failures: list[RenderFailure]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path in _vars_files(folder, name, tree, shown, failures):
        try:
            checked_file(path, tree, shown(path))
            values.update(read_mapping(path, trusted_as_template=True))
        except (InventoryError, ValuesError) as exc:
            failures.append(RenderFailure(shown(path), 0, str(exc)))
    return values


def _sources(role: str, explicit: list[str]) -> tuple[list[_Source], str | None, list[str]]:
    """The inventory sources (with their trees), the playbook folder, and notes."""
    repository = repository_of(role)
    if explicit:
        sources = []
        for path in explicit:
            top = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
            sources.append(_Source(path, os.path.realpath(top)))
        return sources, repository, []
    if repository is None:
        return [], None, []
    found, notes = discover(repository)
    tree = os.path.realpath(repository)
    return [_Source(p, tree) for p in found], repository, notes


def inventory_values(role: str, explicit: list[str], host_name: str | None, shown: Shown) -> InventoryValues:
    """The inventory layers the role's templates see, for ``host_name`` (see the module's docstring)."""
    result = InventoryValues()
    sources, playbook_dir, result.notes = _sources(role, explicit)
    groups: list[Any] = []
    inventory: Any = None
    host: Any = None
    if sources:
        try:
            from ansible.inventory.data import InventoryData
            from ansible.parsing.dataloader import DataLoader
        except Exception:
            result.notes.append(
                f"{shown(sources[0].path)}: ansible-core is not installed: the inventory's hosts and groups are not "
                "read (group_vars/all only)"
            )
        else:
            inventory = InventoryData()
            loader = DataLoader()
            for source in sources:
                if not _inside(source.path, source.tree):
                    message = f"{shown(source.path)}: not read: it leads outside {source.tree}"
                    result.failures.append(RenderFailure(shown(source.path), 0, message))
                    continue
                for path in _inventory_files(source, shown, result.notes):
                    try:
                        _parse(inventory, loader, path, source, shown(path))
                    except _Unparsed as exc:
                        if os.path.isdir(source.path):  # as ansible-core: a folder's other files are skipped
                            result.notes.append(f"{exc} (skipped, as Ansible does in an inventory folder)")
                        else:
                            result.failures.append(RenderFailure(shown(path), 0, str(exc)))
                    except (InventoryError, ValuesError) as exc:
                        result.failures.append(RenderFailure(shown(path), 0, str(exc)))
            inventory.reconcile_inventory()
            host = _choose_host(inventory, host_name, sources, shown, result)
    if host is not None:
        from ansible.inventory.helpers import sort_groups

        groups = [g for g in sort_groups(host.get_groups()) if g.name != "all"]
    elif host_name is not None and inventory is None:
        result.failures.append(
            RenderFailure(shown(role), 0, f"--template-host {host_name}: no inventory found for {shown(role)}")
        )
    _layer(result, inventory, host, groups, sources, playbook_dir, shown)
    _magic(result, inventory, host, groups, sources)
    return result


def _choose_host(
    inventory: Any, name: str | None, sources: list[_Source], shown: Shown, result: InventoryValues
) -> Any:
    """The host named, the inventory's only host, or None (group ``all`` only), each said in a note."""
    where = ", ".join(shown(s.path) for s in sources)
    hosts = sorted(inventory.hosts)
    if name is not None:
        if name in inventory.hosts:
            result.notes.append(f"templates rendered for host {name} of the inventory {where}")
            return inventory.hosts[name]
        result.failures.append(
            RenderFailure(shown(sources[0].path), 0, f"--template-host {name}: no such host in the inventory {where}")
        )
        return None
    if len(hosts) == 1:
        result.notes.append(f"templates rendered for {hosts[0]}, the only host of the inventory {where}")
        return inventory.hosts[hosts[0]]
    result.notes.append(
        f"the inventory {where} has {len(hosts)} hosts: templates rendered for group `all` only "
        "(name one with --template-host NAME)"
    )
    return None


def _layer(
    result: InventoryValues,
    inventory: Any,
    host: Any,
    groups: list[Any],
    sources: list[_Source],
    playbook_dir: str | None,
    shown: Shown,
) -> None:
    """Fill ``result.layers`` in Ansible's order (the module's docstring)."""
    layers = result.layers
    if inventory is not None:
        layers.append(("the inventory's vars of all", dict(inventory.groups["all"].get_vars())))
        for group in groups:
            layers.append((f"the inventory's vars of {group.name}", dict(group.get_vars())))
    # (folder, tree) beside each inventory source, then beside the playbooks: each stage reads every
    # entity's vars folder by folder (ansible-core's `_plugins_inventory`, then `_plugins_play`).
    inventory_folders: list[tuple[str, str]] = []
    for source in sources:
        folder = source.path if os.path.isdir(source.path) else os.path.dirname(os.path.abspath(source.path))
        if all(os.path.realpath(folder) != os.path.realpath(f) for f, _ in inventory_folders):
            inventory_folders.append((folder, source.tree))
    play_folders: list[tuple[str, str]] = []
    if playbook_dir is not None and all(
        os.path.realpath(playbook_dir) != os.path.realpath(f) for f, _ in inventory_folders
    ):
        # (the same folder read twice would give what reading it once at the later stage gives)
        play_folders.append((playbook_dir, os.path.realpath(playbook_dir)))

    def from_files(kind: str, names: list[str]) -> None:
        for stage in (inventory_folders, play_folders):
            for folder, tree in stage:
                for name in names:
                    values = _load_vars(os.path.join(folder, kind), name, tree, shown, result.failures)
                    if values:
                        layers.append((shown(os.path.join(folder, kind, name)), values))

    from_files("group_vars", ["all"])
    from_files("group_vars", [group.name for group in groups])
    if host is not None:
        layers.append(
            (f"the inventory's vars of {host.name}", {k: v for k, v in host.get_vars().items() if k not in _MAGIC})
        )
        from_files("host_vars", [host.name])


def _magic(result: InventoryValues, inventory: Any, host: Any, groups: list[Any], sources: list[_Source]) -> None:
    """``inventory_hostname``, ``group_names``, ``groups``, ``inventory_dir`` and ``inventory_file``, as Ansible's."""
    magic = result.magic
    if inventory is not None:
        magic["groups"] = {name: [h.name for h in g.get_hosts()] for name, g in sorted(inventory.groups.items())}
    if host is None:
        return
    result.host = host.name
    magic["inventory_hostname"] = host.name
    magic["inventory_hostname_short"] = host.name.split(".")[0]
    magic["group_names"] = sorted(g.name for g in groups if g.name != "ungrouped")
    own = host.get_vars()
    for key in ("inventory_file", "inventory_dir"):
        if own.get(key):
            magic[key] = own[key]
