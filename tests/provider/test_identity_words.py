"""Unit tests of the process-identity words (no daemon): which processes a start program can run.

The real-daemon cases are in test_provider_identity_and_loading.py; these pin the word rules.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from monitlint.linter.context import LintContext
from monitlint.model import Service
from monitlint.provider import identity
from monitlint.provider.identity import PidVerdict, judge_pidfile_pid


def services(text: str) -> list[Service]:
    return LintContext.from_text(text).model.services


def process_block(name: str, start: str, pidfile: str = "/run/x.pid") -> str:
    return f'check process {name} with pidfile {pidfile}\n  start program = "{start}"\n  stop program = "/bin/true"\n'


def test_words_drop_paths_interpreters_versions_and_flags() -> None:
    words = identity._words("/usr/bin/python3.11 -u /opt/app/server.py --port 80 web1")
    assert words == {"server", "web1"}
    assert identity._words("/etc/init.d/php8.2-fpm start") == {"php8.2-fpm"}


def test_a_start_program_of_generic_words_tells_nothing() -> None:
    (service,) = services(process_block("x", "/bin/true"))
    assert identity.start_program_words(service) == set()
    assert identity.consistent_with_start_program(os.getpid(), service, [])


def test_an_init_script_names_its_daemon_by_prefix(tmp_path: Path) -> None:
    script = tmp_path / "mysql"
    script.write_text("#!/bin/sh\nexec /usr/sbin/mysqld --daemonize\n")
    script.chmod(0o755)
    (service,) = services(process_block("db", f"{script} start"))
    assert {"mysql", "mysqld"} <= identity.start_program_words(service)
    assert identity._carries({"mysqld"}, {"mysql"})
    assert not identity._carries({"sleep"}, {"mysql", "db"})


def test_another_instance_of_the_same_program_is_foreign(tmp_path: Path) -> None:
    # Two services run the same program with other arguments: the pid of one is not the other's.
    toy = Path(__file__).with_name("toy_daemon.py")
    blocks = process_block("web", f"{sys.executable} {toy} web {tmp_path}/web.pid", f"{tmp_path}/web.pid")
    blocks += process_block("api", f"{sys.executable} {toy} api {tmp_path}/api.pid", f"{tmp_path}/api.pid")
    web, api = services(blocks)
    proc = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", str(toy), "api", f"{tmp_path}/api.pid"],
        stdin=subprocess.DEVNULL,
    )
    try:
        pidfile = tmp_path / "web.pid"
        pidfile.write_text(f"{proc.pid}\n")
        judged = judge_pidfile_pid(proc.pid, str(pidfile), web, {}, None, [web, api])
        assert judged.verdict is PidVerdict.FOREIGN, judged
        assert "not what the start program of 'web' runs" in (judged.reason or "")
        own = judge_pidfile_pid(proc.pid, str(pidfile), api, {}, None, [web, api])
        assert own.verdict is PidVerdict.SERVICE, own
    finally:
        proc.kill()
        proc.wait()


def test_a_process_younger_than_its_pidfile_is_a_reused_pid(tmp_path: Path) -> None:
    (service,) = services(process_block("x", "/bin/true", f"{tmp_path}/x.pid"))
    pidfile = tmp_path / "x.pid"
    pidfile.write_text(f"{os.getpid()}\n")
    os.utime(pidfile, (1, 1))
    judged = judge_pidfile_pid(os.getpid(), str(pidfile), service, {}, 1000.0, [])
    assert judged.verdict is PidVerdict.FOREIGN and "reused pid" in (judged.reason or "")
    assert judge_pidfile_pid(os.getpid(), str(pidfile), service, {os.getpid(): "this call"}, None, []).verdict is (
        PidVerdict.FOREIGN
    )


def test_a_dead_pid_is_gone() -> None:
    proc = subprocess.Popen(["true"])
    proc.wait()
    (service,) = services(process_block("x", "/bin/true"))
    assert judge_pidfile_pid(proc.pid, "/nonexistent", service, {}, None, []).verdict is PidVerdict.GONE
