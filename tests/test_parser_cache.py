"""The LALR tables are built once, cached in the user's cache folder, and never rebuilt per run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
import monitlint.grammar.lalr as lalr
from monitlint.grammar.parser import parse_text
if {forbid_build}:
    def refuse():
        raise SystemExit("the grammar was analysed again instead of loaded from the cache")
    lalr.build_tables = refuse
print(len(parse_text("check system x\\n  if cpu > 90% then alert\\n").config.services))
if {forbid_build} and "lark" in sys.modules:
    raise SystemExit("lark was imported although the tables were cached")
"""


def _run(cache: Path, forbid_build: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(forbid_build=forbid_build)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_tables_are_cached_and_reused(tmp_path: Path) -> None:
    first = _run(tmp_path, forbid_build=False)
    assert first.stdout.strip() == "1", first.stderr
    cached = list((tmp_path / "monitlint").glob("monitrc-tables-*.pickle"))
    assert len(cached) == 1
    assert not list((tmp_path / "monitlint").glob(".tmp-*")), "no half-written files are left behind"
    second = _run(tmp_path, forbid_build=True)
    assert second.returncode == 0 and second.stdout.strip() == "1", second.stderr


def test_works_when_the_cache_cannot_be_written(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    result = _run(blocked, forbid_build=False)
    assert result.returncode == 0 and result.stdout.strip() == "1", result.stderr


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    assert _run(tmp_path, forbid_build=False).returncode == 0
    (cache,) = (tmp_path / "monitlint").glob("monitrc-tables-*.pickle")
    cache.write_bytes(b"garbage")
    result = _run(tmp_path, forbid_build=False)
    assert result.returncode == 0 and result.stdout.strip() == "1", result.stderr
