"""Every file a control file names is read only inside the checked tree (or the sysroot), never the CI runner's.

Measured before the fix: in a git checkout, ``host = true`` in a committed
``.monitlint.toml`` and ``if content = /home/runner/secret.txt`` in a monitrc made
MON608 print up to ten lines of that file (each line that is not a valid regex),
through ``check`` and the pre-commit hook alike; and the findings differed between
a file that exists and one that does not, telling which files the runner has.
Host checks read PEM, htpasswd and pattern files, programs, users and the host name.

Now: in a checkout without a root, host checks look only inside the checked tree,
and an include leading outside it is refused in the same words whether it exists
or not.  The machine itself is read only for ``--host`` on the command line outside
any checkout (the positive controls below show the same secret *is* read there).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from monitlint.host.view import HostView
from tests.security._run import monitlint

SECRET_LINES = ["SECRET-alpha (", "SECRET-beta [", "SECRET-gamma [z-a]"]  # none compiles as a POSIX regex
FORMATS = ["text", "json", "sarif", "github", "gitlab", "junit"]


def _checkout(path: Path, config: str | None = "host = true\n") -> Path:
    """A git working tree (a ``.git`` folder) with a committed configuration."""
    path.mkdir(parents=True, exist_ok=True)
    (path / ".git").mkdir()
    if config is not None:
        (path / ".monitlint.toml").write_text(config)
    return path


def _secret(tmp_path: Path) -> Path:
    """A file of the CI runner, outside every checkout: what a pull request must never print."""
    outside = tmp_path / "runner-home"
    outside.mkdir(exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text("\n".join(SECRET_LINES) + "\n")
    secret.chmod(0o600)
    return secret


def _control(folder: Path, text: str, name: str = "monitrc") -> Path:
    control = folder / name
    control.write_text(text)
    control.chmod(0o600)
    return control


def _no_secret(*streams: str) -> None:
    for stream in streams:
        assert "SECRET" not in stream, stream[:3000]


def _pattern_test(path: str) -> str:
    return f"set daemon 30\ncheck file log with path /var/log/syslog\n  if content = {path} then alert\n"


# --- the finding as reported --------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_committed_host_true_does_not_print_a_file_of_the_runner(tmp_path: Path, output_format: str) -> None:
    secret = _secret(tmp_path)
    repo = _checkout(tmp_path / "repo")
    _control(repo, _pattern_test(str(secret)))
    run = monitlint("check", "--no-cache", "--format", output_format, "monitrc", cwd=repo)
    assert run.exit_code in (0, 1), run.stderr
    _no_secret(run.stdout, run.stderr)
    assert "Traceback" not in run.stderr


def test_nor_through_the_pre_commit_hook(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    repo = _checkout(tmp_path / "repo")
    (repo / "etc/monit/conf.d").mkdir(parents=True)
    _control(repo / "etc/monit", _pattern_test(str(secret)))
    _control(repo / "etc/monit/conf.d", f"check file x with path /x\n  if content = {secret} then alert\n", "app")
    # What .pre-commit-hooks.yaml runs: `monitlint check --skip-non-monit FILES...`
    run = monitlint("check", "--skip-non-monit", "etc/monit/monitrc", "etc/monit/conf.d/app", cwd=repo)
    assert run.exit_code in (0, 1), run.stderr
    _no_secret(run.stdout, run.stderr)


def test_nor_with_host_on_the_command_line_inside_a_checkout(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    repo = _checkout(tmp_path / "repo", config=None)
    _control(repo, _pattern_test(str(secret)))
    run = monitlint("check", "--no-cache", "--isolated", "--host", "monitrc", cwd=repo)
    _no_secret(run.stdout, run.stderr)
    # Not silent: one line says what the host checks did not look at, and how to make them.
    notes = [line for line in run.stderr.splitlines() if "host checks look only inside the checked tree" in line]
    assert len(notes) == 1 and "--root" in notes[0], run.stderr


def test_a_configuration_alone_never_makes_the_machine_be_read(tmp_path: Path) -> None:
    # Outside any checkout (a tarball, a shared folder): `host = true` in a file selects the checks,
    # but only the command line may make monitlint read this machine.
    secret = _secret(tmp_path)
    project = tmp_path / "unpacked"
    project.mkdir()
    (project / ".monitlint.toml").write_text("host = true\n")
    _control(project, _pattern_test(str(secret)))
    run = monitlint("check", "--no-cache", "monitrc", cwd=project)
    _no_secret(run.stdout, run.stderr)
    assert "only the command line can make monitlint read this machine" in run.stderr


def test_positive_control_the_command_line_on_a_host_reads_the_machine(tmp_path: Path) -> None:
    # The same control file outside any checkout with --host: the owner of the machine asked.
    secret = _secret(tmp_path)
    host = tmp_path / "etc-monit"
    host.mkdir()
    _control(host, _pattern_test(str(secret)))
    run = monitlint("check", "--no-cache", "--isolated", "--host", "--format", "json", "monitrc", cwd=host)
    messages = [d["message"] for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "MON608"]
    assert len(messages) == len(SECRET_LINES) and all("SECRET" in m for m in messages), messages


def test_a_sysroot_inside_the_checkout_is_read_and_nothing_outside_it(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    repo = _checkout(tmp_path / "repo", config='host = true\nroot = "sysroot"\n')
    patterns = repo / "sysroot/etc/monit/patterns"
    patterns.parent.mkdir(parents=True)
    patterns.write_text("INSIDE-ok (\n")
    (repo / "sysroot/etc/monit/escape").symlink_to(secret)  # absolute: means <root><secret>, which is not there
    (repo / "sysroot/etc/monit/climb").symlink_to("../../../../../../../../../../" + str(secret).lstrip("/"))
    text = (
        _pattern_test("/etc/monit/patterns")
        + "  if content = /etc/monit/escape then alert\n  if content = /etc/monit/climb then alert\n"
        + f"  if content = /../../../..{secret} then alert\n"
    )
    _control(repo, text)
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=repo)
    _no_secret(run.stdout, run.stderr)
    messages = [d["message"] for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "MON608"]
    assert any("INSIDE-ok" in m for m in messages), messages  # the sysroot's own file is checked
    assert len(messages) == 4, messages  # the other three: no such file under the root


# --- existence is not told: every kind of file a control file names ------------------------------------


def _host_paths(path: str) -> str:
    """A control file naming ``path`` in every place a host check looks at a file."""
    return (
        "set daemon 30\n"
        f"set log {path}/monit.log\n"
        f"set idfile {path}\n"
        f"set httpd port 2812 with ssl {{ pemfile: {path}, cacertificatefile: {path} }}\n"
        f"  allow md5 {path} admin\n"
        f"check program probe with path {path}\n  if status != 0 then alert\n"
        f'check process app with pidfile {path}\n  start program = "{path} start"\n'
        f'  stop program = "{path} stop"\n  if content = {path} then alert\n'
        f"check file sum with path {path}\n  if changed checksum then alert\n"
    )


def _findings(run_stdout: str, path: str) -> list[tuple[str, str]]:
    document = json.loads(run_stdout)
    return sorted((d["code"], d["message"].replace(path, "PATH")) for d in document["diagnostics"])


@pytest.mark.parametrize("host_from", ["config", "command-line"])
def test_an_outside_file_that_exists_and_one_that_does_not_give_the_same_findings(
    tmp_path: Path, host_from: str
) -> None:
    secret = _secret(tmp_path)
    secret.chmod(0o644)  # a world-readable file with the wrong mode for a PEM file: a finding if it were looked at
    missing = str(secret.parent / "nothing-here")
    repo = _checkout(tmp_path / "repo", config="host = true\n" if host_from == "config" else None)
    args = ["--host"] if host_from == "command-line" else []
    outputs = []
    for path in (str(secret), missing):
        _control(repo, _host_paths(path))
        run = monitlint("check", "--no-cache", *args, "--format", "json", "monitrc", cwd=repo)
        _no_secret(run.stdout, run.stderr)
        outputs.append((run.exit_code, _findings(run.stdout, path), run.stderr.replace(path, "PATH")))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("spelling", ["symlink", "dotdot", "symlinked-folder"])
def test_links_and_dotdot_out_of_the_checkout_are_not_followed(tmp_path: Path, spelling: str) -> None:
    secret = _secret(tmp_path)
    repo = _checkout(tmp_path / "repo")
    if spelling == "symlink":
        (repo / "patterns").symlink_to(secret)
        path = str(repo / "patterns")
    elif spelling == "dotdot":
        (repo / "sub").mkdir()
        path = f"{repo}/sub/../../{secret.parent.name}/{secret.name}"
    else:
        (repo / "linked").symlink_to(secret.parent)
        path = f"{repo}/linked/{secret.name}"
    _control(repo, _pattern_test(path))
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=repo)
    _no_secret(run.stdout, run.stderr)
    assert not [d for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "MON608"]


def test_a_pattern_file_inside_the_checkout_is_still_checked(tmp_path: Path) -> None:
    repo = _checkout(tmp_path / "repo")
    (repo / "patterns").write_text("ours (\n")
    _control(repo, _pattern_test(str(repo / "patterns")) + f"  if content = {repo}/missing then alert\n")
    run = monitlint("check", "--no-cache", "--format", "json", "monitrc", cwd=repo)
    messages = [d["message"] for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "MON608"]
    assert len(messages) == 2 and any("ours (" in m for m in messages) and any("missing" in m for m in messages)


@pytest.mark.parametrize(
    "pattern",
    ["{d}/secret.txt", "{d}/*.txt", "{d}/*/x", "{d}", "{d}/sub/../secret.txt", "../{n}/secret.txt", "../{n}/*"],
)
def test_an_include_outside_the_checkout_says_the_same_whether_it_exists_or_not(tmp_path: Path, pattern: str) -> None:
    secret = _secret(tmp_path)
    (secret.parent / "sub").mkdir()
    gone = tmp_path / "no-such-folder"
    repo = _checkout(tmp_path / "repo", config=None)
    outputs = []
    for folder in (secret.parent, gone):
        include = pattern.format(d=folder, n=folder.name)
        _control(repo, f"set daemon 30\ninclude {include}\n")
        run = monitlint("check", "--no-cache", "--isolated", "--format", "json", "monitrc", cwd=repo)
        _no_secret(run.stdout, run.stderr)
        found = _findings(run.stdout, include)
        assert any("leads outside the checked tree" in m for _c, m in found), found
        outputs.append((run.exit_code, found))
    assert outputs[0] == outputs[1]


# --- the view itself ------------------------------------------------------------------------------------


def test_the_checked_tree_view_never_looks_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = _secret(tmp_path)
    repo = _checkout(tmp_path / "repo", config=None)
    (repo / "bin").mkdir()
    (repo / "bin/tool").write_text("#!/bin/sh\n")
    (repo / "out").symlink_to(secret)
    (secret.parent / "hop").symlink_to(repo / "bin")  # a runner's link into the checkout...
    (repo / "via").symlink_to(secret.parent / "hop" / "tool")  # ...which a committed link would probe
    (repo / "inner").symlink_to("bin/tool")
    view = HostView(trees=[str(repo)])
    looked: list[str] = []
    for name in ("stat", "lstat", "readlink"):
        real = getattr(os, name)

        def recording(path: str, *args: object, _real: object = real, **kwargs: object) -> object:
            looked.append(str(path))
            return _real(path, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(os, name, recording)
    assert view.lookup(str(secret)) is None
    assert view.lookup(f"{repo}/../{secret.parent.name}/{secret.name}") is None
    assert view.lookup(str(repo / "out")) is None
    assert view.lookup(str(repo / "via")) is None
    assert view.lookup("relative/to/slash") is None
    assert view.lookup(f"{repo}/bin/tool\0x") is None
    assert view.lookup(str(repo.parent)) is None
    for inside in (repo / "bin/tool", repo / "inner", repo / "bin/../inner"):
        tool = view.lookup(str(inside))
        assert tool is not None and tool.is_file and tool.real == str(repo / "bin/tool")
    missing = view.lookup(str(repo / "nothing"))
    assert missing is not None and not missing.exists  # inside the checkout, existence may be told
    assert looked and all(str(secret.parent) not in path for path in looked), looked
    # No user database, no host name: the runner's are not the target's.
    assert view.user_exists("root") is None and view.gid_exists(0) is None and view.hostname is None
