"""The one sanitiser for every string from outside before it reaches stdout or stderr.

Paths, service names, messages and source lines come from files a stranger may
have committed.  Printed raw, an ESC sequence in a file name clears the screen
or sets the terminal title, and a newline puts ``::error ...::`` or
``::add-mask::`` on a line of its own, which the GitHub runner obeys.  So every
output format and every one-line error passes them through :func:`printable`,
which turns each control character into a visible escape (``\\x1b``, ``\\n``),
and :func:`clip_line` shows a window of a long source line rather than all of
it (a 100 KB line with thousands of findings would otherwise print gigabytes).
"""

from __future__ import annotations

SOURCE_WIDTH = 120  # columns of a source line shown under a finding
MAX_MESSAGE = 2000  # characters of a message or path shown; the rest is cut with "…"
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"


def _escape_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # C0 controls, DEL and the C1 controls (U+009B is a one-character CSI on some terminals).
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        table[code] = f"\\x{code:02x}"
    table.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})
    # Line and paragraph separators (newlines to some readers) and the bidirectional
    # overrides that make text display in an order other than its own.
    for code in [0x2028, 0x2029, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]:
        table[code] = f"\\u{code:04x}"
    # Lone surrogates: the bytes of a file name that is not UTF-8 (os.fsdecode's surrogateescape).
    for code in range(0xD800, 0xE000):
        table[code] = f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"
    return table


_ESCAPES = _escape_table()
# Only the lone surrogates: for formats that escape control characters themselves (JSON, URIs).
_NOT_UTF8 = {code: text for code, text in _ESCAPES.items() if 0xD800 <= code < 0xE000}


def printable(text: str, *, keep: str = "") -> str:
    """``text`` with every control character shown as a visible escape; the characters in ``keep`` stay."""
    if keep:
        table = dict(_ESCAPES)
        for char in keep:
            table.pop(ord(char), None)
        return text.translate(table)
    return text.translate(_ESCAPES)


def not_utf8_escaped(text: str) -> str:
    """``text`` with the bytes of a file name that are not UTF-8 shown as ``\\xNN``, as :func:`printable` shows them.

    A name read from disk keeps such bytes as lone surrogates (``os.fsdecode``), which no
    UTF-8 document can hold: escaped this one way, every format names the file alike.
    """
    return text.translate(_NOT_UTF8)


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters with a ``…`` mark when longer."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def message(text: str) -> str:
    """A message, path or name for one line of output: clipped, then made printable."""
    return printable(clip(text))


def _cell(char: str) -> str:
    # A tab counts as one column in reported positions, so it shows as one space.
    return " " if char == "\t" else printable(char)


def clip_line(line: str, column: int, end_column: int, width: int = SOURCE_WIDTH) -> tuple[str, int, int]:
    """A printable window of ``line`` around columns ``column``..``end_column`` (1-based, end exclusive).

    Returns the shown text, the 0-based offset of the caret in it and the caret's
    width.  At most ``width`` columns of the line are shown, a third of them
    before the finding, with ``…`` where the line was cut; only the window is
    examined, so the cost does not grow with the line.
    """
    length = len(line)
    start = min(max(column - 1, 0), length)
    end = max(min(end_column - 1, length), start + 1)
    left, used = start, 0
    while left > 0 and used + len(_cell(line[left - 1])) <= width // 3:
        left -= 1
        used += len(_cell(line[left]))
    right = start
    while right < length and used + len(_cell(line[right])) <= width:
        used += len(_cell(line[right]))
        right += 1
    while left > 0 and used + len(_cell(line[left - 1])) <= width:  # a short tail leaves room on the left
        left -= 1
        used += len(_cell(line[left]))
    before = "".join(_cell(char) for char in line[left:start])
    marked = "".join(_cell(char) for char in line[start:right])
    prefix = ELLIPSIS if left > 0 else ""
    suffix = ELLIPSIS if right < length else ""
    caret_width = sum(len(_cell(char)) for char in line[start : min(end, right)])
    return prefix + before + marked + suffix, len(prefix) + len(before), max(1, caret_width)
