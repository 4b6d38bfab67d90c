"""Speed and memory of `monitlint check` next to `monit -t`, measured side by side in one run.

Generates control files of 10 to 20,000 services (mixed service types, conf.d includes,
realistic tests), then for each size and for the bundled sample runs `monitlint check` and
`monit -t`, alternating, several times, and prints median wall time, peak memory of the
child process, the ratio monitlint/monit, and how time scales between sizes. It also times
a cold start on the sample next to `python3 -c pass` and `python3 -c "import lark, click"`.

    python benchmarks/run.py                 # the full table (about 3 minutes, most of it monit -t)
    python benchmarks/run.py --sizes 10,100  # a quick look
    python benchmarks/run.py --baseline 7e4d72a --sizes 2000 --one-file 20000 --runs 5
                                             # before/after: that revision's monitlint in the same run

With ``--baseline DIR`` (a checkout) or ``--baseline REV`` (a git revision of this repository,
exported with ``git archive`` into the temporary folder) every measurement also runs that
monitlint (imported through PYTHONPATH), alternating with this one, and prints now/before.
``--one-file`` adds sizes whose services are all in the main control file (no conf.d).

Standard library plus the project; needs Debian's `monit` on PATH.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "good" / "etc" / "monit" / "monitrc"
SERVICES_PER_FILE = 500


def service_block(i: int, limit: int) -> str:
    """One service of a realistic mix: process (60%, most depending on a file check), file, filesystem, host,
    program."""
    kind = i % 20
    if kind < 12:
        return (
            f"check process app{i} with pidfile /run/app{i}.pid\n"
            f'    start program = "/usr/bin/systemctl start app{i}" with timeout 60 seconds\n'
            f'    stop program = "/usr/bin/systemctl stop app{i}" with timeout 30 seconds\n'
            f'    if failed host 127.0.0.1 port {1024 + i % 50000} protocol http request "/health" then restart\n'
            "    if cpu > 80% for 5 cycles then alert\n"
            "    if memory > 512 MB for 3 cycles then restart\n"
            "    if 3 restarts within 5 cycles then unmonitor\n"
            f"    group g{i % 10}\n"
            + (f"    depends on conf{i - kind + 12 + kind % 3}\n" if i - kind + 14 < limit else "")
        )
    if kind < 15:
        return (
            f"check file conf{i} with path /etc/app{i}.conf\n"
            "    if changed sha1 checksum then alert\n"
            "    if failed permission 640 then alert\n"
            "    if failed uid root then alert\n"
        )
    if kind < 17:
        return (
            f"check filesystem fs{i} with path /srv/vol{i}\n"
            "    if space usage > 85% then alert\n"
            "    if inode usage > 85% then alert\n"
        )
    if kind < 19:
        return (
            f"check host api{i} with address 10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}\n"
            "    if failed port 443 protocol https with timeout 10 seconds for 3 cycles then alert\n"
        )
    return (
        f'check program job{i} with path "/bin/true --job {i}" with timeout 60 seconds\n    if status != 0 then alert\n'
    )


def generate(folder: Path, services: int) -> Path:
    """A main control file (0600) with its services spread over conf.d/*.conf; returns the main file."""
    conf = folder / "conf.d"
    conf.mkdir(parents=True)
    for start in range(0, services, SERVICES_PER_FILE):
        blocks = [service_block(i, services) for i in range(start, min(services, start + SERVICES_PER_FILE))]
        (conf / f"{start // SERVICES_PER_FILE:04d}.conf").write_text("\n".join(blocks))
    main = folder / "monitrc"
    main.write_text(
        "set daemon 60\n"
        f"set log {folder}/monit.log\nset idfile {folder}/monit.id\nset statefile {folder}/monit.state\n"
        f"set pidfile {folder}/monit.pid\n"
        'set mailserver smtp.example.com port 587 username "monit" password "x-long-secret" using tls\n'
        "set alert ops@example.com\n"
        f"set httpd unixsocket {folder}/monit.sock\n    allow localhost\n"
        f"include {conf}/*.conf\n"
    )
    main.chmod(0o600)
    return main


def generate_one_file(folder: Path, services: int) -> Path:
    """The same services and settings as :func:`generate`, all in one control file (no include)."""
    main = generate(folder, services)
    conf = main.parent / "conf.d"
    parts = sorted(conf.glob("*.conf"), reverse=True)  # Monit reads a glob's matches in reverse order
    head = main.read_text().split("include ")[0]
    main.write_text(head + "\n".join(part.read_text() for part in parts) + "\n")
    shutil.rmtree(conf)
    return main


def export_revision(revision: str, work: Path) -> Path:
    """``git archive`` a revision of this repository into ``work``; returns the folder."""
    folder = work / f"baseline-{revision}"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], capture_output=True, check=False)
    if archive.returncode != 0:
        sys.exit(f"{revision}: not a checkout folder nor a revision ({archive.stderr.decode().strip()})")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def run(argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak RSS in MiB of that child)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, cwd=cwd
    )
    _pid, _status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = 0
    return elapsed, usage.ru_maxrss // 1024


def median_of(samples: list[tuple[float, int]]) -> tuple[float, int]:
    """Median time and the largest peak memory over the runs."""
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def runs_for(size: int, base: int) -> int:
    """Fewer repetitions where monit -t takes long (but three, for a median, at the largest size)."""
    if size >= 20000:
        return 3
    if size >= 5000:
        return max(1, base // 2)
    return base


def main() -> None:
    """Generate, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000,2000,5000,20000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one-file", default="", help="sizes to generate as one control file, e.g. 20000")
    parser.add_argument(
        "--baseline", default=None, help="an earlier monitlint to compare: a checkout folder or a git revision"
    )
    args = parser.parse_args()
    monit = shutil.which("monit")
    if monit is None:
        sys.exit("monit is not installed (apt-get install monit)")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = Path(tempfile.mkdtemp(prefix="monitlint-bench-"))
    env = {**os.environ, "HOME": str(work), "NO_COLOR": "1", "LC_ALL": "C"}
    # Measure an installed tool: with PYTHONDONTWRITEBYTECODE (set in some CI images) an editable
    # install recompiles every module on every run, which is not what users pay (pip compiles on install).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    lint = [sys.executable, "-m", "monitlint", "check", "--isolated", "--no-cache"]
    lint_cached = [sys.executable, "-m", "monitlint", "check", "--isolated"]
    base_env = None
    try:
        if args.baseline is not None:
            baseline = Path(args.baseline)
            if not baseline.is_dir():
                baseline = export_revision(args.baseline, work)
            if not (baseline / "monitlint" / "__init__.py").is_file():
                sys.exit(f"{args.baseline}: not a monitlint checkout")
            base_env = {**env, "PYTHONPATH": str(baseline.resolve())}
            print(f"baseline: {args.baseline}")
        # Warm the table cache and the bytecode once, so every timed run is a normal (not first-ever) run.
        subprocess.run([*lint, "--no-cache", str(SAMPLE)], env=env, capture_output=True)
        if base_env is not None:
            subprocess.run([*lint, "--no-cache", str(SAMPLE)], env=base_env, capture_output=True)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}"
        )
        monit_version = subprocess.run([monit, "-V"], capture_output=True, text=True).stdout.split("\n")[0]
        print(f"monit: {monit_version}")
        print()

        floor_pass: list[tuple[float, int]] = []
        floor_deps: list[tuple[float, int]] = []
        cold: list[tuple[float, int]] = []
        warm: list[tuple[float, int]] = []
        cold_base: list[tuple[float, int]] = []
        sample_copy = work / "sample"
        shutil.copytree(SAMPLE.parent.parent.parent, sample_copy)
        for _ in range(max(10, args.runs)):
            floor_pass.append(run([sys.executable, "-c", "pass"], env, work))
            floor_deps.append(run([sys.executable, "-c", "import lark, click"], env, work))
            sample_args = ["--root", str(sample_copy), str(sample_copy / "etc/monit/monitrc")]
            cold.append(run([*lint, *sample_args], env, work))
            warm.append(run([*lint_cached, *sample_args], env, work))
            if base_env is not None:
                cold_base.append(run([*lint, *sample_args], base_env, work))
        deps_time = median_of(floor_deps)[0]
        print("start-up on the sample config (median of runs)")
        print(f"  python3 -c pass                 {median_of(floor_pass)[0] * 1000:7.0f} ms")
        print(f"  python3 -c 'import lark, click' {deps_time * 1000:7.0f} ms")
        print(
            f"  monitlint check (sample)        {median_of(cold)[0] * 1000:7.0f} ms   "
            f"{median_of(cold)[0] / deps_time:4.2f}x the dependency floor"
        )
        print(
            f"  same, unchanged (result cache)  {median_of(warm)[0] * 1000:7.0f} ms   "
            f"{median_of(warm)[0] / deps_time:4.2f}x the dependency floor"
        )
        if cold_base:
            before = median_of(cold_base)[0]
            print(
                f"  baseline monitlint (sample)     {before * 1000:7.0f} ms   "
                f"{before / deps_time:4.2f}x the dependency floor; now/before {median_of(cold)[0] / before:4.2f}"
            )
        print()

        rows = []
        sample_main = work / "sample-monit" / "monitrc"
        sample_main.parent.mkdir()
        text = SAMPLE.read_text().replace("include /etc/monit/conf.d/", f"include {SAMPLE.parent}/conf.d/")
        for key in ("log", "idfile", "statefile", "pidfile"):
            text = "\n".join(
                f"set {key} {work}/sample-{key}" if line.startswith(f"set {key} ") else line
                for line in text.split("\n")
            )
        sample_main.write_text(text)
        sample_main.chmod(0o600)
        targets: list[tuple[str, Path, int]] = [("sample", sample_main, args.runs)]
        before_rows: dict[str, tuple[float, int]] = {}
        for size in sizes:
            targets.append((str(size), generate(work / f"n{size}", size), runs_for(size, args.runs)))
        for size in [int(s) for s in args.one_file.split(",") if s]:
            # monit -t reads one file fast (about 3.6 s at 20,000 services): the runs asked for.
            targets.append((f"one{size}", generate_one_file(work / f"one{size}", size), args.runs))
        # The generated files (tens of MB at 20,000 services) go to disk now, not while a size is timed:
        # the kernel's writeback of them otherwise lands in the middle of the next measurements.
        os.sync()
        for label, main_file, count in targets:
            ours: list[tuple[float, int]] = []
            theirs: list[tuple[float, int]] = []
            base: list[tuple[float, int]] = []
            for _ in range(count):
                ours.append(run([*lint, str(main_file)], env, work))
                theirs.append(run([monit, "-t", "-c", str(main_file)], env, work))
                if base_env is not None:
                    base.append(run([*lint, str(main_file)], base_env, work))
            (lt, lm), (mt, mm) = median_of(ours), median_of(theirs)
            rows.append((label, lt, lm, mt, mm, count))
            if base:
                before_rows[label] = median_of(base)
            print(f"  measured {label:>6} services: monitlint {lt:7.3f} s, monit -t {mt:7.3f} s", file=sys.stderr)

        print(
            f"{'services':>8} {'runs':>4} {'monitlint':>10} {'peak MiB':>9} {'monit -t':>9} {'peak MiB':>9} "
            f"{'ratio':>6}"
        )
        if args.one_file:
            print("(oneN: N services in one control file, no conf.d)")
        for label, lt, lm, mt, mm, count in rows:
            line = f"{label:>8} {count:>4} {lt:9.3f}s {lm:9d} {mt:8.3f}s {mm:9d} {lt / mt:6.2f}"
            if label in before_rows:
                bt, bm = before_rows[label]
                line += f"   before {bt:7.3f}s {bm:6d} MiB, now/before {lt / bt:4.2f}"
            print(line)
        times = {label: (lt, mt) for label, lt, _lm, mt, _mm, _c in rows}
        if "2000" in times and "20000" in times:
            print()
            print(
                f"scaling 2,000 -> 20,000 services: monitlint {times['20000'][0] / times['2000'][0]:.1f}x, "
                f"monit -t {times['20000'][1] / times['2000'][1]:.1f}x"
            )
            print(f"at 20,000 services monitlint is {times['20000'][1] / times['20000'][0]:.1f}x faster than monit -t")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
