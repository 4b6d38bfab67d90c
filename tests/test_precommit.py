"""The pre-commit hook: its file pattern is discovery's, and the real `pre-commit` runs it in a git repository.

The end-to-end tests run `pre-commit try-repo` (and a real `git commit` with the hook installed) in
throw-away git repositories. The hook is taken from a snapshot of this working tree (committed into
its own temporary repository), so uncommitted edits and new files are what is tested, and the
project's own git state is never touched. pre-commit installs the hook into a virtualenv under a
temporary PRE_COMMIT_HOME.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitlint.files.discovery import MONIT_FILES, discover
from tests.conftest import REPO, SAMPLES, run_cli

HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"
# What the hook's package needs to build and install (pyproject's readme is README.md).
SNAPSHOT = ("monitlint", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")


def hook_definition() -> dict[str, str]:
    """The `monitlint` hook's scalar keys, read without a YAML library (pre-commit may be absent)."""
    text = HOOKS_FILE.read_text(encoding="utf-8")
    block = re.search(r"^- id: monitlint\n((?:  .*\n?)*)", text, re.MULTILINE)
    assert block, f"no `- id: monitlint` hook in {HOOKS_FILE}"
    hook = {"id": "monitlint"}
    for line in block.group(1).splitlines():
        key, _, value = line.strip().partition(": ")
        if value.startswith("'") and value.endswith("'"):
            value = value[1:-1].replace("''", "'")  # YAML single-quoted scalar: no backslash escapes
        hook[key] = value
    return hook


def test_hook_definition() -> None:
    hook = hook_definition()
    assert hook["entry"] == "monitlint check --skip-non-monit --force-exclude"
    assert hook["language"] == "python"
    assert hook["name"] == "monitlint"


def test_hook_files_pattern_is_discoverys_pattern() -> None:
    assert hook_definition()["files"] == MONIT_FILES.pattern


def test_hook_definition_is_valid_yaml_for_pre_commit() -> None:
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    from pre_commit.clientlib import load_manifest  # type: ignore[import-untyped]

    hooks = load_manifest(str(HOOKS_FILE))
    (hook,) = (h for h in hooks if h["id"] == "monitlint")
    assert hook["files"] == MONIT_FILES.pattern
    assert hook["entry"] == "monitlint check --skip-non-monit --force-exclude"
    assert hook["language"] == "python"


@pytest.mark.parametrize(
    "path",
    [
        "monitrc",
        ".monitrc",
        "x.monitrc",
        "etc/monitrc",
        "etc/monit/monitrc",
        "etc/monit/conf.d/nginx.conf",
        "etc/monit/conf-enabled/nginx",
        "monit.d/app",
        "etc/monitrc.d/app",
        "roles/web/files/monit/conf.d/site.conf",
    ],
)
def test_hook_pattern_matches_monit_files(path: str) -> None:
    pattern = re.compile(hook_definition()["files"])
    assert pattern.search(path), path
    assert not re.search(hook_definition()["exclude"], path)


@pytest.mark.parametrize(
    "path",
    [
        "nginx/conf.d/site.conf",
        "conf.d/site.conf",
        "monitrc.bak/x",
        "monitoring/app.conf",
        "mymonit/app",
        "README.md",
    ],
)
def test_hook_pattern_skips_other_files(path: str) -> None:
    assert not re.compile(hook_definition()["files"]).search(path), path


def test_hook_skips_editor_backups_like_discovery(tmp_path: Path) -> None:
    (tmp_path / "monit").mkdir()
    (tmp_path / "monit" / "app").write_text("set daemon 30\n")
    (tmp_path / "monit" / "app~").write_text("set daemon 30\n")
    assert re.search(hook_definition()["exclude"], "monit/app~")
    assert discover(str(tmp_path)) == [str(tmp_path / "monit" / "app")]


# --- the real pre-commit ------------------------------------------------------------------------


def _require(module_or_tool: str, available: bool) -> None:
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{module_or_tool} is required in CI (pre-commit belongs in the `test` extra)")
    pytest.skip(f"{module_or_tool} is not installed (pip install pre-commit); skipped outside CI")


@dataclass
class Env:
    """Where the snapshot of monitlint lives and the environment for git and pre-commit."""

    hook_repo: Path
    rev: str
    env: dict[str, str]


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


def _init_repo(path: Path, env: dict[str, str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    _git("init", "-q", cwd=path, env=env)
    _git("config", "user.email", "test@example.com", cwd=path, env=env)
    _git("config", "user.name", "monitlint tests", cwd=path, env=env)
    _git("config", "commit.gpgsign", "false", cwd=path, env=env)


@pytest.fixture(scope="module")
def precommit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """A committed snapshot of this working tree and an isolated git/pre-commit environment."""
    _require("pre-commit", importlib.util.find_spec("pre_commit") is not None)
    _require("git", shutil.which("git") is not None)
    base = tmp_path_factory.mktemp("precommit")
    git_config = base / "gitconfig"
    git_config.write_text("")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": str(git_config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "NO_COLOR": "1",
        "PRE_COMMIT_COLOR": "never",
        # monitlint's result cache is keyed by version, not by code: keep the hook's runs to themselves
        "XDG_CACHE_HOME": str(base / "cache"),
        # ... but let pip reuse its downloads
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR")
        or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pip"),
    }
    for name in ("PRE_COMMIT", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)
    hook_repo = base / "monitlint-src"
    hook_repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SNAPSHOT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, hook_repo / name, ignore=ignore)
        else:
            shutil.copy2(source, hook_repo / name)
    _init_repo(hook_repo, env)
    _git("add", "-A", cwd=hook_repo, env=env)
    _git("commit", "-q", "-m", "snapshot", cwd=hook_repo, env=env)
    yield Env(hook_repo, _git("rev-parse", "HEAD", cwd=hook_repo, env=env), env)


def _project(path: Path, env: dict[str, str], good: bool) -> list[str]:
    """A throw-away repository with a Monit config (staged); returns the files to check."""
    _init_repo(path, env)
    if good:
        shutil.copytree(SAMPLES / "good" / "etc", path / "etc")
        # the absolute `include /etc/monit/conf.d/*.conf` resolves inside the repository
        (path / ".monitlint.toml").write_text('root = "."\nentrypoints = ["etc/monit/monitrc"]\n')
    else:
        (path / "etc" / "monit").mkdir(parents=True)
        shutil.copy2(SAMPLES / "missing-stop" / "monitrc", path / "etc" / "monit" / "monitrc")
    (path / "README.md").write_text("not a monit file\n")
    _git("add", "-A", cwd=path, env=env)
    return sorted(_git("ls-files", cwd=path, env=env).splitlines())


def _pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_try_repo_fails_on_a_bad_config_and_shows_the_finding(precommit: Env, tmp_path: Path) -> None:
    files = _project(tmp_path / "bad", precommit.env, good=False)
    proc = _pre_commit(
        "try-repo", str(precommit.hook_repo), "monitlint", "--files", *files, cwd=tmp_path / "bad", env=precommit.env
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert re.search(r"^monitlint\.+Failed$", output, re.MULTILINE), output
    assert "etc/monit/monitrc:19:1: MON101 error: process service 'myapp' has no stop program" in output
    assert "Found 1 problem (1 error) in 1 file." in output  # README.md was not passed to the hook


@pytest.mark.slow
def test_try_repo_passes_a_good_config(precommit: Env, tmp_path: Path) -> None:
    files = _project(tmp_path / "good", precommit.env, good=True)
    assert "etc/monit/conf.d/nginx.conf" in files
    proc = _pre_commit(
        "try-repo", str(precommit.hook_repo), "monitlint", "--files", *files, cwd=tmp_path / "good", env=precommit.env
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert re.search(r"^monitlint\.+Passed$", output, re.MULTILINE), output


@pytest.mark.slow
def test_installed_hook_blocks_a_bad_commit_and_lets_a_good_one_through(precommit: Env, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _project(repo, precommit.env, good=False)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {precommit.hook_repo}\n    rev: {precommit.rev}\n    hooks:\n      - id: monitlint\n"
    )
    _git("add", "-A", cwd=repo, env=precommit.env)
    install = _pre_commit("install", cwd=repo, env=precommit.env)
    assert install.returncode == 0, install.stdout + install.stderr

    commit = subprocess.run(
        ["git", "commit", "-m", "bad"], cwd=repo, env=precommit.env, capture_output=True, text=True, timeout=300
    )
    output = commit.stdout + commit.stderr
    assert commit.returncode != 0, output
    assert "MON101" in output and "etc/monit/monitrc:19:1" in output
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=repo, env=precommit.env).returncode != 0

    monitrc = repo / "etc" / "monit" / "monitrc"
    monitrc.write_text(
        monitrc.read_text().replace(
            'start program = "/usr/local/bin/myapp --daemon --pidfile /run/myapp.pid" with timeout 60 seconds\n',
            'start program = "/usr/local/bin/myapp --daemon --pidfile /run/myapp.pid" with timeout 60 seconds\n'
            '    stop program = "/usr/local/bin/myapp --stop" with timeout 60 seconds\n',
        )
    )
    _git("add", "-A", cwd=repo, env=precommit.env)
    commit = subprocess.run(
        ["git", "commit", "-m", "good"], cwd=repo, env=precommit.env, capture_output=True, text=True, timeout=300
    )
    output = commit.stdout + commit.stderr
    assert commit.returncode == 0, output
    assert re.search(r"^monitlint\.+Passed$", output, re.MULTILINE), output


# --- a realistic infrastructure repository ---------------------------------------------------------------

INFRA = REPO / "tests" / "data" / "infra-repo"
DEBIAN_FILES = ("monitrc", "conf-available", "templates")  # mirrored from the installed monit package
# Every finding `monitlint check .` and the hook must report in the infrastructure repository: all real,
# each once. (Debian's own pdns-recursor check really names its group `pnds-recursor` once.)
INFRA_FINDINGS = [
    "etc/monit/conf-available/pdns-recursor:17:10: MON204 info",
    "etc/monit/conf.d/backups:2:1: MON002 warning",
    "etc/monit/conf.d/myapp:2:1: MON101 error",
]
# files: monitrc, 15 conf-available, 3 templates, 4 conf.d, backup.d, Ansible's conf.d/sshd, and the two
# templates of the Ansible role, rendered (its Puppet module is not compiled without --puppet: a warning)
INFRA_CHECKED = 28


def _pristine_debian_monit(target: Path) -> None:
    """Copy Debian's /etc/monit files into ``target``, each only if it is the package's own (dpkg's md5)."""
    import hashlib

    if not shutil.which("dpkg-query") or not Path("/etc/monit/monitrc").exists():
        _require("Debian's monit package (apt-get install monit)", False)
    listing = subprocess.run(
        ["dpkg-query", "-W", "-f=${Conffiles}\\n", "monit"], capture_output=True, text=True, timeout=30
    ).stdout
    sums = {parts[0]: parts[1] for parts in (line.split() for line in listing.splitlines()) if len(parts) >= 2}
    wanted = [p for p in sums if p.startswith("/etc/monit/") and p[len("/etc/monit/") :].startswith(DEBIAN_FILES)]
    assert len(wanted) == 19, wanted
    for path in wanted:
        try:
            data = Path(path).read_bytes()
        except PermissionError:
            pytest.skip(f"{path} is not readable here")
        if hashlib.md5(data).hexdigest() != sums[path]:  # dpkg's own checksum
            pytest.skip(f"{path} differs from the monit package's file on this host")
        copy = target / path[len("/etc/monit/") :]
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(data)


def _infra_repo(path: Path, env: dict[str, str]) -> None:
    """tests/data/infra-repo with Debian's files mirrored into etc/monit, committed in a new git repository."""
    shutil.copytree(INFRA, path)
    _pristine_debian_monit(path / "etc" / "monit")
    enabled = path / "etc" / "monit" / "conf-enabled"  # as `ln -s ../conf-available/X conf-enabled/` makes them
    enabled.mkdir()
    for name in ("nginx", "openssh-server"):
        (enabled / name).symlink_to(f"../conf-available/{name}")
    _init_repo(path, env)
    _git("add", "-A", cwd=path, env=env)
    _git("commit", "-q", "-m", "infra", cwd=path, env=env)


def _finding_lines(output: str) -> list[str]:
    return sorted(m.group(1) for m in re.finditer(r"^(\S+:\d+:\d+: MON\d+ \w+):", output, re.MULTILINE))


def test_an_infrastructure_repository_with_monitlint_check(tmp_path: Path) -> None:
    repo = tmp_path / "infra"
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    _infra_repo(repo, env)
    result = run_cli("check", "--no-cache", "--verbose", ".", cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert _finding_lines(result.stdout) == INFRA_FINDINGS, result.stdout
    assert result.stdout.rstrip().endswith(f"Found 3 problems (1 error, 1 warning, 1 info) in {INFRA_CHECKED} files.")
    assert "monitlint: warning: puppet/modules/monit: not compiled: " in result.stderr
    assert "rendered /etc/monit/conf.d/myapp:4 (from ansible/roles/monit/templates/app.conf.j2:5): " in result.stderr
    # Files named like nothing Monit reads are named too (`-v` names every file left out); the others:
    skipped = sorted(
        name
        for name, why in re.findall(r"^monitlint: note: (\S+): skipped: (.*)$", result.stderr, re.MULTILINE)
        if not why.startswith("not named like a Monit control file")
    )
    assert skipped == [
        "ansible/roles/monit/README.md",
        "ansible/roles/monit/defaults/main.yml",
        "ansible/roles/monit/handlers/main.yml",
        "ansible/roles/monit/tasks/main.yml",
        "ansible/roles/monit/templates/app.conf.j2",
        "ansible/roles/monit/templates/monitrc.j2",
        "etc/monit/README.md",
        "puppet/modules/monit/manifests/init.pp",
        "puppet/modules/monit/templates/monitrc.epp",
    ]
    # Debian's templates are block fragments, checked inside the checks that include them: rootstrict in
    # the entrypoint's context (conf-enabled/openssh-server), rootbin and rootrc in that of a conf-available
    # check no entrypoint enables. A template that no checked file includes is linted on its own inside
    # a stand-in block (tests/test_discovery.py); none is here.
    for template, includer in (("rootbin", "conf-available/acpid"), ("rootrc", "conf-available/mdadm")):
        assert f"note: etc/monit/templates/{template}: checked as included by etc/monit/{includer}\n" in result.stderr
    assert "note: etc/monit/templates/rootstrict: checked in the context of etc/monit/monitrc\n" in result.stderr
    # every format reports the same findings, each once
    document = json.loads(run_cli("check", "--no-cache", "--format", "json", ".", cwd=repo).stdout)
    assert sorted(
        f"{d['path']}:{d['line']}:{d['column']}: {d['code']} {d['severity']}" for d in document["diagnostics"]
    ) == (INFRA_FINDINGS)
    assert document["summary"]["files"] == INFRA_CHECKED


@pytest.mark.slow
def test_an_infrastructure_repository_with_pre_commit_try_repo(precommit: Env, tmp_path: Path) -> None:
    repo = tmp_path / "infra"
    _infra_repo(repo, precommit.env)
    proc = _pre_commit("try-repo", str(precommit.hook_repo), "monitlint", "--all-files", cwd=repo, env=precommit.env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert re.search(r"^monitlint\.+Failed$", output, re.MULTILINE), output
    assert _finding_lines(output) == INFRA_FINDINGS, output
    # one run for all the files (require_serial): symlinks are not passed, the other candidates are
    # The hook's own environment has no template engine (no `additional_dependencies: [ansible-core]`):
    # the role is not rendered, and the run says so.
    assert f"Found 3 problems (1 error, 1 warning, 1 info) in {INFRA_CHECKED - 2} files." in output
    assert "ansible/roles/monit: not rendered: neither ansible-core nor Jinja2 is installed" in output
    assert "Traceback" not in output
