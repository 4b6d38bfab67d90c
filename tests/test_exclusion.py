"""Leaving files out: `exclude`/`extend-exclude` (ruff's way), the default list, `.gitignore`, `--force-exclude`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from monitlint.config import Config
from monitlint.files.exclusion import DEFAULT_EXCLUDE, Exclusion
from monitlint.files.gitignore import ignored_below
from tests.conftest import CliResult, run_cli

MONITRC = "set daemon 30\n"  # one finding (MON501, no `set httpd`) in every file checked
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _tree(base: Path, files: list[str], *, git: bool) -> Path:
    base.mkdir(parents=True, exist_ok=True)
    if git:
        assert GIT is not None
        subprocess.run([GIT, "init", "-q", str(base)], check=True)
    else:
        (base / ".git").mkdir(exist_ok=True)  # looks like a checkout to monitlint, not to git
    for name in files:
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MONITRC)
    return base


def _check(cwd: Path, *args: str, env: dict[str, str] | None = None) -> CliResult:
    return run_cli("check", "--no-cache", "--format", "json", *args, cwd=cwd, env=env)


def _checked(result: CliResult) -> list[str]:
    assert result.exit_code in (0, 1), result.stderr
    document = json.loads(result.stdout)
    paths = sorted({d["path"] for d in document["diagnostics"] if d["code"] == "MON501"})
    assert len(paths) == document["summary"]["files"]
    return paths


LAYOUT = [
    "etc/monit/monitrc",
    "legacy/monitrc",
    "roles/monit/files/legacy",
    "old/legacy/monit/monitrc",
    "node_modules/pkg/monit/monitrc",
    ".venv/lib/monitrc",
    "build/monit/monitrc",
]


def test_default_list_is_ruffs_kind() -> None:
    for name in (".git", ".venv", "node_modules", "venv", "__pycache__", ".tox", "dist"):
        assert name in DEFAULT_EXCLUDE


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("legacy", "legacy/monitrc", True),
        ("legacy", "a/b/legacy/monit/x", True),
        ("legacy", "roles/monit/files/legacy", True),
        ("legacy", "legacy-monitrc", False),
        ("legacy*", "legacy-monitrc", True),
        ("etc/monit/conf.d/old-*", "etc/monit/conf.d/old-nginx", True),
        ("etc/monit/conf.d/old-*", "etc/monit/conf.d/nginx", False),
        ("etc/monit/conf.d", "etc/monit/conf.d/nginx", True),
        ("conf.d/x", "etc/monit/conf.d/x", False),  # a path glob is relative to the configuration's folder
    ],
)
def test_patterns_match_names_anywhere_and_paths_from_the_base(
    tmp_path: Path, pattern: str, path: str, excluded: bool
) -> None:
    exclusion = Exclusion.of(Config(base=str(tmp_path), exclude=[pattern]))
    assert (exclusion.why(str(tmp_path / path)) is not None) is excluded


def test_exclude_replaces_the_defaults_and_extend_exclude_adds(tmp_path: Path) -> None:
    assert Exclusion.of(Config(exclude=["x"])).patterns == ("x",)
    assert Exclusion.of(Config(extend_exclude=["x"])).patterns == (*DEFAULT_EXCLUDE, "x")


def test_folder_discovery_leaves_out_defaults_config_excludes_and_says_why(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "r", LAYOUT, git=False)
    assert _checked(_check(repo, "--isolated", ".")) == [
        "build/monit/monitrc",
        "etc/monit/monitrc",
        "legacy/monitrc",
        "old/legacy/monit/monitrc",
        "roles/monit/files/legacy",
    ]
    (repo / ".monitlint.toml").write_text('extend-exclude = ["legacy"]\n')
    result = _check(repo, "-v", ".")
    assert _checked(result) == ["build/monit/monitrc", "etc/monit/monitrc"]
    assert "legacy/: skipped: excluded: matches exclude pattern 'legacy'" in result.stderr
    assert "old/legacy/: skipped: excluded" in result.stderr
    assert "node_modules/: skipped: excluded: matches exclude pattern 'node_modules'" in result.stderr
    assert ".git/" not in result.stderr  # version control's own folder goes without a note
    # `exclude` replaces the defaults: node_modules and .venv come back
    (repo / ".monitlint.toml").write_text('exclude = ["legacy", "build"]\n')
    assert _checked(_check(repo, ".")) == [".venv/lib/monitrc", "etc/monit/monitrc", "node_modules/pkg/monit/monitrc"]


def test_command_line_options_override_the_configuration(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "r", LAYOUT, git=False)
    (repo / ".monitlint.toml").write_text('extend-exclude = ["legacy"]\n')
    assert _checked(_check(repo, "--extend-exclude", "build", ".")) == ["etc/monit/monitrc"]
    assert "node_modules/pkg/monit/monitrc" in _checked(_check(repo, "--exclude", "build,legacy", "."))


def test_a_named_folder_is_searched_though_its_own_name_is_excluded(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "r", LAYOUT, git=False)
    assert _checked(_check(repo, "--isolated", "--extend-exclude", "legacy", "legacy")) == ["legacy/monitrc"]


def test_named_files_are_linted_unless_force_exclude(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "r", LAYOUT, git=False)
    (repo / ".monitlint.toml").write_text('extend-exclude = ["legacy"]\n')
    named = ("legacy/monitrc", "etc/monit/monitrc")
    assert _checked(_check(repo, *named)) == ["etc/monit/monitrc", "legacy/monitrc"]
    forced = _check(repo, "-v", "--force-exclude", *named)
    assert _checked(forced) == ["etc/monit/monitrc"]
    assert "legacy/monitrc: skipped: excluded: matches exclude pattern 'legacy' (--force-exclude)" in forced.stderr
    (repo / ".monitlint.toml").write_text('extend-exclude = ["legacy"]\nforce-exclude = true\n')
    assert _checked(_check(repo, *named)) == ["etc/monit/monitrc"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("exclude = 3\n", "'exclude' must be a list of strings"),
        ('force-exclude = "yes"\n', "'force-exclude' must be true or false"),
    ],
)
def test_bad_exclusion_settings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    repo = _tree(tmp_path / "r", ["monitrc"], git=False)
    (repo / ".monitlint.toml").write_text(text)
    result = run_cli("check", "--no-cache", ".", cwd=repo)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr


@needs_git
def test_gitignored_files_and_folders_are_left_out_in_a_git_checkout(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "r", [*LAYOUT, "etc/monit/conf.d/local.monitrc", "vendor/monit/monitrc"], git=True)
    (repo / ".gitignore").write_text("build/\n/vendor\n*.monitrc\n")
    result = _check(repo, "--isolated", "-v", ".")
    checked = _checked(result)
    assert "build/monit/monitrc" not in checked and "vendor/monit/monitrc" not in checked
    assert "etc/monit/conf.d/local.monitrc" not in checked and "etc/monit/monitrc" in checked
    assert "build/: skipped: ignored by git (.gitignore)" in result.stderr
    assert "etc/monit/conf.d/local.monitrc: skipped: ignored by git (.gitignore)" in result.stderr
    # A tracked file is not ignored, as in git.
    assert GIT is not None
    subprocess.run([GIT, "-C", str(repo), "add", "-f", "build/monit/monitrc"], check=True)
    assert "build/monit/monitrc" in _checked(_check(repo, "--isolated", "."))
    # respect-gitignore = false turns it off
    (repo / ".monitlint.toml").write_text("respect-gitignore = false\n")
    assert "vendor/monit/monitrc" in _checked(_check(repo, "."))


@needs_git
def test_gitignore_is_read_below_a_subfolder_argument(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "r", ["etc/monit/monitrc", "etc/monit/conf.d/old"], git=True)
    (repo / ".gitignore").write_text("etc/monit/conf.d/old\n")
    (repo / "etc/monit/conf.d/old").write_text("check system s\n")
    assert _checked(_check(repo, "--isolated", "etc")) == ["etc/monit/monitrc"]


def test_without_git_nothing_is_ignored_and_verbose_says_why(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "r", ["etc/monit/monitrc", "build/monit/monitrc"], git=False)
    (repo / ".gitignore").write_text("build/\n")
    empty_path = tmp_path / "no-git-here"
    empty_path.mkdir()
    result = _check(repo, "--isolated", "-v", ".", env={"PATH": str(empty_path)})
    assert _checked(result) == ["build/monit/monitrc", "etc/monit/monitrc"]
    assert "git is not installed: .gitignore is not applied" in result.stderr
    assert "Traceback" not in result.stderr


@needs_git
def test_not_a_git_checkout_or_a_broken_one_is_no_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "monit").mkdir(parents=True)
    (plain / "monit" / "monitrc").write_text(MONITRC)
    assert ignored_below(str(plain)).unavailable is None or os.path.exists("/.git")
    broken = _tree(tmp_path / "broken", ["monitrc"], git=False)  # a `.git` folder git does not accept
    found = ignored_below(str(broken))
    assert found.paths == frozenset() and found.unavailable is not None and "git failed" in found.unavailable
    result = _check(broken, "--isolated", "-v", ".")
    assert _checked(result) == ["monitrc"] and "Traceback" not in result.stderr
