"""A small LALR(1) driver over tables that Lark computes from monitrc.lark.

Lark analyses the grammar (once, then the tables are cached in the user's
cache folder); this module runs them.  Loading the cached tables needs only
``pickle`` and no Lark import, which keeps every run after the first fast,
and the driver calls the model builder directly, without building a tree.

The reduction semantics are Lark's: rules whose name starts with ``_`` (the
helpers Lark generates for ``x*``) are spliced into their parent, ``?rule``
with a single child is replaced by that child, ``-> alias`` names the callback.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from monitlint.grammar.tokens import Token

GRAMMAR_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "monitrc.lark")
TABLE_FORMAT = 3  # bump when the layout of Tables changes


@dataclass
class Tables:
    """LALR tables as plain data.

    ``actions[state][symbol]`` is ``state >= 0`` to shift (or go to, for a rule
    name), or ``-1 - rule`` to reduce by ``rules[rule]``.
    """

    actions: list[dict[str, int]]
    # origin, size, callback name, expand single, splice (a helper rule), has helper children
    rules: list[tuple[str, int, str, bool, bool, bool]]
    start: int
    end: int


class ParseFailure(Exception):
    """The token at ``index`` (``len(tokens)`` for the end) is not acceptable here."""

    def __init__(self, index: int, expected: set[str]) -> None:
        super().__init__(index)
        self.index = index
        self.expected = expected


class _Splice(list[Any]):
    """Children of a Lark helper rule, to be spliced into the parent's children."""


def build_tables() -> Tables:
    """Analyse the grammar with Lark (slow; done once, then cached)."""
    from lark import Lark
    from lark.lexer import Lexer

    class _NoLexer(Lexer):
        def __init__(self, conf: object) -> None:
            pass

        def lex(self, data: Any) -> Any:  # type: ignore[override]  # never used: our scanner makes the tokens
            return iter(data)

    with open(GRAMMAR_FILE, encoding="utf-8") as handle:
        grammar = handle.read()
    lark = Lark(grammar, parser="lalr", lexer=_NoLexer, start="chunk")
    table = lark.parser.parser.parser.parse_table  # type: ignore[attr-defined]
    rule_index: dict[Any, int] = {}
    rules: list[tuple[str, int, str, bool, bool, bool]] = []
    actions: list[dict[str, int]] = [{} for _ in range(max(table.states) + 1)]
    for state, row in table.states.items():
        for symbol, (action, arg) in row.items():
            symbol = str.__str__(symbol)  # plain str: unpickling must never need Lark's classes
            if action.name == "Shift":
                actions[state][symbol] = int(arg)
            else:
                if arg not in rule_index:
                    rule_index[arg] = len(rules)
                    name = str.__str__(arg.origin.name)
                    callback = str.__str__(arg.alias) if arg.alias else name
                    helpers = any(not sym.is_term and sym.name.startswith("_") for sym in arg.expansion)
                    rules.append(
                        (name, len(arg.expansion), callback, bool(arg.options.expand1), name.startswith("_"), helpers)
                    )
                actions[state][symbol] = -1 - rule_index[arg]
    return Tables(actions, rules, int(table.start_states["chunk"]), int(table.end_states["chunk"]))


MAX_TABLE_BYTES = 16 * 1024 * 1024  # the tables pickle is about 200 KB; anything far larger is not ours


def _lark_version() -> str:
    """Lark's version, read from its ``__init__.py`` without importing it (importing costs 90 ms)."""
    import importlib.util
    import re

    from monitlint.safe_fs import read_bounded

    try:
        spec = importlib.util.find_spec("lark")
        origin = spec.origin if spec is not None else None
        text = read_bounded(origin, 1 << 20).decode("utf-8", "replace") if origin else ""
    except (OSError, ImportError, ValueError):
        return "unknown"
    match = re.search(r"""^__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)["']""", text, re.MULTILINE)
    return match.group(1) if match else "unknown"


def _cache_name() -> str:
    """The tables' file name: the grammar's hash, the table layout, Python's and Lark's versions."""
    from monitlint.safe_fs import read_bounded

    digest = hashlib.sha256(read_bounded(GRAMMAR_FILE, 1 << 20)).hexdigest()[:16]
    version = f"{TABLE_FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}-lark{_lark_version()}"
    return f"monitrc-tables-{digest}-{version}.pickle"


class _TablesUnpickler(pickle.Unpickler):
    """Unpickles a :class:`Tables` and nothing else: no other class or function can be named by the file."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, "Tables"):
            return Tables
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the parser tables")


@functools.lru_cache(maxsize=1)
def load_tables() -> Tables:
    """The LALR tables: from the cache when it is there and trusted, else built and cached (atomically).

    A cached file is loaded only from a private cache folder, when it is owned by
    the caller and writable by nobody else (see :func:`monitlint.safe_fs.read_private`),
    and the unpickler accepts only the ``Tables`` class: a pickle planted by
    another user would otherwise run code, as root when monitlint runs as root.
    """
    import io

    from monitlint.safe_fs import cache_root, read_private, write_private

    folder = cache_root()
    name = _cache_name()
    data = read_private(folder, name, MAX_TABLE_BYTES) if folder is not None else None
    if data is not None:
        try:
            tables = _TablesUnpickler(io.BytesIO(data)).load()
            if isinstance(tables, Tables):
                return tables
        except Exception:  # damaged or foreign: rebuild below
            pass
    tables = build_tables()
    if folder is not None:  # an unwritable cache only costs time
        write_private(folder, name, pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
    return tables


_TYPE_OF = operator.attrgetter("type")
MAX_PROGRAMS = 5000  # recorded block shapes kept (a few MB at most); past that, start over


class Parser:
    """Runs the tables over a token list, calling ``builder.<rule>(children)`` on each reduction."""

    def __init__(self, tables: Tables, builder: object, default: Callable[[str, list[Any]], Any]) -> None:
        self.tables = tables
        callbacks: list[Callable[[list[Any]], Any]] = []
        for _origin, _size, name, _expand1, _splice, _helpers in tables.rules:
            method = getattr(builder, name, None)
            callbacks.append(method if method is not None else functools.partial(default, name))
        self.callbacks = callbacks
        self._programs: dict[tuple[str, ...], list[int]] = {}
        self._rule_info = [
            (size, expand1, splice, helpers, callbacks[index])
            for index, (_origin, size, _name, expand1, splice, helpers) in enumerate(tables.rules)
        ]
        # Rules that hand their single child up unchanged: a replay can skip them.
        self._passthrough = {
            index
            for index, (_origin, size, _name, expand1, splice, helpers) in enumerate(tables.rules)
            if size == 1 and expand1 and not splice and not helpers
        }

    def expected(self, state: int) -> set[str]:
        """Terminals acceptable in a parser state."""
        return {symbol for symbol in self.tables.actions[state] if symbol.isupper() or symbol == "$END"}

    def parse(self, tokens: Sequence[Token], build: bool = True) -> Any:
        """Parse one chunk; return the model object, or raise ParseFailure.

        With ``build=False`` only the grammar is checked (used while recovering from errors).
        The LALR moves depend only on the token types, and large configs repeat the same
        shapes of block again and again: the moves of a shape are found once, with the
        tables, and then only replayed.
        """
        shape = tuple(map(_TYPE_OF, tokens))
        program = self._programs.get(shape)
        if program is None:
            program = self._moves(shape)
            if len(self._programs) >= MAX_PROGRAMS:
                self._programs.clear()
            self._programs[shape] = program
        return self._replay(program, tokens) if build else None

    def _moves(self, shape: tuple[str, ...]) -> list[int]:
        """Walk the tables over token types: -1 for each shift, the rule index of each reduction.

        Reductions that hand their single child up unchanged are left out: replaying
        them would change nothing.  Raises ParseFailure where no move is possible.
        """
        actions = self.tables.actions
        rules = self.tables.rules
        end_state = self.tables.end
        passthrough = self._passthrough
        program: list[int] = []
        record = program.append
        state = self.tables.start
        states = [state]
        for index, symbol in enumerate((*shape, "$END")):
            while True:  # reduce until the symbol can be shifted
                action = actions[state].get(symbol)
                if action is None:
                    raise ParseFailure(index, self.expected(state))
                if action >= 0:
                    state = action
                    states.append(state)
                    record(-1)
                    break
                rule = -1 - action
                origin, size = rules[rule][0], rules[rule][1]
                if rule not in passthrough:
                    record(rule)
                if size:
                    del states[-size:]
                state = actions[states[-1]][origin]
                states.append(state)
                if symbol == "$END" and state == end_state:
                    return program
        raise ParseFailure(len(shape), set())  # not reached: $END is accepted or refused above

    def _replay(self, program: list[int], tokens: Sequence[Token]) -> Any:
        """Run the moves over the tokens, calling the builder on each reduction."""
        values: list[Any] = []
        push = values.append
        info = self._rule_info
        index = 0
        for move in program:
            if move < 0:
                push(tokens[index])
                index += 1
                continue
            size, expand1, splice, helpers, callback = info[move]
            if size:
                children = values[-size:]
                del values[-size:]
            else:
                children = []
            if helpers:
                first = children[0] if children else None
                if splice and type(first) is _Splice:
                    # Left recursion (`x*`, `x+`): grow the list built so far in place; copying it
                    # at every item would make a list of n items cost n*n/2 copies.
                    flat: list[Any] = first
                    rest = children[1:]
                else:
                    flat = []
                    rest = children
                for child in rest:
                    if type(child) is _Splice:
                        flat.extend(child)
                    else:
                        flat.append(child)
                children = flat
            if splice:
                push(children if type(children) is _Splice else _Splice(children))
            elif expand1 and len(children) == 1:
                push(children[0])
            else:
                push(callback(children))
        return values[-1]
