"""What Monit itself refuses (MON001, MON006) cannot be turned off below the CLI: not by the engine's
selection, ignore lists or severity overrides, and not by suppression comments (MON902 instead)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitlint.config import Config
from monitlint.diagnostics import Severity
from monitlint.linter.catalog import always_on_codes
from tests.conftest import lint_text, run_cli

BROKEN = "set daemon 30\ncheck process broken with pidfile\n"  # MON001 on line 2
REJECTED = 'set daemon 30\ncheck process a matching "("\n'  # MON006 on line 2


def codes(text: str, config: Config) -> list[tuple[str, int, Severity]]:
    """(code, line, severity) of every finding on ``text``."""
    return [(d.code, d.span.line, d.severity) for d in lint_text(text, "monitrc", config=config).diagnostics]


def test_the_always_on_rules_are_what_monit_refuses() -> None:
    # syntax errors, Monit's post-grammar rejections, and the host checks whose finding makes
    # `monit -t` exit 1 (they only run with host checks on); Monit's warnings are not among them
    host_refusals = {"MON601", "MON602", "MON603", "MON604", "MON605", "MON606", "MON608", "MON609", "MON613"}
    assert always_on_codes() == {"MON001", "MON006"} | host_refusals


def test_host_refusals_cannot_be_ignored_when_host_checks_are_on(tmp_path: Path) -> None:
    control = tmp_path / "monitrc"
    control.write_text(
        'set daemon 30\ncheck process a with pidfile /run/a.pid\n  start program = "/bin/true" as uid nosuchuser7\n'
    )
    control.chmod(0o600)
    found = run_cli("check", "--isolated", "--no-cache", "--host", "--select", "MON101", str(control))
    assert found.exit_code == 1 and "MON601" in found.stdout
    refused = run_cli("check", "--isolated", "--no-cache", "--host", "--ignore", "MON601", str(control))
    assert refused.exit_code == 2 and "MON601" in refused.stderr


@pytest.mark.parametrize(
    "config",
    [
        Config(select=["MON101"]),
        Config(ignore=["ALL"]),
        Config(ignore=["MON001", "MON006", "syntax-error", "monit-rejects"]),
        Config(per_file_ignores={"*": ["MON0"]}),
    ],
)
def test_selection_never_drops_them(config: Config) -> None:
    assert ("MON001", 2, Severity.ERROR) in codes(BROKEN, config)
    assert ("MON006", 2, Severity.ERROR) in codes(REJECTED, config)


def test_a_severity_override_never_lowers_them() -> None:
    config = Config(severity={"MON001": Severity.INFO, "MON006": Severity.WARNING})
    assert ("MON001", 2, Severity.ERROR) in codes(BROKEN, config)
    assert ("MON006", 2, Severity.ERROR) in codes(REJECTED, config)


@pytest.mark.parametrize("written", ["MON001", "syntax-error", "mon001"])
def test_a_suppression_of_a_syntax_error_is_a_bad_suppression(written: str) -> None:
    text = BROKEN.replace("pidfile\n", f"pidfile  # monitlint: disable={written}\n")
    found = lint_text(text, "monitrc", config=Config()).diagnostics
    assert [(d.code, d.span.line) for d in found if d.span.line == 2] == [("MON001", 2), ("MON902", 2)]
    assert found[-1].message == "MON001 cannot be disabled: Monit refuses this file"


@pytest.mark.parametrize("kind", ["disable", "disable-file"])
def test_a_suppression_of_a_monit_rejection_is_a_bad_suppression(kind: str) -> None:
    text = f"# monitlint: {kind}=MON006\n" + REJECTED
    found = lint_text(text, "monitrc", config=Config()).diagnostics
    assert ("MON006", 3) in [(d.code, d.span.line) for d in found]
    (bad,) = [d for d in found if d.code == "MON902"]
    assert bad.message == "MON006 cannot be disabled: Monit refuses this file" and bad.span.line == 1
    assert not [d for d in found if d.code == "MON901"]


def test_the_other_codes_of_the_comment_still_suppress() -> None:
    text = (
        "set daemon 30\n"
        "check process a with pidfile /run/a.pid  # monitlint: disable=MON006,MON101\n"
        '    start program = "/bin/a start"\n'
        '    if failed host "[" port 80 then restart\n'
    )
    found = [(d.code, d.span.line) for d in lint_text(text, "monitrc", config=Config()).diagnostics]
    assert ("MON101", 2) not in found and ("MON902", 2) in found


def test_through_the_cli_the_file_fails(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(BROKEN.replace("pidfile\n", "pidfile  # monitlint: disable=MON001\n"))
    result = run_cli("check", "--isolated", "--no-cache", "--format", "json", str(tmp_path / "monitrc"))
    assert result.exit_code == 1
    assert '"MON902"' in result.stdout and '"MON001"' in result.stdout
