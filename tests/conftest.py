"""Shared helpers: running the CLI, running the real `monit -t`, locating data."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
CORPUS = REPO.parent / "shared" / "corpus" / "real-world"


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
