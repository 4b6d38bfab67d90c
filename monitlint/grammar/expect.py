"""What the grammar accepts next: the expected-token sets behind "expected `cpu`, `memory` or …", for completion.

An editor asks what may follow the text before its cursor.  The statement around the cursor (from
its `set` or `check`) is scanned and run through the parser's LALR loop without building anything;
the terminals acceptable in the state it ends in are the answer, spelled as the keywords a user
types.  Statements before it do not matter: the parser cuts the stream at each `set` and `check`.
"""

from __future__ import annotations

from monitlint.files.source import SourceFile
from monitlint.grammar.keywords import CHECK_TYPES, KEYWORDS, STATEMENT_STARTS
from monitlint.grammar.lexer import Scanner
from monitlint.grammar.tokens import Token

# Terminals a user types as a phrase the scanner reads as one token (or as another of their spellings).
_PHRASES = {"DEPENDS": "depends on", "NOTEVERY": "not every", "RESTART": "restart"}


def _spellings() -> dict[str, str]:
    """Each keyword terminal's longest spelling (``memory`` rather than ``mem``)."""
    spelled: dict[str, str] = {}
    for spelling, terminal in KEYWORDS.items():
        if len(spelling) > len(spelled.get(terminal, "")):
            spelled[terminal] = spelling
    for kind, terminal in CHECK_TYPES.items():
        spelled.setdefault(terminal, f"check {kind}")
    return spelled


def expected_terminals(prefix: str) -> set[str] | None:
    """The terminals the grammar accepts after ``prefix`` (a control file's text up to the cursor).

    ``{"SET", "CHECK…"}`` at the start of a statement; None when the statement before the cursor
    already has a syntax error (nothing sensible can be said).
    """
    from monitlint.grammar.parser import get_parser

    statement: list[Token] = []
    for piece in Scanner(SourceFile("<completion>", prefix)).scan():
        if not isinstance(piece, Token):
            statement = []  # an include: what follows it begins anew
            continue
        if piece.type in STATEMENT_STARTS:
            statement = [piece]
        elif statement:
            statement.append(piece)
    parser = get_parser()
    if not statement:
        return set(STATEMENT_STARTS)
    expected = parser.expected_after(statement)
    if expected is not None and "$END" in expected:
        expected |= STATEMENT_STARTS  # the statement may end here: a new one may begin
    return expected


def keywords_for(terminals: set[str]) -> list[str]:
    """The keywords a user types for ``terminals`` (values such as numbers left out)."""
    spelled = _spellings()
    words = set()
    for terminal in terminals:
        if terminal in _PHRASES:
            words.add(_PHRASES[terminal])
        elif terminal in spelled:
            words.add(spelled[terminal])
    return sorted(words)
