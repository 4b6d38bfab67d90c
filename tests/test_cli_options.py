"""Options of `monitlint check`: --select/--ignore, --fail-on, --exit-zero, --statistics, stdin, folders."""

from __future__ import annotations

import json
import re
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
INFO_ONLY = """set daemon 30
set httpd unixsocket /run/monit.sock allow localhost
check process x with pidfile /run/x.pid
    start program = "/bin/x"
    stop program = "/bin/x stop" with timeout 10 seconds
"""
CLEAN = "set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n"


def check(cwd: Path, *args: str, stdin: str | None = None) -> CliResult:
    """`monitlint check --isolated --no-cache ARGS` from ``cwd``."""
    return run_cli("check", "--isolated", "--no-cache", *args, cwd=cwd, stdin=stdin)


def found(result: CliResult) -> list[tuple[str, int]]:
    """(code, line) of every finding of a JSON run."""
    return [(d["code"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """tmp_path/monitrc holding SAMPLE."""
    path = tmp_path / "monitrc"
    path.write_text(SAMPLE)
    return path


# --- selection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ALL_FINDINGS),
        (("--select", "MON101"), [("MON101", 6)]),
        (("--select", "mon101"), [("MON101", 6)]),
        (("--select", "MON1"), [("MON107", 3), ("MON101", 6)]),
        (("--select", "missing-stop-program"), [("MON101", 6)]),
        (("--select", "MON401,MON501"), [("MON501", 1), ("MON401", 5)]),
        (("--select", "MON401", "--select", "MON501"), [("MON501", 1), ("MON401", 5)]),
        (("--ignore", "MON107"), [("MON501", 1), ("MON401", 5), ("MON101", 6)]),
        (("--ignore", "MON1,MON5"), [("MON401", 5)]),
        (("--ignore", "unitless-threshold"), [("MON501", 1), ("MON107", 3), ("MON101", 6)]),
        (("--select", "MON1", "--ignore", "program-timeout-default"), [("MON101", 6)]),
    ],
)
def test_select_and_ignore(sample: Path, args: tuple[str, ...], expected: list[tuple[str, int]]) -> None:
    result = check(sample.parent, "--format", "json", *args, "monitrc")
    assert found(result) == expected
    assert result.exit_code == (1 if expected else 0)


# --- exit status -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "fail_on", "status"),
    [
        (SAMPLE, None, 1),
        (SAMPLE, "info", 1),
        (SAMPLE, "warning", 1),
        (SAMPLE, "error", 1),
        (INFO_ONLY, None, 0),  # infos never fail by default (fail-on = "warning")
        (INFO_ONLY, "info", 1),
        (INFO_ONLY, "warning", 0),
        (INFO_ONLY, "error", 0),
        (CLEAN, None, 0),
        (CLEAN, "info", 0),
    ],
)
def test_fail_on(tmp_path: Path, content: str, fail_on: str | None, status: int) -> None:
    (tmp_path / "monitrc").write_text(content)
    args = ("--fail-on", fail_on) if fail_on else ()
    result = check(tmp_path, *args, "monitrc")
    assert result.exit_code == status, result.stdout + result.stderr
    if content is not CLEAN:
        assert "MON107" in result.stdout  # the findings are still printed


def test_fail_on_with_warnings_only(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(SAMPLE)
    assert check(tmp_path, "--select", "MON4,MON5", "--fail-on", "error", "monitrc").exit_code == 0
    assert check(tmp_path, "--select", "MON4,MON5", "--fail-on", "warning", "monitrc").exit_code == 1


def test_bad_fail_on_value_is_a_usage_error(sample: Path) -> None:
    result = check(sample.parent, "--fail-on", "fatal", "monitrc")
    assert result.exit_code == 2 and "fatal" in result.stderr


def test_exit_zero(sample: Path) -> None:
    result = check(sample.parent, "--exit-zero", "--format", "json", "monitrc")
    assert result.exit_code == 0
    assert found(result) == ALL_FINDINGS


def test_exit_zero_does_not_hide_unreadable_files(sample: Path) -> None:
    result = check(sample.parent, "--exit-zero", "monitrc", "missing")
    assert result.exit_code == 2
    assert "missing" in result.stderr


# --- statistics ---------------------------------------------------------------------------------------------


def test_statistics_counts_findings_per_rule(tmp_path: Path) -> None:
    (tmp_path / "a.monitrc").write_text(SAMPLE)
    (tmp_path / "b.monitrc").write_text(INFO_ONLY)
    result = check(tmp_path, "--statistics", "a.monitrc", "b.monitrc")
    assert result.exit_code == 1
    rows = [re.split(r"\s+", line.strip()) for line in result.stdout.splitlines()]
    assert rows == [
        ["2", "MON107", "program-timeout-default"],
        ["1", "MON101", "missing-stop-program"],
        ["1", "MON401", "unitless-threshold"],
        ["1", "MON501", "cli-unreachable"],
    ]
    assert "^" not in result.stdout  # counts instead of the findings


def test_statistics_without_findings_prints_nothing(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(CLEAN)
    result = check(tmp_path, "--statistics", "monitrc")
    assert (result.exit_code, result.stdout) == (0, "")


# --- standard input ------------------------------------------------------------------------------------------


def test_stdin_with_a_file_name(tmp_path: Path) -> None:
    result = check(tmp_path, "--format", "json", "--stdin-filename", "etc/monit/monitrc", "-", stdin=SAMPLE)
    assert result.exit_code == 1
    diagnostics = json.loads(result.stdout)["diagnostics"]
    assert [(d["code"], d["line"]) for d in diagnostics] == ALL_FINDINGS
    assert {d["path"] for d in diagnostics} == {"etc/monit/monitrc"}
    text = check(tmp_path, "--stdin-filename", "etc/monit/monitrc", "-", stdin=SAMPLE)
    assert "etc/monit/monitrc:6:1: MON101 error: " in text.stdout
    assert "6 | check process y with pidfile /run/y.pid" in text.stdout  # the source line, from stdin


def test_stdin_without_a_file_name(tmp_path: Path) -> None:
    result = check(tmp_path, "--format", "json", "-", stdin=SAMPLE)
    assert {d["path"] for d in json.loads(result.stdout)["diagnostics"]} == {"<stdin>"}
    assert check(tmp_path, "-", stdin=CLEAN).exit_code == 0


def test_stdin_file_name_is_used_for_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / ".monitlint.toml").write_text('[per-file-ignores]\n"etc/monit/*" = ["MON1"]\n')
    result = run_cli(
        "check",
        "--no-cache",
        "--format",
        "json",
        "--stdin-filename",
        "etc/monit/monitrc",
        "-",
        cwd=tmp_path,
        stdin=SAMPLE,
    )
    assert found(result) == [("MON501", 1), ("MON401", 5)]


def test_stdin_that_is_not_text_is_a_clear_error(tmp_path: Path) -> None:
    result = check(tmp_path, "--stdin-filename", "monitrc", "-", stdin="set daemon 30\n\x00\x01\x02")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


# --- folders ----------------------------------------------------------------------------------------------------


def _tree(base: Path) -> None:
    files = {
        "etc/monit/monitrc": CLEAN,
        "etc/monit/conf.d/app.conf": "check process app with pidfile /run/app.pid\n",
        "etc/monit/conf.d/app.conf~": "check process old with pidfile /run/old.pid\n",
        "etc/monit.d/db": "check process db matching dbserver\n",
        "hosts/web.monitrc": INFO_ONLY,
        "etc/nginx/conf.d/site.conf": "server { listen 80; }\n",
        "README.md": "# ops\n",
        "scripts/deploy.sh": "#!/bin/sh\n",
        ".git/config": "[core]\n",
        "node_modules/monit/monitrc": "garbage {\n",
    }
    for name, content in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def _checked(result: CliResult) -> list[str]:
    """The files a `--format junit` run checked (one test case each)."""
    from xml.etree import ElementTree

    return sorted(str(case.get("name")) for case in ElementTree.fromstring(result.stdout).iter("testcase"))


def test_folder_argument_lints_only_monit_configs_below_it(tmp_path: Path) -> None:
    _tree(tmp_path / "repo")
    result = check(tmp_path / "repo", "--format", "junit", ".")
    assert _checked(result) == [
        "etc/monit.d/db",
        "etc/monit/conf.d/app.conf",
        "etc/monit/monitrc",
        "hosts/web.monitrc",
    ]
    assert result.exit_code == 1
    json_result = check(tmp_path / "repo", "--format", "json", ".")
    assert json.loads(json_result.stdout)["summary"]["files"] == 4


def test_folder_and_file_arguments_together(tmp_path: Path) -> None:
    _tree(tmp_path / "repo")
    result = check(tmp_path / "repo", "--format", "junit", "etc/monit", "hosts/web.monitrc")
    assert _checked(result) == ["etc/monit/conf.d/app.conf", "etc/monit/monitrc", "hosts/web.monitrc"]


def test_a_conf_d_folder_of_monit_passed_on_its_own(tmp_path: Path) -> None:
    _tree(tmp_path / "repo")
    conf_d = tmp_path / "repo" / "etc" / "monit" / "conf.d"
    result = check(conf_d, "--format", "junit", ".")
    assert _checked(result) == ["app.conf"]
    assert _checked(check(tmp_path, "--format", "junit", str(conf_d))) == ["repo/etc/monit/conf.d/app.conf"]


def test_a_checkout_named_monit_is_not_all_monit_configs(tmp_path: Path) -> None:
    checkout = tmp_path / "monit"
    _tree(checkout)  # holds .git: paths are matched relative to the working tree, as pre-commit does
    assert _checked(check(checkout, "--format", "junit", ".")) == [
        "etc/monit.d/db",
        "etc/monit/conf.d/app.conf",
        "etc/monit/monitrc",
        "hosts/web.monitrc",
    ]


def test_folder_without_monit_configs_exits_2(tmp_path: Path) -> None:
    _tree(tmp_path / "repo")
    result = check(tmp_path / "repo", "etc/nginx")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "etc/nginx" in lines[0] and "no Monit control files" in lines[0]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check(tmp_path, str(empty)).exit_code == 2


def test_folder_without_configs_among_good_arguments_still_exits_2(tmp_path: Path) -> None:
    _tree(tmp_path / "repo")
    result = check(tmp_path / "repo", "--format", "json", "etc/nginx", "etc/monit/monitrc")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["summary"]["files"] == 1
