"""Differential fidelity with the real `monit -t`, table-driven over tests/data/fidelity/.

Each control file of a set (manual/, sample/, errors/) is copied into its own temporary folder
(with the helper files beside it), made 0600 and judged twice on that copy:

* by Debian's `monit -t -c FILE` (HOME in the temporary folder, LC_ALL=C), and
* by monitlint's Python API, ``monitlint.lint([path])``.

Scoring, as the project is judged: Monit accepts -> monitlint reports no syntax error (the
registry's code for ProblemKind.SYNTAX_ERROR); Monit rejects -> monitlint reports at least one
finding of severity error.  Files under a set's ``host/`` folder depend on the machine (users,
groups, programs, PEM files, htpasswd, pattern files); they are linted with the configuration's
host checks when monitlint has them.

Every remaining disagreement is listed in KNOWN_DIFFERENCES with its reason.  A listed file that
now agrees fails the test, so the list only shrinks.  The per-set agreement is printed at the end
of the run (``pytest -q tests/test_fidelity_monit.py``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import monitlint
from monitlint.config import Config
from monitlint.diagnostics import ProblemKind, Severity
from monitlint.linter.catalog import rule_for
from tests.conftest import REPO, monit_executable

FIDELITY = REPO / "tests" / "data" / "fidelity"
SETS = ("manual", "sample", "errors")
SYNTAX_CODE = rule_for(ProblemKind.SYNTAX_ERROR).code

# file (relative to tests/data/fidelity) -> why monitlint disagrees with `monit -t` today.
KNOWN_DIFFERENCES: dict[str, str] = {}


@dataclass(frozen=True)
class Judged:
    """Both verdicts on one file."""

    name: str  # relative to FIDELITY, e.g. "errors/icmp-size-too-small.monitrc"
    host: bool  # lives under a host/ folder
    monit_ok: bool
    monit_says: str  # Monit's first diagnostic line, temp folder removed
    monitlint_says: str  # the first error (or syntax error) monitlint reported, or ""
    agrees: bool


def set_files(name: str) -> list[Path]:
    """The control files of one set, in a stable order."""
    return sorted((FIDELITY / name).rglob("*.monitrc"))


def helpers_of(path: Path) -> list[Path]:
    """Files a control file may need beside it (pemfiles, scripts, pattern files)."""
    return sorted(p for p in path.parent.iterdir() if p.is_file() and p.suffix != ".monitrc" and p.name != "README.md")


HERE = b"@HERE@"  # stands for the temporary folder, where a file names its helpers by absolute path


def helper_mode(name: str) -> int:
    """Git keeps no modes but the executable bit: scripts 0700, a `-0644` file 0644, the rest 0600."""
    if name.endswith(".sh"):
        return 0o700
    return 0o644 if "-0644" in name else 0o600


def stage(path: Path, work: Path) -> Path:
    """Copy a control file and its helpers into `work`, as Monit wants it (0600, owned by us)."""
    for helper in helpers_of(path):
        target = work / helper.name
        shutil.copyfile(helper, target)
        target.chmod(helper_mode(helper.name))
    copy = work / path.name
    copy.write_bytes(path.read_bytes().replace(HERE, str(work).encode()))
    copy.chmod(0o600)
    return copy


def content_key(path: Path) -> str:
    """Cache key: the file's bytes and those of its helpers."""
    digest = hashlib.sha256(path.read_bytes())
    for helper in helpers_of(path):
        digest.update(helper.name.encode() + b"\0" + helper.read_bytes())
    return digest.hexdigest()


_MONIT_CACHE: dict[str, tuple[bool, str]] = {}


def run_monit(monit: str, path: Path) -> tuple[bool, str]:
    """`monit -t -c FILE` on a private copy: (accepted, first diagnostic line)."""
    key = content_key(path)
    if key in _MONIT_CACHE:
        return _MONIT_CACHE[key]
    with tempfile.TemporaryDirectory(prefix="monit-fidelity-") as tmp:
        work = Path(tmp)
        copy = stage(path, work)
        home = work / ".home"
        home.mkdir()
        proc = subprocess.run(
            [monit, "-t", "-c", str(copy)],
            cwd=work,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C"},
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        lines = [line for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
        lines = [line for line in lines if "syntax OK" not in line]
        says = " | ".join(lines)[:300].replace(str(work) + "/", "")
    _MONIT_CACHE[key] = (proc.returncode == 0, says)
    return _MONIT_CACHE[key]


def host_config() -> Config | None:
    """The configuration with monitlint's host checks on, once it has them (``host = true``)."""
    if "host" in {f.name for f in dataclasses.fields(Config)}:
        return dataclasses.replace(Config(), host=True)  # type: ignore[call-arg]
    return None


def run_monitlint(path: Path, host: bool) -> tuple[bool, bool, str]:
    """monitlint on a private copy: (reports a syntax error, reports an error, what it said first)."""
    with tempfile.TemporaryDirectory(prefix="monitlint-fidelity-") as tmp:
        copy = stage(path, Path(tmp))
        report = monitlint.lint([copy], host_config() if host else None)
        diagnostics = report.diagnostics
        syntax = [d for d in diagnostics if d.code == SYNTAX_CODE]
        errors = [d for d in diagnostics if d.severity >= Severity.ERROR]
        shown = syntax or errors
        says = f"{shown[0].code} line {shown[0].span.line}: {shown[0].message}" if shown else ""
        if report.errors:
            says = says or f"unreadable: {report.errors[0][1]}"
        return bool(syntax), bool(errors), says.replace(tmp + "/", "")


def judge_set(name: str) -> list[Judged]:
    """Both verdicts for every file of a set (Monit's runs two at a time, cached by content)."""
    monit = monit_executable()
    files = set_files(name)
    with ThreadPoolExecutor(max_workers=2) as pool:
        verdicts = list(pool.map(lambda p: run_monit(monit, p), files))
    judged = []
    for path, (monit_ok, monit_says) in zip(files, verdicts, strict=True):
        relative = path.relative_to(FIDELITY).as_posix()
        host = "host" in path.relative_to(FIDELITY / name).parts[:-1]
        syntax, error, says = run_monitlint(path, host)
        agrees = not syntax if monit_ok else error
        judged.append(Judged(relative, host, monit_ok, monit_says, says, agrees))
    return judged


_RESULTS: dict[str, list[Judged]] = {}


def results(name: str) -> list[Judged]:
    """The judged files of a set, computed once per session."""
    if name not in _RESULTS:
        _RESULTS[name] = judge_set(name)
    return _RESULTS[name]


def describe(j: Judged) -> str:
    verdict = "accepts" if j.monit_ok else f"rejects ({j.monit_says})"
    return f"{j.name}: monit -t {verdict}; monitlint: {j.monitlint_says or 'no error'}"


@pytest.mark.parametrize("name", SETS)
@pytest.mark.slow
def test_set_agrees_with_monit(name: str) -> None:
    judged = results(name)
    assert judged, f"no control files in {FIDELITY / name}"
    new = [describe(j) for j in judged if not j.agrees and j.name not in KNOWN_DIFFERENCES]
    fixed = [j.name for j in judged if j.agrees and j.name in KNOWN_DIFFERENCES]
    message = []
    if new:
        message.append(f"{len(new)} file(s) where monitlint disagrees with monit -t:\n  " + "\n  ".join(new))
    if fixed:
        message.append(f"{len(fixed)} file(s) now agree; remove them from KNOWN_DIFFERENCES:\n  " + "\n  ".join(fixed))
    assert not message, "\n".join(message)


def test_known_differences_name_existing_files() -> None:
    missing = [name for name in KNOWN_DIFFERENCES if not (FIDELITY / name).is_file()]
    assert missing == [], "KNOWN_DIFFERENCES names files that do not exist"


def summary_lines() -> Iterator[str]:
    for name in SETS:
        judged = results(name)
        for label, part in (
            ("host-independent", [j for j in judged if not j.host]),
            ("host-dependent", [j for j in judged if j.host]),
        ):
            if not part:
                continue
            agree = sum(j.agrees for j in part)
            rejected = sum(not j.monit_ok for j in part)
            yield (
                f"fidelity {name:7} {label:17} {agree:4}/{len(part):<4} agree ({100 * agree / len(part):5.1f}%),"
                f" monit rejects {rejected}"
            )


SUMMARY_LINE = re.compile(
    r"fidelity (?P<set>\w+) +(?P<part>host-(?:in)?dependent) +(?P<agree>\d+)/(?P<total>\d+) +"
    r"agree \( *(?P<percent>[\d.]+)%\), monit rejects (?P<rejected>\d+)"
)


@pytest.mark.slow
def test_print_agreement_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """The printed summary counts every file of every set once, and says what the per-set test judged."""
    lines = list(summary_lines())
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    parsed = [SUMMARY_LINE.fullmatch(line) for line in lines]
    assert all(parsed), lines
    counted = {(m["set"], m["part"]): m for m in parsed if m}
    assert len(counted) == len(lines)
    for name in SETS:
        files = [p.relative_to(FIDELITY).as_posix() for p in set_files(name)]
        in_host = [f for f in files if "host" in f.split("/")[1:-1]]
        for part, expected in (("host-independent", set(files) - set(in_host)), ("host-dependent", set(in_host))):
            line = counted.get((name, part))
            if not expected:
                assert line is None, line
                continue
            assert line is not None, f"no summary line for {name} {part}: {lines}"
            total, agree, rejected = int(line["total"]), int(line["agree"]), int(line["rejected"])
            assert total == len(expected), (line.group(0), len(expected))
            # Disagreements are exactly the listed ones (test_set_agrees_with_monit holds the list to that).
            assert agree == total - len(expected & set(KNOWN_DIFFERENCES)), line.group(0)
            assert line["percent"] == f"{100 * agree / total:.1f}", line.group(0)
            assert 0 <= rejected <= total
    # errors/ holds one file per refusal of Monit's parser and post-parse checks, with accepted twins.
    errors = counted[("errors", "host-independent")]
    assert 0 < int(errors["rejected"]) < int(errors["total"]), errors.group(0)
