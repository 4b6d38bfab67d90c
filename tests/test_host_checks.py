"""Host checks (MON6xx): what `monit -t` checks against the machine, live or under a sysroot.

- Each check with and without the stub it needs, in a real temporary sysroot (`Config(host=True, root=...)`).
- A differential test against the real `monit -t` for each check, with and without the stub, on the
  live machine (temporary files at absolute paths, real users): an error finding where Monit exits
  non-zero, a warning where Monit only prints one.
- Off by default, on with `host = true` in the configuration file, resolved under the root, and never
  a traceback or a hang on a hostile user database or pattern file.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import monitlint
from monitlint.config import Config, ConfigError, load_config
from monitlint.host import HostView
from monitlint.linter.catalog import find_rule
from tests.conftest import monit_executable, run_cli

IS_ROOT = os.geteuid() == 0


def code(name: str) -> str:
    """A rule's code by its name (tests name rules, the registry owns the codes)."""
    rule = find_rule(name)
    assert rule is not None, name
    return rule.code


HOST_CODES = {
    code(n)
    for n in (
        "unknown-user",
        "unknown-group",
        "missing-check-program",
        "ssl-pem-file",
        "ssl-ca-file",
        "unreadable-htpasswd",
        "htpasswd-without-users",
        "pattern-file",
        "log-file",
        "missing-program",
        "program-not-executable",
        "checksum-file",
        "hostname-conflict",
        "id-file",
    )
}


def write(path: Path, text: str, mode: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.fixture
def sysroot(tmp_path: Path) -> Path:
    """A small target machine: users root and app, groups root and app, host name web1."""
    root = tmp_path / "sysroot"
    write(root / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n# comment\napp:x:1001:1001::/srv:/bin/false\n")
    write(root / "etc/group", "root:x:0:\napp:x:1001:\n")
    write(root / "etc/hostname", "web1\n")
    return root


def findings(tmp_path: Path, text: str, root: Path | None = None, *, host: bool = True) -> list[tuple[str, str]]:
    """(code, message) of the host-check findings on ``text`` written as a control file."""
    control = write(tmp_path / "ctl" / "monitrc", text, 0o600)
    report = monitlint.lint([str(control)], Config(host=host, root=str(root) if root else None))
    assert not report.errors, report.errors
    return [(d.code, d.message) for d in report.diagnostics if d.code in HOST_CODES]


def codes(tmp_path: Path, text: str, root: Path | None = None, *, host: bool = True) -> list[str]:
    return [c for c, _m in findings(tmp_path, text, root, host=host)]


# --- each check, with and without its stub, under a sysroot ---------------------------------------


def test_users_and_uids_come_from_the_sysroot_passwd(tmp_path: Path, sysroot: Path) -> None:
    good = "check file f with path /etc/hosts\n  if failed uid app then alert\n  if failed euid 1001 then alert\n"
    assert codes(tmp_path, good, sysroot) == []
    bad = "check file f with path /etc/hosts\n  if failed uid www then alert\n  if failed uid 33 then alert\n"
    assert codes(tmp_path, bad, sysroot) == [code("unknown-user")] * 2
    write(sysroot / "bin/true", "#!/bin/sh\n", 0o755)
    method = 'check process p matching "p"\n  start program = "/bin/true" as uid www and gid www\n'
    assert sorted(codes(tmp_path, method, sysroot)) == sorted([code("unknown-user"), code("unknown-group")])


def test_groups_and_gids_come_from_the_sysroot_group(tmp_path: Path, sysroot: Path) -> None:
    good = "set httpd unixsocket /run/m.sock uid app gid 1001\n  allow a:b\n"
    assert codes(tmp_path, good, sysroot) == []
    bad = (
        "set httpd unixsocket /run/m.sock uid 1001 gid www\n  allow a:b\n"
        "check file f with path /x\n  if failed gid 77 then alert\n"
    )
    assert codes(tmp_path, bad, sysroot) == [code("unknown-group")] * 2


def test_a_quoted_number_is_a_name_as_monit_reads_it(tmp_path: Path, sysroot: Path) -> None:
    # monit -t: `uid "0"` -> "Requested user not found on the system"; `uid 0` is root.
    write(sysroot / "bin/true", "#!/bin/sh\n", 0o755)
    good = (
        "set httpd unixsocket /run/m.sock uid 0 gid 1001\n  allow a:b\n"
        "check file f with path /etc/hosts\n  if failed uid 0 then alert\n  if failed gid 0 then alert\n"
        'check process p matching "p"\n  start program = "/bin/true" as uid 0 and gid 0\n'
    )
    assert codes(tmp_path, good, sysroot) == []
    bad = (
        'set httpd unixsocket /run/m.sock uid "0" gid "1001"\n  allow a:b\n'
        "check file f with path /etc/hosts\n  if failed uid '0' then alert\n  if failed gid \"0\" then alert\n"
        'check process p matching "p"\n  start program = "/bin/true" as uid "0" and gid "0"\n'
    )
    found = findings(tmp_path, bad, sysroot)
    assert sorted(c for c, _m in found) == sorted([code("unknown-user")] * 3 + [code("unknown-group")] * 3)
    assert all("user '0'" in m or "group '0'" in m or "group '1001'" in m for _c, m in found)
    control = write(tmp_path / "ctl" / "monitrc", bad, 0o600)
    report = monitlint.lint([str(control)], Config(host=True, root=str(sysroot)))
    assert {d.hint for d in report.diagnostics if d.code == code("unknown-user")} == {
        'in quotes "0" is a user name, not a uid: write it without quotes'
    }


def test_check_program_needs_an_executable_under_the_root(tmp_path: Path, sysroot: Path) -> None:
    text = "check program p with path /opt/check.sh\n  if status != 0 then alert\n"
    assert codes(tmp_path, text, sysroot) == [code("missing-check-program")]
    script = write(sysroot / "opt/check.sh", "#!/bin/sh\n", 0o644)
    assert codes(tmp_path, text, sysroot) == [code("missing-check-program")]
    script.chmod(0o755)
    assert codes(tmp_path, text, sysroot) == []


def test_pem_files(tmp_path: Path, sysroot: Path) -> None:
    text = "set httpd port 2812 with ssl { pemfile: /etc/monit/cert.pem }\n  allow a:b\n"
    assert codes(tmp_path, text, sysroot) == [code("ssl-pem-file")]
    pem = write(sysroot / "etc/monit/cert.pem", "pem\n", 0o600)
    assert codes(tmp_path, text, sysroot) == []
    pem.chmod(0o644)
    ((found, message),) = findings(tmp_path, text, sysroot)
    assert found == code("ssl-pem-file") and "permission 0644 is wrong, maximum 0750" in message
    pem.unlink()
    (sysroot / "etc/monit/cert.pem").mkdir()
    assert "is not a file" in findings(tmp_path, text, sysroot)[0][1]
    client = "set ssl { clientpemfile: /etc/monit/client.pem }\n"
    assert codes(tmp_path, client, sysroot) == [code("ssl-pem-file")]
    write(sysroot / "etc/monit/client.pem", "pem\n", 0o644)  # no permission check for a client PEM
    assert codes(tmp_path, client, sysroot) == []


def test_ca_files_and_folders(tmp_path: Path, sysroot: Path) -> None:
    text = "set ssl { cacertificatefile: /etc/ssl/ca.pem, cacertificatepath: /etc/ssl/certs }\n"
    assert codes(tmp_path, text, sysroot) == [code("ssl-ca-file")] * 2
    write(sysroot / "etc/ssl/ca.pem", "ca\n")
    (sysroot / "etc/ssl/certs").mkdir()
    assert codes(tmp_path, text, sysroot) == []
    swapped = "set ssl { cacertificatefile: /etc/ssl/certs, cacertificatepath: /etc/ssl/ca.pem }\n"
    assert codes(tmp_path, swapped, sysroot) == [code("ssl-ca-file")] * 2


def test_htpasswd_files(tmp_path: Path, sysroot: Path) -> None:
    text = "set httpd port 2812\n  allow md5 /etc/monit/htpasswd admin\n"
    assert codes(tmp_path, text, sysroot) == [code("unreadable-htpasswd")]
    htpasswd = write(sysroot / "etc/monit/htpasswd", "# nobody\n")
    assert codes(tmp_path, text, sysroot) == [code("htpasswd-without-users")]
    htpasswd.write_text("bob:x\nadmin:$1$x # a comment\n")
    assert codes(tmp_path, text, sysroot) == []
    credited = "set httpd port 2812\n  allow admin:pw\n  allow /etc/monit/htpasswd\n"
    assert codes(tmp_path, credited, sysroot) == []  # bob is still usable
    htpasswd.write_text("admin:x\n")
    assert codes(tmp_path, credited, sysroot) == [code("htpasswd-without-users")]


def test_pattern_files(tmp_path: Path, sysroot: Path) -> None:
    text = "check file f with path /var/log/syslog\n  if content = /etc/monit/patterns then alert\n"
    assert codes(tmp_path, text, sysroot) == [code("pattern-file")]
    patterns = write(sysroot / "etc/monit/patterns", "error\n\nwarn(ing)?\n")
    assert codes(tmp_path, text, sysroot) == []
    patterns.write_text("error\n\nfailed (\n")
    ((found, message),) = findings(tmp_path, text, sysroot)
    assert found == code("pattern-file") and "on line 3 of '/etc/monit/patterns'" in message


def test_log_file_folder(tmp_path: Path, sysroot: Path) -> None:
    text = "set log /var/log/monit/monit.log\n"
    assert codes(tmp_path, text, sysroot) == [code("log-file")]
    (sysroot / "var/log/monit").mkdir(parents=True)
    assert codes(tmp_path, text, sysroot) == []
    (sysroot / "var/log/monit/monit.log").mkdir()
    assert codes(tmp_path, text, sysroot) == [code("log-file")]
    assert codes(tmp_path, "set log syslog facility log_daemon\n", sysroot) == []


def test_programs_missing_or_not_executable_are_warnings(tmp_path: Path, sysroot: Path) -> None:
    text = 'check process p matching "p"\n  start program = "/etc/init.d/app start"\n'
    assert codes(tmp_path, text, sysroot) == [code("missing-program")]
    script = write(sysroot / "etc/init.d/app", "#!/bin/sh\n", 0o644)
    assert codes(tmp_path, text, sysroot) == [code("program-not-executable")]
    script.chmod(0o700)
    assert codes(tmp_path, text, sysroot) == []
    report = monitlint.lint([str(tmp_path / "ctl" / "monitrc")], Config(host=True, root=str(sysroot)))
    assert not report.failed or all(d.code not in HOST_CODES for d in report.diagnostics)


def test_checksum_of_a_missing_file(tmp_path: Path, sysroot: Path) -> None:
    text = "check file app with path /opt/app.bin\n  if changed checksum then alert\n"
    assert codes(tmp_path, text, sysroot) == [code("checksum-file")]
    write(sysroot / "opt/app.bin", "x")
    assert codes(tmp_path, text, sysroot) == []
    expected = (
        "check file app with path /opt/none\n  if failed checksum expect 8f2c6bd2aeb4b8dd58b8e1fa5c4c7b50 then alert\n"
    )
    assert codes(tmp_path, expected, sysroot) == []


def test_hostname_from_the_sysroot(tmp_path: Path, sysroot: Path) -> None:
    text = "set daemon 30\ncheck file Web1 with path /etc/hosts\n"
    assert codes(tmp_path, text, sysroot) == [code("hostname-conflict")]
    assert codes(tmp_path, "set daemon 30\ncheck system s\ncheck file web1 with path /etc/hosts\n", sysroot) == []
    expanded = "set daemon 30\ncheck system sys-$HOST\ncheck file sys-web1 with path /etc/hosts\n"
    assert codes(tmp_path, expanded, sysroot) == [code("hostname-conflict")]
    (sysroot / "etc/hostname").unlink()
    assert codes(tmp_path, text, sysroot) == []  # unknown host name: nothing to compare


def test_id_file(tmp_path: Path, sysroot: Path) -> None:
    text = "set idfile /var/lib/monit/id\n"
    assert codes(tmp_path, text, sysroot) == [code("id-file")]
    (sysroot / "var/lib/monit").mkdir(parents=True)
    assert codes(tmp_path, text, sysroot) == []  # Monit creates it
    write(sysroot / "var/lib/monit/id", "")
    assert codes(tmp_path, text, sysroot) == [code("id-file")]
    write(sysroot / "var/lib/monit/id", "0123abcd\n")
    assert codes(tmp_path, text, sysroot) == []


# --- off by default, on by configuration, resolved under the root ------------------------------------

EVERYTHING_MISSING = (
    "set daemon 30\nset log /nonexistent-mlt/monit.log\n"
    "check program p with path /nonexistent-mlt/check.sh\n  if status != 0 then alert\n"
    "check file f with path /etc/hosts\n  if failed uid nosuchuser-mlt then alert\n"
)


def test_off_by_default(tmp_path: Path) -> None:
    assert codes(tmp_path, EVERYTHING_MISSING, host=False) == []
    assert sorted(codes(tmp_path, EVERYTHING_MISSING)) == sorted(
        [code("log-file"), code("missing-check-program"), code("unknown-user")]
    )


def test_on_with_host_true_in_the_configuration_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)  # `root` must lie inside the project
    control = write(project / "monitrc", "check file f with path /etc/hosts\n  if failed uid www then alert\n", 0o600)
    write(project / "sysroot/etc/passwd", "root:x:0:0::/:/bin/sh\n")
    config = write(project / ".monitlint.toml", 'host = true\nroot = "sysroot"\n')
    loaded = load_config(str(config))
    assert loaded.host_selected and not loaded.host and loaded.root == str(project / "sysroot")
    result = run_cli("check", "--config", str(config), "--format", "json", str(control), cwd=project)
    assert code("unknown-user") in result.stdout, result.stdout + result.stderr
    assert result.exit_code == 1
    plain = run_cli("check", "--isolated", "--format", "json", str(control), cwd=project)
    assert code("unknown-user") not in plain.stdout


def test_host_must_be_a_boolean(tmp_path: Path) -> None:
    config = write(tmp_path / ".monitlint.toml", 'host = "yes"\n')
    with pytest.raises(ConfigError, match="'host' must be true or false"):
        load_config(str(config))


def test_paths_and_links_stay_inside_the_root(tmp_path: Path, sysroot: Path) -> None:
    (sysroot / "usr/bin").mkdir(parents=True)
    write(sysroot / "usr/bin/tool", "#!/bin/sh\n", 0o755)
    (sysroot / "bin").symlink_to("/usr/bin")  # absolute: means <root>/usr/bin
    (sysroot / "escape").symlink_to("../../../../../../../../etc")  # cannot climb above the root
    view = HostView(str(sysroot))
    assert view.lookup("/bin/tool").is_file
    assert view.lookup("/bin/tool").real == str(sysroot.resolve() / "usr/bin/tool")
    assert not view.lookup("/escape/passwd").exists or str(view.lookup("/escape/passwd").real).startswith(
        str(sysroot.resolve())
    )
    assert view.lookup("/etc/hosts").exists is (sysroot / "etc/hosts").exists()
    (sysroot / "loop").symlink_to("/loop")
    assert view.lookup("/loop/x").error == 40  # ELOOP
    # The live system is not consulted under a root: root's own shell is not there.
    assert not view.lookup("/bin/sh").exists


@pytest.mark.parametrize("kind", ["fifo", "folder", "huge", "unreadable-bytes", "missing"])
def test_a_hostile_passwd_is_no_answer_never_a_traceback(tmp_path: Path, sysroot: Path, kind: str) -> None:
    passwd = sysroot / "etc/passwd"
    passwd.unlink()
    if kind == "fifo":
        os.mkfifo(passwd)
    elif kind == "folder":
        passwd.mkdir()
    elif kind == "huge":
        with passwd.open("wb") as handle:
            handle.truncate(64 * 1024 * 1024)
    elif kind == "unreadable-bytes":
        passwd.write_bytes(b"\xff\xfe:\x00\n" * 1000 + b"app:x:1001:1001::/:/bin/sh\n")
    text = "check file f with path /etc/hosts\n  if failed uid nobody-here then alert\n"
    found = codes(tmp_path, text, sysroot)
    assert found == ([code("unknown-user")] if kind == "unreadable-bytes" else [])


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_pattern_and_htpasswd_fifo_or_folder_are_errors_not_hangs(tmp_path: Path, sysroot: Path, kind: str) -> None:
    for name in ("patterns", "htpasswd"):
        target = sysroot / "etc/monit" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(target) if kind == "fifo" else target.mkdir()
    text = (
        "set httpd port 2812\n  allow /etc/monit/htpasswd\n"
        "check file f with path /var/log/syslog\n  if content = /etc/monit/patterns then alert\n"
    )
    assert sorted(codes(tmp_path, text, sysroot)) == sorted([code("unreadable-htpasswd"), code("pattern-file")])


# --- differential: the real monit -t on the live machine ----------------------------------------------


def free_id(taken: Callable[[int], object]) -> int:
    """An id that no user (or group) of this machine has."""
    for candidate in range(4242, 60000):
        try:
            taken(candidate)
        except KeyError:
            return candidate
    raise AssertionError("no free id")


@dataclass
class Case:
    """A control file (``{v}``: the value, ``{d}``: the stub folder) with and without the stub it needs."""

    name: str
    rule: str
    template: str
    good: Callable[[Path], str]  # makes the stub in the folder, returns the value
    bad: Callable[[Path], str]  # the value without the stub (may make a wrong one)
    monit_says: str | None = None  # for a warning: what Monit prints (it exits 0)
    hangs: bool = False  # Monit never finishes on the bad variant
    needs_root: bool = False  # the variants need another owner or `as uid` (root only)


def _file(name: str, mode: int = 0o600, text: str = "x\n") -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        return str(write(folder / name, text, mode))

    return make


def _folder(name: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        (folder / name).mkdir(parents=True, exist_ok=True)
        return str(folder / name)

    return make


def _missing(name: str) -> Callable[[Path], str]:
    return lambda folder: str(folder / "missing" / name)


def _const(value: str) -> Callable[[Path], str]:
    return lambda folder: value


def _fifo(name: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        os.mkfifo(folder / name)
        return str(folder / name)

    return make


def _other_owner(name: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        path = write(folder / name, "x\n", 0o600)
        os.chown(path, 65534, 65534)
        return str(path)

    return make


FREE_UID = free_id(pwd.getpwuid)
FREE_GID = free_id(__import__("grp").getgrgid)
HOSTNAME = socket.gethostname()
SCRIPT = "#!/bin/sh\nexit 0\n"
WITH_USER = "check file f with path /etc/hosts\n  if failed uid {v} then alert\n"
HTTPD_PEM = "set httpd port 2812 with ssl { pemfile: {v} }\n  allow admin:pw\n"
CASES = [
    Case("user name", "unknown-user", WITH_USER, _const("root"), _const("nosuchuser-mlt")),
    Case("uid", "unknown-user", WITH_USER, _const("0"), _const(str(FREE_UID))),
    Case(
        "group name",
        "unknown-group",
        "check file f with path /etc/hosts\n  if failed gid {v} then alert\n",
        _const("root"),
        _const("nosuchgroup-mlt"),
    ),
    Case(
        "gid",
        "unknown-group",
        "set httpd unixsocket {d}/m.sock gid {v}\n  allow admin:pw\n",
        _const("0"),
        _const(str(FREE_GID)),
    ),
    Case(
        "program as uid",
        "unknown-user",
        'check process p matching "p"\n  start program = "/bin/true" as uid {v}\n',
        _const("root"),
        _const("nosuchuser-mlt"),
        needs_root=True,
    ),
    Case(
        "check program",
        "missing-check-program",
        "check program p with path {v}\n  if status != 0 then alert\n",
        _file("check.sh", 0o755, SCRIPT),
        _missing("check.sh"),
    ),
    Case(
        "check program not executable",
        "missing-check-program",
        "check program p with path {v}\n  if status != 0 then alert\n",
        _file("check.sh", 0o700, SCRIPT),
        _file("noexec.sh", 0o644, SCRIPT),
    ),
    Case("httpd pemfile", "ssl-pem-file", HTTPD_PEM, _file("cert.pem"), _missing("cert.pem")),
    Case("httpd pemfile mode", "ssl-pem-file", HTTPD_PEM, _file("cert.pem", 0o640), _file("wide.pem", 0o644)),
    Case("httpd pemfile kind", "ssl-pem-file", HTTPD_PEM, _file("cert.pem"), _folder("pem.d")),
    Case("httpd pemfile owner", "ssl-pem-file", HTTPD_PEM, _file("cert.pem"), _other_owner("o.pem"), needs_root=True),
    Case(
        "client pem",
        "ssl-pem-file",
        "set ssl { clientpemfile: {v} }\n",
        _file("client.pem", 0o644),
        _missing("client.pem"),
    ),
    Case(
        "ca file",
        "ssl-ca-file",
        "set mailserver localhost port 587 using ssl { cacertificatefile: {v} }\n",
        _file("ca.pem", 0o644),
        _folder("ca.d"),
    ),
    Case(
        "ca path",
        "ssl-ca-file",
        "check host h with address localhost\n  if failed port 443 with ssl { cacertificatepath: {v} } then alert\n",
        _folder("certs"),
        _missing("certs"),
    ),
    Case(
        "htpasswd",
        "unreadable-htpasswd",
        "set httpd port 2812\n  allow md5 {v} admin\n",
        _file("htpasswd", 0o644, "admin:$1$x\n"),
        _missing("htpasswd"),
    ),
    Case(
        "htpasswd fifo",
        "unreadable-htpasswd",
        "set httpd port 2812\n  allow {v}\n",
        _file("htpasswd", 0o644, "admin:x\n"),
        _fifo("htpasswd.fifo"),
        hangs=True,
    ),
    Case(
        "htpasswd users",
        "htpasswd-without-users",
        "set httpd port 2812\n  allow {v} admin\n",
        _file("htpasswd", 0o644, "admin:x\n"),
        _file("other.htpasswd", 0o644, "# admin:x\nbob:y\n"),
        monit_says="has no usable credentials",
    ),
    Case(
        "pattern file",
        "pattern-file",
        "check file f with path /var/log/syslog\n  if content = {v} then alert\n",
        _file("patterns", 0o644, "error\nwarn\n"),
        _missing("patterns"),
    ),
    Case(
        "pattern regex",
        "pattern-file",
        "check file f with path /var/log/syslog\n  ignore content = {v}\n",
        _file("patterns", 0o644, "error\n"),
        _file("bad-patterns", 0o644, "error\nfailed (\n"),
    ),
    Case(
        "pattern folder",
        "pattern-file",
        "check file f with path /var/log/syslog\n  if content = {v} then alert\n",
        _file("patterns", 0o644, "error\n"),
        _folder("patterns.d"),
        hangs=True,
    ),
    Case("log folder", "log-file", "set log {v}\n", _const("{d}/monit.log"), _missing("monit.log")),
    Case(
        "missing program",
        "missing-program",
        'check process p matching "p"\n  start program = "{v} start"\n',
        _file("start.sh", 0o755, SCRIPT),
        _missing("start.sh"),
        monit_says="Program does not exist",
    ),
    Case(
        "program not executable",
        "program-not-executable",
        'check process p matching "p"\n  if cpu > 90% then exec "{v}"\n',
        _file("alert.sh", 0o755, SCRIPT),
        _file("noexec.sh", 0o644, SCRIPT),
        monit_says="Program is not executable",
    ),
    Case(
        "checksum",
        "checksum-file",
        "check file f with path {v}\n  if changed checksum then alert\n",
        _file("data.bin", 0o644),
        _missing("data.bin"),
        monit_says="Cannot compute a checksum",
    ),
    Case(
        "hostname",
        "hostname-conflict",
        "check file {v} with path /etc/hosts\n",
        _const(HOSTNAME + "-not"),
        _const(HOSTNAME),
    ),
    Case(
        "id file",
        "id-file",
        "set idfile {v}\n",
        _const("{d}/monit.id"),
        _missing("monit.id"),
        monit_says="Error opening the idfile",
    ),
]


def run_monit(control: Path, cwd: Path, timeout: float) -> tuple[int | None, str]:
    """(exit status, or None when it did not finish in time; output) of `monit -t -c FILE`."""
    home = cwd / "home"
    home.mkdir(exist_ok=True)
    try:
        proc = subprocess.run(
            [monit_executable(), "-t", "-c", str(control)],
            cwd=cwd,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C"},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:  # the child is killed by subprocess.run
        return None, ""
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("variant", ["with stub", "without stub"])
@pytest.mark.parametrize(
    # a case where `monit -t` hangs (reading a FIFO) waits out its 3 s kill
    "case",
    [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.hangs else []) for c in CASES],
)
def test_differential_against_monit(tmp_path: Path, case: Case, variant: str) -> None:
    if case.needs_root and not IS_ROOT:
        pytest.skip("needs root: another file owner or `as uid` (Monit refuses `as uid` unless root)")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    value = (case.good if variant == "with stub" else case.bad)(stubs).replace("{d}", str(stubs))
    # The id file stays in the temporary folder (Monit creates ~/.monit.id otherwise, for `monit -t` too).
    prelude = "set daemon 30\n" + ("" if case.rule == "id-file" else f"set idfile {stubs}/id\n")
    text = prelude + case.template.replace("{d}", str(stubs)).replace("{v}", value)
    control = write(tmp_path / "monitrc", text, 0o600)
    status, output = run_monit(control, tmp_path, 3.0 if case.hangs else 60.0)
    report = monitlint.lint([str(control)], Config(host=True))
    mine = [d for d in report.diagnostics if d.code == code(case.rule)]
    if case.monit_says is not None:
        assert status == 0, output
        assert (case.monit_says in output) is bool(mine), (output, mine)
        assert all(str(d.severity) == "warning" for d in mine)
    elif case.hangs and variant == "without stub":
        assert status is None, f"monit -t was expected to hang: {output}"
        assert [str(d.severity) for d in mine] == ["error"]
    else:
        assert status is not None
        assert (status != 0) is bool(mine), (status, output, [d.message for d in mine])
        assert all(str(d.severity) == "error" for d in mine)
    if variant == "with stub":
        assert not mine, [d.message for d in mine]


def test_the_provider_gate_runs_host_checks(tmp_path: Path) -> None:
    from monitlint.provider.control_file import gate_all

    control = write(
        tmp_path / "monitrc",
        "set daemon 30\ncheck program p with path /nonexistent-mlt/x.sh\n  if status != 0 then alert\n",
        0o600,
    )
    verdict = gate_all(str(control), Config()).verdict("p")
    assert verdict.refused and any(d.code == code("missing-check-program") for d in verdict.blocking)


def test_stat_of_the_stubs_is_what_monit_sees(tmp_path: Path) -> None:
    """The live view answers as stat(2) does (a sanity check of the differential set-up)."""
    script = write(tmp_path / "s.sh", SCRIPT, 0o755)
    entry = HostView().lookup(str(script))
    assert entry.is_file and entry.executable_by_root and stat.S_IMODE(entry.mode) == 0o755
    assert not HostView().lookup(str(tmp_path / "none")).exists
    assert shutil.which("true")  # /bin/true for the `as uid` case
