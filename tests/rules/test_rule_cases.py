"""Every rule has a sample that triggers it and one that does not, proven through the CLI in text and JSON.

Each case lives in tests/rules/cases/<CODE>/{bad,good}/monitrc; a trailing `# expect: CODE [CODE...]`
comment marks each line where the bad sample must be reported.  A case folder with a `host.toml`
is linted with that configuration instead of `--isolated` (host checks: `host = true` and a
`root` sysroot, tests/rules/host-sysroot).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from monitlint.diagnostics import Severity
from monitlint.linter.catalog import all_rules
from tests.conftest import run_cli

CASES = Path(__file__).with_name("cases")
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>(?:MON\d{3}\s*)+)$")
# Rules whose samples need file modes or ownership are proven in test_rule_permissions.py.
SPECIAL = {"MON301", "MON304"}
# MON010 is about templates, not control files: its cases are roles, in tests/templates/test_jinja_roles.py.
SPECIAL |= {"MON010"}
# MON901 reports suppressions of *enabled* rules only, so its case enables the rule it names.
ALSO_SELECT = {"MON901": ",MON107"}


def isolation(code: str) -> list[str]:
    """`--isolated`, or `--config host.toml` for a case that needs a configuration (host checks)."""
    config = CASES / code / "host.toml"
    return ["--config", str(config)] if config.is_file() else ["--isolated"]


def expected_lines(path: Path, code: str) -> list[int]:
    lines = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = EXPECT.search(line)
        if match and code in match.group("codes").split():
            lines.append(number)
    return lines


def case_codes() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


def test_every_rule_has_cases() -> None:
    missing = [r.code for r in all_rules() if r.code not in SPECIAL and not (CASES / r.code / "bad").is_dir()]
    assert missing == []
    assert all((CASES / code / "good" / "monitrc").is_file() for code in case_codes())


@pytest.mark.parametrize("code", case_codes())
def test_bad_sample_triggers_the_rule(code: str) -> None:
    bad = CASES / code / "bad" / "monitrc"
    wanted = expected_lines(bad, code)
    assert wanted, f"{bad} has no `# expect: {code}` marker"
    select = code + ALSO_SELECT.get(code, "")
    result = run_cli("check", *isolation(code), "--select", select, "--format", "json", str(bad))
    document = json.loads(result.stdout)
    found = sorted(d["line"] for d in document["diagnostics"] if d["code"] == code)
    assert found == wanted, document["diagnostics"]
    rule = next(r for r in all_rules() if r.code == code)
    # Infos never fail `check` by default (fail-on = "warning"); warnings and errors do.
    assert result.exit_code == (0 if rule.severity is Severity.INFO else 1)
    assert all(d["rule"] == rule.name for d in document["diagnostics"] if d["code"] == code)
    text = run_cli("check", *isolation(code), "--select", select, str(bad))
    for line in wanted:
        assert re.search(rf"monitrc:{line}:\d+: {code} {rule.severity}: ", text.stdout), text.stdout


@pytest.mark.parametrize("code", case_codes())
def test_good_sample_does_not_trigger_the_rule(code: str) -> None:
    good = CASES / code / "good" / "monitrc"
    select = code + ALSO_SELECT.get(code, "")
    result = run_cli("check", *isolation(code), "--select", select, "--format", "json", str(good))
    assert json.loads(result.stdout)["diagnostics"] == []
    assert result.exit_code == 0
    text = run_cli("check", *isolation(code), "--select", select, str(good))
    assert code not in text.stdout and text.stdout.startswith("No problems found")
