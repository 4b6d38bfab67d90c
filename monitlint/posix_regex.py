"""Does a `matching`/`content` pattern compile the way Monit compiles it?

Monit hands these patterns to the C library's ``regcomp`` as POSIX extended
regular expressions, whose rules differ from Python's ``re`` (``[[:digit:]]``
is fine, ``(?i)`` is not, ``a{32768}`` is too big).  So the check calls the
same ``regcomp`` through ctypes; only where no C library can be loaded does it
fall back to Python's ``re``, which is close but not exact.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from functools import cache
from typing import Any

from monitlint.runtime import budgets

REG_EXTENDED = 1  # the same value in glibc, musl and the BSDs
_REGEX_T_BYTES = 1024  # larger than regex_t on every libc we know (glibc: 64)
# glibc expands bounded repetitions when compiling: `((a{255}){255}){255}` takes seconds and
# gigabytes before failing.  Above this many expanded atoms the pattern is refused unread.
MAX_EXPANDED_ATOMS = 1_000_000
# Optional copies cost far more than their count: `a{,32767}` is 32,767 atoms but takes 8 GB
# and 6 s, `((a{,40}){,40}){,12}` 19,200 atoms and 560 MB.  So a pattern above this many
# atoms is compiled first in a forked child under memory and CPU limits, and only if that
# succeeds in the process itself.
IN_PROCESS_ATOMS = 2_000
TRIAL_MEMORY = 512 * 1024 * 1024  # bytes a trial compile may add to the address space
TRIAL_CPU_SECONDS = 5
MAX_TRIALS = 64  # forked trial compiles per process; past that, large patterns are refused
TOO_BIG = "Regular expression too big"
# GNU forms too: `{,n}` means `{0,n}`, and an open `{n,}` costs one copy more than `{n}`.
_REPEAT = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_trials_left = MAX_TRIALS
# All trial compiles of one process together: a file of 64 slow patterns must not cost minutes.
TRIAL_TOTAL_SECONDS = 20.0
_trial_seconds_left = TRIAL_TOTAL_SECONDS
# glibc's regcomp recurses once per nested group: 16,000 levels crash the process (stack overflow),
# 2,000 do not.  Deeper than this, a pattern is compiled only in a child process first.
MAX_NESTING = 1000
TOO_DEEP = "Regular expression nested too deeply"


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
        libc.regexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_int]
        return libc
    except (OSError, AttributeError, ImportError):
        return None


def _bracket_end(pattern: str, index: int) -> int:
    """The index of the ``]`` closing the bracket expression that opens at ``index`` (or the end)."""
    position = index + 1
    if position < len(pattern) and pattern[position] == "^":
        position += 1
    if position < len(pattern) and pattern[position] == "]":  # a leading `]` is a member, not the end
        position += 1
    while position < len(pattern):
        char = pattern[position]
        if char == "[" and position + 1 < len(pattern) and pattern[position + 1] in ":.=":
            close = pattern.find(pattern[position + 1] + "]", position + 2)  # [:alpha:], [.x.], [=e=]
            if close == -1:
                return len(pattern)
            position = close + 2
            continue
        if char == "]":
            return position
        position += 1
    return len(pattern)


def expanded_size(pattern: str) -> int:
    """An upper bound of the atoms a compiler that unrolls ``{n,m}`` would build.

    Every repetition form counts: ``{n}`` as n copies, ``{n,m}`` and ``{,m}`` as
    m (at least n), and an open ``{n,}`` as n + 1, nested ones multiplying, inside
    groups as well as around them.
    """
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
        elif char == "{" and (match := _REPEAT.match(pattern, index)) and (match.group(1) or match.group(2)):
            low = int(match.group(1) or 0)
            if match.group(2) is None:
                times = low
            elif match.group(3):
                times = max(low, int(match.group(3)))
            else:
                times = low + 1
            times = max(times, 1)
            stack[-1] += last * (times - 1)
            last *= times
            index = match.end()
            continue
        else:
            if char == "\\":
                index += 1
            elif char == "[":
                index = _bracket_end(pattern, index)
            last = 1
            stack[-1] += 1
        index += 1
    return sum(stack)


def nesting_depth(pattern: str) -> int:
    """The deepest nesting of groups in ``pattern`` (escaped and bracketed parentheses do not count)."""
    depth = deepest = 0
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 1
        elif char == "[":
            index = _bracket_end(pattern, index)
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")" and depth:
            depth -= 1
        index += 1
    return deepest


def _c_pattern(pattern: str) -> bytes:
    # A C string ends at the first NUL: Monit sees only what comes before it.
    return pattern.encode("utf-8", "surrogateescape").split(b"\0", 1)[0]


@functools.lru_cache(maxsize=4096)
def posix_regex_error(pattern: str) -> str | None:
    """Why ``regcomp(pattern, REG_EXTENDED)`` fails, or None when it compiles.

    Never takes more than a few seconds or a bounded amount of memory: see
    ``MAX_EXPANDED_ATOMS`` and ``IN_PROCESS_ATOMS``.
    """
    size = expanded_size(pattern)
    if size > MAX_EXPANDED_ATOMS:
        return TOO_BIG
    libc = _libc()
    if libc is None:
        return _python_regex_error(pattern)
    if nesting_depth(pattern) > MAX_NESTING:
        # Deep nesting may crash regcomp (it recurses per group): only a child process tries it.
        error = _trial_compile(pattern)
        return TOO_DEEP if error is not None and error.startswith(TOO_BIG) else error
    if size > IN_PROCESS_ATOMS:
        return _trial_compile(pattern)
    # Each in-process compile is bounded (IN_PROCESS_ATOMS: ~0.1 s, ~100 MB at worst), but many
    # distinct ones add up: the run's budget of atoms bounds their sum.  Raised, not returned,
    # so that the cache above never remembers a pattern as refused.
    budget = budgets.current()
    if budget.regex_atoms < size:
        raise RegexBudgetSpent(
            f"not checked: this run's budget for compiling regular expressions ({budgets.MAX_REGEX_ATOMS} atoms) "
            "is spent"
        )
    budget.regex_atoms -= size
    return _regcomp_error(libc, _c_pattern(pattern))


def _regcomp_error(libc: Any, raw: bytes) -> str | None:
    """regcomp in this process: None, or the C library's message."""
    import ctypes

    compiled = ctypes.create_string_buffer(_REGEX_T_BYTES)
    code = libc.regcomp(compiled, raw, REG_EXTENDED)
    if code == 0:
        libc.regfree(compiled)
        return None
    message = ctypes.create_string_buffer(256)
    libc.regerror(code, compiled, message, len(message))
    return message.value.decode("utf-8", "replace") or f"regcomp error {code}"


def _address_space() -> int:
    """This process's current virtual size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm", "rb") as handle:  # a kernel file, not user input
            return int(handle.read(64).split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _trial_compile(pattern: str) -> str | None:
    """regcomp in a forked child limited to ``TRIAL_MEMORY`` more bytes and ``TRIAL_CPU_SECONDS``.

    Where fork or the limits are unavailable, or the trials of this process are
    used up, the pattern is refused as too big rather than compiled unguarded.
    """
    global _trials_left, _trial_seconds_left
    import time

    from monitlint.runtime.parallel import can_fork

    if not can_fork() or _trials_left <= 0 or _trial_seconds_left <= 0:
        return TOO_BIG
    _trials_left -= 1
    began = time.monotonic()
    try:
        return _trial_compile_once(pattern)
    finally:
        _trial_seconds_left -= time.monotonic() - began


def _trial_compile_once(pattern: str) -> str | None:
    import resource
    import time

    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return TOO_BIG
    if pid == 0:  # the child: limit itself, compile, report, leave without the parent's exit handlers
        status = 3
        try:
            os.close(read_end)
            # A crash here is the expected answer for some patterns: no "Fatal Python error" dump
            # (faulthandler, enabled by pytest or PYTHONFAULTHANDLER) in the user's or CI's log.
            import faulthandler

            faulthandler.disable()
            limit = _address_space() + TRIAL_MEMORY
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CPU, (TRIAL_CPU_SECONDS, TRIAL_CPU_SECONDS))
            error = _regcomp_error(_libc(), _c_pattern(pattern))
            os.write(write_end, (error or "").encode("utf-8", "replace")[:512])
            status = 0 if error is None else 1
        finally:
            os._exit(status)
    os.close(write_end)
    deadline = time.monotonic() + TRIAL_CPU_SECONDS * 2
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return TOO_BIG
            time.sleep(0.01)
        report = os.read(read_end, 1024).decode("utf-8", "replace")
    finally:
        os.close(read_end)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return None
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1 and report and report != "Memory exhausted":
        return report
    return f"{TOO_BIG} (compiling it needs more than {TRIAL_MEMORY >> 20} MiB or {TRIAL_CPU_SECONDS} s)"


class PosixRegexError(ValueError):
    """A pattern that Monit's regcomp would refuse (or that is too big to compile safely); one-line message."""


class RegexBudgetSpent(PosixRegexError):
    """The run's budget of regular-expression atoms is spent: the pattern was not compiled (message in words)."""


class PosixRegex:
    """A pattern compiled by the C library's ``regcomp`` (POSIX extended), as Monit compiles it."""

    def __init__(self, pattern: str, compiled: Any, python: re.Pattern[str] | None) -> None:
        self.pattern = pattern
        self._compiled = compiled  # the regex_t buffer, or None with the Python fallback
        self._python = python

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (``regexec``; the text ends at a NUL, as in C)."""
        if self._python is not None:
            return self._python.search(text.split("\0", 1)[0]) is not None
        if self._compiled is None:
            raise ValueError("regular expression already freed")
        raw = text.encode("utf-8", "surrogateescape").split(b"\0", 1)[0]
        return bool(_libc().regexec(self._compiled, raw, 0, None, 0) == 0)

    def close(self) -> None:
        """Free the compiled pattern (also done when the object is collected)."""
        if self._compiled is not None:
            _libc().regfree(self._compiled)
            self._compiled = None

    def __del__(self) -> None:
        self.close()


def compile_regex(pattern: str) -> PosixRegex:
    """Compile ``pattern`` as Monit does, guarded like :func:`posix_regex_error`; PosixRegexError if it fails.

    For the provider, which matches process command lines at run time.
    """
    error = posix_regex_error(pattern)
    if error is not None:
        raise PosixRegexError(error)
    libc = _libc()
    if libc is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return PosixRegex(pattern, None, re.compile(pattern))
    import ctypes

    compiled = ctypes.create_string_buffer(_REGEX_T_BYTES)
    code = libc.regcomp(compiled, _c_pattern(pattern), REG_EXTENDED)
    if code != 0:
        raise PosixRegexError(f"regcomp error {code}")
    return PosixRegex(pattern, compiled, None)


def regex_search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` (POSIX extended, compiled with the guard) matches ``text``; PosixRegexError if invalid."""
    regex = compile_regex(pattern)
    try:
        return regex.search(text)
    finally:
        regex.close()


def _python_regex_error(pattern: str) -> str | None:
    """The fallback: Python's ``re``, with its warnings and non-``re.error`` failures contained."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error as exc:
        return str(exc)
    except (OverflowError, RecursionError, MemoryError, ValueError):
        return TOO_BIG
    return None
