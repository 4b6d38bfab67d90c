"""The first run in a checkout holding Debian's stock /etc/monit: quiet and right.

Infos never fail `check` by default (`fail-on = "warning"`); an include pointing outside the
checked tree is told apart from a missing one, and its hint names the `root` line that reads it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
