"""The engine as a library: ``monitlint.lint(paths_or_sources, config) -> Report``.

The same pipeline the ``check`` command and the provider's gate run: read (with includes),
parse, build the model, run the enabled rules, apply suppressions and severity overrides.
What Monit itself refuses (syntax errors, `monit -t` rejections) is always reported and
always fails, whatever the configuration says.

    >>> import monitlint
    >>> report = monitlint.lint(["/etc/monit/monitrc"])
    >>> report.failed, [d.code for d in report.diagnostics]

A path names a control file on disk (its includes are read as Monit reads them); a
:class:`Text` is control-file text with the name to report it under.  Files reached by a
configured entrypoint are linted in that entrypoint's context, as the CLI does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from monitlint.config import Config
from monitlint.diagnostics import Diagnostic
from monitlint.linter.engine import Linter, LintResult, lint_file, lint_text
from monitlint.linter.registry import always_on_codes
from monitlint.source import SourceError


@dataclass(frozen=True)
class Text:
    """Control-file text to lint, and the name to report its findings under."""

    text: str
    name: str = "<string>"


Input = str | os.PathLike[str] | Text


@dataclass
class Report:
    """The findings of one lint run over some control files."""

    config: Config
    results: list[LintResult] = field(default_factory=list)  # one per input read, with its parse and model
    errors: list[tuple[str, str]] = field(default_factory=list)  # (input, message): inputs that could not be read

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every finding, in file, line, column and code order."""
        return sorted((d for r in self.results for d in r.diagnostics), key=Diagnostic.sort_key)

    @property
    def failed(self) -> bool:
        """True when ``check`` would fail: a finding at ``fail-on`` or worse, or one Monit itself refuses."""
        protected = always_on_codes()
        return any(d.severity >= self.config.fail_on or d.code in protected for d in self.diagnostics)


def lint(
    paths_or_sources: Input | Iterable[Input],
    config: Config | None = None,
    *,
    root: str | None = None,
    jobs: int = 1,
    in_entrypoint_context: bool = True,
) -> Report:
    """Lint control files (paths) and control-file texts (:class:`Text`); never raises for unreadable input.

    ``config`` defaults to every rule at its default severity; ``root`` (default: the
    configuration's) is the folder absolute include paths are looked up under; ``jobs`` > 1
    parses a large include, and runs the rules of a large config, in that many processes.
    With ``in_entrypoint_context`` (the CLI's way), a file a configured entrypoint reaches reports
    only its own findings, found in that entrypoint's context; without it each path is linted as a
    whole control file with its includes (the provider's gate: the file the daemon reads).
    """
    config = config or Config()
    inputs: list[Input] = (
        [paths_or_sources] if isinstance(paths_or_sources, str | os.PathLike | Text) else list(paths_or_sources)
    )
    linter = Linter(config, root, jobs)
    report = Report(config)
    for item in inputs:
        try:
            if isinstance(item, Text):
                if in_entrypoint_context:
                    report.results.append(linter.lint_text(item.text, item.name))
                else:
                    report.results.append(lint_text(item.text, item.name, root=root, config=config))
            elif in_entrypoint_context:
                report.results.append(linter.lint(os.fspath(item)))
            else:
                report.results.append(lint_file(os.fspath(item), root, config, jobs))
        except SourceError as exc:
            report.errors.append((item.name if isinstance(item, Text) else os.fspath(item), str(exc)))
    return report
