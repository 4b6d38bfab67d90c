"""A differential fuzzer: files made from the grammar's statements and mutations of real control files,
each judged by every Monit release's `monit -t` and by monitlint linting for that release.

A disagreement is a file one side refuses and the other accepts.  Refusals that depend on this
machine (users, files, programs a `check program` names) are not the language's and are skipped.
tests/test_fuzz_differential.py runs a bounded batch in CI; scripts/fuzz-differential.py runs long
batches locally and minimises what it finds.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.monit_versions import Judge, Verdict, monit_t

REPO = Path(__file__).resolve().parent.parent
TARGET_CASES = REPO / "tests" / "data" / "target_versions"
CORPUS = REPO.parent / "shared" / "corpus" / "real-world"

# What `monit -t` refuses because of this machine, not the language: such cases say nothing.
HOST_DEPENDENT = re.compile(
    r"does not exist|not executable|is not a file|htpasswd|PEM|permission|uid|gid|user|group|"
    r"Cannot|can't|No such|realpath|address|hostname|resolve|getaddrinfo|IP address|log file|Is a directory",
    re.IGNORECASE,
)

# Statements as the grammar builds them: service headers and the statements each type takes.
HEADERS = {
    "process": "check process p with pidfile /run/p.pid",
    "file": "check file f with path /etc/hostname",
    "fifo": "check fifo q with path /tmp/q.fifo",
    "directory": "check directory d with path /tmp",
    "filesystem": "check filesystem fs with path /",
    "host": "check host h with address 127.0.0.1",
    "system": "check system s",
    "program": 'check program x with path "/bin/true"',
    "network": "check network n with interface lo",
}
ACTIONS = ["alert", "restart", "unmonitor", "ignore", 'exec "/bin/true"', 'exec "/bin/true" timeout 5 seconds']
RATES = ["", "for 3 cycles ", "2 times within 3 cycles ", "for 70 cycles ", "0 cycles "]
ELSES = ["", " else alert", " else if succeeded then alert", " else if failed then alert", " else ignore"]
CONDITIONS = {
    "process": [
        "cpu > 90%",
        "cpu (nice) > 5%",
        "filedescriptors >= 90%",
        "total filedescriptors > 100",
        "read > 1 MB/s",
        "disk read > 1 MB/s",
        "failed port 80",
        "succeeded port 80",
        "failed port 80 responsetime < 50 ms",
        "uptime < 3 minutes",
        "memory > 4294967296 kb",
    ],
    "file": [
        "changed checksum",
        "size > 1 MB",
        "hardlink > 1",
        "changed hardlink",
        "failed permission 644",
        "failed permission 4294967296",
        'content = "ERROR"',
        "timestamp > 5 minutes",
    ],
    "fifo": ["hardlink > 1", "failed permission 600", "timestamp > 5 minutes"],
    "directory": ["hardlink > 32000", "hardlink 3", "changed hardlink", "timestamp > 5 minutes"],
    "filesystem": ["space usage > 90%", "inode usage > 90%", "read rate > 1 MB/s", "service time > 10 ms"],
    "host": [
        "failed url http://user:pass@127.0.0.1:8080/x?q#f",
        "failed url http://[::1]/",
        'failed port 80 protocol http request /x with content = "ok"',
        "failed ping",
        "succeeded ping",
        "failed ping responsetime < 50 ms",
        "failed ping size 4294967360",
        "failed port 3306 protocol mysqls",
        'failed port 5432 protocol pgsql username "u" database "d"',
        "succeeded url http://127.0.0.1/",
        "failed port 80 responsetime < 2 s",
    ],
    "system": ["cpu (steal) > 5%", "filedescriptors > 1000", "loadavg (5min) > 4", "uptime < 1 hours"],
    "program": ["status != 0", 'content = "x"', "content changed", "content not changed"],
    "network": [
        "link up",
        "link down",
        "failed link",
        "changed link",
        "saturation > 90%",
        "total upload > 1 GB in last 2147483649 minutes",
    ],
}
SETTINGS = [
    "set daemon 30",
    "set daemon 40000000",
    "set daemon 31556952",
    "set daemon 0",
    "set httpd port 2812 read-only\n  allow localhost",
    "set httpd port 2812\n  allow localhost",
    "set limits { programoutput: 0 B }",
    "set limits { programoutput: 3 GB }",
    "set limits { exectimeout: 5 s }",
    "set ssl { version: auto -sslv2 }",
    "set ssl { version: tlsv12 }",
    "set log syslog facility log_user",
    'set mmonit http://u:p@127.0.0.1:8080/collector with hostgroups [ Oslo, "Mail servers" ]',
    "set mailserver localhost with timeout 0 seconds",
    "set httpd port 2812 address ::1\n  allow ::1/128\n  allow 10.0.0.0/8",
    "set httpd port 2812\n  allow admin:x read-only",
    "set alert a@b.c with mail-format { subject: $SERVICE $EVENT }",
    'include "/nonexistent-monitlint/*.conf"',
    "set httpd port 2812\n  allow fe80::1",
]
# Lines a service may hold besides tests: methods, groups, dependencies, schedules.
EXTRAS = [
    'start program = "/bin/true"',
    'stop program ="/bin/true"',
    'restart program = "/bin/true" with timeout 0 seconds',
    "group www",
    "depends on p",
    'every "* * * * *"',
    "every 2 cycles",
    "mode passive",
    "onreboot nostart",
]


def generate(rng: random.Random) -> str:
    """A control file from the grammar's statements: settings, then one or two services with tests."""
    lines = ["set daemon 30", *rng.sample(SETTINGS, rng.randint(0, 2))]
    for _ in range(rng.randint(1, 2)):
        kind = rng.choice(list(HEADERS))
        lines.append(HEADERS[kind])
        if rng.random() < 0.5:
            lines.append("  " + rng.choice(EXTRAS))
        for _ in range(rng.randint(1, 3)):
            condition = rng.choice(CONDITIONS[kind])
            lines.append(f"  if {condition} {rng.choice(RATES)}then {rng.choice(ACTIONS)}{rng.choice(ELSES)}")
    return "\n".join(lines) + "\n"


_TOKEN = re.compile(r"\S+")
_ODD = [
    *("\r", "\t", "\n", "\u017f", "\u0131", "\u212a", "4294967296", "2147483649", "::1/", "a:b:c"),
    *('"', "'", "{", "}", "#", "=", ":", "@", "[", "]", "\\", "0", "-1", "x" * 16383, " " * 16383),
]


def mutate(text: str, rng: random.Random) -> str:
    """One random edit of ``text``: drop, repeat or swap a word, insert an odd character or number, cut it."""
    words = [m.span() for m in _TOKEN.finditer(text)]
    if not words:
        return text + rng.choice(_ODD)
    start, end = rng.choice(words)
    choice = rng.randrange(6)
    if choice == 0:  # drop a word
        return text[:start] + text[end:]
    if choice == 1:  # repeat a word
        return text[:end] + " " + text[start:end] + text[end:]
    if choice == 2:  # an odd character or number inside or beside a word
        at = rng.randint(start, end)
        return text[:at] + rng.choice(_ODD) + text[at:]
    if choice == 3:  # swap with the next word
        later = [w for w in words if w[0] >= end]
        if later:
            s2, e2 = later[0]
            return text[:start] + text[s2:e2] + text[end:s2] + text[start:end] + text[e2:]
        return text
    if choice == 4:  # cut the file short
        return text[: rng.randint(0, len(text))]
    return text[:start] + text[start:end].upper() + text[end:]  # ASCII case


def seeds() -> list[str]:
    """The files mutations start from: the target-version cases and, when present, the real-world corpus."""
    paths = sorted(TARGET_CASES.glob("*.monitrc"))
    if CORPUS.is_dir():
        paths += sorted(CORPUS.glob("*"))
    texts = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "include" not in text and len(text) < 20_000:  # an include would read this machine's files
            texts.append(text)
    return texts


def cases(rng: random.Random, count: int, seed_texts: Sequence[str]) -> Iterator[str]:
    """``count`` files: half generated from the grammar's statements, half mutated seeds."""
    for index in range(count):
        text = generate(rng) if index % 2 == 0 or not seed_texts else rng.choice(seed_texts)
        for _ in range(rng.randint(0 if index % 2 == 0 else 1, 3)):
            text = mutate(text, rng)
        yield text


# What `monit -t` refuses: syntax errors, its checks after the grammar, a service name given twice, an
# unknown dependency or a dependency loop (the fuzzer lints whole control files).
REFUSED = ("MON001", "MON006", "MON201", "MON202", "MON203")


def monitlint_refusals(text: str, target: tuple[int, int]) -> list[str]:
    """What monitlint, linting for ``target``, says Monit refuses (MON001, MON006, MON2xx)."""
    from monitlint.config import Config
    from monitlint.linter.engine import EngineContext, Unit, lint_unit
    from monitlint.selection import RuleSelection, Settings

    selection = RuleSelection.of(Config(), select=list(REFUSED), targets=[target])
    result = lint_unit(Unit("monitrc", text), EngineContext(Settings(Config(), selection), None))
    return [f"{d.code} {d.span.line}: {d.message}" for d in result.diagnostics if d.code in REFUSED]


@dataclass
class Disagreement:
    """One file monitlint and one Monit release judge differently."""

    release: str
    text: str
    monit: str  # what `monit -t` printed
    monitlint: list[str]  # what monitlint reported (empty: it accepts)

    @property
    def monit_accepts(self) -> bool:
        """Monit accepted the file (so monitlint refused it)."""
        return bool(self.monitlint)


def judge(judge_: Judge, text: str, workdir: Path) -> Disagreement | None:
    """The disagreement on ``text`` between ``judge_`` and monitlint for its release, if any."""
    from monitlint.monit_versions import parse_target

    verdict: Verdict = monit_t(judge_, text, workdir)
    if not verdict.accepts and HOST_DEPENDENT.search(verdict.output):
        return None
    ours = monitlint_refusals(text, parse_target(judge_.minor))
    if verdict.accepts == (not ours):
        return None
    return Disagreement(judge_.release, text, verdict.output.strip(), ours)


def minimise(found: Disagreement, still: Callable[[str], bool]) -> str:
    """The smallest text (lines, then characters) on which ``still`` holds: a ddmin over chunks."""
    text = found.text
    for unit in ("lines", "chars"):
        parts: list[str] = text.splitlines(keepends=True) if unit == "lines" else list(text)
        chunk = max(1, len(parts) // 2)
        while chunk >= 1:
            index, changed = 0, False
            while index < len(parts):
                trial = parts[:index] + parts[index + chunk :]
                if trial and still("".join(trial)):
                    parts, changed = trial, True
                else:
                    index += chunk
            if not changed:
                chunk //= 2
        text = "".join(parts)
    return text
