"""Caches are loaded only from private folders, as files the caller owns; a cache hit re-reads files safely.

Measured before the fixes: a pickle planted in ``$XDG_CACHE_HOME/monitlint`` ran
``id`` as root on the next ``monitlint check``; after one cached run, an
included file replaced by a symlink to ``/dev/zero`` made the next run read
until memory ran out (2 GB limit: MemoryError, exit 2).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from monitlint.files import safe_fs
from monitlint.grammar import lalr
from tests.security._run import GIB, monitlint

MAIN = "set daemon 30\ncheck system s\n"


class _Payload:
    """Unpickling this writes a marker file: the proof that a planted pickle ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _plant(folder: Path, name: str, marker: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(pickle.dumps(_Payload(marker)))
    return path


@pytest.mark.parametrize("shape", ["world-writable folder", "private folder, own file"])
def test_a_planted_table_pickle_never_runs(tmp_path: Path, shape: str) -> None:
    cache_home = tmp_path / "cache"
    folder = cache_home / "monitlint"
    marker = tmp_path / "pwned"
    _plant(folder, lalr._cache_name(), marker)
    if shape == "world-writable folder":
        folder.chmod(0o777)
    else:
        cache_home.chmod(0o700)
        folder.chmod(0o700)  # even a file that passes every ownership check is unpickled only as Tables
    (tmp_path / "monitrc").write_text(MAIN)
    run = monitlint("check", "--isolated", "monitrc", cwd=tmp_path, env={"XDG_CACHE_HOME": str(cache_home)})
    assert run.exit_code in (0, 1), run.stderr
    assert not marker.exists(), "a planted pickle ran code"


def test_a_table_pickle_owned_by_someone_else_is_not_loaded(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give the file to another user")
    folder = tmp_path / "cache" / "monitlint"
    path = _plant(folder, lalr._cache_name(), tmp_path / "pwned")
    os.chown(path, 65534, 65534)
    assert safe_fs.read_private(str(folder), path.name, 1 << 20) is None


def test_the_table_cache_key_has_the_lark_version() -> None:
    import lark

    assert f"-lark{lark.__version__}" in lalr._cache_name()


def test_no_cache_without_xdg_or_a_writable_home(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(MAIN)
    env = {"HOME": "/nonexistent", "XDG_CACHE_HOME": "<unset>"}
    run = monitlint("check", "--isolated", "monitrc", cwd=tmp_path, env=env, timeout=120)
    assert run.exit_code in (0, 1), run.stderr
    assert not os.path.exists("/nonexistent")


def test_a_cache_hit_re_reads_files_with_bounded_reads(tmp_path: Path) -> None:
    (tmp_path / "inc.conf").write_text("check system s\n")
    (tmp_path / "monitrc").write_text("set daemon 30\ninclude inc.conf\n")
    first = monitlint("check", "--isolated", "monitrc", cwd=tmp_path)
    assert first.exit_code in (0, 1), first.stderr
    (tmp_path / "inc.conf").unlink()
    (tmp_path / "inc.conf").symlink_to("/dev/zero")
    second = monitlint("check", "--isolated", "monitrc", cwd=tmp_path, memory=GIB, timeout=30)
    assert second.exit_code == 1, second.stderr
    assert "not a regular file" in second.stdout


def test_a_result_entry_in_a_shared_folder_is_ignored(tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    (tmp_path / "monitrc").write_text(MAIN)
    env = {"XDG_CACHE_HOME": str(cache_home)}
    monitlint("check", "--isolated", "monitrc", cwd=tmp_path, env=env)
    results = cache_home / "monitlint" / "results"
    (entry,) = results.glob("*.json")
    entry.write_text(entry.read_text().replace('"diagnostics": [', '"diagnostics": [' + _FAKE + ","))
    assert "planted" in monitlint("check", "--isolated", "monitrc", cwd=tmp_path, env=env).stdout  # the control
    results.chmod(0o777)  # now another user could have written it
    run = monitlint("check", "--isolated", "monitrc", cwd=tmp_path, env=env)
    assert "planted" not in run.stdout


_FAKE = (
    '{"code": "MON101", "rule": "missing-stop-program", "severity": "error", "message": "planted", "hint": null, '
    '"path": "monitrc", "line": 1, "column": 1, "end_line": 1, "end_column": 2, "service": null}'
)


def test_write_private_and_read_private(tmp_path: Path) -> None:
    folder = str(tmp_path / "private")
    assert safe_fs.write_private(folder, "entry", b"data")
    assert (os.stat(folder).st_mode & 0o777) == 0o700
    assert safe_fs.read_private(folder, "entry", 10) == b"data"
    assert safe_fs.read_private(folder, "entry", 3) is None  # over the limit
    os.chmod(os.path.join(folder, "entry"), 0o664)
    assert safe_fs.read_private(folder, "entry", 10) is None  # writable by the group
    os.chmod(os.path.join(folder, "entry"), 0o600)
    os.symlink(os.path.join(folder, "entry"), os.path.join(folder, "link"))
    assert safe_fs.read_private(folder, "link", 10) is None  # a symlink is never followed
    os.chmod(folder, 0o770)
    assert safe_fs.read_private(folder, "entry", 10) is None  # the folder is shared
