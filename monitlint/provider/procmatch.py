"""Monit's `matching` test at run time: POSIX ``regcomp``/``regexec``, as Monit itself calls them.

Python's ``re`` reads ``[[:digit:]]``, ``a**`` and friends differently from the C
library, so looking processes up with it finds other processes than Monit does.
The size guard of :mod:`monitlint.posix_regex` is applied before compiling.
"""

from __future__ import annotations

import ctypes
import re
import warnings
from typing import Any, Protocol

from monitlint import posix_regex

REG_EXTENDED = 1
REG_NOSUB = 8  # the value in glibc and musl; Monit compiles with REG_NOSUB|REG_EXTENDED
_REGEX_T_BYTES = 1024


class Matcher(Protocol):
    """Something that says whether a command line matches."""

    def search(self, text: str) -> Any:
        """A true value when ``text`` matches."""


def pattern_error(pattern: str) -> str | None:
    """Why Monit could not compile ``pattern`` (size guard included), or None."""
    return posix_regex.posix_regex_error(pattern)


class _PosixRegex:
    """A compiled ``regex_t`` of the C library."""

    def __init__(self, libc: Any, pattern: str) -> None:
        self._libc = libc
        self._buffer = ctypes.create_string_buffer(_REGEX_T_BYTES)
        raw = pattern.encode("utf-8", "surrogateescape").split(b"\0", 1)[0]
        if libc.regcomp(self._buffer, raw, REG_EXTENDED | REG_NOSUB) != 0:
            raise ValueError(f"cannot compile {pattern!r}")

    def search(self, text: str) -> bool:
        """regexec(text) == 0; the text ends at its first NUL, as a C string does."""
        raw = text.encode("utf-8", "surrogateescape").split(b"\0", 1)[0]
        return bool(self._libc.regexec(self._buffer, raw, 0, None, 0) == 0)

    def __del__(self) -> None:
        self._libc.regfree(self._buffer)


def compile_pattern(pattern: str) -> Matcher:
    """Compile ``pattern`` as Monit does; Python's ``re`` only where no C library can be loaded."""
    libc = posix_regex._libc()
    if libc is not None:
        libc.regexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_int]
        return _PosixRegex(libc, pattern)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return re.compile(pattern)
