"""Every machine-readable report validated against its schema (tests/schemas/README.md says where each comes from).

SARIF against the SARIF 2.1.0 JSON Schema, JUnit against Jenkins' junit-10.xsd and Ant's stricter
shape, GitLab Code Quality against the fields GitLab documents; plus what the schemas cannot say:
SARIF's `helpUri` leads to the rule's section of docs/rules.md, GitLab's categories follow the rule
family, JUnit carries one failure per file and fails exactly when `check` does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
import xmlschema

from monitlint.links import REPOSITORY, rule_anchor, rule_doc_url
from monitlint.linter.catalog import all_rules
from tests.conftest import REPO, CliResult, run_cli

SCHEMAS = REPO / "tests" / "schemas"
# Findings of every severity and family: MON303 (security), MON101 (error), MON107 (info), MON401 …
EXPOSED = """set daemon 30
set httpd port 2812
    allow 0.0.0.0/0.0.0.0
check process app with pidfile /run/app.pid
    start program = "/usr/bin/app start"
    if totalmem > 200 then alert
check process db with pidfile /run/db.pid
    start program = "/usr/bin/db start" with timeout 10 seconds
    stop program = "/usr/bin/db stop" with timeout 10 seconds
"""
INFO_ONLY = """set daemon 30
set httpd unixsocket /run/monit.sock allow localhost
check process x with pidfile /run/x.pid
    start program = "/usr/bin/x start"
    stop program = "/usr/bin/x stop"
"""


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "etc" / "monit").mkdir(parents=True)
    (tmp_path / "etc" / "monit" / "monitrc").write_text(EXPOSED)
    (tmp_path / "etc" / "monit" / "monitrc").chmod(0o600)
    (tmp_path / "info.monitrc").write_text(INFO_ONLY)
    odd = tmp_path / 'we<ird> & "name"'
    odd.mkdir()
    (odd / "monitrc").write_text("check process\n")  # a syntax error under a name XML must escape
    return tmp_path


def _run(cwd: Path, output_format: str, *extra: str) -> CliResult:
    return run_cli(
        "check", "--no-cache", "--isolated", "--format", output_format, *extra, ".", "missing.monitrc", cwd=cwd
    )


def test_sarif_validates_against_the_sarif_2_1_0_schema_with_a_help_uri_per_rule(tmp_path: Path) -> None:
    result = _run(_tree(tmp_path), "sarif")
    assert result.exit_code == 2  # missing.monitrc cannot be read: a tool execution notification
    log = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)
    (run,) = log["runs"]
    assert run["results"] and {r["level"] for r in run["results"]} == {"error", "warning", "note"}
    assert run["tool"]["driver"]["informationUri"] == REPOSITORY
    headings = set(re.findall(r"^## (MON\d+ \S+)$", (REPO / "docs" / "rules.md").read_text(), re.MULTILINE))
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == len(all_rules())
    for rule in rules:
        assert rule["helpUri"] == rule_doc_url(rule["id"], rule["name"])
        assert rule["helpUri"].startswith(f"{REPOSITORY}/blob/main/docs/rules.md#")
        assert f"{rule['id']} {rule['name']}" in headings  # the anchor's heading exists
        assert rule["helpUri"].endswith("#" + rule_anchor(rule["id"], rule["name"]))


def test_junit_validates_against_jenkins_xsd_and_ants_shape(tmp_path: Path) -> None:
    result = _run(_tree(tmp_path), "junit")
    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
    schema.validate(result.stdout)
    root = ElementTree.fromstring(result.stdout)
    assert root.tag == "testsuites" and root.get("time") is not None
    (suite,) = root.findall("testsuite")
    # Ant's JUnit.xsd (Windy Road): these attributes and elements are required of every suite.
    for attribute in ("name", "timestamp", "hostname", "tests", "failures", "errors", "time", "id", "package"):
        assert suite.get(attribute), attribute
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", suite.get("timestamp", ""))
    assert next(child.tag for child in suite) == "properties"
    assert [child.tag for child in suite][-2:] == ["system-out", "system-err"]
    cases = suite.findall("testcase")
    for case in cases:
        assert re.fullmatch(r"\d+\.\d{3}", case.get("time", "")), case.attrib
        assert len(case.findall("failure")) + len(case.findall("error")) <= 1, case.get("name")
    by_name = {case.get("name"): case for case in cases}
    main = by_name["etc/monit/monitrc"].find("failure")
    assert main is not None
    lines = (main.text or "").splitlines()
    # One failure carrying every finding of the file, one line each.
    assert len(lines) >= 3 and all(line.startswith("etc/monit/monitrc:") for line in lines)
    assert {"MON303", "MON101"} <= {line.split()[1] for line in lines}
    assert (main.get("message") or "").startswith(f"{len(lines)} findings")
    assert by_name['we<ird> & "name"/monitrc'].find("failure") is not None
    # The info-only file passes (infos do not fail `check` by default); its findings are in system-out.
    assert by_name["info.monitrc"].find("failure") is None
    assert "info.monitrc:4:5: MON107 info" in (suite.findtext("system-out") or "")
    assert by_name["missing.monitrc"].find("error") is not None
    assert suite.get("failures") == "2" and suite.get("errors") == "1" and suite.get("tests") == str(len(cases))


def test_junit_with_fail_on_info_fails_the_info_only_file(tmp_path: Path) -> None:
    result = _run(_tree(tmp_path), "junit", "--fail-on", "info")
    xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd")).validate(result.stdout)
    cases = {c.get("name"): c for c in ElementTree.fromstring(result.stdout).iter("testcase")}
    assert cases["info.monitrc"].find("failure") is not None


@pytest.mark.parametrize(("code", "category"), [("MON303", "Security"), ("MON101", "Bug Risk"), ("MON107", "Clarity")])
def test_gitlab_validates_and_categories_follow_the_rule_family(tmp_path: Path, code: str, category: str) -> None:
    result = _run(_tree(tmp_path), "gitlab")
    report = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / "gitlab-codequality.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(report)
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    found = [issue for issue in report if issue["check_name"].startswith(code + " ")]
    assert found and all(issue["categories"] == [category] for issue in found)


def test_every_rule_has_a_gitlab_category_of_code_climates() -> None:
    from monitlint.output.gitlab import category

    allowed = {"Bug Risk", "Clarity", "Compatibility", "Complexity", "Duplication", "Performance", "Security", "Style"}
    for rule in all_rules():
        assert category(rule.code) in allowed
        if rule.code.startswith("MON3"):
            assert category(rule.code) == "Security"
