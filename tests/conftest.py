"""Shared helpers: running the CLI and the real `monit -t`, locating data, test markers, polling, a per-run token."""

from __future__ import annotations

import os
import re
import resource
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
CORPUS = REPO.parent / "shared" / "corpus" / "real-world"

# Letters only, fixed length, new for each run of the suite: put it into every name another run on the
# same machine could also see (a `matching` pattern, a process's command line, a path outside tmp_path),
# so that two suites running at once never find each other's daemons, toys or files.
RUN_TOKEN = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))

# Markers by folder (registered in pyproject.toml): `pytest -m "not slow" -n 2` is the fast tier.
_FOLDER_MARKERS = {
    "provider": ("daemon", "slow"),  # real Monit daemons and toy services
    "integrations": ("integration", "slow"),  # the real Puppet and Ansible engines
}


_BYTECODE_FOLDER: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Let the suite's `python -m monitlint` subprocesses keep their bytecode, in a folder of this run.

    Where PYTHONDONTWRITEBYTECODE is set (some CI images, this project's shared machine) each of the
    suite's hundreds of monitlint subprocesses compiled every module it imports again: 0.38 s a run
    instead of 0.10 s.  The bytecode goes to a private temporary folder (PYTHONPYCACHEPREFIX), so the
    checkout stays clean and no other run shares it; what is tested does not change.
    """
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None and "PYTHONPYCACHEPREFIX" not in os.environ:
        _BYTECODE_FOLDER.append(tempfile.mkdtemp(prefix="monitlint-tests-pycache-"))
        os.environ["PYTHONPYCACHEPREFIX"] = _BYTECODE_FOLDER[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _BYTECODE_FOLDER:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests below tests/provider and tests/integrations by folder (anywhere else a heavy test carries
    ``@pytest.mark.slow`` itself: found with ``pytest --durations=60``)."""
    tests = Path(__file__).resolve().parent
    for item in items:
        try:
            folder = item.path.resolve().relative_to(tests).parts[0]
        except (ValueError, IndexError):
            continue
        for marker in _FOLDER_MARKERS.get(folder, ()):
            item.add_marker(marker)


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true; False if it never was within ``timeout`` seconds.

    For synchronisation with another process (a daemon, a subprocess): wait for the condition
    itself, never for a guessed time.  ``timeout`` is a generous safety net, not a measurement.
    """
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def children_cpu_seconds() -> float:
    """User + system CPU time of this process's children that have ended (and were waited for) so far.

    The difference around a subprocess run is that run's CPU time: a bound on it holds on a loaded
    machine, where a wall-clock bound measures the load (tests run one at a time in a session).
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _system_data_collected(status: str) -> str | None:
    """The `data collected` time of the System service in the text of `monit status`."""
    in_system = False
    for line in status.splitlines():
        if line and not line[0].isspace():
            in_system = line.startswith("System '")
        elif in_system and line.strip().startswith("data collected"):
            return line.split(None, 2)[2].strip()
    return None


def wait_for_monit_cycles(monit_status: Callable[[], str], cycles: int = 2, timeout: float = 60.0) -> bool:
    """Poll `monit status` until at least ``cycles - 1`` whole daemon cycles ran after the call.

    Monit checks its System service once per cycle and stamps it to the second; with `set daemon 1` two
    cycles are more than a second apart, so each new stamp is a new cycle.  After two new stamps a
    request sent before the call has been acted on: the way to wait for "nothing happened".
    """
    seen = [_system_data_collected(monit_status())]

    def new_stamp() -> bool:
        stamp = _system_data_collected(monit_status())
        if stamp is not None and stamp != seen[-1]:
            seen.append(stamp)
        return len(seen) > cycles

    return wait_until(new_stamp, timeout, interval=0.2)


def require_corpus() -> None:
    """Skip (with the reason shown) when the real-world corpus is absent, as on a fresh clone.

    It lives beside this project's own checkouts, in ../shared.  CI sets MONITLINT_REQUIRE_CORPUS=1,
    where its absence is a failure instead.
    """
    if CORPUS.is_dir():
        return
    message = f"the real-world corpus is missing: {CORPUS} (it lives beside the checkout, in ../shared)"
    if os.environ.get("MONITLINT_REQUIRE_CORPUS") == "1":
        pytest.fail(message)
    pytest.skip(message)


DEBIAN_MONIT = Path("/etc/monit")


@dataclass
class CliResult:
    """What a `monitlint` run printed and its exit status."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> CliResult:
    """Run the installed CLI in a subprocess, exactly as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "monitlint", *args],
        cwd=cwd,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def monit_executable() -> str:
    """Path of Debian's `monit`; missing monit fails in CI and skips elsewhere."""
    path = shutil.which("monit") or ("/usr/bin/monit" if os.path.exists("/usr/bin/monit") else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("the `monit` executable is required in CI (apt-get install monit)")
        pytest.skip("monit is not installed")
    return path


def monit_parsed(path: Path, home: Path, monit: str | None = None) -> subprocess.CompletedProcess[str]:
    """`monit -v -t -c PATH` with a private HOME: what Monit says it parsed (see :func:`parsed_lines`)."""
    return subprocess.run(
        [monit or monit_executable(), "-v", "-t", "-c", str(path)],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def parsed_lines(text: str) -> list[str]:
    """The lines of `monit -v -t` output but those naming the control file itself."""
    return [line for line in text.splitlines() if not line.startswith(" Control file")]


@dataclass
class MonitVerdict:
    """What `monit -t` said of a control file."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """The diagnostic lines Monit printed."""
        return [line for line in self.stderr.splitlines() if line.strip()]


@pytest.fixture
def monit_t(tmp_path: Path) -> Callable[[Path, Path | None], MonitVerdict]:
    """Run `monit -t -c FILE` on a private 0600 copy, from `cwd`, with HOME in a temp dir."""
    monit = monit_executable()

    def run(path: Path, cwd: Path | None = None) -> MonitVerdict:
        copy = tmp_path / "ctl" / path.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy)
        copy.chmod(0o600)
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        proc = subprocess.run(
            [monit, "-t", "-c", str(copy)],
            cwd=cwd or tmp_path,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C"},
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        return MonitVerdict(proc.returncode, proc.stdout, proc.stderr)

    return run


# Messages of Monit's scanner and parser that mean "this is not valid monitrc".
SYNTAX_ERROR = re.compile(
    r"^(?P<file>.*?):(?P<line>\d+): (?P<message>syntax error|unbalanced quotes|invalid every format|"
    r"invalid HTTP header list format|invalid mail format|missing address|missing hostname in URL|"
    r"URL protocol not supported|include files limit reached)"
)


def first_syntax_error(verdict: MonitVerdict) -> tuple[str, int, str] | None:
    """(file name, line, message) of Monit's first language error, if any."""
    for line in verdict.lines:
        match = SYNTAX_ERROR.match(line)
        if match:
            return Path(match.group("file")).name, int(match.group("line")), line
    return None


def findings_of(parsed: Any) -> list[Any]:
    """A parse's problems as findings, stamped with their rule as the engine stamps them."""
    from monitlint.linter.catalog import stamp

    return [stamp(problem) for problem in parsed.problems]


def lint_text(text: str, name: str = "<stdin>", root: str | None = None, config: Any = None) -> Any:
    """A text's ``LintResult`` through the engine's one entry, linted on its own (no entrypoint context)."""
    from monitlint.linter.engine import EngineContext, Unit, lint_unit
    from monitlint.selection import Settings

    return lint_unit(Unit(name, text), EngineContext(Settings.of(config), root, in_entrypoint_context=False))


def lint_file(path: str, root: str | None = None, config: Any = None, runner: Any = None) -> Any:
    """A file's ``LintResult`` (with its includes) through the engine's one entry, linted as a whole control file."""
    from monitlint.linter.engine import EngineContext, Unit, lint_unit
    from monitlint.selection import Settings

    return lint_unit(Unit(path), EngineContext(Settings.of(config), root, runner, in_entrypoint_context=False))


@pytest.fixture(scope="session")
def monit_binaries() -> Any:
    """The six Monit releases (5.26.0 … 5.35.2) by release, as ``tests.monit_versions.Judge``s.

    Skips with the reason when ../shared/monit-versions or a build is missing; fails instead when
    MONITLINT_REQUIRE_CORPUS=1 (CI, whose setup script builds them).
    """
    from tests.monit_versions import judges_or_skip

    return judges_or_skip()
