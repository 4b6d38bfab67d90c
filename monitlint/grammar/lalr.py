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
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import Any

from monitlint.grammar.tokens import Token
from monitlint.runtime.records import record

GRAMMAR_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "monitrc.lark")
TABLE_FORMAT = 4  # bump when the layout of Tables changes


@record
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
    refuse_unsupported(lark.rules)
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
                    # As Lark's ExpandSingleChild: an aliased `?rule` alternative is never expanded.
                    expand1 = bool(arg.options.expand1) and not arg.alias
                    rules.append((name, len(arg.expansion), callback, expand1, name.startswith("_"), helpers))
                actions[state][symbol] = -1 - rule_index[arg]
    return Tables(actions, rules, int(table.start_states["chunk"]), int(table.end_states["chunk"]))


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


# Reduction shapes: hand the single child up unchanged; call the builder with the children;
# or shape them as Lark does (splice helper rules, expand a single child) first.
_PASS, _PLAIN, _SHAPED = 0, 1, 2


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
        # Each rule's builder method is looked up when the rule is first reduced: a run reduces
        # a few hundred of the grammar's 1,100 rules, and most lookups fail (Node rules), slowly.
        self._rule_info = [
            (origin, size, expand1, splice, helpers, self._first_call(index))
            for index, (origin, size, _name, expand1, splice, helpers) in enumerate(tables.rules)
        ]
        # How each reduction shapes its children (see parse): most rules are _PLAIN or _PASS.
        self._reduce_mode = [
            _PASS
            if size == 1 and expand1 and not splice and not helpers
            else _SHAPED
            if splice or helpers or (expand1 and size == 1)
            else _PLAIN
            for _origin, size, _name, expand1, splice, helpers in tables.rules
        ]

    def _first_call(self, index: int) -> Callable[[list[Any]], Any]:
        """A callback that looks up rule ``index``'s builder method, puts it in its place, and calls it."""

        def first_call(children: list[Any]) -> Any:
            name = self.tables.rules[index][2]
            method = getattr(self._builder, name, None)
            callback = method if method is not None else functools.partial(self._default, name)
            self._rule_info[index] = (*self._rule_info[index][:5], callback)
            return callback(children)

        return first_call

    def expected(self, state: int) -> set[str]:
        """Terminals acceptable in a parser state."""
        return {symbol for symbol in self.tables.actions[state] if symbol.isupper() or symbol == "$END"}

    def walker(self) -> Walker:
        """A resumable grammar check, for error recovery (see :class:`Walker`)."""
        return Walker(self)

    def parse(self, tokens: Sequence[Token], build: bool = True) -> Any:
        """Parse one chunk; return the model object, or raise ParseFailure.

        With ``build=False`` only the grammar is checked and nothing is built.
        """
        actions = self.tables.actions
        end_state = self.tables.end
        info = self._rule_info
        modes = self._reduce_mode
        state = self.tables.start
        states = [state]
        push_state = states.append
        values: list[Any] = []
        push = values.append
        count = len(tokens)
        symbols = [token.type for token in tokens]
        symbols.append("$END")
        index = 0
        while True:
            action = actions[state].get(symbols[index])
            if action is None:
                raise ParseFailure(index, self.expected(state))
            if action >= 0:
                if index == count:  # the end is accepted by a reduction, never shifted
                    raise ParseFailure(index, set())
                state = action
                push_state(state)
                if build:
                    push(tokens[index])
                index += 1
                continue
            rule = -1 - action
            origin, size, expand1, splice, helpers, callback = info[rule]
            if size:
                del states[-size:]
            state = actions[states[-1]][origin]
            push_state(state)
            if build:
                # Inlined for the common shapes: this runs once per reduction (100,000 for 2,000 services).
                mode = modes[rule]
                if mode == _PLAIN:
                    if size:
                        children = values[-size:]
                        del values[-size:]
                        push(callback(children))
                    else:
                        push(callback([]))
                elif mode == _SHAPED:
                    self._reduce(values, size, expand1, splice, helpers, callback)
                # _PASS: the single child is handed up unchanged
            if index == count and state == end_state:
                return values[-1] if build else None

    @staticmethod
    def _reduce(
        values: list[Any],
        size: int,
        expand1: bool,
        splice: bool,
        helpers: bool,
        callback: Callable[[list[Any]], Any],
    ) -> None:
        """Replace the top ``size`` values by what the rule makes of them."""
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
    """

    def __init__(self, parser: Parser) -> None:
        tables = parser.tables
        self._actions = tables.actions
        self._rules = tables.rules
        self._end = tables.end
        self._expected = parser.expected
        self._states = [tables.start]  # after the accepted tokens, before any lookahead

    def _step(self, states: list[int], symbol: str) -> bool:
        """Reduce as ``symbol`` asks, then shift it (or accept at the end); False when it cannot be."""
        actions = self._actions
        rules = self._rules
        while True:
            action = actions[states[-1]].get(symbol)
            if action is None:
                return False
            if action >= 0:
                if symbol == "$END":  # as in Parser.parse: the end is accepted by a reduction, never shifted
                    states.append(-1)
                    return False
                states.append(action)
                return True
            origin, size = rules[-1 - action][0], rules[-1 - action][1]
            if size:
                del states[-size:]
            states.append(actions[states[-1]][origin])
            if symbol == "$END" and states[-1] == self._end:
                return True

    def feed(self, tokens: Sequence[Token]) -> tuple[int, set[str]] | None:
        """Check the accepted tokens + ``tokens`` as a whole chunk.

        None when it parses (``tokens`` then join the accepted prefix); else the
        index in ``tokens`` (``len(tokens)`` for the end) where it fails and the
        terminals expected there, as :class:`ParseFailure` would give them.
        """
        states = list(self._states)
        for index, token in enumerate(tokens):
            if not self._step(states, token.type):
                return index, self._expected(states[-1])
        after = list(states)
        if not self._step(states, "$END"):
            return len(tokens), set() if states[-1] == -1 else self._expected(states[-1])
        self._states = after
        return None
