"""Every output format, through the CLI, against the fields its consumers require.

The samples are linted from the repository root with relative paths, as a CI job would.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest

from monitlint.linter.catalog import all_rules
from tests.conftest import REPO, run_cli

MISSING_STOP = "samples/missing-stop/monitrc"
SYNTAX_ERRORS = "samples/syntax-errors/monitrc"
# (code, path, line, column, end_line, end_column) of every finding in the two samples
EXPECTED = [
    ("MON101", MISSING_STOP, 19, 1, 19, 20),
    ("MON001", SYNTAX_ERRORS, 10, 31, 10, 36),
    ("MON001", SYNTAX_ERRORS, 16, 17, 16, 22),
    ("MON001", SYNTAX_ERRORS, 20, 19, 20, 20),
]
# One warning, one info, one warning: every severity but error, for the level mappings.
LEVELS = """set daemon 30
check process x with pidfile /run/x.pid
    start program = "/bin/x"
    stop program = "/bin/x stop" with timeout 10 seconds
    if memory > 200 then alert
"""


def run(output_format: str, *paths: str, cwd: Path = REPO, extra: tuple[str, ...] = ()) -> tuple[int, str]:
    """Lint ``paths`` (default: both samples) in ``output_format``; return (exit status, stdout)."""
    result = run_cli(
        "check",
        "--isolated",
        "--no-cache",
        "--format",
        output_format,
        *extra,
        *(paths or (MISSING_STOP, SYNTAX_ERRORS)),
        cwd=cwd,
    )
    assert result.stderr == "", result.stderr
    return result.exit_code, result.stdout


def sarif_results(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The results of the only run of a SARIF log."""
    assert len(document["runs"]) == 1
    results: list[dict[str, Any]] = document["runs"][0]["results"]
    return results


def region_of(result: dict[str, Any]) -> tuple[str, str, int, int, int, int]:
    """(ruleId, uri, startLine, startColumn, endLine, endColumn) of a SARIF result."""
    location = result["locations"][0]["physicalLocation"]
    region = location["region"]
    return (
        result["ruleId"],
        location["artifactLocation"]["uri"],
        region["startLine"],
        region["startColumn"],
        region["endLine"],
        region["endColumn"],
    )


# --- SARIF ----------------------------------------------------------------------------------------


def test_sarif_log_structure() -> None:
    code, out = run("sarif")
    assert code == 1
    document = json.loads(out)
    assert document["version"] == "2.1.0"
    assert document["$schema"].startswith("https://") and "sarif" in document["$schema"]
    assert "2.1.0" in document["$schema"]
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "monitlint"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for entry, rule in zip(rules, all_rules(), strict=True):
        assert entry["name"] == rule.name
        assert entry["shortDescription"]["text"] == rule.summary
        assert entry["help"]["text"] == rule.doc
        assert "What it detects" in entry["help"]["text"]


def test_sarif_results() -> None:
    document = json.loads(run("sarif")[1])
    results = sarif_results(document)
    assert [region_of(r) for r in results] == EXPECTED
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    for result in results:
        assert result["level"] == "error"
        assert result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert not location["uri"].startswith(("/", "file:"))
        assert location["uriBaseId"] == "%SRCROOT%"
        fingerprints = result["partialFingerprints"]
        assert fingerprints and all(isinstance(v, str) and v for v in fingerprints.values())
    base = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    assert unquote(base[len("file://") :]).rstrip("/") == str(REPO)
    all_fingerprints = [tuple(r["partialFingerprints"].items()) for r in results]
    assert len(set(all_fingerprints)) == len(all_fingerprints)


def test_sarif_levels_follow_severity(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(LEVELS)
    results = sarif_results(json.loads(run("sarif", "monitrc", cwd=tmp_path)[1]))
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("MON501", "warning"),
        ("MON107", "note"),
        ("MON401", "warning"),
    ]


def test_sarif_with_no_findings_is_still_a_valid_log(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text("set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n")
    code, out = run("sarif", "monitrc", cwd=tmp_path)
    assert code == 0
    document = json.loads(out)
    assert document["version"] == "2.1.0" and sarif_results(document) == []


def _copy_samples(target: Path, blank_lines: int = 0) -> None:
    for sample in (MISSING_STOP, SYNTAX_ERRORS):
        destination = target / sample
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text("\n" * blank_lines + (REPO / sample).read_text())


def _fingerprints(output_format: str, cwd: Path) -> list[str]:
    out = run(output_format, cwd=cwd)[1]
    if output_format == "sarif":
        return [r["partialFingerprints"]["monitlint/v1"] for r in sarif_results(json.loads(out))]
    return [issue["fingerprint"] for issue in json.loads(out)]


@pytest.mark.parametrize("output_format", ["sarif", "gitlab"])
def test_fingerprints_are_stable_across_runs_and_line_moves(output_format: str, tmp_path: Path) -> None:
    _copy_samples(tmp_path / "a")
    first = _fingerprints(output_format, tmp_path / "a")
    assert len(first) == len(EXPECTED) == len(set(first))
    assert _fingerprints(output_format, tmp_path / "a") == first
    _copy_samples(tmp_path / "b", blank_lines=1)  # every finding moves one line down
    moved = json.loads(run("json", cwd=tmp_path / "b")[1])["diagnostics"]
    assert [d["line"] for d in moved] == [line + 1 for (_, _, line, *_rest) in EXPECTED]
    assert _fingerprints(output_format, tmp_path / "b") == first


def test_fingerprint_does_not_depend_on_how_the_path_is_spelt(tmp_path: Path) -> None:
    _copy_samples(tmp_path)
    relative = json.loads(run("sarif", MISSING_STOP, cwd=tmp_path)[1])
    absolute = json.loads(run("sarif", str(tmp_path / MISSING_STOP), cwd=tmp_path)[1])
    dotted = json.loads(run("sarif", "./" + MISSING_STOP, cwd=tmp_path)[1])
    prints = [[r["partialFingerprints"] for r in sarif_results(d)] for d in (relative, absolute, dotted)]
    assert prints[0] == prints[1] == prints[2]
    uris = [[region_of(r)[1] for r in sarif_results(d)] for d in (relative, absolute, dotted)]
    assert uris == [[MISSING_STOP]] * 3


def test_sarif_uri_is_percent_encoded(tmp_path: Path) -> None:
    folder = tmp_path / "my configs#1"
    folder.mkdir()
    shutil.copy(REPO / MISSING_STOP, folder / "app monitrc")
    document = json.loads(run("sarif", "my configs#1/app monitrc", cwd=tmp_path)[1])
    (result,) = sarif_results(document)
    uri = region_of(result)[1]
    assert uri == "my%20configs%231/app%20monitrc"
    assert unquote(uri) == "my configs#1/app monitrc"
    base = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert " " not in base


# --- GitHub workflow commands -----------------------------------------------------------------------

GITHUB = re.compile(
    r"^::(?P<command>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),title=(?P<title>[^:]+)::(?P<message>.+)$"
)


def test_github_one_workflow_command_per_finding() -> None:
    code, out = run("github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(EXPECTED)
    for line, (rule_code, path, start, column, end_line, end_column) in zip(lines, EXPECTED, strict=True):
        match = GITHUB.match(line)
        assert match, line
        assert match["command"] == "error"
        assert (match["file"], int(match["line"]), int(match["col"])) == (path, start, column)
        assert (int(match["end_line"]), int(match["end_col"])) == (end_line, end_column)
        rule = next(r for r in all_rules() if r.code == rule_code)
        assert match["title"] == f"{rule_code} {rule.name}"
        assert "\n" not in match["message"] and match["message"].strip()
    assert "has no stop program" in lines[0]


def test_github_levels_and_escaping(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(LEVELS)
    code, out = run("github", "monitrc", cwd=tmp_path)
    assert code == 1
    matches = [GITHUB.match(line) for line in out.splitlines()]
    assert all(matches), out
    assert [(m["command"], m["title"]) for m in matches if m] == [
        ("warning", "MON501 cli-unreachable"),
        ("notice", "MON107 program-timeout-default"),
        ("warning", "MON401 unitless-threshold"),
    ]
    # `%` in a message is escaped as `%25`, so GitHub does not read it as an escape sequence
    assert "(or `%25`)" in out and "(or `%`)" not in out


def test_github_prints_nothing_without_findings(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text("set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n")
    assert run("github", "monitrc", cwd=tmp_path) == (0, "")


# --- GitLab Code Quality -------------------------------------------------------------------------------


def test_gitlab_code_quality_report() -> None:
    code, out = run("gitlab")
    assert code == 1
    issues = json.loads(out)
    assert isinstance(issues, list) and len(issues) == len(EXPECTED)
    for issue, (rule_code, path, line, _column, end_line, _end_column) in zip(issues, EXPECTED, strict=True):
        assert issue["description"] and rule_code in issue["description"]
        assert issue["check_name"].startswith(rule_code)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["severity"] == "critical"
        assert issue["location"]["path"] == path
        assert issue["location"]["lines"]["begin"] == line
        assert issue["location"]["lines"].get("end", line) == end_line
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_fingerprints_unique_for_identical_lines(tmp_path: Path) -> None:
    # the same mistake twice in one service: same rule, file, service and line text
    (tmp_path / "monitrc").write_text(
        "check process x with pidfile /run/x.pid\n"
        '    start program = "/bin/x start" with timeout 5 seconds\n'
        '    stop program = "/bin/x stop" with timeout 5 seconds\n'
        "    if memory > 200 then alert\n"
        "    if memory > 200 then alert\n"
    )
    issues = json.loads(run("gitlab", "monitrc", cwd=tmp_path)[1])
    assert [(i["check_name"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("MON401 unitless-threshold", 4),
        ("MON401 unitless-threshold", 5),
    ]
    assert len({i["fingerprint"] for i in issues}) == 2
    assert {i["severity"] for i in issues} == {"major"}


def test_gitlab_empty_report(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text("set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n")
    assert run("gitlab", "monitrc", cwd=tmp_path) == (0, "[]\n")


# --- JUnit XML -----------------------------------------------------------------------------------------


def test_junit_one_failure_per_file_carrying_its_findings(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text("set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n")
    clean = str(tmp_path / "monitrc")
    code, out = run("junit", MISSING_STOP, SYNTAX_ERRORS, clean)
    assert code == 1
    root = ElementTree.fromstring(out)
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == [MISSING_STOP, SYNTAX_ERRORS, clean]
    failures = [(case.get("name"), failure) for case in cases for failure in case.findall("failure")]
    # One <failure> per failing file (the common JUnit schemas allow one), its text a line per finding.
    assert [(name, f.get("type")) for name, f in failures] == [(MISSING_STOP, "MON101"), (SYNTAX_ERRORS, "MON001")]
    lines = [line for _name, failure in failures for line in (failure.text or "").splitlines()]
    assert len(lines) == len(EXPECTED)
    for line, (code, path, row, column, *_rest) in zip(lines, EXPECTED, strict=True):
        assert line.startswith(f"{path}:{row}:{column}: {code} error: ")
    assert [f.get("message", "").split(",")[0] for _name, f in failures] == ["1 finding", "3 findings"]
    assert cases[2].findall("failure") == []  # the clean file is a passing test case
    suite = root.find("testsuite")
    assert suite is not None
    # failures count failing files (test cases), not findings
    assert suite.get("tests") == "3" and suite.get("failures") == "2" and suite.get("errors") == "0"
    assert root.get("failures") == "2"


# --- JSON and text ---------------------------------------------------------------------------------------


def test_json_document() -> None:
    code, out = run("json")
    assert code == 1
    document = json.loads(out)
    assert document["version"] == 1
    diagnostics = document["diagnostics"]
    assert [(d["code"], d["path"], d["line"], d["column"], d["end_line"], d["end_column"]) for d in diagnostics] == (
        EXPECTED
    )
    keys = {
        "code",
        "rule",
        "severity",
        "message",
        "hint",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "service",
    }
    assert all(set(d) == keys for d in diagnostics)
    assert diagnostics[0]["service"] == "myapp" and diagnostics[0]["rule"] == "missing-stop-program"
    assert document["summary"] == {
        "files": 2,
        "total": 4,
        "errors": 4,
        "warnings": 0,
        "infos": 0,
        "unreadable": 0,
    }
    assert document["errors"] == []


def test_text_output() -> None:
    code, out = run("text")
    assert code == 1
    for rule_code, path, line, column, _end_line, end_column in EXPECTED:
        header = f"{path}:{line}:{column}: {rule_code} error: "
        assert header in out
        block = out[out.index(header) :].split("\n\n", 1)[0].splitlines()
        source = (REPO / path).read_text().splitlines()[line - 1]
        assert block[1] == f"{line} | {source}"
        assert block[2] == f"{' ' * len(str(line))} | {' ' * (column - 1)}{'^' * (end_column - column)}"
        assert block[3].startswith("  = hint: ")
    assert out.rstrip().endswith("Found 4 problems (4 errors) in 2 files.")
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_text_output_never_sends_a_config_s_control_characters_to_the_terminal(tmp_path: Path) -> None:
    config = tmp_path / "monitrc"
    config.write_bytes(b'check process a matching "x\x1b[31m\x07("\n')
    result = run_cli("check", "--no-cache", "--isolated", str(config))
    assert result.exit_code == 1
    assert "MON006" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    source_line = next(line for line in result.stdout.splitlines() if line.startswith("1 |"))
    caret_line = result.stdout.splitlines()[result.stdout.splitlines().index(source_line) + 1]
    # Each control character is shown as a visible escape, and the caret still starts under column 1.
    assert source_line == '1 | check process a matching "x\\x1b[31m\\x07("'
    assert caret_line.startswith("  | ^")


def test_every_format_is_in_the_registry_with_one_signature() -> None:
    import inspect

    from monitlint import cli, output

    assert list(output.FORMATS) == cli.FORMATS
    for name in output.FORMATS:
        parameters = list(inspect.signature(output.formatter(name)).parameters)
        assert parameters == ["report", "options"], name


def test_a_format_renders_a_report_from_the_api(tmp_path: Path) -> None:
    import json

    import monitlint
    from monitlint import output

    control = tmp_path / "monitrc"
    control.write_text("check process a with pidfile /run/a.pid\n")
    report = monitlint.lint([control])
    document = json.loads(output.render("json", report))
    assert {d["code"] for d in document["diagnostics"]} >= {"MON101"}
    assert document["summary"]["files"] == 1
    assert output.render("text", report, output.FormatOptions(statistics=True)).split()[1] == "MON101"


def test_concise_one_line_per_finding() -> None:
    code, out = run("concise")
    assert code == 1
    lines = out.splitlines()
    expected = sorted(EXPECTED, key=lambda e: (e[1], e[2], e[3]))
    assert len(lines) == len(expected)
    for line, (rule_code, path, row, column, _end_line, _end_column) in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}:{row}:{column}: {rule_code} error: "), line
    assert "hint" not in out and "Found" not in out


def test_concise_escapes_paths_and_messages(tmp_path: Path) -> None:
    name = tmp_path / "a\nb:1:1: MON001 error: fake"
    name.mkdir()
    (name / "monitrc").write_bytes(b'check process a matching "x\x1b[31m\n("\n')
    result = run_cli("check", "--no-cache", "--isolated", "--format", "concise", str(name / "monitrc"))
    lines = result.stdout.splitlines()
    assert result.exit_code == 1 and lines and all("\\n" in line for line in lines)
    assert "\x1b" not in result.stdout
    assert all(re.fullmatch(r".+:\d+:\d+: MON\d{3} (error|warning|info): .+", line) for line in lines)


def test_concise_prints_nothing_without_findings(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text("set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n")
    result = run_cli("check", "--no-cache", "--isolated", "--format", "concise", "monitrc", cwd=tmp_path)
    assert result.exit_code == 0 and result.stdout == ""
