"""Parsing a large include in several processes gives exactly the result of one process."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from monitlint.grammar.parser import ParseResult, parse_file
from monitlint.runtime import parallel
from monitlint.runtime.parallel import forking_runner, run_sliced, shares
from tests.conftest import findings_of, lint_file

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="parsing apart needs fork (Linux)")


def block(i: int) -> str:
    return (
        f"check process app{i} with pidfile /run/app{i}.pid\n"
        f'    start program = "/usr/bin/systemctl start app{i}" with timeout 60 seconds\n'
        f'    stop program = "/usr/bin/systemctl stop app{i}"\n'
        "    if cpu > 80% for 5 cycles then alert  # a comment\n"
        "    if 3 restarts within 5 cycles then unmonitor\n"
        f"    depends on app{max(i - 1, 0)}\n"
    )


def make_tree(folder: Path, files: int = 6, per_file: int = 300, extra: dict[int, str] | None = None) -> Path:
    """A main file including conf.d/*.conf, large enough to be split; ``extra`` appends text to files."""
    conf = folder / "conf.d"
    conf.mkdir()
    for n in range(files):
        body = "".join(block(n * per_file + i) for i in range(per_file))
        (conf / f"{n:02d}.conf").write_text(body + (extra or {}).get(n, ""))
    main = folder / "monitrc"
    main.write_text(f"set daemon 30\nset httpd unixsocket /run/m.sock\n    allow localhost\ninclude {conf}/*.conf\n")
    return main


def snapshot(result: ParseResult) -> str:
    """Everything a parse produces, as comparable text."""
    config = result.config
    data: dict[str, Any] = {
        "services": [dataclasses.asdict(s) for s in config.services],
        "settings": [dataclasses.asdict(s) for s in config.settings],
        "includes": [dataclasses.asdict(i) for i in config.includes],
        "files": config.files,
        "diagnostics": sorted(repr(d) for d in findings_of(result)),
        "comments": sorted((c.path, c.line, c.column, c.text, c.own_line) for c in result.comments),
        "statements": {path: sorted(records) for path, records in result.statements.items()},
        "sources": {path: source.text for path, source in result.sources.items()},
    }
    return json.dumps(data, default=str, sort_keys=True)


SPLIT_CALLS: list[int] = []


def two_processes(weights: Sequence[int], work: Any, lead: float | None = None) -> list[Any]:
    """The forking runner over two processes, counting the groups it is handed."""
    SPLIT_CALLS.append(len(weights))
    return forking_runner(2)(weights, work, lead)


@pytest.fixture
def split_calls() -> list[int]:
    """Counts the includes that were parsed apart."""
    SPLIT_CALLS.clear()
    return SPLIT_CALLS


def assert_same_with_jobs(main: Path) -> None:
    assert snapshot(parse_file(str(main), runner=two_processes)) == snapshot(parse_file(str(main)))


@pytest.mark.slow
def test_a_clean_tree_parses_the_same_in_two_processes(tmp_path: Path, split_calls: list[int]) -> None:
    main = make_tree(tmp_path)
    assert_same_with_jobs(main)
    assert split_calls == [12]  # six files of about 84 KB, each parsed in two slices
    assert len(parse_file(str(main), runner=two_processes).config.services) == 1800


@pytest.mark.slow
def test_syntax_errors_at_file_ends_and_nested_includes(tmp_path: Path, split_calls: list[int]) -> None:
    nested = tmp_path / "nested.cfg"
    nested.write_text("check file nested with path /etc/hostname\n    if failed permission 644 then alert\n")
    extra = {
        1: "    if cpu > then alert\n",  # the error is found at the next file's first token
        2: f"include {nested}\n",
        3: f"include {tmp_path}/monitrc\n",  # a cycle back to the main file
        5: "    if memory > 10 MB then\n",  # the last file: the follower is the main file's end
    }
    main = make_tree(tmp_path, extra=extra)
    assert_same_with_jobs(main)
    assert split_calls
    codes = [d.code for d in findings_of(parse_file(str(main), runner=two_processes))]
    assert codes.count("MON001") == 2 and "MON003" in codes


def test_suppressions_work_in_split_files(tmp_path: Path) -> None:
    main = make_tree(tmp_path, extra={4: "check process bare matching 'bare'  # monitlint: disable=MON101\n"})
    with_jobs = lint_file(str(main), runner=two_processes).diagnostics
    without = lint_file(str(main)).diagnostics
    assert [repr(d) for d in with_jobs] == [repr(d) for d in without]
    assert not [d for d in with_jobs if d.code in ("MON101", "MON901")]


def test_a_file_that_continues_a_block_is_not_split(tmp_path: Path, split_calls: list[int]) -> None:
    main = make_tree(tmp_path)
    first = tmp_path / "conf.d" / "03.conf"
    first.write_text("    if cpu > 90% then alert\n" + first.read_text())  # continues the block before it
    assert_same_with_jobs(main)
    assert split_calls == []


def test_small_includes_are_not_split(tmp_path: Path, split_calls: list[int]) -> None:
    main = make_tree(tmp_path, files=3, per_file=5)
    assert_same_with_jobs(main)
    assert split_calls == []


def test_shares_cover_every_piece_once_by_weight() -> None:
    assert shares([1] * 40, 2) == [list(range(1, 40, 2)), list(range(0, 40, 2))]
    mine, theirs = shares([1] * 40, 2, lead=1.5)
    assert (len(mine), len(theirs)) == (24, 16)
    assert shares([1, 1, 1], 5) == [[2], [0], [1]]  # no more workers than pieces
    assert shares([9, 1, 1], 2) == [[1, 2], [0]]
    # One heavy piece among many light ones: contiguous cuts could not balance these.
    weights = [150, 3, 3, 41, 31, 78, 3, 5, 8, 16, 18, 16, 4, 16, 21] + [1] * 26
    mine, theirs = shares(weights, 2)
    assert abs(sum(weights[i] for i in mine) - sum(weights[i] for i in theirs)) <= 1
    for parts in range(1, 6):
        found = shares(list(range(1, 12)), parts)
        assert sorted(i for share in found for i in share) == list(range(11))
        assert all(share == sorted(share) for share in found)
        assert all(found[1:])


def test_a_failing_child_is_replaced_by_the_parent() -> None:
    parent = os.getpid()

    def work(first: int, stop: int) -> tuple[int, int]:
        if os.getpid() != parent and first == 3:
            raise RuntimeError("boom")  # only in the child
        return first, stop

    assert run_sliced([1] * 6, 2, work) == [(i, i + 1) for i in range(6)]


def test_a_child_that_dies_is_replaced_by_the_parent() -> None:
    parent = os.getpid()

    def work(first: int, stop: int) -> int:
        if os.getpid() != parent:
            os._exit(9)
        return first

    assert run_sliced([1] * 4, 2, work) == [0, 1, 2, 3]


def _unpickled(marker: str, index: int) -> tuple[str, int]:
    Path(marker).write_text(str(index))
    return ("unpickled", index)


def _refused(index: int) -> tuple[str, int]:
    raise ValueError(f"result {index} cannot be read")


class _Announced:
    """A child's result whose unpickling in the parent leaves a marker file (or fails, with ``broken``)."""

    def __init__(self, marker: str, index: int, broken: bool = False) -> None:
        self.marker, self.index, self.broken = marker, index, broken

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_refused, (self.index,)) if self.broken else (_unpickled, (self.marker, self.index))


def test_a_childs_results_are_read_while_it_still_works(tmp_path: Path) -> None:
    """The parent unpickles a child's first result while the child waits for exactly that, on its last piece."""
    import time

    parent = os.getpid()
    theirs = shares([1] * 4, 2, lead=parallel.PARENT_LEAD)[1]
    marker = tmp_path / "first-result-read"

    def work(first: int, stop: int) -> object:
        if os.getpid() == parent:
            return ("here", first)
        if first == theirs[0]:
            return _Announced(str(marker), first)
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return ("the child saw its first result read", first) if marker.exists() else ("not read", first)

    results = run_sliced([1] * 4, 2, work)
    assert results[theirs[0]] == ("unpickled", theirs[0])
    assert results[theirs[-1]] == ("the child saw its first result read", theirs[-1])


def test_a_result_that_cannot_be_read_is_computed_here_with_the_rest() -> None:
    parent = os.getpid()
    theirs = shares([1] * 6, 2, lead=parallel.PARENT_LEAD)[1]

    def work(first: int, stop: int) -> object:
        if os.getpid() == parent:
            return ("here", first)
        return _Announced("", first, broken=True) if first == theirs[1] else ("child", first)

    results = run_sliced([1] * 6, 2, work)
    assert results[theirs[0]] == ("child", theirs[0])  # read before the damaged one: kept
    assert [results[i] for i in theirs[1:]] == [("here", i) for i in theirs[1:]]


def test_when_the_parents_own_work_fails_no_child_or_descriptor_is_left(tmp_path: Path) -> None:
    import time

    parent = os.getpid()
    started = tmp_path / "child-pid"

    def spools() -> list[str]:  # the children's result files still open here
        found = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                found.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                continue
        return [target for target in found if "monitlint-results" in target]

    def work(first: int, stop: int) -> int:
        deadline = time.monotonic() + 30
        if os.getpid() != parent:
            started.write_text(str(os.getpid()))
            while time.monotonic() < deadline:  # busy until killed
                time.sleep(0.01)
            return first
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise RuntimeError("the parent's piece failed")

    with pytest.raises(RuntimeError, match="parent's piece failed"):
        run_sliced([1] * 4, 2, work)
    assert not Path(f"/proc/{started.read_text()}").exists()  # killed and reaped, not a zombie
    assert spools() == []


def test_the_parents_meanwhile_work_is_done_once_while_children_work() -> None:
    """The parent does ``meanwhile`` once, after its own slice and before waiting (never in a child)."""
    parent = os.getpid()
    log: list[str] = []

    def work(first: int, stop: int) -> tuple[int, int]:
        if os.getpid() == parent:
            log.append(f"work {first}")
        return first, stop

    runner = forking_runner(2, meanwhile=lambda: log.append("meanwhile"))
    assert runner([1] * 4, work) == [(i, i + 1) for i in range(4)]
    assert runner([1] * 4, work) == [(i, i + 1) for i in range(4)]
    assert log.count("meanwhile") == 1
    mine = shares([1] * 4, 2, lead=parallel.PARENT_LEAD)[0]
    assert log.index("meanwhile") == log.index(f"work {mine[-1]}") + 1  # after its own share, before collecting
    alone: list[str] = []
    assert run_sliced([1], 2, work, meanwhile=lambda: alone.append("meanwhile")) == [(0, 1)]
    assert alone == []  # nothing forked: nothing to do meanwhile


def test_rules_run_in_two_processes_find_the_same(tmp_path: Path, split_calls: list[int]) -> None:
    extra = {
        0: 'check process nostop with pidfile /run/n.pid\n    start program = "/bin/n"\n',  # MON101
        3: "check process mem with pidfile /run/m.pid\n    if memory > 200 then alert\n",  # MON401, MON101
    }
    main = make_tree(tmp_path, files=7, per_file=300, extra=extra)
    together = lint_file(str(main), runner=two_processes).diagnostics
    assert len(split_calls) == 2  # once for the include, once for the rules
    alone = lint_file(str(main)).diagnostics
    assert [repr(d) for d in together] == [repr(d) for d in alone]
    assert {"MON101", "MON401"} <= {d.code for d in together}


def test_the_model_survives_pickling_unchanged(tmp_path: Path) -> None:
    import pickle

    main = make_tree(tmp_path, files=2, per_file=20, extra={1: "check host h with address 1.2.3.4\n"})
    result = parse_file(str(main))
    assert snapshot(pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))) == snapshot(result)


def test_the_command_line_reports_the_same_with_one_or_two_jobs(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    main = make_tree(tmp_path, files=7, per_file=300, extra={2: "    if memory > 200 then alert\n"})
    one = run_cli("check", "--no-cache", "--isolated", "--format", "json", "-j", "1", str(main))
    two = run_cli("check", "--no-cache", "--isolated", "--format", "json", "--jobs", "2", str(main))
    assert one.exit_code == two.exit_code == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert run_cli("check", "--jobs", "0", str(main)).exit_code == 2  # at least one process


def test_only_the_api_knows_about_processes() -> None:
    # The parser and the engine are handed a Runner (monitlint.runtime.work); parallel.py is wired in by api.py only.
    import re

    from tests.conftest import REPO

    imports = re.compile(
        r"^\s*(from monitlint\.runtime\.parallel import|import monitlint\.runtime\.parallel|"
        r"from monitlint\.runtime import.*\bparallel\b)",
        re.M,
    )
    importers = sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "monitlint").rglob("*.py")
        if imports.search(path.read_text()) and path.name not in ("parallel.py", "posix_regex.py")
    )
    assert importers == ["monitlint/api.py"]
