"""The six Monit releases as judges: where each binary is, and running its `monit -t` on a text.

5.33.0 is Debian's package (/usr/bin/monit); the others are built from the release tarballs in
../shared/monit-versions by scripts/build-monit-versions.sh into .monit-versions/<version>/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TARBALLS = Path(os.environ.get("MONITLINT_MONIT_VERSIONS") or REPO.parent / "shared" / "monit-versions")
BUILT = REPO / ".monit-versions"
DEBIAN_RELEASE = "5.33.0"
RELEASES = ("5.26.0", "5.27.2", "5.31.0", "5.33.0", "5.34.4", "5.35.2")


@dataclass(frozen=True)
class Judge:
    """One release's `monit` executable."""

    release: str
    path: Path

    @property
    def minor(self) -> str:
        """`5.27` for 5.27.2: the form `--target-version` takes."""
        return ".".join(self.release.split(".")[:2])


@dataclass(frozen=True)
class Verdict:
    """What one `monit -t` said."""

    exit_code: int
    output: str

    @property
    def accepts(self) -> bool:
        """Monit's "Control file syntax OK"."""
        return self.exit_code == 0


def _debian_monit() -> Path | None:
    found = shutil.which("monit") or ("/usr/bin/monit" if Path("/usr/bin/monit").exists() else None)
    return Path(found) if found else None


def find_judges() -> tuple[dict[str, Judge], str | None]:
    """The binaries present, by release, and why any is missing (None when all six are there)."""
    judges: dict[str, Judge] = {}
    missing: list[str] = []
    for release in RELEASES:
        if release == DEBIAN_RELEASE:
            path = _debian_monit()
        else:
            candidate = BUILT / release / "bin" / "monit"
            path = candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None
        if path is None:
            missing.append(release)
        else:
            judges[release] = Judge(release, path)
    if not missing:
        return judges, None
    if not TARBALLS.is_dir():
        return judges, f"the Monit release tarballs are missing: {TARBALLS} (they live in ../shared)"
    return judges, (
        f"Monit {', '.join(missing)} not built: run scripts/build-monit-versions.sh "
        "(scripts/setup-test-env.sh does) and, for 5.33.0, apt-get install monit"
    )


def judges_or_skip() -> dict[str, Judge]:
    """All six judges; skip with the reason when any is missing, or fail when MONITLINT_REQUIRE_CORPUS=1."""
    judges, reason = find_judges()
    if reason is not None:
        if os.environ.get("MONITLINT_REQUIRE_CORPUS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return judges


def monit_t(judge: Judge, text: str | bytes, workdir: Path) -> Verdict:
    """`monit -t` of ``judge`` on a private 0600 copy of ``text``, with a throw-away HOME."""
    run = workdir / f"monit-{judge.release}-{uuid.uuid4().hex}"
    run.mkdir(parents=True)
    control = run / "monitrc"
    control.write_bytes(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)
    control.chmod(0o600)
    home = run / "home"
    home.mkdir()
    proc = subprocess.run(
        [str(judge.path), "-t", "-c", str(control)],
        cwd=run,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C"},
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    output = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    shutil.rmtree(run, ignore_errors=True)
    return Verdict(proc.returncode, output)
