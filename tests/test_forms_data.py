"""Differential test over tests/data/forms: one small file per statement form, judged by `monit -t`.

Each file in ok/ is accepted by Monit 5.33 and must get no MON001/MON006 from
monitlint; each file in bad/ is rejected for a language reason and must get
one on the line Monit names (+-1, as Monit sometimes reports one token late).
Both sides run here, on the same copy, so a new Monit version that changes
its mind shows up as a failure rather than as stale expectations.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import MonitVerdict, first_syntax_error, lint_file, monit_executable

FORMS = Path(__file__).resolve().parent / "data" / "forms"
REJECTING_CODES = {"MON001", "MON006"}

# Both reject these, but monitlint points at a better place than Monit's end-of-file line.
PLACED_DIFFERENTLY = {
    "set-httpd-allow-message-colon.monitrc": "the runaway 'message:' lexeme starts on line 4; Monit names EOF",
    "include-fragment-incomplete.monitrc": "the open statement is in the fragment; Monit names the main file's EOF",
}

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="the forms use 'as uid root' and /etc/shadow, which Monit accepts only for root"
)


@pytest.fixture(scope="module")
def forms_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of ok/ and bad/ with 0600 main files, as Monit requires."""
    root = tmp_path_factory.mktemp("forms")
    for kind in ("ok", "bad"):
        shutil.copytree(FORMS / kind, root / kind)
        for main in (root / kind).glob("*.monitrc"):
            main.chmod(0o600)
    (root / "home").mkdir()
    return root


def run_monit_t(path: Path, home: Path) -> MonitVerdict:
    """`monit -t` with cwd = the file's folder, where its relative includes live."""
    proc = subprocess.run(
        [monit_executable(), "-t", "-c", str(path)],
        cwd=path.parent,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C"},
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return MonitVerdict(proc.returncode, proc.stdout, proc.stderr)


def rejections(path: Path) -> list[tuple[int, str]]:
    """(line, message) of monitlint's language-level findings, parsed from the file's own folder."""
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        findings = lint_file(path.name).diagnostics
    finally:
        os.chdir(cwd)
    return [(d.span.line, f"{d.code} {d.message}") for d in findings if d.code in REJECTING_CODES]


OK_FILES = sorted(p.name for p in (FORMS / "ok").glob("*.monitrc"))
BAD_FILES = sorted(p.name for p in (FORMS / "bad").glob("*.monitrc"))


def test_the_forms_are_there() -> None:
    assert len(OK_FILES) > 400 and len(BAD_FILES) > 100


@pytest.mark.parametrize("name", OK_FILES)
def test_accepted_form(name: str, forms_copy: Path) -> None:
    path = forms_copy / "ok" / name
    verdict = run_monit_t(path, forms_copy / "home")
    assert verdict.exit_code == 0, f"monit -t now rejects {name}: {verdict.stderr.strip()}"
    assert rejections(path) == []


@pytest.mark.parametrize("name", BAD_FILES)
def test_rejected_form(name: str, forms_copy: Path) -> None:
    path = forms_copy / "bad" / name
    verdict = run_monit_t(path, forms_copy / "home")
    theirs = first_syntax_error(verdict)
    assert verdict.exit_code != 0 and theirs is not None, f"monit -t no longer rejects {name}: {verdict.stderr}"
    ours = rejections(path)
    assert ours, f"{name}: monit -t says {theirs[2]!r}, monitlint found nothing"
    if name in PLACED_DIFFERENTLY:
        return
    their_line = theirs[1]
    assert any(abs(line - their_line) <= 1 for line, _ in ours), f"{name}: monit -t says {theirs[2]!r}, ours {ours}"
