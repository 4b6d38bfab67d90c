"""End to end, as a team adopts monitlint on its first day in an infrastructure repository.

The repository (tests/e2e/repository.py): `etc/monit/monitrc` with `conf.d`, an Ansible-like role
with plain Monit files beside YAML and Jinja, a docker folder, a gitignored `vendor/`, and planted
mistakes.  Every test passes `--fail-on` explicitly, so they hold whatever the default is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import monit_parsed, parsed_lines, run_cli
from tests.e2e.repository import build

pytestmark = pytest.mark.slow

PLANTED = [
    ("etc/monit/monitrc", 5, "MON303", None),
    ("etc/monit/monitrc", 6, "MON302", None),
    ("etc/monit/conf.d/app", 1, "MON101", "app"),
    ("etc/monit/conf.d/app", 1, "MON504", "app"),
    ("etc/monit/conf.d/app", 2, "MON107", "app"),
    ("etc/monit/conf.d/network", 2, "MON504", "lo"),
    ("etc/monit/conf.d/nginx", 3, "MON107", "nginx"),
    ("roles/monit/files/monit.d/celery", 1, "MON405", "celery"),
]
# What --fix leaves: the fixes make the defaults explicit and replace the deprecated forms.
LEFT_AFTER_FIX = [f for f in PLANTED if f[2] not in ("MON107", "MON504")]
PATHS = ("etc/monit", "roles")  # named, so that the checks hold with or without .gitignore support


def _check(repo: Path, *args: str) -> tuple[int, list[tuple[str, int, str, str | None]], str]:
    result = run_cli("check", "--format", "json", "--no-cache", *args, cwd=repo)
    assert result.stdout, result.stderr
    found = [(d["path"], d["line"], d["code"], d["service"]) for d in json.loads(result.stdout)["diagnostics"]]
    return result.exit_code, found, result.stderr


def test_first_run_finds_exactly_the_planted_mistakes(tmp_path: Path) -> None:
    repo = build(tmp_path / "infra")
    code, found, _stderr = _check(repo, "--fail-on", "info", *PATHS)
    assert (code, found) == (1, PLANTED)
    code, _found, _stderr = _check(repo, "--fail-on", "error", *PATHS)
    assert code == 1  # MON101 is an error
    text = run_cli("check", "--fail-on", "info", "-v", "--no-cache", *PATHS, cwd=repo)
    for skipped in ("tasks/main.yml: skipped", "templates/monitrc.j2: skipped", "README.md: skipped"):
        assert skipped in text.stderr


def test_the_gitignored_vendor_folder_is_not_linted(tmp_path: Path) -> None:
    repo = build(tmp_path / "infra")
    code, found, _stderr = _check(repo, "--fail-on", "info", ".")
    assert (code, found) == (1, PLANTED)


def test_baseline_round_trip_reports_only_the_new_mistake(tmp_path: Path) -> None:
    repo = build(tmp_path / "infra")
    wrote = run_cli("check", "--fail-on", "info", "--write-baseline", "monitlint-baseline.json", *PATHS, cwd=repo)
    assert wrote.exit_code == 0 and f"wrote {len(PLANTED)} finding(s)" in wrote.stderr
    assert _check(repo, "--fail-on", "info", "--baseline", "monitlint-baseline.json", *PATHS)[:2] == (0, [])
    # A week later: lines moved in app, and a new service without a stop program.
    app = repo / "etc/monit/conf.d/app"
    app.write_text("# owned by the app team\n\n" + app.read_text())
    (repo / "etc/monit/conf.d/cache").write_text(
        'check process cache with pidfile /run/cache.pid\n    start program = "/usr/bin/cache" with timeout 5 seconds\n'
    )
    code, found, _stderr = _check(repo, "--fail-on", "info", "--baseline", "monitlint-baseline.json", *PATHS)
    assert (code, found) == (1, [("etc/monit/conf.d/cache", 1, "MON101", "cache")])
    (repo / ".monitlint.toml").write_text(
        (repo / ".monitlint.toml").read_text() + 'baseline = "monitlint-baseline.json"\n'
    )
    assert _check(repo, "--fail-on", "info", *PATHS)[1] == [("etc/monit/conf.d/cache", 1, "MON101", "cache")]


def test_add_noqa_then_the_repository_is_clean(tmp_path: Path) -> None:
    repo = build(tmp_path / "infra")
    added = run_cli("check", "--fail-on", "info", "--add-noqa", *PATHS, cwd=repo)
    assert added.exit_code == 0 and "added 7 suppression comment(s) in 5 file(s)" in added.stderr, added.stderr
    assert "# monitlint: disable=MON101,MON504" in (repo / "etc/monit/conf.d/app").read_text()
    assert _check(repo, "--fail-on", "info", *PATHS)[:2] == (0, [])


def _installed(repo: Path, target: Path) -> Path:
    """The repository's etc/monit installed under ``target``, its include pointing there, as Monit wants it."""
    shutil.copytree(repo / "etc/monit", target / "etc/monit")
    monitrc = target / "etc/monit/monitrc"
    monitrc.write_text(monitrc.read_text().replace("/etc/monit/conf.d/*", f"{target}/etc/monit/conf.d/*"))
    monitrc.chmod(0o600)
    return monitrc


def _monit_view(monitrc: Path, home: Path) -> list[str]:
    """`monit -v -t`'s account of the configuration it parsed (without the control file's name)."""
    proc = monit_parsed(monitrc, home)
    assert proc.returncode == 0 and "Control file syntax OK" in proc.stdout, proc.stdout + proc.stderr
    return parsed_lines(proc.stdout)


def test_fix_then_monit_accepts_the_same_configuration(tmp_path: Path) -> None:
    repo = build(tmp_path / "infra")
    diff = run_cli("check", "--diff", *PATHS, cwd=repo)
    assert diff.exit_code == 1 and "+++ b/etc/monit/conf.d/app" in diff.stdout
    before = _monit_view(_installed(repo, tmp_path / "before"), tmp_path)
    fixed = run_cli("check", "--fail-on", "info", "--format", "json", "--fix", *PATHS, cwd=repo)
    assert "fixed 4 finding(s) in 3 file(s)" in fixed.stderr, fixed.stderr
    left = [(d["path"], d["line"], d["code"], d["service"]) for d in json.loads(fixed.stdout)["diagnostics"]]
    assert (fixed.exit_code, left) == (1, LEFT_AFTER_FIX)
    assert (repo / "etc/monit/conf.d/app").read_text().splitlines()[1:3] == [
        '    start program = "/usr/bin/app start" as uid root and gid root with timeout 30 seconds',
        "    onreboot laststate",
    ]
    after = _monit_view(_installed(repo, tmp_path / "after"), tmp_path)
    assert after == before  # Monit reads the fixed files to the very same configuration
    assert run_cli("check", "--diff", *PATHS, cwd=repo).exit_code == 0  # nothing more to fix
