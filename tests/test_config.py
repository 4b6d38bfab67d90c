"""Project configuration through the CLI: `.monitlint.toml` / `pyproject.toml [tool.monitlint]`.

Discovery walks up from the current directory; `--config FILE` names a file, `--isolated` ignores all.
Every test builds its own tree under tmp_path and runs the CLI from inside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliResult, run_cli

# Findings with defaults: MON501 warning (1), MON107 info (3), MON401 warning (5), MON101 error (6).
SAMPLE = """set daemon 30
check process x with pidfile /run/x.pid
    start program = "/bin/x"
    stop program = "/bin/x stop" with timeout 10 seconds
    if memory > 200 then alert
check process y with pidfile /run/y.pid
    start program = "/bin/y start" with timeout 10 seconds
"""
ALL_FINDINGS = [("MON501", 1), ("MON107", 3), ("MON401", 5), ("MON101", 6)]

# A repository with a main control file, two conf.d fragments it includes, and one it does not.
MAIN = """set daemon 30
set mailserver localhost
set alert ops@example.com
set httpd unixsocket /run/monit.sock allow localhost
include /etc/monit/conf.d/*.conf

check process db with pidfile /run/db.pid
    start program = "/bin/db start" with timeout 5 seconds
    stop program = "/bin/db stop" with timeout 5 seconds
"""
APP = """check process app with pidfile /run/app.pid
    start program = "/bin/app start" with timeout 5 seconds
    stop program = "/bin/app stop" with timeout 5 seconds
    depends on db
    depends on nosuch
    if failed port 80 then alert
"""
WEB = """check process web with pidfile /run/web.pid
    start program = "/bin/web start"
    stop program = "/bin/web stop" with timeout 5 seconds
"""


def check(cwd: Path, *args: str) -> CliResult:
    """Run `monitlint check --format json` (no result cache) from ``cwd``."""
    return run_cli("check", "--no-cache", "--format", "json", *args, cwd=cwd)


def found(result: CliResult) -> list[tuple[str, int]]:
    """(code, line) of every finding of a JSON run."""
    assert result.exit_code in (0, 1), result.stderr
    return [(d["code"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]


def severities(result: CliResult) -> dict[str, str]:
    """Code -> reported severity of a JSON run."""
    return {d["code"]: d["severity"] for d in json.loads(result.stdout)["diagnostics"]}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tmp_path/project/etc/monit/monitrc holding SAMPLE, and a subdirectory to run from."""
    folder = tmp_path / "project" / "etc" / "monit"
    folder.mkdir(parents=True)
    (folder / "monitrc").write_text(SAMPLE)
    return tmp_path / "project"


MONITRC = "etc/monit/monitrc"


# --- discovery ------------------------------------------------------------------------------------


def test_without_configuration_every_rule_runs(project: Path) -> None:
    assert found(check(project, MONITRC)) == ALL_FINDINGS


def test_monitlint_toml_found_walking_up_from_a_subdirectory(project: Path) -> None:
    (project / ".monitlint.toml").write_text('ignore = ["MON107"]\n')
    assert found(check(project / "etc" / "monit", "monitrc")) == [("MON501", 1), ("MON401", 5), ("MON101", 6)]
    assert found(check(project / "etc", "monit/monitrc")) == [("MON501", 1), ("MON401", 5), ("MON101", 6)]


def test_pyproject_tool_monitlint_found_walking_up(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "ops"\n\n[tool.monitlint]\nselect = ["MON1"]\n\n[tool.other]\nx = 1\n'
    )
    assert found(check(project / "etc" / "monit", "monitrc")) == [("MON107", 3), ("MON101", 6)]


def test_pyproject_without_the_table_is_skipped(project: Path) -> None:
    (project / ".monitlint.toml").write_text('select = ["MON4"]\n')
    (project / "etc" / "pyproject.toml").write_text('[project]\nname = "not-monit"\n')
    assert found(check(project / "etc" / "monit", "monitrc")) == [("MON401", 5)]


def test_nearest_configuration_wins(project: Path) -> None:
    (project / ".monitlint.toml").write_text('select = ["MON4"]\n')
    (project / "etc" / "pyproject.toml").write_text('[tool.monitlint]\nselect = ["MON5"]\n')
    assert found(check(project / "etc" / "monit", "monitrc")) == [("MON501", 1)]
    # in one folder, .monitlint.toml is preferred to pyproject.toml
    (project / "etc" / ".monitlint.toml").write_text('select = ["MON101"]\n')
    assert found(check(project / "etc" / "monit", "monitrc")) == [("MON101", 6)]


def test_monitlint_toml_may_use_the_tool_table(project: Path) -> None:
    (project / ".monitlint.toml").write_text('[tool.monitlint]\nselect = ["MON401"]\n')
    assert found(check(project, MONITRC)) == [("MON401", 5)]


def test_config_option_names_the_file(project: Path, tmp_path: Path) -> None:
    (project / ".monitlint.toml").write_text('select = ["MON4"]\n')
    elsewhere = tmp_path / "ci.toml"
    elsewhere.write_text('select = ["MON501"]\n')
    assert found(check(project, "--config", str(elsewhere), MONITRC)) == [("MON501", 1)]
    other = tmp_path / "pyproject.toml"
    other.write_text('[tool.monitlint]\nselect = ["MON107"]\n')
    assert found(check(project, "--config", str(other), MONITRC)) == [("MON107", 3)]


def test_isolated_ignores_every_configuration_file(project: Path) -> None:
    (project / ".monitlint.toml").write_text('select = ["MON4"]\n')
    assert found(check(project, "--isolated", MONITRC)) == ALL_FINDINGS
    (project / ".monitlint.toml").write_text("this is not toml =\n")
    assert found(check(project, "--isolated", MONITRC)) == ALL_FINDINGS


# --- select, ignore, severity ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ('select = ["MON101"]', [("MON101", 6)]),
        ('select = ["MON1"]', [("MON107", 3), ("MON101", 6)]),
        ('select = ["missing-stop-program", "unitless-threshold"]', [("MON401", 5), ("MON101", 6)]),
        ('select = "MON401"', [("MON401", 5)]),
        ('select = ["ALL"]', ALL_FINDINGS),
        ('ignore = ["MON101"]', [("MON501", 1), ("MON107", 3), ("MON401", 5)]),
        ('ignore = ["MON1", "MON5"]', [("MON401", 5)]),
        ('ignore = ["program-timeout-default"]', [("MON501", 1), ("MON401", 5), ("MON101", 6)]),
        ('select = ["MON1", "MON4"]\nignore = ["MON107"]', [("MON401", 5), ("MON101", 6)]),
    ],
)
def test_select_and_ignore_in_the_file(project: Path, settings: str, expected: list[tuple[str, int]]) -> None:
    (project / ".monitlint.toml").write_text(settings + "\n")
    assert found(check(project, MONITRC)) == expected


def test_command_line_select_replaces_and_ignore_extends_the_file(project: Path) -> None:
    (project / ".monitlint.toml").write_text('select = ["MON1"]\nignore = ["MON107"]\n')
    assert found(check(project, MONITRC)) == [("MON101", 6)]
    assert found(check(project, "--select", "MON4,MON5", MONITRC)) == [("MON501", 1), ("MON401", 5)]
    assert found(check(project, "--ignore", "missing-stop-program", MONITRC)) == []


def test_severity_override_changes_the_reported_severity(project: Path) -> None:
    assert severities(check(project, MONITRC)) == {
        "MON501": "warning",
        "MON107": "info",
        "MON401": "warning",
        "MON101": "error",
    }
    (project / ".monitlint.toml").write_text('[severity]\nMON101 = "warning"\nMON107 = "error"\n')
    result = check(project, MONITRC)
    assert severities(result) == {"MON501": "warning", "MON107": "error", "MON401": "warning", "MON101": "warning"}
    text = run_cli("check", "--no-cache", MONITRC, cwd=project)
    assert f"{MONITRC}:6:1: MON101 warning: " in text.stdout and f"{MONITRC}:3:5: MON107 error: " in text.stdout


def test_severity_override_by_name_and_prefix(project: Path) -> None:
    (project / ".monitlint.toml").write_text('[severity]\nMON1 = "info"\nunitless-threshold = "error"\n')
    assert severities(check(project, MONITRC)) == {
        "MON501": "warning",
        "MON107": "info",
        "MON401": "error",
        "MON101": "info",
    }


def test_severity_override_and_fail_on_decide_the_exit_status(project: Path) -> None:
    assert check(project, "--fail-on", "error", MONITRC).exit_code == 1  # MON101 is an error
    (project / ".monitlint.toml").write_text('[severity]\nmissing-stop-program = "warning"\n')
    assert check(project, "--fail-on", "error", MONITRC).exit_code == 0
    assert check(project, "--fail-on", "warning", MONITRC).exit_code == 1
    (project / ".monitlint.toml").write_text('fail-on = "error"\n[severity]\nMON101 = "warning"\n')
    assert check(project, MONITRC).exit_code == 0
    assert check(project, "--fail-on", "info", MONITRC).exit_code == 1
    (project / ".monitlint.toml").write_text('fail-on = "error"\n')
    assert check(project, MONITRC).exit_code == 1


# --- per-file-ignores and root ---------------------------------------------------------------------------


def test_per_file_ignores(project: Path) -> None:
    other = project / "hosts" / "web.monitrc"
    other.parent.mkdir()
    other.write_text(SAMPLE)
    (project / ".monitlint.toml").write_text(
        '[per-file-ignores]\n"etc/monit/*" = ["MON107", "unitless-threshold"]\n"*.monitrc" = ["MON5"]\n'
    )
    assert found(check(project, MONITRC)) == [("MON501", 1), ("MON101", 6)]
    assert found(check(project, "hosts/web.monitrc")) == [("MON107", 3), ("MON401", 5), ("MON101", 6)]
    # patterns are relative to the configuration file's folder, not to the current directory
    assert found(check(project / "etc", "monit/monitrc")) == [("MON501", 1), ("MON101", 6)]


def _repository(base: Path) -> Path:
    """A repository holding etc/monit/monitrc, conf.d/{app,web}.conf and an unreferenced orphan.d/app.conf."""
    monit = base / "etc" / "monit"
    (monit / "conf.d").mkdir(parents=True)
    (monit / "orphan.d").mkdir()
    (monit / "monitrc").write_text(MAIN)
    (monit / "conf.d" / "app.conf").write_text(APP)
    (monit / "conf.d" / "web.conf").write_text(WEB)
    (monit / "orphan.d" / "app.conf").write_text(APP)
    return base


def test_root_resolves_absolute_includes_inside_the_repository(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    (repo / "sub").mkdir()
    # without a root the include means the host's /etc/monit/conf.d, not the repository's
    without = json.loads(check(repo, "--isolated", "etc/monit/monitrc").stdout)["diagnostics"]
    assert not any("conf.d" in d["path"] and str(repo) in d["path"] for d in without)
    (repo / ".monitlint.toml").write_text('root = "."\n')
    # `root` is relative to the configuration file, so it works from any subdirectory
    for cwd, path in ((repo, "etc/monit/monitrc"), (repo / "sub", "../etc/monit/monitrc")):
        result = check(cwd, path)
        diagnostics = json.loads(result.stdout)["diagnostics"]
        assert [(Path(d["path"]).name, d["code"], d["line"]) for d in diagnostics] == [
            ("app.conf", "MON202", 5),
            ("web.conf", "MON107", 2),
        ], diagnostics
    same = check(repo, "--isolated", "--root", str(repo), "etc/monit/monitrc")
    assert [(d["code"], d["line"]) for d in json.loads(same.stdout)["diagnostics"]] == [("MON202", 5), ("MON107", 2)]


# --- entrypoints ---------------------------------------------------------------------------------------


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository whose configuration names etc/monit/monitrc as its entrypoint."""
    repo = _repository(tmp_path / "repo")
    (repo / ".monitlint.toml").write_text('root = "."\nentrypoints = ["etc/monit/monitrc"]\n')
    return repo


def test_fragment_is_linted_in_its_entrypoints_context(repository: Path) -> None:
    result = check(repository, "etc/monit/conf.d/app.conf")
    diagnostics = json.loads(result.stdout)["diagnostics"]
    # `depends on db` resolves through the entrypoint; `depends on nosuch` does not
    assert [(d["code"], d["line"], d["message"]) for d in diagnostics] == [
        ("MON202", 5, "'app' depends on 'nosuch', which is not defined")
    ]
    assert diagnostics[0]["path"] == "etc/monit/conf.d/app.conf"  # the name the user gave
    assert result.exit_code == 1


def test_findings_are_reported_for_the_passed_files_only(repository: Path) -> None:
    # web.conf (MON107) and monitrc belong to the same context but were not passed
    assert found(check(repository, "etc/monit/conf.d/app.conf")) == [("MON202", 5)]
    web = json.loads(check(repository, "etc/monit/conf.d/web.conf").stdout)["diagnostics"]
    assert [(Path(d["path"]).name, d["code"]) for d in web] == [("web.conf", "MON107")]
    both = json.loads(check(repository, "etc/monit/conf.d/app.conf", "etc/monit/conf.d/web.conf").stdout)
    assert sorted((Path(d["path"]).name, d["code"]) for d in both["diagnostics"]) == [
        ("app.conf", "MON202"),
        ("web.conf", "MON107"),
    ]
    assert both["summary"]["files"] == 2


def test_entrypoint_context_resolves_from_a_subdirectory(repository: Path) -> None:
    assert found(check(repository / "etc" / "monit", "conf.d/app.conf")) == [("MON202", 5)]


def test_fragment_no_entrypoint_reaches_is_linted_alone(repository: Path) -> None:
    # no whole-config rules: no MON202 (db is unknown here), no MON501 (no httpd), no MON502 (alerts)
    assert found(check(repository, "etc/monit/orphan.d/app.conf")) == []


def test_fragment_alone_without_configuration_gets_no_whole_config_rules(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    fragment = tmp_path / "conf.d" / "app.conf"
    fragment.write_text(APP + "    alert ops@example.com\n")
    assert found(check(tmp_path, "--isolated", "conf.d/app.conf")) == []
    # the same text as a main control file (it has `set daemon`) gets them all
    main = tmp_path / "monitrc"
    main.write_text("set daemon 30\n" + APP + "    alert ops@example.com\n")
    codes = {code for code, _ in found(check(tmp_path, "--isolated", "monitrc"))}
    assert {"MON202", "MON501", "MON502"} <= codes


@pytest.mark.parametrize("folder", ["conf.d", "conf-enabled", "conf-available", "monit.d", "templates"])
def test_a_file_in_an_include_folder_is_a_fragment(tmp_path: Path, folder: str) -> None:
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "app").write_text(APP)
    assert found(check(tmp_path, "--isolated", f"{folder}/app")) == []


def test_a_file_passed_alone_is_the_whole_configuration_as_monit_t_takes_it(tmp_path: Path) -> None:
    # `monit -t -c app.conf` refuses it: "depend service 'db' is not defined in the control file"
    (tmp_path / "app.conf").write_text(APP)
    assert ("MON202", 4) in found(check(tmp_path, "--isolated", "app.conf"))
    # a file named monitrc is a main file even in an Ansible role's templates/ folder
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "monitrc").write_text(APP)
    assert ("MON202", 4) in found(check(tmp_path, "--isolated", "templates/monitrc"))


def test_entrypoint_context_with_junit_files_findings_under_the_passed_name(repository: Path) -> None:
    from xml.etree import ElementTree

    result = run_cli("check", "--no-cache", "--format", "junit", "etc/monit/conf.d/app.conf", cwd=repository)
    root = ElementTree.fromstring(result.stdout)
    cases = root.findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == ["etc/monit/conf.d/app.conf"]
    assert [f.get("type") for f in cases[0].findall("failure")] == ["MON202"]


# --- errors in the configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('selct = ["MON1"]\n', "unknown setting(s): selct"),
        ("[tool.monitlint]\nbogus = 1\n", "unknown setting(s): bogus"),
        ('select = ["MON1"\n', "not valid TOML"),
        ("select = 3\n", "'select' must be a list of strings"),
        ('select = ["MON1O1"]\n', "unknown rule 'MON1O1' in 'select'"),
        ('ignore = ["no-such-rule"]\n', "unknown rule 'no-such-rule' in 'ignore'"),
        ('[severity]\nMON101 = "fatal"\n', "'fatal' is not one of error, warning, info"),
        ('[severity]\nmissing-stop = "info"\n', "unknown rule 'missing-stop' in 'severity'"),
        ('[per-file-ignores]\n"*.conf" = ["MON9999"]\n', "unknown rule 'MON9999'"),
        ("root = 5\n", "'root' must be a string"),
        ('fail-on = "never"\n', "'never' is not one of error, warning, info"),
    ],
)
def test_bad_configuration_exits_2(project: Path, content: str, message: str) -> None:
    config = project / ".monitlint.toml"
    config.write_text(content)
    result = check(project, MONITRC)
    assert result.exit_code == 2
    assert result.stdout == ""
    matching = [line for line in result.stderr.splitlines() if message in line]
    assert len(matching) == 1, result.stderr
    assert str(config) in matching[0]


def test_missing_config_file_exits_2(project: Path) -> None:
    result = check(project, "--config", "nowhere.toml", MONITRC)
    assert result.exit_code == 2
    assert "nowhere.toml" in result.stderr and result.stdout == ""


def test_bad_configuration_is_reported_on_one_line(project: Path) -> None:
    (project / ".monitlint.toml").write_text('selct = ["MON1"]\n')
    result = check(project, MONITRC)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("kind", ["missing", "fifo", "not-utf8"])
def test_an_unusable_config_file_is_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    import os

    config = tmp_path / "config.toml"
    if kind == "fifo":
        os.mkfifo(config)  # nobody writes to it: reading it would block forever
    elif kind == "not-utf8":
        config.write_bytes(b"\xff\xfe not text")
    main = tmp_path / "monitrc"
    main.write_text("set daemon 30\n")
    result = run_cli("check", "--no-cache", "--config", str(config), str(main))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("monitlint: error: "), result.stderr
