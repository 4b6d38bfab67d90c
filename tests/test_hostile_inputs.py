"""Hostile files: each ends in a clear finding or error, in bounded time and memory, and is never written.

Huge files, a 1 MB line, NUL bytes, invalid UTF-8, FIFOs and devices named by an include, 1,025
nested includes, a glob matching 10,000 files, symlink loops, unreadable files and folders.  Every
case runs the real command line in a subprocess.

Time is judged by CPU time (user + system of monitlint and the workers it waited for), never by the
wall clock, which measures the machine's load as much as monitlint: other suites running beside
this one made wall-clock bounds fail on code that had not changed.  A wall-clock limit remains
only as a safety kill of a hang (a blocked read uses no CPU), far above any real run.  The 50 MB
cases also measure the peak memory of the monitlint process.

The 5 and 50 MiB cases (up to 350,000 service blocks; log lines that are not Monit at all) are
judged as growth: the 50 MiB run may take at most 15 times the CPU time of the 5 MiB run on the
same machine (linear is 10), and each stays under 1 GiB.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitlint.cli import cli
from tests.conftest import SAMPLES, children_cpu_seconds

MIB = 1024 * 1024
CPU_BOUND = 60.0  # CPU seconds, for every case (a 5 MiB run takes about 3; 50 MiB runs are judged by growth)
QUICK_CPU = 15.0  # CPU seconds, for the cases that must be refused at once (devices, FIFOs, loops)
KILL_AFTER = 600.0  # wall-clock seconds: a safety kill for a hang, never a measurement
QUICK_KILL = 120.0  # wall-clock seconds: the same, for runs that should end at once (a FIFO read would block)

BLOCK = (
    "check process app{i} with pidfile /run/app{i}.pid\n"
    '    start program = "/bin/true" with timeout 30 seconds\n'
    '    stop program = "/bin/true" with timeout 30 seconds\n'
    "    if cpu > 90% for 5 cycles then alert\n"
)
LOG_LINE = "Nov 25 02:35:01 web1 kernel: [12345.678] eth0: link up, 1000 Mbps, full duplex\n"

# Runs monitlint as its only child and reports the child's CPU time and peak RSS (RUSAGE_CHILDREN).
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.monotonic()
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    code = subprocess.call([sys.executable, "-m", "monitlint", *sys.argv[3:]], stdout=out, stderr=err,
                           stdin=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"exit_code": code, "seconds": time.monotonic() - start,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime, "max_rss_kib": usage.ru_maxrss}))
"""


@dataclass
class Run:
    """A finished monitlint run."""

    exit_code: int
    stdout: str
    stderr: str
    cpu_seconds: float  # user + system time of monitlint and the processes it waited for: what is judged
    seconds: float  # wall clock, shown only
    max_rss_mib: float = 0.0


def _env(tmp: Path) -> dict[str, str]:
    # Results cache and parser tables in the test's own folder; never the checked files' folders.
    return {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp / ".cache")}


def run_monitlint(*args: str, cwd: Path, timeout: float = KILL_AFTER, stdin: int | None = subprocess.DEVNULL) -> Run:
    """Run ``monitlint ARGS`` in a subprocess; a run over ``timeout`` wall-clock seconds is killed (a hang).

    Its CPU time is what this process's reaped children used meanwhile: the tests run one at a time.
    """
    start = time.monotonic()
    cpu_before = children_cpu_seconds()
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitlint", *args],
        cwd=cwd,
        env=_env(cwd),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"monitlint {' '.join(args)} did not finish in {timeout} s")
    seconds = time.monotonic() - start
    cpu_seconds = children_cpu_seconds() - cpu_before
    return Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), cpu_seconds, seconds)


def check(path: Path | str, cwd: Path, *extra: str, quick: bool = False) -> Run:
    """``monitlint check`` held to ``CPU_BOUND`` of CPU time, or ``QUICK_CPU`` for a case refused at once."""
    run = run_monitlint(
        "check", "--no-cache", "--isolated", *extra, str(path), cwd=cwd, timeout=QUICK_KILL if quick else KILL_AFTER
    )
    assert run.cpu_seconds < (QUICK_CPU if quick else CPU_BOUND), (run.cpu_seconds, run.stderr[-2000:])
    return run


def measure(path: Path, cwd: Path) -> Run:
    """``monitlint check PATH`` with its CPU time and peak memory (in a fresh parent process)."""
    out, err = cwd / "measure.out", cwd / "measure.err"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURE,
            str(out),
            str(err),
            "check",
            "--no-cache",
            "--isolated",
            "--format",
            "json",
            str(path),
        ],
        cwd=cwd,
        env=_env(cwd),
        capture_output=True,
        text=True,
        timeout=KILL_AFTER,  # a hang guard only; CPU time is judged by each test
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    run = Run(
        report["exit_code"],
        out.read_text(errors="replace"),
        err.read_text(errors="replace"),
        report["cpu_seconds"],
        report["seconds"],
        report["max_rss_kib"] / 1024,
    )
    print(
        f"\n{path.name}: {path.stat().st_size / MIB:.1f} MiB in {run.cpu_seconds:.1f} s of CPU"
        f" ({run.seconds:.1f} s wall clock), peak RSS {run.max_rss_mib:.0f} MiB"
    )
    return run


def codes(run: Run) -> list[str]:
    """Finding codes of a ``--format json`` run."""
    return [d["code"] for d in json.loads(run.stdout)["diagnostics"]]


def write_sized(path: Path, head: str, unit: str, size: int) -> None:
    """``head`` then ``unit`` repeated until the file holds ``size`` bytes (unit is ASCII)."""
    with path.open("w") as handle:
        handle.write(head)
        remaining = size - len(head)
        handle.write(unit * (remaining // len(unit)))
        handle.write(unit[: remaining % len(unit)])


def service_blocks(count: int) -> str:
    return "".join(BLOCK.format(i=i) for i in range(count))


# --- huge files ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_50_mb_file_mostly_comments(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    head = "set daemon 30\n" + service_blocks(50)
    write_sized(path, head, "# " + "x" * 76 + "\n", 50 * MIB)
    run = measure(path, tmp_path)
    assert run.exit_code in (0, 1), run.stderr
    assert run.stderr == ""
    assert run.cpu_seconds < CPU_BOUND, run
    assert run.max_rss_mib < 1024, f"peak RSS {run.max_rss_mib:.0f} MiB for a 50 MB file"
    assert "MON001" not in codes(run)


MAX_GROWTH_5_TO_50_MIB = 15  # linear is 10; a quadratic step would make it about 100


def measure_5_and_50_mib(tmp_path: Path, name: str, write: Callable[[Path, int], None]) -> list[Run]:
    """The runs at 5 and 50 MiB (``write(path, mib)`` makes each file, in its own folder), time judged as growth.

    The 5 MiB run is held to ``CPU_BOUND``; the 50 MiB run is judged against it, on the same
    machine, by CPU time: 50 MiB of service blocks took 85 s of wall clock on a slow, shared 2-core
    machine (9.3 s for 5 MiB) and well under 60 s on faster ones, so no absolute bound fits it.
    """
    runs = []
    for mib in (5, 50):
        folder = tmp_path / f"{mib}-mib"
        folder.mkdir()
        path = folder / name
        write(path, mib)
        runs.append(measure(path, tmp_path))
    small, large = runs
    assert small.cpu_seconds < CPU_BOUND, small
    assert large.cpu_seconds < MAX_GROWTH_5_TO_50_MIB * max(small.cpu_seconds, 1.0), (
        small.cpu_seconds,
        large.cpu_seconds,
    )
    return runs


@pytest.mark.slow
def test_mib_of_service_blocks(tmp_path: Path) -> None:
    def write(path: Path, mib: int) -> None:
        count = mib * MIB // len(BLOCK.format(i=2000 * mib))  # a name as long as the last one written
        path.write_text("set daemon 30\n" + service_blocks(count))

    for run in measure_5_and_50_mib(tmp_path, "monitrc", write):
        assert run.exit_code in (0, 1), run.stderr
        assert run.max_rss_mib < 1024, run
        assert "MON001" not in codes(run)


@pytest.mark.slow
def test_mib_of_text_that_is_not_monit(tmp_path: Path) -> None:
    for run in measure_5_and_50_mib(tmp_path, "syslog", lambda path, mib: write_sized(path, "", LOG_LINE, mib * MIB)):
        assert run.exit_code == 1, run.stderr
        assert run.max_rss_mib < 1024, run
        assert codes(run) == ["MON001"]  # one finding, not one per line


def test_file_over_64_mib_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.monitrc"
    with big.open("wb") as handle:
        handle.truncate(64 * MIB + 1)  # sparse: instant, and nothing is read
    run = check(big, tmp_path, quick=True)
    assert run.exit_code == 2
    assert "too large" in run.stderr and run.stderr.count("\n") == 1
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {big}\n")
    run = check(main, tmp_path, "--format", "json", quick=True)
    assert run.exit_code == 1
    found = json.loads(run.stdout)["diagnostics"]
    assert any(d["code"] == "MON002" and "too large" in d["message"] for d in found), found


@pytest.mark.parametrize(
    "line",
    [
        "set daemon 30 " + "x" * MIB,
        "# " + "x" * MIB,
        'check process p matching "' + "a" * MIB + '"',
        "set daemon 30 " + "if " * (MIB // 3),
        '"' + "x" * MIB,  # an unbalanced quote
        "set mmonit http://a" + ":" * MIB,  # every colon could start a password that never ends in @
        "set mmonit http://" + "a:" * (MIB // 2),  # every word could be a user before :password@
    ],
    ids=["long-word", "long-comment", "long-regex", "many-tokens", "unbalanced-quote", "url-colons", "url-users"],
)
@pytest.mark.slow
def test_one_megabyte_single_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "monitrc"
    path.write_text(line + "\n")
    run = check(path, tmp_path, "--format", "json")  # within CPU_BOUND: check() asserts it
    assert run.exit_code == 1 and run.stderr == "", run.stderr
    # one clear finding at the line, not one per token or per character
    found = [(d["code"], d["line"]) for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "MON001"]
    assert found == [("MON001", 1)], found


# --- binary and malformed text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"set daemon 30\n\0check system s\n", "binary file (NUL byte at offset 14)"),
        (b"\0" * MIB, "binary file (NUL byte at offset 0)"),
        (b"\xff\xfe" + "set daemon 30\n".encode("utf-16-le"), "binary file"),
    ],
    ids=["nul", "megabyte-of-nul", "utf16"],
)
def test_binary_and_invalid_utf8(tmp_path: Path, data: bytes, message: str) -> None:
    bad = tmp_path / "bad.monitrc"
    bad.write_bytes(data)
    run = check(bad, tmp_path, quick=True)
    assert run.exit_code == 2
    assert run.stderr.startswith("monitlint: error: ") and message in run.stderr and run.stderr.count("\n") == 1
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {bad}\n")
    run = check(main, tmp_path, "--format", "json", quick=True)
    assert run.exit_code == 1
    found = json.loads(run.stdout)["diagnostics"]
    assert any(d["code"] == "MON002" and d["severity"] == "error" and message in d["message"] for d in found), found


def test_included_nul_byte_is_an_error_though_monit_says_ok(tmp_path: Path, monit_t: Any) -> None:
    """Monit's scanner ends the whole configuration at a NUL byte and says "syntax OK": the garbage and the
    duplicate service after the include are never read.  monitlint fails the file and says so."""
    nul = tmp_path / "nul.conf"
    nul.write_bytes(b"\0set daemon 30\n")
    good = tmp_path / "good.conf"
    good.write_text("check process a with pidfile /run/a.pid\n")
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {good}\ninclude {nul}\ninclude {good}\ncheck garbage here\n")
    assert monit_t(main).exit_code == 0  # measured with monit 5.33: nothing after the NUL is read
    run = check(main, tmp_path, "--format", "json", quick=True)
    assert run.exit_code == 1
    finding = include_finding(run, 3)
    assert finding["severity"] == "error" and "NUL byte at offset 0" in str(finding["message"])
    assert "stops reading the whole configuration at a NUL byte" in str(finding["hint"])


# --- devices, FIFOs, folders ------------------------------------------------------------------------


def include_finding(run: Run, line: int = 2) -> dict[str, object]:
    found: list[dict[str, object]] = [
        d for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "MON002" and d["line"] == line
    ]
    assert found, run.stdout
    return found[0]


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.monitrc"
    os.mkfifo(fifo)  # nobody ever writes to it: a read would block forever
    run = check(fifo, tmp_path, quick=True)
    assert run.exit_code == 2 and "not a regular file" in run.stderr, run.stderr
    for pattern in (str(fifo), f"{tmp_path}/*.monitrc"):
        main = tmp_path / "main"
        main.write_text(f"set daemon 30\ninclude {pattern}\n")
        run = check(main, tmp_path, "--format", "json", quick=True)
        assert run.exit_code == 1
        finding = include_finding(run)
        assert "not a regular file" in str(finding["message"]) and finding["severity"] == "error"  # Monit hangs


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_device_is_refused_without_reading(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    run = check(device, tmp_path, quick=True)
    assert run.exit_code == 2 and "not a regular file" in run.stderr, run.stderr
    link = tmp_path / "link.monitrc"
    link.symlink_to(device)
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {device}\ninclude {link}\n")
    run = check(main, tmp_path, "--format", "json", quick=True)
    assert run.exit_code == 1
    assert "not a regular file" in str(include_finding(run, 2)["message"])
    assert include_finding(run, 2)["severity"] == "warning"  # `monit -t` accepts it and reads nothing
    assert "not a regular file" in str(include_finding(run, 3)["message"])


def test_folder_named_by_an_include_is_skipped_quickly(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {tmp_path}/conf.d\ncheck system s\n")
    run = check(main, tmp_path, "--format", "json", quick=True)
    assert run.exit_code in (0, 1) and run.stderr == ""
    assert "MON001" not in codes(run)


def test_folder_named_by_an_include_is_reported(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {tmp_path}/conf.d\ncheck system s\n")
    run = check(main, tmp_path, "--format", "json", quick=True)
    include_finding(run)


def test_folder_as_the_main_path(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    run = check(empty, tmp_path, quick=True)
    assert run.exit_code == 2 and "no Monit control files found" in run.stderr


# --- includes: depth, breadth, loops -------------------------------------------------------------


def nested_includes(folder: Path, depth: int) -> Path:
    """f0 includes f1 ... includes f<depth>, which holds a service."""
    folder.mkdir()
    for i in range(depth + 1):
        text = "set daemon 30\n" if i == 0 else ""
        text += f"include {folder}/f{i + 1}.monitrc\n" if i < depth else "check system s\n"
        (folder / f"f{i}.monitrc").write_text(text)
    return folder / "f0.monitrc"


@pytest.mark.slow
def test_1025_nested_includes(tmp_path: Path) -> None:
    run = check(nested_includes(tmp_path / "deep", 1025), tmp_path, "--format", "json")
    assert run.exit_code == 1, run.stderr
    found = [d for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "MON001"]
    assert len(found) == 1 and "include files limit reached" in found[0]["message"], found
    assert found[0]["path"].endswith("f1024.monitrc")


@pytest.mark.slow
def test_1024_nested_includes_are_fine(tmp_path: Path) -> None:
    run = check(nested_includes(tmp_path / "deep", 1024), tmp_path, "--format", "json")
    assert run.exit_code in (0, 1) and "MON001" not in codes(run)


@pytest.mark.slow
def test_glob_matching_10000_files(tmp_path: Path) -> None:
    conf = tmp_path / "conf.d"
    conf.mkdir()
    for i in range(10_000):
        (conf / f"s{i:05d}.conf").write_text(f"check file f{i} with path /etc/hostname\n")
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {conf}/*\n")
    run = check(main, tmp_path, "--format", "json")
    assert run.exit_code in (0, 1), run.stderr
    # Monit itself stops at its include limit here (test_fuzz.py: glob-of-1025-files); no crash, no duplicates.
    assert "MON201" not in codes(run)


@pytest.mark.parametrize("shape", ["self", "pair"])
def test_symlink_loops(tmp_path: Path, shape: str) -> None:
    if shape == "self":
        (tmp_path / "a.monitrc").symlink_to("a.monitrc")
    else:
        (tmp_path / "a.monitrc").symlink_to("b.monitrc")
        (tmp_path / "b.monitrc").symlink_to("a.monitrc")
    loop = tmp_path / "a.monitrc"
    run = check(loop, tmp_path, quick=True)
    assert run.exit_code == 2 and "symbolic links" in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1
    for pattern in (str(loop), f"{tmp_path}/*.monitrc"):
        main = tmp_path / "main"
        main.write_text(f"set daemon 30\ninclude {pattern}\n")
        run = check(main, tmp_path, "--format", "json", quick=True)
        assert run.exit_code == 1
        assert "symbolic links" in str(include_finding(run)["message"])


def test_include_of_itself_is_a_cycle_not_a_hang(tmp_path: Path) -> None:
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {main}\ninclude {tmp_path}/*\n")
    run = check(main, tmp_path, "--format", "json", quick=True)
    assert run.exit_code == 1
    assert codes(run).count("MON003") == 2


# --- unreadable files -------------------------------------------------------------------------------


def test_unreadable_files_via_a_refusing_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In process, os.open refuses the secret file (click's own os.access check is not reached this way)."""
    secret = tmp_path / "secret.monitrc"
    secret.write_text("set daemon 30\n")
    main = tmp_path / "monitrc"
    main.write_text(f"set daemon 30\ninclude {secret}\n")
    real_open = os.open

    def refusing_open(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        if os.path.realpath(path) == str(secret.resolve()):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr("monitlint.files.source.os.open", refusing_open)
    runner = CliRunner()
    cpu_start = time.process_time()  # in process: this process's own CPU time
    result = runner.invoke(cli, ["check", "--no-cache", "--isolated", str(secret)])
    assert result.exit_code == 2, result.output
    assert "permission denied" in result.output
    result = runner.invoke(cli, ["check", "--no-cache", "--isolated", "--format", "json", str(main)])
    assert result.exit_code == 1, result.output
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "MON002"]
    assert found and "permission denied" in found[0]["message"] and found[0]["severity"] == "error", found
    assert time.process_time() - cpu_start < QUICK_CPU


def _without_file_permissions_bypass(tmp: Path) -> list[str] | None:
    """A command prefix under which file permissions apply, or None.

    Not root: nothing to do.  Root: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding
    set with setpriv, so root's own 0000 files become unreadable (and Python stays reachable).
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    probe_file = tmp / "probe"
    probe_file.write_text("x")
    probe_file.chmod(0)
    try:
        probe = subprocess.run(
            [*prefix, sys.executable, "-c", f"import monitlint; open({str(probe_file)!r})"],
            capture_output=True,
            text=True,
            timeout=QUICK_KILL,
        )
    except OSError:
        return None
    return prefix if probe.returncode != 0 and "PermissionError" in probe.stderr else None


@pytest.fixture
def unreadable(tmp_path: Path) -> tuple[list[str], Path]:
    """(command prefix, folder) where ``secret.monitrc`` (mode 0000) cannot be read by monitlint."""
    prefix = _without_file_permissions_bypass(tmp_path)
    if prefix is None:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE with setpriv")
    secret = tmp_path / "secret.monitrc"
    secret.write_text("set daemon 30\n")
    secret.chmod(0)
    (tmp_path / "monitrc").write_text(f"set daemon 30\ninclude {secret}\n")
    (tmp_path / "other.monitrc").write_text("set daemon 30\ncheck process p with pidfile /run/p.pid\n")
    return prefix, tmp_path


def _run_as(prefix: list[str], folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [*prefix, sys.executable, "-m", "monitlint", *args]
    return subprocess.run(command, cwd=folder, env=_env(folder), capture_output=True, text=True, timeout=KILL_AFTER)


def test_unreadable_include_with_real_permissions(unreadable: tuple[list[str], Path]) -> None:
    prefix, folder = unreadable
    proc = _run_as(prefix, folder, "check", "--no-cache", "--isolated", "--format", "json", "monitrc")
    assert proc.returncode == 1, proc.stderr
    found = [d for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "MON002"]
    assert found and "permission denied" in found[0]["message"] and found[0]["severity"] == "error", found


def test_unreadable_main_file_with_real_permissions(unreadable: tuple[list[str], Path]) -> None:
    prefix, folder = unreadable
    proc = _run_as(prefix, folder, "check", "--no-cache", "--isolated", "other.monitrc", "secret.monitrc")
    assert proc.returncode == 2
    assert proc.stderr == "monitlint: error: secret.monitrc: permission denied\n", proc.stderr
    assert "MON101" in proc.stdout  # other.monitrc was still checked


# --- monitlint never writes to the files it checks --------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """(mode, mtime_ns, sha256) of every entry under ``root``, without following symlinks."""
    state: dict[str, tuple[int, int, str]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest = ""
        if stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        elif stat.S_ISLNK(info.st_mode):
            digest = os.readlink(path)
        state[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns, digest)
    return state


@pytest.mark.slow
def test_never_writes_to_the_files_it_checks(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(SAMPLES, tree / "samples")
    hostile = tree / "hostile"
    hostile.mkdir()
    (hostile / "nul.monitrc").write_bytes(b"set daemon 30\n\0")
    (hostile / "latin1.monitrc").write_bytes(b"# caf\xe9\n")
    (hostile / "syntax.monitrc").write_text("set daemon 30\ncheck process p\n  if cpu > 80% alert\n")
    (hostile / "loop.monitrc").symlink_to("loop.monitrc")
    os.mkfifo(hostile / "fifo.monitrc")
    (hostile / "main.monitrc").write_text(
        f"set daemon 30\ninclude {hostile}/*\ninclude {tree}/samples/good/etc/monit/conf.d/*\n"
    )
    for path in tree.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # an old mtime makes any write visible
    before = snapshot(tree)
    targets = [str(p) for p in sorted(tree.rglob("*")) if p.is_file() and not p.is_symlink()]
    good_root = str(tree / "samples" / "good")
    runs = [
        run_monitlint("check", *targets, cwd=tmp_path),  # with the results cache (in tmp_path/.cache)
        run_monitlint("check", *targets, cwd=tmp_path),  # cache hits
        run_monitlint("check", "--format", "sarif", "--root", good_root, str(tree / "samples"), cwd=tmp_path),
        run_monitlint("parse", str(hostile / "main.monitrc"), cwd=tmp_path),
        run_monitlint(
            "check", "--format", "json", str(hostile / "fifo.monitrc"), str(hostile / "loop.monitrc"), cwd=tmp_path
        ),
    ]
    assert all(run.exit_code in (0, 1, 2) and "Traceback" not in run.stderr for run in runs)
    assert snapshot(tree) == before


def test_a_chain_of_5000_dependencies_is_not_too_deep(tmp_path: Path) -> None:
    # Found while testing split parsing: MON203 walked `depends on` recursively and a long
    # chain ended in "input nested too deeply to check" (exit 2) for a file Monit accepts.
    main = tmp_path / "monitrc"
    main.write_text(
        "".join(
            f"check file f{i} with path /etc/hostname\n" + (f"    depends on f{i - 1}\n" if i else "")
            for i in range(5000)
        )
    )
    run = check(main, tmp_path, "--format", "json")
    assert run.exit_code == 0 and run.stderr == "", run.stderr


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"set daemon 30\n# caf\xe9\nchec system s\n", 3), (b"set daemon 30\n\xed\xa0\x80\n", 2)],
    ids=["latin1-comment", "stray-bytes"],
)
def test_bytes_that_are_not_utf8_are_read_as_monit_reads_them(tmp_path: Path, data: bytes, line: int) -> None:
    """Monit reads bytes: other bytes keep one column each and line numbers stay exact."""
    bad = tmp_path / "bytes.monitrc"
    bad.write_bytes(data)
    run = check(bad, tmp_path, "--format", "json", quick=True)
    found = json.loads(run.stdout)["diagnostics"]
    assert run.exit_code == 1 and any(d["code"] == "MON001" and d["line"] == line for d in found), found
