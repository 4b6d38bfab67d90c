"""`check` as teams run it: each file once with one spelling, what Monit refuses always reported,
the configuration closest to each file, entrypoints validated, outputs that account for every file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import REPO, CliResult, findings_of, run_cli

MONITRC = """set daemon 30
set httpd unixsocket /run/monit.sock allow localhost
include /etc/monit/conf.d/*
"""
APP = """check process app with pidfile /run/app.pid
    start program = "/usr/bin/app" with timeout 10 seconds
"""  # no stop program: MON101
SYNTAX = "check process broken with pidfile\n"  # MON001


def _repo(base: Path, files: dict[str, str]) -> Path:
    (base / ".git").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return base


def check(cwd: Path, *args: str, stdin: str | None = None) -> CliResult:
    return run_cli("check", "--no-cache", *args, cwd=cwd, stdin=stdin)


def findings(result: CliResult) -> list[tuple[str, str, int]]:
    document = json.loads(result.stdout)
    return [(d["path"], d["code"], d["line"]) for d in document["diagnostics"]]


# --- each file once, one spelling ------------------------------------------------------------------------


def test_root_dot_and_a_folder_report_each_included_finding_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"etc/monit/monitrc": MONITRC, "etc/monit/conf.d/app": APP})
    for args in (("--root", ".", "etc/monit"), ("--root", ".", "./etc/monit", "etc/monit/conf.d/app")):
        result = check(repo, "--isolated", "--format", "json", *args)
        assert findings(result) == [("etc/monit/conf.d/app", "MON101", 1)], args
        assert json.loads(result.stdout)["summary"]["files"] == 2
    text = check(repo, "--isolated", "--root", ".", "etc/monit", str(repo / "etc/monit/monitrc"))
    assert text.stdout.count("MON101") == 1 and "./etc" not in text.stdout
    assert text.stdout.rstrip().endswith("Found 1 problem (1 error) in 2 files.")


def test_a_folder_and_a_file_in_it_count_one_problem() -> None:
    result = run_cli(
        "check", "--isolated", "--no-cache", "samples/missing-stop", "samples/missing-stop/monitrc", cwd=REPO
    )
    assert result.stdout.rstrip().endswith("Found 1 problem (1 error) in 1 file.")
    assert result.exit_code == 1


@pytest.mark.parametrize("output_format", ["json", "github", "sarif", "gitlab", "junit", "text"])
def test_one_spelling_in_every_format(tmp_path: Path, output_format: str) -> None:
    repo = _repo(tmp_path, {"etc/monit/monitrc": MONITRC, "etc/monit/conf.d/app": APP})
    result = check(repo, "--isolated", "--format", output_format, "--root", ".", str(repo / "etc" / "monit"))
    assert "etc/monit/conf.d/app" in result.stdout
    assert str(repo) not in result.stdout.replace(repo.as_uri(), "")  # (SARIF's base URI is absolute)
    assert "./etc" not in result.stdout


def test_a_file_outside_the_current_folder_keeps_its_spelling(tmp_path: Path) -> None:
    _repo(tmp_path / "repo", {"monitrc": SYNTAX})
    (tmp_path / "elsewhere").mkdir()
    result = check(tmp_path / "elsewhere", "--isolated", "--format", "json", "../repo/monitrc")
    assert {path for path, _code, _line in findings(result)} == {"../repo/monitrc"}
    absolute = str(tmp_path / "repo" / "monitrc")
    github = check(tmp_path / "elsewhere", "--isolated", "--format", "github", absolute)
    assert github.stdout.startswith(f"::error file={absolute},line=1,")
    sarif = json.loads(check(tmp_path / "elsewhere", "--isolated", "--format", "sarif", absolute).stdout)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "repo" / "monitrc").as_uri()}


# --- what Monit refuses is always reported -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("--select", "MON101"),
        ("--ignore", "MON0"),
        ("--ignore", "ALL"),
        ("--select", "MON4", "--fail-on", "error"),
    ],
)
def test_syntax_errors_and_monit_rejections_survive_selection(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "monitrc").write_text(SYNTAX + 'check process a matching "("\n')
    result = check(tmp_path, "--isolated", "--format", "json", *args, "monitrc")
    codes = {code for _path, code, _line in findings(result)}
    assert {"MON001", "MON006"} <= codes, result.stdout
    assert result.exit_code == 1


@pytest.mark.parametrize("selector", ["MON001", "syntax-error", "mon006", "monit-rejects"])
def test_naming_them_in_ignore_is_a_one_line_error(tmp_path: Path, selector: str) -> None:
    (tmp_path / "monitrc").write_text(SYNTAX)
    result = check(tmp_path, "--isolated", "--ignore", f"MON101,{selector}", "monitrc")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "cannot be turned off in --ignore" in line and result.stdout == ""


@pytest.mark.parametrize(
    "config",
    [
        'ignore = ["MON001"]',
        'per-file-ignores = { "*" = ["monit-rejects"] }',
        'severity = { MON001 = "warning" }',
    ],
)
def test_naming_them_in_the_configuration_is_a_one_line_error(tmp_path: Path, config: str) -> None:
    (tmp_path / ".monitlint.toml").write_text(config + "\n")
    (tmp_path / "monitrc").write_text(SYNTAX)
    result = check(tmp_path, "monitrc")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert ".monitlint.toml" in line and ("MON001" in line or "MON006" in line)


def test_a_prefix_in_the_configuration_keeps_them(tmp_path: Path) -> None:
    (tmp_path / ".monitlint.toml").write_text('ignore = ["MON0"]\nseverity = { MON0 = "info" }\nfail-on = "error"\n')
    (tmp_path / "monitrc").write_text(SYNTAX)
    result = check(tmp_path, "--format", "json", "monitrc")
    assert json.loads(result.stdout)["diagnostics"][0]["severity"] == "error"
    assert result.exit_code == 1


# --- MON002: a glob that matches nothing -------------------------------------------------------------------


def test_a_glob_matching_none_of_a_folders_files_is_reported(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        {
            "etc/monit/monitrc": MONITRC.replace("conf.d/*", "conf.d/*.cfg") + "include /etc/monit/empty/*\n",
            "etc/monit/conf.d/app.conf": APP,
            "etc/monit/conf.d/db.conf": APP.replace("app", "db"),
        },
    )
    (repo / "etc/monit/empty").mkdir()
    result = check(repo, "--isolated", "--format", "json", "--select", "MON002", "--root", ".", "etc/monit/monitrc")
    (diag,) = json.loads(result.stdout)["diagnostics"]
    assert diag["line"] == 3
    assert "matches none of the 2 file(s)" in diag["message"] and "(app.conf, db.conf)" in diag["message"]
    assert "did you mean '/etc/monit/conf.d/*.conf'?" in diag["message"]  # and the empty folder says nothing


# --- configuration closest to each file; entrypoints -------------------------------------------------------


def test_the_closest_configuration_wins_for_each_file(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        {
            ".monitlint.toml": 'ignore = ["MON101"]\n',
            "a/monitrc": APP,
            "b/.monitlint.toml": 'select = ["MON107"]\n',
            "b/monitrc": APP.replace(" with timeout 10 seconds", ""),
        },
    )
    result = check(repo / "a", "--format", "json", "../a/monitrc", "../b/monitrc")
    assert findings(result) == [("../b/monitrc", "MON107", 2)]
    # --config names one for every file; --isolated ignores them all
    isolated = check(repo, "--isolated", "--format", "json", "a/monitrc", "b/monitrc")
    assert {code for _p, code, _l in findings(isolated)} == {"MON101", "MON107"}


@pytest.mark.parametrize(
    ("entrypoints", "problem"),
    [
        ('["etc/monit/monitrc-missing"]', "does not exist"),
        ('["etc/monit"]', "is a folder"),
        ('["hosts/*/nothing"]', "matches no file"),
    ],
)
def test_bad_entrypoints_are_one_line_errors(tmp_path: Path, entrypoints: str, problem: str) -> None:
    repo = _repo(tmp_path, {"etc/monit/monitrc": MONITRC, ".monitlint.toml": f"entrypoints = {entrypoints}\n"})
    result = check(repo, "etc/monit/monitrc")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert problem in line and ".monitlint.toml" in line


def test_entrypoint_globs_and_stdin_in_its_entrypoints_context(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        {
            ".monitlint.toml": 'root = "."\nentrypoints = ["hosts/*/monitrc"]\n',
            "hosts/web/monitrc": MONITRC + "check process web matching web\n  depends on app\n",
            "etc/monit/conf.d/app": APP,
        },
    )
    on_disk = check(repo, "--format", "json", "etc/monit/conf.d/app")
    assert findings(on_disk) == [("etc/monit/conf.d/app", "MON101", 1)]
    # the editor's unsaved text, linted where hosts/web/monitrc includes it: `depends on app` resolves
    edited = APP.replace("check process app", "check process application")
    result = check(repo, "--format", "json", "--stdin-filename", "etc/monit/conf.d/app", "-", stdin=edited)
    assert findings(result) == [("etc/monit/conf.d/app", "MON101", 1)]
    web = check(repo, "--format", "json", "--select", "MON202", "hosts/web/monitrc")
    assert findings(web) == []


# --- outputs and usage ------------------------------------------------------------------------------------


def test_junit_has_an_error_case_for_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(APP)
    result = check(tmp_path, "--isolated", "--format", "junit", "monitrc", "missing.monitrc")
    assert result.exit_code == 2
    suite = ElementTree.fromstring(result.stdout).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "1")
    (error,) = suite.findall("./testcase/error")
    assert "missing.monitrc: no such file" in (error.get("message") or "")


def test_sarif_reports_unreadable_files_as_notifications(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(APP)
    result = check(tmp_path, "--isolated", "--format", "sarif", "monitrc", "missing.monitrc")
    (invocation,) = json.loads(result.stdout)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "no such file" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing.monitrc"
    clean = check(tmp_path, "--isolated", "--format", "sarif", "monitrc")
    assert json.loads(clean.stdout)["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_github_annotates_unreadable_files(tmp_path: Path) -> None:
    result = check(tmp_path, "--isolated", "--format", "github", "missing.monitrc")
    assert result.stdout.startswith("::error file=missing.monitrc,title=monitlint::missing.monitrc: no such file")


def test_statistics_in_the_json_summary(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(APP + APP.replace("app", "db"))
    result = check(tmp_path, "--isolated", "--format", "json", "--statistics", "monitrc")
    statistics = json.loads(result.stdout)["summary"]["statistics"]
    assert statistics == [{"code": "MON101", "rule": "missing-stop-program", "count": 2}]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("--stdin-filename", "monitrc", "monitrc"), "--stdin-filename"),
        (("--statistics", "--format", "sarif", "monitrc"), "--statistics"),
        (("--color", "always", "--format", "json", "monitrc"), "--color"),
    ],
)
def test_options_a_format_cannot_honour_are_usage_errors(tmp_path: Path, args: tuple[str, ...], problem: str) -> None:
    (tmp_path / "monitrc").write_text(APP)
    result = check(tmp_path, "--isolated", *args)
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert problem in line


def test_parse_reads_standard_input(tmp_path: Path) -> None:
    result = run_cli("parse", "-", cwd=tmp_path, stdin=APP)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["config"]["services"][0]["name"] == "app"
    named = run_cli("parse", "--stdin-filename", "conf.d/app", "-", cwd=tmp_path, stdin=SYNTAX)
    assert named.exit_code == 1
    assert json.loads(named.stdout)["diagnostics"][0]["path"] == "conf.d/app"


# --- a host's own files ---------------------------------------------------------------------------------


def test_an_installed_control_file_reads_its_absolute_includes(tmp_path: Path) -> None:
    """Outside any checkout (an installed /etc/monit/monitrc), includes are read where Monit reads them."""
    etc = tmp_path / "etc" / "monit"
    (etc / "conf.d").mkdir(parents=True)
    (etc / "monitrc").write_text(MONITRC.replace("/etc/monit/conf.d/*", f"{etc}/conf.d/*"))
    (etc / "conf.d" / "app").write_text(APP)
    elsewhere = REPO  # run from inside a git checkout: the file's own tree counts, not the current folder's
    result = run_cli("check", "--isolated", "--no-cache", "--format", "json", str(etc / "monitrc"), cwd=elsewhere)
    assert findings(result) == [(str(etc / "conf.d" / "app"), "MON101", 1)]


@pytest.mark.skipif(not os.path.isfile("/etc/monit/monitrc"), reason="monit is not installed on this host")
def test_the_hosts_etc_monit_monitrc_reads_conf_d() -> None:
    conf_available = sorted(Path("/etc/monit/conf-available").glob("*"))
    if not os.access("/etc/monit/monitrc", os.R_OK) or not conf_available:
        pytest.skip("/etc/monit/monitrc is not readable here, or conf-available is empty")
    from monitlint.grammar.parser import parse_file

    parsed = parse_file("/etc/monit/monitrc")
    patterns = {inc.pattern for inc in parsed.config.includes}
    assert {"/etc/monit/conf.d/*", "/etc/monit/conf-enabled/*"} <= patterns
    assert not [d for d in findings_of(parsed) if d.code == "MON002" and "outside" in d.message]


def test_etc_kept_in_git_by_etckeeper_is_still_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """/etc/.git (etckeeper) does not make /etc a checkout: an installed monitrc's includes are not contained."""
    import monitlint.files.discovery
    from monitlint.grammar.include_glob import checked_trees

    monkeypatch.setattr(monitlint.files.discovery, "match_base", lambda folder: "/etc")
    assert checked_trees("/etc/monit/monitrc", None) == ["/"]
    monkeypatch.setattr(monitlint.files.discovery, "match_base", lambda folder: "/home/ci/checkout")
    assert checked_trees("/home/ci/checkout/etc/monit/monitrc", None) == ["/home/ci/checkout"]


def test_a_root_that_is_not_a_folder_is_a_one_line_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"monitrc": MONITRC, ".monitlint.toml": 'root = "etc-missing"\n'})
    result = check(repo, "monitrc")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "'root' is not a folder" in line
