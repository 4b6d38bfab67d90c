"""Check template projects: render each role or module, lint the result, report at template lines."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import field

from monitlint.diagnostics import Diagnostic, bounded
from monitlint.runtime.records import record
from monitlint.selection import Settings
from monitlint.span import Span
from monitlint.templates.inventory import InventoryValues
from monitlint.templates.origins import RenderedFile
from monitlint.templates.projects import Project, ProjectKind
from monitlint.templates.render_result import RenderFailure


@record
class TemplateOptions:
    """How to render: values files, facts, and Puppet's manifest, module path and consent to compile."""

    template_vars: list[str] = field(default_factory=list)
    facts: str | None = None
    manifest: str | None = None
    modulepath: list[str] = field(default_factory=list)
    puppet: bool = False  # compiling a module runs its Ruby functions: only when asked (SECURITY.md)
    inventory: list[str] = field(default_factory=list)  # Ansible inventory sources (else the repository's)
    template_host: str | None = None  # the inventory host templates are rendered for
    gather_facts: bool = False  # this machine's facts: only when the command line asks (facts.py)


@record
class TemplateReport:
    """What checking template projects found."""

    findings: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # printed on every run (a module not compiled)
    checked: list[str] = field(default_factory=list)  # the templates rendered (a project is no file)
    projects: list[str] = field(default_factory=list)  # the roles and modules rendered
    rendered: list[RenderedFile] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)  # template files whose lines findings name
    failed: bool = False  # a finding at the configuration's fail-on, or one Monit refuses


JINJA_MISSING = (
    "not rendered: neither ansible-core nor Jinja2 is installed (pip install 'monitlint[ansible]'; in a "
    "pre-commit hook: additional_dependencies: ['ansible-core'])"
)


def failure_finding(failure: RenderFailure) -> Diagnostic:
    """A rendering failure as a MON010 finding at the template line."""
    from monitlint.linter.registry import rule_from_module
    from monitlint.linter.rules import mon010_template_render_error

    rule = rule_from_module(mon010_template_render_error)
    line = max(failure.line, 1)
    return bounded(rule.diagnostic(failure.message, Span(failure.path, line, 1, line, 1), hint=failure.hint))


def check_projects(
    projects: list[Project],
    options_for: Callable[[str], TemplateOptions],
    settings_for: Callable[[str], Settings],
    shown: Callable[[str], str],
) -> TemplateReport:
    """Render and lint each project with its own options and settings (by the closest configuration)."""
    report = TemplateReport()
    inventories: dict[tuple[object, ...], InventoryValues] = {}  # one repository's roles read it once
    for project in projects:
        options = options_for(project.path)
        settings = settings_for(os.path.join(project.path, "templates", "_"))
        if project.kind is ProjectKind.PUPPET_MODULE:
            from monitlint.templates.puppet_module import NOT_COMPILED, render_module

            if not options.puppet:  # nothing of it is checked: said on every run, never a silent "no problems"
                report.warnings.append((shown(project.path), f"{shown(project.path)}: {NOT_COMPILED}"))
                report.projects.append(project.path)
                continue
            files, failures, notes = render_module(project.path, shown, options)
        else:
            from monitlint.templates.jinja_render import ansible_available, jinja_available

            if not ansible_available() and not jinja_available():  # never a silent "no problems"
                report.warnings.append(
                    (shown(project.path), f"{shown(project.path)}: {JINJA_MISSING}"),
                )
                report.projects.append(project.path)
                continue
            files, failures, notes = _render_jinja(project, shown, options, inventories)
        report.notes.extend(notes)
        from monitlint.templates.assemble import lint_rendered

        found, lint_notes = lint_rendered(files, settings)
        # per-file-ignores apply to the template a finding is reported at (the engine saw the rendered path)
        selection = settings.selection
        found = [
            d
            for d in [*map(failure_finding, failures), *(bounded(d) for d in found)]
            if not selection.per_file_ignores or d.code in selection.codes(d.span.path)
        ]
        report.findings.extend(found)
        report.failed = report.failed or settings.selection.fails(found)
        report.notes.extend(lint_notes)
        report.rendered.extend(files)
        report.projects.append(project.path)
        for file in files:
            if file.template not in report.templates:
                report.templates.append(file.template)
            if file.template not in report.checked:
                report.checked.append(file.template)
    return report


def _render_jinja(
    project: Project,
    shown: Callable[[str], str],
    options: TemplateOptions,
    inventories: dict[tuple[object, ...], InventoryValues],
) -> tuple[list[RenderedFile], list[RenderFailure], list[str]]:
    from monitlint.templates.jinja_render import ansible_available

    use_ansible = ansible_available()
    from monitlint.templates.facts import facts_note, host_facts
    from monitlint.templates.inventory import inventory_values, repository_of
    from monitlint.templates.values import ValuesError

    inventory = InventoryValues()
    if project.kind is ProjectKind.ANSIBLE_ROLE:
        key = (repository_of(project.path), tuple(options.inventory), options.template_host)
        if key[0] is not None and key in inventories:  # its failures and notes are said once
            known = inventories[key]
            inventory = InventoryValues(layers=known.layers, magic=known.magic, host=known.host)
        else:
            inventory = inventories[key] = inventory_values(
                project.path, options.inventory, options.template_host, shown
            )
    try:
        facts, source = host_facts(options.facts, options.gather_facts, inventory.host or options.template_host)
    except ValuesError as exc:
        return [], [RenderFailure(options.facts or "<facts>", 0, str(exc))], []
    notes = [*inventory.notes, f"{shown(project.path)}: {facts_note(source, facts)}"]
    if project.kind is ProjectKind.ANSIBLE_ROLE:
        from monitlint.templates.role_render import render_role

        run = render_role(project.path, shown, facts, options.template_vars, use_ansible, inventory)
        return run.files, run.failures, [*notes, *run.notes]
    files, failures, loose_notes = _render_loose(project.path, shown, facts, options, use_ansible)
    return files, failures, [*notes, *loose_notes]


def _looks_like_monit(path: str) -> bool:
    """A loose template is Monit's by its name (``monit`` in it or its folder's) or its first statement."""
    folder, name = os.path.split(os.path.abspath(path))
    if "monit" in name.lower() or "monit" in os.path.basename(folder).lower():
        return True
    import re

    from monitlint.templates.role_render import reads_as_monit

    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return False
    # Jinja markup out of the way, the first line that says something must be a Monit statement.
    plain = re.sub(r"\{%.*?%\}|\{#.*?#\}", "", head, flags=re.DOTALL)
    return any(line.strip() for line in plain.splitlines()) and reads_as_monit(plain)


def _render_loose(
    path: str, shown: Callable[[str], str], facts: dict[str, object], options: TemplateOptions, use_ansible: bool
) -> tuple[list[RenderedFile], list[RenderFailure], list[str]]:
    """A template outside any role: rendered with the values files and facts only."""
    if path.endswith((".erb", ".epp")):
        return (
            [],
            [],
            [f"{shown(path)}: skipped: an ERB/EPP template outside a Puppet module (rendered only by compiling one)"],
        )
    from monitlint.templates.jinja_render import render_ansible, render_plain
    from monitlint.templates.render_result import Rendered
    from monitlint.templates.values import ValuesError, facts_variables, read_mapping

    if not _looks_like_monit(path):
        return [], [], [f"{shown(path)}: skipped: a template outside any role that does not read as a Monit file"]
    notes = [
        f"{shown(path)}: not part of a role: rendered with --template-vars and facts only (no role defaults, "
        "no task loop or destination)"
    ]
    values: dict[str, object] = dict(facts_variables(facts))
    failures: list[RenderFailure] = []
    for file in options.template_vars:
        try:
            values.update(read_mapping(file, trusted_as_template=True))
        except ValuesError as exc:
            failures.append(RenderFailure(file, 0, str(exc)))
    where = "in a --template-vars file"
    stem = os.path.basename(path).rsplit(".", 1)[0]
    dest = f"/etc/monit/{stem}" if stem in ("monitrc", "monit.conf") else f"/etc/monit/conf.d/{stem}"
    searchpath = [os.path.dirname(os.path.abspath(path))]
    result: Rendered | RenderFailure
    if use_ansible:
        result = render_ansible(path, shown(path), values, searchpath, dest, where)
    else:
        result = render_plain(path, shown(path), values, searchpath, where)
    if isinstance(result, RenderFailure):
        return [], [*failures, result], notes
    return [RenderedFile(shown(path), dest, result.text, result.origins)], failures, notes
