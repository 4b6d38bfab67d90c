"""Which rules run on a file, and what fails: one :class:`RuleSelection`, built once per configuration.

It is made from what a configuration file says (:class:`~monitlint.config.Config`: ``select``,
``ignore``, ``per-file-ignores``, ``severity``, ``fail-on``) and what the command line overrides
(``--select`` replaces the file's ``select``, ``--ignore`` adds to its ``ignore``, ``--fail-on``
replaces its ``fail-on``).  Nothing is changed after that: the engine runs only the rules it
selects (plus the always-on ones), and its :meth:`RuleSelection.key` is the result cache's key.

What Monit itself refuses (rules declaring ``ALWAYS_ON``: syntax errors, ``monit -t``
rejections) is always selected, never ignored, never lowered and always fails.  Naming such a
rule in an ignore list, or lowering it, is refused when the selection is built; a prefix or
``ALL`` switches off the others it covers only.

Building a selection imports no rule unless the configuration names some (a cache hit with the
defaults imports neither the parser nor the rules); resolving it into codes does.
"""

from __future__ import annotations

import fnmatch
import functools
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from monitlint.config import Config, ConfigError
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.runtime.records import record

if TYPE_CHECKING:
    from monitlint.linter.registry import Rule


@record(frozen=True)
class RuleSelection:
    """The rules selected for a run, per file, their severity overrides and the severity that fails.

    Selectors are as written (``ALL``, a code, a prefix such as ``MON1``, a name), already checked;
    ``severity`` holds codes (prefixes expanded, in order: a later entry wins).
    """

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, selectors)
    base: str = "."  # the folder per-file-ignores globs are relative to (the configuration file's)
    severity: tuple[tuple[str, Severity], ...] = ()  # (code, severity) overrides
    fail_on: Severity = Severity.WARNING  # infos never fail by default: a stock tree passes
    # The Monit releases linted for (monitlint.monit_versions), sorted: what they refuse is reported.
    targets: tuple[tuple[int, int], ...] = ((5, 33),)

    @classmethod
    def of(
        cls,
        config: Config | None = None,
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        fail_on: Severity | None = None,
        targets: Sequence[tuple[int, int]] | None = None,
    ) -> RuleSelection:
        """The selection a configuration and the command line's overrides make; never raises.

        A selector that names no rule selects nothing; naming an always-on rule in an ignore list,
        or lowering it, changes nothing (the engine's backstop).  :meth:`checked` refuses both.
        """
        config = config or Config()
        return cls(
            select=tuple(select if select is not None else config.select),
            ignore=(*config.ignore, *ignore),
            per_file_ignores=tuple((k, tuple(v)) for k, v in config.per_file_ignores.items()),
            base=config.base,
            severity=_severity_overrides(config.severity, None),
            fail_on=fail_on if fail_on is not None else config.fail_on,
            targets=_targets(targets, config),
        )

    @classmethod
    def checked(
        cls,
        config: Config,
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        fail_on: Severity | None = None,
        targets: Sequence[tuple[int, int]] | None = None,
    ) -> RuleSelection:
        """:meth:`of`, once every selector the configuration names is known to pick a rule (else ConfigError).

        None may turn off or lower what Monit refuses either.  The command line's own selectors are
        checked by the CLI (:func:`selector_problem`), with messages naming the option.
        """
        where = config.source or "configuration"
        for selector in config.select:
            _known(selector, "select", where)
        for selector in config.ignore:
            _known(selector, "ignore", where)
            _refuse_protected(selector, "'ignore'", where)
        _severity_overrides(config.severity, where)
        for pattern, selectors in config.per_file_ignores.items():
            for selector in selectors:
                _known(selector, f"per-file-ignores.{pattern}", where)
                _refuse_protected(selector, f"'per-file-ignores' ({pattern})", where)
        return cls.of(config, select=select, ignore=ignore, fail_on=fail_on, targets=targets)

    def key(self) -> str:
        """A stable text naming this selection: the same findings for the same key (the result cache's)."""
        import json  # only the result cache asks: not loaded by a run without it

        return json.dumps(
            [
                list(self.select),
                list(self.ignore),
                [[glob, list(selectors)] for glob, selectors in self.per_file_ignores],
                self.base if self.per_file_ignores else "",
                [[code, int(level)] for code, level in self.severity],
                int(self.fail_on),
                [list(version) for version in self.targets],
            ],
            separators=(",", ":"),
        )

    def ignored_for(self, path: str) -> list[str]:
        """The selectors ``per-file-ignores`` switches off for ``path``."""
        out: list[str] = []
        absolute = os.path.abspath(path)
        relative = os.path.relpath(absolute, os.path.abspath(self.base))
        for pattern, codes in self.per_file_ignores:
            if (
                fnmatch.fnmatch(relative, pattern)
                or fnmatch.fnmatch(absolute, pattern)
                or fnmatch.fnmatch(os.path.basename(path), pattern)
            ):
                out.extend(codes)
        return out

    def codes(self, path: str | None = None) -> frozenset[str]:
        """The codes reported for findings in ``path`` (``None``: before per-file ignores); always-on included."""
        extra = tuple(self.ignored_for(path)) if path is not None and self.per_file_ignores else ()
        return _codes(self.select, (*self.ignore, *extra))

    def rules(self) -> list[Rule]:
        """The rules that run: those selected and not ignored (per-file ignores filter later), and the always-on."""
        from monitlint.linter.catalog import all_rules

        wanted = self.codes()
        return [rule for rule in all_rules() if rule.code in wanted]

    def overrides(self) -> dict[str, Severity]:
        """The severity overrides by code (never of an always-on rule: what Monit refuses stays an error)."""
        return dict(self.severity)

    def fails(self, diagnostics: Iterable[Diagnostic]) -> bool:
        """Whether these findings fail ``check``: one at ``fail_on`` or above, or one Monit itself refuses."""
        found = list(diagnostics)
        if any(d.severity >= self.fail_on for d in found):
            return True
        # What Monit refuses is an error that nothing lowers: without an error there is none of it (and
        # the answer needs no rule imported, so a cache hit of infos stays cheap).
        if not any(d.severity is Severity.ERROR for d in found):
            return False
        # Asked only when nothing else failed: knowing which rules those are imports every rule.
        return any(d.code in always_on() for d in found)


@record(frozen=True)
class Settings:
    """One file's configuration and the rules selected for it, as the engine is given them."""

    config: Config
    selection: RuleSelection

    @classmethod
    def of(cls, config: Config | None = None) -> Settings:
        """The settings of a configuration without command-line overrides."""
        config = config or Config()
        return cls(config, RuleSelection.of(config))


def _targets(targets: Sequence[tuple[int, int]] | None, config: Config) -> tuple[tuple[int, int], ...]:
    """The command line's targets, else the configuration's, else the default release."""
    from monitlint.monit_versions import DEFAULT_TARGET

    chosen = targets or config.target_versions or (DEFAULT_TARGET,)
    return tuple(sorted(set(chosen)))


def always_on() -> frozenset[str]:
    """The codes of what Monit itself refuses (rules declaring ``ALWAYS_ON``): always reported, always fails."""
    from monitlint.linter.catalog import always_on_codes

    return always_on_codes()


@functools.lru_cache(maxsize=256)
def _codes(select: tuple[str, ...], ignore: tuple[str, ...]) -> frozenset[str]:
    from monitlint.linter.catalog import all_rules
    from monitlint.linter.registry import selector_matches

    return frozenset(
        rule.code
        for rule in all_rules()
        if rule.always_on
        or (any(selector_matches(rule, s) for s in select) and not any(selector_matches(rule, s) for s in ignore))
    )


def rule_codes(selector: str) -> list[str]:
    """The codes a selector (``ALL``, a code, a prefix such as ``MON1``, or a name) picks."""
    from monitlint.linter.catalog import all_rules
    from monitlint.linter.registry import selector_matches

    return [rule.code for rule in all_rules() if selector_matches(rule, selector)]


def protected_rule(selector: str) -> str | None:
    """``CODE (name)`` when ``selector`` names a rule that cannot be turned off by its code or name, else None.

    A prefix (``MON0``) or ``ALL`` names no rule in particular: the others it covers are switched off,
    the always-on ones stay on.
    """
    from monitlint.linter.catalog import find_rule

    rule = find_rule(selector)
    if rule is not None and rule.always_on:
        return f"{rule.code} ({rule.name})"
    return None


def cannot_turn_off(selector: str, where: str) -> str | None:
    """The one-line error for naming an always-reported rule in ``where`` (an ignore list), else None."""
    named = protected_rule(selector)
    if named is None:
        return None
    return (
        f"{named} cannot be turned off in {where}: it is what Monit itself refuses, "
        "so monitlint always reports it and it always fails `check`"
    )


def selector_problem(selector: str, option: str) -> str | None:
    """Why a command-line selector (``--select``, ``--ignore``) is refused, or None."""
    if not rule_codes(selector):
        return f"unknown rule '{selector}' in {option} (see `monitlint rules`)"
    if option == "--ignore":
        return cannot_turn_off(selector, "--ignore")
    return None


def _known(selector: str, key: str, where: str) -> None:
    """A mistyped selector must not pass silently: ``select = ["MON1O1"]`` would switch every rule off."""
    if selector.strip().upper() == "ALL":
        return  # picks every rule: nothing to import to know that
    if not rule_codes(selector):
        raise ConfigError(f"{where}: unknown rule '{selector}' in '{key}' (see `monitlint rules`)")


def _refuse_protected(selector: str, where: str, path: str) -> None:
    problem = cannot_turn_off(selector, where)
    if problem is not None:
        raise ConfigError(f"{path}: {problem}")


def _severity_overrides(table: dict[str, Severity], where: str | None) -> tuple[tuple[str, Severity], ...]:
    """``severity`` by code (selectors expanded, a later entry winning), never for what Monit refuses.

    With ``where`` (the configuration file), an unknown selector, or lowering an always-on rule by
    its code or name, is a ConfigError; without, they change nothing.
    """
    if not table:
        return ()
    protected = always_on()
    overrides: dict[str, Severity] = {}
    for key, severity in table.items():
        codes = rule_codes(key)
        if not codes and where is not None:
            raise ConfigError(f"{where}: unknown rule '{key}' in 'severity' (see `monitlint rules`)")
        for code in codes:
            if code in protected:
                if severity != Severity.ERROR and where is not None and protected_rule(key):
                    raise ConfigError(
                        f"{where}: the severity of {protected_rule(key)} is always error: Monit refuses such a file"
                    )
                continue  # a prefix (MON0 = "warning") lowers the others only
            overrides[code] = severity
    return tuple(overrides.items())
