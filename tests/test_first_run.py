"""The first run in a checkout holding Debian's stock /etc/monit: quiet and right.

Infos never fail `check` by default (`fail-on = "warning"`); an include pointing outside the
checked tree is told apart from a missing one, and its hint names the `root` line that reads it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, CliResult, run_cli

STOCK = REPO / "tests" / "data" / "debian-stock"


def _checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "infra"
    shutil.copytree(STOCK / "etc", repo / "etc")
    for empty in ("conf.d", "conf-enabled"):
        (repo / "etc" / "monit" / empty).mkdir()
    (repo / ".git").mkdir()  # a checkout: includes stay inside it
    return repo


def _check(repo: Path, *args: str) -> CliResult:
    return run_cli("check", "--no-cache", "--isolated", *args, cwd=repo)


def _diagnostics(result: CliResult) -> list[dict[str, object]]:
    return list(json.loads(result.stdout)["diagnostics"])


def test_stock_debian_tree_outside_includes_are_infos_naming_the_root_line(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    result = _check(repo, "--format", "json", "--select", "MON002", ".")
    found = _diagnostics(result)
    assert found, result.stderr
    # 2 in monitrc (conf.d/*, conf-enabled/*) and every template include of the four conf-available files
    assert {d["severity"] for d in found} == {"info"}
    for d in found:
        assert "leads outside the checked tree" in str(d["message"]), d
        assert "may well exist on the host" in str(d["message"]), d
        assert "does not exist" not in str(d["message"])
        assert 'root = "."' in str(d["hint"]) and "--root ." in str(d["hint"]), d
    assert result.exit_code == 0  # infos only: fail-on is "warning" by default


def test_stock_debian_tree_with_the_suggested_root_reads_the_includes(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    result = _check(repo, "--format", "json", "--root", ".", ".")
    codes = sorted({str(d["code"]) for d in _diagnostics(result)})
    assert "MON002" not in codes, result.stdout
    # What is left: Debian's monitrc has no `set httpd` (MON501, a warning), and infos.
    assert [d["code"] for d in _diagnostics(result) if d["severity"] != "info"] == ["MON501"]
    (repo / ".monitlint.toml").write_text('root = "."\n')
    configured = run_cli("check", "--no-cache", "--format", "json", ".", cwd=repo)
    assert _diagnostics(configured) == _diagnostics(result)


def test_missing_include_inside_the_tree_is_a_warning_with_another_hint(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    (repo / "etc" / "monit" / "templates" / "rootbin").unlink()
    result = _check(repo, "--format", "json", "--select", "MON002", "--root", ".", ".")
    found = _diagnostics(result)
    assert found and all(d["severity"] == "warning" for d in found)
    assert all("'/work" not in str(d["message"]) for d in found)
    assert all("does not exist" in str(d["message"]) and "outside" not in str(d["message"]) for d in found)
    assert all("--root" not in str(d["hint"]) for d in found)
    assert result.exit_code == 1


def test_outside_include_without_a_mirror_in_the_checkout_names_root_dir(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    (repo / ".git").mkdir(parents=True)
    (repo / "monitrc").write_text("set daemon 30\ninclude /opt/elsewhere/*.cfg\n")
    found = _diagnostics(_check(repo, "--format", "json", "--select", "MON002", "monitrc"))
    assert len(found) == 1 and found[0]["severity"] == "info"
    assert 'root = "DIR"' in str(found[0]["hint"]) and "--root DIR" in str(found[0]["hint"])


def test_infos_do_not_fail_by_default_but_fail_on_info_does(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    (repo / ".git").mkdir(parents=True)
    (repo / "monitrc").write_text(
        "set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n"
        "check process app with pidfile /run/app.pid\n"
        '    start program = "/usr/bin/app start"\n    stop program = "/usr/bin/app stop"\n'
    )
    quiet = _check(repo, "monitrc")
    assert quiet.exit_code == 0 and "MON107 info" in quiet.stdout
    assert _check(repo, "--fail-on", "info", "monitrc").exit_code == 1
    (repo / ".monitlint.toml").write_text('fail-on = "info"\n')
    assert run_cli("check", "--no-cache", "monitrc", cwd=repo).exit_code == 1


def test_rule_doc_and_help_name_root_and_the_default(tmp_path: Path) -> None:
    doc = run_cli("rule", "MON002").stdout
    assert 'root = "."' in doc and "--root" in doc
    assert "default: warning" in run_cli("check", "--help").stdout


# --- a whole infrastructure repository, as a team's first day -----------------------------------------

HOSTED = """set daemon 30
set httpd unixsocket /run/monit/monit.sock allow localhost
include /etc/monit/conf.d/*
"""
NO_STOP = """check process app with pidfile /run/app.pid
    start program = "/usr/bin/app start" with timeout 10 seconds
"""  # MON101 on line 1
EXPOSED = """set daemon 30
set httpd port 2812
    allow 0.0.0.0/0.0.0.0
"""  # MON303 on line 2
BROKEN = "check process\n"  # MON001


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _infra(tmp_path: Path) -> Path:
    """Debian's stock tree, a host tree with planted mistakes, names people use, an Ansible role,
    a gitignored vendor folder and a build output, an excluded legacy folder."""
    repo = _checkout(tmp_path)
    (repo / ".git").rmdir()
    _git(repo.parent, "init", "-q", str(repo))
    files = {
        "hosts/web/monitrc": HOSTED,  # another host's main file: its include reads etc/monit/conf.d under root
        "etc/monit/conf.d/app": NO_STOP,
        "deploy/monitrc.prod": EXPOSED,
        "deploy/monitrc-staging": HOSTED.replace("include /etc/monit/conf.d/*\n", ""),
        "deploy/monitrc.bak": BROKEN,  # a backup: never linted
        "deploy/monit.conf~": BROKEN,  # an editor backup
        "roles/monit/templates/monitrc.j2": "set daemon {{ interval }}\n",
        "roles/monit/tasks/main.yml": "- name: install monit\n",
        "vendor/monit/monitrc": BROKEN,  # gitignored
        "build/monit/monitrc": BROKEN,  # gitignored
        "legacy/monit/monitrc": BROKEN,  # excluded by extend-exclude
        "node_modules/x/monit/monitrc": BROKEN,  # excluded by default
        ".gitignore": "/vendor/\nbuild/\n",
        ".monitlint.toml": 'root = "."\nextend-exclude = ["legacy"]\n',
    }
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return repo


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_an_infrastructure_repository_on_its_first_run(tmp_path: Path) -> None:
    repo = _infra(tmp_path)
    result = run_cli("check", "--no-cache", "--format", "json", "-v", ".", cwd=repo)
    found = _diagnostics(result)
    failing = sorted((str(d["path"]), str(d["code"]), int(str(d["line"]))) for d in found if d["severity"] != "info")
    assert failing == [
        ("deploy/monitrc.prod", "MON303", 2),  # listens on every interface
        ("deploy/monitrc.prod", "MON303", 3),  # allows any host
        ("etc/monit/conf.d/app", "MON101", 1),  # checked once, in the context of the files including it
        ("etc/monit/monitrc", "MON501", 19),
    ], failing
    assert not any(d["code"] == "MON002" for d in found)  # root = "." reads the stock includes
    assert result.exit_code == 1
    notes = result.stderr
    for skipped, why in [
        ("deploy/monitrc.bak", "a backup or patch leftover"),
        ("deploy/monit.conf~", "an editor backup"),
        ("roles/monit/templates/monitrc.j2", "a Jinja template"),
        ("roles/monit/tasks/main.yml", "a YAML file"),
        ("vendor/", "ignored by git (.gitignore)"),
        ("build/", "ignored by git (.gitignore)"),
        ("legacy/", "excluded: matches exclude pattern 'legacy'"),
        ("node_modules/", "excluded: matches exclude pattern 'node_modules'"),
    ]:
        assert f"note: {skipped}: skipped: {why}" in notes, (skipped, notes)
    # The names people use are linted: monitrc.prod above, and monitrc-staging (clean but for infos).
    concise = run_cli("check", "--no-cache", "--format", "concise", "deploy/monitrc-staging", cwd=repo)
    assert concise.exit_code == 0, concise.stdout + concise.stderr
    # pre-commit names files one by one and passes --force-exclude: the excluded one stays out.
    hook = run_cli(
        "check",
        "--no-cache",
        "--skip-non-monit",
        "--force-exclude",
        "legacy/monit/monitrc",
        "deploy/monitrc.bak",
        cwd=repo,
    )
    assert hook.exit_code == 0 and "MON001" not in hook.stdout, hook.stdout + hook.stderr
