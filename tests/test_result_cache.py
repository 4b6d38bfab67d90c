"""The result cache: a re-run on unchanged files reuses the findings without parsing; any change is a miss."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

PROBE = """
import sys
from monitlint.cli import _dispatch  # main() leaves through os._exit, past this finally
try:
    _dispatch()
finally:
    sys.stderr.write("PARSED\\n" if "monitlint.grammar.parser" in sys.modules else "CACHED\\n")
    heavy = ("monitlint.grammar.parser", "monitlint.model", "monitlint.linter.rules")
    sys.stderr.write("imported: " + " ".join(m for m in heavy if m in sys.modules) + "\\n")
"""


def lint(cache: Path, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "check", *args], env=env, capture_output=True, text=True, timeout=60
    )
    return proc.returncode, proc.stdout, proc.stderr.strip().splitlines()[-2]


def setup_tree(tmp_path: Path) -> Path:
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "a.conf").write_text('check process a with pidfile /run/a.pid\n  start program = "/a"\n')
    main = tmp_path / "monitrc"
    main.write_text("include conf.d/*.conf  # monitlint: disable=MON004\n")
    return main


def test_unchanged_files_are_not_parsed_again(tmp_path: Path) -> None:
    main = setup_tree(tmp_path)
    cache = tmp_path / "cache"
    first = lint(cache, str(main))
    second = lint(cache, str(main))
    assert first[2] == "PARSED" and second[2] == "CACHED"
    assert first[:2] == second[:2] and first[0] == 1 and "MON101" in first[1]


def test_a_cache_hit_imports_neither_the_parser_nor_the_model_nor_the_rules(tmp_path: Path) -> None:
    # What makes an unchanged re-run (pre-commit, CI) about as fast as starting Python with click.
    main = setup_tree(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", PROBE, "check", str(main)], env=env, capture_output=True, text=True, timeout=60
        )
        for _ in range(2)
    ]
    heavy = ["monitlint.grammar.parser", "monitlint.model", "monitlint.linter.rules"]
    assert runs[0].stderr.splitlines()[-1].split() == ["imported:", *heavy]
    assert runs[1].stderr.splitlines()[-1] == "imported: "
    assert runs[1].stdout == runs[0].stdout and runs[1].returncode == runs[0].returncode == 1


def test_changes_invalidate(tmp_path: Path) -> None:
    main = setup_tree(tmp_path)
    cache = tmp_path / "cache"
    lint(cache, str(main))
    (tmp_path / "conf.d" / "a.conf").write_text('check process a with pidfile /run/a.pid\n  stop program = "/a"\n')
    _code, out, how = lint(cache, str(main))
    assert how == "PARSED" and "MON102" in out and "MON101" not in out
    (tmp_path / "conf.d" / "b.conf").write_text("check process b with pidfile /run/b.pid\n")
    _code, out, how = lint(cache, str(main))
    assert how == "PARSED" and "'b'" in out
    os.chmod(tmp_path / "conf.d" / "b.conf", 0o600)
    assert lint(cache, str(main))[2] == "PARSED"
    assert lint(cache, str(main))[2] == "CACHED"
    assert lint(cache, "--select", "MON101", str(main))[2] == "PARSED"  # other settings, other entry


def test_no_cache_flag(tmp_path: Path) -> None:
    main = setup_tree(tmp_path)
    cache = tmp_path / "cache"
    lint(cache, "--no-cache", str(main))
    assert lint(cache, "--no-cache", str(main))[2] == "PARSED"
    assert not (cache / "monitlint" / "results").exists()


@pytest.mark.slow
def test_parallel_runs_agree(tmp_path: Path) -> None:
    main = setup_tree(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "monitlint", "check", str(main)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert len({out for out, _err in outputs}) == 1 and all(p.returncode == 1 for p in procs)
    assert not list((tmp_path / "cache" / "monitlint" / "results").glob(".tmp-*"))
    assert run_cli("check", str(main), env={"XDG_CACHE_HOME": str(tmp_path / "cache")}).stdout == outputs[0][0]
