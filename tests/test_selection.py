"""One rule selection (``monitlint.selection.RuleSelection``): only the selected rules run, and its key is stable."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import monitlint.linter.rules as rules_package
from monitlint.cli import cli
from monitlint.config import Config, ConfigError
from monitlint.diagnostics import Severity
from monitlint.linter.catalog import all_rules
from monitlint.selection import RuleSelection

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MONITRC = """set daemon 30
check process a with pidfile /run/a.pid
    start program = "/bin/a start"
    if cpu > 80 then alert
check process b matching "("
"""


@pytest.fixture
def called(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The codes of the rules whose ``check`` ran, in order, while the test runs."""
    calls: list[str] = []

    def counting(code: str, check: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        def wrapped(*args: Any) -> Iterator[Any]:
            calls.append(code)
            return check(*args)

        return wrapped

    patched = [
        dataclasses.replace(rule, check=counting(rule.code, rule.check)) if rule.check is not None else rule
        for rule in rules_package.RULES
    ]
    monkeypatch.setattr(rules_package, "RULES", patched)
    return calls


def _check(tmp_path: Path, *options: str) -> Any:
    control = tmp_path / "monitrc"
    control.write_text(MONITRC)
    control.chmod(0o600)
    return CliRunner().invoke(cli, ["check", "--isolated", "--no-cache", "--format", "json", *options, str(control)])


def test_select_mon101_runs_only_its_check_and_the_always_on_ones(tmp_path: Path, called: list[str]) -> None:
    result = _check(tmp_path, "--select", "MON101")
    assert result.exit_code == 1, result.output
    always_on_checks = {r.code for r in all_rules() if r.always_on and r.check is not None}
    assert set(called) == {"MON101"} | always_on_checks
    assert len(called) == len(set(called))  # each once
    every_check = [r.code for r in all_rules() if r.check is not None]
    assert len(called) < len(every_check) // 2  # was: every check ran and the findings were filtered afterwards


def test_the_findings_are_those_of_every_rule_filtered(tmp_path: Path) -> None:
    import json

    everything = json.loads(_check(tmp_path).output)["diagnostics"]
    selected = json.loads(_check(tmp_path, "--select", "MON101").output)["diagnostics"]
    always = {r.code for r in all_rules() if r.always_on}
    assert selected == [d for d in everything if d["code"] in {"MON101"} | always]
    assert "MON101" in {d["code"] for d in selected} and len(selected) < len(everything)


def test_ignored_rules_do_not_run(tmp_path: Path, called: list[str]) -> None:
    _check(tmp_path, "--ignore", "MON1")
    assert not [code for code in called if code.startswith("MON1")]
    assert "MON401" in called


def test_the_key_is_stable_and_names_what_changes_findings() -> None:
    base = RuleSelection.of(Config())
    assert base.key() == RuleSelection.of(Config()).key()
    assert base == RuleSelection.of(Config())
    assert hash(base) == hash(RuleSelection.of(Config()))
    different = [
        RuleSelection.of(Config(), select=["MON1"]),
        RuleSelection.of(Config(), ignore=["MON401"]),
        RuleSelection.of(Config(), fail_on=Severity.ERROR),
        RuleSelection.of(Config(severity={"MON401": Severity.ERROR})),
        RuleSelection.of(Config(per_file_ignores={"*.conf": ["MON4"]})),
    ]
    keys = {base.key(), *(s.key() for s in different)}
    assert len(keys) == 1 + len(different)


def test_a_selection_is_frozen() -> None:
    selection = RuleSelection.of(Config())
    with pytest.raises(dataclasses.FrozenInstanceError):
        selection.select = ("MON1",)  # type: ignore[misc]


def test_the_command_line_overrides_the_file_without_changing_it() -> None:
    config = Config(source="x.toml", select=["MON4"], ignore=["MON402"], fail_on=Severity.WARNING)
    selection = RuleSelection.checked(config, select=["MON1"], ignore=["MON107"], fail_on=Severity.ERROR)
    assert selection.select == ("MON1",) and selection.ignore == ("MON402", "MON107")
    assert selection.fail_on == Severity.ERROR
    assert config.select == ["MON4"] and config.ignore == ["MON402"] and config.fail_on == Severity.WARNING
    assert "MON101" in selection.codes() and "MON107" not in selection.codes() and "MON001" in selection.codes()


def test_checked_refuses_what_of_lets_the_engine_ignore() -> None:
    config = Config(source="x.toml", ignore=["MON001"])
    assert "MON001" in RuleSelection.of(config).codes()
    with pytest.raises(ConfigError, match="cannot be turned off"):
        RuleSelection.checked(config)
    with pytest.raises(ConfigError, match="unknown rule 'MON1O1' in 'select'"):
        RuleSelection.checked(Config(source="x.toml", select=["MON1O1"]))
