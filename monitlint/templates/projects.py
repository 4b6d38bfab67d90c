"""Finding Ansible roles and Puppet modules under the paths given to ``check``."""

from __future__ import annotations

import os
from enum import Enum

from monitlint.runtime.records import record

MAX_DEPTH = 6
MAX_PROJECTS = 500
_SKIP = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"}
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".erb", ".epp")


class ProjectKind(Enum):
    """What kind of template project a folder is."""

    ANSIBLE_ROLE = "ansible role"
    PUPPET_MODULE = "puppet module"
    LOOSE_TEMPLATE = "template"


@record(frozen=True)
class Project:
    """A role, a module, or one template file outside either."""

    kind: ProjectKind
    path: str


def kind_of(folder: str) -> ProjectKind | None:
    """The kind of template project ``folder`` is, if any."""

    def has(name: str) -> bool:
        return os.path.isdir(os.path.join(folder, name)) and not os.path.islink(os.path.join(folder, name))

    if has("manifests") and (has("templates") or os.path.isfile(os.path.join(folder, "metadata.json"))):
        return ProjectKind.PUPPET_MODULE
    if has("templates") and (has("tasks") or has("defaults")):
        return ProjectKind.ANSIBLE_ROLE
    return None


def enclosing_project(path: str) -> Project | None:
    """The role or module a template file belongs to (``ROLE/templates/…``), if any."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if os.path.basename(folder) == "templates":
            parent = os.path.dirname(folder)
            kind = kind_of(parent)
            if kind is not None:
                return Project(kind, parent)
        up = os.path.dirname(folder)
        if up == folder:
            return None
        folder = up


def find_projects(path: str) -> list[Project]:
    """The roles and modules at or below ``path`` (a template file given alone is a loose template)."""
    if os.path.isfile(path):
        if path.endswith(TEMPLATE_SUFFIXES):
            return [enclosing_project(path) or Project(ProjectKind.LOOSE_TEMPLATE, path)]
        return []
    if not os.path.isdir(path):
        return []
    found: list[Project] = []
    base_depth = os.path.abspath(path).rstrip(os.sep).count(os.sep)
    for folder, dirs, _names in os.walk(path):
        kind = kind_of(folder)
        if kind is not None:
            found.append(Project(kind, folder))
            dirs[:] = []
            if len(found) >= MAX_PROJECTS:
                break
            continue
        depth = os.path.abspath(folder).rstrip(os.sep).count(os.sep) - base_depth
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not os.path.islink(os.path.join(folder, d)))
        if depth >= MAX_DEPTH:
            dirs[:] = []
    return found
