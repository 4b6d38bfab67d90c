"""What the model builder's parts share: parse-tree nodes, spans from tokens, numbers and units.

This is the only place (with ``build_tests``, ``build_settings`` and ``transformer``) that reads
grammar terminal names: everything after the builder sees typed model objects.
"""

from __future__ import annotations

from typing import Any

from monitlint.grammar.tokens import Token
from monitlint.model import (
    Action,
    Checksum,
    Condition,
    HashType,
    Operator,
    Quantity,
    Rate,
    Span,
    SslOptions,
    Subject,
    Unit,
)
from monitlint.runtime.records import record


class Node:
    """A rule with no dedicated method: its name and children."""

    __slots__ = ("_tokens", "children", "data")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data = data
        self.children = children
        self._tokens: list[Token] | None = None

    def tokens(self) -> list[Token]:
        """Every token below this node, in order."""
        if self._tokens is None:
            out: list[Token] = []
            for child in self.children:
                if type(child) is Token:
                    out.append(child)
                elif type(child) is Node:
                    out.extend(child.tokens())
            self._tokens = out
        return self._tokens

    def __repr__(self) -> str:
        return f"Node({self.data!r}, {self.children!r})"


@record(slots=True)
class Statement:
    """A piece that is not a model object of its own: (key, value), applied by the rule around it."""

    key: str
    value: Any


@record(slots=True)
class Outcome:
    """``[rate] then action`` (``recovery`` False) or ``else [if … [rate] then] action`` (True)."""

    rate: Rate | None
    action: Action
    span: Span
    recovery: bool
    bare: bool = False  # `else ACTION`, without `if succeeded|failed … then` (Monit 5.28 and later)


def token_span(first: Token, last: Token | None = None) -> Span:
    """Span from the start of ``first`` to the end of ``last`` (both from the scanner)."""
    if last is None:
        last = first
    file = first.file  # not first.path: a property call, and this runs for most tokens
    path = file.path if file is not None else "<input>"
    return Span(path, first.line, first.column, last.end_line, last.end_column)


def _first_token(item: Any) -> Token | None:
    if isinstance(item, Token):
        return item
    if isinstance(item, Node):
        for tok in item.tokens():
            return tok
    return None


def _last_token(item: Any) -> Token | None:
    if isinstance(item, Token):
        return item
    if isinstance(item, Node):
        toks = item.tokens()
        return toks[-1] if toks else None
    return None


def span_of(children: list[Any]) -> Span:
    """Span covering a rule's children (tokens, nodes, or model objects with spans)."""
    # Runs on most reductions: tokens are read directly (not through Token.path) and no tuple is made.
    path: str | None = None
    line = column = 0
    for child in children:
        kind = type(child)
        tok = child if kind is Token else _first_token(child) if kind is Node else None
        if tok is not None:
            file = tok.file
            path, line, column = file.path if file is not None else "<input>", tok.line, tok.column
            break
        span = getattr(child, "span", None)
        if span is not None:
            path, line, column = span.path, span.line, span.column
            break
    for child in reversed(children):
        kind = type(child)
        tok = child if kind is Token else _last_token(child) if kind is Node else None
        if tok is not None:
            end_line, end_column = tok.end_line, tok.end_column
            break
        span = getattr(child, "span", None)
        if span is not None:
            end_line, end_column = span.end_line, span.end_column
            break
    else:
        path = None
    assert path is not None
    return Span(path, line, column, end_line, end_column)


def words(children: list[Any]) -> list[str]:
    """The text of every token below ``children``, in order."""
    out: list[str] = []
    for child in children:
        if isinstance(child, Token):
            out.append(str(child))
        elif isinstance(child, Node):
            out.extend(str(t) for t in child.tokens())
    return out


# --- operators, numbers and units -------------------------------------------------------------

OPERATORS = {
    "GREATER": Operator.GREATER,
    "GREATEROREQUAL": Operator.GREATER_OR_EQUAL,
    "LESS": Operator.LESS,
    "LESSOREQUAL": Operator.LESS_OR_EQUAL,
    "EQUAL": Operator.EQUAL,
    "NOTEQUAL": Operator.NOT_EQUAL,
    "CHANGED": Operator.CHANGED,
}
BYTE_FACTORS = {"BYTE": 1, "KILOBYTE": 1024, "MEGABYTE": 1024**2, "GIGABYTE": 1024**3}
# A month counts as 31 days in Monit.
TIME_FACTORS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "MONTH": 31 * 86400}
HASH_TYPES = {"MD5HASH": HashType.MD5, "SHA1HASH": HashType.SHA1}
_NUMBERS = frozenset({"NUMBER", "REAL"})


def user_or_id(token: Token) -> str | int:
    """A user or group as Monit reads it: an unquoted NUMBER is an id, anything else (quoted digits too) a name."""
    return int(token) if token.type == "NUMBER" else str(token)


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def quantity(number: Token, units: list[Token], default: Unit, per_second: bool = False) -> Quantity:
    """``number`` with its unit words in canonical units; ``default`` when no unit is written.

    ``per_second``: a byte or packet count is a rate (``10 MB/s``).
    """
    raw = _number(number)
    value: float = raw
    unit = default
    if units:
        kind = units[0].type
        if kind in BYTE_FACTORS:
            value = value * BYTE_FACTORS[kind]
            unit = Unit.BYTES_PER_SECOND if per_second else Unit.BYTES
        elif kind == "PERCENT":
            unit = Unit.PERCENT
        elif kind == "MILLISECOND":
            value = value / 1000
            unit = Unit.SECONDS
        elif kind in TIME_FACTORS:
            value = value * TIME_FACTORS[kind]
            unit = Unit.SECONDS
        elif kind == "OPERATION":
            unit = Unit.OPERATIONS_PER_SECOND
        elif kind == "PACKET":
            unit = Unit.PACKETS_PER_SECOND if per_second else Unit.PACKETS
    if type(value) is float and type(raw) is int and value.is_integer():
        value = int(value)
    written_unit = (str(units[0]) if len(units) == 1 else " ".join(map(str, units))) if units else None
    return Quantity(value, unit, str(number), written_unit)


def comparison(subject: Subject, toks: list[Token], index: int, default: Unit, per_second: bool = False) -> Condition:
    """``[operator] number [units]`` from ``toks[index:]``: a condition on ``subject`` spanning ``toks``."""
    operator = OPERATORS.get(toks[index].type) if index < len(toks) else None
    if operator is not None:
        index += 1
    else:
        operator = Operator.EQUAL  # Monit reads a missing operator as "="
    value = None
    if index < len(toks) and toks[index].type in _NUMBERS:
        value = quantity(toks[index], toks[index + 1 :], default, per_second)
    return Condition(subject, token_span(toks[0], toks[-1]), operator, value, str(toks[0]).lower())


def changed(subject: Subject, toks: list[Token]) -> Condition:
    """``changed X``: a condition without a value."""
    return Condition(subject, token_span(toks[0], toks[-1]), Operator.CHANGED, None, str(toks[-1]).lower())


def checksum(toks: list[Token]) -> Checksum:
    """``… checksum [md5|sha1] [=] VALUE`` (the value is the last token) or ``certmd5 VALUE``."""
    stated = None
    for tok in toks:
        if tok.type in HASH_TYPES:
            stated = HASH_TYPES[tok.type]
    certmd5 = toks[0].type == "CERTMD5"
    if certmd5:
        stated = HashType.MD5
    return Checksum(str(toks[-1]), token_span(toks[0], toks[-1]), stated, certmd5)


_SSL_FILE_OPTIONS = {
    "PEMFILE": "pemfile",
    "PEMCHAIN": "pemchain",
    "PEMKEY": "pemkey",
    "CLIENTPEMFILE": "clientpemfile",
    "CACERTIFICATEFILE": "ca_certificate_file",
    "CACERTIFICATEPATH": "ca_certificate_path",
}


# The `ssl { … }` options that make Monit turn TLS on (all but `ciphers`).
_SSL_SWITCHES = {"VERIFY", "SELFSIGNED", "VERSIONOPT", *_SSL_FILE_OPTIONS}


def ssl_options(node: Node) -> SslOptions:
    """``ssl`` / ``tls`` and its ``{ … }`` options (``node`` is an ``ssl`` or ``set_ssl`` node)."""
    toks = node.tokens()
    options = SslOptions(token_span(toks[0], toks[-1]))
    block = False
    switched = False
    for child in node.children:
        if type(child) is Node and child.data == "ssl_option":
            block = True
            option = child.tokens()
            switched = switched or option[0].type in _SSL_SWITCHES
            ssl_option(options, option)
        elif type(child) is Token and child.type == "LBRACE":
            block = True
    options.enabled = switched or not block
    return options


def merge_ssl(into: SslOptions | None, more: SslOptions) -> SslOptions:
    """Fold a further ``ssl { … }`` of the same statement or test into the first, as Monit does.

    A file option written in both counts as a duplicate; other options: the last one written wins.
    """
    if into is None:
        return more
    into.enabled = into.enabled or more.enabled
    for name in ("verify", "self_signed", "ciphers"):
        if getattr(more, name) is not None:
            setattr(into, name, getattr(more, name))
    into.versions.extend(more.versions)
    into.version_list = into.version_list or more.version_list
    for name in _SSL_FILE_OPTIONS.values():
        value = getattr(more, name)
        if value is None:
            continue
        if getattr(into, name) is not None and name not in into.duplicates:
            into.duplicates.append(name)
        setattr(into, name, value)
    into.duplicates.extend(name for name in more.duplicates if name not in into.duplicates)
    return into


def ssl_option(options: SslOptions, toks: list[Token]) -> None:
    """Apply one ``name: value`` of an ``ssl { … }`` block."""
    key = toks[0].type
    value = toks[2] if len(toks) > 2 else None
    if key == "VERIFY":
        options.verify = value is not None and value.type == "ENABLE"
    elif key == "SELFSIGNED":
        options.self_signed = value is not None and value.type == "ALLOW"
    elif key == "VERSIONOPT":
        written = [str(t).lower() for t in toks[2:]]
        options.versions.extend(written)
        options.version_list = options.version_list or len(written) != 1 or written[0].startswith("-")
    elif key == "CIPHER" and value is not None:
        options.ciphers = str(value)
    elif key in _SSL_FILE_OPTIONS and value is not None:
        name = _SSL_FILE_OPTIONS[key]
        if getattr(options, name) is not None and name not in options.duplicates:
            options.duplicates.append(name)
        setattr(options, name, str(value))
