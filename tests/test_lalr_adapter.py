"""The LALR adapter (`grammar/lalr.py`) builds exactly the model stock Lark builds.

monitlint runs Lark's LALR tables with its own small driver (no Lark import once the
tables are cached).  These tests run stock ``Lark(..., parser="lalr", transformer=...)``
over the same token streams, with the same model builder, on every control file the
tests use and on the real-world corpus, and compare the models.  They also check that
the table builder refuses the grammar features the driver does not implement.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lark import Lark
from lark.exceptions import GrammarError, UnexpectedInput
from lark.lexer import Lexer

import monitlint.grammar.lalr as lalr_module
import monitlint.grammar.parser as parser_module
from monitlint.files.source import SourceFile
from monitlint.grammar.lalr import GRAMMAR_FILE, ParseFailure, Parser, Walker, build_tables
from monitlint.grammar.tokens import Token
from monitlint.grammar.transformer import ModelBuilder, Node
from tests.conftest import CORPUS, REPO, SAMPLES, require_corpus


class _TokenListLexer(Lexer):
    """Hands Lark the scanner's tokens unchanged."""

    def __init__(self, conf: object) -> None:
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        return iter(getattr(data, "text", data))


class _Builder:
    """The model builder as a Lark transformer: rules without a method become Nodes, as in the driver."""

    def __init__(self, builder: ModelBuilder) -> None:
        self._builder = builder

    def __getattr__(self, name: str) -> Any:
        return getattr(self._builder, name)

    def __default__(self, data: str, children: list[Any], meta: object) -> Node:
        return Node(data, children)


@cache
def stock_lark() -> Lark:
    grammar = Path(GRAMMAR_FILE).read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer=_TokenListLexer, start="chunk", transformer=_Builder(ModelBuilder()))


class _StockParser:
    """The driver's interface, building every accepted chunk with stock Lark instead."""

    def __init__(self, ours: Parser) -> None:
        self.ours = ours
        self.tables = ours.tables
        self.expected = ours.expected
        self.chunks = 0

    def walker(self) -> Walker:
        return self.ours.walker()

    def parse(self, tokens: Sequence[Token], build: bool = True) -> Any:
        try:
            result = self.ours.parse(tokens, build=False)
        except ParseFailure:
            with pytest.raises(UnexpectedInput):
                stock_lark().parse(list(tokens))  # type: ignore[arg-type]
            raise
        if not build:
            return result
        self.chunks += 1
        return stock_lark().parse(list(tokens))  # type: ignore[arg-type]


def _files() -> list[Path]:
    folders = [SAMPLES, REPO / "tests" / "data", REPO / "tests" / "rules" / "cases"]
    found: list[Path] = []
    for folder in folders:
        found += [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix not in (".py", ".md", ".toml")]
    return found


def _models_agree(path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    ours = parser_module.parse_file(str(path))
    stock = _StockParser(parser_module.get_parser())
    with monkeypatch.context() as patch:
        patch.setattr(parser_module, "get_parser", lambda: stock)
        theirs = parser_module.parse_file(str(path))
    assert theirs.config.to_dict() == ours.config.to_dict(), path
    assert [(p.kind, p.message) for p in theirs.problems if hasattr(p, "kind")] == [
        (p.kind, p.message) for p in ours.problems if hasattr(p, "kind")
    ], path
    return stock.chunks


def test_same_model_as_stock_lark_on_every_test_file(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files()
    assert len(files) > 50
    assert sum(_models_agree(path, monkeypatch) for path in files) > 500


def test_same_model_as_stock_lark_on_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    require_corpus()
    files = sorted(CORPUS.glob("*.monitrc"))
    assert sum(_models_agree(path, monkeypatch) for path in files) > 1000


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        ('chunk: "then"', "filtered out"),
        ("chunk: [THEN]", "placeholders"),
        ("chunk.2: THEN", "priorities"),
        ("_t{x}: x\nchunk: _t{THEN}", "templates"),
    ],
)
def test_grammar_features_the_driver_lacks_are_refused(
    rule: str, complaint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    grammar = tmp_path / "g.lark"
    grammar.write_text(f"%declare THEN\n{rule}\n")
    monkeypatch.setattr("monitlint.grammar.lalr.GRAMMAR_FILE", str(grammar))
    with pytest.raises(GrammarError, match=complaint):
        build_tables()


def test_an_aliased_single_child_alternative_is_not_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    grammar = tmp_path / "g.lark"
    grammar.write_text("%declare THEN\nchunk: item\n?item: THEN -> named\n")
    monkeypatch.setattr("monitlint.grammar.lalr.GRAMMAR_FILE", str(grammar))
    tables = build_tables()

    class Builder:
        def named(self, children: list[Any]) -> str:
            return "named"

        def chunk(self, children: list[Any]) -> list[Any]:
            return children

    assert Parser(tables, Builder(), Node).parse([Token("THEN", "then")]) == ["named"]


def test_a_remembered_program_builds_what_a_fresh_walk_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a shape seen before replay its program: the model is the one a fresh table walk builds."""
    parser = parser_module.get_parser()
    for path in [p for p in _files() if p.stat().st_size < 200_000][:80]:
        monkeypatch.setattr(parser, "_programs", {})
        fresh = parser_module.parse_file(str(path))
        assert parser._programs or not fresh.config.services  # what parsed was remembered
        replayed = parser_module.parse_file(str(path))  # every chunk's shape is known now
        assert replayed.config.to_dict() == fresh.config.to_dict(), path
        assert [str(p) for p in replayed.problems] == [str(p) for p in fresh.problems], path


def test_remembered_programs_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of ever new shapes cannot grow the memory of programs past its bound; a refused chunk leaves none."""
    parser = parser_module.get_parser()
    monkeypatch.setattr(parser, "_programs", {})
    monkeypatch.setattr(lalr_module, "MAX_PROGRAMS", 8)
    test = "  if failed permission 644 then alert\n"
    text = "".join(f"check file f{i} with path /f{i}\n" + test * i for i in range(30))
    parser_module.parse_source(SourceFile("/x/monitrc", text), "/x/monitrc")
    assert 0 < len(parser._programs) <= 8
    parser._programs.clear()
    parser_module.parse_source(SourceFile("/x/monitrc", "check file if\n"), "/x/monitrc")
    assert not parser._programs
