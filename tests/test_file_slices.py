"""A large file of a split include parsed in slices gives exactly the parse of the whole file.

The cuts are guesses (grammar/includes.py ``slice_bounds``); the slice before a cut checks that
its scan met the cut at a `check` token with the error gate as a fresh one's, and the file is
parsed again whole otherwise.  These tests put cuts everywhere, including where no guess of
``slice_bounds`` would, and compare with the parse of whole files.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from monitlint.grammar import includes, parser
from monitlint.grammar.includes import slice_bounds
from monitlint.grammar.parser import parse_file
from monitlint.runtime import parallel
from monitlint.runtime.parallel import forking_runner
from tests.test_split_parse import block, make_tree, snapshot

GROUP_CALLS: list[tuple[int, int]] = []


def in_order(weights: Sequence[int], work: Callable[[int, int], Any], lead: float | None = None) -> list[Any]:
    """A runner doing every piece here, in order (slices are cut for any runner but the cache's)."""
    return [work(index, index + 1) for index in range(len(weights))]


@pytest.fixture
def small_slices(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Small includes are split and files cut in slices of 400 bytes; returns the groups parsed here."""
    monkeypatch.setattr(parser, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(parser, "SLICE_BYTES", 400)
    real = parser._parse_group
    GROUP_CALLS.clear()

    def counted(split: Any, first: int, stop: int, *args: Any) -> Any:
        GROUP_CALLS.append((first, stop))
        return real(split, first, stop, *args)

    monkeypatch.setattr(parser, "_parse_group", counted)
    return GROUP_CALLS


def whole_files(main: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The parse with each file of the include parsed whole (no slices)."""
    with monkeypatch.context() as patch:
        patch.setattr(parser, "SLICE_BYTES", 1 << 40)
        return snapshot(parse_file(str(main), runner=in_order))


NASTY = (
    "check program multi with path \"/bin/sh -c 'true'\ncheck process inside with pidfile /x\n"
    '  if failed port 80 then alert" with timeout 5 seconds\n'
    "    if status != 0 then alert\n"
    "# check process commented with pidfile /y\n"
    "CHECK Process upper With PIDFILE /run/u.pid\n"
    "    if cpu > then alert\n"  # a syntax error in a block
    "set daemon 30\n"
    "check file f with path /etc/f  # trailing comment\n"
    "    if changed checksum then alert\r\n"
    "check host h with address 1.2.3.4 if failed ping then alert\n"
    '    stop program = "/bin/stop ünïcode"\n'
    "  if then\n"  # an orphan-looking broken statement
    "check system $HOST\n"
    "    if loadavg (1min) > 4 then alert\n"
)


def nasty_tree(folder: Path, nested: bool = True) -> Path:
    """Two included files of ordinary blocks around hostile text (strings over lines, errors, an include)."""
    inner = folder / "inner.cfg"
    inner.write_text("check file nested with path /etc/hostname\n    if failed permission 644 then alert\n")
    conf = folder / "conf.d"
    conf.mkdir()
    middle = NASTY + (f"include {inner}\n" if nested else "")
    (conf / "a.conf").write_text("".join(block(i) for i in range(6)) + middle + "".join(block(i) for i in range(6, 9)))
    (conf / "b.conf").write_text("".join(block(i) for i in range(20, 26)) + NASTY)
    main = folder / "monitrc"
    main.write_text(f"set daemon 30\ninclude {conf}/*.conf\nset log syslog\n")
    return main


def test_slice_bounds_cut_at_a_check_beginning_a_line() -> None:
    text = "set daemon 30\ncheck process a matching a\n  \tCHECK file b with path /b\nif x\ncheck host c address d\n"
    bounds = slice_bounds(text, 4)
    assert bounds[0] == 0 and bounds[-1] == len(text) and len(bounds) == 5
    assert bounds == sorted(bounds)
    for cut in bounds[1:-1]:
        assert cut == len(text) or (text[cut:].lower().startswith("check") and text[cut - 1] in "\n \t")
    assert slice_bounds("no checks here\n" * 50, 3) == [0, 750, 750, 750]  # empty slices past the last check


def test_slices_join_without_a_second_parse(
    tmp_path: Path, small_slices: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    main = make_tree(tmp_path, files=3, per_file=12)
    assert snapshot(parse_file(str(main), runner=in_order)) == whole_files(main, monkeypatch)
    assert len(small_slices) > 6 and all(stop == first + 1 for first, stop in small_slices)


def test_hostile_text_around_the_guessed_cuts_parses_as_whole_files(
    tmp_path: Path, small_slices: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    main = nasty_tree(tmp_path)
    assert snapshot(parse_file(str(main), runner=in_order)) == whole_files(main, monkeypatch)


def cuts_anywhere(seed: int, anywhere: float) -> Callable[[str, int], list[int]]:
    """A stand-in for slice_bounds: its cuts, each moved to a random offset with probability ``anywhere``
    (mostly real `check` lines, so that some slices join; sometimes any offset at all)."""
    chooser = random.Random(seed)

    def bounds(text: str, count: int) -> list[int]:
        real = slice_bounds(text, count)[1:-1]
        cuts = sorted(chooser.randrange(len(text) + 1) if chooser.random() < anywhere else cut for cut in real)
        return [0, *cuts, len(text)]

    return bounds


@pytest.mark.parametrize("seed", range(40))
def test_a_cut_anywhere_gives_the_parse_of_the_whole_file(
    tmp_path: Path, small_slices: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Cuts at random offsets (inside strings, words, comments, after errors): the parse never changes."""
    main = nasty_tree(tmp_path, nested=seed % 2 == 0)
    expected = whole_files(main, monkeypatch)
    monkeypatch.setattr(includes, "slice_bounds", cuts_anywhere(seed, 0.5))
    assert snapshot(parse_file(str(main), runner=in_order)) == expected


def test_a_file_whose_cut_is_not_met_is_parsed_again_whole(
    tmp_path: Path, small_slices: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    main = nasty_tree(tmp_path)
    expected = whole_files(main, monkeypatch)
    text = (tmp_path / "conf.d" / "a.conf").read_text()
    inside_string = text.index("check process inside")  # a `check` beginning a line, in a quoted string

    def in_the_string(text_: str, count: int) -> list[int]:
        if text_ != text:
            return slice_bounds(text_, count)
        return [0, *[inside_string] * (count - 1), len(text_)]

    monkeypatch.setattr(includes, "slice_bounds", in_the_string)
    assert snapshot(parse_file(str(main), runner=in_order)) == expected
    assert [call for call in small_slices if call[1] - call[0] > 1]  # a.conf: parsed again as one group


@pytest.mark.skipif(not parallel.can_fork(), reason="parsing apart needs fork (Linux)")
def test_slices_parsed_in_two_processes_give_the_whole_files_parse(
    tmp_path: Path, small_slices: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    main = nasty_tree(tmp_path)
    assert snapshot(parse_file(str(main), runner=forking_runner(2))) == whole_files(main, monkeypatch)


def test_slices_read_differently_by_two_processes_are_not_joined() -> None:
    from monitlint.files.source import SourceFile
    from monitlint.grammar.includes import FileSlice, IncludeRequest, SplitInclude
    from monitlint.grammar.parser import ParseResult, _GroupParse, _joined
    from monitlint.model import ControlFile

    request = IncludeRequest(SourceFile("m", ""), "*.conf", 1, 1, 1, 9)
    split = SplitInclude(request, ["a"], [10], [], None, [FileSlice(0, 0, 2, 5), FileSlice(0, 1, 2, 5)])

    def part(text: str, sent: bool = True) -> _GroupParse:
        sources = {"a": SourceFile("a", text)} if sent else {}
        return _GroupParse(ParseResult(ControlFile(path="m"), sources=sources), read=(len(text), hash(text)))

    again: list[tuple[int, int]] = []

    def parse_again(first: int, stop: int) -> _GroupParse:
        again.append((first, stop))
        return part("whole")

    joined = list(_joined(split, [part("one"), part("one", sent=False)], parse_again))
    assert len(joined) == 2 and again == [] and joined[0].sources["a"].text == "one"
    joined = list(_joined(split, [part("one"), part("two", sent=False)], parse_again))
    assert [r.sources["a"].text for r in joined] == ["whole"] and again == [(0, 2)]


def nasty_main(folder: Path, include: bool = False) -> Path:
    """A main file of ordinary blocks around hostile text, with nothing included (unless asked)."""
    main = folder / "monitrc"
    body = "".join(block(i) for i in range(8)) + NASTY + "".join(block(i) for i in range(8, 14)) + NASTY
    main.write_text("set daemon 30\nset log syslog\n" + body + (f"include {folder}/none/*.conf\n" if include else ""))
    return main


@pytest.mark.parametrize("seed", range(30))
def test_a_main_file_parsed_in_slices_gives_the_parse_of_one_read(
    tmp_path: Path, small_slices: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """A large main file that includes nothing is cut in slices too: wherever the cuts fall, one read's parse."""
    main = nasty_main(tmp_path)
    expected = snapshot(parse_file(str(main)))  # no runner: the main file read in order, as Monit reads it
    monkeypatch.setattr(includes, "slice_bounds", cuts_anywhere(seed, 0.3))
    assert snapshot(parse_file(str(main), runner=in_order)) == expected
    assert len(small_slices) > 4  # it was cut


def test_a_main_file_that_includes_is_read_in_order(tmp_path: Path, small_slices: list[tuple[int, int]]) -> None:
    main = nasty_main(tmp_path, include=True)
    assert snapshot(parse_file(str(main), runner=in_order)) == snapshot(parse_file(str(main)))
    assert small_slices == []


@pytest.mark.skipif(not parallel.can_fork(), reason="parsing apart needs fork (Linux)")
def test_one_large_file_reports_the_same_with_one_or_two_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from monitlint import api
    from tests.conftest import run_cli

    main = tmp_path / "monitrc"
    blocks = "".join(block(i) for i in range(1300))  # about 300 KB: over the size parsed apart
    broken = "check process nostop with pidfile /run/n.pid\n    if cpu > then alert\n"
    main.write_text("set daemon 30\n" + blocks + broken)
    assert main.stat().st_size > parser.SPLIT_MIN_BYTES
    one = run_cli("check", "--no-cache", "--isolated", "--format", "json", "--jobs", "1", str(main))
    two = run_cli("check", "--no-cache", "--isolated", "--format", "json", "--jobs", "2", str(main))
    assert one.exit_code == two.exit_code == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert "MON001" in {d["code"] for d in json.loads(two.stdout)["diagnostics"]}
    groups: list[int] = []
    real = parser._parse_group
    monkeypatch.setattr(
        parser, "_parse_group", lambda split, *args: groups.append(len(split.slices)) or real(split, *args)
    )
    api.lint([str(main)], jobs=2)
    assert groups and groups[0] > 2  # this process parsed slices of the main file
