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

import binascii
import functools
import operator
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import Any

from monitlint.grammar.tokens import Token
from monitlint.runtime.records import record

GRAMMAR_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "monitrc.lark")
TABLE_FORMAT = 5  # bump when the layout of Tables changes (5: symbols numbered)


@record
class Tables:
    """LALR tables as plain data, every grammar symbol numbered.

    ``symbols[n]`` is the name of symbol ``n`` (a terminal, ``$END`` or a rule name);
    ``actions[state][n]`` is ``state >= 0`` to shift symbol ``n`` (or go to, for a rule
    name), or ``-1 - rule`` to reduce by ``rules[rule]``.
    """

    symbols: list[str]
    actions: list[dict[int, int]]
    # origin (a symbol number), size, callback name, expand single, splice (a helper rule), has helper children
    rules: list[tuple[int, int, str, bool, bool, bool]]
    start: int
    end: int


# Chunk programs kept by a parser (see Parser._program): each one a few hundred bytes.
MAX_PROGRAMS = 4096


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
    refuse_unsupported(lark.rules)
    table = lark.parser.parser.parser.parse_table  # type: ignore[attr-defined]
    symbols: list[str] = []
    number: dict[str, int] = {}

    def symbol_number(name: Any) -> int:
        name = str.__str__(name)  # plain str: unpickling must never need Lark's classes
        if name not in number:
            number[name] = len(symbols)
            symbols.append(name)
        return number[name]

    rule_index: dict[Any, int] = {}
    rules: list[tuple[int, int, str, bool, bool, bool]] = []
    actions: list[dict[int, int]] = [{} for _ in range(max(table.states) + 1)]
    for state, row in table.states.items():
        for symbol, (action, arg) in row.items():
            if action.name == "Shift":
                actions[state][symbol_number(symbol)] = int(arg)
            else:
                if arg not in rule_index:
                    rule_index[arg] = len(rules)
                    name = str.__str__(arg.origin.name)
                    callback = str.__str__(arg.alias) if arg.alias else name
                    helpers = any(not sym.is_term and sym.name.startswith("_") for sym in arg.expansion)
                    # As Lark's ExpandSingleChild: an aliased `?rule` alternative is never expanded.
                    expand1 = bool(arg.options.expand1) and not arg.alias
                    origin = symbol_number(name)
                    rules.append((origin, len(arg.expansion), callback, expand1, name.startswith("_"), helpers))
                actions[state][symbol_number(symbol)] = -1 - rule_index[arg]
    symbol_number("$END")
    return Tables(symbols, actions, rules, int(table.start_states["chunk"]), int(table.end_states["chunk"]))


def refuse_unsupported(rules: Sequence[Any]) -> None:
    """Raise ``GrammarError`` for a grammar feature whose tree shaping :class:`Parser` does not do.

    The driver implements Lark's shaping for ``_helper`` rules, ``?rule`` and ``-> alias``
    only, and hands every token to the builder.  Anything else would build a different
    model from the one stock Lark builds, silently, so it is refused when the tables are made.
    """
    from lark.exceptions import GrammarError

    for rule in rules:
        where = f"rule {rule.origin.name!r} of {os.path.basename(GRAMMAR_FILE)}"
        if rule.options.template_source:
            raise GrammarError(f"{where}: templates are not supported by monitlint's LALR driver")
        if rule.options.empty_indices:
            raise GrammarError(f"{where}: [optional] placeholders are not supported; write (x)? instead")
        if rule.options.priority:
            raise GrammarError(f"{where}: rule priorities are not supported by monitlint's LALR driver")
        for symbol in rule.expansion:
            if symbol.is_term and symbol.filter_out and not rule.options.keep_all_tokens:
                raise GrammarError(f"{where}: anonymous terminal {symbol.name} would be filtered out by Lark")


MAX_TABLE_BYTES = 16 * 1024 * 1024  # the tables pickle is about 200 KB; anything far larger is not ours


def _lark_version() -> str:
    """Lark's version, read from its ``__init__.py`` without importing it (importing costs 90 ms)."""
    import importlib.util
    import re

    from monitlint.files.safe_fs import read_bounded

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
    from monitlint.files.safe_fs import read_bounded

    # A checksum, not a cryptographic hash: the file is trusted by who owns it (see load_tables), the
    # name only tells grammars apart, and hashlib alone is a twentieth of monitlint's start-up.
    grammar = read_bounded(GRAMMAR_FILE, 1 << 20)
    digest = f"{binascii.crc32(grammar):08x}{len(grammar):x}"
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
    the caller and writable by nobody else (see :func:`monitlint.files.safe_fs.read_private`),
    and the unpickler accepts only the ``Tables`` class: a pickle planted by
    another user would otherwise run code, as root when monitlint runs as root.
    """
    import io

    from monitlint.files.safe_fs import cache_root, read_private, write_private

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


# How a reduction shapes its children (see Parser._run): hand the single child up unchanged;
# call the builder with them; append to the list a left-recursive helper rule (`x*`) grows;
# start such a list; or shape them in full as Lark does (splice helper rules, expand a
# single child) first.  Most reductions are one of the first four.
_PASS, _PLAIN, _APPEND, _WRAP, _SHAPED = 0, 1, 2, 3, 4


def _reduce_mode(size: int, expand1: bool, splice: bool, helpers: bool) -> int:
    if size == 1 and expand1 and not splice and not helpers:
        return _PASS
    if splice and helpers and size == 2:
        return _APPEND
    if splice and not helpers and size == 1:
        return _WRAP
    if splice or helpers or (expand1 and size == 1):
        return _SHAPED
    return _PLAIN


_TYPE_OF = operator.attrgetter("type")


class _Numbers(dict[str, int]):
    """Symbol numbers by name; -1 for a name the grammar does not have (``LEXERROR``), refused by every state."""

    def __missing__(self, name: str) -> int:
        return -1


class Parser:
    """Runs the tables over a token list, calling ``builder.<rule>(children)`` on each reduction.

    Children are shaped as Lark shapes them (see :func:`build_tables` for what is refused):
    a ``_helper`` rule's children are spliced into its parent, a ``?rule`` without an alias
    and with a single child is replaced by that child.
    """

    def __init__(self, tables: Tables, builder: object, default: Callable[[str, list[Any]], Any]) -> None:
        self.tables = tables
        self._builder = builder
        self._default = default
        self._number = _Numbers((name, index) for index, name in enumerate(tables.symbols))
        self._end_symbol = self._number["$END"]
        self._programs: dict[tuple[int, ...], tuple[int, ...]] = {}
        # Each rule's builder method is looked up when the rule is first reduced: a run reduces
        # a few hundred of the grammar's 1,100 rules, and most lookups fail (Node rules), slowly.
        self._rule_info = [
            (origin, size, _reduce_mode(size, expand1, splice, helpers), self._first_call(index))
            for index, (origin, size, _name, expand1, splice, helpers) in enumerate(tables.rules)
        ]

    def _first_call(self, index: int) -> Callable[[list[Any]], Any]:
        """A callback that looks up rule ``index``'s builder method, puts it in its place, and calls it."""

        def first_call(children: list[Any]) -> Any:
            name = self.tables.rules[index][2]
            method = getattr(self._builder, name, None)
            callback = method if method is not None else functools.partial(self._default, name)
            self._rule_info[index] = (*self._rule_info[index][:3], callback)
            return callback(children)

        return first_call

    def expected(self, state: int) -> set[str]:
        """Terminals acceptable in a parser state."""
        names = self.tables.symbols
        return {name for name in map(names.__getitem__, self.tables.actions[state]) if name.isupper() or name == "$END"}

    def expected_after(self, tokens: Sequence[Token]) -> set[str] | None:
        """The terminals acceptable after ``tokens`` (a statement's beginning), None if they do not parse."""
        states = [self.tables.start]
        symbols = self.symbols(tokens)
        if self._run(states, symbols, tokens, None) < len(symbols) or states[-1] < 0:
            return None
        return self.expected(states[-1])

    def symbols(self, tokens: Sequence[Token]) -> list[int]:
        """The tokens' symbol numbers (-1 for a type the grammar does not know: refused where it stands)."""
        return list(map(self._number.__getitem__, map(_TYPE_OF, tokens)))

    def walker(self) -> Walker:
        """A resumable grammar check, for error recovery (see :class:`Walker`)."""
        return Walker(self)

    def parse(self, tokens: Sequence[Token], build: bool = True) -> Any:
        """Parse one chunk; return the model object, or raise ParseFailure.

        With ``build=False`` only the grammar is checked and nothing is built.  Building
        replays the chunk's *program* (see :meth:`_program`) over its tokens.
        """
        symbols = self.symbols(tokens)
        symbols.append(self._end_symbol)
        if not build:
            states = [self.tables.start]
            stop = self._run(states, symbols, tokens, None)
            if stop < len(symbols):
                raise ParseFailure(stop, set() if states[-1] < 0 else self.expected(states[-1]))
            return None
        return self._replay(self._program(symbols), tokens)

    def _program(self, symbols: list[int]) -> tuple[int, ...]:
        """What building a chunk of these symbols does, in order: shift ``n`` tokens (``n > 0``), reduce by rule
        ``r`` (``~r``).  Raises ParseFailure.

        LALR is deterministic: the same symbols from the start state take the same steps, so a
        chunk's program depends only on its symbols.  Control files repeat the same shapes of
        statement and service (a fleet's are written from templates), so programs are kept by
        their symbols (at most ``MAX_PROGRAMS``) and a chunk seen before skips the table walk.
        """
        key = tuple(symbols)
        program = self._programs.get(key)
        if program is not None:
            return program
        states = [self.tables.start]
        steps: list[int] = []
        stop = self._run(states, symbols, (), steps)
        if stop < len(symbols):
            raise ParseFailure(stop, set() if states[-1] < 0 else self.expected(states[-1]))
        merged: list[int] = []
        for step in steps:  # runs of shifts as one step
            if step > 0 and merged and merged[-1] > 0:
                merged[-1] += 1
            else:
                merged.append(step)
        program = tuple(merged)
        if len(self._programs) >= MAX_PROGRAMS:
            self._programs.clear()
        self._programs[key] = program
        return program

    def _run(self, states: list[int], symbols: list[int], tokens: Sequence[Token], steps: list[int] | None) -> int:
        """The LALR loop: shift ``symbols`` (and reduce as they ask) onto ``states``, in place.

        Returns how many symbols were consumed: ``len(symbols)`` when every one was shifted
        (or, for ``$END``, accepted); else the index of the one refused, ``states`` left as
        they were when it was refused (with ``-1`` on top when it was ``$END``, which is
        accepted by a reduction, never shifted).  With ``steps``, each shift (``1``) and each
        reduction that builds (``~rule``) is recorded there, for :meth:`_replay`.
        """
        actions = self.tables.actions
        end_state = self.tables.end
        end_symbol = self._end_symbol
        info = self._rule_info
        push_state = states.append
        record = steps.append if steps is not None else None
        state = states[-1]
        for index, symbol in enumerate(symbols):
            while True:
                try:
                    action = actions[state][symbol]
                except KeyError:
                    return index
                if action >= 0:
                    if symbol == end_symbol:
                        push_state(-1)
                        return index
                    state = action
                    push_state(state)
                    if record is not None:
                        record(1)
                    break
                rule = -1 - action
                origin, size, mode, _callback = info[rule]
                if mode == _PASS:  # one child, handed up unchanged: only the state changes
                    state = actions[states[-2]][origin]
                    states[-1] = state
                    if state == end_state and symbol == end_symbol:
                        return index + 1
                    continue
                if size:
                    del states[-size:]
                state = actions[states[-1]][origin]
                push_state(state)
                if record is not None:
                    record(action)  # == ~rule
                if state == end_state and symbol == end_symbol:
                    return index + 1
        return len(symbols)

    def _replay(self, program: tuple[int, ...], tokens: Sequence[Token]) -> Any:
        """Build a chunk by its program: push its tokens, and call the builder at each reduction."""
        values: list[Any] = []
        push = values.append
        info = self._rule_info
        position = 0
        for step in program:
            if step > 0:
                if step == 1:
                    push(tokens[position])
                else:
                    values.extend(tokens[position : position + step])
                position += step
                continue
            _origin, size, mode, callback = info[~step]
            # Inlined for the common shapes: this runs once per reduction (100,000 for 2,000 services).
            if mode == _PLAIN:
                if size:
                    children = values[-size:]
                    del values[-size:]
                    push(callback(children))
                else:
                    push(callback([]))
            elif mode == _APPEND and type(values[-2]) is _Splice:
                child = values.pop()
                if type(child) is _Splice:
                    values[-1].extend(child)
                else:
                    values[-1].append(child)
            elif mode == _WRAP:
                values[-1] = _Splice([values[-1]])
            else:
                self._reduce(values, ~step, callback)
        return values[-1]

    def _reduce(self, values: list[Any], rule: int, callback: Callable[[list[Any]], Any]) -> None:
        """Replace the top values by what ``rule`` makes of them, shaped as Lark shapes them."""
        _origin, size, _name, expand1, splice, helpers = self.tables.rules[rule]
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
            values.append(children if type(children) is _Splice else _Splice(children))
        elif expand1 and len(children) == 1:
            values.append(children[0])
        else:
            values.append(callback(children))


class Walker:
    """The grammar check of :meth:`Parser.parse` (``build=False``), resumable after a prefix.

    Error recovery grows a block statement by statement.  Re-checking the whole
    accepted prefix with each new statement was quadratic (a block of 4,000 good
    statements and one bad one took a minute); the walker keeps the parser's
    state stack after the accepted tokens and checks only the new statement.
    It runs :meth:`Parser._run`, the one LALR loop.
    """

    def __init__(self, parser: Parser) -> None:
        self._parser = parser
        self._states = [parser.tables.start]  # after the accepted tokens, before any lookahead

    def feed(self, tokens: Sequence[Token]) -> tuple[int, set[str]] | None:
        """Check the accepted tokens + ``tokens`` as a whole chunk.

        None when it parses (``tokens`` then join the accepted prefix); else the
        index in ``tokens`` (``len(tokens)`` for the end) where it fails and the
        terminals expected there, as :class:`ParseFailure` would give them.
        """
        parser = self._parser
        states = list(self._states)
        stop = parser._run(states, parser.symbols(tokens), tokens, None)
        if stop < len(tokens):
            return stop, parser.expected(states[-1])
        after = list(states)
        if not parser._run(states, [parser._end_symbol], (), None):
            return len(tokens), set() if states[-1] < 0 else parser.expected(states[-1])
        self._states = after
        return None
