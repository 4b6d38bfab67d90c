"""Target versions: monitlint --target-version X says what Monit X's own `monit -t` says.

Each file in tests/data/target_versions exercises one difference between releases 5.26 and 5.35
(docs/target-versions.md); every one is judged by every release's binary (tests/monit_versions.py),
and monitlint linting for that release must agree: an error (MON001 or MON006) exactly where the
binary refuses the file.  Lists of targets report the union, naming the releases that refuse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitlint.config import Config, ConfigError, load_config
from monitlint.linter.engine import EngineContext, Unit, lint_unit
from monitlint.monit_versions import RELEASES, TargetVersionError, parse_target, parse_targets
from monitlint.selection import RuleSelection, Settings
from tests.conftest import run_cli
from tests.monit_versions import RELEASES as JUDGED
from tests.monit_versions import Judge, monit_t

CASES = Path(__file__).parent / "data" / "target_versions"
CASE_FILES = sorted(CASES.glob("*.monitrc"))
REFUSED = {"MON001", "MON006"}


def _refuses(text: str, targets: tuple[tuple[int, int], ...]) -> list[str]:
    selection = RuleSelection.of(Config(), select=["MON001", "MON006"], targets=targets)
    result = lint_unit(Unit("monitrc", text), EngineContext(Settings(Config(), selection), None))
    return [f"{d.code} {d.span.line}: {d.message}" for d in result.diagnostics if d.code in REFUSED]


@pytest.mark.slow
@pytest.mark.parametrize("release", JUDGED)
@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
def test_target_version_agrees_with_that_release(
    case: Path, release: str, monit_binaries: dict[str, Judge], tmp_path: Path
) -> None:
    """monitlint --target-version X refuses a file exactly when Monit X's `monit -t` does."""
    judge = monit_binaries[release]
    text = case.read_text()
    verdict = monit_t(judge, text, tmp_path)
    ours = _refuses(text, (parse_target(judge.minor),))
    if verdict.accepts:
        assert not ours, f"Monit {release} accepts {case.name}; monitlint --target-version {judge.minor} says {ours}"
    else:
        assert ours, (
            f"Monit {release} says {verdict.output.strip()!r}; monitlint --target-version {judge.minor} is silent"
        )


def test_a_list_names_the_releases_that_refuse() -> None:
    """With several targets, one finding names each refusing release, shipped ones by their distribution."""
    text = "set daemon 30\ncheck network n with interface lo\n  if link up then alert\n"
    found = _refuses(text, parse_targets(["5.26", "5.27", "5.33"]))
    assert found == [
        "MON001 3: `if link up` / `if link down` needs Monit 5.28 or later; "
        "Ubuntu 20.04's 5.26.0 and Debian 11's 5.27.2 refuse it"
    ]
    assert _refuses(text, parse_targets(["5.31", "5.35"])) == []


def test_limits_in_both_directions() -> None:
    """A poll time over a year is fine until 5.34 and refused by 5.35; `if content changed` the other way."""
    daemon = "set daemon 40000000\n"
    assert _refuses(daemon, ((5, 34),)) == []
    assert "5.35.2 refuses it" in _refuses(daemon, ((5, 35),))[0]
    changed = "check program x with path /bin/true\n  if content changed then alert\n"
    assert _refuses(changed, ((5, 34),)) == []
    assert "Debian 12's 5.33.0 refuses it" in _refuses(changed, ((5, 33),))[0]


def test_default_target_is_533() -> None:
    """Without a target the selection lints for 5.33 (Debian 12's and Ubuntu 24.04's)."""
    assert RuleSelection.of(Config()).targets == ((5, 33),)


def test_targets_are_part_of_the_cache_key() -> None:
    """Two selections for different releases never share cached results."""
    assert RuleSelection.of(Config(), targets=[(5, 27)]).key() != RuleSelection.of(Config()).key()


@pytest.mark.parametrize(("text", "expected"), [("5.27", (5, 27)), ("5.27.2", (5, 27)), (" 5.35 ", (5, 35))])
def test_parse_target(text: str, expected: tuple[int, int]) -> None:
    """A minor or a patch release names a target."""
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["5.25", "5.36", "6.0", "latest", "", "5"])
def test_parse_target_refuses_unknown(text: str) -> None:
    """Anything outside 5.26 to 5.35 is refused with the list of releases."""
    with pytest.raises(TargetVersionError, match=r"5\.26, 5\.27"):
        parse_target(text)


def test_every_minor_release_is_a_target() -> None:
    """5.26 to 5.35, ten releases."""
    assert [f"{a}.{b}" for a, b in RELEASES] == [f"5.{m}" for m in range(26, 36)]


def test_config_keys(tmp_path: Path) -> None:
    """`target-version` and `target-versions` in [tool.monitlint] (merged, sorted); bad values are one-line errors."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.monitlint]\ntarget-version = "5.33"\ntarget-versions = ["5.27.2", "5.35"]\n')
    assert load_config(str(pyproject)).target_versions == ((5, 27), (5, 33), (5, 35))
    pyproject.write_text('[tool.monitlint]\ntarget-version = "5.99"\n')
    with pytest.raises(ConfigError, match="unknown Monit target version"):
        load_config(str(pyproject))
    pyproject.write_text("[tool.monitlint]\ntarget-versions = []\n")
    with pytest.raises(ConfigError, match="empty"):
        load_config(str(pyproject))


def test_cli_option(tmp_path: Path) -> None:
    """`--target-version` (repeated or a comma list) on `check`; an unknown release is a usage error."""
    control = tmp_path / "monitrc"
    control.write_text("set daemon 30\ncheck network n with interface lo\n  if link up then alert\n")
    control.chmod(0o600)
    ok = run_cli("check", "--isolated", "--no-cache", "--select", "MON001", "--target-version", "5.33", str(control))
    assert ok.exit_code == 0, ok.stdout
    old = run_cli(
        "check", "--isolated", "--no-cache", "--select", "MON001", "--target-version", "5.27,5.33", str(control)
    )
    assert old.exit_code == 1 and "Debian 11's 5.27.2 refuses it" in old.stdout
    bad = run_cli("check", "--isolated", "--target-version", "4.0", str(control))
    assert bad.exit_code == 2 and "unknown Monit target version" in bad.stderr


@pytest.mark.parametrize("release", JUDGED)
def test_provider_lints_for_the_monit_it_drives(release: str, monit_binaries: dict[str, Judge], tmp_path: Path) -> None:
    """`monitlint service` (MonitProvider) lints for the release its `monit -V` reports."""
    from monitlint.provider.monit_cli import monit_release
    from monitlint.provider.provider import MonitProvider

    judge = monit_binaries[release]
    assert monit_release(str(judge.path)) == parse_target(judge.minor)
    control = tmp_path / "monitrc"
    control.write_text("set daemon 30\n")
    control.chmod(0o600)
    provider = MonitProvider(str(control), monit=str(judge.path))
    config = provider.gate_config()
    assert config is not None
    assert config.target_versions == (parse_target(judge.minor),)


def test_provider_gate_refuses_what_its_monit_lacks(tmp_path: Path) -> None:
    """The gate in front of a 5.27 daemon blocks on `if link up` as on a syntax error; in front of 5.33 it passes."""
    from monitlint.provider.control_file import gate_all

    control = tmp_path / "monitrc"
    control.write_text("set daemon 30\ncheck network n with interface lo\n  if link up then alert\n")
    control.chmod(0o600)
    old = gate_all(str(control), Config(target_versions=((5, 27),)))
    assert [d.code for d in old.syntax] == ["MON001"]
    assert gate_all(str(control), Config(target_versions=((5, 33),))).syntax == []
