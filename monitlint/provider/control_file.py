"""Finding the control file the daemon uses, and the lint gate in front of every action."""

from __future__ import annotations

import os
from dataclasses import field

from monitlint.config import Config
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.model import ControlFile, Service
from monitlint.provider.errors import ControlFileError
from monitlint.runtime.records import record


def search_order() -> list[str]:
    """Monit's own control-file search order (``man monit``: FILES)."""
    home = os.path.expanduser("~")
    return [
        os.path.join(home, ".monitrc"),
        "/etc/monitrc",
        "/etc/monit/monitrc",
        "/usr/local/etc/monitrc",
        os.path.join(os.getcwd(), "monitrc"),
    ]


def locate_control_file(given: str | None) -> str:
    """The control file named with -c, else the first one Monit itself would use."""
    if given:
        if not os.path.exists(given):
            raise ControlFileError(f"{given}: no such control file")
        return given
    for candidate in search_order():
        if os.path.isfile(candidate):
            return candidate
    raise ControlFileError("no control file found (looked in " + ", ".join(search_order()) + "); use -c FILE")


@record
class GateVerdict:
    """What linting the control file said about one service."""

    config: ControlFile
    service: Service | None
    blocking: list[Diagnostic] = field(default_factory=list)
    own: list[Diagnostic] = field(default_factory=list)  # every finding on this service, any severity
    files: list[str] = field(default_factory=list)  # every file the lint read
    stale: str | None = None  # why the daemon may not run these files, when it may not

    @property
    def refused(self) -> bool:
        """True when the action must not be sent."""
        return bool(self.blocking) or self.stale is not None


def lint_gate(control_file: str, name: str, config: Config | None = None) -> GateVerdict:
    """Lint the control file with its includes; decide whether acting on ``name`` is safe.

    A syntax error anywhere blocks: Monit's own CLI refuses to run with such a
    file; so does anything else Monit refuses outside any service (a ``set``
    statement it rejects, a log folder or an unknown unixsocket user on this
    host).  An error-severity finding on the named service blocks too, unless the
    configuration the caller named or a suppression comment turns that rule off
    (or lowers its severity).  Other findings on other services never block.
    """
    return gate_all(control_file, config).verdict(name)


@record
class GateReport:
    """One lint of the control file, from which the verdict on any service is read."""

    config: ControlFile
    syntax: list[Diagnostic]
    diagnostics: list[Diagnostic]

    def verdict(self, name: str) -> GateVerdict:
        """The gate's verdict on the service Monit means by ``name`` (names compare without regard to case)."""
        service = next((s for s in self.config.services if s.name.lower() == name.lower()), None) if name else None
        own = [d for d in self.diagnostics if service is not None and d.service == service.name]
        errors = [d for d in own if d.code != _syntax_code() and d.severity == Severity.ERROR]
        # What Monit refuses outside any service (a `set` statement Monit rejects, a log folder
        # missing on this host) makes it refuse the whole file, so every action waits for a fix.
        refused = _refused_by_monit()
        whole_file = [d for d in self.diagnostics if d.service is None and d.code in refused and d not in self.syntax]
        return GateVerdict(self.config, service, self.syntax + whole_file + errors, own, list(self.config.files))


def _refused_by_monit() -> frozenset[str]:
    """The codes of what Monit itself refuses (syntax errors, post-grammar and host refusals)."""
    from monitlint.selection import always_on

    return always_on()


def _syntax_code() -> str:
    """The code of syntax errors, which block every action (the registry names it)."""
    from monitlint.diagnostics import ProblemKind
    from monitlint.linter.catalog import rule_for

    return rule_for(ProblemKind.SYNTAX_ERROR).code


def gate_all(control_file: str, config: Config | None = None) -> GateReport:
    """Lint the control file once, through the engine API; :class:`ControlFileError` when it cannot be read.

    Host checks are always on here, against the live machine (no root): the gate stands in front of
    the daemon that reads this file on this machine, and Monit refuses unknown users, missing PEM files …
    """
    import dataclasses

    from monitlint.api import lint

    gate_config = dataclasses.replace(config or Config(), host=True, root=None)
    report = lint(control_file, gate_config, in_entrypoint_context=False)  # the whole file the daemon reads
    if report.errors:
        raise ControlFileError(report.errors[0][1])
    (result,) = report.results
    assert result.parse is not None
    parsed = result.parse
    from monitlint.diagnostics import ProblemKind
    from monitlint.linter.catalog import stamp

    syntax = [stamp(p) for p in parsed.problems if p.kind is ProblemKind.SYNTAX_ERROR]
    # What the daemon's release lacks in its grammar (its `monit -V`, see MonitProvider) blocks too.
    from monitlint.linter.version_gates import syntax_problems
    from monitlint.selection import RuleSelection

    syntax += [stamp(p) for p in syntax_problems(parsed.config, RuleSelection.of(gate_config).targets)]
    return GateReport(parsed.config, syntax, result.diagnostics)
