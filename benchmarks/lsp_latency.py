"""Latency of `monitlint server`: from a change to the published diagnostics, as an editor sees it.

Starts the server as a subprocess (a plain JSON-RPC client over stdio), opens a 1,000-line control
file and sends N changes, each a one-character edit, waiting for the diagnostics of that version
before the next.  Two cases:

* the file alone (target: p95 under 50 ms on 2 cores);
* the file in conf.d/ with 200 other files, included by a `monitrc` entrypoint configured in
  `.monitlint.toml` (the file is linted in that entrypoint's context; target: p95 under 150 ms).

Changes are spaced more than the server's lint window (``MIN_WINDOW``) apart, so each is measured
alone rather than coalesced with the one before.  ``--interval MS`` types instead: a change every MS
milliseconds, not waiting for diagnostics; a change's latency is then until the first diagnostics
published for its version or a later one (changes that come while a lint runs are coalesced into
the next).  ``--load N`` keeps N busy processes running meanwhile (the machine under load).

    python benchmarks/lsp_latency.py [--changes 60] [--interval MS] [--load N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

PAUSE = 0.3  # seconds between changes: past the server's lint window (MIN_WINDOW; 1.5 times a long lint's time)


def _service(prefix: str, index: int) -> str:
    """A process service of 10 lines, depending on the one before it (the first on none)."""
    name = f"{prefix}{index}"
    depends = f"  depends on {prefix}{index - 1}\n" if index else "  group first\n"
    return (
        f"check process {name} with pidfile /run/{name}.pid\n"
        f'  start program = "/usr/sbin/{name} start" with timeout 20 seconds\n'
        f'  stop program = "/usr/sbin/{name} stop" with timeout 20 seconds\n'
        f"  if cpu > {50 + index % 40}% for 3 cycles then alert\n"
        f"  if totalmem > {100 + index} MB for 5 cycles then restart\n"
        f"  if failed port {1000 + index} protocol http then restart\n"
        f"  if 5 restarts within 5 cycles then unmonitor\n"
        f"  group web\n"
        f"{depends}"
        "\n"
    )


def big_file(prefix: str = "svc") -> str:
    """A 1,000-line control file: 100 services of 10 lines."""
    return "".join(_service(prefix, i) for i in range(100))


class Client:
    """Just enough of an LSP client: send, and read until a message matches."""

    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitlint", "server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=cwd,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin: IO[bytes] = self.proc.stdin
        self.stdout: IO[bytes] = self.proc.stdout
        self.next_id = 0

    def send(self, method: str, params: Any, request: bool = False) -> int:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode()
        self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.stdin.flush()
        return self.next_id

    def read(self) -> dict[str, Any]:
        length = 0
        while True:
            line = self.stdout.readline()
            if not line:
                raise EOFError("the server ended")
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            if line == b"\r\n":
                break
        message: dict[str, Any] = json.loads(self.stdout.read(length))
        return message

    def diagnostics(self, uri: str, version: int) -> list[Any]:
        while True:
            message = self.read()
            params = message.get("params") or {}
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and params.get("version") == version
            ):
                return list(params["diagnostics"])

    def close(self) -> None:
        request = self.send("shutdown", None, request=True)
        while self.read().get("id") != request:
            pass
        self.send("exit", None)
        self.proc.wait(timeout=30)


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far (Linux: /proc/PID/stat, in clock ticks)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(path: Path, changes: int, interval: float | None = None) -> tuple[list[float], float]:
    """Milliseconds from each change sent to its diagnostics read, for ``changes`` changes of ``path``,
    and the server's mean CPU milliseconds per change (what the machine's load does not inflate).

    With ``interval`` (seconds) the changes are typed that far apart without waiting (see the module's doc).
    """
    client = Client(path.parent)
    client.send("initialize", {"processId": None, "rootUri": None, "capabilities": {}}, request=True)
    client.read()
    client.send("initialized", {})
    uri = path.as_uri()
    text = path.read_text()
    item = {"uri": uri, "languageId": "monitrc", "version": 1, "text": text}
    client.send("textDocument/didOpen", {"textDocument": item})
    client.diagnostics(uri, 1)
    target = text.index("for 3 cycles")  # change a digit back and forth: the findings stay the same
    times: list[float] = []
    cpu_before = _cpu_seconds(client.proc.pid)
    if interval is not None:
        times = _typed(client, uri, text, target, changes, interval)
        cpu = (_cpu_seconds(client.proc.pid) - cpu_before) * 1000 / changes
        client.close()
        return times, cpu
    for version in range(2, changes + 2):
        time.sleep(PAUSE)
        digit = "4" if version % 2 else "3"
        change = {
            "range": {"start": _position(text, target + 4), "end": _position(text, target + 5)},
            "text": digit,
        }
        start = time.perf_counter()
        client.send(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        client.diagnostics(uri, version)
        times.append((time.perf_counter() - start) * 1000)
    cpu = (_cpu_seconds(client.proc.pid) - cpu_before) * 1000 / changes
    client.close()
    return times, cpu


def _typed(client: Client, uri: str, text: str, target: int, changes: int, interval: float) -> list[float]:
    """Send ``changes`` changes ``interval`` seconds apart; each one's milliseconds until diagnostics cover it."""
    sent: dict[int, float] = {}
    published: list[tuple[int, float]] = []  # (version, when read)
    last = changes + 1

    def read() -> None:
        while not published or published[-1][0] < last:
            message = client.read()
            params = message.get("params") or {}
            if message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri:
                published.append((int(params.get("version") or 0), time.perf_counter()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(PAUSE)
    for version in range(2, last + 1):
        digit = "4" if version % 2 else "3"
        change = {
            "range": {"start": _position(text, target + 4), "end": _position(text, target + 5)},
            "text": digit,
        }
        sent[version] = time.perf_counter()
        client.send(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        time.sleep(max(0.0, sent[version] + interval - time.perf_counter()))
    reader.join(timeout=60)
    times = []
    for version, start in sent.items():
        answered = next((when for seen, when in published if seen >= version and when >= start), None)
        if answered is None:
            raise RuntimeError(f"no diagnostics for version {version}")
        times.append((answered - start) * 1000)
    return times


@contextlib.contextmanager
def busy(processes: int) -> Iterator[None]:
    """``processes`` processes spinning on the CPU while the block runs (each ended by its own id)."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _position(text: str, offset: int) -> dict[str, int]:
    line = text.count("\n", 0, offset)
    return {"line": line, "character": offset - (text.rfind("\n", 0, offset) + 1)}


def report(name: str, measured: tuple[list[float], float], target: float) -> None:
    """Print a case's median, p95 and worst change-to-diagnostics latency, and the server's CPU per change."""
    times, cpu = measured
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    verdict = "ok" if p95 < target else "over target"
    print(
        f"{name}: median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms "
        f"over {len(ordered)} changes (target p95 < {target:.0f} ms: {verdict}); "
        f"server CPU {cpu:.1f} ms per change"
    )


def main() -> None:
    """Run both cases and print their latencies."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--interval", type=float, help="type a change every INTERVAL ms, not waiting")
    parser.add_argument("--load", type=int, default=0, help="busy processes running meanwhile")
    args = parser.parse_args()
    interval = args.interval / 1000 if args.interval else None
    with tempfile.TemporaryDirectory(prefix="monitlint-lsp-bench-") as folder, busy(args.load):
        alone = Path(folder) / "alone" / "monitrc"
        alone.parent.mkdir()
        alone.write_text("set daemon 30\n" + big_file())
        report("1,000-line file", measure(alone, args.changes, interval), 50)

        project = Path(folder) / "project"
        confd = project / "conf.d"
        confd.mkdir(parents=True)
        (project / ".monitlint.toml").write_text('[tool.monitlint]\nentrypoints = ["monitrc"]\n')
        (project / "monitrc").write_text(f"set daemon 30\nset log syslog\ninclude {confd}/*\n")
        for index in range(200):
            (confd / f"part{index:03d}").write_text(_service("part", index))
        big = confd / "zz-big"
        big.write_text(big_file("big"))
        report("1,000-line file in a 200-file conf.d entrypoint", measure(big, args.changes, interval), 150)


if __name__ == "__main__":
    main()
