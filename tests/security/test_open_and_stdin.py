"""Nothing but a regular file is ever opened, and standard input is read under the same cap as files.

Measured before the fixes: a pidfile ``x.pid -> /dev/ptmx`` was opened (a new
pseudo-terminal made) and only then refused; opening a device can have effects of its
own, and opening a FIFO for reading wakes its blocked writer.  Standard input had no
size cap: 100 MB of text was read whole, and 100 MB of zeros ended in
``internal error: BinarySourceError``.  Now the type is checked before the open
(``O_PATH`` + ``fstat`` on Linux, else ``stat`` then ``open(O_NONBLOCK)`` then
``fstat``), and standard input stops one byte past 64 MiB with a one-line error.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitlint.files import safe_fs
from monitlint.files.source import MAX_FILE_BYTES
from monitlint.provider.processes import read_pidfile
from tests.security._run import monitlint

MIB = 1024 * 1024


@pytest.fixture
def opened_for_reading(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths safe_fs opens for reading (an ``O_PATH`` descriptor opens nothing and is not counted)."""
    opened: list[str] = []
    real_open = os.open

    def recording_open(path: str, flags: int, *args: int, **kwargs: object) -> int:
        if not flags & getattr(os, "O_PATH", 0):
            opened.append(str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safe_fs.os, "open", recording_open)
    yield opened


def _link(tmp_path: Path, target: str, name: str = "x.pid") -> str:
    link = tmp_path / name
    link.symlink_to(target)
    return str(link)


@pytest.mark.parametrize("device", ["/dev/ptmx", "/dev/null", "/dev/zero", "/dev/tty"])
def test_a_pidfile_linked_to_a_device_is_refused_before_it_is_opened(
    tmp_path: Path, device: str, opened_for_reading: list[str]
) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} is not on this machine")
    pidfile = _link(tmp_path, device)
    result = read_pidfile(pidfile)  # the provider's reader
    assert result.pid is None and result.problem is not None and "not a regular file" in result.problem
    with pytest.raises(safe_fs.UnsafeFile):
        safe_fs.read_bounded(device, 64)
    assert opened_for_reading == [], opened_for_reading


def test_the_stat_fallback_refuses_before_opening_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened_for_reading: list[str]
) -> None:
    # Without O_PATH (another system), stat decides before the open.
    monkeypatch.setattr(safe_fs, "_PATH", 0)
    with pytest.raises(safe_fs.UnsafeFile):
        safe_fs.read_bounded(_link(tmp_path, "/dev/ptmx"), 64)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(safe_fs.UnsafeFile):
        safe_fs.read_bounded(str(tmp_path / "fifo"), 64)
    assert opened_for_reading == []
    (tmp_path / "ok.pid").write_text("123\n")
    assert safe_fs.read_bounded(str(tmp_path / "ok.pid"), 64) == b"123\n"
    with pytest.raises(safe_fs.UnsafeFile, match="symbolic link"):
        safe_fs.read_bounded(_link(tmp_path, str(tmp_path / "ok.pid"), "l.pid"), 64, follow_symlinks=False)


def test_without_proc_the_reopen_falls_back_to_stat_open_fstat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def no_proc(path: str, flags: int, *args: int, **kwargs: object) -> int:
        if str(path).startswith("/proc/self/fd/"):
            raise FileNotFoundError(2, "No such file or directory", path)
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safe_fs.os, "open", no_proc)
    (tmp_path / "ok.pid").write_text("42\n")
    assert safe_fs.read_bounded(str(tmp_path / "ok.pid"), 64) == b"42\n"
    with pytest.raises(safe_fs.UnsafeFile):
        safe_fs.read_bounded(_link(tmp_path, "/dev/ptmx"), 64)


def test_a_fifo_is_never_opened_its_blocked_writer_stays_blocked(tmp_path: Path) -> None:
    # Opening a FIFO for reading, even non-blocking, is what releases a writer blocked in open():
    # the writer returning would mean monitlint opened it.
    fifo = tmp_path / "monitrc"
    os.mkfifo(fifo)
    released = threading.Event()

    def writer() -> None:
        fd = os.open(fifo, os.O_WRONLY)  # blocks until a reader opens the FIFO
        released.set()
        os.close(fd)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    run = monitlint("check", "--no-cache", "--isolated", "monitrc", cwd=tmp_path)
    assert run.exit_code == 2 and "not a regular file" in run.stderr, run.stderr
    assert not released.wait(0.5), "monitlint opened the FIFO"
    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # release the writer ourselves
    thread.join(5)


@pytest.mark.parametrize("target", ["/dev/ptmx", "/dev/zero", "/dev/stderr"])
def test_check_refuses_a_control_file_or_include_linked_to_a_device_in_one_line(tmp_path: Path, target: str) -> None:
    (tmp_path / "monitrc").symlink_to(target)
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "zz").symlink_to(target)
    (tmp_path / "main.monitrc").write_text("set daemon 30\ninclude conf.d/*\n")
    run = monitlint("check", "--no-cache", "--isolated", "monitrc", "main.monitrc", cwd=tmp_path, timeout=20)
    assert run.exit_code == 2
    assert [line for line in run.stderr.splitlines() if "monitrc" in line] == [
        "monitlint: error: monitrc: not a regular file (device, FIFO or socket)"
    ]
    assert "conf.d/zz" in run.stdout and "not a regular file" in run.stdout


# --- standard input -------------------------------------------------------------------------------------


def _stdin_run(args: list[str], stdin: object, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``monitlint ARGS`` with ``stdin`` (bytes through a pipe, or an open file) as standard input."""
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cwd / ".test-cache")}
    command = [sys.executable, "-m", "monitlint", *args]
    if isinstance(stdin, bytes):
        return subprocess.run(command, input=stdin, capture_output=True, cwd=cwd, env=env, timeout=120)
    return subprocess.run(command, stdin=stdin, capture_output=True, cwd=cwd, env=env, timeout=120)  # type: ignore[call-overload, no-any-return]


@pytest.mark.parametrize("command", ["check", "parse"])
@pytest.mark.parametrize("content", ["text", "zeros"])
def test_100_mb_on_standard_input_is_refused_in_one_line(tmp_path: Path, command: str, content: str) -> None:
    data = (b"# comment line\n" if content == "text" else b"\0" * 16) * (100 * MIB // 16)
    proc = _stdin_run([command, "-"], data, tmp_path)
    stderr = proc.stderr.decode()
    assert proc.returncode == 2, stderr
    assert stderr.splitlines() == [f"monitlint: error: <stdin>: too large (over {MAX_FILE_BYTES} bytes)"]


def test_a_large_regular_file_as_standard_input_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big"
    with big.open("wb") as handle:
        handle.truncate(100 * MIB)  # sparse: 100 MB of zeros
    with big.open("rb") as handle:
        proc = _stdin_run(["check", "--stdin-filename", "monitrc", "-"], handle, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == [
        f"monitlint: error: monitrc: too large ({100 * MIB} bytes; the limit is {MAX_FILE_BYTES} bytes)"
    ]


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "gitlab", "junit"])
def test_a_nul_byte_on_standard_input_is_the_binary_file_error(tmp_path: Path, output_format: str) -> None:
    proc = _stdin_run(["check", "--format", output_format, "-"], b"check system s\n\0rest\n", tmp_path)
    stderr = proc.stderr.decode()
    assert proc.returncode == 2, stderr
    assert stderr.splitlines() == [
        "monitlint: error: <stdin>: binary file (NUL byte at offset 15), not a Monit control file"
    ]
    if output_format in ("json", "sarif", "junit", "github"):
        assert "stdin" in proc.stdout.decode()  # listed where the format lists unreadable files (XML: &lt;stdin&gt;)


def test_standard_input_beside_files_keeps_their_findings(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text("set daemon 30\ncheck process a with pidfile /run/a.pid\n")
    proc = _stdin_run(["check", "--no-cache", "--isolated", "monitrc", "-"], b"\0", tmp_path)
    assert proc.returncode == 2
    assert "MON101" in proc.stdout.decode() and "binary file" in proc.stderr.decode()


def test_standard_input_of_normal_size_is_linted_as_before(tmp_path: Path) -> None:
    text = b"set daemon 30\ncheck process a with pidfile /run/a.pid\n" + b"# pad\n" * (MIB // 6)
    proc = _stdin_run(["check", "--isolated", "--format", "json", "-"], text, tmp_path)
    assert proc.returncode == 1 and b"MON101" in proc.stdout, proc.stderr


def test_a_refused_reopen_names_the_file_not_proc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def denied(path: str, flags: int, *args: int, **kwargs: object) -> int:
        if str(path).startswith("/proc/self/fd/"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safe_fs.os, "open", denied)
    (tmp_path / "private.pid").write_text("1\n")
    if not getattr(os, "O_PATH", 0):
        pytest.skip("no O_PATH here: the file is opened directly")
    with pytest.raises(PermissionError) as caught:
        safe_fs.read_bounded(str(tmp_path / "private.pid"), 64)
    assert caught.value.filename == str(tmp_path / "private.pid")
