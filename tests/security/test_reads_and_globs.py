"""Every read is bounded and never blocks; discovery and includes stay inside the checked tree; globs have a budget.

Each case runs the real command line in a subprocess bounded in time and memory
(tests/security/_run.py).  Measured before the fixes: a committed
``conf.d/zz -> /dev/stderr`` hung ``check`` with -j 2 until killed; ten symlinks
``l0..l9 -> .`` with ``include l*/l*/l*/l*/l*/l*/l*/x*`` took 149 s and 1.2 GB;
``monit.d/x -> /etc/passwd`` printed the first line of /etc/passwd.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from monitlint.files import safe_fs
from monitlint.grammar.include_glob import MAX_DIR_VISITS, GlobBudget, expand_include
from tests.security._run import GIB, monitlint

BLOCK = (
    'check process app{i} with pidfile /run/app{i}.pid\n  start program = "/bin/true"\n  stop program = "/bin/true"\n'
)


def _json(run_stdout: str) -> dict[str, list[dict[str, str]]]:
    return json.loads(run_stdout)  # type: ignore[no-any-return]


def _checkout(path: Path) -> Path:
    """A folder that counts as a git working tree (discovery and includes look for ``.git``)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / ".git").mkdir()
    return path


def test_symlink_to_dev_stderr_in_a_split_include_does_not_hang(tmp_path: Path) -> None:
    conf = tmp_path / "conf.d"
    conf.mkdir()
    for name in ("aa", "ab"):  # over 256 KiB, each file beginning with `check`: parsed apart with -j 2
        (conf / name).write_text("".join(BLOCK.format(i=f"{name}{i}") + "#" * 300 + "\n" for i in range(600)))
    (conf / "zz").symlink_to("/dev/stderr")
    (tmp_path / "monitrc").write_text("set daemon 30\ninclude conf.d/*\n")
    run = monitlint("check", "--no-cache", "--isolated", "-j", "2", "--format", "json", "monitrc", cwd=tmp_path)
    assert run.exit_code == 1, run.stderr
    found = [d for d in _json(run.stdout)["diagnostics"] if d["code"] == "MON002"]
    assert any("not a regular file" in d["message"] for d in found), found


def test_a_discovered_symlink_out_of_the_folder_is_skipped_in_one_line(tmp_path: Path) -> None:
    repo = _checkout(tmp_path / "repo")
    (repo / "monit.d").mkdir()
    (repo / "monit.d" / "x").symlink_to("/etc/passwd")
    (repo / "monit.d" / "ok").write_text("check system s\n")
    run = monitlint("check", "--no-cache", "--isolated", ".", cwd=repo)
    assert "root:" not in run.stdout and "root:" not in run.stderr
    skipped = [line for line in run.stderr.splitlines() if "monit.d/x" in line]
    assert len(skipped) == 1 and "not checked" in skipped[0], run.stderr
    assert "in 1 file" in run.stdout


def test_an_include_leading_outside_the_checkout_is_not_read(tmp_path: Path) -> None:
    repo = _checkout(tmp_path / "repo")
    (repo / "conf.d").mkdir()
    (repo / "conf.d" / "x").symlink_to("/etc/passwd")
    (repo / "monitrc").write_text("set daemon 30\ninclude /etc/passwd\ninclude conf.d/*\n")
    run = monitlint("check", "--no-cache", "--isolated", "--format", "json", "monitrc", cwd=repo)
    assert "root:" not in run.stdout and "root:" not in run.stderr
    messages = [d["message"] for d in _json(run.stdout)["diagnostics"] if d["code"] == "MON002"]
    assert len(messages) == 2 and all("outside the checked tree" in m for m in messages), messages


def test_a_file_named_on_the_command_line_is_read_as_given(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "monitrc").write_text("set daemon 30\ncheck system s\n")
    repo = _checkout(tmp_path / "repo")
    (repo / "monitrc").symlink_to(elsewhere / "monitrc")
    run = monitlint("check", "--no-cache", "--isolated", "--format", "json", "monitrc", cwd=repo)
    assert run.exit_code in (0, 1) and _json(run.stdout)["summary"]["files"] == 1, run.stderr  # type: ignore[call-overload]


def test_ten_symlinks_to_the_folder_itself_do_not_explode_a_glob(tmp_path: Path) -> None:
    repo = _checkout(tmp_path / "repo")
    for i in range(10):
        (repo / f"l{i}").symlink_to(".")
    (repo / "monitrc").write_text("set daemon 30\ninclude l*/l*/l*/l*/l*/l*/l*/x*\n")
    run = monitlint("check", "--no-cache", "--isolated", "--format", "json", "monitrc", cwd=repo, memory=GIB)
    assert run.cpu_seconds < 20, run.cpu_seconds
    found = [d["message"] for d in _json(run.stdout)["diagnostics"] if d["code"] == "MON002"]
    assert any("not followed" in m for m in found), found


def test_proc_root_globs_end_quickly(tmp_path: Path) -> None:
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc")
    (tmp_path / "monitrc").write_text("set daemon 30\ninclude /proc/*/root/proc/*/root/proc/*/x\n")
    run = monitlint("check", "--no-cache", "--isolated", "--format", "json", "monitrc", cwd=tmp_path, memory=GIB)
    assert run.exit_code in (0, 1) and run.cpu_seconds < 30, run.stderr


def test_the_folder_visit_budget_is_reported_in_words(tmp_path: Path) -> None:
    for i in range(101):
        for j in range(100):
            (tmp_path / f"d{i:03d}" / f"e{j:03d}").mkdir(parents=True)
    (tmp_path / "monitrc").write_text("set daemon 30\ninclude d*/e*/*\n")
    run = monitlint("check", "--no-cache", "--isolated", "--format", "json", "monitrc", cwd=tmp_path, timeout=60)
    found = [d["message"] for d in _json(run.stdout)["diagnostics"] if d["code"] == "MON002"]
    assert any(f"after {MAX_DIR_VISITS} folder visits" in m for m in found), found


def test_expansion_is_lazy_and_sorted(tmp_path: Path) -> None:
    for name in ("b", "a-x", "a"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f").write_text("")
    budget = GlobBudget()
    expansion = expand_include(f"{tmp_path}/*/f", limit=2, budget=budget)
    # Monit's reading order is the reverse of the sorted order; only two were taken.
    assert expansion.files == [f"{tmp_path}/a/f", f"{tmp_path}/a-x/f"] and expansion.truncated
    assert budget.visits > MAX_DIR_VISITS - 10


def test_a_pyproject_that_never_ends_is_not_read_whole(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").symlink_to("/dev/zero")
    (tmp_path / "monitrc").write_text("set daemon 30\ncheck system s\n")
    run = monitlint("check", "--no-cache", "monitrc", cwd=tmp_path, memory=GIB, timeout=30)
    assert run.exit_code in (0, 1), run.stderr


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_read_bounded_refuses_devices_and_fifos_at_once(tmp_path: Path, target: str) -> None:
    path = tmp_path / "file"
    if target == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(target)
    with pytest.raises(safe_fs.UnsafeFile):
        safe_fs.read_bounded(str(path), 1024)
