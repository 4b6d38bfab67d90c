"""What a team pins and wires up: one repository URL, a pinned pre-commit example, the GitHub Action,
the GitLab CI template and shell completion, each run as its users would run it.

The Action's and the template's shell steps are parsed from their YAML and run as GitHub's and
GitLab's runners run them; the steps that install monitlint with pip (from this checkout) are in the
slow tests, the rest run with this checkout's installed monitlint.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from monitlint.links import REPOSITORY
from tests.conftest import REPO, SAMPLES

README = (REPO / "README.md").read_text(encoding="utf-8")
ACTION = REPO / "action.yml"
GITLAB_TEMPLATE = REPO / "integrations" / "gitlab" / "monitlint.gitlab-ci.yml"
VENV_BIN = str(Path(sys.executable).parent)
MISSING_STOP = (SAMPLES / "missing-stop" / "monitrc").read_text()


def _tree(tmp_path: Path, *, findings: bool) -> Path:
    """A checkout laid out as installed (etc/monit with conf.d), with or without a finding."""
    checkout = tmp_path / "infra"
    (checkout / ".git").mkdir(parents=True)
    shutil.copytree(SAMPLES / "good" / "etc", checkout / "etc")
    if findings:
        (checkout / "etc" / "monit" / "conf.d" / "broken").write_text(MISSING_STOP.split("\n", 1)[1])
    return checkout


# --- one repository URL ------------------------------------------------------------------------------


def test_one_repository_url_everywhere() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert all(url.startswith(REPOSITORY) for url in pyproject["project"]["urls"].values())
    assert pyproject["project"]["urls"]["Repository"] == REPOSITORY
    texts = {
        "README.md": README,
        ".pre-commit-hooks.yaml": (REPO / ".pre-commit-hooks.yaml").read_text(),
        "action.yml": ACTION.read_text(),
        "monitlint.gitlab-ci.yml": GITLAB_TEMPLATE.read_text(),
        "CHANGELOG.md": (REPO / "CHANGELOG.md").read_text(),
    }
    for name, text in texts.items():
        assert REPOSITORY in text, name
        # any other spelling of where monitlint lives is a mistake
        others = set(re.findall(r"https?://[\w.-]+/[\w.-]+/monitlint\b", text)) - {REPOSITORY}
        assert not others, (name, others)
        assert "example.com/monitlint" not in text, name


def _precommit_example() -> dict[str, Any]:
    block = re.search(r"pre-commit \(`\.pre-commit-config\.yaml`\):\n\n```yaml\n(.*?)```", README, re.DOTALL)
    assert block, "README has no pre-commit example"
    config: dict[str, Any] = yaml.safe_load(block.group(1))
    return config


def test_readme_precommit_example_pins_a_commit_of_this_repository() -> None:
    (repo,) = _precommit_example()["repos"]
    assert repo["repo"] == REPOSITORY
    assert re.fullmatch(r"[0-9a-f]{40}", repo["rev"]), "pin a full commit sha until a release is tagged"
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in repo["hooks"]] == [hooks[0]["id"]]
    git = shutil.which("git")
    if git is not None and (REPO / ".git").exists():
        known = subprocess.run([git, "-C", str(REPO), "cat-file", "-e", f"{repo['rev']}^{{commit}}"], check=False)
        assert known.returncode == 0, f"{repo['rev']} is not a commit of this repository"


# --- the GitHub Action ---------------------------------------------------------------------------------


def _action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load(ACTION.read_text())
    return action


def _action_env(step: dict[str, Any], inputs: dict[str, str]) -> dict[str, str]:
    """A step's `env:`, with `${{ inputs.X }}` replaced as GitHub does (the input, or its default)."""
    defaults = {name: str(spec.get("default", "")) for name, spec in _action()["inputs"].items()}
    values = {**defaults, **inputs}
    return {
        key: re.sub(r"\$\{\{\s*inputs\.(\w+)\s*\}\}", lambda m: values[m.group(1)], str(value))
        for key, value in step.get("env", {}).items()
    }


def _run_action_step(step: dict[str, Any], inputs: dict[str, str], cwd: Path, env: dict[str, str]) -> Any:
    """Run one `run:` step as GitHub's runner does: `bash --noprofile --norc -eo pipefail FILE`."""
    assert step["shell"] == "bash"
    script = cwd.parent / f"step-{abs(hash(step['name']))}.sh"
    script.write_text(step["run"])
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env={**env, **_action_env(step, inputs)},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_action_is_a_composite_action_installing_from_its_own_checkout() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"paths", "args"}
    install, check = action["runs"]["steps"]
    assert '"$GITHUB_ACTION_PATH"' in install["run"] and "pip install" in install["run"]
    assert "monitlint check --format github" in check["run"]
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"], "inputs reach a script through env, never pasted into it"


@pytest.mark.parametrize(("findings", "status"), [(False, 0), (True, 1)])
def test_action_check_step_fails_as_check_does(tmp_path: Path, findings: bool, status: int) -> None:
    checkout = _tree(tmp_path, findings=findings)
    check = _action()["runs"]["steps"][1]
    env = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}", "NO_COLOR": "1"}
    done = _run_action_step(check, {"paths": "etc/monit", "args": "--root . --no-cache"}, checkout, env)
    assert done.returncode == status, done.stdout + done.stderr
    if findings:
        assert "::error file=etc/monit/conf.d/broken,line=" in done.stdout
    else:
        assert done.stdout == "" and done.stderr == ""


def test_action_inputs_cannot_become_shell_code(tmp_path: Path) -> None:
    checkout = _tree(tmp_path, findings=False)
    check = _action()["runs"]["steps"][1]
    env = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    done = _run_action_step(
        check, {"paths": "etc/monit; touch pwned $(touch pwned2)", "args": "--root ."}, checkout, env
    )
    assert not (checkout / "pwned").exists() and not (checkout / "pwned2").exists()
    assert done.returncode == 2  # `;`, `touch`, `pwned` … are paths that do not exist


@pytest.mark.slow
def test_action_installs_from_its_checkout_and_runs(tmp_path: Path) -> None:
    """The whole Action, install step included (pip builds monitlint from this checkout: tens of seconds)."""
    checkout = _tree(tmp_path, findings=True)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    github_path = tmp_path / "github-path"
    github_path.write_text("")
    env = {
        **os.environ,
        "GITHUB_ACTION_PATH": str(REPO),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_PATH": str(github_path),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }
    install, check = _action()["runs"]["steps"]
    inputs = {"paths": "etc/monit", "args": "--root . --no-cache", "python": sys.executable}
    done = _run_action_step(install, inputs, checkout, env)
    assert done.returncode == 0, done.stderr[-3000:]
    added = github_path.read_text().split()
    assert added == [str(runner_temp / "monitlint-venv" / "bin")]
    env["PATH"] = f"{added[0]}:{env['PATH']}"  # what the runner does with $GITHUB_PATH
    done = _run_action_step(check, inputs, checkout, env)
    assert done.returncode == 1 and "::error file=etc/monit/conf.d/broken" in done.stdout, done.stderr


# --- the GitLab CI template ----------------------------------------------------------------------------


def _gitlab_job() -> tuple[dict[str, Any], dict[str, Any]]:
    template = yaml.safe_load(GITLAB_TEMPLATE.read_text())
    job = template["monitlint"]
    assert job["extends"] == ".monitlint"
    return template[".monitlint"], job


def _run_gitlab_script(lines: list[str], variables: dict[str, str], cwd: Path, env: dict[str, str]) -> Any:
    """The script lines in one shell, as GitLab's runner runs them (stop at the first failure)."""
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", "\n".join(lines)],
        cwd=cwd,
        env={**env, **variables},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_gitlab_template_shape() -> None:
    base, _job = _gitlab_job()
    assert base["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert base["artifacts"]["when"] == "always"  # the report is kept when findings fail the job
    assert base["variables"]["MONITLINT_PACKAGE"].startswith(f"git+{REPOSITORY}@")
    install, check = base["script"]
    assert "pip install" in install and "$MONITLINT_PACKAGE" in install
    assert check.startswith("monitlint check --format gitlab") and check.endswith("> gl-code-quality-report.json")


@pytest.mark.parametrize(("findings", "status"), [(False, 0), (True, 1)])
def test_gitlab_template_writes_a_valid_code_quality_report(tmp_path: Path, findings: bool, status: int) -> None:
    checkout = _tree(tmp_path, findings=findings)
    base, _job = _gitlab_job()
    variables = {**base["variables"], "MONITLINT_PATHS": "etc/monit", "MONITLINT_ARGS": "--root . --no-cache"}
    env = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    done = _run_gitlab_script(base["script"][1:], variables, checkout, env)
    assert done.returncode == status, done.stderr
    report = json.loads((checkout / "gl-code-quality-report.json").read_text())
    schema = json.loads((REPO / "tests" / "schemas" / "gitlab-codequality.schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(report)
    assert bool(report) is findings
    if findings:
        assert {issue["location"]["path"] for issue in report} == {"etc/monit/conf.d/broken"}


@pytest.mark.slow
def test_gitlab_template_installs_and_runs(tmp_path: Path) -> None:
    """The whole script, pip install included (MONITLINT_PACKAGE pointed at this checkout)."""
    checkout = _tree(tmp_path, findings=True)
    venv = tmp_path / "image-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    base, _job = _gitlab_job()
    variables = {
        **base["variables"],
        "MONITLINT_PACKAGE": str(REPO),
        "MONITLINT_PATHS": "etc/monit",
        "MONITLINT_ARGS": "--root . --no-cache",
    }
    env = {**os.environ, "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = _run_gitlab_script(base["script"], variables, checkout, env)
    assert done.returncode == 1, done.stderr[-3000:]
    assert json.loads((checkout / "gl-code-quality-report.json").read_text())


# --- shell completion ----------------------------------------------------------------------------------


def _complete(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The installed `monitlint` script run with click's completion variables (as a shell runs it)."""
    script = shutil.which("monitlint", path=VENV_BIN)
    assert script is not None, "monitlint is not installed in this venv"
    return subprocess.run([script], env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("shell", "marker"), [("bash", "complete -o"), ("zsh", "#compdef monitlint"), ("fish", "complete")]
)
def test_shell_completion_prints_a_script(shell: str, marker: str) -> None:
    result = _complete({"_MONITLINT_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0 and marker in result.stdout and "_MONITLINT_COMPLETE" in result.stdout
    assert f"_MONITLINT_COMPLETE={shell}_source monitlint" in README


def test_shell_completion_completes_commands_and_options() -> None:
    commands = _complete({"_MONITLINT_COMPLETE": "bash_complete", "COMP_WORDS": "monitlint ch", "COMP_CWORD": "1"})
    assert "check" in commands.stdout
    options = _complete(
        {"_MONITLINT_COMPLETE": "bash_complete", "COMP_WORDS": "monitlint check --form", "COMP_CWORD": "2"}
    )
    assert "--format" in options.stdout
