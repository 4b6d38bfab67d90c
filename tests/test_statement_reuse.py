"""Kept statement parses (grammar/reuse.py): after any edit, the same parse and findings as a fresh lint.

Random edits (characters, new lines, quotes, `check`/`set`/`include` words, suppression comments,
deletions, broken syntax) are applied one after another to real files; after each, the file is
parsed with the parses kept from the text before and without, and the two must be equal in
everything: model (spans included), syntax errors, statement bounds, comments, counts.  The
language server's workspace is checked the same way, findings against findings.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from monitlint.grammar.parser import ParseResult, parse_text
from monitlint.grammar.reuse import StatementReuse
from monitlint.server.workspace import Workspace
from tests.conftest import CORPUS, SAMPLES, require_corpus

SNIPPETS = [
    "a",
    "7",
    " ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\ufeff",
    '"',
    "'",
    "#",
    "{",
    "}",
    "(",
    ")",
    "=",
    ">",
    "%",
    "é",
    "\\",
    "check ",
    "set ",
    "check process p{n} matching x{n}\n",
    "check file f{n} with path /tmp/f{n}\n",
    "set daemon 30\n",
    "  if cpu > 90% then alert\n",
    "  depends on p{n}\n",
    "if ",
    "then ",
    "program ",
    'start program = "/bin/true"\n',
    "include /nonexistent-{n}/*\n",
    "# monitlint: disable=MON101\n",
    "# comment\n",
    "with timeout 20 seconds",
    "for 3 cycles",
    '"unterminated\n',
    "'quoted'",
    "http://example.com:80/x",
    "root@example.com",
]


def _edit(text: str, rng: random.Random) -> str:
    """One random edit: an insertion (often at a line start), a deletion or a replacement."""
    pos = rng.randrange(len(text) + 1)
    if rng.random() < 0.3:
        pos = text.rfind("\n", 0, pos) + 1  # a line start: where statements begin
    kind = rng.random()
    snippet = rng.choice(SNIPPETS).replace("{n}", str(rng.randrange(100)))
    if kind < 0.55:
        return text[:pos] + snippet + text[pos:]
    if kind < 0.8:
        return text[:pos] + text[pos + rng.randint(1, 30) :]
    return text[:pos] + snippet + text[pos + rng.randint(1, 10) :]


def _same(fresh: ParseResult, kept: ParseResult, context: str) -> None:
    assert kept.config == fresh.config, context
    assert kept.problems == fresh.problems, context
    assert kept.statements == fresh.statements, context
    assert kept.omitted == fresh.omitted, context
    assert kept.comments == fresh.comments, context
    assert repr(kept.config) == repr(fresh.config), context


def _walk(path: Path, text: str, seed: int, steps: int, reuse: StatementReuse) -> None:
    """Edit ``text`` ``steps`` times (back to the original now and then), comparing after each edit."""
    rng = random.Random(seed)
    current = text
    name = str(path)
    with reuse.active():
        parse_text(current, name)
    for step in range(steps):
        current = text if step % 12 == 11 else _edit(current, rng)
        with reuse.active():
            kept = parse_text(current, name)
        _same(parse_text(current, name), kept, f"{path} seed {seed} step {step}: {current!r}")


def _samples() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md")


def _generated() -> str:
    """A larger file like the latency benchmark's: 30 services of 10 lines, a few broken."""
    lines = ["set daemon 30", "set log syslog"]
    for i in range(30):
        lines += [
            f"check process svc{i} with pidfile /run/svc{i}.pid",
            f'  start program = "/usr/sbin/svc{i} start" with timeout 20 seconds',
            f'  stop program = "/usr/sbin/svc{i} stop"' if i % 7 else "  stop program",
            f"  if cpu > {50 + i}% for 3 cycles then alert",
            f"  if totalmem > {100 + i} MB for 5 cycles then restart" if i % 5 else "  if totalmem > MB then",
            f"  if failed port {1000 + i} protocol http then restart",
            "  group web",
            f"  depends on svc{i - 1}" if i else "  group first",
            "",
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(4))
def test_generated_file_edits_parse_as_fresh(seed: int) -> None:
    reuse = StatementReuse()
    _walk(Path(f"/nonexistent-monitlint-reuse/monitrc{seed}"), _generated(), seed, 60, reuse)
    # Statements were taken, not parsed (below a new line they are parsed again: their lines moved).
    assert reuse.reused > reuse.parsed / 2


@pytest.mark.parametrize("path", _samples(), ids=lambda p: str(p.relative_to(SAMPLES)))
def test_sample_edits_parse_as_fresh(path: Path) -> None:
    _walk(path, path.read_text(encoding="utf-8", errors="replace"), 1, 40, StatementReuse())


def test_unchanged_text_is_all_reused() -> None:
    reuse = StatementReuse()
    text = _generated()
    with reuse.active():
        parse_text(text, "/nonexistent-monitlint-reuse/monitrc")
    parsed = reuse.parsed
    with reuse.active():
        parse_text(text.replace("for 3 cycles", "for 4 cycles", 1), "/nonexistent-monitlint-reuse/monitrc")
    assert reuse.parsed == parsed + 1  # only the edited statement


def test_kept_tokens_are_bounded() -> None:
    reuse = StatementReuse(max_tokens=50)
    for index in range(3):
        with reuse.active():
            parse_text(_generated(), f"/nonexistent-monitlint-reuse/f{index}")
    with reuse.active():
        parse_text(_generated(), "/nonexistent-monitlint-reuse/f0")
    assert reuse.reused == 0  # the older files' parses were dropped, and f0's too (over the bound)


def test_workspace_findings_match_a_fresh_lint(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    text = _generated()
    path.write_text(text)
    kept, fresh = Workspace(), Workspace()
    fresh.reuse_parses = False
    rng = random.Random(7)
    current = text
    for step in range(25):
        current = _edit(current, rng)
        with_reuse = kept.lint(str(path), current)
        without = fresh.lint(str(path), current)
        assert with_reuse.diagnostics == without.diagnostics, f"step {step}: {current!r}"
        assert with_reuse.parse is not None and without.parse is not None
        assert with_reuse.parse.config == without.parse.config


@pytest.mark.slow
def test_corpus_edits_parse_as_fresh() -> None:
    require_corpus()
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    assert files
    reuse = StatementReuse()
    for index, path in enumerate(files):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if "\0" in text:
            continue
        _walk(path, text, index, int(os.environ.get("MONITLINT_REUSE_STEPS", "25")), reuse)
    assert reuse.reused > reuse.parsed


def test_past_the_cap_on_syntax_errors_counts_match() -> None:
    """Past MAX_SYNTAX_ERRORS_KEPT errors are only counted: kept statements count them as a fresh parse does."""
    from monitlint.runtime.budgets import MAX_SYNTAX_ERRORS_KEPT

    broken = "".join(f"check process p{i} matching x{i}\n  if cpu > then\n" for i in range(MAX_SYNTAX_ERRORS_KEPT + 50))
    name = "/nonexistent-monitlint-reuse/broken"
    reuse = StatementReuse()
    with reuse.active():
        parse_text(broken, name)
    for edited in (
        broken.replace("if cpu > then", "if cpu > 9% then alert", 3),  # fewer errors before the cap
        broken.replace("if cpu > then", "if cpu > then alert", 1),
        broken + "check process last matching y\n  if cpu > then\n",
    ):
        with reuse.active():
            kept = parse_text(edited, name)
        fresh = parse_text(edited, name)
        assert fresh.omitted  # the cap is reached
        _same(fresh, kept, "past the cap")
    assert reuse.reused
