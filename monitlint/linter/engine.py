"""The engine: one entry, :func:`lint_unit`, lints one file or text in an explicit :class:`EngineContext`.

``monitlint.lint()`` (the CLI, the provider's gate, library users) calls it for each file; an
editor server would call it for each buffer.  A unit is linted in one of three ways:

- reached by a configured entrypoint (``in_entrypoint_context``): the entrypoint is linted whole,
  once per context, and the unit gets the findings located in it (a text is read in place of the
  file it names, as an editor's unsaved buffer);
- a block fragment (an ``if`` line in an include folder such as Debian's ``templates/``): its
  statements inside a stand-in ``check`` block;
- otherwise a whole control file, with its includes.

Only the rules the context's :class:`~monitlint.selection.RuleSelection` selects run (and the
always-on ones); producers' problems are stamped with their rule here, then suppression
comments, per-file selection and severity overrides apply.  Findings are never changed in
place: a relocated finding is a copy (:meth:`Diagnostic.relocated`).
"""

from __future__ import annotations

import os
from dataclasses import replace

from monitlint.config import Config
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.files.source import SourceError, SourceFile
from monitlint.grammar.parser import ParseResult, parse_file, parse_source
from monitlint.linter.catalog import all_rules, stamp
from monitlint.linter.context import LintContext
from monitlint.linter.result import LintResult
from monitlint.linter.version_gates import syntax_problems
from monitlint.model import DaemonSetting, Span
from monitlint.runtime.budgets import MAX_FINDINGS_PER_FILE, MAX_FINDINGS_PER_RULE
from monitlint.runtime.gc_pause import gc_paused
from monitlint.runtime.records import record
from monitlint.runtime.work import Runner
from monitlint.selection import Settings


@record(frozen=True)
class Unit:
    """One thing to lint: the file ``name`` on disk, or ``text`` reported under ``name``."""

    name: str
    text: str | None = None


class EngineContext:
    """What linting a unit depends on, given explicitly, and what units linted in it share.

    ``settings``: the configuration and its rule selection; ``root``: where absolute includes are
    looked up (default: the configuration's); ``runner``: hands out independent groups of a large
    include and of the rules of a large config (see :mod:`monitlint.runtime.work`); ``in_entrypoint_context``:
    a file a configured entrypoint reaches gets its findings from that entrypoint's lint (the CLI's
    way), else every unit is linted on its own (the provider's gate).  Each entrypoint is parsed and
    linted once per context, however many of its files are linted.
    """

    def __init__(
        self,
        settings: Settings,
        root: str | None = None,
        runner: Runner | None = None,
        in_entrypoint_context: bool = True,
    ) -> None:
        self.config: Config = settings.config
        self.selection = settings.selection
        self.root = root if root is not None else settings.config.root
        self.runner = runner
        self.in_entrypoint_context = in_entrypoint_context
        self._entrypoints: list[tuple[ParseResult, set[str]]] | None = None
        # Per entrypoint (by index): its findings by the real path of their file.  A CI run names every
        # file an entrypoint includes: linting the entrypoint again for each was quadratic (800 files: 42 s).
        self._findings: dict[int, dict[str, list[Diagnostic]]] = {}
        self._real_paths: dict[str, str] = {}

    def real(self, path: str) -> str:
        """``os.path.realpath(path)``, once per path (it costs a system call per path component)."""
        real = self._real_paths.get(path)
        if real is None:
            real = self._real_paths[path] = os.path.realpath(path)
        return real

    def entrypoints(self) -> list[tuple[ParseResult, set[str]]]:
        """Each readable entrypoint's parse and the real paths of the files it reads."""
        if self._entrypoints is None:
            self._entrypoints = []
            for entry in self.config.entrypoints:
                try:
                    parsed = parse_file(entry, root=self.root, runner=self.runner)
                except SourceError:
                    continue
                self._entrypoints.append((parsed, {self.real(f) for f in parsed.config.files}))
        return self._entrypoints

    def findings_of(self, index: int, parsed: ParseResult) -> dict[str, list[Diagnostic]]:
        """Every finding of entrypoint ``index``, by the real path of its file (the rules run once)."""
        if index not in self._findings:
            grouped: dict[str, list[Diagnostic]] = {}
            for diag in _findings(parsed, self, complete=True):
                grouped.setdefault(self.real(diag.span.path), []).append(diag)
            self._findings[index] = grouped
        return self._findings[index]


def lint_unit(unit: Unit, context: EngineContext) -> LintResult:
    """Lint one file or text in ``context``: the engine's one entry (raises SourceError if a file cannot be read)."""
    name = unit.name
    if context.in_entrypoint_context and context.config.entrypoints:
        found = _in_entrypoint(unit, context)
        if found is not None:
            return found
    if unit.text is None and context.in_entrypoint_context:
        from monitlint.files.discovery import in_include_folder, is_block_fragment

        # A file that starts inside a check block (`if …`) is a block fragment where the user says
        # it is one (an include folder such as Debian's templates/, or a configuration naming the
        # main files); passed on its own, it is a whole control file, which Monit refuses.
        if (in_include_folder(name) or context.config.entrypoints) and is_block_fragment(name):
            return _fragment(name, context)
    if unit.text is None:
        parsed = parse_file(name, root=context.root, runner=context.runner)
    else:
        parsed = parse_source(SourceFile(name, unit.text), os.path.realpath(name), context.root, context.runner)
    complete = is_complete(parsed, name, context.config)
    return LintResult(name, _findings(parsed, context, complete), parsed, complete)


def _in_entrypoint(unit: Unit, context: EngineContext) -> LintResult | None:
    """The findings of ``unit`` in the context of the entrypoint that reads it, or None when none does."""
    name = unit.name
    real = context.real(name)
    if unit.text is None:
        for index, (parsed, files) in enumerate(context.entrypoints()):
            if real in files:
                # Under the name the user gave, not the include's (copies: the entrypoint's findings are shared).
                found = [d.relocated(name) for d in context.findings_of(index, parsed).get(real, [])]
                return LintResult(name, found, parsed, True)
        return None
    if name == "<stdin>":
        return None
    from monitlint.files.source import texts_in_place_of

    # An editor's unsaved buffer, `check --stdin-filename`: each entrypoint is parsed with the text read
    # in place of the file it names; an entrypoint named itself is linted whole, as any text.
    with texts_in_place_of({real: unit.text}):
        for entry in context.config.entrypoints:
            if context.real(entry) == real:
                return None
            try:
                parsed = parse_file(entry, root=context.root, runner=context.runner)
            except SourceError:
                continue
            if real in {os.path.realpath(f) for f in parsed.config.files}:
                found = [d.relocated(name) for d in _findings(parsed, context, complete=True, only_paths={real})]
                parsed.sources = {name: SourceFile(name, unit.text)}
                return LintResult(name, found, parsed, True)
    return None


def is_complete(result: ParseResult, path: str, config: Config) -> bool:
    """Whether ``path`` is a whole control file, as ``monit -t -c PATH`` would take it (whole-config rules apply).

    With ``entrypoints`` configured, the configuration names the main files: those are whole,
    every other file is a fragment.  Without, a file is whole unless it is a drop-in file in
    an include folder (``conf.d/``, ``conf-enabled/`` …, see
    :func:`monitlint.files.discovery.in_include_folder`) that has no ``set daemon``.
    """
    from monitlint.files.discovery import in_include_folder

    if config.entrypoints:
        real = os.path.realpath(path)
        return any(os.path.realpath(e) == real for e in config.entrypoints)
    if any(isinstance(s, DaemonSetting) for s in result.config.settings):
        return True
    return not in_include_folder(path)


# Below this many services the rules take milliseconds: handing them out in groups costs more than it saves.
RULE_GROUPS_MIN_SERVICES = 2000
# Rules run elsewhere touch the whole model first (a forked copy pays for every page it writes a
# reference count to): measured at 2,000 services, this process takes 1.3 times each other's share
# (the lowest CPU of each side over 11 runs: 26 and 26 ms; at 1.5, 29 and 25).
RULE_GROUPS_LEAD = 1.3


def _findings(
    result: ParseResult, context: EngineContext, complete: bool, only_paths: set[str] | None = None
) -> list[Diagnostic]:
    """Run the selected rules over a parse; stamp the producers' problems; apply suppressions and overrides.

    ``only_paths`` keeps the findings located in those files (a file linted in an entrypoint's context).
    With the context's runner the rules of a large config are handed out in groups weighted by their
    ``COST`` (the findings are the same).
    """
    from monitlint.linter.suppressions import apply_suppressions, parse_directives

    selection = context.selection
    lint_context = LintContext.of(result, context.config, complete, selection.targets)
    found = [stamp(problem) for problem in result.problems]
    # One grammar for every release: what the target releases' grammars lack is a syntax error here.
    found.extend(
        stamp(problem) for problem in syntax_problems(result.config, selection.targets, lint_context.version_gates)
    )
    active = [rule for rule in selection.rules() if rule.check is not None and (rule.scope != "config" or complete)]

    def run(first: int, stop: int) -> list[Diagnostic]:
        return [diag for rule in active[first:stop] for diag in rule.check(lint_context, rule)]  # type: ignore[misc]

    runner = context.runner
    with gc_paused():  # the rules walk a large model and create no cycles
        if runner is not None and len(result.config.services) >= RULE_GROUPS_MIN_SERVICES:
            for part in runner([rule.cost for rule in active], run, lead=RULE_GROUPS_LEAD):
                found.extend(part)
        else:
            found.extend(run(0, len(active)))
    # Selection is per file of the finding, so per-file-ignores apply to included files too.
    enabled_by_path: dict[str, frozenset[str]] = {}

    def enabled(path: str) -> frozenset[str]:
        codes = enabled_by_path.get(path)
        if codes is None:
            codes = enabled_by_path[path] = selection.codes(path)
        return codes

    found = [d for d in found if d.code in enabled(d.span.path)]
    rules = all_rules()  # a suppression may name any rule, selected or not
    resolve = {r.code.lower(): r.code for r in rules} | {r.name: r.code for r in rules}
    protected = frozenset(r.code for r in rules if r.always_on)
    directives, bad = parse_directives(
        lint_context.comments, lint_context.statements, resolve, protected, lint_context.sources
    )
    found, unused = apply_suppressions(found, directives, enabled)
    found.extend(d for d in map(stamp, bad + unused) if d.code in enabled(d.span.path))
    overrides = selection.overrides()
    if overrides:
        # What Monit refuses stays an error, whatever a severity override says.
        found = [
            replace(d, severity=overrides[d.code]) if d.code in overrides and d.code not in protected else d
            for d in found
        ]
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


def _fragment(path: str, context: EngineContext) -> LintResult:
    """Lint a block fragment on its own: its statements inside a stand-in ``check`` block.

    Lines keep their numbers in the file.  Whole-config rules do not run (a fragment is not complete),
    and findings about the stand-in block itself (its `check` line) are dropped: what remains is
    about the fragment's own statements.
    """
    from monitlint.diagnostics import ProblemKind
    from monitlint.files.source import read_source
    from monitlint.linter.catalog import rule_for

    source = read_source(path)
    syntax_code = rule_for(ProblemKind.SYNTAX_ERROR).code
    real = os.path.realpath(path)
    best: tuple[int, list[Diagnostic], ParseResult] | None = None
    for header in STAND_INS:
        parsed = parse_source(SourceFile(path, f"{header}\n{source.text}"), real, context.root)
        found = [
            d
            for d in _findings(parsed, context, complete=False)
            if d.span.line > 1 and d.service in (None, "__fragment__")
        ]
        errors = sum(1 for d in found if d.code == syntax_code)
        if best is None or errors < best[0]:
            best = (errors, found, parsed)
        if errors == 0:
            break
    assert best is not None
    _errors, found, parsed = best
    found = [(replace(d, service=None) if d.service == "__fragment__" else d).relocated(line_shift=-1) for d in found]
    parsed.sources = {**parsed.sources, path: SourceFile(path, source.text)}
    return LintResult(path, found, parsed, False)
