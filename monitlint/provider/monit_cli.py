"""Calling the ``monit`` executable: argv lists, never a shell; a timeout on every call."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from monitlint.provider.errors import DaemonUnavailable, MonitNotInstalled
from monitlint.runtime.records import record

# Monit's own CLI gives up after 5 s when the daemon does not answer; wait a little longer.
DEFAULT_CALL_TIMEOUT = 10.0
MIN_CALL_TIMEOUT = 0.5  # past the caller's deadline, a last status read still gets this long


@record
class MonitOutput:
    """What one ``monit`` call printed and its exit status."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        """stdout and stderr together, for messages."""
        return (self.stdout + "\n" + self.stderr).strip()

    def first_line(self) -> str:
        """The first non-empty line Monit printed, for one-line error messages."""
        for line in (self.stderr + "\n" + self.stdout).splitlines():
            if line.strip():
                return line.strip()
        return f"exit status {self.returncode}"


class MonitCLI:
    """Runs ``monit -B [-c FILE] ARGS`` with ``LC_ALL=C`` and no terminal."""

    def __init__(
        self, monit: str = "monit", control_file: str | None = None, call_timeout: float = DEFAULT_CALL_TIMEOUT
    ) -> None:
        self.monit = monit
        self.control_file = control_file
        self.call_timeout = call_timeout
        self.deadline: float | None = None  # monotonic end of the whole provider call (--timeout)

    def executable(self) -> str:
        """Absolute path of the monit executable, or MonitNotInstalled."""
        found = shutil.which(self.monit)
        if found is None:
            raise MonitNotInstalled(
                f"the monit executable '{self.monit}' was not found (install Debian's monit package)"
            )
        return found

    def run(self, *args: str) -> MonitOutput:
        """Run one monit command and return its output; MonitError on timeout or exec failure."""
        argv = [self.executable(), "-B"]
        if self.control_file:
            argv += ["-c", self.control_file]
        argv += list(args)
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        wait = self.call_timeout
        if self.deadline is not None:  # --timeout bounds the whole call, so each monit call too
            wait = min(wait, max(MIN_CALL_TIMEOUT, self.deadline - time.monotonic()))
        try:
            proc = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                env=env,
                timeout=wait,
            )
        except subprocess.TimeoutExpired:
            raise DaemonUnavailable(
                f"`monit {' '.join(args)}` did not answer within {wait:g} s: the daemon is busy or hung; "
                "check its log and `monit status`, then call again"
            ) from None
        except PermissionError:
            raise MonitNotInstalled(f"permission denied running {argv[0]}") from None
        except OSError as exc:
            raise MonitNotInstalled(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
        return MonitOutput(argv, proc.returncode, proc.stdout, proc.stderr)


def monit_release(executable: str, timeout: float = DEFAULT_CALL_TIMEOUT) -> tuple[int, int] | None:
    """The release (5, 33) that ``monit -V`` reports, or None when it cannot tell (not run, not 5.26-5.35).

    The provider's lint gate lints for that release: the daemon it drives is the judge.
    """
    import re

    from monitlint.monit_versions import RELEASES

    try:
        proc = subprocess.run(
            [executable, "-V"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"version (\d+)\.(\d+)", proc.stdout + proc.stderr)
    release = (int(match.group(1)), int(match.group(2))) if match else None
    return release if release in RELEASES else None
