"""Does a `matching`/`content` pattern compile the way Monit compiles it?

Monit hands these patterns to the C library's ``regcomp`` as POSIX extended
regular expressions, whose rules differ from Python's ``re`` (``[[:digit:]]``
is fine, ``(?i)`` is not, ``a{32768}`` is too big).  So the check calls the
same ``regcomp`` through ctypes; only where no C library can be loaded does it
fall back to Python's ``re``, which is close but not exact.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any

REG_EXTENDED = 1  # the same value in glibc, musl and the BSDs
_REGEX_T_BYTES = 1024  # larger than regex_t on every libc we know (glibc: 64)
# glibc expands bounded repetitions when compiling: `((a{255}){255}){255}` takes seconds and
# gigabytes before failing.  Above this many expanded atoms the pattern is refused unread.
MAX_EXPANDED_ATOMS = 1_000_000
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")


@cache
def _libc() -> Any:
    """The C library with regcomp, or None where ctypes cannot load it."""
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        libc = ctypes.CDLL(name) if name else ctypes.CDLL(None)
        libc.regcomp.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        libc.regerror.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        libc.regfree.argtypes = [ctypes.c_void_p]
        return libc
    except (OSError, AttributeError, ImportError):
        return None


def expanded_size(pattern: str) -> int:
    """An upper bound of the atoms a compiler that unrolls ``{n,m}`` would build."""
    stack: list[int] = [0]
    last = 0  # size of the atom a following repetition applies to
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "(":
            stack.append(0)
            last = 0
        elif char == ")" and len(stack) > 1:
            last = stack.pop()
            stack[-1] += last
        elif char == "{" and (match := _REPEAT.match(pattern, index)):
            low, high = int(match.group(1)), match.group(2)
            times = max(low, int(high) if high else low, 1)
            stack[-1] += last * (times - 1)
            last *= times
            index = match.end()
            continue
        else:
            if char == "\\":
                index += 1
            elif char == "[":
                close = pattern.find("]", index + 2)
                index = close if close != -1 else len(pattern)
            last = 1
            stack[-1] += 1
        index += 1
    return sum(stack)


def posix_regex_error(pattern: str) -> str | None:
    """Why ``regcomp(pattern, REG_EXTENDED)`` fails, or None when it compiles."""
    if expanded_size(pattern) > MAX_EXPANDED_ATOMS:
        return "Regular expression too big"
    # A C string ends at the first NUL: Monit sees only what comes before it.
    raw = pattern.encode("utf-8", "surrogateescape").split(b"\0", 1)[0]
    libc = _libc()
    if libc is None:
        return _python_regex_error(pattern)
    import ctypes

    compiled = ctypes.create_string_buffer(_REGEX_T_BYTES)
    code = libc.regcomp(compiled, raw, REG_EXTENDED)
    if code == 0:
        libc.regfree(compiled)
        return None
    message = ctypes.create_string_buffer(256)
    libc.regerror(code, compiled, message, len(message))
    return message.value.decode("utf-8", "replace") or f"regcomp error {code}"


def _python_regex_error(pattern: str) -> str | None:
    """The fallback: Python's ``re``, with its warnings and non-``re.error`` failures contained."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error as exc:
        return str(exc)
    except (OverflowError, RecursionError, MemoryError, ValueError):
        return "Regular expression too big"
    return None
