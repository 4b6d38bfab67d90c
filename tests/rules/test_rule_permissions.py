"""MON301 and MON304: file modes, which only matter for installed control files.

Both rules skip files that are not under an installed prefix (/etc/, /opt/ ...) or that lie inside a
git checkout. The tests make tmp_path an installed prefix by patching INSTALLED_PREFIXES, and run the
CLI in-process with click's CliRunner so that the patch applies.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitlint.cli import cli
from monitlint.linter import helpers

MAIN = """set daemon 30
set httpd unixsocket /run/monit.sock allow localhost
include {include}
check process app with pidfile /run/app.pid
    start program = "/bin/app start" with timeout 5 seconds
    stop program = "/bin/app stop" with timeout 5 seconds
"""
HTTPD = """set httpd port 2812 and use address 127.0.0.1
    allow localhost
    allow admin:"pw-Zq8-long"
"""


def lint(path: Path, *args: str) -> tuple[int, list[tuple[str, str, int]]]:
    """Run `monitlint check --format json` in-process; return the exit status and (file name, code, line)."""
    result = CliRunner().invoke(cli, ["check", "--isolated", "--no-cache", "--format", "json", *args, str(path)])
    assert result.exit_code in (0, 1), result.output
    diagnostics = json.loads(result.output)["diagnostics"]
    return result.exit_code, [(Path(d["path"]).name, d["code"], d["line"]) for d in diagnostics]


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder that counts as installed (like /etc/monit), outside any git checkout."""
    if helpers.in_checkout(str(tmp_path / "x")):
        pytest.fail(f"{tmp_path} lies inside a git or hg working tree; these tests need a temp dir outside one")
    root = tmp_path / "etc" / "monit"
    (root / "conf.d").mkdir(parents=True)
    monkeypatch.setattr(helpers, "INSTALLED_PREFIXES", (*helpers.INSTALLED_PREFIXES, str(tmp_path) + os.sep))
    return root


def _main(folder: Path, mode: int) -> Path:
    path = folder / "monitrc"
    path.write_text(MAIN.format(include=folder / "conf.d" / "*.conf"))
    path.chmod(mode)
    return path


def _httpd(folder: Path, mode: int) -> Path:
    path = folder / "conf.d" / "httpd.conf"
    path.write_text(HTTPD)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o755, 0o700 | 0o010])
def test_mon301_main_file_more_open_than_0700(installed: Path, mode: int) -> None:
    main = _main(installed, mode)
    status, found = lint(main, "--select", "MON301")
    assert (status, found) == (1, [("monitrc", "MON301", 1)])
    result = CliRunner().invoke(cli, ["check", "--isolated", "--no-cache", "--select", "MON301", str(main)])
    assert f"control file permission {mode:04o} is too open" in result.output
    assert f"chmod 600 {main}" in result.output


@pytest.mark.parametrize("mode", [0o600, 0o700, 0o400])
def test_mon301_strict_modes_are_fine(installed: Path, mode: int) -> None:
    main = _main(installed, mode)
    assert lint(main, "--select", "MON301") == (0, [])


def test_mon301_only_for_the_main_file(installed: Path) -> None:
    # an included file may be 0644 (Monit checks only the main file), and a fragment linted alone
    # is not a main control file
    _main(installed, 0o600)
    fragment = installed / "conf.d" / "app.conf"
    fragment.write_text('check process x with pidfile /run/x.pid\n    stop program = "/bin/x stop"\n')
    fragment.chmod(0o644)
    assert lint(installed / "monitrc", "--select", "MON301") == (0, [])
    assert lint(fragment, "--select", "MON301") == (0, [])


def test_mon301_skips_files_that_are_not_installed(tmp_path: Path) -> None:
    main = _main(tmp_path, 0o644)
    (tmp_path / "conf.d").mkdir()
    assert not helpers.installed(str(main))
    assert lint(main, "--select", "MON301") == (0, [])


def test_mon301_skips_files_in_a_git_checkout(installed: Path) -> None:
    checkout = installed.parent.parent / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "conf.d").mkdir()
    main = _main(checkout, 0o644)
    assert helpers.in_checkout(str(main)) and not helpers.installed(str(main))
    assert lint(main, "--select", "MON301") == (0, [])


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_mon304_password_in_a_readable_included_file(installed: Path, mode: int) -> None:
    main = _main(installed, 0o600)
    _httpd(installed, mode)
    status, found = lint(main, "--select", "MON304")
    assert (status, found) == (1, [("httpd.conf", "MON304", 3)])
    result = CliRunner().invoke(
        cli, ["check", "--isolated", "--no-cache", "--format", "json", "--select", "MON304", str(main)]
    )
    (diagnostic,) = json.loads(result.output)["diagnostics"]
    assert diagnostic["severity"] == "warning"
    assert "httpd user 'admin'" in diagnostic["message"] and f"{mode:04o}" in diagnostic["message"]


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_mon304_password_in_a_private_included_file(installed: Path, mode: int) -> None:
    main = _main(installed, 0o600)
    _httpd(installed, mode)
    assert lint(main, "--select", "MON304") == (0, [])


def test_mon304_password_in_the_main_file(installed: Path) -> None:
    main = installed / "monitrc"
    main.write_text("set daemon 30\n" + HTTPD)
    main.chmod(0o644)
    status, found = lint(main, "--select", "MON301,MON304")
    assert (status, sorted(found)) == (1, [("monitrc", "MON301", 1), ("monitrc", "MON304", 4)])
    main.chmod(0o600)
    assert lint(main, "--select", "MON301,MON304") == (0, [])


def test_mon304_skips_files_that_are_not_installed(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    main = _main(tmp_path, 0o600)
    _httpd(tmp_path, 0o644)
    assert lint(main, "--select", "MON304") == (0, [])
