"""The engine as a library: ``monitlint.lint(paths_or_sources, config) -> Report``.

The same pipeline the ``check`` command and the provider's gate run: read (with includes),
parse, build the model, run the enabled rules, apply suppressions and severity overrides.
What Monit itself refuses (syntax errors, `monit -t` rejections) is always reported and
always fails, whatever the configuration says.

    >>> import monitlint
    >>> report = monitlint.lint(["/etc/monit/monitrc"])
    >>> report.failed, [d.code for d in report.diagnostics]

A path names a control file on disk (its includes are read as Monit reads them) or a folder
(every Monit control file below it, see :mod:`monitlint.files.discovery`); a :class:`Text` is
control-file text with the name to report it under.  Each file is linted once, however many
inputs or includes reach it; files reached by a configured entrypoint are linted in that
entrypoint's context.  With ``cache=True`` unchanged files are answered from the result cache.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import field
from typing import TYPE_CHECKING

from monitlint.config import Config
from monitlint.diagnostics import Diagnostic, bounded
from monitlint.files.source import SourceError, SourceFile
from monitlint.runtime.records import record
from monitlint.selection import Settings

if TYPE_CHECKING:  # the engine is imported when a file is linted: a result-cache hit never loads the parser
    from monitlint.linter.engine import EngineContext
    from monitlint.linter.result import LintResult
    from monitlint.runtime.work import Runner


@record(frozen=True)
class Text:
    """Control-file text to lint, and the name to report its findings under."""

    text: str
    name: str = "<string>"


Input = str | os.PathLike[str] | Text
# The configuration of one linted file (the CLI's: the closest configuration file, with the command
# line's selection): a Config (its own selection) or Settings (a Config and a RuleSelection).
ConfigFor = Callable[[str], Config | Settings]


@record
class Report:
    """The findings of one lint run over some control files."""

    config: Config
    results: list[LintResult] = field(default_factory=list)  # one per file linted, with its parse and model
    errors: list[tuple[str, str]] = field(default_factory=list)  # (input, message): inputs that could not be read
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (input, message): e.g. a symlink out of a folder
    notes: list[str] = field(default_factory=list)  # what was skipped or checked in another file's context, and why
    checked: list[str] = field(default_factory=list)  # the files checked, as named in every finding
    findings: list[Diagnostic] = field(default_factory=list)  # each finding once, in the order files were checked
    sources: dict[str, SourceFile] = field(default_factory=dict)  # the texts read, by the name findings use
    failed: bool = False  # what ``check``'s exit status says: a finding at ``fail-on`` or one Monit refuses
    # Seconds spent on each checked file (by its name in ``checked``) and on the whole run: JUnit's `time`.
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0
    # The files (as findings name them) with a finding that fails `check` (at `fail-on` or what Monit refuses).
    failing: set[str] = field(default_factory=set)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every finding, in file, line, column and code order."""
        return sorted(self.findings, key=Diagnostic.sort_key)


def display_name(path: str) -> str:
    """How a file is named in every output: relative to the current folder when under it, else as given."""
    if path.startswith("<") or path == "-":
        return path
    absolute = os.path.abspath(path)
    here = os.getcwd()
    if absolute == here or absolute.startswith(here.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, here)
    return path


def lint(
    paths_or_sources: Input | Iterable[Input],
    config: Config | Settings | ConfigFor | None = None,
    *,
    root: str | None = None,
    jobs: int | None = 1,
    in_entrypoint_context: bool = True,
    cache: bool = False,
    skip_non_monit: bool = False,
    names: Callable[[str], str] | None = None,
    force_exclude: bool = False,
) -> Report:
    """Lint control files, folders and texts; never raises for unreadable input.

    ``config`` is one :class:`Config` (or :class:`~monitlint.selection.Settings`: a configuration
    and the rules selected) for every file (default: every rule at its default severity), or a
    function giving each file's.  ``root`` (default: the
    configuration's) is the folder absolute include paths are looked up under; ``jobs`` > 1
    (None: the usable CPUs) parses a large include, and runs the rules of a large config, in that
    many processes.
    With ``in_entrypoint_context`` (the CLI's way), a file a configured entrypoint reaches reports
    only its own findings, found in that entrypoint's context, and a block fragment is linted as one;
    without it each path is linted as a whole control file with its includes (the provider's gate:
    the file the daemon reads).  Each file goes through the engine's one entry,
    :func:`monitlint.linter.engine.lint_unit`.
    ``cache`` reads and writes the result cache (see :mod:`monitlint.cache`); ``skip_non_monit``
    judges named files as folder contents are judged (the pre-commit hook's way).  ``names``
    gives the one name a file is reported under (default: as first given; the CLI passes
    :func:`display_name`).  Folders leave out what their configuration's ``exclude`` and
    ``extend-exclude`` name and what git ignores; a file named explicitly is linted anyway, unless
    ``force_exclude`` (or ``force-exclude = true``) is set: then its exclude patterns apply too.
    """
    if callable(config):
        config_for: ConfigFor = config
    else:
        fixed = config or Config()
        config_for = lambda _path: fixed  # noqa: E731  # one configuration for every file
    inputs: list[Input] = (
        [paths_or_sources] if isinstance(paths_or_sources, str | os.PathLike | Text) else list(paths_or_sources)
    )
    runner = None
    if jobs is None or jobs > 1:  # the one place that chooses processes: parser and engine only see a Runner
        from monitlint.runtime.parallel import forking_runner, usable_cpus

        jobs = jobs or usable_cpus()
        runner = forking_runner(jobs, meanwhile=_load_rules) if jobs > 1 else None
    from monitlint.runtime import budgets

    # One budget of work for the whole run: includes, configuration globs and discovery share it.
    with budgets.run():
        run = _Run(config_for, root, runner, in_entrypoint_context, cache, names or str)
        for item in inputs:
            if isinstance(item, Text):
                run.add(item)
            else:
                run.expand(os.fspath(item), skip_non_monit, force_exclude)
        return run.finish()


class _Run:
    """One lint run: which files, each once, main files first; the cache; findings under one name per file."""

    def __init__(
        self,
        config_for: ConfigFor,
        root: str | None,
        runner: Runner | None,
        in_context: bool,
        cache: bool,
        names: Callable[[str], str],
    ) -> None:
        self.config_for = config_for
        self.names = names
        self.root = root
        self.runner = runner
        self.in_context = in_context
        self.cache = cache
        self.settings_of: dict[int, Settings] = {}  # by id of the Config given: its selection, built once
        self.report = Report(self.settings("<string>").config)
        self.targets: list[Input] = []
        self.spelling: dict[str, str] = {}  # real path -> the one name shown for that file
        self.contexts: dict[int, EngineContext] = {}  # by id of the settings
        self.real_paths: dict[str, str] = {}  # realpath per name, once: a CI run names hundreds of files
        self.parses_seen: set[int] = set()  # parses whose sources are in the report (an entrypoint's, once)

    def settings(self, name: str) -> Settings:
        """The configuration and rule selection of the file ``name``."""
        given = self.config_for(name)
        if isinstance(given, Settings):
            return given
        settings = self.settings_of.get(id(given))
        if settings is None:
            settings = self.settings_of[id(given)] = Settings.of(given)
        return settings

    def _real(self, name: str) -> str:
        if name.startswith("<"):
            return name
        real = self.real_paths.get(name)
        if real is None:
            real = self.real_paths[name] = os.path.realpath(name)
        return real

    def spelled(self, name: str) -> str:
        """The one name a file is shown under (the first spelling met)."""
        return self.spelling.setdefault(self._real(name), self.names(name))

    def add(self, item: Input) -> None:
        """Queue a file or a text, once per real path."""
        name = item.name if isinstance(item, Text) else os.fspath(item)
        key = self._real(name)
        if key in self.spelling and not isinstance(item, Text):
            return
        shown = self.spelled(name)
        self.targets.append(item if isinstance(item, Text) else shown)

    def expand(self, path: str, skip_non_monit: bool, force_exclude: bool = False) -> None:
        """Queue a path: a folder's Monit control files, or the file itself."""
        from monitlint.files.discovery import classify, discover_all, relative_to_tree
        from monitlint.files.exclusion import Exclusion

        if os.path.isdir(path):
            # The folder's own configuration says what to leave out below it.
            exclusion = Exclusion.of(self.settings(os.path.join(path, "monitrc")).config)
            found = discover_all(path, exclusion)
            self.report.notes.extend(found.notes)
            self.report.warnings.extend((path, message) for message in found.outside)
            self.report.notes.extend(
                f"{self.names(skipped)}{'/' if skipped.endswith('/') else ''}: skipped: {why}"
                for skipped, why in found.not_monit
            )
            if not found.found:
                self.report.errors.append((path, f"{path}: no Monit control files found under this folder"))
            for file in found.found:
                self.add(file)
        elif self._force_excluded(path, force_exclude):
            return
        elif skip_non_monit and os.path.lexists(path):
            reason = classify(path, relative_to_tree(path))
            if reason is None:
                self.add(path)
            else:
                self.report.notes.append(f"{self.names(path)}: skipped: {reason}")
        else:
            self.add(path)

    def _force_excluded(self, path: str, force_exclude: bool) -> bool:
        """True (and noted) when a named file is left out: ``--force-exclude`` and an exclude pattern match it."""
        from monitlint.files.exclusion import Exclusion

        config = self.settings(path).config
        if not (force_exclude or config.force_exclude):
            return False
        why = Exclusion.of(config).why(path)
        if why is None:
            return False
        self.report.notes.append(f"{self.names(path)}: skipped: excluded: {why} (--force-exclude)")
        return True

    def finish(self) -> Report:
        """Lint the queued files (main files first, block fragments last) and collect the findings."""
        from monitlint.files.discovery import is_block_fragment, named_like_monitrc

        # A file another one includes is then checked in that file's context, not again on its own.
        def main_first(item: Input) -> int:
            if isinstance(item, Text) or named_like_monitrc(str(item)):
                return 0
            return 2 if is_block_fragment(str(item)) else 1

        import time

        covered: dict[str, str] = {}  # real path -> the file whose lint read it
        found: list[Diagnostic] = []
        started = time.perf_counter()
        for item in sorted(self.targets, key=main_first):
            began = time.perf_counter()
            name = item.name if isinstance(item, Text) else str(item)
            settings = self.settings(name)
            entries = {self._real(e) for e in settings.config.entrypoints}
            real = self._real(name)
            if not isinstance(item, Text) and real in covered and real not in entries:
                self.report.notes.append(f"{self.spelled(name)}: checked as included by {self.spelled(covered[real])}")
                self.report.checked.append(self.spelled(name))
                continue
            try:
                diagnostics, read = self._lint_one(item, settings, entries)
            except SourceError as exc:
                self.report.errors.append((self.spelled(name), str(exc)))
                continue
            for file in read:
                covered.setdefault(self._real(file), name)
            self.report.checked.append(self.spelled(name))
            self.report.seconds[self.spelled(name)] = time.perf_counter() - began
            found.extend(diagnostics)
            # What Monit refuses fails whatever --fail-on says (see RuleSelection.fails).
            self.report.failed = self.report.failed or settings.selection.fails(diagnostics)
            self.report.failing.update(self.spelled(d.span.path) for d in diagnostics if settings.selection.fails([d]))
        self.report.findings = self._each_once(found)
        self.report.total_seconds = time.perf_counter() - started
        return self.report

    def _context(self, settings: Settings) -> EngineContext:
        """The engine context of one configuration (its entrypoints parsed and linted once in it)."""
        from monitlint.linter.engine import EngineContext

        context = self.contexts.get(id(settings))
        if context is None:
            context = self.contexts[id(settings)] = EngineContext(settings, self.root, self.runner, self.in_context)
        return context

    def _lint_one(self, item: Input, settings: Settings, entries: set[str]) -> tuple[list[Diagnostic], list[str]]:
        """The findings of one file or text, and the files its lint read (for "each file once")."""
        config = settings.config
        name = item.name if isinstance(item, Text) else str(item)
        root = self.root if self.root is not None else config.root
        key = None
        read: list[str] = []
        # Host checks read the machine, which the cache key cannot see: they are never cached.
        host = config.host or config.host_selected
        if host:
            self._host_note(name, config)
        if self.cache and not config.entrypoints and not host and not isinstance(item, Text):
            from monitlint import cache

            key = cache.entry_key(name, f"{settings.selection.key()}|root={root!r}")
            stored = cache.lookup(key, name, root, read)
            if stored is not None:
                from monitlint.linter.result import LintResult

                stored = [bounded(diag) for diag in stored]  # an entry written before findings were clipped
                self.report.results.append(LintResult(name, stored, None))
                return stored, read
        from monitlint.linter.engine import Unit, lint_unit

        unit = Unit(item.name, item.text) if isinstance(item, Text) else Unit(name)
        result = lint_unit(unit, self._context(settings))
        # The one place every finding passes before the formats and the cache: clipped, whoever made it.
        result.diagnostics = [bounded(diag) for diag in result.diagnostics]
        self.report.results.append(result)
        if result.parse is None:
            return result.diagnostics, read
        if id(result.parse) not in self.parses_seen:  # every file of an entrypoint shares its parse
            self.parses_seen.add(id(result.parse))
            for path, source in result.parse.sources.items():
                self.report.sources.setdefault(self.spelled(path), source)
        if isinstance(item, Text):
            return result.diagnostics, read
        main = self._real(result.parse.config.path)
        if main == self._real(name) and main not in entries:
            read = list(result.parse.sources)
        elif main != self._real(name):
            self.report.notes.append(
                f"{self.spelled(name)}: checked in the context of {self.spelled(result.parse.config.path)}"
            )
        if key is not None:
            from monitlint import cache

            includes = {inc.resolved_pattern: inc.files for inc in result.parse.config.includes}
            cache.store(key, list(result.parse.sources), includes, result.diagnostics, name, root)
        return result.diagnostics, read

    def _host_note(self, name: str, config: Config) -> None:
        """Say once, as a warning, what the host checks of ``name`` will not look at (and how to make them)."""
        from monitlint.host.view import confinement_note

        note = confinement_note(
            live=config.host, in_tree=config.host_selected, root=config.root, main_path=name, source=config.source
        )
        if note is not None and all(text != note for _path, text in self.report.warnings):
            self.report.warnings.append((self.spelled(name), note))

    def _each_once(self, found: list[Diagnostic]) -> list[Diagnostic]:
        """Every finding under its file's one name, each once."""
        unique: list[Diagnostic] = []
        seen: set[tuple[object, ...]] = set()
        for diag in found:
            shown = self.spelled(diag.span.path)
            diag = diag.relocated(shown)
            span = diag.span
            identity = (shown, span.line, span.column, span.end_line, span.end_column, diag.code, diag.message)
            if identity not in seen:
                seen.add(identity)
                unique.append(diag)
        return unique


def _load_rules() -> None:
    """Import every rule (a tenth of a run's start-up): done by a parent while its parsing children finish."""
    from monitlint.linter.catalog import all_rules

    all_rules()
