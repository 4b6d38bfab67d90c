"""Overhead per resource of the Puppet provider and the Ansible module against the engines' stock ways.

Starts a private Monit daemon (Debian's `monit`) in a temporary folder with N toy daemons, then
times, for each engine, three runs over all N services: stop them all, start them all, and a run
with nothing to do.

* Puppet: one `puppet apply` with `provider => monitlint`, against the same manifest with Puppet's
  stock `base` provider calling `monit` directly (`start => 'monit -c F start X'`, `stop => ...`,
  status from the process table through `pattern`).
* Ansible: one playbook looping `monitlint.monit.service` over the N services, against the same with
  `community.general.monit` (when `--community DIR` names a folder holding
  `ansible_collections/community/general`, e.g. from `pip install --no-deps --target DIR ansible`;
  its module has no control-file option, so a `monit` wrapper adding `-c F` comes first on PATH).

Besides the wall time it prints how many services were already in the requested state, judged by
the process table, when the run returned: the stock ways return when Monit has queued the request.

    python benchmarks/integrations_overhead.py [--services 5] [--community DIR] [--skip-ansible]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.provider.conftest import TOY, MonitDaemon, kill_toys, start_monit, toy_block  # noqa: E402

PHASES = (("stop all", "stopped"), ("start all", "running"), ("nothing to do", "running"))


def toy_running(tmp: Path, name: str) -> bool:
    """Whether toy `name` runs, from the process table (`pgrep`)."""
    out = subprocess.run(["pgrep", "-af", TOY.name], capture_output=True, text=True).stdout
    return any(f"{TOY.name} {name} {tmp / (name + '.pid')}" in line for line in out.splitlines())


def settle(tmp: Path, names: list[str], target: str, timeout: float = 60) -> float:
    """Wait until every service is in `target` by the process table; seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if all(toy_running(tmp, n) == (target == "running") for n in names):
            return time.monotonic() - start
        time.sleep(0.05)
    raise SystemExit(f"services did not reach '{target}' within {timeout} s")


def timed(run: Callable[[], subprocess.CompletedProcess[str]], tmp: Path, names: list[str], target: str) -> tuple:
    start = time.monotonic()
    proc = run()
    elapsed = time.monotonic() - start
    there = sum(toy_running(tmp, n) == (target == "running") for n in names)
    late = settle(tmp, names, target)
    time.sleep(1.5)  # let Monit finish its cycle before the next run
    return elapsed, there, late, proc


def puppet_runs(tmp: Path, daemon: MonitDaemon, names: list[str]) -> dict[str, list[tuple]]:
    puppet = shutil.which("puppet")
    if puppet is None:
        raise SystemExit("puppet is not installed (scripts/setup-test-env.sh installs it)")
    private = tmp / "puppet"
    monit = daemon.monit
    env = {
        **os.environ,
        "MONITLINT_BIN": str(Path(sys.executable).with_name("monitlint")),
        "MONITLINT_CONTROL_FILE": str(daemon.control_file),
    }

    def manifest(provider: str, target: str) -> str:
        out = []
        for name in names:
            if provider == "monitlint":
                out.append(f"service {{ '{name}': ensure => {target}, provider => monitlint }}\n")
            else:
                cmd = f"{monit} -c {daemon.control_file}"
                out.append(
                    f"service {{ '{name}': ensure => {target}, provider => base,\n"
                    f"  start => '{cmd} start {name}', stop => '{cmd} stop {name}',\n"
                    f"  pattern => '{TOY.name} {name} {tmp / (name + '.pid')}' }}\n"
                )
        return "".join(out)

    results: dict[str, list[tuple]] = {}
    for provider in ("monitlint", "base"):
        results[provider] = []
        for _phase, target in PHASES:
            path = tmp / f"{provider}-{target}.pp"
            path.write_text(manifest(provider, target))
            argv = [puppet, "apply", "--modulepath", str(REPO / "integrations" / "puppet"), "--color=false"]
            argv += ["--detailed-exitcodes", "--logdest", "console"]
            for folder in ("confdir", "vardir", "codedir", "logdir", "rundir", "publicdir"):
                argv += [f"--{folder}", str(private / folder)]

            def run(argv: list[str] = argv, path: Path = path) -> subprocess.CompletedProcess[str]:
                return subprocess.run([*argv, str(path)], capture_output=True, text=True, env=env, timeout=600)

            elapsed, there, late, proc = timed(run, tmp, names, target)
            if proc.returncode not in (0, 2):
                raise SystemExit(f"puppet apply failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
            results[provider].append((elapsed, there, late))
    return results


def ansible_runs(tmp: Path, daemon: MonitDaemon, names: list[str], community: Path | None) -> dict[str, list[tuple]]:
    playbook_bin = Path(sys.executable).with_name("ansible-playbook")
    if not playbook_bin.exists():
        raise SystemExit("ansible-playbook is not installed (pip install -e '.[test]')")
    wrapper = tmp / "bin"
    wrapper.mkdir(exist_ok=True)
    (wrapper / "monit").write_text(f'#!/bin/sh\nexec {daemon.monit} -c {daemon.control_file} "$@"\n')
    (wrapper / "monit").chmod(0o755)
    paths = [str(REPO / "integrations" / "ansible")] + ([str(community)] if community else [])
    env = {
        **os.environ,
        "LC_ALL": "C.UTF-8",
        "ANSIBLE_COLLECTIONS_PATH": ":".join(paths),
        "ANSIBLE_HOME": str(tmp / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-home" / "tmp"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "PATH": f"{wrapper}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    }
    inventory = tmp / "inventory"
    inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    modules = {"monitlint": "monitlint.monit.service", "community.general.monit": "community.general.monit"}
    if community is None:
        del modules["community.general.monit"]
    results: dict[str, list[tuple]] = {}
    for label, module in modules.items():
        results[label] = []
        for _phase, target in PHASES:
            state = "started" if target == "running" else "stopped"
            extra = f"\n        control_file: {daemon.control_file}" if label == "monitlint" else ""
            play = tmp / f"{label}-{target}.yml"
            play.write_text(
                "- hosts: all\n  gather_facts: false\n  tasks:\n"
                f"    - {module}:\n        name: '{{{{ item }}}}'\n        state: {state}{extra}\n"
                f"      loop: {names}\n"
            )

            def run(play: Path = play) -> subprocess.CompletedProcess[str]:
                argv = [str(playbook_bin), "-i", str(inventory), str(play)]
                return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)

            elapsed, there, late, proc = timed(run, tmp, names, target)
            if proc.returncode != 0:
                raise SystemExit(f"ansible-playbook failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
            results[label].append((elapsed, there, late))
    return results


def report(title: str, results: dict[str, list[tuple]], n: int) -> None:
    labels = list(results)
    print(f"\n{title}: {n} services, wall time of one run (in state when it returned)")
    print(f"  {'run':<15}" + "".join(f"{label:>32}" for label in labels) + "   per resource")
    for index, (phase, _target) in enumerate(PHASES):
        cells = [f"{results[label][index][0]:8.2f} s ({results[label][index][1]}/{n})" for label in labels]
        line = f"  {phase:<15}" + "".join(f"{cell:>32}" for cell in cells)
        if len(labels) == 2:
            delta = (results[labels[0]][index][0] - results[labels[1]][index][0]) / n
            line += f"   {delta:+.2f} s"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=5)
    parser.add_argument("--community", type=Path, help="a folder holding ansible_collections/community/general")
    parser.add_argument("--skip-ansible", action="store_true")
    parser.add_argument("--skip-puppet", action="store_true")
    args = parser.parse_args()
    community = args.community
    if community and not (community / "ansible_collections" / "community" / "general").is_dir():
        raise SystemExit(f"{community}: no ansible_collections/community/general in it")
    names = [f"t{i}" for i in range(1, args.services + 1)]
    tmp = Path(tempfile.mkdtemp(prefix="monitlint-integrations-"))
    daemon = start_monit(tmp, "".join(toy_block(name, tmp) for name in names))
    try:
        settle(tmp, names, "running")
        time.sleep(2)
        print(f"{os.cpu_count()} cores; Monit cycle 1 s; toys with start/stop programs")
        if not args.skip_puppet:
            report("Puppet (puppet apply)", puppet_runs(tmp, daemon, names), len(names))
        if not args.skip_ansible:
            if community is None:
                print("\n(no --community DIR: community.general.monit not measured)")
            report("Ansible (ansible-playbook, one host)", ansible_runs(tmp, daemon, names, community), len(names))
    finally:
        daemon.stop_daemon()
        kill_toys(tmp)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
