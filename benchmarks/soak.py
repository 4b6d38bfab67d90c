"""Soak test of the provider against a real Monit daemon, judged only by the process table.

Runs N randomized steps over services that behave well, stop slowly, lie about
stopping (a stop program that does nothing), ignore SIGTERM, and are found by a
`matching` pattern next to decoy processes.  Each step sends one to three provider calls at once (separate
``monitlint service`` processes, on different services), waits for all of
them, then reads ``/proc`` and counts:

* false OKs: a call that exited 0 while the process table does not show the
  requested state (or, for restart, shows the old process);
* collateral changes: a service no call of the step named whose process
  changed (pid gone or replaced);
* hangs: a call that did not return within its limit;
* tracebacks: a call whose stderr holds a Python traceback or an internal error.

Usage: python benchmarks/soak.py [--steps 1000] [--seed N] [--quiet]
Prints a summary and exits 1 if any count is not 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.provider.conftest import TOY, MonitDaemon, kill_toys, start_monit, toy_block  # noqa: E402

CALL_LIMIT = 150.0  # seconds: any call longer than this is a hang
# Monit's `matching` looks at every process on the host: the marker carries this run's pid, so that
# two soaks (or a soak beside the test suite) never take each other's processes for their own.
MARK = f"soak{os.getpid()}m"
SERVICES = {
    "well": {},
    "slowstop": {"stop": "slow"},
    "liar": {"stop": "noop"},
    "stubborn": {"toy_args": "--ignore-term"},
    "matcher": {"matching": f"{MARK}[[:digit:]]+x", "toy_args": f"{MARK}42x"},
}
ACTIONS = ["start", "stop", "restart", "ensure running", "ensure stopped", "monitor", "unmonitor"]


@dataclass
class Counts:
    """What the soak found."""

    steps: int = 0
    calls: int = 0
    ok_calls: int = 0
    false_ok: int = 0
    collateral: int = 0
    hangs: int = 0
    tracebacks: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        """Record a problem and show it at once (a long soak may be interrupted)."""
        self.problems.append(text)
        print("PROBLEM", text, flush=True)

    def brief(self) -> str:
        """The counts on one line."""
        return (
            f"{self.calls} calls ({self.ok_calls} exited 0): false OKs {self.false_ok}, "
            f"collateral changes {self.collateral}, hangs {self.hangs}, tracebacks {self.tracebacks}"
        )


def service_pids(tmp: Path) -> dict[str, set[int]]:
    """Live toy processes of each service, found by their command lines in /proc (not by pidfiles)."""
    found: dict[str, set[int]] = {name: set() for name in SERVICES}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        words = raw.split(b"\0")
        if state in ("Z", "X") or len(words) < 3 or str(TOY).encode() not in words[1]:
            continue
        name = words[2].decode()
        if name in found and str(tmp).encode() in raw:
            found[name].add(int(entry))
    return found


def start_decoys(tmp: Path) -> list[subprocess.Popen[bytes]]:
    """Processes whose command lines look like the `matching` service's but do not match it."""
    return [
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(86400)", word], start_new_session=True)
        for word in (f"{MARK}x", f"{MARK}42", f"{MARK}42X".upper(), f"{tmp}/{MARK}4 2x")
    ]


def call(daemon: MonitDaemon, action: str, name: str) -> subprocess.Popen[str]:
    verb, _, target = action.partition(" ")
    argv = [sys.executable, "-m", "monitlint", "service", verb, name, *([target] if target else [])]
    argv += ["-c", str(daemon.control_file), "--format", "json"]
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, stdin=subprocess.DEVNULL
    )


def judge(action: str, before: set[int], after: set[int]) -> str | None:
    """Why an exit-0 result of ``action`` is false, judged from the processes before and after; None if true."""
    if action in ("start", "ensure running"):
        return None if after else "no process runs"
    if action == "restart":
        if not after:
            return "no process runs"
        return None if not (after & before) else f"old process {sorted(after & before)} still runs"
    if action in ("stop", "ensure stopped"):
        return None if not after else f"process {sorted(after)} still runs"
    if action == "monitor" and not before:
        return None  # Monit starts a monitored service whose process does not exist: its own doing, not ours
    return None if after == before else f"monitoring change moved processes {sorted(before)} -> {sorted(after)}"


def run(steps: int, seed: int, quiet: bool) -> Counts:
    """Run the soak; return the counts."""
    rng = random.Random(seed)
    counts = Counts()
    tmp = Path(tempfile.mkdtemp(prefix="monitlint-soak-"))
    blocks = "".join(toy_block(name, tmp, **options) for name, options in SERVICES.items())  # type: ignore[arg-type]
    daemon = start_monit(tmp, blocks)
    decoys = start_decoys(tmp)
    started = time.monotonic()
    try:
        daemon.wait_for(lambda: all(daemon.status_word(name) == "OK" for name in SERVICES), 60)
        time.sleep(2)  # let every toy finish daemonizing before the first picture of the process table
        for step in range(steps):
            chosen = rng.sample(sorted(SERVICES), rng.choice([1, 1, 2, 3]))
            plan = {name: rng.choice(ACTIONS) for name in chosen}
            before = service_pids(tmp)
            running = {name: (call(daemon, action, name), time.monotonic()) for name, action in plan.items()}
            results: dict[str, tuple[int, dict[str, object], str]] = {}
            for name, (proc, _) in running.items():
                try:
                    out, err = proc.communicate(timeout=CALL_LIMIT)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    out, err = proc.communicate()
                    counts.hangs += 1
                    counts.problem(f"step {step}: {plan[name]} {name} hung")
                try:
                    data = json.loads(out) if out.strip() else {}
                except ValueError:
                    data = {}
                results[name] = (proc.returncode, data, err)
            after = service_pids(tmp)
            counts.steps += 1
            for name, (code, data, err) in results.items():
                counts.calls += 1
                if "Traceback" in err or "internal error" in err or not data:
                    counts.tracebacks += 1
                    counts.problem(f"step {step}: {plan[name]} {name}: {err.strip()[-300:]}")
                if code == 0:
                    counts.ok_calls += 1
                    why = judge(plan[name], before[name], after[name])
                    if why:
                        counts.false_ok += 1
                        counts.problem(f"step {step}: {plan[name]} {name} exited 0 but {why}: {data}")
            for name in SERVICES:
                if name not in plan and before[name] != after[name]:
                    counts.collateral += 1
                    counts.problem(f"step {step}: {name} changed {sorted(before[name])} -> {sorted(after[name])}")
            if not quiet:
                summary = ", ".join(f"{plan[n]} {n}={results[n][0]}" for n in plan)
                print(f"step {step}: {summary}", flush=True)
            elif (step + 1) % 50 == 0:  # a running count, so an interrupted soak still tells what it saw
                print(f"after {step + 1} steps: {counts.brief()}", flush=True)
    finally:
        counts.seconds = time.monotonic() - started
        daemon.stop_daemon()
        kill_toys(tmp)
        for decoy in decoys:
            os.killpg(decoy.pid, signal.SIGKILL)
            decoy.wait()
    return counts


def main() -> int:
    """Parse options, run, print the summary; exit 1 when anything was found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--quiet", action="store_true")
    options = parser.parse_args()
    counts = run(options.steps, options.seed, options.quiet)
    print(
        f"soak: {counts.steps} steps, {counts.calls} calls ({counts.ok_calls} exited 0) in {counts.seconds:.0f} s, "
        f"seed {options.seed}: false OKs {counts.false_ok}, collateral changes {counts.collateral}, "
        f"hangs {counts.hangs}, tracebacks {counts.tracebacks}"
    )
    return 1 if counts.false_ok or counts.collateral or counts.hangs or counts.tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
