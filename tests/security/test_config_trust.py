"""``check`` believes a configuration file it finds only when the caller or root owns it and nobody else can write it.

Measured before the fix: in a world-writable sticky folder (``/tmp``), another user's
``.monitlint.toml`` with ``ignore = ["ALL"]`` made root's ``check`` say "No problems
found" on a file without a stop program (only the provider, which never discovers a
configuration, was safe); such a file could also set ``entrypoints`` anywhere on the
machine.  Now: it is ignored with one warning line naming it (as git's
``safe.directory``), and ``entrypoints``/``root`` stay inside the configuration's own
project (its working tree, or its own folder outside any checkout).

The tests run as root: another user is uid 65534 (``os.chown``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.security._run import monitlint

OTHER_UID = 65534
NO_STOP = 'set daemon 30\ncheck process app with pidfile /run/app.pid\n  start program = "/bin/true"\n'

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="another user's file needs chown (the tests run as root)")


def _shared(tmp_path: Path) -> Path:
    """A folder like /tmp: everyone may create files in it, nobody may remove another's."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    control = shared / "monitrc"
    control.write_text(NO_STOP)
    control.chmod(0o600)
    return shared


def _codes(stdout: str) -> set[str]:
    return {d["code"] for d in json.loads(stdout)["diagnostics"]}


def _warnings(stderr: str, config: Path) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("monitlint: warning:") and str(config) in line]


def test_another_users_configuration_in_a_sticky_folder_is_ignored(tmp_path: Path) -> None:
    shared = _shared(tmp_path)
    planted = shared / ".monitlint.toml"
    planted.write_text('ignore = ["ALL"]\n')
    os.chown(planted, OTHER_UID, OTHER_UID)
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=shared)
    assert run.exit_code == 1, run.stderr
    assert "MON101" in _codes(run.stdout)  # no stop program: reported, not switched off
    (warning,) = _warnings(run.stderr, planted)
    assert f"owned by uid {OTHER_UID}" in warning
    text = monitlint("check", "--no-cache", "monitrc", cwd=shared)
    assert "No problems found" not in text.stdout and text.exit_code == 1


@pytest.mark.parametrize("mode", [0o666, 0o664, 0o646, 0o620], ids=lambda mode: f"{mode:04o}")
def test_a_configuration_others_can_write_is_ignored(tmp_path: Path, mode: int) -> None:
    shared = _shared(tmp_path)
    config = shared / ".monitlint.toml"
    config.write_text('ignore = ["ALL"]\n')
    config.chmod(mode)
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=shared)
    assert run.exit_code == 1 and "MON101" in _codes(run.stdout), run.stderr
    (warning,) = _warnings(run.stderr, config)
    assert f"mode {mode:04o}" in warning


def test_a_pyproject_of_another_user_is_ignored_too(tmp_path: Path) -> None:
    shared = _shared(tmp_path)
    pyproject = shared / "pyproject.toml"
    pyproject.write_text('[tool.monitlint]\nignore = ["ALL"]\n')
    os.chown(pyproject, OTHER_UID, OTHER_UID)
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=shared)
    assert "MON101" in _codes(run.stdout)
    assert len(_warnings(run.stderr, pyproject)) == 1


def test_a_symlink_planted_by_another_user_is_ignored(tmp_path: Path) -> None:
    # The target is root's and private: the link, which chooses it, is the other user's.
    shared = _shared(tmp_path)
    target = tmp_path / "roots-own.toml"
    target.write_text('ignore = ["ALL"]\n')
    target.chmod(0o600)
    link = shared / ".monitlint.toml"
    link.symlink_to(target)
    os.lchown(link, OTHER_UID, OTHER_UID)
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=shared)
    assert "MON101" in _codes(run.stdout)
    (warning,) = _warnings(run.stderr, link)
    assert "symbolic link" in warning


def test_an_ignored_file_does_not_hide_the_trusted_one_above(tmp_path: Path) -> None:
    (tmp_path / ".monitlint.toml").write_text('select = ["MON102"]\n')  # root's own, above the shared folder
    shared = _shared(tmp_path)
    planted = shared / ".monitlint.toml"
    planted.write_text('ignore = ["ALL"]\n')
    os.chown(planted, OTHER_UID, OTHER_UID)
    control = shared / "monitrc"
    control.write_text("set daemon 30\ncheck process app with pidfile /run/app.pid\n")
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=shared)
    assert _codes(run.stdout) == {"MON102"}, run.stdout  # the one above applies, as if the planted one were absent


def test_one_warning_per_file_however_many_files_it_covers(tmp_path: Path) -> None:
    shared = _shared(tmp_path)
    for name in ("a.monitrc", "b.monitrc", "c.monitrc"):
        (shared / name).write_text(NO_STOP)
    planted = shared / ".monitlint.toml"
    planted.write_text('ignore = ["ALL"]\n')
    os.chown(planted, OTHER_UID, OTHER_UID)
    run = monitlint("check", "--no-cache", "a.monitrc", "b.monitrc", "c.monitrc", "-", cwd=shared)
    assert len(_warnings(run.stderr, planted)) == 1, run.stderr


def test_standard_input_finds_no_planted_configuration_either(tmp_path: Path) -> None:
    shared = _shared(tmp_path)
    planted = shared / ".monitlint.toml"
    planted.write_text('ignore = ["ALL"]\n')
    os.chown(planted, OTHER_UID, OTHER_UID)
    run = monitlint("check", "--no-cache", "--format", "json", "--stdin-filename", "monitrc", "-", cwd=shared)
    assert len(_warnings(run.stderr, planted)) == 1  # stdin is /dev/null here: nothing to lint, still no trust


def test_a_configuration_named_on_the_command_line_is_used_as_named(tmp_path: Path) -> None:
    # Paths on the command line are trusted (SECURITY.md): --config is the caller's choice.
    shared = _shared(tmp_path)
    named = shared / "team.toml"
    named.write_text('select = ["MON102"]\n')
    os.chown(named, OTHER_UID, OTHER_UID)
    run = monitlint("check", "--no-cache", "--config", str(named), "--format", "json", "monitrc", cwd=shared)
    assert _codes(run.stdout) == set() and not _warnings(run.stderr, named), run.stderr


def test_the_callers_own_private_configuration_is_used(tmp_path: Path) -> None:
    shared = _shared(tmp_path)
    mine = shared / ".monitlint.toml"
    mine.write_text('select = ["MON102"]\n')
    mine.chmod(0o644)
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=shared)
    assert run.exit_code == 0 and not run.stderr, run.stderr


@pytest.mark.parametrize(
    "setting",
    [
        'entrypoints = ["/etc/monit/monitrc"]',
        'entrypoints = ["../elsewhere/monitrc"]',
        'entrypoints = ["../*/monitrc"]',
        'root = "/"',
        'root = ".."',
    ],
)
def test_a_configuration_outside_a_checkout_cannot_reach_outside_its_folder(tmp_path: Path, setting: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "monitrc").write_text(NO_STOP)
    project = tmp_path / "project"
    project.mkdir()
    (project / "monitrc").write_text(NO_STOP)
    (project / ".monitlint.toml").write_text(setting + "\n")
    run = monitlint("check", "--no-cache", "monitrc", cwd=project)
    assert run.exit_code == 2, run.stdout + run.stderr
    (line,) = run.stderr.splitlines()
    assert "leads outside the project" in line and str(project) in line


def test_in_a_checkout_entrypoints_may_name_any_file_of_the_checkout(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "etc/monit").mkdir(parents=True)
    (repo / "etc/monit/monitrc").write_text(NO_STOP)
    (repo / "tools").mkdir()
    (repo / "tools/.monitlint.toml").write_text('entrypoints = ["../etc/monit/monitrc"]\n')
    (repo / "tools/x.monitrc").write_text(NO_STOP)
    run = monitlint("check", "--no-cache", "tools/x.monitrc", cwd=repo)
    assert run.exit_code == 1 and "leads outside" not in run.stderr, run.stderr
