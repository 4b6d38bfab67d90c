"""Kept scans (grammar/kept_scans.py): after any edit, exactly the tokens, include requests and comments
of a fresh scan, though the text past the edit is not scanned again.

Random edits (the same as tests/test_statement_reuse.py: characters, new lines, quotes, `check`
words, comments, URLs, mail addresses, deletions) are applied one after another; after each, the
file's items from the kept scan and from a fresh :class:`Scanner` must be equal in everything
(type, value, offsets, lines, columns, file), and the whole parse with every kept part
(:class:`KeptParses`) must equal a fresh one.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from monitlint.files.source import SourceFile
from monitlint.grammar.kept_scans import ScanReuse, common_prefix, common_suffix
from monitlint.grammar.lexer import IncludeRequest, Scanner, scanner_for
from monitlint.grammar.parser import parse_text
from monitlint.grammar.reuse import KeptParses
from tests.conftest import CORPUS, require_corpus
from tests.test_statement_reuse import _edit, _generated, _same, _samples


def _items(scanner: Scanner) -> tuple[list[Any], list[Any]]:
    """Every item of a scan, as comparable values, and its comments."""
    found: list[Any] = []
    for item in scanner.pieces():
        if isinstance(item, IncludeRequest):
            found.append(("include", item.file is scanner.source, item.pattern, item.line, item.column))
            found.append((item.end_line, item.end_column))
            continue
        found.append(
            [(t.type, str.__str__(t), t.start_pos, t.end_pos, t.line, t.column, t.end_line, t.end_column) for t in item]
        )
        assert all(t.file is scanner.source for t in item)
    return found, list(scanner.comments)


def _walk(text: str, seed: int, steps: int, scans: ScanReuse, name: str) -> None:
    rng = random.Random(seed)
    current = text
    with scans.active():
        _items(scanner_for(SourceFile(name, current)))
    for step in range(steps):
        current = text if step % 12 == 11 else _edit(current, rng)
        with scans.active():
            kept = _items(scanner_for(SourceFile(name, current)))
        fresh = _items(Scanner(SourceFile(name, current)))
        assert kept == fresh, f"seed {seed} step {step}: {current!r}"


@pytest.mark.parametrize("seed", range(6))
def test_generated_file_edits_scan_as_fresh(seed: int) -> None:
    scans = ScanReuse(max_tokens=10**6)
    _walk(_generated(), seed, 80, scans, f"/nonexistent-monitlint-scans/monitrc{seed}")
    assert scans.moved > 0  # the text past most edits was not scanned again


@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.name)
def test_sample_edits_scan_as_fresh(path: Path) -> None:
    scans = ScanReuse(max_tokens=10**6)
    _walk(path.read_text(encoding="utf-8"), 11, 40, scans, str(path))


def test_kept_parses_with_kept_scans_parse_as_fresh() -> None:
    """The whole parse, every kept part at work together, equals a fresh parse after each edit."""
    rng = random.Random(5)
    kept = KeptParses()
    text = current = _generated()
    name = "/nonexistent-monitlint-scans/together"
    with kept.active():
        parse_text(current, name)
    for step in range(80):
        current = text if step % 12 == 11 else _edit(current, rng)
        with kept.active():
            result = parse_text(current, name)
        _same(parse_text(current, name), result, f"step {step}: {current!r}")
    assert kept.scans.moved > 0 and kept.statements.reused > 0


def test_an_unchanged_file_is_not_scanned_again_past_its_first_check() -> None:
    scans = ScanReuse(max_tokens=10**6)
    source = _generated()
    with scans.active():
        first = _items(scanner_for(SourceFile("/x/monitrc", source)))
        again = _items(scanner_for(SourceFile("/x/monitrc", source)))
    assert again == first and scans.moved >= 30


def test_kept_scans_are_bounded() -> None:
    scans = ScanReuse(max_tokens=100)
    with scans.active():
        for n in range(5):
            _items(scanner_for(SourceFile(f"/x/f{n}", _generated())))
    assert len(scans._kept) <= 1  # each file alone is over the bound: only the last is kept


def _alike(a: str, b: str) -> int:
    """The common beginning's length, a character at a time (the slow, obvious way)."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def test_common_prefix_and_suffix() -> None:
    assert common_prefix("abcdef", "abcxef") == 3
    assert common_suffix("abcdef", "abcxef", 3) == 2
    assert common_prefix("", "abc") == 0 and common_suffix("abc", "abc", 0) == 0
    assert common_prefix("abc", "abc") == 3
    rng = random.Random(3)
    for _ in range(300):  # texts longer than a block, edited anywhere
        a = "".join(rng.choice("ab\n") for _ in range(rng.randrange(20_000)))
        cut, rest = rng.randrange(len(a) + 1), rng.randrange(len(a) + 1)
        b = a[:cut] + rng.choice(["", "q", "zz\n"]) + a[rest:]
        prefix = _alike(a, b)
        assert common_prefix(a, b) == prefix
        most = min(len(a), len(b)) - prefix
        assert common_suffix(a, b, most) == min(_alike(a[::-1], b[::-1]), most)


@pytest.mark.slow
def test_corpus_edits_scan_as_fresh() -> None:
    require_corpus()
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    assert files
    scans = ScanReuse(max_tokens=10**7)
    for index, path in enumerate(files):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if "\0" in text:
            continue
        _walk(text, index, int(os.environ.get("MONITLINT_REUSE_STEPS", "25")), scans, str(path))
