"""Error paths of the provider with a fake `monit` (fast); the real daemon tests prove the rest."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from monitlint.provider.status import parse_status
from tests.conftest import children_cpu_seconds, run_cli

CONTROL = (
    "set daemon 1\nset httpd unixsocket /tmp/x.sock allow localhost\n"
    'check process app with pidfile /run/app.pid\n  start program = "/bin/app"\n  stop program = "/bin/app stop"\n'
)


def fake_monit(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "fake-monit"
    # `monit -V` (the provider asks which release it drives) talks to no daemon: answered apart.
    version = 'if [ "$1" = "-V" ]; then echo "This is Monit version 5.33.0"; exit 0; fi\n'
    path.write_text("#!/bin/sh\n" + version + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def control(tmp_path: Path) -> Path:
    path = tmp_path / "monitrc"
    path.write_text(CONTROL)
    path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("echo 'Monit: the monit daemon is not running' >&2; exit 1", "daemon is not running"),
        ("echo \"Service 'app' not found\" >&2; exit 1", "no service named 'app'"),
        (
            "echo \"Monit: the monit HTTP interface is not enabled, please add the 'set httpd' statement\" >&2; exit 1",
            "MON501",
        ),
        ("echo \"The control file '/x' permission 0644 is wrong, maximum 0700 allowed\" >&2; exit 1", "refused the"),
        ("echo 'Unix socket /x connection error -- No such file or directory' >&2; exit 1", "cannot reach"),
        ("exec sleep 20", "did not answer"),
    ],
)
def test_environment_errors_are_one_line_exit_2(tmp_path: Path, control: Path, script: str, expected: str) -> None:
    monit = fake_monit(tmp_path, script)
    result = run_cli("service", "stop", "app", "-c", str(control), "--monit", str(monit), "--timeout", "1")
    assert result.exit_code == 2
    assert expected in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_monit_not_installed(control: Path) -> None:
    result = run_cli("service", "status", "app", "-c", str(control), "--monit", "/nonexistent/monit")
    assert result.exit_code == 2 and "was not found" in result.stderr


def test_missing_control_file(tmp_path: Path) -> None:
    result = run_cli("service", "status", "app", "-c", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such control file" in result.stderr


def test_unknown_service_in_control_file(tmp_path: Path, control: Path) -> None:
    monit = fake_monit(tmp_path, "exit 0")
    result = run_cli("service", "stop", "ghost", "-c", str(control), "--monit", str(monit))
    assert result.exit_code == 2 and "no service named 'ghost'" in result.stderr


def test_syntax_error_anywhere_refuses_and_sends_nothing(tmp_path: Path, control: Path) -> None:
    marker = tmp_path / "called"
    monit = fake_monit(tmp_path, f"touch {marker}; exit 0")
    control.write_text(CONTROL + "check process other with pidfile /run/o.pid\n  if cpu > 80% alert\n")
    result = run_cli("service", "restart", "app", "-c", str(control), "--monit", str(monit))
    assert result.exit_code == 3 and "MON001" in result.stdout
    assert not marker.exists()


def test_findings_on_other_services_do_not_block(tmp_path: Path, control: Path) -> None:
    monit = fake_monit(tmp_path, "echo 'Monit: the monit daemon is not running' >&2; exit 1")
    control.write_text(CONTROL + "check process other with pidfile /run/o.pid\n")  # MON101 on `other`
    result = run_cli("service", "stop", "app", "-c", str(control), "--monit", str(monit))
    assert result.exit_code == 2 and "not running" in result.stderr  # got past the gate


def test_usage_errors() -> None:
    assert run_cli("service", "ensure", "app").exit_code == 2
    assert run_cli("service", "stop", "app", "running").exit_code == 2
    assert run_cli("service", "explode", "app").exit_code == 2


def test_status_parsing() -> None:
    text = (
        "Monit 5.33.0 uptime: 4m\n\nProcess 'app_long'\n  status                       OK\n\n"
        "Process 'app'\n  status                       OK - stop pending\n"
        "  monitoring status            Monitored\n  monitoring mode              active\n"
        "  on reboot                    laststate\n  pid                          4242\n\n"
    )
    status = parse_status(text, "app")
    assert status is not None
    assert (status.pending, status.base_status, status.pid, status.on_reboot) == ("stop", "OK", 4242, "laststate")
    assert not status.settled and status.monitored
    assert parse_status(text, "ap") is None
    odd = parse_status("Process 'x'\n  status                       Frobnicated\n  monitoring status  Monitored\n", "x")
    assert odd is not None and odd.failed and not odd.known_status


def test_suppressed_finding_does_not_block(tmp_path: Path, control: Path) -> None:
    monit = fake_monit(tmp_path, "echo 'Monit: the monit daemon is not running' >&2; exit 1")
    control.write_text(
        CONTROL + "# monitlint: disable=MON101\ncheck process other with pidfile /run/o.pid\n"
        '  start program = "/bin/o" with timeout 5 seconds\n'
    )
    result = run_cli("service", "stop", "other", "-c", str(control), "--monit", str(monit), "--isolated")
    assert result.exit_code == 2 and "not running" in result.stderr  # got past the gate


def test_unsuppressed_finding_blocks_with_exit_3(tmp_path: Path, control: Path) -> None:
    marker = tmp_path / "called"
    monit = fake_monit(tmp_path, f"touch {marker}; exit 0")
    control.write_text(CONTROL + "check process other with pidfile /run/o.pid\n")
    result = run_cli("service", "stop", "other", "-c", str(control), "--monit", str(monit), "--isolated")
    assert result.exit_code == 3 and "MON101" in result.stdout
    assert not marker.exists()


STATUS_BLOCK = """Monit 5.33.0 uptime: 0m

Process 'app'
  status                       OK
  monitoring status            Monitored
  monitoring mode              active
  on reboot                    start
  data collected               Tue, 01 Dec 2026 03:54:52
"""


def _control_with_pidfile(tmp_path: Path, pidfile: Path) -> Path:
    path = tmp_path / "monitrc"
    path.write_text(
        "set daemon 1\nset httpd unixsocket /tmp/x.sock allow localhost\n"
        f'check process app with pidfile {pidfile}\n  start program = "/bin/app"\n  stop program = "/bin/app stop"\n'
    )
    path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("superscript", "does not hold a process id"),
        ("twenty-digits", "does not hold a process id"),
        ("beyond-pid-max", "outside the range"),
        ("zero", "outside the range"),
        ("fifo", "cannot be read"),
        ("dev-zero", "cannot be read"),
        ("huge", "cannot be read"),
    ],
)
def test_a_bad_pidfile_is_a_finding_never_a_crash_or_a_hang(tmp_path: Path, kind: str, problem: str) -> None:
    import json
    import os

    pidfile = tmp_path / "app.pid"
    if kind == "superscript":
        pidfile.write_text("\u00b2\n")
    elif kind == "twenty-digits":
        pidfile.write_text("12345678901234567890\n")
    elif kind == "beyond-pid-max":
        pidfile.write_text("99999999\n")
    elif kind == "zero":
        pidfile.write_text("0\n")
    elif kind == "fifo":
        os.mkfifo(pidfile)
    elif kind == "dev-zero":
        pidfile.symlink_to("/dev/zero")
    elif kind == "huge":
        pidfile.write_text("1" * 100_000)
    control = _control_with_pidfile(tmp_path, pidfile)
    monit = fake_monit(tmp_path, f"cat <<'EOF'\n{STATUS_BLOCK}EOF\n")
    cpu_before = children_cpu_seconds()  # CPU time, not the wall clock; run_cli kills a hang
    result = run_cli("service", "status", "app", "-c", str(control), "--monit", str(monit), "--format", "json")
    assert children_cpu_seconds() - cpu_before < 20
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["state"] == "unknown", data
    assert any(problem in note for note in data["notes"]), data


def test_lock_folder_of_another_user_or_world_writable_is_refused(tmp_path: Path) -> None:
    import os

    from monitlint.files.safe_fs import UnsafeFile, private_dir

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    with pytest.raises(UnsafeFile):
        private_dir(str(shared))
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    with pytest.raises(UnsafeFile):
        private_dir(str(link))
    if os.geteuid() == 0:
        foreign = tmp_path / "foreign"
        foreign.mkdir(mode=0o700)
        os.chown(foreign, 65534, 65534)
        with pytest.raises(UnsafeFile):
            private_dir(str(foreign))


def test_a_planted_symlink_lock_file_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import os

    from monitlint.provider import locking
    from monitlint.provider.errors import ProviderError

    folder = tmp_path / "locks"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(locking, "lock_dir", lambda: str(folder))
    control = tmp_path / "monitrc"
    control.write_text("")
    key = hashlib.sha256(f"{os.path.realpath(control)}\0app".encode()).hexdigest()[:24]
    target = tmp_path / "created-by-root"
    (folder / f"{key}.lock").symlink_to(target)
    with pytest.raises(ProviderError), locking.service_lock(str(control), "app", wait=1):
        pass
    assert not target.exists()


def test_root_locks_under_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from monitlint.provider import locking

    if os.geteuid() != 0:
        pytest.skip("needs root: checks root's lock folder")
    path = locking.lock_dir()
    assert path == "/run/monitlint"
    info = os.stat(path)
    assert info.st_uid == 0 and info.st_mode & 0o077 == 0
