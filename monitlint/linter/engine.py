"""Run the parser and the rules over control files, honouring configuration and suppressions."""

from __future__ import annotations

import os
from dataclasses import replace

from monitlint.budgets import MAX_FINDINGS_PER_FILE, MAX_FINDINGS_PER_RULE
from monitlint.config import Config
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.gc_pause import gc_paused
from monitlint.grammar.parser import ParseResult, parse_file, parse_text
from monitlint.linter.catalog import all_rules, stamp
from monitlint.linter.context import LintContext
from monitlint.linter.registry import Rule, selector_matches
from monitlint.linter.result import LintResult
from monitlint.model import Span
from monitlint.work import Runner


def is_complete(result: ParseResult, path: str, config: Config) -> bool:
    """Whether ``path`` is a whole control file, as ``monit -t -c PATH`` would take it (whole-config rules apply).

    With ``entrypoints`` configured, the configuration names the main files: those are whole,
    every other file is a fragment.  Without, a file is whole unless it is a drop-in file in
    an include folder (``conf.d/``, ``conf-enabled/`` …, see
    :func:`monitlint.discovery.in_include_folder`) that has no ``set daemon``.
    """
    from monitlint.discovery import in_include_folder

    if config.entrypoints:
        real = os.path.realpath(path)
        return any(os.path.realpath(e) == real for e in config.entrypoints)
    if any(s.kind == "daemon" for s in result.config.settings):
        return True
    return not in_include_folder(path)


def enabled_rules(config: Config, path: str | None = None) -> list[Rule]:
    """Rules selected by ``select``/``ignore`` (and ``per-file-ignores`` for ``path``).

    A rule that is always on (what Monit itself refuses) is enabled whatever the selection says:
    the configuration layer refuses to name it, and this is the backstop for every other caller.
    """
    ignored = list(config.ignore) + (config.ignored_for(path) if path else [])
    return [
        rule
        for rule in all_rules()
        if rule.always_on
        or (
            any(selector_matches(rule, s) for s in config.select)
            and not any(selector_matches(rule, s) for s in ignored)
        )
    ]


# Below this many services the rules take milliseconds: handing them out in groups costs more than it saves.
RULE_GROUPS_MIN_SERVICES = 2000


def lint_parsed(
    result: ParseResult,
    config: Config | None = None,
    complete: bool = True,
    only_paths: set[str] | None = None,
    runner: Runner | None = None,
) -> list[Diagnostic]:
    """Run the enabled rules over a parsed file; apply suppressions and severity overrides.

    ``only_paths`` keeps the findings located in those files (a file linted in an entrypoint's context).
    With a ``runner`` (see :mod:`monitlint.work`) the rules of a large config are handed to it in
    groups weighted by their ``COST`` (the findings are the same).
    """
    from monitlint.linter.suppressions import apply_suppressions, parse_directives

    config = config or Config()
    context = LintContext.of(result, config, complete)
    rules = all_rules()
    found = [stamp(problem) for problem in result.problems]
    active = [rule for rule in rules if rule.check is not None and (rule.scope != "config" or complete)]

    def run(first: int, stop: int) -> list[Diagnostic]:
        return [diag for rule in active[first:stop] for diag in rule.check(context, rule)]  # type: ignore[misc]

    with gc_paused():  # the rules walk a large model and create no cycles
        if runner is not None and len(result.config.services) >= RULE_GROUPS_MIN_SERVICES:
            for part in runner([rule.cost for rule in active], run):
                found.extend(part)
        else:
            found.extend(run(0, len(active)))
    # Selection is per file of the finding, so per-file-ignores apply to included files too.
    enabled_by_path: dict[str, set[str]] = {}

    def enabled(path: str) -> set[str]:
        if path not in enabled_by_path:
            enabled_by_path[path] = {r.code for r in enabled_rules(config, path)}
        return enabled_by_path[path]

    found = [d for d in found if d.code in enabled(d.span.path)]
    resolve = {r.code.lower(): r.code for r in rules} | {r.name: r.code for r in rules}
    protected = frozenset(r.code for r in rules if r.always_on)
    directives, bad = parse_directives(context.comments, context.statements, resolve, protected, context.sources)
    found, unused = apply_suppressions(found, directives, enabled)
    found.extend(d for d in map(stamp, bad + unused) if d.code in enabled(d.span.path))
    for diag in found:
        # What Monit refuses stays an error, whatever a severity override says.
        if diag.code in config.severity and diag.code not in protected:
            diag.severity = config.severity[diag.code]
    if only_paths is not None:
        found = [d for d in found if os.path.realpath(d.span.path) in only_paths]
    found.sort(key=Diagnostic.sort_key)
    omitted = result.omitted
    if only_paths is not None:
        omitted = {path: n for path, n in omitted.items() if os.path.realpath(path) in only_paths}
    if len(found) > MAX_FINDINGS_PER_RULE or omitted:
        found = capped(found, omitted)
    return found


def capped(found: list[Diagnostic], omitted: dict[str, int] | None = None) -> list[Diagnostic]:
    """The first ``MAX_FINDINGS_PER_RULE`` findings of each rule in each file (``MAX_FINDINGS_PER_FILE`` in all).

    ``found`` is sorted; each rule cut short in a file gets one more finding, at its first one left
    out, saying how many were left out (``omitted``: syntax errors the parser only counted, per file).
    Output stays bounded however many findings one file produces (`if` on 800,000 lines).
    """
    from monitlint.diagnostics import ProblemKind
    from monitlint.linter.catalog import rule_for

    per_rule: dict[tuple[str, str], int] = {}
    per_file: dict[str, int] = {}
    first_left: dict[tuple[str, str], Diagnostic] = {}  # (path, code) -> where the summary stands
    count_left: dict[tuple[str, str], int] = {}
    worst_left: dict[tuple[str, str], Severity] = {}
    kept: list[Diagnostic] = []
    for diag in found:
        key = (diag.span.path, diag.code)
        if per_rule.get(key, 0) < MAX_FINDINGS_PER_RULE and per_file.get(key[0], 0) < MAX_FINDINGS_PER_FILE:
            per_rule[key] = per_rule.get(key, 0) + 1
            per_file[key[0]] = per_file.get(key[0], 0) + 1
            kept.append(diag)
            continue
        first_left.setdefault(key, diag)
        count_left[key] = count_left.get(key, 0) + 1
        worst_left[key] = max(worst_left.get(key, diag.severity), diag.severity)
    if omitted:
        syntax = rule_for(ProblemKind.SYNTAX_ERROR)
        last_kept = {(d.span.path, d.code): d for d in kept}
        for path, count in omitted.items():
            key = (path, syntax.code)
            stand_in = last_kept.get(key) or Diagnostic(
                syntax.code, syntax.name, syntax.severity, "", Span(path, 1, 1, 1, 1)
            )
            first_left.setdefault(key, stand_in)
            count_left[key] = count_left.get(key, 0) + count
            worst_left[key] = max(worst_left.get(key, syntax.severity), syntax.severity)
    for key, first in first_left.items():
        code = key[1]
        kept.append(
            Diagnostic(
                code,
                first.rule,
                worst_left[key],
                f"{count_left[key]} more {code} finding(s) in this file not shown: at most {MAX_FINDINGS_PER_RULE} "
                f"per rule and {MAX_FINDINGS_PER_FILE} per file are reported",
                first.span,
                None,
                "fix the findings shown and check again",
            )
        )
    kept.sort(key=Diagnostic.sort_key)
    return kept


def lint_file(
    path: str, root: str | None = None, config: Config | None = None, runner: Runner | None = None
) -> LintResult:
    """Lint a control file from disk (raises SourceError if it cannot be read).

    A ``runner`` (see :mod:`monitlint.work`) is handed the independent groups of a large include and
    of the rules of a large config.
    """
    config = config or Config()
    parsed = parse_file(path, root=root if root is not None else config.root, runner=runner)
    complete = is_complete(parsed, path, config)
    return LintResult(path, lint_parsed(parsed, config, complete, runner=runner), parsed, complete)


def lint_text(text: str, path: str = "<stdin>", root: str | None = None, config: Config | None = None) -> LintResult:
    """Lint control-file text."""
    config = config or Config()
    parsed = parse_text(text, path, root=root if root is not None else config.root)
    complete = is_complete(parsed, path, config)
    return LintResult(path, lint_parsed(parsed, config, complete), parsed, complete)


# A block fragment (Debian's templates/*: `if` lines meant for inclusion inside a check block) is
# parsed inside a stand-in block of each of these types; the type that reads it best is kept.
STAND_INS = (
    "check file __fragment__ with path /nonexistent",
    "check process __fragment__ matching __fragment__",
    "check directory __fragment__ with path /nonexistent",
    "check filesystem __fragment__ with path /nonexistent",
    "check host __fragment__ with address localhost",
    "check system __fragment__",
    "check program __fragment__ with path /nonexistent",
    "check network __fragment__ with interface lo",
    "check fifo __fragment__ with path /nonexistent",
)


def lint_fragment(path: str, root: str | None = None, config: Config | None = None) -> LintResult:
    """Lint a block fragment on its own: its statements inside a stand-in ``check`` block.

    Lines keep their numbers in the file.  Whole-config rules do not run (a fragment is not complete),
    and findings about the stand-in block itself (its `check` line) are dropped: what remains is
    about the fragment's own statements.
    """
    from monitlint.source import SourceFile, read_source

    config = config or Config()
    source = read_source(path)
    from monitlint.diagnostics import ProblemKind
    from monitlint.linter.catalog import rule_for

    syntax_code = rule_for(ProblemKind.SYNTAX_ERROR).code
    best: tuple[int, list[Diagnostic], ParseResult] | None = None
    for header in STAND_INS:
        parsed = parse_text(f"{header}\n{source.text}", path, root=root if root is not None else config.root)
        found = [
            d
            for d in lint_parsed(parsed, config, complete=False)
            if d.span.line > 1 and d.service in (None, "__fragment__")
        ]
        errors = sum(1 for d in found if d.code == syntax_code)
        if best is None or errors < best[0]:
            best = (errors, found, parsed)
        if errors == 0:
            break
    assert best is not None
    _errors, found, parsed = best
    for diag in found:
        span = diag.span
        diag.span = Span(span.path, span.line - 1, span.column, span.end_line - 1, span.end_column)
        if diag.service == "__fragment__":
            diag.service = None
    parsed.sources = {**parsed.sources, path: SourceFile(path, source.text)}
    return LintResult(path, found, parsed, False)


class Linter:
    """Lints many paths; files reached by a configured entrypoint are linted in its context."""

    def __init__(self, config: Config, root: str | None = None, runner: Runner | None = None) -> None:
        self.config = config
        self.root = root if root is not None else config.root
        self.runner = runner
        self._entrypoints: list[tuple[str, ParseResult, set[str]]] | None = None
        # Per entrypoint (by index): its findings, linted once, by the real path of their file.  A CI
        # run names every file an entrypoint includes: linting the whole entrypoint again for each was
        # quadratic (800 one-service files: 42 s).
        self._findings: dict[int, dict[str, list[Diagnostic]]] = {}
        self._real_paths: dict[str, str] = {}

    def _real(self, path: str) -> str:
        """``os.path.realpath(path)``, once per path (it costs a system call per path component)."""
        real = self._real_paths.get(path)
        if real is None:
            real = self._real_paths[path] = os.path.realpath(path)
        return real

    def _findings_of(self, index: int, parsed: ParseResult) -> dict[str, list[Diagnostic]]:
        """Every finding of entrypoint ``index``, by the real path of its file (the rules run once)."""
        if index not in self._findings:
            grouped: dict[str, list[Diagnostic]] = {}
            for diag in lint_parsed(parsed, self.config, complete=True, runner=self.runner):
                grouped.setdefault(self._real(diag.span.path), []).append(diag)
            self._findings[index] = grouped
        return self._findings[index]

    def _contexts(self) -> list[tuple[str, ParseResult, set[str]]]:
        if self._entrypoints is None:
            from monitlint.source import SourceError

            self._entrypoints = []
            for entry in self.config.entrypoints:
                try:
                    parsed = parse_file(entry, root=self.root, runner=self.runner)
                except SourceError:
                    continue
                files = {self._real(f) for f in parsed.config.files}
                self._entrypoints.append((entry, parsed, files))
        return self._entrypoints

    def lint(self, path: str) -> LintResult:
        """Lint one path (raises SourceError if it cannot be read)."""
        real = self._real(path)
        for index, (_entry, parsed, files) in enumerate(self._contexts()):
            if real in files:
                diags = [
                    # Under the name the user gave, not the include's (a copy: the entrypoint's findings are shared).
                    replace(
                        diag,
                        span=Span(path, diag.span.line, diag.span.column, diag.span.end_line, diag.span.end_column),
                    )
                    for diag in self._findings_of(index, parsed).get(real, [])
                ]
                return LintResult(path, diags, parsed, True)
        from monitlint.discovery import in_include_folder, is_block_fragment

        # A file that starts inside a check block (`if …`) is a block fragment where the user says
        # it is one (an include folder such as Debian's templates/, or a configuration naming the
        # main files); passed on its own, it is a whole control file, which Monit refuses.
        if (in_include_folder(path) or self.config.entrypoints) and is_block_fragment(path):
            return lint_fragment(path, self.root, self.config)
        return lint_file(path, self.root, self.config, self.runner)

    def lint_text(self, text: str, name: str = "<stdin>") -> LintResult:
        """Lint control-file text as the file ``name``: in its entrypoint's context when one includes that file.

        The entrypoint is parsed with ``text`` read in place of ``name`` (an editor's unsaved
        buffer, ``check --stdin-filename``); otherwise the text is linted on its own.
        """
        from monitlint.grammar.includes import text_in_place_of
        from monitlint.source import SourceError, SourceFile

        real = os.path.realpath(name)
        if name != "<stdin>":
            with text_in_place_of(real, text):
                for entry in self.config.entrypoints:
                    if os.path.realpath(entry) == real:
                        break  # the text is an entrypoint itself: lint it whole, below
                    try:
                        parsed = parse_file(entry, root=self.root)
                    except SourceError:
                        continue
                    if real in {os.path.realpath(f) for f in parsed.config.files}:
                        found = lint_parsed(parsed, self.config, complete=True, only_paths={real})
                        for diag in found:  # under the name given, as for a file on disk
                            span = diag.span
                            diag.span = Span(name, span.line, span.column, span.end_line, span.end_column)
                        parsed.sources = {name: SourceFile(name, text)}
                        return LintResult(name, found, parsed, True)
        return lint_text(text, name, root=self.root, config=self.config)
