"""A scanner that reads monitrc text the way Monit's flex scanner (``src/l.l``) does.

Lark's own lexers cannot reproduce Monit's scanner: it is stateful (service
names, dependency lists, program strings, cron specs, URLs, mail headers), it
reserves keywords everywhere, drops noise words, and treats ``include`` as a
splice in the token stream.  So this module scans by hand, with the same
longest-match rules, and the Lark LALR parser consumes its tokens.

The scanner is laid out as ``src/l.l`` is, so the two can be compared rule by rule: the
``INITIAL`` rules first (the main loop, then the composite lexemes that switch state), then
one section per flex start condition in ``l.l``'s order (``SERVICE_COND``, ``DEPEND_COND``,
``ARGUMENT_COND``, ``URL_COND``, ``ADDRESS_COND``, ``STRING_COND``, ``EVERY_COND``,
``HTTP_HEADER_COND``, ``INCLUDE``), each headed by its name.

Tokens carry their file and 1-based positions.  Scanner errors (an unclosed
quote, a bad cron spec) become ``LEXERROR`` tokens so the parser reports them
in place, as Monit does.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager

from monitlint.files.source import SourceFile
from monitlint.grammar.keywords import CHECK_TYPES, CPU_STATES, KEYWORDS, NOISE_WORDS, STATEMENT_STARTS
from monitlint.grammar.tokens import Token
from monitlint.model import Comment as Comment  # re-exported: the include expander imports it from here
from monitlint.runtime.hooks import Hook
from monitlint.runtime.records import record

# A "word" character in Monit's scanner: any byte from 0x22 up except these.
_W = r"[^\x00-\x21\"';(),%@:{}]"
# Blanks (and the separators Monit ignores) are skipped as part of each match, so the
# scanner loop runs once per lexeme rather than once per lexeme and once per gap.
_MASTER = re.compile(
    rf"""[ \t\r\n;,()]*
       (?:(?P<comment>\#[^\n]*)
         |(?P<word>{_W}+)
         |(?P<dq>"[^"]*")
         |(?P<sq>'[^']*')
         |(?P<other>[\s\S])
         |(?P<eof>\Z))""",
    re.VERBOSE,
)
_WORD = re.compile(rf"{_W}+")
_NUMBER = re.compile(r"[0-9]+\Z")
_REAL = re.compile(r"[0-9]+\.[0-9]+\Z")
# l.l's {ipv6}[/]?[0-9]{0,3}: RFC 3986's nine forms, each with ls32 as two hextets or an IPv4 address.
# Flex takes the longest match, so each form is its own pattern (see _ipv6_end).
_H16 = "[0-9A-Fa-f]{1,4}"
_DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4 = rf"{_DEC_OCTET}\.{_DEC_OCTET}\.{_DEC_OCTET}\.{_DEC_OCTET}"


@functools.cache
def _ipv6_forms() -> tuple[re.Pattern[str], ...]:
    """The nine forms, compiled when first needed: a third of the scanner's import, for text most files lack."""
    return tuple(
        re.compile(form.replace("LS32", ls32) + "/?[0-9]{0,3}")
        for form in (
            rf"(?:{_H16}:){{6}}LS32",
            rf"::(?:{_H16}:){{5}}LS32",
            rf"(?:{_H16})?::(?:{_H16}:){{4}}LS32",
            rf"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}LS32",
            rf"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}LS32",
            rf"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:LS32",
            rf"(?:(?:{_H16}:){{0,4}}{_H16})?::LS32",
            rf"(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}",
            rf"(?:(?:{_H16}:){{0,6}}{_H16})?::",
        )
        for ls32 in ((f"{_H16}:{_H16}", _IPV4) if "LS32" in form else ("",))
    )


def _ipv6_end(text: str, pos: int) -> int:
    """Where l.l's IPv6 rule would end a lexeme starting at ``pos`` (``pos`` when it does not match)."""
    end = pos
    for form in _ipv6_forms():
        m = form.match(text, pos)
        if m is not None and m.end() > end:
            end = m.end()
    return end


# Flex folds the case of ASCII letters only: `checK` with a Kelvin sign, `ſystem` with a long s are
# plain words to Monit (Python's IGNORECASE alone would fold them to `check` and `system`).
_I = re.IGNORECASE | re.ASCII
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Composite lexemes: a keyword followed by more text on the same line.
# l.l's rules are all check[ \t]+…: `check` and a newline is a word (a syntax error), see _composite.
_CHECK = re.compile(
    r"check(?:[ \t]+(filesystem|file|fifo|device|directory|host|network|system|process(?=[ \t])|program))?",
    _I,
)
# Blanks are l.l's {ws}, [ \r\t], where Monit's rule uses {ws}.
# Possessive blanks (*+): with two optional runs of blanks side by side, a failed match
# would otherwise try every split of a long run of blanks (quadratic; 100 KB took minutes).
_METHOD = re.compile(r"(start|stop|restart)[ \r\t]*+(?:program[ \r\t]*+)?(?:=[ \r\t]*+)?\"", _I)
_EXEC = re.compile(r"(?:exec|execute)[ \r\t]*\"", _I)
_PATH_ARGS = re.compile(r"path[ \r\t]*\"", _I)
_DEPENDS = re.compile(r"depends?[ \t]+(?:on[ \t]*)?", _I)
_GROUP = re.compile(r"group[ \t]+", _I)
_NOT_EVERY = re.compile(r"not +every", _I)
_HTTP_HEADERS = re.compile(r"http headers(?=[ \t\r])", _I)
_INCLUDE_QUOTED = re.compile(r"\"[^\"\r\n]+\"|'[^'\r\n]+'")
_HOSTGROUPS = re.compile(r"hostgroups[ \r\t]+", _I)  # l.l 5.34: "hostgroups"{ws}
_ADDRESS_HDR = re.compile(r"(from|reply-to):[ \t]*", _I)
_SUBJECT = re.compile(r"subject:[^}\n]*", _I)
_MESSAGE = re.compile(r"message:[^}]*", _I)
_SSL_ENABLE = re.compile(r"ssl[ \t]+enable|enable +ssl", _I)
_SSL_DISABLE = re.compile(r"ssl[ \t]+disable|disable[ \t]+ssl", _I)
_LOADAVG = re.compile(r"loadavg *+(?:\( *+(1|5|15) *+(?:(?:min|m) *+)?\))?", _I)
_CPU_STATE = re.compile(r"cpu *+(?:usage)*+ *+\( *+([a-z]*+) *+\)", _I)
_TOTAL = re.compile(r"total ?(cpu|memory|mem)", _I)
_SERVICE_TIME = re.compile(r"service ?time", _I)
_TIME_UNIT = re.compile(r"(access|change|modification|modify) (timestamp|time)", _I)
_CRON = re.compile(r"[\"'][ \r\t]*([0-9,*\-]+(?:[ \r\t]+[0-9,*\-]+){4})[ \r\t]*[\"']")
# Monit's scanner (src/l.l) in the HTTP_HEADER state, its rules in its order.
_HEADER_RULES = (
    ("skip", re.compile(r"[ \r\t;,()]+")),
    ("skip", re.compile(r"\[")),
    ("skip", re.compile(r"\n")),
    ("name", re.compile(r"[^\t\r\n,\[\]:]+(?=:)")),
    ("value", re.compile(r":(?:[ \r\t]*\"[^\"]+\"|[ \r\t]*'[^']+'|[^\r\n\],:]+)")),
    ("end", re.compile(r"\]")),
)

# Monit 5.34's scanner (src/l.l) in the HOSTGROUP state, its rules in its order.
_HOSTGROUP_RULES = (
    ("skip", re.compile(r"[ \r\t;,()]+")),
    ("skip", re.compile(r"\[")),
    ("skip", re.compile(r"\n")),
    ("name", re.compile(r"[^\r\n\[\] \t,]+")),
    ("quoted", re.compile(r"[ \r\t]*(?:\"[^\"]+\"|'[^']+')")),
    ("end", re.compile(r"\]")),
)

# A single-quoted service name (SERVICE and DEPEND states): \'[^\000-\037\"\n]+\', the longest match.
_SINGLE_QUOTED_NAME = re.compile(r"'[^\x00-\x1f\"]+'")

# Monit's scanner (src/l.l) in the DEPEND state: separators, a newline amid them, and the way out.
_DEPEND_BLANKS = re.compile(r"[ \r\t;,()]+")
_DEPEND_NEWLINE = re.compile(r"[ \r\t;,()]*\n[ \r\t;,()]*")
_DEPEND_LEAVE = re.compile(r"[ \r\n\t]+[^,]")

# Monit's scanner (src/l.l) in the URL state: the rules after `user` and `password` (which
# `Scanner._url` matches itself), in l.l's order; within a URL no blank is left to match.
_URL_RULES = (
    ("host", re.compile(r"[a-zA-Z0-9\-]+(?:\.[a-zA-Z0-9\-]+)*")),
    ("ipv6", re.compile(r"\[[0-9a-zA-Z.:%]+\]")),
    ("port", re.compile(r":[0-9]+")),
    ("path", re.compile(r"/[^?#\r\n ]*")),
    ("query", re.compile(r"\?[^#\r\n ]*")),
    ("fragment", re.compile(r"#[^\r\n ]*")),
)


def _next_positions(text: str, start: int, stop: int) -> tuple[list[int], list[int]]:
    """For each offset of ``text[start:stop]``: where the next ``@`` and the next ``:`` are (``stop`` if none)."""
    length = stop - start
    next_at = [stop] * (length + 1)
    next_colon = [stop] * (length + 1)
    for offset in range(length - 1, -1, -1):
        char = text[start + offset]
        next_at[offset] = start + offset if char == "@" else next_at[offset + 1]
        next_colon[offset] = start + offset if char == ":" else next_colon[offset + 1]
    return next_at, next_colon


# Which composite forms a word may begin; keeps the common path to one dict lookup.
_COMPOSITE_LEADERS = frozenset(
    [
        "check",
        "depend",
        "depends",
        "group",
        "every",
        "not",
        "http",
        "hostgroups",
        "from",
        "reply-to",
        "subject",
        "message",
        "ssl",
        "enable",
        "disable",
        "loadavg",
        "cpu",
        "total",
        "service",
        "access",
        "change",
        "modification",
        "modify",
        "include",
        "path",
    ]
)
_METHOD_PREFIXES = ("start", "stop", "restart", "exec")
_COMPOSITE_PREFIXES = (*_METHOD_PREFIXES, "cpuusage")
PIECE_MAX = 4096  # tokens handed over at once at most

# One lookup per word: a keyword's token type, or one of these two markers.
_NOISE = "<noise>"
_COMPOSITE = "<composite>"
_WORD_CLASS: dict[str, str] = {
    **KEYWORDS,
    **dict.fromkeys(NOISE_WORDS, _NOISE),
    **dict.fromkeys(_COMPOSITE_LEADERS, _COMPOSITE),
    **{word: _COMPOSITE for word in KEYWORDS if word.startswith(_METHOD_PREFIXES)},
}

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", " ": " "}
_ESCAPE_RE = re.compile(r"\\(0x[0-9A-Fa-f]{2}|[nrt\\ ])")


def unescape(value: str) -> str:
    """Apply Monit's escape processing to a quoted value (``src/util.c``)."""
    if "\\" not in value:
        return value

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("0x"):
            byte = int(code[2:], 16)
            return match.group(0) if byte == 0 else chr(byte)
        return _ESCAPES[code]

    return _ESCAPE_RE.sub(replace, value)


def unquote(raw: str) -> str:
    """Strip a quoted token the way Monit does: quotes, then surrounding blanks and quotes."""
    return unescape(raw[1:-1].strip(" \t\r\n\"'"))


def _new_token(
    type_: str,
    value: str,
    start: int,
    line: int,
    column: int,
    end_line: int,
    end_column: int,
    end: int,
    file: SourceFile,
) -> Token:
    """``Token(...)``, made without the Python-level ``__new__`` call (a third of a token's cost)."""
    token = str.__new__(Token, value)
    token.type = type_
    token.start_pos = start
    token.line = line
    token.column = column
    token.end_line = end_line
    token.end_column = end_column
    token.end_pos = end
    token.file = file
    return token


def moved_tokens(tokens: Sequence[Token], source: SourceFile, delta: int, lines: int) -> list[Token]:
    """``tokens`` of an earlier scan, made anew in ``source``: offsets moved by ``delta``, lines by ``lines``.

    Columns stay (see grammar/kept_scans.py for when that holds); made as the scanner makes tokens.
    """
    moved: list[Token] = []
    add = moved.append
    new_str = str.__new__
    value_of = str.__str__
    for old in tokens:
        token = new_str(Token, value_of(old))
        token.type = old.type
        token.start_pos = old.start_pos + delta
        token.end_pos = old.end_pos + delta
        token.line = old.line + lines
        token.end_line = old.end_line + lines
        token.column = old.column
        token.end_column = old.end_column
        token.file = source
        add(token)
    return moved


# Runs of characters the sub-scanners skip or take, matched in C rather than a character at a time.
_BLANKS = re.compile(r"[ \t\r\n]*")
_NON_BLANKS = re.compile(r"[^ \t\r\n]*")
_ARGUMENT_WORD = re.compile(r'[^ \t\r\n"]*')
_URL_REACH = re.compile(r"[^ \n]*")
_TO_LINE_END_OR_BRACE = re.compile(r"[^\n}]*")

# Monit's scanner (src/l.l) in the ADDRESS state: {address} and {addrname}.
_MAIL_ADDRESS = re.compile(r"[^\x00-\x20!<>{}\[\]]+")
_MAIL_NAME = re.compile(r"[^\x00-\x1f@<>{}\[\]]+")


@record
class IncludeRequest:
    """An ``include`` statement seen by the scanner, to be spliced by the caller."""

    file: SourceFile
    pattern: str
    line: int
    column: int
    end_line: int
    end_column: int


# Monit's flex scanner uses REJECT, so its 16 KB input buffer cannot grow: a single lexeme
# (a comment line, a word, a quoted string) longer than this many bytes makes `monit -t` exit
# with "input buffer overflow" (bisected with monit 5.33: 16382 bytes pass, 16383 fail).
MAX_LEXEME_BYTES = 16382


_SURELY_FITS = MAX_LEXEME_BYTES // 4  # characters: at most 4 bytes each in UTF-8


def _too_long(text: str, start: int, end: int) -> int:
    """The lexeme's size in bytes when Monit's buffer cannot hold it, else 0."""
    if end - start <= _SURELY_FITS:  # at most 4 bytes a character: cannot overflow
        return 0
    size = len(text[start:end].encode("utf-8", "surrogateescape"))
    return size if size > MAX_LEXEME_BYTES else 0


_BLANK_RUN = re.compile(rf"[ \r\t;,()]{{{MAX_LEXEME_BYTES + 1},}}")


def _long_blank_run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A run of blanks (l.l's {wws}, one lexeme) between ``start`` and ``end`` longer than Monit's buffer."""
    m = _BLANK_RUN.search(text, start, end)
    return m.span() if m else None


def _longest_rule(
    rules: tuple[tuple[str, re.Pattern[str]], ...], text: str, pos: int, trailing: str = ""
) -> tuple[str, re.Match[str] | None]:
    """Flex's choice among a start condition's rules at ``pos``: the longest match, a tie to the rule
    written first; a ``trailing`` rule's match counts one character more (its trailing context)."""
    best, rule, match = 0, "", None
    for kind, pattern in rules:
        m = pattern.match(text, pos)
        if m is not None:
            length = m.end() - pos + (1 if kind == trailing else 0)
            if length > best:
                best, rule, match = length, kind, m
    return rule, match


# What scans a file for the include expander: Scanner itself, or a stand-in that keeps the last
# scan of each file and rescans only what an edit touched (grammar/reuse.py, the language server).
_SCANNER_FOR: Hook[Callable[[SourceFile], Scanner]] = Hook("monitlint_scanner_for")


def scanners_from(make: Callable[[SourceFile], Scanner]) -> AbstractContextManager[None]:
    """While active, :func:`scanner_for` makes each file's scanner with ``make``."""
    return _SCANNER_FOR.lent(make)


def scanner_for(source: SourceFile) -> Scanner:
    """The scanner of ``source``: a :class:`Scanner`, or what :func:`scanners_from` makes."""
    make = _SCANNER_FOR.get()
    return Scanner(source) if make is None else make(source)


class Scanner:
    """Scans one file; yields ``Token`` and ``IncludeRequest`` objects in order."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.text = source.text
        self.line_starts = source.line_starts
        # Line starts and a bound past the end: the line of offset o is the index i with
        # bounds[i] <= o < bounds[i + 1].  Tokens come in order, so the line is found by
        # walking on from the last one (a line at a time) rather than by a search per token.
        self._bounds = [*source.line_starts, len(self.text) + 1]
        self._line = 0  # the index of the last token's line
        self.comments: list[Comment] = []
        self._program_flag = False  # set after "check program" (src/l.l)
        self._no_quote_from = len(self.text)  # no "'" at or after this offset (once a search failed)

    # -- token construction -------------------------------------------------

    def _token(self, type_: str, value: str, start: int, end: int) -> Token:
        bounds = self._bounds
        index = self._line
        if start < bounds[index]:
            index = bisect_right(bounds, start) - 1
        while start >= bounds[index + 1]:
            index += 1
        self._line = index
        line, column = index + 1, start - bounds[index] + 1
        if end <= start:
            end_line, end_column = line, column
        elif self.text.find("\n", start, end) != -1:
            end_line, end_column = self.source.position(end)
        else:
            end_line, end_column = line, column + end - start
        return _new_token(type_, value, start, line, column, end_line, end_column, end, self.source)

    def _error(self, message: str, start: int, end: int) -> Token:
        return self._token("LEXERROR", message, start, max(end, start + 1))

    def _overflow(self, size: int, start: int) -> Token:
        """Monit stops at a lexeme its input buffer cannot hold; so does the scan."""
        message = (
            f"input buffer overflow: this lexeme is {size} bytes, "
            f"longer than the {MAX_LEXEME_BYTES} bytes Monit's scanner can hold"
        )
        return self._error(message, start, start + 1)

    def _overflowing(self, items: Sequence[Token | IncludeRequest]) -> Token | None:
        """The overflow error for the first token too long for Monit's buffer (names, URLs, subjects …)."""
        for item in items:
            if type(item) is Token and item.end_pos - item.start_pos > _SURELY_FITS:
                size = _too_long(self.text, item.start_pos, item.end_pos)
                if size:
                    return self._overflow(size, item.start_pos)
        return None

    # -- <INITIAL>: the main loop: keywords, noise words, words, numbers, strings, comments ---------

    def scan(self) -> Iterator[Token | IncludeRequest]:
        """Yield the file's tokens and include requests in source order."""
        for item in self.pieces():
            if type(item) is list:
                yield from item
            else:
                yield item  # type: ignore[misc]

    def pieces(self, start: int = 0) -> Iterator[list[Token] | IncludeRequest]:
        """Yield the file's tokens in pieces, and its include requests, in source order.

        A new piece starts at each `set` or `check` token (where Monit's top-level
        statements begin), after an include, and every PIECE_MAX tokens; pieces are
        never empty.  Handing over lists rather than single tokens keeps the layers
        above (includes, statement cutting) out of the per-token loop.  ``start`` resumes
        at the offset of a `check` that began a piece in a scan of the same text before it
        (where the scanner's state is the one a `check` sets: grammar/kept_scans.py and the
        slices of grammar/includes.py rely on it, each checking that the offset is such a place).
        """
        text = self.text
        pos = start
        size = len(text)
        master = _MASTER.match
        bounds = self._bounds
        line_index = self._line = bisect_right(bounds, start) - 1 if start else 0
        source = self.source
        new_str = str.__new__
        piece: list[Token] = []
        add = piece.append
        while pos < size:
            if len(piece) >= PIECE_MAX:  # text that is not Monit can be millions of words
                yield piece
                piece = []
                add = piece.append
            # Never None: the last alternatives match any character, or the end of the text.
            m: re.Match[str] = master(text, pos)  # type: ignore[assignment]
            kind: str = m.lastgroup  # type: ignore[assignment]
            begin = pos  # where the match began: the blanks before the lexeme
            pos, end = m.span(kind)
            if pos - begin > MAX_LEXEME_BYTES and (blank := _long_blank_run(text, begin, pos)) is not None:
                add(self._overflow(blank[1] - blank[0], blank[0]))  # a run of blanks is one lexeme to flex
                break
            if kind == "word":
                if end - pos > _SURELY_FITS and (size_ := _too_long(text, pos, end)):
                    add(self._overflow(size_, pos))
                    break
                word = text[pos:end]
                lower = word.lower() if word.isascii() else word.translate(_ASCII_LOWER)
                type_ = _WORD_CLASS.get(lower)  # a keyword's type, _NOISE, _COMPOSITE or None
                # `startprogram=…`, `cpuusage(user)` (l.l's cpu[ ]*(usage)*): composites a word may begin.
                if type_ is _COMPOSITE or (type_ is None and lower.startswith(_COMPOSITE_PREFIXES)):
                    self._line = line_index
                    result = self._composite(lower, pos, end)
                    if result is not None:
                        overflow = self._overflowing(result[0])
                        if overflow is not None:
                            add(overflow)
                            break
                        for item in result[0]:
                            if type(item) is IncludeRequest:
                                if piece:
                                    yield piece
                                    piece = []
                                    add = piece.append
                                yield item
                            elif item.type in STATEMENT_STARTS and piece:  # type: ignore[union-attr]
                                yield piece
                                piece = [item]  # type: ignore[list-item]
                                add = piece.append
                            else:
                                add(item)  # type: ignore[arg-type]
                        pos = result[1]
                        continue
                    type_ = _NOISE if lower in NOISE_WORDS else KEYWORDS.get(lower)
                after = text[end] if end < size else ""
                if after == "@":
                    at_end = _WORD.match(text, end + 1)
                    if at_end is not None:
                        add(self._token("MAILADDR", text[pos : at_end.end()], pos, at_end.end()))
                        pos = at_end.end()
                        continue
                elif after == ":":
                    if text.startswith("://", end) and end + 2 < size and word.isalnum():
                        url_tokens = list(self._url(pos))
                        overflow = self._overflowing(url_tokens)
                        if overflow is not None:
                            add(overflow)
                            break
                        for url_token in url_tokens:
                            add(url_token)
                        pos = self._url_end
                        continue
                    if (ipv6_end := _ipv6_end(text, pos)) > end:
                        add(self._token("STRING", text[pos:ipv6_end], pos, ipv6_end))
                        pos = ipv6_end
                        continue
                start = pos
                pos = end
                if type_ is _NOISE:
                    continue
                if type_ is None:
                    if word[0] == "/":
                        type_ = "PATH"
                    elif word.isdecimal() and word.isascii():
                        type_ = "NUMBER"
                    elif "." in word and _REAL.match(word):
                        type_ = "REAL"
                    elif word == "\\":
                        continue  # a lone backslash (line continuation) is thrown away
                    else:
                        type_ = "STRING"
                elif type_ == "SET" and piece:
                    yield piece
                    piece = []
                    add = piece.append
                # The hot path: a word never spans lines, and its line is the last token's or a later one.
                while start >= bounds[line_index + 1]:
                    line_index += 1
                # Token(...) inlined (a Python __new__ call is a third of a word's cost).
                token = new_str(Token, word)
                token.type = type_
                token.start_pos = start
                token.line = token.end_line = line_index + 1
                token.column = column = start - bounds[line_index] + 1
                token.end_column = column + end - start
                token.end_pos = end
                token.file = source
                add(token)
            elif kind == "eof":
                break
            elif kind == "comment":
                if end - pos > _SURELY_FITS and (size_ := _too_long(text, pos, end)):
                    add(self._overflow(size_, pos))
                    break
                self._comment(pos, end)
                pos = end
            elif kind in ("dq", "sq"):
                if end - pos > _SURELY_FITS and (size_ := _too_long(text, pos, end)):
                    add(self._overflow(size_, pos))
                    break
                raw = m.group(kind)
                inner = raw[1:-1]
                type_ = "PATH" if inner.startswith("/") and "\n" not in inner else "STRING"
                add(self._token(type_, unquote(raw), pos, end))
                pos = end
            else:
                char = m.group(kind)
                if char in "\"'":
                    add(self._error("unbalanced quotes", pos, pos + 1))
                    pos = self._skip_line(pos)
                    continue
                if char == "!" and text.startswith("!=", pos):
                    add(self._token("NOTEQUAL", "!=", pos, pos + 2))
                    pos += 2
                    continue
                if char == ":" and (ipv6_end := _ipv6_end(text, pos)) > pos + 1:
                    add(self._token("STRING", text[pos:ipv6_end], pos, ipv6_end))
                    pos = ipv6_end
                    continue
                self._program_flag = False
                add(self._token(_SINGLE_CHARS.get(char, "BADCHAR"), char, pos, end))
                pos = end
        if piece:
            yield piece

    def _skip_line(self, pos: int) -> int:
        nl = self.text.find("\n", pos)
        return len(self.text) if nl == -1 else nl

    def _comment(self, start: int, end: int) -> None:
        line, column = self.source.position(start)
        line_start = self.source.line_starts[line - 1]
        own_line = self.text[line_start:start].strip() == ""
        self.comments.append(Comment(self.source.path, line, column, self.text[start:end], own_line))

    # -- <INITIAL>: composite lexemes (a keyword and more text) and the switches into other states --

    def _composite(self, lower: str, pos: int, word_end: int) -> tuple[list[Token | IncludeRequest], int] | None:
        """Try the multi-part lexemes a word may begin; None means 'plain word'."""
        text = self.text
        wlen = word_end - pos
        first = lower[0]
        if first == "c":
            if lower == "check":
                if word_end >= len(text) or text[word_end] not in " \t":
                    return None
                m = _CHECK.match(text, pos)
                assert m is not None
                kind = m.group(1)
                type_ = CHECK_TYPES[kind.lower()] if kind else "CHECKPROC"
                self._program_flag = type_ == "CHECKPROGRAM"
                tokens: list[Token | IncludeRequest] = [self._token(type_, m.group(), pos, m.end())]
                name, after = self._service_name(m.end())
                if name is not None:
                    tokens.append(name)
                return tokens, after
            if lower.startswith("cpu"):
                m = _CPU_STATE.match(text, pos)
                if m and m.end() - pos >= wlen:
                    state = CPU_STATES.get(m.group(1).lower())
                    if state is None:
                        return [self._error(f"unknown cpu state '{m.group(1)}'", pos, m.end())], m.end()
                    return [self._token(state, m.group(), pos, m.end())], m.end()
                return None
            if lower in ("change",):
                return self._simple(_TIME_UNIT, "CTIME", pos, wlen)
            return None
        if lower.startswith(_METHOD_PREFIXES):
            regex = _EXEC if first == "e" else _METHOD
            m = regex.match(text, pos)
            if m and m.end() - pos >= wlen:
                type_ = "EXEC" if first == "e" else m.group(1).upper()
                head = self._token(type_, m.group()[:-1].rstrip(), pos, m.end() - 1)
                args, after = self._arguments(m.end())
                return [head, *args], after
            return None
        if first == "d":
            if lower in ("depend", "depends"):
                m = _DEPENDS.match(text, pos)
                if m:
                    return self._depend_list(pos, m.end())
                return None
            if lower == "disable":
                m = _SSL_DISABLE.match(text, pos)
                if m:
                    return [], m.end()
            return None
        if first == "g":
            m = _GROUP.match(text, pos)
            if m:
                return self._group_name(pos, m.end())
            return None
        if first == "e":
            if lower == "every":
                return self._every("EVERY", pos, word_end)
            if lower == "enable":
                return self._simple(_SSL_ENABLE, "SSLTOKEN", pos, wlen)
            return None
        if first == "n":
            m = _NOT_EVERY.match(text, pos)
            if m:
                return self._every("NOTEVERY", pos, m.end())
            return None
        if first == "h":
            m = _HTTP_HEADERS.match(text, pos)
            if m:
                return self._http_headers(pos, m.end())
            m = _HOSTGROUPS.match(text, pos)
            if m and wlen == 10:
                return self._hostgroups(pos, m.end())
            return None
        if first in "fr":
            m = _ADDRESS_HDR.match(text, pos)
            if m:
                type_ = "MAILFROM" if m.group(1).lower() == "from" else "MAILREPLYTO"
                return self._mail_address(type_, pos, m.end())
            return None
        if first == "s":
            if lower == "subject":
                m = _SUBJECT.match(text, pos)
                if m:
                    value = m.group()[len("subject:") :].strip()
                    return [self._token("MAILSUBJECT", value, pos, m.end())], m.end()
                return None
            if lower == "ssl":
                m = _SSL_DISABLE.match(text, pos)
                if m:
                    return [], m.end()
                return self._simple(_SSL_ENABLE, "SSLTOKEN", pos, wlen)
            if lower == "service":
                return self._simple(_SERVICE_TIME, "SERVICETIME", pos, wlen)
            return None
        if first == "m":
            if lower == "message":
                m = _MESSAGE.match(text, pos)
                if m:
                    value = m.group()[len("message:") :].strip()
                    return [self._token("MAILBODY", value, pos, m.end())], m.end()
                return None
            return self._simple(_TIME_UNIT, "MTIME", pos, wlen)
        if first == "a":
            return self._simple(_TIME_UNIT, "ATIME", pos, wlen)
        if first == "l":
            m = _LOADAVG.match(text, pos)
            if m and m.end() - pos >= wlen:
                type_ = {"5": "LOADAVG5", "15": "LOADAVG15"}.get(m.group(1) or "1", "LOADAVG1")
                return [self._token(type_, m.group(), pos, m.end())], m.end()
            return None
        if first == "t":
            m = _TOTAL.match(text, pos)
            if m and m.end() - pos > wlen:
                type_ = "TOTALCPU" if m.group(1).lower() == "cpu" else "TOTALMEMORY"
                return [self._token(type_, m.group(), pos, m.end())], m.end()
            return None
        if first == "i" and lower == "include":
            return self._include(pos, word_end)
        if first == "p" and lower == "path" and self._program_flag:
            m = _PATH_ARGS.match(text, pos)
            if m:
                head = self._token("PATHTOK", "path", pos, pos + 4)
                args, after = self._arguments(m.end())
                return [head, *args], after
        return None

    def _simple(
        self, regex: re.Pattern[str], type_: str, pos: int, wlen: int
    ) -> tuple[list[Token | IncludeRequest], int] | None:
        m = regex.match(self.text, pos)
        if m and m.end() - pos > wlen:
            return [self._token(type_, m.group(), pos, m.end())], m.end()
        return None

    # -- <SERVICE_COND>: the name after `check <type>` (and `check program`'s state) ---------------

    def _service_name(self, pos: int) -> tuple[Token | None, int]:
        """SERVICE state: the name after ``check <type>``."""
        text = self.text
        size = len(text)
        pos = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= size:
            return None, pos
        char = text[pos]
        if char == '"':
            end = text.find('"', pos + 1)
            body = text[pos + 1 : end] if end != -1 else ""
            if end == -1 or not body or any(c < " " for c in body):
                return self._error("unbalanced quotes", pos, pos + 1), self._skip_line(pos)
            return self._token("SERVICENAME", unquote(text[pos : end + 1]), pos, end + 1), end + 1
        if char == "'":
            quoted = _SINGLE_QUOTED_NAME.match(text, pos)
            if quoted is None:
                return self._error("unbalanced quotes", pos, pos + 1), self._skip_line(pos)
            end = quoted.end() - 1
            return self._token("SERVICENAME", unquote(text[pos : end + 1]), pos, end + 1), end + 1
        m = _WORD.match(text, pos)
        if m is None:
            return None, pos
        return self._token("SERVICENAME", m.group(), pos, m.end()), m.end()

    def _service_name_inline(self, pos: int) -> tuple[Token | None, int]:
        text = self.text
        if pos >= len(text):
            return None, pos
        if text[pos] in "\"'":
            # Monit's single-quoted name runs to the last quote before a control character or a
            # double quote: 'a', 'b' is one name.
            if text[pos] == "'":
                quoted = _SINGLE_QUOTED_NAME.match(text, pos)
                end = quoted.end() - 1 if quoted is not None else -1
            else:
                end = text.find('"', pos + 1)
            body = text[pos + 1 : end] if end != -1 else ""
            if end == -1 or not body or "\n" in body:
                return None, pos
            return self._token("SERVICENAME", unescape(body), pos, end + 1), end + 1
        m = _WORD.match(text, pos)
        if m is None:
            return None, pos
        return self._token("SERVICENAME", m.group(), pos, m.end()), m.end()

    # -- <DEPEND_COND>: `depends on a, b, c` -------------------------------------------------------

    def _depend_list(self, start: int, pos: int) -> tuple[list[Token | IncludeRequest], int]:
        """DEPEND state: service names after ``depends on``, rule by rule as flex reads them.

        At each position the longest of these wins (a tie goes to the first): blanks and
        separators (``[ \\r\\t;,()]+``, stay), a newline with them around it (stay), a service
        name, and blanks/newlines followed by anything but a comma (leave, giving that character
        back).  So ``a, b``, ``a,b`` and a comma at the start of the next line continue the list;
        ``a b`` or a new line without a comma end it.
        """
        text = self.text
        size = len(text)
        tokens: list[Token | IncludeRequest] = [self._token("DEPENDS", text[start:pos].rstrip(), start, pos)]
        while pos < size:
            blank = _DEPEND_BLANKS.match(text, pos)
            newline = _DEPEND_NEWLINE.match(text, pos)
            leave = _DEPEND_LEAVE.match(text, pos)
            name, after = self._service_name_inline(pos)
            lengths = (
                blank.end() - pos if blank else 0,
                newline.end() - pos if newline else 0,
                after - pos if name is not None else 0,
                leave.end() - pos if leave else 0,
            )
            best = max(lengths)
            if not best:
                break
            rule = lengths.index(best)
            if rule == 2:
                tokens.append(name)  # type: ignore[arg-type]
            elif rule == 3:
                return tokens, pos + best - 1  # the character after the blanks is read again, outside the list
            pos += best
        return tokens, pos

    # -- <ARGUMENT_COND>: the words of a double-quoted program string (start/stop/restart/exec/path) ---

    def _arguments(self, pos: int) -> tuple[list[Token | IncludeRequest], int]:
        """ARGUMENT state: split a double-quoted program string into argv (no shell)."""
        text = self.text
        size = len(text)
        tokens: list[Token | IncludeRequest] = []
        while True:
            pos = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= size:
                # flex ends the scan at the end of the file in any state: Monit takes the words read
                # so far as the program (`start program = "/bin/true` as the last line is accepted).
                return tokens, pos
            char = text[pos]
            if char == '"':
                return tokens, pos + 1
            end = _ARGUMENT_WORD.match(text, pos).end()  # type: ignore[union-attr]
            if char == "'":
                # flex's longest match between \'[^\']*\' (a quoted argument), a lone \' (an
                # error) and [^ \t\n"]+ (a word, which may hold quotes: `'echo` in "sh -c 'echo hi").
                # A tie goes to the rule written first: quoted, then the error, then the word.
                close = text.find("'", pos + 1) if pos < self._no_quote_from else -1
                if close == -1:
                    self._no_quote_from = min(self._no_quote_from, pos)  # keeps many `'x` words linear
                elif close + 1 - pos >= end - pos:
                    if too_long := _too_long(text, pos, close + 1):
                        tokens.append(self._overflow(too_long, pos))
                        return tokens, size
                    value = unescape(text[pos + 1 : close])
                    tokens.append(self._token("PATH" if value.startswith("/") else "STRING", value, pos, close + 1))
                    pos = close + 1
                    continue
                if close == -1 and end - pos == 1:
                    tokens.append(self._error("unbalanced quotes", pos, pos + 1))
                    return tokens, size
            if too_long := _too_long(text, pos, end):
                tokens.append(self._overflow(too_long, pos))
                return tokens, size
            value = text[pos:end]
            tokens.append(self._token("PATH" if value.startswith("/") else "STRING", value, pos, end))
            pos = end

    # -- <URL_COND>: `scheme://user:password@host:port/path?query` ---------------------------------

    def _url(self, pos: int) -> Iterator[Token]:
        """URL state: ``scheme://user:password@host:port/path?query#fragment``, rule by rule as flex reads it.

        At each position the longest match among Monit's URL rules wins (a tie goes to the rule
        written first: the end of the URL, at blanks or a newline, then ``user``, ``password``
        and ``_URL_RULES``); a character no rule matches is an error there, as in ``monit -t``.
        A path, query or fragment may hold a tab.  ``user`` (``[^:@ ]+`` before ``:password@``)
        and ``password`` (``:[^@ ]+@``) look ahead for ``@``: the next ``:`` and ``@`` of every
        position are found once, so a long URL costs linear time.  (Monit lets those two run
        across a newline; here a URL ends at the line's end.)
        """
        text = self.text
        size = len(text)
        scheme_end = text.index("://", pos)
        scheme = text[pos:scheme_end]
        start = scheme_end + 3
        stop = _URL_REACH.match(text, start).end()  # type: ignore[union-attr]  # not past a space or a newline
        if stop < size and text[stop] == "\n":
            # l.l's user ([^:@ ]+ before :[^@: ]+@) and password (:[^@ ]+@) may run across newlines:
            # when an `@` follows with no space before it, the URL may go on to that `@`'s line.
            at = text.find("@", stop, min(size, stop + MAX_LEXEME_BYTES))
            if at != -1 and text.find(" ", stop, at) == -1:
                stop = _URL_REACH.match(text, at + 1).end()  # type: ignore[union-attr]
        self._url_end = stop
        if scheme.lower() not in ("http", "https"):
            yield self._error(f"URL protocol not supported -- '{scheme}'", pos, stop)
            return
        next_at, next_colon = _next_positions(text, start, stop)
        scan = start
        host = False
        while scan < stop:
            char = text[scan]
            best, rule, consumed = 0, "", 0
            if char in " \r\t\n":
                best, rule = 1, "end"
            if char not in ":@":  # user: [^:@ ]+ then `:` [^@: ]+ `@` (trailing context)
                colon = next_colon[scan - start]
                if colon < next_at[scan - start] and colon + 1 < stop:
                    at = next_at[colon + 1 - start]
                    if colon + 1 < at < stop and at < next_colon[colon + 1 - start] and at + 1 - scan > best:
                        best, rule, consumed = at + 1 - scan, "user", colon - scan
            elif char == ":" and scan + 1 < stop:  # password: `:` [^@ ]+ `@`
                at = next_at[scan + 1 - start]
                if scan + 1 < at < stop and at + 1 - scan > best:
                    best, rule, consumed = at + 1 - scan, "password", at + 1 - scan
            for name, pattern in _URL_RULES:
                m = pattern.match(text, scan, stop)
                if m is not None and m.end() - scan > best:
                    best, rule, consumed = m.end() - scan, name, m.end() - scan
            if rule == "end":
                break
            if not best:
                yield self._error(f"syntax error in URL at {char!r}: no part of a URL starts here", scan, stop)
                return
            host = host or rule in ("host", "ipv6")
            scan += consumed
        self._url_end = scan
        if scan >= size:
            yield self._error("a URL at the very end of the file is not read by Monit (add a newline)", pos, scan)
        elif not host:
            yield self._error("missing hostname in URL", pos, scan)
        else:
            yield self._token("URLOBJECT", text[pos:scan], pos, scan)

    _url_end = 0

    # -- <ADDRESS_COND>: `from:` / `reply-to:` in a mail-format block ------------------------------

    def _mail_address(self, type_: str, start: int, pos: int) -> tuple[list[Token | IncludeRequest], int]:
        """ADDRESS state: a ``from:``/``reply-to:`` line of a mail-format block."""
        text = self.text
        end = _TO_LINE_END_OR_BRACE.match(text, pos).end()  # type: ignore[union-attr]
        # flex's ADDRESS state, rule by rule: the longest match of {address} (no blanks, no <>{}[])
        # and {addrname} (blanks allowed, no '@'), a tie going to {address}; lone <>[] are skipped;
        # any other character is "invalid mail format".  The last {address} read is the address.
        address: str | None = None
        scan = pos
        while scan < end:
            as_address = _MAIL_ADDRESS.match(text, scan, end)
            as_name = _MAIL_NAME.match(text, scan, end)
            long_address = as_address.end() if as_address else scan
            long_name = as_name.end() if as_name else scan
            if long_address > scan and long_address >= long_name:
                address = text[scan:long_address]
                scan = long_address
            elif long_name > scan:
                scan = long_name
            elif text[scan] in "<>[]":
                scan += 1
            else:
                return [self._error(f"invalid mail format {text[scan]!r}", scan, scan + 1)], end
        if address is None:
            return [self._error("missing address", start, end)], end
        return [self._token(type_, address, start, end)], end

    # -- <STRING_COND>: the name after `group` -----------------------------------------------------

    def _group_name(self, start: int, pos: int) -> tuple[list[Token | IncludeRequest], int]:
        """STRING state: exactly one group name, no spaces even inside quotes."""
        text = self.text
        size = len(text)
        head = self._token("GROUP", "group", start, start + 5)
        # Newlines are passed over (`group ` at the end of a line takes its name from the start of
        # the next one, as monit -t accepts); a blank or a separator such as `(` there is an error.
        while pos < size and text[pos] == "\n":
            pos += 1
        if pos < size and text[pos] in "\"'":
            quote = text[pos]
            m = _WORD.match(text, pos + 1)
            if m and m.end() < len(text) and text[m.end()] == quote:
                return [head, self._token("STRINGNAME", m.group(), pos, m.end() + 1)], m.end() + 1
            return [
                head,
                self._error("unbalanced quotes (a group name cannot contain spaces)", pos, pos + 1),
            ], self._skip_line(pos)
        m = _WORD.match(text, pos)
        if m is None:
            return [head], pos
        return [head, self._token("STRINGNAME", m.group(), pos, m.end())], m.end()

    # -- <EVERY_COND>: `every N cycles` or a cron spec ---------------------------------------------

    def _every(self, type_: str, start: int, pos: int) -> tuple[list[Token | IncludeRequest], int]:
        """EVERY state: a number of cycles or a quoted five-field cron spec."""
        text = self.text
        size = len(text)
        head = self._token(type_, text[start:pos], start, pos)
        pos = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]
        if pos < size and "0" <= text[pos] <= "9":
            # l.l's {number} in this state: the digits alone (`every 2cycles` is 2, then `cycles`).
            end = pos
            while end < size and "0" <= text[end] <= "9":
                end += 1
            return [head, self._token("NUMBER", text[pos:end], pos, end)], end
        m = _CRON.match(text, pos)
        if m:
            return [head, self._token("TIMESPEC", m.group(1), pos, m.end())], m.end()
        end = pos + 1
        if pos < size and text[pos] in "\"'":
            close = text.find(text[pos], pos + 1)
            end = close + 1 if close != -1 else end
        return [
            head,
            self._error("invalid every format: expected a number of cycles or a quoted 5-field cron spec", pos, end),
        ], end

    # -- <HTTP_HEADER_COND>: `http headers [Name: value, ...]` -------------------------------------

    def _http_headers(self, start: int, pos: int) -> tuple[list[Token | IncludeRequest], int]:
        """HTTP_HEADER state: ``http headers [Name: value, ...]``, rule by rule as flex reads it.

        At each position the longest of Monit's rules wins (a tie goes to the first, see
        ``_HEADER_RULES``): separators, ``[`` and newlines are skipped, ``Name`` (with the
        ``:`` after it counting for the match) is remembered, ``:value`` makes a header (so
        ``Host: a.example:8080`` is two), ``]`` ends the list, any other character is an error.
        """
        text = self.text
        size = len(text)
        tokens: list[Token | IncludeRequest] = [self._token("LSQB", "http headers", start, pos)]
        name = ""
        name_start = pos
        while pos < size:
            rule, match = _longest_rule(_HEADER_RULES, text, pos, trailing="name")  # the `:` after a name counts
            if match is None:
                return [*tokens, self._error(f"invalid HTTP header list format {text[pos]!r}", pos, pos + 1)], pos + 1
            if rule == "end":
                tokens.append(self._token("RSQB", "]", pos, pos + 1))
                return tokens, pos + 1
            if rule == "name":
                name, name_start = match.group().strip(), pos
            elif rule == "value":
                value = match.group()[1:].strip(" \t\r")
                if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0]:
                    value = value[1:-1]
                tokens.append(self._token("HTTPHEADER", f"{name}: {value}", min(name_start, pos), match.end()))
                name_start = match.end()
            pos = match.end()
        tokens.append(self._error("invalid HTTP header list format: missing ']'", start, pos))
        return tokens, pos

    # -- <HOSTGROUP_COND>: `hostgroups [ Oslo, "Mail servers" ]` (Monit 5.34) ----------------------

    def _hostgroups(self, start: int, pos: int) -> tuple[list[Token | IncludeRequest], int]:
        """HOSTGROUP state: the longest of Monit's rules at each position (a tie to the first)."""
        text = self.text
        size = len(text)
        tokens: list[Token | IncludeRequest] = [self._token("LSQB", "hostgroups", start, pos)]
        while pos < size:
            rule, match = _longest_rule(_HOSTGROUP_RULES, text, pos)
            if match is None:
                return [*tokens, self._error("invalid hostgroup list format", pos, pos + 1)], pos + 1
            if rule == "end":
                tokens.append(self._token("RSQB", "]", pos, pos + 1))
                return tokens, pos + 1
            if rule in ("name", "quoted"):
                name = match.group().lstrip(" \r\t")
                if rule == "quoted":
                    name = name[1:-1]
                tokens.append(self._token("HOSTGROUPNAME", name, pos, match.end()))
            pos = match.end()
        return tokens, pos

    # -- <INCLUDE>: the pattern after `include` ----------------------------------------------------

    def _include(self, start: int, pos: int) -> tuple[list[Token | IncludeRequest], int]:
        """INCLUDE state: read the pattern; the caller splices the files in."""
        text = self.text
        size = len(text)
        pos = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]
        quoted = _INCLUDE_QUOTED.match(text, pos)
        if quoted is not None:  # l.l: \"[^\"\r\n]+\" (or single quotes)
            end = quoted.end()
            pattern = text[pos + 1 : end - 1]
        else:
            # Unquoted, or a quote never closed on its line: l.l's [^ \t\r\n]+, quote and all
            # (`include "/x` names a file that does not exist: Monit warns and reads on).
            end = _NON_BLANKS.match(text, pos).end()  # type: ignore[union-attr]
            pattern = text[pos:end]
        if not pattern and end == pos and pos >= size:  # `include` as the last word: flex just ends
            return [], end
        if not pattern and end == pos:  # `include` and nothing after it
            return [self._error("include needs a file name or glob pattern", start, end)], end
        # `include ""` names nothing: Monit warns ("Include failed") and reads on, as for a missing file.
        line, column = self.source.position(start)
        end_line, end_column = self.source.position(end)
        return [IncludeRequest(self.source, pattern, line, column, end_line, end_column)], end


_SINGLE_CHARS = {
    "{": "LBRACE",
    "}": "RBRACE",
    ":": "COLON",
    "@": "AT",
    "%": "PERCENT",
}
