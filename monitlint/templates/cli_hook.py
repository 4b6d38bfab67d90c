"""The ``check`` command's side of templates: its options, and folding template findings into its report.

Kept out of :mod:`monitlint.cli` so that the command only gains a decorator and one call;
nothing here imports a rendering engine until a role or module is found among the paths.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.selection import Settings
    from monitlint.templates.run import TemplateReport

_Command = TypeVar("_Command", bound=Callable[..., Any])
PUPPET_ENV = "MONITLINT_PUPPET"
GATHER_ENV = "MONITLINT_GATHER_FACTS"  # as facts.GATHER_ENV (not imported: this module stays light)


def template_options(function: _Command) -> _Command:
    """``--template-vars``, ``--facts``, ``--manifest``, ``--modulepath``, ``--puppet``, ``--inventory``,
    ``--template-host`` and ``--gather-facts`` for ``check``."""
    options = [
        click.option(
            "--template-vars",
            multiple=True,
            type=click.Path(dir_okay=False, readable=False),
            help="Values for templates (YAML, repeatable, as `-e @FILE`; for Puppet: Hiera keys such as "
            "`monit::check_interval: 60`).",
        ),
        click.option(
            "--facts",
            "facts_file",
            type=click.Path(dir_okay=False, readable=False),
            default=None,
            help="Host facts for templates (JSON or YAML), so every machine renders the same.",
        ),
        click.option(
            "--manifest",
            type=click.Path(dir_okay=False, readable=False),
            default=None,
            help="Puppet manifest declaring the module's classes [default: `include <module>`].",
        ),
        click.option(
            "--modulepath",
            multiple=True,
            type=click.Path(file_okay=False, readable=False),
            help="Folder of Puppet modules the checked module needs (repeatable).",
        ),
        click.option(
            "--puppet",
            "puppet_compile",
            is_flag=True,
            help=f"Compile Puppet modules with `puppet` (runs the module's Ruby functions: see SECURITY.md; "
            f"also {PUPPET_ENV}=1).",
        ),
        click.option(
            "--inventory",
            "inventories",
            multiple=True,
            type=click.Path(readable=False),
            help="Ansible inventory (file or folder, repeatable) whose group_vars/host_vars roles see "
            "[default: the one its ansible.cfg names, else the repository's inventory/, inventories/<env>/ or hosts].",
        ),
        click.option(
            "--template-host",
            default=None,
            help="The inventory host templates are rendered for [default: the inventory's only host, else "
            "group `all` only].",
        ),
        click.option(
            "--gather-facts",
            is_flag=True,
            help=f"Gather this machine's facts for templates with ansible-core's collectors (also {GATHER_ENV}=1) "
            "[default: fixed placeholder facts].",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def split_paths(paths: list[Any]) -> tuple[list[Any], list[Any]]:
    """The paths that hold roles, modules or template files (to render), and all the others' plain inputs.

    A folder holding both is in both lists: its plain Monit files are linted as usual.
    """
    from monitlint.templates.projects import find_projects

    projects: list[Any] = []
    plain: list[Any] = []
    for path in paths:
        if not isinstance(path, str):
            plain.append(path)
            continue
        found = find_projects(path)
        projects.extend(found)
        if not found or os.path.isdir(path):
            plain.append(path)
    return projects, plain


def check_templates(
    projects: list[Any],
    settings_for: Callable[[str], Settings],
    names: Callable[[str], str],
    *,
    template_vars: tuple[str, ...],
    facts_file: str | None,
    manifest: str | None,
    modulepath: tuple[str, ...],
    puppet_compile: bool,
    inventories: tuple[str, ...] = (),
    template_host: str | None = None,
    gather_facts: bool = False,
) -> TemplateReport:
    """Render and lint the projects; command-line values come after each configuration's own."""
    from monitlint.templates.run import TemplateOptions, check_projects

    unique = list(dict.fromkeys(projects))

    def options_for(path: str) -> TemplateOptions:
        config = settings_for(os.path.join(path, "templates", "_")).config
        return TemplateOptions(
            template_vars=[*config.template_vars, *template_vars],
            facts=facts_file or config.facts,
            manifest=manifest or config.manifest,
            modulepath=[*modulepath, *config.modulepath],
            puppet=puppet_compile or os.environ.get(PUPPET_ENV, "") == "1",
            inventory=list(inventories) or list(config.inventory),
            template_host=template_host or config.template_host,
            # never from a configuration file: this machine is read only when the command line asks
            gather_facts=gather_facts or os.environ.get(GATHER_ENV, "") == "1",
        )

    missing: list[tuple[str, str]] = []
    checked: set[str] = set()

    def existing(path: str) -> TemplateOptions:
        options = options_for(path)
        files = [*options.template_vars, *(f for f in (options.facts, options.manifest) if f)]
        for file in files:
            if file not in checked and not os.path.isfile(file):
                missing.append((file, f"{file}: no such file (a values, facts or manifest file for templates)"))
            checked.add(file)
        for folder in options.modulepath:
            if folder not in checked and not os.path.isdir(folder):
                missing.append((folder, f"{folder}: no such folder (--modulepath)"))
            checked.add(folder)
        for source in options.inventory:
            if source not in checked and not os.path.exists(source):
                missing.append((source, f"{source}: no such file or folder (an Ansible inventory for templates)"))
            checked.add(source)
        return options

    report = check_projects(unique, existing, settings_for, names)
    report.errors[:0] = missing
    return report


def merge(report: Report, templates: TemplateReport, verbose: bool) -> None:
    """Add the template findings to ``report`` (a plain folder with only templates is no error)."""
    from monitlint.files.source import SourceError, read_source

    rendered_roots = {os.path.abspath(path) for path in templates.projects}
    report.errors = [
        (path, text)
        for path, text in report.errors
        if not (text.endswith("no Monit control files found under this folder") and _holds(path, rendered_roots))
    ]
    report.errors.extend(templates.errors)
    report.warnings.extend(templates.warnings)
    report.findings.extend(templates.findings)
    report.checked.extend(templates.checked)
    report.notes.extend(templates.notes)
    # The templates findings name (an included template too), so the text format can show their lines.
    named = dict.fromkeys([*templates.templates, *(d.span.path for d in templates.findings)])
    for template in named:
        if template not in report.sources and os.path.isfile(template):
            with contextlib.suppress(SourceError):  # an unreadable template: its findings show without the line
                report.sources[template] = read_source(template)
    if verbose:
        for file in templates.rendered:
            for number, line in enumerate(file.text.splitlines(), 1):
                origin = file.origin(number)
                where = f"{origin.path}:{origin.line}" if origin is not None else file.template
                report.notes.append(f"rendered {file.dest}:{number} (from {where}): {line}")
    report.failed = report.failed or templates.failed


def _holds(path: str, roots: set[str]) -> bool:
    absolute = os.path.abspath(path)
    return any(root == absolute or root.startswith(absolute.rstrip(os.sep) + os.sep) for root in roots)
