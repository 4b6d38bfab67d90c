"""Rule documentation: docs/rules.md is generated from the registry, and `monitlint rule(s)` print it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from monitlint.links import manual_url, rule_doc_url
from monitlint.linter.catalog import all_rules
from monitlint.linter.registry import Rule
from tests.conftest import REPO, run_cli

GENERATOR = REPO / "scripts" / "generate_rules_doc.py"
RULES_MD = REPO / "docs" / "rules.md"
SECTIONS = ("What it detects", "Why it matters", "Bad", "Good")


def _generated() -> str:
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), "--stdout"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_committed_rules_md_is_up_to_date() -> None:
    assert RULES_MD.is_file(), "docs/rules.md is missing: run python scripts/generate_rules_doc.py"
    assert RULES_MD.read_text(encoding="utf-8") == _generated(), (
        "docs/rules.md is out of date: run python scripts/generate_rules_doc.py"
    )


def test_generator_check_mode_agrees() -> None:
    proc = subprocess.run([sys.executable, str(GENERATOR), "--check"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_rules_md_documents_every_rule() -> None:
    text = RULES_MD.read_text(encoding="utf-8")
    for rule in all_rules():
        assert f"\n## {rule.code} {rule.name}\n" in text
        assert f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | `{rule.name}` | {rule.severity} |" in text


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_doc_has_the_sections(rule: Rule) -> None:
    lines = rule.doc.splitlines()
    assert lines[0].startswith(f"{rule.code} {rule.name}: "), lines[0]
    titles = [line for line in lines[1:] if line and not line[0].isspace()]
    # An optional section says which Monit releases refuse what (MON001, MON006: version gates).
    if titles[-1:] == ["Monit versions"]:
        titles.pop()
    # A rule with a safe fix says what it does in a last section, "Fix", and in FIX (`monitlint rule`).
    assert titles == [*SECTIONS, *(["Fix"] if rule.fix is not None else [])], f"{rule.code}: sections {titles}"
    assert (rule.fix is None) == (rule.fix_summary is None), f"{rule.code}: `fix` and FIX go together"
    for index, line in enumerate(lines):
        if line in (*SECTIONS, "Fix"):
            body = lines[index + 1] if index + 1 < len(lines) else ""
            assert body.startswith("    ") and body.strip(), f"{rule.code}: section '{line}' is empty"
    assert rule.summary and rule.name == rule.name.lower() and " " not in rule.name


@pytest.mark.parametrize("key", ["MON101", "missing-stop-program", "mon101"])
def test_rule_command_prints_the_doc(key: str) -> None:
    result = run_cli("rule", key)
    assert result.exit_code == 0, result.stderr
    rule = next(r for r in all_rules() if r.code == "MON101")
    assert result.stdout.startswith("MON101 missing-stop-program (error)\n")
    assert rule.doc in result.stdout
    for section in SECTIONS:
        assert f"\n{section}\n" in result.stdout
    assert result.stderr == ""


def test_unknown_rule_exits_2_with_one_line() -> None:
    result = run_cli("rule", "MON999")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "MON999" in lines[0] and lines[0].startswith("monitlint: error:")


def test_rules_lists_every_rule_as_a_table() -> None:
    result = run_cli("rules")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    rules = all_rules()
    assert len(lines) == len(rules)
    for line, rule in zip(lines, rules, strict=True):
        assert line.split()[:3] == [rule.code, rule.name, str(rule.severity)], line
        assert line.endswith(rule.summary)


def test_rules_json_lists_every_rule() -> None:
    result = run_cli("rules", "--format", "json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [entry["code"] for entry in listed] == [r.code for r in all_rules()]
    for entry, rule in zip(listed, all_rules(), strict=True):
        assert entry == {
            "code": rule.code,
            "name": rule.name,
            "severity": str(rule.severity),
            "summary": rule.summary,
            "scope": rule.scope,
            "fix": rule.fix_summary,
            "manual": manual_url(rule.manual) if rule.manual else None,
            "since": rule.since,
            "url": rule_doc_url(rule.code, rule.name),
        }
    assert {entry["scope"] for entry in listed} == {"file", "config"}
    assert {entry["code"] for entry in listed if entry["fix"]} == {"MON107", "MON404", "MON504"}
